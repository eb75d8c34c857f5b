"""The offline search bundle: a compact index built in Python, lunr.js 2.3.9 and the search UI.

The index ships as a `.js` file assigning a global (a `<script>` loads from file://, `fetch` does
not). Instead of lunr.js's serialized index, whose per-posting scores make it ~25 MB at 10,000
papers, it holds each document's tokens, in shards of a few hundred consecutive documents: per
shard, a word list (index terms and stop words) and every field's tokens as codes into it, plus
the words of the text behind each term. From the tokens search-engine.js derives what lunr.js
needs to score (term numbers in lunr.js's order, postings with term frequencies, field lengths)
and scores with lunr.js's BM25 to the last bit; it checks quoted phrases against the tokens and
completes a word being typed from the words behind the terms (tests/test_search_oracle.py
compares it with lunr.js's own index and search). Terms come from a faithful port of lunr.js's
pipeline (sitegen.stemmer), so every query word stems as the index expects.

Shards make the index incremental: with a cache, a build re-encodes only shards whose documents
changed (cut points depend on nearby documents only, so an added paper shifts nothing else), and
re-tokenizes only changed documents. The file is the same, byte for byte, with or without a cache."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from sitegen import assets, urls
from sitegen.digests import digest
from sitegen.stemmer import STOP_WORDS, stem, tokenize, trim

# Field name and boost: a title or system-name match outranks an abstract match.
# `author:` and `venue:` search the authors' names and the journal or conference.
FIELDS: tuple[tuple[str, int], ...] = (
    ("title", 10), ("names", 8), ("author", 5), ("topics", 3), ("venue", 2), ("year", 2), ("text", 1),
)  # fmt: skip
SNIPPET_CHARS = 200  # what a result shows of the abstract; the whole abstract is searched
INDEX_FORMAT = 4
# Documents per shard: a shard is cached and re-encoded as a whole. Cuts fall after a document
# whose digest is 0 modulo SHARD_SPREAD, so shards hold ~SHARD_MIN_DOCS + SHARD_SPREAD documents.
SHARD_MIN_DOCS = 96
SHARD_SPREAD = 192
SHARD_MAX_DOCS = 384
GLOBAL_NAME = "SITEGEN_SEARCH"

@dataclass(frozen=True)
class SearchDocument:
    url: str  # relative to the site root, e.g. "papers/endogen.html"
    title: str
    text: str  # the abstract as plain text (no Markdown)
    topics: tuple[str, ...]  # topic titles
    date: str  # ISO date or ""
    names: tuple[str, ...] = ()  # system/model names introduced by the paper, e.g. "EndoGen"
    authors: tuple[str, ...] = ()  # the authors' names, as the page shows them
    venue: str = ""  # the journal or conference
    byline: str = ""  # what a result shows of who wrote it and where: "Lovelace et al. · Nature"


@dataclass(frozen=True)
class SearchBundle:
    files: dict[str, bytes]  # output-relative path -> bytes (index, lunr.js, the scripts, search.css)
    index_bytes: int  # raw size of what a reader downloads for search
    index_gzip_bytes: int


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
    files = assets.read(assets.SEARCH)
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
    values = [doc.url, doc.title, doc.text, *doc.topics, doc.date, *doc.names, *doc.authors, doc.venue]
    values.append(doc.byline)
    sizes = [len(doc.topics), len(doc.names), len(doc.authors)]  # with each value's length: no collisions
    framed = "\0".join(map(str, [*sizes, *map(len, values)])) + "\0" + "".join(values)
    return digest(framed.encode("utf-8", "surrogatepass"))


def encoded_shard(shard: Shard, cache: SearchCache | None, mark_used: bool = True) -> tuple[bytes, int]:
    """A shard's JSON text (ASCII) and its gzip size; cached as b"size\\ntext"."""
    known = cache.get(shard.key) if cache is not None else None
    if cache is not None and known is not None:
        if mark_used:  # still needed: the next edit in this shard reads them
            keep = getattr(cache, "touch", cache.get)
            for key in shard.keys:
                keep(tokens_key(key))
        size, text = known.split(b"\n", 1)
        return text, int(size)
    docs = list(shard.docs)  # each made once (they may be made when read)
    if cache is None:
        data = shard_data(docs)
    else:
        tokens = [cached_tokens(doc, key, cache) for doc, key in zip(docs, shard.keys, strict=True)]
        data = shard_data(docs, tokens)
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    text_size = gzip_size(text)
    if cache is not None:
        cache[shard.key] = b"%d\n%s" % (text_size, text)
    return text, text_size


def shard_data(
    docs: Sequence[SearchDocument], tokens: Sequence[DocumentTokens] | None = None
) -> dict[str, object]:
    """One shard: its words, each document's token codes, their topics, and what results show.

    `words` lists the index terms and stop words of the shard's documents, the most frequent
    first (codes are their positions); `stops` the codes that are stop words (a stop word can
    be spelled like a term: "others" stems to "other"). `surfaces` gives, per code, the words
    of the text behind a term (see `encoded_surfaces`); `tokens` every document's fields in
    FIELDS order, each field's tokens as codes (see `code_table`) and a "," after each field;
    `postings` how many (term, field, document) the tokens hold, for search-engine.js to size
    its arrays. search-engine.js derives lunr.js's postings, term numbers and field lengths from
    the tokens, and checks quoted phrases against them. `docs` is what a result shows of each:
    [url, title, date, topic numbers, snippet, byline (its authors and venue)].
    """
    if tokens is None:
        tokens = [document_tokens(doc) for doc in docs]
    key_of: dict[str, WordKey] = {}  # each distinct token's (is a stop word, term or stop word)
    keyed = [[[key_of.get(token) or key_of.setdefault(token, word_key(token)) for token in field]
              for field in fields] for fields in tokens]  # fmt: skip
    counts = Counter(key for fields in keyed for field in fields for key in field)
    order = sorted(counts, key=lambda key: -counts[key])  # stable: ties stay in order of first occurrence
    codes = {key: code for code, key in enumerate(order)}
    stop_codes = {code for code, (is_stop, _) in enumerate(order) if is_stop}
    table = code_table(len(order))
    encoded: list[str] = []
    postings = 0
    for fields in keyed:
        for field in fields:
            field_codes = [codes[key] for key in field]
            encoded.append("".join([table[code] for code in field_codes]) + ",")
            postings += len(set(field_codes) - stop_codes)
    surfaces: list[list[str]] = [[] for _ in order]
    for token, key in key_of.items():
        if token and not key[0]:
            surfaces[codes[key]].append(token)
    topic_titles = sorted({topic for doc in docs for topic in doc.topics})
    topic_number = {title: number for number, title in enumerate(topic_titles)}
    return {
        "words": [word for _, word in order],
        "stops": sorted(stop_codes),
        "surfaces": [
            encoded_surfaces(term, sorted(seen)) for (_, term), seen in zip(order, surfaces, strict=True)
        ],
        "tokens": "".join(encoded),
        "postings": postings,
        "topics": topic_titles,
        "docs": [
            [doc.url, doc.title, doc.date, [topic_number[t] for t in doc.topics], snippet(doc.text),
             doc.byline]
            for doc in docs
        ],
    }


DocumentTokens = list[list[str]]  # per field in FIELDS, its tokens as lunr.js's trimmer leaves them


def document_tokens(doc: SearchDocument) -> DocumentTokens:
    """Each field's tokens, lowercased and trimmed as lunr.js's tokenizer and trimmer leave them."""
    return [[trim(token) for token in tokenize(value)] for value in field_values(doc)]


WordKey = tuple[bool, str]


def word_key(token: str) -> WordKey:
    """(is a stop word, the index term or the stop word) for a trimmed token."""
    if token in STOP_WORDS:
        return True, token
    return False, stem(token)


def encoded_surfaces(term: str, surfaces: Sequence[str]) -> str:
    """The words behind a term, joined by spaces, each as the number of the term's last letters
    it drops (one digit) and the letters it adds: for "generat", "generation" is "0ion" and
    "generate" "0e"; for "studi", "study" is "1y". A word sharing too little is "=" + the word."""
    encoded = []
    for word in surfaces:
        shared = 0
        limit = min(len(term), len(word))
        while shared < limit and term[shared] == word[shared]:
            shared += 1
        dropped = len(term) - shared
        encoded.append(f"{dropped}{word[shared:]}" if dropped <= 9 else "=" + word)
    return " ".join(encoded)


CODE_LAST = "0123456789abcdefghijklmnopqrstuvwxyz"  # a code's last character
CODE_LEAD = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # the characters before it


def code_table(size: int) -> list[str]:
    """Codes 0..size-1 as self-delimiting text: the number modulo 36 as one character of
    CODE_LAST, preceded by the rest (if any) in base 26 in CODE_LEAD. 36 codes take one
    character, 936 two; no separator is needed between tokens."""
    table = []
    for number in range(size):
        rest, lead = number // 36, ""
        while rest:
            rest, digit = divmod(rest, 26)
            lead = CODE_LEAD[digit] + lead
        table.append(lead + CODE_LAST[number % 36])
    return table


def tokens_key(doc_key: str) -> str:
    return f"search-tokens {INDEX_FORMAT} {doc_key}"


def cached_tokens(doc: SearchDocument, doc_key: str, cache: SearchCache) -> DocumentTokens:
    """A document's tokens, from the cache when the document is unchanged."""
    key = tokens_key(doc_key)
    known = cache.get(key)
    if known is not None:
        return cast("DocumentTokens", json.loads(known))
    tokens = document_tokens(doc)
    cache[key] = json.dumps(tokens, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    return tokens


def field_values(doc: SearchDocument) -> tuple[str, ...]:
    """The text of each field in FIELDS, as lunr.js would be given it (lists joined by spaces)."""
    values = {
        "title": doc.title,
        "names": " ".join(doc.names),
        "author": " ".join(doc.authors),
        "topics": " ".join(doc.topics),
        "venue": doc.venue,
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
