"""Phones: no page scrolls sideways at 320, 375 or 414 px, and every target is at least 24 px.

Every template is opened, in both audiences, in headless Chromium emulating a phone: a page of
each kind, and the paper pages most likely to overflow (the longest title, word and address).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from sitegen.cli import main as sitegen_main
from sitegen.paperfile import parse_paper
from tests.conftest import REPO, SAMPLE_TOPICS, SITE_YAML, write_files
from tests.test_site_all_papers import corpus
from tests.test_site_browser import serve

pytestmark = pytest.mark.browser

WIDTHS = (320, 375, 414)
TARGET = 24  # CSS pixels: WCAG 2.2's minimum target size


def widest_papers() -> list[str]:
    """The committed papers with the longest title, longest word and longest link."""
    papers = [
        parse_paper(path.read_text(encoding="utf-8"), str(path), path.stem)
        for path in sorted((REPO / "content/papers").glob("*.md"))
    ]

    def longest_word(paper) -> int:
        return max(map(len, re.split(r"\s+", paper.title + " " + paper.abstract)))

    measures = (
        lambda p: len(p.title),
        longest_word,
        lambda p: max((len(link.url) for link in p.links), default=0),
    )
    return sorted(
        {f"papers/{max(papers, key=measure).slug}.html" for measure in measures} | {"papers/endogen.html"}
    )


def pages_of_every_template(site: Path, editor: bool) -> list[str]:
    big_topic = max(
        (p for p in (site / "topics").glob("*.html") if p.name != "index.html"),
        key=lambda p: (
            len(list((site / "topics" / p.stem).glob("*.html"))) if (site / "topics" / p.stem).is_dir() else 0
        ),
    ).stem
    pages = [
        "index.html",
        "papers/index.html",
        "papers/pages/2.html",
        "topics/index.html",
        f"topics/{big_topic}.html",
        f"topics/{big_topic}/2.html",
        "topics/unclassified.html",
        "search.html?q=segmentation",
        "404.html",
        *widest_papers(),
    ]
    if editor:
        pages.append("attention.html")
    for page in pages:
        assert (site / page.split("?")[0]).is_file(), page
    return pages


# Links and controls smaller than 24 px, but for links that are words in a sentence.
SMALL_TARGETS = """min => {
  const small = [];
  const targets = document.querySelectorAll('a[href], button, select, input, summary, textarea');
  for (const element of targets) {
    if (element.closest('.visually-hidden, .skip-link, [hidden]')) continue;
    // a check box or radio button is hit through its label
    const target = element.matches('input[type=checkbox], input[type=radio]') && element.closest('label')
      ? element.closest('label') : element;
    const box = target.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    const style = getComputedStyle(target);
    if (style.display === 'inline') {
      let block = target.parentElement;
      while (block && getComputedStyle(block).display === 'inline') block = block.parentElement;
      const own = target.textContent.trim().length;
      const around = block ? block.textContent.replace(/\\s+/g, ' ').trim().length : 0;
      if (around > own + 2) continue;  // a word in a sentence
    }
    if (box.height < min || box.width < min) {
      const text = target.textContent.trim().slice(0, 30);
      small.push(`${target.tagName.toLowerCase()}.${target.className} "${text}" ` +
                 `${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return small;
}"""


@pytest.mark.parametrize("audience", ["reader", "editor"])
def test_no_page_scrolls_sideways_on_a_phone_and_every_target_is_big_enough(
    audience, committed_site, committed_editor_site, browser
):
    site = committed_editor_site if audience == "editor" else committed_site
    pages = pages_of_every_template(site, audience == "editor")
    problems = []
    with serve(site) as origin:  # over HTTP, under the site's CSP: the 404 page links from the root
        for width in WIDTHS:
            problems += phone_problems(browser, origin, pages, width)
    assert problems == [], "\n".join(problems[:30])


def phone_problems(browser, origin: str, pages: list[str], width: int) -> list[str]:
    """What is wrong with each page on a phone `width` pixels wide."""
    problems = []
    context = browser.new_context(
        viewport={"width": width, "height": 740}, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    try:
        page = context.new_page()
        for name in pages:
            page.goto(origin + "/" + name)
            page.wait_for_load_state("load")
            if name.startswith("search.html"):
                page.wait_for_selector("#search-page-results a.search-result", timeout=10_000)
            if name == "papers/index.html":  # the browser's own cards and pages, once its data is in
                if not page.locator(".filter-more").evaluate("details => details.open"):
                    page.locator(".filter-more > summary").click()  # folded on a phone
                page.get_by_label("Has code").check()
                expect(page).to_have_url(re.compile("code=1"))
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                problems.append(f"{width}px: {name} is {scroll}px wide")
            if width == min(WIDTHS):  # the narrowest: targets big enough here are so everywhere
                problems += [f"{width}px: {name}: {small}" for small in page.evaluate(SMALL_TARGETS, TARGET)]
    finally:
        context.close()
    return problems


def test_the_venue_and_author_facets_fit_a_phone_in_use(tmp_path, browser):
    """The committed papers have no venue and few authors: a generated corpus with both, its
    facets open as far as they go and filtered, at each width."""
    write_files(tmp_path, {"site.yaml": SITE_YAML, **corpus(120)})
    topics = yaml.safe_dump(SAMPLE_TOPICS, sort_keys=False)
    (tmp_path / "content/topics.yaml").write_text(topics, encoding="utf-8")
    assert sitegen_main(["build", "--config", str(tmp_path / "site.yaml")]) == 0
    problems = []
    for width in WIDTHS:
        context = browser.new_context(
            viewport={"width": width, "height": 740}, is_mobile=True, has_touch=True, device_scale_factor=2
        )
        try:
            page = context.new_page()
            page.goto((tmp_path / "public/papers/index.html").as_uri())
            page.locator(".filter-more > summary").tap()  # folded on a phone
            more = page.locator("#facet-author .facet-more-values")
            more.tap()
            expect(page.locator("#facet-author .facet-fewer-values")).to_be_visible()
            page.get_by_label("Find a venue").fill("proceedings")
            page.locator("#facet-venue input[type=checkbox]").first.tap()
            expect(page).to_have_url(re.compile("venue="))
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                problems.append(f"{width}px: All papers with its facets in use is {scroll}px wide")
            problems += [f"{width}px: {small}" for small in page.evaluate(SMALL_TARGETS, TARGET)]
        finally:
            context.close()
    assert problems == [], "\n".join(problems[:30])


LONG_QUERIES = [
    "supercalifragilisticexpialidocioussupercalifragilistic",  # a long word, no paper has it
    "segmentation" + "x" * 988,  # 1,000 letters
    ("report generation segment " * 40)[:1000],  # 1,000 characters of words
    "medical " + "y" * 300 + " segmentation",  # a long word among words papers have: partial matches
    "title:" + "z" * 400,  # in lunr's syntax
    "\u533b\u5b66" * 200 + " segmentation",  # a long run of letters it leaves out, named in a note
]


@pytest.mark.parametrize("width", [375, 1280])
def test_a_long_query_never_makes_a_page_wider_than_the_screen(committed_site, browser, width):
    """The query is shown back (the status, notes, the list under the box): a long word of it
    wraps instead of widening the page, on a phone and on a desktop."""
    from urllib.parse import quote

    problems = []
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        for query in LONG_QUERIES:
            for typed in ("", "&typed=1"):
                page.goto((committed_site / "search.html").as_uri() + "?q=" + quote(query) + typed)
                page.wait_for_selector("#search-page-results .search-status[data-query]")
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll != width:
                    problems.append(f"{width}px: search.html?q={query[:30]}...{typed} is {scroll}px wide")
            page.goto((committed_site / "index.html").as_uri())
            page.locator("#site-search-input").fill(query)
            page.wait_for_selector("#site-search-results .search-status[data-query]")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll != width:
                problems.append(f"{width}px: the list under the box for {query[:30]}... is {scroll}px wide")
            inner = page.evaluate(
                "(box => box.scrollWidth - box.clientWidth)(document.getElementById('site-search-results'))"
            )
            if inner > 0:
                problems.append(
                    f"{width}px: the list under the box for {query[:30]}... scrolls {inner}px sideways"
                )
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


FOLDED = {  # page: (its first result, its folded filters)
    "papers/index.html": ("#paper-results a", ".filter-more"),
    "search.html?q=segmentation": ("#search-page-results a.search-result", ".search-facets"),
}


@pytest.mark.parametrize("path", list(FOLDED))
def test_on_a_phone_the_papers_come_first_and_the_filters_unfold(committed_site, browser, path):
    """The filters sat above the list and took ~2.5 screens of a phone (first paper at 1,695 px
    on All papers, 1,301 px on the results page): folded there, the first paper is on the first
    screen; the summary unfolds them, and on a desktop they are open beside the list. Filters
    chosen in the address no longer unfold them (a shared link put the first paper 2,660 px
    down): the summary says how many are chosen."""
    result, folded = FOLDED[path]
    page_of = (committed_site / path.split("?")[0]).as_uri() + (
        "?" + path.split("?")[1] if "?" in path else ""
    )
    for width, height in ((375, 667), (1280, 800)):
        context = browser.new_context(viewport={"width": width, "height": height})
        try:
            page = context.new_page()
            page.goto(page_of)
            page.wait_for_selector(result)
            is_open = page.locator(folded).evaluate("details => details.open")
            top = page.evaluate(f"document.querySelector('{result}').getBoundingClientRect().top + scrollY")
            if width == 375:
                assert not is_open and top < height, (path, top)
                page.locator(folded + " > summary").click()
                topic = page.locator(folded + " input[name=topic], " + folded + " a[data-facet^=topic]").nth(
                    1
                )
                expect(topic).to_be_visible()
            else:
                assert is_open
        finally:
            context.close()
    for chosen, how_many in (
        ("#topic=segmentation" if "papers/" in path else "&topic=Segmentation", 1),
        ("#topic=segmentation&year=2024" if "papers/" in path else "&topic=Segmentation&year=2024", 2),
    ):
        for width, height in ((375, 667), (1280, 800)):
            context = browser.new_context(viewport={"width": width, "height": height})
            try:
                page = context.new_page()
                page.goto(page_of + chosen)
                page.wait_for_selector(result)
                if "papers/" in path:
                    expect(page.locator("#paper-count")).to_contain_text("Showing ")
                expect(page.locator(folded + " > summary")).to_contain_text(f"({how_many} chosen)")
                is_open = page.locator(folded).evaluate("details => details.open")
                top = page.evaluate(
                    f"document.querySelector('{result}').getBoundingClientRect().top + scrollY"
                )
                if width == 375:
                    assert not is_open and top < height, (path, chosen, top)
                else:
                    assert is_open, (path, chosen)  # the desktop as it was
            finally:
                context.close()


@pytest.mark.parametrize("where", ["file", "http"])
def test_on_a_phone_ticking_a_box_shows_how_many_papers_it_gives_on_screen(committed_site, browser, where):
    """Ticking a box in the open filters changed the list's count, off-screen: the reader saw
    nothing happen. A button pinned to the bottom of the screen says how many papers the choices
    give, and folds the filters away to the list; on a desktop there is none."""
    with serve(committed_site) as origin:
        base = committed_site.as_uri() if where == "file" else origin
        context = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
        try:
            page = context.new_page()
            page.goto(base + "/papers/index.html#topic=segmentation")
            expect(page.locator("#paper-count")).to_contain_text("Showing ")
            page.locator(".filter-more > summary").tap()
            year = page.locator("#facet-year input[type=checkbox]").first
            year.scroll_into_view_if_needed()
            year.tap()
            expect(page.locator(".filter-more > summary")).to_contain_text("(2 chosen)")
            shown = re.match(r"Showing (\d+) of", page.locator("#paper-count").inner_text())
            assert shown, page.locator("#paper-count").inner_text()
            button = page.locator(".filter-show-button")
            expect(button).to_have_text(f"Show {shown.group(1)} papers")
            box = button.bounding_box()
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= 667, box  # on the screen
            near = year.bounding_box()
            assert near and 0 <= near["y"] <= 667  # beside the box just ticked
            button.tap()
            assert not page.locator(".filter-more").evaluate("details => details.open")
            first = page.locator("#paper-results a").first.bounding_box()
            assert first and 0 <= first["y"] < 667
        finally:
            context.close()
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        try:
            page = context.new_page()
            page.goto(base + "/papers/index.html#topic=segmentation")
            expect(page.locator("#paper-count")).to_contain_text("Showing ")
            assert page.locator(".filter-show-button").is_hidden()
        finally:
            context.close()


def test_a_phone_is_not_told_to_press_slash(committed_site, browser):
    """The search box's placeholder said "Search papers (press /)" on a phone too, which has no
    / key to press: on a screen with touch alone it is "Search papers"; with a mouse (and so,
    most likely, a keyboard) the hint stays."""
    for options, placeholder in (
        ({"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}, "Search papers"),
        ({"viewport": {"width": 1280, "height": 800}}, "Search papers (press /)"),
    ):
        context = browser.new_context(**options)
        try:
            page = context.new_page()
            for path in ("index.html", "search.html?q=segmentation", "papers/index.html"):
                page.goto((committed_site / "index.html").as_uri().removesuffix("index.html") + path)
                expect(page.locator("#site-search-input")).to_have_attribute("placeholder", placeholder)
        finally:
            context.close()


@pytest.mark.parametrize("audience", ["reader", "editor"])
def test_the_theme_button_sits_beside_the_search_box_on_a_phone_not_on_a_row_of_its_own(
    audience, committed_site, committed_editor_site, browser
):
    """At 320 px the theme button ("◐ Dark theme") went onto a row of its own under the search
    box. On a phone it is its symbol, beside the box, its name still its words; on a wide screen
    its words show."""
    site = committed_editor_site if audience == "editor" else committed_site
    for width, phone in ((320, True), (375, True), (414, True), (1280, False)):
        context = browser.new_context(
            viewport={"width": width, "height": 740}, is_mobile=phone, has_touch=phone
        )
        try:
            page = context.new_page()
            for path in ("index.html", "papers/index.html", "search.html?q=segmentation"):
                page.goto((site / "index.html").as_uri().removesuffix("index.html") + path)
                button = page.get_by_role("button", name="Dark theme")
                expect(button).to_have_count(1)
                box, field = button.bounding_box(), page.locator("#site-search-input").bounding_box()
                assert box is not None and field is not None
                where = (width, path)
                assert abs((box["y"] + box["height"] / 2) - (field["y"] + field["height"] / 2)) < 4, where
                assert box["x"] >= field["x"] + field["width"], where  # beside it, after it
                assert min(box["width"], box["height"]) >= TARGET and box["height"] < 48, where
                assert (box["width"] < 60) == phone, where  # the symbol alone, or its words too
                assert page.evaluate("document.documentElement.scrollWidth") <= width, where
            button.click()
            expect(button).to_have_attribute("aria-pressed", "true")  # a toggle, pressed: the dark theme
        finally:
            context.close()
