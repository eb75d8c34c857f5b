"""The preview's HTTP side over a plain folder: what files it serves, how, and what it refuses.

Requests go through raw sockets so that paths like `/../x` reach the server unnormalised.
"""

from __future__ import annotations

import email.utils
import json
import os
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitegen.devserver import CLIENT_TAG, EVENTS_PATH, Broadcaster, PreviewServer, client_tag
from sitegen.errors import Problem

SECRET = "TOP-SECRET-OUTSIDE-THE-SITE"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    files = {
        "index.html": "<!doctype html><html><body><h1>Home</h1></body></html>",
        "papers/index.html": "<!doctype html><html><body>All papers</body></html>",
        "papers/a.html": "<!doctype html><html><body><p>Paper A</p></BODY></html>",
        "404.html": "<!doctype html><html><body><h1>Page not found</h1><a href='/'>Home</a></body></html>",
        "assets/style.css": "body { color: black }",
        "assets/site.js": "console.log(1)",
        "papers.json": "[]",
        "feed.xml": "<feed/>",
        "sitemap.xml": "<urlset/>",
        "papers.bib": "@article{a, title={A}}",
        "icon.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    os.symlink(tmp_path, root / "escape")
    return root


@pytest.fixture
def server(site: Path) -> Iterator[PreviewServer]:
    preview = PreviewServer(lambda: site)
    preview.start()
    yield preview
    preview.stop()


def request(server: PreviewServer, path: str, method: str = "GET", headers: dict[str, str] | None = None):
    """(status, headers, body) for a raw request line; the path is sent byte for byte."""
    host, port = server.address
    lines = [f"{method} {path} HTTP/1.0", f"Host: {host}:{port}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parsed = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        parsed[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), parsed, body


def test_folder_urls_serve_their_index_with_the_reload_client_injected(server, site):
    status, headers, body = request(server, "/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert body.endswith(client_tag(server.broadcaster.build_id(("index.html",))) + b"</body></html>")
    assert int(headers["content-length"]) == len(body)
    assert headers["cache-control"] == "no-store", "a kept page would carry an old build id"
    status, _, body = request(server, "/papers/")
    assert status == 200 and b"All papers" in body
    assert CLIENT_TAG not in (site / "index.html").read_text(), "never written into the output"


def test_the_client_goes_before_the_closing_body_tag_whatever_its_case(server):
    _, _, body = request(server, "/papers/a.html")
    assert body.endswith(client_tag(server.broadcaster.build_id(("index.html",))) + b"</BODY></html>")
    status, headers, script = request(server, "/__sitegen/livereload.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert b"EventSource" in script and b"textContent" in script and b"innerHTML" not in script


def test_a_folder_without_its_slash_redirects_so_relative_links_work(server):
    status, headers, _ = request(server, "/papers")
    assert status == 301 and headers["location"] == "/papers/"


def test_a_site_published_under_a_path_is_previewed_under_it(server):
    server.base_path = "review"
    assert server.url.endswith("/review/")
    status, headers, _ = request(server, "/")
    assert status == 301 and headers["location"] == "/review/"
    assert request(server, "/review")[1]["location"] == "/review/"
    status, _, body = request(server, "/review/papers/a.html")
    assert status == 200 and b"Paper A" in body
    assert request(server, "/review/papers")[1]["location"] == "/review/papers/"
    assert request(server, "/papers/a.html")[0] == 404
    status, _, body = request(server, "/review/../secret.txt")
    assert status in (403, 404) and SECRET.encode() not in body


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/assets/style.css", "text/css; charset=utf-8"),
        ("/assets/site.js", "text/javascript; charset=utf-8"),
        ("/papers.json", "application/json; charset=utf-8"),
        ("/feed.xml", "application/xml; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/papers.bib", "text/plain; charset=utf-8"),
        ("/icon.svg", "image/svg+xml; charset=utf-8"),
    ],
)
def test_each_kind_of_file_has_its_content_type(server, path, expected):
    status, headers, body = request(server, path)
    assert status == 200
    assert headers["content-type"] == expected
    assert CLIENT_TAG.encode() not in body


def test_a_missing_page_gets_the_sites_404_page_with_status_404(server):
    status, headers, body = request(server, "/papers/deleted-paper.html")
    assert status == 404
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert b"Page not found" in body and b"href='/'" in body
    assert CLIENT_TAG.encode() in body, "a 404 tab must still reload when the page comes back"


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/papers/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/papers/%2e%2e/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/papers/..%2f..%2fsecret.txt",
        "/..\\secret.txt",
        "/papers%5c..%5c..%5csecret.txt",
        "/%2e%2e%5csecret.txt",
        "/escape/secret.txt",
        "/%00/secret.txt",
        "/%ff%fe/secret.txt",
        "//etc/passwd",
    ],
)
def test_paths_that_leave_the_site_are_refused(server, path):
    status, _, body = request(server, path)
    assert status in (403, 404)
    assert SECRET.encode() not in body
    assert b"root:" not in body


def test_head_sends_the_headers_of_get_without_a_body(server):
    _, get_headers, get_body = request(server, "/papers/a.html")
    status, head_headers, head_body = request(server, "/papers/a.html", method="HEAD")
    assert status == 200 and head_body == b""
    assert head_headers["content-length"] == str(len(get_body)) == get_headers["content-length"]
    assert head_headers["content-type"] == get_headers["content-type"]
    status, headers, body = request(server, "/assets/style.css", method="HEAD")
    assert status == 200 and body == b"" and headers["content-length"] == str(len("body { color: black }"))


def test_if_modified_since_and_etags_answer_304_until_the_file_changes(server, site):
    _, headers, _ = request(server, "/assets/style.css")
    modified, etag = headers["last-modified"], headers["etag"]
    status, _, body = request(server, "/assets/style.css", headers={"If-Modified-Since": modified})
    assert status == 304 and body == b""
    status, _, _ = request(server, "/assets/style.css", headers={"If-None-Match": etag})
    assert status == 304
    old = email.utils.formatdate(0, usegmt=True)
    status, _, _ = request(server, "/assets/style.css", headers={"If-Modified-Since": old})
    assert status == 200

    # A rebuild within the same second keeps Last-Modified's second: the ETag still tells.
    (site / "assets/style.css").write_text("body { color: navy }", encoding="utf-8")
    status, _, body = request(
        server, "/assets/style.css", headers={"If-None-Match": etag, "If-Modified-Since": modified}
    )
    assert status == 200 and body == b"body { color: navy }"


def read_event(stream) -> dict:
    """The next `data:` message of a Server-Sent Events stream."""
    while True:
        line = stream.readline()
        assert line, "the stream ended"
        if line.startswith(b"data: "):
            return json.loads(line[len(b"data: ") :])


def open_events(server: PreviewServer, page: str = ""):
    host, port = server.address
    sock = socket.create_connection((host, port), timeout=10)
    query = f"?page={urllib.parse.quote(page, safe='')}" if page else ""
    sock.sendall(f"GET {EVENTS_PATH}{query} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
    return sock, sock.makefile("rb")


def test_events_announce_builds_and_failures_and_end_on_stop(site):
    server = PreviewServer(lambda: site)
    server.start()
    sock, stream = open_events(server)
    try:
        assert stream.readline().startswith(b"HTTP/1.0 200")
        first = read_event(stream)
        assert first["problems"] == []

        problem = Problem("not valid YAML: <script>", "content/papers/a.md", 3, "title", "check quotes")
        server.broadcaster.failed([problem])
        failed = read_event(stream)
        assert failed["build"] == first["build"]
        expected = "content/papers/a.md:3: `title`: not valid YAML: <script> (check quotes)"
        assert failed["problems"][0]["text"] == expected

        server.broadcaster.built()
        fixed = read_event(stream)
        assert fixed["build"] == first["build"] + 1 and fixed["problems"] == []
    finally:
        server.stop()
    assert stream.read().strip() == b"", "stop() ends open event streams"
    stream.close()
    sock.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("sitegen")]


def test_a_page_is_told_only_of_builds_that_changed_its_own_file(site):
    server = PreviewServer(lambda: site)
    server.start()
    hub = server.broadcaster
    sock, stream = open_events(server, "/papers/")  # the folder's index.html
    try:
        assert stream.readline().startswith(b"HTTP/1.0 200")
        first = read_event(stream)["build"]
        hub.built({"papers/a.html"})
        hub.built({"assets/search-index.js"})  # loaded on demand, so no page reloads for it
        assert hub.state(("papers/index.html",))["build"] == first, "not this page's file"
        assert hub.state(("papers/a.html",))["build"] == first + 1
        hub.built({"papers/index.html", "search.html"})
        assert read_event(stream)["build"] == first + 3
        hub.built({"static/style.css"})  # shown on every page
        assert read_event(stream)["build"] == first + 4
        assert hub.state(("papers/a.html",))["build"] == first + 4
    finally:
        server.stop()
        stream.close()
        sock.close()


def test_a_missing_page_reloads_once_its_file_or_the_404_page_is_built_not_for_other_files(site):
    server = PreviewServer(lambda: site)
    server.start()
    hub = server.broadcaster
    sock, stream = open_events(server, "/papers/new.html")
    try:
        assert stream.readline().startswith(b"HTTP/1.0 200")
        first = read_event(stream)["build"]
        status, _, body = request(server, "/papers/new.html")
        assert status == 404 and client_tag(hub.build_id(("papers/new.html", "404.html"))) in body
        hub.built({"papers/a.html", "papers/index.html"})  # an edit elsewhere: the tab stays put
        hub.built({"papers/new.html"})  # the new paper's page exists now
        assert read_event(stream)["build"] == first + 2
        hub.built({"404.html"})
        assert read_event(stream)["build"] == first + 3
    finally:
        server.stop()
        stream.close()
        sock.close()


def test_stop_releases_idle_connections(site):
    server = PreviewServer(lambda: site)
    server.start()
    idle = socket.create_connection(server.address, timeout=10)  # like a browser's preconnect
    try:
        request(server, "/")
        server.stop()  # returns: it does not wait for the idle socket to send a request
    finally:
        idle.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("sitegen")]


@pytest.mark.parametrize(
    "path",
    [
        "/" + "a" * 256,  # a segment one byte longer than any file name
        "/papers/" + "b" * 300 + ".html",
        "/" + "%C3%A9" * 128,  # 128 characters, 256 bytes
        "/" + "/".join(["c" * 255] * 12),  # each segment a possible name; over 3,000 characters
        "/papers/" + "x" * 1000 + "/",
    ],
)
def test_a_path_naming_no_possible_file_gets_the_404_page(server, path):
    status, headers, body = request(server, path)
    assert status == 404 and b"Page not found" in body
    assert headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/" + "d" * 5000, "/papers/a.html?q=" + "e" * 20000, "/" + "f/" * 2100])
def test_an_address_too_long_to_serve_gets_414(server, path):
    status, _, body = request(server, path)
    assert status == 414 and body == b"address too long\n"


def test_the_events_of_a_page_with_an_impossible_name_follow_the_404_page(site):
    preview = PreviewServer(lambda: site)
    preview.start()
    try:
        host, port = preview.address
        with socket.create_connection((host, port), timeout=10) as sock:
            page = "/" + "g" * 400 + ".html"
            sock.sendall(f"GET /__sitegen/events?page={page} HTTP/1.0\r\n\r\n".encode())
            received = b""
            while b"data:" not in received:
                received += sock.recv(4096)
            assert b"200 OK" in received
            preview.broadcaster.built(["404.html"])
            while received.count(b"data:") < 2:
                received += sock.recv(4096)
    finally:
        preview.stop()


def test_the_server_holds_a_backlog_of_connections_arriving_together(server):
    from sitegen.devserver import LISTEN_BACKLOG

    assert server._httpd.request_queue_size == LISTEN_BACKLOG >= 64
    host, port = server.address
    connections = [socket.create_connection((host, port), timeout=10) for _ in range(LISTEN_BACKLOG)]
    try:  # all accepted at once by the system; each then answered
        for sock in connections:
            sock.sendall(f"GET /papers/a.html HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
        for sock in connections:
            assert sock.recv(64).startswith(b"HTTP/1.0 200")
    finally:
        for sock in connections:
            sock.close()


def test_a_page_told_to_reload_no_longer_counts_as_open():
    """A stream that told its page to reload is closed by the page, which the server learns only
    at the next heartbeat: the next announcement must not wait for it."""
    hub = Broadcaster()
    page = ("papers/a.html",)
    with hub.watching(page) as told_to_reload:
        assert hub.built({"papers/a.html"}) == 1
        assert hub.built({"papers/b.html"}) == 0
        told_to_reload()
        assert hub.built({"papers/a.html"}) == 0
    with hub.watching(page), hub.watching(None):
        assert hub.built({"papers/a.html"}) == 2
        assert hub.wait_for_reloads({"papers/a.html"}, 2, timeout=0.05) is False
        arrived = threading.Thread(target=lambda: hub.watching(page).__enter__())
        arrived.start()
        arrived.join()
        assert hub.wait_for_reloads({"papers/a.html"}, 1, timeout=10) is True


@pytest.mark.parametrize(
    ("moves", "asked", "sent_to"),
    [
        (["/review/", "/"], "/review/papers/a.html", "/papers/a.html"),
        (["/review/", "/", "/other/"], "/review/papers/a.html", "/other/papers/a.html"),
        (["/review/", "/", "/other/"], "/papers/a.html?x=1", "/other/papers/a.html?x=1"),
        (["/review/", "/"], "/review//evil.example/x", "/evil.example/x"),
        (["/review/", "/other/"], "/review/", "/other/"),
    ],
)
def test_an_address_under_a_path_the_site_was_served_at_before_is_sent_to_its_new_one(
    server, moves, asked, sent_to
):
    """After base_url moved /review/ -> / -> /other/, /review/papers/a.html was sent to
    /other/review/papers/a.html (the first old path that fitted, `/`, not the longest), and
    /review//evil.example/x to //evil.example/x: another host."""
    for path in moves:
        server.base_path = path
    status, headers, _ = request(server, asked)
    assert (status, headers["location"]) == (302, sent_to)


def test_the_site_path_set_first_is_no_move(server):
    server.base_path = "/review/"  # the site's path from the start: `/` was never its path
    assert request(server, "/papers/a.html")[0] == 404
