"""Replacing a file atomically: its new bytes go to a temporary file beside it, renamed over it
(or, to create a file only where there is none, linked into place).

A reader (or a build that was killed meanwhile) sees the old file or the new one, never a torn
one. The one helper for every file sitegen replaces or creates on its own (paper files, the
import state, the build's cache, a new project's files); the output folder is switched whole, by
sitegen.write.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def temporary_beside(path: Path, fill: Callable[[BinaryIO], object], mode: int | None = None) -> Path:
    """A new file beside `path` (in its folder, so renaming it over `path` is atomic), written by
    `fill`, with permissions `mode` (else the private ones of a temporary file); removed again
    if writing fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            fill(stream)
        if mode is not None:
            os.chmod(temporary, mode)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def replace_atomically(path: Path, fill: Callable[[BinaryIO], object], mode: int | None = None) -> None:
    """Write `path` anew with what `fill` writes, atomically."""
    temporary = temporary_beside(path, fill, mode)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def create_atomically(path: Path, fill: Callable[[BinaryIO], object]) -> bool:
    """Write `path` with what `fill` writes unless something is there (also if it appeared
    meanwhile): True if written. Linked into place from a temporary file, so never seen half
    written; where links cannot be made (FAT, some network filesystems), created exclusively."""
    if os.path.lexists(path):
        return False
    temporary = temporary_beside(path, fill, file_mode(path))
    try:
        os.link(temporary, path)
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        with path.open("xb") as stream:
            fill(stream)
    finally:
        temporary.unlink(missing_ok=True)
    return True


def file_mode(path: Path) -> int:
    """The file's current mode, or what a new file gets under the user's umask (for
    `temporary_beside`, whose own files are private)."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
