"""External checkers over a build of the committed content: the W3C Nu HTML Checker,
axe-core (light and dark colour schemes) and linkchecker. Any finding fails the suite."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import node_tool
from tests.test_site_browser import serve
from tests.test_site_phones import pages_of_every_template

pytestmark = pytest.mark.external


def test_nu_html_checker_finds_no_errors_on_any_page(
    committed_site: Path, committed_editor_site: Path, bibliography_site: Path
) -> None:
    """Every page of both audiences (the reader's site and the editor's view), and paper pages
    with every citation_* and Open Graph tag."""
    java = shutil.which("java")
    assert java, "java is missing: scripts/test.sh installs a Java runtime"
    vnu = node_tool("vnu-jar", "build", "dist", "vnu.jar")
    result = subprocess.run(
        [
            java,
            "-jar",
            str(vnu),
            "--format",
            "json",
            "--also-check-css",
            "--skip-non-html",
            str(committed_site),
            str(committed_editor_site),
            str(bibliography_site / "papers"),  # pages with every citation_* and Open Graph tag
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [m for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
    report = "\n".join(
        f"{m.get('url', '')}:{m.get('lastLine', '?')}: {m.get('message')}" for m in errors[:40]
    )
    assert not errors, f"{len(errors)} HTML errors:\n{report}"
    pages = list(committed_site.rglob("*.html"))
    assert len(pages) > 100, "the checker should have seen every page"
    assert (committed_editor_site / "attention.html").is_file()


@pytest.mark.browser
@pytest.mark.parametrize("audience", ["reader", "editor"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_accessibility_violations_on_any_template(
    browser,
    committed_site: Path,
    committed_editor_site: Path,
    bibliography_site: Path,
    scheme: str,
    audience: str,
) -> None:
    """A page of every template (the All papers browser also as its script draws it), in both
    audiences and both colour schemes, served under the site's CSP; and paper pages with a full
    bibliographic record, and with none."""
    axe = node_tool("axe-core", "axe.min.js")
    site = committed_editor_site if audience == "editor" else committed_site
    names = pages_of_every_template(site, audience == "editor")
    names.append("papers/index.html#code=1&sort=upvotes-desc")
    records = bibliography_site / "papers"
    lonely = "ultrasound-probe-with-built-in-dose-monitoring.html"  # a patent: searches by title
    others = {"paper with its record": records / "echonet-next.html"}
    others["paper with no address"] = records / lonely
    context = browser.new_context(color_scheme=scheme, bypass_csp=True)  # to add axe's script
    failures = []
    try:
        with serve(site) as origin:
            urls = {name: f"{origin}/{name}" for name in names}
            urls.update({name: path.as_uri() for name, path in others.items()})
            for name, url in urls.items():
                page = context.new_page()
                page.goto(url)
                page.wait_for_load_state("load")
                if name.startswith("search.html"):
                    page.wait_for_selector("#search-page-results a", timeout=10_000)
                if "#" in name:
                    page.wait_for_selector("#paper-count:has-text('Showing')")
                page.add_script_tag(path=str(axe))
                violations = page.evaluate(
                    "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                    ".map(v => `${v.id} (${v.impact}): ${v.help} -> ${v.nodes.slice(0, 3)"
                    ".map(n => n.target.join(' ')).join(' | ')}`)"
                )
                failures += [f"{name}: {v}" for v in violations]
                page.close()
    finally:
        context.close()
    assert not failures, f"axe-core violations ({audience}, {scheme} scheme):\n" + "\n".join(failures)


def _world_readable_copy(site: Path) -> Path:
    """linkchecker drops root privileges to `nobody`, which cannot read pytest's private temp folders."""
    target = Path(tempfile.mkdtemp(prefix="sitegen-linkcheck-"))
    target.chmod(0o755)
    copy = target / "site"
    shutil.copytree(site, copy)
    for path in [copy, *copy.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return copy


@pytest.mark.parametrize("audience", ["reader", "editor"])
def test_linkchecker_finds_no_broken_links(
    committed_site: Path, committed_editor_site: Path, audience: str
) -> None:
    site = _world_readable_copy(committed_editor_site if audience == "editor" else committed_site)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "linkcheck",
            "--no-status",
            "--no-warnings",
            "--recursion-level=-1",
            "--output=text",
            (site / "index.html").as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    shutil.rmtree(site.parent, ignore_errors=True)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"linkchecker found problems:\n{output[-6000:]}"
    assert "0 errors found" in output or "no errors" in output.lower(), output[-2000:]


def test_every_link_to_a_folder_names_its_index_file(committed_site: Path) -> None:
    """From file:// a link to a folder opens a directory listing, not the page."""
    folder_links = []
    for page in committed_site.rglob("*.html"):
        for href in re.findall(r'href="([^"]*)"', page.read_text(encoding="utf-8")):
            local = "://" not in href and not href.startswith(("mailto:", "#"))
            if local and href.split("#")[0].endswith("/"):
                folder_links.append(f"{page.relative_to(committed_site)}: {href}")
            # 404.html is served at any depth by hosts, so it alone may use the base path.
            if href.startswith("/") and not href.startswith("//") and page.name != "404.html":
                folder_links.append(f"{page.relative_to(committed_site)}: root-relative {href}")
    assert not folder_links, "\n".join(folder_links[:20])
