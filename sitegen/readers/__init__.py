"""The listing readers: one module per format, each with `NAME`, `EXTENSIONS`, `sniff(text,
name)` and `parse(text, source, shown) -> Listing`, tried in the order of READERS (the first whose
`sniff` recognises the text reads it). A new format is a new module added to READERS.

No I/O here: the importer reads the bytes and hands over text.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Protocol, cast

from sitegen.errors import SitegenError
from sitegen.listings import Listing, numbered_lines
from sitegen.readers import bibtex, csljson, daily, dump, ris


class Reader(Protocol):
    NAME: str
    EXTENSIONS: tuple[str, ...]
    sniff: Callable[[str, str], bool]
    parse: Callable[[str, str, str], Listing]


def _reader(module: ModuleType) -> Reader:
    return cast(Reader, module)


# The stricter shapes first: bibliographies are told by their syntax, dumps by `Abstract:` lines.
READERS: tuple[Reader, ...] = tuple(map(_reader, (bibtex, ris, csljson, dump, daily)))


def reader_for(text: str, name: str) -> Reader | None:
    """The reader of the first format that recognises `text` (`name`: the file's name)."""
    return next((reader for reader in READERS if reader.sniff(text, name)), None)


def parse_listing(text: str, source: str, shown: str | None = None) -> Listing:
    """Split a listing into entries; raise a SitegenError naming the file if it is not one."""
    shown = shown or source
    filled = [line for line in numbered_lines(text) if line.text]
    if not filled:
        raise SitegenError(
            "the file is empty",
            path=shown,
            hint="a listing holds `Abstract:` paragraphs, a saved daily-papers page or a bibliography",
        )
    reader = reader_for(text, source)
    if reader is None:
        raise SitegenError(
            "not a listing format sitegen knows",
            path=shown,
            line=filled[0].number,
            hint="expected a BibTeX, RIS or CSL-JSON bibliography, `Abstract:` paragraphs, or a "
            "daily-papers page: title line, abstract, optional `• N authors` / `·` / date lines",
        )
    listing = reader.parse(text, source, shown)
    if not listing.entries:
        raise SitegenError(
            "no complete paper found in the listing",
            path=shown,
            line=filled[0].number,
            hint="each paper needs an abstract; check that the file was saved completely",
        )
    return listing
