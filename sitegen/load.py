"""Read stage: content/ on disk -> a Library of plain dataclasses.

Every bad paper file is reported together, each with its file, line and key.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sitegen import urls
from sitegen.config import LoadedConfig
from sitegen.errors import Problem, SitegenError, os_error
from sitegen.model import Library, Paper, Papers, Topic
from sitegen.paperfile import parse_paper
from sitegen.topicsfile import load_topics

PAPERS_DIR = "papers"
TOPICS_FILE = "topics.yaml"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class ContentPaths:
    """Where the content folder, the papers folder and the topics file are."""

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
                if _meant_as_paper(entry.name):
                    skipped.append(_misnamed(prefix + entry.name))
                elif not entry.name.startswith(".") and entry.is_dir() and _holds_markdown(entry.path):
                    skipped.append(_folder_skipped(prefix + entry.name))
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


MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn")


def _meant_as_paper(name: str) -> bool:
    """A Markdown file a paper's file is not read as (`bora.MD`, `bora.markdown`): said, as the
    paper would vanish from the site. Hidden files (an editor's `.#bora.md`) are left unsaid."""
    stem, suffix = os.path.splitext(name)
    return not name.startswith(".") and bool(stem) and suffix.lower() in MARKDOWN_SUFFIXES


def _holds_markdown(folder: str) -> bool:
    """Whether a folder (or one in it) holds a Markdown file: paper files put in a subfolder."""
    for _, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".")]
        if any(_meant_as_paper(name) for name in files):
            return True
    return False


def _folder_skipped(shown: str) -> Problem:
    return Problem(
        "skipped: a folder of Markdown files; paper files in a folder inside the papers folder are not read",
        shown,
        hint=f"move its `.md` files up into {os.path.dirname(shown) or 'the papers folder'}/",
    )


def _misnamed(shown: str) -> Problem:
    stem = os.path.splitext(os.path.basename(shown))[0]
    return Problem(
        "skipped: not read as a paper, whose file's name ends in `.md`", shown, hint=f"rename it `{stem}.md`"
    )


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
    if slug in urls.RESERVED_SLUGS:
        raise SitegenError(
            f"the file name `{path.name}` is reserved: its page would be {urls.RESERVED_SLUGS[slug]}",
            path=shown,
            hint=f"rename the file, e.g. `{slug}-paper.md`",
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


def shown_prefix(loaded: LoadedConfig) -> str:
    """What a paper file's name follows where it is shown (and where builds keep its stamp):
    the papers folder as the editor knows it."""
    return os.path.join(display_path(ContentPaths.of(loaded).papers, loaded), "")


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
    prefix = shown_prefix(loaded)  # joined once, not 10,000 times
    if listing is None:
        try:
            listing = paper_files(paths.papers)
        except OSError as exc:
            raise os_error(exc, "read the papers folder", display_path(paths.papers, loaded)) from None
    for name, status in listing:
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
    if path.exists() and not path.is_file():
        kind = "a folder" if path.is_dir() else "not a file"
        shown = display_path(path, loaded)
        raise SitegenError(f"the topics file is {kind}", path=shown, hint="make it a YAML file of topics")
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
