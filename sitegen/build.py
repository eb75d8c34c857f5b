"""`sitegen build`: load the library, derive, render every page and swap the output in.

`build_site` is the reusable API (the dev server calls it); `run_build` is the command.
"""

from __future__ import annotations

import argparse
import gc
import os
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, overload

import jinja2
from markupsafe import Markup

from sitegen import outputs, render, urls
from sitegen.cache import (
    LAST_BUILD_FILE,
    STAMP,
    BlobStore,
    BuildState,
    FileStamp,
    OutputEntry,
    Pickled,
    UsedMapping,
    digest,
    pack,
    read_stamped,
    write_stamped,
)
from sitegen.config import LoadedConfig, load_config
from sitegen.derive import Derived, RelatedIndex, Words, derive, introduced_names, term_counts
from sitegen.errors import Problem, SitegenError, os_error
from sitegen.forks import Inbox, forked, shared_chunks, side_by_side
from sitegen.load import (
    SETTLE_NS,
    ContentPaths,
    PaperListing,
    display_path,
    is_editor_noise,
    load_library,
    load_paper,
    load_topic_list,
    paper_files,
    special_file_warning,
)
from sitegen.model import Library, Paper, Topic
from sitegen.paperfile import key_line, split
from sitegen.render import AttentionItem, LinkButton, PaperCard, PaperView, SiteInfo, TopicCard
from sitegen.topics import SlowRule, assign_topics, check_paper_topics
from sitegen.write import (
    ManifestOutput,
    OutputFiles,
    Patched,
    Tally,
    check_output_folder,
    output_files,
    recover_output,
    tidy,
    trusted_manifest,
)

if TYPE_CHECKING:  # the search module is imported where the index is made: often a forked process
    from sitegen.search import SearchBundle, SearchDocument

TEXT_CACHE_VERSION = 1  # bump when abstract rendering or word analysis changes
PHASES = ("read", "parse", "taxonomy", "related", "search index", "render", "write")
ASSETS_FOLDER = "static"  # in a templates folder: files copied to assets/ as they are
COMPILED_TEMPLATES = "templates"  # in the cache folder
SET_ASIDE = "replaced"  # in the cache folder: big output files the last build replaced, to delete
STATIC_ASSETS = {
    "static/style.css": urls.STYLE,
    "static/site.js": urls.SITE_JS,
    "static/favicon.svg": urls.FAVICON,
}
KEEP_MANIFESTS = 3  # output folders whose files a build knows (e.g. public and the dev server's)
PARALLEL_FROM = 400  # papers to process before a second process pays for itself
RENDER_CHUNK = 64  # paper pages a process claims at a time when two share them
DIGEST_CHUNK = 64  # paper files a process claims at a time when two share them
T = TypeVar("T")
U = TypeVar("U")
V = TypeVar("V")
DigestedPaper = tuple[str, FileStamp, bytes, str, tuple[bytes, dict[str, int]], tuple[str, ...]]
Page = tuple[str, str, Callable[[], "str | bytes | Patched"]]  # output path, digest of its inputs, its maker
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
    pages_rendered: int = 0  # output files rendered by this build (pages, feed, sitemap, data)
    pages_reused: int = 0  # output files left as they were: made from the same inputs as before
    timings: dict[str, float] = field(default_factory=dict)  # phase -> seconds in this process
    seconds: float = 0.0  # the build's wall-clock time (phases overlap with forked processes)
    warnings: tuple[Problem, ...] = ()
    state: BuildState | None = field(default=None, repr=False)  # pass to the next build_site
    nothing_changed: bool = False  # the inputs and output were as the last build left them: no work done

    @contextmanager
    def timing(self, phase: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[phase] = self.timings.get(phase, 0.0) + time.perf_counter() - start

    def summary(self) -> str:
        if self.nothing_changed:
            return (
                f"built {self.papers} papers, {self.topics} topics, {self.pages} pages into {self.out}: "
                f"nothing changed since the last build ({self.files_unchanged} files unchanged; "
                f"checked in {self.seconds:.2f}s)"
            )
        phases = ", ".join(f"{phase} {self.timings.get(phase, 0.0):.2f}s" for phase in PHASES)
        return (
            f"built {self.papers} papers, {self.topics} topics, {self.pages} pages into {self.out} "
            f"in {self.seconds:.2f}s ({phases}); {self.files_written} files written, "
            f"{self.files_unchanged} unchanged; {self.pages_rendered} rendered, {self.pages_reused} reused"
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
    loaded: LoadedConfig,
    out: Path,
    *,
    strict: bool = False,
    use_cache: bool = True,
    state: BuildState | None = None,
    published: Callable[[frozenset[str] | None], None] | None = None,
) -> BuildReport:
    """Build the whole site into `out`; raise SitegenError (leaving `out` untouched) on any problem.

    The build is incremental, and its output always the same as a build from nothing: parsed
    papers, topics, abstracts, related papers and the search index are reused when their inputs'
    digests are unchanged, a page is rendered only when the digest of its view data or of the
    templates changed, and a file is written only when its bytes changed. What it reuses comes
    from `state` (returned as `report.state`; the dev server passes it back), else from the cache
    folder when `use_cache` (where the new state is saved), else from nothing.

    With `published` (the dev server's), a rebuild puts the paper pages in place first, then the
    lists and data files, then the search index, calling it each time with the output paths
    (None: the whole output, swapped in at once), so an edited page can reload before the slower
    parts are done. Without it, nothing is moved in until everything is rendered.
    """
    started = time.perf_counter()
    config = loaded.config
    check_output_folder(out, root=loaded.root, keep=_protected_folders(loaded))
    recover_output(out)  # where a build was killed between the two renames of the fallback switch
    looks = Looks.of(loaded.path(config.templates_dir) if config.templates_dir else None, loaded)
    listing = _paper_listing(loaded)  # scanned once: for the no-change check and the build
    # Files that cannot be papers or templates (a named pipe, a looping link) are skipped, with a warning.
    warnings = (*loaded.warnings, *(listing.skipped if listing else ()), *looks.skipped)
    report = BuildReport(out=out.resolve(), warnings=warnings)
    if strict and warnings:
        raise SitegenError.many(warnings, "warnings are errors with --strict")
    cache_dir = loaded.path(config.cache_dir) if use_cache else None
    with (
        _no_full_collections(),
        _output_scan(out, listing, _set_aside(cache_dir)) as output,  # the output's files, listed meanwhile
    ):
        fresh = state is None and cache_dir is not None  # in a new process: maybe nothing changed
        inputs = _inputs_fingerprint(loaded, looks.digest, out, listing) if fresh else None
        if inputs is None or not _unchanged_since_last_build(loaded, inputs, out, output, report):
            if state is None:
                state = BuildState.load(cache_dir) if cache_dir else BuildState()
            try:
                _build(loaded, looks, listing, out, output, state, report, published, inputs, cache_dir)
            except SlowRule as exc:  # name the pattern's line in topics.yaml
                topics = ContentPaths.of(loaded).topics
                raise exc.located(topics, display_path(topics, loaded)) from None
    report.seconds = time.perf_counter() - started
    return report


@contextmanager
def _no_full_collections() -> Iterator[None]:
    """Hold off the cyclic collector's full passes during a build: each walks every object the
    build holds to find next to nothing (what a build makes is freed by reference counting, and
    its few cycles are young, which the younger generations' passes still collect). At 10,000
    papers, a cold build made 8 such passes, ~0.65 s of the main process's time."""
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], 1 << 30)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


@dataclass(frozen=True)
class Looks:
    """The templates and static files a build renders with."""

    folder: Path | None  # the user's templates
    fingerprint: str  # digest of every template
    assets: dict[str, bytes]  # the static files, by output path
    digest: str  # of the templates and the static files
    skipped: tuple[Problem, ...] = ()  # what the user's folder holds that cannot be a template

    @classmethod
    def of(cls, folder: Path | None, loaded: LoadedConfig | None = None) -> Looks:
        files, skipped = _user_template_files(folder, loaded)
        fingerprint, assets = _templates_fingerprint(folder, files, loaded), _assets(folder, files, loaded)
        return cls(folder, fingerprint, assets, f"{fingerprint} {_assets_digest(assets)}", skipped)


def _build(
    loaded: LoadedConfig,
    looks: Looks,
    listing: PaperListing | None,
    out: Path,
    output: Callable[[], OutputFiles | None],
    state: BuildState,
    report: BuildReport,
    published: Callable[[frozenset[str] | None], None] | None,
    inputs: str | None,
    cache_dir: Path | None,
) -> None:
    """The build proper, once `_unchanged_since_last_build` could not skip it; the new state
    is saved in `cache_dir`, when given."""
    env = render.make_environment(looks.folder, cache_dir / COMPILED_TEMPLATES if cache_dir else None)
    before = (dict(state.files), dict(state.outputs))
    read = cache_first(partial(_read_library, loaded, state, listing, report))
    previous = trusted_manifest(state.outputs.get(str(report.out), {}), output())
    count = loaded.config.related_count
    with _related_papers(read, count, len(listing or state.files), state, report) as related:
        library, text_keys = read()
        papers = library.papers
        rules = _rules_digest(library.topics)
        last = _last_site(state, rules)
        file_keys = {
            slug: state.files[path].key for slug, path in zip(papers.slugs, papers.paths, strict=True)
        }
        changed = [slug for slug, key in file_keys.items() if last is None or last.keys.file.get(slug) != key]
        # Unchanged papers passed these checks under the same topics; with the same templates too.
        checked = changed if last is not None and last.looks == looks.digest else papers.slugs
        _check_library(library, map(papers.by_slug.__getitem__, checked), env, loaded.root)
        report.papers, report.topics = len(papers), len(library.topics)
        site = _derive_site(library, text_keys, file_keys, rules, changed, last, state, report)
        site.records_of = lambda: state.records  # read only if many records must be joined
        site.find_related = related  # asked for once the first page needs them

        early: list[Pickled] = []

        def meanwhile() -> None:  # the pages are written; the search index may still be in the making
            state.keep_latest("site", site.made_of(str(report.out), looks))
            if cache_dir:
                early.append(state.pickled_early())

        new_output = ManifestOutput(out, previous, _set_aside(cache_dir))
        search = _write_site(site, env, looks, new_output, state, report, published, meanwhile)
        report.search_documents = len(library.papers)
        report.search_index_bytes = search.index_bytes
        report.search_index_gzip_bytes = search.index_gzip_bytes
        state.fresh_words = {}  # counted for the related papers, which have them now
        state.prune(drop_unused=site.last is None)  # a build that looked at few papers used few entries
        state.changed = state.changed or before != (state.files, state.outputs)
        report.state = state
        if cache_dir:  # while a forked process may still be saving the related-papers index
            try:
                state.save(cache_dir, *early)
                manifest = state.outputs[str(report.out)]
                unchanged = LastBuild(inputs, str(report.out), manifest, _counts(report))
                write_stamped(cache_dir / LAST_BUILD_FILE, unchanged if inputs is not None else None)
            except OSError as exc:  # the site is in place; the next build works from an older cache
                raise os_error(exc, "write the cache", exc.filename or cache_dir) from None
    if cache_dir:
        state.remember(cache_dir)  # the forked process is done: the files are as this state says


@dataclass(frozen=True)
class LastBuild:
    """Enough to tell, cheaply, that a rebuild would change nothing, and to report as it would."""

    inputs: str | None  # digest of every input's stamp; None: some input was too fresh to trust
    out: str
    manifest: dict[str, OutputEntry]
    counts: dict[str, int]


REPORTED_COUNTS = ("papers", "topics", "pages", "output_bytes", "search_documents", "search_index_bytes")


def _counts(report: BuildReport) -> dict[str, int]:
    counts = {name: getattr(report, name) for name in (*REPORTED_COUNTS, "search_index_gzip_bytes")}
    return {**counts, "pages_reused": report.pages_rendered + report.pages_reused}


def _paper_listing(loaded: LoadedConfig) -> PaperListing | None:
    """The papers folder's files with their stats; None when it cannot be read (loading says why)."""
    papers = ContentPaths.of(loaded).papers
    try:
        return paper_files(papers, display_path(papers, loaded))
    except OSError:
        return None


def _inputs_fingerprint(
    loaded: LoadedConfig, looks: str, out: Path, listing: PaperListing | None
) -> str | None:
    """A digest of what a build reads (config, topics, `looks`: the templates' and static files'
    digest, the paper files' stamps), or None when a paper file changed so recently that its
    stamp cannot be trusted."""
    if listing is None:
        return None
    try:
        topics = ContentPaths.of(loaded).topics.read_bytes()
    except OSError:
        return None
    stamps = [(name, status.st_mtime_ns, status.st_size) for name, status in listing]
    if any(mtime >= time.time_ns() - SETTLE_NS for _, mtime, _ in stamps):
        return None
    parts = (STAMP, repr(loaded.config), str(out.resolve()), looks, digest(topics), repr(stamps))
    return digest("\n".join(parts).encode("utf-8"))


def _unchanged_since_last_build(
    loaded: LoadedConfig,
    inputs: str,
    out: Path,
    output: Callable[[], OutputFiles | None],
    report: BuildReport,
) -> bool:
    """True (with the report filled in) when the last build had the same inputs and its output
    (`output()`: its files) is intact."""
    last = read_stamped(loaded.path(loaded.config.cache_dir) / LAST_BUILD_FILE)
    if not isinstance(last, LastBuild) or last.inputs != inputs or last.out != str(report.out):
        return False
    trusted = trusted_manifest(last.manifest, output())
    if (
        trusted is None
        or trusted.entries.keys() != last.manifest.keys()
        or trusted.present != last.manifest.keys()
    ):
        return False
    for name, value in last.counts.items():
        setattr(report, name, value)
    report.files_unchanged, report.nothing_changed = len(last.manifest), True
    return True


def _set_aside(cache_dir: Path | None) -> Path | None:
    return cache_dir / SET_ASIDE if cache_dir else None


@contextmanager
def _output_scan(
    out: Path, listing: PaperListing | None, set_aside: Path | None
) -> Iterator[Callable[[], OutputFiles | None]]:
    """The output folder's files, as a function: for a big library, listed in a forked process
    from now on (a stat call for each of ~10,000 files, while this process reads its cache),
    which then deletes the files the last build set aside and what killed builds left."""
    if listing is None or len(listing) < PARALLEL_FROM:
        tidy(out, set_aside)
        yield partial(output_files, out)
        return
    with forked(partial(output_files, out), then=partial(tidy, out, set_aside)) as listed:
        yield listed


def _prefetch_papers(loaded: LoadedConfig, state: BuildState, listing: PaperListing | None) -> None:
    """Parse, analyse and assign topics to the new or changed paper files, shared with a forked
    process: the slowest part of a cold build. The serial pass after it finds them cached."""
    paths = ContentPaths.of(loaded)
    if listing is None or not paths.topics.is_file():
        return  # the serial pass reports it
    folder = display_path(paths.papers, loaded)
    if len(state.files) >= PARALLEL_FROM:
        return  # a rebuild: few files are new, and the serial pass finds them cheaply
    todo = [
        (paths.papers / name, shown)
        for name, status in listing
        if not _known_unread(state, shown := os.path.join(folder, name), status)
    ]
    if len(todo) < PARALLEL_FROM:
        return
    topics = load_topic_list(loaded, state.topics)
    shared = shared_chunks(todo, DIGEST_CHUNK)

    def digest_shared() -> list[DigestedPaper]:
        return [digested for chunk in shared() for digested in _digest_papers(chunk, topics)]

    mine, theirs = side_by_side(digest_shared, digest_shared)
    rules = _rules_digest(topics)
    for shown, stamp, paper, text_key, analysed, topic_ids in mine + theirs:
        state.files[shown] = stamp
        state.papers.set_packed(stamp.key, paper)
        state.analysed.set_packed(text_key, analysed[0])
        state.fresh_words[text_key] = analysed[1]
        state.topics[f"{rules} {stamp.key}"] = topic_ids


def _known_unread(state: BuildState, shown: str, status: os.stat_result) -> bool:
    known = state.files.get(shown)
    if known is None or not known.settled or known.key not in state.papers.entries:
        return False
    return (known.mtime_ns, known.size) == (status.st_mtime_ns, status.st_size)


def _digest_papers(todo: Sequence[tuple[Path, str]], topics: tuple[Topic, ...]) -> list[DigestedPaper]:
    """Everything a build derives from each paper alone; files with problems are left to the serial pass."""
    done = []
    stamps: dict[str, FileStamp] = {}
    for path, shown in todo:
        try:
            paper = load_paper(path, shown, None, stamps)
        except SitegenError:
            continue
        text_key = _text_key(stamps[shown])
        abstract = pack(render.render_abstract(paper.abstract))  # as the stores keep them
        analysed = (abstract, term_counts(paper))
        done.append((shown, stamps[shown], pack(paper), text_key, analysed, assign_topics(paper, topics)))
    return done


LibraryTexts = tuple[Library, dict[str, str]]  # the library, and each paper's text key by slug


def _read_library(
    loaded: LoadedConfig, state: BuildState, listing: PaperListing | None, report: BuildReport
) -> LibraryTexts:
    """The library (each file's stamp brought up to date in `state`), and each paper's text key."""
    with report.timing("read"):
        _prefetch_papers(loaded, state, listing)
        library = load_library(loaded, state.papers, state.files, listing, state.topics)
    papers = library.papers
    state.files = {path: state.files[path] for path in papers.paths}
    return library, {
        slug: _text_key(state.files[path]) for slug, path in zip(papers.slugs, papers.paths, strict=True)
    }


def cache_first(make: Callable[[], T]) -> Callable[[], T]:
    """`make`, run on the first call only; later calls return what it returned then."""
    made: list[T] = []

    def first() -> T:
        if not made:
            made.append(make())
        return made[0]

    return first


def _rules_digest(topics: Sequence[Topic]) -> str:
    return digest(repr(tuple(topics)).encode("utf-8"))


def _text_key(stamp: FileStamp) -> str:
    return f"v{TEXT_CACHE_VERSION} {stamp.text}"


def _derive_site(
    library: Library,
    text_keys: dict[str, str],
    file_keys: dict[str, str],
    rules: str,
    changed: list[str],
    last: LastSite | None,
    state: BuildState,
    report: BuildReport,
) -> Site:
    """The view data: each paper's parts from the cache when its file is unchanged, and the
    listings (orders, topic groups, BibTeX keys) from the last build when no card changed.
    With `last` (what the last build was made of, under the same topics and templates), only
    the `changed` papers are looked at again: the others' parts are as they were."""
    papers, topics = library.papers, library.topics
    by_slug = papers.by_slug
    with report.timing("parse"):
        abstracts = state.analysed.made_all(
            text_keys, lambda slug: render.render_abstract(by_slug[slug].abstract)
        )
    with report.timing("taxonomy"):
        topics_of = _patched(
            last.topics_of if last else None,
            file_keys,
            state.topics.made_all(
                {slug: f"{rules} {file_keys[slug]}" for slug in changed},
                lambda slug: assign_topics(by_slug[slug], topics),
            ),
        )
        fresh = {slug: f"{file_keys[slug]} {topics_of[slug]}" for slug in changed}
        fresh_cards = {slug: _card_key(by_slug[slug], topics_of[slug]) for slug in changed}
        keys = PaperKeys(
            text=text_keys,
            file=file_keys,
            paper=_patched(last.keys.paper if last else None, file_keys, fresh),
            card=_patched(last.keys.card if last else None, file_keys, fresh_cards),
        )

        def listings() -> tuple[Derived, dict[str, str]]:
            return derive(papers, topics, lambda paper, _: topics_of[paper.slug]), outputs.bibtex_keys(papers)

        cards = digest("\n".join((rules, *keys.card.values())).encode("utf-8"))
        derived, bibtex_keys = state.made("listings", cards, listings)
    return Site(library, derived, abstracts, keys, bibtex_keys, rules, last)


def _last_site(state: BuildState, rules: str) -> LastSite | None:
    """What the last build was made of, when this one can work from it: the same topics and
    rules (`rules`, their digest), so that unchanged papers keep their topics."""
    last: LastSite | None = state.latest("site")
    if last is None or last.patches >= PATCHES_BETWEEN_FULL:
        return None
    return last if last.rules == rules else None


def _patched(last: dict[str, V] | None, order: dict[str, str], fresh: Mapping[str, V]) -> dict[str, V]:
    """The last build's values with the `fresh` ones of the changed papers, in the order of `order`."""
    if last is not None and last.keys() == order.keys():
        patched = dict(last)
        patched.update(fresh)  # each key keeps its place
        return patched
    return {slug: fresh[slug] if slug in fresh or last is None else last[slug] for slug in order}


def _card_key(paper: Paper, topic_ids: tuple[str, ...]) -> str:
    """A digest of all a paper's card shows, and all the listings order or group it by."""
    shown = (paper.slug, paper.title, paper.date, paper.date_inferred, paper.title_derived, topic_ids)
    return digest(repr(shown).encode("utf-8"))


@dataclass(frozen=True)
class PaperKeys:
    """Digests of what each part of a paper's view is made from, by slug."""

    text: dict[str, str]  # its title and abstract: its rendered abstract and words
    file: dict[str, str]  # its file's path and content
    paper: dict[str, str]  # its file and topics: its page and records
    card: dict[str, str]  # its card: the listings it is in (an abstract edit leaves them)


@dataclass(frozen=True)
class LastSite:
    """What a build's pages were made of, for the next build into the same output: it looks
    again only at the papers whose files changed, and a page whose parts are all as they were
    keeps its inputs digest from the output's manifest, not computed again."""

    folder: str  # the output, resolved
    rules: str  # digest of the topics and their rules
    looks: str  # digest of the templates and static files
    everything: str  # digest of what every page is made of (templates, site data)
    keys: PaperKeys
    topics_of: dict[str, tuple[str, ...]]
    bibtex_keys: dict[str, str]
    related: dict[str, tuple[str, ...]]
    newest_first: tuple[str, ...]
    chunk_sizes: dict[str, array[int]]  # data file -> the size of each paper's chunk, newest first
    patches: int  # builds since the last one that looked at every paper


PATCHES_BETWEEN_FULL = 100  # then a build looks at every paper again, and drops unused cache entries


def _words_of(
    paper_of: Callable[[str], Paper], text_keys: dict[str, str], state: BuildState, known: RelatedIndex | None
) -> Callable[[str], Words]:
    """A paper's words for similarity, asked for only where needed: counted this build, or kept
    by the related index (not in the state, whose size every build pays for), else counted now."""

    def words_of(slug: str) -> Words:
        key = text_keys[slug]
        words = state.fresh_words.get(key)
        if words is None and known is not None and known.texts.get(slug) == key:
            words = known.words[slug]
        return words if words is not None else term_counts(paper_of(slug))

    return words_of


@contextmanager
def _related_papers(
    read: Callable[[], LibraryTexts], count: int, papers: int, state: BuildState, report: BuildReport
) -> Iterator[Callable[[], dict[str, tuple[str, ...]]]]:
    """Each paper's related papers (`count` each), as a function the build calls once it needs
    them: the last build's when no text changed; else the last build's index updated; else made
    when asked for (after the search index is started, in a cold build). `read()` gives the
    library and each paper's text key; it is called here.

    In a big library whose index is on disk, a forked process started before the library is
    read updates it: reading and saving the index's ~1M weights costs more than the update, and
    the build goes on meanwhile (the saving, when due, even after the lists are handed over). It
    reads the index while this process reads the library, then is sent the text keys and the
    papers whose text changed since the index was saved: it need not read the library too."""

    def inputs(text_keys: dict[str, str]) -> str:
        return digest("\n".join((str(count), *text_keys, *text_keys.values())).encode("utf-8"))

    def find(text_keys: dict[str, str], paper_of: Callable[[str], Paper]) -> dict[str, tuple[str, ...]]:
        kept = state.result("related", inputs(text_keys))
        if kept is not None:
            return kept
        known = state.related_index()
        words_of = _words_of(paper_of, text_keys, state, known)
        if known is None:
            index = RelatedIndex.build(text_keys, words_of, count)
            state.keep_related_index(index, changed=True)
        else:
            texts = dict(known.texts)  # update() works in place
            index = known.update(text_keys, words_of, count)
            state.keep_related_index(index, changed=index is not known or index.texts != texts)
        return index.related

    def finish(found: Callable[[], dict[str, tuple[str, ...]]]) -> dict[str, tuple[str, ...]]:
        with report.timing("related"):
            related = found()
        state.keep("related", inputs(read()[1]), related)
        return related

    def paper_of(slug: str) -> Paper:
        return read()[0].papers.by_slug[slug]

    if papers < PARALLEL_FROM or not state.related_index_unread():
        read()
        state.keep_latest(BEHIND_THE_INDEX, frozenset())  # saved with the state, when it is
        yield partial(finish, lambda: find(read()[1], paper_of))
        return
    inbox, save = Inbox(), [True]

    def told_then_find() -> dict[str, tuple[str, ...]]:
        state.related_index()  # needs no library: read while the build reads it
        text_keys, fresh_papers, save[0] = inbox.receive()
        state.fresh_words.update({key: term_counts(paper) for key, paper in fresh_papers.items()})
        return find(text_keys, paper_of)  # paper_of reads the library here only if some words are missing

    def then_save() -> None:
        if save[0]:
            state.save_related_index()

    with forked(told_then_find, then=then_save, inbox=inbox) as found:
        library, text_keys = read()
        inbox.send((text_keys, *_behind_the_index(library, text_keys, state)))
        yield partial(finish, found)


RELATED_SAVE_AFTER = 8  # papers whose text changed since the related index was saved: saved again
BEHIND_THE_INDEX = "related-index-behind"  # state result: the slugs whose text changed since then


def _behind_the_index(
    library: Library, text_keys: dict[str, str], state: BuildState
) -> tuple[dict[str, Paper], bool]:
    """The papers whose text changed since the related index on disk was saved, by text key (the
    forked process counts their words), and whether the index is to be saved again (saving ~1M
    weights costs more than updating it for a few more papers next time). Unknown (no last
    build): no papers, and save."""
    last: LastSite | None = state.latest("site")
    if last is None:
        state.keep_latest(BEHIND_THE_INDEX, frozenset())
        return {}, True
    behind = {slug for slug, key in text_keys.items() if last.keys.text.get(slug) != key}
    behind |= state.latest(BEHIND_THE_INDEX) or frozenset()
    save = len(behind) >= RELATED_SAVE_AFTER
    state.keep_latest(BEHIND_THE_INDEX, frozenset() if save else frozenset(behind))
    if len(behind) >= PARALLEL_FROM:
        return {}, save  # too many to send: the forked process reads the library itself
    by_slug = library.papers.by_slug
    return {text_keys[slug]: by_slug[slug] for slug in behind if slug in text_keys}, save


ForkedWrites = tuple[Tally, dict[str, Any], set[str]]  # the files a forked process wrote; its store's news


@dataclass(frozen=True)
class SearchFiles:
    """The search index's files as a build wrote them, and the sizes the report shows."""

    paths: tuple[str, ...]
    index_bytes: int
    index_gzip_bytes: int


@contextmanager
def _search_index(
    site: Site, staged: ManifestOutput, assets: Mapping[str, bytes], state: BuildState, report: BuildReport
) -> Iterator[Callable[[], SearchFiles]]:
    """The search index's files, written into `staged`, as a function the build calls once its
    pages are in place: those the output holds as made from the same documents; else, in a big
    library, ones made and written by a forked process started now, while related papers are
    found and pages rendered (it hands back what it wrote, not the ~8 MB it wrote); else ones
    made when asked for."""
    inputs = site.search_inputs
    kept = state.result("search", inputs)
    if isinstance(kept, SearchFiles) and staged.reuse_all(kept.paths, inputs):
        yield lambda: kept
        return

    def write(store: BlobStore) -> SearchFiles:
        bundle = site.search_bundle(store)
        files = {path: data for path, data in bundle.files.items() if path not in assets}  # e.g. the user's
        for path, data in files.items():
            staged.write(path, data, inputs)
        return SearchFiles(tuple(files), bundle.index_bytes, bundle.index_gzip_bytes)

    def write_elsewhere(store: BlobStore) -> tuple[SearchFiles, ForkedWrites | None]:
        staged.start_tally()
        written = write(store)
        # What it read matters only to a build that drops what it did not read (~20,000 keys).
        used = store.used if site.last is None else set()
        return written, (staged.tally(), store.unsaved_entries(), used)

    def finish(made: Callable[[], tuple[SearchFiles, ForkedWrites | None]]) -> SearchFiles:
        with report.timing("search index"):
            written, elsewhere = made()
        if elsewhere is not None:  # what a forked process wrote, and set and read in its copy of the store
            tally, entries, used = elsewhere
            staged.add_tally(tally)
            state.search.absorb(entries, used)
        state.keep("search", inputs, written)
        return written

    if len(site.library.papers) < PARALLEL_FROM:
        yield partial(finish, lambda: (write(state.search), None))
        return
    store = state.search  # read here, once for both processes: this one takes in what the other adds
    with forked(partial(write_elsewhere, store)) as made:
        yield partial(finish, made)


def _user_template_files(
    folder: Path | None, loaded: LoadedConfig | None
) -> tuple[list[Path], tuple[Problem, ...]]:
    """The files of the user's templates folder (or links to files), and a warning for each
    thing there that cannot be a template (a named pipe, a link that leads nowhere): skipped, as
    the template loader skips them."""
    if folder is None or not folder.is_dir():
        return [], ()
    files, skipped = [], []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            files.append(path)
        else:
            problem = special_file_warning(path, _shown(path, loaded))
            if problem is not None:
                skipped.append(problem)
    return files, tuple(skipped)


def _shown(path: Path, loaded: LoadedConfig | None) -> str:
    return display_path(path, loaded) if loaded is not None else str(path)


def _read(path: Path, loaded: LoadedConfig | None) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise os_error(exc, "read the template", _shown(path, loaded)) from None


def _templates_fingerprint(
    user_templates: Path | None, user_files: list[Path], loaded: LoadedConfig | None = None
) -> str:
    """A digest of every template file (user's and built-in): any change re-renders every page.
    The static files beside them are not rendered, so they are left out."""
    parts = []
    built_in = render.default_templates()
    for folder, files in (
        (built_in, sorted(p for p in built_in.rglob("*") if p.is_file())),
        (user_templates, user_files),
    ):
        for path in files:
            if (
                folder is not None
                and not _is_bytecode(path)
                and path.relative_to(folder).parts[0] != ASSETS_FOLDER
            ):
                parts.append(f"{path}\0{digest(_read(path, loaded))}")
    return digest("\n".join(parts).encode("utf-8"))


def _assets(
    user_templates: Path | None, user_files: list[Path], loaded: LoadedConfig | None = None
) -> dict[str, bytes]:
    """The files copied to assets/: the built-in ones, and every file in the user's templates
    folder's static/ folder, which replaces the built-in file of the same name or adds one."""
    found = {
        target: (render.default_templates() / source).read_bytes() for source, target in STATIC_ASSETS.items()
    }
    folder = user_templates / ASSETS_FOLDER if user_templates is not None else None
    if folder is None:
        return found
    for path in user_files:
        if path.is_relative_to(folder) and not path.name.startswith(".") and not is_editor_noise(path):
            found[urls.ASSETS + path.relative_to(folder).as_posix()] = _read(path, loaded)
    if urls.SEARCH_INDEX in found:
        raise SitegenError(
            f"{folder / Path(urls.SEARCH_INDEX).name} would replace the search index the build makes",
            hint="rename or delete that file",
        )
    return found


def _assets_digest(assets: dict[str, bytes]) -> str:
    return digest(repr(sorted((path, digest(data)) for path, data in assets.items())).encode("utf-8"))


def _is_bytecode(path: Path) -> bool:
    return path.suffix == ".pyc" or "__pycache__" in path.parts


def _write_site(
    site: Site,
    env: jinja2.Environment,
    looks: Looks,
    output: ManifestOutput,
    state: BuildState,
    report: BuildReport,
    published: Callable[[frozenset[str] | None], None] | None,
    meanwhile: Callable[[], None],
) -> SearchFiles:
    """Render and write what changed into `output`: paper pages first, then the rest, then the
    search index (each put in place as it is done when `published` is given); `meanwhile()` is
    called once the pages are written, while the search index may still be in the making."""
    folder = str(output.out)
    with output as staged, _search_index(site, staged, looks.assets, state, report) as search:
        _write_pages(site, env, looks, staged, state, report, published)
        meanwhile()
        written = search()
        state.outputs.pop(folder, None)  # until the new output is in place
    state.outputs[folder] = staged.manifest
    for stale in list(state.outputs)[:-KEEP_MANIFESTS]:
        del state.outputs[stale]
    report.files_written, report.files_unchanged = staged.written, staged.unchanged
    report.output_bytes = staged.total_bytes
    if published is not None:
        published(staged.put_in_place)
    return written


def _write_pages(
    site: Site,
    env: jinja2.Environment,
    looks: Looks,
    staged: ManifestOutput,
    state: BuildState,
    report: BuildReport,
    published: Callable[[frozenset[str] | None], None] | None,
) -> None:
    """Render and write the pages and data files whose inputs changed."""
    info, everything = site.info(urls.SEARCH_INDEX), site.everything(looks.fingerprint)
    folder = str(staged.out)
    for path, data in looks.assets.items():
        staged.write(path, data)
    todo = []
    last_made = state.outputs.get(folder, {}) if site.last is not None and site.last.folder == folder else {}
    previous = staged.previous

    def last_output(path: str) -> Path | None:
        kept = previous is not None and path in previous.entries and last_made.get(path) is not None
        return staged.out / path if kept else None

    changes = site.changes(everything)
    # After an edit nearly every paper page is kept: in bulk, as a generator round for each costs ~0.1 s.
    unaffected = site.unaffected_pages(changes, last_made)
    kept = {slug for slug, path, inputs in unaffected if staged.reuse(path, inputs)}
    report.pages += len(kept)
    report.pages_reused += len(kept)
    for path, inputs, make in site.pages(env, info, everything, changes, kept, last_output):
        report.pages += path.endswith(".html")
        if staged.reuse(path, inputs):
            report.pages_reused += 1
        else:
            todo.append((path, inputs, make))
    report.pages_rendered = len(todo)
    if len(todo) >= PARALLEL_FROM:
        _render_in_two_processes(todo, staged, report)
    else:
        for group in (True, False):  # an edited paper's page is what its editor is looking at
            _render_pages([page for page in todo if urls.is_paper_file(page[0]) == group], staged, report)
            if published is not None:
                state.outputs.pop(folder, None)  # the output changes from here
                _publish(staged, published)


def _publish(staged: ManifestOutput, published: Callable[[frozenset[str] | None], None]) -> None:
    paths = staged.publish()
    if paths:
        published(paths)


def _render_pages(pages: Sequence[Page], staged: ManifestOutput, report: BuildReport) -> None:
    for path, inputs, make in pages:
        with report.timing("render"):
            made = make()
        with report.timing("write"):
            staged.write(path, made.encode("utf-8") if isinstance(made, str) else made, inputs)


def _render_in_two_processes(todo: list[Page], staged: ManifestOutput, report: BuildReport) -> None:
    """Paper pages shared out in chunks between this process and a forked one, which claim the
    next chunk as they get to it; this one renders the lists and data files first."""
    shared = shared_chunks([page for page in todo if urls.is_paper_file(page[0])], RENDER_CHUNK)

    def render_shared(report: BuildReport) -> None:
        for chunk in shared():
            _render_pages(chunk, staged, report)

    def here() -> None:
        _render_pages([page for page in todo if not urls.is_paper_file(page[0])], staged, report)
        render_shared(report)

    def elsewhere() -> Tally:
        staged.start_tally()
        render_shared(BuildReport(staged.out))
        return staged.tally()

    staged.add_tally(side_by_side(here, elsewhere)[1])


def _protected_folders(loaded: LoadedConfig) -> tuple[Path, ...]:
    config = loaded.config
    folders = [
        config.content_dir,
        config.cache_dir,
        *([config.templates_dir] if config.templates_dir else []),
    ]
    return tuple(loaded.path(folder) for folder in folders)


def _check_library(library: Library, papers: Iterable[Paper], env: jinja2.Environment, root: Path) -> None:
    """Every problem `papers` have that stops a build, reported together."""
    problems: list[Problem] = []
    for paper in papers:
        pins = paper.topics or paper.topics_add or paper.topics_remove
        if pins and check_paper_topics(paper, library.topics):
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


class Site:
    """The per-build view data, computed once; `pages()` yields each output file."""

    def __init__(
        self,
        library: Library,
        derived: Derived,
        abstracts: Mapping[str, render.Abstract],
        keys: PaperKeys,
        bibtex_keys: dict[str, str],
        rules: str,
        last: LastSite | None,
    ) -> None:
        self.library, self.derived = library, derived
        self.keys, self.rules, self.last = keys, rules, last
        self.find_related: Callable[[], dict[str, tuple[str, ...]]] = dict
        self.chunk_sizes: dict[str, array[int]] = {}  # data file -> the size of each paper's chunk
        self.records_of: Callable[[], UsedMapping] = UsedMapping  # papers.json records, BibTeX entries
        self.text_keys = keys.text
        self.paper_keys = keys.paper
        self.card_keys = keys.card  # digests, as each page's inputs hold the cards of several papers
        self.config = library.config
        self.abstracts = abstracts
        self.by_slug = library.papers.by_slug
        self.bibtex_keys = bibtex_keys
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
        self.cards = _Cards(lambda slug: self._card(self.by_slug[slug]))

    def _card(self, paper: Paper) -> PaperCard:
        topics = tuple(
            self.topic_cards[t] for t in self.derived.topics_of[paper.slug] if t in self.topic_cards
        )
        return PaperCard(
            paper.slug, paper.title, urls.paper_page(paper.slug), paper.date,
            paper.date_inferred, paper.title_derived, topics,
        )  # fmt: skip

    @cached_property
    def related(self) -> dict[str, tuple[str, ...]]:
        """Each paper's related papers (found meanwhile, maybe by another process)."""
        return self.find_related()

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
        )

    def address(self, slug: str) -> str:
        return urls.absolute(self.config.base_url, urls.paper_page(slug))

    def search_bundle(self, cache: UsedMapping) -> SearchBundle:
        """The search files; each document's key kept in `cache` under what the document is
        made of, so that only the shards holding changed papers need their documents made."""
        from sitegen.search import build_search_bundle, document_key  # in the process that needs it

        slugs = self.library.papers.slugs
        made_of = {slug: f"search-document {self.rules} {self.paper_keys[slug]}" for slug in slugs}
        made = cache.made_values(made_of, lambda slug: document_key(self.search_document(slug)).encode())
        keys, documents = [key.decode() for key in made], _Documents(self.search_document, slugs)
        # Only a build that drops unused entries (see `_build`) needs unchanged shards' terms marked used.
        return build_search_bundle(documents, cache=cache, keys=keys, mark_used=self.last is None)

    def search_document(self, slug: str) -> SearchDocument:
        from sitegen.search import SearchDocument

        paper, topics = self.by_slug[slug], self.derived.topics_of[slug]
        return SearchDocument(
            url=urls.paper_page(slug),
            title=paper.title,
            text=self.abstracts[slug].text,
            topics=tuple(self.topic_cards[topic].title for topic in topics if topic in self.topic_cards),
            date=paper.date.isoformat() if paper.date else "",
            names=introduced_names(paper),
        )

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

    def card_inputs(self, slugs: Iterable[str]) -> str:
        return "\n".join([self.card_keys[slug] for slug in slugs])

    def paper_inputs(self, slugs: Iterable[str]) -> str:
        return "\n".join([self.paper_keys[slug] for slug in slugs])

    @cached_property
    def search_inputs(self) -> str:
        topics = repr([(topic.id, topic.title) for topic in self.library.topics])
        return digest((topics + self.paper_inputs(self.by_slug)).encode("utf-8"))

    def pages(
        self,
        env: jinja2.Environment,
        info: SiteInfo,
        everything: str,
        changes: Changes | None,
        kept: set[str],
        last_output: Callable[[str], Path | None],
    ) -> Iterator[Page]:
        """Each output file but the pages of the papers in `kept`: its path, a digest of all it is
        made from, and how to make it. (`changes`: as `self.changes(everything)` found them;
        `last_output(path)`: a file as the build that `self.last` describes left it, when it is still so.)"""
        derived, cards = self.derived, self.ordered_cards

        def inputs(*parts: str) -> str:
            return digest("\n".join((everything, *parts)).encode("utf-8"))

        recent = derived.newest_first[: self.config.recent_count]
        topics = tuple(self.topic_cards.values())
        topic_inputs = repr(topics)
        yield (
            urls.HOME,
            inputs(topic_inputs, self.card_inputs(recent)),
            lambda: render.render_home(env, info, topics, cards(recent)),
        )
        yield (
            urls.ALL_PAPERS,
            inputs(topic_inputs, self.card_inputs(derived.newest_first), repr(derived.years)),
            lambda: render.render_all_papers(env, info, topics, cards(derived.newest_first), derived.years),
        )
        yield urls.TOPICS, inputs(topic_inputs), lambda: render.render_topics(env, info, topics)
        for topic in self.library.topics:
            members = derived.papers_in[topic.id]
            made_of = inputs(topic.id, self.card_inputs(members), repr(derived.cooccurring[topic.id]))
            yield urls.topic_file(topic.id), made_of, partial(self.topic_page, env, info, topic.id)
        for slug in self.library.papers.slugs:
            if slug not in kept:
                related = self.card_inputs(self.related[slug])
                made_of = inputs(self.paper_keys[slug], self.bibtex_keys[slug], related)
                yield urls.paper_file(slug), made_of, partial(self.paper_page, env, info, slug)
        attention = [a.slug for a in derived.attention]
        yield urls.ATTENTION, inputs(self.card_inputs(attention)), partial(self.attention_page, env, info)
        yield urls.SEARCH, inputs(), lambda: render.render_search(env, info)
        yield urls.NOT_FOUND, inputs(), lambda: render.render_not_found(env, info)
        yield from self.data_files(inputs, changes, last_output)

    def changes(self, everything: str) -> Changes | None:
        """What changed, paper by paper, since the last build, when every page is made as it made
        them (None: all may have changed)."""
        last = self.last
        if last is None or last.everything != everything:
            return None
        papers = {slug for slug, key in self.paper_keys.items() if last.keys.paper.get(slug) != key}
        bibtex_keys, related = self.bibtex_keys, self.related
        return Changes(
            papers=papers,
            cards={slug for slug in papers if last.keys.card.get(slug) != self.card_keys[slug]},
            bibtex_keys=set()
            if bibtex_keys == last.bibtex_keys
            else {slug for slug, key in bibtex_keys.items() if last.bibtex_keys.get(slug) != key},
            related=set()
            if related == last.related
            else {slug for slug, found in related.items() if last.related.get(slug) != found},
        )

    def unaffected_pages(
        self, changes: Changes | None, last_made: dict[str, OutputEntry]
    ) -> Iterator[tuple[str, str, str]]:
        """Slug, page and inputs of each paper whose page the last build made of what it is made of
        now (`last_made`: the output's manifest, as that build left it)."""
        for slug in self.unaffected_papers(changes):
            path = urls.paper_file(slug)
            known = last_made.get(path)
            if known is not None:
                yield slug, path, known.inputs

    def unaffected_papers(self, changes: Changes | None) -> set[str]:
        """The papers whose page is made of what it was made of in the last build: their file,
        BibTeX key and related papers' cards are as they were."""
        if changes is None:
            return set()
        affected = changes.papers | changes.bibtex_keys | changes.related
        if changes.cards:
            affected.update(
                slug for slug, found in self.related.items() if not changes.cards.isdisjoint(found)
            )
        return self.keys.file.keys() - affected

    def everything(self, templates: str) -> str:
        """A digest of what every page is made of: the templates and the site's own data."""
        info = self.info(urls.SEARCH_INDEX)
        return digest(repr((templates, info, self.config, TEXT_CACHE_VERSION)).encode("utf-8"))

    def made_of(self, folder: str, looks: Looks) -> LastSite:
        """What this build's pages were made of, for the next build into `folder`."""
        patches = self.last.patches + 1 if self.last is not None else 0
        topics_of, related = self.derived.topics_of, self.related
        kept = self.last.chunk_sizes if self.last is not None and self.last.folder == folder else {}
        return LastSite(
            folder, self.rules, looks.digest, self.everything(looks.fingerprint), self.keys, topics_of,
            self.bibtex_keys, related, self.derived.newest_first, {**kept, **self.chunk_sizes}, patches,
        )  # fmt: skip

    def topic_page(self, env: jinja2.Environment, info: SiteInfo, topic_id: str) -> str:
        cooccurring = [
            (self.topic_cards[t], n) for t, n in self.derived.cooccurring[topic_id] if t in self.topic_cards
        ]
        members = self.ordered_cards(self.derived.papers_in[topic_id])
        return render.render_topic(env, info, self.topic_cards[topic_id], members, cooccurring)

    def paper_page(self, env: jinja2.Environment, info: SiteInfo, slug: str) -> str:
        return render.render_paper(env, info, self.paper_view(self.by_slug[slug]))

    def attention_page(self, env: jinja2.Environment, info: SiteInfo) -> str:
        attention = [
            AttentionItem(self.cards[a.slug], self.by_slug[a.slug].path, a.reasons)
            for a in self.derived.attention
        ]
        return render.render_attention(env, info, attention)

    def data_files(
        self, inputs: Callable[..., str], changes: Changes | None, last_output: Callable[[str], Path | None]
    ) -> Iterator[Page]:
        """The feed, sitemap, BibTeX and JSON files, each with the inputs of what it shows: an
        abstract edit leaves the sitemap as it was, and the feed unless the paper is in it."""
        newest_first = self.derived.newest_first
        # Undated papers come last: the feed's papers are among the first FEED_SIZE.
        in_feed = [slug for slug in newest_first[: outputs.FEED_SIZE] if self.by_slug[slug].date is not None]
        feed = [self.by_slug[slug] for slug in in_feed]
        yield (
            urls.FEED,
            inputs(self.paper_inputs(in_feed)),
            lambda: outputs.atom_feed(self.config, feed, self.summaries(in_feed)),
        )
        yield (
            urls.SITEMAP,
            inputs(repr(list(self.topic_cards)), *newest_first),
            lambda: outputs.sitemap(self.config.base_url, self.page_addresses(newest_first)),
        )
        every_paper = inputs(
            self.paper_inputs(newest_first),
            "\n".join(map(self.bibtex_keys.__getitem__, newest_first)),
            "\n".join(map(" ".join, map(self.related.__getitem__, newest_first))),
        )
        json_changes = changes.papers | changes.bibtex_keys | changes.related if changes else None
        bib_changes = changes.papers | changes.bibtex_keys if changes else None
        yield urls.BIBTEX, every_paper, partial(self.list_file, urls.BIBTEX, bib_changes, last_output)
        yield urls.JSON, every_paper, partial(self.list_file, urls.JSON, json_changes, last_output)

    def summaries(self, slugs: Iterable[str]) -> dict[str, str]:
        return {slug: self.abstracts[slug].text for slug in slugs}

    def page_addresses(self, newest_first: Sequence[str]) -> list[str]:
        pages = [urls.HOME, urls.ALL_PAPERS, urls.TOPICS]
        pages += [card.url for card in self.topic_cards.values()]
        return pages + [urls.paper_page(slug) for slug in newest_first]

    def list_file(
        self, path: str, changes: set[str] | None, last_output: Callable[[str], Path | None]
    ) -> bytes | Patched:
        """papers.json or papers.bib: each paper's chunk kept from the last build when made from
        the same inputs; when few changed, the last build's file with those chunks replaced."""
        layout, chunk_inputs, make = self._list_files[path]
        slugs, last = self.derived.newest_first, self.last
        same_order = last is not None and changes is not None and last.newest_first == slugs
        sizes = last.chunk_sizes.get(path) if last is not None and same_order else None
        old = last_output(path) if sizes is not None else None
        if sizes is not None and old is not None and changes is not None:
            # Made, not looked up: the few new chunks are not worth reading the records store.
            new = {number: make(slug) for number, slug in enumerate(slugs) if slug in changes}
            patched = layout.patched(old, sizes, new)
            if patched is not None:
                self.chunk_sizes[path] = array("q", sizes)
                for number, chunk in new.items():
                    self.chunk_sizes[path][number] = len(chunk)
                return patched
        chunks = self.records_of().made_values(dict(zip(slugs, chunk_inputs(slugs), strict=True)), make)
        self.chunk_sizes[path] = array("q", map(len, chunks))
        return layout.joined(chunks)

    @cached_property
    def _list_files(
        self,
    ) -> dict[str, tuple[outputs.ListFile, Callable[[Iterable[str]], Iterator[str]], Callable[[str], bytes]]]:
        return {
            urls.BIBTEX: (outputs.BIBTEX_LIST, self._bibtex_inputs, self._bibtex_entry),
            urls.JSON: (outputs.JSON_LIST, self._record_inputs, self._record_json),
        }

    def _bibtex_inputs(self, slugs: Iterable[str]) -> Iterator[str]:
        slugs = list(slugs)
        return map(
            f"bib {{}} {{}} {self.config.base_url}".format,
            map(self.paper_keys.__getitem__, slugs),
            map(self.bibtex_keys.__getitem__, slugs),
        )

    def _record_inputs(self, slugs: Iterable[str]) -> Iterator[str]:
        slugs = list(slugs)
        return map(
            "{} {} {}".format,
            map(self.paper_keys.__getitem__, slugs),
            map(" ".join, map(self.related.__getitem__, slugs)),
            map(self.bibtex_keys.__getitem__, slugs),
        )

    def _bibtex_entry(self, slug: str) -> bytes:
        entry = outputs.bibtex_entry(self.by_slug[slug], self.bibtex_keys[slug], self.address(slug))
        return entry.encode("utf-8")

    def _record_json(self, slug: str) -> bytes:
        topics, related = self.derived.topics_of[slug], self.related[slug]
        record = outputs.paper_record(self.by_slug[slug], topics, related, self.bibtex_keys[slug])
        return outputs.record_json(record)


@dataclass(frozen=True)
class Changes:
    """The papers whose parts changed since the last build, by part."""

    papers: set[str]  # their file or topics
    cards: set[str]
    bibtex_keys: set[str]
    related: set[str]  # their list of related papers


class _Documents(Sequence["SearchDocument"]):
    """The search documents of `slugs`, each made when used."""

    def __init__(self, make: Callable[[str], SearchDocument], slugs: Sequence[str]) -> None:
        self._make, self._slugs = make, slugs

    @overload
    def __getitem__(self, index: int) -> SearchDocument: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[SearchDocument]: ...

    def __getitem__(self, index: int | slice) -> SearchDocument | Sequence[SearchDocument]:
        if isinstance(index, slice):
            return _Documents(self._make, self._slugs[index])
        return self._make(self._slugs[index])

    def __len__(self) -> int:
        return len(self._slugs)


class _Cards(dict[str, PaperCard]):
    """Each paper's card, made when first shown: a rebuild may show a few of 10,000."""

    def __init__(self, make: Callable[[str], PaperCard]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, slug: str) -> PaperCard:
        card = self[slug] = self._make(slug)
        return card
