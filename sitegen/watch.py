"""Watching the project for saves: which paths matter, what kind of change they are, and a
debouncer that turns an editor's burst of events into one rebuild.

Classification is for the terminal line and to skip work; the build's digests decide what is
really re-rendered, so a misclassified change costs time, never correctness.
"""

from __future__ import annotations

import enum
import fnmatch
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from watchdog.events import (
    DirModifiedEvent,
    FileClosedEvent,
    FileClosedNoWriteEvent,
    FileOpenedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from sitegen.load import MARKDOWN_SUFFIXES, is_editor_noise

QUIET_SECONDS = 0.05  # a save's events arrive within this of each other (an editor's: within milliseconds)
POLL_SECONDS = 0.5

# Temporary files of editors and tools that load.EDITOR_NOISE does not name (the build never
# meets them: they live for the instant of a save), saved over the real file by a rename: GNU
# `sed -i`'s sedXXXXXX, vim's other swap files (.swn, .swm...), Kate's swap files.
SAVE_NOISE = ("*.sw[a-p]", "*.kate-swp")
SED_TEMP = re.compile(r"sed[A-Za-z0-9]{6}")


def is_save_noise(path: Path) -> bool:
    """A file an editor or a tool writes while saving another: no change to the site."""
    name = path.name
    return (
        is_editor_noise(path)
        or SED_TEMP.fullmatch(name) is not None
        or any(fnmatch.fnmatchcase(name, pattern) for pattern in SAVE_NOISE)
    )


# Reading a file is not changing it (inotify reports opens and closes; the build opens every file).
READ_ONLY_EVENTS = (FileOpenedEvent, FileClosedNoWriteEvent, FileClosedEvent, DirModifiedEvent)


class ChangeKind(enum.Enum):
    """What a changed path means for the build, cheapest first."""

    TEMPLATE = "template"  # re-render, no re-parse
    PAPER = "paper"  # re-parse that file, re-render the pages that show it
    CONTENT = "content"  # another file under content/
    TOPICS = "topics"  # re-assign topics
    CONFIG = "config"  # rebuild everything, and re-plan what is watched


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


@dataclass(frozen=True)
class WatchPlan:
    """The paths a project's build reads, and those it writes (which are never watched)."""

    config_file: Path
    content_dir: Path
    papers_dir: Path
    topics_file: Path
    template_dirs: tuple[Path, ...]
    excluded_dirs: tuple[Path, ...]  # the output and cache folders

    def classify(self, path: Path, is_directory: bool = False) -> ChangeKind | None:
        """The kind of change a path's event is, or None when the build does not read it."""
        if path == self.config_file:
            return ChangeKind.CONFIG
        if is_save_noise(path) or any(_inside(path, folder) for folder in self.excluded_dirs):
            return None
        if path == self.topics_file:
            return ChangeKind.TOPICS
        if any(_inside(path, folder) for folder in self.template_dirs):
            return ChangeKind.TEMPLATE
        if _inside(path, self.papers_dir):
            # a `.markdown` or `.MD` file too: the build says it is not read (load.paper_files)
            is_paper = is_directory or path == self.papers_dir or path.suffix.lower() in MARKDOWN_SUFFIXES
            return ChangeKind.PAPER if is_paper and not path.name.startswith(".") else None
        if _inside(path, self.content_dir):
            return ChangeKind.CONTENT
        return None

    def roots(self) -> list[tuple[Path, bool]]:
        """(folder, recursive) pairs to schedule: each existing folder once, nested ones skipped."""
        recursive = [self.content_dir, *self.template_dirs]
        wanted = [(folder, True) for folder in recursive] + [(self.config_file.parent, False)]
        roots: list[tuple[Path, bool]] = []
        for folder, deep in wanted:
            if not folder.is_dir():
                continue
            covered = any(
                _inside(folder, other) and (other_deep or other == folder) for other, other_deep in roots
            )
            if not covered:
                roots.append((folder, deep))
        return roots


@dataclass
class Changes:
    """What one debounced batch of events changed: path -> kind."""

    paths: dict[Path, ChangeKind] = field(default_factory=dict)

    @property
    def kinds(self) -> set[ChangeKind]:
        return set(self.paths.values())

    def describe(self, root: Path, limit: int = 3) -> str:
        def shown(path: Path) -> str:
            try:
                return str(path.relative_to(root))
            except ValueError:
                return str(path)

        names = sorted(shown(path) for path in self.paths)
        more = f" and {len(names) - limit} more" if len(names) > limit else ""
        return ", ".join(names[:limit]) + more


class Debouncer:
    """Collects changes and calls `on_batch` once they have been quiet for `quiet` seconds.

    Runs `on_batch` on its own thread, one batch at a time: changes that arrive during a
    rebuild form the next batch.
    """

    def __init__(self, on_batch: Callable[[Changes], None], quiet: float = QUIET_SECONDS) -> None:
        self._on_batch = on_batch
        self._quiet = quiet
        self._pending = Changes()
        self._last_event = 0.0
        self._stopped = False
        self._wake = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="sitegen-rebuild", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def add(self, path: Path, kind: ChangeKind) -> None:
        with self._wake:
            self._pending.paths[path] = max(
                kind, self._pending.paths.get(path, kind), key=list(ChangeKind).index
            )
            self._last_event = time.monotonic()
            self._wake.notify_all()

    def stop(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify_all()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()

    def _next_batch(self) -> Changes | None:
        with self._wake:
            self._wake.wait_for(lambda: self._stopped or bool(self._pending.paths))
            while not self._stopped:
                remaining = self._last_event + self._quiet - time.monotonic()
                if remaining <= 0:
                    break
                self._wake.wait(remaining)
            if self._stopped:
                return None
            batch, self._pending = self._pending, Changes()
            return batch

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            self._on_batch(batch)


class _Forwarder(FileSystemEventHandler):
    def __init__(self, plan: Callable[[], WatchPlan], debouncer: Debouncer) -> None:
        self._plan = plan
        self._debouncer = debouncer

    def on_any_event(self, event: FileSystemEvent) -> None:
        if isinstance(event, READ_ONLY_EVENTS):
            return
        paths = [event.src_path, getattr(event, "dest_path", "")]
        plan = self._plan()
        for raw in paths:
            if not raw:
                continue
            path = Path(os.fsdecode(raw))
            kind = plan.classify(path, event.is_directory)
            if kind is not None:
                self._debouncer.add(path, kind)


class Watcher:
    """Watches a plan's folders with watchdog and hands debounced batches to `on_batch`."""

    def __init__(
        self,
        plan: WatchPlan,
        on_batch: Callable[[Changes], None],
        poll: bool = False,
        quiet: float = QUIET_SECONDS,
    ) -> None:
        self.plan = plan
        self._poll = poll
        self._debouncer = Debouncer(on_batch, quiet)
        self._observer = self._new_observer()
        self._handler = _Forwarder(lambda: self.plan, self._debouncer)
        self._scheduled: list[tuple[Path, bool]] = []  # the folders watched, as they were then

    def _new_observer(self) -> BaseObserver:
        observer = PollingObserver(timeout=POLL_SECONDS) if self._poll else Observer()
        observer.name = "sitegen-watch"
        observer.daemon = True
        return observer

    def start(self) -> None:
        self._schedule()
        self._debouncer.start()
        self._observer.start()

    def replan(self, plan: WatchPlan) -> None:
        """Watch another set of folders: site.yaml moved the content or templates, or a watched
        folder appeared or was renamed. Before `start`, only the plan changes."""
        # Compared with the folders scheduled, not with the old plan's roots: those are worked out
        # now too, so a folder that appeared since (a templates folder made after the preview
        # started) would be in both, and never watched.
        changed = plan.roots() != self._scheduled
        self.plan = plan
        if changed and self._observer.is_alive():
            self._observer.unschedule_all()
            self._schedule()

    def _schedule(self) -> None:
        self._scheduled = self.plan.roots()
        for folder, recursive in self._scheduled:
            self._observer.schedule(self._handler, str(folder), recursive=recursive)

    def stop(self) -> None:
        self._observer.stop()
        if self._observer.is_alive():
            self._observer.join()
        self._debouncer.stop()


def describe_kinds(kinds: Iterable[ChangeKind]) -> str:
    return ", ".join(kind.value for kind in sorted(set(kinds), key=list(ChangeKind).index))
