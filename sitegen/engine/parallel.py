"""The engine's one way of working in parallel: a job in a forked process, so that a big build
uses both cores (`forked`; `side_by_side` and `shared_chunks` are made of it).

A forked process inherits the build's data as it is (closures included), and hands its result
back pickled through a pipe. A build forks only where that is safe: where the platform starts
processes by forking (not macOS, whose system libraries do not survive a fork, nor Windows), and
while no other thread runs. A fork copies only the thread that forks; a lock another thread
held (the dev server's, watchdog's, the logging module's) would stay locked forever in the
child. Elsewhere, and in the dev server, the job runs in this process when its result is first
asked for: the same results, one core.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

from sitegen.engine.memory import frozen_for_forks, give_back_free_memory

T = TypeVar("T")
U = TypeVar("U")

CAN_FORK = hasattr(os, "fork") and sys.platform != "darwin"
_held: set[int] = set()  # this process's ends of the pipes of forks under way: a new fork closes them


def may_fork() -> bool:
    """Whether a fork is safe here and now: a platform that forks, and this the only thread."""
    return CAN_FORK and threading.active_count() == 1


class Inbox:
    """A way into a job: this process sends it one value once the job is under way (e.g. what
    it learnt meanwhile), and the job receives it (`forked(job, inbox=...)`): through a pipe
    when the job runs in a forked process, else as it is."""

    def __init__(self) -> None:
        self._reader, self._writer = -1, -1  # the pipe, opened if the job is forked
        self._value: list[object] = []  # where it is not

    def _open(self) -> None:
        self._reader, self._writer = os.pipe()

    def send(self, value: object) -> None:
        if self._writer < 0:
            self._value.append(value)
            return
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        _widen(self._writer, len(data))
        with os.fdopen(self._writer, "wb", closefd=False) as handle:
            handle.write(data)
        self._close_writer()

    def receive(self) -> Any:
        """The value sent (waiting for it); EOFError when the sender ended without sending."""
        if self._reader < 0:
            if not self._value:
                raise EOFError("the build ended without sending the job its input")
            return self._value[0]
        with os.fdopen(self._reader, "rb", closefd=False) as handle:
            data = handle.read()
        if not data:
            raise EOFError("the build ended without sending the forked process its input")
        return pickle.loads(data)

    def _close_writer(self) -> None:
        if self._writer in _held:
            _held.discard(self._writer)
            os.close(self._writer)


class ForkedJobFailed(RuntimeError):
    """A forked job raised an exception that could not be handed back as it is."""


@contextmanager
def forked(
    job: Callable[[], U],
    then: Callable[[], None] | None = None,
    inbox: Inbox | None = None,
    let_go: Callable[[], None] | None = None,
) -> Iterator[Callable[[], U]]:
    """Start `job()` in a forked process; the block gets a function that waits for its result
    (and raises what the job raised). With `then`, the forked process runs `then()` once its
    result is handed over (e.g. to save what it made) while this one goes on; the end of the
    block waits for that. With `inbox`, the job may receive what this process sends it. With
    `let_go`, this process calls `let_go()` once the job is forked, to let go of what only the
    job needs (the forked process has its own copy); where the job runs here, it is not called.

    The result must pickle. A fork costs a few milliseconds: the page tables are copied, the
    pages only when written to. Where a fork is not safe (`may_fork`), the job runs in this
    process when its result is first asked for, and `then` right after.
    """
    if not may_fork():
        yield first_call(lambda: _run_here(job, then))
        return
    if inbox is not None:
        inbox._open()
    reader, writer = os.pipe()
    # The free pages of the C heap would be the forked process's memory too, until it exits
    # (~50 MB at 10,000 papers before the paper pages are shared out).
    give_back_free_memory()
    with frozen_for_forks():
        yield from _fork(job, then, inbox, reader, writer, let_go)


def _fork(
    job: Callable[[], U],
    then: Callable[[], None] | None,
    inbox: Inbox | None,
    reader: int,
    writer: int,
    let_go: Callable[[], None] | None,
) -> Iterator[Callable[[], U]]:
    """`forked`'s work once the collector is frozen: fork, hand the result over, reap."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the forked process; coverage does not follow it
        ends = (reader, *_held, *((inbox._writer,) if inbox is not None else ()))
        for end in ends:  # held here, they would keep a pipe open that should end
            os.close(end)
        _run_forked(job, then, writer)
    os.close(writer)
    _held.add(reader)
    if inbox is not None:
        os.close(inbox._reader)
        _held.add(inbox._writer)
    received: list[tuple[bool, object]] = []

    def result() -> U:
        if not received:
            with os.fdopen(reader, "rb", closefd=False) as handle:
                data = handle.read()
            died = ForkedJobFailed("a forked build process ended without handing its result over")
            received.append(pickle.loads(data) if data else (False, died))
        succeeded, value = received[0]
        if not succeeded:
            raise value  # type: ignore[misc]
        return value  # type: ignore[return-value]

    try:
        if let_go is not None:
            let_go()
        yield result
    finally:
        if inbox is not None:
            inbox._close_writer()  # unsent: the job's receive() ends
        _held.discard(reader)
        os.close(reader)  # a job whose result was not asked for stops at handing it over
        with suppress(ChildProcessError):  # reaped already (e.g. where SIGCHLD is ignored)
            os.waitpid(pid, 0)


def _widen(pipe: int, size: int) -> None:
    """Let the pipe hold `size` bytes where the system allows (Linux: up to 1 MB by default), so
    that writing them does not wait for the other process to start reading."""
    try:
        import fcntl

        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, min(max(size, 1 << 16), _pipe_max_size()))
    except (ImportError, AttributeError, OSError):
        pass  # the write then waits for the reader, which is slower, not wrong


def _pipe_max_size() -> int:
    try:
        return int(Path("/proc/sys/fs/pipe-max-size").read_text())
    except (OSError, ValueError):
        return 1 << 16


def _run_forked(  # pragma: no cover - runs in the forked process
    job: Callable[[], U], then: Callable[[], None] | None, writer: int
) -> None:
    """The forked process: run the job, hand its result (or exception) over, then `then()`; it
    never returns into the code that forked it."""
    code = 0
    try:
        try:
            outcome: tuple[bool, object] = (True, job())
        except BaseException as exc:  # handed to the waiting process, which raises it
            outcome, code = (False, exc), 1
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as problem:  # e.g. an exception holding something that does not pickle
            failed = ForkedJobFailed(f"{outcome[1]!r} could not be handed over: {problem}")
            data, code = pickle.dumps((False, failed), protocol=pickle.HIGHEST_PROTOCOL), 1
        with os.fdopen(writer, "wb") as handle:
            handle.write(data)
        if then is not None and code == 0:
            _yield_the_cpu()  # what is left is background work: the build's processes go first
            then()
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _yield_the_cpu() -> None:  # pragma: no cover - runs in the forked process
    with suppress(AttributeError, OSError):
        os.nice(10)


def _run_here(job: Callable[[], U], then: Callable[[], None] | None) -> U:
    value = job()
    if then is not None:
        then()
    return value


def first_call(make: Callable[[], U]) -> Callable[[], U]:
    """`make`, run on the first call only; later calls return (or raise) what it did then."""
    made: list[tuple[bool, Any]] = []

    def first() -> U:
        if not made:
            try:
                made.append((True, make()))
            except BaseException as exc:
                made.append((False, exc))
        succeeded, value = made[0]
        if not succeeded:
            raise value
        return value

    return first


def side_by_side(here: Callable[[], T], there: Callable[[], U]) -> tuple[T, U]:
    """`here()` in this process while `there()` runs in a forked one, using both cores."""
    with forked(there) as theirs:
        return here(), theirs()


def shared_chunks(items: Sequence[T], size: int) -> Callable[[], Iterator[Sequence[T]]]:
    """Work for this process and a forked one: each yields the next unclaimed chunk of `items`
    until none is left, so neither waits while the other still has much to do."""
    from multiprocessing import Value  # shared memory, inherited through fork

    claimed = Value("l", 0)

    def chunks() -> Iterator[Sequence[T]]:
        while True:
            with claimed.get_lock():
                start = claimed.value
                claimed.value = start + size
            if start >= len(items):
                return
            yield items[start : start + size]

    return chunks
