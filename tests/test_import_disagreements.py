"""Two records of one paper (the same DOI) that disagree: the page keeps the published, fullest
record's values whichever file is read first, and the import says each value it does not keep.
One author's short, generic title in two journals, with nothing else in common, is two papers."""

from __future__ import annotations

import itertools

import pytest

from sitegen.paperfile import read_meta

DOI = "10.1038/s41568-018-0016-5"
FULL = (
    "@article{a1, title={Artificial intelligence in radiology},\n"
    "  author={Hosny, Ahmed and Parmar, Chintan and Quackenbush, John and Schwartz, Lawrence H.},\n"
    "  journal={Nature Reviews Cancer}, volume={18}, number={8}, pages={500--510}, year={2018},\n"
    f"  doi={{{DOI}}}}}\n"
)
SHORT = (
    "TY  - JOUR\nAU  - Hosny A\nAU  - Parmar C\nTI  - Artificial intelligence in radiology.\n"
    f"JO  - Nat Rev Cancer\nPY  - 2018\nVL  - 81\nSP  - 500\nEP  - 511\nDO  - {DOI}\nER  - \n"
)


def import_files(make_project, run_cli, tmp_path, files: dict[str, str]):
    project = make_project()
    paths = []
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    code, _, err = run_cli(project, "import", *paths)
    assert code == 0, err
    pages = sorted((project / "content" / "papers").glob("*.md"))
    return [read_meta(page.read_text(encoding="utf-8"), str(page))[0] for page in pages], err


@pytest.mark.parametrize("bib, ris", list(itertools.product(["a.bib", "z.bib"], ["b.ris", "y.ris"])))
@pytest.mark.parametrize("ris_first", [False, True])
def test_which_record_is_kept_does_not_depend_on_the_files_names_and_the_rest_is_said(
    make_project, run_cli, tmp_path, bib, ris, ris_first
):
    """The page took the values of whichever file's name sorted first (a 2-author list, volume 81
    from a PubMed record over a 4-author list, volume 18), and said only "same DOI"."""
    files = {ris: SHORT, bib: FULL} if ris_first else {bib: FULL, ris: SHORT}
    [meta], err = import_files(make_project, run_cli, tmp_path, files)
    assert (meta["volume"], meta["issue"], meta["pages"], meta["venue"]) == (
        "18",
        "8",
        "500–510",
        "Nature Reviews Cancer",
    )
    assert len(meta["authors"]) == 4  # the list that names everyone
    [warning] = [line for line in err.splitlines() if "disagree" in line]
    assert f"volume 18, not 81 ({ris}:1)" in warning and f"pages 500–510, not 500–511 ({ris}:1)" in warning
    assert "venue" not in warning  # "Nat Rev Cancer" is the same journal, abbreviated


def reply(venue: str, year: int = 2021) -> str:
    fields = f"title={{Reply to comments}}, author={{Kumar, Raj}}, journal={{{venue}}}, year={{{year}}}"
    return f"@article{{r{len(venue)}, {fields}}}\n"


@pytest.mark.parametrize("venues", [("The Lancet", "JAMA"), ("Radiology", "Medical Image Analysis")])
def test_one_authors_generic_title_in_two_journals_is_two_papers(make_project, run_cli, tmp_path, venues):
    metas, err = import_files(
        make_project, run_cli, tmp_path, {"one.bib": reply(venues[0]), "two.bib": reply(venues[1])}
    )
    assert sorted(meta["venue"] for meta in metas) == sorted(venues)
    assert "yet venues" in err


@pytest.mark.parametrize(
    "venues",
    [
        ("The Lancet", "Lancet"),
        ("Nat Rev Cancer", "Nature Reviews Cancer"),
        ("JAMA", "Journal of the American Medical Association"),
        ("IEEE TMI", "IEEE Transactions on Medical Imaging"),
        ("MICCAI 2023", "Medical Image Computing and Computer Assisted Intervention - MICCAI 2023"),
    ],
)
def test_one_venue_written_two_ways_is_not_two_papers(make_project, run_cli, tmp_path, venues):
    metas, _ = import_files(
        make_project, run_cli, tmp_path, {"one.bib": reply(venues[0]), "two.bib": reply(venues[1])}
    )
    assert len(metas) == 1


def record(key: str, title: str, venue: str, field: str = "booktitle") -> str:
    authors = "author={Zaheer, Manzil and Kottur, Satwik}, year={2017}"
    fields = f"title={{{title}}}, {authors}, {field}={{{venue}}}"
    return f"@inproceedings{{{key}, {fields}}}\n"


@pytest.mark.parametrize("title", ["Deep Sets", "Attention", "Set Transformer"])
@pytest.mark.parametrize(
    "venues",
    [("NeurIPS", "Advances in Neural Information Processing Systems"),
     ("Proc Natl Acad Sci U S A", "Proceedings of the National Academy of Sciences")],
)  # fmt: skip
def test_a_papers_own_short_title_in_two_spellings_of_its_venue_is_one_paper(
    make_project, run_cli, tmp_path, title, venues
):
    """The venue rule split "Deep Sets" (NeurIPS / Advances in ...) in two, and a re-import split
    pages merged before: only titles made of the words many pieces share are kept apart so."""
    files = {"one.bib": record("a", title, venues[0]), "two.bib": record("b", title, venues[1])}
    metas, err = import_files(make_project, run_cli, tmp_path, files)
    assert len(metas) == 1 and "yet venues" not in err


def test_a_preprint_merged_with_its_published_version_is_no_disagreement(make_project, run_cli, tmp_path):
    """Every preprint + published merge warned "the merged records disagree" (venue arXiv, type
    preprint): keeping the published version's is the design, not a disagreement."""
    preprint = record("p", "Learning Sets of Things Well", "arXiv preprint arXiv:1703.06114", "journal")
    published = record("q", "Learning Sets of Things Well", "NeurIPS")
    metas, err = import_files(make_project, run_cli, tmp_path, {"pre.bib": preprint, "pub.bib": published})
    assert len(metas) == 1 and metas[0]["venue"] == "NeurIPS"
    assert "disagree" not in err
