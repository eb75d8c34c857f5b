"""The whole policy for Python's cyclic garbage collector (builds and imports), in one place.

A build makes millions of small objects and frees nearly all of them by reference counting; the
cyclic collector, which exists for the few cycles, would otherwise walk them all again and again.
Three rules, each for its own reason:
- during a build, and while an import describes the library's pages, no full collections
  (`no_full_collections`): each walks every object the build holds to find next to nothing (at
  10,000 papers, 8 of them cost ~0.65 s of a cold build, and ~1.5 s of an import); the younger
  generations still collect the few, young cycles;
- while a cache file is unpickled, no collection at all (`collector_paused`): it would run over
  and over while the unpickling makes millions of objects none of which is garbage; and after,
  what it made goes straight to the oldest generation, which only full collections walk: the
  young ones would walk each of those objects twice more on their way there (~15 ms of a
  one-paper edit at 10,000 papers, for nothing: they live as long as the build);
- while a forked process runs, every object is frozen (`frozen_for_forks`): a collection would
  write to every page the two processes share, copying them all.
And one rule for the C allocator: after a large file is made of many small pieces (a data file
of a chunk per paper), the memory they held is handed back to the system (`give_back_free_memory`).
glibc keeps freed small blocks in its heap for reuse, and the process's resident memory stays at
its highest: at 10,000 papers the data files left ~60 MB of free heap in the main process, and a
cold read ~17 MB, which every process it forks later starts with.
Each puts the collector back as it found it, also when the build fails: the dev server lives on.
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

_forks = 0  # forks under way: the collector stays frozen until the last one ends


@contextmanager
def no_full_collections() -> Iterator[None]:
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], 1 << 30)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


@contextmanager
def collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        _to_the_oldest_generation()
        if enabled:
            gc.enable()


def _to_the_oldest_generation() -> None:
    """Move every object the collector tracks to its oldest generation (freezing and unfreezing
    moves them there at once, without walking them); while forks run they stay frozen, to be
    unfrozen with the rest when the last one ends."""
    gc.freeze()
    if _forks == 0:
        gc.unfreeze()


@contextmanager
def frozen_for_forks() -> Iterator[None]:
    global _forks
    if _forks == 0:
        gc.freeze()
    _forks += 1
    try:
        yield
    finally:
        _forks -= 1
        if _forks == 0:
            gc.unfreeze()


def give_back_free_memory() -> None:
    """Return the free pages of the C heap to the system (glibc's `malloc_trim`; elsewhere nothing)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:  # the symbols of the process itself, the C library's among them (no search for its file)
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc (macOS, musl), or no such loading (Windows)
        return None
    return trim
