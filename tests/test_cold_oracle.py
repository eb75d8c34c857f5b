"""After any change to any input, a rebuild gives exactly what a build from nothing gives.

The changes are generated, not listed: every field of the front-matter schema (with the built-in
templates, and with templates that show every field on the listings' cards), every template and
static file, every site.yaml key, and every part of every topic's rules. Each is applied to a
site built once already, rebuilt incrementally, and compared byte for byte with a cold build.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitegen import config, schema
from sitegen.build import BuildReport, build_site
from sitegen.config import load_config
from sitegen.model import Link, Paper, PaperDate
from sitegen.paperfile import dump_paper, parse_paper
from sitegen.render import default_templates
from tests.conftest import SAMPLE_TOPICS, file_tree
from tests.test_plan import as_editor, every_field_on_cards


def build(root: Path, out: str = "public", **options: Any) -> BuildReport:
    return build_site(load_config(root / "site.yaml"), root / out, **options)


def assert_same_as_cold_build(root: Path, what: str) -> None:
    build(root)
    build(root, "cold", use_cache=False)
    incremental, cold = file_tree(root / "public"), file_tree(root / "cold")
    assert incremental.keys() == cold.keys(), what
    assert [name for name in incremental if incremental[name] != cold[name]] == [], what
    shutil.rmtree(root / "cold")


# --- every field of the schema -----------------------------------------------------------------


def changed_value(field: schema.Field, paper: Paper) -> Any:
    """Another valid value for `field` (generated from its type, not listed by name)."""
    value = getattr(paper, field.name)
    kind = field.type
    if field.name == "template":
        return None if value else "wide.html"  # the sample's other paper template
    topic_ids = {"topics": "benchmarks", "topics_add": "agents", "topics_remove": "segmentation"}
    if field.name in topic_ids:  # each another topic, so the three never contradict each other
        return (topic_ids[field.name],) if value != (topic_ids[field.name],) else ()
    if kind is schema.TEXT:
        return f"{value or 'Some'} (edited)"
    if kind is schema.FLAG:
        return not value
    if kind is schema.COUNT:
        return (value or 0) + 7
    if kind is schema.DATE:
        return PaperDate.of((value.first_day() if value else dt.date(2024, 1, 1)) + dt.timedelta(days=400))
    if kind in (schema.NAMES, schema.PINNED):
        return (*(value or ()), "another-listing.txt")
    if kind is schema.LINKS:
        return (*value, Link("https://example.org/data", "data"))
    if kind is schema.MAPPING:
        return {**value, "reviewed_by": "ana"}
    if kind.samples:  # the type's own valid values: the first the paper has not
        return next(sample for sample in kind.samples if sample != value)
    raise AssertionError(f"no change generated for the type of {field.name}")


def edit_paper(root: Path, slug: str, name: str, value: Any) -> None:
    path = root / "content/papers" / f"{slug}.md"
    paper = parse_paper(path.read_text(encoding="utf-8"), str(path), slug)
    path.write_text(dump_paper(dataclasses.replace(paper, **{name: value})), encoding="utf-8")


def field_edits() -> Iterator[tuple[str, Callable[[Paper], Any]]]:
    for field in schema.FIELDS:
        yield field.name, lambda paper, field=field: changed_value(field, paper)
    yield schema.BODY, lambda paper: paper.abstract + " It also segments the liver."


@pytest.mark.parametrize("cards", ["built-in", "every field", "editor's view"])
def test_an_edit_of_any_field_rebuilds_as_from_nothing(sample_project, cards):
    """Also with a listing that shows every field on its cards: the edit must reach the lists
    (showing upvotes on cards, then editing upvotes, once left 9 pages stale); and in the
    editor's view, which shows the importer's notes too."""
    if cards == "editor's view":
        as_editor(sample_project)
    if cards == "every field":
        (sample_project / "my-templates/_macros.html").write_text(every_field_on_cards(), encoding="utf-8")
    build(sample_project)
    for name, new_value in field_edits():
        for slug in ("study-0", "study-5"):  # a paper with most fields set, and an undated one
            path = sample_project / f"content/papers/{slug}.md"
            paper = parse_paper(path.read_text(encoding="utf-8"), str(path), slug)
            edit_paper(sample_project, slug, name, new_value(paper))
            assert_same_as_cold_build(sample_project, f"{name} of {slug}")


@pytest.mark.parametrize("cards", ["built-in", "every field", "editor's view"])
def test_cards_rendered_once_a_build_are_the_cards_rendered_each_time(sample_project, monkeypatch, cards):
    """The built-in lists render each card once a build for each way they show it (related
    papers, All papers, a topic's list: render.card_once): the site is byte for byte the one
    that renders every card every time it is shown, and some cards were shown more than once."""
    import sitegen.render

    if cards == "editor's view":
        as_editor(sample_project)
    if cards == "every field":
        (sample_project / "my-templates/_macros.html").write_text(every_field_on_cards(), encoding="utf-8")
    build(sample_project, "once", use_cache=False)
    shown = []

    def every_time(card: Any, macro: Callable[..., Any], *options: Any) -> Any:
        shown.append((card.slug, options))
        return macro(card, *options)

    monkeypatch.setattr(sitegen.render, "card_once", every_time)
    build(sample_project, "every time", use_cache=False)
    assert file_tree(sample_project / "once") == file_tree(sample_project / "every time")
    assert len(shown) > len(set(shown)), "no card was shown twice the same way: nothing to check"


# --- every template and static file ------------------------------------------------------------


def changed_template(text: str) -> str:
    """The template with a visible change in what it renders."""
    for anchor, before in (("</footer>", True), ("{% block main %}", False), ("<li>", False)):
        if anchor in text:
            at = text.index(anchor) + (0 if before else len(anchor))
            return text[:at] + "<span>edited</span>" + text[at:]
    raise AssertionError("no place for a change in this template")


def templates() -> list[str]:
    folder = default_templates()
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.html"))


def static_files() -> list[str]:
    folder = default_templates() / "static"
    return sorted(p.name for p in folder.iterdir() if p.is_file())


EDITORS_ONLY = {"attention.html"}  # templates only the editor's view renders


@pytest.mark.parametrize("mode", ["reader", "editor"])
def test_a_change_to_any_template_or_static_file_rebuilds_as_from_nothing(sample_project, mode):
    if mode == "editor":
        as_editor(sample_project)
    build(sample_project)
    mine = sample_project / "my-templates"
    for name in templates():
        before = file_tree(sample_project / "public")
        (mine / name).write_text(changed_template((default_templates() / name).read_text()), encoding="utf-8")
        assert_same_as_cold_build(sample_project, f"{name} changed")
        if mode == "editor" or name not in EDITORS_ONLY:
            assert file_tree(sample_project / "public") != before, f"the change to {name} shows"
        (mine / name).unlink()
        assert_same_as_cold_build(sample_project, f"{name} changed back")
    if mode == "editor":
        return  # the static files are the same in both modes
    (mine / "static").mkdir()
    for name in static_files():
        data = (default_templates() / "static" / name).read_bytes()
        (mine / "static" / name).write_bytes(data + b"\n/* edited */\n")
        assert_same_as_cold_build(sample_project, f"static/{name} changed")
        (mine / "static" / name).unlink()
        assert_same_as_cold_build(sample_project, f"static/{name} changed back")


# --- every site.yaml key -----------------------------------------------------------------------


def changed_setting(key: str, value: Any) -> Any:
    if isinstance(value, bool):  # a switch, such as `editor`
        return not value
    if isinstance(value, int):
        return value + 2
    if key == "base_url":
        return "https://example.com/elsewhere/"
    if key == "language":
        return "fr"
    return f"{value} (edited)"


def test_a_change_to_any_site_yaml_key_rebuilds_as_from_nothing(sample_project):
    build(sample_project)
    settings = sample_project / "site.yaml"
    for key, (attribute, _) in config.KEYS.items():
        data = yaml.safe_load(settings.read_text(encoding="utf-8"))
        current = getattr(load_config(settings).config, attribute)
        data[key] = changed_setting(key, current)
        settings.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        assert_same_as_cold_build(sample_project, f"site.yaml {key}")


# --- every part of the topics' rules -----------------------------------------------------------


def topic_changes() -> Iterator[tuple[str, Callable[[list[dict[str, Any]]], None]]]:
    """Each change to topics.yaml: every topic key and every rules key, in turn."""
    for number, topic in enumerate(SAMPLE_TOPICS):
        for key in ("title", "description"):
            yield (
                f"{topic['id']} {key}",
                lambda topics, n=number, k=key: topics[n].update({k: topics[n][k] + " x"}),
            )
        for key in ("title", "abstract"):
            yield (
                f"{topic['id']} rules {key}",
                lambda topics, n=number, k=key: topics[n]["rules"].update({k: {"liver|report": 3}}),
            )
        yield f"{topic['id']} threshold", lambda topics, n=number: topics[n]["rules"].update({"threshold": 3})
        yield f"{topic['id']} repeat", lambda topics, n=number: topics[n]["rules"].update({"repeat": 3})
        yield (
            f"{topic['id']} veto",
            lambda topics, n=number: topics[n]["rules"].update({"veto": ["colonoscopy"]}),
        )
    yield (
        "a new topic",
        lambda topics: topics.append(
            {
                "id": "imaging",
                "title": "Imaging",
                "description": "Images.",
                "rules": {"abstract": {"images": 1}},
            }
        ),
    )
    yield "a topic removed", lambda topics: topics.pop(0)  # segmentation: no paper pins it


def test_a_change_to_any_topic_or_rule_rebuilds_as_from_nothing(sample_project):
    build(sample_project)
    path = sample_project / "content/topics.yaml"
    for what, change in topic_changes():
        topics = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(topics)
        path.write_text(yaml.safe_dump(topics, sort_keys=False), encoding="utf-8")
        assert_same_as_cold_build(sample_project, f"topics.yaml: {what}")
        path.write_text(yaml.safe_dump(SAMPLE_TOPICS, sort_keys=False), encoding="utf-8")
        assert_same_as_cold_build(sample_project, f"topics.yaml: {what}, undone")
