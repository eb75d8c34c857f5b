"""Related papers: TF-IDF cosine similarity over stemmed words, and its exact incremental update.

Pure functions and one class over the model's papers (no I/O): how the index is kept between
builds is the engine's business (sitegen/engine/packing.py).
"""

from __future__ import annotations

import heapq
import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

from sitegen.model import Paper
from sitegen.stemmer import stem as lunr_stem

# Title words count three times. To stay far from quadratic at 10,000 papers, each paper is
# compared only through its QUERY_TERMS heaviest words, and each word's posting list keeps only
# its CHAMPIONS heaviest papers; words found in one paper only, or in over half of them (of 50
# or more), carry no signal and are skipped.
#
# Document frequencies and the library size above EXACT_UP_TO are rounded to a grid (ratio
# 2**(1/4)), so a word's weight changes only when its frequency crosses a grid line. Editing one
# paper then changes the vectors of that paper and of the few papers sharing a word whose
# rounded frequency moved, and `RelatedIndex.update` redoes only the lists those changes can
# reach: of the papers querying with a word whose champions changed (thousands, for a paper that
# is a champion of common words), those the changed papers are listed for or now score enough
# for (a few). The result is always exactly what `RelatedIndex.build` gives for the same papers.

TITLE_WEIGHT = 3
QUERY_TERMS = 12
CHAMPIONS = 48
MIN_SIMILARITY = 0.05
COMMON_FROM = 50  # in smaller libraries no word is dropped for being common
EXACT_UP_TO = 16  # frequencies up to this are used as they are
REBUILD_SHARE = 4  # when over 1/4 of the papers changed, rebuild rather than update
VECTORIZE_FROM = 1000  # related lists to find at once before NumPy pays for its import
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

Words = dict[str, int]  # a paper's stemmed words and their weighted counts
Champion = tuple[float, str]  # (weight, slug): the heaviest first, equal weights by slug descending
Ranked = tuple[tuple[str, ...], float]  # a paper's related papers, and its floor (RelatedIndex.floors)


@lru_cache(maxsize=1 << 16)  # the vocabulary is small next to the text
def stem(word: str) -> str:
    """The word's stem, by lunr.js's Porter stemmer: the same one search uses."""
    return lunr_stem(word)


def terms(text: str) -> list[str]:
    return [stem(word) for word in WORD.findall(text.lower()) if word not in STOPWORDS]


def term_counts(paper: Paper) -> dict[str, int]:
    """A paper's stemmed words with their counts, title words weighted; cacheable by title and abstract."""
    counts = Counter(terms(paper.abstract))
    for term in terms(paper.title):
        counts[term] += TITLE_WEIGHT
    return dict(counts)


def rounded(value: int) -> float:
    """`value` itself up to EXACT_UP_TO, above it the nearest point of a grid of ratio 2**(1/4)."""
    return float(value) if value <= EXACT_UP_TO else 2 ** (round(4 * math.log2(value)) / 4)


def term_factor(frequency: int, library: float) -> float:
    """A word's inverse document frequency; 0.0 for a word skipped as too rare or too common."""
    common = library / 2 if library >= COMMON_FROM else library
    if frequency <= 1 or rounded(frequency) > common:
        return 0.0
    return math.log(1 + library / rounded(frequency))


def unit_vector(words: Words, factors: dict[str, float]) -> dict[str, float]:
    vector = {term: (1 + math.log(n)) * factors[term] for term, n in words.items() if factors[term] > 0}
    norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
    return {term: w / norm for term, w in vector.items()}


@dataclass
class RelatedIndex:
    """Related papers with everything needed to update them exactly after a few papers change.

    Saved packed, and loaded lazily: each paper's words and query as a string and an array
    instead of a dict or list of up to ~100 items, each word's postings as a tuple of slugs (each
    slug pickled once for the whole index) and an array instead of a dict of up to thousands. An
    edit decodes the papers and words it touches, not the million weights of 10,000 papers
    (~0.1 s to load instead of ~0.17 s; all of them when a word's weight moves for many papers),
    and saves the others again as they were.
    """

    count: int
    library: float  # the rounded number of papers
    texts: dict[str, str]  # slug -> what its words were counted from (a digest)
    words: MutableMapping[str, Words]
    frequency: Counter[str]
    factors: dict[str, float]
    postings: MutableMapping[str, dict[str, float]]  # term -> slug -> weight (0.0: the term is skipped)
    champions: dict[str, list[Champion]]
    queries: MutableMapping[str, list[tuple[str, float]]]  # slug -> its heaviest words
    queriers: dict[str, set[str]]  # term -> slugs querying with it
    related: dict[str, tuple[str, ...]]
    # slug -> what another paper must score to enter its list: its last related paper's score
    # when the list is full, else MIN_SIMILARITY (see `_may_rank_again`)
    floors: dict[str, float]

    @classmethod
    def build(
        cls,
        texts: Mapping[str, str],
        words_of: Callable[[str], Words],
        count: int,
        words: MutableMapping[str, Words] | None = None,
    ) -> RelatedIndex:
        """From nothing; `texts` maps each slug to a digest of its text, and `words_of(slug)` gives
        its words. `words`: the mapping for the index to keep them in (a dict by default; the
        engine's keeps them packed), with those at hand already: `words_of` is asked for the others."""
        slugs = sorted(texts)
        words = {} if words is None else words
        frequency: Counter[str] = Counter()
        for slug in slugs:
            if slug not in words:
                words[slug] = words_of(slug)
            frequency.update(words[slug].keys())
        library = rounded(len(slugs))
        index = cls(
            count, library, {}, words, frequency, {}, defaultdict(dict), {}, {}, defaultdict(set), {}, {}
        )
        index.factors = {term: term_factor(n, library) for term, n in frequency.items()}
        for slug in slugs:
            index.texts[slug] = texts[slug]
            index._place(slug)
        for term in index.postings:
            index.champions[term] = index._champions_of(term)
        ranked = index.related_of(slugs)
        index.related = {slug: found for slug, (found, _) in ranked.items()}
        index.floors = {slug: floor for slug, (_, floor) in ranked.items()}
        return index

    def update(
        self,
        texts: Mapping[str, str],
        words_of: Callable[[str], Words],
        count: int,
        words: MutableMapping[str, Words] | None = None,
    ) -> RelatedIndex:
        """The index for the papers of `texts`: this one, updated in place when few changed (only
        their words are asked for), else a new one (its words kept in `words`, as `build` keeps them)."""
        changed = {slug for slug, text in texts.items() if self.texts.get(slug) != text}
        removed = self.texts.keys() - texts.keys()
        big_change = (len(changed) + len(removed)) * REBUILD_SHARE > len(texts)
        if count != self.count or rounded(len(texts)) != self.library or big_change:
            return RelatedIndex.build(texts, words_of, count, words)
        if not changed and not removed:
            return self
        old_terms = {slug: list(self.words.get(slug, ())) for slug in changed | removed}
        touched = self._count_words(texts, words_of, changed, removed)
        moved = {
            t
            for t in touched
            if self.frequency[t] > 0 and self.factors.get(t) != term_factor(self.frequency[t], self.library)
        }
        # Every paper with a moved word (a new word's are all in `changed`).
        holders = (slug for term in moved if term in self.factors for slug in self._papers_with(term))
        revector = (changed | set(holders)) - removed
        for term in moved:
            self.factors[term] = term_factor(self.frequency[term], self.library)
        before = self._forget(removed | revector, old_terms)
        for slug in sorted(revector):
            self._place(slug)
        renewed = self._renew_champions(before, revector)
        found = self.related_of(revector | self._may_rank_again(renewed, revector))
        # New dicts: the lists handed out before stay as they were.
        self.related = {
            slug: found[slug][0] if slug in found else self.related[slug] for slug in sorted(self.texts)
        }
        self.floors = {slug: found[slug][1] if slug in found else self.floors[slug] for slug in self.related}
        return self

    def _count_words(
        self, texts: Mapping[str, str], words_of: Callable[[str], Words], changed: set[str], removed: set[str]
    ) -> set[str]:
        """Bring texts, words and frequencies up to date; returns every word whose frequency changed."""
        touched: set[str] = set()
        for slug in changed | removed:
            old = self.words.get(slug, {})
            self.frequency.subtract(old.keys())
            touched.update(old)
        for slug in changed:
            self.texts[slug], self.words[slug] = texts[slug], words_of(slug)
            self.frequency.update(self.words[slug].keys())
            touched.update(self.words[slug])
        for slug in removed:
            del self.texts[slug], self.words[slug]
        for term in touched:
            if self.frequency[term] <= 0:
                del self.frequency[term]
                self.factors.pop(term, None)
        return touched

    def _too_common(self, term: str) -> bool:
        """Whether `term` is skipped for being in too many papers: it then has no postings, which
        would be most of the index's weights (all 0.0), decoded again whenever a paper with it changes."""
        return self.factors[term] == 0.0 and self.frequency[term] > 1

    def _papers_with(self, term: str) -> Iterable[str]:
        if term in self.postings:
            return self.postings[term].keys()
        return [slug for slug in self.words if term in self.words[slug]]  # rare: it was too common

    def _place(self, slug: str) -> None:
        """Enter a paper's weights in the postings and its heaviest words as its query."""
        words, postings, frequency = self.words[slug], self.postings, self.frequency
        vector = unit_vector(words, self.factors)
        for term in words:
            weight = vector.get(term)
            # A word without weight is too rare (kept, at 0.0) or too common (`_too_common`: left out).
            if weight is not None or frequency[term] <= 1:
                postings[term][slug] = 0.0 if weight is None else weight
        # Each query's words interned: those of words kept packed are strings of their own each
        # time they are read (~65 MB more at 100,000 papers).
        heaviest = heapq.nlargest(QUERY_TERMS, vector.items(), key=itemgetter(1))
        query = self.queries[slug] = [(sys.intern(term), weight) for term, weight in heaviest]
        for term, _ in query:
            self.queriers[term].add(slug)

    def _forget(self, slugs: set[str], old_terms: dict[str, list[str]]) -> dict[str, dict[str, float]]:
        """Take papers out of the postings; returns, per term, the weights they had in it."""
        before: dict[str, dict[str, float]] = defaultdict(dict)
        for slug in slugs:
            for term in old_terms[slug] if slug in old_terms else self.words[slug]:
                weights = self.postings.get(term)  # none if it was too common
                if weights is not None:
                    before[term][slug] = weights.pop(slug)
            for term, _ in self.queries.pop(slug, ()):
                self.queriers[term].discard(slug)
        return before

    def _renew_champions(
        self, before: dict[str, dict[str, float]], placed: set[str]
    ) -> dict[str, list[Champion]]:
        """Recompute the champion lists changed weights can alter; returns the lists that changed,
        as they were."""
        terms = set(before)
        terms.update(term for slug in placed for term in self.words[slug] if not self._too_common(term))
        renewed = {}
        for term in terms:
            weights = self.postings.get(term)  # looked up once: the postings may be a packed mapping
            if not weights:
                renewed[term] = self.champions.get(term, [])
                for part in (self.postings, self.champions, self.queriers):
                    part.pop(term, None)
                continue
            fewer, more = (placed, weights) if len(placed) <= len(weights) else (weights, placed)
            new = {slug: weights[slug] for slug in fewer if slug in more}
            if self._may_alter(self.champions.get(term, []), before.get(term, {}), new):
                champions = self._champions_of(term)
                if champions != self.champions.get(term):
                    renewed[term] = self.champions.get(term, [])
                    self.champions[term] = champions
        return renewed

    def _may_rank_again(self, renewed: dict[str, list[Champion]], ranked: set[str]) -> set[str]:
        """The papers besides `ranked` whose related lists the `renewed` champion lists may change:
        those querying with a renewed word whose list a paper entered, left or changed weight in,
        when that paper is on their list, or now scores at least their floor. Any other paper
        scores as before (only the changed papers' scores moved, and none of them gets in)."""
        moved = {
            term: {slug for _, slug in set(was).symmetric_difference(self.champions.get(term, []))}
            for term, was in renewed.items()
        }
        held: dict[str, dict[str, float]] = {}  # each moved paper's weights in the lists it is in
        found = set()
        for slug in sorted({slug for term in renewed for slug in self.queriers.get(term, ())} - ranked):
            query = self.queries[slug]
            others = {other for term, _ in query if term in moved for other in moved[term]}
            others.discard(slug)
            listed, floor = self.related[slug], self.floors[slug]
            for other in sorted(others):
                if other in listed:
                    found.add(slug)
                    break
                if other not in held:
                    held[other] = self._champion_weights(other)
                weights = held[other]
                score = 0.0  # as `related_of` scores it, to the last bit: the same products in the same order
                for term, weight in query:
                    if term in weights:
                        score += weight * weights[term]
                if score >= floor:
                    found.add(slug)
                    break
        return found

    def _champion_weights(self, slug: str) -> dict[str, float]:
        """The paper's weight in each champion list it is in (its weights as `_place` made them)."""
        found = {}
        for term, weight in unit_vector(self.words.get(slug, {}), self.factors).items():
            champions = self.champions.get(term, [])
            if weight > 0 and (len(champions) < CHAMPIONS or (weight, slug) >= champions[-1]):
                found[term] = weight
        return found

    @staticmethod
    def _may_alter(champions: list[Champion], old: dict[str, float], new: dict[str, float]) -> bool:
        """False when no changed weight was a champion or can become one."""
        full = len(champions) == CHAMPIONS
        if any(weight > 0 and (weight, slug) in champions for slug, weight in old.items()):
            return True
        return any(
            weight > 0 and (not full or (weight, slug) > champions[-1]) for slug, weight in new.items()
        )

    def _champions_of(self, term: str) -> list[Champion]:
        entries = [(weight, slug) for slug, weight in self.postings[term].items() if weight > 0]
        return heapq.nlargest(CHAMPIONS, entries)

    def related_of(self, slugs: Iterable[str], vectorized: bool | None = None) -> dict[str, Ranked]:
        """The related papers of `slugs` as the index stands, each with its floor (see `floors`);
        the index is left unchanged. `vectorized`: scored with NumPy, or not (by default, when
        there are VECTORIZE_FROM or more)."""
        slugs = list(slugs)
        if vectorized if vectorized is not None else len(slugs) >= VECTORIZE_FROM:
            return self._related_of_vectorized(slugs)
        found = {}
        for slug in slugs:
            scores: dict[str, float] = defaultdict(float)
            for term, weight in self.queries[slug]:
                for other_weight, other in self.champions[term]:
                    scores[other] += weight * other_weight
            scores.pop(slug, None)
            candidates = sorted(other for other, score in scores.items() if score >= MIN_SIMILARITY)
            best = tuple(heapq.nlargest(self.count, candidates, key=scores.__getitem__))
            found[slug] = best, self._floor(best, scores)
        return found

    def _floor(self, best: tuple[str, ...], scores: Mapping[str, float]) -> float:
        return float(scores[best[-1]]) if best and len(best) == self.count else MIN_SIMILARITY

    def _related_of_vectorized(self, slugs: list[str]) -> dict[str, Ranked]:
        """`related_of` with NumPy, to the last bit: each score is summed in the same order as
        there (np.bincount adds its weights one by one, in order), and ties go to the slug that
        sorts first, as heapq.nlargest over sorted candidates gives them."""
        import numpy as np  # only big batches need it; an edit's few lists are scored above

        names = sorted(self.texts)
        rank = {slug: number for number, slug in enumerate(names)}
        champions = {
            term: (
                np.array([rank[slug] for _, slug in entries], dtype=np.intp),
                np.array([weight for weight, _ in entries], dtype=np.float64),
            )
            for term, entries in self.champions.items()
        }
        found: dict[str, Ranked] = {}
        for slug in slugs:
            query = self.queries[slug]
            if not query:
                found[slug] = (), MIN_SIMILARITY
                continue
            others = np.concatenate([champions[term][0] for term, _ in query])
            products = np.concatenate([weight * champions[term][1] for term, weight in query])
            scores = np.bincount(others, weights=products, minlength=len(names))
            scores[rank[slug]] = 0.0
            candidates = np.flatnonzero(scores >= MIN_SIMILARITY)  # in slug order
            best = candidates[np.lexsort((candidates, -scores[candidates]))][: self.count]
            ranked = tuple(names[number] for number in best)
            found[slug] = ranked, self._floor(ranked, {ranked[-1]: scores[best[-1]]} if ranked else {})
        return found
