"""The offline search bundle: a compact Lunr index built in Python, lunr.js 2.3.9 and the search UI.

The index ships as a `.js` file assigning a global (a `<script>` loads from file://, `fetch` does
not). Instead of lunr.js's serialized index, whose per-posting scores make it ~25 MB at 10,000
papers, it holds what lunr.js's Builder needs: the terms in the order lunr.js would have numbered
them, delta-encoded postings with term frequencies, and field lengths. search.js hands these to
lunr.js's own Builder, so BM25 scores are lunr.js's to the last bit (tests/test_search_index.py
compares with an index lunr.js builds from the same documents). Terms come from a faithful port
of lunr.js's pipeline (sitegen.stemmer), so every query word stems as the index expects.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise
from typing import cast

from sitegen.stemmer import index_term, tokenize

# Field name and boost: a title or system-name match outranks an abstract match.
FIELDS: tuple[tuple[str, int], ...] = (("title", 10), ("names", 8), ("topics", 3), ("year", 2), ("text", 1))
SNIPPET_CHARS = 200  # what a result shows of the abstract; the whole abstract is searched
INDEX_FORMAT = 1
GLOBAL_NAME = "SITEGEN_SEARCH"

INDEX_FILE = "assets/search-index.js"
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


def build_search_bundle(docs: Sequence[SearchDocument]) -> SearchBundle:
    files = {
        path: resources.files(package).joinpath(name).read_bytes() for path, (package, name) in ASSETS.items()
    }
    files[INDEX_FILE] = index_script(docs)
    # Everything here is downloaded on first search: lunr.js and the index only then.
    return SearchBundle(
        files,
        index_bytes=sum(len(data) for data in files.values()),
        index_gzip_bytes=sum(gzip_size(data) for data in files.values()),
    )


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))  # a typical server setting


def index_script(docs: Sequence[SearchDocument]) -> bytes:
    """The index file: `window.SITEGEN_SEARCH = {...};`, ASCII-only so no charset can garble it."""
    data = json.dumps(search_data(docs), ensure_ascii=True, separators=(",", ":"))
    return f"window.{GLOBAL_NAME}={data};\n".encode("ascii")


def search_data(docs: Sequence[SearchDocument]) -> dict[str, object]:
    index = CompactIndex.build([field_values(doc) for doc in docs])
    topic_titles = sorted({topic for doc in docs for topic in doc.topics})
    topic_number = {title: number for number, title in enumerate(topic_titles)}
    return {
        "format": INDEX_FORMAT,
        "lunr": "2.3.9",
        "fields": [list(field) for field in FIELDS],
        "terms": index.terms,
        "postings": index.encoded_postings(),
        "lengths": index.lengths,
        "topics": topic_titles,
        "docs": [
            [doc.url, doc.title, doc.date, [topic_number[t] for t in doc.topics], snippet(doc.text)]
            for doc in docs
        ],
    }


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
    def build(cls, documents: Sequence[Sequence[str]]) -> CompactIndex:
        index = cls([], [{} for _ in FIELDS], [[] for _ in FIELDS])
        term_numbers: dict[str, int] = {}
        for doc_number, values in enumerate(documents):
            for field_number, value in enumerate(values):
                frequencies, length = term_frequencies(value)
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
            fields = [encode_field(postings.get(number, ()), digits) for postings in self.postings]
            encoded.append(";".join(fields).rstrip(";"))
        return encoded


def term_frequencies(value: str) -> tuple[dict[str, int], int]:
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
