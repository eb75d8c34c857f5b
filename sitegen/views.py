"""The view model: what the pages and data files show, made from the library and the derived data.

Every output is made from a `SiteView`, and only through its accessors (`paper`, `card`,
`related`, `listing`, ...): each accessor is one kind of input of the build plan (sitegen/plan.py),
so the plan can say what each output reads, and tests/test_plan.py records every accessor call
of every output to check that it says so. Nothing here reads files or keeps anything between
builds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import quote_plus

from markupsafe import Markup

from sitegen import charts, citations, names, outputs, stemmer, urls
from sitegen.abstracts import Abstract, KeptAbstract
from sitegen.charts import Chart
from sitegen.derive import NO_VALUE, Derived, YearCounts, introduced_names, people_of
from sitegen.model import Library, Paper, address_identifier, identified, page_span

LINK_LABELS = {"code": "Code", "project": "Project", "data": "Data", "model": "Model", "paper": "Paper"}
OG_DESCRIPTION_CHARS = 300


@dataclass(frozen=True)
class TopicRef:
    """A topic as a paper's card shows it: a chip linking to the topic's page."""

    id: str
    title: str
    url: str  # from the site root
    description: str = ""


@dataclass(frozen=True)
class TopicCard:
    """A topic as the topic listings show it, with its number of papers. The papers no topic has
    are shown as one more, `unclassified`, topic."""

    id: str
    title: str
    description: str
    url: str  # from the site root
    count: int
    unclassified: bool = False


@dataclass(frozen=True)
class Mode:
    """Whom the site is made for: the editor (the attention page, the importer's notes, the file
    to edit) or the reader (none of them)."""

    editor: bool


@dataclass(frozen=True)
class ListPage:
    """One page of a list of papers that is shown a page at a time."""

    list: str  # the list's name: NEWEST, "topic:ID" or UNCLASSIFIED
    number: int  # from 1
    pages: int  # how many pages the list has (1 when it is empty)
    total: int  # how many papers the list has
    size: int  # how many papers a page shows
    start: int  # the place in the list of this page's first paper, from 1
    slugs: tuple[str, ...]  # the papers on this page
    first: str  # the path of the list's first page; the others are `folder`2.html, ...
    folder: str

    @property
    def path(self) -> str:
        """This page's output file."""
        return urls.list_page_file(self.first, self.folder, self.number)

    def url(self, number: int) -> str:
        """The address of page `number` of the list, from the site root."""
        return urls.link_to(urls.list_page_file(self.first, self.folder, number))


# A venue or author facet shows its most frequent values at first; the others are reached by
# showing more, or by typing in the facet's own filter box (site.js).
FACET_TOP = 10


@dataclass(frozen=True)
class FacetValue:
    """A value of a facet of the All papers page, with its number of papers."""

    value: str  # as the browser's data gives it (NO_VALUE for none)
    label: str
    count: int


@dataclass(frozen=True)
class ValueFacet:
    """A facet of many values (venues, authors): the most frequent with their numbers of papers,
    and how many values there are in all."""

    top: tuple[FacetValue, ...]  # most papers first, then by name
    total: int
    none: str  # the label of NO_VALUE ("No venue")
    named: int  # how many values are names (not NO_VALUE): with none, the facet is not shown


@dataclass(frozen=True)
class Facets:
    """What the All papers browser's filters start from: the topics with their counts, the
    number of papers of each year (the undated ones last), and the most frequent venues and
    authors."""

    topics: tuple[TopicCard, ...]
    years: YearCounts  # newest first, then the undated papers
    venues: ValueFacet
    authors: ValueFacet


@dataclass(frozen=True)
class HomeCharts:
    """The home page's charts: every paper by year, and each topic's, on the same years and scale."""

    papers: Chart
    topics: dict[str, Chart]  # by topic id


class PaperCard:
    """What a listing shows of a paper: its slug, address and topics, and any field of the paper.

    The names of the fields read through a card are recorded in `shown` (shared by every card of
    a build): a card's digest covers those fields only, so that an edit to a field no listing
    shows (the abstract, say) leaves the listings alone, whatever the templates show. A reading
    list's cards also hold the opening of the abstract (`snippet`, an input of its own).
    """

    __slots__ = ("_facts", "_paper", "_people", "_rendered", "_shown", "slug", "snippet", "topics", "url")

    def __init__(
        self, paper: Paper, topics: tuple[TopicRef, ...], shown: set[str], snippet: str | None = None
    ) -> None:
        self.slug, self.url, self.topics = paper.slug, urls.paper_page(paper.slug), topics
        self._paper, self._shown, self.snippet = paper, shown, snippet
        self._facts: tuple[str, bool, str | None] | None = None
        self._people: tuple[str, ...] | None = None
        self._rendered: dict[tuple[Any, ...], Any] | None = None

    def rendered(self, how: tuple[Any, ...], render: Callable[[], Any]) -> Any:
        """`render()`, the card as a template shows it `how` (e.g. its root and options), made once
        a build: a paper is the related paper of ~8 others, and in a list or two besides."""
        if self._rendered is None:
            self._rendered = {}
        made = self._rendered.get(how)
        if made is None:
            made = self._rendered[how] = render()
        return made

    def __getattr__(self, name: str) -> Any:  # called for what is not a slot: the paper's fields
        value = getattr(self._paper, name)
        self._shown.add(name)
        return value

    @property
    def byline(self) -> str:
        """Who wrote it, in a few words: the authors' family names ("Lovelace et al." past three),
        else the organisation, else how many authors there are."""
        return self._made_facts()[0]

    @property
    def has_code(self) -> bool:
        return self._made_facts()[1]

    @property
    def code_url(self) -> str | None:
        """The first link to the paper's code that may be followed, as an href."""
        return self._made_facts()[2]

    @property
    def people(self) -> tuple[str, ...]:
        """Who wrote it, every name as a page shows it ("Alan Turing" for "Turing, Alan"; the
        organisation when no author is named): the author facet's values. Names are not merged
        further: "A. Turing" and "Alan Turing" stay two values."""
        if self._people is None:
            self._shown.update(("authors", "organization"))
            self._people = people_of(self._paper)
        return self._people

    def topics_but(self, topic_id: str | None) -> tuple[TopicRef, ...]:
        """The card's topics but one (a topic's own page does not repeat it on every card)."""
        if topic_id is None:  # every card but a topic page's
            return self.topics
        return tuple([topic for topic in self.topics if topic.id != topic_id])

    def _made_facts(self) -> tuple[str, bool, str | None]:
        """What the card works out from its paper's fields, once (a card is on many pages)."""
        if self._facts is None:
            self._shown.update(("authors", "organization", "authors_count", "links"))
            paper = self._paper
            code = [link.url for link in paper.links if link.kind == "code"]
            safe = next((urls.external_href(url) for url in code if urls.is_safe_link(url)), None)
            self._facts = (byline(paper), bool(code), safe)
        return self._facts

    def with_snippet(self, snippet: str) -> PaperCard:
        card = PaperCard(self._paper, self.topics, self._shown, snippet)
        card._facts, card._people = self._facts, self._people
        return card

    def __repr__(self) -> str:
        return f"PaperCard({self.slug!r})"


@dataclass(frozen=True)
class LinkButton:
    """A link a paper page shows as a button (or as text, when it is not a safe address)."""

    label: str
    href: str  # the url, percent-encoded where it holds characters an address may not
    url: str  # as the paper file gives it, for display
    safe: bool  # False: shown as text, never as a link


@dataclass(frozen=True)
class PaperView:
    """Everything a paper's page shows of it, ready for the template."""

    paper: Paper
    card: PaperCard
    abstract_html: Markup
    links: tuple[LinkButton, ...]  # arXiv, DOI, PDF, the paper's page, then code, project...
    find_links: tuple[LinkButton, ...]  # searches by title, when nothing links to the paper itself
    authors: tuple[str, ...]  # as the page shows them ("Alan Turing")
    bibtex: str
    reference: str  # APA style
    meta: tuple[tuple[str, str], ...]  # Highwire Press `citation_*` tags: (name, content)
    open_graph: tuple[tuple[str, str], ...]  # (property, content)
    address: str  # the page's public address
    related: tuple[PaperCard, ...]
    file: str  # the content file an editor changes
    editors: tuple[str, ...] = ()  # of the book or proceedings it is in, as the page shows them
    more_authors: bool = False  # the list names only some of the authors (`others`): "et al."
    more_editors: bool = False  # the same of the editors
    venue_label: str = "Venue"  # what the venue is to this kind of paper: "University" to a thesis
    no_topic: tuple[TopicRef, ...] = ()  # a paper with no topic: the page of such papers, to link to

    @property
    def description(self) -> str:
        """The page's description (its `<meta name="description">`): the opening of the abstract,
        as its Open Graph description gives it; the title when it has no abstract."""
        return next(
            (content for name, content in self.open_graph if name == "og:description"), self.paper.title
        )

    @property
    def citation(self) -> str:
        """The formatted reference, by the name templates written before it was APA-style."""
        return self.reference


@dataclass(frozen=True)
class AttentionItem:
    """A paper on the editor's "Needs attention" page, and why it is there."""

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
    topic_count: int
    search_index: str  # the search index file, from the site root
    # How many papers the site has, asked for when shown (`paper_count`): it changes whenever a
    # paper is added or deleted, and only the pages that show it read it (plan.PAPER_COUNT).
    counted: Callable[[], int] = field(repr=False, compare=False)

    @property
    def paper_count(self) -> int:
        return self.counted()


@dataclass(frozen=True)
class SiteData:
    """What the derive stage found: each paper's topics and the listings, BibTeX keys, abstracts
    and related papers. `abstracts` and `related` may be computed as they are first asked for
    (related papers may still be in the making elsewhere when the first pages are rendered)."""

    listings: Derived  # topics of each paper, the orders, topic groups, years, attention
    bibtex_keys: Mapping[str, str]
    abstracts: Mapping[str, KeptAbstract]
    related: Callable[[], Mapping[str, tuple[str, ...]]]


# The lists `SiteView.listing` gives, by name; "topic:ID" and "cooccurring:ID" are per topic, and
# "years:LIST" counts the papers of a list of papers (NEWEST, "topic:ID", UNCLASSIFIED) by year.
NEWEST, RECENT, ATTENTION, FEED = "newest", "recent", "attention", "feed"
BY_FILE = "by file"  # every paper, in the order of their files' names
VENUES, PEOPLE = "venues", "people"  # the facets' values, each with how many papers have it
UNCLASSIFIED = "unclassified"  # the papers with no topic
# How many papers a page of a list shows: All papers is compact (a line or two a paper), a
# topic's reading list shows the opening of each abstract.
PAGE_SIZES = {NEWEST: 50}
READING_LIST_PAGE = 30
SNIPPET_LENGTH = 280  # characters of the abstract a reading list shows (two lines on a wide screen)


def topic_list(topic_id: str) -> str:
    """The name of a topic's list of papers (the unclassified papers' for UNCLASSIFIED)."""
    return UNCLASSIFIED if topic_id == urls.UNCLASSIFIED else f"topic:{topic_id}"


def years_of(name: str) -> str:
    """The name of the year counts of a list of papers."""
    return f"years:{name}"


def page_size(name: str) -> int:
    return PAGE_SIZES.get(name, READING_LIST_PAGE)


def page_count(papers: int, name: str) -> int:
    return max(1, -(-papers // page_size(name)))


class SiteView:
    """The one way outputs read the site. Accessors come in the plan's input kinds:
    `paper`/`paper_as_written`/`abstract`/`abstract_text`/`topics_of` (a paper), `card`, `snippet`,
    `related`, `bibtex_key`, `listing`, `list_page`, `topic_refs` (the topics), `topic_cards` (their
    counts too), `info`, `mode` and `config`."""

    def __init__(self, library: Library, data: SiteData, card_fields: set[str]) -> None:
        self.library, self.data = library, data
        self.card_fields = card_fields  # the fields read through cards (recorded as they are)
        self._by_slug = library.papers.by_slug
        self._cards: dict[str, PaperCard] = {}
        self._list_pages: dict[tuple[str, int], ListPage] = {}  # the plan, its inputs and its page ask
        self._bibtex: dict[str, str] = {}
        self._identified: dict[str, Paper] = {}
        self._texts: dict[str, str] = {}

    def let_go_of_what_pages_read(self, *, but_texts: bool = False) -> None:
        """Forget what was kept once made for the pages (asked for again, it is made again); but
        the abstracts' texts when `but_texts` (mostly each paper's own string: little to keep,
        and each read again from the cache costs a read and an unpickling)."""
        self._cards, self._bibtex, self._identified = {}, {}, {}
        if not but_texts:
            self._texts = {}

    # --- the accessors: each is one kind of input (sitegen/plan.py) ---

    def paper(self, slug: str) -> Paper:
        """The paper as the site shows and cites it: its identifiers derived from its addresses
        too (model.identified), once a build rather than in each of the dozen places that show
        them."""
        found = self._identified.get(slug)
        if found is None:
            found = self._identified[slug] = identified(self._by_slug[slug])
        return found

    def paper_as_written(self, slug: str) -> Paper:
        """The paper as its file gives it (papers.json's record: the front matter's fields)."""
        return self._by_slug[slug]

    def abstract(self, slug: str) -> Abstract:
        """Both forms of the paper's abstract (for its page), unpickled from the cache at each call."""
        return self.data.abstracts[slug].with_markdown(self._by_slug[slug].abstract)

    def abstract_text(self, slug: str) -> str:
        """The abstract as plain text (snippets, citations, search, the feed), once a build: most
        are the paper's Markdown as written, so that holding them costs only this dict's slots."""
        text = self._texts.get(slug)
        if text is None:
            text = self._texts[slug] = self.abstract(slug).text
        return text

    def topics_of(self, slug: str) -> tuple[str, ...]:
        return self.data.listings.topics_of[slug]

    def card(self, slug: str) -> PaperCard:
        card = self._cards.get(slug)
        if card is None:
            refs = self.topic_refs()
            topics = tuple(refs[t] for t in self.data.listings.topics_of[slug] if t in refs)
            card = self._cards[slug] = PaperCard(self._by_slug[slug], topics, self.card_fields)
        return card

    def snippet(self, slug: str) -> str:
        """The opening of the paper's abstract, as plain text, cut at a word."""
        return snippet(self.abstract_text(slug), SNIPPET_LENGTH)

    def related(self, slug: str) -> tuple[str, ...]:
        return self._related.get(slug, ())

    def all_related(self) -> Mapping[str, tuple[str, ...]]:
        return self._related

    def bibtex_key(self, slug: str) -> str:
        return self.data.bibtex_keys[slug]

    def listing(self, name: str) -> tuple[Any, ...]:
        """A derived list by name (see NEWEST and the others above)."""
        data = self.data.listings
        kind, _, key = name.partition(":")
        if kind == "topic":
            return data.papers_in[key]
        if kind == "cooccurring":
            return data.cooccurring[key]
        if kind == "years":  # of a list of papers
            if key in (NEWEST, UNCLASSIFIED):
                return data.years if key == NEWEST else data.unclassified_years
            return data.years_in[key.partition(":")[2]]
        lists: dict[str, Callable[[], tuple[Any, ...]]] = {
            NEWEST: lambda: data.newest_first,
            BY_FILE: lambda: self.library.papers.slugs,
            RECENT: lambda: data.newest_first[: self.library.config.recent_count],
            UNCLASSIFIED: lambda: data.unclassified,
            ATTENTION: lambda: data.attention,
            FEED: self._feed,
            VENUES: lambda: data.venues,
            PEOPLE: lambda: data.people,
        }
        return lists[name]()

    def list_page(self, name: str, number: int) -> ListPage:
        """Page `number` of the list of papers `name` (NEWEST, "topic:ID" or UNCLASSIFIED)."""
        found = self._list_pages.get((name, number))
        if found is None:
            found = self._list_pages[name, number] = self._list_page(name, number)
        return found

    def _list_page(self, name: str, number: int) -> ListPage:
        slugs = self.listing(name)
        size = page_size(name)
        first, folder = _list_files(name)
        start = (number - 1) * size
        pages = page_count(len(slugs), name)
        shown = slugs[start : start + size]
        return ListPage(name, number, pages, len(slugs), size, start + 1, shown, first, folder)

    def file_of(self, slug: str) -> str:
        """The paper's content file, as the editor knows it (its slug decides it)."""
        return self._files[slug]

    def topic_refs(self) -> dict[str, TopicRef]:
        return self._topic_refs

    def topic_cards(self) -> tuple[TopicCard, ...]:
        return self._topic_cards

    def info(self) -> SiteInfo:
        return self._info

    def paper_count(self) -> int:
        return len(self.library.papers)

    def mode(self) -> Mode:
        return Mode(editor=self.library.config.editor)

    def config(self) -> Any:
        return self.library.config

    # --- made from the accessors ---

    def cards(self, slugs: Iterable[str]) -> list[PaperCard]:
        return [self.card(slug) for slug in slugs]

    def reading_cards(self, slugs: Iterable[str]) -> list[PaperCard]:
        """Cards that show the opening of each abstract too."""
        return [self.card(slug).with_snippet(self.snippet(slug)) for slug in slugs]

    def address(self, slug: str) -> str:
        return urls.absolute(self.config().base_url, urls.paper_page(slug))

    def paper_view(self, slug: str) -> PaperView:
        paper, card = self.paper(slug), self.card(slug)
        links = record_links(paper)
        address = self.address(slug)
        abstract = self.abstract(slug)
        return PaperView(
            paper=paper,
            card=card,
            abstract_html=Markup(abstract.html),
            links=links,
            find_links=() if _links_to_itself(paper) else find_links(paper.title),
            authors=tuple(names.display(name) for name in names.named(paper.authors)),
            more_authors=names.cut_short(paper.authors),
            bibtex=self.bibtex_entry(slug),
            reference=citations.apa_reference(paper),
            meta=highwire_meta(paper),
            open_graph=open_graph(paper, address, self.info().title, abstract.text),
            address=address,
            related=tuple(self.cards(self.related(slug))),
            file=paper.path,
            editors=tuple(names.display(name) for name in names.named(paper.editors)),
            more_editors=names.cut_short(paper.editors) and bool(names.named(paper.editors)),
            venue_label=venue_label(paper),
            no_topic=() if card.topics else (UNCLASSIFIED_TOPIC,),
        )

    def attention_items(self) -> list[AttentionItem]:
        return [
            AttentionItem(self.card(item.slug), self.file_of(item.slug), item.reasons)
            for item in self.listing(ATTENTION)
        ]

    def facets(self) -> Facets:
        years = self.listing(years_of(NEWEST))
        dated = tuple(reversed([item for item in years if item[0] is not None]))
        venues = Counter(dict(self.listing(VENUES)))  # counted by derive: no card is made
        authors = Counter(dict(self.listing(PEOPLE)))
        return Facets(
            self.topic_cards(),
            (*dated, *(item for item in years if item[0] is None)),
            value_facet(venues, "No venue"),
            value_facet(authors, "Unknown"),
        )

    def topic_chart(self, topic_id: str) -> Chart:
        title = self.list_topic(topic_id).title
        counts = self.listing(years_of(topic_list(topic_id)))
        return charts.papers_per_year(f"chart-{topic_id}", f"Papers per year: {title}", counts)

    def home_charts(self) -> HomeCharts:
        every = self.listing(years_of(NEWEST))
        counts = {card.id: (card, self.listing(years_of(topic_list(card.id)))) for card in self.topic_cards()}
        years = charts.year_range(every)
        scale = max((n for _, one in counts.values() for _, n in one), default=0)
        return HomeCharts(
            charts.papers_per_year("chart-papers", "Papers per year", every, years=years),
            {
                topic_id: charts.papers_per_year(
                    f"chart-{topic_id}",
                    f"{card.title}: papers per year",
                    one,
                    years=years,
                    scale=scale,
                    width=240,
                )
                for topic_id, (card, one) in counts.items()
            },
        )

    def list_topic(self, topic_id: str) -> TopicRef:
        """The topic a list of papers is of: a topic, or the papers with no topic."""
        return self.topic_refs().get(topic_id) or UNCLASSIFIED_TOPIC

    def cooccurring(self, topic_id: str) -> list[tuple[TopicRef, int]]:
        refs = self.topic_refs()
        return [(refs[t], n) for t, n in self.listing(f"cooccurring:{topic_id}") if t in refs]

    def bibtex_entry(self, slug: str) -> str:
        """The paper's entry, made once a build: papers.bib, its page and its topics' .bib show it."""
        entry = self._bibtex.get(slug)
        if entry is None:
            entry = self._bibtex[slug] = outputs.bibtex_entry(self.paper(slug), self.bibtex_key(slug))
        return entry

    def ris_record(self, slug: str) -> str:
        return citations.ris_record(self.paper(slug), self.bibtex_key(slug), self.abstract_text(slug))

    def csl_item(self, slug: str) -> dict[str, object]:
        return citations.csl_item(self.paper(slug), self.bibtex_key(slug), self.abstract_text(slug))

    def record(self, slug: str) -> dict[str, object]:
        """The paper's record in papers.json."""
        return outputs.paper_record(
            self.paper_as_written(slug),
            self.topics_of(slug),
            self.related(slug),
            self.bibtex_key(slug),
            editor=self.mode().editor,
        )

    def browse_record(self, slug: str) -> dict[str, object]:
        """The paper's entry in the All papers browser's data: what its card shows, and what the
        filters and sorts need, under short keys (empty values left out)."""
        card = self.card(slug)
        record: dict[str, object | None] = {
            "s": card.slug,
            "t": card.title,
            "d": card.date.isoformat() if card.date else None,
            "k": [topic.id for topic in card.topics] or None,
            "a": card.byline or None,
            "p": list(card.people) or None,  # the author facet's values
            "v": card.venue or None,
            "u": card.upvotes,
            "c": (card.code_url or 1) if card.has_code else None,  # 1: code, but no address to follow
        }
        if self.mode().editor:
            record.update(g=1 if card.title_derived else None, i=1 if card.date_inferred else None)
        return {key: value for key, value in record.items() if value is not None}

    def search_document(self, slug: str) -> Any:
        from sitegen.search import SearchDocument  # imported by the process that makes the index

        paper, refs = self.paper(slug), self.topic_refs()
        people = citations.creators(paper)
        return SearchDocument(
            url=urls.paper_page(slug),
            title=paper.title,
            text=self.abstract_text(slug),
            topics=tuple(refs[t].title for t in self.topics_of(slug) if t in refs),
            date=paper.date.isoformat() if paper.date else "",
            names=introduced_names(paper),
            authors=tuple(person.display() for person in people),
            venue=paper.venue or "",
            byline=" · ".join(
                filter(None, (names.short_people(people, more=names.cut_short(paper.authors)), paper.venue))
            ),
            ids=tuple(filter(None, (paper.doi, paper.arxiv))),  # its links' too (SiteView.paper)
        )

    def feed_papers(self) -> tuple[list[Paper], dict[str, str], dict[str, tuple[tuple[str, str], ...]]]:
        """The feed's papers, their abstracts and their topics ((id, title) pairs)."""
        slugs, refs = self.listing(FEED), self.topic_refs()
        topics = {
            slug: tuple((t, refs[t].title) for t in self.topics_of(slug) if t in refs) for slug in slugs
        }
        return (
            [self.paper(slug) for slug in slugs],
            {slug: self.abstract_text(slug) for slug in slugs},
            topics,
        )

    def page_addresses(self) -> list[str]:
        """Every page a reader may land on (the sitemap's): each list's pages in turn, then the
        papers' pages in the order of their files (so that a date edit leaves the sitemap alone)."""
        return self._list_addresses() + [urls.paper_page(slug) for slug in self.listing(BY_FILE)]

    def page_address_count(self) -> int:
        """How many `page_addresses` there are."""
        return len(self._list_addresses()) + self.paper_count()

    def _list_addresses(self) -> list[str]:
        lists = [(NEWEST, self.paper_count())]
        lists += [(topic_list(card.id), card.count) for card in self.topic_cards()]
        pages = [urls.HOME, urls.TOPICS]
        for name, count in lists:
            first, folder = _list_files(name)
            pages += [
                urls.link_to(urls.list_page_file(first, folder, n))
                for n in range(1, page_count(count, name) + 1)
            ]
        return pages

    # --- computed once ---

    @cached_property
    def _files(self) -> dict[str, str]:
        papers = self.library.papers
        return dict(zip(papers.slugs, papers.paths, strict=True))

    @cached_property
    def _related(self) -> Mapping[str, tuple[str, ...]]:
        return self.data.related()

    def _feed(self) -> tuple[str, ...]:
        # Undated papers come last: the feed's papers are among the first FEED_SIZE.
        first = self.data.listings.newest_first[: outputs.FEED_SIZE]
        return tuple(slug for slug in first if self._by_slug[slug].date is not None)

    @cached_property
    def _topic_refs(self) -> dict[str, TopicRef]:
        return {
            t.id: TopicRef(t.id, t.title, urls.topic_page(t.id), t.description) for t in self.library.topics
        }

    @cached_property
    def _topic_cards(self) -> tuple[TopicCard, ...]:
        members, unclassified = self.data.listings.papers_in, len(self.data.listings.unclassified)
        cards = [
            TopicCard(t.id, t.title, t.description, urls.topic_page(t.id), len(members[t.id]))
            for t in self.library.topics
        ]
        if unclassified:
            ref = UNCLASSIFIED_TOPIC
            cards.append(TopicCard(ref.id, ref.title, ref.description, ref.url, unclassified, True))
        return tuple(cards)

    @cached_property
    def _info(self) -> SiteInfo:
        config = self.library.config
        return SiteInfo(
            title=config.title,
            description=config.description,
            author=config.author,
            language=config.language,
            base_path=urls.site_path(config.base_url),
            topic_count=len(self.library.topics),
            search_index=urls.SEARCH_INDEX,
            counted=self.paper_count,
        )


# --- what a paper page shows of the paper's record ------------------------------------------------


def _button(label: str, url: str) -> LinkButton:
    return LinkButton(label, urls.external_href(url), url, urls.is_safe_link(url))


def record_links(paper: Paper) -> tuple[LinkButton, ...]:
    """The paper itself first (arXiv, DOI, PDF, its landing page), then the links of its
    abstract and record (code, project, data...), each address once (a link to the arXiv
    paper or DOI given first is not repeated). The paper as SiteView.paper gives it (identified)."""
    found: dict[str, LinkButton] = {}
    for label, url in (
        ("arXiv", citations.arxiv_url(paper.arxiv) if paper.arxiv else None),
        ("DOI", citations.doi_url(paper.doi) if paper.doi else None),
        ("PDF", paper.pdf),
        ("Paper", paper.url),
    ):
        if url:
            found.setdefault(url, _button(label, url))
    own = {("arxiv", paper.arxiv), ("doi", paper.doi)}
    for link in paper.links:
        if address_identifier(link.url) in own and "/pdf" not in link.url.lower():
            continue  # the arXiv or DOI button says it (a PDF's link stays one)
        found.setdefault(link.url, _button(link.label or LINK_LABELS.get(link.kind, "Link"), link.url))
    return tuple(found.values())


def _links_to_itself(paper: Paper) -> bool:
    return bool(paper.arxiv or paper.doi or paper.pdf or paper.url) or any(
        link.kind == "paper" for link in paper.links
    )


def find_links(title: str) -> tuple[LinkButton, ...]:
    """Searches for the paper by its title, for a paper with no address of its own."""
    query = quote_plus(" ".join(title.split()))
    return (
        _button("arXiv", f"https://arxiv.org/search/?query={query}&searchtype=title"),
        _button("Semantic Scholar", f"https://www.semanticscholar.org/search?q={query}"),
    )


def venue_label(paper: Paper) -> str:
    """What the page calls the venue: a thesis's is its university, a report's its institution,
    a book's its publisher (or its series, when the book names a publisher too), a chapter's
    the book it is in; a journal's, a proceedings' or an archive's, its venue."""
    kind = citations.paper_type(paper)
    if kind == "book":
        return "Series" if paper.publisher else "Publisher"
    if paper.publisher:  # a thesis's or report's publisher is named too: the venue is something else
        return "Book" if kind == "chapter" else "Venue"
    return {"thesis": "University", "report": "Institution", "chapter": "Book"}.get(kind, "Venue")


def highwire_meta(paper: Paper) -> tuple[tuple[str, str], ...]:
    """The `citation_*` meta tags Google Scholar and Zotero's connector read (of the paper as
    SiteView.paper gives it: identified)."""
    kind = citations.paper_type(paper)
    tags = [("citation_title", paper.title)]
    tags += [("citation_author", person.display()) for person in citations.cited_authors(paper)]
    if paper.date:
        tags.append(("citation_publication_date", paper.date.isoformat().replace("-", "/")))
    if paper.venue:
        venue_tag = {
            "conference": "citation_conference_title",
            "article": "citation_journal_title",
            "chapter": "citation_inbook_title",
        }
        if kind in venue_tag:
            tags.append((venue_tag[kind], paper.venue))
        elif kind != "preprint" and not citations.series_of_book(paper, kind):
            tags.append(("citation_publisher", paper.venue))
    if paper.publisher and not any(name == "citation_publisher" for name, _ in tags):
        tags.append(("citation_publisher", paper.publisher))
    for name, value in (("citation_volume", paper.volume), ("citation_issue", paper.issue)):
        if value:
            tags.append((name, value))
    if paper.pages:
        first, last = page_span(paper.pages)
        tags += [("citation_firstpage", first)] + ([("citation_lastpage", last)] if last else [])
    if paper.doi:
        tags.append(("citation_doi", paper.doi))
    if paper.arxiv:
        tags.append(("citation_arxiv_id", paper.arxiv))
    if paper.pdf:
        tags.append(("citation_pdf_url", paper.pdf))
    return tuple(tags)


def open_graph(paper: Paper, address: str, site_title: str, abstract: str) -> tuple[tuple[str, str], ...]:
    """Open Graph tags, for the preview a link to the page gets when shared."""
    # Only the opening is flattened (an abstract runs to ~1,500 characters): the flattened opening
    # begins the flattened whole, so past the limit it cuts the same; short of it, the whole is.
    description = " ".join(abstract[: 2 * OG_DESCRIPTION_CHARS].split())
    if len(description) <= OG_DESCRIPTION_CHARS:
        description = " ".join(abstract.split())
    if len(description) > OG_DESCRIPTION_CHARS:
        description = description[: OG_DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0] + "…"
    tags = [
        ("og:type", "article"),
        ("og:title", paper.title),
        ("og:url", address),
        ("og:site_name", site_title),
    ]
    if description:
        tags.append(("og:description", description))
    if paper.date:
        tags.append(("article:published_time", paper.date.isoformat()))
    tags += [("article:author", names.display(name)) for name in names.named(paper.authors)]
    return tuple(tags)


UNCLASSIFIED_TOPIC = TopicRef(
    urls.UNCLASSIFIED,
    urls.UNCLASSIFIED_TITLE,
    urls.topic_page(urls.UNCLASSIFIED),
    "Papers with no topic: no topic's rules reach them, or their files pin them to none or remove theirs.",
)


def byline(paper: Paper) -> str:
    """Who wrote a paper, in a few words, for its card."""
    if names.named(paper.authors):
        return names.short_list(paper.authors)
    if paper.organization:
        return paper.organization
    count = paper.authors_count
    return f"{count} author{'s' if count != 1 else ''}" if count else ""


def value_facet(counts: Counter[str], none_label: str) -> ValueFacet:
    """The FACET_TOP values with the most papers (then by name, as site.js orders them)."""
    labelled = [(value, none_label if value == NO_VALUE else value) for value in counts]
    labelled.sort(key=lambda item: (-counts[item[0]], fold(item[1]), item[1]))
    top = tuple(FacetValue(value, label, counts[value]) for value, label in labelled[:FACET_TOP])
    return ValueFacet(top, len(labelled), none_label, len(counts) - (NO_VALUE in counts))


def fold(text: str) -> str:
    """Case and accents aside, as site.js compares names (search's fold, lowercased)."""
    return stemmer.fold(text).lower()


def _list_files(name: str) -> tuple[str, str]:
    """The first page of a list of papers, and the folder of its further pages."""
    if name == NEWEST:
        return urls.ALL_PAPERS, urls.ALL_PAPERS_PAGES
    topic_id = urls.UNCLASSIFIED if name == UNCLASSIFIED else name.partition(":")[2]
    return urls.topic_file(topic_id), urls.topic_pages(topic_id)


def snippet(text: str, length: int) -> str:
    """The first `length` characters of `text` or so, on one line, cut after a word."""
    flat = " ".join(text[: length + 40].split())
    if len(flat) <= length and len(text) <= length + 40:
        return flat
    cut = flat[:length].rsplit(" ", 1)[0].rstrip(",;:.-–—(")
    return cut + "…"
