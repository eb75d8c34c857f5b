"""What a build did, for the command line, the dev server and the benchmark."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.errors import Problem

PHASES = ("read", "parse", "taxonomy", "related", "search index", "render", "write")


@dataclass
class BuildReport:
    """What a build did (counts, sizes, timings, warnings), for the summary line and the dev server."""

    out: Path
    papers: int = 0
    topics: int = 0
    pages: int = 0
    files_written: int = 0
    files_unchanged: int = 0
    output_bytes: int = 0
    search_documents: int = 0
    search_index_bytes: int = 0
    search_index_gzip_bytes: int = 0
    pages_rendered: int = 0  # output files rendered by this build (pages, feed, sitemap, data)
    pages_reused: int = 0  # output files left as they were: made from the same inputs as before
    timings: dict[str, float] = field(default_factory=dict)  # phase -> seconds in this process
    seconds: float = 0.0  # the build's wall-clock time (phases overlap with forked processes)
    warnings: tuple[Problem, ...] = ()
    state: Any = field(default=None, repr=False)  # the engine's BuildState: pass to the next build_site
    nothing_changed: bool = False  # the inputs and output were as the last build left them: no work done
    manifest: Mapping[str, Any] = field(default_factory=dict, repr=False)  # output path -> OutputEntry

    @contextmanager
    def timing(self, phase: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[phase] = self.timings.get(phase, 0.0) + time.perf_counter() - start

    def output_sizes(self) -> dict[str, int]:
        """Every file of the output and its size in bytes."""
        return {path: entry.size for path, entry in self.manifest.items()}

    def summary(self) -> str:
        if self.nothing_changed:
            return (
                f"{self._built()} into {self.out}: "
                f"nothing changed since the last build ({self.files_unchanged:,} files unchanged; "
                f"checked in {self.seconds:.2f}s)"
            )
        phases = ", ".join(f"{phase} {self.timings.get(phase, 0.0):.2f}s" for phase in PHASES)
        return (
            f"{self._built()} into {self.out} in {self.seconds:.2f}s ({phases}); "
            f"{self.files_written:,} files written, {self.files_unchanged:,} unchanged; "
            f"{self.pages_rendered:,} rendered, {self.pages_reused:,} reused"
        )

    def _built(self) -> str:
        """What was built, its thousands set apart ("10,000 papers"), as the site counts them."""
        return f"built {self.papers:,} papers, {self.topics:,} topics, {self.pages:,} pages"

    def search_line(self) -> str:
        return (
            f"search index: {self.search_documents:,} documents, {self.search_index_bytes / 1024:,.0f} KB in "
            f"all; a one-word search loads at most {self.search_index_gzip_bytes / 1024:,.0f} KB gzip of it"
        )


REPORTED_COUNTS = ("papers", "topics", "pages", "output_bytes", "search_documents", "search_index_bytes")


def counts(report: BuildReport) -> dict[str, int]:
    """What a build that changes nothing reports as this one did."""
    found = {name: getattr(report, name) for name in (*REPORTED_COUNTS, "search_index_gzip_bytes")}
    return {**found, "pages_reused": report.pages_rendered + report.pages_reused}
