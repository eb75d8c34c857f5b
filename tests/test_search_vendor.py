"""lunr.js ships inside the package, unmodified, and its provenance is recorded."""

from __future__ import annotations

import hashlib
import re

from tests.conftest import REPO, node_tool

VENDOR = REPO / "sitegen" / "vendor"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_vendored_lunr_is_the_recorded_npm_release() -> None:
    source = (VENDOR / "SOURCE.md").read_text(encoding="utf-8")
    recorded = re.search(r"SHA-256 of `lunr\.js`: `([0-9a-f]{64})`", source)
    assert recorded, "SOURCE.md must record the SHA-256 of lunr.js"
    assert "2.3.9" in source and "npm" in source
    vendored = (VENDOR / "lunr.js").read_bytes()
    assert sha256(vendored) == recorded.group(1)
    assert sha256(node_tool("lunr", "lunr.js").read_bytes()) == recorded.group(1)
    assert b'lunr.version = "2.3.9"' in vendored


def test_lunr_licence_ships_with_it() -> None:
    licence = (VENDOR / "LICENSE").read_text(encoding="utf-8")
    assert "Oliver Nightingale" in licence and "Permission is hereby granted" in licence
