"""What the bibliography readers (BibTeX, RIS, CSL-JSON) share: identifiers found wherever a
record puts them, dates of every precision, kinds of publication, and the one way a record
becomes a RawEntry. Not a reader itself. No I/O.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from sitegen import schema
from sitegen.errors import Problem, SitegenError
from sitegen.listings import SUBSCRIPTS, SUPERSCRIPTS, Listing, MonthDay, RawEntry
from sitegen.model import Link, is_preprint_venue, page_span

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january", "janvier", "januar"),
            ("feb", "february", "février", "februar"),
            ("mar", "march", "mars", "märz"),
            ("apr", "april", "avril"),
            ("may", "mai"),
            ("jun", "june", "juin", "juni"),
            ("jul", "july", "juillet", "juli"),
            ("aug", "august", "août"),
            ("sep", "sept", "september", "septembre"),
            ("oct", "october", "octobre", "oktober"),
            ("nov", "november", "novembre"),
            ("dec", "december", "décembre", "dezember"),
        ),
        1,
    )
    for name in names
}
ARXIV_ID = re.compile(
    r"(?:arxiv[:\s]*|arxiv\.org/(?:abs|pdf|html)/|10\.48550/arxiv\.|\babs/)?"
    r"\b(\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?\b",
    re.IGNORECASE,
)
ARXIV_MARKED = re.compile(r"arxiv|10\.48550/|\babs/\d", re.IGNORECASE)
DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def arxiv_id(text: str | None, marked: bool = True) -> str | None:
    """The arXiv id in `text` ("arXiv:2401.01234v2", an arxiv.org address, arXiv's DOI, DBLP's
    `abs/2401.01234`), without its version. With `marked`, only where the text says it is one."""
    if not text or (marked and not ARXIV_MARKED.search(text)):
        return None
    found = ARXIV_ID.search(text)
    return found.group(1) if found else None


def only_an_arxiv_id(text: str | None) -> bool:
    """Whether `text` says nothing but an arXiv id without a version ("arXiv:2401.01234",
    "2401.01234"): what the paper's `arxiv` field says, not worth keeping beside it. A note that
    names one among other words ("Accepted at MICCAI. arXiv:2401.01234v2") says more."""
    found = ARXIV_ID.fullmatch(text.strip()) if text else None
    return found is not None and not _versioned(found.group(0))


ARXIV_WORDS = re.compile(r"\b(?:arxiv|corr|preprints?|e-?prints?|org)\b", re.IGNORECASE)


def _only_an_arxiv_mention(venue: str) -> bool:
    """Whether a venue says no more than that the paper is on arXiv ("arXiv preprint
    arXiv:2401.01234", Google Scholar's; "CoRR abs/2401.01234", DBLP's; "arXiv e-prints"). One
    that says more ("ICLR 2021, arXiv:2401.01234v2", "arXiv: Computer Vision and Pattern
    Recognition") is kept under `extra` beside the venue "arXiv"."""
    rest = ARXIV_ID.sub(lambda found: found.group(0) if _versioned(found.group(0)) else " ", venue)
    return not re.sub(r"[\W_]", "", ARXIV_WORDS.sub(" ", rest))


def _versioned(arxiv_text: str) -> bool:
    return re.search(r"v\d+(?:\.pdf)?$", arxiv_text, re.IGNORECASE) is not None


def clean_doi(text: str | None) -> str | None:
    """A DOI without `https://doi.org/` or `doi:`; None when it is not one. arXiv's own DOIs
    (10.48550/arXiv.ID) are the arXiv id, not a publisher's DOI."""
    if not text:
        return None
    doi = DOI_PREFIX.sub("", text.strip()).rstrip(".")
    if not schema.DOI.match(doi) or doi.lower().startswith("10.48550/"):
        return None
    return doi


def web_address(text: str | None) -> str | None:
    text = (text or "").strip()
    return text if schema.WEB_ADDRESS.match(text) else None


def month_number(text: str | int | None) -> int | None:
    if isinstance(text, int):
        return text if 1 <= text <= 12 else None
    text = (text or "").strip().strip(".").lower()
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    return MONTHS.get(text)


YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
# What a reader makes of a date: the date (None: none could be read) and what of the date as
# written it could not keep ("" when nothing was dropped), for the warning `Record.take_date` gives.
DateRead = tuple[MonthDay | None, str]


def record_date(
    year: str | int | None, month: str | int | None = None, day: str | int | None = None
) -> MonthDay | None:
    """A date of the precision the record gives: a year, a month or a day; None when there is no
    year. Parts that make no date are dropped (`read_date` says which)."""
    return read_date(year, month, day)[0]


def read_date(
    year: str | int | None, month: str | int | None = None, day: str | int | None = None
) -> DateRead:
    """The date the parts make, as precise as they allow, and what was dropped: a month that is
    no month (`13`), a day that its month does not have (`2021-02-30`), a year that is no year."""
    year_text, month_text, day_text = (
        "" if part is None else str(part).strip() for part in (year, month, day)
    )
    found = YEAR.search(year_text)
    number = int(found.group(1)) if found else 0
    if not found or not 1 <= number <= 9999:
        return None, f"`{year_text}` is not a year" if year_text else ""
    date, dropped = _dated(number, month_text, day_text)
    # A range's end (`2021--2022`), a qualifier (`ca. 1998`), a month run in (`2020-05`): said.
    rest = " ".join(f"{year_text[: found.start()]} {year_text[found.end() :]}".split()).strip("{}()[] ")
    # Punctuation, and APA's letter telling apart two works of a year (`2019a`), say nothing.
    if rest not in ("", ".", ",", ";") and not re.fullmatch(r"[a-z]", rest):
        dropped = "; ".join(filter(None, (f"`{rest}` beside the year is not read", dropped)))
    return date, dropped


def _dated(number: int, month_text: str, day_text: str) -> DateRead:
    """The date of year `number` with the month and day written, as far as they can be read."""
    if not month_text:
        return MonthDay(None, None, number), f"day `{day_text}` comes without a month" if day_text else ""
    month = month_number(month_text)
    if month is None:
        return MonthDay(None, None, number), f"month `{month_text}` is not a month (1 to 12, or its name)"
    if not day_text:
        return MonthDay(month, None, number), ""
    if day_text.isascii() and day_text.isdigit() and int(day_text) >= 1:  # PaperDate reads day 0 as none
        try:
            schema.PaperDate(number, month, int(day_text))
            return MonthDay(month, int(day_text), number), ""
        except ValueError:
            pass
    return MonthDay(month, None, number), f"{number}-{month:02} has no day `{day_text}`"


def iso_date(text: str | None) -> MonthDay | None:
    """`2024`, `2024-05`, `2024-05-03` (biblatex's `date`, CSL's `raw`), or a date in free text."""
    return read_iso_date(text)[0]


ISO_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?!\d)")
ISO_TIME = re.compile(r"^T[\d:.]+(?:Z|[+-][\d:]+)?$")


def read_iso_date(text: str | None) -> DateRead:
    """`2024`, `2024-05`, `2024-05-03` (biblatex's `date`, CSL's `raw`, EDTF), with a time after
    it read as nothing lost; else a date in free text (`read_text_date`). What follows the date and
    is not a time (an EDTF range's end `/2025`, a qualifier `~`) is said as dropped."""
    text = (text or "").strip()
    found = ISO_DATE.match(text)
    if not found:
        return read_text_date(text)
    rest = text[found.end() :].strip()
    if found.group(2) is None and re.match(r"[^\W\d_]", rest):  # PubMed's `2020 Jan 15`: in words
        return read_text_date(text)
    date, dropped = read_date(*found.groups())
    if rest and not ISO_TIME.match(rest):
        dropped = "; ".join(filter(None, (dropped, f"`{rest}` after the date is not read")))
    return date, dropped


def read_text_date(text: str) -> DateRead:
    """A date written in words: `March 2020`, `15 March 2020`, `Mar. 15, 2020`, `2020`. A month
    named in the text is kept; words that are not a month (`Spring`) are said as dropped."""
    tokens = re.findall(r"[^\W\d_]+|\d+", text)
    years = [t for t in tokens if YEAR.fullmatch(t)]
    if not years:
        return None, f"`{text}` has no year" if text.strip() else ""
    months = [t for t in tokens if month_number(t) is not None and not t.isdigit()]
    days = [t for t in tokens if t.isdigit() and len(t) <= 2]
    month = months[0] if len(months) == 1 else None
    day = days[0] if month and len(days) == 1 else None
    date, dropped = read_date(years[0], month, day)
    unread = [t for t in tokens if t not in (years[0], month, day)]
    if unread:
        dropped = "; ".join(filter(None, (dropped, f"`{' '.join(unread)}` is not read")))
    return date, dropped


def shown_date(date: MonthDay | None) -> str:
    """A read date as the page will give it: `2020`, `2020-03`, `2020-03-05`; `no date`."""
    if date is None or date.year is None:
        return "no date"
    return "-".join([str(date.year)] + [f"{part:02}" for part in (date.month, date.day) if part])


def plain(text: str | None) -> str:
    """One line of text: white space (and control characters) collapsed, Unicode composed."""
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text or "")
    return unicodedata.normalize("NFC", " ".join(text.split()))


# The markup CSL-JSON's rich text (`<i>`, `<b>`, `<sub>`, `<sup>`, `<span class="nocase">`) and
# Crossref's JATS abstracts (`<jats:p>`, `<jats:title>`, `<jats:italic>`...) put in a title or an
# abstract. Only these names are tags: "p <0.05 and n> 3" is text.
INLINE_TAGS = (
    "i|b|em|strong|u|sc|span|a|italic|bold|underline|monospace|sc|named-content|inline-formula|sub|sup"
)
BLOCK_TAGS = "p|div|br|sec|title|list|list-item|abstract|trans-abstract|label|caption"
MARKUP = re.compile(rf"<(/?)(?:jats:|mml:)?({INLINE_TAGS}|{BLOCK_TAGS})\b(?:\s[^<>]*)?/?>", re.IGNORECASE)
SCRIPT = re.compile(r"<(?:jats:)?(sub|sup)\b[^<>]*>([^<>]*)</(?:jats:)?\1>", re.IGNORECASE)
HEADING = re.compile(r"<(?:jats:)?title\b[^<>]*>\s*abstract\s*</(?:jats:)?title>", re.IGNORECASE)
# A structured abstract's section heading before its paragraph: "Background: ..." as text writes it.
SECTION = re.compile(
    r"<(?:jats:)?title\b[^<>]*>([^<>]*?)[\s:.]*</(?:jats:)?title>\s*<(?:jats:)?p\b[^<>]*>", re.IGNORECASE
)


def markup_text(text: str) -> str:
    """Text with its HTML or JATS markup read: `H<sub>2</sub>O` is H₂O (or H2O where a character
    has no subscript), `<i>in vivo</i>` is "in vivo", each `<jats:p>` a paragraph, a leading
    "Abstract" heading dropped, and `&amp;` `&lt;` (markup's escapes) the characters. Text without
    markup is returned as it is: a bare `&` or `<` in plain text is the character already. A
    structured abstract's headings start their paragraphs ("Methods: ...")."""
    if not MARKUP.search(text):
        return text
    text = HEADING.sub("", text)
    text = SECTION.sub(lambda m: f"\n\n{m.group(1).strip()}: ", text)
    text = SCRIPT.sub(_script, text)
    block = re.compile(rf"^(?:jats:)?(?:{BLOCK_TAGS})$", re.IGNORECASE)
    text = MARKUP.sub(lambda m: "\n\n" if block.match(m.group(2)) else "", text)
    return html.unescape(text).strip()


def _script(match: re.Match[str]) -> str:
    table = SUBSCRIPTS if match.group(1).lower() == "sub" else SUPERSCRIPTS
    inner = match.group(2)
    shifted = inner.translate(table)
    return shifted if all(a != b for a, b in zip(inner, shifted, strict=True)) else inner


def listing(
    source: str,
    kind: str,
    records: list[Record],
    shown: str,
    problems: list[Problem],
    title_hint: str,
    warnings: tuple[Problem, ...] = (),
) -> Listing:
    """The records as a listing; a record without a title is an error naming its key and line, and
    any error means nothing is imported."""
    for record in records:
        if not plain(record.title):
            message = f"entry `{record.key}` has no title"
            problems.append(Problem(message, shown, record.line, hint=title_hint))
    if problems:
        problems.sort(key=lambda problem: problem.line or 0)
        raise SitegenError.many(problems, f"{shown}: {len(problems)} problem(s); nothing was imported")
    notes = (Problem(f"entry `{r.key}`: {note}", shown, r.line) for r in records for note in r.notes)
    return Listing(source, kind, tuple(record.entry() for record in records), None, (*warnings, *notes))


def page_range(pages: str | None, last: str | None = None) -> str | None:
    """Pages as the site writes them: a span "102–115" (from `102--115`, `102-115`, or a first
    page and `last`), else as given (an article number such as "e1234")."""
    first = plain(pages)
    end = plain(last)
    if first and end and end != first:
        return f"{first}\u2013{end}"
    if not first:
        return end or None
    start, stop = page_span(first)
    return f"{start}\u2013{stop}" if stop else first


@dataclass
class Record:
    """A record's fields as a reader finds them, before they are checked and become a RawEntry."""

    source: str
    line: int
    key: str
    title: str = ""
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    venue: str | None = None
    type: str | None = None
    date: MonthDay | None = None
    doi: str | None = None
    arxiv: str | None = None
    url: str | None = None
    pdf: str | None = None
    links: list[Link] = field(default_factory=list)
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None  # "102–115" (`page_range`)
    publisher: str | None = None
    editors: list[str] = field(default_factory=list)  # names as written, "Family, Given" or braced
    extra: dict[str, str] = field(default_factory=dict)  # fields sitegen has no place for
    notes: list[str] = field(default_factory=list)  # what was dropped reading it: warnings

    def take_date(self, written: str, read: DateRead) -> None:
        """Take a date read from `written`; when part of it was dropped, a note says what was kept."""
        self.date, dropped = read
        if dropped:
            kept = shown_date(self.date)
            self.notes.append(f"date `{' '.join(written.split())}`: {dropped}; kept {kept}"
                              if self.date else f"date `{' '.join(written.split())}`: {dropped}; "
                              "the paper is left undated (add `date:` to its page)")  # fmt: skip

    def keep(self, name: str, value: str | None) -> None:
        """Keep a field under `extra` (never drop what a record says): a second value kept under
        the same name (a RIS tag given twice) follows the first, after "; "."""
        value = plain(value)
        kept = self.extra.get(name)
        if not value:
            return
        if kept is None:
            self.extra[name] = value
        elif value not in kept.split("; "):
            self.extra[name] = f"{kept}; {value}"

    def entry(self) -> RawEntry:
        """The RawEntry; an arXiv record's venue says "arXiv", a preprint without a published
        venue is typed as one."""
        venue = plain(self.venue) or None
        arxiv = self.arxiv
        if venue and is_preprint_venue(venue):
            arxiv = arxiv or arxiv_id(venue)
            if re.search(r"arxiv|\bcorr\b", venue, re.IGNORECASE):
                if not _only_an_arxiv_mention(venue):
                    self.keep("venue", venue)  # "ICLR 2021, arXiv:...v2": more than the venue says
                venue = "arXiv"
        kind = self.type
        if (
            arxiv
            and not self.doi
            and (venue is None or is_preprint_venue(venue))
            and kind in (None, "article", "misc")
        ):
            kind = "preprint"
            venue = venue or "arXiv"
        url = web_address(self.url)
        if url and ((arxiv and arxiv_id(url) == arxiv) or (self.doi and clean_doi(url) == self.doi)):
            if arxiv and re.search(re.escape(arxiv) + r"v\d+", url):
                self.keep("url", url)  # a version of the preprint: more than the id says
            url = None  # the arXiv or DOI address again
        return RawEntry(
            self.source,
            self.line,
            plain(self.title),
            "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", self.abstract) if p.strip()),
            self.date,
            authors=tuple(name for name in (plain(n) for n in self.authors) if name),
            venue=venue,
            type=kind,
            doi=self.doi,
            arxiv=arxiv,
            url=url,
            pdf=web_address(self.pdf),
            links=tuple(self.links),
            extra=tuple(self.extra.items()),
            key=self.key,
            volume=plain(self.volume) or None,
            issue=plain(self.issue) or None,
            pages=page_range(self.pages),
            publisher=plain(self.publisher) or None,
            editors=tuple(name for name in (plain(n) for n in self.editors) if name),
        )
