"""Work handed to a forked process: its result, its errors, a block that ends without it; and
no fork at all while another thread runs (the dev server's case)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sitegen.engine.parallel import CAN_FORK, Inbox, forked, side_by_side
from sitegen.errors import SitegenError

# A job or a block that waits forever fails in seconds, not at the suite's 300 s limit.
pytestmark = [pytest.mark.timeout(30)]
needs_fork = pytest.mark.skipif(not CAN_FORK, reason="no fork here: the jobs run in this process")


@contextmanager
def another_thread() -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, name="another")
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@needs_fork
def test_a_forked_job_hands_back_its_result_from_another_process() -> None:
    here = os.getpid()
    with forked(lambda: (os.getpid(), "x" * 1_000_000)) as result:
        pid, big = result()
    assert pid != here and big == "x" * 1_000_000  # larger than a pipe's buffer
    assert side_by_side(lambda: 1, lambda: 2) == (1, 2)


@needs_fork
def test_a_forked_job_s_error_is_raised_where_its_result_is_asked_for() -> None:
    def failing() -> None:
        raise SitegenError("the job failed", path="content/papers/x.md", line=3)

    with forked(failing) as result, pytest.raises(SitegenError, match="the job failed") as raised:
        result()
    assert raised.value.problems[0].line == 3


@needs_fork
def test_then_runs_after_the_result_is_handed_over_and_the_block_waits_for_it(tmp_path: Path) -> None:
    marker = tmp_path / "saved"

    def save() -> None:
        assert not marker.exists()
        marker.write_text("saved")

    with forked(lambda: "lists", then=save) as result:
        assert result() == "lists"
    assert marker.read_text() == "saved"


@needs_fork
def test_a_block_that_ends_without_asking_leaves_no_process_waiting(tmp_path: Path) -> None:
    marker = tmp_path / "saved"
    with forked(lambda: "y" * 1_000_000, then=lambda: marker.write_text("saved")), forked(lambda: 2):
        pass  # both results unread: neither job may hang on its pipe
    assert not marker.exists(), "a result not handed over is not followed by `then`"


@needs_fork
def test_a_forked_job_receives_what_this_process_sends_it_once_under_way() -> None:
    inbox = Inbox()
    with forked(lambda: sorted(inbox.receive())[-1] * 2, inbox=inbox) as result:
        inbox.send({1, 2, 21})  # learnt after the fork
        assert result() == 42


@needs_fork
def test_a_forked_job_waiting_for_what_is_never_sent_ends_when_the_block_does() -> None:
    inbox = Inbox()
    with forked(inbox.receive, inbox=inbox), forked(lambda: "other"):  # the second holds no copy of the pipe
        pass  # nothing sent, no result asked for: the end of the block must not wait forever


@needs_fork
def test_this_process_lets_go_of_what_only_a_forked_job_needs() -> None:
    held = {"words": "w" * 1_000}

    def let_go() -> None:
        held.clear()

    with forked(lambda: len(held["words"]), let_go=let_go) as result:
        assert not held  # let go here once forked
        assert result() == 1_000  # the job's copy is whole


def test_a_job_run_here_keeps_what_it_needs(monkeypatch) -> None:
    held = {"words": "w" * 1_000}
    with another_thread(), forked(lambda: len(held["words"]), let_go=held.clear) as result:
        assert result() == 1_000 and held


def test_while_another_thread_runs_nothing_forks_and_the_jobs_run_here(monkeypatch) -> None:
    def no_fork() -> int:
        raise AssertionError("forked while another thread runs")

    monkeypatch.setattr(os, "fork", no_fork)
    here, inbox = os.getpid(), Inbox()
    with another_thread(), forked(lambda: (os.getpid(), inbox.receive()), inbox=inbox) as result:
        inbox.send("sent")
        assert result() == (here, "sent")
        assert side_by_side(lambda: 1, lambda: 2) == (1, 2)


def test_a_build_with_another_thread_alive_never_forks(sample_project, monkeypatch) -> None:
    """The dev server builds while its HTTP and watcher threads run: a big site there must not fork."""
    from sitegen.build import Tuning, build_site
    from sitegen.config import load_config

    def no_fork() -> int:
        raise AssertionError("forked while another thread runs")

    with another_thread():
        monkeypatch.setattr(os, "fork", no_fork)
        report = build_site(
            load_config(sample_project / "site.yaml"),
            sample_project / "public",
            tuning=Tuning(parallel_from=1),
        )
    assert report.papers == 12 and report.pages_rendered > 0


@pytest.mark.parametrize("failure", [OSError, AttributeError, TypeError])
def test_free_memory_is_kept_where_the_c_library_has_no_malloc_trim(monkeypatch, failure) -> None:
    """macOS and musl have no malloc_trim, Windows loads no process symbols: the build goes on."""
    import ctypes

    from sitegen.engine import memory

    def no_trim(name: object) -> object:
        raise failure("no malloc_trim here")

    memory._malloc_trim.cache_clear()
    monkeypatch.setattr(ctypes, "CDLL", no_trim)
    try:
        memory.give_back_free_memory()
        assert memory._malloc_trim() is None
    finally:
        memory._malloc_trim.cache_clear()


def test_free_memory_is_handed_back_with_glibc_s_malloc_trim() -> None:
    import platform

    from sitegen.engine import memory

    memory._malloc_trim.cache_clear()
    if platform.libc_ver()[0] == "glibc":
        assert memory._malloc_trim() is not None
    memory.give_back_free_memory()
