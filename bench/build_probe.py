"""`sitegen build`, as `bench/run.py` runs it: the same `build_site` call, plus its report as JSON.

    cd PROJECT && python bench/build_probe.py --out DIR --report FILE

The command line prints a one-line summary; the benchmark needs the per-phase timings and sizes
in a form it can read, so it runs the build through this thin wrapper in a child process (whose
wall time and peak memory the benchmark measures from outside).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script from the project folder
    sys.path.insert(0, str(REPO))

from sitegen.build import build_site  # noqa: E402
from sitegen.cli import exit_now  # noqa: E402
from sitegen.config import load_config  # noqa: E402
from sitegen.errors import SitegenError  # noqa: E402


def report_fields(report: object) -> dict[str, object]:
    """The report's numbers and timings; other fields (paths, warnings) are left out."""
    return {
        name: value
        for name, value in vars(report).items()
        if isinstance(value, (int, float, dict)) and not isinstance(value, bool) and name != "manifest"
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--config", type=Path, default=Path("site.yaml"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--report", type=Path, required=True, help="where to write the report as JSON")
    args = parser.parse_args(argv)
    try:
        report = build_site(load_config(args.config), args.out)
    except SitegenError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    args.report.write_text(json.dumps(report_fields(report), indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    exit_now(main())  # as the `sitegen` command exits
