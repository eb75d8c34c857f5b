"""Two audiences: the reader's site holds none of the editor's aids, the editor's view keeps them.

The editor's strings are gathered, not listed: every element the templates mark as the editor's
(`data-editor`) and every badge (`.marker`) in the editor's view of the committed content, each
paper's source listings and file, and the words the issue found on the published site. Not one
of them may appear in any file of the reader's site: its pages, data files, feed or scripts.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from sitegen.paperfile import parse_paper
from tests.conftest import REPO

# Found on the published site before there were two audiences (issue 18), and the front-matter
# keys an editor deletes to confirm a guess.
SEEN_ON_THE_READERS_SITE = (
    "Needs attention", "papers to check", "Listed in", "To correct this page",
    "Title derived from the abstract", "title derived", "date inferred", "title_derived", "date_inferred",
    "content/papers/", "attention.html",
)  # fmt: skip
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class EditorsText(HTMLParser):
    """The text of every element marked as the editor's, or a badge, each as one string."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._open: list[list[str] | None] = []  # per open element: its text, if it is gathered

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        names = dict(attrs)
        gathered = "data-editor" in names or "marker" in (names.get("class") or "").split()
        self._open.append([] if gathered else None)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or not self._open:
            return
        text = self._open.pop()
        if text is not None:
            self.found.append(" ".join("".join(text).split()))
            if self._open and self._open[-1] is not None:
                self._open[-1].extend(text)

    def handle_data(self, data: str) -> None:
        for text in self._open:
            if text is not None:
                text.append(data)


def editors_strings(editor_site: Path) -> set[str]:
    found: set[str] = set(SEEN_ON_THE_READERS_SITE)
    for page in editor_site.rglob("*.html"):
        parser = EditorsText()
        parser.feed(page.read_text(encoding="utf-8"))
        found.update(text for text in parser.found if text)
    for path in sorted((REPO / "content" / "papers").glob("*.md")):
        paper = parse_paper(path.read_text(encoding="utf-8"), str(path), path.stem)
        found.update(paper.sources)
        found.add(f"content/papers/{path.name}")
    return found


class Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def site_text(site: Path) -> dict[str, str]:
    """Each text file of the site as it is; a page also as its text without the markup."""
    found = {}
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".bib", ".js", ".css"):
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".html":
                parser = Text()
                parser.feed(text)
                text = " ".join("".join(parser.parts).split()) + "\n" + text
            found[str(path.relative_to(site))] = text
    return found


def test_the_readers_site_holds_none_of_the_editors_strings(committed_site, committed_editor_site):
    strings = editors_strings(committed_editor_site)
    assert len(strings) > 300  # the badges, notes, files and listings of 176 papers
    found = [
        f"{name}: {string!r}"
        for name, text in site_text(committed_site).items()
        for string in strings
        if string in text
    ]
    assert found == [], "\n".join(found[:20])
    assert not (committed_site / "attention.html").exists()
    records = json.loads((committed_site / "papers.json").read_text(encoding="utf-8"))
    assert not {"sources", "title_derived", "date_inferred"} & {key for record in records for key in record}


def test_the_editors_view_keeps_every_aid(committed_editor_site):
    pages = site_text(committed_editor_site)
    every = "\n".join(pages.values())
    for string in SEEN_ON_THE_READERS_SITE:
        if string not in ("title_derived", "date_inferred"):  # shown as `title_derived: true` in notes
            assert string in every, string
    attention = pages["attention.html"]
    assert "title_derived: true" in attention and "date_inferred: true" in attention
    assert 'href="../attention.html">Needs attention</a>' in pages["papers/endogen.html"]
    assert "To correct this page, edit content/papers/endogen.md." in pages["papers/endogen.html"]
    paper = parse_paper((REPO / "content/papers/endogen.md").read_text(encoding="utf-8"), "x", "endogen")
    for source in paper.sources:
        assert source in pages["papers/endogen.html"]
    assert "To correct this page, edit <code>content/papers/endogen.md</code>" in pages["papers/endogen.html"]
    records = json.loads(pages["papers.json"])
    assert {"sources", "title_derived", "date_inferred"} <= {key for record in records for key in record}


def test_the_scripts_show_the_editors_badges_only_in_the_editors_view(committed_site, committed_editor_site):
    """The All papers browser draws cards itself: its data carries the badges, and its form their
    words, only in the editor's view."""
    reader = (committed_site / "assets/papers-data.js").read_text(encoding="utf-8")
    editor = (committed_editor_site / "assets/papers-data.js").read_text(encoding="utf-8")
    assert not re.search(r'"[gi]":1', reader) and re.search(r'"g":1', editor) and re.search(r'"i":1', editor)
    form = (committed_site / "papers/index.html").read_text(encoding="utf-8")
    assert "data-title-derived" not in form and "title derived" not in form
    editors_form = (committed_editor_site / "papers/index.html").read_text(encoding="utf-8")
    assert 'data-title-derived="title derived" data-date-inferred="date inferred"' in editors_form
