"""What static hosts accept, and whether a built site fits: `sitegen build --check-host HOST`.

A site of tens of thousands of papers is tens of thousands of files, and some hosts refuse a
deploy past a file count, a folder's size or a file's size. The limits below are the hosts' own
published figures (checked on the date given); the check works from the output's manifest (each
file's path and size, as the build left them), so it costs nothing on top of a build.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

CHECKED_ON = "2026-12-05"
MIB = 1024 * 1024
GB = 1000**3


@dataclass(frozen=True)
class Host:
    """A static host's limits on one deploy (None: no such limit)."""

    name: str
    files_per_site: int | None = None
    files_per_folder: int | None = None
    bytes_per_file: int | None = None
    bytes_per_site: int | None = None
    plan_note: str = ""  # where a paid plan lifts a limit
    source: str = ""  # the page that states the limits


HOSTS: dict[str, Host] = {
    "netlify": Host(
        "Netlify",
        files_per_folder=54_000,
        source="https://docs.netlify.com/site-deploys/overview/#files-per-directory-limit",
    ),
    "cloudflare": Host(
        "Cloudflare Pages (free plan)",
        files_per_site=20_000,
        bytes_per_file=25 * MIB,
        plan_note="paid plans allow 100,000 files per site",
        source="https://developers.cloudflare.com/pages/platform/limits/",
    ),
    "github-pages": Host(
        "GitHub Pages",
        bytes_per_site=1 * GB,
        source="https://docs.github.com/en/pages/getting-started-with-github-pages/github-pages-limits",
    ),
}


@dataclass(frozen=True)
class SiteShape:
    """The figures of a built site that hosts limit."""

    files: int
    total_bytes: int
    fullest_folder: str  # the folder holding the most files ("" for the site's root)
    fullest_folder_files: int
    largest_file: str
    largest_file_bytes: int

    @classmethod
    def of(cls, sizes: Mapping[str, int]) -> SiteShape:
        """`sizes`: every output file's path (relative, '/'-separated) and size in bytes."""
        per_folder = Counter(path.rpartition("/")[0] for path in sizes)
        fullest, fullest_files = max(per_folder.items(), key=lambda item: item[1], default=("", 0))
        largest, largest_bytes = max(sizes.items(), key=lambda item: item[1], default=("", 0))
        return cls(len(sizes), sum(sizes.values()), fullest, fullest_files, largest, largest_bytes)


@dataclass(frozen=True)
class Measure:
    """One limit of a host against the site's figure."""

    unit: str  # "files" or "bytes"
    per: str  # "site", "folder" or "file"
    found: int
    allowed: int
    where: str  # what the figure is about: "the site", "papers/", "papers.json"

    @property
    def over(self) -> bool:
        return self.found > self.allowed

    def sentence(self, host: Host) -> str:
        note = f" ({host.plan_note})" if host.plan_note and (self.unit, self.per) == ("files", "site") else ""
        found, allowed = _amount(self.found, self.unit), _amount(self.allowed, self.unit)
        return f"{self.where} has {found}; {host.name} allows {allowed} per {self.per}{note}"


def measures(shape: SiteShape, host: Host) -> list[Measure]:
    """Each of `host`'s limits against the site."""
    found: list[Measure] = []
    if host.files_per_site is not None:
        found.append(Measure("files", "site", shape.files, host.files_per_site, "the site"))
    if host.files_per_folder is not None:
        folder = f"{shape.fullest_folder}/" if shape.fullest_folder else "the site's root folder"
        found.append(Measure("files", "folder", shape.fullest_folder_files, host.files_per_folder, folder))
    if host.bytes_per_file is not None:
        largest = f"{shape.largest_file}, the largest file,"
        found.append(Measure("bytes", "file", shape.largest_file_bytes, host.bytes_per_file, largest))
    if host.bytes_per_site is not None:
        found.append(Measure("bytes", "site", shape.total_bytes, host.bytes_per_site, "the site"))
    return found


def hosts_refusing(shape: SiteShape) -> list[str]:
    """The names of the known hosts whose limits the site exceeds."""
    return [host.name for host in HOSTS.values() if any(m.over for m in measures(shape, host))]


def _amount(value: int, unit: str) -> str:
    if unit == "bytes":
        return f"{value / MIB:,.1f} MiB" if value < GB else f"{value / GB:,.2f} GB"
    return f"{value:,} files"
