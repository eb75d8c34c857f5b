"""Rendering: the Jinja environment, the one page context, and a pure function per page (an
abstract's Markdown is rendered by sitegen.abstracts).

Each `render_*` function takes what its page shows and returns HTML; nothing here reads the
library as a whole, so a dev server can re-render any subset of pages.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import jinja2.runtime
import markupsafe

from sitegen import names, urls
from sitegen.assets import default_templates
from sitegen.errors import SitegenError
from sitegen.model import PaperDate

if TYPE_CHECKING:
    from sitegen.charts import Chart
    from sitegen.views import (
        AttentionItem,
        Facets,
        HomeCharts,
        ListPage,
        Mode,
        PaperCard,
        PaperView,
        SiteInfo,
        TopicCard,
        TopicRef,
    )

TEMPLATE_SUFFIXES = (".html", ".xml", ".txt")


# --- the Jinja environment ---------------------------------------------------------------------


def escape(value: Any, /) -> markupsafe.Markup:
    """`markupsafe.escape(value)`, sooner for a str or Markup. Every `{{ value }}` of a page is
    escaped (~1.7 million calls in a build of 10,000 papers); since MarkupSafe 3 each call goes
    through Python twice (`escape`, then `Markup.__new__`), ~1 us, where a plain string (nine
    values in ten) takes ~0.3 us here: the same C escaping, the Markup made without the Python
    `__new__` (which would only find that a str has no `__html__`). Anything else is escaped by
    markupsafe itself."""
    kind = type(value)
    if kind is str:
        return _new_str(markupsafe.Markup, _escape_text(value))
    if kind is markupsafe.Markup:
        return value  # safe already: markupsafe would make an equal copy
    return markupsafe.escape(value)


_new_str = str.__new__

# Compiled templates take `escape` from jinja2.runtime when they are loaded (each template's
# code begins `from jinja2.runtime import ..., escape, ...`): templates loaded from here on use
# the one above, which returns what markupsafe's does for every value (tests/test_render.py).
try:
    from markupsafe import _escape_inner as _escape_text  # MarkupSafe 3: the C escaping it wraps
except ImportError:  # MarkupSafe 2, whose `escape` is C through and through: templates keep it

    def _escape_text(text: str, /) -> str:
        return str(markupsafe.escape(text))

else:
    jinja2.runtime.escape = escape


def make_environment(user_templates: Path | None = None) -> jinja2.Environment:
    """User templates first, then the defaults; `default/NAME` always means the built-in NAME."""
    default = jinja2.FileSystemLoader(default_templates())
    loaders: list[jinja2.BaseLoader] = [default, jinja2.PrefixLoader({"default": default})]
    if user_templates is not None:
        loaders.insert(0, jinja2.FileSystemLoader(user_templates))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one build, one environment: no need to stat the templates for every page
    )
    env.filters["human_date"] = human_date
    env.filters["short_authors"] = names.short_list
    env.filters["card_once"] = card_once
    env.filters["thousands"] = thousands
    return env


def thousands(value: Any) -> Any:
    """A count as the site writes it, its thousands set apart: `10,000 papers` (site.js and
    search.js write the counts they make alike); anything but a whole number as it is."""
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else value


def card_once(card: Any, macro: Callable[..., Any], *options: Any) -> Any:
    """`macro(card, *options)`, rendered once a build for each card and options (the built-in
    `paper_list` shows each card through it); anything but a card is rendered every time."""
    rendered = getattr(type(card), "rendered", None)
    if rendered is None:
        return macro(card, *options)
    return rendered(card, (macro, *options), lambda: macro(card, *options))  # the key keeps the macro alive


@cache  # a date is written on every card that shows it
def human_date(value: PaperDate | dt.date | None) -> str:
    """The one way dates are written on the site (and by its scripts): `3 May 2024`, `May 2024`
    or `2024`, as precise as the date is known; a paper without one is "Undated"."""
    if value is None:
        return "Undated"
    return value.human() if isinstance(value, PaperDate) else PaperDate.of(value).human()


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
    if isinstance(exc, jinja2.TemplateNotFound):  # the message is the name alone
        message = f"no template named `{exc.name}`"
        hint = "create it in your templates folder, or fix the name; a built-in one is `default/NAME`"
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


@dataclass(frozen=True)
class Frame:
    """What every page shows around its own content: the site, and whom it is made for."""

    site: SiteInfo
    mode: Mode


def page_context(frame: Frame, page: str, **values: Any) -> dict[str, Any]:
    """The one context every template gets: the site, whether it is the editor's view, the
    page's path and the way back to the root."""
    return {
        "site": frame.site,
        "editor": frame.mode.editor,
        "page": page,
        "root": urls.root_of(page),
        **values,
    }


def render(env: jinja2.Environment, template: str, frame: Frame, page: str, **values: Any) -> str:
    try:
        return get_template(env, template).render(page_context(frame, page, **values))
    except jinja2.TemplateNotFound as exc:  # an `extends` or `include` of a missing template: an
        raise template_error(exc, template, page) from None  # OSError too, but the template's fault
    except (SitegenError, OSError):  # OSError: the disk, not the template
        raise
    except Exception as exc:  # a template error, or any error a template's expression raised
        raise template_error(exc, template, page) from None


# --- one function per page ---------------------------------------------------------------------


# Topic cards carry paper counts, which most edits change: only the pages that list them get them,
# so an edit does not make every other page's inputs differ.


def render_home(
    env: jinja2.Environment,
    frame: Frame,
    topics: Sequence[TopicCard],
    recent: Sequence[PaperCard],
    charts: HomeCharts,
) -> str:
    return render(env, "home.html", frame, urls.HOME, topics=topics, recent=recent, charts=charts)


def render_paper(env: jinja2.Environment, frame: Frame, view: PaperView) -> str:
    template = view.paper.template or "paper.html"
    return render(env, template, frame, urls.paper_file(view.paper.slug), view=view, paper=view.paper)


def render_topic(
    env: jinja2.Environment,
    frame: Frame,
    topic: TopicRef,
    listing: ListPage,
    papers: Sequence[PaperCard],
    cooccurring: Sequence[tuple[TopicRef, int]],
    chart: Chart | None,
) -> str:
    """A page of a topic's reading list; the first also has its chart and related topics."""
    return render(
        env,
        "topic.html",
        frame,
        listing.path,
        topic=topic,
        listing=listing,
        papers=papers,
        cooccurring=cooccurring,
        chart=chart,
    )


def render_topics(env: jinja2.Environment, frame: Frame, topics: Sequence[TopicCard]) -> str:
    return render(env, "topics.html", frame, urls.TOPICS, topics=topics)


def render_all_papers(
    env: jinja2.Environment,
    frame: Frame,
    listing: ListPage,
    papers: Sequence[PaperCard],
    facets: Facets | None,
) -> str:
    """A page of the list of every paper; the first also has the browser's filters (`facets`)."""
    return render(env, "papers.html", frame, listing.path, listing=listing, papers=papers, facets=facets)


def render_list_row(
    env: jinja2.Environment, frame: Frame, page: str, card: PaperCard, except_id: str | None = None
) -> str:
    """One paper's row in a list of papers on the page `page`, as `paper_list` (_macros.html)
    writes it there: the card, indented, on a line of its own."""
    macros = get_template(env, "_macros.html").module
    try:
        card_html = macros.paper_card(card, urls.root_of(page), frame.mode.editor, except_id)  # type: ignore[attr-defined]
    except Exception as exc:  # a template error, or any error a template's expression raised
        raise template_error(exc, "_macros.html", page) from None
    return f"  {card_html}\n"


def render_attention(env: jinja2.Environment, frame: Frame, items: Sequence[AttentionItem]) -> str:
    return render(env, "attention.html", frame, urls.ATTENTION, items=items)


def render_search(env: jinja2.Environment, frame: Frame, topic_titles: Mapping[str, str]) -> str:
    """The results page; `topic_titles` (by id) let its address name a topic by id."""
    return render(env, "search.html", frame, urls.SEARCH, topic_titles=topic_titles)


def render_not_found(env: jinja2.Environment, frame: Frame) -> str:
    # Served for a missing path at any depth, so it links from the site's root path, not relatively.
    return render(env, "404.html", frame, urls.NOT_FOUND, root=frame.site.base_path)
