"""Bibliographies in: BibTeX, RIS and CSL-JSON exports of the same records, checked field by field.

Expected values come from independent readers: pybtex (BibTeX's own rules: macros, `#` joins,
crossref, names split into parts) with latexcodec for the LaTeX, rispy for RIS, the standard
json module for CSL-JSON, and, where those cannot say (a nested accent), the text as written
by hand. The importer's readers use bibtexparser 2 and pylatexenc, so the two sides share no
parser.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import latexcodec  # noqa: F401  (registers the "ulatex" codec)
import pybtex.database
import pytest
import rispy

from sitegen import names
from sitegen.errors import SitegenError
from sitegen.importer import plan_import
from sitegen.listings import RawEntry
from sitegen.paperfile import parse_paper
from sitegen.readers import parse_listing

DATA = Path(__file__).parent / "data" / "bibliography"
TODAY = dt.date(2026, 12, 5)
# What latexcodec cannot decode (a nested accent), as the name is written.
BY_HAND = {r"Nguy{\~{\^e}}n": "Nguyễn", r"V{\u a}n": "Văn"}


def latex(text: str) -> str:
    """LaTeX to text by latexcodec, protective braces dropped, white space collapsed; a bare `%`
    is the character (as the readers take it: in a bibliography it is rarely a comment)."""
    for written, meant in BY_HAND.items():
        text = text.replace(written, meant)
    text = re.sub(r"(?<!\\)%", r"\\%", text)
    text = codecs.decode(text, "ulatex")
    text = re.sub(r"\\url\s*\{([^}]*)\}", r"\1", text)
    return " ".join(re.sub(r"[{}]", "", text).split())


BIB = pybtex.database.parse_file(str(DATA / "library.bib"))


def pybtex_entries() -> dict[str, pybtex.database.Entry]:
    return dict(BIB.entries)


def found(entry: pybtex.database.Entry, name: str) -> str:
    """A field as pybtex finds it: the entry's own, else its crossref's."""
    return str(entry._find_field(name, BIB))


def read(name: str):
    return parse_listing((DATA / name).read_text(encoding="utf-8"), name)


def parts(name: str) -> tuple[str, str, str, str]:
    person = names.parse(name)
    return (person.given, person.von, person.family, person.jr)


def pybtex_parts(person) -> tuple[str, str, str, str]:
    def joined(found) -> str:
        return latex(" ".join(found))

    if not person.first_names and not person.last_names[1:] and person.last_names[0].startswith("{"):
        return ("", "", latex(person.last_names[0]), "")  # one braced name: an institution's
    given = joined([*person.first_names, *person.middle_names])
    return (given, joined(person.prelast_names), joined(person.last_names), joined(person.lineage_names))


# --- BibTeX, against pybtex ---------------------------------------------------------------------


def test_every_bibtex_entry_reads_as_pybtex_reads_it():
    listing = read("library.bib")
    expected = pybtex_entries()
    papers = {k: e for k, e in expected.items() if e.type != "proceedings"}  # a crossref's target
    assert [entry.key for entry in listing.entries] == list(papers)
    for entry in listing.entries:
        theirs = papers[entry.key]
        assert entry.title == latex(theirs.fields["title"]), entry.key
        assert [parts(name) for name in entry.authors] == [pybtex_parts(p) for p in theirs.persons["author"]]
        assert entry.date is not None and entry.date.year == int(found(theirs, "year"))
        if "doi" in theirs.fields:
            assert entry.doi == theirs.fields["doi"]
        if "abstract" in theirs.fields:
            assert " ".join(entry.abstract.split()) == latex(theirs.fields["abstract"]).replace("\\%", "%")
        venue = theirs.fields.get("journal") or theirs.fields.get("booktitle") or theirs.fields.get("school")
        if venue and "arXiv" not in venue and venue != "CoRR":
            assert entry.venue == latex(venue), entry.key


def test_macros_joins_and_months_are_evaluated_as_bibtex_does():
    entries = {entry.key: entry for entry in read("library.bib").entries}
    theirs = pybtex_entries()
    muller = entries["muller2024uber"]
    assert (
        muller.venue == theirs["muller2024uber"].fields["journal"] == "Medical Image Analysis (Special Issue)"
    )
    assert (muller.date.year, muller.date.month, muller.date.day) == (2024, 6, None)  # month = jun
    assert theirs["muller2024uber"].fields["month"] == "June"  # pybtex expands the same macro
    assert entries["doe2024echo"].date.month == 2  # month = {Feb}
    assert (entries["nguyen2019thesis"].date.month, entries["nguyen2019thesis"].date.day) == (9, 30)


def test_crossref_gives_the_proceedings_fields_and_title_as_booktitle():
    federated = next(e for e in read("library.bib").entries if e.key == "garcia2023federated")
    theirs = pybtex_entries()
    proceedings = theirs["miccai2023"]
    assert federated.venue == latex(proceedings.fields["title"])  # biblatex: the parent's title
    assert federated.date.year == int(found(theirs["garcia2023federated"], "year"))  # pybtex inherits it
    assert federated.date.month == 10
    assert federated.publisher == "Springer" and federated.pages == "12\u201321"  # fields of its own
    assert federated.type == "conference"
    [note] = read("library.bib").warnings  # the proceedings is said to be no paper, not dropped silently
    assert note.line == 34 and note.message.startswith("miccai2023: a @proceedings")
    assert federated.url == "https://link.example.org/chapter/10.1007/978-3-031-43990-2_2"


def test_accents_braces_and_names_become_unicode_text():
    entries = {entry.key: entry for entry in read("library.bib").entries}
    muller = entries["muller2024uber"]
    assert muller.title == "Über CT-Segmentierung: A Study of 3D U-Net Variants"
    assert muller.authors == ("Müller, Anna-Lena", "van Beethoven, Ludwig", "{The ACME Imaging Consortium}")
    assert names.parse(muller.authors[2]).institution
    assert entries["garcia2023federated"].authors == ("García, José", "Østergaard, Søren", "François Dubois")
    assert entries["nguyen2019thesis"].authors == ("Nguyễn, Văn An",)
    assert parts(entries["smith2022retina"].authors[0]) == ("John", "", "Smith", "Jr.")
    assert entries["smith2022retina"].title == "RetinaGAN: Synthetic Fundus Images with Vessel Control"
    assert "Dice of 91% on the liver" in muller.abstract  # a bare % is not a LaTeX comment here
    assert "https://github.com/acme/uber-ct" in muller.abstract


def test_arxiv_ids_are_found_wherever_exporters_put_them():
    entries = {entry.key: entry for entry in read("library.bib").entries}
    assert entries["doe2023echo"].arxiv == "2305.12345"  # eprint + archivePrefix, version dropped
    assert entries["lee2024agents"].arxiv == "2402.01234"  # Google Scholar's journal = {arXiv preprint ...}
    assert entries["DBLP:journals/corr/abs-2101-00001"].arxiv == "2101.00001"  # DBLP's CoRR
    for key in ("doe2023echo", "lee2024agents", "DBLP:journals/corr/abs-2101-00001"):
        assert entries[key].type == "preprint" and entries[key].venue == "arXiv", key
    assert entries["doe2024echo"].arxiv is None and entries["doe2024echo"].type == "article"


def test_unknown_types_and_fields_are_kept_under_extra_and_al_folio_fields_become_links():
    entries = {entry.key: dict(entry.extra) for entry in read("library.bib").entries}
    assert entries["kowalski2020probe"] == {
        "entry_type": "patent",
        "number": "US 10,123,456",
        "holder": "Probe Corp.",
    }
    assert (
        "volume" not in entries["muller2024uber"]  # a field of its own now
        and entries["muller2024uber"]["keywords"] == "segmentation, CT"
    )
    retina = next(e for e in read("library.bib").entries if e.key == "smith2022retina")
    assert retina.url == "https://retinagan.example.org/"  # al-folio's html
    assert [(link.url, link.kind) for link in retina.links] == [
        ("https://github.com/example/retinagan", "code"),
        ("https://retinagan.example.org/project", "project"),
    ]
    assert entries["smith2022retina"]["pdf"] == "retinagan.pdf"  # a site-relative file: kept, not linked
    assert entries["smith2022retina"]["note"] == "Oral presentation"


def test_the_front_matter_fence_and_comments_are_skipped_and_lines_count_from_the_file():
    text = (DATA / "library.bib").read_text(encoding="utf-8")
    for entry in read("library.bib").entries:
        line = text.splitlines()[entry.line - 1]
        assert re.match(r"\s*@\w+\{" + re.escape(entry.key) + ",", line), (entry.key, line)


# --- RIS and CSL-JSON exports of the same records ------------------------------------------------


@pytest.mark.parametrize("name", ["library.ris", "library.json"])
def test_ris_and_csl_json_exports_read_as_the_bibtex_records(name):
    bib = {(e.title, e.doi or e.arxiv): e for e in read("library.bib").entries}
    other = read(name).entries
    assert len(other) == 5
    for entry in other:
        same = bib[(entry.title, entry.doi or entry.arxiv)]
        assert [parts(n) for n in entry.authors] == [parts(n) for n in same.authors], entry.title
        assert (entry.date, entry.type, entry.venue) == (same.date, same.type, same.venue), entry.title
        assert " ".join(entry.abstract.split()) == " ".join(same.abstract.split())


def test_ris_fields_are_read_as_rispy_maps_them():
    records = rispy.loads((DATA / "library.ris").read_text(encoding="utf-8"))
    for record, entry in zip(records, read("library.ris").entries, strict=True):
        assert entry.title == record["title"]
        assert [n.strip("{}") for n in entry.authors] == record["authors"]
        if record.get("doi", "").startswith("10.48550/"):
            assert entry.doi is None and entry.arxiv == record["doi"].split("arXiv.")[1]
        else:
            assert entry.doi == record.get("doi")


def test_csl_json_fields_are_read_as_written():
    items = json.loads((DATA / "library.json").read_text(encoding="utf-8"))
    for item, entry in zip(items, read("library.json").entries, strict=True):
        assert entry.key == item["id"] and entry.title == item["title"]
        assert [names.parse(n).family for n in entry.authors] == [
            a.get("family") or a["literal"] for a in item["author"]
        ]
        assert entry.date is not None and entry.date.year == int(item["issued"]["date-parts"][0][0])


# --- importing: one page per paper, every identifier, the editor's edits kept -----------------------


def imported(tmp_path: Path, *listings: str) -> tuple[Path, dict]:
    content = tmp_path / "content"
    sources = [DATA / name for name in listings]
    from sitegen.importer import apply

    plan = plan_import(content, sources, None, TODAY)
    apply(plan)
    pages = {
        path.stem: parse_paper(path.read_text(encoding="utf-8"), str(path), path.stem)
        for path in sorted((content / "papers").glob("*.md"))
    }
    return content, {"plan": plan, "pages": pages}


def test_the_three_exports_of_the_same_records_make_one_page_per_paper(tmp_path):
    content, found = imported(tmp_path, "library.bib", "library.ris", "library.json")
    pages = found["pages"]
    assert (
        len(pages) == 8
    )  # 9 papers in the .bib (and its proceedings), a preprint and its published version one
    by_title = {paper.title: paper for paper in pages.values()}
    muller = by_title["Über CT-Segmentierung: A Study of 3D U-Net Variants"]
    assert muller.sources == ("library.bib", "library.json", "library.ris")
    assert (
        muller.doi == "10.1016/j.media.2024.103100"
        and muller.venue == "Medical Image Analysis (Special Issue)"
    )
    assert muller.authors == ("Müller, Anna-Lena", "van Beethoven, Ludwig", "{The ACME Imaging Consortium}")
    assert (muller.date.year, muller.date.month, muller.date.day) == (2024, 6, None)
    assert muller.type == "article"
    assert sorted(p.name for p in (content / "sources").iterdir()) == [
        "library.bib",
        "library.json",
        "library.ris",
    ]


def test_a_preprint_and_its_published_version_are_one_paper_with_both_identifiers(tmp_path):
    _, found = imported(tmp_path, "library.bib")
    [echo] = [p for p in found["pages"].values() if p.title.startswith("EchoNet-Next")]
    assert echo.doi == "10.1038/s41591-024-00001-x" and echo.arxiv == "2305.12345"
    assert echo.venue == "Nature Medicine" and echo.type == "article"  # the published version shown
    assert (echo.date.year, echo.date.month) == (2024, 2)
    assert echo.authors == ("Doe, Jane", "Roe, Richard", "Major, Mary", "Minor, Michael")
    assert "20,000 patients" in echo.abstract  # the fuller abstract
    [merge] = [m for m in found["plan"].merges if "echo" in str(m.page)]
    assert "same authors" in merge.reason


def test_re_importing_an_updated_bib_updates_untouched_fields_and_keeps_the_editors(tmp_path):
    content, found = imported(tmp_path, "library.bib")
    slug = next(slug for slug, p in found["pages"].items() if p.title.startswith("Federated"))
    page = content / "papers" / f"{slug}.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("Federated Learning", "Federated learning"), "utf-8"
    )
    updated = (DATA / "library.bib").read_text(encoding="utf-8")
    updated = updated.replace("pages     = {12--21},", "pages     = {12--22},").replace(
        "author    = {Garc{\\'\\i}a, Jos{\\'e} and", "author    = {Garc{\\'\\i}a, Jos{\\'e} and Li, Wei and"
    )
    (tmp_path / "library.bib").write_text(updated, encoding="utf-8")
    from sitegen.importer import apply

    apply(plan_import(content, [tmp_path / "library.bib"], None, TODAY))
    paper = parse_paper(page.read_text(encoding="utf-8"), str(page), slug)
    assert paper.title == "Federated learning for Chest X-ray Triage"  # the editor's
    assert paper.authors[1] == "Li, Wei"  # untouched: updated
    assert paper.pages == "12–22"


# --- bad input ------------------------------------------------------------------------------------


def test_a_bibtex_syntax_error_names_the_file_and_the_entry_line_and_imports_nothing(tmp_path):
    broken = tmp_path / "broken.bib"
    broken.write_text(
        "@article{good, title = {Fine}, year = 2020}\n\n@article{bad,\n  title = {Unclosed,\n  year = 2021\n"
        "@misc{after, title = {After}}\n",
        encoding="utf-8",
    )
    with pytest.raises(SitegenError) as caught:
        plan_import(tmp_path / "content", [broken], None, TODAY)
    [problem] = caught.value.problems
    assert (problem.path, problem.line) == (str(broken), 3)
    assert "`bad`" in problem.message and "not valid BibTeX" in problem.message
    assert not (tmp_path / "content").exists()


BROKEN_BIB = {  # what bibtexparser cannot read, each with the line of the entry and its key
    "an unclosed brace": ("@article{good, title = {Fine}}\n\n@article{bad,\n  title = {Unclosed,\n"
                          "  year = 2021\n@misc{after, title = {After}}\n", 3, "bad"),
    "a key used twice": ("@article{twice, title = {A}}\n@article{twice, title = {B}}\n", 2, "twice"),
    "an unclosed quote": ('@article{quote,\n  title = "A,\n  year = 2020\n}\n@misc{b, title={B}}\n', 1,
                          "quote"),
    "a block never closed": ("@article{open, title = {A}", 1, "open"),
}  # fmt: skip


@pytest.mark.parametrize("case", BROKEN_BIB)
def test_a_bad_bib_prints_sitegens_error_line_and_none_of_the_parsers_log(tmp_path, case):
    """bibtexparser logs each block it cannot read; the command's stderr holds sitegen's one error
    line only, and that line gives the parser's reason (which its log alone said before)."""
    text, line, key = BROKEN_BIB[case]
    (tmp_path / "site.yaml").write_text("title: T\ndescription: D\nbase_url: https://a.org/\nauthor: A\n")
    (tmp_path / "broken.bib").write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "sitegen", "import", "broken.bib"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith(f"error: broken.bib:{line}: entry `{key}` is not valid BibTeX: ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert "cannot be read" not in result.stderr, "the parser's reason is given"
    assert not (tmp_path / "content").exists()


@pytest.mark.parametrize(
    ("name", "text", "line", "key"),
    [
        (
            "untitled.bib",
            "@article{fine, title={A}}\n@article{nameless,\n  author = {Doe, J.},\n}\n",
            2,
            "nameless",
        ),
        (
            "untitled.ris",
            "TY  - JOUR\nTI  - A\nER  - \n\nTY  - JOUR\nAU  - Doe, J.\nID  - r2\nER  - \n",
            5,
            "r2",
        ),
        (
            "untitled.json",
            '[{"id": "a", "type": "book", "title": "A"},\n {"id": "b", "type": "book"}]',
            2,
            "b",
        ),
    ],
)
def test_a_missing_title_is_an_error_naming_the_entry_and_its_key(tmp_path, name, text, line, key):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SitegenError) as caught:
        plan_import(tmp_path / "content", [path], None, TODAY)
    [problem] = caught.value.problems
    assert (problem.line, f"`{key}` has no title") == (line, problem.message.split("entry ")[1])


def test_an_unclosed_ris_record_is_an_error_not_a_record_dropped(tmp_path):
    path = tmp_path / "cut.ris"
    path.write_text("TY  - JOUR\nTI  - A\nER  - \n\nTY  - JOUR\nTI  - Cut off\n", encoding="utf-8")
    with pytest.raises(SitegenError) as caught:
        plan_import(tmp_path / "content", [path], None, TODAY)
    assert caught.value.problems[0].line == 5


def test_kept_bibliographies_are_imported_again_from_content_sources(tmp_path):
    content, _ = imported(tmp_path, "library.bib", "library.ris", "library.json")
    again = tmp_path / "again"
    shutil.copytree(content / "sources", again / "sources")
    from sitegen.importer import apply

    apply(plan_import(again, [], None, TODAY))
    for path in (content / "papers").glob("*.md"):
        assert (again / "papers" / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def test_a_record_without_an_abstract_joins_a_paper_of_the_same_specific_title_only():
    from sitegen.listings import RawEntry
    from sitegen.merge import cluster

    abstract = "We segment the liver in CT with a new model. " * 3
    listed = [
        RawEntry("daily.txt", 1, "Liver Segmentation with Foundation Models", abstract),
        RawEntry("daily.txt", 5, "Surveys", abstract.replace("liver", "lung")),
        RawEntry("refs.bib", 1, "Liver segmentation with foundation models", "", key="a"),
        RawEntry("refs.bib", 9, "Surveys", "", key="b"),  # too short a title to be evidence alone
    ]
    groups = cluster(listed).groups
    assert sorted(len(group.entries) for group in groups) == [1, 1, 2]
    [joined] = [group for group in groups if len(group.entries) == 2]
    assert joined.joins[0].reason == "same title; no abstract to compare"


@pytest.mark.parametrize("name", ["TeX", "LaTeX", "BibTeX", "XeTeX"])
def test_a_tex_logo_in_a_title_is_kept_as_its_name(name):
    """pylatexenc drops macros it does not know: "Tricks with {\\LaTeX}" lost its last word."""
    text = f"@article{{a, title = {{50\\% Fewer Labels \\& {{\\{name}}} Tricks}}, year = 2024}}\n"
    [entry] = parse_listing(text, "refs.bib").entries
    assert entry.title == f"50% Fewer Labels & {name} Tricks"


FIELD_START = re.compile(r"^\s*([A-Za-z][\w-]*)\s*=")


def comma_ended_field_lines() -> list[int]:
    """The lines of library.bib that end a field with a comma, another field following."""
    lines = (DATA / "library.bib").read_text(encoding="utf-8").split("\n")
    return [
        n
        for n, line in enumerate(lines[:-1])
        if line.rstrip().endswith(",")
        and not line.lstrip().startswith("@")
        and FIELD_START.match(lines[n + 1])
    ]


@pytest.mark.parametrize("line", comma_ended_field_lines())
def test_a_comma_missing_between_two_fields_is_an_error_at_the_first(line):
    """Every comma between two fields of the library, taken out in turn: pybtex refuses the file
    (the oracle that it is not BibTeX), and sitegen says which entry, field and line, where it
    took the next field into the value before (an author "Doe, Jane year = 2020", no year)."""
    lines = (DATA / "library.bib").read_text(encoding="utf-8").split("\n")
    lines[line] = lines[line].rstrip()[:-1]
    text = "\n".join(lines)
    with pytest.raises(pybtex.database.input.bibtex.PybtexSyntaxError):
        pybtex.database.parse_string(text.replace("---\n---\n", ""), "bibtex")
    with pytest.raises(SitegenError) as caught:
        parse_listing(text, "library.bib")
    [problem] = caught.value.problems
    start = next(n for n in range(line, -1, -1) if FIELD_START.match(lines[n]))  # a value may span lines
    field = FIELD_START.match(lines[start])
    assert field is not None
    assert (
        problem.line == start + 1 and f"`{field.group(1)}`" in problem.message and "comma" in problem.message
    )


UNDEFINED_CASES = [
    (field, value, defined)
    for field in ("journal", "booktitle", "publisher", "note")
    for value in ("jbhi", "IEEE # jbhi", '"Proc. " # miccai # " 2020"')
    for defined in (False, True)
]


@pytest.mark.parametrize("field, value, defined", UNDEFINED_CASES)
def test_an_undefined_string_macro_is_warned_about_as_pybtex_refuses_it(field, value, defined):
    """pybtex stops at an undefined macro (UndefinedMacro, naming it); sitegen keeps its name as
    the value, as BibTeX does, and warns naming the entry, its line, the field and the macro."""
    names = [part.strip() for part in value.split("#") if not part.strip().startswith('"')]
    strings = (
        "".join(f"@string{{{name} = {{{name.upper()} Journal}}}}\n" for name in names) if defined else ""
    )
    text = f"{strings}\n@article{{k1,\n  title = {{A Title}},\n  {field} = {value},\n  year = 2020,\n}}\n"
    line = text.count("\n", 0, text.index("@article")) + 1
    try:
        expected = pybtex.database.parse_string(text, "bibtex").entries["k1"].fields[field]
    except pybtex.database.input.bibtex.UndefinedMacro as error:
        assert not defined and names[0] in str(error)
        expected = None
    listing = parse_listing(text, "refs.bib")
    warned = [str(w) for w in listing.warnings if "no @string macro" in str(w)]
    if expected is not None:  # the value pybtex gives, in the field the reader put it in
        [entry] = listing.entries
        assert not warned and expected in (entry.venue, entry.publisher, dict(entry.extra).get(field))
        return
    assert len(warned) == len(names), warned
    for name, warning in zip(names, warned, strict=True):
        assert warning.startswith(f"refs.bib:{line}: entry `k1`: `{field}`: `{name}`")
        assert "define it (@string" in warning and f"{field} = {{{name}}}" in warning


@pytest.mark.parametrize("value", ['"Proc. " # miccai', "miccai # { 2020}", "miccai"])
def test_an_undefined_macro_in_a_string_definition_is_warned_about_as_pybtex_refuses_it(value):
    """The same in a @string's value: pybtex stops (naming the macro); sitegen keeps the name and
    warns at the @string's line."""
    text = f"@string{{conf = {value}}}\n\n@inproceedings{{k1, title = {{A Title}}, booktitle = conf}}\n"
    with pytest.raises(pybtex.database.input.bibtex.UndefinedMacro, match="miccai"):
        pybtex.database.parse_string(text, "bibtex")
    listing = parse_listing(text, "refs.bib")
    [warning] = [str(w) for w in listing.warnings if "no @string macro" in str(w)]
    assert warning.startswith("refs.bib:1: @string `conf`: `miccai`")
    assert "miccai" in (listing.entries[0].venue or "")


def braced_value_lines() -> list[int]:
    """The lines of library.bib with a field whose braced value ends on that line, with a comma."""
    lines = (DATA / "library.bib").read_text(encoding="utf-8").split("\n")
    return [n for n, line in enumerate(lines) if line.rstrip().endswith("},") and "= {" in line]


def _pybtex_fields(text: str) -> dict[str, int] | None:
    """How many fields and name lists pybtex reads in each entry; None: it refuses the file."""
    try:
        entries = pybtex.database.parse_string(text.replace("---\n---\n", ""), "bibtex").entries
    except pybtex.database.input.bibtex.PybtexSyntaxError:
        return None
    return {key: len(entry.fields) + len(entry.persons) for key, entry in entries.items()}


@pytest.mark.parametrize("extra", ["}", "} and more"])
@pytest.mark.parametrize("line", braced_value_lines())
def test_a_closing_brace_too_many_is_an_error_where_fields_would_be_lost(line, extra):
    """`title = {Extra} brace}},` closed the entry early: the import went on without a word, the
    entry's later fields (authors, year) lost. Every braced value of the library given a closing
    brace too many in turn: where pybtex (the oracle) refuses the file, or reads fewer fields of
    an entry than the file had (BibTeX skips text between entries), sitegen refuses it, saying
    the line of the value or of the first field left outside; else it reads the file."""
    original = (DATA / "library.bib").read_text(encoding="utf-8")
    lines = original.split("\n")
    lines[line] = lines[line].rstrip()[:-2] + extra + "},"
    text = "\n".join(lines)
    read, before = _pybtex_fields(text), _pybtex_fields(original)
    assert before is not None
    if read is None or any(read.get(key, 0) < count for key, count in before.items()):
        with pytest.raises(SitegenError) as caught:
            parse_listing(text, "library.bib")
        assert {problem.line for problem in caught.value.problems} & {line + 1, line + 2}
    else:
        assert parse_listing(text, "library.bib").entries


def test_mendeleys_addresses_in_one_url_field_are_the_papers_address_doi_and_links():
    """Mendeley writes every address of a record in one `url`, space-separated: the field was not
    one address, so it was kept under `extra` with no word, and the paper had no address."""
    doi, own, more = "10.1038/nature14539", "http://www.nature.com/articles/nature14539", "https://b.org/x"
    addresses = f"http://dx.doi.org/{doi} {own} {more}"
    text = f"@article{{k, title = {{A Title}}, year = 2020, url = {{{addresses}}}}}\n"
    listing = parse_listing(text, "refs.bib")
    [entry] = listing.entries
    assert (entry.url, entry.doi, [link.url for link in entry.links]) == (own, doi, [more])
    assert "url" not in dict(entry.extra)


@pytest.mark.parametrize("form", ["line", "after the value"])
@pytest.mark.parametrize("line", comma_ended_field_lines())
def test_a_percent_comment_between_fields_changes_nothing(line, form):
    """biber reads `% ...` between an entry's fields as a comment; bibtexparser took a comment
    line for a field swallowing the next one, and one after a value for part of it (refused
    since the check for text after a value). Each field of the library commented so in turn:
    the entries read are those of the file without the comment."""
    original = (DATA / "library.bib").read_text(encoding="utf-8")
    lines = original.split("\n")
    if form == "line":
        lines.insert(line + 1, "  % note = {checked against the PDF, 2024}")
    else:
        lines[line] += "  % checked {twice}"

    def read(text: str) -> list[RawEntry]:  # the line an entry starts on moves with a line added
        return [replace(entry, line=0) for entry in parse_listing(text, "library.bib").entries]

    assert read("\n".join(lines)) == read(original)


def test_a_quote_escaped_as_an_umlaut_in_a_quoted_value_is_read():
    """`title = "Schr\\"odinger cats"` was refused as text after the value once values were
    checked (bibtexparser reads on over the escaped quote, and pylatexenc makes it an umlaut)."""
    [entry] = parse_listing('@article{k, title = "Schr\\"odinger cats", year = 2020}\n', "r.bib").entries
    assert entry.title == "Schrödinger cats"
