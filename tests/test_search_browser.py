"""Search in headless Chromium, from file:// and over HTTP: what a reader types, sees and opens."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from playwright.sync_api import expect

from sitegen import search
from sitegen.search import SearchDocument, build_search_bundle
from sitegen.stemmer import STOP_WORDS, stem, tokenize, trim
from tests.conftest import node_tool
from tests.search_corpus import build_committed_site, run_oracle
from tests.test_site_browser import _SiteHandler, serve

pytestmark = pytest.mark.browser

SEARCH_BOX = """
<form class="site-search" role="search" action="{root}search.html" method="get">
  <label for="site-search-input">Search papers</label>
  <input id="site-search-input" name="q" type="search" autocomplete="off" spellcheck="false"
         placeholder="Search papers (press /)" aria-controls="site-search-results">
  <div id="site-search-results" class="search-results" hidden></div>
</form>"""
PAGE = """<!doctype html>
<html lang="en" data-root="{root}"><head><meta charset="utf-8"><title>{title}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'; style-src 'self'">
<link rel="stylesheet" href="{root}assets/search.css">
<script src="{root}assets/search.js" defer></script></head>
<body><header>{search_box}</header>
<main><h1 data-search-highlight>{title}</h1>{main}
<p><input id="other-field" aria-label="Other"></p></main></body></html>
"""
UNTRUSTED_TITLE = '<img src=x onerror="window.pwned=1"> Evil & Co. segmentation'


def paper(
    number: int, title: str, text: str, topics: tuple[str, ...] = (), date: str = "", **record: Any
) -> SearchDocument:
    return SearchDocument(f"papers/p{number}.html", title, text, topics, date, (), **record)


CORPUS = [
    paper(0, "EndoGen: endoscopic video generation", "We present EndoGen.", ("Video",), "2025-06-01"),
    paper(1, "Segment anything in medical images", "MedSAM adapts it.", ("Segmentation",), "2024-01-22"),
    paper(2, "A survey of agents", "We survey agents for clinics.", ("Agents",), "2025-02-03"),
    paper(
        3,
        "Signal decay in diffusion MRI",
        "Decay over days plays a role.",
        (),
        "2023-11-11",
        authors=("Ada Lovelace", "Alan Turing", "Grace Hopper", "Mary Somerville"),
        venue="NeuroImage",
        byline="Lovelace et al. · NeuroImage",
    ),
    paper(4, "A benchmark for report generation", "We benchmark models.", (), "2025-03-01"),
    paper(5, "Radiology reports", "The model beats a benchmark; generation of reports.", (), "2024-07-07"),
    paper(6, UNTRUSTED_TITLE, "<script>window.pwned=2</script> segmentation"),
    paper(
        7,
        "Gait of Łódź cohorts",
        "Walking in Zürich, measured.",
        (),
        "2022-05-05",
        authors=("Ayşe Öztürk", "Jörg Müller"),
        byline="Öztürk et al.",
    ),
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

    def open_page(site_url: str, path: str, **options: Any) -> Visit:
        context = browser.new_context(**options)
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
    results = '<div id="search-page-results" aria-live="polite"></div>'
    pages = {"index.html": ("", "Home", ""), "search.html": ("", "Search", results)}
    for doc in CORPUS:
        pages[doc.url] = ("../", doc.title, f"<div data-search-highlight>{escaped(doc.text)}</div>")
    for path, (prefix, title, main) in pages.items():
        box = SEARCH_BOX.format(root=prefix)
        html = PAGE.format(root=prefix, title=escaped(title), search_box=box, main=main)
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(html, encoding="utf-8")
    return root


def escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


@pytest.fixture(scope="module")
def mini_site(tmp_path_factory: pytest.TempPathFactory) -> str:
    return write_mini_site(tmp_path_factory.mktemp("mini")).as_uri() + "/"


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[SearchDocument]]:
    """A build of the committed content, and the documents its search index was made of."""
    out = tmp_path_factory.mktemp("captured") / "public"
    return out, build_committed_site(out)


@pytest.fixture(scope="module")
def served_site(captured: tuple[Path, list[SearchDocument]]) -> Iterator[str]:
    """The built site over HTTP, with netlify.toml's Content-Security-Policy on every response."""
    with serve(captured[0]) as origin:
        yield origin + "/"


@pytest.fixture(scope="module", params=["file", "http"])
def site_url(request: pytest.FixtureRequest, captured: tuple[Path, list[SearchDocument]]) -> str:
    if request.param == "file":
        return captured[0].as_uri() + "/"
    return request.getfixturevalue("served_site")


def type_query(seen: Visit, text: str) -> None:
    """Type into the box and wait until the list shows that very text's results."""
    box = seen.page.locator("#site-search-input")
    box.fill("")
    if len(text) > 40:
        box.fill(text)
    else:
        box.type(text)
    seen.page.wait_for_function(
        "text => { const box = document.querySelector('#site-search-results');"
        " const status = box.querySelector('.search-status');"
        " return !box.hidden && status && status.dataset.query === text; }",
        arg=text,
    )


def settle(seen: Visit) -> None:
    """Let pending timers and a frame run (a search scheduled by a key would have shown)."""
    seen.page.evaluate("() => new Promise(done => setTimeout(() => requestAnimationFrame(done), 100))")


def dropdown_titles(seen: Visit) -> list[str]:
    return seen.page.locator("#site-search-results .search-result-title").all_text_contents()


def dropdown_status(seen: Visit) -> str:
    return seen.page.locator("#site-search-results .search-status").inner_text()


def page_status(seen: Visit) -> str:
    seen.page.wait_for_selector("#search-page-results .search-status[data-query]")
    return seen.page.locator("#search-page-results .search-status").inner_text()


def page_results(seen: Visit, selector: str = "a.search-result:not(.search-result-partial)") -> list[str]:
    """The result links search.html shows (this page of them), as site-relative URLs, no fragment."""
    seen.page.wait_for_selector("#search-page-results .search-status[data-query]")
    links = seen.page.locator(f"#search-page-results {selector}")
    hrefs = links.evaluate_all("links => links.map(a => a.href)")
    return [href.removeprefix(seen.site_url).split("#")[0] for href in hrefs]


def every_page_result(seen: Visit, path: str) -> list[str]:
    """Every result of search.html?..., page after page."""
    found: list[str] = []
    number = 1
    while True:
        seen.page.goto(seen.site_url + path + (f"&page={number}" if number > 1 else ""))
        found += page_results(seen)
        if not seen.page.locator("#search-page-results a.search-page-link", has_text="Next page").count():
            return found
        number += 1


# ---- the search UI on a hand-made page with the contract's markup ----


def test_assets_load_only_when_search_is_first_used(visit, mini_site: str) -> None:
    seen = visit(mini_site, "index.html")
    seen.page.wait_for_load_state("load")
    on_first_use = ("lunr.js", "search-engine.js", "search-index.js")
    assert not [url for url in seen.requests if url.endswith(on_first_use)]
    seen.page.locator("#site-search-input").focus()
    seen.page.wait_for_function("() => window.lunr && window.SITEGEN_SEARCH && window.SITEGEN_SEARCH_ENGINE")
    assert seen.problems == []


def test_results_as_you_type_with_highlighted_words(visit, mini_site: str) -> None:
    seen = visit(mini_site, "index.html")
    type_query(seen, "decay")
    assert dropdown_titles(seen) == ["Signal decay in diffusion MRI"]
    marks = seen.page.locator("#site-search-results mark").all_text_contents()
    assert [mark.lower() for mark in marks] == ["decay", "decay"]  # in the title and the snippet
    meta = seen.page.locator("#site-search-results .search-result-meta").all_text_contents()
    assert meta == ["11 November 2023"]  # dates as every page writes them
    byline = seen.page.locator("#site-search-results .search-result-byline").all_text_contents()
    assert byline == ["Lovelace et al. \u00b7 NeuroImage"]  # who wrote it, where
    type_query(seen, "segm")  # the word being typed matches the words it begins
    assert "Segment anything in medical images" in dropdown_titles(seen)
    type_query(seen, "Segm")  # as typed, capitals and all
    assert "Segment anything in medical images" in dropdown_titles(seen)
    type_query(seen, "segm ")  # not once a space ends it
    assert dropdown_titles(seen) == []
    assert "No papers match" in dropdown_status(seen)
    assert seen.problems == [] and seen.outside_requests() == []


def rebuild_search_files(root: Path, corpus: list[SearchDocument]) -> None:
    """The site's search files as a new build leaves them: the new ones written, the old ones gone."""
    files = build_search_bundle(corpus).files
    for old in (root / "assets" / "search").glob("*.js"):
        if f"assets/search/{old.name}" not in files:
            old.unlink()
    for path, data in files.items():
        (root / path).write_bytes(data)


@pytest.mark.parametrize("scheme", ["file", "http"])
def test_search_in_a_page_opened_before_a_rebuild_uses_the_new_index(
    visit, tmp_path: Path, scheme: str
) -> None:
    """The site rebuilt (`sitegen serve`) or published again while a page was open: its search
    asked for index files the new build had removed, and said "could not load part of its index
    ... Check your connection" for every word not loaded yet, until the page was reloaded."""
    root = write_mini_site(tmp_path / "site")
    added = paper(8, "Quokka counts from drone images", "Quokkaword surveys of islands.", (), "2025-09-09")
    with serve(root) if scheme == "http" else nullcontext(root.as_uri()) as origin:
        seen = visit(origin + "/", "index.html")
        type_query(seen, "decay")
        assert dropdown_titles(seen) == ["Signal decay in diffusion MRI"]
        rebuild_search_files(root, [*CORPUS, added])
        for query, title in (("quokkaword", added.title), ("agents", "A survey of agents")):
            type_query(seen, query)
            seen.page.wait_for_function(
                "title => [...document.querySelectorAll('#site-search-results .search-result-title')]"
                ".some(node => node.textContent === title)",
                arg=title,
            )
        assert "could not load" not in dropdown_status(seen)


def test_a_page_open_a_while_checks_for_a_newer_index_when_it_searches_again(visit, tmp_path: Path) -> None:
    """Its files all loaded, a search found nothing of the new build (no file failed to load to
    say the index had changed): after 30 s, the next search checks the manifest, and runs again."""
    root = write_mini_site(tmp_path / "site")
    added = paper(8, "Island surveys by drone", "A survey of islands.", (), "2025-09-09")
    seen = visit(root.as_uri() + "/", "index.html")
    seen.page.clock.install()
    type_query(seen, "survey")
    assert dropdown_titles(seen) == ["A survey of agents"]
    rebuild_search_files(root, [*CORPUS, added])
    seen.page.clock.fast_forward(31_000)
    type_query(seen, "survey")
    seen.page.wait_for_function(
        "() => document.querySelectorAll('#site-search-results .search-result-title').length === 2"
    )
    assert sorted(dropdown_titles(seen)) == ["A survey of agents", added.title]


@pytest.mark.parametrize("query", ["ozturk", "Öztürk", "Oz", "Muller", "lodz", "zurich"])
def test_accents_aside_a_name_finds_its_paper_and_is_highlighted_as_written(
    visit, mini_site: str, query: str
) -> None:
    seen = visit(mini_site, "index.html")
    type_query(seen, query)
    assert dropdown_titles(seen) == ["Gait of Łódź cohorts"]
    marks = seen.page.locator("#site-search-results mark").all_text_contents()
    written = {"ozturk": "Öztürk", "Öztürk": "Öztürk", "Oz": "Öztürk",
               "Muller": None, "lodz": "Łódź", "zurich": "Zürich"}  # fmt: skip
    if written[query] is None:  # a name only the author list holds: found, not shown
        assert marks == []
    elif query != "Oz":  # a word being typed is not marked, only whole words
        assert written[query] in marks
    seen.page.locator("#site-search-results a.search-result").first.click()
    seen.page.wait_for_url("**/papers/p7.html*")
    if query == "zurich":  # the paper page marks the word in its text
        seen.page.wait_for_selector("mark.search-hit")
        assert seen.page.locator("mark.search-hit").all_text_contents() == ["Zürich"]
    assert seen.problems == [] and seen.outside_requests() == []


def test_lunr_query_syntax_works(visit, mini_site: str) -> None:
    seen = visit(mini_site, "index.html")
    type_query(seen, "title:benchmark")
    assert dropdown_titles(seen) == ["A benchmark for report generation"]
    type_query(seen, "+segment -medsam")
    assert "Segment anything in medical images" not in dropdown_titles(seen)


@pytest.mark.parametrize("query", ["title:", "+", "x~", "*", "segm* *"])
def test_a_malformed_query_shows_a_friendly_message(visit, mini_site: str, query: str) -> None:
    seen = visit(mini_site, "index.html")
    type_query(seen, query)
    error = seen.page.locator("#site-search-results .search-error")
    assert error.is_visible()
    assert "Check the query syntax" in error.text_content()
    if "*" in query:
        assert "alone would match every paper" in error.text_content()
    assert seen.problems == []


def test_an_unknown_field_is_named(visit, mini_site: str) -> None:
    seen = visit(mini_site, "search.html?q=nosuchfield:x")
    assert "No papers match" in page_status(seen)
    note = seen.page.locator("#search-page-results .search-note").inner_text()
    fields = ", ".join(name for name, _ in search.FIELDS)  # title, names, author, ...
    assert "\u201cnosuchfield\u201d is not a field" in note and f"use {fields}." in note


ODD_QUERIES = {
    "unbalanced quote": '"report generation',
    "a lone quote": '"',
    "empty quotes": '""',
    "a lone plus": "+",
    "a lone minus": "-",
    "a star alone": "*",
    "a tilde": "~",
    "a caret": "^",
    "a colon": ":",
    "a backslash": "\\",
    "1,000 letters": "segmentation" + "x" * 988,
    "1,000 characters of words": ("report generation segment " * 40)[:1000],
    "right-to-left text": "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd \u0645\u0631\u062d\u0628\u0627",
    "Chinese": "\u533b\u5b66\u56fe\u50cf\u5206\u5272",
    "Japanese and a word": "\u753b\u50cf segmentation",
    "only stop words": "the of and",
    "emoji": "\U0001f600\U0001f52c",
    "html": "<script>alert(1)</script>",
}


@pytest.mark.parametrize("name", list(ODD_QUERIES))
def test_odd_queries_get_a_clear_message_and_no_console_error(visit, mini_site: str, name: str) -> None:
    query = ODD_QUERIES[name]
    seen = visit(mini_site, "index.html")
    type_query(seen, query)
    assert dropdown_status(seen).strip()
    seen.page.goto(mini_site + "search.html?q=" + _quote(query))
    status = page_status(seen)
    assert status.strip() and "Searching" not in status
    if name in ("right-to-left text", "Chinese", "emoji", "only stop words"):
        assert status.startswith("Nothing to search for")
    if name == "unbalanced quote":
        assert "run to the end" in seen.page.locator("#search-page-results .search-note").inner_text()
        assert page_results(seen) == ["papers/p4.html"]  # the phrase, as if closed
    if name == "Japanese and a word":
        assert "Left out" in seen.page.locator("#search-page-results .search-note").inner_text()
        assert set(page_results(seen)) == {"papers/p1.html", "papers/p6.html"}  # segment, segmentation
    assert seen.page.evaluate("window.pwned === undefined")
    assert seen.problems == [] and seen.outside_requests() == []


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


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
    box = seen.page.locator("#site-search-input")
    type_query(seen, "benchmark")
    titles = dropdown_titles(seen)
    assert titles[0] == "A benchmark for report generation", "a title match comes first"
    seen.page.keyboard.press("ArrowDown")
    seen.page.keyboard.press("ArrowDown")
    assert (
        seen.page.evaluate("document.activeElement.id") == "site-search-input"
    )  # the focus stays in the box
    active = (
        "document.getElementById(document.activeElement.getAttribute('aria-activedescendant')).textContent"
    )
    assert seen.page.evaluate(active).startswith(titles[1])
    seen.page.keyboard.press("Escape")
    settle(seen)
    assert seen.page.locator("#site-search-results").is_hidden(), "the first Escape closes the list for good"
    assert seen.page.evaluate("document.activeElement.id") == "site-search-input"
    assert box.input_value() == "benchmark", "and keeps the words"
    seen.page.keyboard.press("Escape")
    assert box.input_value() == "", "the second Escape clears them"
    type_query(seen, "endogen")  # Enter in the box: every result, however fast it is pressed
    with seen.page.expect_navigation():
        seen.page.keyboard.press("Enter")
    opened = urlsplit(seen.page.url)
    assert opened.path.endswith("search.html") and opened.query == "q=endogen&typed=1"  # as the list searched
    seen.page.goto(mini_site + "papers/p3.html")
    type_query(seen, "endogen")  # a result chosen with the arrow keys opens; from a folder down too
    seen.page.keyboard.press("ArrowDown")
    with seen.page.expect_navigation():
        seen.page.keyboard.press("Enter")
    assert urlsplit(seen.page.url).path.endswith("papers/p0.html")
    seen.page.keyboard.press("/")
    seen.page.keyboard.type("decay")
    with seen.page.expect_navigation():
        seen.page.keyboard.press("Enter")  # at once, before any result shows: the results page
    assert urlsplit(seen.page.url).path.endswith("search.html")
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
    assert seen.page.title() == "segmentation \u2014 Search"
    assert seen.problems == []


def test_no_paper_with_every_word_lists_those_with_some_apart(visit, mini_site: str) -> None:
    seen = visit(mini_site, "index.html")
    type_query(seen, "decay benchmark")
    assert dropdown_status(seen) == "No paper has all of: decay, benchmark."
    assert dropdown_titles(seen)  # the second list, labelled, with what each lacks
    heading = seen.page.locator("#site-search-results .search-partial-heading").inner_text()
    assert heading.startswith("3 papers have some of the words")  # counted, as on the results page below
    lacks = seen.page.locator("#site-search-results .search-result-lacks").all_text_contents()
    assert sorted(lacks) == ["Lacks: benchmark", "Lacks: decay", "Lacks: decay"]
    seen.page.keyboard.press("Enter")  # never opens a paper that lacks a word: the full list instead
    seen.page.wait_for_url("**/search.html?q=decay+benchmark&typed=1")
    assert page_status(seen) == "No paper has all of: decay, benchmark."
    assert page_results(seen) == [] and len(page_results(seen, "a.search-result-partial")) == 3
    seen.page.goto(mini_site + "search.html?q=decay+stroke")
    assert page_status(seen) == "No paper has all of: decay, stroke. No paper has stroke at all."
    assert page_results(seen, "a.search-result-partial") == ["papers/p3.html"]
    assert seen.problems == []


def test_absent_words_get_a_labelled_suggestion_and_no_results(visit, mini_site: str) -> None:
    seen = visit(mini_site, "search.html?q=benchmrk")
    assert page_status(seen) == "No papers match \u201cbenchmrk\u201d."
    assert page_results(seen) == [] and page_results(seen, "a.search-result-partial") == []
    suggestion = seen.page.locator("#search-page-results .search-suggestion")
    assert suggestion.inner_text().startswith("Suggestion: did you mean benchmark?")
    suggestion.locator("a").click()
    seen.page.wait_for_url("**/search.html?q=benchmark")
    assert set(page_results(seen)) == {"papers/p4.html", "papers/p5.html"}
    assert seen.problems == []


def test_quoted_phrases_match_words_in_a_row(visit, mini_site: str) -> None:
    seen = visit(mini_site, "search.html?q=" + _quote('"report generation"'))
    assert page_results(seen) == ["papers/p4.html"]  # p5 has both words, apart
    seen.page.goto(mini_site + "search.html?q=" + _quote("report generation"))
    assert set(page_results(seen)) == {"papers/p4.html", "papers/p5.html"}
    seen.page.goto(mini_site + "search.html?q=" + _quote('"generation of reports"'))
    assert page_results(seen) == ["papers/p5.html"]
    assert seen.problems == []


def test_results_region_is_accessible(visit, mini_site: str) -> None:
    seen = visit(mini_site, "index.html")
    type_query(seen, "agents")
    region = seen.page.locator("#site-search-results")
    assert region.get_attribute("aria-live") is None  # the short status is the live region
    assert seen.page.locator("#site-search-results ul[role=listbox] > li > a[href][role=option]").count() >= 1
    assert seen.page.get_by_label("Search papers").count() == 1


# ---- the built site (committed content), from file:// and over HTTP under the site's CSP ----


RECORD_LIVE = """() => {
  window.liveTexts = [];
  new MutationObserver(() => {
    const text = document.getElementById('site-search-live').textContent;
    if (text) window.liveTexts.push(text);
  }).observe(document.getElementById('site-search-live'),
             {childList: true, characterData: true, subtree: true});
}"""


def test_the_box_is_a_combobox_and_only_a_short_count_is_read_out(visit, site_url: str) -> None:
    """The whole list under the box was the live region: after typing "lung", ~1,700 characters
    of titles and abstracts were read out again at every key, and the box had no combobox
    semantics. Now the box is a combobox (WAI-ARIA's pattern) whose listbox's options the arrow
    keys make active, the focus staying in the box; a separate status reads the count, once the
    keys stop."""
    seen = visit(site_url, "index.html")
    box = seen.page.locator("#site-search-input")
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-autocomplete") == "list"
    assert box.get_attribute("aria-expanded") == "false"
    assert seen.page.locator("#site-search-results[aria-live], #site-search-results [aria-live]").count() == 0
    seen.page.evaluate(RECORD_LIVE)
    box.click()
    box.press_sequentially("segmentation", delay=40)
    seen.page.wait_for_function(
        "() => document.querySelector('#site-search-results .search-status')?.dataset.query"
        " === 'segmentation'"
    )
    assert box.get_attribute("aria-expanded") == "true"
    listbox = seen.page.locator("#site-search-results [role=listbox]")
    assert box.get_attribute("aria-controls") == listbox.get_attribute("id")
    options = listbox.locator("[role=option]")
    assert options.count() >= 3
    live = seen.page.locator("#site-search-live")
    assert live.get_attribute("role") == "status" and live.evaluate(
        "node => !node.closest('#site-search-results')"
    )
    found = int(dropdown_status(seen).split()[0])
    expect(live).to_have_text(f"{found} results")
    settle(seen)
    assert seen.page.evaluate("window.liveTexts") == [f"{found} results"], "one count, once the keys stopped"
    for press, chosen in (("ArrowDown", 0), ("ArrowDown", 1), ("ArrowUp", 0)):
        seen.page.keyboard.press(press)
        assert seen.page.evaluate("document.activeElement.id") == "site-search-input"
        assert box.get_attribute("aria-activedescendant") == options.nth(chosen).get_attribute("id")
        selected = options.evaluate_all("all => all.map(o => o.getAttribute('aria-selected'))")
        assert selected == ["true" if at == chosen else "false" for at in range(len(selected))]
    seen.page.keyboard.press("ArrowUp")
    assert box.get_attribute("aria-activedescendant") is None
    assert options.evaluate_all("all => all.map(o => o.tabIndex)") == [-1] * options.count()
    type_query(seen, "zzzzqqq")
    expect(live).to_have_text("No papers match")
    seen.page.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false" and live.text_content() == ""
    assert seen.problems == [] and seen.outside_requests() == []


def lunr_js_papers(documents: list[SearchDocument], cases: list[tuple[str, bool]]) -> list[set[str]]:
    """The papers real lunr.js says each (query, typing) must find, as site-relative URLs."""
    expected = run_oracle(documents, cases, expect_only=True)["expected"]
    return [{documents[doc].url for doc in docs} for docs in expected]


REPRESENTATIVE = [
    "medical", "image", "generation", "hallucination", "foundation", "decay", "endogen", "2025",
    "medical image segmentation", "segmentation ct", "vision language model", "report generation",
    '"report generation"', '"medical image segmentation"', "stroke", "sepsis segmentation",
]  # fmt: skip


def test_results_page_lists_exactly_lunr_js_papers(visit, site_url: str, captured) -> None:
    documents = captured[1]
    expected = lunr_js_papers(documents, [(query, False) for query in REPRESENTATIVE])
    seen = visit(site_url, "index.html")
    for query, papers in zip(REPRESENTATIVE, expected, strict=True):
        found = every_page_result(seen, "search.html?q=" + _quote(query))
        assert len(found) == len(set(found)), query
        assert set(found) == papers, query
    assert expected[0] and expected[-2] == set() and expected[-1] == set()
    assert seen.problems == [] and seen.outside_requests() == []


def test_the_list_under_the_box_misses_none_of_lunr_js_papers(visit, site_url: str, captured) -> None:
    typed = ["medical", "hallucinat", "segmentati", "stro", "stroke", "medical imag", "the", "an"]
    expected = lunr_js_papers(captured[1], [(text, True) for text in typed])
    seen = visit(site_url, "papers/endogen.html")
    for text, papers in zip(typed, expected, strict=True):
        type_query(seen, text)
        status = dropdown_status(seen)
        if papers:
            assert status.startswith(f"{len(papers)} paper"), (text, status)
        else:
            assert "No paper" in status, (text, status)
    assert seen.problems == [] and seen.outside_requests() == []


def test_see_all_shows_on_the_results_page_what_the_list_under_the_box_counted(visit, site_url: str) -> None:
    seen = visit(site_url, "index.html")
    type_query(seen, "segmentati")  # completed while typing: segmentation, segmentations...
    counted = int(dropdown_status(seen).split()[0])
    more = seen.page.locator("#site-search-results a.search-more")
    assert more.inner_text() == f"See all {counted} results"
    more.click()
    seen.page.wait_for_url("**/search.html?q=segmentati&typed=1")
    assert page_status(seen).startswith(f"{counted} papers match")
    note = seen.page.locator(".search-note").inner_text()
    assert "Words beginning with \u201csegmentati\u201d count too" in note
    seen.page.locator("#search-page-results a[data-facet='sort=date']").click()  # the filters keep it
    seen.page.wait_for_function("() => /typed=1.*sort=date/.test(location.search)")
    seen.page.goto(site_url + "search.html?q=segmentati")  # the address alone: whole words only
    assert page_status(seen) == "No papers match \u201csegmentati\u201d."
    assert "segmentation" in seen.page.locator("#search-page-results .search-suggestion").inner_text()
    assert seen.problems == [] and seen.outside_requests() == []


def test_tabbing_past_a_filled_in_box_opens_no_list_and_its_items_are_no_tab_stops(
    visit, site_url: str
) -> None:
    """On search.html?q=segmentation, Tab past the header box opened the list under it over the
    page's own results, and the next 9 Tab stops were its items. Focus alone now leaves a box
    filled in for the reader closed until they type (or press the down arrow), and the list's
    items are options the arrow keys reach, not Tab stops."""
    seen = visit(site_url, "search.html?q=segmentation")
    page_status(seen)
    box = seen.page.locator("#site-search-input")
    before = seen.page.locator(".site-nav a").last
    before.focus()
    seen.page.keyboard.press("Tab")
    assert seen.page.evaluate("document.activeElement.id") == "site-search-input"
    settle(seen)
    assert seen.page.locator("#site-search-results").is_hidden(), "focus by Tab opened the list"
    seen.page.keyboard.press("Tab")
    settle(seen)
    assert seen.page.evaluate("!document.activeElement.closest('#site-search-results, .site-search')")
    assert seen.page.locator("#site-search-results").is_hidden()
    box.click()
    settle(seen)
    assert seen.page.locator("#site-search-results").is_hidden(), "a click opened the list"
    seen.page.keyboard.press("ArrowDown")  # the combobox's down arrow opens it
    seen.page.wait_for_selector("#site-search-results [role=option]")
    assert box.get_attribute("aria-expanded") == "true"
    seen.page.keyboard.press("Escape")
    box.press("End")
    box.press_sequentially("s")  # typing opens it
    seen.page.wait_for_function(
        "() => document.querySelector('#site-search-results .search-status')?.dataset.query"
        " === 'segmentations'"
    )
    stops = seen.page.evaluate(
        "[...document.querySelectorAll('#site-search-results a')].filter(a => a.tabIndex >= 0).length"
    )
    assert stops == 0
    seen.page.keyboard.press("Tab")  # and Tab leaves it at once
    assert seen.page.evaluate("!document.activeElement.closest('.site-search')")
    assert seen.problems == [] and seen.outside_requests() == []


class _SlowSearchHandler(_SiteHandler):
    """The site as on a slow network: each of the search index's files takes 2 s."""

    def do_GET(self) -> None:
        if "/assets/search" in self.path:
            time.sleep(2)
        super().do_GET()


def test_on_a_slow_network_the_list_under_the_box_says_it_is_searching(visit, captured) -> None:
    """For ~2 s after typing, while the index's files loaded, nothing showed under the box; a
    "Searching…" row now shows until the results do."""
    with serve(captured[0], _SlowSearchHandler) as origin:
        seen = visit(origin + "/", "index.html")
        box = seen.page.locator("#site-search-input")
        box.click()
        started = time.monotonic()
        box.press_sequentially("segmentation")
        searching = seen.page.locator("#site-search-results .search-status")
        expect(searching).to_have_text("Searching\u2026", timeout=1500)
        assert time.monotonic() - started < 1.8
        assert seen.page.locator("#site-search-results").is_visible()
        assert searching.get_attribute("data-query") is None  # not yet the query's status
        seen.page.wait_for_function(
            "() => document.querySelector('#site-search-results .search-status')?.dataset.query"
            " === 'segmentation'",
            timeout=30_000,
        )
        assert len(dropdown_titles(seen)) >= 1
        assert seen.problems == []


def test_search_works_again_once_the_connection_is_back(visit, served_site: str) -> None:
    """Offline for a moment (a train in a tunnel), a search whose files did not load said "Search
    could not load assets/search/p-....js. Try reloading the page." and so did every search
    after it, online again, until the page was reloaded; on the results page a filter chosen
    offline left the page in that state even after Back. A file that did not load now fails
    only the search that needed it: the next one (a key typed, a filter, Back) tries again."""
    seen = visit(served_site, "index.html")
    context = seen.page.context
    context.set_offline(True)  # before search is first used: the manifest, lunr.js, the engine
    type_query(seen, "segmentation")
    status = seen.page.locator("#site-search-results .search-status")
    expect(status).to_have_class(re.compile("search-error"))
    assert "Check your connection, then search again." in status.inner_text()
    context.set_offline(False)
    type_query(seen, "segmentation model")
    assert "papers match" in dropdown_status(seen) and dropdown_titles(seen)

    seen = visit(served_site, "search.html?q=segmentation")
    best = page_results(seen)
    seen.page.route("**/assets/search/o-*", lambda route: route.abort())  # newest first's dates
    seen.page.locator("#search-page-results a[data-facet='sort=date']").click()
    error = seen.page.locator("#search-page-results .search-status.search-error")
    expect(error).to_contain_text("could not load part of its index (assets/search/o-")
    seen.page.unroute("**/assets/search/o-*")
    seen.page.go_back()
    expect(seen.page.locator("#search-page-results .search-error")).to_have_count(0)
    assert page_results(seen) == best
    seen.page.locator("#search-page-results a[data-facet='sort=date']").click()
    status = seen.page.locator("#search-page-results .search-status")
    expect(status).not_to_have_class(re.compile("search-error"))
    # The sort loads its part of the index again: wait for the results it gives, not the first look.
    expect(seen.page.locator("#search-page-results")).to_contain_text("newest first")
    failed = [problem for problem in seen.problems if "Failed to load resource" not in problem]
    assert failed == [] and seen.outside_requests() == []


def test_back_from_a_result_of_the_list_finds_the_words_in_the_box(visit, site_url: str) -> None:
    """After opening a result from the list under the box and pressing Back, the box was empty
    (it has autocomplete=off, so the browser does not restore it): the words typed are kept with
    the page's entry of the history."""
    seen = visit(site_url, "papers/endogen.html")
    type_query(seen, "segment anyth")
    seen.page.keyboard.press("ArrowDown")
    seen.page.keyboard.press("Enter")
    seen.page.wait_for_url("**/papers/*.html#highlight=*")
    seen.page.go_back()
    seen.page.wait_for_load_state("load")
    assert urlsplit(seen.page.url).path.endswith("papers/endogen.html")
    box = seen.page.locator("#site-search-input")
    expect(box).to_have_value("segment anyth")
    settle(seen)
    assert seen.page.locator("#site-search-results").is_hidden()  # filled in, not typed: closed
    seen.page.goto(site_url + "index.html")  # a click on a result, and Enter in the box, too
    type_query(seen, "agents")
    seen.page.locator("#site-search-results a.search-result").first.click()
    seen.page.wait_for_url("**/papers/*.html#highlight=*")
    seen.page.go_back()
    expect(seen.page.locator("#site-search-input")).to_have_value("agents")
    seen.page.locator("#site-search-input").press("Enter")
    seen.page.wait_for_url("**/search.html?q=agents*")
    seen.page.go_back()
    expect(seen.page.locator("#site-search-input")).to_have_value("agents")
    seen.page.goto(site_url + "topics/index.html")
    seen.page.goto(site_url + "index.html")  # a new visit of the page starts empty
    assert seen.page.locator("#site-search-input").input_value() == ""
    assert seen.problems == [] and seen.outside_requests() == []


def test_built_site_dropdown_and_enter_from_a_paper_page(visit, site_url: str) -> None:
    seen = visit(site_url, "papers/endogen.html")
    seen.page.locator("main").click()
    seen.page.keyboard.press("/")
    type_query(seen, "segment anything")
    assert len(dropdown_titles(seen)) >= 1
    top = seen.page.locator("#site-search-results a.search-result").first.get_attribute("href")
    assert top.startswith("../papers/") and "#highlight=" in top
    seen.page.keyboard.press("ArrowDown")
    with seen.page.expect_navigation():
        seen.page.keyboard.press("Enter")
    assert seen.page.url == site_url + top.removeprefix("../")
    assert seen.problems == [] and seen.outside_requests() == []


PAGE_SIZE = 25  # results a page of search.html shows


def facet_links(seen: Visit, key: str) -> dict[str, tuple[int, str]]:
    """A filter's choices: label -> (count, href)."""
    found = {}
    for link in seen.page.locator(f"#search-page-results a[data-facet^='{key}=']").all():
        label, count = re.fullmatch(r"(.*) \((\d+)\)", link.inner_text()).groups()
        found[label] = (int(count), link.get_attribute("href"))
    return found


def shown_meta(seen: Visit) -> list[str]:
    return seen.page.locator("#search-page-results a.search-result .search-result-meta").all_text_contents()


def committed_topic_ids() -> dict[str, str]:
    """The committed content's topics: id by title."""
    from sitegen.topicsfile import parse_topics

    text = (Path(__file__).resolve().parent.parent / "content/topics.yaml").read_text(encoding="utf-8")
    return {topic.title: topic.id for topic in parse_topics(text)}


def test_results_page_and_all_papers_take_a_topic_by_its_id_and_search_its_title_too(
    visit, site_url: str
) -> None:
    """search.html?topic= took a topic's title where All papers (papers/index.html#topic=) takes its
    id: a link written for one chose nothing on the other. Both take the id now; search.html still
    takes the title its own filter links wrote before, in any case."""
    seen = visit(site_url, "search.html?q=segmentation")
    topics = facet_links(seen, "topic")
    title, (count, _) = next((label, value) for label, value in topics.items() if label != "Any topic")
    topic_id = committed_topic_ids()[title]
    assert topic_id != title
    for named in (topic_id, title, title.upper()):
        seen.page.goto(site_url + "search.html?q=segmentation&topic=" + named.replace(" ", "+"))
        assert len(page_results(seen)) == min(count, PAGE_SIZE), named
        assert all(title in meta.split(" \u00b7 ") for meta in shown_meta(seen)), named
        chosen = seen.page.locator("#search-page-results a[data-facet^='topic='][aria-current=true]")
        assert chosen.inner_text() == f"{title} ({count})", named
        assert f"(in {title})" in seen.page.locator("main [role=status]").inner_text(), named
        # the page's own links name the topic by id: to another year, sorted, another page
        sorting = seen.page.locator("#search-page-results a[data-facet='sort=date']").get_attribute("href")
        assert parse_qs(urlsplit(sorting).query)["topic"] == [topic_id], named
    seen.page.goto(site_url + "papers/index.html#topic=" + topic_id)
    seen.page.wait_for_function("() => document.querySelectorAll('input[name=topic]:checked').length > 0")
    ticked = seen.page.locator("input[name=topic]:checked")
    assert [box.get_attribute("value") for box in ticked.all()] == [topic_id]
    assert seen.problems == []


def test_results_page_filters_by_topic_and_year_and_sorts_with_its_state_in_the_address(
    visit, site_url: str
) -> None:
    path = "search.html?q=segmentation"
    seen = visit(site_url, path)
    total = len(every_page_result(seen, path))
    seen.page.goto(site_url + path)
    topics, years = facet_links(seen, "topic"), facet_links(seen, "year")
    assert topics["Any topic"][0] == years["Any year"][0] == total > 10
    assert "Undated" in years and list(years)[-1] == "Undated"
    assert sum(count for label, (count, _) in years.items() if label != "Any year") == total
    topic, (count, _) = next((label, value) for label, value in topics.items() if label != "Any topic")
    seen.page.locator("#search-page-results a[data-facet^='topic=']", has_text=f"{topic} (").click()
    topic_id = committed_topic_ids()[topic]  # the address names it by id, as All papers' does
    seen.page.wait_for_function("t => new URLSearchParams(location.search).get('topic') === t", arg=topic_id)
    assert len(page_results(seen)) == min(count, PAGE_SIZE)
    assert all(topic in meta.split(" \u00b7 ") for meta in shown_meta(seen))
    assert seen.page.evaluate("document.activeElement.getAttribute('aria-current')") == "true"
    announced = seen.page.locator("main [role=status]").inner_text()  # one live sentence, not the list
    assert announced.startswith(f"{total} papers match") and f"of {count} papers (in {topic})" in announced
    seen.page.reload()  # the address holds the state
    assert len(page_results(seen)) == min(count, PAGE_SIZE)
    seen.page.go_back()
    seen.page.wait_for_function("() => !new URLSearchParams(location.search).get('topic')")
    assert len(page_results(seen)) == min(total, PAGE_SIZE)
    undated = years["Undated"][0]
    seen.page.locator("#search-page-results a[data-facet='year=undated']").click()
    seen.page.wait_for_function("() => new URLSearchParams(location.search).get('year') === 'undated'")
    assert len(page_results(seen)) == min(undated, PAGE_SIZE)
    assert all(meta.split(" \u00b7 ")[0] == "Undated" for meta in shown_meta(seen))  # said plainly
    seen.page.goto(site_url + "search.html?q=segmentation&sort=date")
    dates = [meta.split(" \u00b7 ")[0] for meta in shown_meta(seen)]
    dated = [dt.datetime.strptime(date, "%d %B %Y") for date in dates if date != "Undated"]
    assert dated == sorted(dated, reverse=True), "newest first"
    assert dates[len(dated) :] == ["Undated"] * (len(dates) - len(dated)), "undated last"
    assert seen.page.locator("a[data-facet='sort=date']").get_attribute("aria-current") == "true"
    assert seen.problems == [] and seen.outside_requests() == []


def highlighted_words(seen: Visit) -> list[str]:
    return seen.page.locator("mark.search-hit").all_text_contents()


def test_a_result_opens_its_paper_with_the_matched_words_highlighted(visit, site_url: str) -> None:
    seen = visit(site_url, "search.html?q=segmentation+models")
    first = seen.page.locator("#search-page-results a.search-result").first
    href = first.get_attribute("href")
    terms = parse_qs(urlsplit(href).fragment)["highlight"][0].split(" ")
    assert sorted(terms) == ["model", "segment"]
    first.click()
    seen.page.wait_for_selector("mark.search-hit")
    words = highlighted_words(seen)
    assert words and {stem(trim(word.lower())) for word in words} <= {"model", "segment"}
    assert seen.page.locator("[data-search-highlight] mark.search-hit").count() == len(words)
    note = seen.page.locator("#search-highlight-note")
    assert f"{len(words)} words from your search are highlighted" in note.inner_text()
    note.get_by_role("button", name="Remove highlights").click()
    assert highlighted_words(seen) == [] and "#" not in seen.page.url
    seen.page.goto(site_url + href.split("#")[0])
    settle(seen)
    assert highlighted_words(seen) == [], "no fragment, no highlights"
    seen.page.evaluate("location.hash = 'highlight=model'")  # a new fragment on the same page
    seen.page.wait_for_function("() => document.querySelectorAll('mark.search-hit').length > 0")
    assert {stem(word.lower()) for word in highlighted_words(seen)} == {"model"}
    seen.page.reload()
    seen.page.wait_for_selector("mark.search-hit")
    assert seen.problems == [] and seen.outside_requests() == []


def test_removing_the_highlights_by_keyboard_keeps_the_place(visit, site_url: str) -> None:
    """ "Remove highlights" pressed with the keyboard removed the button with its note, and the
    focus with them: it fell to the page's body, so the next Tab started again from the skip
    link. The focus now goes to the title the note followed, and Tab goes on from there."""
    seen = visit(site_url, "search.html?q=segmentation+models")
    href = seen.page.locator("#search-page-results a.search-result").first.get_attribute("href")
    seen.page.goto(site_url + href)
    seen.page.wait_for_selector("#search-highlight-note")
    button = seen.page.get_by_role("button", name="Remove highlights")
    for _ in range(40):
        seen.page.keyboard.press("Tab")
        if seen.page.evaluate("document.activeElement.classList.contains('search-highlight-clear')"):
            break
    expect(button).to_be_focused()
    seen.page.keyboard.press("Enter")
    expect(seen.page.locator("#search-highlight-note")).to_have_count(0)
    expect(seen.page.locator("h1")).to_be_focused()
    seen.page.keyboard.press("Tab")
    after = seen.page.evaluate("document.activeElement.compareDocumentPosition(document.querySelector('h1'))")
    assert after & 2, "the next Tab goes on after the title"  # DOCUMENT_POSITION_PRECEDING
    assert not seen.page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert seen.problems == [] and seen.outside_requests() == []


def test_highlights_mark_every_word_with_a_matched_stem_and_nothing_else(
    visit, site_url: str, captured
) -> None:
    documents = captured[1]
    doc = next(doc for doc in documents if "segmentation" in doc.text.lower() and "-" in doc.text)
    seen = visit(site_url, doc.url + "#highlight=segment+imag")
    seen.page.wait_for_selector("mark.search-hit")
    abstract_text = seen.page.locator(".abstract").inner_text()
    expected = [
        word
        for token in tokenize(abstract_text)
        if (word := trim(token)) and word not in STOP_WORDS and stem(word) in {"segment", "imag"}
    ]
    marks = seen.page.locator(".abstract mark.search-hit").all_text_contents()
    assert [mark.lower() for mark in marks] == expected
    assert seen.problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_states_have_no_accessibility_violations(visit, captured, scheme: str) -> None:
    axe = node_tool("axe-core", "axe.min.js")
    site = captured[0].as_uri() + "/"
    failures = []
    paper_url = captured[1][0].url
    states = {
        "partial matches": "search.html?q=sepsis+segmentation",
        "did you mean": "search.html?q=segmentatoin",
        "filtered": "search.html?q=segmentation&year=undated&sort=date",
        "highlighted paper": paper_url + "#highlight=medic+model+imag",
        "dropdown": "index.html",
    }
    for name, path in states.items():
        seen = visit(site, path, color_scheme=scheme)
        if name == "dropdown":
            type_query(seen, "sepsis segmentation")
        elif name == "highlighted paper":
            seen.page.wait_for_selector("#search-highlight-note")
        else:
            page_status(seen)
        assert seen.problems == [], name
        seen.page.add_script_tag(path=str(axe))  # (from file:// it logs that it may not read the CSS)
        violations = seen.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => `${v.id} (${v.impact}): ${v.help} -> ${v.nodes.slice(0, 3)"
            ".map(n => n.target.join(' ')).join(' | ')}`)"
        )
        failures += [f"{name}: {violation}" for violation in violations]
    assert not failures, "\n".join(failures)


def test_highlight_terms_in_the_address_are_decoded_not_run(visit, site_url: str, captured) -> None:
    paper_url = captured[1][0].url
    seen = visit(site_url, paper_url + "#highlight=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E+%E0%A4%A+model")
    settle(seen)
    assert seen.page.locator("[data-search-highlight] img").count() == 0
    assert all(unquote(word) for word in highlighted_words(seen))
    assert seen.problems == []


def typed_queries(documents: list[SearchDocument], count: int = 6, seed: int = 7) -> list[str]:
    """Queries as a reader leaves them in the box: the tester's, and generated from the titles, a
    word then the next one's first letters (one letter, after a space or a hyphen: left out while
    typed; or three: completed)."""
    import random

    rng = random.Random(seed)
    queries = ["chest x-r", "medg"]
    while len(queries) < 2 + count:
        words = [trim(token).lower() for token in tokenize(rng.choice(documents).title)]
        words = [word for word in words if word.isalpha() and len(word) > 3 and word not in STOP_WORDS]
        if len(words) < 2:
            continue
        first, second = words[0], words[1]
        queries.append(
            rng.choice((f"{first} {second[:1]}", f"{first}-{second[:1]}", f"{first} {second[:3]}"))
        )
    return queries


def test_see_all_and_enter_show_the_papers_the_list_under_the_box_counted(
    visit, site_url: str, captured
) -> None:
    """ "See all N results" and Enter open the results page as typed: the N papers the list
    counted (lunr.js's papers for the query being typed), never "No paper has all of" them."""
    documents = captured[1]
    queries = typed_queries(documents)
    expected = lunr_js_papers(documents, [(query, True) for query in queries])
    assert all(expected[:2]) and sum(len(papers) > 8 for papers in expected) >= 3
    seen = visit(site_url, "index.html")
    for query, papers in zip(queries, expected, strict=True):
        seen.page.goto(site_url + "index.html")
        type_query(seen, query)
        if papers:
            assert dropdown_status(seen).startswith(f"{len(papers)} paper"), query
        more = seen.page.locator("#site-search-results a.search-more")
        if len(papers) > 8:
            assert more.inner_text() == f"See all {len(papers)} results", query
            more.click()
            seen.page.wait_for_url(f"**/search.html?q={_quote(query)}&typed=1")
            assert page_status(seen).startswith(f"{len(papers)} paper"), query
        else:
            assert more.count() == 0, query
        seen.page.goto(site_url + "index.html")
        type_query(seen, query)
        with seen.page.expect_navigation():
            seen.page.keyboard.press("Enter")
        assert parse_qs(urlsplit(seen.page.url).query) == {"q": [query], "typed": ["1"]}, query
        if papers:
            assert page_status(seen).startswith(f"{len(papers)} paper"), query
        found = every_page_result(
            seen, "search.html?" + urlsplit(seen.page.url).query
        )  # the address Enter opened
        assert set(found) == papers and len(found) == len(papers), query
    seen.page.goto(site_url + "index.html")
    type_query(seen, "medg ")  # a space after the word: whole words, on the results page too
    with seen.page.expect_navigation():
        seen.page.keyboard.press("Enter")
    assert parse_qs(urlsplit(seen.page.url).query) == {"q": ["medg "]}
    assert page_status(seen).startswith("No papers match \u201cmedg")
    assert seen.problems == [] and seen.outside_requests() == []


def test_a_query_with_words_that_finds_nothing_says_no_papers_match(visit, site_url: str, captured) -> None:
    """A fielded query has words to search for: finding nothing, it says so (never "Nothing to
    search for"), in every field and with lunr's operators."""
    queries = [f"{field}:zzzz" for field, _ in search.FIELDS]
    queries += ["author:jones", "+title:zzzz", "venue:nowhere -title:segmentation", 'title:"zzzz qqqq"']
    assert lunr_js_papers(captured[1], [(query, False) for query in queries]) == [set()] * len(queries)
    seen = visit(site_url, "index.html")
    for query in queries:
        seen.page.goto(site_url + "search.html?q=" + _quote(query))
        assert page_status(seen) == f"No papers match \u201c{query}\u201d.", query
        type_query(seen, query)
        assert dropdown_status(seen) == f"No papers match \u201c{query}\u201d.", query
    assert seen.problems == [] and seen.outside_requests() == []


def test_a_search_that_finds_nothing_says_what_to_try_and_where_to_browse(visit, site_url: str) -> None:
    """search.html for words no paper has said "No papers match “qqqzzz”." and nothing more: a
    dead end. It now says what to try, and links to All papers and the topics; a search that
    finds papers, or papers with some of the words, or a malformed query, has no such help."""
    seen = visit(site_url, "search.html?q=qqqzzz")
    assert page_status(seen) == "No papers match \u201cqqqzzz\u201d."
    help_line = seen.page.locator("#search-page-results .search-help")
    expect(help_line).to_contain_text("Check the spelling, or try fewer or other words")
    links = help_line.locator("a")
    assert links.all_inner_texts() == ["all papers", "the topics"]
    assert [href.removeprefix(site_url) for href in links.evaluate_all("all => all.map(a => a.href)")] == [
        "papers/index.html",
        "topics/index.html",
    ]
    links.first.click()
    seen.page.wait_for_url("**/papers/index.html")
    for query in ("segmentation", "segmentation qqqzzz", "title:"):
        seen.page.goto(site_url + "search.html?q=" + _quote(query))
        page_status(seen)
        assert seen.page.locator(".search-help").count() == 0, query
    assert seen.problems == [] and seen.outside_requests() == []


def test_a_single_letter_typed_gets_a_truthful_status(visit, site_url: str, captured) -> None:
    """Each letter and digit typed alone: the papers with that one-letter word (lunr.js's), or,
    when it finds none (a stop word such as "a", or no such word), to keep typing: never that
    there is nothing to search for. The results page of the letter as typed says the same."""
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)] + ["7"]
    expected = lunr_js_papers(captured[1], [(letter, True) for letter in letters])
    assert set() in expected and any(expected)
    keep_typing = (
        "Keep typing: \u201c{}\u201d alone finds no paper; "
        "a word being typed is completed from its second letter."
    )
    seen = visit(site_url, "index.html")
    for letter, papers in zip(letters, expected, strict=True):
        type_query(seen, letter)
        want = keep_typing.format(letter) if not papers else f"{len(papers)} paper"
        assert dropdown_status(seen).startswith(want), letter
    seen.page.goto(site_url + "search.html?q=a&typed=1")
    assert page_status(seen) == keep_typing.format("a")
    seen.page.goto(site_url + "search.html?q=chest+x-r&typed=1")  # after other words, the page names it
    assert (
        "\u201cr\u201d is left out until it has a second letter"
        in seen.page.locator(".search-note").inner_text()
    )
    assert seen.problems == [] and seen.outside_requests() == []


def test_each_status_of_the_results_page_is_in_the_page_once_and_is_its_live_region(
    visit, site_url: str
) -> None:
    """What the page found (its status, the range of results shown) is written once, in the one
    live region at the top: it was copied into a hidden live region too, so the page's text (and a
    screen reader reading the page) had every status twice."""
    seen = visit(site_url, "search.html?q=segmentation")
    years = [
        href.split("year=")[1].split("&")[0]
        for _, href in facet_links(seen, "year").values()
        if "year=" in href
    ]
    queries = ["segmentation", "zzzz", "sepsis+segmentation", "segmentatoin", "", "segmentati&typed=1",
               "segmentation&year=1999", "segmentation&topic=nosuchtopic&sort=date"]  # fmt: skip
    states = ["search.html?q=" + query for query in queries]
    states += [f"search.html?q=segmentation&year={year}" for year in years]
    for path in states:
        seen.page.goto(site_url + path)
        if "q=&" not in path + "&":
            page_status(seen)
        text = seen.page.locator("main").inner_text()
        lines = seen.page.locator("#search-page-results .search-status, #search-page-results .search-range")
        shown = [line for line in lines.all_inner_texts() if line]
        assert shown, path
        for line in shown:
            assert text.count(line) == 1, (path, line)
        assert (
            seen.page.locator(
                "[role=status]:not(#site-search-live), [aria-live]:not(#site-search-results)"
            ).count()
            == 1
        ), path
        live = seen.page.locator("main [role=status]").inner_text().split("\n")
        assert [line for line in live if line] == shown, path
    seen.page.goto(site_url + "search.html?q=segmentation")  # a filter changes what it says, in place
    live = seen.page.locator("main [role=status]").element_handle()
    seen.page.locator("#search-page-results a[data-facet='year=undated']").click()
    seen.page.wait_for_function("() => new URLSearchParams(location.search).get('year') === 'undated'")
    assert "(undated)" in live.inner_text() and live.evaluate("node => node.isConnected")
    assert seen.problems == [] and seen.outside_requests() == []


@pytest.mark.parametrize("query", ['title:"the"', '"the"'])
def test_a_phrase_of_a_stop_word_alone_is_nothing_to_search_for_not_every_paper(
    visit, mini_site: str, query: str
) -> None:
    seen = visit(mini_site, f"search.html?q={quote(query)}")
    assert page_status(seen).startswith("Nothing to search for in"), page_status(seen)
    assert "the is too common a word" in page_status(seen)
    assert seen.page.locator("#search-page-results a.search-result").count() == 0
    assert seen.problems == []


def test_results_page_filters_the_unclassified_papers_as_all_papers_does(
    visit, site_url: str, captured: tuple[Path, list[SearchDocument]]
) -> None:
    """A paper with no topic is under "Unclassified" (id `unclassified`, as All papers' filter
    names it): offered with its count among the results, and chosen by its id. Which papers have
    no topic: papers.json."""
    import json

    papers = json.loads((captured[0] / "papers.json").read_text(encoding="utf-8"))
    unclassified = {paper["page"] for paper in papers if not paper["topics"]}
    assert unclassified, "the committed content has unclassified papers"
    seen = visit(site_url, "search.html?q=model")
    shown = set(page_results(seen))
    if len(shown) == PAGE_SIZE:  # more than a page: the count, not the set
        shown = set()
    count, _ = facet_links(seen, "topic")["Unclassified"]
    assert count > 0
    seen.page.goto(site_url + "search.html?q=model&topic=unclassified")
    found = page_results(seen)
    assert len(found) == min(count, PAGE_SIZE) and set(found) <= unclassified
    assert not shown or set(found) == shown & unclassified
    chosen = seen.page.locator("#search-page-results a[data-facet^='topic='][aria-current=true]")
    assert chosen.inner_text() == f"Unclassified ({count})"
    assert "(in Unclassified)" in seen.page.locator("main [role=status]").inner_text()
    assert seen.problems == []


def test_a_bookmarked_topic_since_renamed_filters_nothing_out_and_says_so(visit, site_url: str) -> None:
    """search.html?topic=llm-agents (a topic since renamed) said "No paper matches with these
    filters (in llm-agents)" with a facet "llm-agents (0)"; All papers drops such a filter.
    Search now shows every topic's papers and says there is no such topic."""
    seen = visit(site_url, "search.html?q=model")
    every = page_results(seen)
    status = seen.page.locator("main [role=status]").inner_text()
    seen.page.goto(site_url + "search.html?q=model&topic=llm-agents")
    assert page_results(seen) == every
    said = seen.page.locator("main [role=status]").inner_text()
    assert "no topic \u201cllm-agents\u201d here, so every topic" in said and said != status
    assert "llm-agents" not in "".join(facet_links(seen, "topic"))
    assert seen.problems == []
