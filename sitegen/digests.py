"""The one digest every content-keyed store, input and file comparison uses."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def digest(data: bytes) -> str:
    """A 128-bit BLAKE2b digest, as hex: short, fast, and no collision in any site's lifetime."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def digest_of_pieces(pieces: Iterable[bytes]) -> str:
    """`digest` of the pieces joined, never joined in memory (a data file of ~250 MB)."""
    hasher = hashlib.blake2b(digest_size=16)
    for piece in pieces:
        hasher.update(piece)
    return hasher.hexdigest()
