"""Raw listings: detect the format, split it into entries, and clean each abstract.

Two formats are read, told apart by their shape (never by asking the user):
- abstract dumps: `Abstract:...` paragraphs, no titles, sometimes blank lines between;
- daily-papers pages: a page header, then per paper a title line, an abstract (full, or a
  snippet cut mid-word) and an optional meta block (`  • 20 authors` or an organisation line,
  `·`, a date such as `Nov 8, 2024` or `Mar 24`, optionally an upvote count).

No I/O here: the importer reads the bytes and hands over text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from sitegen.errors import Problem, SitegenError
from sitegen.model import Link

MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_MONTH = r"(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
DATE_LINE = re.compile(rf"^{_MONTH}\s+(?P<day>\d{{1,2}})(?:,\s*(?P<year>\d{{4}}))?(?:\s+(?P<upvotes>\d+))?$")
AUTHORS_LINE = re.compile(r"^[•·*\-]?\s*(?P<count>\d+)\s+authors?$", re.IGNORECASE)
DOT_LINE = re.compile(r"^[·•]$")
ABSTRACT_START = re.compile(r"^\s*abstract\s*[:.]\s*", re.IGNORECASE)
HEADER_LINES = {
    "new",
    "get trending papers in your email inbox!",
    "subscribe",
    "daily papers",
    "byak and the research community",
}
ORGANIZATION_MAX = 100  # `nvidia NVIDIA`, `Fudan-University Fudan University`
TITLE_MAX = 300
WRAP_MIN, WRAP_MAX = (
    50,
    120,
)  # the widths hard-wrapped text comes in  # a daily-papers title is one short line; longer text is abstract
SENTENCE_END = re.compile(r"""[.!?…]["')\]”’]*$""")


@dataclass(frozen=True)
class MonthDay:
    month: int
    day: int
    year: int | None = None  # None when the listing left it out


@dataclass(frozen=True)
class RawEntry:
    """One paper as one listing shows it, before merging."""

    source: str  # the listing's file name
    line: int  # where the entry starts, for messages
    title: str | None
    abstract: str  # as in the listing, LaTeX and all
    date: MonthDay | None = None
    authors_count: int | None = None
    organization: str | None = None
    upvotes: int | None = None


@dataclass(frozen=True)
class Listing:
    source: str
    kind: str  # "abstract dump" or "daily papers"
    entries: tuple[RawEntry, ...]
    listing_date: MonthDay | None = None  # the page's own date (daily papers)
    warnings: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class _Line:
    number: int
    text: str
    lines: int = 1  # how many file lines it joins (a hard-wrapped paragraph)


def parse_listing(text: str, source: str, shown: str | None = None) -> Listing:
    """Split a listing into entries; raise a SitegenError naming the file if it is not one."""
    shown = shown or source
    lines = [_Line(i, raw.strip()) for i, raw in enumerate(text.splitlines(), 1)]
    filled = [line for line in lines if line.text]
    if not filled:
        raise SitegenError(
            "the file is empty",
            path=shown,
            hint="a listing holds `Abstract:` paragraphs or a saved daily-papers page",
        )
    if ABSTRACT_START.match(filled[0].text) or _looks_like_dump(filled):
        listing = _parse_dump(lines, source, shown)
    elif _looks_like_daily_papers(filled):
        listing = _parse_daily(filled, source, shown)
    else:
        raise SitegenError(
            "not a listing format sitegen knows",
            path=shown,
            line=filled[0].number,
            hint="expected `Abstract:` paragraphs, or a daily-papers page: title line, abstract, "
            "optional `• N authors` / `·` / date lines",
        )
    if not listing.entries:
        raise SitegenError(
            "no complete paper found in the listing",
            path=shown,
            line=filled[0].number,
            hint="each paper needs an abstract; check that the file was saved completely",
        )
    return listing


def _looks_like_dump(filled: list[_Line]) -> bool:
    """`Abstract:` paragraphs after a stray first line or two (a heading, a note)."""
    starts = sum(1 for line in filled if ABSTRACT_START.match(line.text))
    return starts > 0 and starts >= (len(filled) - 3) / 2 and not _has_daily_markers(filled)


def _has_daily_markers(filled: list[_Line]) -> bool:
    """The page header, or a meta block's `·` line."""
    return any(line.text.lower() in HEADER_LINES for line in filled[:12]) or any(
        DOT_LINE.match(line.text) for line in filled
    )


def _looks_like_daily_papers(filled: list[_Line]) -> bool:
    if _has_daily_markers(filled):
        return True
    texts = [line.text for line in filled]
    # Without header or meta blocks: short title lines alternating with long abstracts.
    body = texts[:20]
    pairs = list(zip(body[::2], body[1::2], strict=False))
    return bool(pairs) and all(
        len(t) <= TITLE_MAX < len(a) + TITLE_MAX // 2 and len(a) > len(t) for t, a in pairs
    )


# -- abstract dumps ---------------------------------------------------------------------------


def _parse_dump(lines: list[_Line], source: str, shown: str) -> Listing:
    entries: list[RawEntry] = []
    start: int | None = None
    paragraphs: list[list[str]] = []
    for line in lines:
        match = ABSTRACT_START.match(line.text)
        if match:
            if start is not None:
                entries.append(RawEntry(source, start, None, _join_paragraphs(paragraphs)))
            start, paragraphs = line.number, [[line.text[match.end() :]]]
        elif start is not None and line.text:
            if paragraphs[-1]:
                paragraphs[-1].append(line.text)
            else:
                paragraphs[-1] = [line.text]
        elif start is not None and paragraphs[-1]:
            paragraphs.append([])
    if start is not None:
        entries.append(RawEntry(source, start, None, _join_paragraphs(paragraphs)))
    entries = [entry for entry in entries if entry.abstract]
    warnings: list[Problem] = []
    stray = [line for line in lines if line.text and (not entries or line.number < entries[0].line)]
    if stray:
        warnings.append(
            Problem(f"{len(stray)} line(s) before the first `Abstract:` ignored", shown, stray[0].number)
        )
    if entries and _is_cut_off(entries[-1].abstract):
        last = entries.pop()
        warnings.append(_cut_off_warning(last, shown))
    return Listing(source, "abstract dump", tuple(entries), None, tuple(warnings))


def _join_paragraphs(paragraphs: list[list[str]]) -> str:
    return "\n\n".join(" ".join(p) for p in paragraphs if p).strip()


def _is_cut_off(abstract: str) -> bool:
    """A last abstract that stops without ending its sentence (or a URL) was cut off by the save."""
    text = abstract.rstrip().rstrip("{}").rstrip()  # `blue{URL}.}`: LaTeX braces after the end
    if not text:
        return True
    return not (SENTENCE_END.search(text) or re.search(r"https?://\S+$", text))


def _cut_off_warning(entry: RawEntry, shown: str) -> Problem:
    name = f'"{entry.title}"' if entry.title else f'"{entry.abstract[:60]}..."'
    return Problem(
        f"the last entry {name} stops mid-abstract; it was not imported",
        shown,
        entry.line,
        hint="save the complete page and import it again",
    )


# -- daily papers -----------------------------------------------------------------------------


def _parse_daily(filled: list[_Line], source: str, shown: str) -> Listing:
    listing_date, body = _strip_header(_unwrap(filled))
    entries: list[RawEntry] = []
    warnings: list[Problem] = []
    index = 0
    while index < len(body):
        title = body[index]
        if _is_meta(body, index):
            warnings.append(
                Problem(
                    f'"{title.text}": a meta line without a paper before it; ignored', shown, title.number
                )
            )
            index = _skip_meta(body, index)
            continue
        abstract_lines, index = _abstract_lines(body, index + 1)
        meta, index = _read_meta(body, index)
        entry = RawEntry(
            source,
            title.number,
            title.text,
            ABSTRACT_START.sub("", "\n\n".join(line.text for line in abstract_lines), count=1),
            meta.date,
            meta.authors_count,
            meta.organization,
            meta.upvotes,
        )
        is_last = index >= len(body)
        if not abstract_lines and not is_last:
            warnings.append(
                Problem(f'"{title.text}" has no abstract; it was not imported', shown, title.number)
            )
            continue
        if not abstract_lines or (is_last and not meta and _is_cut_off(entry.abstract)):
            warnings.append(_cut_off_warning(entry, shown))
            continue
        entries.append(entry)
    return Listing(source, "daily papers", tuple(entries), listing_date, tuple(warnings))


def _unwrap(filled: list[_Line]) -> list[_Line]:
    """Join a paragraph a text editor hard-wrapped (lines of similar width) back into one line."""
    out: list[_Line] = []
    for line in filled:
        previous = out[-1] if out else None
        if previous and line.number == previous.number + previous.lines and _wrapped(previous, line):
            out[-1] = _Line(previous.number, f"{previous.text} {line.text}", previous.lines + 1)
        else:
            out.append(line)
    return out


def _wrapped(previous: _Line, line: _Line) -> bool:
    width = len(previous.text) // previous.lines
    plain = not any(
        p.match(t) for t in (previous.text, line.text) for p in (AUTHORS_LINE, DOT_LINE, DATE_LINE)
    )
    return plain and WRAP_MIN <= width <= WRAP_MAX and len(line.text) <= WRAP_MAX


def _strip_header(filled: list[_Line]) -> tuple[MonthDay | None, list[_Line]]:
    """Drop the page header; return the listing's own date (e.g. `Apr 20`) if it shows one."""
    listing_date = None
    index = 0
    while index < len(filled):
        text = filled[index].text
        date = DATE_LINE.match(text)
        if text.lower() in HEADER_LINES:
            index += 1
        elif date and listing_date is None and not date.group("upvotes"):
            listing_date = _month_day(date)
            index += 1
        else:
            break
    return listing_date, filled[index:]


def _month_day(match: re.Match[str]) -> MonthDay:
    year = match.group("year")
    return MonthDay(
        MONTHS[match.group("month")[:3].lower()], int(match.group("day")), int(year) if year else None
    )


def _is_meta(body: list[_Line], index: int) -> bool:
    """A meta block starts here: an authors line, a `·`, or an organisation line before a `·`."""
    text = body[index].text
    if AUTHORS_LINE.match(text) or DOT_LINE.match(text):
        return True
    following = body[index + 1].text if index + 1 < len(body) else ""
    return len(text) <= ORGANIZATION_MAX and bool(DOT_LINE.match(following) or AUTHORS_LINE.match(following))


def _skip_meta(body: list[_Line], index: int) -> int:
    _, after = _read_meta(body, index)
    return after if after > index else index + 1


def _abstract_lines(body: list[_Line], index: int) -> tuple[list[_Line], int]:
    """The abstract: the next line, plus following long lines (extra paragraphs) before a title or meta."""
    lines: list[_Line] = []
    while index < len(body):
        text = body[index].text
        # right after the title, only an authors or `·` line is meta; a short line is an abstract
        if AUTHORS_LINE.match(text) or DOT_LINE.match(text) or (lines and _is_meta(body, index)):
            break
        if lines and len(text) <= TITLE_MAX:
            break
        lines.append(body[index])
        index += 1
    return lines, index


@dataclass
class _Meta:
    date: MonthDay | None = None
    authors_count: int | None = None
    organization: str | None = None
    upvotes: int | None = None

    def __bool__(self) -> bool:
        return any(value is not None for value in vars(self).values())


def _read_meta(body: list[_Line], index: int) -> tuple[_Meta, int]:
    meta = _Meta()
    if index >= len(body) or not _is_meta(body, index):
        return meta, index
    if not AUTHORS_LINE.match(body[index].text) and not DOT_LINE.match(body[index].text):
        meta.organization = _organization(body[index].text)
        index += 1
    authors = AUTHORS_LINE.match(body[index].text) if index < len(body) else None
    if authors:
        meta.authors_count = int(authors.group("count"))
        index += 1
    if index < len(body) and DOT_LINE.match(body[index].text):
        index += 1
        date = DATE_LINE.match(body[index].text) if index < len(body) else None
        if date:
            meta.date = _month_day(date)
            index += 1
            if date.group("upvotes"):
                meta.upvotes = int(date.group("upvotes"))
            elif index < len(body) and body[index].text.isdigit():
                meta.upvotes = int(body[index].text)  # the count on a line of its own
                index += 1
    return meta, index


def _organization(text: str) -> str:
    """`nvidia NVIDIA` or `Fudan-University Fudan University`: the page shows the handle, then the name."""
    words = text.split()
    for cut in range(1, len(words)):
        handle, name = " ".join(words[:cut]), " ".join(words[cut:])
        if _squash(handle) == _squash(name):
            return name
    return text


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


# -- abstract text: LaTeX damage, links, Markdown ---------------------------------------------

URL = re.compile(r"(?:https?://|www\.)[^\s{}<>\"\\]+", re.IGNORECASE)
TRAILING = ".,;:!?'\"”’*"
ACCENTS = {"'": "\u0301", "`": "\u0300", '"': "\u0308", "^": "\u0302", "~": "\u0303", "c": "\u0327"}
SUPERSCRIPTS = str.maketrans("0123456789+-n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ⁿ")
SUBSCRIPTS = str.maketrans("0123456789+-", "₀₁₂₃₄₅₆₇₈₉₊₋")
LABEL_WORDS = {"here", "link", "this", "url", "website", "github", "project page", "code"}


@dataclass(frozen=True)
class Abstract:
    plain: str  # readable text, URLs in full: for titles, matching and search
    markdown: str  # the page body: text escaped, URLs as links
    links: tuple[Link, ...]


def clean_abstract(raw: str) -> Abstract:
    """Repair unambiguous extraction damage and turn URLs into links; never reword."""
    paragraphs = [p for p in (part.strip() for part in raw.split("\n\n")) if p]
    plain_parts, markdown_parts, links = [], [], []
    for paragraph in paragraphs:
        pieces = _pieces(paragraph)
        plain_parts.append("".join(text if url is None else url for text, url in pieces))
        markdown_parts.append(_markdown(pieces))
        links += [
            Link(url, classify_url(url, _before(pieces, i)), _label(text))
            for i, (text, url) in enumerate(pieces)
            if url
        ]
    unique = {link.url: link for link in reversed(links)}
    ordered = tuple(dict.fromkeys(link.url for link in links))
    return Abstract(
        "\n\n".join(plain_parts), "\n\n".join(markdown_parts), tuple(unique[url] for url in ordered)
    )


def _label(text: str) -> str:
    return "" if text.lower() in LABEL_WORDS or URL.fullmatch(text) else text


def _before(pieces: list[tuple[str, str | None]], index: int) -> str:
    previous = pieces[index - 1] if index else ("", None)
    return previous[0] if previous[1] is None else ""


def _pieces(text: str) -> list[tuple[str, str | None]]:
    """Split text into (text, None) runs and (label, url) links, LaTeX link macros resolved."""
    pieces: list[tuple[str, str | None]] = []
    position = 0
    for match in URL.finditer(text):
        if match.start() < position:
            continue  # inside a `{URL}` label already consumed
        before = text[position : match.start()]
        url, label, end = _resolve_url(text, match)
        before = re.sub(r"(?:\\(?:href|url)|\\?(?:textcolor\{\w+\}|color\{\w+\})|\b[a-z]+)\{$", "", before)
        pieces.append((fix_latex(before), None))
        pieces.append((label or url, url))
        position = end
    pieces.append((fix_latex(text[position:]), None))
    return [(t, u) for t, u in pieces if t or u]


def _resolve_url(text: str, match: re.Match[str]) -> tuple[str, str, int]:
    """The URL without trailing punctuation, its label from `{label}` if given, and where it ends."""
    url = match.group()
    while url and (url[-1] in TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    end = match.start() + len(url)
    label = ""
    braced = re.match(r"\}?\{([^{}]*)\}", text[match.end() :]) if len(url) == len(match.group()) else None
    if braced:  # `\href{URL}{label}` or the `URL{label}` left when `\href` was lost
        label = braced.group(1).strip()
        label = "" if URL.fullmatch(label) else fix_latex(label)
        end = match.end() + braced.end()
    elif text[end : end + 1] == "}" and re.search(r"[A-Za-z]\{$", text[: match.start()]):
        end += 1  # the closing brace of `blue{URL}` / `\url{URL}`
    if url.lower().startswith("www."):
        url = "https://" + url
    return url, label, end


def fix_latex(text: str) -> str:
    text = re.sub(r"``(.*?)(?:''|\")", r'"\1"', text)
    text = re.sub(r"\$\^\{?([0-9+\-n]+)\}?\$", lambda m: m.group(1).translate(SUPERSCRIPTS), text)
    text = re.sub(r"\$_\{?([0-9+\-]+)\}?\$", lambda m: m.group(1).translate(SUBSCRIPTS), text)
    text = re.sub(r"\\([%&_#$])", r"\1", text)
    text = re.sub(r"\\([`'\"^~])\{?([A-Za-z])\}?", lambda m: m.group(2) + ACCENTS[m.group(1)], text)
    text = re.sub(r"\\c\{([A-Za-z])\}", lambda m: m.group(1) + ACCENTS["c"], text)
    text = re.sub(r"\\?(?:textbf|textit|emph|texttt|textsc|underline|mathrm|mathbf)\{", "{", text)
    text = re.sub(r"\{\\(?:bf|it|em|sc|tt|rm)\s+", "{", text)
    text = re.sub(r"(?<=\w)~(?=\w)", " ", text)
    text = re.sub(r"[{}]", "", text)  # what is left are LaTeX groups and stray braces
    return unicodedata.normalize("NFC", text)


MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<]|~(?=~))")


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
    return _is_cut_off(abstract)
