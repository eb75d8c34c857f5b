"""Daily-papers pages saved as text: a page header, then per paper a title line, an abstract
(full, or a snippet cut mid-word) and an optional meta block (`  • 20 authors` or an organisation
line, `·`, a date such as `Nov 8, 2024` or `Mar 24`, optionally an upvote count)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sitegen.errors import Problem
from sitegen.listings import (
    ABSTRACT_START,
    Line,
    Listing,
    MonthDay,
    RawEntry,
    cut_off_warning,
    is_cut_off,
    numbered_lines,
)

NAME = "daily papers"
EXTENSIONS = (".txt", ".md")

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
HEADER_LINES = {
    "new",
    "get trending papers in your email inbox!",
    "subscribe",
    "daily papers",
    "byak and the research community",
}
HEADER_KEYS = frozenset(re.sub(r"[^a-z0-9]", "", line) for line in HEADER_LINES)  # `by AK`, `byAK`
HEADER_WORDS = 12  # a leading block with fewer words than this and no meta lines is page header
ORGANIZATION_MAX = 100  # `nvidia NVIDIA`, `Fudan-University Fudan University`
TITLE_MAX = 300
WRAP_MIN, WRAP_MAX = (
    50,
    120,
)  # the widths hard-wrapped text comes in  # a daily-papers title is one short line; longer text is abstract


def sniff(text: str, name: str) -> bool:
    return looks_like_daily_papers([line for line in numbered_lines(text) if line.text])


def parse(text: str, source: str, shown: str) -> Listing:
    return _parse_daily([line for line in numbered_lines(text) if line.text], source, shown)


def has_daily_markers(filled: list[Line]) -> bool:
    """The page header, or a meta block's `·` line."""
    return any(_is_header(line.text) for line in filled[:12]) or any(
        DOT_LINE.match(line.text) for line in filled
    )


def looks_like_daily_papers(filled: list[Line]) -> bool:
    if has_daily_markers(filled):
        return True
    texts = [line.text for line in filled]
    # Without header or meta blocks: short title lines alternating with long abstracts.
    body = texts[:20]
    pairs = list(zip(body[::2], body[1::2], strict=False))
    return bool(pairs) and all(
        len(t) <= TITLE_MAX < len(a) + TITLE_MAX // 2 and len(a) > len(t) for t, a in pairs
    )


def _parse_daily(filled: list[Line], source: str, shown: str) -> Listing:
    listing_date, body = _strip_header(_unwrap(filled))
    entries: list[RawEntry] = []
    footed: list[bool] = []  # whether each entry has its meta lines
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
        if not abstract_lines and meta and _reads_as_sentence(title.text) and not is_cut_off(title.text):
            # An abstract with its meta block but no title line (lost when the page was copied):
            # an untitled entry, whose title the importer derives (and marks title_derived).
            entry = replace(entry, title=None, abstract=title.text)
            abstract_lines = [title]
        if not abstract_lines and not is_last:
            warnings.append(
                Problem(f'"{title.text}" has no abstract; it was not imported', shown, title.number)
            )
            continue
        if not abstract_lines or (is_last and not meta and is_cut_off(entry.abstract)):
            warnings.append(cut_off_warning(entry, shown))
            continue
        entries.append(entry)
        footed.append(bool(meta))
    leading = next((number for number, has_meta in enumerate(footed) if has_meta), 0)
    header = [entry for entry in entries[:leading] if len(re.findall(r"\w+", entry.abstract)) < HEADER_WORDS]
    for entry in header:  # text above the papers: a header the page has that sitegen does not know
        warnings.append(
            Problem(
                f'"{entry.title}" / "{entry.abstract}": no authors, date or upvotes lines follow it, '
                "unlike the papers after it, and it is too short for an abstract: taken for the page's "
                "header and skipped (if it is a paper, add its abstract)",
                shown,
                entry.line,
            )
        )
    entries = [entry for entry in entries if not any(entry is skipped for skipped in header)]
    return Listing(source, "daily papers", tuple(entries), listing_date, tuple(warnings))


def _unwrap(filled: list[Line]) -> list[Line]:
    """Join a paragraph a text editor hard-wrapped (lines of similar width) back into one line."""
    out: list[Line] = []
    for line in filled:
        previous = out[-1] if out else None
        if previous and line.number == previous.number + previous.lines and _wrapped(previous, line):
            out[-1] = Line(previous.number, f"{previous.text} {line.text}", previous.lines + 1)
        else:
            out.append(line)
    return out


def _wrapped(previous: Line, line: Line) -> bool:
    width = len(previous.text) // previous.lines
    plain = not any(
        p.match(t) for t in (previous.text, line.text) for p in (AUTHORS_LINE, DOT_LINE, DATE_LINE)
    )
    return plain and WRAP_MIN <= width <= WRAP_MAX and len(line.text) <= WRAP_MAX


def _strip_header(filled: list[Line]) -> tuple[MonthDay | None, list[Line]]:
    """Drop the page header; return the listing's own date (e.g. `Apr 20`) if it shows one."""
    listing_date = None
    index = 0
    while index < len(filled):
        text = filled[index].text
        date = DATE_LINE.match(text)
        if _is_header(text):
            index += 1
        elif date and listing_date is None and not date.group("upvotes"):
            listing_date = _month_day(date)
            index += 1
        else:
            break
    return listing_date, filled[index:]


def _is_header(text: str) -> bool:
    """A line of the page's header, however its spaces were saved (`byAK and...`, `by AK and...`)."""
    return _squash(text) in HEADER_KEYS


def _month_day(match: re.Match[str]) -> MonthDay:
    year = match.group("year")
    return MonthDay(
        MONTHS[match.group("month")[:3].lower()], int(match.group("day")), int(year) if year else None
    )


def _is_meta(body: list[Line], index: int) -> bool:
    """A meta block starts here: an authors line, a `·`, or an organisation line before a `·`."""
    text = body[index].text
    if AUTHORS_LINE.match(text) or DOT_LINE.match(text):
        return True
    following = body[index + 1].text if index + 1 < len(body) else ""
    organization = len(text) <= ORGANIZATION_MAX and not _reads_as_sentence(text)
    return organization and bool(DOT_LINE.match(following) or AUTHORS_LINE.match(following))


def _reads_as_sentence(text: str) -> bool:
    """A line of prose, as a second paragraph of an abstract is ("Code and weights are available
    at https://..."): an address in it, or words ending with a full stop. A title or an
    organisation's name seldom ends with one."""
    text = text.rstrip()
    return "://" in text or (text.endswith(".") and not text.endswith("...") and len(text.split()) >= 4)


def _skip_meta(body: list[Line], index: int) -> int:
    _, after = _read_meta(body, index)
    return after if after > index else index + 1


def _abstract_lines(body: list[Line], index: int) -> tuple[list[Line], int]:
    """The abstract: the next line, plus following long lines (extra paragraphs) before a title or meta."""
    lines: list[Line] = []
    while index < len(body):
        text = body[index].text
        # right after the title, only an authors or `·` line is meta; a short line is an abstract
        if AUTHORS_LINE.match(text) or DOT_LINE.match(text) or (lines and _is_meta(body, index)):
            break
        following = body[index + 1].text if index + 1 < len(body) else ""
        if (
            lines
            and len(text) <= TITLE_MAX
            and not (_reads_as_sentence(text) and len(following) <= TITLE_MAX)
        ):
            break  # a title: a short line, but prose followed by no abstract of its own
        lines.append(body[index])
        index += 1
    return lines, index


@dataclass
class _Meta:
    """What a daily-papers entry's metadata line gives."""

    date: MonthDay | None = None
    authors_count: int | None = None
    organization: str | None = None
    upvotes: int | None = None

    def __bool__(self) -> bool:
        return any(value is not None for value in vars(self).values())


def _read_meta(body: list[Line], index: int) -> tuple[_Meta, int]:
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
