"""Pages of lists of papers made again from rows instead of rendered whole.

A date or title edit moves a paper within the lists it is in, and every page between its old and
new place then shows one paper more at one end and one less at the other (an added or deleted
paper shifts every page after it): at 10,000 papers, up to ~200 pages of All papers and ~100 of a
topic's reading list, ~5 ms of Jinja each. The plan describes such a page's papers as rows
(`plan.Rows`); when a page is rendered, where each row lies in it is recorded (`RowLayout`), and
when a later build finds that only the page's papers changed (what the rest of the page shows of
its list, the templates and every other input are the same), the page is the last one's bytes
around its rows, with each row taken from the last build's pages of the same list and folder
(its card unchanged) or rendered alone. When what the rest of the page shows of its list changed
too (a topic gained or lost a paper: every page of its list says another count) but not what
rows read (`Rows.site`), the page is made with a placeholder for each card, cheap to render,
and the rows are put in their places. Only with the built-in list templates, whose rows are
known to be separable (plan.ROW_TEMPLATES); tests/test_incremental.py checks every row rendered
alone against the page and compares rebuilds that move papers across pages with cold builds;
tests/test_plan.py checks that a row reads only its card, its snippet and `Rows.site`.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from sitegen.plan import ROW_MARK, ROWS_END, Rows
from sitegen.urls import root_of


@dataclass(frozen=True)
class RowLayout:
    """Where a page's rows lie in it, as the build that made it left it (a dataclass, not a named
    tuple: the build state pickles ~1,000 of them, and a named tuple calls into Python for each)."""

    family: str  # the list (plan.Rows.family)
    frame: str  # digest of all the page reads but its papers
    slugs: tuple[str, ...]
    head: int  # bytes before the first row
    sizes: array[int]  # each row's bytes
    size: int  # the whole page's


def layout_of(data: bytes, rows: Rows, frame: str) -> RowLayout | None:
    """Where the rows of `rows` lie in the page `data`; None when they cannot be told apart."""
    starts, at = [], data.find(ROW_MARK)
    while at >= 0:
        starts.append(at)
        at = data.find(ROW_MARK, at + len(ROW_MARK))
    if not starts or len(starts) != len(rows.slugs):
        return None
    end = data.find(ROWS_END, starts[-1])
    if end < 0:
        return None
    sizes = array("q", (after - before for before, after in zip(starts, [*starts[1:], end], strict=True)))
    return RowLayout(rows.family, frame, rows.slugs, starts[0], sizes, len(data))


class RowSource:
    """The rows of the last build's pages, by list, folder and paper, read from their files
    (only those asked for)."""

    def __init__(self, layouts: Mapping[str, RowLayout], old_file: Callable[[str], Path | None]) -> None:
        self._layouts, self._old_file = layouts, old_file
        self._index: dict[tuple[str, str], dict[str, tuple[str, int, int]]] = {}
        self._files: dict[str, bytes | None] = {}

    def page(self, path: str) -> bytes | None:
        """The last build's page at `path`, when it is still as that build made it."""
        if path not in self._files:
            old = self._old_file(path)
            try:
                data = old.read_bytes() if old is not None else None
            except OSError:
                data = None
            layout = self._layouts.get(path)
            self._files[path] = (
                data if data is not None and layout is not None and len(data) == layout.size else None
            )
        return self._files[path]

    def row(self, family: str, page: str, slug: str) -> bytes | None:
        """The paper's row as the last build's pages of `family` in the folder of `page` showed it."""
        key = (family, root_of(page))
        index = self._index.get(key)
        if index is None:
            index = self._index[key] = {}
            for path, layout in self._layouts.items():
                if layout.family == family and root_of(path) == key[1]:
                    at = layout.head
                    for listed, size in zip(layout.slugs, layout.sizes, strict=True):
                        index[listed] = (path, at, size)
                        at += size
        found = index.get(slug)
        if found is None:
            return None
        path, at, size = found
        data = self.page(path)
        return data[at : at + size] if data is not None else None


def rows_again(
    path: str, rows: Rows, frame: str, last: RowLayout | None, source: RowSource, changed: set[str]
) -> tuple[bytes, RowLayout] | None:
    """The page at `path` made from rows: the last build's page around them, each row as the last
    build's pages showed it unless its paper is in `changed` (then rendered alone). None when the
    last page's frame was another, or the page or a row cannot be had."""
    if last is None or last.frame != frame:
        return None
    old = source.page(path)
    if old is None:
        return None
    return _around(old, last, _rows(path, rows, source, changed), rows, frame)


def rows_in_frame(
    path: str, rows: Rows, frame: str, source: RowSource, changed: set[str]
) -> tuple[bytes, RowLayout] | None:
    """The page at `path` made around rows when its frame changed but not what its rows read
    (`rows.site`, which the caller checks): the page made with a placeholder for each card, each
    placeholder then replaced by the paper's row as the last build's pages showed it unless its
    paper is in `changed` (then rendered alone). None when the page reads more of a card than its
    row, holds more than the rows between them, or a row cannot be had."""
    assert rows.framed is not None
    try:
        data = rows.framed([_Placeholder() for _ in rows.slugs])
    except Exception:  # e.g. the template reads a card outside its row: rendered whole instead
        return None
    framed = data.encode("utf-8") if isinstance(data, str) else data
    layout = layout_of(framed, rows, frame)
    if layout is None or any(size != len(PLACEHOLDER_ROW) for size in layout.sizes):
        return None
    return _around(framed, layout, _rows(path, rows, source, changed), rows, frame)


def _rows(path: str, rows: Rows, source: RowSource, changed: set[str]) -> list[bytes] | None:
    """Each paper's row on the page at `path`: as the last build's pages of its list and folder
    showed it unless its paper is in `changed` or none did (then rendered alone); None when a row
    rendered alone cannot be told apart."""
    made: list[bytes] = []
    for slug in rows.slugs:
        row = None if slug in changed else source.row(rows.family, path, slug)
        if row is None:
            row = rows.row(slug).encode("utf-8")
            if not row.startswith(ROW_MARK) or row.count(ROW_MARK) != 1 or ROWS_END in row:
                return None
        made.append(row)
    return made


def _around(
    page: bytes, layout: RowLayout, made: list[bytes] | None, rows: Rows, frame: str
) -> tuple[bytes, RowLayout] | None:
    """`page` with the rows `layout` says it holds replaced by `made`."""
    if made is None:
        return None
    tail = layout.head + sum(layout.sizes)
    data = b"".join((page[: layout.head], *made, page[tail:]))
    sizes = array("q", map(len, made))
    return data, RowLayout(rows.family, frame, rows.slugs, layout.head, sizes, len(data))


# What `paper_list` (templates/_macros.html) makes of a `_Placeholder` card: its row.
PLACEHOLDER_ROW = ROW_MARK + b"</li>\n"


class _PlaceholderRead(Exception):
    """A template read a placeholder card for more than its row."""


class _Placeholder:
    """A card a page is made with to find where its rows go: the `card_once` filter that
    `paper_list` shows cards through renders it as an empty row; anything else read of it stops
    the rendering (the page then reads more of its cards than their rows)."""

    def rendered(self, how: tuple[Any, ...], render: Callable[[], Any]) -> Markup:
        return Markup('<li class="card"></li>')

    def __getattr__(self, name: str) -> Any:
        raise _PlaceholderRead(name)

    def __getitem__(self, key: Any) -> Any:
        raise _PlaceholderRead(key)

    def __str__(self) -> str:
        raise _PlaceholderRead("str")
