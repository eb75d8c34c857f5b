"""The build plan: every output of the site, what each one reads, and how it is made.

What an output reads is said in a small vocabulary of inputs, one kind for each accessor of the
view model (sitegen/views.py), keyed by a paper's slug, a list's name or nothing (site-wide).
The engine (sitegen/engine) derives everything else from the plan: each output's input digest,
what changed since the last build, which outputs to make again, keep or patch, and what may be
made in parallel. tests/test_plan.py records what every output really reads and checks it
against the plan, so a read the plan forgets fails a test instead of leaving a page stale.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, partial
from typing import Any, NamedTuple

import jinja2

from sitegen import citations, outputs, render, urls
from sitegen.views import (
    ATTENTION,
    BY_FILE,
    FEED,
    NEWEST,
    PEOPLE,
    RECENT,
    UNCLASSIFIED_TOPIC,
    VENUES,
    SiteView,
    page_count,
    topic_list,
    years_of,
)

# Inputs of one paper (the key is its slug):
PAPER = "paper"  # paper(), paper_as_written(), abstract(), topics_of(): its file (every field), topics
CARD = "card"  # card(): its topics and the fields the templates read through cards
SNIPPET = "snippet"  # snippet(): the opening of its abstract, as reading lists show it
RELATED = "related"  # related(): its related papers
BIBKEY = "bibkey"  # bibtex_key()
# Site-wide inputs (the key is "", or a list's name):
LIST = "list"  # listing(name): a derived list, e.g. the papers newest first, or a topic's papers
LIST_PAGE = "list page"  # list_page(name, number): one page of a list of papers ("NAME@NUMBER")
TOPICS = "topics"  # topic_refs(): each topic's id, title and description
COUNTS = "counts"  # topic_cards(): the topics with their numbers of papers
INFO = "info"  # info(): what every page says of the site (its name, its number of topics)
PAPER_COUNT = "paper count"  # paper_count(): how many papers the site has (info().paper_count)
MODE = "mode"  # mode(): the editor's view or the reader's site
CONFIG = "config"  # config(): site.yaml
TEMPLATES = "templates"  # the templates, read by every page rendered with them

PER_PAPER = (PAPER, CARD, SNIPPET, RELATED, BIBKEY)


class Input(NamedTuple):
    kind: str
    key: str = ""


@dataclass(frozen=True)
class Cards:
    """The cards of many papers, read as one (a listing)."""

    slugs: tuple[str, ...]


@dataclass(frozen=True)
class Snippets:
    """The snippets (SNIPPET) of many papers, read as one (a reading list)."""

    slugs: tuple[str, ...]


Read = Input | Cards | Snippets
Made = str | bytes


# How a page's list of papers appears in it with the built-in templates (`paper_list` in
# templates/_macros.html): a row per paper, each starting with ROW_MARK (no paper's text can hold
# it: text is escaped), the last followed by ROWS_END. Pages rendered with a user's version of
# one of ROW_TEMPLATES are never made from rows.
ROW_MARK = b'  <li class="card">'
ROWS_END = b"</ol>"
ROW_TEMPLATES = ("base.html", "papers.html", "topic.html", "_macros.html")


@dataclass(frozen=True)
class Rows:
    """A page's list of papers, a row per paper: `row(slug)` renders one as the page shows it (it
    reads the paper's card, and its SNIPPET when `snippets`); `frame` is what the rest of the page
    shows of the list (its number, size and counts: not its papers); `reads`: the page's reads
    that are its rows' (the same read made elsewhere in the page, e.g. every card for the
    filters' counts when the page holds every paper, is the frame's). `family`: the rows of pages
    of one family and folder are alike. `site`: the site-wide inputs a row reads (its card and
    snippet aside). `framed(cards)`: the page made with `cards` in place of its papers' cards.
    The engine may make the page again from the rows of the last build's pages when only its
    papers changed, or around them when only its frame and papers did."""

    family: str
    slugs: tuple[str, ...]
    row: Callable[[str], str]
    frame: str
    snippets: bool
    reads: tuple[Read, ...]  # what the page reads for its rows (the rest of its reads: the frame)
    site: tuple[Input, ...]  # no default: rows said to read nothing site-wide would outlive a change
    framed: Callable[[Sequence[Any]], Made] | None = None


@dataclass(frozen=True)
class Page:
    """One output file."""

    path: str
    reads: tuple[Read, ...]
    make: Callable[[], Made]
    rows: Rows | None = None  # a page of a list of papers


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
    """Every output of the site, with what each reads: what the engine makes or keeps."""

    view: SiteView
    assets: dict[str, bytes]  # copied as they are
    paper_pages: EachPaper
    pages: tuple[Page, ...]  # the other pages and the feed and sitemap
    chunked: tuple[Chunked, ...]
    search: SearchIndex

    def first_parts(self) -> set[str]:
        """The first part of each path the build makes: a file at the site's root, or the folder
        it is in (papers/, topics/, assets/: the search index and the stylesheets too)."""
        paths = [page.path for page in self.pages] + [one.path for one in self.chunked]
        paths += [self.paper_pages.path(slug) for slug in self.view.library.papers.slugs[:1]]
        return {path.split("/")[0] for path in paths} | {urls.ASSETS.rstrip("/")}


def page_key(name: str, number: int) -> str:
    """The key of the LIST_PAGE input of page `number` of the list `name`."""
    return f"{name}@{number}"


def sitemaps(view: SiteView, most: int) -> list[Page]:
    """The sitemap: one file, or an index of parts of `most` addresses each. Its addresses follow
    the lists' pages and the papers' files (not their dates): a date edit leaves it alone."""
    reads = (Input(CONFIG), Input(COUNTS), Input(PAPER_COUNT), Input(LIST, BY_FILE))

    addresses = cache(view.page_addresses)  # worked out once for all the parts made

    def part(number: int) -> str:
        return outputs.sitemap(view.config().base_url, addresses()[(number - 1) * most : number * most])

    parts = -(-view.page_address_count() // most)  # a site has a home page: at least one
    if parts == 1:
        return [Page(urls.SITEMAP, reads, partial(part, 1))]
    names = [urls.sitemap_part(number) for number in range(1, parts + 1)]
    index = Page(urls.SITEMAP, reads, lambda: outputs.sitemap_index(view.config().base_url, names))
    return [index, *(Page(name, reads, partial(part, number)) for number, name in enumerate(names, 1))]


def site_plan(
    view: SiteView,
    env: jinja2.Environment,
    assets: dict[str, bytes],
    *,
    own_templates: bool = False,
    sitemap_urls: int = outputs.SITEMAP_URLS,
) -> Plan:
    """Every output of the site. Each maker reads the site through `view` when it is called.
    `sitemap_urls`: the most addresses a sitemap file lists (a test makes a small site cut it)."""
    # The header, footer and topic chips; and whom the site is for, which every page shows.
    every_page: tuple[Input, ...] = (Input(TEMPLATES), Input(INFO), Input(TOPICS), Input(MODE))
    # The built-in templates show the number of papers on the home page only; the user's own may
    # show it on any page (`site.paper_count`), which every page then reads.
    every_page += (Input(PAPER_COUNT),) if own_templates else ()
    editor = view.mode().editor

    def page(path: str, reads: tuple[Read, ...], make: Callable[[], Made], rows: Rows | None = None) -> Page:
        return Page(path, (*every_page, *reads), make, rows)

    def rows(
        name: str, number: int, framed: Callable[[Sequence[Any]], Made], except_id: str | None = None
    ) -> Rows:
        listing = view.list_page(name, number)
        snippets = name != NEWEST

        def row(slug: str) -> str:
            card = view.card(slug).with_snippet(view.snippet(slug)) if snippets else view.card(slug)
            return render.render_list_row(env, frame(), listing.path, card, except_id)

        shape = dataclasses.replace(listing, slugs=())
        reads: tuple[Read, ...] = (Input(LIST_PAGE, page_key(name, number)), Cards(listing.slugs))
        reads += (Snippets(listing.slugs),) if snippets else ()
        shown = f"{shape!r} {len(listing.slugs)}"
        return Rows(name, listing.slugs, row, shown, snippets, reads, every_page, framed)

    def listed(name: str) -> tuple[Read, ...]:
        return Input(LIST, name), Cards(view.listing(name))

    def frame() -> render.Frame:
        return render.Frame(view.info(), view.mode())

    def home() -> str:
        recent = view.cards(view.listing(RECENT))
        return render.render_home(env, frame(), view.topic_cards(), recent, view.home_charts())

    def all_papers_page(number: int, cards: Sequence[Any] | None = None) -> str:
        listing = view.list_page(NEWEST, number)
        facets = view.facets() if number == 1 else None
        shown = view.cards(listing.slugs) if cards is None else cards
        return render.render_all_papers(env, frame(), listing, shown, facets)

    def topic_page(topic_id: str, number: int, cards: Sequence[Any] | None = None) -> str:
        listing = view.list_page(topic_list(topic_id), number)
        first, of_a_topic = number == 1, topic_id != urls.UNCLASSIFIED
        return render.render_topic(
            env,
            frame(),
            view.list_topic(topic_id),
            listing,
            view.reading_cards(listing.slugs) if cards is None else cards,
            view.cooccurring(topic_id) if first and of_a_topic else [],
            view.topic_chart(topic_id) if first else None,
        )

    def list_pages(
        name: str, count: int, make: Callable[..., Made], except_id: str | None = None
    ) -> list[tuple[int, Rows]]:
        """Each page of a list of papers (`make(number, cards=None)`), with its rows; what a page
        reads of the list is its rows' reads: its page and its papers' cards (only: an edit
        re-renders the pages whose papers or slices it changed, not every page)."""
        numbers = range(1, page_count(count, name) + 1)
        return [(number, rows(name, number, partial(make, number), except_id)) for number in numbers]

    topic_cards = view.topic_cards()
    home_reads: tuple[Read, ...] = (
        Input(COUNTS),
        Input(PAPER_COUNT),
        *listed(RECENT),
        Input(LIST, years_of(NEWEST)),
        *(Input(LIST, years_of(topic_list(card.id))) for card in topic_cards),
    )
    pages = [page(urls.HOME, home_reads, home)]
    for number, listed_rows in list_pages(NEWEST, view.info().paper_count, all_papers_page):
        # The first page's filters count the papers of each topic, year, venue and author.
        facets = (Input(COUNTS), *(Input(LIST, name) for name in (years_of(NEWEST), VENUES, PEOPLE)))
        facets = facets if number == 1 else ()
        path = urls.list_page_file(urls.ALL_PAPERS, urls.ALL_PAPERS_PAGES, number)
        made = partial(all_papers_page, number)
        pages.append(page(path, (*listed_rows.reads, *facets), made, listed_rows))
    pages.append(
        page(urls.TOPICS, (Input(COUNTS),), lambda: render.render_topics(env, frame(), view.topic_cards()))
    )
    for card in topic_cards:
        name = topic_list(card.id)
        for number, listed_rows in list_pages(
            name, card.count, partial(topic_page, card.id), except_id=card.id
        ):
            first = (
                (
                    Input(LIST, years_of(name)),
                    *([] if card.unclassified else [Input(LIST, f"cooccurring:{card.id}")]),
                )
                if number == 1
                else ()
            )
            path = urls.list_page_file(urls.topic_file(card.id), urls.topic_pages(card.id), number)
            made = partial(topic_page, card.id, number)
            pages.append(page(path, (*listed_rows.reads, *first), made, listed_rows))
    if editor:
        attention = (Input(LIST, ATTENTION), Cards(tuple(item.slug for item in view.listing(ATTENTION))))
        pages.append(
            page(
                urls.ATTENTION,
                attention,
                lambda: render.render_attention(env, frame(), view.attention_items()),
            )
        )
    pages += [
        page(urls.SEARCH, (), lambda: render.render_search(env, frame(), _topic_titles(view))),
        page(urls.NOT_FOUND, (), lambda: render.render_not_found(env, frame())),
        Page(
            urls.FEED,
            # TOPICS: each entry's categories are its topics' titles
            (
                Input(CONFIG),
                Input(TOPICS),
                Input(LIST, FEED),
                *(Input(PAPER, slug) for slug in view.listing(FEED)),
            ),
            lambda: outputs.atom_feed(view.config(), *view.feed_papers()),
        ),
        *sitemaps(view, sitemap_urls),
    ]
    paper_pages = EachPaper(
        path=urls.paper_file,
        own=(PAPER, BIBKEY, RELATED),
        cards_of=view.related,
        site=(*every_page, Input(CONFIG)),  # CONFIG: the Open Graph tags hold the page's address
        make=lambda slug: render.render_paper(env, frame(), view.paper_view(slug)),
    )

    def bibtex(slug: str) -> bytes:
        return view.bibtex_entry(slug).encode("utf-8")

    chunked = (
        Chunked(urls.BIBTEX, NEWEST, (PAPER, BIBKEY), (), bibtex, outputs.BIBTEX_LIST),
        Chunked(  # MODE: the reader's records leave the editor's notes out
            urls.JSON, NEWEST, (PAPER, BIBKEY, RELATED), (Input(MODE),),
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
        Chunked(
            urls.BROWSE_DATA, NEWEST, (CARD,), (Input(MODE),),  # the browser's cards: what lists show
            lambda slug: outputs.browse_record_js(view.browse_record(slug)), outputs.BROWSE_LIST,
        ),
    )  # fmt: skip
    search = SearchIndex(own=(PAPER,), site=(Input(TOPICS),), document=view.search_document)
    return Plan(view, assets, paper_pages, tuple(pages), chunked, search)


def _topic_titles(view: SiteView) -> dict[str, str]:
    """Each topic's title by its id (every page reads TOPICS already), and the unclassified
    papers' (`unclassified`: "Unclassified"), which search.html filters by as All papers does."""
    titles = {ref.id: ref.title for ref in view.topic_refs().values()}
    return {**titles, UNCLASSIFIED_TOPIC.id: UNCLASSIFIED_TOPIC.title}
