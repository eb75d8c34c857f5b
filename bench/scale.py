"""Issue 19's build figures, in one command: sitegen at 10,000 and 100,000 papers, and Hugo beside it.

    python bench/scale.py [--sizes 10000,100000] [--runs 3] [--hugo-up-to 10000] [--no-readme]
                          [--search-queries 3] [--search-rounds 1]

For each size it generates a corpus (bench/generate.py; kept in bench/out/scale-N/ and used
again while its size and seed are the same), then measures, each build in a child process whose
wall time and peak RSS (children included) are taken from outside (bench/run.py's `run_measured`):
  - cold `sitegen build` (no output, no spare version beside it, no cache), and, up to
    --hugo-up-to papers, a cold `hugo` build of the same papers (bench/hugo_project.py) right
    after each, alternating, so that each pair sees the same machine; the ratio is the median of
    the pairs' ratios;
  - `sitegen build` with nothing changed, then after each kind of one-paper edit issue 19 names
    (bench/ab_edit.py's: a sentence added to an abstract, a title, a date, a topic, the authors),
    each edit to its own paper, `--runs` builds of each kind;
  - search in headless Chromium from file:// on the site built (bench/search.py: --search-queries
    queries of each kind, --search-rounds rounds): the first search, what it fetched, a
    keystroke, the JavaScript heap (0 queries: none);
and checks each against issue 19's target. The table goes to bench/out/scale.md, the runs to
bench/out/scale.json, and the table into bench/README.md between its `scale` markers.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import ab_edit  # noqa: E402
import generate  # noqa: E402
import hugo_project  # noqa: E402
import search  # noqa: E402
from run import (  # noqa: E402
    OUT,
    Measured,
    deleting_set_aside,
    environment,
    median,
    run_measured,
    set_aside,
    sitegen_build,
    sitegen_cold_build,
    size_and_runs_parser,
    summarize,
)

from sitegen.engine.reading import SETTLE_NS  # noqa: E402

README = BENCH / "README.md"
BEGIN, END = "<!-- scale:begin -->", "<!-- scale:end -->"
HUGO = "hugo"
# Issue 19's targets: (size, what, limit); every one "at most".
COLD_LIMIT = {100_000: 60.0}
# 1.5 GB read strictly (1.5e9 bytes), in the MiB bench/run.py reports (`ru_maxrss` / 1024).
PEAK_LIMIT_MIB = {100_000: 1430.0}
EDIT_LIMIT = {10_000: 0.5, 100_000: 1.0}
# Issue 19, item 4's kinds of one-paper edit (bench/ab_edit.py makes them), as the table names them.
EDIT_KINDS = {
    "abstract": "one abstract edited",
    "title": "one title edited",
    "date": "one date edited",
    "topics": "one paper's topics edited",
    "authors": "one paper's authors edited",
}
HUGO_RATIO_LIMIT = 1.5
FIRST_SEARCH_LIMIT_MS = {100_000: 1000.0}
FETCHED_LIMIT_KB = {10_000: 300.0, 100_000: 1000.0}
KEYSTROKE_LIMIT_MS = {100_000: 50.0}
HEAP_LIMIT_MB = {100_000: 100.0}
LARGE_FROM = 10_000  # sizes above this take --large-runs runs (a cold build of 100,000 takes minutes)


def corpus(size: int, seed: int) -> Path:
    """The project of `size` papers, generated unless the one there has that size and seed."""
    work = OUT / f"scale-{size}"
    project, stamp = work / "project", work / "generated.json"
    wanted = {"papers": size, "seed": seed, "generator": _digest(Path(generate.__file__))}
    if stamp.is_file() and json.loads(stamp.read_text(encoding="utf-8")) == wanted and project.is_dir():
        return project
    set_aside(project)
    print(f"[{size}] generating the corpus...", flush=True)
    generate.write_project(generate.generate_papers(size, seed), project, generate.DEFAULT_TOPICS)
    stamp.write_text(json.dumps(wanted), encoding="utf-8")
    # A build does not trust the stamps of files written in the last SETTLE_NS (they may change
    # again within the same mtime tick) and checks them all at its next build: wait, or the
    # "nothing changed" row would time that full check, which no editor's library pays.
    time.sleep(SETTLE_NS / 1e9)
    return project


def _digest(path: Path) -> str:
    import hashlib

    return hashlib.blake2b(path.read_bytes(), digest_size=8).hexdigest()


def hugo_version() -> str:
    return subprocess.run([HUGO, "version"], capture_output=True, text=True, check=True).stdout.strip()


def hugo_cold_build(folder: Path, log: Path) -> Measured:
    """`hugo` from nothing: no output, no resources cache (it uses every core by default)."""
    for made in ("public", "resources", ".hugo_build.lock"):
        set_aside(folder / made)
    return run_measured([HUGO, "--quiet", "--destination", folder / "public"], folder, log)


def bench_size(size: int, args: argparse.Namespace) -> dict[str, Any]:
    project = corpus(size, args.seed)
    work = project.parent
    result: dict[str, Any] = {"papers": size}
    cold, hugo = [], []
    runs = args.runs if size <= LARGE_FROM or args.large_runs is None else args.large_runs
    with_hugo = size <= args.hugo_up_to
    if with_hugo:
        hugo_folder = work / "hugo"
        set_aside(hugo_folder)  # its last public/ too: not deleted before the cold builds
        hugo_project.write_hugo_project(project, hugo_folder)
        result["hugo_version"] = hugo_version()
    for run in range(runs):
        print(f"[{size}] cold build {run + 1}/{runs}...", flush=True)
        # Alternating which goes first, so that neither always runs on a machine the other warmed.
        if with_hugo and run % 2:
            hugo.append(hugo_cold_build(hugo_folder, work / "hugo.log"))
        cold.append(sitegen_cold_build(project, work))
        if with_hugo and not run % 2:
            hugo.append(hugo_cold_build(hugo_folder, work / "hugo.log"))
    result["cold"] = {**summarize(cold), "cpu_seconds": median([run.cpu_seconds for run in cold])}
    if hugo:
        ratios = [ours.seconds / theirs.seconds for ours, theirs in zip(cold, hugo, strict=True)]
        cpu = median([run.cpu_seconds for run in hugo])
        result["hugo"] = {
            **summarize(hugo),
            "cpu_seconds": cpu,
            "ratios": [round(ratio, 3) for ratio in ratios],
        }
        result["hugo_ratio"] = median(ratios)
    site, log = work / "site", work / "sitegen.log"
    print(f"[{size}] nothing changed, then one-paper edits...", flush=True)
    result["nothing_changed"] = summarize([sitegen_build(project, site, log) for _ in range(runs)])
    result["edits"] = {}
    for kind in EDIT_KINDS:
        edited = []
        for run in range(runs):
            edit_for_real(project, kind, run)
            edited.append(sitegen_build(project, site, log))
        result["edits"][kind] = summarize(edited)
    if args.search_queries:
        print(f"[{size}] search in headless Chromium...", flush=True)
        measured = search.measure_sites([site], args.search_rounds, args.search_queries, args.seed)[site]
        result["search"] = {
            **search.medians_of(measured),
            "most_fetched_kB": max(run["fetched_gzip"] for run in measured) / 1000,
            "most_heap_MB": max(run["heap_mb"] for run in measured),
            "searches": len(measured),
        }
    return result


def edit_for_real(project: Path, kind: str, run: int) -> None:
    """bench/ab_edit.py's edit of `kind` for `run`; a corpus kept from an earlier run may hold
    that edit already (a build of it would find nothing changed but a file's time): then the
    next run's, until the file changes."""
    path = ab_edit.edited_file(project, kind)
    before = path.read_bytes()
    for attempt in range(run, run + 100):
        ab_edit.edit_paper(project, kind, attempt)
        if path.read_bytes() != before:
            return
    raise SystemExit(f"the {kind} edit leaves {path} as it is")


def verdict(value: float, limit: float | None) -> str:
    if limit is None:
        return "–"
    return f"≤ {limit:g}: {'met' if value <= limit else 'NOT met'}"


def scale_table(results: dict[str, Any]) -> str:
    rows = []
    for size in results["sizes"]:
        papers = f"{size['papers']:,}"
        cold, same, edits = size["cold"], size["nothing_changed"], size["edits"]
        peak = max(cold["peak_mb"], same["peak_mb"], *(edit["peak_mb"] for edit in edits.values()))
        phases = ", ".join(f"{name} {value:.1f} s" for name, value in cold.get("phases", {}).items())
        cold_limit = COLD_LIMIT.get(size["papers"])
        rows.append(
            (
                papers,
                "cold build",
                f"{cold['seconds']:.2f} s, CPU {cold['cpu_seconds']:.1f} s ({phases})",
                verdict(cold["seconds"], cold_limit),
            )
        )
        if "hugo" in size:
            hugo = size["hugo"]
            pairs = ", ".join(f"{ratio:.2f}" for ratio in hugo["ratios"])
            them = f"Hugo {hugo['seconds']:.2f} s, CPU {hugo['cpu_seconds']:.1f} s, {hugo['peak_mb']:.0f} MB"
            paired = f"{size['hugo_ratio']:.2f}x ({them}; pairs {pairs})"
            rows.append(
                (papers, "cold build / Hugo's, paired", paired, verdict(size["hugo_ratio"], HUGO_RATIO_LIMIT))
            )
        rows.append((papers, "nothing changed", f"{same['seconds']:.2f} s", "–"))
        edit_limit = EDIT_LIMIT.get(size["papers"])
        for kind, edit in edits.items():
            each = ", ".join(f"{seconds:.2f}" for seconds in edit["all_seconds"])
            shown = f"{edit['seconds']:.2f} s ({each})"
            rows.append((papers, EDIT_KINDS[kind], shown, verdict(edit["seconds"], edit_limit)))
        peak_limit = PEAK_LIMIT_MIB.get(size["papers"])
        rows.append(
            (papers, "peak memory (largest of these builds)", f"{peak:.0f} MiB", verdict(peak, peak_limit))
        )
        rows += search_rows(papers, size)
    runs = " and ".join(f"{size['cold']['runs']} ({size['papers']:,} papers)" for size in results["sizes"])
    lines = ["| papers | measured | median | target (issue 19) |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    env = results["environment"]
    note = (
        f"\n`{results['command']}`, {env['date']}: medians of {runs} runs of each; "
        f"{env['cpus']} cores, Python {env['python']}."
    )
    return "\n".join(lines) + "\n" + note + "\n"


def search_rows(papers: str, size: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The search's figures (medians over every query and round; the worst in brackets)."""
    found = size.get("search")
    if found is None:
        return []
    searches, most_kb, most_mb = found["searches"], found["most_fetched_kB"], found["most_heap_MB"]
    rows = (  # what, the figure's name in `found`, how it is shown, its limits by size
        (f"first search from file:// ({searches} searches)", "first_ms", "{:.0f} ms", FIRST_SEARCH_LIMIT_MS),
        ("fetched for it, gzip", "fetched_kB", f"{{:.0f}} kB (most {most_kb:.0f} kB)", FETCHED_LIMIT_KB),
        ("a keystroke (median of every key)", "keystroke_ms", "{:.1f} ms", KEYSTROKE_LIMIT_MS),
        ("JavaScript heap", "heap_MB", f"{{:.1f}} MB (most {most_mb:.1f} MB)", HEAP_LIMIT_MB),
    )
    count = size["papers"]
    return [
        (papers, what, shown.format(found[name]), verdict(found[name], limits.get(count)))
        for what, name, shown, limits in rows
    ]


def write_into_readme(table: str, readme: Path = README) -> None:
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"{readme} has no {BEGIN} ... {END} markers")
    readme.write_text(text[: start + len(BEGIN)] + "\n" + table + text[end:], encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    command = "python bench/scale.py " + " ".join(sys.argv[1:] if argv is None else argv)
    results: dict[str, Any] = {"command": command.strip(), "environment": environment()}
    started = time.perf_counter()
    results["sizes"] = []
    for size in args.sizes:  # saved after each size: a run at 100,000 papers takes long
        results["sizes"].append(bench_size(size, args))
        results["total_seconds"] = round(time.perf_counter() - started, 1)
        (OUT / "scale.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    table = scale_table(results)
    (OUT / "scale.md").write_text(table, encoding="utf-8")
    if not args.no_readme:
        write_into_readme(table)
    print(table)
    return 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = size_and_runs_parser(__doc__, [10_000, 100_000])
    parser.add_argument(
        "--large-runs", type=int, help=f"runs of each build above {LARGE_FROM:,} papers (default: --runs)"
    )
    parser.add_argument("--hugo-up-to", type=int, default=10_000, help="sizes with a paired Hugo build")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default: 1)")
    parser.add_argument("--no-readme", action="store_true", help="leave bench/README.md as it is")
    parser.add_argument("--search-queries", type=int, default=3, help="queries of each kind (default: 3)")
    parser.add_argument("--search-rounds", type=int, default=1, help="rounds of them (default: 1)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    with deleting_set_aside():
        status = main()
    sys.exit(status)
