"""Read stage: content/ on disk -> a Library of plain dataclasses.

Every bad paper file is reported together, each with its file, line and key.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sitegen.config import LoadedConfig
from sitegen.errors import Problem, SitegenError
from sitegen.model import Library, Paper, Papers, Topic
from sitegen.paperfile import parse_paper
from sitegen.topicsfile import load_topics

PAPERS_DIR = "papers"
TOPICS_FILE = "topics.yaml"
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


def parse_paper_file(data: bytes, path: Path, shown: str) -> Paper:
    """The paper of a file's bytes; `shown`: its path as the editor knows it, for messages."""
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


def read_paper(folder: Path, name: str, shown: str, status: os.stat_result | None = None) -> Paper:
    """Read and parse the paper file `name` in `folder` (`status`: its stat, when known)."""
    path = folder / name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SitegenError(f"cannot read the file: {exc.strerror}", path=shown) from None
    return parse_paper_file(data, path, shown)


PaperReader = Callable[[Path, str, str, os.stat_result], "Paper | Callable[[], Paper]"]


def load_papers(
    loaded: LoadedConfig, listing: PaperListing | None = None, read: PaperReader = read_paper
) -> Papers:
    """Every paper file, from `listing` (the papers folder as scanned already) or a new scan,
    each read by `read` (which may give a function that reads it when first used); every bad
    file is reported together."""
    paths = ContentPaths.of(loaded)
    if not paths.papers.is_dir():
        raise SitegenError(
            "the papers folder is missing",
            path=display_path(paths.papers, loaded),
            hint="run `sitegen import LISTING.txt` to create it, or set `paths.content` in site.yaml",
        )
    found: list[tuple[str, str, Paper | Callable[[], Paper]]] = []
    problems: list[Problem] = []
    prefix = os.path.join(display_path(paths.papers, loaded), "")  # joined once, not 10,000 times
    for name, status in listing if listing is not None else paper_files(paths.papers):
        shown = prefix + name
        try:
            found.append((name.removesuffix(".md"), shown, read(paths.papers, name, shown, status)))
        except SitegenError as exc:
            problems.extend(exc.problems)
    if problems:
        files = len({p.path for p in problems})
        raise SitegenError.many(problems, f"{files} paper file(s) have errors; nothing was built")
    return Papers(found)


def load_topic_list(loaded: LoadedConfig) -> tuple[Topic, ...]:
    """The topics file's topics."""
    path = ContentPaths.of(loaded).topics
    if not path.is_file():
        raise SitegenError(
            "the topics file is missing",
            path=display_path(path, loaded),
            hint="create it with at least one topic (see the README's topics reference)",
        )
    return load_topics(path)


def load_library(
    loaded: LoadedConfig, papers: Papers | None = None, topics: tuple[Topic, ...] | None = None
) -> Library:
    """The library: site.yaml's settings, the topics and the papers (read here unless given)."""
    return Library(
        config=loaded.config,
        topics=topics if topics is not None else load_topic_list(loaded),
        papers=papers if papers is not None else load_papers(loaded),
    )
