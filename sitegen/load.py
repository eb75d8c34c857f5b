"""Read stage: content/ on disk -> a Library of plain dataclasses.

Every bad paper file is reported together, each with its file, line and key.
"""

from __future__ import annotations

import fnmatch
import os
import re
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sitegen.cache import FileStamp, UsedMapping, digest
from sitegen.config import LoadedConfig
from sitegen.errors import Problem, SitegenError
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


PaperListing = list[tuple[str, os.stat_result]]  # paper_files' result


def paper_files(papers_dir: Path) -> PaperListing:
    """The paper files' names, in order, each with its stat (one system call a file, no Path)."""
    with os.scandir(papers_dir) as entries:
        found = [
            (e.name, e.stat())
            for e in entries
            if e.name.endswith(".md") and not e.name.startswith(".") and e.is_file()
        ]
    return sorted(found, key=lambda item: item[0])


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
    for name, status in listing if listing is not None else paper_files(paths.papers):
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
