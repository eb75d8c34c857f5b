"""`sitegen build --check-host`: every limit of every known host, just under and just over it,
and the command's output for a site that fits and for one that does not."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from sitegen.hosts import HOSTS, Host, SiteShape, hosts_refusing, measures

LIMITS = [
    field.name
    for field in dataclasses.fields(Host)
    if field.name.endswith(("_per_site", "_per_folder", "_per_file"))
]


def site_at(limit: str, value: int) -> dict[str, int]:
    """Output files (path -> size) whose figure for `limit` is `value` and every other small."""
    if limit == "files_per_site":
        return {f"f{i // 1000}/{i}.html": 1 for i in range(value)}  # spread: no folder is full
    if limit == "files_per_folder":
        return {f"papers/{i}.html": 1 for i in range(value)}
    if limit == "bytes_per_file":
        return {"papers.json": value, "index.html": 1}
    return {f"part{i}.bin": value // 4 + (i < value % 4) for i in range(4)}  # bytes per site


def cases() -> list[tuple[str, str, int]]:
    found = []
    for key, host in HOSTS.items():
        for limit in LIMITS:
            allowed = getattr(host, limit)
            if allowed is not None:
                found.append((key, limit, allowed))
    return found


@pytest.mark.parametrize(("key", "limit", "allowed"), cases())
def test_each_limit_is_met_at_its_figure_and_exceeded_one_past_it(key: str, limit: str, allowed: int) -> None:
    host = HOSTS[key]
    if limit.startswith("files") and allowed > 200_000:
        pytest.skip("too many paths to generate")
    for value, over in ((allowed, False), (allowed + 1, True)):
        shape = SiteShape.of(site_at(limit, value))
        measured = [m for m in measures(shape, host) if m.over]
        assert bool(measured) is over, (key, limit, value)
        assert (host.name in hosts_refusing(shape)) is over
        if over:
            sentence = measured[0].sentence(host)
            assert f"{allowed:,}" in sentence or "MiB" in sentence or "GB" in sentence


def test_every_known_host_has_a_limit_and_its_source() -> None:
    for host in HOSTS.values():
        assert any(getattr(host, limit) is not None for limit in LIMITS), host.name
        assert host.source.startswith("https://"), host.name


def test_the_fullest_folder_and_the_largest_file_are_named() -> None:
    shape = SiteShape.of({"index.html": 5, "papers/a.html": 2, "papers/b.html": 9, "topics/x.html": 1})
    assert (shape.files, shape.total_bytes) == (4, 17)
    assert (shape.fullest_folder, shape.fullest_folder_files) == ("papers", 2)
    assert (shape.largest_file, shape.largest_file_bytes) == ("papers/b.html", 9)


@pytest.mark.parametrize("key", sorted(HOSTS))
def test_a_small_site_fits_every_host(sample_project: Path, run_cli, key: str) -> None:
    root = sample_project
    code, out, err = run_cli(root, "build", "--check-host", key)
    assert code == 0, err
    assert "over:" not in out and "warning: the site is too large" not in out
    assert f"fits the limits of {HOSTS[key].name}" in out


def test_a_site_over_a_limit_builds_warns_and_fails_the_check(
    sample_project: Path, run_cli, monkeypatch
) -> None:
    root = sample_project
    monkeypatch.setitem(HOSTS, "cloudflare", dataclasses.replace(HOSTS["cloudflare"], files_per_site=5))
    code, out, err = run_cli(root, "build")
    assert code == 0, err
    assert "warning: the site is too large for Cloudflare Pages (free plan)" in out
    code, out, err = run_cli(root, "build", "--check-host", "cloudflare")
    assert code == 1
    assert "over: the site has" in out and "allows 5 files per site" in out
    errors = [line for line in err.splitlines() if line]
    assert len(errors) == 1 and errors[0].startswith("error: public/ exceeds 1 of the limits"), err
    assert (root / "public" / "index.html").is_file()  # the site is built all the same
