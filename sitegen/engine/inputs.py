"""The digests of the plan's inputs, and what changed since the last build.

An output's inputs digest is the digest of the values of what the plan says it reads: a paper's
digests (of its file and topics, of its card), the slugs of its related papers, a list, a
site-wide input. A build keeps these values (`LastMade`), so the next one can tell which inputs
changed (`Changes`) without looking at the papers whose files did not change.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields

from sitegen import plan
from sitegen.digests import digest
from sitegen.engine.journal import changed_entries
from sitegen.engine.rows import RowLayout
from sitegen.model import Paper
from sitegen.plan import (
    BIBKEY,
    CARD,
    CONFIG,
    COUNTS,
    INFO,
    LIST,
    LIST_PAGE,
    MODE,
    PAPER,
    PAPER_COUNT,
    RELATED,
    SNIPPET,
    TEMPLATES,
    TOPICS,
    Cards,
    Input,
    Read,
    Snippets,
)
from sitegen.views import ListPage, SiteView

PER_PAPER = frozenset(plan.PER_PAPER)  # the kinds of read naming a paper


@dataclass(frozen=True)
class PaperKeys:
    """Digests of what each paper's inputs are made from, by slug."""

    text: dict[str, str]  # its title and abstract: its rendered abstract and words
    file: dict[str, str]  # its file's path and content
    paper: dict[str, str]  # its file and topics: the PAPER input
    card: dict[str, str]  # the CARD input: its topics, the fields read through cards and derive.LISTED


def card_key(paper: Paper, topic_ids: tuple[str, ...], fields: Iterable[str]) -> str:
    """The digest of a paper's card: its topics and the values of `fields` (sorted names)."""
    shown = (paper.slug, topic_ids, *(getattr(paper, name, None) for name in fields))
    return digest(repr(shown).encode("utf-8"))


@dataclass(frozen=True)
class ChunkSizes:
    """A chunked file as a build made it: its papers, in order, and the size of each one's chunk:
    what lets the next build patch the file (chunks replaced, moved, added or dropped) instead of
    joining every chunk again."""

    order: tuple[str, ...]
    sizes: array[int]


@dataclass(frozen=True)
class LastMade:
    """What a build's outputs were made of, for the next build into the same output: it looks
    again only at the papers whose files changed, and keeps every output whose inputs did not
    change without working out their digests again."""

    folder: str  # the output, resolved
    rules: str  # digest of the topics and their rules
    looks: str  # digest of the templates and static files
    site: dict[Input, str]  # the site-wide inputs' values
    keys: PaperKeys
    card_fields: tuple[str, ...]  # the fields templates read through cards, sorted
    topics_of: dict[str, tuple[str, ...]]
    bibtex_keys: dict[str, str]
    related: dict[str, tuple[str, ...]]
    newest_first: tuple[str, ...]
    listed: str  # the inputs digest of the listings (and citation keys) its outputs were made from
    chunk_sizes: dict[str, ChunkSizes]  # chunked file -> the size of each paper's chunk, in order
    columns: dict[tuple[str, str], str]  # (kind, list name) -> digest of its papers' inputs of the kind
    row_layouts: dict[str, RowLayout]  # list page -> where its rows lie
    patches: int  # builds since the last one that looked at every paper


@dataclass(frozen=True)
class Changes:
    """The inputs that changed since the last build: per paper, the slugs whose input of each
    kind changed; and the site-wide inputs that changed."""

    per_paper: dict[str, set[str]]
    site: set[Input]

    def of(self, kinds: Iterable[str]) -> set[str]:
        return set().union(*(self.per_paper[kind] for kind in kinds))

    def touch(self, reads: Iterable[Read]) -> bool:
        """Whether any of `reads` changed (its site-wide inputs must be among those looked at)."""
        per_paper = self.per_paper
        for read in reads:
            if isinstance(read, Cards):
                changed = not per_paper[CARD].isdisjoint(read.slugs)
            elif isinstance(read, Snippets):
                changed = not per_paper[SNIPPET].isdisjoint(read.slugs)
            elif read[0] in PER_PAPER:
                changed = read[1] in per_paper[read[0]]
            else:
                changed = read in self.site
            if changed:
                return True
        return False


class Inputs:
    """The value of each input the plan names, for the view of one build."""

    def __init__(self, view: SiteView, keys: PaperKeys, templates: str) -> None:
        self.view, self.keys, self.templates = view, keys, templates
        self._site: dict[Input, str] = {}
        self._per_paper: tuple[LastMade, dict[str, set[str]]] | None = None
        self._site_digests: dict[Input, str] = {}
        self._column_digests: dict[tuple[str, str], str] = {}  # (kind, list name) -> digest
        self._columns: dict[str, Mapping[str, str]] = {}

    def digest(self, reads: Iterable[Read]) -> str:
        return digest("\n".join(map(self._digested, reads)).encode("utf-8"))

    def _digested(self, read: Read) -> str:
        """What a read adds to a digest: a site-wide input's value digested once a build (a
        topic's list is read by each of its ~100 pages, the topics by every page)."""
        if isinstance(read, (Cards, Snippets)) or read[0] in PER_PAPER:
            return self.value(read)
        found = self._site_digests.get(read)
        if found is None:
            found = self._site_digests[read] = digest(self.site(read).encode("utf-8"))
        return found

    def value(self, read: Read) -> str:
        if isinstance(read, Cards):
            return "\n".join(map(self.keys.card.__getitem__, read.slugs))
        if isinstance(read, Snippets):  # a snippet is made from the paper's title and abstract
            return "\n".join(map(self.keys.text.__getitem__, read.slugs))
        kind, key = read
        if kind == PAPER:
            return self.keys.paper[key]
        if kind == CARD:
            return self.keys.card[key]
        if kind == SNIPPET:  # the opening of the abstract: made from the title and abstract's text
            return self.keys.text[key]
        if kind == RELATED:
            return " ".join(self.view.related(key))
        if kind == BIBKEY:
            return self.view.bibtex_key(key)
        return self.site(read)

    def member_keys(self, own: Iterable[str], site: Iterable[Input], slugs: Iterable[str]) -> dict[str, str]:
        """For each of `slugs`, the values of its inputs of the `own` kinds and (digested) of the
        `site` inputs: what one member of a family (a chunk, a search document) is made of."""
        # Joined for the slugs asked for, each time: kept for every paper and kind, they were the
        # largest thing the build held besides the library (~130 MB at 100,000 papers).
        columns, site_value = [self._column(kind) for kind in own], self.digest(site)
        return {slug: f"{' '.join([column[slug] for column in columns])} {site_value}" for slug in slugs}

    def members_digest(
        self, name: str, own: Iterable[str], site: Iterable[Input], order: str, slugs: Sequence[str]
    ) -> str:
        """The inputs digest of a family (a chunked file) whose members are `slugs`, the list
        `order`: of each member's values of the `own` kinds, as `member_keys` tells, digested a
        column at a time (several files list the same papers: papers.bib, .ris and .csl.json)."""
        columns = (self._column_digest(kind, order, slugs) for kind in own)
        return digest("\n".join((name, self.digest(site), *columns)).encode("utf-8"))

    def known_columns(self, digests: Mapping[tuple[str, str], str]) -> None:
        """Take column digests the last build worked out whose inputs did not change since (the
        same papers in the same order, none of whose inputs of the kind changed): ~0.1 s each at
        100,000 papers."""
        self._column_digests.update(digests)

    def column_digests(self) -> dict[tuple[str, str], str]:
        """The column digests worked out or taken so far."""
        return dict(self._column_digests)

    def _column_digest(self, kind: str, order: str, slugs: Sequence[str]) -> str:
        found = self._column_digests.get((kind, order))
        if found is None:
            values = "\n".join((*slugs, *map(self._column(kind).__getitem__, slugs)))
            found = self._column_digests[kind, order] = digest(values.encode("utf-8"))
        return found

    def _column(self, kind: str) -> Mapping[str, str]:
        """Every paper's value of a per-paper input kind, by slug."""
        found = self._columns.get(kind)
        if found is None:
            found = self._columns[kind] = self._column_of(kind)
        return found

    def _column_of(self, kind: str) -> Mapping[str, str]:
        if kind == PAPER:
            return self.keys.paper
        if kind == CARD:
            return self.keys.card
        if kind == BIBKEY:
            return self.view.data.bibtex_keys
        related = self.view.all_related()
        return {slug: " ".join(related.get(slug, ())) for slug in self.keys.file}

    def site(self, read: Input) -> str:
        """A site-wide input's value (worked out once a build)."""
        found = self._site.get(read)
        if found is None:
            found = self._site[read] = self._site_value(read)
        return found

    def _site_value(self, read: Input) -> str:
        view, (kind, key) = self.view, read
        if kind == LIST:
            listed = view.listing(key)
            return "\n".join(listed) if all(isinstance(item, str) for item in listed) else repr(listed)
        if kind == LIST_PAGE:
            name, _, number = key.rpartition("@")
            return _list_page_value(view.list_page(name, int(number)))
        values = {
            TOPICS: lambda: repr([(t.id, t.title, t.description) for t in view.library.topics]),
            COUNTS: lambda: repr(view.topic_cards()),
            INFO: lambda: repr(view.info()),  # not its paper count (PAPER_COUNT)
            PAPER_COUNT: lambda: str(view.paper_count()),
            MODE: lambda: repr(view.mode()),
            CONFIG: lambda: repr(view.config()),
            TEMPLATES: lambda: self.templates,
        }
        return values[kind]()

    def changes(self, last: LastMade | None, site_reads: Iterable[Input]) -> Changes | None:
        """What changed since `last` (None: the last build is unknown, so everything may have);
        of the site-wide inputs, only `site_reads` are looked at."""
        if last is None:
            return None
        if self._per_paper is None or self._per_paper[0] is not last:  # the same for every output
            keys, view = self.keys, self.view
            self._per_paper = (
                last,
                {
                    PAPER: _differing(keys.paper, last.keys.paper),
                    CARD: _differing(keys.card, last.keys.card),
                    SNIPPET: _differing(keys.text, last.keys.text),
                    RELATED: _differing(view.all_related(), last.related),
                    BIBKEY: _differing(view.data.bibtex_keys, last.bibtex_keys),
                },
            )
        site = {read for read in site_reads if last.site.get(read) != self.site(read)}
        return Changes(per_paper=self._per_paper[1], site=site)

    def site_values(self) -> dict[Input, str]:
        """The site-wide inputs worked out so far (each output's, once made or kept)."""
        return dict(self._site)


# A list page's fields but its papers, which its value joins (slugs hold no newline).
_PAGE_FIELDS = tuple(field.name for field in fields(ListPage) if field.name != "slugs")


def _list_page_value(page: ListPage) -> str:
    """A list page's value: its slugs joined, not in a repr (~4x quicker for the ~1,000 pages of
    10,000 papers, every one looked at by an edit)."""
    others = tuple(getattr(page, name) for name in _PAGE_FIELDS)
    return "\n".join((repr(others), *page.slugs))


def _differing(now: Mapping[str, object], before: Mapping[str, object]) -> set[str]:
    """The keys of `now` whose value is not as `before` had it."""
    return set(changed_entries(now, before))  # most values the very objects: compared in C
