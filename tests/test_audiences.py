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


# An editor's note in a paper's body, as HTML comments are in Markdown: each placement, with the
# text around it (which the reader sees) and, in code, a comment that is code (which stays).
NOTE_PLACES = {
    "inline": "Segmentation of the liver <!-- NOTE-inline: check the Dice --> in CT.",
    "paragraph": "Segmentation of the liver.\n\n<!-- NOTE-paragraph: ask the authors -->\n\nIn CT.",
    "lines": "Segmentation <!-- NOTE-lines: first line\nsecond line --> of the liver in CT.",
    "several": "<!-- NOTE-several-a -->Segmentation of the liver<!-- NOTE-several-b --> in CT.",
    "beside code": "Segmentation with `<!-- CODE-span -->` of the liver <!-- NOTE-code --> in CT.",
    "fenced": "Segmentation of the liver in CT.\n\n```\n<!-- CODE-fenced -->\n```\n\n<!-- NOTE-fenced -->",
    # a reviewer's: markup around the note that a line-by-line or span-first reading got wrong
    "a block commented out": "Segmentation of the liver.\n\n<!-- NOTE-block:\n```\nold\n```\n-->\n\nIn CT.",
    "a lone backtick": "Segmentation with the ` key.\n\n<!-- NOTE-lone -->\n\nOf the liver in `CT`.",
    "a backtick in the note": "<!-- NOTE-tick: check `foo -->\n\nSegmentation of the liver in `CT`.",
    "an escaped backtick": "Segmentation \\` of the liver <!-- NOTE-escaped --> in `CT`.",
    "backticks on one line": "```not a fence``` Segmentation of the liver <!-- NOTE-one-line --> in CT.",
    "indented code": "Segmentation of the liver.\n\n    x = '<!-- CODE-indented -->'\n\nIn <!-- NOTE- -->CT.",
}


def test_an_editors_html_comment_in_an_abstract_is_in_no_file_of_the_site(make_project, run_cli):
    """Markdown hides an HTML comment; with raw HTML shown as text, sitegen showed the editor's
    notes to every reader. Now no page, data file, feed, search file or citation holds them."""
    front = "---\ntitle: Liver study {}\ndate: 2024-{:02d}-01\n---\n"
    papers = {
        f"content/papers/note-{number}.md": front.format(number, number + 1) + body + "\n"
        for number, body in enumerate(NOTE_PLACES.values())
    }
    root = make_project(
        {
            "content/topics.yaml": "- id: all\n  title: All\n  description: x\n"
            "  rules:\n    abstract: {'.': 1}\n",
            **papers,
        }
    )
    code, _, err = run_cli(root, "build")
    assert code == 0, err
    site = b"".join(path.read_bytes() for path in (root / "public").rglob("*") if path.is_file())
    assert b"NOTE-" not in site
    for word in (b"CODE-span", b"CODE-fenced", b"CODE-indented", b"Segmentation", b"of the liver"):
        assert word in site
    page = (root / "public/papers/note-0.html").read_text(encoding="utf-8")
    assert "Segmentation of the liver  in CT." in page or "Segmentation of the liver in CT." in page
