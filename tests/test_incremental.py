"""Incremental builds: after any edit, a rebuild gives exactly the site a build from nothing gives,
and re-renders only the pages the edit can change."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import shutil
import subprocess
import sys
import time
from array import array
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest

import sitegen.build
import sitegen.outputs
import sitegen.plan
from sitegen.build import BuildReport, Tuning, build_site
from sitegen.config import load_config
from sitegen.derive import LISTED, derive
from sitegen.engine import derived, making
from sitegen.engine.relisted import Listings, listings_from_nothing, relisted
from sitegen.errors import SitegenError
from sitegen.model import Paper, PaperDate, Papers, Topic
from sitegen.plan import Plan
from sitegen.render import default_templates

TOPICS_YAML = """\
- id: segmentation
  title: Segmentation
  description: Outlining organs and lesions.
  rules:
    title: {'segment': 1}
    abstract: {'segment': 1}
- id: agents
  title: Agents
  description: Agents that use tools.
  rules:
    title: {'agent': 1}
    abstract: {'agent': 1}
"""
SITE_YAML = """\
title: Incremental Review
description: A review that is rebuilt often.
base_url: https://example.org/review/
author: Tests
related_count: 3
paths:
  templates: my-templates
"""
WORDS = ("polyp", "colonoscopy", "liver", "tumour", "agent", "planning", "radiology", "report", "segment")
BIG = Tuning(parallel_from=1)  # every path a big library takes: forked processes, two renderers
OLD = 1_600_000_000  # an mtime long past: the files have settled, so a rebuild trusts their stat


def paper_md(title: str, abstract: str, date: str) -> str:
    return f"---\ntitle: {json.dumps(title)}\ndate: {date}\n---\n{abstract}\n"


def paper_files(count: int) -> dict[str, str]:
    files = {}
    for n in range(count):
        words = [WORDS[(n + k) % len(WORDS)] for k in range(4)]
        title = f"Study {n}: {words[0]} {words[1]}"
        abstract = f"We study {' and '.join(words)} in {words[2]} images with a {words[3]} model."
        files[f"content/papers/study-{n}.md"] = paper_md(title, abstract, f"2025-0{1 + n % 9}-1{n % 10}")
    return files


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    root = make_project(
        {"content/topics.yaml": TOPICS_YAML, "my-templates/.keep": "", **paper_files(40)},
        site_yaml=SITE_YAML,
    )
    settle(root)
    return root


def settle(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(OLD * 10**9, OLD * 10**9))


def build(root: Path, out: str = "public", **options: object) -> BuildReport:
    return build_site(load_config(root / "site.yaml"), root / out, **options)  # type: ignore[arg-type]


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_same_as_cold_build(root: Path) -> None:
    cold = build(root, "cold", use_cache=False)
    assert cold.pages_reused == 0
    incremental, scratch = tree(root / "public"), tree(root / "cold")
    assert incremental.keys() == scratch.keys()
    assert [name for name in incremental if incremental[name] != scratch[name]] == []
    shutil.rmtree(root / "cold")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_rebuild_with_nothing_changed_renders_and_writes_nothing(project):
    first = build(project)
    data_files = {"feed.xml", "sitemap.xml", "papers.bib", "papers.json", "papers.ris", "papers.csl.json",
                  "assets/papers-data.js"}  # fmt: skip
    topic_bibs = list((project / "public/topics").glob("*.bib"))
    assert first.pages_rendered == first.pages + len(data_files) + len(topic_bibs) and first.pages_reused == 0
    again = build(project)
    assert again.pages_rendered == 0 and again.files_written == 0
    assert again.pages_reused == first.pages_rendered
    assert "nothing changed since the last build" in again.summary()
    assert_same_as_cold_build(project)


def test_a_build_that_finds_nothing_changed_imports_none_of_the_stages(project):
    """`sitegen build` tells that nothing changed before it imports the stages' modules (Jinja2
    and Markdown among what they bring in: ~80 ms of the ~0.35 s such a build takes at 10,000
    papers); an import moved to the top of build.py or engine/session.py would undo it unseen."""
    build(project)
    probe = "import sys; from sitegen.cli import main; main(['build']); print(' '.join(sorted(sys.modules)))"
    here = {**os.environ, "PYTHONPATH": str(Path(sitegen.build.__file__).parents[1])}  # this sitegen
    command = [sys.executable, "-c", probe]
    done = subprocess.run(command, cwd=project, env=here, capture_output=True, text=True)
    assert done.returncode == 0 and "nothing changed since the last build" in done.stdout, done.stderr
    imported = set(done.stdout.splitlines()[-1].split())
    stages = {
        "jinja2", "markdown_it", "sitegen.render", "sitegen.plan", "sitegen.views", "sitegen.engine.derived",
        "sitegen.engine.making", "sitegen.search", "sitegen.related",
    }  # fmt: skip
    assert "sitegen.engine.session" in imported and imported.isdisjoint(stages)


def test_a_build_right_after_an_edit_build_finds_nothing_changed_by_the_edited_files_bytes(project):
    """The file an edit build read was too fresh to trust by its stamp (an edit in the same
    timestamp tick would not show); the next build reads it again, and finds nothing changed
    when its bytes are as the edit build read them."""
    build(project)
    edit(project / "content/papers/study-5.md", "Study 5:", "Edited study five:")  # mtime: now
    assert not build(project).nothing_changed
    again = build(project)
    assert again.nothing_changed and again.files_written == 0
    assert_same_as_cold_build(project)


def test_a_fresh_file_changed_within_its_timestamp_is_read_again(project):
    """A fresh file rewritten with the same size and mtime after a build read it (as an edit in
    the same timestamp tick leaves it) is not taken as unchanged."""
    paper = project / "content/papers/study-5.md"
    build(project)
    edit(paper, "Study 5:", "Study V:")
    build(project)
    stamp = paper.stat()
    edit(paper, "Study V:", "Study X:")  # the same size
    os.utime(paper, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    again = build(project)
    assert not again.nothing_changed
    assert "Study X:" in (project / "public/papers/study-5.html").read_text(encoding="utf-8")
    assert_same_as_cold_build(project)


@pytest.mark.parametrize("content", ["same", "same size", "longer"])
@pytest.mark.parametrize("mtime", ["settled", "fresh"])
@pytest.mark.parametrize("files", [1, 40])
def test_paper_files_touched_but_not_changed_are_nothing_changed(project, files, mtime, content):
    """A paper file saved as it was, or checked out again, has a new mtime and the same bytes: the
    rebuild finds nothing changed (and so does the one after it, by the new stamps); a file whose
    bytes changed too, even keeping its size, is built."""
    build(project)
    papers = sorted((project / "content/papers").glob("*.md"))[:files]
    when = time.time_ns() if mtime == "fresh" else (OLD + 3600) * 10**9
    for path in papers:
        os.utime(path, ns=(when, when))
    if content != "same":
        edit(papers[0], "Study 0:", "Study O:" if content == "same size" else "Study 0, longer:")
        os.utime(papers[0], ns=(when, when))
    report = build(project)
    assert report.nothing_changed == (content == "same")
    again = build(project)
    assert again.nothing_changed and again.files_written == 0
    assert_same_as_cold_build(project)


def test_a_title_edit_rerenders_that_paper_and_the_pages_listing_it_not_unrelated_papers(project):
    build(project)
    site = project / "public"
    before = {path: path.stat().st_mtime_ns for path in (site / "papers").iterdir()}
    edit(project / "content/papers/study-5.md", "Study 5:", "Edited study five:")
    report = build(project)
    assert "Edited study five" in (site / "papers/study-5.html").read_text(encoding="utf-8")
    assert "Edited study five" in (site / "papers/index.html").read_text(encoding="utf-8")
    changed = {path.name for path, mtime in before.items() if path.stat().st_mtime_ns != mtime}
    records = json.loads((site / "papers.json").read_text(encoding="utf-8"))
    listing_it = {f"{r['slug']}.html" for r in records if "study-5" in r["related"]}
    assert changed == {"study-5.html", "index.html", *listing_it}  # index.html: the all-papers list
    assert report.pages_rendered < report.pages // 2
    assert_same_as_cold_build(project)


def test_an_abstract_edit_makes_neither_the_sitemap_nor_a_feed_without_the_paper_again(project, monkeypatch):
    import sitegen.outputs

    monkeypatch.setattr(sitegen.outputs, "FEED_SIZE", 5)
    made: list[str] = []
    for name in ("atom_feed", "sitemap", "bibtex_entry", "record_json"):
        real = getattr(sitegen.outputs, name)
        counted = lambda *a, _real=real, _name=name: made.append(_name) or _real(*a)  # noqa: E731
        monkeypatch.setattr(sitegen.outputs, name, counted)
    build(project)
    oldest = json.loads((project / "public/papers.json").read_text(encoding="utf-8"))[-1]["slug"]
    made.clear()
    edit(project / f"content/papers/{oldest}.md", "We study", "We carefully study")
    build(project)
    assert "atom_feed" not in made and "sitemap" not in made
    # its entry alone, made once for its page, papers.bib and its topics' .bib (no other paper's)
    assert made.count("bibtex_entry") == 1
    assert made.count("record_json") >= 1
    assert_same_as_cold_build(project)


SITEMAPS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_addresses(site: Path) -> list[str]:
    """Every address the sitemap lists, through its index and parts when it is cut into parts;
    every part within `most` addresses and named by the index, every file well-formed XML."""
    import xml.etree.ElementTree as ET

    top = ET.fromstring((site / "sitemap.xml").read_bytes())
    if top.tag == f"{SITEMAPS}urlset":
        return [loc.text or "" for loc in top.iter(f"{SITEMAPS}loc")]
    assert top.tag == f"{SITEMAPS}sitemapindex"
    parts = [loc.text or "" for loc in top.iter(f"{SITEMAPS}loc")]
    base = "https://example.org/review/"
    assert parts == [f"{base}sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    assert sorted(p.name for p in site.glob("sitemap-*.xml")) == sorted(p.removeprefix(base) for p in parts)
    found = []
    for part in parts:
        urlset = ET.fromstring((site / part.removeprefix(base)).read_bytes())
        assert urlset.tag == f"{SITEMAPS}urlset"
        found += [loc.text or "" for loc in urlset.iter(f"{SITEMAPS}loc")]
    return found


@pytest.mark.parametrize("most", [sitegen.outputs.SITEMAP_URLS, 9])
def test_the_sitemap_and_its_parts_follow_the_pages_not_the_papers_dates(project, monkeypatch, most):
    """A sitemap lists at most `most` addresses a file (50,000 by the sitemaps.org protocol); a
    longer one is cut into parts that a sitemap index lists. A date edit moves a paper in the
    lists but leaves the sitemap alone; a paper added or deleted changes it. Every build: what a
    build from nothing gives."""
    monkeypatch.setattr(sitegen.plan, "site_plan", partial(sitegen.plan.site_plan, sitemap_urls=most))
    made: list[str] = []
    for name in ("sitemap", "sitemap_index"):
        real = getattr(sitegen.outputs, name)
        counted = lambda *a, _real=real, _name=name: made.append(_name) or _real(*a)  # noqa: E731
        monkeypatch.setattr(sitegen.outputs, name, counted)
    site, papers = project / "public", project / "content/papers"

    def assert_every_page_listed() -> None:
        pages = {str(p.relative_to(site)) for p in site.rglob("*.html") if p.name != "404.html"}
        pages -= {"search.html", "attention.html"}
        listed = sitemap_addresses(site)
        assert sorted(listed) == sorted(f"https://example.org/review/{page}" for page in pages)
        assert len(list(site.glob("sitemap-*.xml"))) == (0 if most > len(listed) else -(-len(listed) // most))

    build(project)
    assert_every_page_listed()
    made.clear()
    edit(papers / "study-3.md", "date: 2025-04-13", "date: 2019-11-30")
    build(project)
    assert made == []
    assert_same_as_cold_build(project)
    for n in range(40, 52):  # enough for another part, and another page of the lists
        added = paper_md(f"Study {n}", "We segment.", "2024-02-02")
        (papers / f"study-{n}.md").write_text(added, encoding="utf-8")
    build(project)
    assert made
    assert_every_page_listed()
    assert_same_as_cold_build(project)
    for n in range(40, 52):
        (papers / f"study-{n}.md").unlink()
    build(project)
    assert_every_page_listed()
    assert_same_as_cold_build(project)


def test_an_edit_that_keeps_the_size_is_found_by_its_mtime(project):
    build(project)
    edit(project / "content/papers/study-3.md", "Study 3:", "Study X:")
    build(project)
    assert "Study X:" in (project / "public/papers/study-3.html").read_text(encoding="utf-8")
    assert_same_as_cold_build(project)


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("content/topics.yaml", "{'agent': 1}", "{'agent': 1, 'planning': 1}"),
        ("site.yaml", "related_count: 3", "related_count: 2"),
        ("site.yaml", "title: Incremental Review", "title: Renamed Review"),
        ("content/papers/study-7.md", "date: 2025-08-17", "date: 2024-12-31"),
    ],
)
def test_rules_config_and_date_edits_rebuild_exactly_as_from_nothing(project, name, old, new):
    build(project)
    edit(project / name, old, new)
    build(project)
    assert_same_as_cold_build(project)


def test_a_template_edit_rerenders_every_page_using_it(project):
    build(project)
    default = (Path(__file__).parent.parent / "templates" / "base.html").read_text(encoding="utf-8")
    assert "</body>" in default
    (project / "my-templates/base.html").write_text(
        default.replace("</body>", "<p>Local footer</p></body>"), encoding="utf-8"
    )
    report = build(project)
    topic_bibs = list((project / "public/topics").glob("*.bib"))
    assert report.pages_reused <= 7 + len(topic_bibs)  # the data files do not use templates
    assert "Local footer" in (project / "public/papers/study-1.html").read_text(encoding="utf-8")
    assert_same_as_cold_build(project)


def test_deleting_and_adding_papers_rebuilds_exactly_as_from_nothing(project):
    build(project)
    (project / "content/papers/study-4.md").unlink()
    build(project)
    assert not (project / "public/papers/study-4.html").exists()
    assert_same_as_cold_build(project)
    new = project / "content/papers/liver-agent.md"
    new.write_text(paper_md("Liver agent", "An agent plans liver segment masks.", "2026-01-01"), "utf-8")
    build(project)
    assert (project / "public/papers/liver-agent.html").is_file()
    assert_same_as_cold_build(project)


def test_a_changed_or_removed_output_file_is_rebuilt_and_a_stray_file_removed(project):
    build(project)
    site = project / "public"
    (site / "papers/study-2.html").write_text("tampered", encoding="utf-8")
    (site / "papers/study-3.html").unlink()
    (site / "stray.txt").write_text("not ours", encoding="utf-8")
    build(project)
    assert not (site / "stray.txt").exists()
    assert_same_as_cold_build(project)


def test_the_dev_server_can_keep_the_state_in_memory(project):
    first = build(project, use_cache=False)
    assert first.state is not None
    edit(project / "content/papers/study-8.md", "Study 8:", "Study eight, edited:")
    second = build(project, use_cache=False, state=first.state)
    assert 0 < second.pages_rendered < second.pages // 2
    assert not (project / ".sitegen-cache").exists()
    assert_same_as_cold_build(project)


def test_a_failed_rebuild_leaves_the_output_and_the_next_build_is_still_exact(project):
    build(project)
    (project / "my-templates/paper.html").write_text("{{ no_such_variable }}", encoding="utf-8")
    with pytest.raises(Exception, match="no_such_variable"):
        build(project)
    assert "Study 1" in (project / "public/papers/study-1.html").read_text(encoding="utf-8")
    (project / "my-templates/paper.html").unlink()
    edit(project / "content/papers/study-1.md", "Study 1:", "Study one:")
    build(project)
    assert_same_as_cold_build(project)


def test_a_list_template_error_after_an_edit_leaves_even_the_paper_pages_as_they_were(project):
    build(project)
    before = tree(project / "public")
    edit(project / "content/papers/study-1.md", "Study 1:", "Study one:")
    (project / "my-templates/papers.html").write_text("{{ no_such_variable }}", encoding="utf-8")
    with pytest.raises(Exception, match="no_such_variable"):
        build(project)
    assert tree(project / "public") == before, "the paper page is rendered first, yet not put in place"
    (project / "my-templates/papers.html").unlink()
    build(project)
    assert_same_as_cold_build(project)


def test_a_deleted_cache_folder_only_costs_time(project):
    build(project)
    shutil.rmtree(project / ".sitegen-cache")
    report = build(project)
    assert report.files_written == 0  # same bytes: the old files are kept
    assert_same_as_cold_build(project)


def test_an_edit_appends_to_the_cache_and_a_torn_cache_only_costs_time(project):
    build(project)
    papers = project / ".sitegen-cache" / "papers.pickle"
    before = papers.read_bytes()
    edit(project / "content/papers/study-4.md", "Study 4:", "Study four:")
    build(project)
    after = papers.read_bytes()
    assert after.startswith(before) and len(after) > len(before), "the edit is appended, not rewritten"
    papers.write_bytes(after[:-7])  # as if the machine stopped mid-write
    edit(project / "content/papers/study-5.md", "Study 5:", "Study five:")
    build(project)
    assert_same_as_cold_build(project)
    assert not papers.read_bytes().startswith(after[:-7]), "a torn journal is rewritten whole"


def test_a_build_split_over_two_processes_gives_the_same_site(project):
    build(project, "serial", use_cache=False)
    build(project, "split", use_cache=False, tuning=BIG)
    assert tree(project / "split") == tree(project / "serial")
    edit(project / "content/papers/study-9.md", "Study 9:", "Study nine:")
    build(project, tuning=BIG)
    assert_same_as_cold_build(project)


def test_related_papers_updated_in_a_forked_process_give_the_same_site(project, monkeypatch):
    """A rebuild in a new process reads the related-papers index from the cache folder: in a big
    library a forked process updates and saves it while the build goes on."""
    import sitegen.engine.derived
    import sitegen.engine.store

    forks = []  # those sent their input, which save what they made after handing it over: the related index
    forked = sitegen.engine.derived.forked

    def spied(job, **options):
        if options.get("then") is not None and options.get("inbox") is not None:
            forks.append(job)
        return forked(job, **options)

    monkeypatch.setattr(sitegen.engine.derived, "forked", spied)
    build(project)
    tuning = Tuning(parallel_from=1, related_save_after=1)  # saved after every edit
    for n, words in enumerate(("liver tumour", "polyp agent", "radiology report planning")):
        sitegen.engine.store._LAST_SAVED.clear()  # as in a new process: the state comes from the files
        edit(project / f"content/papers/study-{n}.md", "We study", f"We study {words} and")
        build(project, tuning=tuning)
        assert_same_as_cold_build(project)
    assert len(forks) == 3
    sitegen.engine.store._LAST_SAVED.clear()
    saved = sitegen.engine.store.BuildState.load(project / ".sitegen-cache").related_index()
    assert saved.texts == build(project, "again", use_cache=False).state.related_index().texts


def test_a_first_build_makes_the_related_index_in_a_forked_process_which_saves_it(project, monkeypatch):
    """With no index yet, a big library's build makes it in a process forked once the library is
    read; that process saves it, and the build never holds it. The next build works from it."""
    import sitegen.engine.derived
    import sitegen.engine.store

    first_builds = []  # forked jobs that save what they made, with no inbox: made from nothing
    forked = sitegen.engine.derived.forked

    def spied(job, **options):
        if options.get("then") is not None and options.get("inbox") is None:
            first_builds.append(job)
        return forked(job, **options)

    monkeypatch.setattr(sitegen.engine.derived, "forked", spied)
    tuning = Tuning(parallel_from=1)
    state = build(project, tuning=tuning).state
    assert len(first_builds) == 1
    assert state.related_index_unread(), "saved by the forked process, and not held by the build"
    made_here = build(project, "again", use_cache=False).state.related_index()
    assert state.related_index().texts == made_here.texts
    assert state.related_index().related == made_here.related
    sitegen.engine.store._LAST_SAVED.clear()  # as in a new process: the state comes from the files
    edit(project / "content/papers/study-2.md", "We study", "We study liver tumour and")
    build(project, tuning=tuning)
    assert len(first_builds) == 1, "the next build updates the saved index"
    assert_same_as_cold_build(project)


def test_a_build_that_reads_every_paper_writes_the_caches_journals_from_its_own_process_only(
    project, monkeypatch, tmp_path
):
    """A big library whose build knows no files (its state lost, or a library grown past the
    size at which the read is shared out, e.g. by an import) reads every paper and saves them to
    the cache's journals. The related index on disk is updated once the library is read, from
    the words counted then: no process forked before the read reads the library again and
    writes the same journals beside the build (its parse saved under the build's own)."""
    import sitegen.engine.store
    from sitegen.engine.store import STATE_DELTA_FILE, STATE_FILE

    tuning = Tuning(parallel_from=2)
    build(project, tuning=tuning)
    edit(project / "content/papers/study-3.md", "We study", "We study liver tumour and")
    settle(project)
    cache = project / ".sitegen-cache"
    for lost in (STATE_FILE, STATE_DELTA_FILE, "last-build.pickle"):
        (cache / lost).unlink(missing_ok=True)
    sitegen.engine.store._LAST_SAVED.clear()  # as in a new process: the state comes from the files
    assert (cache / "related-index.pickle").is_file() and (cache / "papers.pickle").is_file()

    log = tmp_path / "saves.log"
    save = sitegen.engine.store.BlobStore.save

    def logged(store, path):
        with log.open("a", encoding="utf-8") as handle:  # from whichever process saves
            handle.write(f"{os.getpid()} {path.name}\n")
        return save(store, path)

    monkeypatch.setattr(sitegen.engine.store.BlobStore, "save", logged)
    report = build(project, tuning=tuning)
    saves = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    assert {"papers.pickle", "analysed.pickle"} <= {name for _, name in saves}, "every paper was read"
    wrote = {name for pid, name in saves if int(pid) != os.getpid()}
    assert wrote <= {"search.pickle"}, f"journals written by another process: {sorted(wrote)}"
    saved = sitegen.engine.store.BuildState.load(cache).related_index()
    assert saved.texts == report.state.related_index().texts
    assert saved.texts == build(project, "again", use_cache=False).state.related_index().texts
    assert_same_as_cold_build(project)


def test_the_related_index_is_saved_once_a_few_papers_changed_and_stays_exact_meanwhile(project):
    import sitegen.engine.store

    build(project)
    tuning = Tuning(parallel_from=1, related_save_after=3)

    def saved_texts():
        sitegen.engine.store._LAST_SAVED.clear()
        return sitegen.engine.store.BuildState.load(project / ".sitegen-cache").related_index().texts

    texts = saved_texts()
    for n, words in enumerate(("liver tumour", "polyp agent", "radiology report planning", "segment liver")):
        sitegen.engine.store._LAST_SAVED.clear()  # as in a new process: the state comes from the files
        edit(project / f"content/papers/study-{n}.md", "We study", f"We study {words} and")
        build(project, tuning=tuning)
        assert_same_as_cold_build(project)
        if n < 2:
            assert saved_texts() == texts, "fewer than 3 papers behind: the index is not saved"
        elif n == 2:
            assert saved_texts() != texts, "3 papers behind: saved"
            texts = saved_texts()


def test_related_papers_updated_after_edits_equal_related_papers_found_from_nothing():
    import pickle
    import random

    import sitegen.engine.packing  # the index pickled, and packed, as builds keep it
    from sitegen.related import RelatedIndex

    rng = random.Random(6)
    vocabulary = [f"w{n}" for n in range(400)]

    def text() -> tuple[str, dict[str, int]]:
        words = {rng.choice(vocabulary[: rng.choice((40, 400))]): rng.randint(1, 4) for _ in range(25)}
        return repr(words), words

    papers = {f"p{n:03d}": text() for n in range(300)}

    def built_from_nothing(words: dict[str, dict[str, int]] | None = None) -> RelatedIndex:
        return RelatedIndex.build({slug: text for slug, (text, _) in papers.items()}, words_of, 5, words)

    def words_of(slug: str) -> dict[str, int]:
        return papers[slug][1]

    # As builds keep the words: packed, half of them at hand already (counted as files were read).
    pack_words = sitegen.engine.packing.pack_words
    at_hand = {slug: pack_words(words) for slug, (_, words) in list(papers.items())[::2]}
    index = built_from_nothing(sitegen.engine.packing.packed_words(at_hand))
    for step in range(30):
        if step % 3 == 0:
            papers[rng.choice(sorted(papers))] = text()
        elif step % 3 == 1:
            papers[f"new{step}"] = text()
        else:
            del papers[rng.choice(sorted(papers))]
        if step % 5 == 4:  # as a later build finds it: saved and loaded again
            index = pickle.loads(pickle.dumps(index))
        if step % 5 == 2:  # as the process that saves it leaves it: packed where it stands
            sitegen.engine.packing.pack_in_place(index)
        texts = {slug: text for slug, (text, _) in papers.items()}
        index = index.update(texts, words_of, 5, sitegen.engine.packing.packed_words())
        fresh = built_from_nothing()
        assert index.related == fresh.related
        assert index.floors == fresh.floors
        champions = {term: found for term, found in index.champions.items() if found}
        assert champions == {term: found for term, found in fresh.champions.items() if found}
        assert dict(index.queries) == dict(fresh.queries)
    assert dict(index.words) == dict(fresh.words)
    reloaded = pickle.loads(pickle.dumps(index)).words
    assert [slug for slug in reloaded if reloaded[slug] is not None] == list(reloaded)  # each once
    assert sorted(reloaded) == sorted(papers) and dict(reloaded) == dict(fresh.words)
    assert {term: found for term, found in index.postings.items() if found} == {
        term: found for term, found in fresh.postings.items() if found
    }


def test_an_edit_ranks_again_only_the_papers_whose_lists_it_can_change(monkeypatch):
    """Each of 40 papers in turn has one word counted once more: its weights move in every word's
    champion list it is in, which reaches the papers querying with those words; only those a moved
    paper is listed for, or now scores enough for, are ranked again, and every list, floor and
    champion list equals the index found from nothing."""
    import random

    from sitegen.related import RelatedIndex

    rng = random.Random(8)
    vocabulary = [f"w{n}" for n in range(120)]
    papers = {f"p{n:03d}": {rng.choice(vocabulary): rng.randint(1, 4) for _ in range(20)} for n in range(400)}

    def texts() -> dict[str, str]:
        return {slug: repr(words) for slug, words in papers.items()}

    index = RelatedIndex.build(texts(), papers.__getitem__, 5)
    ranked, reached = [], []
    real_related_of, real_may_rank_again = RelatedIndex.related_of, RelatedIndex._may_rank_again

    def counting_related_of(self, slugs, vectorized=None):
        slugs = list(slugs)
        ranked.append(len(slugs))
        return real_related_of(self, slugs, vectorized)

    def counting_may_rank_again(self, renewed, placed):
        reached.append(len(placed | {slug for term in renewed for slug in self.queriers.get(term, ())}))
        return real_may_rank_again(self, renewed, placed)

    monkeypatch.setattr(RelatedIndex, "related_of", counting_related_of)
    monkeypatch.setattr(RelatedIndex, "_may_rank_again", counting_may_rank_again)
    for slug in sorted(papers)[::10]:
        word = rng.choice(sorted(papers[slug]))
        papers[slug] = {**papers[slug], word: papers[slug][word] + 1}
        index = index.update(texts(), papers.__getitem__, 5)
        fresh = RelatedIndex.build(texts(), papers.__getitem__, 5)
        ranked.pop()  # the build from nothing's
        assert (index.related, index.floors) == (fresh.related, fresh.floors), slug
        assert {term: found for term, found in index.champions.items() if found} == {
            term: found for term, found in fresh.champions.items() if found
        }
    edits = len(reached)
    assert edits == 40 and sum(reached) > 40 * 100, "each edit reaches many papers"
    assert len(ranked) == edits and sum(ranked) * 10 < sum(reached), (ranked, reached)


def test_related_papers_stay_exact_as_a_word_stops_and_starts_being_too_common():
    import random

    from sitegen.engine.packing import packed_words
    from sitegen.related import RelatedIndex

    rng = random.Random(3)
    vocabulary = [f"w{n}" for n in range(60)]
    papers = {f"p{n:02d}": {rng.choice(vocabulary): rng.randint(1, 3) for _ in range(12)} for n in range(64)}
    for slug in sorted(papers)[:40]:  # in more than half the papers: skipped as too common
        papers[slug]["common"] = 2

    def texts() -> dict[str, str]:
        return {slug: repr(words) for slug, words in papers.items()}

    def built_from_nothing() -> RelatedIndex:
        return RelatedIndex.build(texts(), papers.__getitem__, 5)

    # The words kept packed, as builds keep them, and read whole when a word stops being too common.
    index, factors = RelatedIndex.build(texts(), papers.__getitem__, 5, packed_words()), set()
    holders = sorted(papers)[:20]
    for slug in [*holders, *reversed(holders)]:  # it drops out of papers one by one, then comes back
        if "common" in papers[slug]:
            papers[slug] = {word: n for word, n in papers[slug].items() if word != "common"}
        else:
            papers[slug] = {**papers[slug], "common": 2}
        index = index.update(texts(), papers.__getitem__, 5)
        fresh = built_from_nothing()
        factors.add(fresh.factors["common"] > 0)
        assert index.related == fresh.related
        assert index.floors == fresh.floors
        assert dict(index.queries) == dict(fresh.queries)
        assert {term: found for term, found in index.champions.items() if found} == {
            term: found for term, found in fresh.champions.items() if found
        }
        assert {term: found for term, found in index.postings.items() if found} == {
            term: found for term, found in fresh.postings.items() if found
        }
    assert factors == {True, False}, "the word was too common, then not"


def test_related_papers_scored_with_numpy_equal_those_scored_in_python():
    import random

    from sitegen.related import RelatedIndex

    rng = random.Random(11)
    vocabulary = [f"w{n}" for n in range(300)]
    papers = {f"p{n:03d}": {rng.choice(vocabulary): rng.randint(1, 5) for _ in range(30)} for n in range(400)}
    for n in range(20):  # papers with the same words: equal scores, decided by the slug
        papers[f"twin{n:02d}"] = dict(papers["p000"])
    index = RelatedIndex.build(dict.fromkeys(papers, ""), papers.__getitem__, 6)
    in_python = index.related_of(sorted(papers), vectorized=False)
    assert index.related_of(sorted(papers), vectorized=True) == in_python
    assert in_python["twin05"][0][:5] == ("p000", "twin00", "twin01", "twin02", "twin03")


def test_building_into_another_folder_does_not_cost_the_first_its_reuse(project):
    build(project)
    build(project, "preview")  # as the dev server does, into its own folder
    again = build(project)
    assert again.pages_rendered == 0 and again.files_written == 0


def edit_watching_the_data_files(
    project: Path, monkeypatch: pytest.MonkeyPatch, tuning: Tuning | None = None
) -> tuple[list[object], list[object]]:
    """One paper's abstract edited and the site built: the data files patched, and joined."""
    import sitegen.engine.making
    import sitegen.outputs

    patched: list[object] = []
    joined: list[object] = []
    making = sitegen.engine.making
    monkeypatch.setattr(making, "patched_file", spy(making.patched_file, patched))
    monkeypatch.setattr(sitegen.outputs.ListFile, "joined", spy(sitegen.outputs.ListFile.joined, joined))
    edit(project / "content/papers/study-6.md", "We study", "We carefully study")
    build(project, tuning=tuning or Tuning())
    return patched, joined


def test_an_edit_patches_the_data_files_instead_of_joining_every_record_again(project, monkeypatch):
    build(project)
    patched, joined = edit_watching_the_data_files(project, monkeypatch)
    # papers.json, .bib, .ris, .csl.json and the paper's topic's .bib (in that topic's own order)
    assert len(patched) == 5
    assert joined == []
    assert_same_as_cold_build(project)


@pytest.mark.parametrize(
    "rule",
    ["{'agent': 1, 'planning': 1}", "{'agent': 1, 'no such word here': 1}"],
    ids=["assignments change", "none changes"],
)
@pytest.mark.parametrize("forked", [False, True], ids=["one process", "shared with a forked one"])
def test_the_edit_after_a_topics_rule_change_patches_the_data_files_too(project, monkeypatch, rule, forked):
    """A build after a topics rule changed assigns every paper's topics again (shared with a
    forked process in a big library) and keeps the data files whose papers kept their topics as
    they were; the one-paper edit after it patches them as any edit does (it made them again
    from every record: ~2-4 s at 10,000 papers, the rule change having changed nothing).
    Expected: a cold build's output after each, and no data file joined again by the edit."""
    import sitegen.engine.derived

    tuning = BIG if forked else Tuning()
    build(project, tuning=tuning)
    shared: list[object] = []
    derived = sitegen.engine.derived
    monkeypatch.setattr(derived, "side_by_side", spy(derived.side_by_side, shared))
    edit(project / "content/topics.yaml", "{'agent': 1}", rule)
    build(project, tuning=tuning)
    assert len(shared) == (1 if forked else 0), "every paper's topics assigned in two processes"
    assert_same_as_cold_build(project)
    patched, joined = edit_watching_the_data_files(project, monkeypatch, tuning)
    assert patched and joined == []
    assert_same_as_cold_build(project)


@pytest.mark.parametrize("edit_kind", ["abstract", "title"])
def test_the_dev_servers_rebuild_patches_lists_data_files_and_search_index_as_a_build_does(
    project, monkeypatch, edit_kind
):
    """The dev server's build puts the edited paper's page in place first, then patches the rest
    from the last build's files: the files it has put in place are no longer the last build's,
    the others still are. (It used to forget them all at its first publish: every rebuild at
    10,000 papers then joined every data file and inverted every paper again, ~5 s, not ~1 s.)"""
    import sitegen.engine.making
    import sitegen.outputs
    import sitegen.search

    making = sitegen.engine.making
    published: list[frozenset[str] | None] = []
    state = build(project, use_cache=False, published=published.append).state
    patched, joined, rows = [], [], []
    monkeypatch.setattr(making, "patched_file", spy(making.patched_file, patched))
    monkeypatch.setattr(sitegen.outputs.ListFile, "joined", spy(sitegen.outputs.ListFile.joined, joined))
    monkeypatch.setattr(making, "rows_again", spy_returns(making.rows_again, rows))
    monkeypatch.setattr(sitegen.search.TermIndex, "of", None)  # inverting every paper again: must not happen
    if edit_kind == "abstract":
        edit(project / "content/papers/study-6.md", "We study", "We carefully study")
    else:
        edit(project / "content/papers/study-6.md", "Study 6:", "Study six, edited:")
    published.clear()
    build(project, use_cache=False, state=state, published=published.append)
    first = published[0] or frozenset()
    assert "papers/study-6.html" in first and all(path.startswith("papers/study-") for path in first)
    assert len(patched) >= 5 and joined == [], "every data file patched, none joined again"
    if edit_kind == "title":
        assert rows and all(found is not None for found in rows), "list pages made from the last build's rows"
    monkeypatch.undo()
    assert_same_as_cold_build(project)


def test_the_output_listed_while_the_dev_server_is_idle_serves_the_next_build_once(project, monkeypatch):
    """The dev server lists its output folder once a build is done; the next build takes that
    listing instead of stat-ing every file while the editor waits, and gives the same site. The
    listing is used once: the build after lists the folder itself."""
    import sitegen.engine.session as session

    state = build(project, use_cache=False, published=lambda paths: None).state
    session.list_output_while_idle(state, project / "public")
    listed = []
    monkeypatch.setattr(session, "output_files", spy(session.output_files, listed))
    edit(project / "content/papers/study-4.md", "Study 4:", "Study four, edited:")
    state = build(project, use_cache=False, state=state, published=lambda paths: None).state
    assert listed == [], "the idle listing, not a new one"
    assert_same_as_cold_build(project)  # which lists its own folder
    listed.clear()
    edit(project / "content/papers/study-4.md", "Study four, edited:", "Study 4, edited again:")
    build(project, use_cache=False, state=state, published=lambda paths: None)
    assert listed == [(project / "public",)]
    assert_same_as_cold_build(project)


@pytest.mark.parametrize("in_kernel", [True, False], ids=["copy_file_range", "read-and-write"])
def test_a_patched_data_file_is_rewritten_only_when_its_bytes_change(project, monkeypatch, in_kernel):
    import sitegen.write

    build(project)
    if not in_kernel:  # as where the kernel cannot copy between these files
        monkeypatch.delattr(sitegen.write.os, "copy_file_range", raising=False)
    bib = project / "public/papers.bib"
    bib_before = bib.stat().st_mtime_ns
    edit(project / "content/papers/study-6.md", "We study", "We carefully study")  # not in BibTeX
    build(project)
    assert bib.stat().st_mtime_ns == bib_before, "papers.bib holds no abstract: left as it was"
    assert b"We carefully study" in (project / "public/papers.json").read_bytes()
    assert_same_as_cold_build(project)


@pytest.mark.parametrize("forked", [False, True], ids=["in-process", "forked"])
def test_the_same_papers_and_topics_keep_the_search_index_unmade(project, monkeypatch, forked):
    import sitegen.search

    # Forked: the search index made and written by a forked process, as in a big library.
    tuning = BIG if forked else Tuning()
    first = build(project, tuning=tuning)
    index = project / "public/assets/search-index.js"
    made_at = index.stat().st_mtime_ns
    (project / "my-templates/static").mkdir()
    (project / "my-templates/static/extra.css").write_text("p { margin: 0 }")  # the looks, not the papers
    monkeypatch.setattr(sitegen.search, "build_search_bundle", None)  # must not be called
    again = build(project, tuning=tuning)
    assert index.stat().st_mtime_ns == made_at
    assert again.search_index_bytes == first.search_index_bytes
    assert again.search_index_gzip_bytes == first.search_index_gzip_bytes
    monkeypatch.undo()
    assert_same_as_cold_build(project)


def spy_returns(function: Callable[..., Any], returned: list[Any]) -> Callable[..., Any]:
    def spied(*args: Any, **kwargs: Any) -> Any:
        returned.append(function(*args, **kwargs))
        return returned[-1]

    return spied


def spy(function: Callable[..., object], calls: list[object]) -> Callable[..., object]:
    def recorded(*args: object) -> object:
        calls.append(args)
        return function(*args)

    return recorded


def test_an_abstract_edit_leaves_the_listings_which_show_no_abstract(project):
    build(project)
    listing = project / "public/papers/index.html"
    before = listing.stat().st_mtime_ns
    edit(project / "content/papers/study-6.md", "We study", "We carefully study")
    report = build(project)
    assert "We carefully study" in (project / "public/papers/study-6.html").read_text(encoding="utf-8")
    assert listing.stat().st_mtime_ns == before
    assert report.pages_rendered < 12  # the paper, those its changed words relate, the data files
    assert_same_as_cold_build(project)


@pytest.mark.parametrize(
    ("seed", "in_memory", "full_every"), [(7, False, 100), (11, False, 3), (23, True, 100)]
)
def test_a_run_of_mixed_edits_rebuilds_exactly_as_from_nothing_each_time(
    project, seed, in_memory, full_every, monkeypatch
):
    """Each build works from what the last one was made of (looking again only at the changed
    papers, and keeping the digests of pages none of whose parts changed; every `full_every`
    builds, one looks at every paper): after any run of edits, in one output or alternating with
    another, the site is what a build from nothing gives, whether the state comes from the cache
    folder or stays in memory (the dev server)."""
    tuning = Tuning(full_every=full_every)
    rng = random.Random(seed)
    papers = project / "content/papers"
    state = build(project, use_cache=not in_memory, tuning=tuning).state
    for step in range(14):
        files = sorted(papers.glob("*.md"))
        path = rng.choice(files)
        kind = rng.choice(["abstract", "abstract", "title", "date", "pin", "delete", "add"])
        text = path.read_text(encoding="utf-8")
        if kind == "abstract":
            words = " ".join(rng.sample(WORDS, 3))
            path.write_text(text.rstrip("\n") + f" It also covers {words}.\n", encoding="utf-8")
        elif kind == "title":
            path.write_text(text.replace('title: "', f'title: "Revised {step}, ', 1), encoding="utf-8")
        elif kind == "date":
            path.write_text(text.replace("date: 2025-", "date: 2024-", 1), encoding="utf-8")
        elif kind == "pin" and "topics_add:" not in text:  # a second `topics_add:` is an error now
            path.write_text(text.replace("---\n", "---\ntopics_add: [agents]\n", 1), encoding="utf-8")
        elif kind == "delete" and len(files) > 30:
            path.unlink()
        else:
            words = rng.sample(WORDS, 4)
            abstract = f"We study {' and '.join(words)} with a {words[0]} model."
            added = paper_md(f"Added {step}", abstract, "2026-02-02")
            (papers / f"added-{step}.md").write_text(added, encoding="utf-8")
        options = {"use_cache": False, "state": state} if in_memory else {}
        if step % 5 == 4:
            build(project, "preview", **options, tuning=tuning)  # another output in between
        state = build(project, **options, tuning=tuning).state
        assert_same_as_cold_build(project)


def test_a_build_leaves_the_collector_as_it_found_it_for_the_dev_server(project):
    import gc

    before = gc.get_threshold()
    build(project)
    # Full passes are held off during a build only; nothing is left frozen (out of every pass).
    assert (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()) == (before, 0, True)
    for number, tuning in enumerate((Tuning(), Tuning(parallel_from=1))):  # without and with forks
        edit(project / f"content/papers/study-{number}.md", "We study", "We closely study")
        sitegen.engine.store._LAST_SAVED.clear()  # as in a new process: the state comes from the files
        build(project, tuning=tuning)
        assert (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()) == (before, 0, True)
    (project / "content/topics.yaml").write_text("not: [a, valid", encoding="utf-8")
    with pytest.raises(SitegenError):
        build(project)
    assert (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()) == (before, 0, True)


@pytest.mark.parametrize("forked", [False, True], ids=["in-process", "forked"])
def test_replaced_files_are_set_aside_and_deleted_by_the_next_build(project, monkeypatch, forked):
    """The next version is assembled from the one before the live one: replacing its files frees
    disk space (slow on some disks) only where the live output does not share them, and those
    files are set aside for the next build to delete in the background."""
    tuning = Tuning(parallel_from=1 if forked else 400)
    set_aside = project / ".sitegen-cache" / "replaced"
    build(project, tuning=tuning)
    first_json = (project / "public/papers.json").read_bytes()
    edit(project / "content/papers/study-3.md", "We study", "We closely study")
    build(project, tuning=tuning)
    assert_same_as_cold_build(project)
    assert not set_aside.exists() or not any(set_aside.iterdir()), "the spare shared every file"
    edit(project / "content/papers/study-4.md", "We study", "We closely study")
    build(project, tuning=tuning)
    assert_same_as_cold_build(project)
    [first] = set_aside.iterdir()
    assert (first / "papers.json").read_bytes() == first_json, "the first build's, kept until the next"
    assert (first / "papers%study-3.html").exists(), "the page the edit before changed"
    edit(project / "content/papers/study-5.md", "We study", "We closely study")
    build(project, tuning=tuning)
    assert_same_as_cold_build(project)
    assert not first.exists(), "deleted by the next build"
    assert len(list(set_aside.iterdir())) == 1


def test_a_filesystem_without_hard_links_replaces_files_all_the_same(project, monkeypatch):
    import sitegen.write

    def no_links(*args: object) -> None:
        raise OSError("hard links not supported")

    build(project)
    monkeypatch.setattr(sitegen.write.os, "link", no_links)
    edit(project / "content/papers/study-3.md", "We study", "We closely study")
    build(project)
    assert_same_as_cold_build(project)


# --- listings patched for an edit, against listings derived from nothing ---------------------

LIST_TOPICS = tuple(Topic(f"t{n}", f"Topic {n}", "") for n in range(5))
SURNAMES = ("Lovelace", "Turing", "Hopper", "Noether")


def listed_edits() -> dict[str, Callable[[random.Random, Paper], Paper]]:
    """One edit per field the listings order, group, flag or cite by (derive.LISTED: generated
    from it, so a field added there without an edit here fails), each to a value drawn at random."""

    def date(rng: random.Random, paper: Paper) -> Paper:
        choices = [
            None,
            PaperDate(rng.randint(2019, 2026)),
            PaperDate(2024, rng.randint(1, 12), rng.randint(1, 28)),
        ]
        return dataclasses.replace(paper, date=rng.choice(choices))

    edits = {
        "date": date,
        "date_inferred": lambda rng, paper: dataclasses.replace(paper, date_inferred=not paper.date_inferred),
        "title": lambda rng, paper: dataclasses.replace(
            paper, title=rng.choice(("A", "Deep", "Zeta")) + " " + paper.title
        ),
        "title_derived": lambda rng, paper: dataclasses.replace(paper, title_derived=not paper.title_derived),
        "authors": lambda rng, paper: dataclasses.replace(paper, authors=(f"Ada {rng.choice(SURNAMES)}",)),
        "organization": lambda rng, paper: dataclasses.replace(
            paper, authors=(), organization=rng.choice(("Google", "Mayo"))
        ),
        "venue": lambda rng, paper: dataclasses.replace(
            paper, venue=rng.choice((None, "MICCAI 2024", "Radiology"))
        ),
    }
    assert set(edits) == set(LISTED)
    return edits


def library_of(papers: dict[str, Paper]) -> Papers:
    return Papers((slug, f"content/papers/{slug}.md", paper) for slug, paper in sorted(papers.items()))


def test_listings_patched_for_each_kind_of_edit_equal_listings_derived_from_nothing():
    """Every field the listings read, topics given and taken, papers added and removed, in runs of
    one to three edits: the patched listings, citation keys included, are those a cold build
    derives (the same functions over the whole library). Titles and names are drawn from a few
    so that papers tie on dates and share citation keys."""
    rng = random.Random(5)
    edits = listed_edits()
    papers = {
        f"p{n:03d}": Paper(
            f"p{n:03d}",
            f"{rng.choice(('Deep', 'A', 'Segment'))} {rng.choice(WORDS)} {n % 7}",
            "An abstract.",
            date=rng.choice(
                [None, PaperDate(2024), PaperDate(2024, 3), PaperDate(2024, 3, rng.randint(1, 3))]
            ),
            authors=(f"Ada {rng.choice(SURNAMES)}",) if n % 3 else (),
            organization="Mayo" if n % 5 == 0 else None,
        )
        for n in range(300)
    }
    topics_of = {slug: tuple(t.id for t in LIST_TOPICS if rng.random() < 0.3) for slug in papers}

    def from_nothing(library: Papers) -> Listings:
        return listings_from_nothing(
            library, LIST_TOPICS, lambda: derive(library, LIST_TOPICS, lambda p, _: topics_of[p.slug])
        )

    last = from_nothing(library_of(papers))
    kinds = [*edits, "topics", "add", "remove"]
    for step in range(150):
        old = dict(papers)
        touched = set()
        for _ in range(rng.randint(1, 3)):
            kind, slug = (
                kinds[step % len(kinds)] if not touched else rng.choice(kinds),
                rng.choice(sorted(papers)),
            )
            if kind == "add":
                slug = f"new{step}"
                papers[slug] = dataclasses.replace(rng.choice(list(papers.values())), slug=slug)
                topics_of[slug] = (rng.choice(LIST_TOPICS).id,)
            elif kind == "remove":
                del papers[slug]
            elif kind == "topics":
                topics_of[slug] = tuple(t.id for t in LIST_TOPICS if rng.random() < 0.3)
            else:
                papers[slug] = edits[kind](rng, papers[slug])
            touched.add(slug)
        library = library_of(papers)
        current = {slug: topics_of[slug] for slug in library.slugs}
        patched = relisted(last, library, LIST_TOPICS, current, touched, old.get)
        assert patched == from_nothing(library), f"step {step}"
        assert patched is not None
        last = patched


def test_edits_that_move_a_paper_across_the_pages_of_the_lists_rebuild_as_from_nothing(
    make_project, monkeypatch
):
    """120 papers: All papers in three pages of 50, each topic's reading list in pages of 30.
    Each kind of edit an editor makes to one paper (its date to the newest and the oldest, undated,
    its title within its day, its authors, its topics pinned and unpinned, the paper deleted and
    added back) moves it from one page to another or changes every page after it; the rebuild,
    patched from the last build, gives what a build from nothing gives."""
    root = make_project(
        {"content/topics.yaml": TOPICS_YAML, "my-templates/.keep": "", **paper_files(120)},
        site_yaml=SITE_YAML,
    )
    settle(root)
    build(root)
    from_nothing: list[object] = []
    monkeypatch.setattr(derived, "listings_from_nothing", spy(derived.listings_from_nothing, from_nothing))
    by_rows: list[object] = []
    monkeypatch.setattr(making, "rows_again", spy_returns(making.rows_again, by_rows))
    in_frame: list[object] = []
    monkeypatch.setattr(making, "rows_in_frame", spy_returns(making.rows_in_frame, in_frame))
    papers = root / "content/papers"
    path = papers / "study-40.md"
    original = path.read_text(encoding="utf-8")
    edits = [
        ("date: 2025-05-10", "date: 2026-12-31"),  # to the first page of every list it is in
        ("date: 2026-12-31", "date: 2019-01-01"),  # to the last
        ("date: 2019-01-01\n", ""),  # undated: after every dated paper
        ('title: "Study 40', 'title: "A study 40'),  # first of its day
        ("---\n", "---\nauthors: [Ada Lovelace, Alan Turing]\n"),
        ("---\n", "---\ntopics_add: [agents]\n"),  # into a list it was not in
        ("topics_add: [agents]", "topics: []"),  # out of every list: unclassified
    ]
    for old, new in edits:
        edit(path, old, new)
        build(root)
        assert_same_as_cold_build(root)
    path.unlink()
    build(root)
    assert_same_as_cold_build(root)
    path.write_text(original, encoding="utf-8")
    build(root)
    assert_same_as_cold_build(root)
    assert len(from_nothing) == len(edits) + 2  # the cold builds': every rebuild patched its lists
    assert sum(made is not None for made in by_rows) > 10  # pages made from rows, not rendered
    # A list's count changed (a topic gained or lost the paper, the paper deleted or added back):
    # its pages made around their rows, not rendered.
    assert sum(made is not None for made in in_frame) > 10


@pytest.mark.parametrize("editor", [False, True], ids=["reader", "editor"])
def test_every_row_of_every_list_page_is_the_row_rendered_alone(make_project, editor, monkeypatch):
    """What lets a list page be made from rows (engine/rows.py): in every page of every list, the
    rows found by their mark are, paper for paper, what the plan's row maker renders alone."""
    root = make_project(
        {"content/topics.yaml": TOPICS_YAML, "my-templates/.keep": "", **paper_files(70)},
        site_yaml=SITE_YAML + ("editor: true\n" if editor else ""),
    )
    plans: list[Plan] = []
    monkeypatch.setattr(sitegen.plan, "site_plan", spy_returns(sitegen.plan.site_plan, plans))
    state = build(root).state
    assert state is not None
    layouts = state.latest("site").row_layouts
    plan_pages = [page for page in plans[0].pages if page.rows is not None]
    assert {page.path for page in plan_pages} == layouts.keys() and len(layouts) > 4
    for page in plan_pages:
        data, layout = (root / "public" / page.path).read_bytes(), layouts[page.path]
        assert layout.slugs == page.rows.slugs
        at = layout.head
        for slug, size in zip(layout.slugs, layout.sizes, strict=True):
            assert data[at : at + size] == page.rows.row(slug).encode("utf-8"), (page.path, slug)
            at += size


@pytest.mark.parametrize("edit_kind", ["abstract", "template"])
def test_a_big_librarys_rebuild_while_other_threads_run_gives_the_same_site(project, edit_kind):
    """The dev server runs threads (its HTTP server, its watcher), so the engine forks no process
    there and runs each forked job in this one: the search index and the paper pages shared for
    two renderers must then still land in the output's manifest. (They used to reset it: a
    dev server with 400 papers or more served an output of one file after the first edit, and
    refused to rebuild it.)"""
    import threading

    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        state = build(project, use_cache=False, tuning=BIG).state
        if edit_kind == "abstract":
            edit(project / "content/papers/study-3.md", "We study", "We study tumour liver and")
        else:
            page = (default_templates() / "paper.html").read_text(encoding="utf-8")
            edited = page.replace("{% block main %}", "{% block main %}<p>edited</p>", 1)
            (project / "my-templates/paper.html").write_text(edited, encoding="utf-8")
        build(project, use_cache=False, state=state, tuning=BIG)
        assert (project / "public/.sitegen-output").is_file()
        assert_same_as_cold_build(project)
    finally:
        stop.set()


@pytest.mark.parametrize("layout_name", ["JSON_LIST", "BIBTEX_LIST", "CSL_LIST", "BROWSE_LIST"])
def test_a_patched_data_file_equals_its_chunks_joined_whatever_moved_came_or_went(tmp_path, layout_name):
    """Generated edits of a chunked file's list (chunks changed to new or to equal bytes, papers
    dropped, added and moved) patched onto the old file equal the new chunks joined, as a build
    from nothing joins them; a file that comes out the same is the old file's one range."""
    from sitegen.engine.inputs import ChunkSizes
    from sitegen.engine.making import patched_file

    layout = getattr(sitegen.outputs, layout_name)
    rng = random.Random(layout_name)
    for trial in range(400):
        old_order = tuple(f"s{n}" for n in range(rng.randint(1, 8)))
        chunks = {slug: f"<{slug}:{'x' * rng.randint(0, 3)}>".encode() for slug in old_order}
        path = tmp_path / f"{trial}.data"
        path.write_bytes(layout.joined([chunks[slug] for slug in old_order]))
        made = ChunkSizes(old_order, array("q", (len(chunks[slug]) for slug in old_order)))
        order = list(old_order)
        if rng.random() < 0.3:
            order.remove(rng.choice(order))
        if rng.random() < 0.3:
            order.insert(rng.randint(0, len(order)), "added")
        if rng.random() < 0.3 and len(order) > 1:
            order.insert(rng.randint(0, len(order) - 1), order.pop(rng.randrange(len(order))))
        now = {**chunks, "added": b"<added>"}
        new = {slug: now[slug] for slug in order if slug == "added" or rng.random() < 0.2}
        for slug in sorted(new.keys() - {"added"}):
            new[slug] = now[slug] = rng.choice(
                (chunks[slug], f"<{slug}:changed{'y' * rng.randint(0, 2)}>".encode())
            )
        found = patched_file(layout, path, made, tuple(order), new)
        if not order:
            assert found is None
            continue
        assert found is not None
        patched, sizes = found
        assert patched.read() == layout.joined([now[slug] for slug in order]), (old_order, order, new)
        assert list(sizes.sizes) == [len(now[slug]) for slug in order] and sizes.order == tuple(order)
        assert patched.unchanged == (patched.read() == path.read_bytes())


def test_a_page_that_reads_more_of_its_cards_than_their_rows_is_not_made_around_them():
    """`rows_in_frame` makes a page with a placeholder for each card: a page that reads a card
    outside its row, or holds more than rows between them, is left to be rendered whole."""
    from sitegen.engine.rows import RowSource, rows_in_frame
    from sitegen.plan import ROW_MARK, Rows

    def page_of(cards: list[object], between: str = "") -> str:
        rows = "".join(f"  {card.rendered((), str)}\n{between}" for card in cards)  # type: ignore[attr-defined]
        return f"<ol>\n{rows}</ol>"

    def row(slug: str) -> str:
        return f"{ROW_MARK.decode()}{slug}</li>\n"

    source = RowSource({}, lambda path: None)
    made = rows_in_frame("p.html", Rows("f", ("a", "b"), row, "", False, (), (), page_of), "x", source, set())
    assert (
        made is not None and made[0] == page_of([]).replace("<ol>\n", "<ol>\n" + row("a") + row("b")).encode()
    )

    def reads_a_title(cards: list[Any]) -> str:
        return page_of(cards) + str(cards[0].title)

    for framed in (reads_a_title, partial(page_of, between="<hr>\n")):
        rows = Rows("f", ("a", "b"), row, "", False, (), (), framed)
        assert rows_in_frame("p.html", rows, "x", source, set()) is None


@pytest.mark.parametrize("templates", ["built-in", "own base.html"])
def test_adding_or_deleting_a_paper_renders_again_only_the_pages_that_show_it_or_count_it(
    make_project, templates
):
    """The built-in templates show how many papers the site has on the home page only: adding a
    paper renders again its page, the lists it joins (made around their rows) and the pages that
    show its card or count it, not every paper's page. The user's own templates may show the
    count on every page (here in base.html's footer): then every page is made again. Either way
    the rebuild is what a build from nothing gives."""
    files = {"content/topics.yaml": TOPICS_YAML, "my-templates/.keep": "", **paper_files(80)}
    if templates == "own base.html":
        base = (Path(sitegen.build.__file__).parent.parent / "templates/base.html").read_text(
            encoding="utf-8"
        )
        marker = "{{ site.title }} is kept by {{ site.author }}."
        assert marker in base
        files["my-templates/base.html"] = base.replace(marker, marker + " {{ site.paper_count }} papers.")
    root = make_project(files, site_yaml=SITE_YAML)
    settle(root)
    build(root)
    added = root / "content/papers/study-added.md"
    for change in ("add", "delete"):
        if change == "add":
            added.write_text(paper_md("A study of polyp agents", "We study polyp agents.", "2025-03-12"))
        else:
            added.unlink()
        report = build(root)
        paper_pages = 80
        if templates == "built-in":
            assert report.pages_rendered < paper_pages // 2, (change, report.pages_rendered)
        else:
            assert report.pages_rendered > paper_pages, (change, report.pages_rendered)
        assert_same_as_cold_build(root)


def repeated_warnings(report: BuildReport) -> list[str]:
    return sorted(str(warning) for warning in report.warnings if "one paper in two files" in str(warning))


@pytest.mark.parametrize("seed", range(3))
def test_a_paper_saved_twice_is_warned_of_as_a_cold_build_warns_whatever_changes_after(project, seed):
    """A copy of a paper file under another name is one paper in two files: a warning names both
    (both are still published). Copies made, edited (title, year, authors, abstract: then two
    papers), edited back and deleted in random turns: each build warns as a cold build does."""
    papers = project / "content/papers"
    rng, warned = random.Random(seed), set()
    build(project)
    assert repeated_warnings(build(project, "cold", use_cache=False)) == []
    changes = [
        ('title: "', 'title: "Not '), ("date: 2025", "date: 2024"), ("We study", "We saw"),
        ("authors_count", "authors: [Ada Lovelace]\nauthors_count"), ("organization: ", "organization: The "),
    ]  # fmt: skip
    for turn in range(24):
        originals = sorted(p for p in papers.glob("study-*.md"))
        copies = sorted(papers.glob("copy-*.md"))
        action = rng.choice(["copy", "copy", "edit", "back", "delete"] if copies else ["copy"])
        if action == "copy":
            source = rng.choice(originals)
            (papers / f"copy-{turn}-{source.name}").write_bytes(source.read_bytes())
        else:
            target = rng.choice(copies + originals[:2])
            text = target.read_text(encoding="utf-8")
            old, new = rng.choice([pair for pair in changes if pair[0] in text] or [("", "")])
            if action == "delete" and target in copies:
                target.unlink()
            elif action == "back" and new and new in text:
                target.write_text(text.replace(new, old, 1), encoding="utf-8")
            elif old:
                target.write_text(text.replace(old, new, 1), encoding="utf-8")
        incremental = repeated_warnings(build(project))
        assert incremental == repeated_warnings(build(project, "cold", use_cache=False)), (turn, action)
        shutil.rmtree(project / "cold")
        warned.add(len(incremental))
    assert 0 in warned and max(warned) >= 2  # warnings came and went


def test_the_warning_for_a_paper_saved_twice_names_both_files(project):
    (project / "content/papers/study-3-copy.md").write_bytes(
        (project / "content/papers/study-3.md").read_bytes()
    )
    [warning] = repeated_warnings(build(project))
    assert warning.startswith("content/papers/study-3-copy.md: the same title, authors and year as ")
    assert "content/papers/study-3.md" in warning and "delete one of them" in warning
    assert (project / "public/papers/study-3-copy.html").exists()  # both are published
