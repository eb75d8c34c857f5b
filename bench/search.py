"""Search from file:// in headless Chromium, query by query: time, download, keystrokes, memory.

    python bench/search.py SITE [SITE ...] [--rounds 3] [--queries 4] [--json OUT]

For each query (drawn from the vocabulary of the first site built with the partitioned index:
common words, rare words, a word's first letters being typed, two words of a title) and each
site, in a new browser context (nothing cached):
 - first search: the home page open, the search box focused (search's scripts start loading) and
   the query put in it at once (one input event): milliseconds from the focus until the list
   under the box shows its results;
 - fetched: the gzip size (level 6, a typical server's) of every file the page loaded from the
   focus until the results showed (lunr.js, the scripts and the index's files);
 - keystrokes: then " " and a second word typed one key at a time, each key's milliseconds
   until its results show (files loaded on the way included); their medians are also given by
   place (the space, the first letter, the second...);
 - heap: the page's JavaScript heap after all that and a garbage collection (Chromium's
   Runtime.getHeapUsage);
 - results page: search.html?q=QUERY opened, milliseconds until its results show, and its
   download.
Sites take turns query by query and round by round, so the machine's drift falls on all alike;
medians are over every query of every round, and for two sites the ratios of the second to the
first are printed (an A/B run: build the same corpus with the old code, e.g. a
`git worktree add /tmp/old <commit>` copy run with PYTHONPATH=/tmp/old).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import sys
import urllib.parse
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from run import OBSERVER_JS, RESULTS_BOX, SEARCH_INPUT, chromium, wait_in_page  # noqa: E402

STOP_WORDS = frozenset(["with", "from", "that", "this", "their", "into", "using", "based", "which"])
KINDS = ("common", "rare", "prefix", "two words")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("sites", nargs="+", type=Path, help="built sites (output folders)")
    parser.add_argument("--rounds", type=int, default=3, help="measurements of each query (default: 3)")
    parser.add_argument("--queries", type=int, default=3, help="queries of each kind (default: 3)")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--json", type=Path, help="write every measurement here")
    args = parser.parse_args(argv)
    sites = [site.resolve() for site in args.sites]
    runs = measure_sites(sites, args.rounds, args.queries, args.seed)
    medians = {site: medians_of(runs[site]) for site in sites}
    for site in sites:
        print(f"\n{site}:")
        for line in report_lines(runs[site]):
            print("  " + line)
    if len(sites) == 2:
        old, new = (medians[site] for site in sites)
        ratios = ", ".join(f"{name} {new[name] / old[name]:.2f}x" for name in old if old[name])
        print(f"\nsecond / first: {ratios}")
    if args.json:
        args.json.write_text(
            json.dumps({str(site): runs[site] for site in sites}, indent=1), encoding="utf-8"
        )
    return 0


def measure_sites(
    sites: Sequence[Path], rounds: int, count: int, seed: int
) -> dict[Path, list[dict[str, Any]]]:
    """Every measurement of every site, query by query and round by round (bench/scale.py
    measures one site this way)."""
    queries = drawn_queries(sites, count, seed)
    print(
        "queries:", "; ".join(f"{kind}: {query!r} then {more!r}" for kind, query, more in queries), flush=True
    )
    runs: dict[Path, list[dict[str, Any]]] = {site: [] for site in sites}
    with chromium() as browser:
        for round_number in range(1, rounds + 1):
            for kind, query, more in queries:
                for site in sites:
                    measured = {"kind": kind, "query": query, **measure(browser, site, query, more)}
                    runs[site].append(measured)
                    print(
                        f"round {round_number} {site.name} {kind} {query!r}: {summary(measured)}", flush=True
                    )
    return runs


def measure(browser: Any, site: Path, query: str, more: str) -> dict[str, Any]:
    context = browser.new_context()
    try:
        page = context.new_page()
        loaded: list[str] = []
        page.on("request", lambda request: loaded.append(request.url))
        page.goto((site / "index.html").as_uri())
        page.evaluate(OBSERVER_JS)
        loaded.clear()
        page.focus(SEARCH_INPUT)  # search's scripts start loading
        page.fill(SEARCH_INPUT, query)
        start = page.evaluate("window.__bench.focus")
        shown = wait_in_page(page, f"window.__bench.shown[{json.dumps(query)}]")
        first = {
            "first_ms": round(shown - start, 1),
            "fetched_gzip": fetched_bytes(loaded),
            "files": len(loaded),
        }
        keys, typed = [], query
        for key in " " + more:
            typed += key
            page.keyboard.press("Space" if key == " " else key)
            shown = wait_in_page(page, f"window.__bench.shown[{json.dumps(typed)}]")
            keys.append(
                round(shown - page.evaluate("window.__bench.keys[window.__bench.keys.length - 1]"), 1)
            )
        status = page.inner_text(f"{RESULTS_BOX} .search-status")
        session = context.new_cdp_session(page)
        session.send("HeapProfiler.collectGarbage")
        heap = session.send("Runtime.getHeapUsage")["usedSize"]
        page_ms, page_bytes = results_page(context, site, query)
        return {**first, "keystroke_ms": keys, "heap_mb": round(heap / 1e6, 1), "status": status,
                "page_ms": page_ms, "page_fetched_gzip": page_bytes}  # fmt: skip
    finally:
        context.close()


def results_page(context: Any, site: Path, query: str) -> tuple[float, int]:
    """search.html?q=QUERY in a new page: milliseconds from navigation to its results, and the
    gzip bytes of every file it loaded (this context's cache aside: each file counted once)."""
    page = context.new_page()
    loaded: list[str] = []
    page.on("request", lambda request: loaded.append(request.url))
    page.goto((site / "search.html").as_uri() + "?q=" + urllib.parse.quote(query))
    status = "#search-page-results .search-status[data-query]"
    page.wait_for_selector(status, timeout=120_000)
    took = page.evaluate("performance.now()")
    page.close()
    return round(took, 1), fetched_bytes(loaded)


def fetched_bytes(urls: Sequence[str]) -> int:
    paths = {
        Path(urllib.parse.unquote(urllib.parse.urlparse(url).path)) for url in urls if url.startswith("file:")
    }
    return sum(gzip_size(path) for path in paths if path.is_file())


@cache
def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))


def summary(measured: dict[str, Any]) -> str:
    keys = statistics.median(measured["keystroke_ms"])
    return (
        f"first {measured['first_ms']:.0f} ms, {measured['fetched_gzip'] / 1000:.0f} kB gzip "
        f"({measured['files']} files), keystroke {keys:.0f} ms, heap {measured['heap_mb']:.0f} MB, "
        f"results page {measured['page_ms']:.0f} ms {measured['page_fetched_gzip'] / 1000:.0f} kB; "
        f"{measured['status']}"
    )


def medians_of(runs: Sequence[dict[str, Any]]) -> dict[str, float]:
    return {
        "first_ms": statistics.median(run["first_ms"] for run in runs),
        "fetched_kB": statistics.median(run["fetched_gzip"] for run in runs) / 1000,
        "keystroke_ms": statistics.median(key for run in runs for key in run["keystroke_ms"]),
        "heap_MB": statistics.median(run["heap_mb"] for run in runs),
        "page_ms": statistics.median(run["page_ms"] for run in runs),
        "page_kB": statistics.median(run["page_fetched_gzip"] for run in runs) / 1000,
    }


def report_lines(runs: Sequence[dict[str, Any]]) -> list[str]:
    lines = []
    for kind in (None, *KINDS):
        chosen = [run for run in runs if kind is None or run["kind"] == kind]
        if not chosen:
            continue
        found = medians_of(chosen)
        worst = max(run["fetched_gzip"] for run in chosen) / 1000
        most_heap = max(run["heap_mb"] for run in chosen)
        lines.append(
            f"{kind or 'all queries':>11}: first search {found['first_ms']:.0f} ms, "
            f"fetched {found['fetched_kB']:.0f} kB gzip (most {worst:.0f}), "
            f"keystroke {found['keystroke_ms']:.1f} ms, "
            f"heap {found['heap_MB']:.1f} MB (most {most_heap:.1f}); "
            f"results page {found['page_ms']:.0f} ms, {found['page_kB']:.0f} kB gzip"
        )
    return [*lines, keys_by_position(runs)]


def keys_by_position(runs: Sequence[dict[str, Any]]) -> str:
    """The median keystroke by its place in what is typed after the query: the space, the next
    word's first letter (which narrows nothing), its second (the first that completes words, and
    loads the partitions of every word it begins), and so on."""
    longest = max(len(run["keystroke_ms"]) for run in runs)
    medians = [
        statistics.median(run["keystroke_ms"][at] for run in runs if len(run["keystroke_ms"]) > at)
        for at in range(longest)
    ]
    return "keys by place: " + ", ".join(f"{at + 1}: {ms:.1f} ms" for at, ms in enumerate(medians))


# --- the queries --------------------------------------------------------------------------------


def drawn_queries(sites: Sequence[Path], count: int, seed: int) -> list[tuple[str, str, str]]:
    """(kind, query, a word typed after it) drawn from the vocabulary of a partitioned index:
    common words (the 60 most used), rare ones (the least used tenth), a common
    word's first four letters, and two words of a paper's title."""
    site = next((site for site in sites if (site / "assets" / "search").is_dir()), None)
    if site is None:
        raise SystemExit("no site with a partitioned search index (assets/search/) to draw queries from")
    rng = random.Random(seed)
    words = vocabulary(site)
    alphabetic = [
        (word, used) for word, used in words if word.isalpha() and len(word) >= 5 and word not in STOP_WORDS
    ]
    by_use = sorted(alphabetic, key=lambda entry: (-entry[1], entry[0]))
    common = [word for word, _ in by_use[:60]]
    rare = [word for word, used in reversed(by_use) if used >= 2][: max(10, len(by_use) // 10)]  # least used
    titles = title_words(site)
    queries = []
    for _ in range(count):
        queries.append(("common", rng.choice(common), rng.choice(common)))
        queries.append(("rare", rng.choice(rare), rng.choice(common)))
        queries.append(("prefix", rng.choice(common)[:4], rng.choice(common)))
        first, second = rng.sample(rng.choice(titles), 2)
        queries.append(("two words", f"{first} {second}", rng.choice(common)))
    return [(kind, query, more[:6]) for kind, query, more in queries]


def part_files(site: Path, prefix: str) -> list[Any]:
    found = []
    for path in sorted((site / "assets" / "search").glob(prefix + "*.js")):
        text = path.read_text(encoding="ascii")
        found.append(json.loads(text[text.index("]=") + 2 : -2]))
    return found


def vocabulary(site: Path) -> list[tuple[str, int]]:
    """Every word of the text with how many (field, paper) pairs hold its term."""
    found = []
    for data in part_files(site, "w"):
        used = codes(data["used"])
        found += zip(data["words"], used, strict=True)
    return found


def title_words(site: Path) -> list[list[str]]:
    titles = []
    for data in part_files(site, "d")[:200]:
        for doc in data["docs"]:
            words = [w for w in re.findall(r"[a-z]{5,}", doc[1].lower()) if w not in STOP_WORDS]
            if len(words) >= 2:
                titles.append(words)
    return titles


def codes(text: str) -> list[int]:
    """sitegen/search.py's codes, read back."""
    found, lead = [], 0
    for char in text:
        if "A" <= char <= "Z":
            lead = lead * 26 + ord(char) - ord("A")
            continue
        found.append(lead * 36 + int(char, 36))
        lead = 0
    return found


if __name__ == "__main__":
    raise SystemExit(main())
