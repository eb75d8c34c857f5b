"""Titles for abstracts that came without one (abstract dumps).

A useful derived title is the short name the paper introduces plus what it is
("EndoGen: Conditional Endoscopic Video Generation Framework"); with no name, the paper's main
contribution clause ("Systematic Review of ..."), title-cased and cut at a phrase boundary.
Never the first N characters. The page marks these titles for an editor to confirm.
"""

from __future__ import annotations

import re

VERBS = (
    r"propose|present|introduce|develop|build|construct|design|curate|release|provide|describe|"
    r"report|create|offer|establish|conduct|perform|investigate|explore|examine|evaluate|"
    r"benchmark|study|analy[sz]e|review|survey|systematically review"
)
SUBJECT = r"(?:we|this (?:paper|work|study|article|review|survey|report)|our (?:paper|work|study)|here we)"
CONTRIBUTION = re.compile(
    rf"\b{SUBJECT}\s+(?:(?:also|first|further|then|hereby|here|now|therefore|thus|additionally)\s+)?"
    rf"(?:{VERBS})(?:e?s|e?d)?\b[,:]?\s*",
    re.IGNORECASE,
)
NAME = r"[A-Za-z0-9][\w\-.+²³¹⁰⁴-⁹]*[\w²³¹⁰⁴-⁹+]"
NAMING = re.compile(rf"\b(?:namely|called|named|termed|dubbed|coined|entitled)\s+(?:as\s+)?(?P<name>{NAME})")
ARTICLE = re.compile(r"^(?:the|a|an|our|two|three|several)\s+", re.IGNORECASE)
HYPE = re.compile(
    r"^(?:(?:first|novel|new|simple|effective|innovative|unique|powerful|very|yet|efficient|"
    r"first-of-its-kind|pioneering|so-called),?\s+)+",
    re.IGNORECASE,
)
# Where a descriptive phrase ends: a relative clause, a participle, a purpose clause.
CLAUSE_END = re.compile(
    r",(?!\d)|;|:|\.(?:\s|$)|\s(?:that|which|who|whose|where|while|whereas|as well as|using|via|by|to|"
    r"consisting|comprising|containing|featuring|leveraging|designed|built|based|aimed|aiming|"
    r"enabling|allowing|including|trained|specifically|integrating|combining|combined|employing|"
    r"capable|tailored|across|on|in order|through|and (?:then|also)|with (?:only|just))\b"
)
GENERIC = {
    "framework",
    "method",
    "approach",
    "model",
    "system",
    "benchmark",
    "dataset",
    "architecture",
    "pipeline",
    "tool",
    "toolkit",
    "platform",
    "technique",
    "strategy",
    "network",
    "module",
    "agent",
    "solution",
    "paradigm",
    "study",
    "analysis",
    "mechanism",
}
SMALL = {
    "a",
    "an",
    "the",
    "and",
    "or",
    "of",
    "for",
    "to",
    "in",
    "on",
    "with",
    "via",
    "by",
    "from",
    "at",
    "as",
    "vs",
    "nor",
    "but",
    "into",
    "across",
    "over",
}
DANGLING = SMALL | {"this", "these", "its", "their", "our", "such", "both", "each", "specifically"}
# "a review of this emerging field": the field is named elsewhere in the abstract
ANAPHORA = re.compile(
    r"\s+(?:of|on|in|for)\s+(?:this|these|such|the)\s+(?:emerging\s+|growing\s+|rapidly\s+\w+\s+)?"
    r"(?:field|area|domain|topic|problem|task|direction|methods?|models?|approach(?:es)?)\b.*$",
    re.IGNORECASE,
)
MAX_WORDS = 12
ADVERBS = {"specifically", "particularly", "explicitly", "carefully", "newly"}
HARD_STOPS = {"using", "via", "by", "through", "across", "over", "among", "within", "while", "whereas"}
SOFT_STOPS = {
    "as",
    "for",
    "to",
    "with",
    "in",
    "on",
    "from",
    "specifically",
    "including",
    "which",
    "designed",
    "that",
}


def derive_title(plain: str) -> str:
    sentences = _sentences(plain)
    contributions = [s[m.end() :] for s in sentences for m in [CONTRIBUTION.search(s)] if m]
    for clause in contributions:
        named = _named(clause)
        if named:
            return named
    for sentence in sentences:
        match = NAMING.search(sentence)
        if match and _is_name(match.group("name")):
            return _named(sentence[match.start() :]) or match.group("name")
    for clause in contributions:
        described = _describe(clause, plain)
        if described:
            return described
    return _describe(sentences[0] if sentences else plain, plain) or "Untitled Abstract"


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


def _named(clause: str) -> str | None:
    """`NAME (Expansion), a/an ...`, `a ... called NAME`, `Expansion (NAME)`, `a new X, NAME, ...`."""
    clause = clause.strip()
    patterns = (
        rf"^(?:the\s+)?(?P<name>{NAME})\s*(?:\((?P<expansion>[^()]{{3,120}})\))?\s*(?:,|:|—|\s-\s)\s*(?P<rest>.*)",
        rf"^(?P<rest>[^,]*?)\s*,?\s*(?:namely|called|named|termed|dubbed|coined)\s+(?:as\s+)?"
        rf"(?P<expansion>(?:[A-Z][\w\-]*\s+){{0,7}}?)\(?(?P<name>{NAME})\)?(?:\W|$)",
        rf"^(?P<rest>(?:(?:a|an|the)\s+)?(?:[\w\-]+\s+){{0,4}}?)(?P<expansion>(?:[A-Z][\w\-]*\s+){{1,8}})"
        rf"\((?P<name>{NAME})\)",
        rf"^(?P<rest>(?:(?:a|an|the)\s+)?[\w\-]+(?:\s+[\w\-]+){{0,5}}),\s+(?P<name>{NAME}),",
        rf"^(?P<name>{NAME})\s+(?:\((?P<expansion>[^()]{{3,120}})\)\s*)?(?:as|is|that|which)\b(?P<rest>.*)",
    )
    for pattern in patterns:
        match = re.match(pattern, clause)
        if match and _is_name(match.group("name")):
            return _with_descriptor(
                match.group("name"), match.groupdict().get("expansion"), match.group("rest")
            )
    return None


def _with_descriptor(name: str, expansion: str | None, rest: str | None) -> str:
    expansion = (expansion or "").strip()
    expansion_words = expansion.split()
    if len(expansion_words) >= 3 and _is_expansion(expansion, name):
        return f"{name}: {title_case(expansion)}"
    descriptor = _phrase(rest or "")
    if descriptor:
        return f"{name}: {descriptor}"
    return f"{name}: {title_case(expansion)}" if expansion else name


def _is_expansion(expansion: str, name: str) -> bool:
    """`X-ray Gaussian Reconstruction Model` spells out X-GRM; a parenthetical remark does not."""
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z][\w]*", expansion)).lower()
    capitals = re.sub(r"[^A-Za-z]", "", name)
    return sum(c.lower() in initials for c in capitals) >= min(2, len(capitals)) and not re.search(
        r"\d+\s*(?:%|k\b|m\b)", expansion
    )


def _phrase(text: str) -> str | None:
    """The noun phrase a clause opens with, cut where a relative clause or participle starts."""
    text = HYPE.sub("", ARTICLE.sub("", ARTICLE.sub("", text.strip())))
    words = _head(text).split()
    if words and len(words) <= 4 and words[-1].lower() in GENERIC:
        # "a framework that ..." says little: go on with what it does
        words = _extend(words, text)
    words = [w for w in words[:MAX_WORDS] if w.lower() not in ADVERBS]
    while words and (words[-1].lower().strip(",") in DANGLING or words[-1].endswith(("(", "-"))):
        words.pop()
    phrase = " ".join(words).rstrip(",;:")
    if phrase.count("(") != phrase.count(")"):
        phrase = re.sub(r"\s*\([^)]*$", "", phrase)
    return title_case(phrase) if phrase else None


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


def _describe(clause: str, plain: str) -> str | None:
    """A title from a contribution clause without a coined name."""
    phrase = _phrase(clause)
    if not phrase:
        return None
    anaphora = ANAPHORA.search(phrase)
    if anaphora:
        topic = _topic(plain)
        phrase = phrase[: anaphora.start()] + (f" of {topic}" if topic else "")
    return phrase


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
    return (
        "-".join(part[:1].upper() + part[1:] if part else part for part in word.split("-"))
        if word[:1].isalpha()
        else word[:1] + _capitalise(word[1:])
    )
