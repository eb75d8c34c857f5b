"""No field of a record vanishes: each is mapped to a field of the paper, kept under `extra`, or
said dropped in a warning. Every field name the tests know of each format is swept: those of the
bibliography test files (read by pybtex, rispy and json), every tag of rispy's table, and the
BibTeX/biblatex and CSL-JSON variables listed here; each is given a value of its own (a marker
word) in a record of its own, and the marker must be found in what the reader gives.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pybtex.database
import pytest
import rispy

from sitegen.readers import parse_listing

DATA = Path(__file__).parent / "data" / "bibliography"
BIBTEX = {"abbr", "address", "annote", "archiveprefix", "author", "booktitle", "chapter", "date",
          "day", "doi", "edition", "editor", "eprint", "eprinttype", "eventtitle", "file",
          "howpublished", "html", "institution", "isbn", "issn", "issue", "journal", "journaltitle",
          "keywords", "language", "location", "month", "note", "number", "organization", "pages", "pdf",
          "primaryclass", "publisher", "school", "series", "subtitle", "type", "url", "urldate",
          "volume", "year", "code", "website", "slides", "poster", "video", "arxiv", "selected"}  # fmt: skip
CSL = {"DOI", "URL", "ISBN", "ISSN", "PMID", "PMCID", "abstract", "accessed", "annote", "archive",
       "archive_location", "author", "call-number", "citation-key", "collection-number",
       "collection-title", "container-title", "container-title-short", "edition", "editor",
       "event-place", "event-title", "genre", "issue", "issued", "keyword", "language", "medium",
       "note", "number", "number-of-pages", "page", "publisher", "publisher-place", "section", "source",
       "status", "title-short", "translator", "version", "volume"}  # fmt: skip
NAMES = {"author", "editor", "translator"}
DATES = {"issued", "accessed"}


def bibtex_fields() -> list[str]:
    library = pybtex.database.parse_file(DATA / "library.bib")
    known = {name.lower() for entry in library.entries.values() for name in entry.fields}
    return sorted((known | BIBTEX | {"author", "editor"}) - {"title", "crossref"})


def csl_fields() -> list[str]:
    items = json.loads((DATA / "library.json").read_text(encoding="utf-8"))
    return sorted(({key for item in items for key in item} | CSL) - {"id", "type", "title"})


def ris_tags() -> list[str]:
    with (DATA / "library.ris").open(encoding="utf-8") as stream:
        rispy.load(stream)  # the test file is RIS as rispy reads it
    return sorted(set(rispy.TAG_KEY_MAPPING) - {"TY", "ER", "TI", "T1"})


def found(listing, marker: str) -> bool:
    [entry] = listing.entries
    said = json.dumps(dataclasses.asdict(entry), default=str) + " ".join(map(str, listing.warnings))
    return marker.lower() in said.lower()


@pytest.mark.parametrize("name", bibtex_fields())
def test_no_bibtex_field_vanishes(name):
    marker = f"Zqx{name.replace('_', '')}"
    value = f"Roe, {marker}" if name in {"author", "editor"} else f"{marker} marker"
    text = f"@article{{k, title = {{Sweep record}}, {name} = {{{value}}}}}\n"
    assert found(parse_listing(text, "sweep.bib"), marker), name


@pytest.mark.parametrize("name", csl_fields())
def test_no_csl_json_field_vanishes(name):
    marker = f"Zqx{name.replace('-', '')}"
    value = (
        [{"family": marker}] if name in NAMES else {"raw": marker} if name in DATES else f"{marker} marker"
    )
    text = json.dumps([{"id": "k", "type": "article-journal", "title": "Sweep record", name: value}])
    assert found(parse_listing(text, "sweep.json"), marker), name


@pytest.mark.parametrize("tag", ris_tags())
def test_no_ris_tag_vanishes(tag):
    marker = f"Zqx{tag}"
    text = f"TY  - JOUR\nTI  - Sweep record\n{tag}  - {marker} marker\nER  - \n"
    assert found(parse_listing(text, "sweep.ris"), marker), tag


def test_an_arxiv_record_keeps_its_class_and_versioned_address_and_a_paper_its_event():
    bib = (
        "@article{k, title = {Sweep record}, eprint = {2401.09999}, archivePrefix = {arXiv},\n"
        "  primaryClass = {eess.IV}, url = {https://arxiv.org/abs/2401.09999v2}}\n"
    )
    [entry] = parse_listing(bib, "a.bib").entries
    assert entry.arxiv == "2401.09999"
    assert dict(entry.extra) == {"primaryclass": "eess.IV", "url": "https://arxiv.org/abs/2401.09999v2"}
    csl = [{"id": "k", "type": "paper-conference", "title": "T", "container-title": "Proc. MICCAI",
            "event-title": "MICCAI 2020"}]  # fmt: skip
    [entry] = parse_listing(json.dumps(csl), "a.json").entries
    assert entry.venue == "Proc. MICCAI" and dict(entry.extra) == {"event-title": "MICCAI 2020"}
