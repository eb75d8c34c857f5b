"""Abstracts: each paper's Markdown as HTML and as plain text, from one parse.

Abstracts are untrusted: raw HTML shows as text, links work only to http(s), mailto or relative
addresses, and nothing makes a request leaving the site (no images).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from markupsafe import Markup

from sitegen import urls

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@cache  # made on first use: a rebuild that renders no abstract never imports markdown-it
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    # Abstracts are untrusted: no images (a request leaving the site), no headings (the page's outline).
    md.disable(["image", "heading", "lheading"])
    md.validateLink = urls.is_safe_link  # type: ignore[method-assign]
    # The inline parser ends a run of text at any character an inline syntax may start with, and
    # tries every rule there; by default also at those of syntaxes not enabled here or left to
    # plugins (`$ % - : = { }`...), common in abstracts' prose and formulas. Only the enabled
    # rules' characters end it here: newline, escape, code span, emphasis, link (and the end of
    # its text), autolink and entity. A character no rule takes is text either way, so the tokens
    # are the same (0.95 -> 0.60 s for the 6,683 abstracts of the benchmark corpus the parser reads).
    md.inline.terminator_re = re.compile(r"[\n\\`*_\[\]<&]")
    return md


@dataclass(frozen=True)
class Abstract:
    """An abstract as the site shows it: rendered once, kept by the build's cache."""

    html: str  # raw HTML shown as text, links only to http(s), mailto or relative addresses
    text: str  # without its Markdown, for search, feeds and citations


def render_abstract(markdown: str) -> Abstract:
    """Both forms of an abstract from one parse (the costliest step per paper)."""
    paragraphs = _prose_paragraphs(markdown)
    if paragraphs is not None:  # what the parser would make of it, at a fraction of the cost
        html = "".join("<p>" + "\n".join(lines).translate(_HTML_ESCAPES) + "</p>\n" for lines in paragraphs)
        return Abstract(html, "\n\n".join(" ".join(lines) for lines in paragraphs))
    markdown_it = _markdown()
    tokens = markdown_it.parse(markdown)
    return Abstract(markdown_it.renderer.render(tokens, markdown_it.options, {}), _plain(tokens))


# What CommonMark's inline syntax could read as more than text: code, emphasis, links, escapes
# (a backslash before anything but a letter or digit), autolinks and entities (`<` and `&` unless
# a space follows), and characters the parser rewrites.
_MARKUP = re.compile(r"[`*_\[\]~\t\r\0]|\\(?![A-Za-z0-9])|[<&](?! )")
_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
_ORDERED_ITEM = re.compile(r"\d{1,9}[.)](?: |\Z)")
_PROSE_LINE_START = ("(", '"', "'")


def _prose_paragraphs(markdown: str) -> list[list[str]] | None:
    """The abstract's paragraphs as lines, when it is plain prose that Markdown renders as it is
    (HTML-escaped); None when the parser must decide. Paragraphs are split by empty lines; a
    line must not start or end with white space, and must start with a letter, digit or opening
    quote or bracket that cannot begin a list item."""
    if _MARKUP.search(markdown):
        return None
    paragraphs: list[list[str]] = [[]]
    for line in markdown.split("\n"):
        if not line:
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        first = line[0]
        if first.isspace() or line[-1].isspace() or _ORDERED_ITEM.match(line):
            return None
        if not (first.isalnum() or first in _PROSE_LINE_START):
            return None
        paragraphs[-1].append(line)
    return [lines for lines in paragraphs if lines]


def markdown_html(markdown: str) -> Markup:
    return Markup(render_abstract(markdown).html)


def plain_text(markdown: str) -> str:
    return render_abstract(markdown).text


def _plain(tokens: Sequence[Token]) -> str:
    paragraphs = []
    for token in tokens:
        if token.type == "inline":
            words = [
                " " if child.type in ("softbreak", "hardbreak") else child.content
                for child in token.children or ()
                if child.type in ("text", "code_inline", "softbreak", "hardbreak")
            ]
            paragraphs.append("".join(words).strip())
        elif token.type in ("code_block", "fence"):
            paragraphs.append(token.content.strip())
    return "\n\n".join(p for p in paragraphs if p)
