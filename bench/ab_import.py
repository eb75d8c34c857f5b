"""An import into a large library, A/B: `sitegen import --dry-run LISTING` timed with this checkout
and another, alternating, on one generated library.

    python bench/ab_import.py --baseline /tmp/sitegen-old [--papers 10000] [--rounds 3] [--listings FILE ...]

A dry run plans the import exactly as an import does (every page of the library read and
described, each of the listing's papers matched against them) and writes nothing, so both
checkouts see the same library in every round. The listings default to the repository's
tests/data/listings/*.txt. Prints each run and, per listing, the medians and the median of the
rounds' ratios (this / baseline); writes bench/out/ab-import.json.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

import generate  # noqa: E402
from run import OUT, REPO, paired_parser, run_measured  # noqa: E402


def dry_import(checkout: Path, project: Path, listing: Path, log: Path) -> tuple[float, float]:
    """One `sitegen import --dry-run` of `listing` into `project` with the sitegen of `checkout`:
    its wall and CPU time."""
    command = [sys.executable, "-m", "sitegen", "import", "--dry-run", listing]
    measured = run_measured(command, project, log, checkout)
    return measured.seconds, measured.cpu_seconds


def main(argv: Sequence[str] | None = None) -> int:
    parser = paired_parser(__doc__, rounds=3)
    parser.add_argument("--listings", type=Path, nargs="+", default=None)
    args = parser.parse_args(argv)
    listings = args.listings or sorted((REPO / "tests/data/listings").glob("*.txt"))
    listings = [path.resolve() for path in listings]
    checkouts = {"this": REPO, "baseline": args.baseline.resolve()}
    work = OUT / "ab-import"
    shutil.rmtree(work, ignore_errors=True)
    project = work / "project"
    generate.write_project(generate.generate_papers(args.papers, args.seed), project, generate.DEFAULT_TOPICS)
    runs: dict[str, dict[str, list[tuple[float, float]]]] = {
        listing.name: {name: [] for name in checkouts} for listing in listings
    }
    for number in range(args.rounds):
        order = list(checkouts) if number % 2 == 0 else list(reversed(checkouts))
        for listing in listings:
            for name in order:
                log = work / f"{name}.log"
                runs[listing.name][name].append(dry_import(checkouts[name], project, listing, log))
            shown = [f"{name} {runs[listing.name][name][-1][0]:.2f} s" for name in order]
            print(f"round {number + 1} {listing.name}: " + ", ".join(shown), flush=True)
    found: dict[str, object] = {}
    results = {"papers": args.papers, "baseline": str(checkouts["baseline"]), "listings": found}
    for listing, done in runs.items():
        wall = {name: statistics.median(seconds for seconds, _ in times) for name, times in done.items()}
        cpu = {name: statistics.median(used for _, used in times) for name, times in done.items()}
        ratio = statistics.median(a[0] / b[0] for a, b in zip(done["this"], done["baseline"], strict=True))
        found[listing] = {"wall": wall, "cpu": cpu, "ratio": ratio, "runs": done}
        print(
            f"{listing} into {args.papers} papers, medians of {args.rounds}: this {wall['this']:.2f} s "
            f"({cpu['this']:.2f} s CPU), baseline {wall['baseline']:.2f} s ({cpu['baseline']:.2f} s CPU); "
            f"median of the rounds' ratios {ratio:.2f}x"
        )
    (OUT / "ab-import.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
