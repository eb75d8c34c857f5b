"""Build-side failures: each is one `error:` line naming the file (a template's file and line),
exit code 1, no traceback, and the previous site left as it was; files that cannot be papers or
templates are skipped with a warning."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import sitegen.build
import sitegen.write
from sitegen import urls
from sitegen.build import Tuning, build_site
from sitegen.config import load_config
from sitegen.errors import SitegenError
from tests.conftest import REPO, SITE_YAML, bind_unix_socket, file_tree
from tests.test_build import project_files
from tests.test_publish import tree

TEMPLATES = sorted(p.name for p in (REPO / "templates").glob("*.html"))


def one_error(code: int, err: str) -> str:
    """The single error line of a failed command."""
    assert code == 1, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


@pytest.fixture
def project(make_project) -> Path:
    root = make_project(
        {**project_files(), "my-templates/.keep": ""},
        site_yaml=SITE_YAML + "editor: true\npaths:\n  templates: my-templates\n",  # every template renders
    )
    return root


def built(run_cli, root: Path) -> dict[str, bytes | None] | None:
    code, _, err = run_cli(root, "build")
    assert code == 0, err
    return tree(root / "public")


# --- template errors that only rendering finds ------------------------------------------------

FAILING_EXPRESSIONS = {
    "an undefined attribute called": "{{ site.title.no_such_method() }}",
    "a filter given a value it cannot take": "{{ site.title | round }}",
    "a filter given a bad argument": "{{ site.title | wordwrap(0) }}",
    "a loop over a number": "{% for letter in 5 %}{% endfor %}",
    "a division by zero": "{{ 1 / 0 }}",
    "a template including itself": "{% include self_name %}",
    # A missing template is an OSError to Python, but the template's mistake, not the disk's.
    "an include of a missing template": '{% include "no-such.html" %}',
    "an import from a missing template": '{% from "no-such.html" import card %}',
    "an extends of a missing template": '{% extends "default/no-such.html" %}',
}


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("kind", FAILING_EXPRESSIONS)
def test_a_template_failing_while_rendering_is_one_error_naming_its_file_and_line(
    project, run_cli, template, kind
):
    before = built(run_cli, project)
    expression = FAILING_EXPRESSIONS[kind].replace("self_name", repr(template))
    (project / "my-templates" / template).write_text(f"<p>line one</p>\n{expression}\n", encoding="utf-8")
    line = one_error(*run_cli(project, "build")[::2])
    # named from the project's folder, as every other error names its file (it was the absolute path)
    assert line.startswith(f"error: my-templates/{template}:2: template error"), line
    assert tree(project / "public") == before


def test_a_template_failing_in_the_forked_renderer_is_one_error_too(project, run_cli):
    before = built(run_cli, project)
    (project / "my-templates/paper.html").write_text("{{ paper.title | round }}\n", encoding="utf-8")
    (project / "content/papers/endogen.md").write_text(
        (project / "content/papers/endogen.md").read_text(encoding="utf-8").replace("EndoGen", "EndoGen 2")
    )
    two_renderers = Tuning(parallel_from=1)  # paper pages rendered in two processes
    with pytest.raises(SitegenError) as raised:
        build_site(load_config(project / "site.yaml"), project / "public", tuning=two_renderers)
    [problem] = raised.value.problems  # one error, as the command shows it
    assert str(problem).startswith("my-templates/paper.html:1: template error") and "TypeError" in str(
        problem
    )
    assert str(raised.value).startswith("my-templates/paper.html:1: template error")
    assert tree(project / "public") == before


# --- files that cannot be papers or templates -------------------------------------------------


def special_files(folder: Path, stem: str, suffix: str) -> dict[str, str]:
    """Make in `folder` each kind of thing that is named like a file but cannot be read as one;
    returns name -> what the warning says of it."""
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    os.symlink(f"{stem}-loop{suffix}", folder / f"{stem}-loop{suffix}")
    made[f"{stem}-loop{suffix}"] = "a symbolic link that leads back to itself"
    os.symlink("nowhere", folder / f"{stem}-gone{suffix}")
    made[f"{stem}-gone{suffix}"] = "a symbolic link to a file that does not exist"
    os.mkfifo(folder / f"{stem}-pipe{suffix}")  # reading it would wait for ever
    made[f"{stem}-pipe{suffix}"] = "a named pipe, not a file"
    bind_unix_socket(folder, f"{stem}-socket{suffix}")
    made[f"{stem}-socket{suffix}"] = "a socket, not a file"
    return made


def test_special_files_among_the_papers_are_skipped_with_a_warning(project, run_cli):
    made = special_files(project / "content/papers", "odd", ".md")
    (project / "content/papers/folder.md").mkdir()
    made["folder.md"] = "a folder, not a file"
    code, out, err = run_cli(project, "build")
    assert code == 0, err
    for name, what in made.items():
        assert f"warning: content/papers/{name}: skipped: {what}" in out
    assert sorted(p.stem for p in (project / "public/papers").glob("*.html")) == sorted(
        ["agent-bench", "endogen", "index", "medsam-agent", "polyp-seg", "undated-notes"]
    )
    code, _, err = run_cli(project, "build", "--strict")
    assert code == 1 and err.startswith("error: warnings are errors with --strict") and "Traceback" not in err


def test_special_files_among_the_templates_are_skipped_with_a_warning(project, run_cli):
    made = special_files(project / "my-templates", "paper", ".html")
    made.update(
        {
            f"static/{name}": what
            for name, what in special_files(project / "my-templates/static", "x", ".css").items()
        }
    )
    os.mkfifo(project / "my-templates/home.html")  # would replace the built-in home page
    made["home.html"] = "a named pipe, not a file"
    code, out, err = run_cli(project, "build")
    assert code == 0, err
    for name, what in made.items():
        assert f"warning: my-templates/{name}: skipped: {what}" in out
    assert "A review used by the tests." in (project / "public/index.html").read_text(encoding="utf-8")
    assert not list((project / "public/assets").glob("x-*"))


def test_a_papers_folder_that_is_a_looping_link_is_one_error(make_project, run_cli):
    root = make_project(project_files())
    shutil.rmtree(root / "content/papers")
    os.symlink("papers", root / "content/papers")
    line = one_error(*run_cli(root, "build")[::2])
    assert "content/papers" in line


# --- the disk: full, read-only --------------------------------------------------------------


def test_a_full_disk_at_any_step_of_publishing_is_one_error_and_a_whole_site(project, run_cli, monkeypatch):
    before = built(run_cli, project)
    (project / "content/papers/endogen.md").write_text(
        (project / "content/papers/endogen.md").read_text(encoding="utf-8").replace("EndoGen", "EndoGen 2")
    )
    saved = project.parent / "saved"
    subprocess.run(["cp", "-a", str(project), str(saved)], check=True)
    steps: list[str] = []
    monkeypatch.setattr(sitegen.write, "after_step", steps.append)
    after = built(run_cli, project)
    assert len(steps) > 10
    for number in range(len(steps)):
        shutil.rmtree(project)
        subprocess.run(["cp", "-a", str(saved), str(project)], check=True)
        seen = [0]

        def full_disk(step: str, number: int = number, seen: list[int] = seen) -> None:
            seen[0] += 1
            if seen[0] - 1 == number:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(sitegen.write, "after_step", full_disk)
        code, _, err = run_cli(project, "build")
        monkeypatch.setattr(sitegen.write, "after_step", None)
        if code == 0:  # the failure came once the new site was in place: only tidying was left
            assert tree(project / "public") == after, steps[number]
        else:
            assert "No space left on device (free some disk space" in one_error(code, err), steps[number]
            assert tree(project / "public") in (before, after), steps[number]
        assert built(run_cli, project) == after


def unshared(script: str, root: Path) -> subprocess.CompletedProcess[str]:
    """Run a shell script in a mount namespace of its own (for tmpfs mounts that vanish with it)."""
    if shutil.which("unshare") is None:
        pytest.skip("no unshare(1)")
    command = ["unshare", "--mount", "--propagation", "private", "sh", "-ec", textwrap.dedent(script)]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=300, check=False)
    if "unshare failed" in done.stderr or "Operation not permitted" in done.stderr:
        pytest.skip(f"cannot make a mount namespace here: {done.stderr.strip()}")
    return done


SITEGEN = f"{sys.executable} -m sitegen"


def test_a_really_full_disk_under_the_output_is_one_error_and_the_site_stays(project):
    """A 2 MB filesystem holds the output; filled up, the next build fails with one error line
    and leaves the site as it was."""
    done = unshared(
        f"""
        mkdir -p disk
        mount -t tmpfs -o size=2m tmpfs disk
        {SITEGEN} build --out disk/public > /dev/null
        cp -a disk/public before
        dd if=/dev/zero of=disk/filler bs=4k 2> /dev/null || true
        sed -i 's/EndoGen/EndoGen 2/' content/papers/endogen.md
        {SITEGEN} build --out disk/public && exit 9
        diff -r before disk/public
        """,
        project,
    )
    assert done.returncode == 0, done.stderr
    line = one_error(1, done.stderr)
    assert "disk/" in line and "No space left on device" in line


def test_a_full_disk_under_the_cache_is_one_error_naming_the_cache(project):
    done = unshared(
        f"""
        mkdir -p .sitegen-cache
        mount -t tmpfs -o size=16k tmpfs .sitegen-cache
        {SITEGEN} build && exit 9
        exit 0
        """,
        project,
    )
    assert done.returncode == 0, done.stderr
    line = one_error(1, done.stderr)
    assert ".sitegen-cache" in line and "No space left on device" in line, line


def test_a_read_only_project_is_one_error(project, run_cli):
    built(run_cli, project)
    done = unshared(
        f"""
        sed -i 's/EndoGen/EndoGen 2/' content/papers/endogen.md
        mount --bind . .
        mount -o remount,bind,ro .
        {SITEGEN} build && exit 9
        exit 0
        """,
        project,
    )
    assert done.returncode == 0, done.stderr
    line = one_error(1, done.stderr)
    assert "Read-only file system" in line, line


# --- topic rules that backtrack without bound --------------------------------------------------

SLOW_TOPICS = """\
- id: letters
  title: Letters
  description: Papers about letters.
  rules:
    abstract:
      'letter': 1
      '(a|aa)+$': 1
"""


def test_a_rule_that_backtracks_without_bound_stops_the_build_naming_file_line_and_pattern(
    make_project, run_cli
):
    papers = {"content/papers/many-as.md": "---\ntitle: Many letters\n---\n" + "a" * 60 + "!\n"}
    root = make_project({"content/topics.yaml": SLOW_TOPICS, **papers})
    for command in (("build",), ("topics",)):
        line = one_error(*run_cli(root, *command)[::2])
        assert "content/topics.yaml:7: the pattern `(a|aa)+$` of topic `letters` took over" in line
        assert "content/papers/many-as.md" in line


def test_a_nested_repeat_the_regex_engine_bounds_does_not_slow_the_build(make_project):
    """`(a+)+$` takes Python's `re` twice as long for each more `a`; run with the `regex`
    package, as patterns with unbounded repeats are, it takes no time (a hang here fails)."""
    topics = SLOW_TOPICS.replace("(a|aa)+$", "(a+)+$")
    papers = {"content/papers/many-as.md": "---\ntitle: Many letters\n---\n" + "a" * 60 + "!\n"}
    root = make_project({"content/topics.yaml": topics, **papers})
    done = subprocess.run(
        [sys.executable, "-m", "sitegen", "build"], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    report = build_site(load_config(root / "site.yaml"), root / "again", use_cache=False)
    assert report.topics == 1


@pytest.mark.parametrize(
    ("pattern", "timed"),
    [
        ("segment(ation|ing|ed)\\b", False),
        ("\\w{0,15}", False),
        ("a.{0,5}b.{0,5}c", False),
        ("(pre-?)?train", False),
        ("downstream[^.]{0,60}segment", False),
        ("\\d+", True),
        ("agents?.*tools", True),
        ("(a|aa)+$", True),
        ("(a+)+$", True),
        ("(\\w{1,5} ){0,3}x", True),
        ("(foo|bar){2,9}", True),
        ("(x)\\1", True),
        ("[a-z]{0,40}[0-9]{0,40}[.]{0,40}", True),  # 68,921 ways at one position
    ],
)
def test_patterns_whose_backtracking_is_not_bounded_run_with_a_time_limit(pattern, timed):
    from sitegen.topics import _analyse

    assert _analyse(pattern)[3] is timed


# --- a bug in sitegen itself ---------------------------------------------------------------------

BUILD_STEPS = {  # where a bug can stop a build, in the order the build takes them
    "reading the papers": ("sitegen.engine.session", "Engine", "read_library"),
    "deriving topics and lists": ("sitegen.engine.session", "Engine", "derive"),
    "planning the outputs": ("sitegen.plan", None, "site_plan"),
    "rendering": ("sitegen.engine.making", "Making", "_render"),
    "the search index": ("sitegen.search", None, "build_search_bundle"),
    "saving the cache": ("sitegen.engine.store", "BuildState", "save"),  # once the site is published
}
PUBLISHED_BEFORE = {"saving the cache"}


@pytest.mark.parametrize("step", BUILD_STEPS)
def test_a_bug_in_any_step_of_a_build_is_one_error_line_and_leaves_a_whole_site(
    project, run_cli, monkeypatch, tmp_path, step
):
    """A bug (not a problem with the input) is still one `error:` line: what stopped, that the
    output is a whole build, and the file in the system's temporary folder holding the traceback.
    A bug before the site is published leaves the last one; after, the site is this build's."""
    import importlib
    import tempfile

    before = built(run_cli, project)
    paper = project / "content/papers/endogen.md"
    paper.write_text(paper.read_text(encoding="utf-8").replace("EndoGen", "EndoGen 2"), encoding="utf-8")
    module, owner, name = BUILD_STEPS[step]
    where = importlib.import_module(module)
    where = getattr(where, owner) if owner else where

    def bug(*args: object, **kwargs: object) -> None:
        raise RuntimeError("an injected bug\nwith a second line")

    monkeypatch.setattr(where, name, bug)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    code, _, err = run_cli(project, "build")
    assert code == 70 and "Traceback" not in err, err
    [line] = err.strip().splitlines()
    assert line.startswith("error: cannot build the site: sitegen stopped on an internal error "), line
    assert "(RuntimeError: an injected bug)" in line and "second line" not in line, line  # its first line
    assert "the output folder holds a whole build" in line and "This is a bug in sitegen" in line, line
    [report] = tmp_path.glob("sitegen-error-*.txt")
    assert f"the details are in {report}" in line
    details = report.read_text(encoding="utf-8")
    assert "Traceback" in details and "an injected bug" in details and "command: sitegen" in details
    if step not in PUBLISHED_BEFORE:
        assert tree(project / "public") == before
    else:
        build_site(load_config(project / "site.yaml"), project / "cold", use_cache=False)
        assert tree(project / "public") == tree(project / "cold")


# Cache folders that are, hold or lie in a folder of the project's own: (paths.cache, the folder).
CACHE_CLASHES = [
    ("content", "paths.content"),
    ("content/papers", "paths.content"),
    ("my-templates", "paths.templates"),
    ("my-templates/cache", "paths.templates"),
    ("public", "paths.output"),
    ("public/cache", "paths.output"),
    (".", "the project folder"),
    ("..", "the project folder"),
]


@pytest.mark.parametrize(("cache", "folder"), CACHE_CLASHES)
def test_a_cache_folder_in_a_folder_of_the_projects_own_is_one_error_line(
    make_project, run_cli, cache, folder
):
    """The cache folder is filled by every build and may be deleted at any time: one inside the
    content (pickles among the paper files) or the output, or holding the project, is refused."""
    site = SITE_YAML + f"paths:\n  templates: my-templates\n  cache: {cache}\n"
    paper = "---\ntitle: A paper\n---\nAn abstract.\n"
    project = make_project({"content/papers/a.md": paper, "my-templates/.keep": ""}, site_yaml=site)
    before = file_tree(project)
    code, _, err = run_cli(project, "build")
    assert code == 1 and len(err.strip().splitlines()) == 1, err
    assert err.startswith("error: site.yaml:7: `paths.cache`: ") and folder in err, err
    assert file_tree(project) == before


@pytest.mark.parametrize("slug", sorted(urls.RESERVED_SLUGS))
def test_a_paper_file_named_as_a_page_of_the_sites_own_is_one_error_line(make_project, run_cli, slug):
    """papers/index.md's page would be papers/index.html, the list of all papers: refused."""
    paper = "---\ntitle: A paper\n---\nAn abstract.\n"
    topics = (REPO / "content" / "topics.yaml").read_text(encoding="utf-8")
    files = {f"content/papers/{slug}.md": paper, "content/papers/b.md": paper, "content/topics.yaml": topics}
    project = make_project(files)
    code, _, err = run_cli(project, "build")
    assert code == 1 and err.startswith(
        f"error: content/papers/{slug}.md: the file name `{slug}.md` is reserved"
    )
    assert not (project / "public").exists()


@pytest.mark.parametrize("slug", sorted(urls.RESERVED_SLUGS))
def test_the_importer_never_names_a_page_as_a_page_of_the_sites_own(make_project, run_cli, tmp_path, slug):
    listing = tmp_path / "refs.bib"
    listing.write_text(
        f"@article{{k, title = {{{slug.title()}: A Lung Atlas}}, year = 2020}}\n", encoding="utf-8"
    )
    project = make_project()
    code, _, err = run_cli(project, "import", listing)
    assert code == 0, err
    [page] = (project / "content" / "papers").glob("*.md")
    assert page.stem != slug and page.stem.startswith(slug)
    code, _, err = run_cli(project, "build")
    assert code == 0, err


CONTROL_CHARACTERS = ["\x00", "\x07", "\x1b", "\x7f", "\ufffe"]


@pytest.mark.parametrize("character", CONTROL_CHARACTERS, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("where", ["site.yaml", "content/papers/a.md", "content/topics.yaml"])
def test_a_control_character_yaml_refuses_is_one_error_line_at_its_line(
    make_project, run_cli, where, character
):
    """Pasted from a PDF, a control character made PyYAML's reader fail: an internal error for
    site.yaml (exit 70), a message of two lines and no line number for the others."""
    import yaml

    with pytest.raises(yaml.reader.ReaderError):  # YAML's own reader refuses it
        yaml.safe_load(f"a: b{character}c")
    paper = "---\ntitle: A paper\nvenue: Radiology\n---\nAn abstract.\n"
    topics = (
        "- id: seg\n  title: Segmentation\n  description: Papers on segmentation.\n"
        "  rules:\n    title:\n      segment: 4\n"
    )
    project = make_project({"content/papers/a.md": paper, "content/topics.yaml": topics})
    path = project / where
    text = path.read_text(encoding="utf-8")
    line = 3 if where != "site.yaml" else 2
    lines = text.split("\n")
    lines[line - 1] = lines[line - 1].replace(":", ": x" + character, 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    before = file_tree(project)
    code, _, err = run_cli(project, "build")
    assert code == 1 and len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"error: {where}:{line}: a control character (U+{ord(character):04X})"), err
    assert file_tree(project) == before


def built_with_a_paper_at(make_project, run_cli, name: str) -> str:
    """What `sitegen build` prints for a project with content/papers/a.md and a paper at `name`."""
    paper = "---\ntitle: A paper\n---\nAn abstract.\n"
    topics = (REPO / "content" / "topics.yaml").read_text(encoding="utf-8")
    project = make_project(
        {"content/papers/a.md": paper, f"content/papers/{name}": paper, "content/topics.yaml": topics}
    )
    code, out, err = run_cli(project, "build")
    assert code == 0, err
    return out


@pytest.mark.parametrize(
    ("name", "warned"),
    [("b.MD", True), ("b.Md", True), ("b.markdown", True), ("b.mdown", True), (".b.md", False),
     (".#b.md", False), ("b.md.swp", False), ("notes.txt", False), ("b.md~", False)],
)  # fmt: skip
def test_a_markdown_file_not_named_as_a_paper_is_said_skipped(make_project, run_cli, name, warned):
    """`bora.MD` or `bora.markdown` is not read (a paper's file ends in `.md`): the paper would
    vanish from the site without a word. Hidden files and others are left unsaid."""
    out = built_with_a_paper_at(make_project, run_cli, name)
    said = [line for line in out.splitlines() if "not read as a paper" in line]
    wanted = f"warning: content/papers/{name}: skipped: not read as a paper, whose file's name ends in `.md`"
    assert said == ([f"{wanted} (rename it `b.md`)"] if warned else [])
    assert "built 1 papers" in out


@pytest.mark.parametrize(
    ("name", "warned"),
    [("sub/b.md", True), ("sub/deeper/b.md", True), ("sub/b.markdown", True), (".hidden/b.md", False),
     ("images/b.png", False), ("sub/.hidden/b.md", False)],
)  # fmt: skip
def test_paper_files_in_a_folder_inside_the_papers_folder_are_said_skipped(
    make_project, run_cli, name, warned
):
    """`content/papers/sub/bora.md` was not read, and the paper left the site without a word."""
    out = built_with_a_paper_at(make_project, run_cli, name)
    said = [line for line in out.splitlines() if "skipped: a folder" in line]
    folder = name.split("/")[0]
    wanted = (
        f"warning: content/papers/{folder}: skipped: a folder of Markdown files; paper files in a folder "
        "inside the papers folder are not read (move its `.md` files up into content/papers/)"
    )
    assert said == ([wanted] if warned else [])
    assert "built 1 papers" in out


@pytest.mark.parametrize("out", ["public/sub", ".public.previous", "public/.x"])
def test_an_out_folder_in_the_sites_own_output_or_its_kept_version_is_one_error_line(
    make_project, run_cli, out
):
    """`--out public/sub` wrote a second site inside the live one (the next build removed it);
    `--out .public.previous` built into the version kept beside it."""
    paper = "---\ntitle: A paper\n---\nAn abstract.\n"
    topics = (REPO / "content" / "topics.yaml").read_text(encoding="utf-8")
    project = make_project({"content/papers/a.md": paper, "content/topics.yaml": topics})
    assert run_cli(project, "build")[0] == 0
    assert run_cli(project, "build")[0] == 0  # the kept version is there too
    before = file_tree(project)
    code, _, err = run_cli(project, "build", "--out", out)
    assert (
        code == 1 and err.startswith("error: `--out`: refusing to build into") and len(err.splitlines()) == 1
    )
    assert file_tree(project) == before
    assert run_cli(project, "build", "--out", "elsewhere")[0] == 0


TEMPLATE_MISTAKES = {
    "Latin-1": (
        "paper.html",
        '{% extends "default/paper.html" %}\n{# caf\xe9 #}\n'.encode("latin-1"),
        2,
        "not UTF-8 text",
    ),
    "binary": ("base.html", bytes(range(128, 256)) * 2, 1, "not UTF-8 text"),
    "extends itself": ("paper.html", b'{# mine #}\n{% extends "paper.html" %}\n', 2, "extends itself"),
    "an image beside them": ("logo.png", bytes(range(256)), None, None),  # not a template: no error
}


@pytest.mark.parametrize("mistake", TEMPLATE_MISTAKES)
def test_a_template_jinja_cannot_use_is_named_with_its_line(make_project, run_cli, mistake):
    """A template saved as Latin-1, a binary one, one that extends itself: Jinja's error named
    another file (the built-in one), or no line, or blamed an expression."""
    name, data, line, said = TEMPLATE_MISTAKES[mistake]
    paper = "---\ntitle: A paper\n---\nAn abstract.\n"
    topics = (REPO / "content" / "topics.yaml").read_text(encoding="utf-8")
    site = SITE_YAML + "paths:\n  templates: my-templates\n"
    project = make_project({"content/papers/a.md": paper, "content/topics.yaml": topics}, site_yaml=site)
    (project / "my-templates").mkdir()
    (project / "my-templates" / name).write_bytes(data)
    code, _, err = run_cli(project, "build")
    if said is None:
        assert code == 0, err
        return
    assert code == 1 and err.startswith(f"error: my-templates/{name}:{line}: ") and said in err, err
    assert len(err.strip().splitlines()) == 1


def test_a_topics_file_that_is_a_folder_is_said_to_be_one(make_project, run_cli):
    paper = "---\ntitle: A paper\n---\nAn abstract.\n"
    project = make_project({"content/papers/a.md": paper, "content/topics.yaml/notes.txt": "x\n"})
    code, _, err = run_cli(project, "build")
    assert code == 1 and err.startswith("error: content/topics.yaml: the topics file is a folder"), err


@pytest.mark.parametrize("parallel_from", [1, 10**9], ids=["papers read in two processes", "read in one"])
def test_a_broken_topics_file_is_said_with_the_papers_problems(make_project, tmp_path, parallel_from):
    """A topics.yaml problem was said only once the papers' problems were fixed (or, with many
    papers, alone, the papers' waiting): the editor fixed one file per build."""
    paper = "---\ntitle: A paper {}\n---\nAn abstract.\n"
    papers = {f"content/papers/p{number}.md": paper.format(number) for number in range(3)}
    papers["content/papers/p1.md"] = "---\ntitle: A paper\nupvotes: many\n---\nAn abstract.\n"
    root = make_project({"content/topics.yaml": "- id: [broken\n", **papers})
    with pytest.raises(SitegenError) as raised:
        build_site(
            load_config(root / "site.yaml"), tmp_path / "out", tuning=Tuning(parallel_from=parallel_from)
        )
    assert [(problem.path, problem.line) for problem in raised.value.problems] == [
        ("content/topics.yaml", 1),
        ("content/papers/p1.md", 3),
    ]
