"""The offline search bundle: a compact Lunr index built in Python, lunr.js 2.3.9 and the search UI.

The index ships as a `.js` file assigning a global (a `<script>` loads from file://, `fetch` does
not). Instead of lunr.js's serialized index, whose per-posting scores make it ~25 MB at 10,000
papers, it holds what lunr.js needs to score: terms, delta-encoded postings with term
frequencies, and field lengths, in shards of a few hundred consecutive documents, each with its
own term list (in the order lunr.js numbers terms). search.js merges the shards and scores with
lunr.js's BM25 to the last bit (tests/test_search_index.py compares with lunr.js's own index and
queries). Terms come from a faithful port of lunr.js's pipeline (sitegen.stemmer), so every query
word stems as the index expects.

Shards make the index incremental: with a cache, a build re-encodes only shards whose documents
changed (cut points depend on nearby documents only, so an added paper shifts nothing else), and
re-tokenizes only changed documents. The file is the same, byte for byte, with or without a cache."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise
from typing import Any, Protocol, cast

from sitegen import urls
from sitegen.stemmer import index_term, tokenize

# Field name and boost: a title or system-name match outranks an abstract match.
FIELDS: tuple[tuple[str, int], ...] = (("title", 10), ("names", 8), ("topics", 3), ("year", 2), ("text", 1))
SNIPPET_CHARS = 200  # what a result shows of the abstract; the whole abstract is searched
INDEX_FORMAT = 2
# Documents per shard: a shard is cached and re-encoded as a whole. Cuts fall after a document
# whose digest is 0 modulo SHARD_SPREAD, so shards hold ~SHARD_MIN_DOCS + SHARD_SPREAD documents.
SHARD_MIN_DOCS = 96
SHARD_SPREAD = 192
SHARD_MAX_DOCS = 384
GLOBAL_NAME = "SITEGEN_SEARCH"

ASSETS = {  # output path -> (package, resource)
    "assets/lunr.js": ("sitegen", "vendor/lunr.js"),
    "assets/search.js": ("sitegen.templates", "static/search.js"),
    "assets/search.css": ("sitegen.templates", "static/search.css"),
}


@dataclass(frozen=True)
class SearchDocument:
    url: str  # relative to the site root, e.g. "papers/endogen.html"
    title: str
    text: str  # the abstract as plain text (no Markdown)
    topics: tuple[str, ...]  # topic titles
    date: str  # ISO date or ""
    names: tuple[str, ...] = ()  # system/model names introduced by the paper, e.g. "EndoGen"


@dataclass(frozen=True)
class SearchBundle:
    files: dict[str, bytes]  # output-relative path -> bytes (index, lunr.js, search.js, search.css)
    index_bytes: int  # raw size of what a reader downloads for search
    index_gzip_bytes: int


FieldTerms = tuple[dict[str, int], int]  # term -> count in order of first occurrence, field length


class SearchCache(Protocol):
    """Where the build keeps search work between builds: bytes by key (a dict will do).

    Keys name their content (a digest of their input), so an entry never goes stale. A build
    reads (`get`) or writes every key it or the next build still needs, so entries a build did
    not touch can be dropped after it (keep the rest: ~2.5 KB a paper). A cache with a
    `touch(key)` method is told of a key still needed that way instead of being read.
    """

    def get(self, key: str, /) -> bytes | None: ...

    def __setitem__(self, key: str, value: bytes, /) -> None: ...


def build_search_bundle(
    docs: Sequence[SearchDocument],
    cache: SearchCache | None = None,
    keys: Sequence[str] | None = None,
    *,
    mark_used: bool = True,
) -> SearchBundle:
    """The search files for `docs`; with `cache`, only shards holding changed documents are redone.
    With `keys` (each document's `document_key`, when the caller knows them), a document is read
    from `docs` only when its shard must be encoded again. `mark_used`: mark the term counts of
    unchanged shards as used in `cache` (which only a cache that drops unused entries needs).

    The output is the same, byte for byte, with or without a cache.
    """
    files = {
        path: resources.files(package).joinpath(name).read_bytes() for path, (package, name) in ASSETS.items()
    }
    gzip_bytes = sum(gzip_size(data, cache) for data in files.values())
    files[urls.SEARCH_INDEX], index_gzip_bytes = index_file(docs, cache, keys, mark_used=mark_used)
    # Everything here is downloaded on first search: lunr.js and the index only then.
    return SearchBundle(
        files,
        index_bytes=sum(len(data) for data in files.values()),
        index_gzip_bytes=gzip_bytes + index_gzip_bytes,
    )


def gzip_size(data: bytes, cache: SearchCache | None = None) -> int:
    key = f"search-gzip {digest(data)}"
    known = cache.get(key) if cache is not None else None
    if known is None:
        known = str(len(gzip.compress(data, compresslevel=6, mtime=0))).encode()  # a typical server setting
        if cache is not None:
            cache[key] = known
    return int(known)


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def index_script(docs: Sequence[SearchDocument]) -> bytes:
    """The index file: `window.SITEGEN_SEARCH = {...};`, ASCII-only so no charset can garble it."""
    return index_file(docs, None)[0]


def index_file(
    docs: Sequence[SearchDocument],
    cache: SearchCache | None,
    keys: Sequence[str] | None = None,
    *,
    mark_used: bool = True,
) -> tuple[bytes, int]:
    """The index file and its gzip size (its shards' sizes compressed one by one: within a
    fraction of a percent of the whole, as deflate looks back 32 KB only). A shard's text and
    size are cached, so an unchanged shard costs a look-up."""
    head = json.dumps(index_header(), separators=(",", ":"))[:-1]
    head = f'window.{GLOBAL_NAME}={head},"shards":['
    encoded = [encoded_shard(shard, cache, mark_used) for shard in shard_documents(docs, keys)]
    data = head.encode("ascii") + b",".join(text for text, _ in encoded) + b"]};\n"
    return data, gzip_size(head.encode("ascii")) + sum(size for _, size in encoded)


def search_data(docs: Sequence[SearchDocument]) -> dict[str, Any]:
    """The index file's content, as Python values."""
    return {**index_header(), "shards": [shard_data(shard.docs) for shard in shard_documents(docs)]}


def index_header() -> dict[str, object]:
    return {"format": INDEX_FORMAT, "lunr": "2.3.9", "fields": [list(field) for field in FIELDS]}


@dataclass(frozen=True)
class Shard:
    docs: Sequence[SearchDocument]
    keys: Sequence[str]  # each document's digest

    @property
    def key(self) -> str:
        return f"search-shard {INDEX_FORMAT} " + digest(" ".join(self.keys).encode("ascii"))


def shard_documents(docs: Sequence[SearchDocument], keys: Sequence[str] | None = None) -> list[Shard]:
    """Consecutive runs of documents, cut after a document whose digest says so.

    Cuts depend on the documents near them only, so adding or removing a paper changes one or
    two shards, not every shard after it.
    """
    shards: list[Shard] = []
    start, keys = 0, keys if keys is not None else [document_key(doc) for doc in docs]
    for end, key in enumerate(keys, start=1):
        size = end - start
        if size >= SHARD_MAX_DOCS or (size >= SHARD_MIN_DOCS and int(key[:8], 16) % SHARD_SPREAD == 0):
            shards.append(Shard(docs[start:end], keys[start:end]))
            start = end
    if start < len(docs) or not shards:
        shards.append(Shard(docs[start:], keys[start:]))
    return shards


def document_key(doc: SearchDocument) -> str:
    values = [doc.url, doc.title, doc.text, *doc.topics, doc.date, *doc.names]
    sizes = [len(doc.topics), len(doc.names)]  # with each value's length: no two documents collide
    framed = "\0".join(map(str, [*sizes, *map(len, values)])) + "\0" + "".join(values)
    return digest(framed.encode("utf-8", "surrogatepass"))


def encoded_shard(shard: Shard, cache: SearchCache | None, mark_used: bool = True) -> tuple[bytes, int]:
    """A shard's JSON text (ASCII) and its gzip size; cached as b"size\\ntext"."""
    known = cache.get(shard.key) if cache is not None else None
    if cache is not None and known is not None:
        if mark_used:  # still needed: the next edit in this shard reads them
            keep = getattr(cache, "touch", cache.get)
            for key in shard.keys:
                keep(terms_key(key))
        size, text = known.split(b"\n", 1)
        return text, int(size)
    docs = list(shard.docs)  # each made once (they may be made when read)
    if cache is None:
        data = shard_data(docs)
    else:
        counted = [counted_fields(doc, key, cache) for doc, key in zip(docs, shard.keys, strict=True)]
        data = shard_data(docs, counted)
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    text_size = gzip_size(text)
    if cache is not None:
        cache[shard.key] = b"%d\n%s" % (text_size, text)
    return text, text_size


def shard_data(
    docs: Sequence[SearchDocument], counted: Sequence[Sequence[FieldTerms]] | None = None
) -> dict[str, object]:
    """One shard: its documents (numbered from 0), their topics, and their compact index."""
    if counted is None:
        counted = [[term_frequencies(value) for value in field_values(doc)] for doc in docs]
    index = CompactIndex.build(counted)
    topic_titles = sorted({topic for doc in docs for topic in doc.topics})
    topic_number = {title: number for number, title in enumerate(topic_titles)}
    return {
        "terms": index.terms,
        "postings": index.encoded_postings(),
        "lengths": index.lengths,
        "topics": topic_titles,
        "docs": [
            [doc.url, doc.title, doc.date, [topic_number[t] for t in doc.topics], snippet(doc.text)]
            for doc in docs
        ],
    }


def terms_key(doc_key: str) -> str:
    return f"search-terms {INDEX_FORMAT} {doc_key}"


def counted_fields(doc: SearchDocument, doc_key: str, cache: SearchCache) -> list[FieldTerms]:
    """Each field's term counts and length, from the cache when the document is unchanged."""
    key = terms_key(doc_key)
    known = cache.get(key)
    if known is not None:
        return [
            (dict(zip(terms, counts, strict=True)), length) for terms, counts, length in json.loads(known)
        ]
    counted = [term_frequencies(value) for value in field_values(doc)]
    encoded = [[list(terms), list(terms.values()), length] for terms, length in counted]
    cache[key] = json.dumps(encoded, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    return counted


def field_values(doc: SearchDocument) -> tuple[str, ...]:
    """The text of each field in FIELDS, as lunr.js would be given it (lists joined by spaces)."""
    values = {
        "title": doc.title,
        "names": " ".join(doc.names),
        "topics": " ".join(doc.topics),
        "year": doc.date[:4],
        "text": doc.text,
    }
    return tuple(values[name] for name, _ in FIELDS)


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The start of the abstract, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,;:.") + "…"


@dataclass
class CompactIndex:
    """Postings in the shape of lunr.Builder's state after `add` of every document.

    terms: numbered in order of first occurrence (document, then field, then token), as lunr.js
    numbers them; postings[field][term]: [doc, tf, doc, tf, ...] with ascending docs;
    lengths[field][doc]: the number of terms lunr.js counts for that field.
    """

    terms: list[str]
    postings: list[dict[int, list[int]]]
    lengths: list[list[int]]

    @classmethod
    def build(cls, documents: Sequence[Sequence[FieldTerms]]) -> CompactIndex:
        """From each document's fields' (term counts, length), as term_frequencies gives them."""
        index = cls([], [{} for _ in FIELDS], [[] for _ in FIELDS])
        term_numbers: dict[str, int] = {}
        for doc_number, fields in enumerate(documents):
            for field_number, (frequencies, length) in enumerate(fields):
                index.lengths[field_number].append(length)
                field_postings = index.postings[field_number]
                for term, frequency in frequencies.items():
                    number = term_numbers.get(term)
                    if number is None:
                        number = term_numbers[term] = len(index.terms)
                        index.terms.append(term)
                    if number in field_postings:
                        field_postings[number] += (doc_number, frequency)
                    else:
                        field_postings[number] = [doc_number, frequency]
        return index

    def encoded_postings(self) -> list[str]:
        """Per term, its fields joined by ";" (trailing empty fields left out); per field,
        "gap" or "gap:tf" entries in base 36 joined by "," where gap is the distance from
        the previous document number (the first from -1)."""
        digits = base36_table(max(len(self.lengths[0]) + 1, 1296))
        encoded = []
        for number in range(len(self.terms)):
            fields = [
                encode_field(postings[number], digits) if number in postings else ""
                for postings in self.postings
            ]
            encoded.append(";".join(fields).rstrip(";"))
        return encoded


def term_frequencies(value: str) -> FieldTerms:
    """Term -> count for one field, in order of first occurrence, and the field's length."""
    tokens = tokenize(value)
    frequencies: Counter[str | None] = Counter(map(index_term, tokens))  # None: a stop word
    stop_words = frequencies.pop(None, 0)
    return cast("dict[str, int]", frequencies), len(tokens) - stop_words


def encode_field(flat: Sequence[int], digits: list[str]) -> str:
    docs, frequencies = flat[0::2], flat[1::2]
    gaps = [digits[doc - previous] for previous, doc in pairwise([-1, *docs])]
    return ",".join(
        gap if frequency == 1 else f"{gap}:{base36(frequency, digits)}"
        for gap, frequency in zip(gaps, frequencies, strict=True)
    )


BASE36_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def base36_table(size: int) -> list[str]:
    """Every number below `size` in base 36 (postings hold millions: look them up)."""
    table = list(BASE36_DIGITS[: min(size, 36)])
    for number in range(36, size):
        table.append(table[number // 36] + BASE36_DIGITS[number % 36])
    return table


def base36(number: int, table: Sequence[str] = ()) -> str:
    if number < len(table):
        return table[number]
    text = BASE36_DIGITS[number % 36]
    while number >= 36:
        number //= 36
        text = BASE36_DIGITS[number % 36] + text
    return text
