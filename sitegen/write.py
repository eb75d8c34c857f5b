"""Writing the output atomically: files go to a temporary sibling folder, swapped in on success.

A failed build leaves the previous output as it was. Files whose bytes did not change are
hard-linked from the previous output, keeping their modification time (and sparing the disk).
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
import time
from pathlib import Path
from types import TracebackType

from sitegen.errors import SitegenError

MARKER = ".sitegen-output"  # marks a folder sitegen built, so it may replace it
STALE_AFTER_SECONDS = 3600
MARKER_TEXT = b"This folder is built by `sitegen build` and replaced whole on every build; do not edit.\n"


def check_output_folder(out: Path, *, root: Path, keep: tuple[Path, ...]) -> None:
    """Refuse an output folder whose replacement would destroy the project or someone's files.

    `root` is the project folder; `keep` the folders the output must not hold or lie in (content,
    templates). All paths are resolved.
    """
    out = out.resolve()
    clashes = [root] if out == root or root.is_relative_to(out) else []
    clashes += [path for path in keep if out == path or path.is_relative_to(out) or out.is_relative_to(path)]
    if clashes:
        raise SitegenError(
            f"refusing to build into {out}: it is, holds or lies inside {clashes[0]}",
            key="paths.output",
            hint="choose a separate folder such as `public` (or pass --out DIR)",
        )
    if out.exists() and not out.is_dir():
        raise SitegenError(
            f"the output {out} is a file", key="paths.output", hint="remove it or choose a folder"
        )
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise SitegenError(
            f"refusing to replace {out}: it is not empty and was not built by sitegen",
            key="paths.output",
            hint="empty it, or choose another folder with --out",
        )


class StagedOutput:
    """`with StagedOutput(out) as staged: staged.write(path, data)`; swapped in when the block succeeds."""

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()
        self.written = 0
        self.unchanged = 0
        self.total_bytes = 0
        self._temp: Path | None = None

    def __enter__(self) -> StagedOutput:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self._remove_leftovers()
        self._temp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.building-", dir=self.out.parent))
        self._temp.chmod(0o777 & ~_umask())  # mkdtemp makes it private; the site is for publishing
        self.write(MARKER, MARKER_TEXT)
        return self

    def write(self, relative: str, data: bytes) -> None:
        assert self._temp is not None, "write() outside the with-block"
        target = self._temp / relative
        if not target.resolve().is_relative_to(self._temp):
            raise SitegenError(f"refusing to write {relative!r} outside the output", hint="rename the file")
        target.parent.mkdir(parents=True, exist_ok=True)
        self.total_bytes += len(data)
        previous = self.out / relative
        if _same_bytes(previous, data):
            try:
                os.link(previous, target)
                self.unchanged += 1
                return
            except OSError:
                pass  # e.g. a filesystem without hard links: write a copy
        target.write_bytes(data)
        self.written += 1

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        assert self._temp is not None
        if kind is not None:
            shutil.rmtree(self._temp, ignore_errors=True)
            return
        self._swap(self._temp)

    def _remove_leftovers(self) -> None:
        """Folders an interrupted build left beside the output (a build in progress is recent)."""
        stale_before = time.time() - STALE_AFTER_SECONDS
        for folder in self.out.parent.glob(f".{glob.escape(self.out.name)}.*-*"):
            is_ours = folder.name.split(".")[-1].startswith(("building-", "old-"))
            if is_ours and folder.is_dir() and folder.stat().st_mtime < stale_before:
                shutil.rmtree(folder, ignore_errors=True)

    def _swap(self, staged: Path) -> None:
        old = None
        if self.out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.old-", dir=self.out.parent))
            os.replace(self.out, old / "output")
        os.replace(staged, self.out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False
