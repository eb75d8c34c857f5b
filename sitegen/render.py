"""Rendering: the Jinja environment, Markdown, the one page context, and a pure function per page.

Each `render_*` function takes what its page shows and returns HTML; nothing here reads the
library as a whole, so a dev server can re-render any subset of pages.
"""

from __future__ import annotations

import datetime as dt
import re
import traceback
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import jinja2.bccache
from markupsafe import Markup

from sitegen import urls
from sitegen.errors import SitegenError
from sitegen.model import Paper

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

TEMPLATE_SUFFIXES = (".html", ".xml", ".txt")


# --- view data: small, precomputed once per build --------------------------------------------


@dataclass(frozen=True)
class TopicCard:
    id: str
    title: str
    description: str
    url: str  # from the site root
    count: int


@dataclass(frozen=True)
class PaperCard:
    """What a listing shows of a paper."""

    slug: str
    title: str
    url: str  # from the site root
    date: dt.date | None
    date_inferred: bool
    title_derived: bool
    topics: tuple[TopicCard, ...]


@dataclass(frozen=True)
class LinkButton:
    label: str
    href: str  # the url, percent-encoded where it holds characters an address may not
    url: str  # as the paper file gives it, for display
    safe: bool  # False: shown as text, never as a link


@dataclass(frozen=True)
class PaperView:
    paper: Paper
    card: PaperCard
    abstract_html: Markup
    links: tuple[LinkButton, ...]
    bibtex: str
    citation: str
    related: tuple[PaperCard, ...]
    file: str  # the content file an editor changes


@dataclass(frozen=True)
class AttentionItem:
    card: PaperCard
    file: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class SiteInfo:
    """What every page may show about the site as a whole (small: no per-paper data)."""

    title: str
    description: str
    author: str
    language: str
    base_path: str  # the path the site is published under, for the 404 page
    paper_count: int
    topic_count: int
    attention_count: int
    search_index: str  # the search index file, from the site root


# --- Markdown ----------------------------------------------------------------------------------


@cache  # made on first use: a rebuild that renders no abstract never imports markdown-it
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    # Abstracts are untrusted: no images (a request leaving the site), no headings (the page's outline).
    md.disable(["image", "heading", "lheading"])
    md.validateLink = urls.is_safe_link  # type: ignore[method-assign]
    return md


@dataclass(frozen=True)
class Abstract:
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


# --- the Jinja environment ---------------------------------------------------------------------


def default_templates() -> Path:
    return Path(str(files("sitegen.templates")))


def make_environment(user_templates: Path | None = None, compiled: Path | None = None) -> jinja2.Environment:
    """User templates first, then the defaults; `default/NAME` always means the built-in NAME.
    With `compiled`, a folder where compiled templates are kept for the next build (by their
    source's checksum): a rebuild that renders three pages need not compile them all again."""
    default = jinja2.FileSystemLoader(default_templates())
    loaders: list[jinja2.BaseLoader] = [default, jinja2.PrefixLoader({"default": default})]
    if user_templates is not None:
        loaders.insert(0, jinja2.FileSystemLoader(user_templates))
    if compiled is not None:
        compiled.mkdir(parents=True, exist_ok=True)
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one build, one environment: no need to stat the templates for every page
        bytecode_cache=_CompiledTemplates(str(compiled)) if compiled is not None else None,
    )
    env.filters["human_date"] = human_date
    return env


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept for the next build: only a cache, so a full disk or a torn file
    costs the time to compile again, not the build."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with suppress(OSError):
            super().dump_bytecode(bucket)


def human_date(value: dt.date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "undated"


def template_error(exc: Exception, name: str, page: str | None = None) -> SitegenError:
    """Name the template file and line of a syntax or undefined-variable error, or of an error
    an expression raised while rendering `page` (a filter given a value it cannot take)."""
    path, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if not path:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.endswith(TEMPLATE_SUFFIXES):
                path, line = frame.filename, frame.lineno
                break
    message = getattr(exc, "message", None) or str(exc)
    if isinstance(exc, jinja2.TemplateNotFound):
        hint = "create it in your templates folder, or fix the name"
    elif isinstance(exc, jinja2.UndefinedError):
        hint = "the variable or attribute does not exist on this page; check its spelling"
    elif isinstance(exc, jinja2.TemplateError):
        hint = "fix the template syntax"
    else:  # raised by the template's code on this page's values
        message = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
        hint = "an expression on that line fails for this page's values; check its filters and calls"
    where = f" (rendering {page})" if page and not isinstance(exc, jinja2.TemplateSyntaxError) else ""
    return SitegenError(f"template error{where}: {message}", path=path or name, line=line, hint=hint)


def get_template(env: jinja2.Environment, name: str) -> jinja2.Template:
    try:
        return env.get_template(name)
    except jinja2.TemplateError as exc:
        raise template_error(exc, name) from None


def page_context(site: SiteInfo, page: str, **values: Any) -> dict[str, Any]:
    """The one context every template gets: the site, the page's path and the way back to the root."""
    return {"site": site, "page": page, "root": urls.root_of(page), **values}


def render(env: jinja2.Environment, template: str, site: SiteInfo, page: str, **values: Any) -> str:
    try:
        return get_template(env, template).render(page_context(site, page, **values))
    except (SitegenError, OSError):  # OSError: the disk, not the template
        raise
    except Exception as exc:  # a template error, or any error a template's expression raised
        raise template_error(exc, template, page) from None


# --- one function per page ---------------------------------------------------------------------


# Topic cards carry paper counts, which most edits change: only the pages that list them get them,
# so an edit does not make every other page's inputs differ.


def render_home(
    env: jinja2.Environment, site: SiteInfo, topics: Sequence[TopicCard], recent: Sequence[PaperCard]
) -> str:
    return render(env, "home.html", site, urls.HOME, topics=topics, recent=recent)


def render_paper(env: jinja2.Environment, site: SiteInfo, view: PaperView) -> str:
    template = view.paper.template or "paper.html"
    return render(env, template, site, urls.paper_file(view.paper.slug), view=view, paper=view.paper)


def render_topic(
    env: jinja2.Environment,
    site: SiteInfo,
    topic: TopicCard,
    papers: Sequence[PaperCard],
    cooccurring: Sequence[tuple[TopicCard, int]],
) -> str:
    page = urls.topic_file(topic.id)
    return render(env, "topic.html", site, page, topic=topic, papers=papers, cooccurring=cooccurring)


def render_topics(env: jinja2.Environment, site: SiteInfo, topics: Sequence[TopicCard]) -> str:
    return render(env, "topics.html", site, urls.TOPICS, topics=topics)


def render_all_papers(
    env: jinja2.Environment,
    site: SiteInfo,
    topics: Sequence[TopicCard],
    papers: Sequence[PaperCard],
    years: Sequence[int],
) -> str:
    return render(env, "papers.html", site, urls.ALL_PAPERS, topics=topics, papers=papers, years=years)


def render_attention(env: jinja2.Environment, site: SiteInfo, items: Sequence[AttentionItem]) -> str:
    return render(env, "attention.html", site, urls.ATTENTION, items=items)


def render_search(env: jinja2.Environment, site: SiteInfo) -> str:
    return render(env, "search.html", site, urls.SEARCH)


def render_not_found(env: jinja2.Environment, site: SiteInfo) -> str:
    # Served for a missing path at any depth, so it links from the site's root path, not relatively.
    return render(env, "404.html", site, urls.NOT_FOUND, root=site.base_path)
