"""An author list cut short (BibTeX's `and others`, "et al." in any listing) is no author: every
spelling of it, in every bibliography format, gives a page that lists the named authors and then
one `others`; every output says "et al." its own way (BibTeX's unbraced `others`, as pybtex reads
it) or names only those named (CSL-JSON, RIS, the citation meta tags); a merge keeps a whole
list over one cut short, whichever listing came first.
"""

from __future__ import annotations

import json
import re

import pybtex.database
import pytest
import rispy

from sitegen.paperfile import read_meta

SPELLINGS = ["others", "et al.", "et al", "et. al.", "et alii", "Et Al."]
TITLE = "Robust Lung Nodule Detection in Low-Dose CT"


def bibtex(marker: str) -> tuple[str, str]:
    return (
        "refs.bib",
        f"@article{{k1, title={{{TITLE}}}, author={{Park, Jin and Choi, Su and {marker}}}, year={{2023}}}}\n",
    )


def ris(marker: str) -> tuple[str, str]:
    return (
        "refs.ris",
        f"TY  - JOUR\nTI  - {TITLE}\nAU  - Park, Jin\nAU  - Choi, Su\nAU  - {marker}\nPY  - 2023\nER  - \n",
    )


def csl(marker: str) -> tuple[str, str]:
    names = [{"family": "Park", "given": "Jin"}, {"family": "Choi", "given": "Su"}, {"literal": marker}]
    item = {
        "id": "k1",
        "type": "article-journal",
        "title": TITLE,
        "author": names,
        "issued": {"date-parts": [[2023]]},
    }
    return "refs.json", json.dumps([item])


def imported(make_project, run_cli, tmp_path, *listings: tuple[str, str]):
    project = make_project()
    paths = []
    for number, (name, text) in enumerate(listings):
        path = tmp_path / f"{number}-{name}"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    code, _, err = run_cli(project, "import", *paths)
    assert code == 0, err
    [page] = (project / "content" / "papers").glob("*.md")
    meta, _, _ = read_meta(page.read_text(encoding="utf-8"), str(page))
    return project, page.stem, meta


@pytest.mark.parametrize("marker", SPELLINGS)
@pytest.mark.parametrize("listing", [bibtex, ris, csl], ids=["bibtex", "ris", "csl-json"])
def test_a_list_cut_short_is_the_named_authors_then_others_in_every_output(
    make_project, run_cli, tmp_path, listing, marker
):
    project, slug, meta = imported(make_project, run_cli, tmp_path, listing(marker))
    assert meta["authors"] == ["Park, Jin", "Choi, Su", "others"]
    code, _, err = run_cli(project, "build")
    assert code == 0, err
    public = project / "public"
    [entry] = pybtex.database.parse_file(public / "papers.bib").entries.values()
    persons = entry.persons["author"]
    assert [str(person) for person in persons] == ["Park, Jin", "Choi, Su", "others"]  # unbraced: "et al."
    [item] = json.loads((public / "papers.csl.json").read_text(encoding="utf-8"))
    assert [name.get("family") for name in item["author"]] == ["Park", "Choi"]
    [record] = rispy.loads((public / "papers.ris").read_text(encoding="utf-8"))
    assert record["authors"] == ["Park, Jin", "Choi, Su"]
    page = (public / "papers" / f"{slug}.html").read_text(encoding="utf-8")
    assert re.findall(r'name="citation_author" content="([^"]*)"', page) == ["Jin Park", "Su Choi"]
    assert re.search(r"<li>Jin Park</li><li>Su Choi</li><li[^>]*>et al\.</li></ul>", page)
    assert "Park, J., Choi, S., et al. (2023)." in page  # the APA reference
    assert "Park et al." in (public / "index.html").read_text(encoding="utf-8")  # its card
    shown = re.sub(r'<pre class="citation" id="citation-bibtex">.*?</pre>', "", page, flags=re.DOTALL)
    assert not re.search(r"\bothers\b", shown, re.IGNORECASE)  # but in BibTeX's `and others`


@pytest.mark.parametrize("cut_first", [True, False])
def test_a_merge_keeps_the_whole_list_over_one_cut_short(make_project, run_cli, tmp_path, cut_first):
    cut = (
        "refs.bib",
        f"@article{{k1, title={{{TITLE}}}, author={{Park, Jin and others}}, doi={{10.1000/rln}}}}\n",
    )
    whole = ris("Lim, Ho")
    whole = (whole[0], whole[1].replace("PY  - 2023\n", "PY  - 2023\nDO  - 10.1000/RLN\n"))
    listings = (cut, whole) if cut_first else (whole, cut)
    _, _, meta = imported(make_project, run_cli, tmp_path, *listings)
    assert meta["authors"] == ["Park, Jin", "Choi, Su", "Lim, Ho"]


@pytest.mark.parametrize("name", ["Etal", "Etalia", "{Others}", "Al", "Others, Ann", "Othersen"])
def test_a_name_that_only_looks_like_et_al_is_a_name(name):
    from sitegen import names

    assert not names.says_more(name)


def bibtex_chapter(marker: str) -> tuple[str, str]:
    return (
        "refs.bib",
        f"@incollection{{k1, title={{{TITLE}}}, author={{Park, Jin}}, year={{2023}},\n"
        f"  editor={{Roe, Richard and Doe, Jane and {marker}}}, booktitle={{Handbook of Imaging}}}}\n",
    )


def ris_chapter(marker: str) -> tuple[str, str]:
    return (
        "refs.ris",
        f"TY  - CHAP\nTI  - {TITLE}\nAU  - Park, Jin\nA2  - Roe, Richard\nA2  - Doe, Jane\nA2  - {marker}\n"
        "T2  - Handbook of Imaging\nPY  - 2023\nER  - \n",
    )


def csl_chapter(marker: str) -> tuple[str, str]:
    item = {
        "id": "k1",
        "type": "chapter",
        "title": TITLE,
        "author": [{"family": "Park", "given": "Jin"}],
        "editor": [
            {"family": "Roe", "given": "Richard"},
            {"family": "Doe", "given": "Jane"},
            {"literal": marker},
        ],
        "container-title": "Handbook of Imaging",
        "issued": {"date-parts": [[2023]]},
    }
    return "refs.json", json.dumps([item])


@pytest.mark.parametrize("marker", SPELLINGS)
@pytest.mark.parametrize(
    "listing", [bibtex_chapter, ris_chapter, csl_chapter], ids=["bibtex", "ris", "csl-json"]
)
def test_an_editor_list_cut_short_is_said_as_et_al_in_every_output(
    make_project, run_cli, tmp_path, listing, marker
):
    """`editor = {Roe, Richard and others}` gave an editor named "others": `{others}` in papers.bib
    (a name to BibTeX), `A2  - others`, a CSL literal "others", "In R. Roe & others (Eds.)" and
    "others" among the page's editors."""
    project, slug, meta = imported(make_project, run_cli, tmp_path, listing(marker))
    assert meta["editors"] == ["Roe, Richard", "Doe, Jane", "others"]
    code, _, err = run_cli(project, "build")
    assert code == 0, err
    public = project / "public"
    [entry] = pybtex.database.parse_file(public / "papers.bib").entries.values()
    assert [str(person) for person in entry.persons["editor"]] == ["Roe, Richard", "Doe, Jane", "others"]
    [item] = json.loads((public / "papers.csl.json").read_text(encoding="utf-8"))
    assert [name.get("family") for name in item["editor"]] == ["Roe", "Doe"]
    assert not any("literal" in name for name in item["editor"])
    [record] = rispy.loads((public / "papers.ris").read_text(encoding="utf-8"))
    assert record["secondary_authors"] == ["Roe, Richard", "Doe, Jane"]
    page = (public / "papers" / f"{slug}.html").read_text(encoding="utf-8")
    assert re.search(
        r"<dt>Editors</dt><dd><ul[^>]*><li>Richard Roe</li><li>Jane Doe</li><li[^>]*>et al\.</li>", page
    )
    assert "In R. Roe, J. Doe, et al. (Eds.), Handbook of Imaging" in page  # the APA reference
    shown = re.sub(r'<pre class="citation" id="citation-bibtex">.*?</pre>', "", page, flags=re.DOTALL)
    assert not re.search(r"\bothers\b", shown, re.IGNORECASE)


@pytest.mark.parametrize("tag", ["A2", "ED"])
def test_a_ris_chapters_editors_are_read_from_a2_or_ed(make_project, run_cli, tmp_path, tag):
    """Zotero's `ED` was kept under `extra` as text: the reference had no "(Ed.)"."""
    listing = ris_chapter("Lim, Ho")
    listing = (listing[0], listing[1].replace("A2  - ", f"{tag}  - "))
    _, _, meta = imported(make_project, run_cli, tmp_path, listing)
    assert meta["editors"] == ["Roe, Richard", "Doe, Jane", "Lim, Ho"]
    assert "ED" not in (meta.get("extra") or {})
