"""Derived data: effective topics, listing orders, topic co-occurrence (related papers: related.py).

Pure functions over the model (no I/O), computed once per build and shared by every page,
so no page does work proportional to the whole library.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sitegen import citations
from sitegen.model import Paper, Topic

AssignTopics = Callable[[Paper, Sequence[Topic]], tuple[str, ...]]
V = TypeVar("V")


@dataclass(frozen=True)
class Attention:
    """A paper an editor should check, and what to check."""

    slug: str
    reasons: tuple[str, ...]


YearCounts = tuple[tuple[int | None, int], ...]  # (year, papers), oldest first; None: undated, last


@dataclass(frozen=True)
class Derived:
    """What the build works out from the papers and topics together: topics, orders and counts."""

    topics_of: dict[str, tuple[str, ...]]  # slug -> effective topic ids, in topics.yaml order
    newest_first: tuple[str, ...]  # every slug: date desc, then title, then slug; undated last
    papers_in: dict[str, tuple[str, ...]]  # topic id -> its slugs, newest first
    unclassified: tuple[str, ...]  # the papers with no topic, newest first
    cooccurring: dict[str, tuple[tuple[str, int], ...]]  # topic id -> (other topic, shared papers)
    years: YearCounts  # every year with a paper, and how many; then the undated papers
    years_in: dict[str, YearCounts]  # topic id -> the same, of its papers
    unclassified_years: YearCounts  # the same, of the papers with no topic
    attention: tuple[Attention, ...]
    venues: Counts  # every venue (NO_VALUE: none) with how many papers appeared there
    people: Counts  # every author's name as pages show it (NO_VALUE: no one named), with how many papers


# The fields of a paper `derive` orders, groups and flags papers by (with their topics): the
# listings are derived again only when one of these changed.
# The citation keys (outputs.bibtex_keys) are made with the listings, from these fields too.
LISTED = ("date", "date_inferred", "title", "title_derived", "authors", "organization", "venue")
Counts = tuple[tuple[str, int], ...]  # values and how many papers have each, sorted by value
# The value of the papers with no venue, or with no named author, in the facets (no venue or name
# is empty; the address writes it "@none", which no escaped name is).
NO_VALUE = ""


def derive(papers: Sequence[Paper], topics: Sequence[Topic], assign: AssignTopics) -> Derived:
    """Topics and listings; related papers are separate (`related_papers`), being the slow part."""
    topics_of = {paper.slug: assign(paper, topics) for paper in papers}
    ordered_papers = newest_first(papers)
    ordered = tuple(paper.slug for paper in ordered_papers)
    papers_in = group_by_topic(ordered, topics_of, topics)
    year_of = {paper.slug: paper.year for paper in papers}
    unclassified = tuple(slug for slug in ordered if not topics_of[slug])
    return Derived(
        topics_of=topics_of,
        newest_first=ordered,
        papers_in=papers_in,
        unclassified=unclassified,
        cooccurring=cooccurrence(topics_of.values(), topics),
        years=year_counts(year_of[slug] for slug in ordered),
        years_in={
            topic_id: year_counts(year_of[slug] for slug in slugs) for topic_id, slugs in papers_in.items()
        },
        unclassified_years=year_counts(year_of[slug] for slug in unclassified),
        attention=needs_attention(ordered_papers),
        venues=counted(Counter(value for paper in papers for value in venue_values(paper))),
        people=counted(Counter(value for paper in papers for value in author_values(paper))),
    )


def venue_values(paper: Paper) -> tuple[str]:
    """A paper's value in the venue facet (NO_VALUE: no venue)."""
    return (paper.venue or NO_VALUE,)


def author_values(paper: Paper) -> tuple[str, ...]:
    """A paper's values in the author facet (NO_VALUE: no one named)."""
    return people_of(paper) or (NO_VALUE,)


def people_of(paper: Paper) -> tuple[str, ...]:
    """Who wrote a paper, every name as a page shows it ("Alan Turing" for "Turing, Alan"; the
    organisation when no author is named): the author facet's values. Names are not merged
    further: "A. Turing" and "Alan Turing" stay two values."""
    return tuple(person.display() for person in citations.creators(paper))


def counted(counts: Counter[str]) -> Counts:
    """The values counted more than zero times, sorted: one form for equal counts."""
    return tuple(sorted((value, count) for value, count in counts.items() if count > 0))


def year_counts(years: Iterable[int | None]) -> YearCounts:
    """How many papers each year has, oldest first, then the undated ones (None), if any."""
    counted = Counter(years)
    undated = counted.pop(None, 0)
    dated: list[tuple[int | None, int]] = sorted(counted.items())
    return (*dated, *(((None, undated),) if undated else ()))


def listing_key(paper: Paper) -> tuple[bool, int, int, int, str, str]:
    """The one total order of listings: newest first, then title, then slug; undated last. A date
    known only to the year (or month) comes after the days within it: what is known to be newer
    comes first."""
    year, month, day = paper.date.key if paper.date else (0, 0, 0)
    return (paper.date is None, -year, -month, -day, paper.title.casefold(), paper.slug)


def newest_first(papers: Iterable[Paper]) -> list[Paper]:
    return sorted(papers, key=listing_key)


def group_by_topic(
    ordered: Sequence[str], topics_of: dict[str, tuple[str, ...]], topics: Sequence[Topic]
) -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[str]] = {topic.id: [] for topic in topics}
    for slug in ordered:
        for topic_id in topics_of[slug]:
            groups.setdefault(topic_id, []).append(slug)
    return {topic_id: tuple(slugs) for topic_id, slugs in groups.items()}


def cooccurrence(
    assignments: Iterable[tuple[str, ...]], topics: Sequence[Topic]
) -> dict[str, tuple[tuple[str, int], ...]]:
    """For each topic, the topics sharing papers with it, most shared first (ties in topics.yaml order)."""
    position = {topic.id: index for index, topic in enumerate(topics)}
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for topic_ids in assignments:
        for topic_id in topic_ids:
            counts[topic_id].update(other for other in topic_ids if other != topic_id)
    return {
        topic.id: tuple(
            sorted(counts[topic.id].items(), key=lambda item: (-item[1], position.get(item[0], 0), item[0]))
        )
        for topic in topics
    }


def needs_attention(papers: Iterable[Paper]) -> tuple[Attention, ...]:
    found = []
    for paper in papers:
        reasons = []
        if paper.title_derived:
            reasons.append(
                "The title was derived from the abstract: check it against the paper, "
                "then delete `title_derived: true`."
            )
        if paper.date is None:
            reasons.append("There is no date: add `date: YYYY-MM-DD`.")
        elif paper.date_inferred:
            reasons.append(
                "The date (or its year) was inferred: check it, then delete `date_inferred: true`."
            )
        if reasons:
            found.append(Attention(paper.slug, tuple(reasons)))
    return tuple(found)


NAME_PREFIX = re.compile(r"^\s*([^:]{2,40}?)\s*:\s+\S")


def introduced_names(paper: Paper) -> tuple[str, ...]:
    """The system or model a paper introduces, when its title starts with one ("EndoGen: ...")."""
    match = NAME_PREFIX.match(paper.title)
    if not match:
        return ()
    name = match.group(1)
    if len(name.split()) > 3 or not re.search(r"[A-Z0-9]", name):
        return ()
    return (name,)
