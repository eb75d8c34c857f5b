"""The build state saved as a base and deltas (sitegen/engine/journal.py): whatever a build
changes, the next one reads back what was saved, entry for entry and in order.

The expected value is the state in memory when it was saved, copied by pickle, not by the
journal's code. The changes are drawn at random, round after round, as a build and the dev
server make them: values changed, keys added and dropped, dicts reordered or changed in place,
tables growing from small dicts, long tuples replaced, and changes large enough for a new base.
"""

from __future__ import annotations

import dataclasses
import pickle
import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sitegen.engine import store
from sitegen.engine.journal import REBASE_AT, TABLE_FROM, WALKED_TUPLE
from sitegen.engine.parallel import forked
from sitegen.engine.store import STATE_DELTA_FILE, STATE_FILE, BuildState, FileStamp, OutputEntry


@dataclass(frozen=True)
class Keys:
    card: dict[str, str]
    text: dict[str, str]


@dataclass(frozen=True)
class Made:
    keys: Keys
    newest: tuple[str, ...]
    fields: tuple[str, ...]
    small: dict[str, Any]
    layouts: dict[str, Any]


def canonical(value: Any) -> Any:
    """A value compared with its types and its dicts' order (== on dicts ignores the order)."""
    if isinstance(value, dict):
        return ("dict", [(key, canonical(item)) for key, item in value.items()])
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, [canonical(getattr(value, f.name)) for f in dataclasses.fields(value)])
    if isinstance(value, tuple):
        return (type(value).__name__, [canonical(item) for item in value])
    return (type(value).__name__, value)


def snapshot(state: BuildState) -> Any:
    """What the state's files must give back: its saved parts, copied by pickle (the results by
    name: the search index's is saved in the second part, the others in the first)."""
    parts = (state.files, dict(sorted(state.results.items())), state.outputs)
    return canonical(pickle.loads(pickle.dumps(parts)))


def read_back(folder: Path) -> BuildState:
    store._LAST_SAVED.clear()  # from the files, not the state this process saved last
    return BuildState.load(folder)


def stamp(rng: random.Random) -> FileStamp:
    return FileStamp(
        rng.randrange(10**12), rng.randrange(10**5), f"k{rng.random()}", f"t{rng.random()}", True
    )


def entry(rng: random.Random) -> OutputEntry:
    return OutputEntry(f"i{rng.random()}", f"d{rng.random()}", rng.randrange(10**6), rng.randrange(10**12))


def new_state(rng: random.Random, papers: int) -> BuildState:
    slugs = [f"paper-{n}" for n in range(papers)]
    made = Made(
        keys=Keys(card={s: f"c{rng.random()}" for s in slugs}, text={s: f"t{rng.random()}" for s in slugs}),
        newest=tuple(rng.sample(slugs, len(slugs))),
        fields=("authors", "title"),
        small={"a": 1, "b": (1, 2)},
        layouts={f"page-{n}": (f"f{n}", tuple(slugs[n : n + 3])) for n in range(papers // 3)},
    )
    return BuildState(
        files={f"content/papers/{s}.md": stamp(rng) for s in slugs},
        results={"site": ("", made), "listings": ("d1", {"x": tuple(slugs)}), "search": ("d2", tuple(slugs))},
        outputs={"/out": {f"papers/{s}/index.html": entry(rng) for s in slugs}},
    )


def change_a_dict(rng: random.Random, table: dict[str, Any], make: Any) -> dict[str, Any]:
    """One of the ways a build changes a dict; a new dict or the same one changed in place."""
    how = rng.choice(["values", "add", "drop", "drop-and-add", "move", "shuffle", "nothing"])
    keys = list(table)
    if how == "values":
        for key in rng.sample(keys, min(len(keys), rng.randint(1, 3))):
            table[key] = make()
    elif how == "add":
        for _ in range(rng.randint(1, 3)):
            table[f"new-{rng.random()}"] = make()
    elif how == "drop" and keys:
        for key in rng.sample(keys, min(len(keys), rng.randint(1, 3))):
            del table[key]
    elif how == "drop-and-add" and keys:
        del table[rng.choice(keys)]
        table[f"new-{rng.random()}"] = make()
    elif how == "move" and keys:
        key = rng.choice(keys)
        table[key] = table.pop(key)  # the same key, last
    elif how == "shuffle":
        rng.shuffle(keys)
        return {key: table[key] for key in keys}
    return table if rng.random() < 0.5 else dict(table)


def change(rng: random.Random, state: BuildState) -> None:
    """One build's changes to the state, some small, now and then a large one."""
    state.files = change_a_dict(rng, state.files, lambda: stamp(rng))
    folder = rng.choice(["/out", "/out", "/serve"])
    state.outputs[folder] = change_a_dict(rng, state.outputs.get(folder, {}), lambda: entry(rng))
    made: Made = state.results["site"][1]
    card = change_a_dict(rng, made.keys.card, lambda: f"c{rng.random()}")
    if rng.random() < 0.1:  # a large change: every card
        card = {key: f"c{rng.random()}" for key in card}
    small = dict(made.small)
    if rng.random() < 0.3:  # a small dict grows into a table, or a table shrinks into a small dict
        small = {f"s{n}": n for n in range(rng.choice([2, TABLE_FROM, TABLE_FROM + 5]))}
    newest = made.newest
    if rng.random() < 0.3:
        newest = tuple(rng.sample(newest, len(newest)))
    if rng.random() < 0.2:
        newest = newest[: WALKED_TUPLE - 1]  # a long tuple turns short, walked again
    layouts = change_a_dict(rng, made.layouts, lambda: (f"f{rng.random()}", ()))
    keys = Keys(card=card, text=dict(made.keys.text))
    made = dataclasses.replace(made, keys=keys, small=small, newest=newest, layouts=layouts)
    state.results["site"] = ("", made)
    if rng.random() < 0.3:
        state.results["search"] = (f"d{rng.random()}", tuple(reversed(state.results["search"][1])))
    flip = rng.random()  # a result that is a long tuple in one build, a table or nothing in another
    if flip < 0.15:
        state.results["flip"] = ("", tuple(range(rng.randint(WALKED_TUPLE + 1, 40))))
    elif flip < 0.3:
        state.results["flip"] = ("", {f"f{n}": rng.random() for n in range(rng.randint(TABLE_FROM, 40))})
    elif flip < 0.35:
        state.results.pop("flip", None)
    state.changed = True


@pytest.mark.parametrize("seed", range(12))
def test_what_a_build_reads_back_is_what_the_last_one_saved(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    state = new_state(rng, papers=rng.choice([5, 40, 300]))
    state.save(tmp_path)
    kinds = set()
    for _ in range(25):
        if rng.random() < 0.5:  # a new process: the state read back from the files
            state = read_back(tmp_path)
        change(rng, state)
        expected = snapshot(state)
        state.save(tmp_path)
        kinds.add("delta" if (tmp_path / STATE_DELTA_FILE).exists() else "base")
        assert snapshot(read_back(tmp_path)) == expected
    assert kinds == {"delta", "base"}, "both ways of saving were taken"


def test_a_delta_is_small_when_few_entries_changed(tmp_path: Path) -> None:
    rng = random.Random(7)
    state = new_state(rng, papers=2000)
    state.save(tmp_path)
    base = (tmp_path / STATE_FILE).stat().st_size
    path = next(iter(state.files))
    state.files[path] = stamp(rng)
    state.changed = True
    state.save(tmp_path)
    assert (tmp_path / STATE_FILE).stat().st_size == base, "the base is not written again"
    assert (tmp_path / STATE_DELTA_FILE).stat().st_size < base / 50
    assert read_back(tmp_path).files[path] == state.files[path]


def test_a_delta_left_from_an_older_base_is_not_applied(tmp_path: Path) -> None:
    """A build stopped between writing a new base and removing the old delta."""
    rng = random.Random(3)
    state = new_state(rng, papers=100)
    state.save(tmp_path)
    state.files[next(iter(state.files))] = stamp(rng)
    state.changed = True
    state.save(tmp_path)
    old_delta = tmp_path / "old-delta"
    shutil.copy(tmp_path / STATE_DELTA_FILE, old_delta)
    state.files = {path: stamp(rng) for path in state.files}  # a large change: a new base
    state.changed = True
    expected = snapshot(state)
    state.save(tmp_path)
    assert not (tmp_path / STATE_DELTA_FILE).exists()
    shutil.copy(old_delta, tmp_path / STATE_DELTA_FILE)
    assert snapshot(read_back(tmp_path)) == expected


def test_a_new_base_once_the_delta_would_be_large(tmp_path: Path) -> None:
    rng = random.Random(5)
    state = new_state(rng, papers=400)
    state.save(tmp_path)
    paths = list(state.files)
    entries = len(paths) * 5  # files, outputs, two key tables, the layouts: ~ the base's entries
    for path in paths[: entries // REBASE_AT // 2]:
        state.files[path] = stamp(rng)
    state.changed = True
    state.save(tmp_path)
    assert (tmp_path / STATE_DELTA_FILE).exists()
    for path in paths:
        state.files[path] = stamp(rng)
    state.changed = True
    state.save(tmp_path)
    assert not (tmp_path / STATE_DELTA_FILE).exists()


@pytest.mark.parametrize("seed", range(4))
def test_a_store_reads_back_what_it_saved_and_keeps_none_of_it_in_memory(tmp_path: Path, seed: int) -> None:
    """A store's journal, appended to build after build (a cold build spills its records after
    each data file): every value reads back, from this store and from the file, and none stays
    in memory once saved. Expected: the values as they were set."""
    rng = random.Random(seed)
    path, saved = tmp_path / "records.pickle", store.BlobStore()
    expected: dict[str, bytes] = {}
    for _ in range(8):
        for _ in range(rng.randint(1, 40)):
            key, value = f"key-{rng.randrange(120)}", rng.randbytes(rng.randint(0, 3000))
            saved[key] = expected[key] = value
        if rng.random() < 0.3:  # some dropped: the journal is rewritten once a fifth is dead
            for key in rng.sample(sorted(expected), len(expected) // 3):
                del saved[key], expected[key]
        saved.save(path)
        assert not any(isinstance(entry, bytes) for entry in saved.entries.values()), "values left in memory"
        assert {key: saved[key] for key in expected} == expected
        read = store.load_store(path, store.BlobStore)
        assert {key: read[key] for key in expected} == expected
        keys = sorted(expected) + rng.sample(sorted(expected), min(5, len(expected)))
        assert read.read_in_runs(keys) == [expected[key] for key in keys]  # in runs on disk, or not


def test_a_data_file_made_cold_is_its_chunks_laid_out_read_back_from_the_store(tmp_path: Path) -> None:
    """A chunked file made from nothing: its chunks are made once (those kept are not), spilled
    to the journal as they add up, and the file is written from there a batch at a time.
    Expected: the bytes ListFile.joined makes of the chunks, and their sizes."""
    from sitegen import outputs
    from sitegen.engine.making import _LaidOut, _Stored

    state = BuildState(folder=tmp_path)
    records = state.records
    records["key-3"] = b"kept"
    chunks = {f"slug-{n}": f"chunk {n} ".encode() * (n % 7) for n in range(2500)}
    chunks["slug-3"] = b"kept"
    keys = {slug: f"key-{n}" for n, slug in enumerate(chunks)}
    made: list[str] = []
    state.spill_as_it_grows("records", 4096)
    sizes = records.made_sizes(keys, lambda slug: made.append(slug) or chunks[slug])
    state.spill("records")
    assert "slug-3" not in made and len(made) == len(chunks) - 1
    assert list(sizes) == list(map(len, chunks.values()))
    for layout in (outputs.JSON_LIST, outputs.BIBTEX_LIST, outputs.BROWSE_LIST):
        written = _Stored(_LaidOut(layout, records, list(keys.values())), layout.size(sizes))
        expected = layout.joined(list(chunks.values()))
        assert written.read() == expected and written.size == len(expected)
        assert b"".join(written.pieces[1000:3001]) == b"".join(
            layout.pieces(list(chunks.values()))[1000:3001]
        )
    empty = _Stored(_LaidOut(outputs.JSON_LIST, records, []), outputs.JSON_LIST.size([]))
    assert empty.read() == outputs.JSON_LIST.empty and empty.size == len(outputs.JSON_LIST.empty)


def test_a_packed_store_keeps_what_it_unpickles_and_an_unkept_one_nothing(tmp_path: Path) -> None:
    """A store of papers keeps each value once read; the abstracts' store unpickles a value at
    each read and keeps none (held, they would add up to the end of the build). Expected: equal
    values; the same object again from the first, a new one at each read from the second."""
    for kind, keeps in ((store.PackedStore, True), (store.UnkeptStore, False)):
        path, packed = tmp_path / f"{kind.__name__}.pickle", kind()
        packed["a"], packed["b"] = ["abstract a"], ["abstract b"]
        packed.save(path)
        loaded = store.load_store(path, kind)
        for values in (packed, loaded):
            first = values["a"]
            assert first == ["abstract a"] and (values["a"] is first) == keeps
        packed["c"] = ["abstract c"]
        assert packed["c"] == ["abstract c"] and (packed["c"] is packed["c"]) == keeps
        assert packed.used >= {"a", "c"} and loaded.used == {"a"}


@pytest.mark.parametrize("seed", range(4))
def test_a_store_takes_in_what_a_forked_process_saved_of_its_copy(tmp_path: Path, seed: int) -> None:
    """A forked process sets entries in its copy of a store and saves them (appended, or the
    journal rewritten: the first time, or once a fifth is dead); this process takes in where they
    are (`saved_elsewhere`), reads every value from there, and so does the next build (the search
    index's forked process saves its entries so).
    Expected: the values as they were set, in either process."""
    rng = random.Random(seed)
    path, kept = tmp_path / "search.pickle", store.BlobStore()
    expected: dict[str, bytes] = {}
    for _ in range(6):
        new = {
            f"key-{rng.randrange(400)}": rng.randbytes(rng.randint(0, 3000))
            for _ in range(rng.randint(20, 80))
        }
        dropped = rng.sample(sorted(expected), len(expected) // 2) if rng.random() < 0.5 else []
        for key in dropped:
            del kept[key], expected[key]

        def save_in_copy(new: dict[str, bytes] = new) -> store.Record | None:
            kept.update(new)
            return kept.save(path)

        with forked(save_in_copy) as saved:
            record = saved()
        assert record is not None and record.path == path
        kept.saved_elsewhere(record)
        expected.update(new)
        assert not kept.changed and not any(isinstance(entry, bytes) for entry in kept.entries.values())
        assert {key: kept[key] for key in kept} == expected
        kept.save(path)  # nothing new to append; rewritten once a fifth of the journal is dead
        assert {key: kept[key] for key in kept} == expected
        read = store.load_store(path, store.BlobStore)  # (dropped entries stay on disk until rewritten)
        assert {key: read[key] for key in expected} == expected


def test_a_forked_process_spills_its_copy_of_a_store_as_it_grows(tmp_path: Path) -> None:
    """As the search index's forked process does: its store appends its new entries to the
    journal the last build left each time they add up to so many bytes, and once more at the end;
    this process takes in every record, in order. Expected: the values as they were set, read
    from the journal in this process and by the next build."""
    rng = random.Random(5)
    state = BuildState(folder=tmp_path)
    state.search["kept"] = b"from an earlier build"
    state.spill("search")
    expected = {"kept": b"from an earlier build"}
    new = {f"key-{n}": rng.randbytes(rng.randint(0, 300)) for n in range(200)}

    def make_in_copy() -> list[store.Record]:
        records = state.spill_as_it_grows("search", 5000)
        state.search.update(new)
        last = state.spill("search")
        return [*records, *([last] if last is not None else [])]

    with forked(make_in_copy) as made:
        records = made()
    assert len(records) > 3 and not records[0].whole
    for record in records:
        state.search.saved_elsewhere(record)
    expected.update(new)
    assert not any(isinstance(entry, bytes) for entry in state.search.entries.values()), (
        "values left in memory"
    )
    assert {key: state.search[key] for key in state.search} == expected
    read = store.load_store(tmp_path / "search.pickle", store.BlobStore)
    assert {key: read[key] for key in read} == expected


def test_a_table_that_was_a_tuple_in_between_reads_back_without_the_keys_it_lost(tmp_path: Path) -> None:
    """A result that is a dict in the base, a long tuple in one delta, then a smaller dict."""
    state = new_state(random.Random(11), papers=400)
    state.results["flip"] = ("", {f"f{n}": n for n in range(30)})
    state.save(tmp_path)
    for value in (tuple(range(20)), {f"f{n}": -n for n in range(20)}):
        state.results["flip"] = ("", value)
        state.changed = True
        expected = snapshot(state)
        state.save(tmp_path)
        assert (tmp_path / STATE_DELTA_FILE).exists(), "saved as a delta"
        assert snapshot(read_back(tmp_path)) == expected


def test_the_save_that_makes_a_fifth_of_the_journal_dead_rewrites_it_then(tmp_path: Path) -> None:
    """Every entry made again under a new key (a topics rule changed: each paper's topics are
    kept under the rules' digest), the old ones dropped as unused: the build that did it writes
    the journal whole, and the one-paper edit after it appends its entry. Expected: what each
    save wrote (whole or not, how many entries), and every value read back from the file."""
    path, saved = tmp_path / "topics.pickle", store.BlobStore()
    for number in range(300):
        saved[f"rules-1 paper-{number}"] = b"old" * 40
    assert saved.save(path).whole
    saved = store.load_store(path, store.BlobStore)  # the next build's
    made = {f"paper-{number}": f"rules-2 paper-{number}" for number in range(300)}
    saved.made_all(made, lambda name: b"new" * 40)  # as a build asks for them: marked used
    saved.prune()  # the rules-1 entries unused this build: dropped
    record = saved.save(path)
    assert record.whole and len(record.keys) == 300, "written whole by the build that made them"
    saved = store.load_store(path, store.BlobStore)  # the edit's
    saved["rules-2 paper-7"] = b"edited"
    record = saved.save(path)
    assert not record.whole and record.keys == ["rules-2 paper-7"], "the edit appends"
    read = store.load_store(path, store.BlobStore)
    expected = {f"rules-2 paper-{number}": b"new" * 40 for number in range(300)}
    expected["rules-2 paper-7"] = b"edited"
    assert {key: read[key] for key in read} == expected
