"""Topics: the rules that give papers their topics (the file that holds them: topicsfile.py; the
`sitegen topics` command: topicreport.py).

A topic's rules are weighted cues: regular expressions that earn points when they match the title
(once) or the abstract (per match, up to `repeat` times). A paper gets the topic when its points
reach `threshold` and no veto matches. Editors override the rules per paper with `topics:` (pin),
`topics_add:` and `topics_remove:` in its front matter. No I/O here.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeAlias

from sitegen.errors import Problem, SitegenError
from sitegen.model import Paper, Topic, TopicRules

EXCERPT_LENGTH = 60


# --- Matching --------------------------------------------------------------------------------
#
# Rules must stay fast at tens of thousands of papers, and a regex scan of a whole abstract costs
# tens of microseconds per pattern. So each pattern is analysed once: which literals every match
# starts with (`prefixes`), or failing that, which literals every match contains (`hints`), and
# how long a match can be (`reach`). A paper's casefolded text is searched for those literals once;
# the regex then runs only where they occur: anchored at each occurrence of a prefix, or in short
# windows around hints. Before that, a cue is ruled out for a text that lacks a literal it `needs`:
# besides its prefixes or hints, the analysis finds the other literals every match holds one of
# (`downstream[^.]{0,60}segment` needs `downstream` and `segment`); a text's words tell, with set
# lookups, which of all needs it meets. Patterns that defeat the analysis are scanned in full.
# The shortcuts are exact: `test_the_fast_paths_find_exactly_what_a_plain_scan_finds` and
# `test_a_cue_is_never_ruled_out_for_a_text_it_matches` check them.


@dataclass(frozen=True)
class _Cue:
    """A topic rule's pattern, its points, and what a text must hold for it to match."""

    pattern: str
    points: int
    prefixes: frozenset[str] | None  # every match starts with one of these, casefolded
    hints: frozenset[str] | None  # every match contains one of these, casefolded
    reach: int | None  # the longest text a match can span (None: unbounded or unknown)
    literals: frozenset[str] | None  # `prefixes`, else `hints`: what the text is searched for
    needs: tuple[frozenset[str], ...]  # every match holds a literal of each: `literals` first, more
    timed: bool  # may backtrack without bound: searched with a time limit (see _ways)

    @cached_property
    def regex(self) -> re.Pattern[str] | _TimedPattern:
        """Compiled when first needed: a rebuild judges a few papers, in which most cues' literals
        do not occur."""
        return _TimedPattern(self.pattern) if self.timed else re.compile(self.pattern, re.IGNORECASE)


Found = Any  # a match of `re` or of `regex`: the same methods
# A search by a pattern that may backtrack without bound (`(a|aa)+$` takes twice as long for each
# more `a`) gets this long, per field of a paper; beyond it the build stops, naming the pattern.
# The `regex` package enforces the limit (and avoids much of the backtracking that `re` does).
RULE_TIME_LIMIT = 0.25  # seconds


class RuleTooSlow(Exception):
    """A pattern's search ran over RULE_TIME_LIMIT."""

    def __init__(self, pattern: str) -> None:
        super().__init__(pattern)
        self.pattern = pattern


class _TimedPattern:
    """A pattern searched by the `regex` package with a time limit, as `re.Pattern` is searched."""

    def __init__(self, pattern: str) -> None:
        import regex  # only where a pattern needs it

        self.pattern = pattern
        self._compiled = regex.compile(pattern, regex.IGNORECASE)

    def match(self, text: str, pos: int = 0, endpos: int | None = None) -> Any:
        return self._timed(self._compiled.match, text, pos, endpos)

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> Any:
        return self._timed(self._compiled.search, text, pos, endpos)

    def finditer(self, text: str) -> Iterator[Any]:
        position = 0
        while position <= len(text):
            found = self.search(text, position)
            if found is None:
                return
            yield found
            position = found.end() if found.end() > found.start() else found.end() + 1

    def _timed(self, method: Callable[..., Any], text: str, pos: int, endpos: int | None) -> Any:
        try:
            return method(text, pos, len(text) if endpos is None else endpos, timeout=RULE_TIME_LIMIT)
        except TimeoutError:
            raise RuleTooSlow(self.pattern) from None


@dataclass(frozen=True)
class _CompiledRules:
    """A topic's rules, each pattern analysed and compiled once."""

    title: tuple[_Cue, ...]
    abstract: tuple[_Cue, ...]
    veto: tuple[_Cue, ...]


def _fold(text: str) -> str:
    # casefold() never shortens a string; dotless i is the one letter `re.IGNORECASE` equates
    # with an ASCII letter that casefold() keeps apart.
    return text.casefold().replace("\u0131", "i")


# A run of letters and digits in a literal lies inside one word of any text holding the literal,
# so a text's words rule most literals out before any search; which runs a word holds is worked
# out once per word, for all papers, and only the few words that hold some run are looked at.
_WORDLIKE = re.compile(r"[a-z0-9]+")
_SPACES = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalnum()})
_word_literals: set[str] = set()  # runs of letters and digits of all literals
_runs_by_trigram: dict[str, set[str]] = {}  # runs of 3 or more characters, by their first three
_short_runs: set[str] = set()
_words_seen: set[str] = set()  # words whose runs are known, in _literals_in_word if they hold any
_literals_in_word: dict[str, frozenset[str]] = {}
_phrases_by_run: dict[str, list[tuple[str, tuple[str, ...]]]] = {}  # other literals, by their first run
_needs_by_literal: dict[str, set[frozenset[str]]] = {}  # every literal a cue needs: the needs it meets
_registered_needs: set[frozenset[str]] = set()
_registrations = 0  # counts the registrations that brought new needs: texts then look again


def _register_needs(cues: Iterable[_Cue]) -> None:
    global _registrations
    new_needs = {need for cue in cues for need in cue.needs} - _registered_needs
    if not new_needs:
        return
    _registered_needs.update(new_needs)
    _registrations += 1
    new = {literal for need in new_needs for literal in need} - _needs_by_literal.keys()
    for need in new_needs:
        for literal in need:
            _needs_by_literal.setdefault(literal, set()).add(need)
    if new:
        _register_literals(new)


def _register_literals(new: set[str]) -> None:
    for literal in new:
        runs = tuple(_WORDLIKE.findall(literal))
        if runs != (literal,):
            _phrases_by_run.setdefault(runs[0] if runs else "", []).append((literal, runs))
    for run in {run for lit in new for run in _WORDLIKE.findall(lit)} - _word_literals:
        _word_literals.add(run)
        if len(run) >= 3:
            _runs_by_trigram.setdefault(run[:3], set()).add(run)
        else:
            _short_runs.add(run)
    _words_seen.clear()
    _literals_in_word.clear()


def _runs_in_words(words: list[str]) -> frozenset[str]:
    """The runs of registered literals that occur in the words."""
    if not _words_seen.issuperset(words):
        for word in set(words) - _words_seen:
            _learn_word(word)
    holding = _literals_in_word.keys() & words  # a C loop over the words: most hold no run
    return frozenset().union(*[_literals_in_word[word] for word in holding])


def _learn_word(word: str) -> None:
    starts = {word[i : i + 3] for i in range(len(word) - 2)}
    candidates = _short_runs.union(*[_runs_by_trigram.get(start, ()) for start in starts])
    runs = frozenset(run for run in candidates if run in word)
    if runs:
        _literals_in_word[word] = runs
    _words_seen.add(word)


class _Text:
    """One paper's title and abstract, casefolded once, with literal lookups shared by all cues."""

    __slots__ = ("fields", "folded", "found", "looked_up")

    def __init__(self, paper: Paper) -> None:
        self.fields = {"title": paper.title, "abstract": paper.abstract}
        self.folded = {where: _fold(text) for where, text in self.fields.items()}
        self.found: dict[tuple[str, frozenset[str]], list[int]] = {}
        # by field: (_registrations when looked up, the literals present, the needs they meet)
        self.looked_up: dict[str, tuple[int, frozenset[str], frozenset[frozenset[str]]]] = {}

    def present(self, where: str) -> frozenset[str]:
        """The registered literals (and runs of them) that occur in a field."""
        return self._look_up(where)[1]

    def met(self, where: str) -> frozenset[frozenset[str]]:
        """The registered needs that a field meets: cues needing any other cannot match."""
        return self._look_up(where)[2]

    def _look_up(self, where: str) -> tuple[int, frozenset[str], frozenset[frozenset[str]]]:
        looked_up = self.looked_up.get(where)
        if looked_up is None or looked_up[0] != _registrations:  # new needs since: look again
            folded = self.folded[where]
            runs = _runs_in_words(folded.translate(_SPACES).split())
            phrases = [
                literal
                for run in ("", *runs)
                for literal, needed in _phrases_by_run.get(run, ())
                if runs.issuperset(needed) and literal in folded
            ]
            present = runs.union(phrases)
            met = frozenset().union(*[_needs_by_literal.get(literal, ()) for literal in present])
            looked_up = self.looked_up[where] = (_registrations, present, met)
        return looked_up

    def occurrences(self, where: str, literals: frozenset[str]) -> list[int]:
        """Sorted positions (in the casefolded text) where one of the literals starts."""
        key = (where, literals)
        positions = self.found.get(key)
        if positions is None:
            folded = self.folded[where]
            positions = []
            for literal in literals.intersection(self.present(where)):
                index = folded.find(literal)
                while index >= 0:
                    positions.append(index)
                    index = folded.find(literal, index + 1)
            positions.sort()
            self.found[key] = positions
        return positions

    def aligned(self, where: str) -> bool:
        """Whether positions in the casefolded text are positions in the text itself."""
        return len(self.folded[where]) == len(self.fields[where])


Matcher: TypeAlias = "re.Pattern[str] | _TimedPattern"


# (prefixes, hints, reach, timed, contained): see _analyse
Analysis = tuple[frozenset[str] | None, frozenset[str] | None, int | None, bool, tuple[frozenset[str], ...]]
_ANALYSES: dict[str, Analysis] = {}  # by pattern: made by _analyse, or known from an earlier process


def _cue(pattern: str, points: int) -> _Cue:
    prefixes, hints, reach, timed, contained = _analysis_of(pattern)
    literals = prefixes or hints
    needs = tuple(dict.fromkeys([literals, *contained] if literals is not None else contained))
    return _Cue(pattern, points, prefixes, hints, reach, literals, needs, timed)


def analyses(topics: Sequence[Topic]) -> dict[str, Analysis]:
    """The analysis of every pattern of `topics`' rules, to keep for another process (`know`)."""
    patterns = [p for topic in topics for p, _ in (*topic.rules.title, *topic.rules.abstract)]
    patterns += [p for topic in topics for p in topic.rules.veto]
    return {pattern: _analysis_of(pattern) for pattern in patterns}


def know(found: dict[str, Analysis]) -> None:
    """Patterns analysed by another process (parsing each again costs ~0.2 ms)."""
    _ANALYSES.update(found)


def _analysis_of(pattern: str) -> Analysis:
    analysis = _ANALYSES.get(pattern)
    if analysis is None:
        analysis = _ANALYSES[pattern] = _analyse(pattern)
    return analysis


# Compiled rules by the identity of their TopicRules: a lookup costs nothing next to hashing
# every pattern on every call. Topics are loaded once per build; rules equal to ones compiled
# before (the dev server loads topics.yaml again on every rebuild) are found by value.
_COMPILED: dict[int, tuple[TopicRules, _CompiledRules]] = {}
_COMPILED_BY_VALUE: dict[TopicRules, _CompiledRules] = {}


def _compiled(rules: TopicRules) -> _CompiledRules:
    cached = _COMPILED.get(id(rules))
    if cached is not None and cached[0] is rules:
        return cached[1]
    compiled = _COMPILED_BY_VALUE.get(rules)
    if compiled is None:
        compiled = _CompiledRules(
            title=tuple(_cue(p, n) for p, n in rules.title),
            abstract=tuple(_cue(p, n) for p, n in rules.abstract),
            veto=tuple(_cue(p, 0) for p in rules.veto),
        )
        _register_needs(compiled.title + compiled.abstract + compiled.veto)
    if len(_COMPILED) > 1000:
        _COMPILED.clear()
        _COMPILED_BY_VALUE.clear()
    _COMPILED[id(rules)] = (rules, compiled)
    _COMPILED_BY_VALUE[rules] = compiled
    return compiled


def _matches(cue: _Cue, text: _Text, where: str, limit: int) -> list[Found]:
    """The first `limit` matches, exactly as `regex.finditer` would find them."""
    raw, aligned = text.fields[where], text.aligned(where)
    if cue.prefixes is not None and aligned:
        return _anchored(cue.regex, raw, text.occurrences(where, cue.prefixes), limit)
    literals = cue.prefixes or cue.hints
    starts = text.occurrences(where, literals) if literals is not None else [0]
    if not starts:
        return []
    if cue.hints is None or cue.reach is None or not aligned:
        return _windowed(cue.regex, raw, [(0, len(raw))], None, limit)
    return _windowed(cue.regex, raw, _windows(starts, cue.reach), cue.reach, limit)


def _anchored(regex: Matcher, raw: str, starts: list[int], limit: int) -> list[Found]:
    """Matches that start where a prefix literal starts: the regex is tried there and only there."""
    found: list[Found] = []
    position = 0
    for start in starts:
        if start < position:
            continue
        match = regex.match(raw, start)
        if match is not None:
            found.append(match)
            if len(found) >= limit:
                break
        position = start + 1 if match is None else max(match.end(), start + 1)
    return found


def _windows(starts: list[int], reach: int) -> list[tuple[int, int]]:
    """Merged ranges of positions where a match can start: near enough to a hint to hold it."""
    windows: list[tuple[int, int]] = []
    for index in starts:
        low = max(0, index + 1 - reach)
        if windows and low <= windows[-1][1] + 1:
            windows[-1] = (windows[-1][0], index)
        else:
            windows.append((low, index))
    return windows


def _windowed(
    regex: Matcher, raw: str, windows: list[tuple[int, int]], reach: int | None, limit: int
) -> list[Found]:
    found: list[Found] = []
    position = 0
    for low, high in windows:
        start = max(low, position)
        # A match starting by `high` ends by `high + reach`; one more character serves `\b`.
        end = len(raw) if reach is None else min(len(raw), high + reach + 2)
        while start <= high and len(found) < limit:
            candidate = regex.search(raw, start, end)
            if candidate is None or candidate.start() > high:
                break
            # The cut-off end can fake a match (`$`, `\b`); the full text has the last word.
            match = candidate if reach is None else regex.match(raw, candidate.start())
            if match is None:
                start = candidate.start() + 1
                continue
            found.append(match)
            position = start = max(match.end(), match.start() + 1)
    return found


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"


# --- Pattern analysis: the literals a match starts with or contains, and its longest reach -----

try:  # the parser behind `re`; private, so any surprise just turns the shortcuts off
    import re._parser as _sre  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre  # type: ignore[no-redef,unused-ignore]

_REPEATS = {
    getattr(_sre, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(_sre, name)
}
_LOOKAROUNDS = {_sre.ASSERT, _sre.ASSERT_NOT}
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789 -_/:.,'\"")
_MAX_REACH = 400  # longer matches gain little from windows
_MIN_PREFIX = 4  # shorter prefixes occur everywhere; windows around longer hints do better


def _analyse(pattern: str) -> Analysis:
    """(prefixes, hints, reach, timed, contained) of a pattern; None where the analysis cannot
    tell, and timed unless it can tell that the pattern's backtracking is bounded. `contained`:
    sets of literals such that every match contains one literal of each set, kept where each
    literal's words are long enough to rule texts out (`the`, `ed` or `s` are in almost all)."""
    try:
        parsed = _sre.parse(pattern, re.IGNORECASE)
        items = list(parsed)
        prefixes = _prefix_literals(items)
        if prefixes is not None and min(map(len, prefixes)) < _MIN_PREFIX:
            prefixes = None
        widest = parsed.getwidth()[1]
        bounded = widest <= _MAX_REACH and not any(op in _LOOKAROUNDS for op in _ops(items))
        ways = _ways(items)
        timed = ways is None or ways > _MAX_WAYS
        contained = _contained_literals(items)
        telling = tuple(s for s in contained if all(map(_of_long_runs, s)))
        return prefixes, _most_telling(contained), widest if bounded else None, timed, telling
    except Exception:  # a failed analysis only costs speed, never correctness
        return None, None, None, True, ()


def _of_long_runs(literal: str) -> bool:
    runs = _WORDLIKE.findall(literal)
    return bool(runs) and min(map(len, runs)) >= _MIN_PREFIX


_MAX_WAYS = 10_000  # ways a pattern may try at one position and still go without a time limit
_SIMPLE = {_sre.LITERAL, _sre.NOT_LITERAL, _sre.IN, _sre.ANY, _sre.AT}


def _ways(items: list[tuple[Any, Any]]) -> int | None:
    """How many ways, at most, a backtracking matcher tries to match `items` at one position, or
    None when that has no bound the text does not set: a repeat without an upper bound (`+`, `*`,
    `{2,}`), a repeat of something that can match in more than one way (`(a|b){0,9}`,
    `(\\w{1,5} ){0,3}`), a back-reference. Patterns with few ways run without a time limit:
    their work grows only in proportion to the text."""
    total = 1
    for op, value in items:
        if op in _SIMPLE:
            continue
        if op in _REPEATS:
            low, high, body = value
            inner = _ways(list(body))
            if high == _sre.MAXREPEAT or inner is None or (inner > 1 and high > 1):
                return None
            total *= (high - low + 1) * inner
        elif op == _sre.SUBPATTERN:
            inner = _ways(list(value[-1]))
            if inner is None:
                return None
            total *= inner
        elif op == _sre.BRANCH:
            branches = [_ways(list(branch)) for branch in value[1]]
            if any(ways is None for ways in branches):
                return None
            total *= sum(ways for ways in branches if ways is not None)
        elif op in _LOOKAROUNDS:
            inner = _ways(list(value[1]))
            if inner is None:
                return None
            total *= inner
        else:  # back-references, atomic groups, conditionals, anything unforeseen
            return None
    return total


def _ops(items: Any) -> Iterable[Any]:
    """Every opcode in a parsed pattern, nested groups included."""
    for item in items:
        if isinstance(item, tuple) and len(item) == 2 and not isinstance(item[0], (list, tuple)):
            yield item[0]
            yield from _ops(_nested(item[1]))


def _nested(value: Any) -> list[Any]:
    if isinstance(value, _sre.SubPattern):
        return list(value)
    if isinstance(value, (list, tuple)):
        return [entry for part in value for entry in _nested(part)]
    return []


def _plain_char(op: Any, value: Any) -> str:
    char = chr(value).lower() if op == _sre.LITERAL else ""
    return char if char and char in _PLAIN else ""


def _prefix_literals(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """Literals of which every match starts with one (casefolded); None if unknown."""
    for index, (op, value) in enumerate(items):
        if op == _sre.AT:  # zero-width, e.g. `\b`
            continue
        if _plain_char(op, value):
            run = []
            for next_op, next_value in items[index:]:
                char = _plain_char(next_op, next_value)
                if not char:
                    break
                run.append(char)
            return frozenset(["".join(run)])
        return _group_prefixes(op, value, items[index + 1 :])
    return None


def _group_prefixes(op: Any, value: Any, rest: list[tuple[Any, Any]]) -> frozenset[str] | None:
    if op == _sre.SUBPATTERN:
        return _prefix_literals(list(value[-1]))
    if op == getattr(_sre, "ATOMIC_GROUP", None):
        return _prefix_literals(list(value))
    if op == _sre.BRANCH:
        return _union([_prefix_literals(list(branch)) for branch in value[1]])
    if op in _REPEATS:
        inner = _prefix_literals(list(value[2]))
        # An optional group: a match starts with it or with whatever follows it.
        return inner if value[0] >= 1 else _union([inner, _prefix_literals(rest)])
    return None


def _union(sets: list[frozenset[str] | None]) -> frozenset[str] | None:
    if not sets or any(s is None for s in sets):
        return None
    return frozenset().union(*(s for s in sets if s is not None))


def _sequence_literals(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """Literals of which every match contains one (casefolded); None if unknown."""
    return _most_telling(_contained_literals(items))


def _most_telling(candidates: list[frozenset[str]]) -> frozenset[str] | None:
    """The set to search a text for: long literals, few of them."""
    return max(candidates, key=lambda c: (min(map(len, c)), -len(c)), default=None)


def _contained_literals(items: list[tuple[Any, Any]]) -> list[frozenset[str]]:
    """Sets of literals (casefolded) such that every match contains one literal of each set: one
    set for each literal run, group or alternation of the sequence that the analysis can tell."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            candidates.append(frozenset(["".join(run)]))
            run.clear()

    for op, value in items:
        char = _plain_char(op, value)
        if char:
            run.append(char)
        elif op == _sre.AT:  # zero-width: the literal run stays contiguous
            continue
        else:
            flush()
            found = _item_literals(op, value)
            if found:
                candidates.append(found)
    flush()
    return candidates


def _item_literals(op: Any, value: Any) -> frozenset[str] | None:
    if op == _sre.SUBPATTERN:
        return _sequence_literals(list(value[-1]))
    if op == getattr(_sre, "ATOMIC_GROUP", None):
        return _sequence_literals(list(value))
    if op in _REPEATS and value[0] >= 1:
        return _sequence_literals(list(value[2]))
    if op == _sre.BRANCH:
        return _union([_sequence_literals(list(branch)) for branch in value[1]])
    return None


# --- Verdicts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """One cue that matched: where, which pattern, what text, and the points it earned."""

    where: str  # "title" or "abstract"
    pattern: str
    points: int  # per match
    matches: tuple[str, ...]

    @property
    def total(self) -> int:
        return self.points * len(self.matches)

    def __str__(self) -> str:
        times = f" ×{len(self.matches)}" if len(self.matches) > 1 else ""
        shown = f' ("{self.matches[0]}")' if self.matches else ""
        points = f" {self.total:+d}" if self.points else ""
        return f'{self.where} matches "{self.pattern}"{shown}{times}{points}'


@dataclass(frozen=True)
class TopicVerdict:
    """Whether a paper has a topic, and why: which override or which cues decided it."""

    topic_id: str
    assigned: bool
    decided_by: str  # "rules", "veto", "pinned", "not pinned", "added" or "removed"
    score: int
    threshold: int
    evidence: tuple[Evidence, ...]
    veto: Evidence | None = None

    @property
    def rules_reason(self) -> str:
        cues = "; ".join(str(e) for e in self.evidence) or "no cue matched"
        if self.veto is not None:
            return f"vetoed: {self.veto} (score {self.score}, {cues})"
        relation = "≥" if self.score >= self.threshold else "<"
        return f"score {self.score} {relation} {self.threshold}: {cues}"

    @property
    def reason(self) -> str:
        overrides = {
            "pinned": "pinned in front matter (`topics:`)",
            "not pinned": "not in the front matter's pinned `topics:` list, so the rules are not used",
            "added": "added in front matter (`topics_add:`)",
            "removed": "removed in front matter (`topics_remove:`)",
        }
        if self.decided_by in overrides:
            return f"{overrides[self.decided_by]}; the rules alone would give {self.rules_reason}"
        return self.rules_reason

    @property
    def near_miss(self) -> bool:
        """Not assigned, though some cue matched: worth showing when explaining a paper."""
        return not self.assigned and (bool(self.evidence) or self.veto is not None)

    def __str__(self) -> str:
        return f"{self.topic_id}: {'yes' if self.assigned else 'no'}, {self.reason}"


def _judge(text: _Text, topic: Topic, compiled: _CompiledRules) -> TopicVerdict:
    rules = topic.rules
    evidence = _evidence(text, "title", compiled.title, 1) + _evidence(
        text, "abstract", compiled.abstract, rules.repeat
    )
    score = sum(e.total for e in evidence)
    veto = _first_veto(text, compiled.veto)
    assigned = veto is None and score >= rules.threshold and bool(evidence)
    decided_by = "veto" if veto is not None else "rules"
    return TopicVerdict(topic.id, assigned, decided_by, score, rules.threshold, evidence, veto)


def _decide(text: _Text, rules: TopicRules, compiled: _CompiledRules) -> bool:
    """`_judge(...).assigned`, but stopping as soon as the remaining cues cannot change it."""
    cues = [(cue, "title", 1) for cue in _candidates(text, "title", compiled.title)]
    cues += [(cue, "abstract", rules.repeat) for cue in _candidates(text, "abstract", compiled.abstract)]
    upside = sum(cue.points * limit for cue, _, limit in cues if cue.points > 0)
    if upside < rules.threshold:  # most topics of most papers: too few cues can match
        return False
    downside = sum(-cue.points * limit for cue, _, limit in cues if cue.points < 0)
    score = 0
    for cue, where, limit in cues:
        if score - downside >= rules.threshold or score + upside < rules.threshold:
            break
        score += cue.points * len(_matches(cue, text, where, limit))
        upside -= max(cue.points, 0) * limit
        downside -= max(-cue.points, 0) * limit
    return score >= rules.threshold and _first_veto(text, compiled.veto) is None


def _candidates(text: _Text, where: str, cues: Iterable[_Cue]) -> list[_Cue]:
    """The cues that may match (see _may_match)."""
    met = text.met(where)
    return [cue for cue in cues if met.issuperset(cue.needs)]


def _may_match(cue: _Cue, text: _Text, where: str) -> bool:
    """Whether the text holds a literal of each set the cue needs: if not, it cannot match."""
    return text.met(where).issuperset(cue.needs)


def _evidence(text: _Text, where: str, cues: Iterable[_Cue], limit: int) -> tuple[Evidence, ...]:
    found = []
    for cue in _candidates(text, where, cues):
        matches = _matches(cue, text, where, limit)
        if matches:
            found.append(Evidence(where, cue.pattern, cue.points, tuple(_excerpt(m[0]) for m in matches)))
    return tuple(found)


def _first_veto(text: _Text, vetoes: Iterable[_Cue]) -> Evidence | None:
    for cue in vetoes:
        for where in ("title", "abstract"):
            matches = _matches(cue, text, where, 1) if _may_match(cue, text, where) else []
            if matches:
                return Evidence(where, cue.pattern, 0, (_excerpt(matches[0][0]),))
    return None


def _prepared(paper: Paper, topics: Sequence[Topic]) -> tuple[_Text, list[_CompiledRules]]:
    # compiled first, so that every literal is registered before the text is read
    compiled = [_compiled(topic.rules) for topic in topics]
    return _Text(paper), compiled


def explain_topics(paper: Paper, topics: Sequence[Topic]) -> list[TopicVerdict]:
    """For every topic, in topics.yaml order: does the paper have it, and why."""
    text, compiled = _prepared(paper, topics)
    pinned = set(paper.topics) if paper.topics is not None else None
    verdicts = []
    for topic, compiled_rules in zip(topics, compiled, strict=True):
        try:
            verdict = _judge(text, topic, compiled_rules)
        except RuleTooSlow as exc:
            raise SlowRule(exc.pattern, topic.id, paper.path or paper.slug) from None
        override = _override(topic.id, pinned, paper)
        if override is not None:
            verdict = TopicVerdict(
                topic.id,
                override in ("pinned", "added"),
                override,
                verdict.score,
                verdict.threshold,
                verdict.evidence,
                verdict.veto,
            )
        verdicts.append(verdict)
    return verdicts


def _override(topic_id: str, pinned: set[str] | None, paper: Paper) -> str | None:
    if topic_id in paper.topics_remove:
        return "removed"
    if topic_id in paper.topics_add:
        return "added"
    if pinned is not None:
        return "pinned" if topic_id in pinned else "not pinned"
    return None


def assign_topics(paper: Paper, topics: Sequence[Topic]) -> tuple[str, ...]:
    """The paper's effective topic ids, in topics.yaml order."""
    text, compiled = _prepared(paper, topics)
    pinned = set(paper.topics) if paper.topics is not None else None
    assigned = []
    try:
        for topic, compiled_rules in zip(topics, compiled, strict=True):
            override = _override(topic.id, pinned, paper)
            if override is None:
                given = _decide(text, topic.rules, compiled_rules)
            else:
                given = override in ("pinned", "added")
            if given:
                assigned.append(topic.id)
    except RuleTooSlow as exc:
        raise SlowRule(exc.pattern, topic.id, paper.path or paper.slug) from None
    return tuple(assigned)


class SlowRule(SitegenError):
    """A rule's pattern ran over the time limit on a paper: the build stops. `located` names the
    pattern's line in the topics file."""

    def __init__(
        self, pattern: str, topic_id: str, paper: str, path: str | None = None, line: int | None = None
    ):
        super().__init__(
            f"the pattern `{pattern}` of topic `{topic_id}` took over {RULE_TIME_LIMIT} s on {paper}: "
            "it can backtrack without bound",
            path=path,
            line=line,
            hint="rewrite it so that no repeat holds another repeat or a choice, e.g. `a+$` for "
            "`(a|aa)+$` or `(a+)+$`, and bound repeats: `\\w{0,15}` rather than `\\w*`",
        )
        self.pattern, self.topic_id, self.paper = pattern, topic_id, paper

    def __reduce__(self) -> tuple[type[SlowRule], tuple[str, str, str, str | None, int | None]]:
        return SlowRule, (self.pattern, self.topic_id, self.paper, self.first.path, self.first.line)


def check_paper_topics(
    paper: Paper, topics: Sequence[Topic], front_matter: str | None = None
) -> list[Problem]:
    """Unknown topic ids in a paper's `topics`, `topics_add` and `topics_remove`, each as a Problem.

    Pass the paper file's front matter to have each problem name the line of its key.
    """
    from sitegen.paperfile import item_line, key_line

    known = [t.id for t in topics]
    problems = []
    for key, ids in (
        ("topics", paper.topics or ()),
        ("topics_add", paper.topics_add),
        ("topics_remove", paper.topics_remove),
    ):
        for number, topic_id in enumerate(ids, 1):
            if topic_id not in known:
                line = (
                    (item_line(front_matter, key, number) or key_line(front_matter, key))
                    if front_matter
                    else None
                )
                problems.append(
                    Problem(
                        f"unknown topic `{topic_id}`",
                        paper.path or paper.slug,
                        line,
                        key,
                        _known_hint(topic_id, known),
                    )
                )
    for given, verb in (("topics_add", "added"), ("topics", "pinned")):
        both = sorted(set(getattr(paper, given) or ()) & set(paper.topics_remove))
        if both:  # the paper would not have the topic, whatever the other key says
            line = key_line(front_matter, "topics_remove") if front_matter else None
            problems.append(
                Problem(
                    f"{', '.join(both)} is both {verb} (`{given}`) and removed",
                    paper.path or paper.slug,
                    line,
                    "topics_remove",
                    f"keep the id in only one of `{given}` and `topics_remove`",
                )
            )
    return problems


def _known_hint(unknown: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(unknown, known, n=1, cutoff=0.6)
    did_you_mean = f"did you mean `{close[0]}`? " if close else ""
    return f"{did_you_mean}known topics: {', '.join(known)} (see content/topics.yaml)"
