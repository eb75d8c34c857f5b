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
chunks that changed; the files are the same, byte for byte, with or without a cache."""

from __future__ import annotations

import gzip
import hashlib
import json
from array import array
from collections.abc import Iterable, Sequence
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
LONGEST_SUGGESTED = 42  # "Did you mean" suggests words of 42 letters at most (search-engine.js)


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
    files: dict[str, bytes]  # output path -> bytes: the index's files, lunr.js, the scripts, search.css
    index_bytes: int  # raw size of every file search may download
    index_gzip_bytes: int


class SearchCache(Protocol):
    """Where the build keeps search work between builds: bytes by key (a dict will do).

    Keys name their content (a digest of their input), so an entry never goes stale. A build
    reads (`get`) or writes every key it or the next build still needs, so entries a build did
    not touch can be dropped after it.
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
    """The search files for `docs`; with `cache`, only changed documents are analysed again.
    With `keys` (each document's `document_key`, when the caller knows them), a document is read
    from `docs` only when its analysis or its chunk is not in the cache. (`mark_used` is kept for
    the engine's call: every build reads every document's cached analysis, so all stay used.)

    The output is the same, byte for byte, with or without a cache.
    """
    del mark_used
    files = assets.read(assets.SEARCH)
    files.update(index_files(docs, cache, keys))
    return SearchBundle(
        files,
        index_bytes=sum(len(data) for data in files.values()),
        index_gzip_bytes=sum(gzip_size(data, cache) for data in files.values()),
    )


def gzip_size(data: bytes, cache: SearchCache | None = None) -> int:
    key = f"search-gzip {digest(data)}"
    known = cache.get(key) if cache is not None else None
    if known is None:
        known = str(len(gzip.compress(data, compresslevel=6, mtime=0))).encode()  # a typical server setting
        if cache is not None:
            cache[key] = known
    return int(known)


def index_files(
    docs: Sequence[SearchDocument], cache: SearchCache | None = None, keys: Sequence[str] | None = None
) -> dict[str, bytes]:
    """The manifest and every file it names, by output path."""
    manifest, texts = index_texts(docs, cache, keys)
    files = {urls.SEARCH_INDEX: f"window.{GLOBAL_NAME}={compact(manifest)};\n".encode("ascii")}
    for name, body in texts.items():
        files[FOLDER + name + ".js"] = part_file(name, body)
    return files


def part_file(name: str, body: str) -> bytes:
    return f'(window.{PARTS_GLOBAL}=window.{PARTS_GLOBAL}||{{}})["{name}"]={body};\n'.encode("ascii")


def compact(value: object) -> str:
    """JSON as ASCII: one literal a <script> cannot break out of (\\u escapes for the rest)."""
    return json.dumps(value, ensure_ascii=True, separators=(",", ":")).replace("</", "<\\/")


def search_data(
    docs: Sequence[SearchDocument], cache: SearchCache | None = None, keys: Sequence[str] | None = None
) -> dict[str, Any]:
    """The index as Python values: {"manifest": ..., "files": {name: content}, "texts": {name: JSON}}."""
    manifest, texts = index_texts(docs, cache, keys)
    files = {name: json.loads(body) for name, body in texts.items()}
    return {"manifest": manifest, "files": files, "texts": texts}


def index_texts(
    docs: Sequence[SearchDocument], cache: SearchCache | None = None, keys: Sequence[str] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The manifest, and the JSON text of every other file by name."""
    keys = keys if keys is not None else [document_key(doc) for doc in docs]
    # Each analysis is read into the inverted index and dropped: only the dates and topics stay.
    shown: list[tuple[str, list[str]]] = []
    stems: dict[str, WordKey] = {}  # each token's word key, worked out once
    analyses = (cached_analysis(docs, number, key, cache, stems) for number, key in enumerate(keys))
    inverted = invert(analyses, shown)
    texts: dict[str, str] = {}

    def named(kind: str, body: str, length: int = 10) -> str:
        name = f"{kind}-{digest(body.encode('ascii'))[:length]}"
        texts[name] = body
        return name

    parts = []
    for first, keyset in partitions(inverted):
        postings_body, positions_body = partition_bodies(inverted, keyset, cache)
        parts.append([first, named("p", postings_body), named("q", positions_body)])
    chunk_hashes = []
    for number, start in enumerate(range(0, len(keys), DOCS_PER_CHUNK)):
        body = chunk_body(docs, keys, start, cache)
        chunk_hashes.append(digest(body.encode("ascii"))[:8])
        texts[f"d{number}-{chunk_hashes[-1]}"] = body
    words = {str(size): named(f"w{size}", compact(body), 8) for size, body in word_lists(inverted).items()}
    manifest = {
        "format": INDEX_FORMAT,
        "lunr": "2.3.9",
        "fields": [list(field) for field in FIELDS],
        "docs": len(keys),
        "lengths": inverted.totals,
        "parts": parts,
        "chunkSize": DOCS_PER_CHUNK,
        "chunks": "".join(chunk_hashes),
        "facets": named("f", compact(facets(shown))),
        "dates": named("o", compact(date_order(shown))),
        "words": words,
    }
    return manifest, texts


def document_key(doc: SearchDocument) -> str:
    values = [doc.url, doc.title, doc.text, *doc.topics, doc.date, *doc.names, *doc.authors, doc.venue]
    values.append(doc.byline)
    sizes = [len(doc.topics), len(doc.names), len(doc.authors)]  # with each value's length: no collisions
    framed = "\0".join(map(str, [*sizes, *map(len, values)])) + "\0" + "".join(values)
    return digest(framed.encode("utf-8", "surrogatepass"))


# ---- each document's terms ----

# A document's analysis (JSON, cached by its key): {"lengths": [per field], "terms": [per field,
# [term, frequency, [positions]] in order of first occurrence], "stops": [per field, [stop word,
# [positions]]], "order": [its terms in order of first occurrence], "words": [[word, term]],
# "date": ..., "topics": [...]}. A position counts every token of the field but those with no
# letter or digit (the empty term), stop words included: a phrase runs across the former.
Analysis = dict[str, Any]


def analyse(doc: SearchDocument, stems: dict[str, WordKey] | None = None) -> Analysis:
    stems = stems if stems is not None else {}
    lengths: list[int] = []
    terms: list[list[Any]] = []
    stops: list[list[Any]] = []
    order: list[str] = []
    seen: set[str] = set()
    words: dict[str, str] = {}
    for field in document_tokens(doc):
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
        stops.append([[word, at] for word, at in stopped.items()])
    return {
        "lengths": lengths, "terms": terms, "stops": stops, "order": order,
        "words": sorted(words.items()), "date": doc.date, "topics": list(doc.topics),
    }  # fmt: skip


def analysis_key(doc_key: str) -> str:
    return f"search-analysis {INDEX_FORMAT} {doc_key}"


def cached_analysis(
    docs: Sequence[SearchDocument],
    number: int,
    doc_key: str,
    cache: SearchCache | None,
    stems: dict[str, WordKey] | None = None,
) -> Analysis:
    """A document's analysis, from the cache when the document is unchanged."""
    if cache is None:
        return analyse(docs[number], stems)
    key = analysis_key(doc_key)
    known = cache.get(key)
    if known is not None:
        return cast("Analysis", json.loads(known))
    found = analyse(docs[number], stems)
    cache[key] = compact(found).encode("ascii")
    return found


@dataclass
class Inverted:
    """The corpus's terms: what lunr.Builder knows after adding every document, and more. Numbers
    are kept in flat arrays (a 100,000-paper corpus has ~10 million postings)."""

    postings: dict[str, array[int]]  # term -> (document, field, frequency, field length) * n, in order
    positions: dict[str, array[int]]  # term -> each posting's positions, one after the other
    ranks: dict[str, int]  # term -> its rank among the terms first seen in its first document
    stops: dict[str, array[int]]  # stop word -> (document, field, count, positions...) * n
    words: dict[str, str]  # each word of the text (no stop word) -> its term
    totals: list[int]  # each field's length, summed over the documents


def invert(analyses: Iterable[Analysis], shown: list[tuple[str, list[str]]]) -> Inverted:
    """The documents' analyses, in order, put together; each one's date and topics go to `shown`."""
    inverted = Inverted({}, {}, {}, {}, {}, [0] * len(FIELDS))
    postings, positions, ranks, stops = inverted.postings, inverted.positions, inverted.ranks, inverted.stops
    totals = inverted.totals
    for number, found in enumerate(analyses):
        shown.append((found["date"], found["topics"]))
        for rank, term in enumerate(found["order"]):
            if term not in ranks:
                ranks[term] = rank
        for field, (length, terms) in enumerate(zip(found["lengths"], found["terms"], strict=True)):
            totals[field] += length
            for term, frequency, at in terms:
                known = postings.get(term)
                if known is None:
                    known = postings[term] = array("l")
                    positions[term] = array("l")
                known.extend((number, field, frequency, length))
                positions[term].extend(at)
        for field, stopped in enumerate(found["stops"]):
            for word, at in stopped:
                flat = stops.get(word)
                if flat is None:
                    flat = stops[word] = array("l")
                flat.extend((number, field, len(at)))
                flat.extend(at)
        for word, term in found["words"]:
            inverted.words.setdefault(word, term)
    return inverted


def js_order(text: str) -> bytes:
    """The key that sorts strings as JavaScript compares them (by UTF-16 code units)."""
    return text.encode("utf-16-be", "surrogatepass")


def partitions(inverted: Inverted) -> list[tuple[str, list[str]]]:
    """The sorted keys (terms, words, stop words) cut into ranges: (first key, the range's keys);
    the first range begins at "" (every key is at least that)."""
    keys = sorted({*inverted.postings, *inverted.words, *inverted.stops}, key=js_order)
    found: list[tuple[str, list[str]]] = [("", [])]
    weight = 0
    for key in keys:
        cut = weight >= PART_MAX or (weight >= PART_MIN and key_hash(key) % PART_SPREAD == 0)
        if cut and found[-1][1]:
            found.append((key, []))
            weight = 0
        found[-1][1].append(key)
        weight += 1 + len(inverted.postings.get(key, ())) // 4
    return found


def key_hash(key: str) -> int:
    return int(digest(key.encode("utf-8", "surrogatepass"))[:8], 16)


def partition_bodies(inverted: Inverted, keys: Sequence[str], cache: SearchCache | None) -> tuple[str, str]:
    """A partition's postings and positions files (JSON), cached by a digest of what they are
    made of: an edit re-encodes only the partitions of the terms it changed."""
    if cache is None:
        return compact(partition_postings(inverted, keys)), compact(partition_positions(inverted, keys))
    made_of = hashlib.blake2b(digest_size=16)
    for key in keys:
        made_of.update(b"\0" + key.encode("utf-8", "surrogatepass") + b"\0")
        for table in (inverted.postings, inverted.positions, inverted.stops):
            found = table.get(key)
            made_of.update(b"-" if found is None else found.tobytes() + b"|")
        made_of.update(
            f"{inverted.ranks.get(key)} {inverted.words.get(key)}".encode("utf-8", "surrogatepass")
        )
    cache_key = f"search-partition {INDEX_FORMAT} {made_of.hexdigest()}"
    known = cache.get(cache_key)
    if known is not None:
        postings_body, _, positions_body = known.decode("ascii").partition("\n")
        return postings_body, positions_body
    bodies = compact(partition_postings(inverted, keys)), compact(partition_positions(inverted, keys))
    cache[cache_key] = "\n".join(bodies).encode("ascii")
    return bodies


def partition_postings(inverted: Inverted, keys: Sequence[str]) -> dict[str, Any]:
    """A partition: its terms; each one's rank (see Inverted.ranks) and postings, as codes (see
    `code`): per posting, the document's distance from the last posting's times the number of
    fields plus the field, the term frequency and the field length; its words and their terms."""
    terms = [key for key in keys if key in inverted.postings]
    field_count = len(FIELDS)
    encoded = []
    codes, common = _CODES, _COMMON
    for term in terms:
        flat, last, out = inverted.postings[term], 0, list[str]()
        for at in range(0, len(flat), 4):
            document, field, frequency, length = flat[at : at + 4]
            place = (document - last) * field_count + field
            out.append(codes[place] if place < common else code(place))
            out.append(codes[frequency] if frequency < common else code(frequency))
            out.append(codes[length] if length < common else code(length))
            last = document
        encoded.append("".join(out))
    words = [key for key in keys if key in inverted.words]
    return {
        "terms": terms,
        "ranks": "".join(code(inverted.ranks[term]) for term in terms),
        "postings": encoded,
        "words": words,
        "stems": [encoded_surfaces(word, [inverted.words[word]]) for word in words],
    }


def partition_positions(inverted: Inverted, keys: Sequence[str]) -> dict[str, Any]:
    """Where each posting of a partition's terms stands (as many positions as its frequency, but
    none for the empty term), as codes of the distance from the last; then the stop words of the
    range, each with its postings: document distance * fields + field, count, positions."""
    field_count = len(FIELDS)
    terms = [key for key in keys if key in inverted.postings]
    stops = [key for key in keys if key in inverted.stops]
    stop_postings = []
    for word in stops:
        flat, at, last, out = inverted.stops[word], 0, 0, list[str]()
        while at < len(flat):
            document, field, count = flat[at : at + 3]
            out += (
                code((document - last) * field_count + field),
                code(count),
                gaps(flat[at + 3 : at + 3 + count]),
            )
            last, at = document, at + 3 + count
        stop_postings.append("".join(out))
    return {
        "positions": [term_positions(inverted, term) for term in terms],
        "stops": stops,
        "stopPostings": stop_postings,
    }


def term_positions(inverted: Inverted, term: str) -> str:
    """A term's positions, posting by posting (as many as its frequency; none for the empty term)."""
    if not term:
        return ""
    postings, flat, at, out, codes = inverted.postings[term], inverted.positions[term], 0, list[str](), _CODES
    for frequency in postings[2::4]:
        last = 0
        for position in flat[at : at + frequency]:
            gap = position - last
            out.append(codes[gap] if gap < _COMMON else code(gap))
            last = position
        at += frequency
    return "".join(out)


def gaps(positions: Sequence[int]) -> str:
    """Positions as codes of their distances from the last (the first from 0)."""
    if not positions:
        return ""
    lasts = (0, *positions[:-1])
    return "".join([code(position - last) for last, position in zip(lasts, positions, strict=True)])


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


def facets(shown: Sequence[tuple[str, list[str]]]) -> dict[str, Any]:
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


def date_order(shown: Sequence[tuple[str, list[str]]]) -> dict[str, Any]:
    """Where each paper's date stands among all (its number + 1 in the sorted dates, 0 if
    undated), as codes: what search.html's "newest first" sorts by, loaded only then."""
    dates = sorted({date for date, _ in shown if date})
    number = {date: at + 1 for at, date in enumerate(dates)}
    return {"docs": "".join(code(number.get(date, 0)) for date, _ in shown)}


def word_lists(inverted: Inverted) -> dict[int, dict[str, Any]]:
    """The words of the text by length (up to LONGEST_SUGGESTED letters, in UTF-16 units, as
    JavaScript counts), each with its term and how many (field, paper) pairs hold the term."""
    by_length: dict[int, list[str]] = {}
    for word in inverted.words:
        length = len(word.encode("utf-16-le", "surrogatepass")) // 2
        if length <= LONGEST_SUGGESTED:
            by_length.setdefault(length, []).append(word)
    found = {}
    for length in sorted(by_length):
        words = sorted(by_length[length], key=js_order)
        terms = [inverted.words[word] for word in words]
        found[length] = {
            "words": words,
            "stems": [encoded_surfaces(word, [term]) for word, term in zip(words, terms, strict=True)],
            "used": "".join(code(len(inverted.postings[term]) // 4) for term in terms),
        }
    return found


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
    if number < _COMMON:
        return _CODES[number]
    return _code(number)


def _code(number: int) -> str:
    rest, lead = number // 36, ""
    while rest:
        rest, digit = divmod(rest, 26)
        lead = CODE_LEAD[digit] + lead
    return lead + CODE_LAST[number % 36]


_COMMON = 24_336  # the numbers of up to three characters, written once
_CODES = [_code(number) for number in range(_COMMON)]


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
