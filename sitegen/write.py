"""Writing the output: the next version of the site is assembled beside it and switched in whole.

The output folder (`public/`) is at every instant either the complete old site or the complete
new one, even when the build is killed: the new version is assembled in a folder beside it, and
the two folders trade places in one atomic step (Linux `renameat2(RENAME_EXCHANGE)`). The old
version is then kept beside the output (`.public.previous/`) to assemble the next version from:
its unchanged files are hard links to the live output's, so a one-paper edit moves in only the
files that changed and links again only those that changed in the build before.

Where that exchange is unavailable (another system, some network filesystems) the switch is two
renames, with an instant in between when the output is missing; a build killed right then leaves
the complete new version beside it, and the next build puts it in place first (`recover_output`).

Beside an output `public/`:

    .public.previous/          the site before the last build's (sharing files with public/)
    .public.building-XXXX/     a build's folder, locked while it runs (else a leftover of a
                               killed build, which the next build removes):
        site/                  the next version, begun from .public.previous/
        new/                   the files an incremental build wrote, moved into site/ when it
                               publishes
        old/                   the old version between the two renames of the fallback switch

Nothing is ever written through an existing file there: the next version's files may be hard
links to the live output's, so every file is replaced by a new one (or a new link), never opened
for writing.
"""

from __future__ import annotations

import errno
import glob
import os
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from typing_extensions import Self  # typing.Self is Python 3.11+
from sitegen.digests import digest, digest_of_pieces
from sitegen.engine.store import OutputEntry
from sitegen.errors import SitegenError, os_error

MARKER = ".sitegen-output"  # marks a folder sitegen built, so it may replace it
MARKER_TEXT = b"This folder is built by `sitegen build` and replaced whole on every build; do not edit.\n"
SPARE = "previous"  # .NAME.previous: the version before the live one, to assemble the next from
BUILDING = "building-"  # .NAME.building-XXXX: a build's own folder
LEFTOVER_KINDS = (BUILDING, "old-")  # "old-": left by versions of sitegen that swapped by two renames
STALE_AFTER_SECONDS = 3600  # where folders cannot be locked: a build's folder this old is a leftover

# Fault injection, for the tests: called after each step that changes the disk while the output
# is written and published, with what was done. Tests crash, abort or kill the build there, at
# every step in turn, and check that the output is always the complete old or new site.
after_step: Callable[[str], None] | None = None


def _done(step: str) -> None:
    if after_step is not None:
        after_step(step)


OUTPUT_KEY = "paths.output"  # what a refused output folder is named by (`--out`, when given)


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
            key=OUTPUT_KEY,
            hint="choose a separate folder such as `public` (or pass --out DIR)",
        )
    if out.exists() and not out.is_dir():
        if out.is_file():
            raise SitegenError(
                f"the output {out} is a file", key=OUTPUT_KEY, hint="remove it or choose a folder"
            )
        raise SitegenError(
            f"the output {out} is not a folder (a device, say)", key=OUTPUT_KEY, hint="choose a folder"
        )
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise SitegenError(
            f"refusing to replace {out}: it is not empty and was not built by sitegen",
            key=OUTPUT_KEY,
            hint="empty it, or choose another folder with --out",
        )


# --- folders a process holds -------------------------------------------------------------------


def locked_folder(parent: Path, prefix: str) -> tuple[Path, int]:
    """A new folder in `parent` and a descriptor that holds it (a lock) until closed or the process
    dies: `remove_unlocked`, in another process, leaves it alone meanwhile."""
    while True:
        folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        _done(f"make {folder.name}")
        try:
            handle = os.open(folder, os.O_RDONLY)
        except FileNotFoundError:  # another process tidied it away before it was even opened
            continue
        try:
            _lock(handle)
            if os.path.samestat(os.stat(folder), os.fstat(handle)):
                return folder, handle
        except FileNotFoundError:
            pass
        except BaseException:
            os.close(handle)
            raise
        os.close(handle)  # another process tidied it away before it was locked: make another


def _lock(handle: int) -> None:
    try:
        import fcntl
    except ImportError:  # no locks (Windows): leftovers are judged by their age
        return
    with suppress(OSError):  # a filesystem without locks: likewise
        fcntl.flock(handle, fcntl.LOCK_EX)


def _unused(handle: int) -> bool:
    """Whether no process holds the folder open at `handle` (see `locked_folder`); this one then does."""
    try:
        import fcntl

        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    except (ImportError, OSError):  # no locks here: judged by age
        return os.fstat(handle).st_mtime < time.time() - STALE_AFTER_SECONDS


def remove_unlocked(folders: Iterable[Path]) -> None:
    """Remove the folders no process holds: left by a process that was killed."""
    for folder in folders:
        with _held_if_unused(folder) as unused:
            if unused:
                shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _held_if_unused(folder: Path) -> Iterator[bool]:
    """Whether no other process holds `folder` (a real folder, not a link); if so, this one holds
    it for the block."""
    if not folder.is_dir() or folder.is_symlink():
        yield False
        return
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        yield False
        return
    try:
        yield _unused(handle)
    finally:
        os.close(handle)


def _leftovers(out: Path) -> list[Path]:
    """Folders beside the output that builds make (those of running builds included)."""
    found = out.parent.glob(f".{glob.escape(out.name)}.*")
    return [folder for folder in found if folder.name[len(out.name) + 2 :].startswith(LEFTOVER_KINDS)]


def recover_output(out: Path) -> None:
    """Where the fallback switch was interrupted between its two renames (no output; beside it,
    a killed build's folder holding the old version and the complete new one), put the new one
    in place."""
    out = out.resolve()
    if os.path.lexists(out):
        return
    with suppress(OSError):
        for folder in _leftovers(out):
            with _held_if_unused(folder) as unused:
                if unused and (folder / "old").is_dir() and (folder / "site").is_dir():
                    os.rename(folder / "site", out)
                    return


def tidy(out: Path, set_aside: Path | None) -> None:
    """Remove what killed builds left beside the output, and the files earlier builds set aside."""
    remove_unlocked(_leftovers(out.resolve()))
    delete_set_aside(set_aside)


def delete_set_aside(folder: Path | None) -> None:
    """Delete the files that earlier builds set aside in `folder` (see ManifestOutput)."""
    with suppress(OSError):
        for made in list(folder.iterdir()) if folder is not None else ():
            shutil.rmtree(made, ignore_errors=True)


# --- switching versions ------------------------------------------------------------------------

AT_FDCWD = -100
RENAME_EXCHANGE = 2
_RENAMEAT2 = {"x86_64": 316, "aarch64": 276}  # syscall numbers, where the C library lacks renameat2


@cache
def _renameat2() -> tuple[Callable[..., int], Callable[[], int]] | None:
    """Linux's renameat2 and a way to read errno, or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
    except (ImportError, OSError):
        return None
    function = getattr(libc, "renameat2", None)
    if function is None:
        import platform  # only where the C library lacks renameat2

        number = _RENAMEAT2.get(platform.machine())
        if number is None:
            return None
        syscall = libc.syscall
        function = lambda *args: syscall(number, *args)  # noqa: E731
    return function, ctypes.get_errno


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic step; False (nothing done) where the system cannot."""
    found = _renameat2()
    if found is None:
        return False
    function, get_errno = found
    if function(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # an old kernel, or a filesystem that cannot
    raise OSError(code, os.strerror(code), str(second))


Identities = dict[str, int]  # output path -> inode number: two versions' files that are one file


class _NextVersion:
    """A build's own folder beside the output (locked while it runs) with the next version of the
    output (`site`), begun from the spare version the last build left, and what is known of the
    files of both versions: their identities (inode numbers), which say which of the next
    version's files are already the live output's."""

    def __init__(self, out: Path, live_files: Identities) -> None:
        self.out = out
        self.folder, self._handle = locked_folder(out.parent, f".{out.name}.{BUILDING}")
        self.site = self.folder / "site"
        self.new = self.folder / "new"
        self.live_files = live_files  # the live output's files (by the scan that checked its manifest)
        self.site_files: Identities = {}
        self._site_folders: set[str] | None = {""}  # None: to be worked out from site_files
        self.first = not os.path.lexists(out)  # no live output to exchange with
        try:
            if self._claim_spare():
                self.site_files, self._site_folders = _identities_under(self.site)
            else:
                os.mkdir(self.site)
                _done("make site")
        except BaseException:
            self.abandon()
            raise

    @property
    def site_folders(self) -> set[str]:
        """The next version's folders (known to exist)."""
        if self._site_folders is None:
            self._site_folders = _folders_of(self.site_files)
        return self._site_folders

    def _claim_spare(self) -> bool:
        spare = spare_version(self.out)
        if not spare.is_dir() or spare.is_symlink():
            return False
        try:
            os.rename(spare, self.site)
        except OSError:  # another build took it
            return False
        _done("claim the spare version")
        return True

    # Every change below replaces a file, never writes through it: it may be the live output's.

    def folder_for(self, area: Path, relative: str, known: set[str]) -> Path:
        """The path of `relative` in `area` (the next version or `new`), its folders made."""
        folder = relative.rpartition("/")[0]
        if folder not in known:
            _make_folders(area, folder)
            known.add(folder)
            if area == self.site:  # files that were in the way are gone
                parts = folder.split("/")
                for depth in range(1, len(parts) + 1):
                    self.site_files.pop("/".join(parts[:depth]), None)
        return area / relative

    def place(self, relative: str) -> os.stat_result:
        """Move a file this build wrote into the next version."""
        target = self.folder_for(self.site, relative, self.site_folders)
        # Unlinked first (the next version is not live): renaming over a file makes ext4 write
        # the new file's data out at once (auto_da_alloc), and after the big data files the next
        # rename waited ~20 ms on it.
        with suppress(FileNotFoundError, IsADirectoryError, PermissionError):
            os.unlink(target)
        try:
            os.replace(self.new / relative, target)
        except OSError as exc:
            if exc.errno not in (errno.EISDIR, errno.ENOTEMPTY, errno.EEXIST):
                raise
            _remove(target)  # a folder in the way
            os.replace(self.new / relative, target)
        _done(f"place {relative}")
        status = os.lstat(target)
        self.site_files[relative] = status.st_ino
        return status

    def link_live(self, relative: str) -> None:
        """Make the next version's `relative` the live output's file."""
        target = self.folder_for(self.site, relative, self.site_folders)
        if not _link(self.out / relative, target):  # a filesystem without hard links
            shutil.copy2(self.out / relative, target)  # a new file, keeping the time the manifest knows
        _done(f"link {relative}")
        self.site_files[relative] = self.live_files[relative]

    def keep_only(self, wanted: set[str] | frozenset[str]) -> None:
        """Remove the next version's files not `wanted`, and the folders that leaves empty."""
        for relative in [relative for relative in self.site_files if relative not in wanted]:
            _remove(self.site / relative)
            del self.site_files[relative]
            _done(f"remove {relative}")
        needed = _folders_of(wanted)
        for folder in sorted(self.site_folders - needed, key=lambda folder: (-len(folder), folder)):
            with suppress(OSError):
                if stat.S_ISDIR(os.lstat(self.site / folder).st_mode):  # not a file put in its place
                    shutil.rmtree(self.site / folder)
                    _done(f"remove {folder}/")
        self._site_folders = self.site_folders & needed

    def switch(self) -> None:
        """Put the next version in place in one step; `site` then holds the old one."""
        if self.first:
            os.rename(self.site, self.out)
            _done("rename the first version into place")
        elif exchange(self.site, self.out):
            _done("exchange the versions")
        else:  # two renames, with the output missing in between (see recover_output)
            old = self.folder / "old"
            os.rename(self.out, old)
            _done("rename the old version aside")
            os.rename(self.site, self.out)
            _done("rename the new version into place")
            os.rename(old, self.site)
            _done("rename the old version back beside it")
        self.live_files, self.site_files = self.site_files, ({} if self.first else self.live_files)
        self._site_folders = None  # those of the old version: worked out if another switch follows
        self.first = False

    def finish(self) -> None:
        """After the last switch: keep the old version as the spare for the next build (after a
        first build, a spare of links to the new one), and release the build's folder."""
        try:
            if not self.site.exists():
                os.mkdir(self.site)
                _done("make site")
                for relative in self.live_files:
                    self.link_live(relative)
        finally:
            self._park()

    def abandon(self) -> None:
        """After a failure: the output stays as it is; what the next version holds is kept as the
        spare (any content serves, as its files are told apart by identity)."""
        self._park()

    def _park(self) -> None:
        try:
            old = self.folder / "old"
            if old.is_dir() and not os.path.lexists(self.out):  # stopped between the two renames
                os.rename(old, self.out)  # a failed build leaves the output as it was
                _done("rename the old version back into place")
            if self.site.is_dir():
                os.rename(self.site, spare_version(self.out))
                _done("keep the spare version")
        except OSError:  # another build left one meanwhile: one is enough
            pass
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            os.close(self._handle)
        _done("remove the build's folder")


def _folders_of(paths: Iterable[str]) -> set[str]:
    """The folders holding `paths`, and theirs ("" the top)."""
    folders = {""}
    for folder in {relative.rpartition("/")[0] for relative in paths}:
        while folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    return folders


def _identities_under(folder: Path) -> tuple[Identities, set[str]]:
    """Every file below `folder` (symlinks and special files too, not followed) by its inode, and
    every folder: a read of each folder, no stat call."""
    files: Identities = {}
    folders = {""}

    def walk(path: str, prefix: str) -> None:
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.add(prefix + entry.name)
                    walk(entry.path, f"{prefix}{entry.name}/")
                else:
                    files[prefix + entry.name] = entry.inode()

    walk(str(folder), "")
    return files, folders


def _make_folders(area: Path, folder: str) -> None:
    """Make `folder` in `area`, each part a real folder: a file or a symbolic link in the way (a
    link could lead out of the site) is removed first."""
    path = area
    for part in folder.split("/") if folder else ():
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            try:
                os.mkdir(path)
            except FileExistsError:  # the other writing process made it meanwhile: as good
                if not stat.S_ISDIR(os.lstat(path).st_mode):
                    raise
            continue
        if not stat.S_ISDIR(mode):
            os.unlink(path)
            os.mkdir(path)
    _done(f"make {folder}/")


def _remove(path: Path) -> None:
    """Remove a file, link or folder."""
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):  # gone (a folder on its way replaced by a file)
        return
    if stat.S_ISDIR(mode):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def _link(source: Path, target: Path) -> bool:
    """Make `target` a hard link to `source`, replacing what is there; False where links are not
    possible (FAT, some network filesystems), with `target` then gone."""
    try:
        os.link(source, target)
        return True
    except FileExistsError:
        _remove(target)
    except OSError:
        _remove(target)
        return False
    try:
        os.link(source, target)
        return True
    except OSError:
        return False


def _create(target: Path) -> BinaryIO:
    """A new file at `target`, replacing what is there."""
    try:
        handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except FileExistsError:
        _remove(target)
        handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    return os.fdopen(handle, "wb", buffering=0)


def _write_file(target: Path, data: bytes | Patched | Joined) -> None:
    with _create(target) as out:
        if isinstance(data, bytes):
            out.write(data)
        else:
            data.write_to(out)


def _write_all(out: BinaryIO, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[out.write(view) or 0 :]


# --- the outputs -------------------------------------------------------------------------------


class StagedOutput:
    """`with StagedOutput(out) as staged: staged.write(path, data)`: every file of the next version
    is written beside the output, which it replaces whole when the block succeeds (a file whose
    bytes did not change is hard-linked from the live output, keeping its time)."""

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()
        self.written = 0
        self.unchanged = 0
        self.total_bytes = 0
        self._next: _NextVersion | None = None
        self._area: Path | None = None  # where write() puts files: the next version, or its `new`
        self._folders: set[str] = set()  # known to exist in the area
        self._paths: set[str] = set()  # written so far

    def __enter__(self) -> Self:
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self._begin()
            self.write(MARKER, MARKER_TEXT)
        except BaseException as exc:
            if self._next is not None:
                self._next.abandon()
            if isinstance(exc, OSError):
                raise os_error(exc, "write the output") from None
            raise
        return self

    def _begin(self) -> None:
        """Start the next version (`_next`), and say where write() puts files (`_area`)."""
        self._next = _NextVersion(self.out, {})
        self._area, self._folders = self._next.site, set(self._next.site_folders)

    def write(self, relative: str, data: bytes | Joined) -> None:
        target = self._target(relative)
        self.total_bytes += _size(data)
        self._paths.add(relative)
        previous = self.out / relative
        try:
            if _same_bytes(previous, data) and _link(previous, target):
                self.unchanged += 1
            else:
                _write_file(target, data)
                self.written += 1
        except OSError as exc:
            raise os_error(exc, "write the output", exc.filename or self.out / relative) from None
        _done(f"write {relative}")

    def _target(self, relative: str) -> Path:
        """Where a file goes in the area, whose folders are made; never outside it."""
        assert self._next is not None and self._area is not None, "write() outside the with-block"
        # Checked by its parts, not resolved: the area is ours and holds no symlinks on the way,
        # and resolving costs several system calls for each of ~10,000 files.
        if relative.startswith("/") or not set(relative.split("/")).isdisjoint(("", ".", "..")):
            raise SitegenError(f"refusing to write {relative!r} outside the output", hint="rename the file")
        try:
            return self._next.folder_for(self._area, relative, self._folders)
        except OSError as exc:
            raise os_error(exc, "write the output") from None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        next_version = self._next
        assert next_version is not None
        try:
            if kind is None:
                self._publish_all(next_version)
        except BaseException:
            next_version.abandon()
            raise
        with suppress(OSError):  # the output is as it should be; the next build tidies the rest away
            next_version.finish() if kind is None else next_version.abandon()

    def _publish_all(self, next_version: _NextVersion) -> None:
        """Put the next version in place, with only the files written."""
        try:
            next_version.keep_only(self._paths)
            next_version.site_files = dict.fromkeys(self._paths, 0)  # every file new: identities unused
            next_version.switch()
        except OSError as exc:
            raise os_error(exc, "put the output in place") from None


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

    def write_to(self, out: BinaryIO) -> None:
        """Write it into `out`, a new unbuffered file."""
        with self.source.open("rb", buffering=0) as source:
            for piece in self.pieces:
                if isinstance(piece, bytes):
                    _write_all(out, piece)
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
        _write_all(out, _piece(source, (position, end)))


@dataclass(frozen=True)
class Joined:
    """A file made of many pieces (a data file's chunk per paper), written a batch of pieces at a
    time: never joined whole in memory, where the pieces are already (papers.json is ~257 MB at
    100,000 papers)."""

    pieces: Sequence[bytes]

    @property
    def size(self) -> int:
        return sum(map(len, self.pieces))

    def read(self) -> bytes:
        return b"".join(self.pieces)

    def batches(self) -> Iterator[bytes]:
        """Its bytes, a batch of pieces at a time."""
        pieces = self.pieces
        for start in range(0, len(pieces), JOINED_BATCH):
            yield b"".join(pieces[start : start + JOINED_BATCH])

    def write_to(self, out: BinaryIO) -> None:
        """Write it into `out`, a new unbuffered file."""
        for batch in self.batches():
            _write_all(out, batch)


JOINED_BATCH = 1024  # pieces written at once (~1 MB of a data file's records)


def _size(data: bytes | Patched | Joined) -> int:
    return len(data) if isinstance(data, bytes) else data.size


def _same_bytes(path: Path, data: bytes | Joined) -> bool:
    """Whether the file at `path` holds `data`; a Joined one compared a batch at a time (the old
    file and the new one both whole in memory: ~0.5 GB for papers.json at 100,000 papers)."""
    try:
        if path.stat().st_size != _size(data):
            return False
        if isinstance(data, bytes):
            return path.read_bytes() == data
        with path.open("rb") as old:
            return all(old.read(len(batch)) == batch for batch in data.batches())
    except OSError:
        return False


class ManifestOutput(StagedOutput):
    """Writes only the files whose bytes changed, judged by the previous build's manifest (never by
    reading the old files); `reuse(path, inputs)` skips even rendering a file made from the same inputs.

    With a `previous` manifest that `trusted_manifest` checked against the disk, the changed files
    are written into the build's `new` folder, and the next version is assembled when every page
    has rendered (a failed build changes nothing), or as `publish` is called: those files moved in,
    the live output's other files linked where the spare version does not hold them already, the
    files no longer built left out; then it is switched in. Without one, every file is written
    into the next version, as `StagedOutput` does. `manifest` then describes the new output.
    """

    def __init__(
        self,
        out: Path,
        previous: TrustedManifest | None,
        set_aside: Path | None = None,
    ) -> None:
        super().__init__(out)
        self.previous = previous
        self.set_aside = set_aside  # where the files it replaces go, for a later build to delete
        self._set_aside_here: Path | None = None  # this build's folder in there, made on first use
        self.manifest: dict[str, OutputEntry] = {}
        self._staged: dict[str, OutputEntry] = {}  # output path -> entry before its mtime is known
        self._published: set[str] = set()  # staged files already in place
        # What the end of the block put in place: moved-in and removed paths; None: the whole output.
        self.put_in_place: frozenset[str] | None = None
        # Files the last switch took out of the output that no build wrote (put there by hand, or
        # changed since): the build's report warns of each (their copy stays in the spare version).
        self.removed_unwritten: tuple[str, ...] = ()

    def _begin(self) -> None:
        if self.previous is None:
            super()._begin()
            return
        self._next = _NextVersion(self.out, self.previous.files)
        os.mkdir(self._next.new)
        _done("make new")
        self._area, self._folders = self._next.new, {""}

    def reuse(self, relative: str, inputs: str) -> bool:
        """Keep the file `relative` if the previous output holds it as made from `inputs`."""
        entry = self._made_from(relative, inputs)
        if entry is not None:
            self._keep(relative, entry)
        return entry is not None

    def keep_as_they_were(self, paths: Iterable[str], inputs: str | None = None) -> set[str]:
        """Keep each file of `paths` that the previous output holds as the last build left it (its
        caller knows that its bytes are as they are to be), as made from `inputs` if given (else
        from the same inputs as before); returns those kept."""
        entries = self.previous.entries if self.previous else {}
        kept = {relative: entries[relative] for relative in paths if relative in entries}
        if inputs is not None:
            kept = {relative: entry._replace(inputs=inputs) for relative, entry in kept.items()}
        self.manifest.update(kept)  # as `_keep` does, in bulk: ~100,000 at a time
        self.unchanged += len(kept)
        self.total_bytes += sum(entry.size for entry in kept.values())
        return set(kept)

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

    def write(self, relative: str, data: bytes | Patched | Joined, inputs: str = "") -> None:
        entry = self.previous.entries.get(relative) if self.previous else None
        if isinstance(data, Patched):
            self._write_patched(relative, data, inputs, entry)
            return
        # A digest only when the size is the same: a file of another size has other bytes, and
        # the digest of a 24 MB data file costs as much as writing it. One not made is "".
        signature = ""
        if entry is not None and entry.size == _size(data):
            # (Rare for a data file: made again whole, of the same size; its pieces are hashed.)
            signature = digest(data) if isinstance(data, bytes) else digest_of_pieces(data.batches())
            if self._same(relative, entry, signature, data):
                self._keep(relative, entry._replace(inputs=inputs))
                return
        if self.previous is None:
            super().write(relative, data)
        else:
            self._stage(relative, data)
        self._staged[relative] = OutputEntry(inputs, signature, _size(data), 0)

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

    def _same(self, relative: str, entry: OutputEntry, signature: str, data: bytes | Joined) -> bool:
        """Whether the file the previous build left (as it left it: a trusted entry) holds `data`."""
        if entry.digest:
            return entry.digest == signature
        return _same_bytes(self.out / relative, data)  # its digest was not made

    def publish(self) -> frozenset[str] | None:
        """Put in place a version of the output with the files written so far (and the live
        output's others), so they are served while the build goes on, and return their paths;
        None (nothing done) when the whole output is switched in at the end."""
        if self.previous is None or self._next is None:
            return None
        if not self._staged.keys() - self._published:
            return frozenset()
        try:
            return self._assemble(self._next, final=False)
        except OSError as exc:
            raise os_error(exc, "put the output in place") from None

    def in_place(self, relative: str) -> bool:
        """Whether this build has put its version of the file in place already (`publish`)."""
        return relative in self._published

    def start_tally(self) -> None:
        """In a forked process: count only the files it writes from here on."""
        self.written = self.unchanged = self.total_bytes = 0
        self.manifest, self._staged = {}, {}

    def tally(self) -> Tally:
        return Tally(self.written, self.unchanged, self.total_bytes, self.manifest, self._staged)

    def add_tally(self, tally: Tally) -> None:
        """Count what a forked process wrote into the same folder."""
        self.written += tally.written
        self.unchanged += tally.unchanged
        self.total_bytes += tally.total_bytes
        self.manifest.update(tally.manifest)
        self._staged.update(tally.staged)

    def _keep(self, relative: str, entry: OutputEntry) -> None:
        self.manifest[relative] = entry
        self.unchanged += 1
        self.total_bytes += entry.size

    def _stage(self, relative: str, data: bytes | Patched | Joined) -> None:
        self._published.discard(relative)
        target = self._target(relative)
        try:
            _write_file(target, data)
        except OSError as exc:
            raise os_error(exc, "write the output", exc.filename or self.out / relative) from None
        _done(f"write new/{relative}")
        self.written += 1
        self.total_bytes += _size(data)

    def _publish_all(self, next_version: _NextVersion) -> None:
        if self.previous is None:
            self._paths |= self._staged.keys() | self.manifest.keys()
            super()._publish_all(next_version)
            try:
                for relative, entry in self._staged.items():
                    mtime_ns = (self.out / relative).stat().st_mtime_ns
                    self.manifest[relative] = entry._replace(mtime_ns=mtime_ns)
            except OSError as exc:
                raise os_error(exc, "read the output back") from None
            return
        try:
            self.put_in_place = self._assemble(next_version, final=True)
        except OSError as exc:
            raise os_error(exc, "put the output in place") from None

    def _assemble(self, next_version: _NextVersion, final: bool) -> frozenset[str]:
        """Make the next version the live output's files and those written since the last
        switch, and switch it in; with `final`, only the files of the manifest. Returns the paths
        it changed in the output."""
        live = next_version.live_files
        placed = frozenset(self._staged.keys() - self._published)
        for relative in sorted(placed):
            self._put_aside(next_version, relative)
            status = next_version.place(relative)
            self.manifest[relative] = self._staged[relative]._replace(mtime_ns=status.st_mtime_ns)
        wanted = self.manifest.keys() | self._staged.keys() if final else live.keys() | placed
        site_files = next_version.site_files
        for relative in wanted:
            if relative not in placed and site_files.get(relative) != live.get(relative):
                self._put_aside(next_version, relative)
                next_version.link_live(relative)
        removed = live.keys() - wanted
        next_version.keep_only(wanted)
        next_version.switch()
        self._published |= placed
        if final and self.previous is not None:
            self.removed_unwritten = tuple(sorted(removed - self.previous.entries.keys()))
        return placed | removed

    def _put_aside(self, next_version: _NextVersion, relative: str) -> None:
        """Move a file of the next version about to be replaced into the set-aside folder (a
        rename), for a later build to delete in the background: replacing it would free its disk
        space, on some disks slowly (~0.2 ms a small file while the disk writes a build back,
        ~0.6 ms a MB: ~40 ms for the ~290 list pages a date edit changed, which the build after
        it replaces in the spare version). Files the live output shares free nothing: replaced."""
        held = next_version.site_files.get(relative)
        if self.set_aside is None or held is None or held == next_version.live_files.get(relative):
            return
        try:
            if self._set_aside_here is None:
                self.set_aside.mkdir(parents=True, exist_ok=True)
                self._set_aside_here = Path(tempfile.mkdtemp(dir=self.set_aside))
            os.rename(next_version.site / relative, self._set_aside_here / relative.replace("/", "%"))
        except OSError:
            return  # e.g. on another filesystem: the replacing frees the space now
        del next_version.site_files[relative]
        _done(f"set aside {relative}")


def spare_version(out: Path) -> Path:
    """The version of the output before the live one, which the next build is assembled from."""
    return out.parent / f".{out.name}.{SPARE}"


@dataclass(frozen=True)
class Tally:
    """What a forked process wrote into the output, handed back to the one that forked it."""

    written: int
    unchanged: int
    total_bytes: int
    manifest: dict[str, OutputEntry]
    staged: dict[str, OutputEntry]


@dataclass(frozen=True)
class TrustedManifest:
    """The previous build's manifest, as far as the output still holds its files."""

    entries: dict[str, OutputEntry]  # the files still exactly as the previous build left them
    files: Identities  # every file in the output now, by its inode number

    @property
    def present(self) -> Iterable[str]:
        return self.files.keys()


# Path in the output, size, mtime, inode: plain tuples, which a forked scan hands over ~20x faster
# than stats.
OutputFiles = list[tuple[str, int, int, int]]


def output_files(out: Path) -> OutputFiles | None:
    """Every file of an output folder sitegen built, with its size, mtime and inode; None for any
    other folder."""
    out = out.resolve()
    if not (out / MARKER).is_file():
        return None
    return list(_files_under(str(out), ""))


def trusted_manifest(manifest: dict[str, OutputEntry], files: OutputFiles | None) -> TrustedManifest | None:
    """The previous build's manifest, less the files changed since (by size and mtime), given the
    output's `files` as `output_files` found them; None when the output was not built by sitegen."""
    if not manifest or files is None:
        return None
    entries, present = {}, {}
    for relative, size, mtime_ns, inode in files:
        present[relative] = inode
        entry = manifest.get(relative)
        if entry is not None and (entry.size, entry.mtime_ns) == (size, mtime_ns):
            entries[relative] = entry
    return TrustedManifest(entries, present)


def _files_under(folder: str, prefix: str) -> Iterator[tuple[str, int, int, int]]:
    """Every file below `folder` as (path relative to the top, size, mtime, inode), symlinks not
    followed."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from _files_under(entry.path, f"{prefix}{entry.name}/")
            else:
                status = entry.stat(follow_symlinks=False)
                yield f"{prefix}{entry.name}", status.st_size, status.st_mtime_ns, status.st_ino
