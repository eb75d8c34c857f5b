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
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from typing_extensions import Self  # typing.Self is Python 3.11+
from sitegen.digests import digest
from sitegen.engine.store import OutputEntry
from sitegen.errors import SitegenError

MARKER = ".sitegen-output"  # marks a folder sitegen built, so it may replace it
STALE_AFTER_SECONDS = 3600
SET_ASIDE_FROM = 1 << 20  # bytes: a replaced file this big is left for a later build to delete
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
        self._folders: set[str] = set()  # made in the staging folder

    def __enter__(self) -> Self:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self._remove_leftovers()
        self._temp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.building-", dir=self.out.parent))
        self._temp.chmod(0o777 & ~_umask())  # mkdtemp makes it private; the site is for publishing
        self._folders = {""}
        self.write(MARKER, MARKER_TEXT)
        return self

    def write(self, relative: str, data: bytes) -> None:
        target = self._target(relative)
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

    def _target(self, relative: str) -> Path:
        """Where a file goes in the staging folder, which is created; never outside it."""
        assert self._temp is not None, "write() outside the with-block"
        # Checked by its parts, not resolved: the staging folder is ours and holds no symlinks,
        # and resolving costs several system calls for each of ~10,000 files.
        folder = relative.rpartition("/")[0]
        if relative.startswith("/") or not set(relative.split("/")).isdisjoint(("", ".", "..")):
            raise SitegenError(f"refusing to write {relative!r} outside the output", hint="rename the file")
        if folder not in self._folders:
            (self._temp / folder).mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        return self._temp / relative

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


Piece = bytes | tuple[int, int]  # new bytes, or the range (start, end) of another file


@dataclass(frozen=True)
class Patched:
    """A file made of ranges of another (`source`: a file of the previous output) and new bytes;
    written by copying the ranges file to file in the kernel where it can, never read whole (a
    one-paper edit changes ~2 KB of the 24 MB papers.json of 10,000 papers)."""

    source: Path
    pieces: tuple[Piece, ...]

    @property
    def size(self) -> int:
        return sum(len(piece) if isinstance(piece, bytes) else piece[1] - piece[0] for piece in self.pieces)

    @property
    def unchanged(self) -> bool:
        """Whether it is its source from the start on (all of it, when of the source's size)."""
        return len(self.pieces) == 1 and isinstance(self.pieces[0], tuple) and self.pieces[0][0] == 0

    def read(self) -> bytes:
        with self.source.open("rb") as source:
            return b"".join(_piece(source, piece) for piece in self.pieces)

    def write(self, target: Path) -> None:
        with self.source.open("rb", buffering=0) as source, target.open("wb", buffering=0) as out:
            for piece in self.pieces:
                if isinstance(piece, bytes):
                    out.write(piece)
                else:
                    _copy_range(source, out, *piece)


def _piece(source: BinaryIO, piece: Piece) -> bytes:
    if isinstance(piece, bytes):
        return piece
    source.seek(piece[0])
    data = source.read(piece[1] - piece[0])
    if len(data) != piece[1] - piece[0]:
        raise SitegenError(f"{source.name} changed during the build", hint="build again")
    return data


def _copy_range(source: BinaryIO, out: BinaryIO, start: int, end: int) -> None:
    """Append `source`'s bytes from `start` to `end` to `out`: in the kernel where it can (Linux),
    else through this process."""
    position = start
    try:
        while position < end:
            copied = os.copy_file_range(source.fileno(), out.fileno(), end - position, position)
            if copied == 0:
                break
            position += copied
    except (AttributeError, OSError):  # no copy_file_range, or not between these files
        pass
    if position < end:
        out.write(_piece(source, (position, end)))


def delete_set_aside(folder: Path | None) -> None:
    """Delete the files that earlier builds set aside in `folder` (see ManifestOutput)."""
    with suppress(OSError):
        for made in list(folder.iterdir()) if folder is not None else ():
            shutil.rmtree(made, ignore_errors=True)


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


class ManifestOutput(StagedOutput):
    """Writes only the files whose bytes changed, judged by the previous build's manifest (never by
    reading the old files); `reuse(path, inputs)` skips even rendering a file made from the same inputs.

    With a `previous` manifest that `trusted_manifest` checked against the disk, changed files are
    staged beside the output and moved in, each atomically, once every page has rendered (a failed
    build changes nothing) or as `publish` is called, and files no longer built are removed.
    Without one, the whole output is staged and swapped in, as `StagedOutput` does. `manifest`
    then describes the new output.
    """

    def __init__(self, out: Path, previous: TrustedManifest | None, set_aside: Path | None = None) -> None:
        super().__init__(out)
        self.previous = previous
        self.set_aside = set_aside  # where big files it replaces go, for a later build to delete
        self._set_aside_here: Path | None = None  # this build's folder in there, made on first use
        self.manifest: dict[str, OutputEntry] = {}
        self._staged: dict[str, OutputEntry] = {}  # output path -> entry before its mtime is known
        self._published: set[str] = set()  # staged files already moved in
        # What the end of the block put in place: moved-in and removed paths; None: the whole output.
        self.put_in_place: frozenset[str] | None = None

    def reuse(self, relative: str, inputs: str) -> bool:
        """Keep the file `relative` if the previous output holds it as made from `inputs`."""
        entry = self._made_from(relative, inputs)
        if entry is not None:
            self._keep(relative, entry)
        return entry is not None

    def reuse_all(self, paths: Iterable[str], inputs: str) -> bool:
        """Keep the files of `paths` if the previous output holds every one as made from `inputs`."""
        found = [(relative, self._made_from(relative, inputs)) for relative in paths]
        if any(entry is None for _, entry in found):
            return False
        for relative, entry in found:
            self._keep(relative, entry)  # type: ignore[arg-type]
        return True

    def _made_from(self, relative: str, inputs: str) -> OutputEntry | None:
        """The previous output's entry for `relative`, if it was made from `inputs`."""
        entry = self.previous.entries.get(relative) if self.previous else None
        return entry if entry is not None and entry.inputs == inputs else None

    def write(self, relative: str, data: bytes | Patched, inputs: str = "") -> None:
        entry = self.previous.entries.get(relative) if self.previous else None
        if isinstance(data, Patched):
            self._write_patched(relative, data, inputs, entry)
            return
        # A digest only when the size is the same: a file of another size has other bytes, and
        # the digest of a 24 MB data file costs as much as writing it. One not made is "".
        signature = digest(data) if entry is not None and entry.size == len(data) else ""
        if entry is not None and signature and self._same(relative, entry, signature, data):
            self._keep(relative, entry._replace(inputs=inputs))
            return
        if self.previous is None:
            super().write(relative, data)
        else:
            self._stage(relative, data)
        self._staged[relative] = OutputEntry(inputs, signature, len(data), 0)

    def _write_patched(self, relative: str, patched: Patched, inputs: str, entry: OutputEntry | None) -> None:
        """A patch of a file the previous build left: kept when it changes nothing, else staged
        without its digest (which would read it all)."""
        if entry is not None and patched.unchanged and patched.size == entry.size:
            self._keep(relative, entry._replace(inputs=inputs))
            return
        if self.previous is None:  # no trusted previous output to patch: written as bytes
            super().write(relative, patched.read())
        else:
            self._stage(relative, patched)
        self._staged[relative] = OutputEntry(inputs, "", patched.size, 0)

    def _same(self, relative: str, entry: OutputEntry, signature: str, data: bytes) -> bool:
        """Whether the file the previous build left (as it left it: a trusted entry) holds `data`."""
        if entry.digest:
            return entry.digest == signature
        return _same_bytes(self.out / relative, data)  # its digest was not made

    def publish(self) -> frozenset[str] | None:
        """Move in the files staged so far, so they are served while the build goes on, and
        return their paths; None (nothing moved) when the whole output is swapped in at the end."""
        if self.previous is None or self._temp is None:
            return None
        return self._move_staged(self._temp)

    def start_tally(self) -> None:
        """In a forked process: count only the files it writes from here on."""
        self.written = self.unchanged = self.total_bytes = 0
        self.manifest, self._staged = {}, {}

    def tally(self) -> Tally:
        return Tally(self.written, self.unchanged, self.total_bytes, self.manifest, self._staged)

    def add_tally(self, tally: Tally) -> None:
        """Count what a forked process wrote into the same staging folder."""
        self.written += tally.written
        self.unchanged += tally.unchanged
        self.total_bytes += tally.total_bytes
        self.manifest.update(tally.manifest)
        self._staged.update(tally.staged)

    def _keep(self, relative: str, entry: OutputEntry) -> None:
        self.manifest[relative] = entry
        self.unchanged += 1
        self.total_bytes += entry.size

    def _stage(self, relative: str, data: bytes | Patched) -> None:
        self._published.discard(relative)
        target = self._target(relative)
        if isinstance(data, Patched):
            data.write(target)
        else:
            target.write_bytes(data)
        self.written += 1
        self.total_bytes += data.size if isinstance(data, Patched) else len(data)

    def _swap(self, staged: Path) -> None:
        if self.previous is None:
            super()._swap(staged)
        else:
            self._move_in(staged, self.previous)
        for relative, entry in self._staged.items():
            self.manifest[relative] = entry._replace(mtime_ns=(self.out / relative).stat().st_mtime_ns)

    def _move_staged(self, staged: Path) -> frozenset[str]:
        moved = frozenset(self._staged.keys() - self._published)
        for relative in moved:
            target = self.out / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            self._put_aside(relative, target)
            os.replace(staged / relative, target)
        self._published.update(moved)
        return moved

    def _put_aside(self, relative: str, target: Path) -> None:
        """Link a big file about to be replaced into the set-aside folder, so that replacing it
        frees no disk space yet: on some disks that costs ~0.6 ms a MB (~40 ms for the 35 MB of
        data files a one-paper edit replaces at 10,000 papers), which `delete_set_aside` spends
        in a later build, in the background."""
        entry = self.previous.entries.get(relative) if self.previous else None
        if self.set_aside is None or entry is None or entry.size < SET_ASIDE_FROM:
            return
        try:
            if self._set_aside_here is None:
                self.set_aside.mkdir(parents=True, exist_ok=True)
                self._set_aside_here = Path(tempfile.mkdtemp(dir=self.set_aside))
            os.link(target, self._set_aside_here / relative.replace("/", "%"))
        except OSError:
            pass  # e.g. on another filesystem: the replacing frees the space now

    def _move_in(self, staged: Path, previous: TrustedManifest) -> None:
        moved = self._move_staged(staged)
        removed = previous.present - self.manifest.keys() - self._staged.keys()
        for relative in removed:
            (self.out / relative).unlink(missing_ok=True)
            _remove_empty_parents(self.out, Path(relative).parent)
        shutil.rmtree(staged, ignore_errors=True)
        self.put_in_place = moved | removed


@dataclass(frozen=True)
class Tally:
    written: int
    unchanged: int
    total_bytes: int
    manifest: dict[str, OutputEntry]
    staged: dict[str, OutputEntry]


@dataclass(frozen=True)
class TrustedManifest:
    entries: dict[str, OutputEntry]  # the files still exactly as the previous build left them
    present: frozenset[str]  # every file in the output now


# Path in the output, size, mtime: plain tuples, which a forked scan hands over ~20x faster than stats.
OutputFiles = list[tuple[str, int, int]]


def output_files(out: Path) -> OutputFiles | None:
    """Every file of an output folder sitegen built, with its size and mtime; None for any other folder."""
    out = out.resolve()
    if not (out / MARKER).is_file():
        return None
    return list(_files_under(str(out), ""))


def trusted_manifest(manifest: dict[str, OutputEntry], files: OutputFiles | None) -> TrustedManifest | None:
    """The previous build's manifest, less the files changed since (by size and mtime), given the
    output's `files` as `output_files` found them; None when the output was not built by sitegen."""
    if not manifest or files is None:
        return None
    entries, present = {}, []
    for relative, size, mtime_ns in files:
        present.append(relative)
        entry = manifest.get(relative)
        if entry is not None and (entry.size, entry.mtime_ns) == (size, mtime_ns):
            entries[relative] = entry
    return TrustedManifest(entries, frozenset(present))


def _files_under(folder: str, prefix: str) -> Iterator[tuple[str, int, int]]:
    """Every file below `folder` as (path relative to the top, size, mtime), symlinks not followed."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from _files_under(entry.path, f"{prefix}{entry.name}/")
            else:
                status = entry.stat(follow_symlinks=False)
                yield f"{prefix}{entry.name}", status.st_size, status.st_mtime_ns


def _remove_empty_parents(root: Path, folder: Path) -> None:
    while folder.parts:
        try:
            (root / folder).rmdir()
        except OSError:
            return
        folder = folder.parent
