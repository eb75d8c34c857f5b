"""Read stage: content/ on disk -> a Library of plain dataclasses.

Every bad paper file is reported together, each with its file, line and key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sitegen.cache import ParsedCache, digest
from sitegen.config import LoadedConfig
from sitegen.errors import Problem, SitegenError
from sitegen.model import Library, Paper, Topic
from sitegen.paperfile import parse_paper

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


def paper_files(papers_dir: Path) -> list[Path]:
    return sorted(p for p in papers_dir.glob("*.md") if p.is_file() and not p.name.startswith("."))


def load_paper(path: Path, shown: str, cache: ParsedCache | None = None) -> Paper:
    """Parse one paper file, reusing the cached result when its bytes are unchanged."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SitegenError(f"cannot read the file: {exc.strerror}", path=shown) from None
    key = f"{shown}\0{digest(data)}"
    cached = cache.get(key) if cache else None
    if isinstance(cached, Paper):
        return cached
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
    paper = parse_paper(text, shown, slug)
    if cache:
        cache.put(key, paper)
    return paper


def load_papers(loaded: LoadedConfig, cache: ParsedCache | None = None) -> tuple[Paper, ...]:
    paths = ContentPaths.of(loaded)
    if not paths.papers.is_dir():
        raise SitegenError(
            "the papers folder is missing",
            path=display_path(paths.papers, loaded),
            hint="run `sitegen import LISTING.txt` to create it, or set `paths.content` in site.yaml",
        )
    papers: list[Paper] = []
    problems: list[Problem] = []
    for path in paper_files(paths.papers):
        try:
            papers.append(load_paper(path, display_path(path, loaded), cache))
        except SitegenError as exc:
            problems.extend(exc.problems)
    if problems:
        files = len({p.path for p in problems})
        raise SitegenError.many(problems, f"{files} paper file(s) have errors; nothing was built")
    return tuple(papers)


def load_topic_list(loaded: LoadedConfig) -> tuple[Topic, ...]:
    from sitegen.topics import load_topics

    path = ContentPaths.of(loaded).topics
    if not path.is_file():
        raise SitegenError(
            "the topics file is missing",
            path=display_path(path, loaded),
            hint="create it with at least one topic (see the README's topics reference)",
        )
    return load_topics(path)


def load_library(loaded: LoadedConfig, cache: ParsedCache | None = None) -> Library:
    return Library(config=loaded.config, topics=load_topic_list(loaded), papers=load_papers(loaded, cache))
