"""Publishing is atomic: stopped at any step, a build leaves the output the complete old site or
the complete new one (as a build from nothing makes it), never a mix and never missing, and the
next build tidies up after it.

Every step that changes the disk while a build writes and publishes its output calls
`sitegen.write.after_step`. Each test stops the build there, at every step in turn: with an
exception (the build's own clean-up runs: an abort), and with a real SIGKILL of a forked build
process (nothing more runs). The expected sites come from builds from nothing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import sitegen.build
import sitegen.write
from sitegen.build import build_site
from sitegen.config import load_config
from sitegen.engine.tuning import Tuning
from tests.test_incremental import TOPICS_YAML, paper_md

SITE_YAML = """\
title: Atomic Review
description: A review whose builds are stopped at every step.
base_url: https://example.org/review/
author: Tests
related_count: 2
"""
WORDS = ("polyp", "liver", "agent", "planning", "segment", "report")
OLD = 1_600_000_000  # an mtime long past: the files have settled


def make_project(root: Path, papers: int = 6) -> None:
    files = {"site.yaml": SITE_YAML, "content/topics.yaml": TOPICS_YAML}
    for n in range(papers):
        words = [WORDS[(n + k) % len(WORDS)] for k in range(3)]
        abstract = f"We study {' and '.join(words)} with a {words[0]} model."
        title, date = f"Study {n}: {words[0]}", f"2025-0{1 + n}-10"
        files[f"content/papers/study-{n}.md"] = paper_md(title, abstract, date)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    settle(root)


def settle(root: Path) -> None:
    for path in (root / "content").rglob("*"):
        os.utime(path, ns=(OLD * 10**9, OLD * 10**9))


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / "content/papers" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def build(root: Path, out: str = "public", **options: object) -> sitegen.build.BuildReport:
    return build_site(load_config(root / "site.yaml"), root / out, **options)  # type: ignore[arg-type]


Tree = dict[str, "bytes | None"]


def tree(folder: Path) -> Tree | None:
    """Every file (its bytes) and folder (None) below `folder`; None when it does not exist."""
    if not folder.exists():
        return None
    found: Tree = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        found[relative + "/" if path.is_dir() else relative] = None if path.is_dir() else path.read_bytes()
    return found


def beside(root: Path) -> list[str]:
    """What builds left beside the output, apart from the version kept to make the next one."""
    made = [p.name for p in root.iterdir() if p.name.startswith(".public.")]
    return sorted(name for name in made if name != ".public.previous")


# --- the scenarios: what the stopped build starts from, and what it is asked to build ---------


def edit_twice(root: Path) -> None:
    """A site built, edited and built again: the spare version is a real older one."""
    build(root)
    edit(root, "study-0.md", "model.", "model, twice.")
    build(root)


def edit_one(root: Path) -> None:
    """An abstract edit: the pages the edit before changed are linked from the live output."""
    edit(root, "study-4.md", "model.", "model, again.")


def edit_a_title(root: Path) -> None:
    """A title edit: the lists change too."""
    edit(root, "study-2.md", "Study 2:", "Study two, edited:")


def add_delete_and_rename(root: Path) -> None:
    """Pages removed and added, a topic renamed (its page goes, another comes), a paper edited."""
    (root / "content/papers/study-3.md").unlink()
    (root / "content/papers/fresh.md").write_text(paper_md("Fresh agent", "An agent plans.", "2026-01-01"))
    topics = root / "content/topics.yaml"
    topics.write_text(topics.read_text(encoding="utf-8").replace("id: agents", "id: tool-agents"))
    edit(root, "study-4.md", "We study", "We closely study")


def edit_twice_then_lose_the_cache(root: Path) -> None:
    edit_twice(root)
    shutil.rmtree(root / ".sitegen-cache")  # no manifest: every file is written


def nothing(root: Path) -> None:
    pass


@dataclass(frozen=True)
class Scenario:
    name: str
    before: Callable[[Path], None]
    change: Callable[[Path], None]
    expect: tuple[str, ...]  # kinds of steps the build takes (the start of their names)
    progressive: bool = False  # as the dev server builds: paper pages published first
    fallback: bool = False  # the exchange unavailable: two renames
    forked: bool = False  # forked processes write some files


EDIT = ("claim the spare", "write new/", "place ", "link ", "exchange the versions", "keep the spare")
FALLBACK = (
    "rename the old version aside",
    "rename the new version into place",
    "rename the old version back",
)
SCENARIOS = [
    Scenario("one-paper-edit", edit_twice, edit_one, EDIT),
    Scenario("title-edit", edit_twice, edit_a_title, EDIT),
    Scenario("pages-added-removed-renamed", edit_twice, add_delete_and_rename, ("place ", "remove ")),
    Scenario("every-file-written", edit_twice_then_lose_the_cache, edit_one, ("claim the spare", "write ")),
    Scenario("first-build", nothing, nothing, ("make site", "rename the first version into place", "link ")),
    Scenario("dev-server-publishing-in-steps", edit_twice, edit_a_title, EDIT, progressive=True),
    Scenario("fallback-one-paper-edit", edit_twice, edit_one, FALLBACK, fallback=True),
    Scenario(
        "fallback-every-file-written", edit_twice_then_lose_the_cache, edit_one, FALLBACK, fallback=True
    ),
    Scenario(
        "fallback-first-build", nothing, nothing, ("rename the first version into place",), fallback=True
    ),
    Scenario("forked-writers", edit_twice, add_delete_and_rename, ("place ", "remove "), forked=True),
]


@dataclass
class Prepared:
    """A project ready for the build under test, saved so each stop starts from the same disk."""

    root: Path
    saved: Path
    scenario: Scenario
    old: Tree | None
    new: Tree
    between: list[Tree] = field(default_factory=list)  # versions a progressive build publishes
    steps: list[str] = field(default_factory=list)

    def restore(self) -> None:
        shutil.rmtree(self.root)
        # cp -a keeps times and the hard links between the output and the version kept beside it.
        subprocess.run(["cp", "-a", str(self.saved), str(self.root)], check=True)

    def build(self) -> None:
        """The build under test."""
        tuning = Tuning(parallel_from=1 if self.scenario.forked else 400)  # forked: two renderers
        if self.scenario.progressive:
            published = lambda paths: self.between.append(tree(self.root / "public"))  # noqa: E731
            build(self.root, published=published, tuning=tuning)
        else:
            build(self.root, tuning=tuning)


@pytest.fixture
def tmp_path(tmp_path: Path) -> Iterator[Path]:
    """A folder in memory where there is one (/dev/shm): each test builds and restores a project
    for every step, which a disk that discards freed blocks makes several times slower."""
    memory = Path("/dev/shm")
    if not (memory.is_dir() and os.access(memory, os.W_OK)):
        yield tmp_path
        return
    folder = Path(tempfile.mkdtemp(prefix="sitegen-test-publish-", dir=memory))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class Faults(list):  # type: ignore[type-arg]
    """The step hooks in force (the last one is called), for the build process `main` only (not
    the processes it forks)."""

    main = os.getpid()


@pytest.fixture
def faults(monkeypatch: pytest.MonkeyPatch) -> Iterator[Faults]:
    hooks = Faults()
    hooks.main = os.getpid()

    def hook(step: str) -> None:
        if hooks and os.getpid() == hooks.main:
            hooks[-1](step)

    monkeypatch.setattr(sitegen.write, "after_step", hook)
    yield hooks


def prepare(tmp_path: Path, scenario: Scenario, monkeypatch: pytest.MonkeyPatch, faults) -> Prepared:
    if scenario.fallback:
        monkeypatch.setattr(sitegen.write, "_renameat2", lambda: None)
    root = tmp_path / "project"
    make_project(root)
    scenario.before(root)
    old = tree(root / "public")
    scenario.change(root)
    build(root, "cold", use_cache=False)
    new = tree(root / "cold")
    assert new is not None
    shutil.rmtree(root / "cold")
    saved = tmp_path / "saved"
    subprocess.run(["cp", "-a", str(root), str(saved)], check=True)
    prepared = Prepared(root, saved, scenario, old, new)
    faults.append(prepared.steps.append)
    prepared.build()  # once through, counting the steps
    faults.clear()
    assert tree(root / "public") == new
    missing = [kind for kind in scenario.expect if not any(step.startswith(kind) for step in prepared.steps)]
    assert missing == [], prepared.steps
    if scenario.progressive:  # the paper pages, then the lists and data, then the search index
        assert prepared.steps.count("exchange the versions") == 3 and len(prepared.between) == 3
        assert prepared.between[0] not in (old, new) and prepared.between[-1] == new
    return prepared


def check_stopped(prepared: Prepared, step: str) -> None:
    """After a build stopped at `step`: the output is a whole version, and the next build makes
    the new site and leaves nothing behind."""
    root, out = prepared.root, prepared.root / "public"
    now = tree(out)
    if now is None and prepared.scenario.fallback and prepared.old is not None:
        sitegen.write.recover_output(out)  # what the next build does first
        now = tree(out)
        assert now == prepared.new, f"stopped after {step!r}: the version put back is not the new one"
    allowed = [prepared.old, prepared.new, *prepared.between]
    assert now in allowed, f"stopped after {step!r}: the output is neither the old nor the new site"
    build(root)
    assert tree(out) == prepared.new, f"stopped after {step!r}: the next build is not the new site"
    assert beside(root) == [], f"stopped after {step!r}: leftovers"


class Stop(BaseException):
    """An abort at a step (a BaseException, as KeyboardInterrupt is)."""


def raise_stop(step: str) -> None:
    raise Stop(step)


def kill_this_process(step: str) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class StopAt:
    """A step hook that calls `stop` at the step numbered `number` (from 0) of a build."""

    def __init__(self, number: int, stop: Callable[[str], None]) -> None:
        self.number, self.stop, self.seen = number, stop, 0

    def __call__(self, step: str) -> None:
        self.seen += 1
        if self.seen - 1 == self.number:
            self.stop(step)


SWITCHES = (
    "exchange the versions",
    "rename the new version into place",
    "rename the first version into place",
)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_a_build_aborted_at_any_step_leaves_a_whole_site(tmp_path, monkeypatch, faults, scenario):
    prepared = prepare(tmp_path, scenario, monkeypatch, faults)
    for number, step in enumerate(prepared.steps):
        prepared.restore()
        faults.append(StopAt(number, raise_stop))
        with pytest.raises(Stop):
            prepared.build()
        faults.clear()
        check_stopped(prepared, step)


@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if not s.forked], ids=lambda s: s.name)
def test_a_build_killed_at_any_step_leaves_a_whole_site(tmp_path, monkeypatch, faults, scenario):
    """A real SIGKILL of the build process at each step: no clean-up of any kind runs."""
    prepared = prepare(tmp_path, scenario, monkeypatch, faults)
    for number, step in enumerate(prepared.steps):
        prepared.restore()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the build process, killed at the step
            try:
                faults.main = os.getpid()
                faults.append(StopAt(number, kill_this_process))
                prepared.build()
            finally:
                os._exit(0)  # not killed: the test fails below
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, f"not killed at {step!r}"
        check_stopped(prepared, step)
    assert set(SWITCHES) & set(prepared.steps), "the switch itself is among the steps"


# --- the version kept beside the output ---------------------------------------------------------


def recorded_steps(action: Callable[[], object], faults: Faults) -> list[str]:
    steps: list[str] = []
    faults.append(steps.append)
    try:
        action()
    finally:
        faults.remove(steps.append)
    return steps


def test_the_version_before_is_kept_whole_beside_the_output_sharing_its_files(tmp_path, faults):
    root = tmp_path / "project"
    make_project(root)
    build(root)
    live, spare = root / "public", root / ".public.previous"
    assert tree(spare) == tree(live), "after a first build: the same files"
    assert {p.stat().st_ino for p in live.rglob("*") if p.is_file()} == {
        p.stat().st_ino for p in spare.rglob("*") if p.is_file()
    }, "hard links: no second copy on the disk"
    before = tree(live)
    edit_one(root)
    steps = recorded_steps(lambda: build(root), faults)
    assert tree(spare) == before, "the version before, whole"
    assert not [step for step in steps if step.startswith("link ")], "the spare held every kept file"
    written = [step for step in steps if step.startswith("write ")]
    # A one-paper edit writes and moves only what changed: a few pages and data files, and the
    # search index's manifest and the files holding the paper's terms, chunk and words.
    searched = [step for step in written if "/assets/search/" in step]
    assert len(written) - len(searched) < 10 and len(searched) <= 6, written


def test_a_spare_version_holding_anything_still_gives_the_new_site(tmp_path):
    """The spare is only a store of files told apart by identity: whatever it holds, the next
    version is exactly the new site."""
    root = tmp_path / "project"
    make_project(root)
    edit_twice(root)
    spare = root / ".public.previous"
    for page in list((spare / "papers").iterdir())[:3]:
        page.unlink()
        page.write_text("not what the build made", encoding="utf-8")  # a new file, not the live one
    (spare / "index.html").unlink()
    (spare / "index.html").mkdir()  # a folder where a file goes
    (spare / "index.html/stray.txt").write_text("x", encoding="utf-8")
    shutil.rmtree(spare / "topics")
    (spare / "topics").write_text("a file where a folder goes", encoding="utf-8")
    (spare / "stray/deep").mkdir(parents=True)
    (spare / "stray/deep/file.html").write_text("not built", encoding="utf-8")
    os.symlink(tmp_path, spare / "outside")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(spare / "assets")
    os.symlink(elsewhere, spare / "assets")  # a link where a folder the build writes into goes
    os.mkfifo(spare / "papers/pipe.html")
    edit_one(root)
    build(root)
    build(root, "cold", use_cache=False)
    assert tree(root / "public") == tree(root / "cold")
    assert beside(root) == []
    assert list(elsewhere.iterdir()) == [], "nothing written through the link"


def test_two_builds_at_once_each_publish_a_whole_site(tmp_path, faults):
    """A build that has taken the spare version waits while another builds the same output from
    nothing and switches it in; then it switches its own in. Both are whole sites."""
    root = tmp_path / "project"
    make_project(root)
    edit_twice(root)
    edit_one(root)
    build(root, "cold", use_cache=False)
    new = tree(root / "cold")
    paused, resume = os.pipe(), os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the first build, held after taking the spare
        code = 1
        try:
            faults.main = os.getpid()

            def hold(step: str) -> None:
                if step == "make new":
                    os.write(paused[1], b"x")
                    os.read(resume[0], 1)

            faults.append(hold)
            build(root)
            code = 0
        finally:
            os._exit(code)
    assert os.read(paused[0], 1) == b"x"
    assert not (root / ".public.previous").exists(), "the first build holds the spare"
    build(root)  # the second, from an empty next version
    assert tree(root / "public") == new
    os.write(resume[1], b"x")
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert tree(root / "public") == new
    build(root)
    assert tree(root / "public") == new and beside(root) == []


# --- real commands killed from outside ------------------------------------------------------

HELD_AT_STEP = """
import os, sys
import sitegen.write
signal_fd, step = int(sys.argv[1]), sys.argv[2]
def hold(done):
    if done == step:
        os.write(signal_fd, b"x")
        os.read(0, 1)  # until killed: nothing comes on standard input
sitegen.write.after_step = hold
from sitegen.cli import main
sys.exit(main(sys.argv[3:]))
"""


def held_command(root: Path, step: str, *args: str) -> tuple[subprocess.Popen[bytes], int]:
    """`sitegen ARGS` in a process of its own that stops at `step`; returns it and a pipe that
    gets a byte once it is there."""
    reader, writer = os.pipe()
    process = subprocess.Popen(
        [sys.executable, "-c", HELD_AT_STEP, str(writer), step, *args],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        pass_fds=(writer,),
        env={**os.environ, "TMPDIR": str(root.parent)},
    )
    os.close(writer)
    return process, reader


def kill_when_held(process: subprocess.Popen[bytes], reader: int) -> None:
    try:
        assert os.read(reader, 1) == b"x", "the command ended before the step"
        process.kill()  # SIGKILL, as kill -9
        assert process.wait(timeout=60) == -signal.SIGKILL
    finally:
        os.close(reader)
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


@pytest.mark.parametrize("step", ["place papers.json", "exchange the versions", "keep the spare version"])
def test_sitegen_build_killed_by_another_process_leaves_a_whole_site(tmp_path, step):
    root = tmp_path / "project"
    make_project(root)
    edit_twice(root)
    old = tree(root / "public")
    edit_one(root)
    build(root, "cold", use_cache=False)
    new = tree(root / "cold")
    kill_when_held(*held_command(root, step, "build"))
    assert tree(root / "public") == (old if step == "place papers.json" else new)
    build(root)
    assert tree(root / "public") == new and beside(root) == []


def test_sitegen_serve_killed_mid_rebuild_leaves_public_and_its_folder_is_removed_by_the_next(
    tmp_path, monkeypatch
):
    from sitegen.serve import PREVIEW_PREFIX, DevServer

    root = tmp_path / "project"
    make_project(root)
    build(root)
    published = tree(root / "public")
    process, reader = held_command(root, "exchange the versions", "serve", "--port", "0")
    assert process.stdout is not None
    for line in process.stdout:  # the preview's first build is done: it watches
        if line.startswith(b"Serving http"):
            break
    edit_one(root)  # its rebuild is held at its switch, and killed there
    kill_when_held(process, reader)
    assert tree(root / "public") == published, "serve never writes the published site"
    [dead] = tmp_path.glob(PREVIEW_PREFIX + "*")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    server = DevServer(root / "site.yaml", echo=lambda line: None)
    try:
        assert not dead.exists(), "the killed preview's folder is removed by the next serve"
        assert server.out.parent.exists()
    finally:
        server.stop()
