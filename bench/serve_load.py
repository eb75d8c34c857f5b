"""`sitegen serve` under load: 50 clients at once against the preview of the committed site.

    python bench/serve_load.py [--clients 50] [--requests 5000] [--sitegen CHECKOUT]

It copies the repository's site.yaml and content/ to bench/out/serve-load/, starts
`python -m sitegen serve` there on a free port (the sitegen of this checkout, or of CHECKOUT),
and once it serves, has `--clients` clients request the site's files (every page, asset and data
file, taken in turn) as fast as they are answered: each request a new connection, as a browser
opening a page and its assets makes them, until `--requests` are done. The clients are one
asyncio process, apart from the server. It prints the latency of the requests (connect to last
byte): p50, p90, p99, max, and the requests per second; bench/out/serve-load.json keeps them all.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from run import OUT, REPO, free_port, stop, wait_for_serving_url  # noqa: E402


def site_files(project: Path, checkout: Path, work: Path) -> list[str]:
    """Every file of the built site, as paths from its root (built once, to list them)."""
    site = work / "site"
    command = [sys.executable, "-m", "sitegen", "build", "--out", str(site)]
    subprocess.run(command, cwd=project, env=environment(checkout), check=True, capture_output=True)
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and p.name[0] != ".")


def environment(checkout: Path) -> dict[str, str]:
    kept = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return {**kept, "PYTHONPATH": str(checkout)}


async def fetch(host: str, port: int, path: str) -> tuple[float, int]:
    """One request on a new connection: its seconds to the last byte, and its status."""
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    data = await reader.read()
    writer.close()
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return time.perf_counter() - started, status


async def load(
    url: str, paths: list[str], clients: int, requests: int
) -> tuple[list[float], list[int], float]:
    parts = urllib.parse.urlsplit(url)
    host, port, base = parts.hostname or "127.0.0.1", parts.port or 80, parts.path
    taken = iter(range(requests))
    times: list[float] = []
    statuses: list[int] = []

    async def client() -> None:
        for number in taken:
            seconds, status = await fetch(host, port, base + paths[number % len(paths)])
            times.append(seconds)
            statuses.append(status)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return times, statuses, time.perf_counter() - started


def cpu_seconds(pid: int) -> float:
    """The CPU time a process has used, user and system (Linux's /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--sitegen", type=Path, default=REPO, help="the sitegen checkout to serve with")
    args = parser.parse_args(argv)
    checkout = args.sitegen.resolve()
    work = OUT / "serve-load"
    shutil.rmtree(work, ignore_errors=True)
    project = work / "project"
    shutil.copytree(REPO / "content", project / "content")
    shutil.copyfile(REPO / "site.yaml", project / "site.yaml")
    paths = site_files(project, checkout, work)
    log = work / "serve.log"
    command = [sys.executable, "-m", "sitegen", "serve", "--port", str(free_port())]
    with log.open("wb") as output:
        server = subprocess.Popen(
            command, cwd=project, stdout=output, stderr=subprocess.STDOUT, env=environment(checkout)
        )
        try:
            url = wait_for_serving_url(log, server, timeout=300)
            asyncio.run(load(url, paths, args.clients, min(args.clients * 2, args.requests)))  # warm up
            cpu = cpu_seconds(server.pid)
            times, statuses, seconds = asyncio.run(load(url, paths, args.clients, args.requests))
            cpu = cpu_seconds(server.pid) - cpu
        finally:
            stop(server)
    failed = sum(status != 200 for status in statuses)
    summary = {
        "sitegen": str(checkout),
        "clients": args.clients,
        "requests": len(times),
        "files": len(paths),
        "failed": failed,
        "p50_ms": round(statistics.median(times) * 1000, 1),
        "p90_ms": round(percentile(times, 0.90) * 1000, 1),
        "p99_ms": round(percentile(times, 0.99) * 1000, 1),
        "max_ms": round(max(times) * 1000, 1),
        "requests_per_s": round(len(times) / seconds),
        "server_cpu_ms_per_request": round(cpu / len(times) * 1000, 3),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    (OUT / "serve-load.json").write_text(json.dumps({**summary, "seconds": times}), encoding="utf-8")
    print(
        f"{args.clients} clients, {len(times)} requests over {len(paths)} files ({failed} not 200): "
        f"p50 {summary['p50_ms']} ms, p90 {summary['p90_ms']} ms, p99 {summary['p99_ms']} ms, "
        f"max {summary['max_ms']} ms; {summary['requests_per_s']} requests/s, "
        f"{summary['server_cpu_ms_per_request']} ms of the server's CPU a request"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
