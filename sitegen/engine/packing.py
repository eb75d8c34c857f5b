"""How the related-papers index is kept between builds: packed, and unpacked only where used.

Each paper's words and query are kept as a string and an array instead of a dict or list of up
to ~100 items, each word's postings as a tuple of slugs (each slug pickled once for the whole
index) and an array instead of a dict of up to thousands. A rebuild unpacks the papers and words
an edit touches, not the million weights of 10,000 papers (~0.1 s to load instead of ~0.17 s),
and saves the others again as they were. `related.RelatedIndex` itself knows nothing of this:
it is pickled through `copyreg`, registered when this module is imported.
"""

from __future__ import annotations

import copyreg
from array import array
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import Any, TypeVar

from sitegen.related import RelatedIndex, Words

V = TypeVar("V")

Packed = tuple[str, bytes]  # keys joined by NUL, and their numbers as an array's bytes


class PackedMapping(MutableMapping[str, V]):
    """A mapping whose values are kept packed until first used."""

    def __init__(
        self,
        packed: dict[str, Any],
        encode: Callable[[V], Any],
        decode: Callable[[Any], V],
        missing: Callable[[], V] | None = None,
    ) -> None:
        self._packed = packed
        self._values: dict[str, V] = {}  # decoded or set; each key is in one of the two
        self._encode, self._decode = encode, decode
        self._missing = missing  # as a defaultdict's factory: makes the value of a key in neither

    def __getitem__(self, key: str) -> V:
        if key not in self._values:
            if key in self._packed or self._missing is None:
                self._values[key] = self._decode(self._packed.pop(key))  # KeyError when in neither
            else:
                self._values[key] = self._missing()
        return self._values[key]

    def get(self, key: str, default: Any = None) -> Any:
        """As Mapping.get: a missing key is not made (unlike `self[key]` with `missing`)."""
        if key in self._values or key in self._packed:
            return self[key]
        return default

    def __setitem__(self, key: str, value: V) -> None:
        self._packed.pop(key, None)
        self._values[key] = value

    def __delitem__(self, key: str) -> None:
        if key in self._values:
            del self._values[key]
        else:
            del self._packed[key]

    def __contains__(self, key: object) -> bool:
        return key in self._values or key in self._packed

    def __iter__(self) -> Iterator[str]:
        return iter([*self._packed, *self._values])  # decoding while iterating moves keys between the two

    def __len__(self) -> int:
        return len(self._packed) + len(self._values)

    def pack(self) -> dict[str, Any]:
        """Every entry packed: the untouched ones as they were loaded (to be read, not changed:
        when none was decoded, the mapping's own dict, not a copy of ~100,000 entries)."""
        if not self._values:
            return self._packed
        return {**self._packed, **{key: self._encode(value) for key, value in self._values.items()}}


class UnkeptMapping(PackedMapping[V]):
    """A packed mapping whose values are decoded each time they are read, never kept: for values
    read and never changed in place, as each paper's words (decoded twice in a build from nothing,
    once to count and once to place; at 100,000 papers, ~330 MB held as dicts, ~120 MB packed)."""

    def __getitem__(self, key: str) -> V:
        return self._decode(self._packed[key])

    def __setitem__(self, key: str, value: V) -> None:
        self._packed[key] = self._encode(value)


def _packed(mapping: Mapping[str, V], encode: Callable[[V], Any]) -> dict[str, Any]:
    if isinstance(mapping, PackedMapping):
        return mapping.pack()
    return {key: encode(value) for key, value in mapping.items()}


def pack_words(words: Words) -> Packed:
    return "\0".join(words), array("I", words.values()).tobytes()


def unpack_words(packed: Packed) -> Words:
    keys, numbers = packed
    return dict(zip(keys.split("\0"), array("I", numbers), strict=True)) if keys else {}


def packed_words(packed: dict[str, Packed] | None = None) -> UnkeptMapping[Words]:
    """A mapping to keep papers' words in, packed (see `UnkeptMapping`): those of `packed`
    (by slug, as `pack_words` packed them) to start with."""
    return UnkeptMapping({} if packed is None else packed, pack_words, unpack_words)


def _encode_query(query: list[tuple[str, float]]) -> Packed:
    return "\0".join(term for term, _ in query), array("d", (weight for _, weight in query)).tobytes()


def _decode_query(packed: Packed) -> list[tuple[str, float]]:
    keys, numbers = packed
    return list(zip(keys.split("\0"), array("d", numbers), strict=True)) if keys else []


def _encode_weights(weights: dict[str, float]) -> tuple[tuple[str, ...], bytes]:
    # The slugs as a tuple: pickled once each for the whole index, not once a word.
    return tuple(weights), array("d", weights.values()).tobytes()


def _decode_weights(packed: tuple[tuple[str, ...], bytes]) -> dict[str, float]:
    slugs, numbers = packed
    return dict(zip(slugs, array("d", numbers), strict=True))


Coder = Callable[[Any], Any]
PackedField = tuple[type[PackedMapping[Any]], Coder, Coder, Callable[[], Any] | None]
_PACKED_FIELDS: dict[str, PackedField] = {
    "words": (UnkeptMapping, pack_words, unpack_words, None),  # never changed in place
    "queries": (PackedMapping, _encode_query, _decode_query, None),
    "postings": (PackedMapping, _encode_weights, _decode_weights, dict),  # a new word's postings start empty
}


def _reduce(index: RelatedIndex) -> tuple[Callable[[dict[str, Any]], RelatedIndex], tuple[dict[str, Any]]]:
    state = dict(index.__dict__)
    for name, (_, encode, _, _) in _PACKED_FIELDS.items():
        state[name] = _packed(state[name], encode)
    return _restore, (state,)


def _restore(state: dict[str, Any]) -> RelatedIndex:
    for name, (kind, encode, decode, missing) in _PACKED_FIELDS.items():
        state[name] = kind(state[name], encode, decode, missing)
    index = RelatedIndex.__new__(RelatedIndex)
    index.__dict__.update(state)
    return index


def pack_in_place(index: RelatedIndex) -> None:
    """Make the index's words, queries and postings packed mappings, as loading it gives them,
    one value at a time, each let go of as it is packed. Pickling a built index packs them all at
    once beside the values (at 100,000 papers ~+130 MB at the peak of the process that saves it);
    this way the room each value leaves is there for the next one's packed form."""
    for name, (kind, encode, decode, missing) in _PACKED_FIELDS.items():
        values = getattr(index, name)
        if isinstance(values, PackedMapping):
            continue  # as loaded: pickling packs the few values decoded since
        packed = {key: encode(values.pop(key)) for key in list(values)}
        setattr(index, name, kind(packed, encode, decode, missing))


copyreg.pickle(RelatedIndex, _reduce)
