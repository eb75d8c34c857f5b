"""The built site in real headless Chromium: from file://, from a domain root and from a sub-path."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import tomllib
from playwright.sync_api import expect

from sitegen.cli import main as sitegen_main
from tests.conftest import REPO, SITE_YAML, write_files
from tests.test_build import project_files

pytestmark = pytest.mark.browser
SUB_PATH = "/review/"


def build_project(root: Path, files: dict[str, str]) -> Path:
    write_files(root, {"site.yaml": SITE_YAML, **files})
    assert sitegen_main(["build", "--config", str(root / "site.yaml")]) == 0
    return root / "public"


def content_security_policy() -> str:
    """The policy netlify.toml sends with every page."""
    config = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))
    every_page = next(rule for rule in config["headers"] if rule["for"] == "/*")
    return every_page["values"]["Content-Security-Policy"]


class _SiteHandler(SimpleHTTPRequestHandler):
    """Serves the site at "/" and again under SUB_PATH with netlify.toml's policy, quietly."""

    policy = content_security_policy()

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.policy)
        super().end_headers()

    def translate_path(self, path: str) -> str:
        if path.startswith(SUB_PATH):
            path = "/" + path[len(SUB_PATH) :]
        return super().translate_path(path)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(site: Path, handler: type[SimpleHTTPRequestHandler] = _SiteHandler) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 for the site; yields its origin, e.g. http://127.0.0.1:8123."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class Watched:
    """A browser page whose console errors, uncaught exceptions, dialogs and requests are recorded."""

    def __init__(self, context) -> None:
        self.page = context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def outside(self, site_prefix: str) -> list[str]:
        return [
            url for url in self.requests if not url.startswith(site_prefix) and not url.startswith("data:")
        ]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_project(tmp_path_factory.mktemp("browser") / "project", project_files())


@pytest.fixture(scope="module")
def origin(site) -> Iterator[str]:
    with serve(site) as address:
        yield address


@pytest.fixture
def context(browser):
    context = browser.new_context()
    yield context
    context.close()


PAGES = ["index.html", "papers/index.html", "papers/endogen.html", "topics/index.html", "topics/agents.html",
         "topics/unclassified.html", "search.html"]  # fmt: skip


@pytest.mark.parametrize("where", ["file", "root", "sub-path"])
def test_every_kind_of_page_loads_styled_without_errors_or_outside_requests(site, origin, context, where):
    base = {"file": site.as_uri() + "/", "root": origin + "/", "sub-path": origin + SUB_PATH}[where]
    watched = Watched(context)
    for page in PAGES:
        response = watched.page.goto(base + page)
        assert response is None or response.ok, page
        watched.page.wait_for_load_state("load")
        assert watched.page.locator("h1").count() == 1, page
        # the stylesheet applied: the skip link is moved off screen
        assert watched.page.locator(".skip-link").bounding_box()["x"] < 0, page
    # every navigation link leads somewhere real from this base
    watched.page.goto(base + "papers/endogen.html")
    watched.page.get_by_role("link", name="Segmentation", exact=True).first.click()
    assert watched.page.locator("h1").inner_text() == "Segmentation"
    watched.page.get_by_role("link", name="Home").click()
    assert watched.page.url == base + "index.html"
    assert watched.errors == []
    assert watched.outside(base) == []


def test_netlify_builds_with_sitegen_and_publishes_the_output():
    config = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))
    assert config["build"]["command"] == "pip install . && sitegen build"
    assert config["build"]["publish"].rstrip("/") == "public"
    policy = content_security_policy()
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_copy_bibtex_puts_the_entry_on_the_clipboard_and_says_so(origin, browser):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        watched = Watched(context)
        page = watched.page
        page.goto(origin + "/papers/endogen.html")
        page.get_by_role("button", name="Copy BibTeX").click()
        expect(page.locator(".copy-status").first).to_have_text("Copied")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith("@misc{endogen2026,") and "title = {{EndoGen" in copied
        page.get_by_role("button", name="Copy reference").click()
        expect(page.locator(".copy-status").nth(1)).to_have_text("Copied")
        assert page.evaluate("navigator.clipboard.readText()").startswith(
            "EndoGen: endoscopic video generation. (2026, April 20)."
        )
        assert watched.errors == []
    finally:
        context.close()


def test_copy_works_from_file_through_the_selection_fallback(site, context):
    watched = Watched(context)
    watched.page.goto((site / "papers" / "endogen.html").as_uri())
    watched.page.get_by_role("button", name="Copy BibTeX").click()
    expect(watched.page.locator(".copy-status").first).to_have_text("Copied")
    assert watched.errors == []


@pytest.mark.parametrize("where", ["file", "root"])
def test_citation_downloads_from_a_folder_on_disk_say_where_the_files_are(site, origin, context, where):
    """Chromium ignores `download` on file:// links and shows the file as text: from a folder on
    disk, each list's download links say which files of the site's folder they are; over HTTP
    they download and say nothing more."""
    base = {"file": site.as_uri() + "/", "root": origin + "/"}[where]
    page = context.new_page()
    for path in ("papers/index.html", "topics/agents.html"):
        page.goto(base + path)
        hint, links = page.locator(".download-hint"), page.locator(".downloads a[download]")
        hrefs = links.evaluate_all("links => links.map(link => link.getAttribute('href'))")
        linked = {(site / path).parent.joinpath(href).resolve() for href in hrefs}
        assert linked and all(file.is_file() for file in linked)
        if where == "root":
            expect(hint).to_be_hidden()
            continue
        expect(hint).to_be_visible()
        named = {site / name for name in hint.locator("code").all_inner_texts()}
        assert named == linked, "the hint names the files the links lead to"
    if where == "root":
        with page.expect_download() as download:
            links.first.click()  # the topic's BibTeX
        assert download.value.suggested_filename == "agents.bib"
    else:  # what the hint is for: the browser shows the file instead of saving it
        links.first.click()
        expect(page).to_have_url(base + "topics/agents.bib")


def test_the_editors_view_has_the_attention_page_and_the_readers_site_has_none(site, tmp_path, context):
    assert not (site / "attention.html").exists()
    editor = tmp_path / "project"
    write_files(editor, {"site.yaml": SITE_YAML + "editor: true\n", **project_files()})
    assert sitegen_main(["build", "--config", str(editor / "site.yaml")]) == 0
    watched = Watched(context)
    watched.page.goto((editor / "public" / "index.html").as_uri())
    watched.page.get_by_role("link", name="Needs attention").click()
    assert watched.page.locator("h1").inner_text() == "Needs attention"
    assert watched.errors == []


def test_a_missing_page_at_any_depth_gets_a_working_404_under_the_published_path(site, context):
    # Netlify serves 404.html for any missing path; base_url here is https://example.org/review/.
    with serve(site) as address:
        watched = Watched(context)
        watched.page.route("**/deep/missing/page.html", lambda route: route.fulfill(
            status=404, content_type="text/html", body=(site / "404.html").read_bytes()
        ))  # fmt: skip
        watched.page.goto(address + SUB_PATH + "deep/missing/page.html")
        assert watched.page.locator("h1").inner_text() == "Page not found"
        assert watched.page.locator(".skip-link").bounding_box()["x"] < 0  # styled
        watched.page.get_by_role("link", name="All papers").first.click()
        assert watched.page.url == address + SUB_PATH + "papers/index.html"
        # the one expected error: the browser logs the missing page's own 404 status
        assert len(watched.errors) == 1 and "404" in watched.errors[0]


def test_the_first_tab_reveals_a_skip_link_to_the_main_content(site, context):
    page = context.new_page()
    page.goto((site / "papers" / "endogen.html").as_uri())
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["x"] >= 0  # visible while focused
    page.keyboard.press("Enter")
    page.wait_for_url("**#main")  # following the link is a navigation: wait for it, not race it
    assert urlsplit(page.url).fragment == "main"


def test_printing_hides_navigation_search_and_buttons_but_keeps_the_paper(site, context):
    page = context.new_page()
    page.goto((site / "papers" / "endogen.html").as_uri())
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.get_by_role("button", name="Copy BibTeX").is_visible()
    assert page.locator("h1").is_visible() and page.locator(".abstract").is_visible()
    shown_url = page.evaluate("getComputedStyle(document.querySelector('.abstract a'), '::after').content")
    assert "https://github.com/x/endogen" in shown_url


def background(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def test_dark_mode_follows_the_system_setting(site, browser):
    colours = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto((site / "index.html").as_uri())
        colours[scheme] = background(page)
        context.close()
    assert colours["light"] == WHITE and colours["dark"] != colours["light"]


WHITE = "rgb(255, 255, 255)"


@pytest.mark.parametrize("where", ["file", "root"])
@pytest.mark.parametrize("system", ["light", "dark"])
def test_the_theme_button_switches_and_the_choice_is_kept_until_changed(site, origin, browser, where, system):
    """The page follows the system until the reader chooses; the choice holds on every page
    (from disk too, and under the site's CSP), and is applied before the page is drawn."""
    base = {"file": site.as_uri() + "/", "root": origin + "/"}[where]
    context = browser.new_context(color_scheme=system)
    try:
        watched = Watched(context)
        page = watched.page
        page.goto(base + "index.html")
        button = page.get_by_role("button", name="Dark theme")
        expect(button).to_have_attribute("aria-pressed", "true" if system == "dark" else "false")
        follows = background(page)
        assert (follows == WHITE) == (system == "light")
        button.click()
        expect(button).to_have_attribute("aria-pressed", "false" if system == "dark" else "true")
        chosen = background(page)
        assert chosen != follows
        box = "getComputedStyle(document.getElementById('site-search-input')).backgroundColor"
        assert (page.evaluate(box) == WHITE) == (system == "dark")  # the search box follows it too
        page.goto(base + "papers/endogen.html")  # another page: the choice holds, from the first paint
        assert page.evaluate("document.documentElement.getAttribute('data-theme')") in ("light", "dark")
        assert background(page) == chosen
        expect(page.get_by_role("button", name="Dark theme")).to_have_attribute(
            "aria-pressed", "false" if system == "dark" else "true"
        )
        page.get_by_role("button", name="Dark theme").click()  # and back
        page.reload()
        assert background(page) == follows
        assert watched.errors == []
    finally:
        context.close()


PRINTED = """() => {
  const style = (selector, pseudo) => {
    const node = document.querySelector(selector);
    return node ? getComputedStyle(node, pseudo || null) : null;
  };
  const main = document.querySelector('main').getBoundingClientRect().width;
  const list = document.querySelector('#paper-results, .search-page-list');
  const button = style('main a.button');
  const mark = style('mark.search-hit');
  const note = style('#search-highlight-note');
  return {
    listShare: list ? list.getBoundingClientRect().width / main : null,
    button: button && [button.backgroundColor, button.color, button.borderTopWidth],
    buttonAfter: button && style('main a.button', '::after').content,
    mark: mark && mark.backgroundColor,
    note: note && note.display,
  };
}"""


@pytest.mark.parametrize("where", ["file", "http"])
def test_printed_pages_give_the_list_the_width_and_leave_out_search_and_buttons(
    committed_site, browser, where
):
    """Printed, All papers' list had a 272 px column and ~70% of the page blank (the filters were
    hidden, their column kept); a paper opened from search printed its yellow highlights and
    their note; the DOI button printed as a solid black box. Now the list has the whole width,
    the highlights and note are left out, and a button prints as a link with its address. The
    results page printed its filters in a column beside the results, and its pages' links: now
    the results have the whole width."""
    transparent = "rgba(0, 0, 0, 0)"
    with serve(committed_site) as http_origin:
        base = committed_site.as_uri() if where == "file" else http_origin
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(base + "/papers/index.html")
            page.emulate_media(media="print")
            assert page.evaluate(PRINTED)["listShare"] > 0.95
            page.emulate_media(media="screen")
            page.goto(base + "/search.html?q=segmentation&page=2")  # the results page likewise
            page.wait_for_selector("#search-page-results .search-status[data-query]")
            assert 0.6 < page.evaluate(PRINTED)["listShare"] < 0.8  # on screen, beside the filters
            page.emulate_media(media="print")
            assert page.evaluate(PRINTED)["listShare"] > 0.95
            assert page.locator(".search-facets").is_hidden() and page.locator(".search-pages").is_hidden()
            assert "Showing 26\u2013" in page.locator(".search-range").inner_text()  # the range is printed
            page.emulate_media(media="screen")
            page.goto(base + "/papers/endogen.html#highlight=video+gener")
            page.wait_for_selector("#search-highlight-note")
            screen = page.evaluate(PRINTED)
            assert screen["mark"] != transparent and screen["note"] != "none"  # on screen, as they were
            page.emulate_media(media="print")
            printed = page.evaluate(PRINTED)
            assert printed["note"] == "none"
            assert printed["mark"] == transparent
            background, colour, border = printed["button"]
            assert background == transparent and colour == "rgb(0, 0, 0)" and border == "0px", printed
            assert "https://" in printed["buttonAfter"], printed
        finally:
            context.close()


def test_a_topic_page_leads_to_its_papers_in_the_filters(committed_site, browser):
    """A topic's page lists its papers newest first, 30 a page, with no way to narrow them: a
    reader after a topic's papers of 2024, or of one venue, had to find All papers and tick the
    topic there. Each topic's page now links to All papers with the topic ticked, which shows
    the topic's papers (without JavaScript, where the filters are not, the link is hidden)."""
    topics = sorted(path.stem for path in (committed_site / "topics").glob("*.html") if path.stem != "index")
    assert len(topics) > 5
    context = browser.new_context()
    try:
        page = context.new_page()
        for topic in topics:
            page.goto((committed_site / "topics" / f"{topic}.html").as_uri())
            total = int(page.locator(".stats strong").inner_text())
            link = page.get_by_role("link", name="Filter and sort them")
            if total < 2:
                assert link.count() == 0, topic
                continue
            link.click()
            page.wait_for_url(f"**/papers/index.html#topic={topic}")
            expect(page.locator("#paper-count")).to_contain_text(f"Showing {total} of ")
            assert page.locator(f"input[name=topic][value='{topic}']").is_checked(), topic
    finally:
        context.close()
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto((committed_site / "topics" / f"{topics[0]}.html").as_uri())
        assert page.get_by_role("link", name="Filter and sort them").is_hidden()
    finally:
        context.close()
