"""Search in headless Chromium, from file:// and over HTTP: what a reader types, sees and opens."""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sitegen.search import SearchDocument, build_search_bundle
from sitegen.stemmer import index_terms

pytestmark = pytest.mark.browser

SEARCH_BOX = """
<form class="site-search" role="search" action="{root}search.html" method="get">
  <label for="site-search-input">Search papers</label>
  <input id="site-search-input" name="q" type="search" autocomplete="off" spellcheck="false"
         placeholder="Search papers (press /)" aria-controls="site-search-results">
  <div id="site-search-results" class="search-results" aria-live="polite" hidden></div>
</form>"""
PAGE = """<!doctype html>
<html lang="en" data-root="{root}"><head><meta charset="utf-8"><title>{title}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'; style-src 'self'">
<link rel="stylesheet" href="{root}assets/search.css">
<script src="{root}assets/search.js" defer></script></head>
<body><header>{search_box}</header>
<main><h1>{title}</h1>{main}<p><input id="other-field" aria-label="Other"></p></main></body></html>
"""
UNTRUSTED_TITLE = '<img src=x onerror="window.pwned=1"> Evil & Co. segmentation'


def paper(number: int, title: str, text: str, topics: tuple[str, ...] = (), date: str = "") -> SearchDocument:
    return SearchDocument(f"papers/p{number}.html", title, text, topics, date, ())


CORPUS = [
    paper(0, "EndoGen: endoscopic video generation", "We present EndoGen.", ("Video",), "2025-06-01"),
    paper(1, "Segment anything in medical images", "MedSAM adapts it.", ("Segmentation",), "2024-01-22"),
    paper(2, "A survey of agents", "We survey agents for clinics.", ("Agents",), "2025-02-03"),
    paper(3, "Signal decay in diffusion MRI", "Decay over days plays a role.", (), "2023-11-11"),
    paper(4, "A benchmark for report generation", "We benchmark models.", (), "2025-03-01"),
    paper(5, "Radiology reports", "The model beats a benchmark.", (), "2024-07-07"),
    paper(6, UNTRUSTED_TITLE, "<script>window.pwned=2</script> segmentation"),
]


@dataclass
class Visit:
    """A page plus everything that went wrong while it was open."""

    page: Any  # a playwright Page
    site_url: str
    problems: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def outside_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(self.site_url)]


@pytest.fixture
def visit(browser) -> Iterator:
    contexts = []

    def open_page(site_url: str, path: str) -> Visit:
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        seen = Visit(page, site_url)
        page.on("console", lambda message: message.type == "error" and seen.problems.append(message.text))
        page.on("pageerror", lambda error: seen.problems.append(str(error)))
        page.on("request", lambda request: seen.requests.append(request.url))
        page.goto(site_url + path)
        return seen

    yield open_page
    for context in contexts:
        context.close()


def write_mini_site(root: Path) -> Path:
    """The contract's markup around the real assets: index, search page and one page per paper."""
    for path, data in build_search_bundle(CORPUS).files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    results = '<div id="search-page-results"></div>'
    pages = {"index.html": ("", "Home", ""), "search.html": ("", "Search", results)}
    pages.update({doc.url: ("../", doc.title, "") for doc in CORPUS})
    for path, (prefix, title, main) in pages.items():
        box = SEARCH_BOX.format(root=prefix)
        html = PAGE.format(root=prefix, title=title.replace("<", "&lt;"), search_box=box, main=main)
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(html, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def mini_site(tmp_path_factory: pytest.TempPathFactory) -> str:
    return write_mini_site(tmp_path_factory.mktemp("mini")).as_uri() + "/"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served_site(committed_site: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(committed_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module", params=["file", "http"])
def site_url(request: pytest.FixtureRequest, committed_site: Path) -> str:
    if request.param == "file":
        return committed_site.as_uri() + "/"
    return request.getfixturevalue("served_site")


def type_query(seen: Visit, text: str) -> None:
    box = seen.page.locator("#site-search-input")
    box.fill("")
    box.type(text)
    seen.page.wait_for_function(
        "text => !document.querySelector('#site-search-results').hidden &&"
        " document.querySelector('#site-search-results .search-status').textContent.includes(text)",
        arg=text,
    )


def settle(seen: Visit) -> None:
    """Let pending timers and a frame run (a search scheduled by a key would have shown)."""
    seen.page.evaluate("() => new Promise(done => setTimeout(() => requestAnimationFrame(done), 100))")


def dropdown_titles(seen: Visit) -> list[str]:
    return seen.page.locator("#site-search-results .search-result-title").all_text_contents()


def page_results(seen: Visit) -> list[str]:
    """The result links search.html shows, as site-relative URLs."""
    seen.page.wait_for_selector("#search-page-results .search-status")
    links = seen.page.locator("#search-page-results a.search-result")
    hrefs = links.evaluate_all("links => links.map(a => a.href)")
    return [href.removeprefix(seen.site_url) for href in hrefs]


# ---- the search UI on a hand-made page with the contract's markup ----


def test_assets_load_only_when_search_is_first_used(visit, mini_site: str) -> None:
    seen = visit(mini_site, "index.html")
    seen.page.wait_for_load_state("load")
    assert not [url for url in seen.requests if url.endswith(("lunr.js", "search-index.js"))]
    seen.page.locator("#site-search-input").focus()
    seen.page.wait_for_function("() => window.lunr && window.SITEGEN_SEARCH")
    assert seen.problems == []


def test_results_as_you_type_with_highlighted_words(visit, mini_site: str) -> None:
    seen = visit(mini_site, "index.html")
    type_query(seen, "decay")
    assert dropdown_titles(seen) == ["Signal decay in diffusion MRI"]
    marks = seen.page.locator("#site-search-results mark").all_text_contents()
    assert [mark.lower() for mark in marks] == ["decay", "decay"]  # in the title and the snippet
    meta = seen.page.locator("#site-search-results .search-result-meta").all_text_contents()
    assert meta == ["2023-11-11"]
    type_query(seen, "segm")  # a word being typed matches as a prefix
    assert "Segment anything in medical images" in dropdown_titles(seen)
    assert seen.problems == [] and seen.outside_requests() == []


def test_lunr_query_syntax_works(visit, mini_site: str) -> None:
    seen = visit(mini_site, "index.html")
    type_query(seen, "title:benchmark")
    assert dropdown_titles(seen) == ["A benchmark for report generation"]
    type_query(seen, "+segment -medsam")
    assert "Segment anything in medical images" not in dropdown_titles(seen)


@pytest.mark.parametrize("query", ["title:", "+", "nosuchfield:x"])
def test_a_malformed_query_shows_a_friendly_message(visit, mini_site: str, query: str) -> None:
    seen = visit(mini_site, "index.html")
    type_query(seen, query)
    error = seen.page.locator("#site-search-results .search-error")
    assert error.is_visible()
    assert "Check the query syntax" in error.text_content()
    assert seen.problems == []


def test_slash_focuses_the_box_unless_typing_elsewhere(visit, mini_site: str) -> None:
    seen = visit(mini_site, "index.html")
    seen.page.locator("h1").click()
    seen.page.keyboard.press("/")
    assert seen.page.evaluate("document.activeElement.id") == "site-search-input"
    assert seen.page.locator("#site-search-input").input_value() == ""
    seen.page.locator("#other-field").click()
    seen.page.keyboard.type("a/b")
    assert seen.page.locator("#other-field").input_value() == "a/b"


def test_arrow_keys_escape_and_enter(visit, mini_site: str) -> None:
    seen = visit(mini_site, "index.html")
    type_query(seen, "benchmark")
    titles = dropdown_titles(seen)
    assert titles[0] == "A benchmark for report generation", "a title match comes first"
    seen.page.keyboard.press("ArrowDown")
    seen.page.keyboard.press("ArrowDown")
    assert seen.page.evaluate("document.activeElement.textContent").startswith(titles[1])
    seen.page.keyboard.press("Escape")
    settle(seen)
    assert seen.page.locator("#site-search-results").is_hidden(), "Escape closes the list for good"
    assert seen.page.evaluate("document.activeElement.id") == "site-search-input"
    type_query(seen, "endogen")
    with seen.page.expect_navigation():
        seen.page.keyboard.press("Enter")
    assert seen.page.url.endswith("papers/p0.html")
    type_query(seen, "decay")  # from a page one folder down, links still resolve
    with seen.page.expect_navigation():
        seen.page.keyboard.press("Enter")
    assert seen.page.url.endswith("papers/p3.html")
    assert seen.problems == []


def test_dropdown_closes_when_focus_moves_away_and_reopens_on_return(visit, mini_site: str) -> None:
    seen = visit(mini_site, "index.html")
    type_query(seen, "agents")
    seen.page.locator("#other-field").focus()
    assert seen.page.locator("#site-search-results").is_hidden()
    seen.page.locator("#site-search-input").focus()
    seen.page.locator("#site-search-results li").first.wait_for()
    assert dropdown_titles(seen) == ["A survey of agents"]


def test_untrusted_text_stays_inert(visit, mini_site: str) -> None:
    seen = visit(mini_site, "index.html")
    type_query(seen, "evil")
    assert dropdown_titles(seen) == [UNTRUSTED_TITLE]
    assert seen.page.locator("#site-search-results img, #site-search-results script").count() == 0
    assert seen.page.evaluate("window.pwned === undefined")
    assert seen.problems == [] and seen.outside_requests() == []


def test_search_page_lists_every_result(visit, mini_site: str) -> None:
    seen = visit(mini_site, "search.html?q=segmentation")
    assert sorted(page_results(seen)) == ["papers/p1.html", "papers/p6.html"]
    assert seen.page.locator("#site-search-input").input_value() == "segmentation"
    assert seen.problems == []


def test_results_region_is_accessible(visit, mini_site: str) -> None:
    seen = visit(mini_site, "index.html")
    type_query(seen, "agents")
    region = seen.page.locator("#site-search-results")
    assert region.get_attribute("aria-live") == "polite"
    assert seen.page.locator("#site-search-results ul > li > a[href]").count() >= 1
    assert seen.page.get_by_label("Search papers").count() == 1


# ---- the built site (committed content), from file:// and over HTTP ----


def committed_papers(site: Path) -> list[dict]:
    return json.loads((site / "papers.json").read_text(encoding="utf-8"))


def papers_with_term(site: Path, term: str, *, title_only: bool = False) -> set[str]:
    """The papers lunr.js must find for `term`, by the stems our index holds."""
    return {
        paper["url"]
        for paper in committed_papers(site)
        if term in index_terms(paper["title"] if title_only else paper["title"] + " " + paper["abstract"])
    }


def test_built_site_finds_the_right_papers(visit, site_url: str, committed_site: Path) -> None:
    seen = visit(site_url, "search.html?q=EndoGen")
    assert page_results(seen)[0] == "papers/endogen.html"
    seen.page.goto(site_url + "search.html?q=decay")
    assert set(page_results(seen)) == papers_with_term(committed_site, "decay") != set()
    seen.page.goto(site_url + "search.html?q=title%3Abenchmark")
    assert set(page_results(seen)) == papers_with_term(committed_site, "benchmark", title_only=True) != set()
    seen.page.goto(site_url + "search.html?q=segment+anything")
    top = page_results(seen)[:3]
    by_url = {paper["url"]: paper for paper in committed_papers(committed_site)}
    about_sam = re.compile(r"segment anything|\bSAM\b", re.IGNORECASE)
    assert all(about_sam.search(by_url[url]["title"] + by_url[url]["abstract"]) for url in top)
    assert seen.problems == [] and seen.outside_requests() == []


def test_built_site_dropdown_and_enter_from_a_paper_page(visit, site_url: str) -> None:
    seen = visit(site_url, "papers/endogen.html")
    seen.page.locator("main").click()
    seen.page.keyboard.press("/")
    type_query(seen, "segment anything")
    assert len(dropdown_titles(seen)) >= 1
    top = seen.page.locator("#site-search-results a.search-result").first.get_attribute("href")
    assert top.startswith("../papers/")
    with seen.page.expect_navigation():
        seen.page.keyboard.press("Enter")
    assert seen.page.url == site_url + top.removeprefix("../")
    assert seen.problems == [] and seen.outside_requests() == []
