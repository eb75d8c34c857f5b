"""Making the plan's outputs: each kept when its inputs did not change, patched when it is a
chunked file few of whose chunks changed, else made; paper pages first (the dev server shows the
page being edited as soon as it is written), then the other pages and data files, while the
search index is made in a forked process.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from itertools import accumulate, pairwise, repeat
from operator import add
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast, overload

from sitegen import urls
from sitegen.digests import digest
from sitegen.engine.inputs import PER_PAPER, Changes, ChunkSizes, Inputs, LastMade
from sitegen.engine.memory import give_back_free_memory
from sitegen.engine.parallel import forked, shared_chunks, side_by_side
from sitegen.engine.report import BuildReport
from sitegen.engine.rows import RowLayout, RowSource, layout_of, rows_again, rows_in_frame
from sitegen.engine.store import BlobStore, BuildState, Record, UsedMapping
from sitegen.outputs import ListFile
from sitegen.plan import (
    CARD,
    PAPER,
    Chunked,
    EachPaper,
    Input,
    Page,
    Plan,
    Rows,
    SearchIndex,
)
from sitegen.write import JOINED_BATCH, Joined, ManifestOutput, OutputEntry, Patched, Piece, Tally

FEW = 16  # slugs looked for in a list one by one (each a scan in C), not with a set of the list
RENDER_CHUNK = 64  # paper pages a process claims at a time when two share them
# Bytes of data files' chunks this process makes, and of search entries a forked process makes,
# before it saves them: what they hold at once on top of the rest (a record more to the journal
# each time, a write of that size; at 100,000 papers the peak of either was ~50 MB higher at 64 MB).
RECORDS_SPILL_EVERY = 16 << 20
SEARCH_SPILL_EVERY = 16 << 20
KEEP_MANIFESTS = 3  # output folders whose files a build knows (e.g. public and the dev server's)
# An output's path, its inputs digest, its maker.
Job = tuple[str, str, Callable[[], "str | bytes | Patched | Joined"]]
# The files a forked process wrote; the records its store saved, or the entries it set; what it read.
ForkedWrites = tuple[Tally, list[Record], dict[str, Any], set[str]]
Published = Callable[[frozenset[str] | None], None]


class _Output(Protocol):
    @property
    def path(self) -> str: ...


OutputT = TypeVar("OutputT", bound=_Output)


@dataclass(frozen=True)
class SearchFiles:
    """The search index's files as a build wrote them, and the sizes the report shows."""

    paths: tuple[str, ...]
    index_bytes: int
    index_gzip_bytes: int


@dataclass
class Making:
    """One build's making of a plan into `output`."""

    plan: Plan
    inputs: Inputs
    last: LastMade | None  # what the last build into this output was made of
    output: ManifestOutput
    state: BuildState
    report: BuildReport
    published: Published | None
    parallel_from: int
    by_rows: bool = False  # whether list pages may be made from the last build's rows (rows.py)

    def __post_init__(self) -> None:
        self.chunk_sizes: dict[str, ChunkSizes] = {}  # chunked file -> each paper's chunk size
        self.row_layouts: dict[str, RowLayout | None] = {}  # list page made -> where its rows are
        self._row_source: RowSource | None = None
        self.last_files: Mapping[str, Any] = self.state.outputs.get(str(self.output.out), {})

    def make(self, meanwhile: Callable[[], None]) -> SearchFiles:
        """Make what changed into `output`: paper pages first, then the rest, then the search
        index (each put in place as it is done when `published` is given); `meanwhile()` is
        called once the pages are written, while the search index may still be in the making."""
        folder = str(self.output.out)
        with self.output as staged, self._search_index(staged) as search:
            self._make_pages(staged)
            self._let_go_of_pages()
            meanwhile()
            written = search()
            self.state.outputs.pop(folder, None)  # until the new output is in place
        report = self.report
        report.search_documents = len(self.plan.view.library.papers)
        report.search_index_bytes = written.index_bytes
        report.search_index_gzip_bytes = written.index_gzip_bytes
        staged.manifest = _in_order_of(self._last_manifest(), staged.manifest)
        self.state.outputs[folder] = staged.manifest
        for stale in list(self.state.outputs)[:-KEEP_MANIFESTS]:
            del self.state.outputs[stale]
        report.files_written, report.files_unchanged = staged.written, staged.unchanged
        report.output_bytes, report.manifest = staged.total_bytes, staged.manifest
        if self.published is not None:
            self.published(staged.put_in_place)
        return written

    def _let_go_of_pages(self) -> None:
        """The pages are made: what the view kept for them (each paper's card and its renderings,
        BibTeX entry, identifiers, abstract text: ~300 MB at 100,000 papers) is let go of before
        the state is saved, whose pickling would otherwise add to it at this process's peak."""
        self.plan.view.let_go_of_what_pages_read()
        give_back_free_memory()

    # --- pages and data files ---

    def _make_pages(self, staged: ManifestOutput) -> None:
        plan = self.plan
        for path, data in plan.assets.items():
            staged.write(path, data)
        jobs = self._to_make(staged, self._paper_page_jobs(staged, plan.paper_pages))
        if self.published is not None and len(jobs) < self.parallel_from:
            # An edited paper's page is what its editor is looking at: in place before the lists'
            # and data files' inputs are even worked out (~0.2 s at 10,000 papers).
            self._render(jobs, staged)
            self._publish(staged)
            jobs = []
        # The data files before the lists: their chunks pass through this process (made, then
        # saved to the cache) before the cards the lists render are kept for the paper pages'
        # related lists (at 100,000 papers, ~190 MB that were under the peak of the data files).
        jobs += self._to_make(staged, map(self._chunked_job, self._chunked_to_make(staged, plan.chunked)))
        jobs += self._to_make(staged, map(self._page_job, self._pages_to_make(staged, plan.pages)))
        if len(jobs) >= self.parallel_from:
            self._render_in_two_processes(jobs, staged)
            return
        self._render(jobs, staged)
        if self.published is not None:
            self._publish(staged)

    def _to_make(self, staged: ManifestOutput, todo: Iterable[Job]) -> list[Job]:
        """The jobs of `todo` whose output is not kept as it is (counted in the report)."""
        report, jobs = self.report, []
        for path, inputs, make in todo:
            report.pages += path.endswith(".html")
            if staged.reuse(path, inputs):
                report.pages_reused += 1
            else:
                jobs.append((path, inputs, make))
                report.pages_rendered += 1
        return jobs

    def _publish(self, staged: ManifestOutput) -> None:
        """Put what is written so far in place, and tell the dev server which files it was."""
        assert self.published is not None
        self.state.outputs.pop(str(staged.out), None)  # the output changes from here
        paths = staged.publish()
        if paths:
            self.published(paths)

    def _untouched_kept(
        self,
        staged: ManifestOutput,
        outputs: Sequence[OutputT],
        site: Iterable[Input],
        touched: Callable[[Changes, OutputT], bool],
    ) -> list[OutputT]:
        """The `outputs` to make, or to reuse by their inputs digest: all but those the last build
        made from inputs none of which changed since (`touched` says, with the changes of the
        `site` inputs known), which are kept as they were, in bulk, without working out their
        digests (~1,000 list pages at 10,000 papers, each reading ~20 papers' cards)."""
        changes = self._changes(tuple(set(site))) if self.last is not None else None
        if changes is None:
            return list(outputs)
        kept = self._kept(staged, [output.path for output in outputs if not touched(changes, output)])
        return [output for output in outputs if output.path not in kept]

    def _kept(self, staged: ManifestOutput, paths: Iterable[str]) -> set[str]:
        """Keep the files of `paths` as the last build left them (those the output holds), in bulk,
        counted in the report; returns those kept."""
        kept = staged.keep_as_they_were(paths)
        self.report.pages += sum(path.endswith(".html") for path in kept)
        self.report.pages_reused += len(kept)
        return kept

    def _pages_to_make(self, staged: ManifestOutput, pages: Sequence[Page]) -> list[Page]:
        reads = (read for page in pages for read in page.reads)
        site = (read for read in reads if isinstance(read, Input) and read[0] not in PER_PAPER)
        return self._untouched_kept(staged, pages, site, lambda changes, page: changes.touch(page.reads))

    def _chunked_to_make(self, staged: ManifestOutput, files: Sequence[Chunked]) -> list[Chunked]:
        """The chunked files to make: all but those whose papers, in the same order, and inputs are
        as the last build had them. The columns of their digests (chunks' inputs of one kind, for a
        list) that did not change are taken from the last build."""
        last = self.last
        site = tuple({read for file in files for read in file.site})
        changes = self._changes(site)
        if last is None or changes is None:
            return list(files)
        orders = {file.order: tuple(self.plan.view.listing(file.order)) for file in files}

        def same_order(file: Chunked) -> bool:
            made = last.chunk_sizes.get(file.path)
            return made is not None and made.order == orders[file.order]

        same = {file.order for file in files if same_order(file)}
        self.inputs.known_columns(
            {
                (kind, order): found
                for (kind, order), found in last.columns.items()
                if order in same and changes.per_paper[kind].isdisjoint(orders[order])
            }
        )

        def touched(changes: Changes, file: Chunked) -> bool:
            if not same_order(file) or not changes.site.isdisjoint(file.site):
                return True
            return not changes.of(file.own).isdisjoint(orders[file.order])

        return self._untouched_kept(staged, files, site, touched)

    def _page_job(self, page: Page) -> Job:
        inputs = self.inputs.digest(page.reads)
        if page.rows is None or not self.by_rows:
            return page.path, inputs, page.make
        return page.path, inputs, partial(self._list_page, page)

    def _list_page(self, page: Page) -> bytes:
        """A page of a list of papers: made from the last build's rows when only its papers
        changed, else rendered; where its rows lie is kept for the next build either way."""
        rows = page.rows
        assert rows is not None
        # What the page reads but for its rows (each of their reads taken out once: the same
        # read may be made for another part of the page too, e.g. the filters' counts).
        frame_reads = list(page.reads)
        for read in rows.reads:
            frame_reads.remove(read)
        frame = self.inputs.digest(frame_reads)
        frame = f"{frame} {rows.frame}"
        changes = self._changes(())
        if changes is not None and self.last is not None:
            if self._row_source is None:
                self._row_source = RowSource(self.last.row_layouts, self._last_output)
            changed = changes.of((CARD, PAPER) if rows.snippets else (CARD,))
            made = rows_again(
                page.path, rows, frame, self.last.row_layouts.get(page.path), self._row_source, changed
            )
            if made is None and rows.framed is not None and self._rows_hold(rows):
                # The frame changed (e.g. a topic's count), not what the rows read: made around them.
                made = rows_in_frame(page.path, rows, frame, self._row_source, changed)
            if made is not None:
                self.row_layouts[page.path] = made[1]
                return made[0]
        data = page.make()
        data = data.encode("utf-8") if isinstance(data, str) else data
        self.row_layouts[page.path] = layout_of(data, rows, frame)
        return data

    def _rows_hold(self, rows: Rows) -> bool:
        """Whether none of the site-wide inputs the rows read changed since the last build."""
        changes = self._changes(rows.site)
        return changes is not None and not changes.site

    def _paper_page_jobs(self, staged: ManifestOutput, family: EachPaper) -> Iterator[Job]:
        """Each paper page but those kept as they were (in bulk: after an edit nearly every page
        is, and a generator round for each would cost ~0.1 s at 10,000 papers)."""
        slugs = self.plan.view.library.papers.slugs
        paths = {family.path(slug): slug for slug in self._unaffected(family, slugs)}
        kept = set(map(paths.__getitem__, self._kept(staged, paths)))
        for slug in slugs:
            if slug not in kept:
                yield family.path(slug), self.inputs.digest(family.reads(slug)), partial(family.make, slug)

    def _unaffected(self, family: EachPaper, slugs: Sequence[str]) -> set[str]:
        """The papers whose page reads only inputs that did not change since the last build."""
        changes = self._changes(family.site)
        if changes is None or changes.site:
            return set()
        affected = changes.of(family.own)
        cards = changes.per_paper[CARD]
        if cards:
            affected.update(slug for slug in slugs if not cards.isdisjoint(family.cards_of(slug)))
        return set(slugs) - affected

    def _changes(self, site: Sequence[Any]) -> Changes | None:
        if self.last is None or self.last.folder != str(self.output.out):
            return None
        return self.inputs.changes(self.last, site)

    def _last_manifest(self) -> Mapping[str, Any]:
        """The output's files as the last build into it left them (as this build began: the dev
        server's build forgets them in `state` once it puts its first files in place)."""
        if self.last is None or self.last.folder != str(self.output.out):
            return {}
        return self.last_files

    def _last_output(self, path: str) -> Path | None:
        """The file as the last build left it, while it still is: not one this build has put in
        place already (the dev server's build puts paper pages in place before it patches the
        lists, data files and search index from the last build's)."""
        return self.output.out / path if self._last_entry(path) is not None else None

    def _last_entry(self, path: str) -> OutputEntry | None:
        """The output's entry for the file `_last_output` finds, if it does."""
        output = self.output
        entry = output.previous.entries.get(path) if output.previous is not None else None
        kept = entry is not None and self._last_manifest().get(path) is not None and not output.in_place(path)
        return entry if kept else None

    def _chunked_job(self, chunked: Chunked) -> Job:
        order = self.plan.view.listing(chunked.order)
        inputs = self.inputs.members_digest(chunked.path, chunked.own, chunked.site, chunked.order, order)
        return chunked.path, inputs, partial(self._chunked_file, chunked, order)

    def _chunked_file(self, chunked: Chunked, order: Sequence[str]) -> Joined | Patched:
        """A chunked file: the last build's file patched (its changed chunks replaced, its papers
        moved, added or dropped as the list now has them); else every chunk (kept from earlier
        builds by inputs), to be written one after the other."""
        path, layout, last = chunked.path, chunked.layout, self.last
        changes = self._changes(chunked.site)
        made = last.chunk_sizes.get(path) if last is not None else None
        old = self._last_output(path) if made is not None and changes is not None else None
        if made is not None and old is not None and changes is not None and not changes.site:
            changed, order = changes.of(chunked.own), tuple(order)
            # Made, not looked up: the few new chunks are not worth reading the records store.
            if made.order == order:  # no paper came, went or moved (an edit of a few)
                todo: Iterable[str] = _members(changed, order)
            else:  # a paper new to the file needs its chunk too
                listed = set(made.order)
                todo = (slug for slug in order if slug in changed or slug not in listed)
            new = {slug: chunked.chunk(slug) for slug in todo}
            patched = patched_file(layout, old, made, order, new)
            if patched is not None:
                self.chunk_sizes[path] = patched[1]
                return patched[0]
        keys = self.inputs.member_keys(chunked.own, chunked.site, order)
        # Each chunk is kept under the digest of what it is made of: a key of ~90 bytes, not ~250
        # (~700,000 keys at 100,000 papers, held to the end of the build, and by the next).
        stored = {slug: digest(f"{path} {key}".encode()) for slug, key in keys.items()}
        # The chunks made go to the cache as they add up, not all held until the file is written
        # (~1 GB of records at 100,000 papers, ~257 MB of them papers.json's); the file is
        # written from there, a batch of chunks at a time.
        records = self.state.records
        self.state.spill_as_it_grows("records", RECORDS_SPILL_EVERY)
        sizes = records.made_sizes(stored, chunked.chunk)
        self.state.spill("records")
        self.chunk_sizes[path] = ChunkSizes(tuple(order), sizes)
        return _Stored(_LaidOut(layout, records, list(stored.values())), layout.size(sizes))

    # --- rendering ---

    def _render(self, jobs: Sequence[Job], staged: ManifestOutput) -> None:
        report = self.report
        for path, inputs, make in jobs:
            with report.timing("render"):
                made = make()
            with report.timing("write"):
                staged.write(path, made.encode("utf-8") if isinstance(made, str) else made, inputs)
            if isinstance(made, Joined):  # a data file's chunks, written, leave memory
                del made
                give_back_free_memory()

    def _render_in_two_processes(self, jobs: list[Job], staged: ManifestOutput) -> None:
        """Paper pages shared out in chunks between this process and a forked one, which claim the
        next chunk as they get to it; this one renders the data files and lists first."""
        shared = shared_chunks([job for job in jobs if urls.is_paper_file(job[0])], RENDER_CHUNK)
        card_fields = self.plan.view.card_fields

        def render_shared(making: Making) -> None:
            for chunk in shared():
                making._render(chunk, staged)

        data_files = {file.path for file in self.plan.chunked}

        def here() -> None:
            own = [job for job in jobs if not urls.is_paper_file(job[0])]
            self._render([job for job in own if job[0] in data_files], staged)
            # What the view kept for the data files (each paper's card, identified copy, BibTeX
            # entry), read again only by the paper's own page and the lists' cards from here: made
            # again as they are asked for, in the room this leaves (~170 MB at 100,000 papers).
            # The abstracts' texts stay: the topic pages' snippets read them all again.
            self.plan.view.let_go_of_what_pages_read(but_texts=True)
            self._render([job for job in own if job[0] not in data_files], staged)
            render_shared(self)

        this_process = os.getpid()

        def elsewhere() -> tuple[Tally | None, set[str]]:
            if os.getpid() == this_process:  # not forked (see `forked`): `here` rendered them all
                return None, card_fields
            staged.start_tally()
            render_shared(replace(self, report=BuildReport(staged.out), published=None))
            return staged.tally(), card_fields

        tally, read_there = side_by_side(here, elsewhere)[1]
        if tally is not None:
            staged.add_tally(tally)
        card_fields.update(read_there)

    # --- the search index ---

    @contextmanager
    def _search_index(self, staged: ManifestOutput) -> Iterator[Callable[[], SearchFiles]]:
        """The search index's files, written into `staged`, as a function the build calls once its
        pages are in place: those the output holds as made from the same documents; else, in a big
        library, ones made and written by a forked process started now, while related papers are
        found and pages rendered (it hands back what it wrote, not the ~8 MB it wrote); else ones
        made when asked for."""
        index, state, report = self.plan.search, self.state, self.report
        slugs = self.plan.view.library.papers.slugs
        keys = self.inputs.member_keys(index.own, index.site, slugs)
        inputs = digest("\n".join(("search", *keys.values())).encode("utf-8"))
        kept = state.result("search", inputs)
        if isinstance(kept, SearchFiles) and staged.reuse_all(kept.paths, inputs):
            yield lambda: kept
            return
        assets = self.plan.assets

        def write(store: BlobStore) -> SearchFiles:
            last = _LastIndex(self._last_entry, self._last_output)
            bundle = search_bundle(index, slugs, keys, store, last=last, full=self.last is None)
            files = {
                path: data for path, data in bundle.files.items() if path not in assets
            }  # e.g. the user's
            for path, data in files.items():
                staged.write(path, data, inputs)
            kept = staged.keep_as_they_were(bundle.kept, inputs)
            assert len(kept) == len(bundle.kept), "the bundle keeps files the output holds (_LastIndex.size)"
            # Sorted: the state saves a tuple again only when it differs (journal.py).
            paths = tuple(sorted([*files, *bundle.kept]))
            return SearchFiles(paths, bundle.index_bytes, bundle.index_gzip_bytes)

        this_process = os.getpid()

        def write_elsewhere(store: BlobStore) -> tuple[SearchFiles, ForkedWrites | None]:
            # Where no process may be forked (the dev server runs threads), `forked` runs this
            # here: then it writes into `staged` as any maker does. A tally started here would
            # drop every file the build wrote or kept so far from the output's manifest.
            if os.getpid() == this_process:
                return write(store), None
            staged.start_tally()
            # Its new entries go to the store's journal from here, as they are made, this process
            # being the only one to write it now (~310 MB at 100,000 papers, which it would hold
            # to the end, then twice over to pickle them, and the other one to unpickle them):
            # only where they are goes back.
            records = state.spill_as_it_grows("search", SEARCH_SPILL_EVERY)
            written = write(store)
            # What it read matters only to a build that drops what it did not read (~20,000 keys).
            used = store.used if self.last is None else set()
            last = state.spill("search")
            records += [last] if last is not None else []
            entries = store.unsaved_entries() if state.folder is None else {}  # (no cache folder)
            return written, (staged.tally(), records, entries, used)

        def finish(made: Callable[[], tuple[SearchFiles, ForkedWrites | None]]) -> SearchFiles:
            with report.timing("search index"):
                written, elsewhere = made()
            if (
                elsewhere is not None
            ):  # what a forked process wrote, and set and read in its copy of the store
                tally, records, entries, used = elsewhere
                staged.add_tally(tally)
                for record in records:
                    state.search.saved_elsewhere(record)
                state.search.absorb(entries, used)
            state.keep("search", inputs, written)
            return written

        if len(slugs) < self.parallel_from:
            yield partial(finish, lambda: (write(state.search), None))
            return
        store = state.search  # read here, once for both processes: this one takes in what the other adds
        with forked(partial(write_elsewhere, store)) as made:
            yield partial(finish, made)


def search_bundle(
    index: SearchIndex,
    slugs: Sequence[str],
    keys: Mapping[str, str],
    cache: UsedMapping,
    *,
    last: Any,
    full: bool,
) -> Any:
    """The search files; each document's key kept in `cache` under what the document is made of,
    so that only changed papers need their documents made. `last`: the last build's index files,
    which the index patches when the same papers changed. `full`: a build that drops unused cache
    entries, which must mark the unchanged papers' entries used."""
    from sitegen.search import build_search_bundle, document_key  # in the process that needs it

    made_of = {slug: f"search-document {key}" for slug, key in keys.items()}
    made = cache.made_values(made_of, lambda slug: document_key(index.document(slug)).encode())
    documents = _Documents(index.document, slugs)
    keys_made = [key.decode() for key in made]
    return build_search_bundle(documents, cache=cache, keys=keys_made, last=last, mark_used=full)


@dataclass(frozen=True)
class _LastIndex:
    """The search index's files as the last build left them in the output, while they still are."""

    last_entry: Callable[[str], OutputEntry | None]
    last_output: Callable[[str], Path | None]

    def size(self, path: str) -> int | None:
        entry = self.last_entry(path)
        return entry.size if entry is not None else None

    def read(self, path: str) -> bytes | None:
        found = self.last_output(path)
        try:
            return found.read_bytes() if found is not None else None
        except OSError:
            return None


class _Documents(Sequence[Any]):
    """The search documents of `slugs`, each made when used."""

    def __init__(self, make: Callable[[str], Any], slugs: Sequence[str]) -> None:
        self._make, self._slugs = make, slugs

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return _Documents(self._make, self._slugs[index])
        return self._make(self._slugs[index])

    def __len__(self) -> int:
        return len(self._slugs)


class _LaidOut(Sequence[bytes]):
    """A chunked file's pieces as `layout` lays them out (`ListFile.pieces`), its chunks those
    of `keys` in `store`, read back a batch at a time, as they are asked for (a slice in one
    pass, `read_in_runs`): never all held at once."""

    def __init__(self, layout: ListFile, store: BlobStore, keys: list[str]) -> None:
        self._layout, self._store, self._keys = layout, store, keys

    def __len__(self) -> int:
        return 2 * len(self._keys) + 1 if self._keys else 1

    @overload
    def __getitem__(self, index: int) -> bytes: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[bytes]: ...

    def __getitem__(self, index: int | slice) -> bytes | Sequence[bytes]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            assert step == 1, "read in runs"
            return self._pieces(start, stop)
        place = range(len(self))[index]
        return self._pieces(place, place + 1)[0]

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self), JOINED_BATCH):
            yield from self._pieces(start, start + JOINED_BATCH)

    def _pieces(self, start: int, stop: int) -> list[bytes]:
        """The pieces from place `start` to `stop` (chunk i is at place 2i + 1)."""
        layout, keys = self._layout, self._keys
        stop = min(stop, len(self))
        if start >= stop:
            return []
        if not keys:
            return [layout.empty]
        first, end = start // 2, stop // 2  # the chunks at places from 2 * first to 2 * end
        chunks = self._store.read_in_runs(keys[first:end])
        pieces = [layout.separator] * (2 * len(chunks) + 1)
        pieces[1::2] = chunks
        if first == 0:
            pieces[0] = layout.head
        if end == len(keys):
            pieces[-1] = layout.tail
        return pieces[start - 2 * first : stop - 2 * first]


@dataclass(frozen=True)
class _Stored(Joined):
    """A chunked file made of `_LaidOut` pieces, whose size is known without reading them."""

    bytes_in_all: int = 0

    @property
    def size(self) -> int:
        return self.bytes_in_all


def patched_file(
    layout: ListFile, old: Path, made: ChunkSizes, order: tuple[str, ...], new: dict[str, bytes]
) -> tuple[Patched, ChunkSizes] | None:
    """The chunked file `old`, laid out as `layout` says with the chunks `made` says, as the
    papers of `order` want it: each paper's chunk kept where it was or moved (ranges copied in the
    kernel), the chunks of `new` put in where they differ (only those old chunks are read), the
    papers no longer listed left out. None when `old` cannot be such a file, or lists nothing.

    Worked out run by run, not paper by paper: a one-paper edit of a 10,000-paper list is one or
    two runs of papers still next to each other, each one range of the old file."""
    step, sizes = len(layout.separator), made.sizes
    size = layout.size(sizes)
    if not sizes or not order or old.stat().st_size != size:
        return None
    starts = list(accumulate(map(add, sizes, repeat(step)), initial=len(layout.head)))
    numbers: Sequence[int | None]  # each place's chunk in the old file, if any
    if order == made.order:  # the papers as they were: each in its place
        numbers = range(len(order))
    else:
        number_of = {slug: number for number, slug in enumerate(made.order)}
        numbers = list(map(number_of.get, order))
    fresh = _fresh_chunks(old, starts, sizes, order, numbers, new)
    pieces: list[Piece] = []

    def copy(start: int, end: int) -> None:  # a range of the old file, joined to the one before
        last = pieces[-1] if pieces else None
        if isinstance(last, tuple) and last[1] == start:
            pieces[-1] = (last[0], end)
        else:
            pieces.append((start, end))

    copy(0, len(layout.head))
    for first, end in _runs(numbers, fresh):
        if first:
            pieces.append(layout.separator)
        if first in fresh:
            pieces.append(fresh[first])
            continue
        last = numbers[end - 1]
        assert last is not None, "a paper new to the file comes with its chunk"
        copy(starts[cast(int, numbers[first])], starts[last] + sizes[last])
    copy(size - len(layout.tail), size)
    now = (
        array("q", sizes)
        if isinstance(numbers, range)
        else array("q", [0 if n is None else sizes[n] for n in numbers])
    )
    for place, chunk in fresh.items():
        now[place] = len(chunk)
    return Patched(old, tuple(pieces)), ChunkSizes(order, now)


def _fresh_chunks(
    old: Path,
    starts: Sequence[int],
    sizes: Sequence[int],
    order: Sequence[str],
    numbers: Sequence[int | None],
    new: Mapping[str, bytes],
) -> dict[int, bytes]:
    """The chunks of `new` that differ from the old file's (or are new to it), by place in `order`."""
    if len(new) <= FEW:  # each looked for in C
        place_of = {slug: order.index(slug) for slug in _members(new, order)}
    else:
        place_of = {slug: place for place, slug in enumerate(order) if slug in new}
    fresh: dict[int, bytes] = {}
    with old.open("rb") as handle:
        for slug, place in place_of.items():
            chunk, number = new[slug], numbers[place]
            if number is not None and len(chunk) == sizes[number]:
                handle.seek(starts[number])
                if handle.read(sizes[number]) == chunk:
                    continue
            fresh[place] = chunk
    return fresh


def _runs(numbers: Sequence[int | None], fresh: Mapping[int, bytes]) -> Iterator[tuple[int, int]]:
    """The places cut into runs [first, end): a fresh chunk alone, else old chunks that follow
    each other in the old file too."""
    cuts = {*fresh, *(place + 1 for place in fresh)}
    if not isinstance(numbers, range):  # (in a range, each follows the one before)
        cuts.update(
            place
            for place, (before, number) in enumerate(pairwise(numbers), start=1)
            if before is None or number is None or number != before + 1
        )
    bounds = sorted(cut for cut in cuts if 0 < cut < len(numbers))
    yield from pairwise([0, *bounds, len(numbers)])


def _members(slugs: Iterable[str], order: Sequence[str]) -> list[str]:
    """The `slugs` that `order` lists: each looked for in C when they are few (an edit's), else
    with a set of `order`."""
    slugs = list(slugs)
    if len(slugs) <= FEW:
        return [slug for slug in slugs if slug in order]
    listed = set(order)
    return [slug for slug in slugs if slug in listed]


def _in_order_of(before: Mapping[str, Any], now: dict[str, Any]) -> dict[str, Any]:
    """`now`, its keys in the order `before` has them, new ones last: the state saves only what
    changed of a dict whose keys are as the last build left them (journal.py), and the files
    this build wrote would otherwise come last (~2 ms at 10,000 papers)."""
    ordered = {key: now[key] for key in before if key in now}
    ordered.update(now)
    return ordered
