"""Importing a listing again finds the pages its entries made, however little an entry says.

An entry with a short title and nothing else (no authors, abstract or identifier) is no evidence
of being any page: before the import state remembered which entries made a page, every import of
its listing made another page. The listings are written by independent writers (pybtex for
BibTeX, rispy for RIS, the json module for CSL-JSON) from generated shapes of thin entries.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pybtex.database
import pytest
import rispy

from sitegen.paperfile import read_meta

# Thin entries: (title, year, month); None leaves the field out.
SHAPES = {
    "short title": ("Editorial", None, None),
    "short title, year": ("No date CSL", 2021, None),
    "short title, year, month": ("Reply to comments", 2020, 3),
    "long title alone": ("Deep learning for lung nodule detection in chest CT", None, None),
}
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def bibtex(entries: list[tuple[str, int | None, int | None]]) -> str:
    data = pybtex.database.BibliographyData()
    for number, (title, year, month) in enumerate(entries):
        fields = {"title": title}
        if year is not None:
            fields["year"] = str(year)
        if month is not None:
            fields["month"] = MONTHS[month - 1]
        data.entries[f"key{number}"] = pybtex.database.Entry("article", fields=fields)
    return data.to_string("bibtex")


def ris(entries: list[tuple[str, int | None, int | None]]) -> str:
    records = []
    for title, year, month in entries:
        record = {"type_of_reference": "JOUR", "title": title}
        if year is not None:
            record["date"] = f"{year}/{month:02d}//" if month else f"{year}///"
        records.append(record)
    return rispy.dumps(records)


def csl_json(entries: list[tuple[str, int | None, int | None]]) -> str:
    items = []
    for number, (title, year, month) in enumerate(entries):
        item: dict[str, object] = {"id": f"item{number}", "type": "article-journal", "title": title}
        if year is not None:
            item["issued"] = {"date-parts": [[year, month] if month else [year]]}
        items.append(item)
    return json.dumps(items, indent=2)


WRITERS = {"refs.bib": bibtex, "refs.ris": ris, "refs.json": csl_json}
CASES = [(name, shape, repeated) for name, shape, repeated in itertools.product(WRITERS, SHAPES, (1, 2))]


def papers(project: Path) -> dict[str, bytes]:
    folder = project / "content" / "papers"
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.md"))}


@pytest.mark.parametrize(
    "name, shape, repeated", CASES, ids=[f"{n}-{s}-x{r}".replace(" ", "_") for n, s, r in CASES]
)
def test_a_thin_entry_imported_again_makes_no_new_page(
    make_project, run_cli, tmp_path, name, shape, repeated
):
    """`repeated`: the same thin entry twice in the listing, under other keys: two papers when
    the title is too short to be evidence alone, and each import finds each its own page."""
    project = make_project()
    listing = tmp_path / name
    listing.write_text(WRITERS[name]([SHAPES[shape]] * repeated), encoding="utf-8")
    code, out, err = run_cli(project, "import", listing)
    assert code == 0, err
    first = papers(project)
    specific = len(SHAPES[shape][0].split()) >= 4  # a long title alone joins the two entries
    assert len(first) == (1 if specific else repeated), out
    for again in (("import", listing), ("import",)):  # the listing named, then content/sources/
        code, out, err = run_cli(project, *again)
        assert code == 0, err
        assert f"(0 created, 0 updated, {len(first)} unchanged)" in out, out
        assert papers(project) == first


def test_a_page_the_editor_retitled_is_found_again_by_its_entry(make_project, run_cli, tmp_path):
    project = make_project()
    listing = tmp_path / "refs.json"
    listing.write_text(csl_json([SHAPES["short title"]]), encoding="utf-8")
    run_cli(project, "import", listing)
    [page] = (project / "content" / "papers").glob("*.md")
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("title: Editorial", 'title: "Editorial: a new journal"'), "utf-8")
    code, out, _ = run_cli(project, "import", listing)
    assert code == 0 and "0 created" in out
    [still] = (project / "content" / "papers").glob("*.md")
    meta, _, _ = read_meta(still.read_text(encoding="utf-8"), str(still))
    assert meta["title"] == "Editorial: a new journal"


@pytest.mark.parametrize("name", list(WRITERS))
def test_a_listing_edited_in_place_or_exported_again_still_finds_its_thin_entries(
    make_project, run_cli, tmp_path, name
):
    """A record is remembered by its key in its listing (CSL's id, BibTeX's key, RIS's ID where
    given), so an entry added to the file kept in content/sources/ leaves the others found (named
    by their lines, every entry after the new one would have become a new page)."""
    project = make_project()
    listing = tmp_path / name
    thin = [SHAPES["short title"], SHAPES["short title, year"]]
    listing.write_text(WRITERS[name](thin), encoding="utf-8")
    run_cli(project, "import", listing)
    kept = project / "content" / "sources" / name
    first = papers(project)
    state = json.loads((project / "content" / ".import-state.json").read_text(encoding="utf-8"))
    entries = sorted(entry for record in state["papers"].values() for entry in record["keys"]["entries"])
    if name != "refs.ris":  # rispy writes no ID: RIS records are named by their lines
        assert all("#" in entry for entry in entries), entries
    kept.write_text(WRITERS[name]([*thin, SHAPES["long title alone"]]), encoding="utf-8")  # one added
    code, out, err = run_cli(project, "import")
    assert code == 0, err
    added = set(papers(project)) - set(first)
    assert len(added) == 1 and all(papers(project)[page] == text for page, text in first.items()), out


@pytest.mark.parametrize("name", ["refs.bib", "refs.json"])
def test_a_key_given_to_another_paper_is_not_the_page_it_made(make_project, run_cli, tmp_path, name):
    """The key a page was made from, now on a record of another title: two papers, never the
    page overwritten with the other paper's fields."""
    project = make_project()
    listing = tmp_path / name
    listing.write_text(WRITERS[name]([SHAPES["short title"]]), encoding="utf-8")
    run_cli(project, "import", listing)
    first = papers(project)
    listing.write_text(WRITERS[name]([SHAPES["short title, year, month"]]), encoding="utf-8")  # same key
    code, out, err = run_cli(project, "import", listing)
    assert code == 0, err
    assert "(1 created, 0 updated" in out and all(
        papers(project)[page] == text for page, text in first.items()
    )


@pytest.mark.parametrize("name", list(WRITERS))
def test_after_an_upgrade_a_thin_entry_finds_the_page_an_import_state_without_entries_remembers(
    make_project, run_cli, tmp_path, name
):
    """An import state written before pages remembered their entries: the page with the entry's
    title, from its listing, with nothing else to compare, is the entry's (else the first
    import after the upgrade made another); the same title from another listing is another paper."""
    project = make_project()
    listing = tmp_path / name
    listing.write_text(WRITERS[name]([SHAPES["short title"]]), encoding="utf-8")
    run_cli(project, "import", listing)
    state_path = project / "content" / ".import-state.json"
    state = json.loads(state_path.read_text(encoding="utf-8"))
    for record in state["papers"].values():
        del record["keys"]["entries"]
    state_path.write_text(json.dumps(state, indent=1), encoding="utf-8")
    first = papers(project)
    code, out, err = run_cli(project, "import", listing)
    assert code == 0, err
    assert "(0 created" in out and papers(project) == first
    other = tmp_path / ("other" + listing.suffix)
    other.write_text(WRITERS[name]([SHAPES["short title"]]), encoding="utf-8")
    other.write_text(other.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # not the same file
    code, out, err = run_cli(project, "import", other)
    assert code == 0, err
    assert len(papers(project)) == 2, "an editorial of another listing is another paper"
