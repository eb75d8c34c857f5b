"""A/B: this sitegen and another checkout, build for build, in alternating runs on one corpus.

    git worktree add --detach /tmp/sitegen-old COMMIT
    python bench/ab.py --baseline /tmp/sitegen-old [--papers 10000] [--rounds 5] [--serve 3]
        [--without authors,venue]

The baseline gets a link `sitegen/templates` to its own `templates/` (see `own_templates`).

Both sitegens get their own copy of one generated corpus (bench/generate.py). Each round makes,
with each sitegen in turn (the order swapped every round, A B then B A, so that this machine's
drift in speed falls on both alike): a cold build (output and cache deleted), a rebuild with
nothing changed, a rebuild after one paper's abstract is edited, and one after its title is
edited. Every build is `bench/build_probe.py` of its own checkout in a new process, timed from
outside after `os.sync()`, as bench/run.py times builds. With `--serve N`, `sitegen serve` of
each checkout then takes N title edits in turn (edit to reload in Chromium, as bench/run.py).
Prints the medians, each kind's ratio (the median of the rounds' B/A ratios), and writes
bench/out/ab.json.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
from run import (  # noqa: E402
    OUT,
    REPO,
    bench_serve_reload,
    deleting_set_aside,
    edit_one_paper,
    paired_parser,
    run_measured,
    set_aside,
)

from sitegen.engine.reading import SETTLE_NS  # noqa: E402
from sitegen.model import Paper  # noqa: E402
from sitegen.paperfile import dump_paper, parse_paper  # noqa: E402

KINDS = ("cold", "nothing changed", "abstract edit", "title edit")


def own_templates(checkout: Path) -> None:
    """Make `checkout`'s sitegen find its own templates. The package maps `sitegen.templates` to
    the repository's `templates/` folder, which an editable install resolves to the installed
    checkout's: another checkout imported through PYTHONPATH would render with this one's
    templates. A link `sitegen/templates` in that checkout (a scratch worktree) fixes it."""
    link = checkout / "sitegen" / "templates"
    if not link.exists():
        link.symlink_to(checkout / "templates", target_is_directory=True)


def build(checkout: Path, project: Path, log: Path) -> tuple[float, float]:
    """One `build_probe.py` build of `project` by `checkout`'s sitegen: wall seconds, peak MB."""
    site, report = project / "public", project / "build-report.json"
    command = [sys.executable, checkout / "bench" / "build_probe.py", "--out", site, "--report", report]
    measured = run_measured(command, project, log, checkout)
    return measured.seconds, measured.peak_mb


def without(paper: Paper, names: str) -> Paper:
    """`paper` with the fields `names` (comma-separated) as a paper without them has them."""
    defaults = {field.name: field.default for field in fields(Paper)}
    return replace(paper, **{name: defaults[name] for name in names.split(",") if name})


def edit_title(project: Path, run: int) -> None:
    papers = sorted((project / "content" / "papers").glob("*.md"))
    path = papers[len(papers) // 3]
    paper = parse_paper(path.read_text(encoding="utf-8"), str(path), path.stem)
    title = paper.title.split(" (revised", 1)[0] + f" (revised {run})"
    path.write_text(dump_paper(replace(paper, title=title)), encoding="utf-8")


def steps(project: Path, run: int) -> dict[str, Callable[[], None]]:
    """Before each kind of build: what to do to the project."""

    def cold() -> None:
        for made in ("public", ".public.previous", ".sitegen-cache"):
            set_aside(project / made)
        # The last round's title edit may be under SETTLE_NS old: a build does not trust such a
        # file's stamp, and the next one would check every file instead of stopping at the
        # fingerprint; an editor's "nothing changed" comes later than that.
        time.sleep(SETTLE_NS / 1e9)

    return {
        "cold": cold,
        "nothing changed": lambda: None,
        "abstract edit": lambda: edit_one_paper(project, run),
        "title edit": lambda: edit_title(project, run),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = paired_parser(__doc__, rounds=5)
    parser.add_argument("--serve", type=int, default=0, help="title edits in `sitegen serve` (0: none)")
    parser.add_argument(
        "--without",
        default="",
        help="paper fields left empty (comma-separated): those an older baseline refuses, e.g. authors,venue",
    )
    args = parser.parse_args(argv)
    checkouts = {"A (this)": REPO, "B (baseline)": args.baseline.resolve()}
    own_templates(checkouts["B (baseline)"])
    work = OUT / "ab"
    set_aside(work)
    corpus = work / "corpus"
    papers = [without(paper, args.without) for paper in generate.generate_papers(args.papers, args.seed)]
    generate.write_project(papers, corpus, generate.DEFAULT_TOPICS)
    projects = {name: work / f"project-{number}" for number, name in enumerate(checkouts)}
    for project in projects.values():
        shutil.copytree(corpus, project)
    times: dict[str, dict[str, list[float]]] = {name: {kind: [] for kind in KINDS} for name in checkouts}
    peaks: dict[str, float] = dict.fromkeys(checkouts, 0.0)
    for number in range(args.rounds):
        order = list(checkouts) if number % 2 == 0 else list(reversed(checkouts))
        for kind in KINDS:
            for name in order:
                steps(projects[name], number)[kind]()
                seconds, peak = build(checkouts[name], projects[name], work / f"{name[0]}.log")
                times[name][kind].append(seconds)
                peaks[name] = max(peaks[name], peak)
            print(
                f"round {number + 1} {kind}: " + ", ".join(f"{n} {times[n][kind][-1]:.2f} s" for n in order)
            )
    serve: dict[str, Any] = {}
    if args.serve:
        for name in checkouts:
            serve[name] = bench_serve_reload(projects[name], work, args.serve, checkouts[name])
    results = summary(times, peaks, serve)
    (work.parent / "ab.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(json.dumps({kind: results["kinds"][kind] for kind in KINDS}, indent=1))
    if serve:
        print(json.dumps(results["serve"], indent=1))
    return 0


def summary(
    times: dict[str, dict[str, list[float]]], peaks: dict[str, float], serve: dict[str, Any]
) -> dict[str, Any]:
    a, b = list(times)
    kinds = {
        kind: {
            a: round(statistics.median(times[a][kind]), 3),
            b: round(statistics.median(times[b][kind]), 3),
            "A/B": round(
                statistics.median(x / y for x, y in zip(times[a][kind], times[b][kind], strict=True)), 3
            ),
            "runs": {name: [round(s, 3) for s in times[name][kind]] for name in times},
        }
        for kind in KINDS
    }
    return {"kinds": kinds, "peak_mb": peaks, "serve": serve}


if __name__ == "__main__":
    with deleting_set_aside():
        status = main()
    sys.exit(status)
