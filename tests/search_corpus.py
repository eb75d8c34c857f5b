"""Corpora and queries for the search tests, and the lunr.js oracle (tests/search_oracle.js) to run them."""

from __future__ import annotations

import bisect
import json
import random
import subprocess
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from unittest import mock

from sitegen import search
from sitegen.search import FIELDS, SearchDocument, field_values, search_data
from sitegen.stemmer import LETTERS, STOP_WORDS, tokenize, trim
from tests.conftest import REPO, node_tool

SEARCH_JS = REPO / "templates" / "static" / "search-engine.js"
ORACLE_JS = REPO / "tests" / "search_oracle.js"


def reference_fold(text: str) -> str:
    """What search reads of a text, as the README defines it, from unicodedata alone (not
    sitegen's fold): the compatibility decomposition (NFKD), without marks (Unicode category
    M), the few Latin letters with no decomposition spelt as `LETTERS` says, and apostrophes
    (straight or curly) dropped."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(LETTERS.get(c, c) for c in decomposed if not unicodedata.category(c).startswith("M"))


def build_committed_site(out: Path) -> list[SearchDocument]:
    """A build of the committed content into `out` (no cache), and the documents its search index
    was made of, exactly as the build gave them (read from the call that makes the index)."""
    from sitegen.build import build_site
    from sitegen.config import load_config

    made: list[SearchDocument] = []
    real = search.build_search_bundle

    def recording(docs: Sequence[SearchDocument], *args: Any, **kwargs: Any) -> search.SearchBundle:
        made.extend(docs)
        return real(docs, *args, **kwargs)

    with mock.patch.object(search, "build_search_bundle", recording):
        build_site(load_config(REPO / "site.yaml"), out, use_cache=False)
    assert made, "the build made no search index in this process"
    return made


def generated_documents(count: int, seed: int = 1) -> list[SearchDocument]:
    """`count` papers from the benchmark's generator, as search documents."""
    import importlib.util
    import sys

    from sitegen.derive import introduced_names

    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    assert spec and spec.loader
    generate = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, generate)
    spec.loader.exec_module(generate)
    return [
        SearchDocument(
            url=f"papers/{paper.slug}.html",
            title=paper.title,
            text=paper.abstract,
            topics=(),
            date=paper.date.isoformat() if paper.date else "",
            names=introduced_names(paper),
        )
        for paper in generate.generate_papers(count, seed)
    ]


def run_oracle(
    corpus: Sequence[SearchDocument],
    cases: Sequence[tuple[str, bool] | tuple[str, bool, str]],
    *,
    vocabulary: bool = False,
    expect_only: bool = False,
) -> dict[str, Any]:
    """search-engine.js against lunr.js on `corpus`: each case is (query, typing), or (query,
    typing, what lunr.js is asked instead: what the query means). Returns the oracle's failures
    and counts, or with `expect_only` the papers lunr.js says each case must find (see
    tests/search_oracle.js)."""
    names = [name for name, _ in FIELDS]
    payload = {
        "data": oracle_data(corpus),
        "docs": [dict(zip(names, map(reference_fold, field_values(doc)), strict=True)) for doc in corpus],
        "cases": [{"query": c[0], "folded": reference_fold(meant(c)), "typing": c[1]} for c in cases],
        "vocabulary": vocabulary,
        "expectOnly": expect_only,
    }
    return run_with_lunr_js(ORACLE_JS, payload)


def meant(case: tuple[str, bool] | tuple[str, bool, str]) -> str:
    """What a case's query means: the query lunr.js is asked."""
    return case[2] if len(case) > 2 else case[0]  # type: ignore[misc]


def oracle_data(corpus: Sequence[SearchDocument]) -> dict[str, Any]:
    """The index's files as Node reads them: the manifest, and every other file by name."""
    data = search_data(corpus)
    return {"manifest": data["manifest"], "files": data["files"]}


def run_with_lunr_js(program: Path, payload: object) -> Any:
    """`node program LUNR_JS SEARCH_JS` with the payload as JSON on stdin; its JSON output."""
    result = subprocess.run(
        ["node", str(program), str(node_tool("lunr", "lunr.js")), str(SEARCH_JS)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def field_words(doc: SearchDocument) -> list[list[str]]:
    """The words of the title and abstract, as lunr.js's tokenizer and trimmer leave them."""
    fields = [doc.title, doc.text]
    return [[word for word in (trim(token) for token in tokenize(value)) if word] for value in fields]


def sampled_queries(corpus: Sequence[SearchDocument], count: int, seed: int) -> list[str]:
    """Queries from the corpus's own text: runs of 2-4 words from a title or abstract (most
    find papers), and words from two papers (many find no paper with all of them)."""
    rng = random.Random(seed)
    texts = [words for doc in corpus for words in field_words(doc) if len(words) >= 4]
    queries: list[str] = []
    while len(queries) < count:
        words = rng.choice(texts)
        if rng.random() < 0.7:
            length = rng.randint(2, 4)
            start = rng.randrange(len(words) - length + 1)
            query = " ".join(words[start : start + length])
        else:
            other = rng.choice(texts)
            query = " ".join([rng.choice(words), rng.choice(other), *rng.sample(other, rng.randint(0, 1))])
        if any(word not in STOP_WORDS for word in query.split()):
            queries.append(query)
    return queries


def sampled_phrases(corpus: Sequence[SearchDocument], count: int, seed: int) -> list[str]:
    """Quoted runs of 2-4 words (stop words included) from the corpus's titles and abstracts."""
    rng = random.Random(seed)
    texts = [words for doc in corpus for words in field_words(doc) if len(words) >= 4]
    phrases = []
    while len(phrases) < count:
        words = rng.choice(texts)
        length = rng.randint(2, 4)
        start = rng.randrange(len(words) - length + 1)
        run = words[start : start + length]
        if any(word not in STOP_WORDS for word in run):
            phrases.append('"' + " ".join(run) + '"')
    return phrases


def typed_prefixes(queries: Sequence[str], seed: int, shortest: int = 2) -> list[str]:
    """Each query as a reader has it while typing: its last word cut to `shortest` letters or more."""
    rng = random.Random(seed)
    typed = []
    for query in queries:
        head, _, last = query.rpartition(" ")
        cut = last[: rng.randint(shortest, len(last))] if len(last) > shortest else last
        typed.append(f"{head} {cut}".strip())
    return typed


def absent_words(corpus: Sequence[SearchDocument], count: int, seed: int) -> list[str]:
    """Made-up words that no document holds, and corpus words with a letter changed or dropped;
    none begins a corpus word, so none finds a paper even while being typed."""
    rng = random.Random(seed)
    known = sorted({word for doc in corpus for words in field_words(doc) for word in words})
    words = [word for word in known if word.isalpha() and len(word) >= 6]
    found: list[str] = []
    while len(found) < count:
        if rng.random() < 0.5:
            word = "".join(
                rng.choice("bcdfghjklmnpqrstvwxz") + rng.choice("aeiou") for _ in range(rng.randint(2, 5))
            )
        else:
            word = rng.choice(words)
            at = rng.randrange(len(word))
            word = word[:at] + (rng.choice("aeiou") if rng.random() < 0.5 else "") + word[at + 1 :]
        at = bisect.bisect_left(known, word)
        if word not in found and not (at < len(known) and known[at].startswith(word)):
            found.append(word)
    return found
