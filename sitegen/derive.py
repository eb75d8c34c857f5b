"""Derived data: effective topics, listing orders, topic co-occurrence, related papers.

Pure functions over the model (no I/O), computed once per build and shared by every page,
so no page does work proportional to the whole library.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter

from lunr.stemmer import PorterStemmer

from sitegen.model import Paper, Topic

AssignTopics = Callable[[Paper, Sequence[Topic]], tuple[str, ...]]


@dataclass(frozen=True)
class Attention:
    """A paper an editor should check, and what to check."""

    slug: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Derived:
    topics_of: dict[str, tuple[str, ...]]  # slug -> effective topic ids, in topics.yaml order
    newest_first: tuple[str, ...]  # every slug: date desc, then title, then slug; undated last
    papers_in: dict[str, tuple[str, ...]]  # topic id -> its slugs, newest first
    cooccurring: dict[str, tuple[tuple[str, int], ...]]  # topic id -> (other topic, shared papers)
    years: tuple[int, ...]  # every year with a paper, newest first
    attention: tuple[Attention, ...]


def derive(papers: Sequence[Paper], topics: Sequence[Topic], assign: AssignTopics) -> Derived:
    """Topics and listings; related papers are separate (`related_papers`), being the slow part."""
    topics_of = {paper.slug: assign(paper, topics) for paper in papers}
    ordered_papers = newest_first(papers)
    ordered = tuple(paper.slug for paper in ordered_papers)
    return Derived(
        topics_of=topics_of,
        newest_first=ordered,
        papers_in=group_by_topic(ordered, topics_of, topics),
        cooccurring=cooccurrence(topics_of.values(), topics),
        years=tuple(sorted({p.year for p in papers if p.year is not None}, reverse=True)),
        attention=needs_attention(ordered_papers),
    )


def listing_key(paper: Paper) -> tuple[bool, int, str, str]:
    """The one total order of listings: newest first, then title, then slug; undated last."""
    return (
        paper.date is None,
        -paper.date.toordinal() if paper.date else 0,
        paper.title.casefold(),
        paper.slug,
    )


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


# --- related papers --------------------------------------------------------------------------
#
# TF-IDF cosine similarity over Porter-stemmed words, title words counting three times.
# To stay far from quadratic at 10,000 papers, each paper is compared only through its
# QUERY_TERMS heaviest words, and each word's posting list keeps only its CHAMPIONS heaviest
# papers; words found in one paper only, or in over half of them (of 50 or more), carry no signal
# and are skipped.

TITLE_WEIGHT = 3
QUERY_TERMS = 12
CHAMPIONS = 48
MIN_SIMILARITY = 0.05
COMMON_FROM = 50  # in smaller libraries no word is dropped for being common
WORD = re.compile(r"[a-z][a-z0-9]+")
STOPWORD_TEXT = """
a about above after again against all also among an and any are as at based be been before being below
    between both but by can could did does doing during each few for from further had has have having
    here how however into its itself more most new novel our out over paper propose proposed same
    should show shows such than that the their them then there these they this those through thus
    under until upon use used using various very via was we were what when where which while who
    whom why will with within without would yet
"""
STOPWORDS = frozenset(STOPWORD_TEXT.split())
_PORTER = PorterStemmer()
_STEMS: dict[str, str] = {}  # word -> stem; the vocabulary is small next to the text


def stem(word: str) -> str:
    found = _STEMS.get(word)
    if found is None:
        found = _STEMS[word] = _PORTER.stem(word)
    return found


def terms(text: str) -> list[str]:
    return [stem(word) for word in WORD.findall(text.lower()) if word not in STOPWORDS]


def term_counts(paper: Paper) -> dict[str, int]:
    """A paper's stemmed words with their counts, title words weighted; cacheable by title and abstract."""
    counts = Counter(terms(paper.abstract))
    for term in terms(paper.title):
        counts[term] += TITLE_WEIGHT
    return dict(counts)


def _unit_vectors(counts: Sequence[dict[str, int]]) -> list[dict[str, float]]:
    document_frequency: Counter[str] = Counter()
    for count in counts:
        document_frequency.update(count.keys())
    total = len(counts)
    common = total / 2 if total >= COMMON_FROM else total
    vectors = []
    for count in counts:
        vector = {
            term: (1 + math.log(n)) * math.log(1 + total / document_frequency[term])
            for term, n in count.items()
            if 1 < document_frequency[term] <= common
        }
        norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        vectors.append({term: w / norm for term, w in vector.items()})
    return vectors


def _champion_postings(vectors: Sequence[dict[str, float]]) -> dict[str, list[tuple[float, int]]]:
    postings: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for index, vector in enumerate(vectors):
        for term, weight in vector.items():
            postings[term].append((weight, index))
    return {term: heapq.nlargest(CHAMPIONS, entries) for term, entries in postings.items()}


def related_papers(
    papers: Sequence[Paper], count: int, counts: Sequence[dict[str, int]] | None = None
) -> dict[str, tuple[str, ...]]:
    """Up to `count` most similar papers for each; `counts` are the papers' `term_counts`, if known."""
    if count <= 0 or len(papers) < 2:
        return {paper.slug: () for paper in papers}
    # in slug order, so that equal scores rank by slug
    order = sorted(range(len(papers)), key=lambda i: papers[i].slug)
    ordered = [papers[i] for i in order]
    vectors = _unit_vectors([counts[i] for i in order] if counts else [term_counts(p) for p in ordered])
    postings = _champion_postings(vectors)
    related = {}
    for index, vector in enumerate(vectors):
        scores: dict[int, float] = defaultdict(float)
        for term, weight in heapq.nlargest(QUERY_TERMS, vector.items(), key=itemgetter(1)):
            for other_weight, other in postings[term]:
                scores[other] += weight * other_weight
        scores.pop(index, None)
        candidates = sorted(other for other, score in scores.items() if score >= MIN_SIMILARITY)
        best = heapq.nlargest(count, candidates, key=scores.__getitem__)
        related[ordered[index].slug] = tuple(ordered[other].slug for other in best)
    return related
