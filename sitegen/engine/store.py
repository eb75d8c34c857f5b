"""What one build leaves for the next (BuildState): parsed papers, topic assignments, rendered
abstracts, search shards and the output manifest, all keyed by content digests, kept in memory by
the dev server and pickled in the cache folder.

Safe to delete; ignored when written by another sitegen or Python version.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import pickle
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any, BinaryIO, Generic, NamedTuple, TypeVar

from sitegen import __version__
from sitegen.atomic import replace_atomically
from sitegen.engine.journal import Journal, Part
from sitegen.engine.memory import collector_paused
from sitegen.errors import os_error

T = TypeVar("T")
B = TypeVar("B", bound="BlobStore")


def _code_digest() -> str:
    """A digest of sitegen's own code and vendored files: a changed sitegen, released or not,
    may parse, render or index differently, so nothing cached by another is used."""
    package = Path(__file__).parent.parent  # sitegen/, not sitegen/engine/ where this module is
    names = sorted(
        p for p in package.rglob("*") if p.suffix in (".py", ".js") and "__pycache__" not in p.parts
    )
    return hashlib.blake2b(b"".join(p.read_bytes() for p in names), digest_size=8).hexdigest()


# A cache from another version of sitegen or Python may hold objects of another shape.
STAMP = f"sitegen {__version__} code {_code_digest()} python {sys.version_info[:2]}"

# What reading a missing, torn or foreign cache file can raise: it is then rebuilt.
UNREADABLE = (OSError, EOFError, pickle.PickleError, ValueError, TypeError, AttributeError, ImportError)


def pack(value: Any) -> bytes:
    """A value as a PackedStore keeps it."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


_MISSING = object()


class UsedMapping(MutableMapping[str, Any]):
    """A dict that remembers which keys a build touched, so `prune` can drop the rest, and which
    it set, so that saving (`BlobStore`) appends only those."""

    def __init__(self) -> None:
        self.entries: dict[str, Any] = {}
        self.used: set[str] = set()
        self.unsaved: set[str] = set()  # keys set since the last save (or load)

    def __getitem__(self, key: str) -> Any:
        value = self.entries[key]
        self.used.add(key)
        return value

    def __setitem__(self, key: str, value: Any) -> None:
        self._set_entry(key, value)

    def _set_entry(self, key: str, entry: Any) -> None:
        """Keep `entry` as it is stored (a subclass may keep values packed)."""
        self.entries[key] = entry
        self.used.add(key)
        self.unsaved.add(key)

    def __delitem__(self, key: str) -> None:
        del self.entries[key]
        self.used.discard(key)

    def get(self, key: str, default: Any = None) -> Any:
        """As Mapping.get, without its exception for every miss (builds look up ~50,000 keys)."""
        value = self.entries.get(key, _MISSING)
        if value is _MISSING:
            return default
        self.used.add(key)
        return value

    def made(self, key: str, make: Callable[[], Any]) -> Any:
        """The value kept for `key`, else `make()`'s, kept from now on."""
        value = self.get(key, _MISSING)
        if value is _MISSING:
            value = self[key] = make()
        return value

    def made_all(self, keys: Mapping[str, str], make: Callable[[str], Any]) -> Mapping[str, Any]:
        """`made` for many: for each name of `keys`, the value kept for its key, else `make(name)`'s.
        (One loop, no call per hit: a build asks for ~10,000 at a time.)"""
        entries = self.entries
        found = {name: entries.get(key, _MISSING) for name, key in keys.items()}
        self.used.update(keys.values())
        for name, value in found.items():
            if value is _MISSING:
                found[name] = self[keys[name]] = make(name)
        return found

    def made_values(self, keys: Mapping[str, str], make: Callable[[str], Any]) -> list[Any]:
        """`made_all`'s values, in order."""
        return list(self.made_all(keys, make).values())

    def touch(self, key: str) -> bool:
        """Whether `key` is kept, which marks it used (its value is not read)."""
        if key in self.entries:
            self.used.add(key)
            return True
        return False

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def changed(self) -> bool:
        """Whether anything was set since the last save (or load)."""
        return bool(self.unsaved)

    def prune(self, *, drop_unused: bool = True) -> None:
        """Forget what was not used since the last prune, once that is over a fifth of the entries
        (keys are content digests: an unused entry is never wrong, only dead weight)."""
        if not self.used:
            return
        if drop_unused and len(self.entries) - len(self.used) > len(self.entries) // 5:
            self.entries = {key: self.entries[key] for key in self.used if key in self.entries}
            self.unsaved &= self.entries.keys()
        self.used = set()

    def unsaved_entries(self) -> dict[str, Any]:
        """The entries set since the last save, as stored."""
        return {key: self.entries[key] for key in self.unsaved if key in self.entries}

    def absorb(self, entries: dict[str, Any], used: set[str]) -> None:
        """What a forked process set (`entries`, its `unsaved_entries()`) and read (`used`) in its
        copy of this store."""
        for key, entry in entries.items():
            self._set_entry(key, entry)
        self.used |= used


class BlobStore(UsedMapping):
    """A store of bytes, saved as a journal and read back a value at a time.

    A one-paper edit appends its few new entries instead of rewriting tens of megabytes; the
    file is rewritten whole once a fifth of it is entries no longer in use. Loading reads each
    record's keys and sizes only: the values stay on disk until asked for, so a rebuild that reads
    a few of 10,000 neither reads nor holds the rest (~30 MB a store at 10,000 papers). A value is
    read with `pread`, not from a mapping of the journal: a mapped page read once stays in the
    process's resident memory (~0.5 GB of papers and abstracts that a cold build at 100,000 papers
    writes early and reads back once, and every process forked after it would count again).
    An entry is bytes, or the number of its value in the journal, whose offset and size
    `_offsets` and `_sizes` hold (an int an entry, not a tuple of two: ~0.3 s less to load
    400,000 entries).
    """

    def __init__(self) -> None:
        super().__init__()
        self.on_disk = 0  # entries in the saved journal, dropped ones included
        self.torn = False  # the journal ended in a partly written or foreign record
        self._journal: BinaryIO | None = None  # the journal as loaded or last written whole
        self._path: Path | None = None  # where that journal is
        self._offsets: array[int] = array("q")  # where each value on disk starts, by number
        self._sizes: array[int] = array("q")
        self._growth: tuple[int, Callable[[], None]] | None = None  # see `on_growth`
        self._grown = 0  # bytes set since `on_growth`'s callback was last called

    def __getitem__(self, key: str) -> Any:
        value = self._bytes(self.entries[key])
        self.used.add(key)
        return value

    def on_growth(self, every: int, spill: Callable[[], None]) -> None:
        """Call `spill()` each time the values set from now on add up to `every` more bytes."""
        self._growth, self._grown = (every, spill), 0

    def _set_entry(self, key: str, entry: Any) -> None:
        super()._set_entry(key, entry)
        if self._growth is not None and isinstance(entry, bytes):
            self._grown += len(entry)
            if self._grown >= self._growth[0]:
                self._grown = 0
                self._growth[1]()

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self.entries else default

    def made_all(self, keys: Mapping[str, str], make: Callable[[str], Any]) -> Mapping[str, Any]:
        """As UsedMapping.made_all, but each value is read when first used."""
        for name, key in keys.items():
            if not self.touch(key):
                self[key] = make(name)
        return _ReadWhenUsed(self, keys)

    def made_values(self, keys: Mapping[str, str], make: Callable[[str], Any]) -> list[Any]:
        self.made_all(keys, make)
        return self.read_many(keys.values())

    def made_sizes(self, keys: Mapping[str, str], make: Callable[[str], bytes]) -> array[int]:
        """`made_all`'s values' sizes, in order, none of the values held here: those made are set
        (to leave memory when the store spills them, see `on_growth`), those kept are not read."""
        entries, sizes = self.entries, array("q")
        for name, key in keys.items():
            entry = entries.get(key)
            if entry is None:
                entry = make(name)
                self[key] = entry
            else:
                self.used.add(key)
            sizes.append(len(entry) if isinstance(entry, bytes) else self._sizes[entry])
        return sizes

    def read_many(self, keys: Iterable[str]) -> list[Any]:
        """The values of `keys`, read in one pass (a rebuild reads ~10,000 document keys), from a
        mapping of the journal made for them and closed after: a slice of a mapping costs ~1 us
        less than a `pread` (~0.15 s for the 200,000 search entries of 100,000 papers), and once
        the mapping is closed its pages are no longer the process's memory."""
        found = self._read_values(list(map(self.entries.__getitem__, keys)))
        self.used.update(keys)
        return found

    def read_in_runs(self, keys: Sequence[str]) -> list[bytes]:
        """The values of `keys` (as `read_many`), those that lie one after the other in the
        journal read with one `pread` a run (a data file's chunks, made in its order), not from a
        mapping of the journal: the mapping's pages of values just written counted as this
        process's memory at once (+19 MB at 10,000 papers for papers.json's first batch)."""
        found: list[bytes] = []
        run: list[int] = []  # numbers of values that follow each other on disk
        for key in keys:
            entry = self.entries[key]
            if isinstance(entry, int) and (not run or self._follows(run[-1], entry)):
                run.append(entry)
                continue
            found += self._run(run)
            run = []
            if isinstance(entry, int):
                run.append(entry)
            else:
                found.append(entry)
        found += self._run(run)
        self.used.update(keys)
        return found

    def _follows(self, number: int, then: int) -> bool:
        """Whether value `then` starts where value `number` ends in the journal."""
        return self._offsets[then] == self._offsets[number] + self._sizes[number]

    def _run(self, numbers: list[int]) -> list[bytes]:
        """The values of `numbers`, which follow each other in the journal, read at once."""
        if not numbers:
            return []
        assert self._journal is not None, "an entry on disk without its journal"
        offsets, sizes = self._offsets, self._sizes
        base = offsets[numbers[0]]
        data = os.pread(self._journal.fileno(), offsets[numbers[-1]] + sizes[numbers[-1]] - base, base)
        return [data[offsets[n] - base : offsets[n] - base + sizes[n]] for n in numbers]

    def _read_values(self, entries: list[bytes | int]) -> list[bytes]:
        """The values of `entries` (`read_many`'s way: those on disk from one mapping, closed after)."""
        if self._journal is None:
            return list(map(self._bytes, entries))
        offsets, sizes = self._offsets, self._sizes
        with mmap.mmap(self._journal.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            return [
                entry if isinstance(entry, bytes) else mapped[offsets[entry] : offsets[entry] + sizes[entry]]
                for entry in entries
            ]

    def _bytes(self, entry: bytes | int) -> bytes:
        if isinstance(entry, bytes):
            return entry
        assert self._journal is not None, "an entry on disk without its journal"
        return os.pread(self._journal.fileno(), self._sizes[entry], self._offsets[entry])

    def load(self, path: Path) -> None:
        """Read the keys of the journal at `path`, up to its first torn or foreign record."""
        try:
            with path.open("rb") as handle, collector_paused():
                end = os.fstat(handle.fileno()).st_size
                while handle.tell() < end:
                    stamp, keys, sizes = pickle.load(handle)
                    start = handle.tell()
                    if stamp != (STAMP, STATE_FORMAT) or start + sum(sizes) > end:
                        self.torn = True
                        break
                    self.entries.update(self._located(keys, start, sizes))
                    self.on_disk += len(keys)
                    handle.seek(start + sum(sizes))
                if self.entries:  # the file read, whatever is at `path` later
                    self._journal = os.fdopen(os.dup(handle.fileno()), "rb", buffering=0)
                    self._path = path
        except FileNotFoundError:
            pass
        except UNREADABLE:
            self.torn = True

    def save(self, path: Path) -> Record | None:
        """Append the entries set since the last save, or rewrite the journal when a fifth of it
        (or a torn record) would be dead weight once they are appended: a build that made most
        entries again under new keys and saves them at its end (every paper's topics after a
        rule changed) rewrites it then, rather than appending them for the next build, often a
        one-paper edit, to rewrite. Returns the record written, if any."""
        live = len(self.entries)
        new = self.unsaved_entries()
        record = None
        if self.torn or not self.on_disk or self.on_disk + len(new) > live + live // 5 + 64:
            record = self._rewrite(path)
        elif new:
            record = self._append(path, new)
        self.unsaved = set()
        return record

    def saved_elsewhere(self, record: Record) -> None:
        """What a forked process's copy of this store saved (`save` there): its entries, read from
        the journal from now on. This process must not have changed the store meanwhile."""
        if record.whole:
            self._offsets, self._sizes, self.on_disk, self.torn = array("q"), array("q"), 0, False
            self.entries = {}
        else:
            assert self._path in (None, record.path), "its entries on disk would lie in two files"
        self._open_journal(record.path)
        self.entries.update(self._located(record.keys, record.start, record.sizes))
        self.on_disk += len(record.keys)
        self.unsaved = set()

    def _append(self, path: Path, new: dict[str, Any]) -> Record:
        """Append a record of the `new` entries, written value by value (a cold build's records
        run to ~250 MB a file at 100,000 papers); then read their values from the journal:
        written, they need no memory. A crash leaves at most a torn last record."""
        values = dict(zip(new, self._read_values(list(new.values())), strict=True))
        header = _journal_header(values)
        with path.open("ab") as handle:
            start = handle.seek(0, os.SEEK_END) + len(header)
            handle.write(header)
            for value in values.values():
                handle.write(value)
        self.on_disk += len(values)
        record = Record(path, False, start, list(values), array("q", map(len, values.values())))
        if path == self._path:  # else its other entries lie in another file
            self._open_journal(path)
            self.entries.update(self._located(record.keys, start, record.sizes))
        return record

    def _open_journal(self, path: Path) -> None:
        """Open the journal at `path`, where this store's entries on disk lie."""
        if self._journal is not None:
            self._journal.close()  # its values were read as bytes: nothing refers to it
        self._journal = path.open("rb", buffering=0)
        self._path = path

    def _rewrite(self, path: Path) -> Record:
        """Write the journal whole, then read its values from there: written, they need no memory.
        The values are written one by one, not joined first (~1 GB of records at 100,000 papers)."""
        entries = dict(zip(self.entries, self._read_values(list(self.entries.values())), strict=True))
        if self._journal is not None:
            self._journal.close()  # (an open file could not be replaced everywhere)
            self._journal = None
        header = _journal_header(entries)

        def fill(handle: BinaryIO) -> None:
            handle.write(header)
            for value in entries.values():
                handle.write(value)

        replace_atomically(path, fill)
        self.entries, self.on_disk, self.torn = entries, len(entries), False
        record = Record(path, True, len(header), list(entries), array("q", map(len, entries.values())))
        if entries:
            self._open_journal(path)
            self._offsets, self._sizes = array("q"), array("q")
            self.entries = dict(self._located(record.keys, record.start, record.sizes))
        return record

    def _located(self, keys: Iterable[str], start: int, sizes: array[int]) -> Iterator[tuple[str, int]]:
        """Each key of a record whose values start at `start` in the journal, with the
        number its value's offset and size are given under from now on."""
        first = len(self._sizes)
        offsets = array("q", accumulate(sizes, initial=start))
        offsets.pop()  # where the record ends
        self._offsets.extend(offsets)
        self._sizes.extend(sizes)
        return zip(keys, range(first, len(self._sizes)), strict=True)


class Record(NamedTuple):
    """A record a store wrote to its journal at `path` (whole: as the only one): the values of
    `keys`, of `sizes`, one after the other from `start`."""

    path: Path
    whole: bool
    start: int
    keys: list[str]
    sizes: array[int]


def _journal_header(entries: dict[str, bytes]) -> bytes:
    """The stamp, keys and value sizes of a record of `entries`."""
    header = ((STAMP, STATE_FORMAT), list(entries), array("q", map(len, entries.values())))
    return pickle.dumps(header, protocol=pickle.HIGHEST_PROTOCOL)


class PackedStore(BlobStore):
    """A store of any values, pickled one by one (`pack`): loading it makes no objects, and a
    rebuild unpickles only the entries it uses, and keeps them."""

    keeps_values = True

    def __init__(self) -> None:
        super().__init__()
        self._values: dict[str, Any] = {}  # read or set so far (when it `keeps_values`)

    def __getitem__(self, key: str) -> Any:
        value = self._values.get(key, _MISSING)
        if value is _MISSING:
            value = pickle.loads(super().__getitem__(key))
            if self.keeps_values:
                self._values[key] = value
        self.used.add(key)
        return value

    def __setitem__(self, key: str, value: Any) -> None:
        self.set_packed(key, pack(value))
        if self.keeps_values:
            self._values[key] = value

    def set_packed(self, key: str, data: bytes) -> None:
        """Keep a value pickled elsewhere (e.g. by a forked process)."""
        self._set_entry(key, data)

    def _set_entry(self, key: str, entry: Any) -> None:
        self._values.pop(key, None)
        super()._set_entry(key, entry)

    def __delitem__(self, key: str) -> None:
        self._values.pop(key, None)
        super().__delitem__(key)

    def read_many(self, keys: Iterable[str]) -> list[Any]:
        return [self[key] for key in keys]

    def prune(self, *, drop_unused: bool = True) -> None:
        super().prune(drop_unused=drop_unused)
        self._values = {key: value for key, value in self._values.items() if key in self.entries}


class UnkeptStore(PackedStore):
    """A PackedStore that unpickles a value each time it is read and keeps none: for values a
    build reads once or twice each, here and there, which kept would add up to the build's end
    (the abstracts' HTML: ~130 MB at 100,000 papers in each process; the view keeps their text)."""

    keeps_values = False


class _ReadWhenUsed(Mapping[str, Any]):
    def __init__(self, store: BlobStore, keys: Mapping[str, str]) -> None:
        self._store, self._keys = store, keys

    def __getitem__(self, name: str) -> Any:
        return self._store[self._keys[name]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


def load_store(path: Path, kind: type[B] = PackedStore) -> B:  # type: ignore[assignment]
    """The store whose journal is at `path` (empty when there is none)."""
    store = kind()
    store.load(path)
    return store


STATE_FILE = "build-state.pickle"
STATE_DELTA_FILE = "build-state-delta.pickle"  # what changed since STATE_FILE was written (journal.py)
RELATED_FILE = "related-index.pickle"
LAST_BUILD_FILE = "last-build.pickle"  # what a rebuild with nothing changed checks, and nothing more
STORES = ("papers", "analysed", "topics", "records", "search")  # each a journal of its own
LATE_RESULTS = ("search",)  # results a build has only once its search index is done
STATE_FORMAT = 22  # bump when BuildState or what it holds changes shape


class FileStamp(NamedTuple):
    """A paper file as last read: trusted unread only when size and mtime match and it had settled."""

    mtime_ns: int
    size: int
    key: str  # path and content digest: what the parsed paper is cached under
    text: str  # digest of the paper's title and abstract: what its abstract and words are made from
    settled: bool  # modified well before that build started, so an edit cannot hide in the same tick


class OutputEntry(NamedTuple):
    """An output file as a build left it."""

    inputs: str  # digest of everything the file was made from
    digest: str  # digest of its bytes
    size: int
    mtime_ns: int


class _Store(Generic[B]):
    """A store of a BuildState, read from the state's folder when first used."""

    def __init__(self, kind: type[B]) -> None:
        self.kind = kind

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, state: BuildState, owner: type | None = None) -> B:
        store = state._stores.get(self.name)
        if store is None:
            folder = state.folder
            store = load_store(folder / f"{self.name}.pickle", self.kind) if folder else self.kind()
            state._stores[self.name] = store
        return store  # type: ignore[return-value]

    def __set__(self, state: BuildState, store: B) -> None:
        state._stores[self.name] = store


@dataclass
class BuildState:
    """What one build leaves for the next: in memory for the dev server, pickled in the cache folder.

    Every part is keyed by content digests, so a stale entry is never used, only not found.
    """

    files: dict[str, FileStamp] = field(default_factory=dict)  # paper file as shown -> stamp
    results: dict[str, tuple[str, Any]] = field(default_factory=dict)  # name -> (inputs digest, value)
    # output folder (resolved) -> output path -> entry; the folder built last is last
    outputs: dict[str, dict[str, OutputEntry]] = field(default_factory=dict)
    changed: bool = False  # since loaded or saved (apart from the caches, which know for themselves)
    folder: Path | None = None  # where it was loaded from: the large parts are read from there on demand
    _related: Any = None  # the related-papers index (derive.RelatedIndex), kept in a file of its own
    _related_changed: bool = False
    fresh_words: dict[str, Any] = field(default_factory=dict)  # text key -> packed words, counted this build
    _stores: dict[str, BlobStore] = field(default_factory=dict)  # those read or made so far
    # Output folder (as `outputs` names it) -> its files (write.OutputFiles), listed by the dev
    # server while idle after its last build: the next build's listing, used once, never saved.
    listed_outputs: dict[str, Any] = field(default_factory=dict)
    _journal: Journal = field(default_factory=Journal)  # what the state's files hold (journal.py)

    # The stores, each a journal of its own, read from `folder` when first used: a rebuild
    # starts its forked processes before it reads those it needs later, or not at all.
    papers = _Store(PackedStore)  # content key -> Paper
    analysed = _Store(UnkeptStore)  # text key -> KeptAbstract
    topics = _Store(PackedStore)  # rules + content key -> ids; topics.yaml
    records = _Store(BlobStore)  # inputs -> papers.json record or papers.bib entry
    search = _Store(BlobStore)  # for build_search_bundle(cache=)

    def early_part(self) -> Part:
        """The parts a build is done with before its search index is (the paper files' stamps,
        every result but the search index's), ready for `save(early=...)`: a build works out
        their delta while that index is finished in a forked process. They must not change after."""
        return self._journal.part("early", self._early_parts())

    def _early_parts(self) -> tuple[dict[str, FileStamp], dict[str, tuple[str, Any]]]:
        return self.files, {name: result for name, result in self.results.items() if name not in LATE_RESULTS}

    def _late_parts(self) -> tuple[dict[str, dict[str, OutputEntry]], dict[str, tuple[str, Any]]]:
        return self.outputs, {name: result for name, result in self.results.items() if name in LATE_RESULTS}

    @classmethod
    def _restored(cls, folder: Path, journal: Journal, early: Any, late: Any) -> BuildState:
        (files, results), (outputs, late_results) = early, late
        return cls(
            files=files, results={**results, **late_results}, outputs=outputs, folder=folder, _journal=journal
        )

    def related_index(self) -> Any | None:
        """The related-papers index the last build left, read only when related papers must be redone."""
        if self._related is None and self.folder is not None:
            self._related = read_stamped(self.folder / RELATED_FILE)
        return self._related

    def related_index_unread(self) -> bool:
        """Whether the last build's related-papers index is on disk and not read yet."""
        return self._related is None and self.folder is not None and (self.folder / RELATED_FILE).is_file()

    def related_index_missing(self) -> bool:
        """Whether no related-papers index is known: none in memory, none on disk (a first build)."""
        return self._related is None and (self.folder is None or not (self.folder / RELATED_FILE).is_file())

    def keep_related_index(self, index: Any, *, changed: bool) -> None:
        self._related_changed = self._related_changed or changed
        self._related = index

    def related_index_saved_later(self) -> None:
        """Leave the related index as it is on disk this build (a later build saves it, once
        enough papers changed since; BEHIND_THE_INDEX keeps which)."""
        self._related_changed = False

    def save_related_index(self, before_writing: Callable[[Any], None] | None = None) -> None:
        """Write the related index where the state was loaded from, when it changed (a forked
        process that updated it saves it itself, `before_writing` it, e.g. to pack it)."""
        if self._related_changed and self._related is not None and self.folder is not None:
            if before_writing is not None:
                before_writing(self._related)
            write_stamped(self.folder / RELATED_FILE, self._related)
        self._related_changed = False

    def result(self, name: str, inputs: str) -> Any | None:
        """A whole-library result (related papers, search bundle) when its inputs are unchanged."""
        found = self.results.get(name)
        return found[1] if found is not None and found[0] == inputs else None

    def made(self, name: str, inputs: str, make: Callable[[], Any]) -> Any:
        """The result kept under `name` when made from the same `inputs`, else `make()`'s, kept."""
        found = self.result(name, inputs)
        if found is None:
            found = make()
            self.keep(name, inputs, found)
        return found

    def keep(self, name: str, inputs: str, value: Any) -> None:
        """Keep `value` as the result `name` made from `inputs`. Another value for the same inputs
        replaces it: one patched for what its inputs do not cover (the listings' repeated papers,
        by abstracts, which the cards they are kept by leave out)."""
        found = self.results.get(name)
        if found is None or found[0] != inputs or found[1] is not value:
            self.results[name] = (inputs, value)
            self.changed = True

    def keep_latest(self, name: str, value: Any) -> None:
        """A result the next build works from, whatever its inputs."""
        self.results[name] = ("", value)
        self.changed = True

    def latest(self, name: str) -> Any | None:
        found = self.results.get(name)
        return found[1] if found is not None else None

    def spill_as_it_grows(self, name: str, every: int) -> list[Record]:
        """Have the store `name` spill its new entries each time they add up to `every` bytes, not
        only when told: for a forked process's copy of a store, which alone writes its journal
        meanwhile (the search index's ~310 MB at 100,000 papers need not all be held at once).
        Returns the list of the records written, which grows; nothing without a folder."""
        records: list[Record] = []

        def spill() -> None:
            record = self.spill(name)
            if record is not None:
                records.append(record)

        if self.folder is not None:
            getattr(self, name).on_growth(every, spill)
        return records

    def spill(self, name: str) -> Record | None:
        """Write the store `name`'s new entries to its journal now, rather than with the state:
        written, they are read back from the file when used, so they leave memory (a cold build
        at 100,000 papers makes ~1 GB of records, used once). Returns the record written, which
        a forked process hands back (`BlobStore.saved_elsewhere`); nothing without a folder."""
        store = self._stores.get(name)
        if self.folder is None or store is None:
            return None
        path = self.folder / f"{name}.pickle"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            return store.save(path)
        except OSError as exc:  # e.g. a full disk: the error names the cache, not the site
            raise os_error(exc, "write the cache", exc.filename or path) from None

    def prune(self, *, drop_unused: bool = True) -> None:
        """Drop what this build did not use, unless told it did not look at everything (the
        stores save themselves: `changed` is not theirs)."""
        for store in self._stores.values():
            store.prune(drop_unused=drop_unused)

    @classmethod
    def load(cls, folder: Path) -> BuildState:
        """The state saved in `folder`: the one in memory when this process saved it last (the dev
        server's case), else read from disk."""
        if _LAST_SAVED and _LAST_SAVED[0] == (folder, _signature(folder)):
            return _LAST_SAVED[1]
        journal = Journal()
        try:
            parts = _read_parts(journal, folder)
            return cls._restored(folder, journal, *parts) if parts is not None else cls(folder=folder)
        except (*UNREADABLE, KeyError):  # parts of another shape, under the same stamp
            return cls(folder=folder)

    def save(self, folder: Path, early: Part | None = None) -> None:
        """Write the state (only when `changed` says so; `early`: its `early_part()` part):
        the entries changed since the base file was written, or all of it as a new base; then
        its stores' new entries and the related index (when it changed)."""
        if self.changed or self.folder != folder:
            parts = [early or self._journal.part("early", self._early_parts())]
            parts.append(self._journal.part("late", self._late_parts()))
            _write_parts(self._journal, folder, parts)
        for name, store in self._stores.items():  # one never read has nothing new
            store.save(folder / f"{name}.pickle")
        self.folder, self.changed = folder, False
        self.save_related_index()
        self.remember(folder)

    def remember(self, folder: Path) -> None:
        """Keep this state for the next `load` in this process, while `folder`'s files are unchanged."""
        _LAST_SAVED[:] = [(folder, _signature(folder)), self]


def _read_parts(journal: Journal, folder: Path) -> list[Any] | None:
    """The state's two parts from its base file and, when it was written after that base, its
    delta file; None when the base is missing, torn or foreign."""
    base = read_stamped(folder / STATE_FILE, parts=3)
    if base is None:
        return None
    delta = read_stamped(folder / STATE_DELTA_FILE, parts=3)
    changes = delta[1:] if delta is not None and delta[0] == base[0] else None
    with collector_paused():  # as while unpickling: ~40,000 new tables' entries, none of them garbage
        return journal.read(base[0], folder, base[1:], changes)


def _write_parts(journal: Journal, folder: Path, parts: list[Part]) -> None:
    """The parts as a delta against the base on disk, or as a new base (its delta removed)."""
    if not journal.rebase_needed(parts, folder):
        deltas = [Pickled(part.delta) for part in parts if part.delta is not None]
        assert journal.base is not None and len(deltas) == len(parts)  # else a new base is needed
        write_stamped(folder / STATE_DELTA_FILE, journal.base, *deltas)
        journal.written(parts, folder)
        return
    base = journal.new_base()
    # Pickled into the file, not first into bytes (~100 MB at 100,000 papers).
    write_stamped(folder / STATE_FILE, base, *map(journal.whole, parts))
    (folder / STATE_DELTA_FILE).unlink(missing_ok=True)  # made for the base replaced
    journal.written(parts, folder, base)


_LAST_SAVED: list[Any] = []  # [(folder, its files' signature), the state]: one only, to bound memory


def _signature(folder: Path) -> tuple[tuple[int, int] | None, ...]:
    """Changes whenever another process writes the state files."""
    found: list[tuple[int, int] | None] = []
    for name in (STATE_FILE, STATE_DELTA_FILE, RELATED_FILE, *(f"{store}.pickle" for store in STORES)):
        try:
            status = (folder / name).stat()
            found.append((status.st_mtime_ns, status.st_size))
        except OSError:
            found.append(None)
    return tuple(found)


class Pickled(bytes):
    """A value pickled already: `write_stamped` writes it as it is."""


def read_stamped(path: Path, parts: int = 1) -> Any | None:
    """What `write_stamped` wrote at `path` (a tuple of its `parts` values when more than one),
    or None when it is missing, torn, or written by another sitegen or Python."""
    try:
        with path.open("rb") as handle, collector_paused():
            if pickle.load(handle) != (STAMP, STATE_FORMAT):
                return None
            values = tuple(pickle.load(handle) for _ in range(parts))
    except UNREADABLE:
        return None
    return values if parts > 1 else values[0]


def write_stamped(path: Path, *parts: Any) -> None:
    """The stamp, then each of `parts` pickled (unless `Pickled` already), written atomically."""

    def fill(handle: BinaryIO) -> None:
        pickle.dump((STAMP, STATE_FORMAT), handle, protocol=pickle.HIGHEST_PROTOCOL)
        for part in parts:
            if isinstance(part, Pickled):
                handle.write(part)
            else:
                pickle.dump(part, handle, protocol=pickle.HIGHEST_PROTOCOL)

    replace_atomically(path, fill)
