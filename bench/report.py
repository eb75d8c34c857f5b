"""Turn bench/out/results.json into the Markdown tables quoted in bench/README.md.

python bench/report.py [bench/out/results.json]
"""

from __future__ import annotations

import json
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

PHASES = ("read", "parse", "taxonomy", "related", "search index", "render", "write")
# Targets at the largest size (issue 6): name, what is measured, limit, True when lower is better.
TARGETS = (
    ("cold build >= 5x faster than MkDocs (prebuilt index)", "mkdocs_ratio", 5.0, False),
    ("rebuild with nothing changed < 1 s", "warm_s", 1.0, True),
    ("one-paper edit < 1 s", "edit_s", 1.0, True),
    ("peak memory < 500 MB", "peak_mb", 500.0, True),
)


def seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def megabytes(value: float | None) -> str:
    return "–" if value is None else f"{value / 1e6:.1f} MB"


def raw_and_gzip(sizes: dict[str, int]) -> str:
    return f"{megabytes(sizes['raw_bytes'])} / {megabytes(sizes['gzip_bytes'])}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def builds_table(sizes: Sequence[dict[str, Any]]) -> str:
    rows = []
    for size in sizes:
        sg = size["sitegen"]
        peak = max(sg[kind]["peak_mb"] for kind in ("cold", "warm", "one_edit"))
        rows.append(
            [
                f"{size['papers']:,}",
                seconds(sg["cold"]["seconds"]),
                seconds(sg["warm"]["seconds"]),
                seconds(sg["one_edit"]["seconds"]),
                f"{peak:.0f} MB",
                megabytes(sg["output_bytes"]),
                raw_and_gzip(sg["search_index"]),
                megabytes(sg["search_download"]["gzip_bytes"]),
            ]
        )
    header = ["papers", "cold", "warm (no change)", "one edit", "peak RSS", "output", "index raw / gzip",
              "search download gzip"]  # fmt: skip
    return table(header, rows)


def phases_table(sizes: Sequence[dict[str, Any]]) -> str:
    rows = []
    for size in sizes:
        for kind in ("cold", "warm", "one_edit"):
            phases = size["sitegen"][kind].get("phases", {})
            names = [*PHASES, *(name for name in phases if name not in PHASES)]
            rows.append(
                [f"{size['papers']:,}", kind.replace("_", " ")] + [seconds(phases.get(n)) for n in names]
            )
    names = list(PHASES)
    for size in sizes:
        names += [n for n in size["sitegen"]["cold"].get("phases", {}) if n not in names]
    return table(["papers", "build", *names], rows)


def mkdocs_table(sizes: Sequence[dict[str, Any]]) -> str:
    rows = []
    for size in sizes:
        mk, cold = size.get("mkdocs") or {}, size["sitegen"]["cold"]["seconds"]
        for name, label in (
            ("prebuilt_index", "prebuilt index (lunr.py)"),
            ("browser_index", "index built in browser"),
        ):
            if name not in mk:
                continue
            run = mk[name]
            rows.append(
                [
                    f"{size['papers']:,}",
                    label,
                    f"{seconds(run['seconds'])} ({run['runs']} run{'s' if run['runs'] > 1 else ''})",
                    f"{run['peak_mb']:.0f} MB",
                    megabytes(run["output_bytes"]),
                    raw_and_gzip(run["search_index"]),
                    f"{mkdocs_ratio(run, cold):.1f}x",
                ]
            )
        if "error" in mk:
            rows.append([f"{size['papers']:,}", "failed: " + mk["error"], "", "", "", "", ""])
    header = [
        "papers",
        "MkDocs search",
        "build",
        "peak RSS",
        "output",
        "index raw / gzip",
        "MkDocs / sitegen cold (paired runs where made)",
    ]
    return table(header, rows)


def mkdocs_ratio(run: dict[str, Any], cold: float) -> float:
    """Each MkDocs run over the sitegen cold build run just before it (median), when the bench
    paired them; else over sitegen's cold median."""
    paired = run.get("sitegen_cold_paired")
    if paired:
        return statistics.median(mk / sg for mk, sg in zip(run["all_seconds"], paired, strict=True))
    return float(run["seconds"]) / cold


def search_table(sizes: Sequence[dict[str, Any]]) -> str:
    rows = []
    for size in sizes:
        search = size.get("search") or {}
        if "first_use_ms" in search:
            download = megabytes(size["sitegen"]["search_download"]["gzip_bytes"])
            rows.append(
                [
                    f"{size['papers']:,}",
                    f"{search['first_use_ms']:.0f} ms",
                    f"{search['keystroke_median_ms']:.0f} ms",
                    download,
                ]
            )
        elif search:
            rows.append([f"{size['papers']:,}", "failed: " + search.get("error", "?"), "", ""])
    return table(
        ["papers", "first use (focus + type) to results", "per keystroke (median)", "download gzip"], rows
    )


def serve_row(label: str, serve: dict[str, Any]) -> list[str]:
    times = serve.get("edit_to_reload_s")
    if times:
        shown = ", ".join(f"{value:.2f}" for value in times)
        return [label, f"{sorted(times)[len(times) // 2]:.2f} s", shown]
    return [label, serve.get("skipped") or "failed: " + serve.get("error", "?"), ""]


def serve_table(results: dict[str, Any]) -> str:
    rows = []
    committed = results.get("committed") or {}
    if committed:
        label = f"{committed['papers']:,} (the committed content)" if "papers" in committed else "committed"
        rows.append(serve_row(label, committed.get("serve") or committed))
    rows += [
        serve_row(f"{size['papers']:,}", size["serve"]) for size in results["sizes"] if size.get("serve")
    ]
    return table(["papers", "edit to reload (median)", "each edit (s)"], rows)


def target_values(size: dict[str, Any]) -> dict[str, float | None]:
    sg, mk = size["sitegen"], size.get("mkdocs") or {}
    prebuilt = mk.get("prebuilt_index")
    return {
        "mkdocs_ratio": mkdocs_ratio(prebuilt, sg["cold"]["seconds"]) if prebuilt else None,
        "warm_s": sg["warm"]["seconds"],
        "edit_s": sg["one_edit"]["seconds"],
        "peak_mb": max(sg[kind]["peak_mb"] for kind in ("cold", "warm", "one_edit")),
    }


def targets_list(size: dict[str, Any]) -> str:
    values = target_values(size)
    lines = []
    for label, key, limit, lower_is_better in TARGETS:
        value = values[key]
        if value is None:
            lines.append(f"- {label}: not measured")
            continue
        met = value < limit if lower_is_better else value >= limit
        lines.append(f"- {label}: {value:.2f} → {'met' if met else 'NOT met'}")
    return f"Targets at {size['papers']:,} papers:\n\n" + "\n".join(lines) + "\n"


def markdown_report(results: dict[str, Any]) -> str:
    sizes = results["sizes"]
    env = results["environment"]
    parts = [
        f"Command: `{results['command']}` ({env['date']}, {env['cpus']} CPUs, Python {env['python']}, "
        f"{env['machine']}; {results.get('total_seconds', '?')} s in all). "
        "Times are medians of the runs; peak RSS is the largest of the runs.\n",
        "### sitegen build\n\n" + builds_table(sizes),
        "### sitegen phases (medians, seconds)\n\n" + phases_table(sizes),
    ]
    if any(size.get("mkdocs") for size in sizes):
        parts.append("### MkDocs on the same corpus\n\n" + mkdocs_table(sizes))
    if any(size.get("search") for size in sizes):
        parts.append("### Search in headless Chromium (file://)\n\n" + search_table(sizes))
    if results.get("committed") or any(size.get("serve") for size in sizes):
        parts.append("### sitegen serve: edit to reload\n\n" + serve_table(results))
    parts.append(targets_list(sizes[-1]))
    return "\n".join(parts)


def main(argv: Sequence[str]) -> int:
    path = Path(argv[0]) if argv else Path(__file__).resolve().parent / "out" / "results.json"
    print(markdown_report(json.loads(path.read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
