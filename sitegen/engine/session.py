"""One build's session with the engine: open the state, tell whether anything changed, read,
derive and make, and save what the next build works from."""

from __future__ import annotations

import os
import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, NamedTuple

from sitegen import schema
from sitegen.config import LoadedConfig
from sitegen.digests import DIGEST_BYTES, digest
from sitegen.engine.journal import Packed, Part, packed, unpacked
from sitegen.engine.looks import ROOT_FOLDER, Looks
from sitegen.engine.memory import no_full_collections
from sitegen.engine.parallel import first_call, forked
from sitegen.engine.reading import SETTLE_NS, content_digest, content_key
from sitegen.engine.report import BuildReport, counts
from sitegen.engine.store import (
    LAST_BUILD_FILE,
    STAMP,
    BuildState,
    OutputEntry,
    read_stamped,
    write_stamped,
)
from sitegen.engine.tuning import DEFAULT_TUNING, Tuning
from sitegen.errors import Problem, os_error
from sitegen.load import ContentPaths, PaperListing, display_path, paper_files, shown_prefix
from sitegen.model import Library, Paper
from sitegen.write import (
    MARKER,
    ManifestOutput,
    OutputFiles,
    delete_set_aside,
    output_files,
    spare_version,
    tidy,
    trusted_manifest,
)

if TYPE_CHECKING:
    import jinja2
    from typing_extensions import Self

    from sitegen.engine.inputs import Inputs, LastMade, PaperKeys
    from sitegen.engine.making import Making, Published
    from sitegen.plan import Plan
    from sitegen.views import SiteData

# The modules of the stages (and Jinja2 and Markdown, which they bring in) are imported where a
# stage runs, not above: a build that finds nothing changed runs none, and importing them would
# be ~80 ms of the ~0.35 s it takes at 10,000 papers.

COMPILED_TEMPLATES = "templates"  # in the cache folder
MOST_FRESH = 1_000  # paper files too fresh to trust by their stamps a no-change check reads again
SET_ASIDE = "replaced"  # in the cache folder: big output files the last build replaced, to delete


# What cards show with the built-in templates: a first guess, corrected by what they are read for.
def default_card_fields(editor: bool) -> tuple[str, ...]:
    return tuple(sorted(schema.shown_in(schema.CARD, editor=editor)))


@dataclass(frozen=True)
class LastBuild:
    """Enough to tell, cheaply, that a rebuild would change nothing, and to report as it would."""

    inputs: str | None  # digest of every input's stamp; None: too many inputs were too fresh to trust
    out: str
    # The output's manifest as the state's journal packs it: its named tuples pickled as plain
    # ones (~12 ms less to write at 10,000 papers, each build whose inputs had settled).
    manifest: Packed
    counts: dict[str, int]
    # The paper files too fresh to trust by their stamp when that build looked (modified less
    # than SETTLE_NS before: an edit in the same timestamp tick would not show), each with the
    # key of the content the build used: a rebuild with the same stamps reads these again, and
    # finds nothing changed if their bytes are as that build read them.
    fresh: dict[str, str] = field(default_factory=dict)
    # For a rebuild whose paper files were touched, not changed (saved as they were, checked out
    # again): `Fingerprint.shape` of that build, each paper file's mtime (an array "q" of the
    # listing's order) and the digest of the bytes the build used (DIGEST_BYTES each, in that
    # order; empty when one was not known).
    shape: str | None = None
    mtimes: bytes = b""
    digests: bytes = b""


class Fingerprint(NamedTuple):
    """The stamps of what a build reads, as the no-change check compares them."""

    inputs: str  # a digest of every input and every paper file's stamp
    shape: str  # the same without the paper files' mtimes: what a file touched, not changed, keeps
    mtimes: bytes  # each paper file's mtime, an array "q" in the listing's order
    fresh: tuple[str, ...]  # the paper files too fresh to trust by their stamps (as shown)


class Engine:
    """One build's machinery, used as a context manager around the build's stages."""

    def __init__(
        self,
        loaded: LoadedConfig,
        out: Path,
        looks: Looks,
        *,
        state: BuildState | None = None,
        use_cache: bool = True,
        published: Published | None = None,
        tuning: Tuning = DEFAULT_TUNING,
    ) -> None:
        self.loaded, self.looks, self.state, self.published = loaded, looks, state, published
        self.tuning = tuning
        self.out = out.resolve()
        config = loaded.config
        self.cache_dir = loaded.path(config.cache_dir) if use_cache else None
        self.listing: PaperListing | None = None  # the paper files with their stats (`__enter__`)
        self.report = BuildReport(out=self.out)
        self._stack = ExitStack()
        self._started = 0.0
        self._inputs: str | None = None
        self._found: Fingerprint | None = None
        self._fresh: tuple[str, ...] = ()  # the paper files too fresh to trust (LastBuild.fresh)
        self._last: LastMade | None = None
        self._keys: PaperKeys | None = None
        self._changed: list[str] = []
        self._checked_all = True
        self.card_fields: set[str] = set()
        self._card_fields_used: tuple[str, ...] = default_card_fields(loaded.config.editor)

    def __enter__(self) -> Self:
        self._started = time.perf_counter()
        self._stack.enter_context(no_full_collections())
        set_aside = self.cache_dir / SET_ASIDE if self.cache_dir else None
        listed = self.state.listed_outputs.pop(str(self.out), None) if self.state is not None else None
        # The output's files are listed (in a forked process, for a big library) while this one
        # lists the paper files: two folders of ~10,000 stat calls each at 10,000 papers.
        big = _holds_at_least(ContentPaths.of(self.loaded).papers, self.tuning.parallel_from)
        scan = _output_scan(self.out, big, set_aside, listed)
        self.output = self._stack.enter_context(scan)
        self.listing = _paper_listing(self.loaded)  # listed once: for the no-change check and the build
        # Files that cannot be papers or templates (a named pipe, a looping link) are skipped, with a
        # warning; so is a templates folder that is not there.
        missing = self.loaded.missing_templates()
        skipped = (*(self.listing.skipped if self.listing else ()), *self.looks.skipped)
        skipped += (missing,) if missing else ()
        self.report.warnings = (*self.loaded.warnings, *skipped)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            self._stack.close()  # waits for what forked processes still do
            if kind is None and self.cache_dir and self.state is not None and not self.report.nothing_changed:
                self.state.remember(self.cache_dir)  # the files are as this state says
        finally:
            self.report.seconds = time.perf_counter() - self._started

    @cached_property
    def env(self) -> jinja2.Environment:
        """The templates' environment; compiled templates are kept in this process's memory and
        in the cache folder for the next build, by their source's checksum (a rebuild rendering
        three pages need not compile all); without a cache folder (the dev server's rebuilds), in
        memory only: compiling the templates of a paper page took ~0.1-0.2 s of each rebuild at
        10,000 papers."""
        from sitegen import render
        from sitegen.engine import compiled

        env = render.make_environment(self.looks.folder)
        if self.cache_dir:
            folder = self.cache_dir / COMPILED_TEMPLATES
            folder.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = compiled.OnDisk(str(folder))
        else:
            env.bytecode_cache = compiled.IN_MEMORY
        return env

    # --- nothing changed ---

    def unchanged_since_last_build(self) -> bool:
        """True (with the report filled in) when the last build had the same inputs and its
        output is intact; only a build in a new process, with a cache folder, asks. Paper files
        whose mtime moved count as the same input when they hold the same bytes: saved without a
        change, or checked out again, they would otherwise cost a whole build that finds nothing
        to make (~1 s at 10,000 papers, against ~0.4 s for this check)."""
        if self.state is not None or self.cache_dir is None:
            return False
        found = _inputs_fingerprint(self.loaded, self.looks.digest, self.out, self.listing)
        if found is None:
            return False
        self._found, self._inputs, self._fresh = found, found.inputs, found.fresh
        last = read_stamped(self.cache_dir / LAST_BUILD_FILE)
        if not isinstance(last, LastBuild) or last.out != str(self.out):
            return False
        touched = None if last.inputs == found.inputs else self._only_touched(last, found)
        if touched is None and (last.inputs != found.inputs or not self._fresh_as_last_read(last.fresh)):
            return False
        manifest: dict[str, OutputEntry] = unpacked(*last.manifest)  # type: ignore[assignment]
        trusted = trusted_manifest(manifest, self.output())
        if trusted is None or trusted.entries.keys() != manifest.keys() or trusted.present != manifest.keys():
            return False
        if touched is not None:  # the next build finds the new stamps as this one did
            saved = replace(last, inputs=found.inputs, mtimes=found.mtimes, fresh=touched)
            with suppress(OSError):  # else the next build reads the touched files again
                write_stamped(self.cache_dir / LAST_BUILD_FILE, saved)
        for name, value in last.counts.items():
            setattr(self.report, name, value)
        self.report.files_unchanged, self.report.nothing_changed = len(manifest), True
        self.report.manifest = manifest
        return True

    def _fresh_as_last_read(self, last_fresh: dict[str, str]) -> bool:
        """Whether the paper files too fresh to trust by their stamps (now, or when the last
        build looked) hold the bytes the last build read: then the last build's inputs are these
        ones, whatever the timestamps' granularity. A file fresh now was fresh then too (its
        stamp is the same), unless the clock went back: then it is not trusted."""
        if not last_fresh.keys() >= set(self._fresh):
            return False
        for shown, key in last_fresh.items():
            try:
                data = (self.loaded.root / shown).read_bytes()
            except OSError:
                return False
            if content_key(shown, data) != key:
                return False
        return True

    def _only_touched(self, last: LastBuild, found: Fingerprint) -> dict[str, str] | None:
        """When the inputs are the last build's but for paper files' mtimes, and each file whose
        mtime moved, or too fresh to trust by its stamp (then or now), holds the bytes that build
        used (a file saved as it was, or checked out again): the keys of the files fresh now, for
        the next build (LastBuild.fresh); else None."""
        assert self.listing is not None, "a fingerprint is of a listing"
        names = [name for name, _ in self.listing]
        if last.shape != found.shape or len(last.digests) != DIGEST_BYTES * len(names):
            return None
        then, now = array("q"), array("q")
        then.frombytes(last.mtimes)
        now.frombytes(found.mtimes)
        if len(then) != len(now):
            return None
        pairs = enumerate(zip(then, now, strict=True))
        moved = {number for number, (before, after) in pairs if before != after}
        prefix, recheck = shown_prefix(self.loaded), {*last.fresh, *found.fresh}
        if recheck:
            moved.update(number for number, name in enumerate(names) if prefix + name in recheck)
        if len(moved) > MOST_FRESH:
            return None
        keys = {}
        for number in sorted(moved):
            shown = prefix + names[number]
            try:
                data = (self.loaded.root / shown).read_bytes()
            except OSError:
                return None
            key = content_key(shown, data)
            if content_digest(key) != last.digests[number * DIGEST_BYTES : (number + 1) * DIGEST_BYTES]:
                return None
            keys[shown] = key
        return {shown: keys[shown] for shown in found.fresh}

    def _file_digests(self) -> bytes:
        """LastBuild.digests for this build: the digest of each paper file's bytes it used, in
        the listing's order; empty when one is not known."""
        assert self.state is not None
        if self.listing is None:
            return b""
        files, prefix = self.state.files, shown_prefix(self.loaded)
        try:
            return b"".join(content_digest(files[prefix + name].key) for name, _ in self.listing)
        except (KeyError, ValueError):
            return b""

    def _fresh_keys(self) -> dict[str, str] | None:
        """LastBuild.fresh for this build: the key of what it read of each fresh file (None
        when one was not read: the next build then does not trust the stamps)."""
        assert self.state is not None
        files = self.state.files
        keys = {shown: files[shown].key for shown in self._fresh if shown in files}
        return keys if len(keys) == len(self._fresh) else None

    # --- read ---

    def read_library(self) -> Library:
        """The library: a paper file is parsed only when it changed since it was last read (and
        the papers of unchanged files are read from the cache only when used)."""
        from sitegen.engine.derived import last_made, read_library, related_papers, rules_digest

        if self.state is None:
            self.state = BuildState.load(self.cache_dir) if self.cache_dir else BuildState()
        state, report = self.state, self.report
        self._before = (dict(state.files), dict(state.outputs))
        read = first_call(partial(read_library, self.loaded, state, self.listing, report, self.tuning))
        count, papers = self.loaded.config.related_count, len(self.listing or state.files)
        related = related_papers(read, count, papers, state, report, self.tuning)
        self._related = self._stack.enter_context(related)
        library, self._text_keys = read()
        report.papers, report.topics = len(library.papers), len(library.topics)
        papers_ = library.papers
        self._file_keys = {
            slug: state.files[path].key for slug, path in zip(papers_.slugs, papers_.paths, strict=True)
        }
        self._rules = rules_digest(library.topics)
        self._last = last_made(state, self._rules, self.tuning)
        last = self._last
        self._changed = [
            slug for slug, key in self._file_keys.items() if last is None or last.keys.file.get(slug) != key
        ]
        # Unchanged papers passed the checks under the same topics; with the same templates too.
        self._checked_all = last is None or last.looks != self.looks.digest
        return library

    def papers_to_check(self, library: Library) -> Iterable[Paper]:
        """The papers whose problems may have changed since the last build (its papers passed)."""
        slugs = library.papers.slugs if self._checked_all else self._changed
        return map(library.papers.by_slug.__getitem__, slugs)

    # --- derive ---

    def derive(self, library: Library) -> SiteData:
        """The site's data: topics, listings, BibTeX keys, abstracts and related papers, each
        worked out again only for what changed."""
        from sitegen.engine.derived import derive_site

        assert self.state is not None, "read_library() first"
        last = self._last
        first_guess = default_card_fields(self.loaded.config.editor)
        fields = self._card_fields_used = last.card_fields if last is not None else first_guess
        self.card_fields.clear()  # the fields read through cards, recorded as pages are made
        data, self._keys = derive_site(
            library,
            self._text_keys,
            self._file_keys,
            self._rules,
            self._changed,
            last,
            fields,
            self.state,
            self.report,
            self.tuning.parallel_from,
        )
        return replace(data, related=self._related)

    # --- make ---

    def make(self, plan: Plan) -> None:
        """Make the plan's outputs into the output folder, and keep what they were made of."""
        from sitegen.engine.inputs import Inputs
        from sitegen.engine.making import Making

        state, report, keys = self.state, self.report, self._keys
        assert state is not None and keys is not None, "derive() first"
        if self.looks.root_files:  # (the plan's paths are looked at only then)
            self.looks.refuse_root_files_at(plan.first_parts() | {MARKER})
        previous = trusted_manifest(state.outputs.get(str(self.out), {}), self.output())
        set_aside = self.cache_dir / SET_ASIDE if self.cache_dir else None
        inputs = Inputs(plan.view, keys, self.looks.fingerprint)
        last = self._last if self._last is not None and self._last.folder == str(self.out) else None
        output = ManifestOutput(self.out, previous, set_aside)
        making = Making(
            plan,
            inputs,
            last,
            output,
            state,
            report,
            self.published,
            self.tuning.parallel_from,
            self._by_rows(),
        )
        early: list[Part] = []

        def meanwhile() -> None:  # the pages are written; the search index may still be in the making
            state.keep_latest("site", self._made_of(plan, inputs, making))
            if self.cache_dir:
                early.append(state.early_part())

        making.make(meanwhile)
        report.warnings = (*report.warnings, *self._removed_unwritten(making.output.removed_unwritten))
        state.fresh_words = {}  # counted for the related papers, which have them now
        state.prune(drop_unused=self._last is None)  # a build that looked at few papers used few entries
        state.changed = state.changed or self._before != (state.files, state.outputs)
        report.state = state
        if self.cache_dir:  # while a forked process may still be saving the related-papers index
            try:
                state.save(self.cache_dir, *early)
                manifest = state.outputs[str(self.out)]
                fresh, found = self._fresh_keys(), self._found
                saved = LastBuild(self._inputs, str(self.out), packed(manifest), counts(report), fresh or {})
                if found is not None:  # for a rebuild of files touched, not changed
                    digests = self._file_digests()
                    saved = replace(saved, shape=found.shape, mtimes=found.mtimes, digests=digests)
                trusted = self._inputs is not None and fresh is not None
                write_stamped(self.cache_dir / LAST_BUILD_FILE, saved if trusted else None)
            except OSError as exc:  # the site is in place; the next build works from an older cache
                raise os_error(exc, "write the cache", exc.filename or self.cache_dir) from None

    def _removed_unwritten(self, paths: tuple[str, ...]) -> list[Problem]:
        """A warning for each file the build took out of the output that no build wrote."""
        shown, spare = display_path(self.out, self.loaded), display_path(spare_version(self.out), self.loaded)
        return [
            Problem(
                "removed from the output, which holds only what a build makes: sitegen did not write it "
                "(or it was changed since)",
                f"{shown}/{relative}",
                hint=f"its copy is in {spare}/{relative} until the next build; {self._to_publish(relative)}",
            )
            for relative in paths
        ]

    def _to_publish(self, relative: str) -> str:
        """Where a file goes to be published with every build, as it is."""
        if self.looks.folder is None:
            return (
                "to publish such a file with every build, set `paths: templates:` in site.yaml and "
                f"put it in that folder's {ROOT_FOLDER}/ folder, as {ROOT_FOLDER}/{relative}"
            )
        folder = display_path(self.looks.folder / ROOT_FOLDER, self.loaded)
        return f"to publish it with every build, put it in {folder}/{relative}"

    def _by_rows(self) -> bool:
        """Whether list pages may be made from rows: not with the user's own list templates."""
        from sitegen.plan import ROW_TEMPLATES

        folder = self.looks.folder
        return folder is None or not any((folder / name).exists() for name in ROW_TEMPLATES)

    def _made_of(self, plan: Plan, inputs: Inputs, making: Making) -> LastMade:
        """What this build's outputs were made of, for the next build."""
        from sitegen.engine.derived import card_keys_again
        from sitegen.engine.inputs import LastMade
        from sitegen.plan import CARD, TEMPLATES, Input

        last, keys, view = self._last, inputs.keys, plan.view
        # The card keys were made for the fields cards were read for last time; if templates now
        # read more (or, after a template change, other) fields, they are made again for those.
        made_for = self._card_fields_used
        if last is None or last.site.get(Input(TEMPLATES)) != self.looks.fingerprint:
            fields = tuple(sorted(self.card_fields))  # every listing was made again: all it read
        else:
            fields = tuple(sorted(self.card_fields.union(made_for)))
        columns = inputs.column_digests()
        if fields != made_for:
            keys = card_keys_again(view.library, view.data, keys, fields)
            columns = {key: found for key, found in columns.items() if key[0] != CARD}  # of the keys before
        # Where each data file's chunks and each list's rows lie, for the next build to patch
        # them: as this build made them, else as the build that made them left them (the file
        # kept as it was). That build is the last one even when this one did not work from it
        # (topics rules changed, or the periodic look at every paper), which may keep them all.
        made_before = last if last is not None else self.state.latest("site") if self.state else None
        if not isinstance(made_before, LastMade) or made_before.folder != str(self.out):
            made_before = None
        kept = made_before.chunk_sizes if made_before is not None else {}
        listed = {page.path for page in plan.pages if page.rows is not None}
        layouts = {**(made_before.row_layouts if made_before is not None else {}), **making.row_layouts}
        return LastMade(
            folder=str(self.out),
            rules=self._rules,
            looks=self.looks.digest,
            # Plain tuples (equal to the Input named tuples, and hashed alike): ~3,000 named
            # tuples would each call into Python when the state is pickled.
            site={tuple(read): value for read, value in inputs.site_values().items()},  # type: ignore[misc]
            keys=keys,
            card_fields=fields,
            topics_of=dict(view.data.listings.topics_of),
            bibtex_keys=dict(view.data.bibtex_keys),
            related=dict(view.all_related()),
            newest_first=view.data.listings.newest_first,
            listed=self.state.results["listings"][0] if self.state is not None else "",
            chunk_sizes={**kept, **making.chunk_sizes},
            columns=columns,
            row_layouts={
                path: layout for path, layout in layouts.items() if layout is not None and path in listed
            },
            patches=last.patches + 1 if last is not None else 0,
        )


def _paper_listing(loaded: LoadedConfig) -> PaperListing | None:
    """The papers folder's files with their stats; None when it cannot be read (loading says why)."""
    papers = ContentPaths.of(loaded).papers
    try:
        return paper_files(papers, display_path(papers, loaded))
    except OSError:
        return None


def _inputs_fingerprint(
    loaded: LoadedConfig, looks: str, out: Path, listing: PaperListing | None
) -> Fingerprint | None:
    """A digest of what a build reads (config, topics, `looks`: the templates' and static files'
    digest, the paper files' stamps), and of it but the paper files' mtimes, with those mtimes and
    the paper files changed so recently that their stamps cannot be trusted (as shown); None when
    they are more than MOST_FRESH (re-reading them all would cost more than it saves) or the
    content cannot be read."""
    if listing is None:
        return None
    try:
        topics = ContentPaths.of(loaded).topics.read_bytes()
    except OSError:
        return None
    # Column by column, not a tuple a file: a repr of 100,000 tuples took ~0.3 s.
    mtimes = array("q", [status.st_mtime_ns for _, status in listing])
    sizes = array("q", [status.st_size for _, status in listing])
    fresh: tuple[str, ...] = ()
    recent = time.time_ns() - SETTLE_NS
    if mtimes and max(mtimes) >= recent:  # (a loop over the files only then)
        prefix = shown_prefix(loaded)
        fresh = tuple(prefix + name for name, status in listing if status.st_mtime_ns >= recent)
        if len(fresh) > MOST_FRESH:
            return None
    names = "\0".join(name for name, _ in listing).encode("utf-8", "surrogateescape")
    texts = (STAMP, repr(loaded.config), str(out), looks)
    parts = (*(text.encode("utf-8", "surrogateescape") for text in texts), topics, names, sizes)
    # A digest of each part's: no part can run into the next (a file name may hold a newline).
    shape = digest(" ".join(digest(bytes(part)) for part in parts).encode("ascii"))
    inputs = digest(f"{shape} {digest(bytes(mtimes))}".encode("ascii"))
    return Fingerprint(inputs, shape, bytes(mtimes), fresh)


def list_output_while_idle(state: BuildState, out: Path) -> None:
    """List the output folder's files for the next build into it with `state` (the dev server
    calls this once a build is done, while it waits for the next edit: with the tidying, ~0.2 s
    at 10,000 papers that the next edit's page then does not wait for). Only sitegen writes in
    that folder, and only in a build, so the listing stays true until the next one."""
    tidy(out, state.folder / SET_ASIDE if state.folder is not None else None)
    state.listed_outputs[str(out.resolve())] = output_files(out)


def _holds_at_least(folder: Path, count: int) -> bool:
    """Whether `folder` holds `count` entries or more (reading no more of it than that)."""
    try:
        with os.scandir(folder) as entries:
            return sum(1 for _ in islice(entries, count)) == count
    except OSError:
        return False


@contextmanager
def _output_scan(
    out: Path,
    big: bool,
    set_aside: Path | None,
    listed: OutputFiles | None = None,
) -> Iterator[Callable[[], OutputFiles | None]]:
    """The output folder's files, as a function: as `listed` (by `list_output_while_idle`) when
    given; for a big library, listed in a forked process from now on (a stat call for each of
    ~10,000 files, while this process lists the paper files and reads its cache), which then
    deletes the files the last build set aside and what killed builds left."""
    if listed is not None:
        delete_set_aside(set_aside)
        yield lambda: listed
        return
    if not big:
        tidy(out, set_aside)
        yield partial(output_files, out)
        return
    with forked(partial(output_files, out), then=partial(tidy, out, set_aside)) as scanned:
        yield scanned
