"""The listings and citation keys of the last build, patched for the few papers that changed.

A title, date, topic or author edit changes what the listings order, group and count by. Deriving
them from nothing reads every paper of the library (~1 s at 10,000 papers, most of it unpickling
them from the cache and working out every citation key); here each changed paper is taken out of
the last build's lists and put back where its new record sorts (a binary search, reading about
fourteen neighbours), and only the counts, co-occurrences and citation-key groups it was or is in
are counted again, with the domain's own functions, so the result is what `derive` gives: the
cold-build oracle (tests/test_cold_oracle.py) and tests/test_incremental.py compare them.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

from sitegen import citations
from sitegen.derive import (
    Counts,
    Derived,
    YearCounts,
    author_values,
    counted,
    listing_key,
    needs_attention,
    venue_values,
    year_counts,
)
from sitegen.model import Paper, Papers, Topic


@dataclass(frozen=True)
class Listings:
    """The listings and the citation keys, with what those are made of: each paper's base key
    and its key within its group (citations.grouped_keys), so that an edit re-keys only its
    groups. Both are kept only where they differ from the next step's key (every build saves
    this: ~1 MB less at 10,000 papers)."""

    derived: Derived
    bibtex_keys: dict[str, str]
    regrouped: dict[str, str]  # slug -> its key within its group, where not its final key
    rebased: dict[str, str]  # slug -> its base key, where not its key within its group
    repeated: dict[str, str]  # slug -> the paper it repeats (citations.repeated_papers)

    @classmethod
    def of(
        cls, derived: Derived, bases: dict[str, str], grouped: dict[str, str], repeated: dict[str, str]
    ) -> Listings:
        keys = citations.unique_keys(grouped)
        regrouped = {slug: key for slug, key in grouped.items() if keys[slug] != key}
        rebased = {slug: base for slug, base in bases.items() if grouped[slug] != base}
        return cls(derived, keys, regrouped, rebased, repeated)

    def grouped(self) -> dict[str, str]:
        return {**self.bibtex_keys, **self.regrouped}

    def bases(self) -> dict[str, str]:
        return {**self.grouped(), **self.rebased}


def listings_from_nothing(
    papers: Papers, topics: tuple[Topic, ...], derive: Callable[[], Derived]
) -> Listings:
    bases = {paper.slug: citations.citation_key(paper) for paper in papers}
    grouped, repeated = citations.grouped_keys(papers, bases), citations.repeated_papers(papers, bases)
    return Listings.of(derive(), bases, grouped, repeated)


def relisted(
    last: Listings,
    papers: Papers,
    topics: tuple[Topic, ...],
    topics_of: dict[str, tuple[str, ...]],
    touched: Collection[str],
    old_paper: Callable[[str], Paper | None],
) -> Listings | None:
    """`last` with the `touched` papers (changed, new or gone) as they are now in `papers`, with
    their topics from `topics_of` (every paper's); `old_paper(slug)` gives a paper as `last` knew
    it. None when that is not known (the caller derives from nothing)."""
    by_slug, old = papers.by_slug, last.derived
    before = {slug: old_paper(slug) for slug in touched if slug in old.topics_of}
    if any(paper is None for paper in before.values()) or any(
        topic_id not in old.papers_in for slug in touched if slug in by_slug for topic_id in topics_of[slug]
    ):
        return None  # an old record unknown, or a topic id topics.yaml does not have: from nothing
    now = {slug: by_slug[slug] for slug in touched if slug in by_slug}
    ordered = _reordered(old.newest_first, touched, now.values(), by_slug)
    rank = {slug: number for number, slug in enumerate(ordered)}
    old_topics = {slug: old.topics_of[slug] for slug in before}
    new_topics = {slug: topics_of[slug] for slug in now}
    affected = {topic_id for ids in (*old_topics.values(), *new_topics.values()) for topic_id in ids}
    old_year = {slug: paper.year for slug, paper in before.items() if paper is not None}
    new_year = {slug: paper.year for slug, paper in now.items()}

    def regrouped(slugs: tuple[str, ...], topic_id: str) -> tuple[str, ...]:
        """A topic's papers ("": those with no topic), the touched ones put where they now sort."""
        if topic_id and topic_id not in affected:
            return slugs
        members = [slug for slug, ids in new_topics.items() if _listed_in(topic_id, ids)]
        return _merged(slugs, touched, members, rank)

    def recounted(counts: YearCounts, topic_id: str | None) -> YearCounts:
        """A list's papers by year (None: the whole library's), less the touched papers as they
        were, plus them as they are."""
        if topic_id and topic_id not in affected:
            return counts
        counter = Counter(dict(counts))
        for slug, ids in old_topics.items():
            counter[old_year[slug]] -= _listed_in(topic_id, ids)
        for slug, ids in new_topics.items():
            counter[new_year[slug]] += _listed_in(topic_id, ids)
        return year_counts(counter.elements())

    attention = [item for item in old.attention if item.slug not in touched]
    attention += needs_attention(now.values())
    derived = Derived(
        topics_of=dict(topics_of),
        newest_first=ordered,
        papers_in={topic_id: regrouped(slugs, topic_id) for topic_id, slugs in old.papers_in.items()},
        unclassified=regrouped(old.unclassified, ""),
        cooccurring=_cooccurring(old.cooccurring, old_topics, new_topics, topics),
        years=recounted(old.years, None),
        years_in={topic_id: recounted(counts, topic_id) for topic_id, counts in old.years_in.items()},
        unclassified_years=recounted(old.unclassified_years, ""),
        attention=tuple(sorted(attention, key=lambda item: rank[item.slug])),
        venues=_recounted(old.venues, before.values(), now.values(), venue_values),
        people=_recounted(old.people, before.values(), now.values(), author_values),
    )
    return Listings.of(derived, *_rekeyed(last, papers, touched, now))


def _recounted(
    counts: Counts,
    before: Iterable[Paper | None],
    now: Iterable[Paper],
    values: Callable[[Paper], Iterable[str]],
) -> Counts:
    """A facet's counts, less the touched papers' values as they were, plus their values now."""
    counter = Counter(dict(counts))
    for paper in before:
        if paper is not None:
            counter.subtract(values(paper))
    for paper in now:
        counter.update(values(paper))
    return counted(counter)


def _listed_in(topic_id: str | None, ids: tuple[str, ...]) -> bool:
    """Whether a paper of topics `ids` is in the list of `topic_id` ("": no topic; None: all)."""
    return topic_id is None or (topic_id in ids if topic_id else not ids)


def _reordered(
    ordered: tuple[str, ...], touched: Collection[str], now: Iterable[Paper], by_slug: Mapping[str, Paper]
) -> tuple[str, ...]:
    """The slugs newest first, the touched papers taken out and the present ones put back where
    their records sort (the order is total: ties are broken by the slug)."""
    kept = [slug for slug in ordered if slug not in touched]
    for paper in sorted(now, key=listing_key):
        place = bisect.bisect_left(kept, listing_key(paper), key=lambda slug: listing_key(by_slug[slug]))
        kept.insert(place, paper.slug)
    return tuple(kept)


def _merged(
    slugs: tuple[str, ...], touched: Collection[str], members: list[str], rank: dict[str, int]
) -> tuple[str, ...]:
    """A list's slugs, the touched ones taken out and `members` put back by their `rank`."""
    kept = [slug for slug in slugs if slug not in touched]
    for slug in members:
        kept.insert(bisect.bisect_left(kept, rank[slug], key=rank.__getitem__), slug)
    return tuple(kept)


def _cooccurring(
    last: dict[str, tuple[tuple[str, int], ...]],
    old_topics: dict[str, tuple[str, ...]],
    new_topics: dict[str, tuple[str, ...]],
    topics: tuple[Topic, ...],
) -> dict[str, tuple[tuple[str, int], ...]]:
    """The topics' co-occurrences, counted again only for the topics the touched papers were or
    are in, in the order `derive.cooccurrence` gives (the same sort, on the same counts)."""
    counts: dict[str, Counter[str]] = {}
    for sign, assignments in ((-1, old_topics.values()), (1, new_topics.values())):
        for ids in assignments:
            for topic_id in ids:
                counted = counts.setdefault(topic_id, Counter(dict(last.get(topic_id, ()))))
                for other in ids:
                    if other != topic_id:
                        counted[other] += sign
    position = {topic.id: index for index, topic in enumerate(topics)}
    patched = dict(last)
    for topic_id, counted in counts.items():
        patched[topic_id] = tuple(
            sorted(
                ((other, count) for other, count in counted.items() if count > 0),
                key=lambda item: (-item[1], position.get(item[0], 0), item[0]),
            )
        )
    return patched


def _rekeyed(
    last: Listings, papers: Papers, touched: Collection[str], now: dict[str, Paper]
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The base keys, keys within groups and repeated papers again for the groups the touched
    papers left or joined."""
    last_bases = last.bases()
    bases = {slug: base for slug, base in last_bases.items() if slug in papers.by_slug}
    affected = {last_bases[slug] for slug in touched if slug in last_bases}
    for slug, paper in now.items():
        bases[slug] = citations.citation_key(paper)
        affected.add(bases[slug])
    members = [papers.by_slug[slug] for slug, base in bases.items() if base in affected]
    grouped = {**last.grouped(), **citations.grouped_keys(members, bases)}
    grouped = {slug: grouped[slug] for slug in papers.slugs}  # the order `citation_keys` gives
    bases = {slug: bases[slug] for slug in papers.slugs}
    return bases, grouped, _repeated_again(last.repeated, members, bases, affected)


def repeated_again(last: Listings, papers: Papers, touched: Collection[str]) -> Listings:
    """`last` (kept: no card changed) with the repeated papers found again in the groups of the
    `touched` papers: a repeat has the same abstract too, which the cards do not cover."""
    bases = last.bases()
    affected = {bases[slug] for slug in touched if slug in bases}
    members = [papers.by_slug[slug] for slug, base in bases.items() if base in affected]
    repeated = _repeated_again(last.repeated, members, bases, affected)
    return last if repeated == last.repeated else dataclasses.replace(last, repeated=repeated)


def _repeated_again(
    last: dict[str, str], members: list[Paper], bases: dict[str, str], affected: set[str]
) -> dict[str, str]:
    """The repeated papers: the last build's outside the `affected` groups, found again in them."""
    kept = {slug: first for slug, first in last.items() if slug in bases and bases[slug] not in affected}
    return {**kept, **citations.repeated_papers(members, bases)}
