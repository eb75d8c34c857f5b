"""Abstract dumps: `Abstract:...` paragraphs, no titles, sometimes blank lines between."""

from __future__ import annotations

from sitegen.errors import Problem
from sitegen.listings import (
    ABSTRACT_START,
    Line,
    Listing,
    RawEntry,
    cut_off_warning,
    is_cut_off,
    join_paragraphs,
    numbered_lines,
)
from sitegen.readers.daily import has_daily_markers

NAME = "abstract dump"
EXTENSIONS = (".txt", ".md")


def sniff(text: str, name: str) -> bool:
    filled = [line for line in numbered_lines(text) if line.text]
    return bool(filled) and (bool(ABSTRACT_START.match(filled[0].text)) or _looks_like_dump(filled))


def parse(text: str, source: str, shown: str) -> Listing:
    return _parse_dump(numbered_lines(text), source, shown)


def _looks_like_dump(filled: list[Line]) -> bool:
    """`Abstract:` paragraphs after a stray first line or two (a heading, a note)."""
    starts = sum(1 for line in filled if ABSTRACT_START.match(line.text))
    return starts > 0 and starts >= (len(filled) - 3) / 2 and not has_daily_markers(filled)


def _parse_dump(lines: list[Line], source: str, shown: str) -> Listing:
    entries: list[RawEntry] = []
    start: int | None = None
    paragraphs: list[list[str]] = []
    for line in lines:
        match = ABSTRACT_START.match(line.text)
        if match:
            if start is not None:
                entries.append(RawEntry(source, start, None, join_paragraphs(paragraphs)))
            start, paragraphs = line.number, [[line.text[match.end() :]]]
        elif start is not None and line.text:
            if paragraphs[-1]:
                paragraphs[-1].append(line.text)
            else:
                paragraphs[-1] = [line.text]
        elif start is not None and paragraphs[-1]:
            paragraphs.append([])
    if start is not None:
        entries.append(RawEntry(source, start, None, join_paragraphs(paragraphs)))
    entries = [entry for entry in entries if entry.abstract]
    warnings: list[Problem] = []
    stray = [line for line in lines if line.text and (not entries or line.number < entries[0].line)]
    if stray:
        warnings.append(
            Problem(f"{len(stray)} line(s) before the first `Abstract:` ignored", shown, stray[0].number)
        )
    if entries and is_cut_off(entries[-1].abstract):
        last = entries.pop()
        warnings.append(cut_off_warning(last, shown))
    return Listing(source, "abstract dump", tuple(entries), None, tuple(warnings))
