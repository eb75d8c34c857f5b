"""The preview's HTTP side: serves the built site, streams reload events, shows build errors.

Only `sitegen serve` uses this. The reload client is injected into HTML responses here, so it is
never written into the output folder.
"""

from __future__ import annotations

import contextlib
import email.utils
import html
import itertools
import json
import mimetypes
import os
import socket
import stat
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from functools import lru_cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sitegen import urls
from sitegen.errors import Problem

PREFIX = "/__sitegen/"
EVENTS_PATH = PREFIX + "events"
CLIENT_PATH = PREFIX + "livereload.js"
Page = tuple[str, ...] | None  # the output files a page shows; None: unknown, so any of them
CLIENT_TAG = f'<script src="{CLIENT_PATH}"'  # completed by client_tag()
SHUTDOWN_POLL_SECONDS = 0.05  # how soon the server notices stop()
MAX_NAME = 255  # bytes in a file name (Linux, macOS, Windows): a longer path segment names no file
MAX_PATH = 4096  # characters of a request's path, query left out: longer gets 414
MAX_TARGET = 16384  # characters of a request's whole address (the query included): longer gets 414
LISTEN_BACKLOG = 128  # connections the system holds for the server while its threads are busy
HEARTBEAT_SECONDS = 15.0  # an idle stream sends a comment this often, to notice closed tabs

TEXT = "; charset=utf-8"
CONTENT_TYPES = {
    ".html": "text/html" + TEXT,
    ".htm": "text/html" + TEXT,
    ".css": "text/css" + TEXT,
    ".js": "text/javascript" + TEXT,
    ".mjs": "text/javascript" + TEXT,
    ".json": "application/json" + TEXT,
    ".xml": "application/xml" + TEXT,
    ".atom": "application/atom+xml" + TEXT,
    ".rss": "application/rss+xml" + TEXT,
    ".svg": "image/svg+xml" + TEXT,
    ".txt": "text/plain" + TEXT,
    ".md": "text/plain" + TEXT,
    ".bib": "text/plain" + TEXT,  # shown in the tab rather than downloaded
    ".ris": "text/plain" + TEXT,
    ".csv": "text/csv" + TEXT,
    ".webmanifest": "application/manifest+json" + TEXT,
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ico": "image/x-icon",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
}

FALLBACK_404 = """<!doctype html>
<html lang="en" data-sitegen-nothing-built><head><meta charset="utf-8"><title>Not found</title></head>
<body><h1>Not found</h1><p>No page at this address. <a href="/">Go to the home page</a>.</p></body></html>
"""

# The reload client: follows the event stream for its page; reloads once a good build changed the
# page (keeping the scroll position), shows a failed build's problems in an overlay. Text goes in
# via textContent only.
CLIENT_JS = """\
(function () {
  "use strict";
  if (!window.EventSource) { return; }
  var scrollKey = "sitegen-scroll:" + location.pathname;
  var savedScroll = sessionStorage.getItem(scrollKey);
  if (savedScroll !== null) {
    sessionStorage.removeItem(scrollKey);
    window.addEventListener("load", function () { window.scrollTo(0, Number(savedScroll) || 0); });
  }
  // The build this page was served from: a build that finished before the stream connects
  // still reloads the page.
  var shown = document.currentScript ? document.currentScript.getAttribute("data-build") : null;
  var overlay = null;

  function showProblems(problems) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "sitegen-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
        "background:rgba(20,20,20,.93);color:#fff;font:15px/1.5 monospace;padding:2em;";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "";
    var heading = document.createElement("h2");
    // The server's own "Not found" page, when no build has succeeded yet: there is no good version.
    heading.textContent = document.documentElement.hasAttribute("data-sitegen-nothing-built") ?
      "The build failed: there is no site to show until it is fixed." :
      "The last save broke the build; this page shows the last good version.";
    heading.style.cssText = "font:bold 18px sans-serif;color:#ffb4b4;margin:0 0 1em;";
    overlay.appendChild(heading);
    problems.forEach(function (problem) {
      var item = document.createElement("pre");
      item.style.cssText = "white-space:pre-wrap;margin:0 0 1em;color:#fff;";
      item.textContent = problem.text;
      overlay.appendChild(item);
    });
    var note = document.createElement("p");
    note.textContent = "Fix the file and save: this page reloads by itself.";
    note.style.cssText = "font:14px sans-serif;color:#ddd;";
    overlay.appendChild(note);
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide";
    close.addEventListener("click", function () { overlay.remove(); overlay = null; });
    overlay.appendChild(close);
  }

  function buildId(state) { return state.session + ":" + state.build; }

  function follow() {
    var address = "/__sitegen/events?page=" + encodeURIComponent(location.pathname) +
      (shown !== null ? "&shown=" + encodeURIComponent(shown) : "");
    var events = new EventSource(address);
    events.onmessage = function (message) {
      var state = JSON.parse(message.data);
      var build = buildId(state);
      if (shown !== null && build !== shown && state.problems.length === 0) {
        sessionStorage.setItem(scrollKey, String(window.scrollY));
        events.close();
        location.reload();
        return;
      }
      shown = build;
      if (state.problems.length) {
        showProblems(state.problems);
      } else if (overlay) {
        overlay.remove();
        overlay = null;
      }
    };
  }

  // Once the page has loaded: a rebuild waits for the edited page to be back before it goes on
  // with the rest (the server learns it from this stream).
  if (document.readyState === "complete") {
    follow();
  } else {
    window.addEventListener("load", follow);
  }
})();
"""


def content_type(path: Path) -> str:
    known = CONTENT_TYPES.get(path.suffix.lower())
    if known:
        return known
    guessed, _ = mimetypes.guess_type(path.name)
    if guessed and guessed.startswith("text/"):
        return guessed + TEXT
    return guessed or "application/octet-stream"


def client_tag(build_id: str) -> bytes:
    return f'{CLIENT_TAG} data-build="{html.escape(build_id)}"></script>'.encode()


def inject_client(page: bytes, build_id: str) -> bytes:
    """Put the reload client before the last `</body>` (or at the end when there is none)."""
    tag = client_tag(build_id)
    tail = max(0, len(page) - 4096)  # it ends a page: look there first, without copying the page
    end = page[tail:].lower().rfind(b"</body")
    end = tail + end if end >= 0 else page.lower().rfind(b"</body")
    if end < 0:
        return page + tag
    return page[:end] + tag + page[end:]


class Broadcaster:
    """What the open pages are told: the build that last changed each page, or the problems of
    the failed build.

    Each announcement (`built`) names the output files it put in place, so a page reloads only
    when its own file changed: an edited paper's page first, the lists and the search index as
    they follow. A page is identified by the output files it shows: its own, or for a missing
    page the file it would be and 404.html, so it reloads once the file is built; None (an
    address outside the site) follows every announcement. Streams wait on a condition until their
    page's state changes.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.session = f"{id(self):x}"  # a restarted server is a new session: pages reload
        self.build = 0  # announcements so far
        self._every_page_changed = 0  # the last announcement that changed every page
        self._page_changed: dict[str, int] = {}  # output path -> the last announcement that changed it
        self.problems: tuple[Problem, ...] = ()
        self.closed = False
        self._watching: dict[int, Page] = {}  # each open event stream (by its number): its page
        self._streams = itertools.count()
        self._arrived: list[Page] = []  # the pages whose stream opened since the last announcement

    def built(self, changed: Iterable[str] | None = None) -> int:
        """Files are in place (`changed`: their output paths; None: possibly every file).
        Returns how many open pages this tells to reload."""
        reach = _reach(changed)
        with self._changed:
            self._arrived = []
            due = sum(_shows_any(page, reach) for page in self._watching.values())
            self.build += 1
            if reach is None:
                self._every_page_changed = self.build
                self._page_changed.clear()
            else:
                self._page_changed.update(dict.fromkeys(reach, self.build))
            self.problems = ()
            self._changed.notify_all()
            return due

    def wait_for_reloads(self, changed: Iterable[str] | None, due: int, timeout: float) -> bool:
        """Wait until `due` pages showing `changed` files have reloaded (their new stream is
        open: the page and its scripts are loaded), at most `timeout` seconds; True if they did."""
        reach = _reach(changed)
        with self._changed:
            return self._changed.wait_for(
                lambda: self.closed or sum(_shows_any(page, reach) for page in self._arrived) >= due,
                timeout,
            )

    @contextlib.contextmanager
    def watching(self, page: Page) -> Iterator[Callable[[], None]]:
        """An open event stream of `page`, while the block runs or until the function it gives
        is called (the stream told its page to reload: the page closes it, which the server
        learns only at the next heartbeat)."""
        with self._changed:
            stream = next(self._streams)  # its own, even where another tab shows the same page
            self._watching[stream] = page
            self._arrived.append(page)
            self._changed.notify_all()

        def done() -> None:
            with self._changed:
                self._watching.pop(stream, None)

        try:
            yield done
        finally:
            done()

    def failed(self, problems: Iterable[Problem]) -> None:
        with self._changed:
            self.problems = tuple(problems)
            self._changed.notify_all()

    def close(self) -> None:
        """Release every waiting stream, for shutdown."""
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def build_id(self, page: Page = None) -> str:
        """The id the client compares with each event's `session:build`."""
        with self._changed:
            return f"{self.session}:{self._build_of(page)}"

    def _build_of(self, page: Page) -> int:
        if page is None:
            return self.build
        return max(self._every_page_changed, *(self._page_changed.get(path, 0) for path in page))

    def state(self, page: Page = None) -> dict[str, Any]:
        with self._changed:
            return self._state(page)

    def _state(self, page: Page) -> dict[str, Any]:
        problems = [{**asdict(p), "text": str(p)} for p in self.problems]
        return {"session": self.session, "build": self._build_of(page), "problems": problems}

    def wait_for_change(
        self, seen: dict[str, Any], timeout: float, page: Page = None
    ) -> dict[str, Any] | None:
        """The page's new state once it differs from `seen`; None on timeout or shutdown."""
        with self._changed:
            self._changed.wait_for(lambda: self.closed or self._state(page) != seen, timeout)
            if self.closed:
                return None
            state = self._state(page)
            return state if state != seen else None


def _reloads(shown: str, state: dict[str, Any]) -> bool:
    """Whether the reload client of a page served from build `shown` ("" if unknown) reloads it
    on `state`, as its script decides."""
    return bool(shown) and f"{state['session']}:{state['build']}" != shown and not state["problems"]


def _reach(changed: Iterable[str] | None) -> frozenset[str] | None:
    """The files put in place, as the pages they show on need them: None when every page does."""
    if changed is None:
        return None
    changed = frozenset(changed)
    return None if any(_affects_every_page(path) for path in changed) else changed


def _shows_any(page: Page, reach: frozenset[str] | None) -> bool:
    """Whether a page showing `page`'s files reloads when files of `reach` (see `_reach`) are put
    in place."""
    return page is None or reach is None or not reach.isdisjoint(page)


def _affects_every_page(path: str) -> bool:
    """A changed stylesheet or script shows on every page; not the scripts that hold data (the
    search index and its files, the All papers browser's data), loaded when they are used."""
    data = path in urls.DATA_SCRIPTS or path.startswith(urls.SEARCH_FILES)
    return path.endswith((".css", ".js")) and not data


class SiteRequestHandler(BaseHTTPRequestHandler):
    server: PreviewHTTPServer
    server_version = "sitegen-serve"
    timeout = 60  # seconds an idle connection may hold a thread
    wbufsize = 1 << 16  # a response's headers and body leave in one write (event streams flush)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows rebuilds, not every request

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def _respond(self, send_body: bool) -> None:
        raw_path = self.path.split("?", 1)[0].split("#", 1)[0]
        if len(self.path) > MAX_TARGET or len(raw_path) > MAX_PATH:
            self._send_bytes(
                b"address too long\n", "text/plain" + TEXT, send_body, HTTPStatus.REQUEST_URI_TOO_LONG
            )
        elif raw_path == EVENTS_PATH and send_body:
            self._stream_events(self._page_of(self._query_value("page")), self._query_value("shown"))
        elif raw_path == CLIENT_PATH:
            self._send_bytes(CLIENT_JS.encode(), "text/javascript" + TEXT, send_body)
        else:
            self._serve_file(raw_path, send_body)

    def _query_value(self, name: str) -> str:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        return query.get(name, [""])[-1]

    def _page_of(self, url_path: str) -> Page:
        """The output files (relative paths) a page address shows: its file, or for a missing one
        the file it would be and the 404 page; None when the address is outside the site."""
        site, base = self.server.site_root(), self.server.base_path
        if site is None or not url_path.startswith(base):
            return None
        if names_no_file(url_path):
            return (urls.NOT_FOUND,)
        target = resolve_request(site, "/" + url_path[len(base) :])
        if target is None:
            return None
        if _is_dir(target) or url_path.endswith("/"):
            target = target / "index.html"
        page = self._relative(site, target)
        return (page,) if _is_file(target) else (page, urls.NOT_FOUND)

    def _moved_to(self, site: Path | None, raw_path: str) -> str | None:
        """The address under the site's path of one under a path it was served at before
        (base_url changed while pages were open), unless the site has that very file."""
        base = self.server.base_path
        formers = sorted(self.server.former_base_paths, key=len, reverse=True)  # the longest that fits
        former = next((path for path in formers if raw_path.startswith(path) and path != base), None)
        if former is None:
            return None
        if raw_path.startswith(base):  # under the site's path: sent on only from a longer old path
            if len(former) <= len(base) or site is None:  # (the new path is inside the old)
                return None
            target = resolve_request(site, "/" + raw_path[len(base) :])
            if target is None or _is_file(target) or _is_dir(target):
                return None
        query = self.path[len(raw_path) :] if self.path.startswith(raw_path) else ""
        # one slash: `/review//evil.example/x` must not become `//evil.example/x`, another host
        return base + raw_path[len(former) :].lstrip("/") + query

    @staticmethod
    def _relative(site: Path, target: Path) -> str:
        """A resolved path inside the site as its output path (`papers/a.html`)."""
        return str(target)[len(real_root(site)) + 1 :].replace(os.sep, "/")

    def _serve_file(self, raw_path: str, send_body: bool) -> None:
        site = self.server.site_root()
        base = self.server.base_path
        moved = self._moved_to(site, raw_path)
        if moved is not None:  # base_url's path changed while the page was open
            self._redirect(moved, HTTPStatus.FOUND)  # for now: not remembered by the browser
            return
        if not raw_path.startswith(base):
            if raw_path == "/" or raw_path + "/" == base:
                self._redirect(base)
            else:
                self._send_not_found(site, send_body, None)
            return
        raw_path = "/" + raw_path[len(base) :]
        if names_no_file(raw_path):
            self._send_not_found(site, send_body, (urls.NOT_FOUND,))
            return
        target = resolve_request(site, raw_path)
        if target is None:
            self._send_bytes(b"forbidden\n", "text/plain" + TEXT, send_body, HTTPStatus.FORBIDDEN)
            return
        found = _open_file(target)
        if found == FOLDER:
            if not raw_path.endswith("/"):
                self._redirect(base + raw_path[1:] + "/")
                return
            target = target / "index.html"
            found = _open_file(target)
        if not isinstance(found, tuple):
            self._send_not_found(site, send_body, self._page_of(base + raw_path[1:]))
            return
        status, handle = found
        try:
            self._send_file(target, status, handle, send_body)
        finally:
            os.close(handle)

    def _send_file(self, path: Path, status: os.stat_result, handle: int, send_body: bool) -> None:
        """Send the file open at `handle` (read only when its bytes are sent or changed)."""
        kind = content_type(path)
        is_html = kind.startswith("text/html")
        try:
            data = _read_all(handle, status.st_size) if send_body or is_html else b""
        except OSError:
            self._send_not_found(self.server.site_root(), send_body, None)
            return
        site = self.server.site_root()
        page = (self._relative(site, path),) if is_html and site is not None else None
        build_id = self.server.broadcaster.build_id(page)
        # An HTML response carries the build it was served in, so its validator does too.
        etag = f'"{status.st_mtime_ns:x}-{status.st_size:x}{"-" + build_id if is_html else ""}"'
        modified = email.utils.formatdate(status.st_mtime, usegmt=True)
        if self._not_modified(etag, status.st_mtime):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            self.end_headers()
            return
        if is_html:
            data = inject_client(data, build_id)
        # Browsers must not keep pages: a cached page would carry an old build id and reload forever.
        # Assets are revalidated (ETag, If-Modified-Since) and answered 304 while unchanged.
        cache = "no-store" if is_html else "no-cache"
        headers = {"ETag": etag, "Last-Modified": modified, "Cache-Control": cache}
        self._send_bytes(data, kind, send_body, HTTPStatus.OK, headers, length=len(data) or status.st_size)

    def _not_modified(self, etag: str, mtime: float) -> bool:
        """Conditional GET: the ETag wins (it sees sub-second rebuilds); else If-Modified-Since."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if not since:
            return False
        try:
            since_time = email.utils.parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
        return int(mtime) <= since_time

    def _send_not_found(self, site: Path | None, send_body: bool, page: Page) -> None:
        """The site's 404 page, carrying the build id of the page it stands in for (`page`)."""
        not_found = site / urls.NOT_FOUND if site else None
        try:
            data = not_found.read_bytes() if not_found else FALLBACK_404.encode()
        except OSError:
            data = FALLBACK_404.encode()
        data = inject_client(data, self.server.broadcaster.build_id(page))
        self._send_bytes(data, "text/html" + TEXT, send_body, HTTPStatus.NOT_FOUND)

    def _redirect(self, location: str, status: HTTPStatus = HTTPStatus.MOVED_PERMANENTLY) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send_bytes(
        self,
        data: bytes,
        kind: str,
        send_body: bool,
        status: HTTPStatus = HTTPStatus.OK,
        headers: dict[str, str] | None = None,
        length: int | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data) if length is None else length))
        headers = {"Cache-Control": "no-store", **(headers or {})}
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(data)

    def _stream_events(self, page: Page, shown: str) -> None:
        """Server-Sent Events: the page's state at once, then every change, until the tab closes.
        `shown`: the build the page was served from ("session:build"), if it says."""
        hub = self.server.broadcaster
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream" + TEXT)
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.close_connection = True
        state: dict[str, Any] | None = hub.state(page)
        gone = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)
        with contextlib.suppress(*gone), hub.watching(page) as told_to_reload:
            self.wfile.write(b"retry: 500\n\n")
            while state is not None and not hub.closed:
                self.wfile.write(f"data: {json.dumps(state)}\n\n".encode())
                self.wfile.flush()
                if _reloads(shown, state):
                    told_to_reload()
                shown = f"{state['session']}:{state['build']}"
                seen = state
                state = hub.wait_for_change(seen, HEARTBEAT_SECONDS, page)
                while state is None and not hub.closed:
                    self.wfile.write(b": ping\n\n")  # fails once the tab is gone
                    self.wfile.flush()
                    state = hub.wait_for_change(seen, HEARTBEAT_SECONDS, page)


FOLDER = "folder"


def _open_file(path: Path) -> tuple[os.stat_result, int] | str | None:
    """A regular file's status and an open descriptor, or FOLDER, or None (nothing servable:
    missing, a name too long, a named pipe); the fewest system calls, as each lets another of
    the server's threads in."""
    try:  # not blocking on a named pipe; a folder opens too, and says what it is
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return FOLDER if _is_dir(path) else None  # (Windows does not open folders)
    try:
        status = os.fstat(handle)
    except OSError:
        status = None
    if status is not None and stat.S_ISREG(status.st_mode):
        return status, handle
    os.close(handle)
    return FOLDER if status is not None and stat.S_ISDIR(status.st_mode) else None


def _read_all(handle: int, size: int) -> bytes:
    chunks = []
    while chunk := os.read(handle, max(size, 1 << 16)):
        chunks.append(chunk)
    return b"".join(chunks)


def _is_dir(path: Path) -> bool:
    """Whether `path` is a folder; False for any path the system cannot look up (too long, say)."""
    try:
        return path.is_dir()
    except OSError:
        return False


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def names_no_file(raw_path: str) -> bool:
    """Whether a URL path has a segment longer than any file name can be (which the system would
    refuse to look up): such a page is simply not found."""
    segments = (urllib.parse.unquote_to_bytes(segment) for segment in raw_path.split("/"))
    return any(len(segment) > MAX_NAME for segment in segments)


def resolve_request(site: Path | None, raw_path: str) -> Path | None:
    """The file a URL path names inside the site, or None when it would leave the site.

    The path is checked raw and decoded: no `..` segments, no backslashes, no encoded slashes
    or NULs, and after resolving symlinks it must still be inside the site.
    """
    if site is None:
        return None
    if "\\" in raw_path or not raw_path.startswith("/"):
        return None
    try:
        decoded = [urllib.parse.unquote(segment, errors="strict") for segment in raw_path.split("/")]
    except UnicodeDecodeError:
        return None
    if any(any(bad in segment for bad in ("/", "\\", "\0")) or segment == ".." for segment in decoded):
        return None
    root = real_root(site)
    try:
        resolved = _resolve_below(root, [segment for segment in decoded if segment not in ("", ".")])
    except (OSError, ValueError):
        return None
    if resolved != root and not resolved.startswith(root + os.sep):
        return None
    return Path(resolved)


@lru_cache(maxsize=16)
def _real_root(site: str) -> str:
    return os.path.realpath(site)


def real_root(site: Path) -> str:
    """The site folder with its symlinks resolved (the same path for each version switched in)."""
    return _real_root(str(site))


def _resolve_below(root: str, parts: list[str]) -> str:
    """`root` joined with `parts`, symlinks resolved: only the parts below the root are looked at
    (a system call each, not one for every folder from /), and fully resolved from the first
    symlink on."""
    path = root
    for index, part in enumerate(parts):
        path = os.path.join(path, part)
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:  # nothing below it exists either: no symlink to resolve
            return os.path.join(path, *parts[index + 1 :])
        if stat.S_ISLNK(mode):
            return os.path.realpath(os.path.join(path, *parts[index + 1 :]))
    return path


class PreviewHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default of 5 makes the system drop connections that arrive together (a page
    # and its dozen assets, several tabs): each dropped one waits a second or more to be tried again.
    request_queue_size = LISTEN_BACKLOG

    def __init__(
        self,
        address: tuple[str, int],
        site_root: Callable[[], Path | None],
        broadcaster: Broadcaster,
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.site_root = site_root
        self.broadcaster = broadcaster
        self.base_path = "/"  # the site's path in its base_url; the preview serves it there too
        self.former_base_paths: list[str] = []  # served before base_url moved: sent to the new one
        self._open: set[socket.socket] = set()
        self._threads_alive: list[threading.Thread] = []
        self._open_lock = threading.Lock()
        super().__init__(address, SiteRequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """One daemon thread per connection, remembered so `stop` can release and join it."""
        thread = threading.Thread(
            target=self.process_request_thread, args=(request, client_address), name="sitegen-http-request"
        )
        thread.daemon = self.daemon_threads
        with self._open_lock:
            self._threads_alive = [t for t in self._threads_alive if t.is_alive()] + [thread]
            self._open.add(request)
        thread.start()

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def release_connections(self) -> None:
        """Unblock and join the request threads (idle keep-alives, preconnects, event streams)."""
        with self._open_lock:
            sockets, threads = list(self._open), list(self._threads_alive)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in threads:
            thread.join()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a tab closed mid-response is not worth a traceback in the terminal


class PreviewServer:
    """Serves a folder with reload events on a background thread: `start()`, `url`, `stop()`."""

    def __init__(
        self,
        site_root: Callable[[], Path | None],
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.broadcaster = Broadcaster()
        self._httpd = PreviewHTTPServer((host, port), site_root, self.broadcaster)
        self._base_path_set = False  # the first path set is the site's from the start, not a move
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(SHUTDOWN_POLL_SECONDS,), name="sitegen-http", daemon=True
        )

    @property
    def base_path(self) -> str:
        return self._httpd.base_path

    @base_path.setter
    def base_path(self, path: str) -> None:
        """Serve the site under this path (e.g. /review/), as it will be published; an address
        under a path served before is sent to the same page under the new one."""
        path = "/" + path.strip("/") + "/" if path.strip("/") else "/"
        former = self._httpd.base_path
        if self._base_path_set and path != former:
            self._httpd.former_base_paths = [former] + [p for p in self._httpd.former_base_paths if p != path]
        self._httpd.base_path = path
        self._base_path_set = True

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._httpd.server_address[:2]
        return (host.decode() if isinstance(host, bytes) else str(host)), int(port)

    @property
    def url(self) -> str:
        """The site's home page."""
        host, port = self.address
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}{self.base_path}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.broadcaster.close()
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join()
        self._httpd.release_connections()
        self._httpd.server_close()
