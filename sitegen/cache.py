"""A content-hash cache of parsed papers, kept between builds in the cache folder.

Safe to delete; ignored when written by another sitegen or Python version.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

from sitegen import __version__

# A cache from another version of sitegen or Python may hold objects of another shape.
STAMP = f"sitegen {__version__} python {sys.version_info[:2]}"


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class ParsedCache:
    """Maps a key (a file's content digest) to what parsing it produced."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, Any] = {}
        self.used: set[str] = set()
        self.changed = False
        if path is not None:
            self.entries = _read(path)

    def get(self, key: str) -> Any | None:
        value = self.entries.get(key)
        if value is not None:
            self.used.add(key)
        return value

    def put(self, key: str, value: Any) -> None:
        self.entries[key] = value
        self.used.add(key)
        self.changed = True

    def save(self) -> None:
        """Keep only what this run used, so the cache does not grow without bound."""
        if self.path is None:
            return
        stale = self.entries.keys() - self.used
        if not self.changed and not stale:
            return
        kept = {key: self.entries[key] for key in self.used}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump((STAMP, kept), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, self.path)
        self.entries, self.changed = kept, False


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            stamp, entries = pickle.load(handle)
    except (OSError, EOFError, pickle.PickleError, ValueError, TypeError, AttributeError, ImportError):
        return {}
    return entries if stamp == STAMP and isinstance(entries, dict) else {}
