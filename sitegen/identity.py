"""When two descriptions are one paper: identity on positive evidence only.

Evidence that two descriptions (listing entries, or a page already imported) are one paper:
- a shared DOI or arXiv id, a record's own or found in the abstract's text and links;
- titles that match and authors that agree (the same first author, half the names shared): a
  preprint and its published version, whatever their abstracts;
- titles that match, of four words or more, when one of them has no abstract (a record), and
  their author counts and years (where known) are not far apart;
- titles that match (case, spacing, punctuation, accents and small typos aside) *and* abstracts
  that agree: the same text, one a snippet of the other, or most word 4-grams shared;
- no title on one side (or a derived one) and abstracts that agree closely: the same text, or
  one a snippet of the other.

Counter-evidence that no evidence outweighs: titles that both exist and differ beyond a typo;
different identifiers of one kind (each side has one the other lacks); different code
repositories. Matching titles whose abstracts clearly differ, or whose author lists share no
name, are a *clash*: two papers, and the importer warns about them.

No I/O here.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import urlsplit

from sitegen import names
from sitegen.model import Link
from sitegen.titles import introduced_name

SHINGLE = 4  # words per shingle
SAME_TEXT = 0.95  # share of words matched in order: the same text (or its opening), typos aside
MOST = 0.7  # share of each abstract's 4-grams shared: versions of one abstract (needs a title match)
MIN_SHINGLES = 5  # fewer 4-grams say nothing about versions
MIN_WORDS = 12  # a shorter text is no evidence of being another's opening
SPECIFIC_TITLE_WORDS = 4  # a title alone (no abstract to compare) is evidence from this many words
ARTICLES = frozenset({"a", "an", "the"})
ROMAN = re.compile(r"^(?=[ivxlcdm]+$)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")

DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>{}]+)", re.IGNORECASE)
ARXIV = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf|html)/|huggingface\.co/papers/|arxiv[:\s]\s*|10\.48550/arxiv\.)"
    r"(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})",
    re.IGNORECASE,
)
SAME_ENTRY = "imported from this entry before"  # a page's match by the entry that made it
SAME_THIN = "the same title from the same listing, and nothing else to compare"
CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org")


@dataclass(frozen=True)
class Traits:
    """What identifies one description of a paper."""

    where: str  # `003.txt:41` or `content/papers/x.md`, for messages
    title: str | None  # None when it has none, or only a derived one
    words: tuple[str, ...]  # the abstract's words, normalised
    shingles: frozenset[str]
    cut_off: bool = False  # a snippet that stops mid-word
    dois: frozenset[str] = frozenset()
    arxiv: frozenset[str] = frozenset()
    repos: frozenset[str] = frozenset()
    # The DOIs and arXiv ids its abstract's prose names that neither its record nor a link does:
    # perhaps its own, perhaps a work it cites ("we build on LLaVA-Med (arXiv:2306.00890)").
    cited: frozenset[str] = frozenset()
    # The name its abstract introduces ("We present CardioLens"), when it cites an id (`cited`).
    introduces: str | None = None
    title_keys: frozenset[str] = frozenset()  # more titles it is known by (a page's imported titles)
    families: tuple[str, ...] = ()  # the authors' family names, normalised, when the names are known
    # The entries it was imported from (`entry_id`): a page's, as the import state remembers them;
    # an entry's, its own. Sharing one is the strongest evidence: the very entry made the page.
    made_from: frozenset[str] = frozenset()
    authors_count: int | None = None  # how many authors, when known (a list not cut by `others`)
    year: int | None = None  # the year it shows, when the listing gave one
    venue: str | None = None  # the journal or proceedings it appeared in (never a preprint archive)


@dataclass(frozen=True)
class Verdict:
    """How two descriptions relate; `reason` is said from the first one's side."""

    same: bool = False
    conflict: bool = False  # never one paper
    clash: bool = False  # matching titles, different abstracts: two papers and a warning
    strength: int = 0  # of the evidence for `same`, to merge on the strongest first
    reason: str = ""


_WORD = re.compile(r"[a-z0-9]+")


def words_of(text: str) -> list[str]:
    """Lower-case ASCII words: what survives retyping, reformatting and accents."""
    if not text.isascii():  # (ASCII has no accents to take off: most abstracts, ~10x faster)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return _WORD.findall(text.lower())


def normalise(text: str) -> str:
    return " ".join(words_of(text))


def title_key(title: str) -> str:
    """A title with case, spacing, punctuation and accents gone: the exact-match key."""
    return normalise(title).replace(" ", "")


def shingles_of(words: list[str], cut_off: bool) -> frozenset[str]:
    if cut_off and len(words) > SHINGLE:
        words = words[:-1]  # a snippet stops mid-word
    if len(words) < SHINGLE:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(map(" ".join, zip(*(words[start:] for start in range(SHINGLE)), strict=False)))


@lru_cache(maxsize=8)
def _words_and_shingles(plain: str, cut_off: bool) -> tuple[tuple[str, ...], frozenset[str]]:
    """A text's words and 4-grams, found once for the two descriptions of a page that the import
    compares (as the importer wrote it, and as its file has it now: mostly the same text)."""
    words = words_of(plain)
    return tuple(words), shingles_of(words, cut_off)


def traits(
    where: str,
    title: str | None,
    plain: str,
    links: Iterable[Link] = (),
    *,
    text_links: Iterable[Link] = (),
    cut_off: bool = False,
    title_keys: Iterable[str] = (),
    dois: Iterable[str] = (),
    arxiv: Iterable[str] = (),
    authors: Iterable[str] = (),
    made_from: Iterable[str] = (),
    authors_count: int | None = None,
    year: int | None = None,
    venue: str | None = None,
) -> Traits:
    """What identifies a description: its title, the words of its abstract, the DOIs and arXiv
    ids its text and links name (and its record gives: `dois`, `arxiv`), its code repositories,
    and its authors' family names. `text_links`: the addresses its abstract's text gives (whose
    ids, as the text's, may be a cited work's); `links`: its own."""
    words, shingles = _words_and_shingles(plain, cut_off)
    authors = list(authors)
    if authors:  # a list cut short (`and others`, `et al.`) says only that there are more
        cut = any(names.says_more(name) or normalise(name) == "al" for name in authors)
        authors_count = None if cut else len(authors)
    addresses = [link.url for link in links]
    in_text = [link.url for link in text_links]  # the abstract's own addresses: perhaps a citation's
    prose_dois, prose_arxiv = _identifiers(" ".join([plain, *in_text]))
    named_dois, named_arxiv = _identifiers(" ".join(addresses))
    named_dois = {*named_dois, *(d.lower() for d in dois)}
    named_arxiv = {*named_arxiv, *(a.lower() for a in arxiv)}
    addresses += in_text + (re.findall(r"https?://\S+", plain) if "http" in plain else [])
    cited = frozenset((prose_dois - named_dois) | (prose_arxiv - named_arxiv))
    return Traits(
        where=where,
        title=title if title and title_key(title) else None,
        words=words,
        shingles=shingles,
        cut_off=cut_off,
        dois=frozenset(d for d in {*prose_dois, *named_dois} if not d.startswith("10.48550/")),
        arxiv=frozenset({*prose_arxiv, *named_arxiv}),
        cited=cited,
        introduces=introduced_name(plain) if cited else None,
        repos=frozenset(filter(None, (_repo(url) for url in addresses))),
        title_keys=frozenset(k for k in title_keys if k),
        families=tuple(filter(None, (normalise(names.family(name)) for name in authors))),
        made_from=frozenset(made_from),
        authors_count=authors_count or None,
        year=year,
        venue=venue or None,
    )


def _identifiers(text: str) -> tuple[set[str], set[str]]:
    """The DOIs and arXiv ids a text names, lower-cased. Each pattern runs only on a text holding
    what any match of it holds (most abstracts name no DOI or arXiv id): the same matches, without
    a scan of every abstract. (ARXIV ignores case, and so matches a few non-ASCII letters too,
    such as a dotless i.)"""
    lower = text.lower()
    dois = {_trim(m).lower() for m in DOI.findall(text)} if "10." in text else set()
    arxiv_like = not text.isascii() or "arxiv" in lower or "huggingface.co" in lower
    return dois, {m.lower() for m in ARXIV.findall(text)} if arxiv_like else set()


def _trim(doi: str) -> str:
    while doi and (doi[-1] in ".,;:'\"" or (doi[-1] == ")" and doi.count("(") < doi.count(")"))):
        doi = doi[:-1]
    return doi


def _repo(url: str) -> str | None:
    """`github.com/owner/repo` for a code repository's address, else None."""
    parts = urlsplit(url.rstrip(".,;:)"))
    host = parts.netloc.lower().removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    if host not in CODE_HOSTS or len(segments) < 2:
        return None
    return f"{host}/{segments[0].lower()}/{segments[1].lower().removesuffix('.git')}"


# -- titles ------------------------------------------------------------------------------------


def compare_titles(a: str, b: str) -> str:
    """`same`, `accents` (they differ only by accents), `typo`, or `different`."""
    words_a, words_b = _title_words(a), _title_words(b)
    if words_a == words_b:
        return "same"
    plain_a, plain_b = [_strip(w) for w in words_a], [_strip(w) for w in words_b]
    if plain_a == plain_b:
        return "accents"
    if "".join(plain_a) == "".join(plain_b):
        return "typo"  # `multi modal` / `multimodal`
    return "typo" if _typos_only(plain_a, plain_b) else "different"


def _title_words(title: str) -> list[str]:
    return re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", title).casefold())


def _strip(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _typos_only(a: list[str], b: list[str]) -> bool:
    """Every difference a misspelt word or a dropped article; few of them for the title's length."""
    typos = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        left, right = a[i1:i2], b[j1:j2]
        if "".join(left) == "".join(right):
            typos += 1  # a word split or joined
        elif tag in ("insert", "delete"):
            if not set(left + right) <= ARTICLES:
                return False
            typos += 1
        elif len(left) == len(right) and all(_misspelt(x, y) for x, y in zip(left, right, strict=True)):
            typos += len(left)
        else:
            return False
    return typos <= max(1, (len(a) + len(b)) // 10)


def _misspelt(x: str, y: str) -> bool:
    """One word for another by a typo; numbers, numerals and short words must match exactly."""
    if any(c.isdigit() for c in x + y) or ROMAN.match(x) or ROMAN.match(y):
        return False
    if min(len(x), len(y)) < 4:
        return False
    return _edits(x, y) <= (1 if max(len(x), len(y)) < 8 else 2)


def _edits(x: str, y: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, swaps."""
    previous2: list[int] = []
    previous = list(range(len(y) + 1))
    for i in range(1, len(x) + 1):
        current = [i] + [0] * len(y)
        for j in range(1, len(y) + 1):
            cost = 0 if x[i - 1] == y[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and x[i - 1] == y[j - 2] and x[i - 2] == y[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(y)]


# -- abstracts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    """How two abstracts compare: their kind of likeness, and how much they share."""

    kind: str  # `same`, `snippet` (the first is a snippet of the second), `fuller`, `most`, `different`
    share: float  # of the words (same, snippet, fuller) or 4-grams (most) in common


def compare_abstracts(a: Traits, b: Traits) -> Agreement:
    """Word for word, typos aside: the same text, or one the opening of the other; else how much
    of their 4-grams they share."""
    if not a.words or not b.words:
        return Agreement("different", 0.0)
    if a.words == b.words:
        return Agreement("same", 1.0)
    longest = max(len(a.words), len(b.words))
    if min(len(a.words), len(b.words)) >= SAME_TEXT * longest:
        same = _matched(a.words, b.words) / longest
        if same >= SAME_TEXT:
            return Agreement("same", same)
    for kind, short, full in (("snippet", a, b), ("fuller", b, a)):
        opening = _opening(short, full)
        if opening:
            return Agreement(kind, opening)
    shared = len(a.shingles & b.shingles)
    share = min(shared / len(a.shingles), shared / len(b.shingles)) if a.shingles and b.shingles else 0.0
    if min(len(a.shingles), len(b.shingles)) >= MIN_SHINGLES and share >= MOST:
        return Agreement("most", share)
    return Agreement("different", share)


def _opening(short: Traits, full: Traits) -> float:
    """How much of `short` is, word for word, the opening of `full` (0 when it is not)."""
    words = list(short.words[:-1] if short.cut_off else short.words)  # a snippet stops mid-word
    if len(words) < MIN_WORDS or len(short.words) >= len(full.words):
        return 0.0
    share = _matched(words, list(full.words[: len(words) + 3])) / len(words)
    return share if share >= SAME_TEXT else 0.0


def _matched(a: Iterable[str], b: Iterable[str]) -> int:
    """Words of `a` matched, in order, in `b`: a typo costs one word, not the whole text."""
    matcher = difflib.SequenceMatcher(None, list(a), list(b), autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


ABSTRACT_REASONS = {
    "same": "same abstract",
    "snippet": "snippet of its abstract",
    "fuller": "fuller version of its abstract",
}
TITLE_REASONS = {
    "same": "same title",
    "accents": "same title but for accents",
    "typo": "same title but for a typo",
}


# -- two descriptions --------------------------------------------------------------------------


def relate(a: Traits, b: Traits) -> Verdict:
    """Are `a` and `b` one paper? Counter-evidence first; then the strongest evidence."""
    titles = _titles(a, b)
    differing = _different_ids(a, b)
    if differing:  # look-alikes (matching titles, or no titles and one text) get a warning
        if titles is not None and titles != "different":
            return Verdict(conflict=True, clash=True, reason=f"{TITLE_REASONS[titles]}, yet {differing}")
        kind = compare_abstracts(a, b).kind if titles is None else "different"
        if kind in ABSTRACT_REASONS:
            return Verdict(conflict=True, clash=True, reason=f"{ABSTRACT_REASONS[kind]}, yet {differing}")
        return Verdict(conflict=True, reason=differing)
    if titles == "different":
        return Verdict(conflict=True, reason="different titles")
    shared = sorted(a.dois & b.dois) or sorted(a.arxiv & b.arxiv)
    if shared:
        label = "DOI" if a.dois & b.dois else "arXiv id"
        both_cite = all(
            found in a.cited and found in b.cited for found in (a.dois & b.dois) | (a.arxiv & b.arxiv)
        )
        named = (a.introduces, b.introduces)
        if both_cite and all(named) and normalise(named[0] or "") != normalise(named[1] or ""):
            # Two texts naming one work, each introducing a system of its own: each cites it.
            return Verdict(
                conflict=True,
                clash=True,
                reason=f"the same {label} {shared[0]} in their texts, yet they introduce "
                f"{named[0]} / {named[1]}",
            )
        return Verdict(same=True, strength=5, reason=f"same {label} {shared[0]}")
    authors = compare_authors(a, b)
    if titles is not None and authors == "different":
        return Verdict(conflict=True, clash=True, reason=f"{TITLE_REASONS[titles]}, yet different authors")
    if titles is not None and authors == "same":
        # Years far apart, and no abstract saying it is one text: a survey of one title by the
        # same author, written again (kept apart). A preprint and its version of record three
        # years on, with the same abstract, are one paper.
        apart = a.year and b.year and abs(a.year - b.year) > YEARS_APART
        elsewhere = is_generic_title(a.title or "") and venues_differ(a.venue, b.venue)
        one_text = (apart or elsewhere) and compare_abstracts(a, b).kind in ABSTRACT_REASONS
        if apart and not one_text:
            return Verdict(
                conflict=True, clash=True, reason=f"{TITLE_REASONS[titles]}, yet years {a.year} / {b.year}"
            )
        if elsewhere and not one_text:
            # One author's "Reply to comments" in two journals: two papers (a shared DOI, or
            # one abstract, would have said one paper printed twice). Any other title in two
            # venues is one paper whose venue is written two ways ("NeurIPS", "Advances in ...").
            return Verdict(
                conflict=True, clash=True, reason=f"{TITLE_REASONS[titles]}, yet venues {a.venue} / {b.venue}"
            )
        return Verdict(same=True, strength=4, reason=f"{TITLE_REASONS[titles]}; same authors")
    agreement = compare_abstracts(a, b)
    if titles is not None and (not a.words or not b.words):
        # a record without an abstract: a specific title, and nothing that says otherwise
        against = counter_evidence(a, b)  # a title alone is weighed against what else is known
        if against:
            return Verdict(conflict=True, clash=True, reason=f"{TITLE_REASONS[titles]}, yet {against}")
        if titles == "same" and len(_title_words(a.title or "")) >= SPECIFIC_TITLE_WORDS:
            return Verdict(same=True, strength=2, reason="same title; no abstract to compare")
        return Verdict()
    if titles is not None:
        if agreement.kind == "different":
            return Verdict(
                conflict=True,
                clash=True,
                reason=f"{TITLE_REASONS[titles]}, yet different abstracts "
                f"({round(100 * agreement.share)}% shared)",
            )
        if agreement.kind == "most":
            text = f"{round(100 * agreement.share)}% of its abstract shared"
            return Verdict(same=True, strength=3, reason=f"{TITLE_REASONS[titles]}; {text}")
        return Verdict(
            same=True, strength=4, reason=f"{TITLE_REASONS[titles]}; {ABSTRACT_REASONS[agreement.kind]}"
        )
    if agreement.kind in ABSTRACT_REASONS:
        strength = 2 if agreement.kind == "same" else 1
        return Verdict(
            same=True, strength=strength, reason=f"no title to compare; {ABSTRACT_REASONS[agreement.kind]}"
        )
    if agreement.kind == "different" and a.words and b.words:
        # Two texts that are not one abstract (nor one the opening of the other): two papers. A
        # teaser of an opening they share is not a bridge between them (it could be either).
        return Verdict(conflict=True, reason="no title to compare; different abstracts")
    return Verdict()


YEARS_APART = 2  # a preprint and its published version: a year or two apart, seldom more
AUTHORS_APART = 2  # a published version may add or drop an author or two


def counter_evidence(a: Traits, b: Traits) -> str:
    """What says two descriptions with matching titles are not one paper, though their names are
    unknown: author counts far apart (1 and 9), or years further apart than a preprint and its
    published version; '' when nothing does."""
    if a.authors_count and b.authors_count:
        few, many = sorted((a.authors_count, b.authors_count))
        if many - few > AUTHORS_APART and 2 * few < many:
            return f"{a.authors_count} / {b.authors_count} authors"
    if a.year and b.year and abs(a.year - b.year) > YEARS_APART:
        return f"years {a.year} / {b.year}"
    return ""


# The words of the titles many papers share, each a kind of piece: a reply, a letter, an editorial
# or a correction ("Reply to comments", "Response to the letter", "Erratum"). Two such pieces by one
# author are often two papers; "Deep Sets" or "Attention" is one paper's own title.
GENERIC_TITLE_WORDS = frozenset({
    "reply", "replies", "response", "responses", "comment", "comments", "commentary", "letter",
    "letters", "editorial", "editorials", "erratum", "errata", "correction", "corrections",
    "corrigendum", "retraction", "preface", "foreword", "introduction", "note", "notes", "to", "the",
    "a", "an", "on", "of", "re", "in", "and", "for", "from", "by", "author", "authors", "editor",
    "editors", "our", "concerns", "regarding", "about", "concerning"
})  # fmt: skip


def is_generic_title(title: str) -> bool:
    """Whether a title is made of the words many papers' titles share ("Reply to comments")."""
    words = _title_words(title)
    return bool(words) and all(word in GENERIC_TITLE_WORDS for word in words)


VENUE_FILLERS = frozenset({"of", "the", "and", "on", "in", "for", "a", "an", "proceedings", "proc"})


def venues_differ(a: str | None, b: str | None) -> bool:
    """Whether two venues are clearly two: not one's words among the other's ("MICCAI" and
    "Medical Image Computing ... MICCAI 2023"), nor one the other's abbreviation word by word
    ("Nat Rev Cancer", "Nature Reviews Cancer"), nor a word of one the initials of the other's
    words ("IEEE TMI", "JAMA"). Years, and words such as "of" and "Proceedings", do not count;
    an unknown venue differs from none."""
    if not a or not b:
        return False
    mine, theirs = _venue_words(a), _venue_words(b)
    if not mine or not theirs or set(mine) <= set(theirs) or set(theirs) <= set(mine):
        return False
    if len(mine) == len(theirs) and all(
        x.startswith(y) or y.startswith(x) for x, y in zip(mine, theirs, strict=True)
    ):
        return False
    return not (_initialism_of(mine, theirs) or _initialism_of(theirs, mine))


def _initialism_of(words: list[str], others: list[str]) -> bool:
    """Whether a word of `words` is made of the initials of `others`' words, in their order."""
    initials = "".join(word[0] for word in others)
    return any(len(word) > 1 and _in_order(word, initials) for word in words)


def _in_order(letters: str, text: str) -> bool:
    rest = iter(text)
    return all(letter in rest for letter in letters)  # each found after the one before


def _venue_words(venue: str) -> list[str]:
    return [word for word in words_of(venue) if word not in VENUE_FILLERS and not word.isdigit()]


AUTHORS_AGREE = 0.5  # share of the shorter list's family names the other list has


def compare_authors(a: Traits, b: Traits) -> str | None:
    """`same` when the first authors' family names match and most names are shared (a preprint
    and its published version may add or drop an author), `different` when no name is shared,
    None when either list is unknown or they partly agree."""
    if not a.families or not b.families:
        return None
    mine, theirs = set(a.families), set(b.families)
    shared = len(mine & theirs) / min(len(mine), len(theirs))
    if not mine & theirs:
        return "different"
    if a.families[0] == b.families[0] and shared >= AUTHORS_AGREE:
        return "same"
    return None


def _titles(a: Traits, b: Traits) -> str | None:
    """How the titles compare, or None when one side has none."""
    if a.title is None or b.title is None:
        return None
    if (a.title_keys | {title_key(a.title)}) & (b.title_keys | {title_key(b.title)}):
        found = compare_titles(a.title, b.title)
        return found if found != "different" else "same"  # a remembered title matches exactly
    return compare_titles(a.title, b.title)


def _different_ids(a: Traits, b: Traits) -> str:
    for label, mine, theirs in (
        ("DOIs", a.dois, b.dois),
        ("arXiv ids", a.arxiv, b.arxiv),
        ("code repositories", a.repos, b.repos),
    ):
        if mine - theirs and theirs - mine:
            return f"different {label} ({sorted(mine - theirs)[0]} / {sorted(theirs - mine)[0]})"
    return ""


def names_another_paper(a: Traits, b: Traits) -> bool:
    """Whether two descriptions under one name (a listing's key, in two versions of it) are two
    papers: titles that differ beyond a typo, and no DOI or arXiv id in common. A title changed on
    publication, a DOI added, a year moved: the same entry, updated."""
    return _titles(a, b) == "different" and not shared_identifier(a, b)


def shared_identifier(a: Traits, b: Traits) -> str:
    """A DOI or arXiv id both name, for a warning when other evidence kept them apart."""
    shared = sorted(a.dois & b.dois) or sorted(a.arxiv & b.arxiv)
    return shared[0] if shared else ""


# -- a paper against the pages already imported ------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A page in content/papers (or one the editor deleted), as identity evidence. Its
    descriptions are made when asked for, not kept: with their words and 4-grams they weigh ~36 KB
    a page, ~3.6 GB for a library of 100,000 papers, of which an import compares a few."""

    slug: str
    where: str
    described: Callable[[], Descriptions]  # (remembered, current), made anew at each call
    sources: frozenset[str]  # the listings it came from


@dataclass(frozen=True)
class Descriptions:
    """A page's descriptions: as the importer last wrote it, and as the file is now."""

    remembered: Traits | None  # as the importer last wrote it (the import state)
    current: Traits | None  # as the file is now, hand edits and all


@dataclass(frozen=True)
class PageMatch:
    """A page an imported paper matches, why, and how strongly."""

    slug: str
    reason: str
    score: tuple[int, float]  # (tier, strength): remembered identity 3, the file as it is 2, sources 1


SOURCE_OVERLAP = 0.3  # tier 1: share of words or 4-grams an edited page still has in common


def wanted_shingles(papers: list[list[tuple[Traits, str]]]) -> set[str]:
    """The 4-grams of the papers' entries: those of the pages that a page index holds."""
    return {shingle for entries in papers for mine, _ in entries for shingle in mine.shingles}


def match_pages(
    papers: list[list[tuple[Traits, str]]], pages: list[Page], index: PageIndex | None = None
) -> tuple[dict[int, PageMatch], dict[int, list[str]]]:
    """Which page each paper (its entries' traits and listings) already has; a page takes one paper.

    With the import state, a page is matched by what the importer wrote (titles, abstract), so
    edits never hide it. Without a record, by the file as it is; failing that, when the page
    lists the entry's listing among its sources and still shares enough of its title or abstract
    (the editor may have rewritten some). Counter-evidence against what the importer wrote, or
    different identifiers, rule a page out. A paper takes only its best page: when several are
    equally good (and listing the entry's listing does not tell them apart) it is ambiguous, and
    returned with them instead; when another paper has a better claim on its page, it has none.
    `index`: the pages' index (`PageIndex.of` them all), when the caller made it.
    """
    index = index or PageIndex.of(pages, wanted_shingles(papers), range(len(pages)))
    described = cache(lambda number: pages[number].described())  # the candidates', once each
    offers: list[tuple[tuple[int, float], int, int, str]] = []
    ambiguous: dict[int, list[str]] = {}
    for number, entries in enumerate(papers):
        best: dict[int, tuple[tuple[int, float], str]] = {}
        blocked: set[int] = set()
        for mine, source in entries:
            for page_number in index.candidates(mine, source):
                found = _page_evidence(mine, source, described(page_number), pages[page_number].sources)
                if found is None:
                    blocked.add(page_number)
                elif found[0] > best.get(page_number, ((0, 0.0), ""))[0]:
                    best[page_number] = found
        scored = {n: found for n, found in best.items() if n not in blocked and found[0][0] > 0}
        if not scored:
            continue
        top = max(score for score, _ in scored.values())
        tied = sorted(n for n, (score, _) in scored.items() if score == top)
        listed = [n for n in tied if any(source in pages[n].sources for _, source in entries)]
        tied = listed if len(tied) > 1 and listed else tied
        if len(tied) > 1:
            ambiguous[number] = [pages[n].where for n in tied]
            continue
        offers.append((top, number, tied[0], scored[tied[0]][1]))
    offers.sort(key=lambda offer: (-offer[0][0], -offer[0][1], offer[1], offer[2]))
    matched: dict[int, PageMatch] = {}
    taken: set[int] = set()
    for score, number, page_number, reason in offers:
        if page_number not in taken:
            matched[number] = PageMatch(pages[page_number].slug, reason, score)
            taken.add(page_number)
    return matched, ambiguous


def _page_evidence(
    mine: Traits, source: str, page: Descriptions, sources: frozenset[str]
) -> tuple[tuple[int, float], str] | None:
    """(score, reason); score (0, 0) when there is no evidence; None when the page (described as
    `page`, from the listings `sources`) is ruled out."""
    remembered = page.remembered
    if remembered is not None:
        verdict = relate(mine, remembered)
        if verdict.conflict:
            # The very entry that made the page (its listing's key), retitled since (on
            # publication, say), still naming the page's DOI or arXiv id and no other: updated.
            retitled = mine.made_from & remembered.made_from and shared_identifier(mine, remembered)
            return ((4, 0.0), SAME_ENTRY) if retitled and not _different_ids(mine, remembered) else None
        # An entry with too little to tell it from another (a short title, no authors, no
        # abstract) would otherwise make a new page at every import of its listing. A line
        # moved or a key reused may name another paper since: only with the title it made the
        # page with, and nothing against it.
        if mine.made_from & remembered.made_from and (verdict.same or _same_title(mine, remembered)):
            return (4, 0.0), SAME_ENTRY
        # a state written before pages remembered their entries (none here): see _thin_twin
        if not remembered.made_from and source in sources and _thin_twin(mine, remembered):
            return (3, 1.0), SAME_THIN
        return ((3, verdict.strength), verdict.reason) if verdict.same else ((0, 0.0), "")
    if page.current is not None:
        if _different_ids(mine, page.current):
            return None
        verdict = relate(mine, page.current)
        if verdict.same:
            return (2, verdict.strength), verdict.reason
        if source in sources:
            # The page this listing made, its title and abstract rewritten by the editor: it
            # still carries the entry's DOI or arXiv id (and none other, checked above).
            shared = shared_identifier(mine, page.current)
            if shared:
                return (1, 1.0), f"listed in its sources; same identifier {shared}"
            overlap, what = _overlap(mine, page.current)
            if overlap >= SOURCE_OVERLAP:
                return (1, overlap), f"listed in its sources; {what}"
    return (0, 0.0), ""


def same_page(current: Traits, remembered: Traits) -> bool:
    """A file the import state knows nothing of (`current`) is a page it remembers under a name
    that is gone (`remembered`): the editor renamed it. The same paper; or, edited since, the
    same DOI or arXiv id and no different one."""
    verdict = relate(current, remembered)
    if verdict.conflict:
        shared = (current.dois & remembered.dois) or (current.arxiv & remembered.arxiv)
        return bool(shared) and not _different_ids(current, remembered)
    return verdict.same


def _same_title(mine: Traits, page: Traits) -> bool:
    titled = mine.title is not None and page.title is not None
    return titled and title_key(mine.title or "") == title_key(page.title or "")


def _thin_twin(mine: Traits, page: Traits) -> bool:
    """A page the import state remembers without the entries that made it (a state written before
    it kept them), with the entry's very title, neither having an abstract, authors or an
    identifier to compare: as far as anything can tell, the page that entry made. (Without this,
    the first import after an upgrade made another page of each such entry.)"""
    if not _same_title(mine, page):
        return False
    described = (mine.words, page.words, mine.families, page.families)
    return not any(described) and not any((mine.dois, page.dois, mine.arxiv, page.arxiv))


def _overlap(mine: Traits, page: Traits) -> tuple[float, str]:
    """How much an edited page still shares with an entry: of the title's words, or the abstract's 4-grams."""
    titles = 0.0
    if mine.title and page.title:
        a, b = set(words_of(mine.title)), set(words_of(page.title))
        titles = len(a & b) / max(1, len(a | b))
    shared = len(mine.shingles & page.shingles) / max(1, min(len(mine.shingles), len(page.shingles)))
    if titles >= shared:
        return titles, f"{round(100 * titles)}% of the title's words shared"
    return shared, f"{round(100 * shared)}% of the abstract shared"


class PageIndex:
    """Finds the pages worth comparing with an entry without comparing every page. Of the pages'
    abstracts, only the 4-grams some entry has (`wanted_shingles`) are indexed: an entry looks up
    its own, and a library's pages hold ~200 each, nearly all of them in no entry of an import."""

    def __init__(self) -> None:
        self.by_key: dict[str, set[int]] = {}
        self.by_shingle: dict[str, set[int]] = {}

    @classmethod
    def of(cls, pages: Sequence[Page], wanted: set[str], numbers: Iterable[int]) -> PageIndex:
        """The index of the pages of `numbers` (each described once, as it is indexed)."""
        index = cls()
        for number in numbers:
            page = pages[number]
            index.add(number, page.described(), page.sources, wanted)
        return index

    def add(self, number: int, descriptions: Descriptions, sources: frozenset[str], wanted: set[str]) -> None:
        """Page `number`, described as `descriptions`, from the listings `sources`."""
        for described in (descriptions.remembered, descriptions.current):
            if described is None:
                continue
            for key in self._keys(described):
                self.by_key.setdefault(key, set()).add(number)
            for shingle in described.shingles & wanted:
                self.by_shingle.setdefault(shingle, set()).add(number)
        if descriptions.remembered is None:  # the import state does not remember it
            for source in sources:
                self.by_key.setdefault(f"s:{source}", set()).add(number)

    def merged(self, other: PageIndex) -> PageIndex:
        """This index and `other` (of other pages), as one."""
        for mine, theirs in ((self.by_key, other.by_key), (self.by_shingle, other.by_shingle)):
            for key, numbers in theirs.items():
                mine.setdefault(key, set()).update(numbers)
        return self

    @staticmethod
    def _keys(described: Traits) -> list[str]:
        """Its keys but its 4-grams."""
        keys = [f"t:{k}" for k in described.title_keys] + [f"e:{e}" for e in described.made_from]
        if described.title:
            keys += [f"t:{title_key(described.title)}"]
        return keys + [f"d:{d}" for d in described.dois] + [f"a:{a}" for a in described.arxiv]

    def candidates(self, mine: Traits, source: str) -> set[int]:
        counts: dict[int, int] = {}
        found: set[int] = set(self.by_key.get(f"s:{source}", set()))
        for key in self._keys(mine):
            found |= self.by_key.get(key, set())
        for shingle in mine.shingles:
            pages = self.by_shingle.get(shingle, set())
            if len(pages) <= 200:
                for number in pages:
                    counts[number] = counts.get(number, 0) + 1
        floor = 0.25 * max(1, len(mine.shingles))
        return found | {number for number, count in counts.items() if count >= min(floor, 5)}
