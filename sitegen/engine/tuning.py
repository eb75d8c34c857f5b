"""When the engine's speed machinery comes in: public, so that a test can send a small site
down every path a big one takes (instead of patching module constants)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tuning:
    """When the engine's speed machinery comes in (see the module's docstring)."""

    parallel_from: int = 400  # papers (or outputs to make) before a second process pays for itself
    related_save_after: int = 8  # papers whose text changed since the related index was saved: saved again
    full_every: int = 100  # builds that work from the last one; then one looks at every paper again


DEFAULT_TUNING = Tuning()
