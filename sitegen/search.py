"""The offline search bundle: a term-partitioned index built in Python, lunr.js 2.3.9 and the search UI.

Every file of the index is a `.js` file assigning a global (a `<script>` loads it from file://,
`fetch` does not), so a query downloads only what it needs:
 - the manifest (`assets/search-index.js`), loaded first: the fields and their boosts, the number
   of documents and each field's total length (what BM25 needs of the whole corpus), where each
   partition's range of keys begins, and the names of the other files;
 - partitions (`assets/search/p-*.js`), each the terms of a range of keys, in the order lunr.js's
   TokenSet sorts them: per term, its postings (document, field, term frequency, field length:
   all BM25 needs) and its rank among the terms first seen in its first document (which gives
   lunr.js's term numbers, in whose order lunr.Vector#dot adds up scores); and the words of the
   text in that range with their terms (for completing a word being typed);
 - each partition's positions (`assets/search/q-*.js`), read only for a quoted phrase: where each
   posting's term stands in its field, and the same for the stop words of the range;
 - document chunks (`assets/search/d*-*.js`), what a result shows of 16 consecutive papers;
 - the facets (`assets/search/f-*.js`), every paper's year and topics, for search.html's filters,
   and the order of their dates (`o-*.js`), read only to sort by date;
 - the words of each length with how many (field, paper) pairs hold their term, for "Did you mean".
search-engine.js scores with lunr.js's BM25 to the last bit (tests/test_search_oracle.py compares
it with lunr.js's own index and search). Terms come from a faithful port of lunr.js's pipeline
(sitegen.stemmer), so every query word stems as the index expects. File names carry a digest of
their content, so a page never mixes the files of two builds.

With a cache, a build analyses only the documents that changed and encodes only the document
chunks that changed; with the last build's files too, it decodes and makes again only the
partitions holding what changed. The files are the same, byte for byte, with or without either."""

from __future__ import annotations

import gzip
import json
import marshal
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate, pairwise
from typing import Any, Protocol, cast

from sitegen import assets, urls
from sitegen.digests import digest
from sitegen.stemmer import STOP_WORDS, fold, stem, tokenize, trim

# Field name and boost: a title or system-name match outranks an abstract match.
# `author:` and `venue:` search the authors' names and the journal or conference; `id` holds the
# paper's DOI and arXiv id, so that a reader checking "is this paper in the review?" with the
# identifier in hand finds it (search-engine.js searches a pasted arXiv: or doi.org address as it).
FIELDS: tuple[tuple[str, int], ...] = (
    ("title", 10), ("names", 8), ("author", 5), ("topics", 3), ("venue", 2), ("year", 2), ("text", 1),
    ("id", 10),
)  # fmt: skip
# search-engine.js marks a document's fields in 8 bits and their order in 32 (4 a field).
assert len(FIELDS) <= 8, "search-engine.js's scoreClauses holds at most 8 fields"
SNIPPET_CHARS = 200  # what a result shows of the abstract; the whole abstract is searched
INDEX_FORMAT = 5
GLOBAL_NAME = "SITEGEN_SEARCH"  # the manifest's global
PARTS_GLOBAL = "SITEGEN_SEARCH_PARTS"  # every other file registers itself here, by its name
FOLDER = urls.SEARCH_FILES
# Partitions: the sorted keys (terms, words, stop words) cut before a key whose digest is 0 modulo
# PART_SPREAD once a partition weighs PART_MIN (a posting or a word weighs 1), or at PART_MAX. Cuts
# depend on the keys near them only, so an edit moves few of them.
PART_MIN = 12_000
PART_SPREAD = 24
PART_MAX = 40_000
DOCS_PER_CHUNK = 16  # papers per document chunk: a result list of 8 reads at most 8 chunks
CHUNK_HASH = 8  # the characters of a chunk's digest in its name, and in the manifest's "chunks"
LONGEST_SUGGESTED = 42  # "Did you mean" suggests words of 42 letters at most (search-engine.js)


@dataclass(frozen=True)
class SearchDocument:
    """What the search index holds of one paper."""

    url: str  # relative to the site root, e.g. "papers/endogen.html"
    title: str
    text: str  # the abstract as plain text (no Markdown)
    topics: tuple[str, ...]  # topic titles
    date: str  # ISO date or ""
    names: tuple[str, ...] = ()  # system/model names introduced by the paper, e.g. "EndoGen"
    authors: tuple[str, ...] = ()  # the authors' names, as the page shows them
    venue: str = ""  # the journal or conference
    byline: str = ""  # what a result shows of who wrote it and where: "Lovelace et al. · Nature"
    ids: tuple[str, ...] = ()  # the DOI and the arXiv id (without version), as the page gives them


@dataclass(frozen=True)
class SearchBundle:
    """The search index's files, ready to write, and how much a reader may download."""

    files: dict[str, bytes]  # output path -> bytes: the index's files, lunr.js, the scripts, search.css
    index_bytes: int  # raw size of every file search may download
    index_gzip_bytes: int
    # The index's files the last build left that hold what they held: not read, not in `files`.
    kept: tuple[str, ...] = ()


class SearchCache(Protocol):
    """Where the build keeps search work between builds: bytes by key (a dict will do).

    Keys name their content (a digest of their input), so an entry never goes stale. A build
    reads (`get`) or writes every key it or the next build still needs, so entries a build did
    not touch can be dropped after it.
    """

    def get(self, key: str, /) -> bytes | None: ...

    def __setitem__(self, key: str, value: bytes, /) -> None: ...


class LastIndex(Protocol):
    """The index files the last build left in the output, read only while they are as it left them."""

    def read(self, path: str, /) -> bytes | None: ...

    def size(self, path: str, /) -> int | None:
        """The file's size while it is as the last build left it; else None."""
        ...


def build_search_bundle(
    docs: Sequence[SearchDocument],
    cache: SearchCache | None = None,
    keys: Sequence[str] | None = None,
    *,
    last: LastIndex | None = None,
    mark_used: bool = True,
) -> SearchBundle:
    """The search files for `docs`. With `cache`, only changed documents are tokenized again;
    with `keys` (each document's `document_key`, when the caller knows them), a document is read
    from `docs` only when its tokens or its chunk are not in the cache. With `last` too, and the
    same papers in the same order as the last build's, the last build's partitions are patched
    for the papers that changed instead of inverting every paper again. `mark_used`: tell
    `cache` that the tokens of the papers left alone are still needed (see SearchCache).

    The output is the same, byte for byte, with or without a cache or the last build's files:
    `files` and the last build's files of `kept` (those a patch did not change, left unread).
    """
    try:
        return _bundle(docs, cache, keys, last, mark_used)
    except _LastFileGone:  # one changed under this build: made without the last build's files
        return _bundle(docs, cache, keys, None, mark_used)


def _bundle(
    docs: Sequence[SearchDocument],
    cache: SearchCache | None,
    keys: Sequence[str] | None,
    last: LastIndex | None,
    mark_used: bool,
) -> SearchBundle:
    files = assets.read(assets.SEARCH)
    made, kept = index_files(docs, cache, keys, last, mark_used=mark_used)
    files.update(made)
    sizes = {path: len(data) for path, data in files.items()}
    for path in kept:
        sizes[path] = _last_size(last, path)
    parts = [path for path in sizes if path.startswith(FOLDER + "p-")]
    largest = max(parts, key=lambda path: (sizes[path], path))  # of two as large, the same whichever is kept
    first_use = [files[path] for path in (urls.SEARCH_INDEX, *assets.SEARCH)]
    largest_part = files[largest] if largest in files else _last_read(last, largest)
    return SearchBundle(
        files,
        index_bytes=sum(sizes.values()),
        index_gzip_bytes=sum(gzip_size(data, cache) for data in (*first_use, largest_part)),
        kept=tuple(kept),
    )


class _LastFileGone(Exception):
    """A file of the last build's index was no longer as it left it when read."""


def _last_size(last: LastIndex | None, path: str) -> int:
    size = last.size(path) if last is not None else None
    if size is None:
        raise _LastFileGone(path)
    return size


def _last_read(last: LastIndex | None, path: str) -> bytes:
    data = last.read(path) if last is not None else None
    if data is None:
        raise _LastFileGone(path)
    return data


def gzip_size(data: bytes, cache: SearchCache | None = None) -> int:
    key = f"search-gzip {digest(data)}"
    known = cache.get(key) if cache is not None else None
    if known is None:
        known = str(len(gzip.compress(data, compresslevel=6, mtime=0))).encode()  # a typical server setting
        if cache is not None:
            cache[key] = known
    return int(known)


def index_files(
    docs: Sequence[SearchDocument],
    cache: SearchCache | None = None,
    keys: Sequence[str] | None = None,
    last: LastIndex | None = None,
    *,
    mark_used: bool = True,
) -> tuple[dict[str, bytes], list[str]]:
    """The manifest and every file it names, by output path: those made, and the paths of those
    the last build left as they are to be (`last`, when the index is patched)."""
    made = index_texts(docs, cache, keys, last, mark_used=mark_used)
    head = manifest_file(made.manifest)
    files = {urls.SEARCH_INDEX: head}
    for name in list(made.texts):  # each text let go of as its file is made (~160 MB at 100,000 papers)
        files[FOLDER + name + ".js"] = part_file(name, made.texts.pop(name))
    if cache is not None and cache.get(record_key(head)) is None:  # what the next build patches it with
        # marshal, not JSON: ~2 MB at 10,000 papers, made at every edit, written in 2.5 ms
        # instead of 20 (read in 12 instead of 20); a record that does not load is not kept.
        cache[record_key(head)] = marshal.dumps(made.record)
    return files, [FOLDER + name + ".js" for name in sorted(made.kept)]


def manifest_file(manifest: dict[str, Any]) -> bytes:
    return f"window.{GLOBAL_NAME}={compact(manifest)};\n".encode("ascii")


def manifest_of(data: bytes) -> dict[str, Any]:
    """The manifest a file `manifest_file` made holds."""
    return cast("dict[str, Any]", json.loads(data.decode("ascii")[len(f"window.{GLOBAL_NAME}=") : -2]))


def part_file(name: str, body: str) -> bytes:
    return f'(window.{PARTS_GLOBAL}=window.{PARTS_GLOBAL}||{{}})["{name}"]={body};\n'.encode("ascii")


def part_body(data: bytes) -> str:
    """The JSON text of a file `part_file` made."""
    text = data.decode("ascii")
    return text[text.index("]=") + 2 : -2]


def record_key(manifest_file: bytes) -> str:
    return f"search-record {INDEX_FORMAT} marshal {digest(manifest_file)}"


def _record_of(data: bytes) -> dict[str, Any] | None:
    try:
        record = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None
    return record if isinstance(record, dict) else None


def compact(value: object) -> str:
    """JSON as ASCII: one literal a <script> cannot break out of (\\u escapes for the rest)."""
    return json.dumps(value, ensure_ascii=True, separators=(",", ":")).replace("</", "<\\/")


def search_data(
    docs: Sequence[SearchDocument], cache: SearchCache | None = None, keys: Sequence[str] | None = None
) -> dict[str, Any]:
    """The index as Python values: {"manifest": ..., "files": {name: content}, "texts": {name: JSON}}."""
    made = index_texts(docs, cache, keys)
    files = {name: json.loads(body) for name, body in made.texts.items()}
    return {"manifest": made.manifest, "files": files, "texts": made.texts}


@dataclass(frozen=True)
class IndexTexts:
    """The partitioned index as texts (its manifest and every other file), before wrapping."""

    manifest: dict[str, Any]
    texts: dict[str, str]  # the JSON text of every other file made, by name
    kept: set[str]  # the names of the files the last build left that hold what they are to hold
    record: dict[str, Any]  # what a next build patches the index with (each paper's key, date, topics)


def index_texts(
    docs: Sequence[SearchDocument],
    cache: SearchCache | None = None,
    keys: Sequence[str] | None = None,
    last: LastIndex | None = None,
    *,
    mark_used: bool = True,
) -> IndexTexts:
    """The manifest and the other files, made or (when `last` is patched) kept."""
    keys = keys if keys is not None else [document_key(doc) for doc in docs]
    corpus = _Corpus(docs, keys, cache)
    terms = patched_terms(corpus, last, cache) if last is not None and cache is not None else None
    if terms is None:
        terms = TermIndex.of(corpus)
    elif mark_used:
        corpus.mark_used()
    texts: dict[str, str] = {}
    kept: set[str] = set()

    def named(kind: str, body: str, length: int = 10) -> str:
        name = f"{kind}-{digest(body.encode('ascii'))[:length]}"
        texts[name] = body
        return name

    def kept_file(name: str) -> str:
        kept.add(name)
        return name

    parts = []
    for part in terms.partitions():
        if part.kept is not None:  # the last build's files, as they were
            kept.update(part.kept)
            parts.append([part.first, *part.kept])
            continue
        postings_body, positions_body = terms.partition_bodies(part.keys)
        terms.let_go_of_postings(part.keys)  # in their files now: not the whole index twice over
        parts.append([part.first, named("p", postings_body), named("q", positions_body)])
    chunk_hashes = []
    for number, start in enumerate(range(0, len(keys), DOCS_PER_CHUNK)):
        hashed = corpus.kept_chunks.get(number)
        if hashed is not None:  # none of its papers changed
            kept.add(f"d{number}-{hashed}")
            chunk_hashes.append(hashed)
            continue
        body = chunk_body(docs, keys, start, cache)
        chunk_hashes.append(digest(body.encode("ascii"))[:CHUNK_HASH])
        texts[f"d{number}-{chunk_hashes[-1]}"] = body
    words = {
        str(size): kept_file(body.name) if isinstance(body, KeptFile) else named(f"w{size}", body, 8)
        for size, body in terms.word_lists().items()
    }
    shown, shown_kept = corpus.shown, corpus.shown_files
    manifest = {
        "format": INDEX_FORMAT,
        "lunr": "2.3.9",
        "fields": [list(field) for field in FIELDS],
        "docs": len(keys),
        "lengths": terms.totals,
        "parts": parts,
        "chunkSize": DOCS_PER_CHUNK,
        "chunks": "".join(chunk_hashes),
        "facets": kept_file(shown_kept["facets"]) if shown_kept else named("f", compact(facets(shown))),
        "dates": kept_file(shown_kept["dates"]) if shown_kept else named("o", compact(date_order(shown))),
        "words": words,
    }
    record = {
        "keys": list(keys),
        "shown": shown,
        "marks": terms.marks,
        "stopMarks": terms.stop_marks,
        "firsts": terms.firsts,
        "wordLengths": terms.word_lengths,
    }
    # A file made may be one kept too: two partitions' positions may be the same (e.g. none).
    return IndexTexts(manifest, texts, kept - texts.keys(), record)


def document_key(doc: SearchDocument) -> str:
    values = [doc.url, doc.title, doc.text, *doc.topics, doc.date, *doc.names, *doc.authors, doc.venue]
    values += [doc.byline, *doc.ids]
    sizes = [len(doc.topics), len(doc.names), len(doc.authors), len(doc.ids)]  # with each value's length
    framed = "\0".join(map(str, [*sizes, *map(len, values)])) + "\0" + "".join(values)
    return digest(framed.encode("utf-8", "surrogatepass"))


# ---- each document's terms ----


@dataclass(frozen=True)
class Analysis:
    """A document's terms as the index holds them. A position counts every token of the field
    but those with no letter or digit (the empty term), stop words included: a phrase runs
    across the former."""

    lengths: list[int]  # per field: its tokens that are not stop words
    terms: list[list[Any]]  # per field: [term, frequency, positions], first seen first
    stops: list[list[tuple[str, list[int]]]]  # per field: (stop word, positions)
    order: list[str]  # the document's terms, in order of first occurrence
    words: dict[str, str]  # each word of its text (no stop word) -> its term


def analyse(tokens: DocumentTokens, stems: dict[str, WordKey]) -> Analysis:
    lengths: list[int] = []
    terms: list[list[Any]] = []
    stops: list[list[tuple[str, list[int]]]] = []
    order: list[str] = []
    seen: set[str] = set()
    words: dict[str, str] = {}
    for field in tokens:
        frequency: dict[str, list[Any]] = {}
        stopped: dict[str, list[int]] = {}
        position = length = 0
        for token in field:
            known = stems.get(token)
            is_stop, key = known if known is not None else stems.setdefault(token, word_key(token))
            if is_stop:
                stopped.setdefault(key, []).append(position)
                position += 1
                continue
            length += 1
            entry = frequency.get(key)
            if entry is None:
                entry = frequency[key] = [key, 0, []]
                if key not in seen:
                    seen.add(key)
                    order.append(key)
            entry[1] += 1
            if token:
                entry[2].append(position)
                position += 1
                words.setdefault(token, key)
        lengths.append(length)
        terms.append(list(frequency.values()))
        stops.append(list(stopped.items()))
    return Analysis(lengths, terms, stops, order, words)


class _Corpus:
    """The documents, each one's tokens (cached by its key), date and topics, read when needed."""

    def __init__(
        self, docs: Sequence[SearchDocument], keys: Sequence[str], cache: SearchCache | None
    ) -> None:
        self.docs, self.keys, self.cache = docs, keys, cache
        self.stems: dict[str, WordKey] = {}  # each token's word key, worked out once
        self.shown: list[list[Any]] = []  # each document's [date, topics], once the index is made
        # The last build's facets and dates files' names by kind, when they still hold.
        self.shown_files: dict[str, str] = {}
        self.kept_chunks: dict[int, str] = {}  # chunk number -> the last build's chunk's hash, when it holds

    def tokens(self, number: int, key: str | None = None) -> tuple[str, list[str], DocumentTokens]:
        """Document `number`'s date, topics and tokens (of the document of `key` if given: one
        the cache holds, or None)."""
        doc_key = key if key is not None else self.keys[number]
        cache_key = tokens_key(doc_key)
        known = self.cache.get(cache_key) if self.cache is not None else None
        if known is not None:
            return cast("tuple[str, list[str], DocumentTokens]", json.loads(known))
        if key is not None:
            raise LookupError(key)
        doc = self.docs[number]
        found = (doc.date, list(doc.topics), document_tokens(doc))
        if self.cache is not None:
            self.cache[cache_key] = compact(found).encode("ascii")
        return found

    def mark_used(self) -> None:
        """Tell the cache that every document's tokens are still needed, unread."""
        if self.cache is not None:
            keep = getattr(self.cache, "touch", self.cache.get)
            for key in self.keys:
                keep(tokens_key(key))

    def analysis(self, number: int, key: str | None = None) -> Analysis:
        return analyse(self.tokens(number, key)[2], self.stems)


def tokens_key(doc_key: str) -> str:
    return f"search-tokens {INDEX_FORMAT} {doc_key}"


# ---- the term index: what every partition holds of each key ----

_CODE = re.compile("[A-Z]*[0-9a-z]")
_LEADS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # CODE_LEAD as bytes: taken out of bytes ~3x quicker than of a str


class TermIndex:
    """The corpus's keys (terms, words, stop words) as the partitions hold them: each term's
    postings and positions encoded, and its rank (what lunr.Builder knows after adding every
    document, and more). Kept encoded: a 100,000-paper corpus has ~10 million postings, and an
    edit decodes only the keys of the papers it changed."""

    def __init__(self) -> None:
        # term -> per posting: document distance * fields + field, frequency, field length
        self.postings: dict[str, str] = {}
        # term -> per posting, its positions (as `gaps`); none for the empty term
        self.positions: dict[str, str] = {}
        self.ranks: dict[str, int] = {}  # term -> its rank among the terms first seen in its first document
        self.firsts: dict[str, int] = {}  # term -> its first document
        # stop word -> per posting: document distance * fields + field, count, positions
        self.stops: dict[str, str] = {}
        # Each word of the text (no stop word) -> its term; "" for a word of a partition a patch
        # decoded, until asked for (`term_of`): most of those words are only written out again.
        self.words: dict[str, str] = {}
        self.surfaces: dict[str, str] = {}  # word -> encoded_surfaces(word, [its term]), made once
        self.totals: list[int] = [0] * len(FIELDS)  # each field's length, summed over the documents
        self._counts: dict[str, int] = {}  # term -> its postings, when known
        # Marks in long posting lists, every MARK_EVERY postings: [the document of the posting
        # before, where the posting starts in the postings text, where its positions start]. An
        # edit decodes only the stretch between the marks around its paper's postings.
        self.marks: dict[str, list[list[int]]] = {}
        self.stop_marks: dict[str, list[list[int]]] = {}  # the same for stop words (no positions)
        self._first_changed: set[str] = set()  # terms whose first document may have changed (`replace`)
        self._recounted: set[str] = set()  # terms whose number of postings changed (`replace`)
        # Term -> the lengths of the words (up to LONGEST_SUGGESTED) that have it, one bit a length:
        # which word lists a term's count is in, without decoding them. A patch only adds bits (a
        # word lost may not be the term's last of its length): a superset. None: not known.
        self.word_lengths: dict[str, int] | None = {}
        self._last: _LastParts | None = None  # a patched index: the last build's files (`parsed`)

    @classmethod
    def of(cls, corpus: _Corpus) -> TermIndex:
        """The index of every document, inverted one document at a time. The inner loops run
        once a posting (~1.7 million times at 10,000 papers): each appends the posting's codes
        to its term's `_PostingList`, found with one dict lookup."""
        index = cls()
        inverted: dict[str, _PostingList] = {}
        stopped: dict[str, _PostingList] = {}
        field_count, codes = len(FIELDS), _byte_codes()
        ranks, firsts, words, totals = index.ranks, index.firsts, index.words, index.totals
        shown = []
        for number in range(len(corpus.keys)):
            date, topics, tokens = corpus.tokens(number)
            shown.append([date, topics])
            found = analyse(tokens, corpus.stems)
            for rank, term in enumerate(found.order):
                if term not in ranks:
                    ranks[term] = rank
                    firsts[term] = number
            for field, (length, terms) in enumerate(zip(found.lengths, found.terms, strict=True)):
                totals[field] += length
                tail = codes[length]
                for term, frequency, at in terms:
                    entry = inverted.get(term)
                    if entry is None:
                        entry = inverted[term] = _PostingList()
                    entry.postings += (
                        codes[(number - entry.last) * field_count + field] + codes[frequency] + tail
                    )
                    entry.positions += gap_bytes(at)
                    entry.last = number
                    entry.count += 1
                    if entry.count % MARK_EVERY == 0:
                        entry.mark()
            for field, stops_of_field in enumerate(found.stops):
                for word, at in stops_of_field:
                    entry = stopped.get(word)
                    if entry is None:
                        entry = stopped[word] = _PostingList()
                    place = (number - entry.last) * field_count + field
                    entry.postings += codes[place] + codes[len(at)] + gap_bytes(at)
                    entry.last = number
                    entry.count += 1
                    if entry.count % MARK_EVERY == 0:
                        entry.mark()
            for word, term in found.words.items():
                if word not in words:
                    words[word] = term
        # Each list let go of as its texts are made: not every list twice over at once (~10
        # million postings at 100,000 papers). Popped in order, the terms keep their order.
        for term in list(inverted):
            entry = inverted.pop(term)
            index.postings[term], index.positions[term] = entry.texts()
            index._counts[term] = entry.count
            if entry.count >= MARK_EVERY:
                index.marks[term] = entry.final_marks()
        for word in list(stopped):
            entry = stopped.pop(word)
            index.stops[word], _ = entry.texts()  # a stop word's positions are in its postings
            if entry.count >= MARK_EVERY:
                index.stop_marks[word] = entry.final_marks()
        for word, term in words.items():
            index._add_word_length(word, term)
        corpus.shown = shown
        return index

    @classmethod
    def parsed(cls, manifest: dict[str, Any], texts: Mapping[str, str], keys: Iterable[str]) -> TermIndex:
        """The last build's index, from its manifest and its files' JSON texts (by name), as far
        as a patch of `keys` needs it: only the partitions holding them, or where they would go,
        are decoded (more if `partitions` must cut again past them)."""
        index = cls()
        index.totals = list(manifest["lengths"])
        parts = manifest["parts"]
        firsts = [js_order(first) for first, _, _ in parts]
        index._last = _LastParts(parts, texts, manifest["words"], firsts, {}, set())
        for number in sorted({index._last.part_of(key) for key in keys}):
            index._decode(number)
        return index

    def _decode(self, number: int) -> None:
        """Take in the last build's partition `number`, unless it is in already."""
        last = self._last
        assert last is not None, "a patched index"
        if number in last.keys:
            return
        _, postings_name, positions_name = last.parts[number]
        postings, positions = json.loads(last.texts[postings_name]), json.loads(last.texts[positions_name])
        terms = postings["terms"]
        self.postings.update(zip(terms, postings["postings"], strict=True))
        self.positions.update(zip(terms, positions["positions"], strict=True))
        self.ranks.update(zip(terms, decoded(postings["ranks"]), strict=True))
        words, surfaces = postings["words"], postings["stems"]
        self.words.update(dict.fromkeys(words, ""))
        self.surfaces.update(zip(words, surfaces, strict=True))
        self.stops.update(zip(positions["stops"], positions["stopPostings"], strict=True))
        last.keys[number] = {*terms, *words, *positions["stops"]}
        last.words_decoded.update(words)

    def count(self, term: str) -> int:
        """How many postings `term` has."""
        found = self._counts.get(term)
        if found is None:
            found = self._counts[term] = len(self.postings[term].encode("ascii").translate(None, _LEADS)) // 3
        return found

    def partitions(self) -> list[Part]:
        """The sorted keys (terms, words, stop words) cut into ranges, each with its first key; the
        first range begins at "" (every key is at least that). A cut falls before a key whose
        digest says so once a range weighs PART_MIN (a key weighs 1 and 1 per posting), or at
        PART_MAX: cuts depend on the keys near them only."""
        if self._last is not None:
            return self._cut_again(self._last)
        cuts = _Cuts("", self._weight)
        for key in sorted_as_javascript({*self.postings, *self.words, *self.stops}):
            cuts.add(key)
        return cuts.found

    def _weight(self, key: str) -> int:
        return 1 + (self.count(key) if key in self.postings else 0)

    def _holds(self, key: str) -> bool:
        return key in self.postings or key in self.words or key in self.stops

    def _cut_again(self, last: _LastParts) -> list[Part]:
        """The partitions of a patched index: the last build's, kept, where no key of theirs
        changed; cut again from the start of each that changed, on through the next ones until
        a cut falls where one fell before. Cutting anew from a partition's start holds as long as
        its first key is still there (the last partition's weight and that key's digest decide
        it); where that key is gone, from the start of the partition before."""
        for number in sorted(last.keys, reverse=True):
            if number and not self._holds(last.parts[number][0]):
                self._decode(number - 1)
        keys = self._keys_by_part(last)
        found: list[Part] = []
        number = 0
        while number < len(last.parts):
            first, postings_name, positions_name = last.parts[number]
            if number not in last.keys:
                found.append(Part(first, [], (postings_name, positions_name)))
                number += 1
                continue
            if self._cut_as_before(last, number, keys[number]):
                found.append(Part(first, keys[number]))
                number += 1
                continue
            cuts = _Cuts(first, self._weight)
            while number < len(last.parts):
                for key in keys[number]:
                    cuts.add(key)
                number += 1
                if number < len(last.parts) and number not in last.keys:
                    if cuts.cuts_before(last.parts[number][0]):
                        break  # as before from here: the next partition is kept
                    self._decode(number)  # cut elsewhere: the next partition is cut anew too
                    keys[number] = sorted_as_javascript(last.keys[number])
            found += cuts.found
        return found

    def _cut_as_before(self, last: _LastParts, number: int, keys: list[str]) -> bool:
        """Whether the decoded partition `number` holds the same `keys` as the last build's, none
        of whose weights changed, and the next one can be cut from its own first key (kept, or
        that key still there): cut anew from its first key, it would end where it ended (a cut
        depends on the keys and weights since the cut before), so it is taken as it is. Most of
        those an edit decodes: a longer or shorter abstract changes the field length in every
        posting of the paper's terms, not how many postings they have."""
        held = last.keys[number]
        if len(keys) != len(held) or not self._recounted.isdisjoint(held) or not held.issuperset(keys):
            return False
        after = number + 1
        return after not in last.keys or self._holds(last.parts[after][0])

    def _keys_by_part(self, last: _LastParts) -> dict[int, list[str]]:
        """The keys now in each partition decoded, by the last build's ranges, sorted."""
        by_part = {number: [key for key in keys if self._holds(key)] for number, keys in last.keys.items()}
        known = set().union(*last.keys.values())
        for key in {*self.postings, *self.words, *self.stops} - known:  # new: their ranges are decoded
            by_part[last.part_of(key)].append(key)
        return {number: sorted_as_javascript(keys) for number, keys in by_part.items()}

    def partition_bodies(self, keys: Sequence[str]) -> tuple[str, str]:
        """A partition's postings file and positions file (JSON). The postings file: its terms,
        each one's rank and postings, as codes (see `code`); its words and their terms. The
        positions file: where each posting's term stands in its field (as many positions as its
        frequency, none for the empty term, as codes of the distance from the last); then the
        stop words of the range, each with its postings: document distance * fields + field,
        count, positions."""
        terms = [key for key in keys if key in self.postings]
        words = [key for key in keys if key in self.words]
        stops = [key for key in keys if key in self.stops]
        ranks = "".join([code(self.ranks[term]) for term in terms])
        postings = (
            f'{{"terms":{compact(terms)},"ranks":"{ranks}",'
            f'"postings":{_codes_json([self.postings[term] for term in terms])},'
            f'"words":{compact(words)},"stems":{compact([self._surface(word) for word in words])}}}'
        )
        positions = (
            f'{{"positions":{_codes_json([self.positions.get(term, "") for term in terms])},'
            f'"stops":{compact(stops)},"stopPostings":{_codes_json([self.stops[word] for word in stops])}}}'
        )
        return postings, positions

    def let_go_of_postings(self, keys: Sequence[str]) -> None:
        """Forget the postings and positions of `keys` (a partition whose files are made), those
        of terms whose numbers of postings are known (every term of an index made from nothing):
        from here, only `word_lists` and the record read the index, and they read those numbers.
        At 100,000 papers the postings are ~10 million, as text about the size of the files. A
        patched index holds the few partitions an edit decoded: it keeps them."""
        if self._last is not None:
            return
        for key in keys:
            if key in self._counts:
                self.postings.pop(key, None)
                self.positions.pop(key, None)
            self.stops.pop(key, None)

    def word_lists(self) -> dict[int, str | KeptFile]:
        """The words of the text by length (up to LONGEST_SUGGESTED letters, in UTF-16 units, as
        JavaScript counts), each with its term and how many (field, paper) pairs hold the term:
        each length's file (JSON)."""
        if self._last is not None:
            return self._word_lists_again(self._last)
        by_length: dict[int, list[str]] = {}
        for word in sorted_as_javascript(self.words):
            length = _js_length(word)
            if length <= LONGEST_SUGGESTED:
                by_length.setdefault(length, []).append(word)
        found: dict[int, str | KeptFile] = {}
        for length in sorted(by_length):
            words = by_length[length]
            found[length] = compact({
                "words": words,
                "stems": [self._surface(word) for word in words],
                "used": "".join([code(self.count(self.words[word])) for word in words]),
            })  # fmt: skip
        return found

    def _add_word_length(self, word: str, term: str) -> None:
        length = _js_length(word)
        if self.word_lengths is not None and length <= LONGEST_SUGGESTED:
            self.word_lengths[term] = self.word_lengths.get(term, 0) | 1 << length

    def term_of(self, word: str) -> str:
        """The term of `word`, a word of the text."""
        term = self.words[word]
        if not term and word in self.surfaces:  # decoded, not asked for yet (or the empty term)
            term = self.words[word] = _terms_of([word], [self.surfaces[word]])[0]
        return term

    def _surface(self, word: str) -> str:
        found = self.surfaces.get(word)
        if found is None:
            found = self.surfaces[word] = encoded_surfaces(word, [self.words[word]])
        return found

    def _word_lists_again(self, last: _LastParts) -> dict[int, str | KeptFile]:
        """`word_lists` of a patched index: the last build's lists, with the words gained and lost,
        and the counts of the terms whose postings were counted again; a list unchanged is kept."""
        gained: dict[int, list[str]] = {}
        for word in self.words.keys() - last.words_decoded:
            gained.setdefault(_js_length(word), []).append(word)
        lost = last.words_decoded - self.words.keys()
        lost_lengths = set(map(_js_length, lost))
        recounted = self._recounted
        recounted_lengths = ~0  # the lists that may hold a word of a term counted again: all...
        if self.word_lengths is not None:  # ...unless known
            recounted_lengths = 0
            for term in recounted:
                recounted_lengths |= self.word_lengths.get(term, 0)
        found: dict[int, str | KeptFile] = {}
        for length in sorted({*map(int, last.word_files), *gained}):
            if length > LONGEST_SUGGESTED:
                continue
            name = last.word_files.get(str(length))
            same_words = length not in gained and length not in lost_lengths
            if name and same_words and not recounted_lengths >> length & 1:
                found[length] = KeptFile(name)  # as below, without decoding it
                continue
            old: dict[str, Any] = (
                json.loads(last.texts[name]) if name else {"words": [], "stems": [], "used": ""}
            )
            terms = _terms_of(old["words"], old["stems"])
            if name and same_words and recounted.isdisjoint(terms):
                found[length] = KeptFile(name)  # as the loop below finds it, without its work
                continue
            listed = zip(old["stems"], _CODE.findall(old["used"]), terms, strict=True)
            entries = dict(zip(old["words"], listed, strict=True))
            changed = any([entries.pop(word, None) for word in lost])
            for word in gained.get(length, ()):
                entries[word] = (self._surface(word), "", self.words[word])
                changed = True
            for word, (surface, used, term) in entries.items():
                if term in recounted or not used:
                    now = code(self.count(term))
                    if now != used:
                        entries[word], changed = (surface, now, term), True
            if name and not changed:
                found[length] = KeptFile(name)
            elif entries:
                words = sorted_as_javascript(entries)
                found[length] = compact({
                    "words": words,
                    "stems": [entries[word][0] for word in words],
                    "used": "".join([entries[word][1] for word in words]),
                })  # fmt: skip
        return found

    # --- patching: a document replaced by another at the same number ---

    def replace(self, number: int, change: Change, corpus: _Corpus) -> None:
        """Replace document `number`'s postings as `change` says."""
        for field, growth in enumerate(change.growth):
            self.totals[field] += growth
        for term, fields in change.terms.items():
            self._replace_term(term, number, fields, change.lengths)
        for word, stopped in change.stops.items():
            self._replace_stop(word, number, stopped)
        for word, term in change.words_gained.items():
            if word not in self.words:
                self.words[word] = term
            self._add_word_length(word, term)
        for word in change.words_lost:
            # Gone already when another changed paper that had it was replaced first.
            if word in self.words and not self._said_elsewhere(word, number, corpus):
                del self.words[word]
                self.surfaces.pop(word, None)

    def _replace_term(
        self,
        term: str,
        number: int,
        fields: list[tuple[int, int, list[int]]],
        lengths: list[int],
    ) -> None:
        """Replace document `number`'s postings of `term` by those of `fields` (and their positions)."""
        text, held = self.postings.get(term, ""), self.positions.get(term, "")
        ours = [(field, [code(frequency), code(lengths[field])]) for field, frequency, _ in fields]
        done = _splice(text, self.marks.get(term, []), number, ours, len(held), size=3)
        if done is None:  # no posting left
            for table in (self.postings, self.positions, self.ranks, self._counts, self.marks):
                table.pop(term, None)
            self._recounted.add(term)
            return
        if done.after - done.first != len(fields):
            self._recounted.add(term)
        start, end = done.start, done.end
        frequencies = [done.values[at + 1] for at in done.starts]
        spots: list[str] = []  # the stretch's positions, code by code
        if term:  # the empty term has no positions
            spots = _CODE.findall(held, start[2], end[2])
            skip, drop = sum(frequencies[: done.first]), sum(frequencies[done.first : done.after])
            spots[skip : skip + drop] = [gap for _, _, at in fields for gap in gap_codes(at)]
            self.positions[term] = held[: start[2]] + "".join(spots) + held[end[2] :]
        frequencies[done.first : done.after] = [frequency for _, frequency, _ in fields]
        self.postings[term] = done.text
        self._counts.pop(term, None)  # counted again when asked for
        marked = _marks(done.codes, done.sizes, done.documents, frequencies if term else None, spots, start)
        growth = len(self.positions.get(term, "")) - len(held)
        self.marks[term] = done.marks(marked, growth)
        if start[0] < 0 and done.first == 0:  # the term's first document may be another
            self._first_changed.add(term)

    def rank_again(self, corpus: _Corpus) -> None:
        """Once every changed document is replaced: the rank of each term whose first document
        may have changed, in that document as it is now. (Worked out during the replacing, it
        could be that of a document still to be replaced, which may no longer have the term.)"""
        analyses: dict[int, Analysis] = {}
        for term in sorted(self._first_changed):
            text = self.postings.get(term)
            if text is None:  # no posting left
                self.firsts.pop(term, None)
                continue
            first = _CODE.match(text)  # the first posting's place: its document * fields + field
            assert first is not None, "a posting list holds at least one posting"
            opener = decoded_codes([first.group()])[0] // len(FIELDS)
            if opener not in analyses:
                analyses[opener] = corpus.analysis(opener)
            self.ranks[term] = analyses[opener].order.index(term)
            self.firsts[term] = opener
        self._first_changed.clear()

    def _replace_stop(self, word: str, number: int, fields: list[tuple[int, list[int]]]) -> None:
        """Replace document `number`'s postings of the stop word `word` by those of `fields`."""
        ours = [(field, [code(len(positions)), *gap_codes(positions)]) for field, positions in fields]
        done = _splice(self.stops.get(word, ""), self.stop_marks.get(word, []), number, ours, 0, size=None)
        if done is None:
            self.stops.pop(word, None)
            self.stop_marks.pop(word, None)
            return
        self.stops[word] = done.text
        self.stop_marks[word] = done.marks(
            _marks(done.codes, done.sizes, done.documents, None, [], done.start), 0
        )

    def _said_elsewhere(self, word: str, number: int, corpus: _Corpus) -> bool:
        """Whether a document other than `number` has `word` (among those with its term)."""
        term = self.term_of(word)
        values = decoded_codes(_CODE.findall(self.postings.get(term, "")))
        documents = set(accumulate(place // len(FIELDS) for place in values[0::3]))
        documents.discard(number)
        return any(word in field for other in sorted(documents) for field in corpus.tokens(other)[2])


@dataclass(frozen=True)
class Part:
    """A partition's range of keys: its first key and its keys; or `kept`, the last build's
    postings and positions files of the same range, unchanged (then its keys are not listed)."""

    first: str
    keys: list[str]
    kept: tuple[str, str] | None = None


class _Cuts:
    """Sorted keys cut into partitions as they come (see TermIndex.partitions)."""

    def __init__(self, first: str, weight: Callable[[str], int]) -> None:
        self.found = [Part(first, [])]
        self._weight, self._so_far = weight, 0

    def cuts_before(self, key: str) -> bool:
        """Whether a partition begins at `key`, were it the next key."""
        so_far = self._so_far
        if not self.found[-1].keys or so_far < PART_MIN:
            return False
        return so_far >= PART_MAX or key_hash(key) % PART_SPREAD == 0

    def add(self, key: str) -> None:
        if self.cuts_before(key):
            self.found.append(Part(key, []))
            self._so_far = 0
        self.found[-1].keys.append(key)
        self._so_far += self._weight(key)


@dataclass(frozen=True)
class KeptFile:
    """A file of the last build's index, to be kept as it is (its name)."""

    name: str


@dataclass
class _LastParts:
    """The last build's index files, as a patch decodes them (see TermIndex.parsed)."""

    parts: list[list[str]]  # per partition: [its first key, its postings file, its positions file]
    texts: Mapping[str, str]  # every file's JSON text, by name
    word_files: dict[str, str]  # a word length -> the file of the words that long
    firsts: list[bytes]  # each partition's first key, as JavaScript orders strings
    keys: dict[int, set[str]]  # each partition decoded -> the keys it held
    words_decoded: set[str]  # the words of the partitions decoded

    def part_of(self, key: str) -> int:
        """The partition whose range holds `key`."""
        return bisect_right(self.firsts, js_order(key)) - 1


def _js_length(word: str) -> int:
    """A word's length as JavaScript counts (UTF-16 units)."""
    return len(word) if word.isascii() else len(word.encode("utf-16-le", "surrogatepass")) // 2


MARK_EVERY = 128  # postings between two marks in a posting list (see TermIndex.marks)


class _PostingList:
    """A posting list `TermIndex.of` is making: its postings' codes and their positions' codes,
    each appended to a bytearray of ASCII, so that a mark is only where they end. (Lists of
    each posting's codes, joined at every mark, kept one small string a posting of the ~1.7
    million until its term's next mark or the end: making and keeping them took ~0.3 s.)"""

    __slots__ = ("count", "last", "marks", "positions", "postings")

    def __init__(self) -> None:
        self.postings, self.positions = bytearray(), bytearray()
        self.count = 0
        self.last = 0  # the document of the last posting
        self.marks: list[list[int]] = []  # see TermIndex.marks

    def mark(self) -> None:
        """A mark after the last posting."""
        self.marks.append([self.last, len(self.postings), len(self.positions)])

    def texts(self) -> tuple[str, str]:
        return self.postings.decode("ascii"), self.positions.decode("ascii")

    def final_marks(self) -> list[list[int]]:
        """The marks, but one at the list's end (no posting after it)."""
        return self.marks[:-1] if self.count % MARK_EVERY == 0 else self.marks


def _window(
    marks: list[list[int]], number: int, size: int, positions_size: int
) -> tuple[int, int, list[int], list[int]]:
    """The stretch of a posting list that holds document `number`'s postings: the marks before
    it (`marks[:inner]`, the last being its start), the marks after it (`marks[outer:]`, the
    first being its end), its start and its end ([document before, offset, positions offset]);
    -1 for the document before the list's start."""
    documents = [mark[0] for mark in marks]
    inner, outer = bisect_left(documents, number), bisect_right(documents, number)
    start = marks[inner - 1] if inner else [-1, 0, 0]
    end = marks[outer] if outer < len(marks) else [-1, size, positions_size]
    return inner, outer, start, end


@dataclass(frozen=True)
class _Spliced:
    """A posting list with one document's postings replaced, and the stretch that changed."""

    text: str  # the whole list, spliced
    codes: list[str]  # the stretch's codes, spliced
    documents: list[int]  # each posting's document, in the stretch spliced
    sizes: list[int]  # each posting's codes, in the stretch spliced
    values: list[int]  # the stretch's numbers before the splice
    starts: list[int]  # where each posting starts in `values`, before the splice
    first: int  # the document's postings were `first` to `after` of the stretch, before
    after: int
    start: list[int]  # the marks that frame the stretch (see `_window`)
    end: list[int]
    around: tuple[list[list[int]], list[list[int]]]  # the marks before and after the stretch
    growth: int  # how much longer the list is

    def marks(self, marked: list[list[int]], positions_growth: int) -> list[list[int]]:
        """The list's marks: those before the stretch, `marked` (in it) and those after it, moved
        as far as the list (and its positions) grew."""
        before, after = self.around
        growth = self.growth
        return [*before, *marked, *([doc, at + growth, spot + positions_growth] for doc, at, spot in after)]


def _splice(
    text: str,
    marks: list[list[int]],
    number: int,
    ours: list[tuple[int, list[str]]],
    positions_size: int,
    *,
    size: int | None,
) -> _Spliced | None:
    """`text` (a posting list: per posting the document's distance from the last one's times the
    fields plus the field, then `size` codes, or a count and as many codes) with document
    `number`'s postings replaced by `ours` (per field, the codes after the first); only the
    stretch between the marks around them is decoded. None when no posting is left."""
    field_count = len(FIELDS)
    inner, outer, start, end = _window(marks, number, len(text), positions_size)
    codes = _CODE.findall(text, start[1], end[1])
    values = decoded_codes(codes)
    starts: list[int] = []  # where each posting's codes start
    documents: list[int] = []
    at = 0
    document = base = max(start[0], 0)  # the document the stretch's first posting counts from
    while at < len(values):
        document += values[at] // field_count
        starts.append(at)
        documents.append(document)
        at += size or 2 + values[at + 1]
    first, after = bisect_left(documents, number), bisect_right(documents, number)
    last = documents[first - 1] if first else base
    mine: list[str] = []
    for field, tail in ours:
        mine += (code((number - last) * field_count + field), *tail)
        last = number
    edge = starts[after] if after < len(starts) else len(codes)
    rest = codes[edge:]
    if rest:
        rest[0] = code((documents[after] - last) * field_count + values[edge] % field_count)
    spliced = codes[: starts[first] if first < len(starts) else len(codes)] + mine + rest
    if not spliced and start[0] < 0 and end[1] == len(text):
        return None
    sizes = [following - at for at, following in pairwise([*starts, len(codes)])]
    sizes[first:after] = [1 + len(tail) for _, tail in ours]
    documents[first:after] = [number] * len(ours)
    joined = text[: start[1]] + "".join(spliced) + text[end[1] :]
    around = (marks[:inner], marks[outer:])
    growth = len(joined) - len(text)
    return _Spliced(
        joined, spliced, documents, sizes, values, starts, first, after, start, end, around, growth
    )


def _marks(
    codes: Sequence[str],
    sizes: Sequence[int],
    documents: Sequence[int],
    frequencies: Sequence[int] | None,
    spots: Sequence[str],
    start: Sequence[int],
) -> list[list[int]]:
    """The marks of a stretch of postings from `start` (after its first posting), each posting
    `sizes` codes long with `frequencies` codes of `spots` (its positions)."""
    found = []
    at, spot_at = start[1], start[2]
    next_code = next_spot = 0
    for number, size in enumerate(sizes):
        if number and number % MARK_EVERY == 0:
            found.append([documents[number - 1], at, spot_at])
        at += sum(map(len, codes[next_code : next_code + size]))
        next_code += size
        if frequencies is not None:
            spot_at += sum(map(len, spots[next_spot : next_spot + frequencies[number]]))
            next_spot += frequencies[number]
    return found


@dataclass(frozen=True)
class Change:
    """What replacing a document changes in the index: the postings of each term and stop word
    whose postings or rank differ (the new document's, field by field), the words it gains and
    loses, and its fields' lengths."""

    terms: dict[str, list[tuple[int, int, list[int]]]]
    stops: dict[str, list[tuple[int, list[int]]]]
    words_gained: dict[str, str]
    words_lost: list[str]
    lengths: list[int]
    growth: list[int]  # each field's length, less the old document's

    @classmethod
    def of(cls, old: Analysis, new: Analysis, opened: Container[str]) -> Change:
        """`opened`: terms the document is the first to have (their rank is its order of them)."""
        was, now = _by_key(old), _by_key(new)
        old_rank = {term: rank for rank, term in enumerate(old.order)}
        new_rank = {term: rank for rank, term in enumerate(new.order)}
        # A posting holds its field's length: a term's postings are the same only if that is.
        same_length = [before == after for before, after in zip(old.lengths, new.lengths, strict=True)]
        terms = {}
        for term in was.keys() | now.keys():
            fields = now.get(term, [])
            if (
                fields != was.get(term)
                or (old_rank.get(term) != new_rank.get(term) and term in opened)
                or not all(same_length[field] for field, _, _ in fields)
            ):
                terms[term] = fields
        stops_was, stops_now = _stops_by_key(old), _stops_by_key(new)
        stops = {
            word: stops_now.get(word, [])
            for word in stops_was.keys() | stops_now.keys()
            if stops_now.get(word) != stops_was.get(word)
        }
        gained = {word: term for word, term in new.words.items() if word not in old.words}
        lost = [word for word in old.words if word not in new.words]
        growth = [after - before for before, after in zip(old.lengths, new.lengths, strict=True)]
        return cls(terms, stops, gained, lost, new.lengths, growth)

    def keys(self, old: Analysis) -> set[str]:
        """The keys the index must hold decoded to make this change (of `old`)."""
        words = [*self.words_gained, *self.words_lost]
        terms = {*self.words_gained.values(), *(old.words[word] for word in self.words_lost)}
        return {*self.terms, *self.stops, *words, *terms}


def _by_key(found: Analysis) -> dict[str, list[tuple[int, int, list[int]]]]:
    """Each term of an analysis: its (field, frequency, positions), field by field."""
    keyed: dict[str, list[tuple[int, int, list[int]]]] = {}
    for field, terms in enumerate(found.terms):
        for term, frequency, at in terms:
            keyed.setdefault(term, []).append((field, frequency, at))
    return keyed


def _stops_by_key(found: Analysis) -> dict[str, list[tuple[int, list[int]]]]:
    keyed: dict[str, list[tuple[int, list[int]]]] = {}
    for field, stopped in enumerate(found.stops):
        for word, at in stopped:
            keyed.setdefault(word, []).append((field, at))
    return keyed


MOST_PATCHED = 64  # papers changed: more, and the index is made from every paper again


def patched_terms(corpus: _Corpus, last: LastIndex, cache: SearchCache) -> TermIndex | None:
    """The last build's term index, patched for the papers that changed since; None when the last
    build's files or record are gone, or it indexed other papers or another number of them.
    Only the partitions holding what changed are decoded and made again (see `_cut_again`)."""
    last_manifest = last.read(urls.SEARCH_INDEX)
    record_text = cache.get(record_key(last_manifest)) if last_manifest is not None else None
    if last_manifest is None or record_text is None:
        return None
    manifest = manifest_of(last_manifest)
    record = _record_of(record_text)
    keys = corpus.keys
    if manifest.get("format") != INDEX_FORMAT or manifest["fields"] != [list(f) for f in FIELDS]:
        return None
    if record is None:
        return None
    if len(record["keys"]) != len(keys):
        return None
    changed = [
        number for number, (was, now) in enumerate(zip(record["keys"], keys, strict=True)) if was != now
    ]
    if len(changed) > MOST_PATCHED:
        return None
    firsts = record.get("firsts")
    texts = _last_texts(manifest, last) if firsts is not None else None
    if firsts is None or texts is None:
        return None
    try:
        old = [corpus.analysis(number, record["keys"][number]) for number in changed]
    except LookupError:
        return None
    shown = record["shown"]
    shown_before = [shown[number] for number in changed]
    changes = []
    for number, was in zip(changed, old, strict=True):
        date, topics, tokens = corpus.tokens(number)
        shown[number] = [date, topics]
        opened = {term for term in was.order if firsts.get(term) == number}
        changes.append(Change.of(was, analyse(tokens, corpus.stems), opened))
    needed = {key for change, was in zip(changes, old, strict=True) for key in change.keys(was)}
    terms = TermIndex.parsed(manifest, texts, needed)
    terms.marks, terms.stop_marks, terms.firsts = record["marks"], record["stopMarks"], firsts
    terms.word_lengths = record.get("wordLengths")  # (None from a record made before they were kept)
    for number, change in zip(changed, changes, strict=True):
        terms.replace(number, change, corpus)
    terms.rank_again(corpus)
    corpus.shown = shown
    if shown_before == [shown[number] for number in changed]:  # no date or topic changed
        corpus.shown_files = {kind: manifest[kind] for kind in ("facets", "dates")}
    if manifest["chunkSize"] == DOCS_PER_CHUNK:  # the chunks of unchanged papers hold
        hashes, moved = manifest["chunks"], {number // DOCS_PER_CHUNK for number in changed}
        unmoved = (number for number in range(len(hashes) // CHUNK_HASH) if number not in moved)
        held = {number: hashes[number * CHUNK_HASH : (number + 1) * CHUNK_HASH] for number in unmoved}
        corpus.kept_chunks = {
            number: hashed
            for number, hashed in held.items()
            if last.size(f"{FOLDER}d{number}-{hashed}.js") is not None
        }
    return terms


def _last_texts(manifest: dict[str, Any], last: LastIndex) -> Mapping[str, str] | None:
    """The JSON text of every file the last build's `manifest` names, by name, each read when
    first asked for (a patch reads few); None if one is not as that build left it."""
    names = [name for _, *files in manifest["parts"] for name in files]
    names += [*manifest["words"].values(), manifest["facets"], manifest["dates"]]
    if any(last.size(FOLDER + name + ".js") is None for name in names):
        return None
    return _LastTexts(last, names)


class _LastTexts(Mapping[str, str]):
    """The JSON text of the last build's index files `names`, by name, each read when first
    asked for."""

    def __init__(self, last: LastIndex, names: list[str]) -> None:
        self._last, self._names, self._read = last, names, dict[str, str]()

    def __getitem__(self, name: str) -> str:
        found = self._read.get(name)
        if found is None:
            found = self._read[name] = part_body(_last_read(self._last, FOLDER + name + ".js"))
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def sorted_as_javascript(keys: Iterable[str]) -> list[str]:
    """Strings sorted as JavaScript compares them (by UTF-16 code units): as Python sorts them,
    unless one holds a character from U+E000 on."""
    found = sorted(keys)
    if any(_HIGH.search(key) for key in found if not key.isascii()):
        found.sort(key=js_order)
    return found


_HIGH = re.compile("[\ue000-\U0010ffff]")


def js_order(text: str) -> bytes:
    """The key that sorts strings as JavaScript compares them (by UTF-16 code units)."""
    return text.encode("utf-16-be", "surrogatepass")


def key_hash(key: str) -> int:
    return int(digest(key.encode("utf-8", "surrogatepass"))[:8], 16)


def decoded(text: str) -> list[int]:
    """The numbers of a run of codes (see `code`)."""
    return decoded_codes(_CODE.findall(text))


def decoded_codes(codes: Sequence[str]) -> list[int]:
    values = list(map(_code_tables()[1].get, codes))
    if None in values:
        values = [
            _number(text) if value is None else value for text, value in zip(codes, values, strict=True)
        ]
    return cast("list[int]", values)


def _number(text: str) -> int:
    rest = 0
    for letter in text[:-1]:
        rest = rest * 26 + CODE_LEAD.index(letter)
    return rest * 36 + CODE_LAST.index(text[-1])


def _terms_of(words: Sequence[str], surfaces: Sequence[str]) -> list[str]:
    """Each word's term from its surface (the term written against the word, as one
    `encoded_surfaces(word, [term])`), as partitions and word lists hold them: one comprehension
    for the ~40,000 words of 10,000 papers (~3x quicker than a call a word)."""
    return [
        surface[1:] if surface[0] == "=" else word[: len(word) - int(surface[0])] + surface[1:]
        for word, surface in zip(words, surfaces, strict=True)
    ]


def _codes_json(texts: list[str]) -> str:
    """`compact(texts)` for strings of codes (`code`'s letters and digits, which JSON and a
    <script> take as they are): joined, not escaped character by character (~5x quicker for the
    ~10 MB of postings and positions an edit at 10,000 papers writes again)."""
    return '["' + '","'.join(texts) + '"]' if texts else "[]"


def gaps(positions: Sequence[int]) -> str:
    """Positions as codes of their distances from the last (the first from 0)."""
    return "".join(gap_codes(positions))


def gap_codes(positions: Sequence[int]) -> list[str]:
    found, last = [], 0
    for position in positions:
        found.append(code(position - last))
        last = position
    return found


def gap_bytes(positions: Sequence[int]) -> bytes:
    """`gaps`, as ASCII."""
    codes = _byte_codes()
    if len(positions) == 1:  # most postings
        return codes[positions[0]]
    return b"".join([codes[position - last] for last, position in pairwise([0, *positions])])


def chunk_body(
    docs: Sequence[SearchDocument], keys: Sequence[str], start: int, cache: SearchCache | None
) -> str:
    """What results show of the papers from `start`: [url, title, date, topic numbers, snippet,
    byline], topic numbers into the chunk's `topics`. Cached by the papers' keys."""
    chunk_keys = keys[start : start + DOCS_PER_CHUNK]
    key = f"search-chunk {INDEX_FORMAT} " + digest(" ".join(chunk_keys).encode("ascii"))
    known = cache.get(key) if cache is not None else None
    if known is not None:
        return known.decode("ascii")
    shown = [docs[number] for number in range(start, start + len(chunk_keys))]
    topics = sorted({topic for doc in shown for topic in doc.topics})
    number_of = {title: number for number, title in enumerate(topics)}
    body = compact({
        "topics": topics,
        "docs": [
            [doc.url, doc.title, doc.date, [number_of[t] for t in doc.topics], snippet(doc.text), doc.byline]
            for doc in shown
        ],
    })  # fmt: skip
    if cache is not None:
        cache[key] = body.encode("ascii")
    return body


def facets(shown: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """Every paper's year and topics, for search.html's filters and counts: the distinct years,
    topics and kinds of paper (a year's number + 1, 0 if undated, and topic numbers), and each
    paper's kind as a code."""
    years = sorted({date[:4] for date, _ in shown if date})
    topics = sorted({topic for _, of_topics in shown for topic in of_topics})
    year_number = {year: number + 1 for number, year in enumerate(years)}
    topic_number = {topic: number for number, topic in enumerate(topics)}
    kinds: dict[tuple[int, tuple[int, ...]], int] = {}
    out: list[str] = []
    for date, of_topics in shown:
        kind = (year_number.get(date[:4], 0), tuple(topic_number[topic] for topic in of_topics))
        out.append(code(kinds.setdefault(kind, len(kinds))))
    listed = [[year, list(of_topics)] for year, of_topics in kinds]
    return {"years": years, "topics": topics, "kinds": listed, "docs": "".join(out)}


def date_order(shown: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """Where each paper's date stands among all (its number + 1 in the sorted dates, 0 if
    undated), as codes: what search.html's "newest first" sorts by, loaded only then."""
    dates = sorted({date for date, _ in shown if date})
    number = {date: at + 1 for at, date in enumerate(dates)}
    return {"docs": "".join(code(number.get(date, 0)) for date, _ in shown)}


DocumentTokens = list[list[str]]  # per field in FIELDS, its tokens as lunr.js's trimmer leaves them


def document_tokens(doc: SearchDocument) -> DocumentTokens:
    """Each field's tokens, folded (`fold`), lowercased and trimmed as lunr.js's tokenizer and
    trimmer leave them."""
    return [[trim(token) for token in tokenize(fold(value))] for value in field_values(doc)]


WordKey = tuple[bool, str]


def word_key(token: str) -> WordKey:
    """(is a stop word, the index term or the stop word) for a trimmed token."""
    if token in STOP_WORDS:
        return True, token
    return False, stem(token)


def encoded_surfaces(term: str, surfaces: Sequence[str]) -> str:
    """Words written against another (a word against its term, or a term against its word),
    joined by spaces: each the number of the other's last letters it drops (one digit) and the
    letters it adds: for "generat", "generation" is "0ion" and "generate" "0e"; for "studi",
    "study" is "1y". A word sharing too little is "=" + the word."""
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
    """Codes 0..size-1 (see `code`)."""
    return [code(number) for number in range(size)]


def code(number: int) -> str:
    """A number as self-delimiting text: the number modulo 36 as one character of CODE_LAST,
    preceded by the rest (if any) in base 26 in CODE_LEAD. 36 numbers take one character, 936
    two; no separator is needed between codes."""
    if number < COMMON_CODES:
        return _code_tables()[0][number]
    return _code(number)


def _code(number: int) -> str:
    rest, lead = number // 36, ""
    while rest:
        rest, digit = divmod(rest, 26)
        lead = CODE_LEAD[digit] + lead
    return lead + CODE_LAST[number % 36]


COMMON_CODES = 26 * 26 * 36  # the numbers whose codes `_code_tables` holds (up to three characters)


@cache
def _code_tables() -> tuple[list[str], dict[str, int]]:
    """The codes of up to three characters, and their numbers, written once (~2 ms, not the ~30 ms
    of calling _code 24,336 times) when first needed, not on import (a build that makes no search
    index does without): each lead in the order of its number (none, then one letter but A, then
    two letters the first not A), followed by each last character."""
    leads = ["", *CODE_LEAD[1:], *(high + low for high in CODE_LEAD[1:] for low in CODE_LEAD)]
    codes = [lead + last for lead in leads for last in CODE_LAST]
    assert len(codes) == COMMON_CODES
    return codes, {text: number for number, text in enumerate(codes)}


class _ByteCodes(dict[int, bytes]):
    """Numbers' codes as ASCII: those of COMMON_CODES held, any other worked out when asked for
    (`codes[number]`, with no test of the number: TermIndex.of looks up ~5 million)."""

    def __missing__(self, number: int) -> bytes:
        return _code(number).encode("ascii")


@cache
def _byte_codes() -> _ByteCodes:
    return _ByteCodes(enumerate(text.encode("ascii") for text in _code_tables()[0]))


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
        "id": " ".join(doc.ids),
    }
    return tuple(values[name] for name, _ in FIELDS)


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The start of the abstract, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,;:.") + "…"
