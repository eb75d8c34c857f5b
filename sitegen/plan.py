"""The build plan: every output of the site, what each one reads, and how it is made.

What an output reads is said in a small vocabulary of inputs, one kind for each accessor of the
view model (sitegen/views.py), keyed by a paper's slug, a list's name or nothing (site-wide).
The engine (sitegen/engine) derives everything else from the plan: each output's input digest,
what changed since the last build, which outputs to make again, keep or patch, and what may be
made in parallel. tests/test_plan.py records what every output really reads and checks it
against the plan, so a read the plan forgets fails a test instead of leaving a page stale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any, NamedTuple

import jinja2

from sitegen import citations, outputs, render, urls
from sitegen.views import ATTENTION, FEED, NEWEST, RECENT, YEARS, SiteView

# Inputs of one paper (the key is its slug):
PAPER = "paper"  # paper(), abstract(), topics_of(): its file (every field) and its topics
CARD = "card"  # card(): its topics and the fields the templates read through cards
RELATED = "related"  # related(): its related papers
BIBKEY = "bibkey"  # bibtex_key()
# Site-wide inputs (the key is "", or a list's name):
LIST = "list"  # listing(name): a derived list, e.g. the papers newest first, or a topic's papers
TOPICS = "topics"  # topic_refs(): each topic's id, title and description
COUNTS = "counts"  # topic_cards(): the topics with their numbers of papers
INFO = "info"  # info(): what every page says of the site (its name, its counts)
CONFIG = "config"  # config(): site.yaml
TEMPLATES = "templates"  # the templates, read by every page rendered with them

PER_PAPER = (PAPER, CARD, RELATED, BIBKEY)


class Input(NamedTuple):
    kind: str
    key: str = ""


@dataclass(frozen=True)
class Cards:
    """The cards of many papers, read as one (a listing)."""

    slugs: tuple[str, ...]


Read = Input | Cards
Made = str | bytes


@dataclass(frozen=True)
class Page:
    """One output file."""

    path: str
    reads: tuple[Read, ...]
    make: Callable[[], Made]


@dataclass(frozen=True)
class EachPaper:
    """One output file per paper (its page): it reads the paper's inputs of the `own` kinds,
    the cards of the papers `cards_of(slug)` gives, and the site-wide `site` inputs."""

    path: Callable[[str], str]
    own: tuple[str, ...]
    cards_of: Callable[[str], Iterable[str]]
    site: tuple[Input, ...]
    make: Callable[[str], Made]

    def reads(self, slug: str) -> tuple[Read, ...]:
        return (*(Input(kind, slug) for kind in self.own), Cards(tuple(self.cards_of(slug))), *self.site)


@dataclass(frozen=True)
class Chunked:
    """One file made of a chunk per paper, in the order of the list `order` (papers.json,
    papers.bib): a chunk reads its paper's inputs of the `own` kinds and the `site` inputs."""

    path: str
    order: str
    own: tuple[str, ...]
    site: tuple[Input, ...]
    chunk: Callable[[str], bytes]
    layout: outputs.ListFile

    def chunk_reads(self, slug: str) -> tuple[Read, ...]:
        return (*(Input(kind, slug) for kind in self.own), *self.site)


@dataclass(frozen=True)
class SearchIndex:
    """The search index: a document per paper, each reading its paper's `own` inputs and the
    `site` inputs (sitegen/search.py makes the files and keeps its shards between builds)."""

    own: tuple[str, ...]
    site: tuple[Input, ...]
    document: Callable[[str], Any]

    def document_reads(self, slug: str) -> tuple[Read, ...]:
        return (*(Input(kind, slug) for kind in self.own), *self.site)


@dataclass(frozen=True)
class Plan:
    view: SiteView
    assets: dict[str, bytes]  # copied as they are
    paper_pages: EachPaper
    pages: tuple[Page, ...]  # the other pages and the feed and sitemap
    chunked: tuple[Chunked, ...]
    search: SearchIndex


def site_plan(view: SiteView, env: jinja2.Environment, assets: dict[str, bytes]) -> Plan:
    """Every output of the site. Each maker reads the site through `view` when it is called."""
    every_page = (Input(TEMPLATES), Input(INFO), Input(TOPICS))  # the header, footer and topic chips

    def page(path: str, reads: tuple[Read, ...], make: Callable[[], Made]) -> Page:
        return Page(path, (*every_page, *reads), make)

    def listed(name: str) -> tuple[Read, ...]:
        return Input(LIST, name), Cards(view.listing(name))

    def topic_page(topic_id: str) -> str:
        members = view.cards(view.listing(f"topic:{topic_id}"))
        cooccurring = view.cooccurring(topic_id)
        return render.render_topic(env, view.info(), view.topic_card(topic_id), members, cooccurring)

    pages = [
        page(
            urls.HOME,
            (Input(COUNTS), *listed(RECENT)),
            lambda: render.render_home(
                env, view.info(), view.topic_cards(), view.cards(view.listing(RECENT))
            ),
        ),
        page(
            urls.ALL_PAPERS,
            (Input(COUNTS), Input(LIST, YEARS), *listed(NEWEST)),
            lambda: render.render_all_papers(
                env, view.info(), view.topic_cards(), view.cards(view.listing(NEWEST)), view.listing(YEARS)
            ),
        ),
        page(
            urls.TOPICS, (Input(COUNTS),), lambda: render.render_topics(env, view.info(), view.topic_cards())
        ),
        *(
            page(
                urls.topic_file(topic.id),
                (Input(COUNTS), Input(LIST, f"cooccurring:{topic.id}"), *listed(f"topic:{topic.id}")),
                partial(topic_page, topic.id),
            )
            for topic in view.library.topics
        ),
        page(
            urls.ATTENTION,
            (Input(LIST, ATTENTION), Cards(tuple(item.slug for item in view.listing(ATTENTION)))),
            lambda: render.render_attention(env, view.info(), view.attention_items()),
        ),
        page(urls.SEARCH, (), lambda: render.render_search(env, view.info())),
        page(urls.NOT_FOUND, (), lambda: render.render_not_found(env, view.info())),
        Page(
            urls.FEED,
            (Input(CONFIG), Input(LIST, FEED), *(Input(PAPER, slug) for slug in view.listing(FEED))),
            lambda: outputs.atom_feed(view.config(), *view.feed_papers()),
        ),
        Page(
            urls.SITEMAP,
            (Input(CONFIG), Input(TOPICS), Input(LIST, NEWEST)),
            lambda: outputs.sitemap(view.config().base_url, view.page_addresses()),
        ),
    ]
    paper_pages = EachPaper(
        path=urls.paper_file,
        own=(PAPER, BIBKEY, RELATED),
        cards_of=view.related,
        site=(*every_page, Input(CONFIG)),  # CONFIG: the Open Graph tags hold the page's address
        make=lambda slug: render.render_paper(env, view.info(), view.paper_view(slug)),
    )
    def bibtex(slug: str) -> bytes:
        return view.bibtex_entry(slug).encode("utf-8")

    chunked = (
        Chunked(urls.BIBTEX, NEWEST, (PAPER, BIBKEY), (), bibtex, outputs.BIBTEX_LIST),
        Chunked(
            urls.JSON, NEWEST, (PAPER, BIBKEY, RELATED), (),
            lambda slug: outputs.record_json(view.record(slug)), outputs.JSON_LIST,
        ),
        Chunked(
            urls.RIS, NEWEST, (PAPER, BIBKEY), (),
            lambda slug: view.ris_record(slug).encode("utf-8"), outputs.RIS_LIST,
        ),
        Chunked(
            urls.CSL_JSON, NEWEST, (PAPER, BIBKEY), (),
            lambda slug: citations.csl_json(view.csl_item(slug)), outputs.CSL_LIST,
        ),
        *(
            Chunked(urls.topic_bibtex(topic.id), f"topic:{topic.id}", (PAPER, BIBKEY), (), bibtex,
                    outputs.BIBTEX_LIST)
            for topic in view.library.topics
        ),
    )  # fmt: skip
    search = SearchIndex(own=(PAPER,), site=(Input(TOPICS),), document=view.search_document)
    return Plan(view, assets, paper_pages, tuple(pages), chunked, search)
