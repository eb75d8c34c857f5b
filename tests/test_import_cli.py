"""`sitegen import` end to end: files written, re-imports, hand edits, years, bad input, dry runs."""

import datetime as dt
import os
import shutil
import stat
from pathlib import Path

import pytest

from sitegen.paperfile import read_meta

DATA = Path(__file__).parent / "data" / "listings"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def paper(project: Path, slug: str) -> tuple[dict, str]:
    path = project / "content" / "papers" / f"{slug}.md"
    meta, body, _ = read_meta(path.read_text(encoding="utf-8"), str(path))
    return meta, body


def edit(project: Path, slug: str, old: str, new: str) -> None:
    path = project / "content" / "papers" / f"{slug}.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def project(make_project, tmp_path):
    root = make_project()
    for name in ("dump.txt", "daily.txt", "daily_cut.txt"):
        shutil.copy(DATA / name, tmp_path / name)
    return root


def test_import_writes_a_page_per_paper_and_keeps_the_raw_listings(project, run_cli, tmp_path):
    code, out, err = run_cli(project, "import", tmp_path / "dump.txt", tmp_path / "daily.txt")
    assert code == 0
    papers = sorted(p.stem for p in (project / "content" / "papers").glob("*.md"))
    assert len(papers) == 7 and "polypnet-x" in papers and "cardiobench" in papers
    assert sorted(p.name for p in (project / "content" / "sources").iterdir()) == ["daily.txt", "dump.txt"]
    assert "[1/2] daily.txt: 4 papers (4 new" in err and "[2/2] dump.txt: 3 papers (3 new" in err
    assert "7 papers (7 created" in out and "3 derived titles to confirm" in out
    meta, body = paper(project, "polypnet-x")
    assert meta["title"] == "PolypNet-X: Lightweight Boundary-Aware Network for Real-Time Polyp Segmentation"
    assert meta["title_derived"] is True and "date" not in meta
    assert meta["links"] == [{"url": "https://github.com/example-lab/PolypNet-X", "kind": "code"}]
    assert meta["sources"] == ["dump.txt"]
    assert body.endswith("Code is available at [here](https://github.com/example-lab/PolypNet-X).")
    meta, _ = paper(project, "cardiobench")
    assert (meta["authors_count"], meta["upvotes"], str(meta["date"])) == (12, 7, "2024-11-08")
    assert "title_derived" not in meta and "date_inferred" not in meta
    meta, _ = paper(project, "dermatology-foundation-model-survey")
    assert meta["organization"] == "MedLab"


def test_importing_again_changes_no_byte_and_the_sources_alone_rebuild_the_corpus(project, run_cli, tmp_path):
    run_cli(project, "import", tmp_path / "dump.txt", tmp_path / "daily.txt")
    before = snapshot(project / "content")
    code, _, err = run_cli(project, "import", tmp_path / "daily.txt", tmp_path / "dump.txt")
    assert code == 0 and snapshot(project / "content") == before
    assert "already imported" in err
    code, _, _ = run_cli(project, "import")
    assert code == 0 and snapshot(project / "content") == before
    fresh = tmp_path / "fresh"
    shutil.copytree(project / "content" / "sources", fresh / "sources")
    code, _, _ = run_cli(project, "import", "--content", fresh)
    assert code == 0 and snapshot(fresh) == before


def test_a_listing_already_kept_is_not_copied_twice_and_a_new_one_with_a_taken_name_is(
    project, run_cli, tmp_path
):
    run_cli(project, "import", tmp_path / "daily.txt")
    renamed = tmp_path / "elsewhere" / "copy-of-daily.txt"
    renamed.parent.mkdir()
    shutil.copy(tmp_path / "daily.txt", renamed)
    run_cli(project, "import", renamed)
    assert [p.name for p in (project / "content" / "sources").iterdir()] == ["daily.txt"]
    other = tmp_path / "elsewhere" / "daily.txt"
    shutil.copy(tmp_path / "daily_cut.txt", other)
    code, _, _ = run_cli(project, "import", other)
    names = sorted(p.name for p in (project / "content" / "sources").iterdir())
    assert code == 0 and len(names) == 2 and "daily.txt" in names
    assert next(name for name in names if name != "daily.txt").startswith("daily-")


def test_hand_edits_survive_a_reimport_and_new_listings_still_fill_untouched_fields(
    project, run_cli, tmp_path
):
    run_cli(project, "import", tmp_path / "daily.txt")
    edit(
        project,
        "sepsis-prediction-from-bedside-monitors-with-transformers",
        "title: Sepsis",
        "title: Early Sepsis",
    )
    edit(project, "cardiobench", "Models fall well short", "Models (checked by hand) fall well short")
    edit(project, "cardiobench", "sources:", "topics:\n- cardiology\nsources:")
    newer = tmp_path / "newer.txt"
    newer.write_text(
        "Daily Papers\n\nSep 1\n\nSepsis Prediction from Bedside Monitors with Transformers\n\n"
        + (tmp_path / "daily.txt").read_text(encoding="utf-8").split("\n\n")[13]  # its own abstract
        + "\n\n  • 9 authors\n·\nMar 3, 2025 11\n\n"
        "CardioBench: A Benchmark for Echocardiogram Understanding\n\n"
        "Echocardiography is central to cardiac care, yet vision-language models are rarely tested on it. "
        "We introduce CardioBench, a benchmark of 9,000 echocardiogram clips with expert questions and\n\n"
        "  • 12 authors\n·\nNov 8, 2024 30\n",
        encoding="utf-8",
    )
    code, _out, err = run_cli(project, "import", newer)
    assert code == 0, err
    meta, _ = paper(project, "sepsis-prediction-from-bedside-monitors-with-transformers")
    assert meta["title"] == "Early Sepsis Prediction from Bedside Monitors with Transformers"  # kept
    assert (meta["upvotes"], meta["authors_count"], str(meta["date"])) == (11, 9, "2025-03-03")  # filled
    assert meta["sources"] == ["daily.txt", "newer.txt"]
    meta, body = paper(project, "cardiobench")
    assert "(checked by hand)" in body and meta["topics"] == ["cardiology"]
    assert meta["upvotes"] == 30
    assert not (project / "content" / "papers" / "early-sepsis-prediction.md").exists()


def test_without_the_import_state_every_existing_value_counts_as_the_editors(project, run_cli, tmp_path):
    run_cli(project, "import", tmp_path / "daily.txt")
    (project / "content" / ".import-state.json").unlink()
    edit(project, "cardiobench", "upvotes: 7", "upvotes: 1")
    edit(project, "whole-slide-pathology-report-generation", "authors_count: 5\n", "")
    code, _, _ = run_cli(project, "import")
    assert code == 0
    assert paper(project, "cardiobench")[0]["upvotes"] == 1
    assert paper(project, "whole-slide-pathology-report-generation")[0]["authors_count"] == 5


def test_a_dry_run_says_what_would_change_and_writes_nothing(project, run_cli, tmp_path):
    code, out, _ = run_cli(project, "import", "--dry-run", tmp_path / "daily.txt")
    assert code == 0 and "would create" in out and "cardiobench.md" in out and "nothing was written" in out
    assert not (project / "content").exists()
    run_cli(project, "import", tmp_path / "daily.txt")
    before = snapshot(project / "content")
    more = tmp_path / "more.txt"
    more.write_text(
        "Daily Papers\n\nCardioBench: A Benchmark for Echocardiogram Understanding\n\n"
        "Echocardiography is central to cardiac care, yet vision-language models are rarely tested on it. "
        "We introduce CardioBench, a benchmark of 9,000 echocardiogram clips with exp"
        "\n\n  • 12 authors\n·\nNov 8, 2024 99\n",
        encoding="utf-8",
    )
    code, out, err = run_cli(project, "import", "--dry-run", more)
    assert code == 0 and "would update" in out and "upvotes" in out and "would copy" in out
    merge = "would merge more.txt:3 into content/papers/cardiobench.md (with daily.txt:13): "
    assert merge + "same title; snippet of its abstract" in out
    assert merge not in err  # said once
    assert snapshot(project / "content") == before


def test_a_year_left_out_is_inferred_and_said_or_taken_from_the_year_flag(project, run_cli, tmp_path):
    code, _, err = run_cli(project, "import", tmp_path / "daily.txt")
    assert "taken as 2025" in err and "years up to 2024" in err and "--year" in err
    meta, _ = paper(project, "whole-slide-pathology-report-generation")
    assert str(meta["date"]) == "2025-02-02" and meta["date_inferred"] is True
    code, _, err = run_cli(project, "import", "--year", "2019", tmp_path / "daily.txt")
    assert code == 0 and "taken as 2019 (--year)" in err
    assert str(paper(project, "whole-slide-pathology-report-generation")[0]["date"]) == "2019-02-02"


NEXT_YEAR = dt.date.today().year + 1


@pytest.mark.parametrize(
    "year",
    ["99", "0099", "024", "20244", "1899", str(NEXT_YEAR + 1), "9999", "-2024", "+2024", "2024.0", "2k24",
     "", " ", "٢٠٢٤", "²⁰²⁴", "next"],
)  # fmt: skip
def test_a_year_that_is_not_a_plausible_four_digit_year_is_one_error_and_writes_nothing(
    project, run_cli, tmp_path, year
):
    run_cli(project, "import", tmp_path / "dump.txt")
    before = snapshot(project)
    code, out, err = run_cli(project, "import", f"--year={year}", tmp_path / "daily.txt")
    assert (code, out) == (1, "")
    assert err.startswith(
        f"error: --year {year!r} is not a plausible year: give all four digits, from 1900 to "
    )
    assert f"to {NEXT_YEAR}" in err and err.count("\n") == 1 and "Traceback" not in err
    assert snapshot(project) == before


@pytest.mark.parametrize("year", [1900, NEXT_YEAR])
def test_the_first_and_last_plausible_years_are_taken(project, run_cli, tmp_path, year):
    code, _, err = run_cli(project, "import", "--year", year, tmp_path / "daily.txt")
    assert code == 0 and f"taken as {year} (--year)" in err
    assert str(paper(project, "whole-slide-pathology-report-generation")[0]["date"]) == f"{year}-02-02"


def test_a_listing_with_no_year_at_all_falls_back_to_a_stated_assumption(project, run_cli, tmp_path):
    listing = tmp_path / "yearless.txt"
    listing.write_text(
        "Daily Papers\n\nA Paper\n\n" + "It works well. " * 30 + "\n\n  • 2 authors\n·\nJan 1\n"
    )
    code, _, err = run_cli(project, "import", listing)
    assert code == 0 and "no year at all" in err and "was assumed" in err


def test_a_cut_off_last_entry_is_warned_about_and_not_imported(project, run_cli, tmp_path):
    code, _, err = run_cli(project, "import", tmp_path / "daily_cut.txt")
    assert code == 0
    assert "warning: " in err and '"MRI Reconstruction with Diffusion Priors"' in err
    assert [p.stem for p in (project / "content" / "papers").glob("*.md")] == [
        "ultrasound-video-segmentation-with-memory"
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty"),
        (b"Abstract:caf\xe9 au lait\n", "is not UTF-8 text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a text file"),
        (b"id,title\n1,a paper\n", "not a listing format"),
        (b"new\n\nDaily Papers\n\nApr 20\n", "no complete paper"),
    ],
)
def test_bad_input_is_refused_naming_the_file_and_nothing_is_written(
    project, run_cli, tmp_path, content, message
):
    run_cli(project, "import", tmp_path / "dump.txt")
    before = snapshot(project / "content")
    bad = tmp_path / "bad-listing.txt"
    bad.write_bytes(content)
    code, _out, err = run_cli(project, "import", tmp_path / "daily.txt", bad)
    assert code == 1
    assert err.startswith("error: ") and "bad-listing.txt" in err and message in err
    assert len(err.strip().splitlines()) == 1
    assert snapshot(project / "content") == before


def test_a_missing_listing_is_named(project, run_cli, tmp_path):
    code, _, err = run_cli(project, "import", tmp_path / "nowhere.txt")
    assert code == 1 and "nowhere.txt" in err and "no such file" in err
    assert not (project / "content").exists()


def test_the_content_folder_comes_from_the_site_config(make_project, run_cli, tmp_path):
    site = "title: T\ndescription: D\nbase_url: https://example.org/\nauthor: A\npaths:\n  content: corpus\n"
    root = make_project(site_yaml=site)
    code, _, _ = run_cli(root, "import", DATA / "dump.txt")
    assert code == 0 and len(list((root / "corpus" / "papers").glob("*.md"))) == 3
    assert not (root / "content").exists()


def test_a_listing_date_with_a_year_gives_the_year(project, run_cli, tmp_path):
    listing = tmp_path / "dated.txt"
    listing.write_text("Daily Papers\n\nApr 20, 2023\n\nA Paper\n\n" + "It works. " * 30 + "\n\n·\nJan 2\n")
    code, _, err = run_cli(project, "import", listing)
    assert code == 0 and "taken as 2023" in err
    assert str(paper(project, "a-paper")[0]["date"]) == "2023-01-02"


def test_a_page_the_editor_deleted_or_renamed_is_not_imported_twice(project, run_cli, tmp_path):
    run_cli(project, "import", tmp_path / "daily.txt")
    papers = project / "content" / "papers"
    (papers / "cardiobench.md").unlink()
    (papers / "whole-slide-pathology-report-generation.md").rename(papers / "slidewriter.md")
    code, _, err = run_cli(project, "import")
    assert code == 0 and "renamed or deleted, not imported again: content/papers/cardiobench.md" in err
    assert "whole-slide-pathology-report-generation.md was renamed content/papers/slidewriter.md" in err
    assert sorted(p.stem for p in papers.glob("*.md")) == [
        "dermatology-foundation-model-survey",
        "sepsis-prediction-from-bedside-monitors-with-transformers",
        "slidewriter",
    ]


def test_an_edited_derived_title_is_no_longer_marked_derived(project, run_cli, tmp_path):
    run_cli(project, "import", tmp_path / "dump.txt")
    edit(project, "polypnet-x", "title: 'PolypNet-X: Lightweight", "title: 'PolypNet-X: A Lightweight")
    run_cli(project, "import")
    meta, _ = paper(project, "polypnet-x")
    assert meta["title"].startswith("PolypNet-X: A Lightweight") and "title_derived" not in meta


def test_windows_line_endings_and_a_byte_order_mark_are_read(project, run_cli, tmp_path):
    listing = tmp_path / "windows.txt"
    text = (DATA / "daily.txt").read_text(encoding="utf-8").replace("\n", "\r\n")
    listing.write_bytes("\ufeff".encode() + text.encode("utf-8"))
    code, _, _ = run_cli(project, "import", listing)
    assert code == 0 and len(list((project / "content" / "papers").glob("*.md"))) == 4


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_written_files_are_readable_by_others_like_any_new_file(project, run_cli, tmp_path, umask):
    """Files are written atomically, through a temporary file (made private, 0600), yet get the
    mode any new file gets under the user's umask: readable by others under the usual 022, by
    the group only under 027 (the umask is set here: the one these tests run under may be either)."""
    before = os.umask(umask)
    try:
        probe = tmp_path / "any-new-file"
        probe.write_text("", encoding="utf-8")
        expected = stat.S_IMODE(probe.stat().st_mode)
        run_cli(project, "import", tmp_path / "dump.txt")
    finally:
        os.umask(before)
    assert expected == 0o666 & ~umask
    written = [path for path in (project / "content").rglob("*") if path.is_file()]
    assert written
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == expected, path
