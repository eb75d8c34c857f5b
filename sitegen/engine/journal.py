"""The build state's large dicts, saved as a base and, after it, only the entries changed since.

A build's state holds dicts with an entry per paper, per file or per page: at 100,000 papers
~90 MB pickled, ~1 s to pickle on every build. A one-paper edit changes a few of their entries,
so a save writes a delta: the entries that differ from the base's. Once the delta would be more
than an eighth of the base, the state is written whole, as a new base.

Which dicts are saved entry by entry is found by walking the state (`split`), not declared: any
dict of TABLE_FROM entries or more, reached through dataclasses, small plain tuples and smaller
dicts. A dict may be changed in place, or replaced; the values in it may not be changed in place
(the engine's are strings, tuples and frozen dataclasses): a save compares them with the values
the last one held. Pure data: store.py reads and writes the files.
"""

from __future__ import annotations

import copy
import os
import pickle
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from functools import partial
from itertools import compress, repeat
from operator import ne
from typing import Any, TypeAlias

TABLE_FROM = 16  # a dict this large is a table (smaller ones are pickled with the skeleton)
WALKED_TUPLE = 8  # tuples up to this long are walked for tables; longer ones are tables, kept whole
DROPPED = "dropped"  # how a dict's keys differ from the base's (Order)
WHOLE = "whole"  # the kind of a table kept whole (a tuple): in a delta when it differs from the base's
REBASE_AT = 8  # a new base once the delta's entries are more than 1/REBASE_AT of the base's
KEYS_PER_ENTRY = 4  # a delta's list of keys (a dict's order, a tuple) weighs this many to an entry

Where = tuple[Any, ...]  # a table's place: the part's name, then the keys and field names to it
Table: TypeAlias = "dict[Any, Any] | tuple[Any, ...]"  # a dict, saved by entry; or a long tuple
Packed = tuple[Any, Any]  # (the named tuple type of its values or None, its entries)
# How a dict's keys differ from the base's: not at all (None); some dropped and new ones last
# (DROPPED, the keys dropped, the keys added); else all of them, in order.
Order: TypeAlias = "tuple[str, list[Any], list[Any]] | list[Any] | None"


@dataclass(frozen=True)
class _Table:
    """Where a table was, in a skeleton."""

    where: Where


def split(value: Any, where: Where) -> tuple[Any, dict[Where, Table]]:
    """`value` with each table replaced by a `_Table` (the skeleton; `value` is left as it is),
    and the tables by where they were."""
    tables: dict[Where, Table] = {}
    return _split(value, where, tables), tables


def _split(value: Any, where: Where, tables: dict[Where, Table]) -> Any:
    kind = type(value)
    if kind is dict:
        if len(value) >= TABLE_FROM:
            tables[where] = value
            return _Table(where)
        return {key: _split(item, (*where, key), tables) for key, item in value.items()}
    if kind is tuple:
        if len(value) > WALKED_TUPLE:
            tables[where] = value
            return _Table(where)
        return tuple(_split(item, (*where, index), tables) for index, item in enumerate(value))
    if is_dataclass(value) and not isinstance(value, type):
        shell = copy.copy(value)
        for each in fields(value):
            inner = _split(getattr(value, each.name), (*where, each.name), tables)
            object.__setattr__(shell, each.name, inner)
        return shell
    return value


def joined(skeleton: Any, tables: dict[Where, Table]) -> Any:
    """The value `split` took apart: its skeleton (filled in place) with its tables put back."""
    kind = type(skeleton)
    if kind is _Table:
        return tables[skeleton.where]
    if kind is dict:
        return {key: joined(item, tables) for key, item in skeleton.items()}
    if kind is tuple and len(skeleton) <= WALKED_TUPLE:
        return tuple(joined(item, tables) for item in skeleton)
    if is_dataclass(skeleton) and not isinstance(skeleton, type):
        for each in fields(skeleton):
            object.__setattr__(skeleton, each.name, joined(getattr(skeleton, each.name), tables))
    return skeleton


def packed(entries: Table) -> Packed:
    """A table as pickled: a dict's named tuples as plain ones (pickling a named tuple calls
    back into Python: ~0.1 s for the 20,000 stamps and manifest entries of 10,000 papers)."""
    if isinstance(entries, tuple):
        return WHOLE, entries
    kind = type(next(iter(entries.values()), None))
    named = issubclass(kind, tuple) and kind is not tuple and hasattr(kind, "_fields")
    if not named or any(type(v) is not kind for v in entries.values()):
        return None, entries
    return kind, {key: tuple(value) for key, value in entries.items()}


def unpacked(kind: Any, entries: Any) -> Table:
    """`packed`'s table as it was (named tuples made as tuples are: their own constructor is
    Python code)."""
    if kind is None or kind == WHOLE:
        return entries
    make: Callable[[tuple[Any, ...]], Any] = partial(tuple.__new__, kind)
    return dict(zip(entries, map(make, entries.values()), strict=True))


def changed_entries(now: Mapping[Any, Any], before: Mapping[Any, Any]) -> dict[Any, Any]:
    """The entries of `now` that `before` lacks or holds with another value."""
    if now == before:  # in C: most tables, after an edit (~80 ms for 1.3 million entries)
        return {}
    # Also in C, value by value: a table made again holds equal values that are other objects
    # (every paper's related papers, text keys), which a loop in Python compared at ~0.3 us each
    # (~2.5 ms a table at 10,000 papers); `!=` is quick for the very objects `before` holds.
    differ = compress(now, map(ne, now.values(), map(before.get, now, repeat(_NONE))))
    return {key: now[key] for key in differ}


_NONE = object()


@dataclass
class _Known:
    """A table as the files on disk hold it."""

    order: list[Any]  # a dict's keys in the base's order (none for a tuple)
    last: Table  # as last saved or read (a dict's copy: a build may change the dict itself)
    changed: frozenset[Any]  # the keys the delta on disk holds (a tuple's: WHOLE, if it holds it)


@dataclass
class Part:
    """One part of a state (pickled apart: a build pickles its first part while it waits for
    its search index), ready to be written as a delta or, if need be, as part of a new base."""

    skeleton: Any
    tables: dict[Where, Table]
    delta: bytes | None  # pickled: (skeleton, {where: (kind, changed entries, order or None)})
    changed: dict[Where, frozenset[Any]]  # the keys of the entries the delta holds, by table
    entries: int  # how many entries the delta holds (a new order, or a tuple, counts each item)


class Journal:
    """What the state's files hold: the base's id, and each table as the base and delta hold it."""

    def __init__(self) -> None:
        self.base: str | None = None  # the id of the base file read or written last
        self.folder: Any = None  # where it is
        self.known: dict[Where, _Known] = {}
        self.base_entries = 0

    def part(self, name: str, value: Any) -> Part:
        """`value`'s delta against the files on disk, pickled unless the state is better written
        whole (the tables must not change after)."""
        skeleton, tables = split(value, (name,))
        if self.base is None:  # written whole, as the first base
            return Part(skeleton, tables, None, {}, 0)
        deltas: dict[Where, tuple[Any, Any, Order]] = {}
        keys, entries = {}, 0
        for where, table in tables.items():
            known = self.known.get(where)
            if isinstance(table, tuple):
                if known is None or known.changed or known.last != table:
                    deltas[where], keys[where] = (WHOLE, table, None), frozenset((WHOLE,))
                    entries += len(table) // KEYS_PER_ENTRY
                continue
            changed, order = _delta(known, table)
            deltas[where], keys[where] = (*packed(changed), order), frozenset(changed)
            entries += len(changed) + _size(order)
        part = Part(skeleton, tables, None, keys, entries)
        if entries * REBASE_AT <= self.base_entries:  # else not worth pickling as a delta
            part.delta = pickle.dumps((skeleton, deltas), protocol=pickle.HIGHEST_PROTOCOL)
        return part

    def rebase_needed(self, parts: Sequence[Part], folder: Any) -> bool:
        """Whether to write the state whole: no base there yet, or the delta would be large."""
        if self.base is None or self.folder != folder or any(part.delta is None for part in parts):
            return True
        return sum(part.entries for part in parts) * REBASE_AT > self.base_entries

    @staticmethod
    def whole(part: Part) -> tuple[Any, dict[Where, Packed]]:
        """A part as a base holds it, to be pickled: (skeleton, {where: (kind, entries)})."""
        return part.skeleton, {where: packed(table) for where, table in part.tables.items()}

    @staticmethod
    def new_base() -> str:
        return os.urandom(8).hex()

    def written(self, parts: Sequence[Part], folder: Any, base: str | None = None) -> None:
        """The parts are on disk: as a new base with id `base`, else as the delta."""
        if base is not None:
            self.base, self.folder, self.known = base, folder, {}
            self.base_entries = sum(len(table) for part in parts for table in part.tables.values())
        for part in parts:
            for where, table in part.tables.items():
                changed = frozenset() if base is not None else part.changed.get(where, frozenset())
                known = self.known.get(where)
                if known is None:  # new since the base, the delta holds all of it; or a new base
                    order = list(table) if base is not None and type(table) is dict else []
                    self.known[where] = _Known(order, _copy(table), changed)
                else:
                    known.last, known.changed = _copy(table), changed

    def read(self, base: str, folder: Any, parts: Sequence[Any], deltas: Sequence[Any] | None) -> list[Any]:
        """The parts' values from a base's (id `base`) and, when given, a delta's pickled parts."""
        self.base, self.folder, self.known, self.base_entries = base, folder, {}, 0
        values = []
        for index, (skeleton, whole) in enumerate(parts):
            tables = {where: unpacked(*entries) for where, entries in whole.items()}
            self.base_entries += sum(map(len, tables.values()))
            for where, table in tables.items():
                self.known[where] = _Known(list(table) if type(table) is dict else [], table, frozenset())
            if deltas is not None:
                skeleton, changes = deltas[index]
                for where, (kind, changed, order) in changes.items():
                    tables[where] = _applied(tables.get(where), kind, changed, order)
                    self.known.setdefault(where, _Known([], {}, frozenset())).changed = (
                        frozenset((WHOLE,)) if kind == WHOLE else frozenset(changed)
                    )
            for where, table in tables.items():
                self.known[where].last = _copy(table)
            values.append(joined(skeleton, tables))
        return values


def _delta(known: _Known | None, table: dict[Any, Any]) -> tuple[dict[Any, Any], Order]:
    """A dict's entries that differ from the base's, and how its keys differ from the base's."""
    if known is None:  # not in the base: all of it, in order
        return dict(table), None
    if not isinstance(known.last, dict):  # a tuple before: all of it, and all its keys
        return dict(table), list(table)
    changed = changed_entries(table, known.last)
    for key in known.changed:  # what the delta on disk holds, changed or not since
        if key in table:
            changed[key] = table[key]
    keys = list(table)
    if keys == known.order:
        return changed, None
    base = set(known.order)
    kept = [key for key in known.order if key in table]
    added = [key for key in keys if key not in base]
    if kept + added == keys:  # the usual change: keys dropped, new ones last (an output's files)
        return changed, (DROPPED, [key for key in known.order if key not in table], added)
    return changed, keys


def _applied(table: Table | None, kind: Any, changed: Any, order: Order) -> Table:
    """A base's table with a delta's changes."""
    if kind == WHOLE:
        return tuple(changed)
    applied: dict[Any, Any] = table if isinstance(table, dict) else {}  # the base's, read just now
    entries = unpacked(kind, changed)
    if order is None:
        applied.update(entries)
        return applied
    if order[0] == DROPPED:
        for key in order[1]:
            del applied[key]
        for key in order[2]:
            applied[key] = entries[key]
        applied.update(entries)
        return applied
    applied.update(entries)
    return {key: applied[key] for key in order}


def _size(order: Order) -> int:
    if order is None:
        return 0
    return len(order[1]) + len(order[2]) if order[0] == DROPPED else len(order) // KEYS_PER_ENTRY


def _copy(table: Table) -> Table:
    return dict(table) if isinstance(table, dict) else table
