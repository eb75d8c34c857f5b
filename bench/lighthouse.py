"""Lighthouse 12 (its default mobile profile) on the pages a reader uses most, at any size.

    python bench/lighthouse.py --site public [--site bench/out/10000/site] [--runs 1] [--json out.json]

For each built site: the home page, the largest topic's page, a paper page, All papers and search
(with a query, so its results are drawn), served over HTTP from 127.0.0.1 with the CSP of
netlify.toml and gzip (as a static host serves them), audited by Lighthouse in headless
Chromium (/usr/bin/chromium). Prints the four category scores of each page (the median of
`--runs`); the issue's bar is 95 in each. Lighthouse is installed from npm into
bench/lighthouse/ on first use (`npm ci` there); it is not a test tool.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
TOOL = BENCH / "lighthouse"
sys.path.insert(0, str(REPO))
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.test_site_browser import _SiteHandler, serve  # noqa: E402

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
COMPRESSED = (".html", ".js", ".css", ".json", ".xml", ".svg", ".bib")


def lighthouse() -> Path:
    command = TOOL / "node_modules" / ".bin" / "lighthouse"
    if not command.exists():
        print(f"installing lighthouse into {TOOL}", flush=True)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=TOOL, check=True)
    return command


class Handler(_SiteHandler):
    """The site as the tests serve it (with the published CSP), text gzipped when the browser
    accepts it, as a static host serves it."""

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix in COMPRESSED and "gzip" in self.headers.get("Accept-Encoding", "") and path.is_file():
            body = gzip.compress(path.read_bytes(), compresslevel=6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)
        return super().send_head()


def pages(site: Path) -> dict[str, str]:
    topics = [p for p in (site / "topics").glob("*.html") if p.name != "index.html"]
    largest = max(topics, key=lambda p: p.stat().st_size)
    paper = sorted(p for p in (site / "papers").glob("*.html") if p.name != "index.html")[0]
    return {
        "home": "index.html",
        "topic": f"topics/{largest.name}",
        "paper": f"papers/{paper.name}",
        "all papers": "papers/index.html",
        "search": "search.html?q=segmentation",
    }


def audit(command: Path, url: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        flags = " ".join(CHROMIUM_ARGS)
        subprocess.run(
            [str(command), url, f"--chrome-path={CHROMIUM}", f"--chrome-flags={flags}", "--output=json",
             f"--output-path={report}", "--quiet", f"--only-categories={','.join(CATEGORIES)}"],
            check=True, timeout=600,
        )  # fmt: skip
        found = json.loads(report.read_text(encoding="utf-8"))
    scores = {name: round(found["categories"][name]["score"] * 100) for name in CATEGORIES}
    audits = found["audits"]
    for metric in (
        "first-contentful-paint",
        "largest-contentful-paint",
        "total-blocking-time",
        "cumulative-layout-shift",
    ):
        scores[metric] = audits[metric]["numericValue"]
    scores["failed"] = sorted(  # type: ignore[assignment]
        name for name, one in audits.items() if one.get("score") is not None and one["score"] < 0.9
        and one.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    )  # fmt: skip
    return scores


def summary(scores: dict[str, float], metrics: dict[str, float]) -> str:
    line = " ".join(f"{key} {scores[key]:.0f}" for key in CATEGORIES)
    fcp, lcp = metrics["first-contentful-paint"], metrics["largest-contentful-paint"]
    tbt, cls = metrics["total-blocking-time"], metrics["cumulative-layout-shift"]
    return f"{line}  (FCP {fcp:.0f} ms, LCP {lcp:.0f} ms, TBT {tbt:.0f} ms, CLS {cls:.3f})"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--site", type=Path, action="append", required=True)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    command = lighthouse()
    results: dict[str, dict[str, object]] = {}
    for site in args.site:
        papers = len(json.loads((site / "papers.json").read_text(encoding="utf-8")))
        with serve(site.resolve(), Handler) as origin:
            for name, page in pages(site).items():
                runs = [audit(command, f"{origin}/{page}") for _ in range(args.runs)]
                median = {key: statistics.median(run[key] for run in runs) for key in (*CATEGORIES,)}
                metrics = {
                    key: statistics.median(run[key] for run in runs)
                    for key in runs[0]
                    if key not in (*CATEGORIES, "failed")
                }
                results[f"{papers} {name}"] = {**median, **metrics, "page": page, "failed": runs[0]["failed"]}
                print(f"{papers:>6} papers  {name:<10} {summary(median, metrics)}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    worst = min(float(result[key]) for result in results.values() for key in CATEGORIES)  # type: ignore[arg-type]
    print(f"lowest score: {worst:.0f} (the bar: 95)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
