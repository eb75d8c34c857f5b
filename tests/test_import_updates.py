"""Importing an updated listing again: the page follows the latest version of it.

The listings are written by pybtex from generated versions of one record (its pages, journal,
volume changed in turn); the values each page must show are those of the version imported last.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pybtex.database
import pytest

from sitegen.paperfile import read_meta

TITLE = "Deep Learning for Lung Nodule Detection in Chest CT Scans"
JOURNALS = ["Medical Image Analysis", "IEEE Transactions on Medical Imaging", "Radiology"]


def bibtex(records: list[dict[str, str]]) -> str:
    data = pybtex.database.BibliographyData()
    for number, fields in enumerate(records):
        entry = pybtex.database.Entry("article", fields={k: v for k, v in fields.items() if k != "author"})
        entry.persons["author"] = [pybtex.database.Person(name) for name in fields["author"].split(" and ")]
        data.entries[f"key{number}"] = entry
    return data.to_string("bibtex")


def versions(seed: int, count: int) -> list[dict[str, str]]:
    """`count` versions of one record, each changing its pages, or its journal and pages, or its volume."""
    rng = random.Random(seed)
    record = {"title": TITLE, "author": "Smith, John and Doe, Jane", "year": "2020"}
    record |= {"journal": JOURNALS[0], "pages": "1--10", "volume": "1"}
    found = [dict(record)]
    for _ in range(count - 1):
        start = rng.randrange(1, 500)
        record["pages"] = f"{start}--{start + rng.randrange(1, 30)}"
        change = rng.choice(["pages", "journal", "volume"])
        if change == "journal":
            record["journal"] = rng.choice([j for j in JOURNALS if j != record["journal"]])
        elif change == "volume":
            record["volume"] = str(int(record["volume"]) + 1)
        found.append(dict(record))
    return found


def page_meta(project: Path) -> dict:
    [page] = (project / "content" / "papers").glob("*.md")
    meta, _, _ = read_meta(page.read_text(encoding="utf-8"), str(page))
    return meta


def expected(record: dict[str, str]) -> dict[str, str]:
    """What pybtex reads in the version written: the page's venue, volume and pages."""
    entry = pybtex.database.parse_string(bibtex([record]), "bibtex").entries["key0"]
    return {
        "venue": entry.fields["journal"],
        "volume": entry.fields["volume"],
        "pages": entry.fields["pages"].replace("--", "–"),
    }


@pytest.mark.parametrize("seed", range(4))
def test_each_reimport_of_an_updated_listing_shows_its_latest_values(make_project, run_cli, tmp_path, seed):
    project = make_project()
    listing = tmp_path / "refs.bib"
    for number, record in enumerate(versions(seed, 6)):
        listing.write_text(bibtex([record]), encoding="utf-8")
        code, out, err = run_cli(project, "import", listing)
        assert code == 0, err
        meta = page_meta(project)
        assert {key: meta.get(key) for key in ("venue", "volume", "pages")} == expected(record), (number, err)
        assert sorted(p.name for p in (project / "content" / "sources").iterdir()) == ["refs.bib"]
        assert meta["sources"] == ["refs.bib"]
        if number:
            assert "replaces content/sources/refs.bib, an earlier version of it" in err
    code, out, err = run_cli(project, "import")  # content/sources/ alone gives the same page
    assert code == 0 and "1 unchanged" in out, err


def test_a_field_the_editor_changed_is_kept_while_the_others_follow_the_listing(
    make_project, run_cli, tmp_path
):
    project = make_project()
    listing = tmp_path / "refs.bib"
    first, second, third = versions(7, 3)
    listing.write_text(bibtex([first]), encoding="utf-8")
    run_cli(project, "import", listing)
    [page] = (project / "content" / "papers").glob("*.md")
    page.write_text(page.read_text(encoding="utf-8").replace("volume: '1'", "volume: '99'"), "utf-8")
    for record in (second, third):
        listing.write_text(bibtex([record]), encoding="utf-8")
        code, _, err = run_cli(project, "import", listing)
        assert code == 0, err
    meta = page_meta(project)
    assert meta["volume"] == "99"
    assert meta["pages"] == expected(third)["pages"] and meta["venue"] == expected(third)["venue"]


def test_older_copies_piled_up_beside_a_listing_are_replaced_by_its_update(make_project, run_cli, tmp_path):
    """Earlier releases kept each changed copy as refs-<hash>.bib: the update replaces them all."""
    project = make_project()
    records = versions(3, 4)
    sources = project / "content" / "sources"
    sources.mkdir(parents=True)
    (sources / "refs.bib").write_text(bibtex([records[0]]), encoding="utf-8")
    for number, record in enumerate(records[1:3]):
        (sources / f"refs-{number:08x}.bib").write_text(bibtex([record]), encoding="utf-8")
    listing = tmp_path / "refs.bib"
    listing.write_text(bibtex([records[3]]), encoding="utf-8")
    code, out, err = run_cli(project, "import", "--dry-run", listing)
    assert code == 0 and "would remove" in out and len(list(sources.iterdir())) == 3, err
    code, _, err = run_cli(project, "import", listing)
    assert code == 0, err
    assert [p.name for p in sources.iterdir()] == ["refs.bib"]
    state = json.loads((project / "content" / ".import-state.json").read_text(encoding="utf-8"))
    assert list(state["sources"]) == ["refs.bib"]
    assert {k: page_meta(project).get(k) for k in ("venue", "volume", "pages")} == expected(records[3])


NEW_PAPER = {"title": "Liver Lesion Segmentation With Graph Networks", "author": "Poe, Edgar", "year": "2024"}
# A later refs.bib without an entry of the kept one (the first, the second), or whose key of one
# names another paper (its own entries said nothing of it: an editor reused the key).
CHANGES = {
    "first dropped": lambda pair: pair[1:],
    "second dropped": lambda pair: pair[:1],
    "a key reused": lambda pair: [NEW_PAPER, pair[1]],
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_listing_of_the_same_name_with_other_papers_is_kept_beside_it(
    make_project, run_cli, tmp_path, change
):
    """A `refs.bib` lacking a paper of the kept one is not taken for its update: both are kept
    (no paper loses its source, and content/sources/ imports into every page again), and a note
    says so."""
    project = make_project()
    listing = tmp_path / "refs.bib"
    one = {"title": TITLE, "author": "Smith, John", "year": "2020", "journal": "Radiology"}
    other = {"title": "Another Paper Entirely On Retinal Images", "author": "Roe, Rick", "year": "2021"}
    pair = [one, other]
    listing.write_text(bibtex(pair), encoding="utf-8")
    run_cli(project, "import", listing)
    kept = [dict(record, journal="Nature") for record in CHANGES[change](pair)]
    listing.write_text(bibtex(kept), encoding="utf-8")
    code, _, err = run_cli(project, "import", listing)
    assert code == 0, err
    names = sorted(p.name for p in (project / "content" / "sources").iterdir())
    assert len(names) == 2 and names[1] == "refs.bib" and names[0].startswith("refs-"), names
    assert "holds a different listing of that name" in err
    pages = sorted(path.name for path in (project / "content" / "papers").glob("*.md"))
    again = make_project()
    sources = [project / "content" / "sources" / name for name in names]
    code, _, err = run_cli(again, "import", *sources)
    assert code == 0, err
    assert sorted(path.name for path in (again / "content" / "papers").glob("*.md")) == pages


PREPRINT = {"title": TITLE.replace("Detection", "Detecton"), "author": "Smith, John", "year": "2020"}
PREPRINT |= {"eprint": "2001.01234", "archiveprefix": "arXiv"}
# An entry updated under its key: a typo fixed in its title, a DOI added; published years later;
# published under a new title (its arXiv id the same).
UPDATES = {
    "typo fixed, DOI added": dict(PREPRINT, title=TITLE, doi="10.1000/lung.1"),
    "published three years on": dict(PREPRINT, year="2023", journal="Radiology", doi="10.1000/lung.1"),
    "published under a new title": dict(
        PREPRINT, title="Graph Networks Find Lung Nodules", doi="10.1000/lung.1"
    ),
}


@pytest.mark.parametrize("update", list(UPDATES))
def test_an_update_of_an_entry_under_its_key_replaces_the_kept_listing_and_updates_its_page(
    make_project, run_cli, tmp_path, update
):
    project = make_project()
    listing = tmp_path / "refs.bib"
    listing.write_text(bibtex([PREPRINT]), encoding="utf-8")
    run_cli(project, "import", listing)
    [page] = (project / "content" / "papers").glob("*.md")
    listing.write_text(bibtex([UPDATES[update]]), encoding="utf-8")
    code, _, err = run_cli(project, "import", listing)
    assert code == 0, err
    assert sorted(p.name for p in (project / "content" / "sources").iterdir()) == ["refs.bib"]
    assert "an earlier version of it" in err
    assert list((project / "content" / "papers").glob("*.md")) == [page]  # no second page
    assert page_meta(project)["doi"] == "10.1000/lung.1"


def test_a_listing_named_by_titles_that_gains_a_paper_of_a_title_it_has_is_its_update(
    make_project, run_cli, tmp_path
):
    """RIS without `ID`s (Web of Science's, Scopus's) names its entries by their titles: two
    editorials, then a third of that title, is the same listing grown."""
    project = make_project()
    listing = tmp_path / "refs.ris"
    record = "TY  - JOUR\nTI  - Editorial\nAU  - {name}\nPY  - {year}\nER  - \n"
    two = [record.format(name="Smith, John", year=2019), record.format(name="Brown, Ann", year=2021)]
    listing.write_text("".join(two), encoding="utf-8")
    run_cli(project, "import", listing)
    listing.write_text("".join([*two, record.format(name="Green, Ed", year=2023)]), encoding="utf-8")
    code, _, err = run_cli(project, "import", listing)
    assert code == 0, err
    assert sorted(p.name for p in (project / "content" / "sources").iterdir()) == ["refs.ris"]


# -- a renamed page ----------------------------------------------------------------------------

EDITS = {
    "nothing": lambda text: text,
    "title": lambda text: text.replace(f"title: {TITLE}", "title: Lung nodules, found"),
    "authors": lambda text: text.replace("- Doe, Jane", "- Doe, J."),
}


@pytest.mark.parametrize("doi", [True, False])
@pytest.mark.parametrize("edit", list(EDITS))
def test_a_renamed_page_is_followed_and_updated(make_project, run_cli, tmp_path, edit, doi):
    project = make_project()
    listing = tmp_path / "refs.bib"
    first, second = versions(11, 2)
    if doi:
        first["doi"] = second["doi"] = "10.1000/lung.2020"
    listing.write_text(bibtex([first]), encoding="utf-8")
    run_cli(project, "import", listing)
    papers = project / "content" / "papers"
    [page] = papers.glob("*.md")
    renamed = papers / "lung-nodules.md"
    renamed.write_text(EDITS[edit](page.read_text(encoding="utf-8")), encoding="utf-8")
    page.unlink()
    listing.write_text(bibtex([second]), encoding="utf-8")
    more = tmp_path / "more.bib"  # another listing's record of the paper, merged into the page
    more.write_text(bibtex([dict(second, note="seen again")]).replace("key0", "other"), encoding="utf-8")
    code, out, err = run_cli(project, "import", listing, more)
    followed = edit != "title" or doi  # a retitled page without its DOI is no longer that paper
    if not followed:
        assert "renamed or deleted, not imported again" in err and "give the file back its old name" in err
        return
    assert code == 0 and f"was renamed {Path('content/papers/lung-nodules.md')}" in err, err
    assert [p.name for p in papers.glob("*.md")] == ["lung-nodules.md"]
    assert f"into {Path('content/papers/lung-nodules.md')}" in err and "renamed or deleted" not in err
    meta = page_meta(project)
    assert meta["pages"] == expected(second)["pages"] and meta["sources"] == ["more.bib", "refs.bib"]
    if edit == "title":
        assert meta["title"] == "Lung nodules, found"
    code, out, err = run_cli(project, "import")
    assert code == 0 and "1 unchanged" in out and "renamed" not in err, err


def test_a_page_copied_to_two_names_is_followed_to_neither(make_project, run_cli, tmp_path):
    project = make_project()
    listing = tmp_path / "refs.bib"
    listing.write_text(bibtex(versions(5, 1)), encoding="utf-8")
    run_cli(project, "import", listing)
    papers = project / "content" / "papers"
    [page] = papers.glob("*.md")
    for name in ("a.md", "b.md"):
        (papers / name).write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    page.unlink()
    code, _, err = run_cli(project, "import", listing)
    assert code == 0 and "could be any of" in err and "a.md" in err and "b.md" in err, err


# -- a snippet, then the full abstract ---------------------------------------------------------

ABSTRACT = (
    "We propose a new method for lung nodule detection in chest CT scans using deep convolutional "
    "networks trained on large public datasets and evaluated on three hospitals with strong results "
    "across all sites and scanners, and we release the code and the trained weights."
)


def daily(abstract: str) -> str:
    return (
        f"Daily Papers\n\nLungNet: Finding Lung Nodules\n\n{abstract}\n\n  • 5 authors\n·\nDec 3, 2024 12\n"
    )


def snippet_cuts() -> list[int]:
    """Cut points inside words (as the site cuts its teasers), from 12 words on."""
    words = ABSTRACT.split(" ")
    starts = [len(" ".join(words[:n])) + 1 for n in range(12, len(words) - 2, 3)]
    return [start + 2 for start in starts]


@pytest.mark.parametrize("cut", snippet_cuts())
def test_a_page_made_from_a_snippet_takes_the_full_abstract_of_a_later_listing(
    make_project, run_cli, tmp_path, cut
):
    """The page's snippet stops mid-word as its entry did: before, the page forgot that, its last
    word differed from the full text's, and the full abstract made a second page."""
    project = make_project()
    (tmp_path / "a.txt").write_text(daily(ABSTRACT[:cut]), encoding="utf-8")
    (tmp_path / "b.txt").write_text(daily(ABSTRACT), encoding="utf-8")
    run_cli(project, "import", tmp_path / "a.txt")
    code, out, err = run_cli(project, "import", tmp_path / "b.txt")
    assert code == 0 and "0 created, 1 updated" in out, err
    [page] = (project / "content" / "papers").glob("*.md")
    _, body, _ = read_meta(page.read_text(encoding="utf-8"), str(page))
    assert body.strip() == ABSTRACT


BODY_EDITS = {
    "a comment appended": lambda body: body + "\n<!-- check this -->",
    "a word changed": lambda body: body.replace("lung", "pulmonary", 1),
    "a sentence appended": lambda body: body + "\n\nSee also our later work.",
}


@pytest.mark.parametrize("upvotes", [False, True])
@pytest.mark.parametrize("edit", list(BODY_EDITS))
def test_a_fuller_abstract_held_back_by_a_hand_edit_is_said_and_can_be_taken(
    make_project, run_cli, tmp_path, edit, upvotes
):
    project = make_project()
    (tmp_path / "a.txt").write_text(daily(ABSTRACT[:120]), encoding="utf-8")
    (tmp_path / "b.txt").write_text(daily(ABSTRACT).replace(" 12\n", " 15\n"), encoding="utf-8")
    run_cli(project, "import", tmp_path / "a.txt")
    [page] = (project / "content" / "papers").glob("*.md")
    text = page.read_text(encoding="utf-8")
    head, _, body = text.rpartition("---\n")
    if upvotes:
        head = head.replace("upvotes: 12", "upvotes: 3")
    page.write_text(f"{head}---\n{BODY_EDITS[edit](body.strip())}\n", encoding="utf-8")
    for dry in (True, False):
        code, _, err = run_cli(project, "import", *(["--dry-run"] if dry else []), tmp_path / "b.txt")
        assert code == 0, err
        [note] = [line for line in err.splitlines() if "held back" in line]
        assert str(Path("content/papers") / page.name) in note and "a fuller abstract" in note, note
        assert "delete the abstract" in note
        assert ("upvotes (15)" in note) == upvotes and ("write that value in" in note) == upvotes
    _, body, _ = read_meta(page.read_text(encoding="utf-8"), str(page))
    assert body.strip() == BODY_EDITS[edit](ABSTRACT[:120]).strip()  # the edit is kept
    head, _, _ = page.read_text(encoding="utf-8").rpartition("---\n")
    head = head.replace("upvotes: 3", "upvotes: 15")  # the value the note gives, written in
    page.write_text(f"{head}---\n", encoding="utf-8")  # the abstract deleted: the listings' is taken
    code, _, err = run_cli(project, "import")
    meta, body, _ = read_meta(page.read_text(encoding="utf-8"), str(page))
    assert code == 0 and body.strip() == ABSTRACT and "held back" not in err, err
    assert meta["upvotes"] == 15


# -- a paper file saved with Windows line ends -------------------------------------------------

HAND_EDITS = {
    "none": lambda text: text,
    "a field": lambda text: text.replace("venue: Medical Image Analysis", "venue: My Venue"),
    "a comment": lambda text: text.replace("sources:", "# mine\nsources:"),  # edited in place
}


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("edit", list(HAND_EDITS))
def test_a_page_updated_keeps_its_line_ends_and_crlf_is_no_edit(
    make_project, run_cli, tmp_path, edit, newline
):
    """Each re-import of an updated record (generated versions, an abstract of two paragraphs that
    changes too) rewrites the page with the line ends it has; saving it with CRLF edits nothing."""
    project = make_project()
    listing = tmp_path / "refs.bib"
    records = [
        dict(r, abstract=f"{ABSTRACT}\n\nVersion {n} of its second paragraph.")
        for n, r in enumerate(versions(2, 3))
    ]
    records[0]["journal"] = "Medical Image Analysis"
    listing.write_text(bibtex([records[0]]), encoding="utf-8")
    run_cli(project, "import", listing)
    [page] = (project / "content" / "papers").glob("*.md")
    text = HAND_EDITS[edit](page.read_text(encoding="utf-8"))
    page.write_bytes(text.replace("\n", newline).encode("utf-8"))
    for record in records[1:]:
        listing.write_text(bibtex([dict(record, journal="Medical Image Analysis")]), encoding="utf-8")
        code, _, err = run_cli(project, "import", listing)
        assert code == 0 and "held back" not in err, err
        data = page.read_bytes()
        lines = data.split(b"\n")[:-1]
        assert all(line.endswith(b"\r") == (newline == "\r\n") for line in lines), data
        meta, body, _ = read_meta(data.decode("utf-8").replace("\r\n", "\n"), str(page))
        assert body.strip() == record["abstract"] and meta["pages"] == expected(record)["pages"]
        assert meta["venue"] == ("My Venue" if edit == "a field" else "Medical Image Analysis")
