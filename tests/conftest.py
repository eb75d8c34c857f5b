"""Shared fixtures: temporary projects from a dict of files, the CLI, and headless Chromium."""

from __future__ import annotations

import os
import shutil
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


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the session; tests open their own contexts."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/test.sh, which installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def committed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build of the committed content/, shared by the read-only site tests."""
    out = tmp_path_factory.mktemp("site") / "public"
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        code = sitegen_main(["build", "--out", str(out)])
    finally:
        os.chdir(cwd)
    assert code == 0, "building the committed content failed"
    return out


def node_tool(*parts: str) -> Path:
    path = REPO.joinpath("node_modules", *parts)
    if not path.exists():
        pytest.fail(f"{path} is missing: run scripts/test.sh, which runs `npm ci`")
    return path


def copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target
