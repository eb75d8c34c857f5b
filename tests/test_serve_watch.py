"""Which saves the preview reacts to, and how a burst of events becomes one rebuild."""

from __future__ import annotations

import os
import queue
from pathlib import Path

import pytest

from sitegen.watch import ChangeKind, Changes, Debouncer, Watcher, WatchPlan

WAIT = 20  # seconds to wait for an effect before failing; never an assertion about speed


def plan_for(root: Path) -> WatchPlan:
    content = root / "content"
    for folder in (content / "papers", root / "my-templates", root / "public", root / ".sitegen-cache"):
        folder.mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text("title: x\n", encoding="utf-8")
    (content / "topics.yaml").write_text("topics: []\n", encoding="utf-8")
    return WatchPlan(
        config_file=root / "site.yaml",
        content_dir=content,
        papers_dir=content / "papers",
        topics_file=content / "topics.yaml",
        template_dirs=(root / "my-templates",),
        excluded_dirs=(root / "public", root / ".sitegen-cache"),
    )


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("site.yaml", ChangeKind.CONFIG),
        ("content/topics.yaml", ChangeKind.TOPICS),
        ("content/papers/medsam.md", ChangeKind.PAPER),
        ("my-templates/paper.html", ChangeKind.TEMPLATE),
        ("content/sources/listing.txt", ChangeKind.CONTENT),
        ("content/papers/.medsam.md.swp", None),
        ("content/papers/.medsam.md.swx", None),
        ("content/papers/medsam.md~", None),
        ("content/papers/4913", None),
        ("content/papers/.#medsam.md", None),
        ("content/papers/#medsam.md#", None),
        ("content/papers/.DS_Store", None),
        ("content/papers/medsam.md.tmp", None),
        ("content/papers/notes.txt", None),
        ("content/sedFxDTSn", None),  # GNU sed -i's temporary file, renamed over topics.yaml
        ("content/sedGY9ome", None),
        ("content/papers/sedAb12Cd", None),
        ("content/.topics.yaml.swp", None),
        ("content/.topics.yaml.swn", None),
        ("content/topics.yaml~", None),
        ("content/4913", None),
        ("content/#topics.yaml#", None),
        ("content/.#topics.yaml", None),
        ("content/topics.yaml___jb_tmp___", None),
        ("content/topics.yaml___jb_old___", None),
        ("content/topics.yaml.kate-swp", None),
        ("content/sources/sedation.txt", ChangeKind.CONTENT),  # a real file, named like one
        ("my-templates/.paper.html.swp", None),
        ("public/papers/medsam.html", None),
        ("public/index.html", None),
        (".sitegen-cache/parsed.pickle", None),
        ("README.md", None),
    ],
)
def test_paths_are_classified_and_editor_noise_is_ignored(tmp_path, name, kind):
    plan = plan_for(tmp_path)
    assert plan.classify(tmp_path / name) == kind


def test_an_output_folder_inside_content_is_still_never_watched(tmp_path):
    plan = plan_for(tmp_path)
    inside = WatchPlan(**{**plan.__dict__, "excluded_dirs": (tmp_path / "content" / "site",)})
    assert inside.classify(tmp_path / "content" / "site" / "index.html") is None


def test_a_burst_of_events_is_one_batch(tmp_path):
    batches: queue.Queue[Changes] = queue.Queue()
    debouncer = Debouncer(batches.put)
    debouncer.start()
    try:
        paper = tmp_path / "a.md"
        for _ in range(50):
            debouncer.add(paper, ChangeKind.PAPER)
        debouncer.add(tmp_path / "site.yaml", ChangeKind.CONFIG)
        first = batches.get(timeout=WAIT)
        # A later, separate change proves nothing of the burst was left for a second batch.
        debouncer.add(tmp_path / "b.md", ChangeKind.PAPER)
        second = batches.get(timeout=WAIT)
    finally:
        debouncer.stop()
    assert first.paths == {paper: ChangeKind.PAPER, tmp_path / "site.yaml": ChangeKind.CONFIG}
    assert second.paths == {tmp_path / "b.md": ChangeKind.PAPER}


@pytest.fixture(params=[False, True], ids=["inotify", "poll"])
def watched(request, tmp_path):
    """(project root, queue of batches) with a running Watcher."""
    plan = plan_for(tmp_path)
    (plan.papers_dir / "medsam.md").write_text("old\n", encoding="utf-8")
    batches: queue.Queue[Changes] = queue.Queue()
    watcher = Watcher(plan, batches.put, poll=request.param)
    watcher.start()
    yield tmp_path, batches
    watcher.stop()


def test_an_atomic_rename_save_is_one_paper_change(watched):
    root, batches = watched
    papers = root / "content" / "papers"
    temp = papers / ".medsam.md.tmp"
    temp.write_text("new\n", encoding="utf-8")
    (papers / "medsam.md~").write_text("backup\n", encoding="utf-8")
    os.replace(temp, papers / "medsam.md")
    batch = batches.get(timeout=WAIT)
    assert batch.paths == {papers / "medsam.md": ChangeKind.PAPER}


def test_temp_and_output_files_alone_cause_no_rebuild(watched):
    root, batches = watched
    papers = root / "content" / "papers"
    for name in (".medsam.md.swp", "4913", "#medsam.md#", ".DS_Store", "x.tmp"):
        (papers / name).write_text("noise\n", encoding="utf-8")
        (papers / name).unlink()
    (root / "public" / "index.html").write_text("built\n", encoding="utf-8")
    (root / "content" / "topics.yaml").write_text("topics: [a]\n", encoding="utf-8")  # the sentinel
    batch = batches.get(timeout=WAIT)
    assert batch.paths == {root / "content" / "topics.yaml": ChangeKind.TOPICS}


def test_sed_in_place_on_the_topics_is_a_topics_change_alone(watched):
    """`sed -i` writes content/sedXXXXXX and renames it over the file: one change, the topics."""
    root, batches = watched
    temp = root / "content" / "sedFxDTSn"
    temp.write_text("topics: [b]\n", encoding="utf-8")
    os.replace(temp, root / "content" / "topics.yaml")
    batch = batches.get(timeout=WAIT)
    assert batch.paths == {root / "content" / "topics.yaml": ChangeKind.TOPICS}
    assert batch.describe(root) == "content/topics.yaml"


def test_created_deleted_and_moved_papers_and_a_renamed_folder_are_seen(watched):
    root, batches = watched
    papers = root / "content" / "papers"
    (papers / "new.md").write_text("x\n", encoding="utf-8")
    assert papers / "new.md" in batches.get(timeout=WAIT).paths
    (papers / "new.md").unlink()
    assert papers / "new.md" in batches.get(timeout=WAIT).paths
    os.rename(papers / "medsam.md", papers / "medsam-agent.md")
    moved = batches.get(timeout=WAIT).paths
    assert {papers / "medsam.md", papers / "medsam-agent.md"} <= moved.keys()
    os.rename(papers, root / "content" / "papers-old")
    renamed = batches.get(timeout=WAIT)
    assert ChangeKind.PAPER in renamed.kinds


@pytest.mark.parametrize("poll", [False, True], ids=["inotify", "poll"])
def test_a_watched_folder_made_after_the_start_is_watched_once_replanned(tmp_path, poll):
    """`paths.templates` names a folder the editor makes while the preview runs: the preview
    replans after the rebuild its making starts, and the files saved in it are then seen. The
    plan's folders were compared as they are now, before and after, so it never was."""
    plan = plan_for(tmp_path)
    templates = tmp_path / "my-tmpl"
    plan = WatchPlan(**{**plan.__dict__, "template_dirs": (templates,)})
    batches: queue.Queue[Changes] = queue.Queue()
    watcher = Watcher(plan, batches.put, poll=poll)
    watcher.start()
    try:
        templates.mkdir()
        assert batches.get(timeout=WAIT).paths == {templates: ChangeKind.TEMPLATE}
        watcher.replan(plan)  # as the preview does after each rebuild
        (templates / "paper.html").write_text("{{ paper.title }}\n", encoding="utf-8")
        assert templates / "paper.html" in batches.get(timeout=WAIT).paths
    finally:
        watcher.stop()


def test_a_config_save_is_seen_but_other_root_files_are_not(watched):
    root, batches = watched
    (root / "notes.txt").write_text("not part of the site\n", encoding="utf-8")
    (root / "site.yaml").write_text("title: y\n", encoding="utf-8")
    assert batches.get(timeout=WAIT).paths == {root / "site.yaml": ChangeKind.CONFIG}
