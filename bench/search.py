"""Search speed of built sites, side by side: first use and keystrokes in headless Chromium (file://).

    python bench/search.py SITE [SITE ...] [--rounds 5]

Each round measures every site once (bench/run.py's `bench_search`, one run in a new page), in
turn, so the machine's drift falls on all of them alike; then prints each site's medians, its
download (gzip) and, for two sites, the ratios of the second to the first. For an A/B run, build
the same corpus with the old code (a `git worktree add /tmp/old <commit>` copy, run with
PYTHONPATH=/tmp/old) and with the new.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from run import bench_search, download_sizes, sitegen_search_files  # noqa: E402


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("sites", nargs="+", type=Path, help="built sites (output folders)")
    parser.add_argument("--rounds", type=int, default=5, help="measurements of each site (default: 5)")
    args = parser.parse_args(argv)
    first_use: dict[Path, list[float]] = {site: [] for site in args.sites}
    keystrokes: dict[Path, list[float]] = {site: [] for site in args.sites}
    for round_number in range(1, args.rounds + 1):
        for site in args.sites:
            measured = bench_search(site.resolve())
            first_use[site].append(measured["first_use_ms"])
            keystrokes[site] += measured["keystroke_ms"]
            print(f"round {round_number} {site}: first use {measured['first_use_ms']:.0f} ms, "
                  f"keystroke median {measured['keystroke_median_ms']:.0f} ms", flush=True)  # fmt: skip
    medians = {}
    for site in args.sites:
        gzip_mb = download_sizes(sitegen_search_files(site))["gzip_bytes"] / 1e6
        medians[site] = (statistics.median(first_use[site]), statistics.median(keystrokes[site]))
        runs = ", ".join(f"{value:.0f}" for value in first_use[site])
        print(f"{site}: first use {medians[site][0]:.0f} ms (runs: {runs}), "
              f"keystroke {medians[site][1]:.1f} ms (median of {len(keystrokes[site])}), "
              f"download {gzip_mb:.2f} MB gzip")  # fmt: skip
    if len(args.sites) == 2:
        old, new = (medians[site] for site in args.sites)
        print(f"second / first: first use {new[0] / old[0]:.2f}x, keystroke {new[1] / old[1]:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
