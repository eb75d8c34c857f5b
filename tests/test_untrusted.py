"""Text from listings is untrusted: in every output it must read as written and never run."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import SITE_YAML
from tests.test_build import PAPERS, paper_md, project_files
from tests.test_site_browser import Watched, build_project, serve

TITLE = (
    """<script>window.__pwned = "title"</script> "><img src=x onerror="window.__pwned='img'">"""
    " {{ 7*7 }} {% if %}"
)
ABSTRACT = """\
Segment this: <script>window.__pwned = "abstract"</script> <img src=x onerror="window.__pwned='img'">
[click me](javascript:window.__pwned='link') and [data](data:text/html,<script>alert(1)</script>)
<a href="javascript:alert(1)">raw link</a> {{ config }} {% raw %} ${{7*7}} `<b>code</b>`
![tracker](https://tracker.example/pixel.png)
"""
ORGANIZATION = "</dd><script>alert('org')</script>"
HOSTILE = paper_md(
    TITLE,
    ABSTRACT,
    date="2026-05-01",
    title_derived="true",
    organization=json.dumps(ORGANIZATION),
    links="[{url: 'javascript:alert(1)', kind: code}, {url: 'https://ok.example/\"><script>alert(2)</script>'}]",
    sources=json.dumps(["<b>listing</b>.txt"]),
)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The editor's view, which shows the most of each paper (its listings and file too)."""
    papers = {**PAPERS, "hostile": HOSTILE}
    files = {**project_files(papers), "site.yaml": SITE_YAML + "editor: true\n"}
    return build_project(tmp_path_factory.mktemp("untrusted") / "project", files)


def test_papers_json_feed_bib_and_sitemap_keep_the_text_as_written(site):
    record = next(
        r for r in json.loads((site / "papers.json").read_text(encoding="utf-8")) if r["slug"] == "hostile"
    )
    assert record["title"] == TITLE
    assert record["abstract"] == ABSTRACT.strip()
    assert record["organization"] == ORGANIZATION

    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring((site / "feed.xml").read_text(encoding="utf-8"))
    entry = next(e for e in feed.iter(f"{atom}entry") if e.findtext(f"{atom}id", "").endswith("hostile.html"))
    assert entry.findtext(f"{atom}title") == TITLE
    assert '<script>window.__pwned = "abstract"</script>' in entry.findtext(f"{atom}summary", "")

    bib = (site / "papers.bib").read_text(encoding="utf-8")
    entry_text = bib[bib.index("{" + record["bibtex_key"] + ",") :].split("\n}\n")[0]
    left, right = r"\textbraceleft{}", r"\textbraceright{}"  # braces BibTeX does not count
    assert r"<script>window.\_\_pwned" in entry_text
    assert rf"{left}{left} 7*7 {right}{right} {left}\% if \%{right}" in entry_text
    assert entry_text.count("{") == entry_text.count("}") + 1  # every brace in the text is escaped

    ET.fromstring((site / "sitemap.xml").read_text(encoding="utf-8"))  # still well-formed


def test_html_pages_escape_everything_and_template_syntax_is_not_evaluated(site):
    for page in ["papers/hostile.html", "index.html", "papers/index.html", "topics/segmentation.html"]:
        html = (site / page).read_text(encoding="utf-8")
        scripts = re.findall(r"<script[^>]*>", html)
        assert all(re.fullmatch(r'<script src="[./a-z-]+\.js"( defer)?>', tag) for tag in scripts), page
        assert "onerror=" not in html.replace("onerror=&#34;", "").replace("onerror=&quot;", ""), page
        assert "{{ 7*7 }}" in html and "49" not in html, page
    paper = (site / "papers/hostile.html").read_text(encoding="utf-8")
    assert 'href="javascript' not in paper.lower() and 'href="data:' not in paper
    # an address holding quotes and brackets is percent-encoded, so the href stays valid HTML
    assert 'href="https://ok.example/%22%3E%3Cscript%3Ealert(2)%3C/script%3E"' in paper
    assert "tracker.example" not in re.sub(r"<[^>]+>", "", paper) or "<img" not in paper


@pytest.mark.browser
@pytest.mark.parametrize("page", ["papers/hostile.html", "index.html", "papers/index.html", "attention.html"])
def test_in_chromium_nothing_runs_and_the_text_reads_as_written(site, browser, page):
    with serve(site) as origin:
        context = browser.new_context()
        try:
            watched = Watched(context)
            watched.page.goto(f"{origin}/{page}")
            watched.page.wait_for_load_state("load")
            if page == "papers/hostile.html":
                assert watched.page.locator("h1").inner_text() == TITLE
                assert ORGANIZATION in watched.page.locator(".facts").inner_text()
                assert "{{ config }}" in watched.page.locator(".abstract").inner_text()
                watched.page.get_by_text("click me").click()
                for button in watched.page.locator(".link-buttons a").all():
                    assert button.get_attribute("href", timeout=1000).startswith("https://")
            else:
                assert watched.page.get_by_text(TITLE).count() >= 1
            assert watched.page.evaluate("typeof window.__pwned") == "undefined"
            assert watched.dialogs == []
            assert [url for url in watched.requests if not url.startswith(origin)] == []
        finally:
            context.close()


@pytest.mark.browser
def test_search_results_show_a_hostile_title_as_text(site, browser):
    with serve(site) as origin:
        context = browser.new_context()
        try:
            watched = Watched(context)
            watched.page.goto(f"{origin}/search.html?q=segment")
            watched.page.wait_for_selector("#search-page-results a", timeout=10_000)
            assert watched.page.evaluate("typeof window.__pwned") == "undefined"
            assert watched.dialogs == []
        finally:
            context.close()
