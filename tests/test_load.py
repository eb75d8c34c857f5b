"""Reading content: every bad file reported with its line and key; the site config validated once."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.config import load_config
from sitegen.engine.reading import read_stored_library
from sitegen.engine.store import STATE_FILE, BuildState, PackedStore, load_store
from sitegen.errors import SitegenError
from sitegen.load import load_papers
from sitegen.paperfile import dump_paper, parse_paper
from tests.conftest import REPO

GOOD = """\
---
title: "EndoGen: Conditional Endoscopic Video Generation"
date: 2025-07-01
upvotes: 3
links:
- url: https://github.com/CUHK-AIM-Group/EndoGen
  kind: code
sources:
- listing.txt
---
We propose EndoGen, the first conditional endoscopic video generation framework.
"""
TOPICS = "- id: video\n  title: Video\n  description: Papers on video.\n"


def test_a_paper_file_round_trips_byte_for_byte() -> None:
    paper = parse_paper(GOOD, "content/papers/endogen.md", "endogen")
    assert paper.title == "EndoGen: Conditional Endoscopic Video Generation"
    assert paper.links[0].kind == "code"
    assert parse_paper(dump_paper(paper), paper.path, paper.slug) == paper
    assert dump_paper(parse_paper(dump_paper(paper), paper.path, paper.slug)) == dump_paper(paper)


def test_every_bad_file_is_reported_with_file_line_and_key(make_project) -> None:
    root = make_project(
        {
            "content/papers/good.md": GOOD,
            "content/papers/bad-date.md": GOOD.replace("date: 2025-07-01", "date: last spring"),
            "content/papers/bad-yaml.md": GOOD.replace("upvotes: 3", "upvotes: [3"),
            "content/papers/unknown-key.md": GOOD.replace("upvotes: 3", "upvote: 3"),
        }
    )
    with pytest.raises(SitegenError) as info:
        load_papers(load_config(root / "site.yaml"))
    message = str(info.value)
    assert "3 paper file(s) have errors" in message
    assert "content/papers/bad-date.md:3: `date`: expected a date" in message
    assert "content/papers/bad-yaml.md:" in message and "not valid YAML" in message
    assert "content/papers/unknown-key.md:4: `upvote`: is not a paper field" in message
    assert "good.md" not in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no front matter\n", "does not start with front matter"),
        ("---\ntitle: x\n", "front matter is not closed"),
        ("---\ndate: 2024-01-01\n---\nbody\n", "`title`: is missing"),
        ("---\ntitle: x\nauthors_count: many\n---\n", "`authors_count`: expected a whole number"),
        (
            "---\ntitle: x\nlinks:\n- url: https://a.b\n  kind: video\n---\n",
            "`links`: expected a list of links",
        ),
    ],
)
def test_front_matter_problems_say_what_to_do(text: str, expected: str) -> None:
    with pytest.raises(SitegenError) as info:
        parse_paper(text, "content/papers/x.md", "x")
    assert expected in str(info.value)
    assert "content/papers/x.md" in str(info.value)


@pytest.mark.parametrize("title", ["[EndoGen, video]", "{name: EndoGen}", "~", "''", "\n  - a", "\n  a: b"])
def test_a_title_of_the_wrong_kind_is_one_problem(title: str) -> None:
    """A title given as a list was two problems on one line: `expected text`, then `is missing`."""
    with pytest.raises(SitegenError) as info:
        parse_paper(f"---\ntitle: {title}\nupvotes: 3\n---\nAbstract.\n", "content/papers/x.md", "x")
    [problem] = [p for p in info.value.problems if p.key == "title"]
    assert problem.line == 2 and str(info.value).startswith("content/papers/x.md:2: `title`: "), problem


def test_a_file_name_that_is_not_a_slug_is_an_error(make_project) -> None:
    root = make_project({"content/papers/My Paper.md": GOOD})
    with pytest.raises(SitegenError, match="not a valid slug"):
        load_papers(load_config(root / "site.yaml"))


def stored_papers(loaded, store, stamps=None):
    """The papers as a build reads them, with what the last build stored."""
    stamps = stamps if stamps is not None else {}
    return read_stored_library(loaded, None, store, stamps, PackedStore()).papers


def test_unchanged_files_come_from_the_parsed_cache(make_project, tmp_path: Path) -> None:
    root = make_project({"content/papers/endogen.md": GOOD, "content/topics.yaml": TOPICS})
    loaded = load_config(root / "site.yaml")
    cache_file = tmp_path / "cache.pickle"
    first = PackedStore()
    (paper,) = stored_papers(loaded, first)
    first.prune()  # as a build does before saving its state
    first.save(cache_file)
    second = load_store(cache_file)
    assert stored_papers(loaded, second)[0] is not paper  # unpickled copy...
    assert stored_papers(loaded, second)[0] == paper  # ...equal to the parsed one
    assert not second.changed, "an unchanged file must not be parsed again"
    (root / "content/papers/endogen.md").write_text(GOOD.replace("upvotes: 3", "upvotes: 4"))
    assert stored_papers(loaded, second)[0].upvotes == 4


def test_a_corrupt_cache_is_ignored(make_project, tmp_path: Path) -> None:
    root = make_project({"content/papers/endogen.md": GOOD, "content/topics.yaml": TOPICS})
    (tmp_path / STATE_FILE).write_bytes(b"not a pickle")
    state = BuildState.load(tmp_path)
    assert stored_papers(load_config(root / "site.yaml"), state.papers)[0].upvotes == 3


def test_config_errors_name_the_key_and_line(make_project) -> None:
    root = make_project(site_yaml="title: T\ndescription: D\nauthor: A\nbase_url: example.org\n")
    with pytest.raises(SitegenError) as info:
        load_config(root / "site.yaml")
    assert "site.yaml:4: `base_url`: must be an absolute http(s) address" in str(info.value)


def test_config_missing_keys_are_all_listed(make_project) -> None:
    root = make_project(site_yaml="title: T\n")
    with pytest.raises(SitegenError) as info:
        load_config(root / "site.yaml")
    for key in ("description", "base_url", "author"):
        assert f"`{key}`: is missing" in str(info.value)


def test_unknown_config_keys_are_warnings_not_errors(make_project) -> None:
    root = make_project(
        site_yaml="title: T\ndescription: D\nauthor: A\nbase_url: https://x.org\ntheme: dark\n"
        "paths:\n  output: out\n  assets: a\n"
    )
    loaded = load_config(root / "site.yaml")
    assert loaded.config.base_url == "https://x.org/"
    assert loaded.config.output_dir == "out"
    warned = [str(w) for w in loaded.warnings]
    assert any("`theme`: is not a known setting" in w and ":5:" in w for w in warned)
    assert any("`paths.assets`" in w for w in warned)


# Each setting's values: those the pages can use, then those they cannot.
SETTINGS = {
    "base_url": (
        ["https://review.test/", "http://localhost:8000/review/"],
        ["https://x y.org/", '"https://x.org/?a=1"', '"https://x.org/review/#top"', "ftp://x.org/"],
    ),
    "language": (["en", "en-GB", "zh-Hant"], ["not a language", "5", "english!"]),
}
SETTING_CASES = [
    (key, value, valid)
    for key, (good, bad) in SETTINGS.items()
    for valid, values in ((True, good), (False, bad))
    for value in values
]


@pytest.mark.parametrize(("key", "value", "valid"), SETTING_CASES)
def test_base_url_and_language_are_what_the_pages_can_use(make_project, run_cli, key, value, valid):
    """A base_url the sitemap appends paths to, a language `<html lang>` holds: anything else is
    an error on its line (it was published as written: `https://x y.org/index.html`, `lang="5"`)."""
    values = {"title": "T", "description": "D", "author": "A", "base_url": "https://review.test/", key: value}
    paper = {"content/papers/a.md": "---\ntitle: A paper\n---\nAn abstract.\n"}
    paper["content/topics.yaml"] = (REPO / "content" / "topics.yaml").read_text(encoding="utf-8")
    root = make_project(paper, site_yaml="".join(f"{k}: {v}\n" for k, v in values.items()))
    code, _, err = run_cli(root, "build")
    line = list(values).index(key) + 1
    assert (code == 0) == valid, err
    if not valid:
        assert err.startswith(f"error: site.yaml:{line}: `{key}`: must be"), err
