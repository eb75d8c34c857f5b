"""A faithful port of lunr.js 2.3.9's text pipeline: tokenizer, trimmer, stop-word filter, stemmer.

The browser stems every query word with lunr.js's own stemmer, so the index must hold exactly
the stems lunr.js would have produced: the PyPI `lunr` stemmer disagrees on words such as
"decay" or "days", and a query for them would then find nothing. Every regular expression
below is lunr.js's, with JavaScript's (ASCII-only, non-Unicode) meaning of `\\s` and `\\W`.
tests/test_search_pipeline.py checks the port against real lunr.js over the whole corpus.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# JavaScript's `\s`: WhiteSpace and LineTerminator code points (narrower than Python's `\s`).
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
SEPARATOR = re.compile(f"[{_JS_SPACE}\\-]+")  # lunr.tokenizer.separator = /[\s\-]+/
# JavaScript's `\W` without the `u` flag: anything but ASCII letters, digits and "_".
_LEADING_NON_WORD = re.compile(r"^[^A-Za-z0-9_]+")
_TRAILING_NON_WORD = re.compile(r"[^A-Za-z0-9_]+$")

STOP_WORDS = frozenset(  # lunr.stopWordFilter's list
    """a able about across after all almost also am among an and any are as at be because been but by
    can cannot could dear did do does either else ever every for from get got had has have he her hers
    him his how however i if in into is it its just least let like likely may me might most must my
    neither no nor not of off often on only or other our own rather said say says she should since so
    some than that the their them then there these they this tis to too twas us wants was we were what
    when where which while who whom why will with would yet you your""".split()  # noqa: SIM905
)


# Latin letters that Unicode does not decompose into a letter and marks, as a reader types them;
# and apostrophes, straight or curly (as phones and word processors write them), dropped: "O'Neil",
# "O’Neil" and "ONeil" are one word, "oneil" (lunr.js's tokenizer keeps an apostrophe inside a
# word, so "o'neil" and "oneil" were two words, neither finding the other).
LETTERS = {
    "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "ẞ": "SS", "đ": "d",
    "Đ": "D", "ł": "l", "Ł": "L", "ı": "i", "ħ": "h", "Ħ": "H", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D",
    "\u2019": "", "\u2018": "", "'": "",
}  # fmt: skip
_LETTERS = str.maketrans(LETTERS)


def fold(text: str) -> str:
    """The text as search reads it, before lunr.js's pipeline: accents and other marks dropped,
    ligatures, superscripts and full-width letters spelt plainly (Unicode's compatibility
    decomposition, NFKD), and `LETTERS` as above. "Muller" then finds Müller, "oneil" O'Neil, and
    "Öztürk" stays whole: lunr.js's trimmer strips any letter but A-Z from a word's ends ("ztürk").
    search-engine.js folds a query as this folds the papers (tests/test_search_fold.py)."""
    if text.isascii():
        return text.replace("'", "")
    decomposed = unicodedata.normalize("NFKD", text)
    marks = {ord(c): None for c in set(decomposed) if unicodedata.category(c)[0] == "M"}
    return decomposed.translate(marks).translate(_LETTERS)


# Python's str.split() splits on exactly JavaScript's whitespace, except for these.
_SPACE_DISAGREEMENTS = re.compile("[\x1c-\x1f\x85\ufeff]")


def tokenize(text: str) -> list[str]:
    """lunr.tokenizer: lowercase the whole string, split on whitespace and hyphens."""
    text = text.lower()
    if _SPACE_DISAGREEMENTS.search(text):
        return [token for token in SEPARATOR.split(text) if token]
    return text.replace("-", " ").split()  # the same tokens, several times faster


@lru_cache(maxsize=1 << 18)
def trim(token: str) -> str:
    """lunr.trimmer: strip non-word characters at both ends (may leave "")."""
    return _TRAILING_NON_WORD.sub("", _LEADING_NON_WORD.sub("", token))


@lru_cache(maxsize=1 << 18)
def index_term(token: str) -> str | None:
    """The term lunr.js's index pipeline (trimmer, stopWordFilter, stemmer) makes of a token.

    None means the stop-word filter dropped it. An empty string is kept, as lunr.js keeps it:
    it counts towards the field length that BM25 uses.
    """
    trimmed = trim(token)
    if trimmed in STOP_WORDS:
        return None
    return stem(trimmed)


def index_terms(text: str) -> list[str]:
    """Every term lunr.js would index for a field holding `text`, in order."""
    terms = (index_term(token) for token in tokenize(text))
    return [term for term in terms if term is not None]


# ---- lunr.stemmer: the Porter stemmer exactly as lunr.js 2.3.9 writes it ----

_STEP2 = {
    "ational": "ate", "tional": "tion", "enci": "ence", "anci": "ance", "izer": "ize", "bli": "ble",
    "alli": "al", "entli": "ent", "eli": "e", "ousli": "ous", "ization": "ize", "ation": "ate",
    "ator": "ate", "alism": "al", "iveness": "ive", "fulness": "ful", "ousness": "ous", "aliti": "al",
    "iviti": "ive", "biliti": "ble", "logi": "log",
}  # fmt: skip
_STEP3 = {"icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic", "ful": "", "ness": ""}

_c = "[^aeiou]"  # consonant
_v = "[aeiouy]"  # vowel
_C = _c + "[^aeiouy]*"  # consonant sequence
_V = _v + "[aeiou]*"  # vowel sequence
_MGR0 = re.compile("^(" + _C + ")?" + _V + _C)  # [C]VC... is m>0
_MEQ1 = re.compile("^(" + _C + ")?" + _V + _C + "(" + _V + ")?$")  # [C]VC[V] is m=1
_MGR1 = re.compile("^(" + _C + ")?" + _V + _C + _V + _C)  # [C]VCVC... is m>1
_S_V = re.compile("^(" + _C + ")?" + _v)  # vowel in stem

_1A = re.compile(r"^(.+?)(ss|i)es$")
_1A_2 = re.compile(r"^(.+?)([^s])s$")
_1B = re.compile(r"^(.+?)eed$")
_1B_2 = re.compile(r"^(.+?)(ed|ing)$")
_LAST_CHAR = re.compile(r".$")
_1B_AT_BL_IZ = re.compile(r"(at|bl|iz)$")
_1B_DOUBLE = re.compile(r"([^aeiouylsz])\1$")
_CVC = re.compile("^" + _C + _v + "[^aeiouwxy]$")
_1C = re.compile(r"^(.+?[^aeiou])y$")
_2 = re.compile("^(.+?)(" + "|".join(_STEP2) + ")$")
_3 = re.compile("^(.+?)(" + "|".join(_STEP3) + ")$")
_4 = re.compile(r"^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$")
_4_2 = re.compile(r"^(.+?)(s|t)(ion)$")
_5 = re.compile(r"^(.+?)e$")
_5_LL = re.compile(r"ll$")


@lru_cache(maxsize=1 << 18)
def stem(word: str) -> str:
    """lunr.js's porterStemmer, step for step (its regular expressions and their order)."""
    if len(word) < 3:
        return word
    starts_with_y = word[0] == "y"
    if starts_with_y:
        word = "Y" + word[1:]
    word = _step1(word)
    word = _step2_3(word)
    word = _step4(word)
    word = _step5(word)
    if starts_with_y:
        word = "y" + word[1:]
    return word


def _step1(w: str) -> str:
    if _1A.search(w):
        w = _1A.sub(r"\1\2", w, count=1)
    elif _1A_2.search(w):
        w = _1A_2.sub(r"\1\2", w, count=1)

    if match := _1B.search(w):
        if _MGR0.search(match.group(1)):
            w = _LAST_CHAR.sub("", w, count=1)
    elif match := _1B_2.search(w):
        stem_ = match.group(1)
        if _S_V.search(stem_):
            w = stem_
            if _1B_AT_BL_IZ.search(w):
                w += "e"
            elif _1B_DOUBLE.search(w):
                w = _LAST_CHAR.sub("", w, count=1)
            elif _CVC.search(w):
                w += "e"

    if match := _1C.search(w):
        w = match.group(1) + "i"
    return w


def _step2_3(w: str) -> str:
    for pattern, replacements in ((_2, _STEP2), (_3, _STEP3)):
        if (match := pattern.search(w)) and _MGR0.search(match.group(1)):
            w = match.group(1) + replacements[match.group(2)]
    return w


def _step4(w: str) -> str:
    if match := _4.search(w):
        if _MGR1.search(match.group(1)):
            w = match.group(1)
    elif match := _4_2.search(w):
        stem_ = match.group(1) + match.group(2)
        if _MGR1.search(stem_):
            w = stem_
    return w


def _step5(w: str) -> str:
    if match := _5.search(w):
        stem_ = match.group(1)
        if _MGR1.search(stem_) or (_MEQ1.search(stem_) and not _CVC.search(stem_)):
            w = stem_
    if _5_LL.search(w) and _MGR1.search(w):
        w = _LAST_CHAR.sub("", w, count=1)
    return w
