"""Titles for abstracts that came without one (abstract dumps).

A useful derived title is the short name the paper introduces plus what it is
("EndoGen: Conditional Endoscopic Video Generation Framework"); with no name, the paper's main
contribution clause ("Systematic Review of ..."), title-cased and cut at a phrase boundary.
Never the first N characters. The site marks these titles for an editor to confirm.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

VERBS = (
    r"propose|present|introduce|develop|build|construct|design|curate|release|provide|describe|"
    r"report|create|offer|establish|investigate|explore|examine|evaluate|assess|"
    r"benchmark|study|analy[sz]e|review|survey|systematically review|compare|quantify"
)
SUBJECT = (
    r"(?:we|this (?:paper|work|study|article|review|survey|report|chapter)|"
    r"our (?:paper|work|study)|here we|in this (?:paper|work|study), we)"
)
CONTRIBUTION = re.compile(
    rf"\b{SUBJECT}\s+(?:(?:also|first|further|then|hereby|here|now|therefore|thus|additionally|"
    rf"systematically|comprehensively)\s+)?(?:{VERBS})(?:e?s|e?d)?\b[,:]?\s*",
    re.IGNORECASE,
)
NAME = r"[A-Za-z0-9][\w\-.+²³¹⁰⁴-⁹]*[\w²³¹⁰⁴-⁹+]"
CAPITALISED_NAME = r"[A-Za-z0-9][\w\-.+²³¹]*(?:\s+[A-Z0-9][\w\-.+²³¹]*){0,2}"
NAMING_WORDS = r"(?:namely|called|named|termed|dubbed|coined|entitled|(?:that\s+)?we\s+call)"
NAMING = re.compile(rf"\b{NAMING_WORDS}\s+(?:as\s+)?(?P<name>{NAME})")
LEADING_WORDS = {
    "the", "a", "an", "our", "two", "three", "several", "first", "novel", "new", "simple", "effective",
    "innovative", "unique", "powerful", "very", "yet", "efficient", "first-of-its-kind", "pioneering",
    "so-called", "and", "or", "up", "out",
}  # fmt: skip
LEADING = re.compile(rf"^(?:\([^()]*\)\s*|(?:{'|'.join(sorted(LEADING_WORDS))})\b,?\s+)+", re.IGNORECASE)
# A clause that says nothing on its own: "we conduct experiments", "we explore this question".
VAGUE_START = re.compile(
    r"^(?:this|these|that|those|such|it|them|its|their|how|whether|what|why|if|which|who|experiments?|"
    r"extensive|results?|findings|several|various|different|some)\b",
    re.IGNORECASE,
)
# Where a descriptive phrase ends: a relative clause, a participle, a means or scope clause.
CLAUSE_END = re.compile(
    r",(?!\d)|;|:|\.(?:\s|$)|\s(?:that|which|who|whose|where|while|whereas|as well as|using|via|by|"
    r"consisting|comprising|containing|featuring|leveraging|designed|built|based on|aimed|aiming|"
    r"enabling|allowing|including|trained|specifically|capable|tailored|in order|through|across|"
    r"and (?:then|also)|with (?:only|just)|achieving|outperforming|yielding|resulting|spanning)\b"
)
SUBJECT_END = re.compile(
    r"\s(?:is|are|was|were|has|have|had|remains?|plays?|offers?|shows?|holds?|can|could|may|might|"
    r"will|would|should|must|provides?|requires?|enables?|aims?|suffers?|faces?|struggles?|lacks?|"
    r"relies|rely|poses?|represents?|demonstrates?|continues?|becomes?|serves?|excel|excels|"
    r"achieves?|helps?|allows?|involves?|gained|emerged|(?:\w+ly\s+)?\w+ed\s+(?:as|by|to|in))\b"
)
GENERIC = {
    "framework", "method", "approach", "model", "system", "benchmark", "dataset", "architecture",
    "pipeline", "tool", "toolkit", "platform", "technique", "strategy", "network", "module", "agent",
    "solution", "paradigm", "study", "analysis", "mechanism", "family", "collection", "series",
    "suite", "resource", "algorithm", "operation",
}  # fmt: skip
VAGUE = GENERIC | {"possibility", "extent", "question", "experiments", "case", "work", "paper", "review"}
SMALL = {
    "a", "an", "the", "and", "or", "of", "for", "to", "in", "on", "with", "via", "by", "from", "at",
    "as", "vs", "nor", "but", "into", "across", "over",
}  # fmt: skip
TRAILING_JUNK = SMALL | {
    "this", "these", "its", "their", "our", "such", "both", "each", "which", "that", "who", "is", "are",
    "highly", "fully", "newly", "specifically", "particularly", "explicitly", "efficiently",
    "effectively", "automatically", "jointly", "simultaneously", "significantly", "comprising",
    "focused", "designed", "created", "developed", "trained", "built", "based", "aimed", "provides",
    "containing", "consisting", "derived", "extracted", "constructed", "collected", "called", "named",
    "termed", "compared", "than", "more", "most", "less", "between", "among", "nationwide", "e.g", "i.e",
}  # fmt: skip
ADVERBS = {"specifically", "particularly", "explicitly", "carefully", "newly"}
# Extending a generic head ("a framework that ..."): stop at these at once...
HARD_STOPS = {"using", "via", "by", "through", "across", "over", "among", "within", "while", "whereas"}
# ...or at these once the phrase says enough.
SOFT_STOPS = {"as", "for", "to", "with", "in", "on", "from", "including", "which", "designed", "that"}
# "a review of this emerging field": the field is named elsewhere in the abstract
ANAPHORA = re.compile(
    r"\s+(?:of|on|in|for)\s+(?:this|these|such|the)\s+(?:emerging\s+|growing\s+|rapidly\s+\w+\s+)?"
    r"(?:field|area|domain|topic|problem|task|direction|methods?|models?|approach(?:es)?)\b.*$",
    re.IGNORECASE,
)
MAX_WORDS = 12


def derive_title(plain: str) -> str:
    sentences = _sentences(plain)
    clauses = _contributions(sentences)
    bare_name = None
    for text in clauses + list(_naming_clauses(sentences)):
        name, descriptor = _named(text, plain)
        if name and descriptor:
            return f"{name}: {descriptor}"
        bare_name = bare_name or name
    for clause in clauses:
        phrase = _phrase(clause, plain)
        if phrase and _informative(phrase) and not (bare_name and bare_name in phrase):
            return f"{bare_name}: {phrase}" if bare_name else phrase
    if bare_name:
        return bare_name  # a name without a clear descriptor beats a misleading one
    return _subject(sentences[0] if sentences else plain) or "Untitled Abstract"


def introduced_name(plain: str) -> str | None:
    """The name an abstract introduces ("We present CardioLens, a model that..."), as a derived
    title starts with it; None when it introduces none."""
    sentences = _sentences(plain)
    for text in _contributions(sentences) + list(_naming_clauses(sentences)):
        name, _ = _named(text, plain)
        if name:
            return name
    return None


def _contributions(sentences: list[str]) -> list[str]:
    """What follows each sentence's contribution verb ("we propose ...")."""
    return [s[m.end() :] for s in sentences for m in [CONTRIBUTION.search(s)] if m]


def _naming_clauses(sentences: list[str]) -> Iterator[str]:
    """`..., and propose a dynamic visual prompt tuning method, named DVPT`: from the verb on."""
    for sentence in sentences:
        match = NAMING.search(sentence)
        if match:
            verbs = list(
                re.finditer(rf"\b(?:{VERBS})(?:e?s|e?d)?\b\s*", sentence[: match.start()], re.IGNORECASE)
            )
            yield sentence[verbs[-1].end() if verbs else max(0, match.start() - 80) :]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", text) if s.strip()]


def _is_name(token: str) -> bool:
    """A coined name: inner capitals or digits (EndoGen, X-GRM, MedSAM-Agent, S³-Mamba, TAO)."""
    letters = re.sub(r"[^A-Za-z]", "", token)
    if len(letters) < 2 or token.lower() in GENERIC:
        return False
    inner_capital = any(c.isupper() for c in token[1:])
    has_digit = any(c.isdigit() or c in "²³¹" for c in token)
    return inner_capital or (has_digit and token[0].isupper())


NAME_PATTERNS = (
    # "RadFabric, a multi agent ...", "X-GRM (X-ray Gaussian Reconstruction Model), a large ..."
    re.compile(
        rf"^(?:the\s+)?(?P<name>{CAPITALISED_NAME})\s*(?:\((?P<expansion>[^()]{{3,120}})\))?\s*"
        rf"(?P<sep>,|:|—|\s-\s)\s*(?P<rest>.*)"
    ),
    # "the first conditional endoscopic video generation framework, namely EndoGen"
    re.compile(
        rf"^(?P<rest>.{{0,160}}?)\s*,?\s*{NAMING_WORDS}\s+(?:as\s+)?"
        rf"(?P<expansion>(?:[A-Z][\w\-]*\s+){{0,7}}?)\(?(?P<name>{NAME})\)?(?:\W|$)"
    ),
    # "a Small-Size-Sensitive Mamba (S³-Mamba)"
    re.compile(
        rf"^(?P<rest>(?:(?:a|an|the)\s+)?(?:[\w\-]+\s+){{0,4}}?)(?P<expansion>(?:[A-Z][\w\-]*\s+){{1,8}})"
        rf"\((?P<name>{NAME})\)"
    ),
    # "a new framework, VILA-M3, for medical VLMs"
    re.compile(
        rf"^(?P<rest>(?:(?:a|an|the)\s+)?[\w\-]+(?:\s+[\w\-]+){{0,5}}),\s+(?P<name>{NAME}),?(?P<after>.*)"
    ),
    # "Med-PaLM 2, which ...", "AMIE (Articulate Medical Intelligence Explorer) as ..."
    re.compile(
        rf"^(?P<name>{NAME})\s+(?:\((?P<expansion>[^()]{{3,120}})\)\s*)?(?:as|is|that|which)\b(?P<rest>.*)"
    ),
)


def _named(clause: str, plain: str) -> tuple[str | None, str | None]:
    """(the name the clause introduces, what it is), either possibly None."""
    for pattern in NAME_PATTERNS:
        match = pattern.match(clause.strip())
        if not match or not _acceptable_name(match):
            continue
        name = match.group("name").strip()
        groups = match.groupdict()
        expansion = (groups.get("expansion") or "").strip()
        if len(expansion.split()) >= 2 and _is_expansion(expansion, name):
            return name, title_case(expansion)
        rest = " ".join(filter(None, [groups.get("rest"), groups.get("after")]))
        descriptor = _phrase(rest, plain)
        if descriptor and (_informative(descriptor) or len(descriptor.split()) >= 2):
            return name, descriptor
        return name, title_case(expansion) if expansion else None
    return None, None


def _acceptable_name(match: re.Match[str]) -> bool:
    name = match.group("name")
    first = name.split()[0]
    if first.lower() in LEADING_WORDS or not (first[:1].isupper() or first[:1].isdigit() or _is_name(first)):
        return False
    if any(_is_name(word) for word in name.split()):
        return True
    # "Bora, the first spatio-temporal ...": any capitalised name in apposition right after the verb
    return (
        (match.groupdict().get("sep") or "").strip() in {",", "-", "—"}
        and re.match(r"(?:a|an|the)\s", match.group("rest")) is not None
        and name.split()[0].lower() not in {"this", "these", "it", "we", "our", "in", "to", "for"}
    )


def _is_expansion(expansion: str, name: str) -> bool:
    """`X-ray Gaussian Reconstruction Model` spells out X-GRM; a parenthetical remark does not."""
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z]\w*", expansion)).lower()
    capitals = re.sub(r"[^A-Za-z]", "", name if name.isupper() else "".join(c for c in name if c.isupper()))
    return sum(c.lower() in initials for c in capitals) >= min(2, len(capitals)) and not re.search(
        r"\d+\s*(?:%|k\b|m\b)", expansion
    )


def _phrase(text: str, plain: str) -> str | None:
    """The noun phrase a clause opens with, cut where a relative clause or participle starts."""
    text = LEADING.sub("", text.strip())
    if not text or VAGUE_START.match(text):
        return None
    words = _head(text).split()
    if words and sum(w.lower() not in VAGUE | SMALL for w in words) < 2:
        words = _extend(words, text)  # "a framework that ..." says little: go on with what it does
    words = [w for w in words if w.lower() not in ADVERBS][:MAX_WORDS]
    while words and (words[-1].lower().strip(",.") in TRAILING_JUNK or words[-1].endswith(("(", "-"))):
        words.pop()
    phrase = " ".join(words).rstrip(",;:")
    if phrase.count("(") != phrase.count(")"):
        phrase = re.sub(r"\s*\([^)]*$", "", phrase)
    anaphora = ANAPHORA.search(phrase)
    if anaphora:
        topic = _topic(plain)
        phrase = phrase[: anaphora.start()] + (f" of {topic}" if topic else "")
    return title_case(phrase) if phrase else None


def _informative(phrase: str) -> bool:
    return sum(w.lower() not in VAGUE | SMALL for w in phrase.split()) >= 2


def _head(text: str) -> str:
    """Up to the first clause end; a comma between adjectives (`a multi agent, multimodal ...`) is not one."""
    for match in CLAUSE_END.finditer(text):
        before = text[: match.start()]
        if (
            match.group().startswith(",")
            and len(before.split()) <= 3
            and not GENERIC & set(before.lower().split())
        ):
            continue
        return before
    return text


def _extend(words: list[str], text: str) -> list[str]:
    rest = text.split()[len(words) :]
    out = list(words)
    for word in rest:
        bare = word.lower().rstrip(",;:.")
        if bare in ADVERBS:
            continue
        if bare in HARD_STOPS or (bare in SOFT_STOPS and len(out) >= max(4, len(words) + 2)):
            break
        out.append(word.rstrip(",;:."))
        if word[-1:] in ",;:." and not re.search(r"\d[,.]$", word[-2:]):
            break
    return out


def _subject(sentence: str) -> str | None:
    """The opening sentence's subject, when no contribution clause says more."""
    sentence = re.sub(
        r"^(?:(?:with|in|despite|although|while|as|given|over|since)\b[^,]{0,80}|\w+ly),\s*",
        "",
        sentence,
        flags=re.IGNORECASE,
    )
    end = SUBJECT_END.search(sentence)
    words = (sentence[: end.start()] if end else _head(sentence)).split()[:MAX_WORDS]
    while words and words[-1].lower().strip(",.") in TRAILING_JUNK:
        words.pop()
    return title_case(" ".join(words).rstrip(",;:")) if words else None


def _topic(plain: str) -> str | None:
    """What the abstract is about: the first spelled-out acronym, e.g. `Large Language Models (LLMs)`."""
    match = re.search(r"((?:[A-Z][\w\-]*\s+){1,5})\(([A-Z][\w\-]*)\)((?:\s+in\s+\w+)?)", plain)
    if not match:
        return None
    return title_case((match.group(1).strip() + match.group(3)).strip())


def title_case(text: str) -> str:
    words = text.split()
    out = []
    for index, word in enumerate(words):
        out.append(word if index and word.lower() in SMALL else _capitalise(word))
    return " ".join(out)


def _capitalise(word: str) -> str:
    """Upper-case each part's first letter; leave words that already mix cases (MedSAM, mRNA) alone."""
    if any(c.isupper() for c in word[1:]) or (not word[:1].isalpha() and word[:1] not in "(\"'"):
        return word
    if not word[:1].isalpha():
        return word[:1] + _capitalise(word[1:])
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))
