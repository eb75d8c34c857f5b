"""The search index against real lunr.js 2.3.9 (in Node): same stems, same index, same ranking."""

from __future__ import annotations

import dataclasses
import json
import random
from itertools import pairwise
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from sitegen import search
from sitegen.search import FIELDS, SearchDocument, build_search_bundle, field_values, search_data
from sitegen.stemmer import index_terms, stem, tokenize, trim
from tests.conftest import REPO
from tests.search_corpus import (
    SEARCH_JS,
    generated_documents,
    oracle_data,
    reference_fold,
    run_oracle,
    run_with_lunr_js,
)

# Words where a Porter stemmer other than lunr.js's (e.g. PyPI lunr 0.8.0's) stems differently,
# and text the tokenizer and trimmer must treat exactly as lunr.js does.
TRICKY_WORDS = [
    "decay", "decays", "play", "played", "days", "daily", "say", "yes", "yield", "sky", "generalization",
    "organizational", "agreed", "feed", "hopping", "hoping", "filing", "controll", "relational",
    "conditional", "rational", "valenci", "hesitanci", "digitizer", "conformabli", "radicalli",
    "differentli", "vileli", "analogousli", "vietnamization", "predication", "operator", "feudalism",
    "decisiveness", "hopefulness", "callousness", "formaliti", "sensitiviti", "sensibiliti", "triplicate",
    "formative", "formalize", "electriciti", "electrical", "hopeful", "goodness", "revival", "allowance",
    "inference", "airliner", "gyroscopic", "adjustable", "defensible", "irritant", "replacement",
    "adjustment", "dependent", "adoption", "homologou", "communism", "activate", "angulariti",
    "homologous", "effective", "bowdlerize", "probate", "rate", "cease", "controll", "roll", "y", "yy",
    "ys", "yyy", "constructor", "__proto__", "hasOwnProperty", "x\U0001f600ys", "caf\u00e9", "na\u00efve",
    "\u0130stanbul", "\u03a3\u0391\u03a3", "stra\u00dfe", "\ufb01le", "\u2014", "(", "3d", "2025",
]  # fmt: skip
TRICKY_TEXT = (
    "Segment-Anything (SAM) -- decays\u00a0days\u2003plays\ufeffdays \u00bfqu\u00e9? --flag "
    'x\x1cy a\x85b \u201cquoted\u201d 3D/2D U-Net++ \u2014 MedSAM-Agent\'s "AI".'
)

NODE_PIPELINE = """
const lunr = require(process.argv[2]);
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const pipeline = new lunr.Pipeline();
pipeline.add(lunr.trimmer, lunr.stopWordFilter, lunr.stemmer);
process.stdout.write(JSON.stringify({
  texts: input.texts.map(text => pipeline.run(lunr.tokenizer(text)).map(String)),
  stems: input.words.map(word => lunr.stemmer(new lunr.Token(word)).toString()),
}));
"""

# search-engine.js against lunr.js's own index of the same documents, for lunr's query syntax: lunr.js's
# own `search` gives the papers, their scores (to the bit) and matched terms (what is highlighted).
NODE_COMPARE = """
const lunr = require(process.argv[2]);
const sitegen = require(process.argv[3]);
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const index = lunr(function () {  // each document's number is its ref, a name no field has
  this.ref('__number');
  input.data.manifest.fields.forEach(field => this.field(field[0], {boost: field[1]}));
  input.docs.forEach((doc, number) => this.add(Object.assign({__number: String(number)}, doc)));
});
function reference(text) {
  try {
    return {results: index.search(text)};
  } catch (error) {
    return {results: [], error: error.message};
  }
}
const opened = sitegen.openIndex(lunr, input.data.manifest, name => input.data.files[name]);
process.stdout.write(JSON.stringify(input.queries.map((query, at) => {
  const outcome = sitegen.search(lunr, opened, query), expected = reference(input.folded[at]);
  return {
    query: query,
    ours: outcome.results.map(r => ({ref: String(r.doc), score: r.score,
      terms: Array.from(outcome.termsOf(r.doc)).sort()})),
    reference: expected.results.map(r => ({ref: r.ref, score: r.score,
      terms: Object.keys(r.matchData.metadata).sort()})),
    errors: [outcome.error || null, expected.error || null],
  };
})));
"""


def compare_with_lunr_js(corpus: list[SearchDocument], queries: list[str], tmp_path: Path) -> dict[str, list]:
    """Query -> our result refs, best first, after checking they are lunr.js's (scores, matched
    terms); lunr.js indexes the documents folded, and runs each query folded (`reference_fold`)."""
    names = [name for name, _ in FIELDS]
    docs = [dict(zip(names, map(reference_fold, field_values(doc)), strict=True)) for doc in corpus]
    folded = list(map(reference_fold, queries))
    payload = {"data": oracle_data(corpus), "docs": docs, "queries": queries, "folded": folded}
    compared = run_node(NODE_COMPARE, payload, tmp_path)
    for case in compared:
        ours, reference = case["ours"], case["reference"]
        assert case["errors"][0] == case["errors"][1], case["query"]
        assert {r["ref"] for r in ours} == {r["ref"] for r in reference}, case
        theirs = {r["ref"]: r for r in reference}
        for mine in ours:
            assert mine["score"] == theirs[mine["ref"]]["score"], case["query"]  # to the bit
            assert mine["terms"] == theirs[mine["ref"]]["terms"], case["query"]
        assert all(a["score"] >= b["score"] for a, b in pairwise(ours)), case["query"]
    return {case["query"]: [int(r["ref"]) for r in case["ours"]] for case in compared}


def run_node(script: str, payload: object, tmp_path: Path) -> Any:
    program = tmp_path / "program.js"
    program.write_text(script, encoding="utf-8")
    return run_with_lunr_js(program, payload)


def corpus_texts() -> list[str]:
    """Every paper file and listing of the committed content, whole (front matter included)."""
    files = sorted((REPO / "content" / "papers").glob("*.md")) + sorted((REPO / "content").glob("sources/*"))
    return [path.read_text(encoding="utf-8") for path in files if path.is_file()]


def test_pipeline_matches_lunr_js_on_every_corpus_token(tmp_path: Path) -> None:
    texts = [*corpus_texts(), TRICKY_TEXT, " ".join(TRICKY_WORDS)]
    assert len(texts) > 100, "the committed content is missing"
    words = sorted({trim(token) for text in texts for token in tokenize(text)} | set(TRICKY_WORDS))
    lunr_js = run_node(NODE_PIPELINE, {"texts": texts, "words": words}, tmp_path)
    for text, expected in zip(texts, lunr_js["texts"], strict=True):
        assert index_terms(text) == expected, text[:80]
    disagreements = [(w, stem(w), js) for w, js in zip(words, lunr_js["stems"], strict=True) if stem(w) != js]
    assert disagreements == []
    assert [stem(word) for word in ("decay", "play", "days")] == ["decay", "play", "day"]


def test_pypi_lunr_stems_differ_which_is_why_the_pipeline_is_ported() -> None:
    """PyPI lunr 0.8.0 indexes "decay" as "decai"; lunr.js looks up "decay" and finds nothing."""
    from lunr.stemmer import stemmer as pypi_stemmer
    from lunr.token import Token

    words = ["decay", "play", "days"]
    assert [str(pypi_stemmer(Token(word))) for word in words] == ["decai", "plai", "dai"]
    assert [stem(word) for word in words] == ["decay", "play", "day"]  # as lunr.js, checked above


def document(number: int, title: str, text: str, **extra: object) -> SearchDocument:
    fields: dict = {"topics": (), "date": "", "names": (), **extra}
    return SearchDocument(url=f"papers/p{number}.html", title=title, text=text, **fields)


SMALL_CORPUS = [
    document(0, "EndoGen: conditional generation of endoscopy video", "We present EndoGen, a video model.",
             names=("EndoGen",), topics=("Generative models",), date="2025-06-01"),
    document(1, "Segment anything in medical images", "MedSAM adapts segment anything to CT and MRI.",
             names=("MedSAM",), topics=("Segmentation",), date="2024-01-22",
             authors=("Ada Lovelace", "Ludwig van Beethoven"), venue="Nature Methods"),
    document(2, "A survey of agents for clinical workflows", "Agents plan and act; we survey 120 papers.",
             topics=("Agents",), date="2025-02-03"),
    document(3, "MedSAM-Agent: interactive segmentation by an agent", "An agent segmenting organs with SAM.",
             names=("MedSAM-Agent",), topics=("Agents", "Segmentation"), date="2025-09-30"),
    document(4, "Signal decay in diffusion MRI", "Modelling decay over days; plays a role in (noisy) scans.",
             date="2023-11-11"),
    document(5, "A benchmark for report generation", "We benchmark benchmarks: benchmark benchmark.",
             topics=("Benchmarks",), date="2025", authors=("Grace Hopper",), venue="arXiv"),
    document(6, "Radiology report generation", "Our model beats the benchmark on MIMIC-CXR and a benchmark.",
             date="2024-07-07"),
    document(7, "Title only, no abstract", ""),
    document(8, "constructor __proto__ hasOwnProperty", "\u00bfQu\u00e9? caf\u00e9 na\u00efve \u2014 ( ) --",
             date="2022-02-02"),
]  # fmt: skip
SYNTAX_QUERIES = [
    "title:benchmark", "+agent -survey", "-survey", "year:2024", "names:medsam", "topics:segmentation",
    "agent^5 segment", "segmnt~1", "segm*", "caf*", "title:segm*", "+segment -medical", "+segment +medical",
    "segmentaton~2", "*ation", "*ment", "s*g*t", "-segmentation -model", "title:model^5 text:segment",
    "topics:x", "+nosuchterm segment", "-nosuchterm", "title:", "+", "segment^2 anything*", "title:x:y",
    "title:medical +text:image", "+title:vision -title:language", "+decay days", "-",
    "author:lovelace", "author:beethoven", "venue:nature", "venue:arxiv", "year:2025",
]  # fmt: skip


@pytest.fixture(params=["one partition", "many partitions"])
def partition_sizes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Many partitions: a partition after at most a few keys (cuts by digest), document chunks of
    two papers."""
    if request.param == "many partitions":
        small_partitions(monkeypatch)
    return str(request.param)


def small_partitions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "PART_MIN", 1)
    monkeypatch.setattr(search, "PART_SPREAD", 2)
    monkeypatch.setattr(search, "PART_MAX", 12)
    monkeypatch.setattr(search, "DOCS_PER_CHUNK", 2)


def test_query_syntax_ranks_as_lunr_js_ranks(tmp_path: Path, partition_sizes: str) -> None:
    data = search_data(SMALL_CORPUS)
    assert (len(data["manifest"]["parts"]) > 1) == (partition_sizes == "many partitions")
    found = compare_with_lunr_js(SMALL_CORPUS, SYNTAX_QUERIES, tmp_path)
    assert found["title:benchmark"] == [5]
    assert 3 in found["+agent -survey"] and 2 not in found["+agent -survey"]
    assert found["segmnt~1"] and found["segm*"] and found["*ment"]
    assert found["author:lovelace"] == found["author:beethoven"] == [1]
    assert found["venue:nature"] == [1] and found["venue:arxiv"] == [5]
    assert 5 in found["year:2025"], "a date known only to the year is found by its year"


def test_plain_words_and_phrases_agree_with_lunr_js_in_one_partition_or_many(partition_sizes: str) -> None:
    queries = ["endogen", "segment anything", "decay", "days", "benchmark", "medsam-agent", "medsam agent",
               "2025", "constructor", "__proto__", "cafe", "caf", "report generation", "segmentation agent",
               "segm", "segmentati", "a", "an", "agent the", "Segm", "MedSAM Agen", "DECAY", "lovelace",
               "hopper", "Beethoven"]  # fmt: skip
    cases = [(query, typing) for query in queries for typing in (False, True)]
    cases += [('"report generation"', False), ('"segment anything"', False), ('"anything segment"', False)]
    outcome = run_oracle(SMALL_CORPUS, cases, vocabulary=True)
    assert outcome["failures"] == []
    assert outcome["stats"]["phrases"] == 3


def committed_documents() -> list[SearchDocument]:
    from sitegen.paperfile import parse_paper

    files = sorted((REPO / "content" / "papers").glob("*.md"))
    papers = [parse_paper(path.read_text(encoding="utf-8"), str(path), path.stem) for path in files]
    return [
        SearchDocument(f"papers/{paper.slug}.html", paper.title, paper.abstract, (), str(paper.date or ""))
        for paper in papers
    ]


def test_committed_corpus_in_many_partitions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small_partitions(monkeypatch)
    monkeypatch.setattr(search, "PART_MIN", 200)
    monkeypatch.setattr(search, "PART_MAX", 600)
    corpus = committed_documents()
    assert len(corpus) > 100, "the committed content is missing"
    assert len(search_data(corpus)["manifest"]["parts"]) > 3
    found = compare_with_lunr_js(corpus, [*SYNTAX_QUERIES, "title:segm* -medical", "-segmentation"], tmp_path)
    assert sum(len(refs) > 5 for refs in found.values()) > 5
    assert found["-segmentation"] and found["title:segm*"] and found["segmnt~1"] and found["*ation"]
    cases = [("medical image segmentation", False), ("segmentati", True), ('"report generation"', False)]
    cases += [("se", True), ('"of the segmentation"', False), ("segmentatoin", False)]
    assert run_oracle(corpus, cases, vocabulary=True)["failures"] == []


def test_whole_abstract_is_searched_but_only_a_snippet_is_shipped(tmp_path: Path) -> None:
    long_text = "Intro words. " * 60 + "The zygomorphic ending."
    corpus = [document(0, "Long", long_text), document(1, "Other", "Nothing here.")]
    data = search_data(corpus)
    chunk = next(content for name, content in data["files"].items() if name.startswith("d0-"))
    shown = chunk["docs"][0][4]
    assert "zygomorphic" not in shown and shown.endswith("…")
    assert len(shown) <= 201
    assert compare_with_lunr_js(corpus, ["zygomorphic"], tmp_path) == {"zygomorphic": [0]}


def test_bundle_holds_the_assets_and_reports_sizes() -> None:
    bundle = build_search_bundle(SMALL_CORPUS)
    assert {path for path in bundle.files if not path.startswith(search.FOLDER)} == {
        "assets/search-index.js",
        "assets/lunr.js",
        "assets/search-engine.js",
        "assets/search.js",
        "assets/search.css",
    }
    names = [path.removeprefix(search.FOLDER) for path in bundle.files if path.startswith(search.FOLDER)]
    kinds = sorted({name[0] for name in names})
    assert kinds == ["d", "f", "o", "p", "q", "w"]  # documents, facets, dates, partitions, positions, words
    index = bundle.files["assets/search-index.js"]
    assert index.startswith(b"window.SITEGEN_SEARCH={") and index.isascii()
    assert bundle.index_bytes == sum(len(data) for data in bundle.files.values())
    assert 0 < bundle.index_gzip_bytes < bundle.index_bytes
    assert bundle.files["assets/lunr.js"] == (REPO / "sitegen" / "vendor" / "lunr.js").read_bytes()


def file_content(data: bytes) -> tuple[str, Any]:
    """A partition file's name and content: it must be one JSON literal and nothing else."""
    text = data.decode("ascii")
    head = '(window.SITEGEN_SEARCH_PARTS=window.SITEGEN_SEARCH_PARTS||{})["'
    assert text.startswith(head) and text.endswith(";\n")
    name, _, payload = text.removeprefix(head).removesuffix(";\n").partition('"]=')
    return name, json.loads(payload)


def test_untrusted_text_cannot_break_out_of_the_index_scripts() -> None:
    evil = document(0, "</script><script>alert(1)</script>", "\u2028\u2029 `${x}` \"'", topics=("<b>",))
    files = build_search_bundle([evil]).files
    manifest = files["assets/search-index.js"].decode("ascii")
    json.loads(manifest.removeprefix("window.SITEGEN_SEARCH=").removesuffix(";\n"))
    for path, data in files.items():
        if path.startswith(search.FOLDER):
            assert b"</script" not in data.lower()
            name, content = file_content(data)
            assert path == f"{search.FOLDER}{name}.js"
            if name.startswith("d"):
                assert content["docs"][0][1] == evil.title and content["topics"] == ["<b>"]


def test_every_index_file_is_the_compact_json_of_what_it_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    """The partitions' postings and positions are joined as strings of codes, not encoded by
    `json`: each file must still be exactly what `json.dumps` makes of the value it holds (every
    file of an index of the committed papers in many partitions, with an untrusted title)."""
    small_partitions(monkeypatch)
    untrusted = document(999, '</script> "quoted" \\ \u00e9t\u00e9', "caf\u00e9 </b> tab\there")
    corpus = [*committed_documents(), untrusted]
    files = build_search_bundle(corpus).files
    checked = 0
    for path, data in files.items():
        if path.startswith(search.FOLDER):
            _, content = file_content(data)
            expected = json.dumps(content, ensure_ascii=True, separators=(",", ":")).replace("</", "<\\/")
            assert search.part_body(data) == expected, path
            checked += 1
    assert checked > 20


@pytest.mark.parametrize("count", [0, 1])
def test_tiny_sites_build(count: int, tmp_path: Path) -> None:
    bundle = build_search_bundle(SMALL_CORPUS[:count])
    assert bundle.files["assets/search-index.js"].startswith(b"window.SITEGEN_SEARCH=")
    cases = [("endogen", False), ("en", True), ('"endogen video"', False)]
    assert run_oracle(SMALL_CORPUS[:count], cases)["failures"] == []


class RecordingCache(dict[str, bytes]):
    """A dict that remembers which keys a build wrote and, like the build's, forgets after each
    build what that build did not touch."""

    def __init__(self) -> None:
        super().__init__()
        self.written: list[str] = []
        self.touched: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.touched.add(key)
        return super().get(key, default)

    def __setitem__(self, key: str, value: bytes) -> None:
        self.written.append(key)
        self.touched.add(key)
        super().__setitem__(key, value)

    def prune(self) -> None:
        for key in set(self) - self.touched:
            del self[key]
        self.touched, self.written = set(), []


def edited(docs: list[SearchDocument], number: int, **changes: Any) -> list[SearchDocument]:
    return [dataclasses.replace(doc, **changes) if n == number else doc for n, doc in enumerate(docs)]


def test_a_cached_build_is_byte_identical_and_redoes_little(monkeypatch: pytest.MonkeyPatch) -> None:
    small_partitions(monkeypatch)
    corpus = [document(n, f"Paper {n} on segmentation", f"Abstract {n} about CT and MRI.") for n in range(40)]
    cache = RecordingCache()
    assert build_search_bundle(corpus, cache).files == build_search_bundle(corpus).files
    cache.prune()
    assert build_search_bundle(corpus, cache).files == build_search_bundle(corpus).files
    assert cache.written == [], "nothing changed, nothing redone"
    versions = [
        edited(corpus, 17, title="An edited title about ultrasound"),
        edited(corpus, 3, topics=("Segmentation",), names=("SegNet",), date="2024-05-05"),
        [*corpus[:20], document(99, "A new paper", "Inserted in the middle."), *corpus[20:]],
        corpus[:10] + corpus[11:],
    ]
    for version in versions:
        cache.prune()  # what a build did not touch is gone: the next must not need it
        last = LastFiles(build_search_bundle(corpus, cache).files)
        cache.prune()
        assert (
            last.patched(build_search_bundle(version, cache, last=last)) == build_search_bundle(version).files
        )
        assert sum(key.startswith("search-tokens") for key in cache.written) <= 1


@dataclasses.dataclass
class LastFiles:
    """The last build's files, as the engine hands them to the next build; which it read."""

    files: dict[str, bytes]
    read_paths: set[str] = dataclasses.field(default_factory=set)

    def read(self, path: str) -> bytes | None:
        self.read_paths.add(path)
        return self.files.get(path)

    def size(self, path: str) -> int | None:
        data = self.files.get(path)
        return len(data) if data is not None else None

    def patched(self, bundle: search.SearchBundle) -> dict[str, bytes]:
        """Every file of a bundle patched from these: those it made, and those it kept of these
        (partitions and chunks unread, but the largest partition, whose gzip size it reports;
        the word lists are read to count their words again)."""
        assert not bundle.files.keys() & bundle.kept
        largest = max(
            (path for path in [*bundle.files, *bundle.kept] if path.startswith(search.FOLDER + "p-")),
            key=lambda path: len(self.files.get(path) or bundle.files[path]),
        )
        # (Not positions files: two partitions may have the same, e.g. none, under one name.)
        unread = {path for path in bundle.kept if path.split("/")[-1][0] in "pd"} - {largest}
        assert not self.read_paths & unread, "kept partitions and chunks are not read"
        return {**bundle.files, **{path: self.files[path] for path in bundle.kept}}


def test_an_edit_changes_only_the_files_holding_what_it_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A paper's title edited: the partitions of the words it lost and gained (and of the terms
    whose title postings hold its length), its chunk, the manifest; no other file."""
    monkeypatch.setattr(search, "PART_MIN", 40)
    monkeypatch.setattr(search, "PART_MAX", 120)
    words = ["alpha", "beta", "gamma", "delta", "kappa", "omega", "sigma", "theta", "zeta", "lambda"]
    corpus = [
        document(n, f"{words[n % 10]} {words[(n * 3) % 10]} study {n}", f"On {words[(n * 7) % 10]}.")
        for n in range(120)
    ]
    before = build_search_bundle(corpus).files
    after = build_search_bundle(edited(corpus, 50, title="zeta lambda study 50")).files
    changed = {path for path in after if before.get(path) != after[path]}
    partitions = [path for path in after if path.startswith(search.FOLDER + "p-")]
    assert len(partitions) > 5
    assert "assets/search-index.js" in changed
    assert sum(path.startswith(search.FOLDER + "d") for path in changed) == 1  # its chunk
    assert 0 < sum(path in changed for path in partitions) < len(partitions)


def test_sizes_with_a_cache_are_the_sizes_without() -> None:
    cache: dict[str, bytes] = {}
    cold = build_search_bundle(SMALL_CORPUS)
    for _ in range(2):
        warm = build_search_bundle(SMALL_CORPUS, cache)
        assert (warm.index_bytes, warm.index_gzip_bytes) == (cold.index_bytes, cold.index_gzip_bytes)


def test_codes_are_self_delimiting() -> None:
    table = search.code_table(24_336 + 1)
    assert table[:3] == ["0", "1", "2"] and table[35] == "z" and table[36] == "B0" and table[935] == "Zz"
    assert table[936] == "BA0" and len(table[24_335]) == 3 and len(table[24_336]) == 4
    assert len(set(table)) == len(table)
    assert search.code(5_000) == table[5_000]
    assert table == [search._code(number) for number in range(len(table))], "written once, as computed"


def test_surface_words_are_written_against_their_stem() -> None:
    assert search.encoded_surfaces("generat", ["generate", "generated", "generation"]) == "0e 0ed 0ion"
    assert search.encoded_surfaces("studi", ["studies", "study"]) == "0es 1y"
    assert search.encoded_surfaces("x", ["x"]) == "0"
    assert search.encoded_surfaces("generation", ["generat"]) == "3"  # a word's term, against the word


def test_every_word_s_term_is_read_back_from_its_surface() -> None:
    """Each word of the committed papers (and words too unlike their term to share letters),
    written against its term as the index writes it, reads back as that term."""
    words = {word: stem(word) for doc in committed_documents() for word in tokenize(doc.text)}
    words.update({"mice": "mouse", "x": "yyyyyyyyyyyy", "abcdefghijkl": "a"})
    surfaces = [search.encoded_surfaces(word, [term]) for word, term in words.items()]
    assert search._terms_of(list(words), surfaces) == list(words.values())
    assert len(words) > 1000 and any(surface.startswith("=") for surface in surfaces)


def test_a_stop_word_and_a_term_spelled_alike_stay_apart() -> None:
    """ "others" stems to "other", which is also a stop word: only "others" is indexed."""
    corpus = [
        document(0, "The other model", ""),
        document(1, "Others agree", ""),
        document(2, "Other others", ""),
    ]
    files = search_data(corpus)["files"]
    partition = next(content for name, content in files.items() if name.startswith("p-"))
    positions = next(content for name, content in files.items() if name.startswith("q-"))
    assert "other" in partition["terms"] and "other" in positions["stops"]
    cases = [("others", False), ("other", False), ('"the other model"', False), ('"other others"', False)]
    outcome = run_oracle(corpus, cases)
    assert outcome["failures"] == [] and outcome["stats"]["phrases"] == 2


def test_search_engine_reads_the_index_format_python_writes() -> None:
    assert f"var INDEX_FORMAT = {search.INDEX_FORMAT};" in SEARCH_JS.read_text(encoding="utf-8")


def test_a_build_after_one_edit_rewrites_only_the_search_files_it_changed(
    make_project: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine writes the index's files again only where their bytes change (an unchanged file
    keeps its inode), and the incremental build equals a build from nothing."""
    from sitegen.build import build_site
    from sitegen.config import load_config

    monkeypatch.setattr(search, "PART_MIN", 20)
    monkeypatch.setattr(search, "PART_SPREAD", 4)
    monkeypatch.setattr(search, "PART_MAX", 80)
    words = ("polyp", "liver", "tumour", "agent", "plan", "radiology", "report", "segment", "heart", "eye")
    papers = {
        f"content/papers/study-{n}.md": f"---\ntitle: Study {n} of {words[n % 10]} {words[n * 3 % 10]}\n"
        f"date: 2025-0{1 + n % 9}-1{n % 10}\n---\nWe study {words[n * 7 % 10]} in {n} images.\n"
        for n in range(60)
    }
    topics = "- id: agents\n  title: Agents\n  description: Agents.\n  rules:\n    title: {'agent': 1}\n"
    root = make_project({"content/topics.yaml": topics, **papers})
    config = load_config(root / "site.yaml")
    build_site(config, root / "public")

    def search_files(folder: Path) -> dict[str, Path]:
        return {path.name: path for path in (folder / "assets" / "search").iterdir()}

    before = {name: path.stat().st_ino for name, path in search_files(root / "public").items()}
    edited_paper = root / "content" / "papers" / "study-7.md"
    edited_paper.write_text(edited_paper.read_text(encoding="utf-8").replace("images", "colonoscopy images"))
    build_site(config, root / "public")
    build_site(config, root / "cold", use_cache=False)
    after, cold = search_files(root / "public"), search_files(root / "cold")
    assert {name: path.read_bytes() for name, path in after.items()} == {
        name: path.read_bytes() for name, path in cold.items()
    }
    kept = [name for name, path in after.items() if before.get(name) == path.stat().st_ino]
    partitions = [name for name in after if name.startswith("p-")]
    assert len(partitions) > 5
    assert 0 < sum(name in kept for name in partitions) < len(partitions), "some partitions, not all"
    assert sum(name.startswith("d") for name in after if name not in kept) == 1, "the paper's chunk only"


def test_patched_partitions_equal_a_build_from_nothing_over_random_edits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Random edits of every field of a search document (words added, titles and abstracts
    swapped with other papers', fields emptied, dates and topics changed), one to ten papers at
    a time, each build patching the last one's files: byte for byte a build from nothing."""
    small_partitions(monkeypatch)
    monkeypatch.setattr(search, "MARK_EVERY", 3)  # long posting lists patched stretch by stretch
    corpus = generated_documents(120, seed=5)
    rng = random.Random(19)
    cache = RecordingCache()
    last = LastFiles(build_search_bundle(corpus, cache).files)
    fields = [field.name for field in dataclasses.fields(SearchDocument)]
    for _ in range(25):
        version = list(corpus)
        for _ in range(rng.choice([1, 1, 2, 3, 6, 10])):
            number, other = rng.randrange(len(version)), corpus[rng.randrange(len(corpus))]
            name = rng.choice(fields)
            value = getattr(other, name) if rng.random() < 0.8 else type(getattr(other, name))()
            if name == "text" and rng.random() < 0.5:
                value = version[number].text + " " + " ".join(rng.sample(other.text.split(), 3))
            version[number] = dataclasses.replace(version[number], **{name: value})
        cache.prune()
        with mock.patch.object(search.TermIndex, "of", side_effect=AssertionError("inverted again")):
            files = last.patched(build_search_bundle(version, cache, last=last))
        assert files == build_search_bundle(version).files
        corpus, last = version, LastFiles(files)


@pytest.mark.parametrize("changed", [2, 3, 5, 8])
def test_papers_that_all_leave_their_terms_in_one_build_patch_as_a_build_from_nothing(
    monkeypatch: pytest.MonkeyPatch, changed: int
) -> None:
    """A term's first papers emptied or rewritten together, in one build: the term's first paper
    is then another changed paper, which may no longer have it (its rank must be worked out once
    every paper is replaced). Then each changed paper put back, as an editor undoing a batch."""
    small_partitions(monkeypatch)
    monkeypatch.setattr(search, "MARK_EVERY", 3)
    corpus = generated_documents(60, seed=changed)
    rng = random.Random(changed)
    cache = RecordingCache()
    last = LastFiles(build_search_bundle(corpus, cache).files)
    for first in (0, 7, 30):
        version = list(corpus)
        for number in range(first, first + changed):
            other = corpus[rng.randrange(len(corpus))]
            kind = rng.choice(["emptied", "rewritten", "titled"])
            if kind == "emptied":
                version[number] = dataclasses.replace(version[number], title="", text="", names=())
            elif kind == "rewritten":
                version[number] = dataclasses.replace(version[number], text=other.text)
            else:
                version[number] = dataclasses.replace(version[number], title="Revised " + other.title)
        for edited in (version, corpus):  # the batch, then undone
            cache.prune()
            with mock.patch.object(search.TermIndex, "of", side_effect=AssertionError("inverted again")):
                files = last.patched(build_search_bundle(edited, cache, last=last))
            assert files == build_search_bundle(edited).files, (first, changed)
            last = LastFiles(files)


def test_an_edit_decodes_only_the_partitions_of_what_it_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every third paper in turn gets one word more in its title: the patch decodes the partitions
    that hold the paper's changed terms and words (its title's, whose postings hold the title's
    length, and those it is the first paper to have, whose rank moves), and rarely a neighbour;
    it keeps the others' files as they were, undecoded; and it equals a build from nothing."""
    monkeypatch.setattr(search, "PART_MIN", 150)
    monkeypatch.setattr(search, "PART_SPREAD", 4)
    monkeypatch.setattr(search, "PART_MAX", 500)
    corpus = generated_documents(60, seed=11)
    cache = RecordingCache()
    last = LastFiles(build_search_bundle(corpus, cache).files)
    decoded: list[int] = []
    real_decode = search.TermIndex._decode

    def counting_decode(index: search.TermIndex, number: int) -> None:
        decoded.append(number)
        real_decode(index, number)

    monkeypatch.setattr(search.TermIndex, "_decode", counting_decode)
    shares = []
    for number in range(0, len(corpus), 3):
        version = list(corpus)
        version[number] = dataclasses.replace(corpus[number], title=corpus[number].title + " Colonoscopy")
        cache.prune()
        decoded.clear()
        files = last.patched(build_search_bundle(version, cache, last=last))
        assert files == build_search_bundle(version).files, number
        parts = search.manifest_of(files["assets/search-index.js"])["parts"]
        shares.append(len(set(decoded)) / len(parts))
        corpus, last = version, LastFiles(files)
    assert len(parts) > 8
    later = shares[len(shares) // 2 :]  # the first papers are the first to have most of their terms
    assert sum(later) / len(later) < 0.4, shares


def test_a_last_file_gone_while_patching_gives_the_index_made_from_the_documents(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each file of the last build's index in turn disappears after the patch found it in the
    output and before it read it (someone tidying the folder mid-build): the bundle is then made
    without the last build's files, and is still a build from nothing, byte for byte."""
    small_partitions(monkeypatch)
    corpus = generated_documents(40, seed=3)
    cache = RecordingCache()
    files = build_search_bundle(corpus, cache).files
    version = edited(corpus, 7, title=corpus[7].title + " Colonoscopy", date="2021-03-04")
    cold = build_search_bundle(version).files
    probe = LastFiles(dict(files))
    build_search_bundle(version, dict(cache), last=probe)
    assert len(probe.read_paths) > 3, "the patch reads several of the last build's files"
    for gone in sorted(probe.read_paths):
        last = Vanishing(dict(files), gone=gone)
        bundle = build_search_bundle(version, dict(cache), last=last)
        assert bundle.kept == () and bundle.files == cold, gone


@dataclasses.dataclass
class Vanishing(LastFiles):
    """The last build's files, one of which is gone by the time it is read."""

    gone: str = ""

    def read(self, path: str) -> bytes | None:
        return None if path == self.gone else super().read(path)
