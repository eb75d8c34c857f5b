"""A/B: one-paper edits of each kind with this sitegen and with another checkout, alternating.

    python bench/ab_edit.py --baseline /tmp/sitegen-old [--papers 10000] [--rounds 10] [--seed 1]
        [--kinds abstract,title,date,topics,authors,added] [--serve 5] [--without authors,venue]

Make the baseline with `git worktree add /tmp/sitegen-old COMMIT` (it gets a link to its own
templates, as bench/ab.py says). Both sitegens build their own copy of one corpus
(bench/generate.py) from nothing, then take turns: each round makes each kind of edit in turn to
one paper (a different paper per kind) in each copy and builds it, the order swapped every round
(A B, B A, ...) so that this machine's drift in speed falls on both alike. Every build is
`bench/build_probe.py` of its own checkout in a new process, timed from outside as `bench/run.py`
times it (after `os.sync()`). The kinds: `abstract` (a sentence added), `title` (a suffix),
`date` (another day, month and year: the paper moves across the pages of every list it is in),
`topics` (a topic added, then taken away) and `authors` (the names replaced); and, only when
asked for (`--kinds added`), `added`: a paper added (a copy of one, retitled), then deleted in
the next round, as an import or a clean-up does. Prints each build,
each kind's medians (wall and CPU time) and the median of the rounds' ratios; with `--serve N`,
then `sitegen serve` of each checkout in its project takes N title edits (edit to reload in
Chromium, as bench/run.py measures it). Writes bench/out/ab-edit.json.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
from ab import own_templates, without  # noqa: E402
from run import OUT, REPO, bench_serve_reload, paired_parser, run_measured  # noqa: E402

from sitegen.model import Paper, PaperDate  # noqa: E402
from sitegen.paperfile import dump_paper, parse_paper  # noqa: E402

EDITS: dict[str, Callable[[Paper, int], Paper]] = {
    "abstract": lambda paper, run: replace(
        paper, abstract=paper.abstract.rsplit("\n\nEdited", 1)[0] + f"\n\nEdited in benchmark run {run}."
    ),
    "title": lambda paper, run: replace(
        paper, title=paper.title.split(" (revised", 1)[0] + f" (revised {run})"
    ),
    "date": lambda paper, run: replace(
        paper, date=PaperDate(2019 + run % 7, 1 + run * 5 % 12, 1 + run * 11 % 28)
    ),
    "topics": lambda paper, run: replace(paper, topics_add=() if paper.topics_add else ("surveys",)),
    "authors": lambda paper, run: replace(
        paper, authors=(f"Ada Lovelace {run}", "Alan Turing"), authors_count=None
    ),
}


ADDED = "zz-added-in-benchmark.md"  # the paper the `added` kind adds and deletes


def edit_paper(project: Path, kind: str, run: int) -> None:
    """Make the edit of `kind` to the paper that kind edits (one in the middle of the files)."""
    if kind == "added":
        add_or_delete(project, run)
        return
    path = edited_file(project, kind)
    paper = parse_paper(path.read_text(encoding="utf-8"), str(path), path.stem)
    path.write_text(dump_paper(EDITS[kind](paper, run)), encoding="utf-8")


def edited_file(project: Path, kind: str) -> Path:
    """The paper file an edit of `kind` (not `added`) changes."""
    papers = sorted((project / "content" / "papers").glob("*.md"))
    return papers[len(papers) // 2 + list(EDITS).index(kind)]


def add_or_delete(project: Path, run: int) -> None:
    """Add a paper (a copy of one a third of the way through the files, retitled), or delete the
    one added before."""
    added = project / "content" / "papers" / ADDED
    if added.exists():
        added.unlink()
        return
    papers = sorted(added.parent.glob("*.md"))
    source = papers[len(papers) // 3]
    paper = parse_paper(source.read_text(encoding="utf-8"), str(source), source.stem)
    added.write_text(dump_paper(replace(paper, title=f"Added in run {run}: {paper.title}")), encoding="utf-8")


def build(checkout: Path, project: Path, log: Path) -> tuple[float, float]:
    """One `build_probe.py` build of `project` with the sitegen of `checkout`: its wall time, and
    its CPU time (forked processes included), which depends less on what else the machine runs."""
    site, report = project / "public", project / "build-report.json"
    command = [sys.executable, checkout / "bench" / "build_probe.py", "--out", site, "--report", report]
    measured = run_measured(command, project, log, checkout)
    return measured.seconds, measured.cpu_seconds


def main(argv: Sequence[str] | None = None) -> int:
    parser = paired_parser(__doc__, rounds=10)
    parser.add_argument("--kinds", default=",".join(EDITS), help="the kinds of edit, comma-separated")
    parser.add_argument("--serve", type=int, default=0, help="then N title edits in `sitegen serve` of each")
    parser.add_argument(
        "--without",
        default="",
        help="paper fields left empty (comma-separated): those an older baseline refuses, e.g. authors,venue",
    )
    args = parser.parse_args(argv)
    kinds = args.kinds.split(",")
    checkouts = {"this": REPO, "baseline": args.baseline.resolve()}
    own_templates(checkouts["baseline"])
    work = OUT / "ab-edit"
    shutil.rmtree(work, ignore_errors=True)
    corpus = work / "corpus"
    papers = [without(paper, args.without) for paper in generate.generate_papers(args.papers, args.seed)]
    generate.write_project(papers, corpus, generate.DEFAULT_TOPICS)
    projects = {name: work / name for name in checkouts}
    for name, project in projects.items():
        shutil.copytree(corpus, project)
        seconds, _ = build(checkouts[name], project, work / f"{name}.log")
        print(f"{name}: cold build {seconds:.2f} s", flush=True)
    runs = {kind: {name: [] for name in checkouts} for kind in kinds}
    for number in range(args.rounds):
        order = list(checkouts) if number % 2 == 0 else list(reversed(checkouts))
        for kind in kinds:
            for name in order:
                edit_paper(projects[name], kind, number)
                runs[kind][name].append(build(checkouts[name], projects[name], work / f"{name}.log"))
            shown = [
                f"{name} {runs[kind][name][-1][0]:.3f} s ({runs[kind][name][-1][1]:.3f} s CPU)"
                for name in order
            ]
            print(f"round {number + 1} {kind}: " + ", ".join(shown), flush=True)
    results: dict[str, Any] = {"papers": args.papers, "baseline": str(checkouts["baseline"]), "kinds": {}}
    for kind, done in runs.items():
        wall = {name: statistics.median(seconds for seconds, _ in times) for name, times in done.items()}
        cpu = {name: statistics.median(used for _, used in times) for name, times in done.items()}
        ratio = statistics.median(a[0] / b[0] for a, b in zip(done["this"], done["baseline"], strict=True))
        results["kinds"][kind] = {"wall": wall, "cpu": cpu, "ratio": ratio, "runs": done}
        print(
            f"{kind} edit at {args.papers} papers, medians of {args.rounds}: this {wall['this']:.3f} s "
            f"({cpu['this']:.3f} s CPU), baseline {wall['baseline']:.3f} s ({cpu['baseline']:.3f} s CPU); "
            f"median of the rounds' ratios {ratio:.2f}x"
        )
    for name in checkouts if args.serve else ():
        serve = bench_serve_reload(projects[name], work, args.serve, checkouts[name])
        serve["median_s"] = statistics.median(serve.get("edit_to_reload_s") or [float("nan")])
        results.setdefault("serve", {})[name] = serve
        print(f"sitegen serve, {name}: edit to reload {serve}", flush=True)
    (OUT / "ab-edit.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
