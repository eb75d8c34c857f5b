"""A bibliographic record's abstract is text: its braces are its own ("the set {1, 2, 3}", a JSON
example), not LaTeX's groups, which the importer drops from a listing's TeX prose. RIS and
CSL-JSON abstracts are plain text; BibTeX's are LaTeX, read to text by then (`\\{` is a brace)."""

from __future__ import annotations

import json

import pytest

from sitegen.abstracts import render_abstract
from sitegen.paperfile import parse_paper

TEXTS = [
    "We use the set {1, 2, 3} of labels.",
    'A config such as {"k": 1, "v": [2]} is read.',
    "Scores {a} and {b} are compared; {}-free otherwise.",
    "An open { brace and a closed } one.",
]


def ris(text: str) -> tuple[str, str]:
    return "refs.ris", f"TY  - JOUR\nTI  - A Title\nAU  - Doe, Jane\nPY  - 2020\nAB  - {text}\nER  - \n"


def csl(text: str) -> tuple[str, str]:
    item = {"id": "k1", "type": "article-journal", "title": "A Title", "abstract": text,
            "author": [{"family": "Doe", "given": "Jane"}], "issued": {"date-parts": [[2020]]}}  # fmt: skip
    return "refs.json", json.dumps([item])


def bibtex(text: str) -> tuple[str, str]:
    latex = text.replace("{", "\\{").replace("}", "\\}")  # a brace as LaTeX writes the character
    return (
        "refs.bib",
        f"@article{{k1, title = {{A Title}}, author = {{Doe, Jane}}, year = 2020,\n"
        f"  abstract = {{{latex}}}}}\n",
    )


def imported_abstract(make_project, run_cli, tmp_path, listing: tuple[str, str]) -> str:
    """The abstract's text, as the page shows it, of the one paper a listing (name, content) imports."""
    project = make_project()
    name, content = listing
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    code, _, err = run_cli(project, "import", path)
    assert code == 0, err
    [page] = (project / "content" / "papers").glob("*.md")
    paper = parse_paper(page.read_text(encoding="utf-8"), str(page), page.stem)
    return render_abstract(paper.abstract).text


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("listing", [ris, csl, bibtex], ids=["ris", "csl-json", "bibtex"])
def test_a_records_abstract_keeps_its_braces(make_project, run_cli, tmp_path, listing, text):
    assert imported_abstract(make_project, run_cli, tmp_path, listing(text)) == text


@pytest.mark.parametrize("command", ["\\emph{novel}", "\\textbf{novel}", "{\\bf novel}", "{\\em novel}"])
@pytest.mark.parametrize("listing", [ris, csl], ids=["ris", "csl-json"])
def test_arxivs_tex_in_a_records_abstract_is_read_and_its_own_braces_kept(
    make_project, run_cli, tmp_path, listing, command
):
    """Zotero keeps arXiv's TeX in a RIS or CSL-JSON abstract: `\\emph{novel}` was imported as
    `{novel}` once the text's own braces were kept. The font command goes with its group."""
    written = listing(f"We propose a {command} method for the set {{1, 2, 3}}.")
    assert (
        imported_abstract(make_project, run_cli, tmp_path, written)
        == "We propose a novel method for the set {1, 2, 3}."
    )
