"""The one digest every content-keyed store, input and file comparison uses."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

DIGEST_BYTES = 16  # 128 bits: short, fast, and no collision in any site's lifetime


def digest(data: bytes) -> str:
    """A BLAKE2b digest of DIGEST_BYTES, as hex."""
    return hashlib.blake2b(data, digest_size=DIGEST_BYTES).hexdigest()


def digest_of_pieces(pieces: Iterable[bytes]) -> str:
    """`digest` of the pieces joined, never joined in memory (a data file of ~250 MB)."""
    hasher = hashlib.blake2b(digest_size=DIGEST_BYTES)
    for piece in pieces:
        hasher.update(piece)
    return hasher.hexdigest()
