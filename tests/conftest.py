"""Shared fixtures: temporary projects from a dict of files, the CLI, and headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sitegen.cli import main as sitegen_main

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "content" / "sources"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

SITE_YAML = """\
title: Test Review
description: A review used by the tests.
base_url: https://example.org/review/
author: Tests
"""


def write_files(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """A project folder: site.yaml plus the given files (name -> text)."""

    def make(files: dict[str, str] | None = None, *, site_yaml: str = SITE_YAML) -> Path:
        root = tmp_path / "project"
        root.mkdir(exist_ok=True)
        write_files(root, {"site.yaml": site_yaml, **(files or {})})
        return root

    return make


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run `sitegen ARGS...` in a folder; returns (exit code, stdout, stderr)."""

    def run(cwd: Path, *args: str) -> tuple[int, str, str]:
        monkeypatch.chdir(cwd)
        code = sitegen_main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The test files that use the session's Chromium run last, whatever files are asked for and
    in whatever order: Playwright's driver leaves a thread (asyncio's waitpid watcher) alive until
    the session ends, and the engine never forks while another thread runs, so a build after it
    would silently take its one-process path and the tests of the forked paths would fail. A
    whole file moves, so that its module-scoped fixtures are made once."""
    late = {item.path for item in items if "browser" in getattr(item, "fixturenames", ())}
    items.sort(key=lambda item: item.path in late)  # a stable sort: the order is kept otherwise


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the session; tests open their own contexts."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/test.sh, which installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=chromium_env()
        )
        yield chromium
        chromium.close()


def chromium_env() -> dict[str, str]:
    """The environment Chromium starts in. It makes its sockets in the temporary folder and stops
    ("Socket path too long") where that folder's path leaves too little of a socket address's
    ~107 bytes for the names it adds (~45): a CI runner's temporary folder may be that long."""
    folder = tempfile.gettempdir()
    return {**os.environ, "TMPDIR": folder if len(folder) <= 50 else "/tmp"}


@pytest.fixture(scope="session")
def bibliography_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The BibTeX, RIS and CSL-JSON records of tests/data/bibliography imported and built: paper
    pages with authors, venues, identifiers and every citation meta tag."""
    root = tmp_path_factory.mktemp("bibliography")
    (root / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    listings = sorted(str(path) for path in (REPO / "tests/data/bibliography").glob("library.*"))
    cwd = os.getcwd()
    os.chdir(root)
    try:
        assert sitegen_main(["import", *listings]) == 0
        assert sitegen_main(["build"]) == 0
    finally:
        os.chdir(cwd)
    return root / "public"


def build_committed(out: Path, *options: str) -> Path:
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        code = sitegen_main(["build", "--out", str(out), *options])
    finally:
        os.chdir(cwd)
    assert code == 0, "building the committed content failed"
    return out


@pytest.fixture(scope="session")
def committed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reader's site of the committed content/, shared by the read-only site tests."""
    return build_committed(tmp_path_factory.mktemp("site") / "public")


@pytest.fixture(scope="session")
def committed_editor_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The editor's view of the committed content/ (`sitegen build --editor`)."""
    return build_committed(tmp_path_factory.mktemp("editor-site") / "public", "--editor")


def node_tool(*parts: str) -> Path:
    path = REPO.joinpath("node_modules", *parts)
    if not path.exists():
        pytest.fail(f"{path} is missing: run scripts/test.sh, which runs `npm ci`")
    return path


def copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


# --- a small site with every kind of paper, for the tests of the build plan and the engine ---

SAMPLE_TOPICS = [
    {
        "id": "segmentation",
        "title": "Segmentation",
        "description": "Outlining organs and lesions.",
        "rules": {"title": {"segment": 2}, "abstract": {"segment": 1}, "threshold": 2},
    },
    {
        "id": "agents",
        "title": "Agents",
        "description": "Agents that plan and use tools.",
        "rules": {"title": {"agent": 2}, "abstract": {"agent|tool": 1}, "threshold": 1},
    },
    {
        "id": "benchmarks",
        "title": "Benchmarks",
        "description": "Datasets and evaluations.",
        "rules": {"title": {"benchmark": 2}, "abstract": {"benchmark|dataset": 1}, "veto": ["retracted"]},
    },
]
SAMPLE_WORDS = ("polyp", "colonoscopy", "liver", "tumour", "agent", "tool", "radiology", "report", "segment",
                "benchmark", "dataset")  # fmt: skip


def sample_papers(count: int = 12) -> dict[str, str]:
    """Paper files with every field in use somewhere: dates (some inferred, one missing), derived
    titles, authors or an organisation, upvotes, links, sources, pinned and adjusted topics."""
    import json

    files = {}
    for n in range(count):
        words = [SAMPLE_WORDS[(n * 3 + k) % len(SAMPLE_WORDS)] for k in range(4)]
        lines = [f"title: {json.dumps(f'Study {n}: {words[0]} {words[1]}')}"]
        if n % 6 != 5:
            lines.append(f"date: 2025-{1 + n % 9:02d}-{10 + n:02d}")
        lines += ["title_derived: true"] if n % 5 == 2 else []
        lines += ["date_inferred: true"] if n % 4 == 3 else []
        lines += [f"authors_count: {n + 2}"] if n % 2 else [f"organization: Lab {n}"]
        lines += [f"upvotes: {n * 3}"] if n % 3 == 0 else []
        lines += [f"links: [{{url: 'https://github.com/x/s{n}', kind: code}}]"] if n % 3 == 1 else []
        lines += [f"sources: [listing-{n % 2}.txt]"]
        lines += ["topics: [agents]"] if n == 7 else []
        lines += ["topics_add: [benchmarks]"] if n == 8 else []
        abstract = f"We study {' and '.join(words)} in {words[2]} images with a {words[3]} model."
        files[f"content/papers/study-{n}.md"] = "---\n" + "\n".join(lines) + "\n---\n" + abstract + "\n"
    return files


SAMPLE_SITE_YAML = """\
title: Sample Review
description: A review of every kind of paper.
base_url: https://example.org/review/
author: Tests
recent_count: 4
related_count: 3
paths:
  templates: my-templates
"""


@pytest.fixture
def sample_project(make_project: Callable[..., Path]) -> Path:
    """A project of `sample_papers()`, its topics, a templates folder (with a second paper
    template, wide.html), every file's mtime long past (settled)."""
    import yaml

    wide = '{% extends "default/paper.html" %}{% block title %}Wide: {{ paper.title }}{% endblock %}\n'
    files = {
        "content/topics.yaml": yaml.safe_dump(SAMPLE_TOPICS, sort_keys=False),
        "my-templates/wide.html": wide,
        **sample_papers(),
    }
    root = make_project(files, site_yaml=SAMPLE_SITE_YAML)
    settle(root)
    return root


SETTLED = 1_600_000_000 * 10**9  # an mtime long past: a rebuild trusts the files' stat


def settle(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(SETTLED, SETTLED))


def file_tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def bind_unix_socket(folder: Path, name: str) -> None:
    """A socket file `name` in `folder`, bound from inside it: a socket's address holds at most
    ~107 bytes, which a whole path under a long temporary folder (a CI runner's) passes."""
    here = os.getcwd()
    os.chdir(folder)
    try:
        with socket.socket(socket.AF_UNIX) as unix:
            unix.bind(name)
    finally:
        os.chdir(here)
