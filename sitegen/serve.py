"""`sitegen serve`: build, serve on loopback, rebuild on every save and reload the open pages.

The preview builds with the same `build_site` as `sitegen build`, into a private temporary
folder outside the project: the preview never overwrites the folder you publish, and its own
writes can never trigger the watcher. A failed build keeps the last good pages served and shows
its problems in the browser and the terminal; fixing the file clears them.

Rebuilds are incremental through the build itself: parsed papers and analysed abstracts come
from its content-keyed caches, and output files whose bytes did not change keep their inode and
time (so unrelated pages are not rewritten and the browser's validators still match).
"""

from __future__ import annotations

import argparse
import dataclasses
import errno
import ipaddress
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from types import FrameType

from sitegen import assets, urls
from sitegen.build import BuildReport, build_site
from sitegen.config import LoadedConfig, load_config
from sitegen.devserver import PreviewServer
from sitegen.engine.session import list_output_while_idle
from sitegen.engine.store import BuildState
from sitegen.errors import Problem, SitegenError, os_error
from sitegen.load import PAPERS_DIR, TOPICS_FILE
from sitegen.model import SiteConfig
from sitegen.watch import QUIET_SECONDS, ChangeKind, Changes, Watcher, WatchPlan, describe_kinds
from sitegen.write import locked_folder, remove_unlocked

DEFAULTS = SiteConfig(title="", description="", base_url="", author="")

RELOAD_GRACE_SECONDS = 0.5  # at most this long a rebuild waits for the edited page to reload


def watch_plan(config_file: Path, loaded: LoadedConfig | None, extra_excluded: tuple[Path, ...]) -> WatchPlan:
    """What to watch for a project; with no valid config yet, its default folders."""
    config = loaded.config if loaded else DEFAULTS
    root = loaded.root if loaded else config_file.resolve().parent

    def path(relative: str) -> Path:
        return (root / relative).resolve()

    content = path(config.content_dir)
    templates = [assets.default_templates().resolve()]
    if config.templates_dir:
        templates.insert(0, path(config.templates_dir))
    excluded = (path(config.output_dir), path(config.cache_dir), *extra_excluded)
    return WatchPlan(
        config_file=config_file.resolve(),
        content_dir=content,
        papers_dir=content / PAPERS_DIR,
        topics_file=content / TOPICS_FILE,
        template_dirs=tuple(templates),
        excluded_dirs=excluded,
    )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclasses.dataclass(frozen=True)
class BuildOutcome:
    """A dev-server rebuild as the browser's overlay and the terminal report it."""

    number: int
    seconds: float
    summary: str  # e.g. "rendered 6 of 120 pages"
    problems: tuple[Problem, ...] = ()
    rendered: tuple[int, int] = (0, 0)  # output files rendered, and reused unchanged

    @property
    def ok(self) -> bool:
        return not self.problems


class DevServer:
    """The live preview: `start()`, then `url`; `stop()` releases everything it started.

    `echo` receives the terminal lines (one per rebuild, plus errors); `quiet`: how long saves
    must pause before a rebuild starts (one rebuild per save, however an editor writes it).
    """

    def __init__(
        self,
        config_file: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        poll: bool = False,
        editor: bool = True,
        echo: Callable[[str], None] = print,
        quiet: float = QUIET_SECONDS,
        reload_grace: float = RELOAD_GRACE_SECONDS,
    ) -> None:
        self.config_file = config_file
        self.reload_grace = reload_grace  # how long a rebuild may wait for the edited page to reload
        self.editor = editor  # the preview is the editor's view unless asked for the reader's site
        self.echo = echo
        self.http = PreviewServer(self._site_root, host, port)  # first: it fails when the port is taken
        self._temp, self._temp_handle = preview_folder()
        self.out = self._temp / "site"
        self.loaded: LoadedConfig | None = None
        self._state: BuildState | None = None
        self._announced = False  # this build told the pages of files it put in place
        self._warned: tuple[Problem, ...] = ()  # the last build's warnings about the content, said once
        self._moved = False  # base_url's path changed: every open page reloads after the build
        self._build_lock = threading.Lock()
        self._built = threading.Condition()
        self.outcomes: list[BuildOutcome] = []
        self.watcher = Watcher(self._watch_plan(), self.rebuild, poll=poll, quiet=quiet)

    @property
    def url(self) -> str:
        return self.http.url

    def _site_root(self) -> Path | None:
        return self.out

    def _watch_plan(self) -> WatchPlan:
        return watch_plan(self.config_file, self.loaded, (self._temp,))

    def start(self) -> None:
        if not self.config_file.is_file():
            self.stop()
            raise SitegenError(
                "no site config found",
                path=self.config_file,
                hint="run sitegen serve in the folder that holds site.yaml, pass --config PATH, "
                "or make a site with `sitegen new FOLDER`",
            )
        self._build(None)
        self.http.start()
        try:
            self.watcher.start()
        except OSError as exc:
            self.stop()
            raise SitegenError(
                f"cannot watch the project for changes: {exc.strerror or exc}",
                hint="try `sitegen serve --poll`, or raise the limit: "
                "sudo sysctl fs.inotify.max_user_watches=524288",
            ) from None

    def stop(self) -> None:
        self.watcher.stop()
        self.http.stop()
        shutil.rmtree(self._temp, ignore_errors=True)
        if self._temp_handle >= 0:
            os.close(self._temp_handle)
            self._temp_handle = -1

    def rebuild(self, changes: Changes) -> None:
        """Called by the watcher with one debounced batch of changes."""
        self._build(changes)

    def wait_for_builds(self, count: int, timeout: float) -> bool:
        """True once `count` builds (good or failed) have finished; for tests and tools."""
        with self._built:
            return self._built.wait_for(lambda: len(self.outcomes) >= count, timeout)

    # --- one build ---------------------------------------------------------------------------

    def _build(self, changes: Changes | None) -> None:
        with self._build_lock:
            started = time.perf_counter()
            report: BuildReport | None = None
            problems: tuple[Problem, ...] = ()
            self._announced = False
            try:
                report = self._run_build(changes)
            except SitegenError as exc:
                problems = exc.problems
            except OSError as exc:  # e.g. a full disk
                problems = os_error(exc, "build the site").problems
            except Exception as exc:  # a bug must not end the preview; show it like a build error
                problems = (unexpected_problem(exc),)
            outcome = BuildOutcome(
                len(self.outcomes) + 1,
                time.perf_counter() - started,
                describe_report(report) if report else "",
                problems,
                (report.pages_rendered, report.pages_reused) if report else (0, 0),
            )
            # The config may name other folders, and a watched folder may have been created or renamed.
            self.watcher.replan(self._watch_plan())
            self._report(changes, outcome)
            if report is not None:
                self._warn(report.warnings)
            if outcome.ok:
                if self._moved:  # every open page, to its new address
                    self.http.broadcaster.built(None)
                    self._moved = False
                elif not self._announced:  # nothing was put in place: only clear an old error
                    self.http.broadcaster.built(frozenset())
            else:
                self.http.broadcaster.failed(problems)
            with self._built:
                self.outcomes.append(outcome)
                self._built.notify_all()
            if self._state is not None:  # still under the build lock: no build writes meanwhile
                with suppress(OSError):  # then the next build lists the folder itself
                    list_output_while_idle(self._state, self.out)

    def _run_build(self, changes: Changes | None) -> BuildReport:
        if self.loaded is None or changes is None or ChangeKind.CONFIG in changes.kinds:
            self._reload_config()
        assert self.loaded is not None
        # The state in memory makes each rebuild parse and render only what the change touched;
        # only the first build reads the cache folder, and rebuilds skip saving to it (~0.7 s at 10k).
        report = build_site(
            self.loaded,
            self.out,
            state=self._state,
            use_cache=self._state is None,
            published=self._published,
        )
        self._state = report.state
        return report

    def _published(self, paths: frozenset[str] | None) -> None:
        """Files are in place: the pages showing them reload now, not once the whole build is done.
        The first files of a rebuild are the edited paper's page: the build then lets the open
        pages showing them reload before it goes on with the lists and the search index, which
        would otherwise take the processor from serving the page and its scripts (~0.1 s at
        10,000 papers)."""
        hub = self.http.broadcaster
        due = hub.built(paths)
        if not self._announced and due:
            hub.wait_for_reloads(paths, due, self.reload_grace)
        self._announced = True

    def _reload_config(self) -> None:
        try:
            loaded = load_config(self.config_file).for_editor(self.editor)
        except SitegenError:
            self.loaded = None
            raise
        # said when they change: a key added that is not a setting changes nothing else
        if self.loaded is None or loaded.warnings != self.loaded.warnings:
            for warning in loaded.warnings:
                self.echo(f"warning: {warning}")
        self.loaded = loaded
        before = self.http.base_path
        self.http.base_path = urls.site_path(loaded.config.base_url)
        if self.http.base_path != before and self.outcomes:  # base_url's path changed
            self.echo(f"the site moved to {self.http.url} (the old addresses lead there)")
            self._moved = True

    def _warn(self, warnings: tuple[Problem, ...]) -> None:
        """Say the warnings about the content (a named pipe among the papers, say) when they change;
        the config's are said when it is read."""
        config = self.loaded.warnings if self.loaded is not None else ()
        content = tuple(warning for warning in warnings if warning not in config)
        if content != self._warned:
            for warning in content:
                self.echo(f"warning: {warning}")
        self._warned = content

    def _report(self, changes: Changes | None, outcome: BuildOutcome) -> None:
        when = time.strftime("%H:%M:%S")
        took = f"{outcome.seconds * 1000:.0f} ms"
        root = self.loaded.root if self.loaded else self.config_file.resolve().parent
        what = "initial build"
        if changes is not None:
            what = f"{describe_kinds(changes.kinds)} changed: {changes.describe(root)}"
        if outcome.ok:
            self.echo(f"[{when}] {what} -> {outcome.summary} in {took}")
            return
        served = any(previous.ok for previous in self.outcomes)
        meanwhile = "still serving the last good pages" if served else "nothing to serve until it is fixed"
        self.echo(f"[{when}] {what} -> build failed in {took}; {meanwhile}")
        for problem in outcome.problems:
            self.echo(f"  error: {problem}")


PREVIEW_PREFIX = "sitegen-preview-"  # the preview's folder, in the system's temporary folder


def preview_folder() -> tuple[Path, int]:
    """A new folder for the preview, held while this server runs; first, the folders of previews
    whose server was killed (`kill -9`, a crash) are removed: those of this user no process holds."""
    parent = Path(tempfile.gettempdir())
    mine = getattr(os, "getuid", lambda: None)()
    with suppress(OSError):
        dead = [
            folder
            for folder in parent.glob(PREVIEW_PREFIX + "*")
            if mine is None or folder.lstat().st_uid == mine
        ]
        remove_unlocked(dead)
    return locked_folder(parent, PREVIEW_PREFIX)


def unexpected_problem(exc: Exception) -> Problem:
    trace = traceback.extract_tb(exc.__traceback__)
    where = trace[-1] if trace else None
    return Problem(
        f"internal error: {type(exc).__name__}: {exc}",
        path=where.filename if where else None,
        line=where.lineno if where else None,
        hint="this is a bug in sitegen; please report it with the file you saved",
    )


def describe_report(report: BuildReport) -> str:
    """What a build re-rendered and rewrote, and where its time went (the three slowest phases)."""
    changed = "file changed" if report.files_written == 1 else "files changed"
    slowest = sorted(report.timings.items(), key=lambda item: -item[1])[:3]
    phases = ", ".join(f"{phase} {seconds * 1000:.0f}" for phase, seconds in slowest)
    outputs = report.pages_rendered + report.pages_reused
    return (
        f"rendered {report.pages_rendered} of {outputs} outputs, {report.files_written} {changed} "
        f"({report.files_unchanged} unchanged; ms: {phases})"
    )


def browsable_url(url: str) -> str:
    """A server listening on every address is reached, from this machine, on loopback."""
    return url.replace("//0.0.0.0:", "//127.0.0.1:", 1).replace("//[::]:", "//[::1]:", 1)


def run_serve(args: argparse.Namespace) -> int:
    try:
        server = DevServer(
            args.config, host=args.host, port=args.port, poll=args.poll, editor=not args.reader, echo=_echo
        )
    except OSError as exc:
        raise cannot_listen(exc, args.host, args.port) from None
    if not is_loopback(args.host):
        print(
            f"warning: serving on {args.host}: other machines on the network can open this preview "
            "(omit --host to keep it on this computer)",
            file=sys.stderr,
        )
    # SIGTERM (e.g. from a process manager) stops the server like Ctrl-C does, at any point.
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if in_main_thread else None
    try:
        server.start()
        url = browsable_url(server.url)
        _echo(f"Serving {url}  (watching for changes; Ctrl-C to stop)")
        if args.open:
            webbrowser.open(url)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        _echo("stopping")
    finally:
        server.stop()
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)
    return 0


def cannot_listen(exc: OSError, host: str, port: int) -> SitegenError:
    """Why the preview cannot listen on `host`:`port`, blaming the flag at fault."""
    reason = exc.strerror or str(exc)
    if isinstance(exc, socket.gaierror):  # the host name or address does not resolve
        return SitegenError(
            f"cannot listen on {host!r}: no such host or address ({reason})",
            key="--host",
            hint="give an address of this computer: 127.0.0.1 (this computer only, the default), "
            "0.0.0.0 (every network it is on) or a name that resolves to one of its addresses",
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return SitegenError(
            f"cannot listen on {host}: it is not an address of this computer ({reason})",
            key="--host",
            hint="give one of its own addresses: 127.0.0.1 (this computer only, the default) or 0.0.0.0 "
            "(every network it is on)",
        )
    if exc.errno in (errno.EACCES, errno.EPERM):
        return SitegenError(
            f"cannot listen on {host}:{port}: {reason}",
            key="--port",
            hint="ports below 1024 need administrator rights; use one above 1023, e.g. --port 8000, "
            "or --port 0 to pick a free one",
        )
    return SitegenError(
        f"cannot listen on {host}:{port}: {reason}",
        key="--port",
        hint="another program may use that port; try --port 0 to pick a free one",
    )


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _echo(line: str) -> None:
    print(line, flush=True)
