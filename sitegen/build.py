"""`sitegen build`: load the library, derive, render every page and swap the output in.

`build_site` is the reusable API (the dev server calls it); `run_build` is the command.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup

from sitegen import outputs, render, urls
from sitegen.cache import ParsedCache, digest
from sitegen.config import LoadedConfig, load_config
from sitegen.derive import Derived, derive, introduced_names, related_papers, term_counts
from sitegen.errors import Problem, SitegenError
from sitegen.load import load_library
from sitegen.model import Library, Paper
from sitegen.paperfile import key_line, split
from sitegen.render import AttentionItem, LinkButton, PaperCard, PaperView, SiteInfo, TopicCard
from sitegen.search import SearchDocument, build_search_bundle
from sitegen.topics import assign_topics, check_paper_topics
from sitegen.write import StagedOutput, check_output_folder

PARSED_CACHE = "parsed-papers.pickle"
TEXT_CACHE = "analysed-abstracts.pickle"
TEXT_CACHE_VERSION = 1  # bump when abstract rendering or word analysis changes
PHASES = ("read", "parse", "taxonomy", "related", "search index", "render", "write")
STATIC_ASSETS = {
    "static/style.css": urls.STYLE,
    "static/site.js": urls.SITE_JS,
    "static/favicon.svg": urls.FAVICON,
}
LINK_LABELS = {"code": "Code", "project": "Project page", "data": "Data", "model": "Model", "paper": "Paper"}


@dataclass
class BuildReport:
    out: Path
    papers: int = 0
    topics: int = 0
    pages: int = 0
    files_written: int = 0
    files_unchanged: int = 0
    output_bytes: int = 0
    search_documents: int = 0
    search_index_bytes: int = 0
    search_index_gzip_bytes: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # phase -> seconds
    warnings: tuple[Problem, ...] = ()

    @contextmanager
    def timing(self, phase: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[phase] = self.timings.get(phase, 0.0) + time.perf_counter() - start

    def summary(self) -> str:
        phases = ", ".join(f"{phase} {self.timings.get(phase, 0.0):.2f}s" for phase in PHASES)
        total = sum(self.timings.values())
        return (
            f"built {self.papers} papers, {self.topics} topics, {self.pages} pages into {self.out} "
            f"in {total:.2f}s ({phases}); {self.files_written} files written, "
            f"{self.files_unchanged} unchanged"
        )

    def search_line(self) -> str:
        return (
            f"search index: {self.search_documents} documents, {self.search_index_bytes / 1024:.0f} KB "
            f"({self.search_index_gzip_bytes / 1024:.0f} KB gzip)"
        )


def run_build(args: argparse.Namespace) -> int:
    loaded = load_config(args.config)
    out = args.out if args.out is not None else loaded.path(loaded.config.output_dir)
    report = build_site(loaded, Path(out), strict=args.strict)
    for warning in report.warnings:
        print(f"warning: {warning}")
    print(report.summary())
    print(report.search_line())
    return 0


def build_site(
    loaded: LoadedConfig, out: Path, *, strict: bool = False, use_cache: bool = True
) -> BuildReport:
    """Build the whole site into `out`; raise SitegenError (leaving `out` untouched) on any problem.

    With `use_cache`, parsed paper files and analysed abstracts are kept in the cache folder
    between builds, keyed by their content, so a rebuild redoes only what changed.
    """
    config = loaded.config
    check_output_folder(out, root=loaded.root, keep=_protected_folders(loaded))
    report = BuildReport(out=out.resolve(), warnings=loaded.warnings)
    if strict and loaded.warnings:
        raise SitegenError.many(loaded.warnings, "warnings are errors with --strict")
    env = render.make_environment(loaded.path(config.templates_dir) if config.templates_dir else None)
    cache_dir = loaded.path(config.cache_dir)
    parsed = ParsedCache(cache_dir / PARSED_CACHE if use_cache else None)
    analysed = ParsedCache(cache_dir / TEXT_CACHE if use_cache else None)
    with report.timing("read"):
        library = load_library(loaded, parsed)
    _check_library(library, env, loaded.root)
    report.papers, report.topics = len(library.papers), len(library.topics)
    site = _derive_site(library, analysed, report)
    with report.timing("search index"):
        bundle = build_search_bundle(site.search_documents())
    report.search_documents = len(library.papers)
    report.search_index_bytes, report.search_index_gzip_bytes = bundle.index_bytes, bundle.index_gzip_bytes
    _write_site(site, env, bundle.files, out, report)
    parsed.save()
    analysed.save()
    return report


def _derive_site(library: Library, analysed: ParsedCache, report: BuildReport) -> Site:
    with report.timing("parse"):
        texts = [_analyse(paper, analysed) for paper in library.papers]
    with report.timing("taxonomy"):
        derived = derive(library.papers, library.topics, assign_topics)
    with report.timing("related"):
        counts = [terms for _, terms in texts]
        related = related_papers(library.papers, library.config.related_count, counts)
    abstracts = {paper.slug: abstract for paper, (abstract, _) in zip(library.papers, texts, strict=True)}
    return Site(library, derived, related, abstracts)


def _analyse(paper: Paper, analysed: ParsedCache) -> tuple[render.Abstract, dict[str, int]]:
    """A paper's rendered abstract and its words for similarity, from the cache when unchanged."""
    content = (paper.title + "\0" + paper.abstract).encode("utf-8")
    key = f"v{TEXT_CACHE_VERSION} {digest(content)}"
    found = analysed.get(key)
    if found is None:
        found = (render.render_abstract(paper.abstract), term_counts(paper))
        analysed.put(key, found)
    return found


def _write_site(
    site: Site, env: jinja2.Environment, assets: dict[str, bytes], out: Path, report: BuildReport
) -> None:
    info = site.info(_search_index_file(assets))
    with StagedOutput(out) as staged:
        for path, data in assets.items():
            staged.write(path, data)
        for source, target in STATIC_ASSETS.items():
            staged.write(target, (render.default_templates() / source).read_bytes())
        pages = site.pages(env, info)
        while True:
            with report.timing("render"):
                path, text = next(pages, ("", ""))
            if not path:
                break
            with report.timing("write"):
                staged.write(path, text.encode("utf-8"))
            report.pages += path.endswith(".html")
    report.files_written, report.files_unchanged = staged.written, staged.unchanged
    report.output_bytes = staged.total_bytes


def _protected_folders(loaded: LoadedConfig) -> tuple[Path, ...]:
    config = loaded.config
    folders = [
        config.content_dir,
        config.cache_dir,
        *([config.templates_dir] if config.templates_dir else []),
    ]
    return tuple(loaded.path(folder) for folder in folders)


def _check_library(library: Library, env: jinja2.Environment, root: Path) -> None:
    """Every problem the content has that stops a build, reported together."""
    problems: list[Problem] = []
    for paper in library.papers:
        if check_paper_topics(paper, library.topics):
            problems += check_paper_topics(paper, library.topics, _front_matter(root, paper))
        if paper.template:
            try:
                env.get_template(paper.template)
            except jinja2.TemplateNotFound:
                problems.append(
                    Problem(
                        f"template {paper.template!r} does not exist",
                        paper.path,
                        key_line(_front_matter(root, paper) or "", "template"),
                        "template",
                        "put it in your templates folder (paths.templates in site.yaml), or delete the key",
                    )
                )
            except jinja2.TemplateError as exc:
                raise render.template_error(exc, paper.template) from None
    if problems:
        raise SitegenError.many(problems, f"{len(problems)} problem(s) in the content; nothing was built")


def _front_matter(root: Path, paper: Paper) -> str | None:
    """A paper file's front matter, re-read only to name the line of a problem."""
    try:
        return split((root / paper.path).read_text(encoding="utf-8"), paper.path)[0]
    except (OSError, SitegenError):
        return None


def _search_index_file(files: dict[str, bytes]) -> str:
    names = sorted(name for name in files if name.startswith("assets/search-index"))
    return names[0] if names else "assets/search-index.js"


class Site:
    """The per-build view data, computed once; `pages()` yields each output file."""

    def __init__(
        self,
        library: Library,
        derived: Derived,
        related: dict[str, tuple[str, ...]],
        abstracts: dict[str, render.Abstract],
    ) -> None:
        self.library, self.derived, self.related = library, derived, related
        self.config = library.config
        self.abstracts = abstracts
        self.summaries = {slug: abstract.text for slug, abstract in abstracts.items()}
        self.by_slug = {paper.slug: paper for paper in library.papers}
        self.bibtex_keys = outputs.bibtex_keys(library.papers)
        self.topic_cards = {
            topic.id: TopicCard(
                topic.id,
                topic.title,
                topic.description,
                urls.topic_page(topic.id),
                len(derived.papers_in[topic.id]),
            )
            for topic in library.topics
        }
        self.cards = {paper.slug: self._card(paper) for paper in library.papers}

    def _card(self, paper: Paper) -> PaperCard:
        topics = tuple(
            self.topic_cards[t] for t in self.derived.topics_of[paper.slug] if t in self.topic_cards
        )
        return PaperCard(
            paper.slug, paper.title, urls.paper_page(paper.slug), paper.date,
            paper.date_inferred, paper.title_derived, topics,
        )  # fmt: skip

    def info(self, search_index: str) -> SiteInfo:
        return SiteInfo(
            title=self.config.title,
            description=self.config.description,
            author=self.config.author,
            language=self.config.language,
            base_path=urls.site_path(self.config.base_url),
            paper_count=len(self.library.papers),
            topic_count=len(self.library.topics),
            attention_count=len(self.derived.attention),
            search_index=search_index,
            topics=tuple(self.topic_cards.values()),
        )

    def address(self, slug: str) -> str:
        return urls.absolute(self.config.base_url, urls.paper_page(slug))

    def search_documents(self) -> list[SearchDocument]:
        return [
            SearchDocument(
                url=urls.paper_page(paper.slug),
                title=paper.title,
                text=self.summaries[paper.slug],
                topics=tuple(card.title for card in self.cards[paper.slug].topics),
                date=paper.date.isoformat() if paper.date else "",
                names=introduced_names(paper),
            )
            for paper in self.library.papers
        ]

    def paper_view(self, paper: Paper) -> PaperView:
        links = tuple(
            LinkButton(
                link.label or LINK_LABELS.get(link.kind, "Link"),
                urls.external_href(link.url),
                link.url,
                urls.is_safe_link(link.url),
            )
            for link in paper.links
        )
        return PaperView(
            paper=paper,
            card=self.cards[paper.slug],
            abstract_html=Markup(self.abstracts[paper.slug].html),
            links=links,
            bibtex=outputs.bibtex_entry(paper, self.bibtex_keys[paper.slug], self.address(paper.slug)),
            citation=outputs.text_citation(paper, self.config.title, self.address(paper.slug)),
            related=tuple(self.cards[slug] for slug in self.related.get(paper.slug, ())),
            file=paper.path,
        )

    def ordered_cards(self, slugs: tuple[str, ...]) -> list[PaperCard]:
        return [self.cards[slug] for slug in slugs]

    def pages(self, env: jinja2.Environment, info: SiteInfo) -> Iterator[tuple[str, str]]:
        derived, cards = self.derived, self.ordered_cards
        yield (
            urls.HOME,
            render.render_home(env, info, cards(derived.newest_first[: self.config.recent_count])),
        )
        yield urls.ALL_PAPERS, render.render_all_papers(env, info, cards(derived.newest_first), derived.years)
        yield urls.TOPICS, render.render_topics(env, info)
        for topic in self.library.topics:
            cooccurring = [
                (self.topic_cards[t], n) for t, n in derived.cooccurring[topic.id] if t in self.topic_cards
            ]
            yield (
                urls.topic_file(topic.id),
                render.render_topic(
                    env, info, self.topic_cards[topic.id], cards(derived.papers_in[topic.id]), cooccurring
                ),
            )
        for paper in self.library.papers:
            yield urls.paper_file(paper.slug), render.render_paper(env, info, self.paper_view(paper))
        attention = [
            AttentionItem(self.cards[a.slug], self.by_slug[a.slug].path, a.reasons) for a in derived.attention
        ]
        yield urls.ATTENTION, render.render_attention(env, info, attention)
        yield urls.SEARCH, render.render_search(env, info)
        yield urls.NOT_FOUND, render.render_not_found(env, info)
        yield from self.data_files()

    def data_files(self) -> Iterator[tuple[str, str]]:
        newest = [self.by_slug[slug] for slug in self.derived.newest_first]
        yield urls.FEED, outputs.atom_feed(self.config, newest, self.summaries)
        pages = [urls.HOME, urls.ALL_PAPERS, urls.TOPICS]
        pages += [card.url for card in self.topic_cards.values()]
        pages += [urls.paper_page(paper.slug) for paper in newest]
        yield urls.SITEMAP, outputs.sitemap(self.config.base_url, pages)
        keys, address = self.bibtex_keys, self.address
        yield urls.BIBTEX, "\n".join(outputs.bibtex_entry(p, keys[p.slug], address(p.slug)) for p in newest)
        records = [
            outputs.paper_record(p, self.derived.topics_of[p.slug], self.related[p.slug], keys[p.slug])
            for p in newest
        ]
        yield urls.JSON, outputs.papers_json(records)
