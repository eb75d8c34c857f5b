"""Compiled templates are kept in this process's memory and in the cache folder: a build does
not compile a template either holds as it is, and never uses one compiled from another source."""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2
import pytest

from sitegen.engine import compiled
from tests.test_publish import build, make_project

OWN_HOME = '{% extends "default/home.html" %}{% block title %}MARK-{{ site.title }}{% endblock %}\n'


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from their source, in order."""
    names: list[str] = []
    compile_source = jinja2.Environment.compile

    def counted(self, source, name=None, filename=None, raw=False, defer_init=False):
        names.append(name)
        return compile_source(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return names


def own_templates(root: Path, home: str) -> None:
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates/home.html").write_text(home, encoding="utf-8")
    site = root / "site.yaml"
    text = site.read_text(encoding="utf-8")
    if "paths:" not in text:
        site.write_text(text + "paths:\n  templates: templates\n", encoding="utf-8")


def test_a_build_compiles_nothing_the_cache_folder_or_this_process_holds(tmp_path, compiles):
    root = tmp_path / "project"
    make_project(root)
    compiled.IN_MEMORY.clear()  # as a new process
    build(root)
    assert "paper.html" in compiles, "compiled once"
    compiled.IN_MEMORY.clear()  # as the next `sitegen build`
    compiles.clear()
    build(root, "other")
    assert compiles == [], "taken from the cache folder"
    shutil.rmtree(root / ".sitegen-cache")  # a first build again, in this process
    build(root, "third")
    assert compiles == [], "taken from this process's memory"


def test_a_template_changed_is_compiled_again_and_shown(tmp_path, compiles):
    root = tmp_path / "project"
    make_project(root)
    own_templates(root, OWN_HOME)
    build(root)
    assert "MARK-Atomic Review" in (root / "public/index.html").read_text(encoding="utf-8")
    compiles.clear()
    own_templates(root, OWN_HOME.replace("MARK-", "CHANGED-"))
    build(root)
    assert compiles == ["home.html"], "the changed template only"
    home = (root / "public/index.html").read_text(encoding="utf-8")
    assert "CHANGED-Atomic Review" in home and "MARK-" not in home


def test_a_torn_compiled_file_on_disk_is_compiled_again(tmp_path, compiles):
    root = tmp_path / "project"
    make_project(root)
    build(root, "first")
    for path in (root / ".sitegen-cache/templates").iterdir():
        path.write_bytes(path.read_bytes()[:20])  # as a build killed while writing it leaves it
    compiled.IN_MEMORY.clear()  # as a new process: only the disk holds them
    compiles.clear()
    build(root, "second")
    assert "paper.html" in compiles
    assert (root / "second/index.html").read_bytes() == (root / "first/index.html").read_bytes()
