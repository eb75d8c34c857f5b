"""Raw listings: what every listing reader gives (entries, as one listing shows each paper), and
the cleaning of an entry's abstract (LaTeX damage, links, Markdown).

The readers, one module per format, are in sitegen/readers. No I/O here.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from sitegen.abstracts import math_spans
from sitegen.errors import Problem
from sitegen.model import Link

ABSTRACT_START = re.compile(r"^\s*abstract\s*[:.]\s*", re.IGNORECASE)
SENTENCE_END = re.compile(r"""[.!?…]["')\]”’]*$""")


@dataclass(frozen=True)
class MonthDay:
    """A date as a listing shows it: a month and day, and the year unless the listing left it
    out; or, from a bibliography, a year alone or a year and month (no day)."""

    month: int | None
    day: int | None
    year: int | None = None  # None when the listing left it out


@dataclass(frozen=True)
class RawEntry:
    """One paper as one listing shows it, before merging. Abstract dumps and daily-papers pages
    fill the first fields; bibliographies (BibTeX, RIS, CSL-JSON) the record's fields too."""

    source: str  # the listing's file name
    line: int  # where the entry starts, for messages
    title: str | None
    abstract: str  # as in the listing, LaTeX and all
    date: MonthDay | None = None
    authors_count: int | None = None
    organization: str | None = None
    upvotes: int | None = None
    authors: tuple[str, ...] = ()  # names as written
    venue: str | None = None
    type: str | None = None  # one of model.PAPER_TYPES
    doi: str | None = None
    arxiv: str | None = None  # without version
    url: str | None = None
    pdf: str | None = None
    links: tuple[Link, ...] = ()  # code, project... given as fields of the record
    extra: tuple[tuple[str, str], ...] = ()  # the record's fields sitegen has no place for
    key: str = ""  # the record's own citation key or id, for messages
    volume: str | None = None  # the record's bibliographic details (model.Paper says what each is)
    issue: str | None = None
    pages: str | None = None
    publisher: str | None = None
    editors: tuple[str, ...] = ()  # names as written

    @property
    def is_record(self) -> bool:
        """A bibliographic record: its title is the paper's, and its fields say what it is."""
        return bool(self.key)


@dataclass(frozen=True)
class Listing:
    """What a reader made of one listing file: its papers' raw entries and warnings."""

    source: str
    kind: str  # "abstract dump" or "daily papers"
    entries: tuple[RawEntry, ...]
    listing_date: MonthDay | None = None  # the page's own date (daily papers)
    warnings: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Line:
    """A line of a listing (or a hard-wrapped paragraph joined), with its number."""

    number: int
    text: str
    lines: int = 1  # how many file lines it joins (a hard-wrapped paragraph)


def numbered_lines(text: str) -> list[Line]:
    """The text's lines, stripped, numbered from 1, HTML's character references read (a page
    saved or copied from its source: `Q&amp;A` is Q&A, as the page showed it)."""
    if "&" in text:
        text = CHARACTER_REFERENCE.sub(lambda found: html.unescape(found.group()), text)
    return [Line(number, raw.strip()) for number, raw in enumerate(text.splitlines(), 1)]


CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def join_paragraphs(paragraphs: list[list[str]]) -> str:
    return "\n\n".join(" ".join(p) for p in paragraphs if p).strip()


def is_cut_off(abstract: str) -> bool:
    """A last abstract that stops without ending its sentence (or a URL) was cut off by the save."""
    text = abstract.rstrip().rstrip("{}").rstrip()  # `blue{URL}.}`: LaTeX braces after the end
    if not text:
        return True
    return not (SENTENCE_END.search(text) or ENDS_WITH_ADDRESS.search(text))


# An address ends a text as a full stop does: `https://...`, or a bare `github.com/owner/repo`.
ENDS_WITH_ADDRESS = re.compile(r"(?:https?://\S+|\b(?:[a-z0-9-]+\.)+[a-z]{2,}/\S*)$", re.IGNORECASE)


def cut_off_warning(entry: RawEntry, shown: str) -> Problem:
    name = f'"{entry.title}"' if entry.title else f'"{entry.abstract[:60]}..."'
    return Problem(
        f"the last entry {name} stops mid-abstract; it was not imported",
        shown,
        entry.line,
        hint="save the complete page and import it again",
    )


# -- abstract text: LaTeX damage, links, Markdown ---------------------------------------------

URL = re.compile(r"(?:https?://|www\.)[^\s{}<>\"\\]+", re.IGNORECASE)
TRAILING = ".,;:!?'\"”’*"
ACCENTS = {"'": "\u0301", "`": "\u0300", '"': "\u0308", "^": "\u0302", "~": "\u0303", "c": "\u0327"}
SUPERSCRIPTS = str.maketrans("0123456789+-n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ⁿ")
SUBSCRIPTS = str.maketrans("0123456789+-", "₀₁₂₃₄₅₆₇₈₉₊₋")
LABEL_WORDS = {"here", "link", "this", "url", "website", "github", "project page", "code"}


@dataclass(frozen=True)
class Abstract:
    """An imported abstract, cleaned: as text, as Markdown, and the links found in it."""

    plain: str  # readable text, URLs in full: for titles, matching and search
    markdown: str  # the page body: text escaped, URLs as links
    links: tuple[Link, ...]


def clean_abstract(raw: str, *, latex_groups: bool = True) -> Abstract:
    """Repair unambiguous extraction damage and turn URLs into links; never reword. TeX math is
    kept as written (where abstracts.math_spans finds it): only the text around it is cleaned and
    escaped, so that the page shows `$\\mathcal{L}_{seg}$` as written, not its braces dropped and
    its backslashes doubled. `latex_groups`: the braces left in the text are LaTeX's (a listing's
    prose, TeX as arXiv gives it), dropped; else the text's own ("the set {1, 2}": a record's
    abstract, RIS or CSL-JSON text, or BibTeX's already read as LaTeX), kept."""
    paragraphs = [p for p in (part.strip() for part in raw.split("\n\n")) if p]
    plain_parts, markdown_parts, links = [], [], []
    for paragraph in paragraphs:
        text, maths = _math_set_aside(script_math(paragraph))
        pieces = _pieces(text, latex_groups)
        plain_parts.append(
            _math_put_back("".join(text if url is None else url for text, url in pieces), maths)
        )
        markdown_parts.append(_math_put_back(_markdown(pieces), maths, markdown=True))
        links += [
            Link(url, classify_url(url, _before(pieces, i)), _math_put_back(_label(text), maths))
            for i, (text, url) in enumerate(pieces)
            if url
        ]
    unique = {link.url: link for link in reversed(links)}
    ordered = tuple(dict.fromkeys(link.url for link in links))
    return Abstract(
        "\n\n".join(plain_parts), "\n\n".join(markdown_parts), tuple(unique[url] for url in ordered)
    )


# Stands for the math span of its number while the text around it is cleaned: a separator (white
# space to the URL pattern, so an address before it ends there), then a private-use character that
# no cleaning or escaping changes.
MATH_MARK = "\x1f{}\x1f"
# Math whose end a snippet cut off: a `$` (or `\(`) before TeX, and no end after it. It is no math
# (nothing closes it) but is kept as written too, escaped as text: cleaned as prose (its braces
# dropped), the snippet would not read as the full abstract does, nor be known as its opening.
CUT_MATH = re.compile(r"(?<!\\)(?:\$(?=[\\A-Za-z{])[^$]*|\\\((?![\s\S]*\\\))[\s\S]*)\Z")


@dataclass(frozen=True)
class _Kept:
    """A stretch of an abstract kept as written: math, or math cut off (shown as text)."""

    text: str
    math: bool


def _mark(number: int) -> str:
    return MATH_MARK.format(chr(0xE000 + number))


def _math_set_aside(text: str) -> tuple[str, list[_Kept]]:
    text = text.replace("\x1f", " ")  # a control character: only the marks hold it
    kept: list[_Kept] = []
    out, position = [], 0
    for start, end in math_spans(text):
        out += [text[position:start], _mark(len(kept))]
        kept.append(_Kept(text[start:end], math=True))
        position = end
    rest = text[position:]
    cut = CUT_MATH.search(rest)
    if cut:
        rest = rest[: cut.start()] + _mark(len(kept))
        kept.append(_Kept(cut.group(), math=False))
    return "".join(out) + rest, kept


def _math_put_back(text: str, kept: list[_Kept], markdown: bool = False) -> str:
    for number, stretch in enumerate(kept):
        shown = escape_markdown(stretch.text, False) if markdown and not stretch.math else stretch.text
        text = text.replace(_mark(number), shown)
    return text


def _label(text: str) -> str:
    return "" if text.lower() in LABEL_WORDS or URL.fullmatch(text) else text


def _before(pieces: list[tuple[str, str | None]], index: int) -> str:
    previous = pieces[index - 1] if index else ("", None)
    return previous[0] if previous[1] is None else ""


def _pieces(text: str, latex_groups: bool = True) -> list[tuple[str, str | None]]:
    """Split text into (text, None) runs and (label, url) links, LaTeX link macros resolved."""
    pieces: list[tuple[str, str | None]] = []
    position = 0
    for match in URL.finditer(text):
        if match.start() < position:
            continue  # inside a `{URL}` label already consumed
        before = text[position : match.start()]
        url, label, end = _resolve_url(text, match, latex_groups)
        before = re.sub(r"(?:\\(?:href|url)|\\?(?:textcolor\{\w+\}|color\{\w+\})|\b[a-z]+)\{$", "", before)
        pieces.append((fix_latex(before, latex_groups), None))
        pieces.append((label or url, url))
        position = end
    pieces.append((fix_latex(text[position:], latex_groups), None))
    return [(t, u) for t, u in pieces if t or u]


def _resolve_url(text: str, match: re.Match[str], latex_groups: bool = True) -> tuple[str, str, int]:
    """The URL without trailing punctuation, its label from `{label}` if given, and where it ends."""
    url = match.group()
    while url and (url[-1] in TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    end = match.start() + len(url)
    label = ""
    braced = re.match(r"\}?\{([^{}]*)\}", text[match.end() :]) if len(url) == len(match.group()) else None
    if braced:  # `\href{URL}{label}` or the `URL{label}` left when `\href` was lost
        label = braced.group(1).strip()
        label = "" if URL.fullmatch(label) else fix_latex(label, latex_groups)
        end = match.end() + braced.end()
    elif text[end : end + 1] == "}" and re.search(r"[A-Za-z]\{$", text[: match.start()]):
        end += 1  # the closing brace of `blue{URL}` / `\url{URL}`
    if url.lower().startswith("www."):
        url = "https://" + url
    return url, label, end


def script_math(text: str) -> str:
    """Math that is only a superscript or subscript number, as text: `10$^{-3}$` is 10⁻³."""
    text = re.sub(r"\$\^\{?([0-9+\-n]+)\}?\$", lambda m: m.group(1).translate(SUPERSCRIPTS), text)
    return re.sub(r"\$_\{?([0-9+\-]+)\}?\$", lambda m: m.group(1).translate(SUBSCRIPTS), text)


FONT_COMMAND = r"\\?(?:textbf|textit|emph|texttt|textsc|underline|mathrm|mathbf)"
FONT_SWITCH = r"\{\\(?:bf|it|em|sc|tt|rm)\s+"


def fix_latex(text: str, latex_groups: bool = True) -> str:
    """LaTeX left in a listing's prose as text (after `script_math`, and with maths set aside);
    its remaining braces dropped as LaTeX's groups unless not `latex_groups` (a record's text,
    whose braces are its own: then only a font command's group goes, with the command)."""
    text = re.sub(r"``(.*?)(?:''|\")", r'"\1"', text)
    text = re.sub(r"\\([%&_#$])", r"\1", text)
    text = re.sub(r"\\([`'\"^~])\{?([A-Za-z])\}?", lambda m: m.group(2) + ACCENTS[m.group(1)], text)
    text = re.sub(r"\\c\{([A-Za-z])\}", lambda m: m.group(1) + ACCENTS["c"], text)
    text = re.sub(FONT_COMMAND + r"\{([^{}]*)\}", r"\1", text)  # `\emph{novel}`: the word
    text = re.sub(FONT_SWITCH + r"([^{}]*)\}", r"\1", text)  # `{\bf novel}`
    text = re.sub(r"(?<=\w)~(?=\w)", " ", text)
    if latex_groups:  # a command's group holding another: its braces go with the rest
        text = re.sub(FONT_SWITCH, "{", re.sub(FONT_COMMAND + r"\{", "{", text))
        text = re.sub(r"[{}]", "", text)  # what is left are LaTeX groups and stray braces
    return unicodedata.normalize("NFC", text)


MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<$]|~(?=~))")  # `$`: where no math is, none may start


def escape_markdown(text: str, at_line_start: bool) -> str:
    text = MARKDOWN_SPECIAL.sub(r"\\\1", text)
    text = re.sub(r"&(?=#?\w+;)", r"\\&", text)
    if at_line_start:
        text = re.sub(r"^(\s*)([#>+=-]|\d+[.)])", lambda m: m.group(1) + _escape_marker(m.group(2)), text)
    return text


def _escape_marker(marker: str) -> str:
    return marker[:-1] + "\\" + marker[-1]


def _markdown(pieces: list[tuple[str, str | None]]) -> str:
    out = []
    for index, (text, url) in enumerate(pieces):
        if url is None:
            out.append(escape_markdown(text, at_line_start=index == 0))
        elif text == url:
            out.append(f"<{url}>")
        else:
            target = url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
            out.append(f"[{escape_markdown(text, False)}]({target})")
    return "".join(out)


CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org")
DATA_HINTS = (
    "/datasets/",
    "/dataset/",
    "zenodo.org",
    "figshare.com",
    "physionet.org",
    "kaggle.com/datasets",
    "dataverse",
)
PAPER_HOSTS = ("arxiv.org", "doi.org", "openreview.net", "aclanthology.org", "pubmed.ncbi.nlm.nih.gov")


def classify_url(url: str, context: str = "") -> str:
    """code / project / data / model / paper / other, from the address and the words before it."""
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    lowered = url.lower()
    if host in CODE_HOSTS:
        return "code" if len(segments) >= 2 else "project"
    if host == "huggingface.co":
        if segments[:1] == ["datasets"]:
            return "data"
        if segments[:1] == ["spaces"]:
            return "project"
        if segments[:1] == ["papers"]:
            return "paper"
        return "model" if len(segments) >= 2 else "other"
    if any(hint in lowered for hint in DATA_HINTS):
        return "data"
    if host in PAPER_HOSTS:
        return "paper"
    if "/models/" in lowered or "/model/" in lowered:
        return "model"
    if host.endswith(".github.io") or host.endswith(".gitlab.io"):
        return "project"
    if re.search(r"project (page|website)|homepage|web ?site|web interface", context[-80:], re.IGNORECASE):
        return "project"
    return "other"


def is_snippet(abstract: str) -> bool:
    """A ~300-character teaser that stops mid-sentence, as daily-papers pages show some abstracts."""
    return is_cut_off(abstract)
