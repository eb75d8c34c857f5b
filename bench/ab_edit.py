"""A/B: the one-paper edit with this sitegen and with another checkout, in alternating runs.

    python bench/ab_edit.py --baseline /tmp/sitegen-old [--papers 10000] [--rounds 10] [--seed 1]

Make the baseline with `git worktree add /tmp/sitegen-old COMMIT`. Both sitegens build their
own copy of one corpus (bench/generate.py) from nothing, then take turns: each round edits one
paper in each copy and builds it, the order swapped every round (A B, B A, ...) so that this
machine's drift in speed falls on both alike. Every build is `bench/build_probe.py` of its own
checkout in a new process, timed from outside as `bench/run.py` times it (after `os.sync()`).
Prints each round, the medians and their ratio; writes bench/out/ab-edit.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
from run import OUT, REPO, edit_one_paper, run_measured  # noqa: E402


def build(checkout: Path, project: Path, log: Path) -> tuple[float, float]:
    """One `build_probe.py` build of `project` with the sitegen of `checkout`: its wall time, and
    its CPU time (forked processes included), which depends less on what else the machine runs."""
    site, report = project / "public", project / "build-report.json"
    command = [sys.executable, checkout / "bench" / "build_probe.py", "--out", site, "--report", report]
    measured = run_measured(command, project, log)
    return measured.seconds, measured.cpu_seconds


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline", type=Path, required=True, help="another sitegen checkout (B)")
    parser.add_argument("--papers", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    checkouts = {"this": REPO, "baseline": args.baseline.resolve()}
    work = OUT / "ab-edit"
    shutil.rmtree(work, ignore_errors=True)
    corpus = work / "corpus"
    generate.write_project(generate.generate_papers(args.papers, args.seed), corpus, generate.DEFAULT_TOPICS)
    projects = {name: work / name for name in checkouts}
    for name, project in projects.items():
        shutil.copytree(corpus, project)
        seconds, _ = build(checkouts[name], project, work / f"{name}.log")
        print(f"{name}: cold build {seconds:.2f} s", flush=True)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in checkouts}
    for number in range(args.rounds):
        order = list(checkouts) if number % 2 == 0 else list(reversed(checkouts))
        for name in order:
            edit_one_paper(projects[name], number)
            runs[name].append(build(checkouts[name], projects[name], work / f"{name}.log"))
        shown = [f"{name} {runs[name][-1][0]:.3f} s ({runs[name][-1][1]:.3f} s CPU)" for name in checkouts]
        print(f"round {number + 1}: " + ", ".join(shown), flush=True)
    wall = {name: statistics.median(seconds for seconds, _ in done) for name, done in runs.items()}
    cpu = {name: statistics.median(used for _, used in done) for name, done in runs.items()}
    for name, medians in (("wall", wall), ("CPU", cpu)):
        print(
            f"one-paper edit at {args.papers} papers, {name} time, median of {args.rounds}: this "
            f"{medians['this']:.3f} s, baseline {medians['baseline']:.3f} s "
            f"({medians['this'] / medians['baseline']:.2f}x)"
        )
    results = {
        "papers": args.papers,
        "baseline": str(checkouts["baseline"]),
        "runs": runs,
        "wall": wall,
        "cpu": cpu,
    }
    (OUT / "ab-edit.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
