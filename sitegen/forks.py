"""Work shared with a forked process, so that a big build uses both cores.

A forked process inherits the build's data as it is (closures included), and hands its result
back pickled through a pipe. Where fork is unavailable, the work runs in this process.
"""

from __future__ import annotations

import gc
import os
import pickle
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")
U = TypeVar("U")

CAN_FORK = hasattr(os, "fork")
_frozen = 0  # forks under way: the collector stays frozen until the last one ends
_readers: set[int] = set()  # this process's ends of the pipes of forks under way


class ForkedJobFailed(RuntimeError):
    """A forked job raised an exception that could not be handed back as it is."""


@contextmanager
def forked(job: Callable[[], U], then: Callable[[], None] | None = None) -> Iterator[Callable[[], U]]:
    """Start `job()` in a forked process; the block gets a function that waits for its result
    (and raises what the job raised). With `then`, the forked process runs `then()` once its
    result is handed over (e.g. to save what it made) while this one goes on; the end of the
    block waits for that.

    The result must pickle. A fork costs a few milliseconds: the page tables are copied, the
    pages only when written to.
    """
    if not CAN_FORK:
        yield lambda: _run_here(job, then)
        return
    reader, writer = os.pipe()
    _freeze()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the forked process; coverage does not follow it
        for end in (reader, *_readers):  # held here, they would keep another fork's pipe open
            os.close(end)
        _run_forked(job, then, writer)
    os.close(writer)
    _readers.add(reader)
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
        yield result
    finally:
        _readers.discard(reader)
        os.close(reader)  # a job whose result was not asked for stops at handing it over
        os.waitpid(pid, 0)
        _unfreeze()


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
            then()
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _run_here(job: Callable[[], U], then: Callable[[], None] | None) -> U:
    value = job()
    if then is not None:
        then()
    return value


def _freeze() -> None:
    """The collector would otherwise write to every page the processes share, copying them all."""
    global _frozen
    if _frozen == 0:
        gc.freeze()
    _frozen += 1


def _unfreeze() -> None:
    global _frozen
    _frozen -= 1
    if _frozen == 0:
        gc.unfreeze()


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
