"""The committed corpus is exactly what importing the committed sources gives."""

import re
import shutil
from pathlib import Path

from sitegen.paperfile import parse_paper

CONTENT = Path(__file__).resolve().parent.parent / "content"


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_reimporting_the_sources_into_an_empty_folder_recreates_the_corpus_byte_for_byte(run_cli, tmp_path):
    shutil.copytree(CONTENT / "sources", tmp_path / "content" / "sources")
    code, _, _ = run_cli(tmp_path, "import", "--content", tmp_path / "content")
    assert code == 0
    assert files(tmp_path / "content" / "papers") == files(CONTENT / "papers")
    assert (tmp_path / "content" / ".import-state.json").read_bytes() == (
        CONTENT / ".import-state.json"
    ).read_bytes()
    # The starter taxonomy a new content folder gets is the committed one.
    assert (tmp_path / "content" / "topics.yaml").read_bytes() == (CONTENT / "topics.yaml").read_bytes()


def test_a_project_started_from_listings_alone_builds(run_cli, make_project):
    root = make_project()
    shutil.copytree(CONTENT / "sources", root / "listings")
    listings = sorted((root / "listings").glob("*.txt"))
    code, out, err = run_cli(root, "import", "--dry-run", *listings)  # says what it would do, only
    assert code == 0 and "created" not in err and not (root / "content").exists()
    assert "would create" in out and "topics.yaml with the starter topics" in out
    code, _, err = run_cli(root, "import", *listings)
    assert code == 0, err
    assert "created" in err and "starter topics" in err
    code, _, err = run_cli(root, "build")
    assert code == 0, err
    assert (root / "public" / "topics" / "segmentation.html").is_file()


def test_the_corpus_holds_the_176_seed_papers_each_a_valid_paper_file():
    papers = sorted((CONTENT / "papers").glob("*.md"))
    assert len(papers) == 176
    parsed = [parse_paper(p.read_text(encoding="utf-8"), str(p), p.stem) for p in papers]
    assert all(len(p.slug) <= 60 and p.slug.isascii() for p in parsed)
    assert sum(p.title_derived for p in parsed) == 21
    assert {p.slug for p in parsed} >= {"endogen", "radfabric", "medsam-agent", "x-grm"}


def test_every_link_in_the_corpus_is_a_clean_url_and_every_url_in_a_body_is_linked():
    for path in sorted((CONTENT / "papers").glob("*.md")):
        paper = parse_paper(path.read_text(encoding="utf-8"), str(path), path.stem)
        for link in paper.links:
            assert link.url.startswith("https://"), link.url
            assert not re.search(r"[{}\\\s]|[.,;:)]$", link.url), link.url
            assert f"<{link.url}>" in paper.abstract or f"]({link.url})" in paper.abstract
        assert "\\href" not in paper.abstract and "textbf" not in paper.abstract and "{" not in paper.abstract
