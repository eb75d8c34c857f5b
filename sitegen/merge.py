"""Merge raw entries into papers: one page per paper however many listings show it; slugs.

Entries are one paper only on positive evidence (`sitegen.identity`): a shared DOI or arXiv
id, matching titles with agreeing abstracts, or an untitled abstract that is the same text as
another or a snippet of it. Entries with counter-evidence (different titles, identifiers or code
repositories) are never put together, however the other entries link them. An entry that
matches two papers kept apart stays a paper of its own. Every merge keeps its reason, and every
decision to keep look-alikes apart is returned for the importer to warn about.
No I/O here.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from anyascii import anyascii

from sitegen import names, urls
from sitegen.identity import (
    Traits,
    Verdict,
    relate,
    shared_identifier,
    title_key,
    traits,
    venues_differ,
    words_of,
)
from sitegen.listings import Abstract, RawEntry, clean_abstract, is_snippet
from sitegen.model import Link, Paper, PaperDate, is_preprint_venue
from sitegen.titles import derive_title

T = TypeVar("T")
SLUG_MAX = 60
COMMON_SHINGLE = 200  # a 4-gram in more abstracts than this finds no candidates (it costs too much)


def where(entry: RawEntry) -> str:
    return f"{entry.source}:{entry.line}"


def entry_id(entry: RawEntry) -> str:
    """A bibliography's record by its own key in its listing (`refs.bib#smith2020`), which an
    entry added to the file leaves as it was; another entry by its line (`refs.ris:12`). Either
    may come to name another paper (a line moved, a key reused): identity.py takes it as
    evidence only with the title the page was made with."""
    if entry.key and not SYNTHETIC_KEY.search(entry.key):
        return f"{entry.source}#{entry.key}"
    return where(entry)


SYNTHETIC_KEY = re.compile(r" at line \d+$")  # a reader's name for a record with no key of its own


def entry_traits(entry: RawEntry, abstract: Abstract) -> Traits:
    return traits(
        where(entry),
        entry.title,
        abstract.plain,
        entry.links,
        text_links=abstract.links,
        cut_off=is_snippet(abstract.plain),
        dois=[entry.doi] if entry.doi else [],
        arxiv=[entry.arxiv] if entry.arxiv else [],
        authors=entry.authors,
        made_from=[entry_id(entry)],
        authors_count=entry.authors_count,
        year=entry.date.year if entry.date else None,  # None when the listing left it out
        venue=None if is_preprint_venue(entry.venue) else entry.venue,
    )


@dataclass(frozen=True)
class Join:
    """Why an entry is part of its paper: the entry it was matched with, and the evidence."""

    entry: RawEntry
    anchor: RawEntry
    reason: str


@dataclass
class Group:
    """The entries of one paper, in the order they were read."""

    key: str
    entries: list[RawEntry] = field(default_factory=list)
    abstracts: list[Abstract] = field(default_factory=list)
    traits: list[Traits] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # listings that added it, first one first
    joins: list[Join] = field(default_factory=list)  # one per entry after the first


@dataclass(frozen=True)
class Apart:
    """Look-alike entries kept as different papers, for a warning."""

    kind: str  # `clash` (matching titles), `identifier` (shared id, titles differ), `ambiguous`
    entries: tuple[RawEntry, ...]
    reason: str


@dataclass
class Grouping:
    """The listings' entries grouped into papers, and the pairs kept apart (with why)."""

    groups: list[Group]
    apart: list[Apart]
    group_of: dict[tuple[str, int], str]  # (source, line) -> group key


def group_entries(entries: Iterable[RawEntry]) -> list[Group]:
    return cluster(entries).groups


def cluster(entries: Iterable[RawEntry]) -> Grouping:
    """Cluster entries into papers; the first listing a paper appears in comes first."""
    items = list(entries)
    abstracts = [clean_abstract(entry.abstract, latex_groups=not entry.is_record) for entry in items]
    described = [entry_traits(entry, abstract) for entry, abstract in zip(items, abstracts, strict=True)]
    verdicts = {pair: relate(described[pair[1]], described[pair[0]]) for pair in _candidates(described)}
    edges = sorted((-v.strength, i, j) for (i, j), v in verdicts.items() if v.same)
    apart: list[Apart] = []
    parent, tree = _union(len(items), edges, verdicts, described, set())
    ambiguous = _ambiguous(parent, edges, verdicts, described)
    if ambiguous:
        parent, tree = _union(len(items), edges, verdicts, described, set(ambiguous))
        for index, others in sorted(ambiguous.items()):
            matched = (items[index], *(items[other] for other in others))
            apart.append(Apart("ambiguous", matched, "it matches papers that are kept apart"))
    groups = _groups(items, abstracts, described, parent, tree, verdicts)
    apart += _kept_apart(items, described, verdicts, parent)
    group_of = {(e.source, e.line): g.key for g in groups for e in g.entries}
    return Grouping(groups, apart, group_of)


def _candidates(described: list[Traits]) -> set[tuple[int, int]]:
    """Pairs (earlier, later) worth comparing: a shared title, identifier, or many shared 4-grams."""
    pairs: set[tuple[int, int]] = set()
    by_key: dict[str, list[int]] = defaultdict(list)
    postings: dict[str, list[int]] = defaultdict(list)
    for j, mine in enumerate(described):
        keys = [f"t:{title_key(mine.title)}"] if mine.title else []
        keys += [f"d:{d}" for d in mine.dois] + [f"a:{a}" for a in mine.arxiv]
        for key in keys:
            pairs.update((i, j) for i in by_key[key])
            by_key[key].append(j)
        shared: dict[int, int] = defaultdict(int)
        for shingle in mine.shingles:
            found = postings[shingle]
            if len(found) <= COMMON_SHINGLE:
                for i in found:
                    shared[i] += 1
            found.append(j)
        for i, count in shared.items():
            if count >= 0.25 * min(len(mine.shingles), len(described[i].shingles)):
                pairs.add((i, j))
    return pairs


def _find(parent: list[int], index: int) -> int:
    while parent[index] != index:
        parent[index] = parent[parent[index]]
        index = parent[index]
    return index


def _union(
    size: int,
    edges: list[tuple[int, int, int]],
    verdicts: dict[tuple[int, int], Verdict],
    described: list[Traits],
    ambiguous: set[int],
) -> tuple[list[int], list[tuple[int, int]]]:
    """Join entries along the evidence, strongest first, never two that must stay apart.

    An ambiguous entry is only joined with other ambiguous ones."""
    parent = list(range(size))
    members = {i: [i] for i in range(size)}
    tree: list[tuple[int, int]] = []
    for _, i, j in edges:
        if (i in ambiguous) != (j in ambiguous):
            continue
        a, b = _find(parent, i), _find(parent, j)
        if a == b or _must_stay_apart(members[a], members[b], verdicts, described):
            continue
        low, high = min(a, b), max(a, b)
        parent[high] = low
        members[low] += members.pop(high)
        tree.append((i, j))
    return parent, tree


def _must_stay_apart(
    left: list[int], right: list[int], verdicts: dict[tuple[int, int], Verdict], described: list[Traits]
) -> bool:
    for i in left:
        for j in right:
            pair = (min(i, j), max(i, j))
            verdict = verdicts.get(pair) or relate(described[pair[1]], described[pair[0]])
            if verdict.conflict:
                return True
    return False


def _ambiguous(
    parent: list[int],
    edges: list[tuple[int, int, int]],
    verdicts: dict[tuple[int, int], Verdict],
    described: list[Traits],
) -> dict[int, list[int]]:
    """Entries that could join two papers that were kept apart: which one they are is a guess.

    Returns each such entry with an entry of each paper it could join."""
    members: dict[int, list[int]] = defaultdict(list)
    for index in range(len(parent)):
        members[_find(parent, index)].append(index)
    reaches: dict[int, set[int]] = defaultdict(set)
    for _, i, j in edges:
        reaches[i].add(_find(parent, j))
        reaches[j].add(_find(parent, i))
    found: dict[int, list[int]] = {}
    for index, roots in reaches.items():
        fits = []
        for root in sorted(roots | {_find(parent, index)}):
            others = [m for m in members[root] if m != index]
            if others and not _must_stay_apart([index], others, verdicts, described):
                fits.append(others[0])
        if len(fits) > 1:
            found[index] = fits
    return found


def _groups(
    items: list[RawEntry],
    abstracts: list[Abstract],
    described: list[Traits],
    parent: list[int],
    tree: list[tuple[int, int]],
    verdicts: dict[tuple[int, int], Verdict],
) -> list[Group]:
    groups: dict[int, Group] = {}
    for index, entry in enumerate(items):
        root = _find(parent, index)
        if root not in groups:
            groups[root] = Group(f"p{len(groups):05d}")
        group = groups[root]
        group.entries.append(entry)
        group.abstracts.append(abstracts[index])
        group.traits.append(described[index])
        if entry.source not in group.files:
            group.files.append(entry.source)
    # Each entry after a paper's first is reported with the tree edge that reached it.
    neighbours: dict[int, list[int]] = defaultdict(list)
    for i, j in tree:
        neighbours[i].append(j)
        neighbours[j].append(i)
    order = {id(entry): index for index, entry in enumerate(items)}
    for root, group in groups.items():
        stack, seen_here = [root], {root}
        while stack:
            node = stack.pop()
            for other in sorted(neighbours[node]):
                if other in seen_here:
                    continue
                seen_here.add(other)
                stack.append(other)
                verdict = verdicts[(min(node, other), max(node, other))]
                reason = verdict.reason if other > node else relate(described[other], described[node]).reason
                group.joins.append(Join(items[other], items[node], reason))
        group.joins.sort(key=lambda join: order[id(join.entry)])
    return list(groups.values())


def _kept_apart(
    items: list[RawEntry],
    described: list[Traits],
    verdicts: dict[tuple[int, int], Verdict],
    parent: list[int],
) -> list[Apart]:
    """Warnings: matching titles, or a shared identifier, in different papers; one per pair of papers."""
    found: dict[tuple[int, int], Apart] = {}
    for (i, j), verdict in sorted(verdicts.items()):
        a, b = _find(parent, i), _find(parent, j)
        if a == b or (a, b) in found:
            continue
        if verdict.clash:  # said from the first entry's side, as the warning names it first
            found[(a, b)] = Apart("clash", (items[i], items[j]), relate(described[i], described[j]).reason)
        elif verdict.conflict and shared_identifier(described[i], described[j]):
            reason = f"they share {shared_identifier(described[i], described[j])} but have {verdict.reason}"
            found[(a, b)] = Apart("identifier", (items[i], items[j]), reason)
    return list(found.values())


YearOf = Callable[[str], int]


def merged_paper(group: Group, year_of: YearOf) -> Paper:
    """The paper a group describes: fullest abstract, union of metadata, every source.

    Of bibliographic records, the published version's (a venue other than arXiv, or a DOI) gives
    the venue, type, date, authors and addresses; the others add what it lacks (a preprint its
    arXiv id). `year_of(source)` is the year to give dates the listing showed without one.
    """
    abstract = fullest(group.abstracts)
    titled = [e.title for e in group.entries if e.title]
    records = records_first_kept(group)
    date, inferred = _best_date(group.entries, year_of, records[0] if records else None)
    links: dict[str, Link] = {}
    for source in [abstract, *group.abstracts]:  # the kept abstract's links first
        for link in source.links:
            links.setdefault(link.url, link)
    for entry in records:
        for link in entry.links:
            links.setdefault(link.url, link)
    authors = _authors(records, group.entries)
    extra: dict[str, str] = {}
    for entry in records:
        for key, value in entry.extra:
            extra.setdefault(key, value)
    return Paper(
        slug="",
        title=titled[0] if titled else derive_title(abstract.plain),
        abstract=abstract.markdown,
        date=date,
        title_derived=not titled,
        date_inferred=inferred,
        authors=authors or (),
        authors_count=None if authors else _first(e.authors_count for e in group.entries),
        organization=_first(e.organization for e in group.entries),
        venue=_first(e.venue for e in records),
        volume=_first(e.volume for e in records),
        issue=_first(e.issue for e in records),
        pages=_first(e.pages for e in records),
        publisher=_first(e.publisher for e in records),
        editors=_whole_list([e.editors for e in records if e.editors]),
        type=_first(e.type for e in records),
        doi=_first(e.doi for e in records),
        arxiv=_first(e.arxiv for e in records),
        url=_first(e.url for e in records),
        pdf=_first(e.pdf for e in records),
        upvotes=max((e.upvotes for e in group.entries if e.upvotes is not None), default=None),
        links=tuple(links.values()),
        sources=tuple(sorted({e.source for e in group.entries})),
        extra=extra,
    )


def _authors(records: list[RawEntry], entries: list[RawEntry]) -> tuple[str, ...]:
    """The first list that names everyone (the published record's first); else the first cut
    short (`and others`, "et al."), written down with one `others` at its end."""
    return _whole_list([entry.authors for entry in [*records, *entries]])


def _whole_list(lists: list[tuple[str, ...]]) -> tuple[str, ...]:
    """Of lists of people, the first that names everyone; else the first cut short, written down
    with one `others` at its end."""
    named = [people for people in lists if names.named(people)]
    whole = [people for people in named if not names.cut_short(people)]
    return names.as_written_down((whole or named or [()])[0])


def records_first_kept(group: Group) -> list[RawEntry]:
    """The group's bibliographic records, the one whose fields are kept first: the published
    version, then the fullest (more fields given, then more authors named), then in the order
    read. Not the order alone: which file's name sorts first is no reason to keep its values."""

    def fullness(entry: RawEntry) -> tuple[int, int]:
        given = (entry.venue, entry.volume, entry.issue, entry.pages, entry.publisher, entry.doi, entry.url)
        return sum(1 for value in given if value) + bool(entry.editors), len(names.named(entry.authors))

    def rank(entry: RawEntry) -> tuple[bool, int, int]:
        fields, authors = fullness(entry)
        return not is_published(entry), -fields, -authors

    return sorted((e for e in group.entries if e.is_record), key=rank)  # stable: then in the order read


def disagreements(group: Group, paper: Paper) -> list[str]:
    """What the group's entries give that its paper does not keep, field by field: "volume 18,
    not 81 (a0.ris:1)". A value written two ways (a venue abbreviated, pages with `--`) is one."""
    said = []
    # Among the published records: a preprint's archive, type and author list are not the
    # published version's by design, and a listing's entry has none of these fields.
    published = [entry for entry in group.entries if entry.is_record and is_published(entry)]
    for name in ("venue", "volume", "issue", "pages", "publisher", "type"):
        kept = getattr(paper, name)
        others: dict[str, str] = {}
        for entry in published:
            value = getattr(entry, name)
            if value and kept and _values_differ(name, value, kept):
                others.setdefault(" ".join(words_of(value)), f"{value} ({where(entry)})")
        if others:
            said.append(f"{name} {kept}, not {' or '.join(others.values())}")
    kept_authors = names.named(paper.authors)
    kept_families = _families(kept_authors)
    for entry in published:
        authors = names.named(entry.authors)
        if authors and kept_authors and _families(authors) != kept_families[: len(authors)]:
            said.append(f"authors {_people(kept_authors)}, not {_people(authors)} ({where(entry)})")
    return said


def _values_differ(name: str, value: str, kept: str) -> bool:
    if name == "venue":
        return venues_differ(value, kept)
    return words_of(value) != words_of(kept)


def _families(people: tuple[str, ...]) -> list[str]:
    return [" ".join(words_of(names.family(name))) for name in people]


def _people(people: tuple[str, ...]) -> str:
    """ "5 named (Hosny, Parmar, Quackenbush, ...)"."""
    shown = ", ".join(names.family(name) for name in people[:3]) + (", ..." if len(people) > 3 else "")
    return f"{len(people)} named ({shown})"


def is_published(entry: RawEntry) -> bool:
    """A record of the published version: in a venue other than an archive of preprints."""
    if entry.type == "preprint":
        return False
    return bool(entry.doi) or bool(entry.venue and not is_preprint_venue(entry.venue))


def fullest(abstracts: list[Abstract]) -> Abstract:
    """The complete abstract over a snippet, then the longest; the first on a tie. But a longer
    text that goes on from where the complete one stops is fuller: a snippet cut after its first
    sentence looks complete ("… in chest CT."), and the teaser of 400 characters holds more."""
    best = max(abstracts, key=lambda a: (not is_snippet(a.plain), len(a.plain)))
    longest = max(abstracts, key=lambda a: len(a.plain))
    return longest if _opens(best.plain, longest.plain) else best


def _opens(short: str, long: str) -> bool:
    """Whether `short` is, word for word (case, accents and punctuation aside), the opening of `long`."""
    opening, whole = words_of(short), words_of(long)
    return len(opening) < len(whole) and whole[: len(opening)] == opening


def _first(values: Iterable[T | None]) -> T | None:
    return next((v for v in values if v is not None), None)


def _best_date(
    entries: list[RawEntry], year_of: YearOf, record: RawEntry | None
) -> tuple[PaperDate | None, bool]:
    """The published record's date, made more precise by another entry's date within it (a day in
    its year); else a date whose year the listing showed over one whose year was inferred, the
    earliest first."""
    found: list[tuple[bool, PaperDate, RawEntry]] = []
    for entry in entries:
        if entry.date is None:
            continue
        inferred = entry.date.year is None
        year = year_of(entry.source) if inferred else entry.date.year
        try:
            found.append((inferred, PaperDate(year or 1, entry.date.month, entry.date.day), entry))
        except ValueError:
            continue  # e.g. Feb 29 in a year that has none; leave the date out
    if not found:
        return None, False
    recorded = next((date for _, date, entry in found if entry is record), None)
    if recorded is not None:
        finer = [date for inferred, date, _ in found if not inferred and _within(date, recorded)]
        return min(finer, key=lambda date: date.key) if finer else recorded, False
    inferred, date, _ = min(found, key=lambda item: (item[0], item[1].key))
    return date, inferred


def _within(date: PaperDate, period: PaperDate) -> bool:
    """`date` falls in `period` (a year, or a month) and is more precise than it."""
    if date.year != period.year or (period.month and date.month != period.month):
        return False
    return (date.day is not None) > (period.day is not None) or (date.month is not None) > (
        period.month is not None
    )


# -- slugs -------------------------------------------------------------------------------------


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens; other scripts transliterated (anyascii)."""
    text = re.sub(r"(?<=\w)['’](?=\w)", "", text)  # don't -> dont
    return re.sub(r"[^a-z0-9]+", "-", transliterate(text).lower()).strip("-")


def transliterate(text: str) -> str:
    """ASCII for any text: accents dropped, other scripts spelt out (北京 -> Bei Jing, Привет -> Privet).

    Each ideograph or syllable becomes a word of its own, so a Chinese title gives a readable slug.
    """
    out = []
    for char in unicodedata.normalize("NFKD", text):
        if char.isascii():
            out.append(char)
        elif not unicodedata.combining(char):
            spelt = anyascii(char)
            syllable = unicodedata.category(char) == "Lo" and spelt[:1].isupper()
            out.append(f" {spelt} " if syllable else spelt)
    return "".join(out)


def make_slug(title: str, taken: set[str]) -> str:
    """Short, unique, never empty: the name before `:` when the title has one, else the first words.

    A title with nothing to spell (symbols only) gets `paper-` and a short hash of itself.
    """
    name = re.split(r":\s|\s--?\s|\s—\s", title, maxsplit=1)[0]
    fallback = "paper-" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:8]
    if slugify(name) and len(slugify(name)) <= SLUG_MAX:
        base = slugify(name)
    else:
        base = _cut(slugify(title)) or fallback
    slug = base
    extra = [w for w in slugify(title).split("-") if w and w not in base.split("-")]
    while slug in taken or slug in urls.RESERVED_SLUGS:
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
