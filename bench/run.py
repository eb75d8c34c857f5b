"""The benchmark, in one command: sitegen against MkDocs on synthetic corpora.

    python bench/run.py [--sizes 1000,10000] [--runs 3] [--search-runs 5] [--skip-mkdocs] [--skip-search]
                        [--skip-serve]

For each size it generates a corpus (bench/generate.py), then times, each in a child process
whose wall time and peak RSS (children included) are measured from outside:
  - `sitegen build`: cold (no output, no cache), warm (nothing changed), after one paper edit,
    with the build's own per-phase timings, output size and search download size;
  - MkDocs on the same papers, search index prebuilt with lunr.py, and once without prebuilding;
  - search in headless Chromium from file://: first use (focus + type) to results shown, then
    the latency of each further keystroke;
  - `sitegen serve`: file write until the open page shows the new title (skipped without serve).
Everything is written under bench/out/: the projects, logs, results.json and results.md.
MkDocs is installed into bench/.venv on first use (PyPI: mkdocs, lunr).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import mkdocs_project  # noqa: E402
from report import markdown_report  # noqa: E402

# Chromium is driven exactly as the browser tests drive it (one definition of its path and flags).
sys.path.insert(0, str(REPO / "tests"))
from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

from sitegen.paperfile import dump_paper, parse_paper  # noqa: E402

OUT = BENCH / "out"
VENV = BENCH / ".venv"
MKDOCS_ALL_RUNS_UP_TO = 2000
MKDOCS_PACKAGES = ("mkdocs==1.6.1", "lunr==0.8.0")
FIRST_QUERY = "segmentation"
KEYSTROKES = " transformer"  # typed one key at a time after the first query
SEARCH_INPUT = "#site-search-input"
RESULTS_BOX = "#site-search-results"


class BenchError(Exception):
    """A step that cannot go on; the message says which and where its log is."""


@dataclass
class Measured:
    """One child process: wall time, peak resident memory, and what it reported."""

    seconds: float
    peak_mb: float
    cpu_seconds: float = 0.0  # user and system time, of it and the children it waited for
    report: dict[str, Any] = field(default_factory=dict)


# --- running and measuring child processes ------------------------------------------------------


def child_environment(checkout: Path = REPO) -> dict[str, str]:
    """Children import the sitegen of `checkout` (by default the one next to this script),
    whichever one is installed, and keep bytecode caches as Python does by default (some
    sandboxes set PYTHONDONTWRITEBYTECODE, which makes every run compile sitegen's modules again)."""
    path = os.environ.get("PYTHONPATH")
    kept = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return {**kept, "PYTHONPATH": str(checkout) + (os.pathsep + path if path else "")}


def run_measured(command: Sequence[str | Path], cwd: Path, log: Path, checkout: Path = REPO) -> Measured:
    """Run a command to completion; peak RSS is the largest of it and the children it waited for.

    Dirty pages are flushed first, so that a run is not slowed by the disk still writing out the
    last run's output (a cold build writes ~280 MB at 10,000 papers)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as output:
        output.write(f"\n$ {' '.join(map(str, command))}\n".encode())
        output.flush()
        os.sync()
        started = time.perf_counter()
        process = subprocess.Popen(
            list(map(str, command)),
            cwd=cwd,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=child_environment(checkout),
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise BenchError(f"`{' '.join(map(str, command))}` failed in {cwd}; see {log}")
    cpu = usage.ru_utime + usage.ru_stime
    return Measured(seconds, usage.ru_maxrss / 1024, cpu)  # ru_maxrss is in KiB on Linux


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def gzip_bytes(paths: Sequence[Path]) -> int:
    return sum(len(gzip.compress(path.read_bytes(), compresslevel=6)) for path in paths)


def download_sizes(paths: Sequence[Path]) -> dict[str, int]:
    return {"raw_bytes": sum(path.stat().st_size for path in paths), "gzip_bytes": gzip_bytes(paths)}


# --- sitegen ------------------------------------------------------------------------------------


def sitegen_search_files(site: Path) -> list[Path]:
    """What a reader downloads to search: the index, lunr.js and the search script."""
    return sorted(
        path for path in (site / "assets").glob("*.js") if "search" in path.name or "lunr" in path.name
    )


def sitegen_build(project: Path, site: Path, log: Path) -> Measured:
    report_file = site.parent / "build-report.json"
    command: list[str | Path] = [
        sys.executable,
        BENCH / "build_probe.py",
        "--out",
        site,
        "--report",
        report_file,
    ]
    measured = run_measured(command, project, log)
    measured.report = json.loads(report_file.read_text(encoding="utf-8"))
    return measured


def edit_one_paper(project: Path, run: int) -> None:
    """Change one sentence of one paper, as an editor saving a fix would. A project kept from an
    earlier run may have this run's sentence already: then another one (else the "edit" changes
    nothing, and a build of it is a build with nothing changed but a file's time)."""
    papers = sorted((project / "content" / "papers").glob("*.md"))
    path = papers[len(papers) // 2]
    paper = parse_paper(path.read_text(encoding="utf-8"), str(path), path.stem)
    abstract = paper.abstract.rsplit("\n\nEdited", 1)[0] + f"\n\nEdited in benchmark run {run}."
    if abstract == paper.abstract:
        abstract = abstract.removesuffix(".") + ", again."
    path.write_text(dump_paper(replace(paper, abstract=abstract)), encoding="utf-8")


def sitegen_cold_build(project: Path, work: Path) -> Measured:
    """A first build: no output, no cache, and no spare version of the output beside it (which
    a build would otherwise claim and empty file by file: ~11,000 unlinks at 10,000 papers)."""
    site = work / "site"
    for folder in (site, *site.parent.glob(f".{site.name}.*"), project / ".sitegen-cache"):
        set_aside(folder)
    return sitegen_build(project, site, work / "sitegen.log")


SET_ASIDE = OUT / ".set-aside"


def set_aside(path: Path) -> None:
    """Move `path` out of the way of a cold build; `deleting_set_aside` deletes it when the run
    ends. Deleted now, its files would slow the next build's down: on a filesystem without a
    journal (this bench machine's ext4), Linux skips the inodes freed in the last minute or more
    when it makes a file, checking them one by one, and a build right after an `rm -rf` of
    ~23,000 files spent ~0.5 ms of system time on each file it wrote (+3.4 s for Hugo's build at
    10,000 papers, +5.5 s for ours): a cost of the harness, which no first build pays."""
    if not os.path.lexists(path):
        return
    SET_ASIDE.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(path, SET_ASIDE / f"{time.time_ns()}-{path.name}")
    except OSError:  # on another filesystem
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


@contextmanager
def deleting_set_aside() -> Iterator[None]:
    """Delete what `set_aside` moved away, when the block ends (left by an interrupted run too)."""
    try:
        yield
    finally:
        shutil.rmtree(SET_ASIDE, ignore_errors=True)


def bench_sitegen(project: Path, work: Path, runs: int) -> dict[str, Any]:
    site, log = work / "site", work / "sitegen.log"
    cold, warm, edited = [], [], []
    for _ in range(runs):
        cold.append(sitegen_cold_build(project, work))
    for _ in range(runs):
        warm.append(sitegen_build(project, site, log))
    for run in range(runs):
        edit_one_paper(project, run)
        edited.append(sitegen_build(project, site, log))
    search_files = sitegen_search_files(site)
    index_files = [path for path in search_files if "index" in path.name]
    return {
        "cold": summarize(cold),
        "warm": summarize(warm),
        "one_edit": summarize(edited),
        "output_bytes": folder_bytes(site),
        "search_index": download_sizes(index_files),
        "search_download": download_sizes(search_files),
        "search_files": [path.name for path in search_files],
        "site": str(site),
    }


def summarize(runs: Sequence[Measured]) -> dict[str, Any]:
    """Medians over the runs, phase by phase when the build reported its phases."""
    summary: dict[str, Any] = {
        "runs": len(runs),
        "seconds": median([run.seconds for run in runs]),
        "all_seconds": [round(run.seconds, 3) for run in runs],
        "peak_mb": max(run.peak_mb for run in runs),
    }
    phases = [run.report.get("timings", {}) for run in runs]
    if any(phases):
        names = list(dict.fromkeys(name for timings in phases for name in timings))
        summary["phases"] = {name: median([timings.get(name, 0.0) for timings in phases]) for name in names}
    counts = {key: value for key, value in runs[-1].report.items() if key != "timings"}
    if counts:
        summary["report"] = counts
    return summary


# --- MkDocs -------------------------------------------------------------------------------------


def mkdocs_command() -> Path:
    """bench/.venv/bin/mkdocs, installing MkDocs and lunr.py into bench/.venv on first use."""
    mkdocs = VENV / "bin" / "mkdocs"
    if not mkdocs.exists():
        print(f"installing {' '.join(MKDOCS_PACKAGES)} into {VENV}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        pip: list[str | Path] = [
            VENV / "bin" / "python",
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
        ]
        subprocess.run([*pip, *MKDOCS_PACKAGES], check=True)
    return mkdocs


def bench_mkdocs(
    project: Path, work: Path, runs: int, plain_runs: int, paired: Callable[[], Measured]
) -> dict[str, Any]:
    """MkDocs with its prebuilt index, each run right after a `paired()` sitegen cold build, so
    their ratio holds however the machine's speed drifts over the run; then MkDocs without it."""
    mkdocs, papers = mkdocs_command(), mkdocs_project.read_papers(project)
    results: dict[str, Any] = {"version": mkdocs_version(mkdocs)}
    for name, prebuild, count in (("prebuilt_index", True, runs), ("browser_index", False, plain_runs)):
        if count < 1:
            continue
        folder = work / f"mkdocs-{name}"
        set_aside(folder)
        mkdocs_project.write_mkdocs_project(papers, folder, prebuild=prebuild)
        measured, sitegen_cold = [], []
        for _ in range(count):
            if prebuild:
                sitegen_cold.append(paired().seconds)
            set_aside(folder / "site")
            command: list[str | Path] = [mkdocs, "build", "--quiet", "--site-dir", folder / "site"]
            measured.append(run_measured(command, folder, work / "mkdocs.log"))
        search = sorted((folder / "site" / "search").glob("*"))
        results[name] = {
            **summarize(measured),
            **({"sitegen_cold_paired": [round(value, 3) for value in sitegen_cold]} if prebuild else {}),
            "output_bytes": folder_bytes(folder / "site"),
            "search_index": download_sizes([path for path in search if path.name == "search_index.json"]),
            "search_download": download_sizes(search),
        }
    return results


def mkdocs_version(mkdocs: Path) -> str:
    return subprocess.run([mkdocs, "--version"], capture_output=True, text=True).stdout.strip()


# --- search in headless Chromium ----------------------------------------------------------------

# Stamps, in page time, each keydown in the search box and the moment the dropdown shows the
# status line for exactly the current query (after the next animation frame, i.e. painted). The
# status line names its query in data-query (older search.js: in its text, between quotes).
OBSERVER_JS = """() => {
  window.__bench = {keys: [], shown: {}};
  const input = document.querySelector(INPUT);
  const box = document.querySelector(BOX);
  input.addEventListener('keydown', () => window.__bench.keys.push(performance.now()), true);
  input.addEventListener('focus', () => { window.__bench.focus = performance.now(); }, true);
  new MutationObserver(() => {
    const query = input.value;
    const status = box.querySelector('.search-status');
    const named = status && (status.hasAttribute('data-query') ? status.getAttribute('data-query') === query :
      status.textContent.includes('\\u201c' + query + '\\u201d'));
    if (box.hidden || !named) return;
    if (query in window.__bench.shown) return;
    requestAnimationFrame(() => { window.__bench.shown[query] = performance.now(); });
  }).observe(box, {childList: true, subtree: true, characterData: true, attributes: true});
}""".replace("INPUT", json.dumps(SEARCH_INPUT)).replace("BOX", json.dumps(RESULTS_BOX))


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_in_page(page: Any, expression: str, timeout: float = 120.0) -> Any:
    page.wait_for_function(expression, timeout=timeout * 1000, polling=20)
    return page.evaluate(expression)


def bench_search(site: Path, runs: int = 1, keystrokes: str = KEYSTROKES) -> dict[str, Any]:
    """First use: focus, type a word, results shown. Then one key at a time, each to its results.
    Each run in a new browser context (nothing cached in the page); medians over the runs."""
    measured = []
    with chromium() as browser:
        for _ in range(runs):
            context = browser.new_context()
            try:
                measured.append(search_once(context.new_page(), site, keystrokes))
            finally:
                context.close()
    keys = [value for run in measured for value in run["keystroke_ms"]]
    return {
        "first_use_ms": round(median([run["first_use_ms"] for run in measured]), 1),
        "keystroke_median_ms": round(median(keys), 1),
        "first_use_runs_ms": [run["first_use_ms"] for run in measured],
        "keystroke_run_medians_ms": [run["keystroke_median_ms"] for run in measured],
        "keystroke_ms": keys,
        "final_status": measured[-1]["final_status"],
    }


def search_once(page: Any, site: Path, keystrokes: str) -> dict[str, Any]:
    page.goto((site / "index.html").as_uri())
    page.evaluate(OBSERVER_JS)
    page.focus(SEARCH_INPUT)
    page.keyboard.type(FIRST_QUERY)
    shown = wait_in_page(page, f"window.__bench.shown[{json.dumps(FIRST_QUERY)}]")
    first_use = shown - page.evaluate("window.__bench.focus")
    latencies = []
    query = FIRST_QUERY
    for key in keystrokes:
        query += key
        page.keyboard.press("Space" if key == " " else key)
        shown = wait_in_page(page, f"window.__bench.shown[{json.dumps(query)}]")
        latencies.append(shown - page.evaluate("window.__bench.keys[window.__bench.keys.length - 1]"))
    return {
        "first_use_ms": round(first_use, 1),
        "keystroke_median_ms": round(median(latencies), 1),
        "keystroke_ms": [round(value, 1) for value in latencies],
        "final_status": page.inner_text(f"{RESULTS_BOX} .search-status"),
    }


# --- sitegen serve: edit to reload --------------------------------------------------------------


def serve_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("sitegen.serve") is not None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_serving_url(log: Path, process: subprocess.Popen[bytes], timeout: float) -> str:
    """The address `sitegen serve` prints once its first build is done ("Serving URL ...")."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("Serving http"):
                return line.split()[1]
        if process.poll() is not None:
            raise BenchError(f"sitegen serve exited with code {process.returncode}; see {log}")
        time.sleep(0.1)
    raise BenchError(f"sitegen serve did not start within {timeout:.0f} s; see {log}")


def bench_serve_reload(project: Path, work: Path, edits: int = 3, checkout: Path = REPO) -> dict[str, Any]:
    """`sitegen serve` in the project, a paper page open in Chromium, the paper's title rewritten:
    seconds from the file write until the page shows the new title. Skips when serve is absent."""
    if not serve_available():
        return {"skipped": "sitegen serve is not available yet (no sitegen.serve module)"}
    from sitegen.urls import paper_file

    path = sorted((project / "content" / "papers").glob("*.md"))[0]
    command = [sys.executable, "-m", "sitegen", "serve", "--port", str(free_port())]
    log = work / "serve.log"
    log.write_bytes(b"")
    with log.open("ab") as output:
        server = subprocess.Popen(
            command, cwd=project, stdout=output, stderr=subprocess.STDOUT, env=child_environment(checkout)
        )
        try:
            url = urllib.parse.urljoin(wait_for_serving_url(log, server, timeout=300), paper_file(path.stem))
            return {"edit_to_reload_s": reload_times(url, path, edits, log), "paper": path.name}
        finally:
            stop(server)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def reload_times(url: str, path: Path, edits: int, log: Path) -> list[float]:
    """Each edit from an idle server: its rebuilds done, then half a second of quiet. The page's
    reloads are awaited as load events, not by polling it (which would take CPU from the build)."""
    times = []
    with chromium() as browser:
        page = browser.new_page()
        page.goto(url)
        for edit in range(edits):
            wait_for_rebuilds(log, edit, timeout=120)
            time.sleep(0.5)
            paper = parse_paper(path.read_text(encoding="utf-8"), str(path), path.stem)
            title = f"Benchmark edit {edit} {time.time_ns()}"
            started = time.perf_counter()
            path.write_text(dump_paper(replace(paper, title=title)), encoding="utf-8")
            if not shown_after_reload(page, title, timeout=120):
                raise BenchError(f"the page at {url} did not show the new title within 120 s")
            times.append(round(time.perf_counter() - started, 3))
    return times


def wait_for_rebuilds(log: Path, count: int, timeout: float) -> None:
    """Until `sitegen serve` has reported `count` finished rebuilds (a line each, after serving)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = log.read_text(encoding="utf-8", errors="replace").split("Serving http", 1)[-1]
        if sum(" -> " in line for line in lines.splitlines()) >= count:
            return
        time.sleep(0.05)
    raise BenchError(f"sitegen serve did not finish rebuild {count} within {timeout:.0f} s; see {log}")


def shown_after_reload(page: Any, text: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with page.expect_event("load", timeout=(deadline - time.monotonic()) * 1000):
            pass
        if text in page.evaluate("document.body.innerText"):
            return True
    return False


# --- the whole run ------------------------------------------------------------------------------


def guarded(step: Callable[[], dict[str, Any]], name: str) -> dict[str, Any]:
    """Run one optional step; a failure is recorded and reported, not fatal to the others."""
    try:
        return step()
    except Exception as exc:
        print(f"  {name} failed: {exc}", flush=True)
        return {"error": f"{type(exc).__name__}: {exc}"}


def bench_size(size: int, args: argparse.Namespace) -> dict[str, Any]:
    work = OUT / f"n{size}"
    project = work / "project"
    started = time.perf_counter()
    set_aside(project)  # the last run's, not deleted before the cold builds (see set_aside)
    generate.write_project(generate.generate_papers(size, args.seed), project, generate.DEFAULT_TOPICS)
    result: dict[str, Any] = {"papers": size, "generate_seconds": round(time.perf_counter() - started, 2)}
    print(f"[{size}] corpus generated in {result['generate_seconds']} s; sitegen builds...", flush=True)
    result["sitegen"] = bench_sitegen(project, work, args.runs)
    site = Path(result["sitegen"]["site"])
    if not args.skip_search:
        print(f"[{size}] search in Chromium...", flush=True)
        result["search"] = guarded(lambda: bench_search(site, args.search_runs), "search")
    if not args.skip_serve:
        print(f"[{size}] sitegen serve edit-to-reload...", flush=True)
        result["serve"] = guarded(lambda: bench_serve_reload(project, work), "serve")
    if not args.skip_mkdocs:
        print(f"[{size}] MkDocs builds...", flush=True)
        result["mkdocs"] = guarded(
            lambda: bench_mkdocs(
                project,
                work,
                mkdocs_runs(size, args),
                args.mkdocs_plain_runs,
                partial(sitegen_cold_build, project, work),
            ),
            "mkdocs",
        )
    return result


def mkdocs_runs(size: int, args: argparse.Namespace) -> int:
    """MkDocs with a prebuilt index takes minutes at 10,000 papers: by default one run there."""
    if args.mkdocs_runs is not None:
        return int(args.mkdocs_runs)
    return args.runs if size <= MKDOCS_ALL_RUNS_UP_TO else 1


def bench_committed_serve() -> dict[str, Any]:
    """Edit-to-reload on a copy of the repository's own site.yaml and content/ (left untouched)."""
    work = OUT / "committed"
    project = work / "project"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(REPO / "content", project / "content")
    shutil.copyfile(REPO / "site.yaml", project / "site.yaml")
    papers = len(list((project / "content" / "papers").glob("*.md")))
    if not papers:
        return {"skipped": "the repository has no content/papers/*.md yet"}
    print(f"[committed, {papers}] sitegen serve edit-to-reload...", flush=True)
    return {"papers": papers, "serve": bench_serve_reload(project, work)}


def environment() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "machine": platform.platform(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    command = "python bench/run.py " + " ".join(sys.argv[1:] if argv is None else argv)
    results: dict[str, Any] = {"command": command.strip(), "environment": environment(), "sizes": []}
    started = time.perf_counter()
    try:
        for size in args.sizes:
            results["sizes"].append(bench_size(size, args))
        if not args.skip_serve:
            results["committed"] = guarded(bench_committed_serve, "serve on the committed content")
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    (OUT / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    table = markdown_report(results)
    (OUT / "results.md").write_text(table, encoding="utf-8")
    print(table)
    print(f"results in {OUT / 'results.json'} and {OUT / 'results.md'}")
    return 0


def paired_parser(doc: str | None, rounds: int) -> argparse.ArgumentParser:
    """The command line of an A/B script: --baseline (the other checkout), --papers, --rounds, --seed."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, required=True, help="another sitegen checkout (B)")
    parser.add_argument("--papers", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=rounds)
    parser.add_argument("--seed", type=int, default=1)
    return parser


def size_and_runs_parser(doc: str | None, sizes: list[int]) -> argparse.ArgumentParser:
    """A command line with --sizes (corpus sizes, comma-separated) and --runs."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    shown = ",".join(map(str, sizes))
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(size) for size in text.split(",")],
        default=sizes,
        help=f"corpus sizes, comma-separated (default: {shown})",
    )
    parser.add_argument("--runs", type=at_least_one, default=3, help="runs of each timed build (default: 3)")
    return parser


def at_least_one(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = size_and_runs_parser(__doc__, [1000, 10000])
    parser.add_argument(
        "--mkdocs-runs",
        type=int,
        help=f"runs of MkDocs with its prebuilt index (default: --runs up to {MKDOCS_ALL_RUNS_UP_TO:,} "
        "papers, 1 above, as one run takes minutes there)",
    )
    parser.add_argument(
        "--mkdocs-plain-runs",
        type=int,
        default=1,
        help="runs of MkDocs without a prebuilt index (default: 1; 0 skips it)",
    )
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default: 1)")
    parser.add_argument("--skip-mkdocs", action="store_true", help="do not build with MkDocs")
    parser.add_argument("--skip-search", action="store_true", help="do not measure search in Chromium")
    parser.add_argument(
        "--search-runs", type=int, default=5, help="first uses of search, each in a new page (default: 5)"
    )
    parser.add_argument("--skip-serve", action="store_true", help="do not measure sitegen serve")
    return parser.parse_args(argv)


if __name__ == "__main__":
    with deleting_set_aside():
        status = main()
    sys.exit(status)
