"""Read stage: content/ on disk -> a Library of plain dataclasses.

Every bad paper file is reported together, each with its file, line and key.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sitegen.cache import FileStamp, UsedMapping, digest
from sitegen.config import LoadedConfig
from sitegen.errors import Problem, SitegenError, os_error
from sitegen.model import Library, Paper, Papers, Topic
from sitegen.paperfile import parse_paper

PAPERS_DIR = "papers"
TOPICS_FILE = "topics.yaml"
# A file modified this recently may be changed again within the same mtime tick: read it next time.
SETTLE_NS = 2_000_000_000
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class ContentPaths:
    content: Path
    papers: Path
    topics: Path

    @classmethod
    def of(cls, loaded: LoadedConfig) -> ContentPaths:
        content = loaded.path(loaded.config.content_dir)
        return cls(content, content / PAPERS_DIR, content / TOPICS_FILE)


def display_path(path: Path, loaded: LoadedConfig) -> str:
    """A path as the user knows it: relative to the project when it is inside it."""
    try:
        return str(path.relative_to(loaded.root))
    except ValueError:
        return str(path)


# Files editors and systems write next to the real one while saving: never a reason to rebuild,
# nor a file of the site.
EDITOR_NOISE = (
    "*.swp", "*.swx", "*.swo", "*.swpx", "*~", "4913", ".#*", "#*#", ".DS_Store", "*.tmp",
    "*.temp", "*.bak", "*.orig", "*.crswap", ".goutputstream-*", "*___jb_tmp___", "*___jb_old___",
    "Thumbs.db", "desktop.ini", ".~lock.*#",
)  # fmt: skip


def is_editor_noise(path: Path) -> bool:
    return any(fnmatch.fnmatchcase(path.name, pattern) for pattern in EDITOR_NOISE)


class PaperListing(list[tuple[str, os.stat_result]]):
    """The paper files' names, in order, each with its stat; `skipped`: what is named like a paper
    file but cannot be one (a named pipe, a folder, a symbolic link that leads nowhere), each as
    a warning."""

    skipped: tuple[Problem, ...] = ()


def paper_files(papers_dir: Path, shown: str | None = None) -> PaperListing:
    """The paper files of a folder (shown as `shown` in warnings), each with its stat: one system
    call a file, no Path."""
    found, skipped = [], []
    prefix = os.path.join(shown if shown is not None else str(papers_dir), "")
    with os.scandir(papers_dir) as entries:
        for entry in entries:
            if not entry.name.endswith(".md") or entry.name.startswith("."):
                continue
            try:
                status = entry.stat()  # of what a symbolic link leads to
            except OSError as exc:
                skipped.append(_skipped(prefix + entry.name, _unreachable(exc)))
                continue
            if stat.S_ISREG(status.st_mode):
                found.append((entry.name, status))
            else:
                skipped.append(_skipped(prefix + entry.name, f"{_kind(status.st_mode)}, not a file"))
    listing = PaperListing(sorted(found, key=lambda item: item[0]))
    listing.skipped = tuple(sorted(skipped, key=lambda problem: problem.path or ""))
    return listing


def special_file_warning(path: Path, shown: str) -> Problem | None:
    """A warning for a path that is not a regular file (or a link to one), None for a file."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return _skipped(shown, _unreachable(exc))
    return None if stat.S_ISREG(mode) or stat.S_ISDIR(mode) else _skipped(shown, f"{_kind(mode)}, not a file")


def _skipped(shown: str, what: str) -> Problem:
    return Problem(f"skipped: {what}", shown, hint="fix it, or move it out of the folder")


def _unreachable(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link that leads back to itself"
    if exc.errno == errno.ENOENT:
        return "a symbolic link to a file that does not exist"
    return f"cannot be read ({exc.strerror})"


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "a device")


def unchanged(
    shown: str, status: os.stat_result, cache: UsedMapping | None, stamps: dict[str, FileStamp] | None
) -> str | None:
    """The cache key of the paper of a settled file whose size and mtime are as when it was last
    read, when the paper is cached (it is not read from the cache)."""
    known = stamps.get(shown) if stamps is not None else None
    if cache is None or known is None or not known.settled:
        return None
    if (known.mtime_ns, known.size) != (status.st_mtime_ns, status.st_size):
        return None
    return known.key if cache.touch(known.key) else None


def load_paper(
    path: Path,
    shown: str,
    cache: UsedMapping | None = None,
    stamps: dict[str, FileStamp] | None = None,
    status: os.stat_result | None = None,
) -> Paper:
    """Parse one paper file, reusing the cached result when its bytes are unchanged.

    With `stamps` (the files as last read), a settled file whose size and mtime are unchanged is
    not even read; otherwise its content digest decides, and its stamp is updated.
    """
    try:
        status = status or path.stat()
        known = unchanged(shown, status, cache, stamps)
        if cache is not None and known is not None:
            kept: Paper = cache[known]
            return kept
        data = path.read_bytes()
    except OSError as exc:
        raise SitegenError(f"cannot read the file: {exc.strerror}", path=shown) from None
    key = f"{shown}\0{digest(data)}"
    paper = cache.get(key) if cache is not None else None
    if not isinstance(paper, Paper):
        paper = _parse(data, path, shown)
        if cache is not None:
            cache[key] = paper
    if stamps is not None:
        settled = status.st_mtime_ns < time.time_ns() - SETTLE_NS
        stamps[shown] = FileStamp(status.st_mtime_ns, status.st_size, key, text_digest(paper), settled)
    return paper


def text_digest(paper: Paper) -> str:
    """A digest of what a paper's rendered abstract and words are made from."""
    return digest(f"{paper.title}\0{paper.abstract}".encode())


def _parse(data: bytes, path: Path, shown: str) -> Paper:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        hint = "save it as UTF-8"
        raise SitegenError("the file is not UTF-8 text", path=shown, line=line, hint=hint) from None
    slug = path.stem
    if not SLUG.match(slug):
        raise SitegenError(
            f"the file name `{path.name}` is not a valid slug",
            path=shown,
            hint="use lowercase ASCII letters, digits and single hyphens, e.g. `medsam-agent.md`",
        )
    return parse_paper(text, shown, slug)


def load_papers(
    loaded: LoadedConfig,
    cache: UsedMapping | None = None,
    stamps: dict[str, FileStamp] | None = None,
    listing: PaperListing | None = None,
) -> Papers:
    """Every paper file, from `listing` (the papers folder as scanned already) or a new scan;
    with `cache`, the papers of unchanged files are read from it when first used."""
    paths = ContentPaths.of(loaded)
    if not paths.papers.is_dir():
        raise SitegenError(
            "the papers folder is missing",
            path=display_path(paths.papers, loaded),
            hint="run `sitegen import LISTING.txt` to create it, or set `paths.content` in site.yaml",
        )
    found: list[tuple[str, str, Paper | str]] = []
    problems: list[Problem] = []
    prefix = os.path.join(display_path(paths.papers, loaded), "")  # joined once, not 10,000 times
    if listing is None:
        try:
            listing = paper_files(paths.papers)
        except OSError as exc:
            shown = display_path(paths.papers, loaded)
            raise os_error(exc, "read the papers folder", shown) from None
    for name, status in listing:
        shown = prefix + name
        try:
            known = unchanged(shown, status, cache, stamps)
            paper = load_paper(paths.papers / name, shown, cache, stamps, status) if known is None else known
            found.append((name.removesuffix(".md"), shown, paper))
        except SitegenError as exc:
            problems.extend(exc.problems)
    if problems:
        files = len({p.path for p in problems})
        raise SitegenError.many(problems, f"{files} paper file(s) have errors; nothing was built")
    return Papers(found, cache.__getitem__ if cache is not None else None)


def load_topic_list(loaded: LoadedConfig, cache: UsedMapping | None = None) -> tuple[Topic, ...]:
    """The topics file's topics; with `cache`, parsed again only when its bytes changed, and
    their rules' patterns analysed again only then."""
    from sitegen.topics import analyses, know, load_topics

    path = ContentPaths.of(loaded).topics
    if not path.is_file():
        raise SitegenError(
            "the topics file is missing",
            path=display_path(path, loaded),
            hint="create it with at least one topic (see the README's topics reference)",
        )
    try:
        key = f"{TOPICS_FILE} {digest(path.read_bytes())}" if cache is not None else None
    except OSError:
        key = None  # load_topics says why
    if cache is None or key is None:
        return load_topics(path)
    topics: tuple[Topic, ...] = cache.made(key, partial(load_topics, path))
    know(cache.made(f"{key} analyses", partial(analyses, topics)))
    return topics


def load_library(
    loaded: LoadedConfig,
    cache: UsedMapping | None = None,
    stamps: dict[str, FileStamp] | None = None,
    listing: PaperListing | None = None,
    topics_cache: UsedMapping | None = None,
) -> Library:
    papers = load_papers(loaded, cache, stamps, listing)
    return Library(config=loaded.config, topics=load_topic_list(loaded, topics_cache), papers=papers)
