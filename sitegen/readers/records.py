"""What the bibliography readers (BibTeX, RIS, CSL-JSON) share: identifiers found wherever a
record puts them, dates of every precision, kinds of publication, and the one way a record
becomes a RawEntry. Not a reader itself. No I/O.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from sitegen import schema
from sitegen.errors import Problem, SitegenError
from sitegen.listings import Listing, MonthDay, RawEntry
from sitegen.model import PREPRINT_VENUE, Link

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


def record_date(
    year: str | int | None, month: str | int | None = None, day: str | int | None = None
) -> MonthDay | None:
    """A date of the precision the record gives: a year, a month or a day; None when there is no
    year, or the parts make no date."""
    found = re.search(r"\b(\d{4})\b", str(year or ""))
    if not found:
        return None
    number = month_number(month)
    day_number = int(str(day).strip()) if number and str(day or "").strip().isdigit() else None
    try:
        schema.PaperDate(int(found.group(1)), number, day_number)
    except ValueError:
        return MonthDay(None, None, int(found.group(1)))
    return MonthDay(number, day_number, int(found.group(1)))


def iso_date(text: str | None) -> MonthDay | None:
    """`2024`, `2024-05`, `2024-05-03` (biblatex's `date`, CSL's `raw`), or a year in free text."""
    found = re.match(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text or "")
    if not found:
        return record_date(text)
    return record_date(*found.groups())


def is_preprint_venue(venue: str | None) -> bool:
    return bool(venue and PREPRINT_VENUE.search(venue))


def plain(text: str | None) -> str:
    """One line of text: white space (and control characters) collapsed, Unicode composed."""
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text or "")
    return unicodedata.normalize("NFC", " ".join(text.split()))


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
    return Listing(source, kind, tuple(record.entry() for record in records), None, warnings)


PAGE_SPAN = re.compile(r"^\s*([^\s\-\u2013\u2014]+)\s*(?:-+|\u2013|\u2014)\s*([^\s\-\u2013\u2014]+)\s*$")


def page_range(pages: str | None, last: str | None = None) -> str | None:
    """Pages as the site writes them: a span "102–115" (from `102--115`, `102-115`, or a first
    page and `last`), else as given (an article number such as "e1234")."""
    first = plain(pages)
    end = plain(last)
    if first and end and end != first:
        return f"{first}\u2013{end}"
    if not first:
        return end or None
    span = PAGE_SPAN.match(first)
    return f"{span.group(1)}\u2013{span.group(2)}" if span else first


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

    def keep(self, name: str, value: str | None) -> None:
        """Keep a field under `extra` (never drop what a record says)."""
        value = plain(value)
        if value and name not in self.extra:
            self.extra[name] = value

    def entry(self) -> RawEntry:
        """The RawEntry; an arXiv record's venue says "arXiv", a preprint without a published
        venue is typed as one."""
        venue = plain(self.venue) or None
        arxiv = self.arxiv
        if venue and is_preprint_venue(venue):
            arxiv = arxiv or arxiv_id(venue)
            venue = "arXiv" if re.search(r"arxiv|\bcorr\b", venue, re.IGNORECASE) else venue
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
