"""Counts of a thousand or more are written with their thousands set apart ("1,005 papers"), on
the pages the build writes and in what site.js and search.js write on them: "10000 papers" was
hard to read. The expected text comes from Python's `format(n, ",")` and the browser's own
`Intl` (`toLocaleString("en-US")`), not from sitegen's code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from sitegen.cli import main as sitegen_main
from tests.conftest import SAMPLE_TOPICS, SITE_YAML, write_files
from tests.test_site_all_papers import corpus

pytestmark = pytest.mark.browser

PAPERS = 1005


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("counts") / "project"
    write_files(root, {"site.yaml": SITE_YAML, **corpus(PAPERS)})
    (root / "content/topics.yaml").write_text(
        yaml.safe_dump(SAMPLE_TOPICS, sort_keys=False), encoding="utf-8"
    )
    assert sitegen_main(["build", "--config", str(root / "site.yaml")]) == 0
    return root / "public"


def text_of(path: Path) -> str:
    return re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8"))


def test_the_pages_write_counts_with_thousands_set_apart(site):
    total = format(PAPERS, ",")
    home, papers = text_of(site / "index.html"), text_of(site / "papers/index.html")
    assert f"{total} papers in" in home and f"All {total} papers" in home
    assert f"Papers per year: {total} papers" in home
    assert f"{total} papers, newest first: 1 to 50 on this page." in papers
    assert str(PAPERS) not in home + papers  # not written plainly anywhere a reader sees
    biggest = max(
        (p for p in (site / "topics").glob("*.html") if p.name != "index.html"),
        key=lambda p: p.stat().st_size,
    )
    count = int(re.search(r'data-total="(\d+)"', (site / "papers/index.html").read_text()).group(1))
    assert count == PAPERS  # data for the scripts stays a plain number
    shown = re.search(r"([\d,]+) papers?, newest first", text_of(biggest)).group(1)
    assert shown == format(int(shown.replace(",", "")), ",")


def test_the_scripts_write_counts_with_thousands_set_apart(site, browser):
    page = browser.new_page()
    try:
        grouped = page.evaluate("n => n.toLocaleString('en-US')", PAPERS)
        assert grouped == "1,005"
        page.goto((site / "papers/index.html").as_uri())
        count = page.locator("#paper-count")
        expect(count).to_have_text(re.compile(rf"^{grouped} papers, newest first"))
        undated = page.locator("input[name=year][value=undated]")
        undated.check()
        expect(count).to_have_text(re.compile(r"^Showing \d+ of " + re.escape(grouped) + " papers"))
        page.goto((site / "search.html").as_uri() + "?q=model")
        status = page.locator("main [role=status]")
        expect(status).to_contain_text(f"{grouped} papers match")
        facets = page.locator("#search-page-results a[data-facet='topic=']")
        expect(facets).to_have_text(f"Any topic ({grouped})")
        expect(page.locator("#search-page-results .search-range")).to_contain_text(f"of {grouped} papers")
    finally:
        page.close()
