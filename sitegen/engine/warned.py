"""Warnings a paper file gives every build until it is mended, though the engine keeps an
unchanged paper unread: the cache folder lists the files that gave some when last read, and only
those are read again (none, nearly always)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from sitegen.atomic import replace_atomically
from sitegen.errors import Problem
from sitegen.model import Paper

WARNED_FILE = "warned-papers.json"  # in the cache folder: the paths of the files that warned


def paper_warnings(
    cache_dir: Path | None, read: Sequence[Paper], warnings_of: Callable[[str], tuple[Problem, ...]]
) -> tuple[Problem, ...]:
    """Every paper file's warnings, in the order of their paths: those of the papers `read` this
    build (Paper.warnings), and `warnings_of(path)` for each file listed last time that was not."""
    found = {paper.path: paper.warnings for paper in read if paper.warnings}
    read_paths = {paper.path for paper in read}
    record = cache_dir / WARNED_FILE if cache_dir is not None else None
    listed = _listed(record)
    for path in listed:
        if path not in read_paths and (warnings := warnings_of(path)):
            found[path] = warnings
    if record is not None and sorted(found) != listed:
        _list(record, sorted(found))
    return tuple(warning for path in sorted(found) for warning in found[path])


def _listed(record: Path | None) -> list[str]:
    try:
        listed = json.loads(record.read_bytes()) if record is not None else []
    except (OSError, ValueError):
        return []  # no list yet, or a damaged one: the papers read this build are warned of
    return sorted(str(item) for item in listed) if isinstance(listed, list) else []


def _list(record: Path, paths: list[str]) -> None:
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        replace_atomically(record, lambda file: file.write(json.dumps(paths).encode()))
    except OSError:
        pass  # then the next build warns only of the files it reads
