"""The content model: plain, frozen dataclasses with no I/O.

Every stage after `load` works on these; nothing here touches the disk.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, overload
from urllib.parse import unquote

from sitegen.errors import Problem

LINK_KINDS = ("code", "project", "data", "model", "paper", "other")
# What a paper is, as citations need it: a journal article, a conference paper, a preprint...
PAPER_TYPES = ("article", "conference", "preprint", "book", "chapter", "thesis", "report", "misc")
# Venues that are archives of preprints, not the published version.
PREPRINT_VENUE = re.compile(
    r"\b(arxiv|biorxiv|medrxiv|chemrxiv|corr|ssrn|preprints?|research square)\b", re.IGNORECASE
)


def is_preprint_venue(venue: str | None) -> bool:
    return bool(venue and PREPRINT_VENUE.search(venue))


MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class PaperDate:
    """A date as precise as the paper's record gives it: a year, a year and a month, or a day.

    Ordered by `key`: a year alone sorts before every date within that year, a month alone before
    every day of that month (as their ISO forms sort), so newest-first lists show what is known
    to be newer first.
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        dt.date(self.year, self.month or 1, self.day or 1)  # ValueError when it does not exist

    @classmethod
    def of(cls, date: dt.date) -> PaperDate:
        return cls(date.year, date.month, date.day)

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def isoformat(self) -> str:
        """`2024`, `2024-05` or `2024-05-03`: valid in HTML's `<time datetime>` too."""
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        return text

    def first_day(self) -> dt.date:
        """The first day of the period, where a format needs a whole date (an Atom timestamp)."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def human(self) -> str:
        """`2024`, `May 2024` or `3 May 2024`."""
        if not self.month:
            return str(self.year)
        month = f"{MONTH_NAMES[self.month - 1]} {self.year}"
        return f"{self.day} {month}" if self.day else month

    def __str__(self) -> str:
        return self.isoformat()


@dataclass(frozen=True, slots=True)
class Link:
    """A link of a paper's (code, project, data...), as its front matter gives it."""

    url: str
    kind: str = "other"  # one of LINK_KINDS
    label: str = ""


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper, as its content file describes it (topics are derived later)."""

    slug: str
    title: str
    abstract: str  # Markdown
    date: PaperDate | None = None
    title_derived: bool = False
    date_inferred: bool = False
    authors: tuple[str, ...] = ()  # names as written: "Given Family" or "Family, Given"
    authors_count: int | None = None  # when the names are unknown (daily-papers listings)
    organization: str | None = None
    venue: str | None = None  # the journal or conference, or "arXiv"
    volume: str | None = None  # the journal's volume (or a series' number)
    issue: str | None = None  # the journal's issue (BibTeX's `number`)
    pages: str | None = None  # "102–115", or an article number such as "e1234"
    publisher: str | None = None  # who published a book, chapter, proceedings or report
    editors: tuple[str, ...] = ()  # of the book or proceedings the paper is in, as written
    type: str | None = None  # one of PAPER_TYPES; None: told by its identifiers and venue
    doi: str | None = None  # 10.xxxx/...
    arxiv: str | None = None  # 2401.01234 or hep-th/9901001, without a version
    url: str | None = None  # the paper's landing page
    pdf: str | None = None
    upvotes: int | None = None
    links: tuple[Link, ...] = ()
    sources: tuple[str, ...] = ()
    topics: tuple[str, ...] | None = None  # pinned by the editor; None means "from the rules"
    topics_add: tuple[str, ...] = ()
    topics_remove: tuple[str, ...] = ()
    template: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    path: str = ""  # the content file, relative to the project, for messages
    # What reading the file dropped that the editor may have meant as a value (a ` #` YAML took
    # for a comment): warnings of each build that reads the file. Not part of the paper.
    warnings: tuple[Problem, ...] = field(default=(), compare=False, repr=False)

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None


# An arXiv paper's address (its abstract or PDF, of any version) and a DOI's resolver address.
ARXIV_ADDRESS = re.compile(
    r"^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/"
    r"(\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)
DOI_ADDRESS = re.compile(r"^https?://(?:dx\.)?doi\.org/(10\.\d{4,9}/\S+)$", re.IGNORECASE)
ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)  # arXiv's own DOI: the arXiv id


@lru_cache(maxsize=1 << 16)  # a paper's addresses are looked at by each format that cites it
def address_identifier(url: str) -> tuple[str, str] | None:
    """("arxiv", id without its version) for an arxiv.org/abs or /pdf address, ("doi", DOI) for a
    doi.org address (arXiv's own DOI, 10.48550/arXiv.ID, gives the arXiv id); else None."""
    found = ARXIV_ADDRESS.match(url.strip())
    if found:
        return "arxiv", found.group(1)
    found = DOI_ADDRESS.match(url.strip())
    if not found:
        return None
    doi = unquote(found.group(1)).rstrip(".")
    of_arxiv = ARXIV_DOI.match(doi)
    if of_arxiv:
        found = ARXIV_ADDRESS.match(f"https://arxiv.org/abs/{of_arxiv.group(1)}")
        return ("arxiv", found.group(1)) if found else None
    return "doi", doi


IDENTIFIER_SOURCES = ("doi", "arxiv", "url", "pdf", "links")  # what identified() reads


def identified(paper: Paper) -> Paper:
    """The paper with its identifiers as every citation format and its page give them: its `doi`
    and `arxiv` fields; else, for the one missing, the first of its `url`, `pdf` and `links`
    addresses that names one (an arxiv.org/abs|pdf/ID[vN] address gives the arXiv id, a doi.org
    one the DOI). The one place they are derived; nothing is written back to the paper's file."""
    if paper.doi and paper.arxiv:
        return paper
    doi, arxiv = paper.doi, paper.arxiv
    for url in (paper.url, paper.pdf, *(link.url for link in paper.links)):
        if not url or (doi and arxiv):
            continue
        found = address_identifier(url)
        if found is None:
            continue
        kind, value = found
        if kind == "doi" and not doi:
            doi = value
        elif kind == "arxiv" and not arxiv:
            arxiv = value
    if (doi, arxiv) == (paper.doi, paper.arxiv):
        return paper
    return replace(paper, doi=doi, arxiv=arxiv)


# One range of pages, "102–115" (or 102-115, 102--115); not a list ("1, 5–7") or "A-1--A-5".
PAGE_SPAN = re.compile(r"^\s*([^\s\-\u2013\u2014]+)\s*(?:-+|\u2013|\u2014)\s*([^\s\-\u2013\u2014]+)\s*$")


def page_span(pages: str) -> tuple[str, str | None]:
    """The first and last page of a range; else the pages as given, and no last page."""
    span = PAGE_SPAN.match(pages)
    return (span.group(1), span.group(2)) if span else (pages.strip(), None)


@dataclass(frozen=True)
class TopicRules:
    """When the rules give a paper a topic: its cues must earn `threshold` points and no veto may match.

    Patterns are case-insensitive regular expressions; points may be negative (counter-evidence).
    """

    title: tuple[tuple[str, int], ...] = ()  # (pattern, points): scored once when the title matches
    abstract: tuple[tuple[str, int], ...] = ()  # (pattern, points): scored per match, up to `repeat` times
    veto: tuple[str, ...] = ()  # a match in the title or abstract rules the topic out
    threshold: int = 1
    repeat: int = 1


@dataclass(frozen=True)
class Topic:
    """A topic of the taxonomy, as topics.yaml gives it, with the rules that assign it."""

    id: str
    title: str
    description: str
    rules: TopicRules = TopicRules()


@dataclass(frozen=True)
class SiteConfig:
    """The site's settings (site.yaml), with their defaults."""

    title: str
    description: str
    base_url: str  # absolute, ends with "/"; used only by the feed and sitemap
    author: str
    language: str = "en"
    content_dir: str = "content"
    templates_dir: str | None = None  # the user's overrides, searched before the defaults
    output_dir: str = "public"
    cache_dir: str = ".sitegen-cache"
    recent_count: int = 8
    related_count: int = 5
    editor: bool = False  # the editor's view: notes, badges and the attention page (else the reader's site)


class Papers(Sequence[Paper]):
    """A library's papers, in file order, each given as a Paper or as a function that gives it
    when first asked for (a rebuild uses few of the papers it has)."""

    def __init__(self, found: Iterable[tuple[str, str, Paper | Callable[[], Paper]]] = ()) -> None:
        found = list(found)  # (slug, file as shown, paper or how to get it)
        self.slugs = tuple(slug for slug, _, _ in found)
        self.paths = tuple(path for _, path, _ in found)
        self._papers = [paper for _, _, paper in found]
        self._numbers = {slug: number for number, slug in enumerate(self.slugs)}
        self.by_slug: Mapping[str, Paper] = _BySlug(self)

    @overload
    def __getitem__(self, index: int) -> Paper: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Paper]: ...

    def __getitem__(self, index: int | slice) -> Paper | Sequence[Paper]:
        if isinstance(index, slice):
            return [self[number] for number in range(*index.indices(len(self)))]
        paper = self._papers[index]
        if not isinstance(paper, Paper):
            paper = self._papers[index] = paper()
        return paper

    def __len__(self) -> int:
        return len(self._papers)

    def of(self, slug: str) -> Paper:
        return self[self._numbers[slug]]


class _BySlug(Mapping[str, Paper]):
    def __init__(self, papers: Papers) -> None:
        self._papers = papers

    def __getitem__(self, slug: str) -> Paper:
        return self._papers.of(slug)

    def __contains__(self, slug: object) -> bool:
        return slug in self._papers._numbers

    def __iter__(self) -> Iterator[str]:
        return iter(self._papers.slugs)

    def __len__(self) -> int:
        return len(self._papers)


@dataclass(frozen=True)
class Library:
    """Everything a build reads: the site config, the topics and the papers."""

    config: SiteConfig
    topics: tuple[Topic, ...]
    papers: Papers
