"""`sitegen serve` end to end: a real server on a free port, real saves, headless Chromium.

Every wait has a generous timeout and waits for an effect; nothing asserts how fast it was.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import SITE_YAML

import sitegen.build
import sitegen.search
from sitegen.serve import DevServer, browsable_url, is_loopback

WAIT = 30  # seconds
WAIT_MS = WAIT * 1000

TOPICS = """\
- id: segmentation
  title: Segmentation
  description: Models that outline organs and lesions.
  rules:
    threshold: 1
    title:
      'segment': 2
    abstract:
      'segment': 1
- id: agents
  title: Agents
  description: Language-model agents in the clinic.
  rules:
    threshold: 1
    title:
      'agent': 2
"""

LONG_ABSTRACT = "\n\n".join(f"Paragraph {n}: we segment organs in CT scans." for n in range(40))


def paper(title: str, date: str, abstract: str = "We segment organs in CT scans.") -> str:
    return f"---\ntitle: {title}\ndate: {date}\n---\n{abstract}\n"


FILES = {
    "content/topics.yaml": TOPICS,
    "content/papers/organ-segmenter.md": paper("Segmenting organs quickly", "2026-04-01", LONG_ABSTRACT),
    "content/papers/lesion-segmenter.md": paper("Segmenting lesions", "2026-04-02"),
    "content/papers/chart-agent.md": paper("A clinical chart agent", "2026-03-01", "An agent reads charts."),
}


@dataclass
class Preview:
    root: Path
    server: DevServer
    lines: list[str] = field(default_factory=list)

    def url(self, page: str = "") -> str:
        return self.server.url + page

    def save(self, name: str, text: str) -> None:
        (self.root / name).write_text(text, encoding="utf-8")

    def wait_for_builds(self, count: int) -> None:
        assert self.server.wait_for_builds(count, WAIT), f"no build {count}; terminal: {self.lines}"


@pytest.fixture
def preview(make_project) -> Iterator[Preview]:
    root = make_project(FILES)
    lines: list[str] = []
    server = DevServer(root / "site.yaml", echo=lines.append)
    server.start()
    yield Preview(root, server, lines)
    server.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 800, "height": 400})
    tab = context.new_page()
    yield tab
    context.close()


def heading_is(page, text: str) -> None:
    page.wait_for_function(
        "text => document.querySelector('h1') && document.querySelector('h1').textContent.includes(text)",
        arg=text,
        timeout=WAIT_MS,
    )


def open_page(page, preview: Preview, path: str, heading: str) -> None:
    page.goto(preview.url(path))
    heading_is(page, heading)


def get(preview: Preview, path: str) -> tuple[int, bytes]:
    host, port = preview.server.http.address
    connection = http.client.HTTPConnection(host, port, timeout=WAIT)
    try:
        connection.request("GET", preview.server.http.base_path + path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def not_reloaded_by_now(preview: Preview, *tabs) -> bool:
    """Whether none of `tabs` reloaded for anything sent to it so far. A negative check needs a
    sentinel: a broken save reaches every open page as an overlay (without reloading it), after
    whatever the server sent before it; once each tab shows it, a reload sent earlier would have
    happened. The save is then undone (a build that changes no page: nothing reloads)."""
    topics = preview.root / "content/topics.yaml"
    good = topics.read_text(encoding="utf-8")
    topics.write_text("- id: [not, an, id\n", encoding="utf-8")
    for tab in tabs:
        tab.locator("#sitegen-error-overlay").wait_for(timeout=WAIT_MS)
    untouched = all(tab.evaluate("window.notReloadedYet") for tab in tabs)
    topics.write_text(good, encoding="utf-8")
    for tab in tabs:
        tab.locator("#sitegen-error-overlay").wait_for(state="detached", timeout=WAIT_MS)
    return untouched


@pytest.mark.browser
def test_a_title_edit_appears_in_the_open_page_at_the_same_scroll_position(preview, page):
    open_page(page, preview, "papers/organ-segmenter.html", "Segmenting organs quickly")
    page.evaluate("window.scrollTo(0, 600)")
    page.wait_for_function("window.scrollY >= 600", timeout=WAIT_MS)
    page.evaluate("window.notReloadedYet = true")

    fixed = paper("Segmenting organs, fixed title", "2026-04-01", LONG_ABSTRACT)
    preview.save("content/papers/organ-segmenter.md", fixed)

    heading_is(page, "Segmenting organs, fixed title")
    assert page.evaluate("window.notReloadedYet") is None, "the page reloaded itself"
    page.wait_for_function("window.scrollY >= 500", timeout=WAIT_MS)
    preview.wait_for_builds(2)  # its line is said once the whole rebuild is done, after the page
    assert "paper changed: content/papers/organ-segmenter.md" in "\n".join(preview.lines)


@pytest.mark.browser
def test_an_atomic_rename_save_updates_the_page(preview, page):
    open_page(page, preview, "papers/lesion-segmenter.html", "Segmenting lesions")
    papers = preview.root / "content" / "papers"
    temp = papers / ".lesion-segmenter.md.tmp"
    temp.write_text(paper("Segmenting lesions, saved atomically", "2026-04-02"), encoding="utf-8")
    os.replace(temp, papers / "lesion-segmenter.md")
    heading_is(page, "Segmenting lesions, saved atomically")


@pytest.mark.browser
def test_a_broken_save_shows_an_overlay_and_the_fix_clears_it(preview, page):
    open_page(page, preview, "papers/chart-agent.html", "A clinical chart agent")
    broken = "---\ntitle: [A clinical chart agent\ndate: 2026-03-01\n---\nx\n"
    preview.save("content/papers/chart-agent.md", broken)

    overlay = page.locator("#sitegen-error-overlay")
    overlay.wait_for(timeout=WAIT_MS)
    text = overlay.text_content() or ""
    assert "content/papers/chart-agent.md:" in text and "YAML" in text
    assert re.search(r"chart-agent\.md:\d+", text), "the overlay names the line"
    assert "A clinical chart agent" in (page.text_content("h1") or ""), "the last good page stays"
    assert any("build failed" in line for line in preview.lines)
    assert any("error: content/papers/chart-agent.md" in line for line in preview.lines)
    status, _ = get(preview, "papers/chart-agent.html")
    assert status == 200, "previously served pages stay served"

    preview.save("content/papers/chart-agent.md", paper("A clinical chart agent, fixed", "2026-03-01"))
    heading_is(page, "A clinical chart agent, fixed")
    assert page.locator("#sitegen-error-overlay").count() == 0


@pytest.mark.browser
def test_the_overlay_shows_untrusted_text_as_text(preview, page):
    page.goto(preview.url())
    page.wait_for_load_state()
    hostile = "<img src=x onerror=window.pwned=1>"
    preview.save(
        "content/papers/chart-agent.md",
        f'---\ntitle: A chart agent\ndate: 2026-03-01\ntopics: ["{hostile}"]\n---\nx\n',
    )
    overlay = page.locator("#sitegen-error-overlay")
    overlay.wait_for(timeout=WAIT_MS)
    assert "chart-agent.md" in (overlay.text_content() or "")
    assert "topics" in (overlay.text_content() or "")
    assert overlay.locator("img").count() == 0
    assert page.evaluate("window.pwned") is None


@pytest.mark.browser
def test_a_template_syntax_error_is_shown_and_recovers(make_project, page):
    root = make_project(FILES, site_yaml=SITE_YAML + "paths:\n  templates: my-templates\n")
    (root / "my-templates").mkdir()
    lines: list[str] = []
    server = DevServer(root / "site.yaml", echo=lines.append)
    server.start()
    try:
        page.goto(server.url)
        page.wait_for_load_state()
        (root / "my-templates" / "404.html").write_text("line one\n{% if %}\n", encoding="utf-8")
        overlay = page.locator("#sitegen-error-overlay")
        overlay.wait_for(timeout=WAIT_MS)
        assert "404.html" in (overlay.text_content() or "")
        assert any("template changed" in line for line in lines)
        (root / "my-templates" / "404.html").unlink()
        overlay.wait_for(state="detached", timeout=WAIT_MS)
    finally:
        server.stop()


@pytest.mark.browser
def test_a_deleted_paper_goes_to_the_404_page(preview, page):
    open_page(page, preview, "papers/lesion-segmenter.html", "Segmenting lesions")
    (preview.root / "content/papers/lesion-segmenter.md").unlink()
    heading_is(page, "Page not found")
    assert page.locator("a[href$='index.html']").count() >= 1, "the 404 page links home"
    status, body = get(preview, "papers/lesion-segmenter.html")
    assert status == 404 and b"Page not found" in body


@pytest.mark.browser
def test_a_page_opened_before_its_paper_exists_shows_it_once_added_and_not_before(preview, page):
    preview.wait_for_builds(1)
    page.goto(preview.url("papers/new-agent.html"))
    heading_is(page, "Page not found")
    page.evaluate("window.notReloadedYet = true")
    preview.save("content/papers/lesion-segmenter.md", paper("Segmenting lesions, retitled", "2026-04-02"))
    preview.wait_for_builds(2)
    assert not_reloaded_by_now(preview, page), "an edit to another paper must not reload a 404 tab"
    preview.save("content/papers/new-agent.md", paper("A new triage agent", "2026-05-01"))
    heading_is(page, "A new triage agent")


@pytest.mark.browser
def test_topic_and_config_edits_reach_the_pages(preview, page):
    page.goto(preview.url("topics/agents.html"))
    page.wait_for_load_state()
    assert "Segmenting lesions" not in page.content()
    preview.save("content/topics.yaml", TOPICS.replace("'agent': 2", "'agent|lesion': 2"))
    page.wait_for_function("document.body.textContent.includes('Segmenting lesions')", timeout=WAIT_MS)
    site = (preview.root / "site.yaml").read_text().replace("title: Test Review", "title: Renamed Review")
    preview.save("site.yaml", site)
    page.wait_for_function("document.title.includes('Renamed Review')", timeout=WAIT_MS)
    preview.wait_for_builds(3)  # its line is said once the whole rebuild is done
    assert any("config changed: site.yaml" in line for line in preview.lines)


@pytest.mark.browser
@pytest.mark.parametrize("new_path", ["/", "/other/"])
def test_a_base_url_moved_while_serving_takes_the_open_pages_along(preview, page, new_path):
    """The site moved from /review/ (base_url's path) while pages were open: the paper page
    reloaded into the 404 page at its old address, the home page's links led to 404s, and the
    terminal never said the new address."""
    open_page(page, preview, "papers/chart-agent.html", "A clinical chart agent")
    old = preview.url("papers/chart-agent.html")
    site = (preview.root / "site.yaml").read_text().replace("/review/", new_path)
    preview.save("site.yaml", site)
    preview.wait_for_builds(2)
    page.wait_for_url(preview.url("papers/chart-agent.html"), timeout=WAIT_MS)
    heading_is(page, "A clinical chart agent")
    said = [line for line in preview.lines if f"the site moved to {preview.url()}" in line]
    assert said, preview.lines
    status, _ = get_address(old)
    assert status == 302  # an address of the old path, followed from another open page: sent on


def get_address(address: str) -> tuple[int, str]:
    parts = urllib.parse.urlsplit(address)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=WAIT)
    try:
        connection.request("GET", parts.path)
        response = connection.getresponse()
        return response.status, response.getheader("Location") or ""
    finally:
        connection.close()


@pytest.fixture
def patient_preview(make_project) -> Iterator[Preview]:
    """A preview that waits a whole second of quiet before rebuilding: the saves a test makes in
    a burst then fall in one batch however slow the machine is."""
    root = make_project(FILES)
    lines: list[str] = []
    server = DevServer(root / "site.yaml", echo=lines.append, quiet=1.0)
    server.start()
    yield Preview(root, server, lines)
    server.stop()


def test_a_burst_of_saves_and_temp_files_give_one_rebuild(patient_preview):
    preview = patient_preview
    preview.wait_for_builds(1)
    target = preview.root / "content/papers/chart-agent.md"
    papers = target.parent
    for n in range(10):  # an editor writing a file in pieces
        target.write_text(paper(f"A clinical chart agent, draft {n}", "2026-03-01"), encoding="utf-8")
    for name in (".chart-agent.md.swp", ".chart-agent.md.swx", "chart-agent.md~", "4913", ".#chart-agent.md"):
        (papers / name).write_text("editor scratch\n", encoding="utf-8")
    preview.wait_for_builds(2)
    (papers / "#chart-agent.md#").write_text("emacs autosave\n", encoding="utf-8")
    (papers / ".DS_Store").write_text("finder\n", encoding="utf-8")
    (papers / "upload.tmp").write_text("partial\n", encoding="utf-8")
    preview.save("content/papers/organ-segmenter.md", paper("Sentinel title", "2026-04-01"))  # sentinel
    preview.wait_for_builds(3)
    # (Only content lines count: the default templates are watched too, and may be edited meanwhile.)
    rebuilds = [line for line in preview.lines if "changed:" in line and "content/papers/" in line]
    assert len(rebuilds) == 2, rebuilds
    assert "content/papers/chart-agent.md ->" in rebuilds[0]
    assert "content/papers/organ-segmenter.md ->" in rebuilds[1]
    status, body = get(preview, "papers/chart-agent.html")
    assert status == 200 and b"draft 9" in body


@pytest.mark.browser
def test_the_edited_page_shows_while_the_search_index_is_still_being_rebuilt(preview, page, monkeypatch):
    open_page(page, preview, "papers/lesion-segmenter.html", "Segmenting lesions")
    assets = preview.server.out / "assets"

    def index_bytes() -> bytes:  # the search index: its manifest and the files it names
        files = [assets / "search-index.js", *assets.glob("search/*.js")]
        return b"".join(path.read_bytes() for path in files)

    release = threading.Event()
    build_search_bundle = sitegen.search.build_search_bundle

    def held_until_released(*args, **kwargs):
        assert release.wait(WAIT), "the test never released the search index"
        return build_search_bundle(*args, **kwargs)

    monkeypatch.setattr(sitegen.search, "build_search_bundle", held_until_released)
    preview.save("content/papers/lesion-segmenter.md", paper("Segmenting quixotic lesions", "2026-04-02"))
    try:
        heading_is(page, "Segmenting quixotic lesions")  # the reload came before the index
        assert len(preview.server.outcomes) == 1, "the rebuild is still making the search index"
        assert b"quixot" not in index_bytes()
        page.evaluate("window.notReloadedYet = true")
    finally:
        release.set()
    preview.wait_for_builds(2)
    assert b"quixot" in index_bytes()
    assert not_reloaded_by_now(preview, page), "the finished index must not reload the page again"


@pytest.mark.browser
def test_a_rebuild_lets_the_edited_page_reload_before_it_makes_the_lists(make_project, page, monkeypatch):
    """The first files a rebuild puts in place are the edited paper's page: the build waits until
    the open page showing it has reloaded (its reload client, started once the page has loaded,
    opens its event stream again) before it makes the lists and the search index."""
    from sitegen.devserver import Broadcaster

    root = make_project(FILES)
    server = DevServer(root / "site.yaml", echo=lambda line: None, reload_grace=WAIT)
    server.start()
    preview = Preview(root, server)
    try:
        open_page(page, preview, "papers/lesion-segmenter.html", "Segmenting lesions")
        preview.wait_for_builds(1)
        told: list[tuple[str, object]] = []
        built, watching = Broadcaster.built, Broadcaster.watching

        def record_built(hub, changed=None):
            told.append(("built", None if changed is None else frozenset(changed)))
            return built(hub, changed)

        def record_watching(hub, watched):
            told.append(("stream", watched))
            return watching(hub, watched)

        monkeypatch.setattr(Broadcaster, "built", record_built)
        monkeypatch.setattr(Broadcaster, "watching", record_watching)
        preview.save("content/papers/lesion-segmenter.md", paper("Lesions, retitled", "2026-04-02"))
        preview.wait_for_builds(2)
        heading_is(page, "Lesions, retitled")
        kinds = [kind for kind, _ in told]
        first = told[kinds.index("built")][1]
        assert first is not None and "papers/lesion-segmenter.html" in first, told
        assert kinds[:3] == ["built", "stream", "built"], told
        assert told[1][1] == ("papers/lesion-segmenter.html",), "the edited page's stream, again"
    finally:
        server.stop()


@pytest.mark.browser
def test_only_the_pages_an_edit_changed_reload(preview, page):
    open_page(page, preview, "papers/chart-agent.html", "A clinical chart agent")
    listing = page.context.new_page()
    open_page(listing, preview, "papers/", "All papers")
    for tab in (page, listing):
        tab.evaluate("window.notReloadedYet = true")
    preview.save("content/papers/lesion-segmenter.md", paper("Segmenting lesions, retitled", "2026-04-02"))
    listing.wait_for_selector("text=Segmenting lesions, retitled", timeout=WAIT_MS)
    assert listing.evaluate("window.notReloadedYet") is None, "the list shows the new title"
    preview.wait_for_builds(2)
    assert not_reloaded_by_now(preview, page), "an unrelated paper's page must not reload"


def test_a_one_paper_edit_leaves_unrelated_paper_pages_untouched(preview):
    preview.wait_for_builds(1)
    out = preview.server.out
    unrelated = out / "papers" / "chart-agent.html"
    before = unrelated.stat()
    edited_before = (out / "papers" / "lesion-segmenter.html").stat()
    preview.save("content/papers/lesion-segmenter.md", paper("Segmenting lesions again", "2026-04-02"))
    preview.wait_for_builds(2)
    after = unrelated.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    edited_after = (out / "papers" / "lesion-segmenter.html").stat()
    assert edited_after.st_mtime_ns != edited_before.st_mtime_ns
    assert b"Segmenting lesions again" in (out / "papers" / "lesion-segmenter.html").read_bytes()
    rendered, reused = preview.server.outcomes[-1].rendered
    papers = len(list((out / "papers").glob("*.html"))) - 1  # less the All papers page
    # The edited page and the lists that show it are rendered; the other paper pages are reused.
    assert rendered > 0
    assert reused >= papers - 1


def test_the_output_goes_to_a_private_folder_without_the_reload_client(preview):
    preview.wait_for_builds(1)
    out = preview.server.out
    assert not out.is_relative_to(preview.root), "serve never writes into the project"
    assert not (preview.root / "public").exists()
    assert all(b"__sitegen" not in page.read_bytes() for page in out.rglob("*.html"))
    status, body = get(preview, "index.html")
    assert status == 200 and b"/__sitegen/livereload.js" in body
    preview.server.stop()
    assert not out.exists(), "stop() removes the preview's folder"
    assert not [t for t in threading.enumerate() if t.name.startswith("sitegen")]


@pytest.mark.browser
def test_a_build_broken_from_the_start_says_there_is_no_site_yet_then_shows_it(make_project, page):
    """The overlay said "this page shows the last good version" over the server's bare "Not
    found" page: there was none."""
    broken = {**FILES, "content/papers/chart-agent.md": "---\ntitle: [broken\n---\nText.\n"}
    root = make_project(broken)
    server = DevServer(root / "site.yaml", echo=lambda line: None)
    server.start()
    try:
        assert server.wait_for_builds(1, WAIT)
        page.goto(server.url)
        overlay = page.locator("#sitegen-error-overlay h2")
        overlay.wait_for(timeout=WAIT_MS)
        assert overlay.inner_text() == "The build failed: there is no site to show until it is fixed."
        (root / "content/papers/chart-agent.md").write_text(
            FILES["content/papers/chart-agent.md"], encoding="utf-8"
        )
        heading_is(page, "Test Review")
    finally:
        server.stop()


def test_a_broken_config_at_start_keeps_serving_and_recovers(make_project):
    root = make_project(FILES, site_yaml="title: [broken\n")
    lines: list[str] = []
    server = DevServer(root / "site.yaml", echo=lines.append)
    server.start()
    try:
        assert server.wait_for_builds(1, WAIT)
        assert not server.outcomes[0].ok and "site.yaml" in "\n".join(lines)
        (root / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
        assert server.wait_for_builds(2, WAIT), lines
        assert server.outcomes[1].ok
    finally:
        server.stop()


def test_a_config_edit_that_moves_the_content_is_followed(preview):
    preview.wait_for_builds(1)
    moved = preview.root / "elsewhere"
    (moved / "papers").mkdir(parents=True)
    (moved / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    (moved / "papers" / "moved-paper.md").write_text(paper("A moved paper", "2026-01-05"), encoding="utf-8")
    preview.save("site.yaml", SITE_YAML + "paths:\n  content: elsewhere\n")
    preview.wait_for_builds(2)
    assert get(preview, "papers/moved-paper.html")[0] == 200
    assert get(preview, "papers/chart-agent.html")[0] == 404
    preview.save("elsewhere/papers/moved-paper.md", paper("A moved paper, edited", "2026-01-05"))
    preview.wait_for_builds(3)
    assert b"A moved paper, edited" in get(preview, "papers/moved-paper.html")[1]


@pytest.mark.parametrize("name", ["brand-new.markdown", "upper.MD", "sub/in-a-folder.md"])
def test_a_paper_file_the_build_does_not_read_is_said_when_it_appears(preview, name):
    """A new `brand-new.markdown` (or a paper in a subfolder) made no rebuild while serving, so
    the warning that it is not read waited for some unrelated save."""
    preview.wait_for_builds(1)
    (preview.root / "content/papers" / name).parent.mkdir(parents=True, exist_ok=True)
    preview.save(f"content/papers/{name}", paper("Not read", "2026-01-05"))
    preview.wait_for_builds(2)
    shown = f"content/papers/{name.split('/')[0]}"
    assert any(shown in line and "skipped" in line for line in preview.lines), preview.lines


def test_a_site_yaml_warning_added_while_serving_is_said(preview):
    """`recent_cont: 3` (a typo) changed no setting, and serve, which said the config's warnings
    only when the settings changed, said nothing: the setting was ignored without a word."""
    preview.wait_for_builds(1)
    preview.save("site.yaml", SITE_YAML + "recent_cont: 3\n")
    preview.wait_for_builds(2)
    said = [line for line in preview.lines if line.startswith("warning: ") and "recent_cont" in line]
    assert said, preview.lines


def test_a_renamed_papers_folder_fails_clearly_and_recovers_when_renamed_back(preview):
    preview.wait_for_builds(1)
    papers = preview.root / "content" / "papers"
    papers.rename(preview.root / "content" / "papers-away")
    preview.wait_for_builds(2)
    assert not preview.server.outcomes[-1].ok
    assert "content/papers" in "\n".join(preview.lines)
    (preview.root / "content" / "papers-away").rename(papers)
    preview.wait_for_builds(3)
    assert preview.server.outcomes[-1].ok
    preview.save("content/papers/chart-agent.md", paper("Back again", "2026-03-01"))
    preview.wait_for_builds(4)
    assert b"Back again" in get(preview, "papers/chart-agent.html")[1]


def test_a_taken_port_is_a_clear_error(make_project, run_cli):
    root = make_project(FILES)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        code, _, err = run_cli(root, "serve", "--port", str(taken.getsockname()[1]))
    assert code == 1
    assert "cannot listen on 127.0.0.1:" in err and "--port 0" in err


@pytest.mark.parametrize("port", ["99999", "-1", "65536", "eighty"])
def test_a_port_out_of_range_is_refused_as_argparse_refuses_a_bad_argument(make_project, run_cli, port):
    root = make_project(FILES)
    with pytest.raises(SystemExit) as stopped:
        run_cli(root, "serve", "--port", port)
    assert stopped.value.code == 2


def test_a_port_out_of_range_is_one_usage_error_naming_the_flag(make_project, capsys):
    from sitegen.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--port", "99999"])
    err = capsys.readouterr().err
    assert "error: argument --port: 99999 is not a port number: give 0 to 65535" in err
    assert "internal error" not in err and "Traceback" not in err
    assert build_parser().parse_args(["serve", "--port", "65535"]).port == 65535


@pytest.mark.parametrize(
    ("host", "blamed"), [("999.1.1.1", "no such host or address"), ("192.0.2.1", "not an address of this")]
)
def test_a_host_that_cannot_be_listened_on_is_blamed_not_the_port(make_project, run_cli, host, blamed):
    root = make_project(FILES)
    code, _, err = run_cli(root, "serve", "--host", host, "--port", "0")
    assert code == 1
    assert err.startswith("error: `--host`: cannot listen on") and blamed in err and host in err
    assert "--port" not in err and "warning" not in err  # nor told others can open it


def test_loopback_detection_and_the_printed_address():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20")
    assert browsable_url("http://0.0.0.0:8000/review/") == "http://127.0.0.1:8000/review/"
    assert browsable_url("http://[::]:8000/") == "http://[::1]:8000/"
    assert browsable_url("http://192.168.1.20:8000/") == "http://192.168.1.20:8000/"


@contextmanager
def ctrl_c_as_in_a_terminal() -> Iterator[None]:
    """Processes started in the block get Ctrl-C (SIGINT) as a terminal gives it, even when these
    tests run as a background job of a script, whose shell ignores SIGINT for them: an ignored
    signal stays ignored in a child, and Python leaves it so; a handled one is reset by exec."""
    ignored = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    if ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        if ignored:
            signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_the_command_serves_and_stops_cleanly_on_ctrl_c_and_sigterm(make_project, stop_signal):
    root = make_project(FILES)
    with ctrl_c_as_in_a_terminal():
        process = subprocess.Popen(
            [sys.executable, "-m", "sitegen", "serve", "--port", "0"],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    try:
        assert process.stdout is not None
        url = ""
        for line in process.stdout:
            match = re.search(r"Serving (http://\S+)", line)
            if match:
                url = match.group(1)
                break
        assert url.startswith("http://127.0.0.1:"), "the URL is printed"
        host_port = url.removeprefix("http://").split("/", 1)[0]
        host, port = host_port.rsplit(":", 1)
        connection = http.client.HTTPConnection(host, int(port), timeout=WAIT)
        connection.request("GET", "/review/")
        assert connection.getresponse().status == 200
        connection.close()
        process.send_signal(stop_signal)
        assert process.wait(timeout=WAIT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("editor", [True, False])
def test_the_preview_is_the_editors_view_unless_asked_for_the_readers_site(make_project, editor):
    root = make_project(FILES)
    server = DevServer(root / "site.yaml", editor=editor, echo=lambda line: None)
    server.start()
    try:
        preview = Preview(root, server)
        status, body = get(preview, "papers/chart-agent.html")
        assert status == 200
        assert (b"Needs attention" in body) == editor
        assert (b"content/papers/chart-agent.md" in body) == editor
        assert get(preview, "attention.html")[0] == (200 if editor else 404)
    finally:
        server.stop()
