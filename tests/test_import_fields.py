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


# A field that names an arXiv id among other words (a `note`, a venue) still says those words.
BESIDE = {"alone": "", "beside an arXiv id": ", arXiv:2101.00005v2"}


@pytest.mark.parametrize("beside", BESIDE)
@pytest.mark.parametrize("name", bibtex_fields())
def test_no_bibtex_field_vanishes(name, beside):
    marker = f"Zqx{name.replace('_', '')}"
    value = f"Roe, {marker}" if name in {"author", "editor"} else f"{marker} marker{BESIDE[beside]}"
    text = f"@article{{k, title = {{Sweep record}}, {name} = {{{value}}}}}\n"
    assert found(parse_listing(text, "sweep.bib"), marker), name


@pytest.mark.parametrize("beside", BESIDE)
@pytest.mark.parametrize("name", csl_fields())
def test_no_csl_json_field_vanishes(name, beside):
    marker = f"Zqx{name.replace('-', '')}"
    text_value = f"{marker} marker{BESIDE[beside]}"
    value = [{"family": marker}] if name in NAMES else {"raw": marker} if name in DATES else text_value
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


@pytest.mark.parametrize("tag", sorted(set(rispy.TAG_KEY_MAPPING) - {"TY", "ER"}))
def test_no_value_of_a_ris_tag_given_twice_vanishes(tag):
    """rispy keeps the first value of a tag that has one (`DO`, `AB`, `PY`...) and drops the
    others without a word: each value must still be found."""
    first, second = f"Zqx{tag}first", f"Zqx{tag}second"
    text = f"TY  - JOUR\nTI  - Sweep record\n{tag}  - {first} marker\n{tag}  - {second} marker\nER  - \n"
    listing = parse_listing(text, "sweep.ris")
    assert found(listing, first) and found(listing, second), tag


@pytest.mark.parametrize(("used", "other"), [("TI", "T1"), ("AB", "N2")])
def test_a_ris_title_or_abstract_beside_the_one_read_is_kept_when_it_says_something_else(used, other):
    title = "" if used == "TI" else "TI  - Sweep record\n"
    text = f"TY  - JOUR\n{title}{used}  - Zqxread marker\n{other}  - Zqxother marker\nER  - \n"
    listing = parse_listing(text, "sweep.ris")
    assert found(listing, "Zqxread") and found(listing, "Zqxother")
    same = text.replace("Zqxother", "Zqxread")
    assert parse_listing(same, "sweep.ris").entries[0].extra == ()


@pytest.mark.parametrize("tag", ris_tags())
def test_no_ris_tag_vanishes_beside_an_arxiv_address(tag):
    """A record's arXiv id is looked for in several tags (`UR`, `DO`, `AN`, `M3`): the tag that
    did not give it is still kept."""
    marker = f"Zqx{tag}"
    arxiv = "UR  - https://arxiv.org/abs/2101.00005\n"
    text = f"TY  - JOUR\nTI  - Sweep record\n{arxiv}{tag}  - {marker} marker\nER  - \n"
    assert found(parse_listing(text, "sweep.ris"), marker), tag


def test_a_ris_address_keeps_its_semicolons_and_a_line_of_several_is_split_at_each_address():
    address = "https://onlinelibrary.wiley.com/doi/10.1002/(SICI)1097-0258(19980815)17:15<1661::AID-SIM968>3.0.CO;2-2"
    session = "https://example.org/article.do;jsessionid=ABC123;type:pdf"
    several = f"{session}; https://example.org/b ;www.example.org/c"
    text = f"TY  - JOUR\nTI  - T\nUR  - {address}\nUR  - {several}\nER  - \n"
    [entry] = parse_listing(text, "a.ris").entries
    assert [entry.url, *(link.url for link in entry.links)][:3] == [address, session, "https://example.org/b"]
    assert "www.example.org/c" in json.dumps(dataclasses.asdict(entry))


def test_a_ris_abstract_given_twice_is_two_paragraphs_and_a_wrapped_line_is_one():
    text = "TY  - JOUR\nTI  - T\nAB  - First part\n  wrapped here.\nAB  - Second part.\nER  - \n"
    [entry] = parse_listing(text, "a.ris").entries
    assert entry.abstract == "First part wrapped here.\n\nSecond part."
    [entry] = parse_listing("TY  - JOUR\nTI  - T\nAB  - \nN2  - The abstract.\nER  - \n", "a.ris").entries
    assert entry.abstract == "The abstract." and entry.extra == ()  # an empty `AB` is none


def test_a_ris_value_given_twice_alike_is_kept_once():
    [entry] = parse_listing(
        "TY  - JOUR\nTI  - T\nSN  - 1234-5678\nSN  - 1234-5678\nER  - \n", "a.ris"
    ).entries
    assert dict(entry.extra) == {"SN": "1234-5678"}


ARXIV_VENUES = [
    ("arXiv preprint arXiv:2101.00001", "arXiv", None),  # Google Scholar's
    ("CoRR", "arXiv", None),
    ("arXiv.org", "arXiv", None),
    ("arXiv e-prints", "arXiv", None),
    (
        "arXiv: Computer Vision and Pattern Recognition",
        "arXiv",
        "arXiv: Computer Vision and Pattern Recognition",
    ),
    ("arXiv preprint arXiv:1706.03762v5", "arXiv", "arXiv preprint arXiv:1706.03762v5"),
    ("Preprints", "Preprints", None),  # MDPI's: not arXiv
    ("bioRxiv", "bioRxiv", None),
]


@pytest.mark.parametrize(("venue", "read", "kept"), ARXIV_VENUES)
def test_a_venue_naming_arxiv_is_arxiv_and_what_else_it_says_is_kept(venue, read, kept):
    [entry] = parse_listing(f"@article{{k, title = {{T}}, journal = {{{venue}}}}}\n", "a.bib").entries
    assert entry.venue == read
    assert dict(entry.extra).get("venue") == kept
