"""The view model: what the pages and data files show, made from the library and the derived data.

Every output is made from a `SiteView`, and only through its accessors (`paper`, `card`,
`related`, `listing`, ...): each accessor is one kind of input of the build plan (sitegen/plan.py),
so the plan can say what each output reads, and tests/test_plan.py records every accessor call
of every output to check that it says so. Nothing here reads files or keeps anything between
builds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import quote_plus

from markupsafe import Markup

from sitegen import citations, names, outputs, urls
from sitegen.abstracts import Abstract
from sitegen.derive import Derived, introduced_names
from sitegen.model import Library, Paper

LINK_LABELS = {"code": "Code", "project": "Project", "data": "Data", "model": "Model", "paper": "Paper"}
OG_DESCRIPTION_CHARS = 300


@dataclass(frozen=True)
class TopicRef:
    """A topic as a paper's card shows it: a chip linking to the topic's page."""

    id: str
    title: str
    url: str  # from the site root


@dataclass(frozen=True)
class TopicCard:
    """A topic as the topic listings show it, with its number of papers."""

    id: str
    title: str
    description: str
    url: str  # from the site root
    count: int


class PaperCard:
    """What a listing shows of a paper: its slug, address and topics, and any field of the paper.

    The names of the fields read through a card are recorded in `shown` (shared by every card of
    a build): a card's digest covers those fields only, so that an edit to a field no listing
    shows (the abstract, say) leaves the listings alone, whatever the templates show.
    """

    __slots__ = ("_paper", "_shown", "slug", "topics", "url")

    def __init__(self, paper: Paper, topics: tuple[TopicRef, ...], shown: set[str]) -> None:
        self.slug, self.url, self.topics = paper.slug, urls.paper_page(paper.slug), topics
        self._paper, self._shown = paper, shown

    def __getattr__(self, name: str) -> Any:  # called for what is not a slot: the paper's fields
        value = getattr(self._paper, name)
        self._shown.add(name)
        return value

    def __repr__(self) -> str:
        return f"PaperCard({self.slug!r})"


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

    @property
    def citation(self) -> str:
        """The formatted reference, by the name templates written before it was APA-style."""
        return self.reference


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


@dataclass(frozen=True)
class SiteData:
    """What the derive stage found: each paper's topics and the listings, BibTeX keys, abstracts
    and related papers. `abstracts` and `related` may be computed as they are first asked for
    (related papers may still be in the making elsewhere when the first pages are rendered)."""

    listings: Derived  # topics of each paper, the orders, topic groups, years, attention
    bibtex_keys: Mapping[str, str]
    abstracts: Mapping[str, Abstract]
    related: Callable[[], Mapping[str, tuple[str, ...]]]


# The lists `SiteView.listing` gives, by name; "topic:ID" and "cooccurring:ID" are per topic.
NEWEST, RECENT, YEARS, ATTENTION, FEED = "newest", "recent", "years", "attention", "feed"


class SiteView:
    """The one way outputs read the site. Accessors come in the plan's input kinds:
    `paper`/`abstract`/`topics_of` (a paper), `card`, `related`, `bibtex_key`, `listing`,
    `topic_refs` (the topics), `topic_cards` (their counts too), `info` and `config`."""

    def __init__(self, library: Library, data: SiteData, card_fields: set[str]) -> None:
        self.library, self.data = library, data
        self.card_fields = card_fields  # the fields read through cards (recorded as they are)
        self._by_slug = library.papers.by_slug
        self._cards: dict[str, PaperCard] = {}
        self._bibtex: dict[str, str] = {}

    # --- the accessors: each is one kind of input (sitegen/plan.py) ---

    def paper(self, slug: str) -> Paper:
        return self._by_slug[slug]

    def abstract(self, slug: str) -> Abstract:
        return self.data.abstracts[slug]

    def topics_of(self, slug: str) -> tuple[str, ...]:
        return self.data.listings.topics_of[slug]

    def card(self, slug: str) -> PaperCard:
        card = self._cards.get(slug)
        if card is None:
            refs = self.topic_refs()
            topics = tuple(refs[t] for t in self.data.listings.topics_of[slug] if t in refs)
            card = self._cards[slug] = PaperCard(self._by_slug[slug], topics, self.card_fields)
        return card

    def related(self, slug: str) -> tuple[str, ...]:
        return self._related.get(slug, ())

    def all_related(self) -> Mapping[str, tuple[str, ...]]:
        return self._related

    def bibtex_key(self, slug: str) -> str:
        return self.data.bibtex_keys[slug]

    def listing(self, name: str) -> tuple[Any, ...]:
        """A derived list by name (see NEWEST and the others above)."""
        data = self.data.listings
        kind, _, topic_id = name.partition(":")
        if kind == "topic":
            return data.papers_in[topic_id]
        if kind == "cooccurring":
            return data.cooccurring[topic_id]
        lists: dict[str, Callable[[], tuple[Any, ...]]] = {
            NEWEST: lambda: data.newest_first,
            RECENT: lambda: data.newest_first[: self.library.config.recent_count],
            YEARS: lambda: data.years,
            ATTENTION: lambda: data.attention,
            FEED: self._feed,
        }
        return lists[name]()

    def file_of(self, slug: str) -> str:
        """The paper's content file, as the editor knows it (its slug decides it)."""
        return self._files[slug]

    def topic_refs(self) -> dict[str, TopicRef]:
        return self._topic_refs

    def topic_cards(self) -> tuple[TopicCard, ...]:
        return self._topic_cards

    def info(self) -> SiteInfo:
        return self._info

    def config(self) -> Any:
        return self.library.config

    # --- made from the accessors ---

    def cards(self, slugs: Iterable[str]) -> list[PaperCard]:
        return [self.card(slug) for slug in slugs]

    def topic_card(self, topic_id: str) -> TopicCard:
        return next(card for card in self.topic_cards() if card.id == topic_id)

    def address(self, slug: str) -> str:
        return urls.absolute(self.config().base_url, urls.paper_page(slug))

    def paper_view(self, slug: str) -> PaperView:
        paper = self.paper(slug)
        links = record_links(paper)
        address = self.address(slug)
        abstract = self.abstract(slug).text
        return PaperView(
            paper=paper,
            card=self.card(slug),
            abstract_html=Markup(self.abstract(slug).html),
            links=links,
            find_links=() if _links_to_itself(paper) else find_links(paper.title),
            authors=tuple(names.display(name) for name in paper.authors),
            bibtex=self.bibtex_entry(slug),
            reference=citations.apa_reference(paper),
            meta=highwire_meta(paper),
            open_graph=open_graph(paper, address, self.info().title, abstract),
            address=address,
            related=tuple(self.cards(self.related(slug))),
            file=paper.path,
        )

    def attention_items(self) -> list[AttentionItem]:
        return [
            AttentionItem(self.card(item.slug), self.file_of(item.slug), item.reasons)
            for item in self.listing(ATTENTION)
        ]

    def cooccurring(self, topic_id: str) -> list[tuple[TopicCard, int]]:
        cards = {card.id: card for card in self.topic_cards()}
        return [(cards[t], n) for t, n in self.listing(f"cooccurring:{topic_id}") if t in cards]

    def bibtex_entry(self, slug: str) -> str:
        """The paper's entry, made once a build: papers.bib, its page and its topics' .bib show it."""
        entry = self._bibtex.get(slug)
        if entry is None:
            entry = self._bibtex[slug] = outputs.bibtex_entry(self.paper(slug), self.bibtex_key(slug))
        return entry

    def ris_record(self, slug: str) -> str:
        return citations.ris_record(self.paper(slug), self.bibtex_key(slug), self.abstract(slug).text)

    def csl_item(self, slug: str) -> dict[str, object]:
        return citations.csl_item(self.paper(slug), self.bibtex_key(slug), self.abstract(slug).text)

    def record(self, slug: str) -> dict[str, object]:
        """The paper's record in papers.json."""
        return outputs.paper_record(
            self.paper(slug), self.topics_of(slug), self.related(slug), self.bibtex_key(slug)
        )

    def search_document(self, slug: str) -> Any:
        from sitegen.search import SearchDocument  # imported by the process that makes the index

        paper, refs = self.paper(slug), self.topic_refs()
        people = citations.creators(paper)
        return SearchDocument(
            url=urls.paper_page(slug),
            title=paper.title,
            text=self.abstract(slug).text,
            topics=tuple(refs[t].title for t in self.topics_of(slug) if t in refs),
            date=paper.date.isoformat() if paper.date else "",
            names=introduced_names(paper),
            authors=tuple(person.display() for person in people),
            venue=paper.venue or "",
            byline=" · ".join(filter(None, (names.short_people(people), paper.venue))),
        )

    def feed_papers(self) -> tuple[list[Paper], dict[str, str]]:
        slugs = self.listing(FEED)
        return [self.paper(slug) for slug in slugs], {slug: self.abstract(slug).text for slug in slugs}

    def page_addresses(self) -> list[str]:
        pages = [urls.HOME, urls.ALL_PAPERS, urls.TOPICS, *(ref.url for ref in self.topic_refs().values())]
        return pages + [urls.paper_page(slug) for slug in self.listing(NEWEST)]

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
        return {t.id: TopicRef(t.id, t.title, urls.topic_page(t.id)) for t in self.library.topics}

    @cached_property
    def _topic_cards(self) -> tuple[TopicCard, ...]:
        members = self.data.listings.papers_in
        return tuple(
            TopicCard(t.id, t.title, t.description, urls.topic_page(t.id), len(members[t.id]))
            for t in self.library.topics
        )

    @cached_property
    def _info(self) -> SiteInfo:
        config = self.library.config
        return SiteInfo(
            title=config.title,
            description=config.description,
            author=config.author,
            language=config.language,
            base_path=urls.site_path(config.base_url),
            paper_count=len(self.library.papers),
            topic_count=len(self.library.topics),
            attention_count=len(self.data.listings.attention),
            search_index=urls.SEARCH_INDEX,
        )


# --- what a paper page shows of the paper's record ------------------------------------------------


def _button(label: str, url: str) -> LinkButton:
    return LinkButton(label, urls.external_href(url), url, urls.is_safe_link(url))


def record_links(paper: Paper) -> tuple[LinkButton, ...]:
    """The paper itself first (arXiv, DOI, PDF, its landing page), then the links of its
    abstract and record (code, project, data...), each address once."""
    found: dict[str, LinkButton] = {}
    for label, url in (
        ("arXiv", citations.arxiv_url(paper.arxiv) if paper.arxiv else None),
        ("DOI", citations.doi_url(paper.doi) if paper.doi else None),
        ("PDF", paper.pdf),
        ("Paper", paper.url),
    ):
        if url:
            found.setdefault(url, _button(label, url))
    for link in paper.links:
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


def highwire_meta(paper: Paper) -> tuple[tuple[str, str], ...]:
    """The `citation_*` meta tags Google Scholar and Zotero's connector read."""
    kind = citations.paper_type(paper)
    tags = [("citation_title", paper.title)]
    tags += [("citation_author", person.display()) for person in citations.creators(paper)]
    if paper.date:
        tags.append(("citation_publication_date", paper.date.isoformat().replace("-", "/")))
    if paper.venue:
        venue_tag = {"conference": "citation_conference_title", "article": "citation_journal_title"}
        if kind in venue_tag:
            tags.append((venue_tag[kind], paper.venue))
        elif kind != "preprint":
            tags.append(("citation_publisher", paper.venue))
    if paper.doi:
        tags.append(("citation_doi", paper.doi))
    if paper.arxiv:
        tags.append(("citation_arxiv_id", paper.arxiv))
    if paper.pdf:
        tags.append(("citation_pdf_url", paper.pdf))
    return tuple(tags)


def open_graph(paper: Paper, address: str, site_title: str, abstract: str) -> tuple[tuple[str, str], ...]:
    """Open Graph tags, for the preview a link to the page gets when shared."""
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
    tags += [("article:author", names.display(name)) for name in paper.authors]
    return tuple(tags)
