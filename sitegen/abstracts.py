"""Abstracts: each paper's Markdown as HTML and as plain text, from one parse.

Abstracts are untrusted: raw HTML shows as text, links work only to http(s), mailto or relative
addresses, and nothing makes a request leaving the site (no images).

TeX math (`$...$`, `$$...$$`, `\\(...\\)`) is kept as written: nothing inside it is read as
Markdown (no emphasis, links, escapes or entities). The page shows it as written in a
`<span class="math">` (no script typesets it: the site works offline); the plain text holds it
as written too. Where a `$` opens and closes math is pandoc's rule (tex_math_dollars): see _math.
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
    from markdown_it.rules_inline import StateInline
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
    # And `$`, where TeX math may start (_math; `\\(` starts at an escape's backslash).
    md.inline.terminator_re = re.compile(r"[\n\\`*_\[\]<&$]")
    md.inline.ruler.before("escape", "math", _math)
    md.add_render_rule("math", _render_math)
    return md


# --- TeX math ----------------------------------------------------------------------------------
#
# Pandoc's rule (tex_math_dollars, tex_math_single_backslash), as its Markdown reader has it:
# - `$$`, at least one character, then the first `$$`: display math, written as it is;
# - else `$` not followed by white space, then at least one element, up to the first `$` where
#   an element may end, and no digit right after that `$` (`$5 and $10`, `$20,000`: no math).
#   An element is a character (the first may be `$`), a backslash and the character after it
#   (`\\$` does not close), or a run of spaces and line breaks not followed by `$` (so the
#   closing `$` follows a non-space; a run followed by `$` means no math from this `$`);
# - `\\(`, at least one element (spaces too), up to the first `\\)`, and no digit after it.
# A `$` that opens no math is text, and math may open at a later one.
# (Pandoc's later readers keep a `\\text{...}` argument, then any `{...}` group and `%` comment,
# whole: a `$` in them does not close. Here it closes, as in its first readers; rare in abstracts.)

_DIGITS = "0123456789"
_BLANKS = " \t\n"


def _math(state: StateInline, silent: bool) -> bool:
    src, start, maximum = state.src, state.pos, state.posMax
    if src[start] == "$":
        end = _display_end(src, start, maximum)
        if end < 0:
            end = _inline_end(src, start + 1, maximum, "$")
    elif src.startswith("\\(", start):
        # (a `\\(` with no `\\)` after it ends no math: not read to the end each time)
        end = _inline_end(src, start + 2, maximum, "\\)") if src.find("\\)", start + 2, maximum) > 0 else -1
    else:
        return False
    if end < 0:
        return False
    if not silent:
        state.push("math", "span", 0).content = src[start:end]
    state.pos = end
    return True


def _display_end(src: str, start: int, maximum: int) -> int:
    """Where `$$...$$` at `start` ends, or -1."""
    if not src.startswith("$$", start):
        return -1
    close = src.find("$$", start + 3, maximum)  # after one character at least
    return -1 if close < 0 else close + 2


def _inline_end(src: str, pos: int, maximum: int, closing: str) -> int:
    """Where inline math whose content starts at `pos` ends (its `closing` delimiter included), or -1."""
    dollar = closing == "$"
    if pos >= maximum or (dollar and src[pos].isspace()):
        return -1
    first = True
    while pos < maximum:
        if not first and src.startswith(closing, pos) and pos + len(closing) <= maximum:
            end = pos + len(closing)
            return -1 if end < maximum and src[end] in _DIGITS else end
        first = False
        char = src[pos]
        if char == "\\":
            pos += 2  # the backslash and the character after it
        elif char in _BLANKS:
            while pos < maximum and src[pos] in _BLANKS:
                pos += 1
            if dollar and pos < maximum and src[pos] == "$":
                return -1
        else:
            pos += 1
    return -1


def math_spans(text: str) -> list[tuple[int, int]]:
    """Where the math of a plain text is (start, end), by the rule above: the importer keeps it as
    written, and escapes the rest of the text for Markdown. A backslash before a punctuation
    character escapes it (`\\$` is a dollar), as Markdown's and TeX's do."""
    spans, pos, size = [], 0, len(text)
    while pos < size:
        char = text[pos]
        end = -1
        if char == "$":
            end = _display_end(text, pos, size)
            if end < 0:
                end = _inline_end(text, pos + 1, size, "$")
        elif text.startswith("\\(", pos) and text.find("\\)", pos + 2) > 0:
            end = _inline_end(text, pos + 2, size, "\\)")
        if end > 0:
            spans.append((pos, end))
            pos = end
        elif char == "\\" and pos + 1 < size and _is_punctuation(text[pos + 1]):
            pos += 2
        else:
            pos += 1
    return spans


def _is_punctuation(char: str) -> bool:
    return char.isascii() and not char.isalnum() and not char.isspace()


def _render_math(self: object, tokens: Sequence[Token], idx: int, options: object, env: object) -> str:
    return '<span class="math">' + tokens[idx].content.translate(_HTML_ESCAPES) + "</span>"


@dataclass(frozen=True, slots=True)
class Abstract:
    """An abstract as the site shows it: rendered once, kept by the build's cache."""

    html: str  # raw HTML shown as text, links only to http(s), mailto or relative addresses
    text: str  # without its Markdown, for search, feeds and citations


@dataclass(frozen=True, slots=True)
class KeptAbstract:
    """An abstract as the build's cache keeps it: its text left out (None) where it is the
    Markdown as written, as it is for most abstracts (plain prose), which the paper holds already
    (at 10,000 papers ~16 MB held once instead of twice, in each process of a build)."""

    html: str
    text: str | None

    def with_markdown(self, markdown: str) -> Abstract:
        """The abstract, given the Markdown it was rendered from."""
        return Abstract(self.html, markdown if self.text is None else self.text)


def kept_abstract(markdown: str) -> KeptAbstract:
    abstract = render_abstract(markdown)
    return KeptAbstract(abstract.html, None if abstract.text == markdown else abstract.text)


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
# a space follows), characters the parser rewrites, and TeX math (`$`; `\(` is an escape's).
_MARKUP = re.compile(r"[`*_\[\]~\t\r\0$]|\\(?![A-Za-z0-9])|[<&](?! )")
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


_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")


def _plain(tokens: Sequence[Token]) -> str:
    paragraphs = []
    for token in tokens:
        if token.type == "inline":
            words = [
                " "
                if child.type in ("softbreak", "hardbreak")
                # math as written, a line break in it as a soft break outside it (one space)
                else _LINE_BREAK.sub(" ", child.content)
                if child.type == "math"
                else child.content
                for child in token.children or ()
                if child.type in ("text", "code_inline", "softbreak", "hardbreak", "math")
            ]
            paragraphs.append("".join(words).strip())
        elif token.type in ("code_block", "fence"):
            paragraphs.append(token.content.strip())
    return "\n\n".join(p for p in paragraphs if p)
