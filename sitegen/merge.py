"""Merge raw entries into papers: one page per paper however many listings show it; slugs.

Two entries are the same paper when their normalised titles are equal, or when most of the
word 4-grams of the shorter abstract occur in the longer one: that survives a ~300-character
snippet against the full abstract, case, punctuation, whitespace and small typos.
No I/O here.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from sitegen.listings import Abstract, RawEntry, clean_abstract, is_snippet
from sitegen.model import Link, Paper
from sitegen.titles import derive_title

T = TypeVar("T")
SHINGLE = 4  # words per shingle
MIN_SHARED = 0.5  # share of the shorter abstract's shingles that must recur in the other
SLUG_MAX = 60


def normalise(text: str) -> str:
    """Lower case ASCII words separated by single spaces: what survives retyping and reformatting."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def title_key(title: str) -> str:
    return normalise(title).replace(" ", "")


def shingles(plain: str) -> frozenset[str]:
    words = normalise(plain).split()
    if is_snippet(plain) and len(words) > SHINGLE:
        words = words[:-1]  # a snippet stops mid-word
    if len(words) < SHINGLE:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


class Matcher:
    """Finds which known paper (by id) a title and abstract belong to."""

    def __init__(self) -> None:
        self.by_title: dict[str, str] = {}
        self.by_shingle: dict[str, set[str]] = defaultdict(set)
        self.sizes: dict[str, int] = defaultdict(int)
        self.known: dict[str, set[str]] = defaultdict(set)

    def add(self, key: str, title: str | None, plain: str | None) -> None:
        if title and title_key(title):
            self.by_title.setdefault(title_key(title), key)
        for shingle in shingles(plain or "") - self.known[key]:
            self.by_shingle[shingle].add(key)
            self.known[key].add(shingle)
        self.sizes[key] = len(self.known[key])

    def find(self, title: str | None, plain: str | None) -> str | None:
        if title and title_key(title) in self.by_title:
            return self.by_title[title_key(title)]
        mine = shingles(plain or "")
        if len(mine) < 3:
            return None
        shared: dict[str, int] = defaultdict(int)
        for shingle in mine:
            for key in self.by_shingle.get(shingle, ()):
                shared[key] += 1
        best = None
        best_share = MIN_SHARED
        for key, count in sorted(shared.items()):
            share = count / min(len(mine), self.sizes[key])
            if share >= best_share:
                best, best_share = key, share + 1e-9
        return best


@dataclass
class Group:
    """The entries of one paper, in the order they were read."""

    key: str
    entries: list[RawEntry] = field(default_factory=list)
    abstracts: list[Abstract] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # listings that added it, first one first


def group_entries(entries: Iterable[RawEntry]) -> list[Group]:
    """Cluster entries into papers; the first listing a paper appears in comes first."""
    matcher = Matcher()
    groups: dict[str, Group] = {}
    for entry in entries:
        abstract = clean_abstract(entry.abstract)
        key = matcher.find(entry.title, abstract.plain)
        if key is None:
            key = f"p{len(groups):05d}"
            groups[key] = Group(key)
        group = groups[key]
        group.entries.append(entry)
        group.abstracts.append(abstract)
        if entry.source not in group.files:
            group.files.append(entry.source)
        matcher.add(key, entry.title, abstract.plain)
    return list(groups.values())


YearOf = Callable[[str], int]


def merged_paper(group: Group, year_of: YearOf) -> Paper:
    """The paper a group describes: fullest abstract, union of metadata, every source.

    `year_of(source)` is the year to give dates the listing showed without one.
    """
    abstract = fullest(group.abstracts)
    titled = [e.title for e in group.entries if e.title]
    date, inferred = _best_date(group.entries, year_of)
    links: dict[str, Link] = {}
    for source in [abstract, *group.abstracts]:  # the kept abstract's links first
        for link in source.links:
            links.setdefault(link.url, link)
    return Paper(
        slug="",
        title=titled[0] if titled else derive_title(abstract.plain),
        abstract=abstract.markdown,
        date=date,
        title_derived=not titled,
        date_inferred=inferred,
        authors_count=_first(e.authors_count for e in group.entries),
        organization=_first(e.organization for e in group.entries),
        upvotes=max((e.upvotes for e in group.entries if e.upvotes is not None), default=None),
        links=tuple(links.values()),
        sources=tuple(sorted({e.source for e in group.entries})),
    )


def fullest(abstracts: list[Abstract]) -> Abstract:
    """The complete abstract over a snippet, then the longest; the first on a tie."""
    return max(abstracts, key=lambda a: (not is_snippet(a.plain), len(a.plain)))


def _first(values: Iterable[T | None]) -> T | None:
    return next((v for v in values if v is not None), None)


def _best_date(entries: list[RawEntry], year_of: YearOf) -> tuple[dt.date | None, bool]:
    """A date whose year the listing showed wins over one whose year was inferred."""
    found: list[tuple[bool, dt.date]] = []
    for entry in entries:
        if entry.date is None:
            continue
        inferred = entry.date.year is None
        year = year_of(entry.source) if inferred else entry.date.year
        try:
            found.append((inferred, dt.date(year or 1, entry.date.month, entry.date.day)))
        except ValueError:
            continue  # e.g. Feb 29 in a year that has none; leave the date out
    if not found:
        return None, False
    inferred, date = min(found)
    return date, inferred


# -- slugs -------------------------------------------------------------------------------------


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"(?<=\w)['’](?=\w)", "", text)  # don't -> dont
    text = text.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def make_slug(title: str, taken: set[str]) -> str:
    """Short and unique: the name before `:` when the title has one, else the first words."""
    name = re.split(r":\s|\s--?\s|\s—\s", title, maxsplit=1)[0]
    base = _cut(slugify(name) or slugify(title) or "paper")
    if len(slugify(name)) > SLUG_MAX or not slugify(name):
        base = _cut(slugify(title) or "paper")
    slug = base
    extra = [w for w in slugify(title).split("-") if w not in base.split("-")]
    while slug in taken:
        if extra and len(slug) + len(extra[0]) < SLUG_MAX + 10:
            slug = f"{slug}-{extra.pop(0)}"
        else:
            number = 2
            while f"{base}-{number}" in taken:
                number += 1
            slug = f"{base}-{number}"
    return slug


def _cut(slug: str) -> str:
    if len(slug) <= SLUG_MAX:
        return slug
    cut = slug[: SLUG_MAX + 1]
    return cut[: cut.rfind("-")] if "-" in cut else slug[:SLUG_MAX]
