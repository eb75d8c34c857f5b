"""`sitegen new FOLDER`: a review's project from nothing, which imports and builds straight away;
what it is given comes back from site.yaml as given; nothing that is there is ever changed."""

from __future__ import annotations

import random
import re
import subprocess
from pathlib import Path

import pytest
from conftest import file_tree

from sitegen.config import CONFIG_NAME, EXAMPLE_DOMAINS, load_config
from sitegen.newsite import title_of_folder

LISTINGS = Path(__file__).parent / "data" / "listings"
FIELDS = ("title", "description", "author")

# What YAML reads as something else, or as the end of a value, when written bare.
YAML_FRAGMENTS = (
    "'",
    '"',
    "\\",
    ": ",
    " #",
    "#",
    "- ",
    "? ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a",
    "*a",
    "!!str",
    "!",
    "%YAML",
    "@",
    "`",
    "|",
    ">",
    "---",
    "...",
    "yes",
    "no",
    "null",
    "~",
    "true",
    "0x1F",
    "1e3",
    "2024-01-02",
    "\n",
    "\r\n",
    "\t",
    "\x00",
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9f",
    "\u00a0",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\ufffe",
    "é",
    "Ωμέγα",
    "中文",
    "\u202eRTL",
    "😀",
    "<script>",
    "{title}",
    "{0}",
    "%s",
)


def new_site(run_cli, cwd: Path, *args: str) -> tuple[int, str, str]:
    return run_cli(cwd, "new", *args)


def test_a_new_site_imports_and_builds_straight_away(tmp_path, run_cli):
    code, out, err = new_site(run_cli, tmp_path, "lung-nodule_review")
    assert (code, err) == (0, "")
    site = tmp_path / "lung-nodule_review"
    assert {path.relative_to(site).as_posix() for path in site.rglob("*")} == {
        ".gitignore",
        "content",
        "content/papers",
        "content/topics.yaml",
        CONFIG_NAME,
    }
    assert "next: cd lung-nodule_review && sitegen import LISTING" in out
    loaded = load_config(site / CONFIG_NAME)
    assert loaded.config.title == "Lung nodule review"
    [warning] = loaded.warnings  # the stand-in address, until the review's own is set
    assert warning.line == 7 and "example address" in str(warning)
    code, _, err = run_cli(site, "import", LISTINGS / "dump.txt")
    assert code == 0 and "no site.yaml" not in err
    code, out, err = run_cli(site, "build")
    assert code == 0 and out.startswith("warning: site.yaml:7: `base_url`: is an example address")
    assert (site / "public/index.html").is_file() and any((site / "public/papers").glob("*.html"))
    code, _, err = run_cli(site, "build", "--strict")
    assert code == 1 and err.startswith("error: site.yaml:7: `base_url`: is an example address")
    assert err.endswith("; a warning, an error with --strict\n") and err.count("\n") == 1
    code, _, _ = run_cli(site, "build")  # a second build leaves the version before beside the site
    assert code == 0 and any(path.name.startswith(".public.") for path in site.iterdir())
    # git itself says what the .gitignore leaves to commit: what the editor wrote, nothing built.
    subprocess.run(["git", "init", "-q"], cwd=site, check=True)
    status = ["git", "status", "--porcelain", "--untracked-files=all"]
    listed = subprocess.run(status, cwd=site, check=True, capture_output=True, text=True).stdout
    committed = {line[3:].split("/")[0] for line in listed.splitlines()}
    assert committed == {".gitignore", CONFIG_NAME, "content"}


@pytest.mark.parametrize("field", [*FIELDS, "base_url"])
def test_every_value_given_comes_back_from_site_yaml_as_given(tmp_path, run_cli, field):
    """Each YAML-significant fragment alone, then random mixes of them with words, in each field."""
    rng = random.Random(field)
    words = ("Lung", "nodule", "review", "of", "x")
    mixes = ["".join(rng.choice(YAML_FRAGMENTS + words) for _ in range(rng.randint(2, 8))) for _ in range(40)]
    for number, text in enumerate([*YAML_FRAGMENTS, *mixes]):
        # An address's path holds no space, `?` or `#` (base_url is a folder's address)
        value = "https://example.net/" + re.sub(r"[\s?#]", "", text) if field == "base_url" else f"{text} x"
        flag = "--" + field.replace("_", "-")
        code, _, err = new_site(run_cli, tmp_path, f"site-{number}", flag, value)
        assert (code, err) == (0, ""), (value, err)
        config = load_config(tmp_path / f"site-{number}" / CONFIG_NAME).config
        wanted = value.strip()  # as site.yaml's values are read
        if field == "base_url" and not wanted.endswith("/"):
            wanted += "/"
        assert getattr(config, field) == wanted, value


def test_a_folder_with_a_site_is_refused_and_left_as_it_was(tmp_path, run_cli):
    files = {
        CONFIG_NAME: "title: Mine\n",
        "content/topics.yaml": "- id: mine\n",
        "content/papers/one.md": "---\ntitle: One\n---\nText.\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    before = file_tree(tmp_path)
    code, out, err = new_site(run_cli, tmp_path, ".")
    assert (code, out) == (1, "")
    assert err == (
        f"error: {CONFIG_NAME}: a site is here already; nothing was changed "
        "(edit it, or run `sitegen new` with another folder)\n"
    )
    assert file_tree(tmp_path) == before
    (tmp_path / CONFIG_NAME).unlink()
    (tmp_path / CONFIG_NAME).symlink_to(tmp_path / "nowhere.yaml")  # a dangling link is a site too
    assert new_site(run_cli, tmp_path, ".")[0] == 1 and not (tmp_path / "nowhere.yaml").exists()


@pytest.mark.parametrize("name", ["", " ", "\t"])
def test_an_empty_folder_name_is_an_error_not_the_current_folder(tmp_path, run_cli, name):
    """`sitegen new ""` (an unset shell variable) would otherwise make the site here, as `new .` does."""
    code, out, err = run_cli(tmp_path, "new", name)
    assert (code, out) == (1, "")
    assert (
        err.startswith("error: the folder name is empty (give the new site's folder") and err.count("\n") == 1
    )
    assert file_tree(tmp_path) == {} and list(tmp_path.iterdir()) == []


def test_papers_imported_before_a_site_keep_their_files(tmp_path, run_cli):
    code, _, err = run_cli(tmp_path, "import", LISTINGS / "dump.txt")
    assert code == 0 and "note: no site.yaml here: `sitegen new .` makes one" in err
    (tmp_path / "content/topics.yaml").write_text(
        (tmp_path / "content/topics.yaml").read_text(encoding="utf-8") + "# tuned by hand\n", encoding="utf-8"
    )
    before = file_tree(tmp_path / "content")
    code, out, err = new_site(run_cli, tmp_path, ".", "--base-url", "https://reviews.hospital.test/lung/")
    assert (code, err) == (0, "")
    assert "kept content/topics.yaml" in out and "created site.yaml" in out and "cd " not in out
    assert "note: replace the stand-in title, description and author in site.yaml" in out
    assert file_tree(tmp_path / "content") == before
    code, out, _ = run_cli(tmp_path, "build", "--strict")
    assert code == 0 and "warning" not in out


@pytest.mark.parametrize(
    "flags",
    [
        ("--base-url", "ftp://example.net/"),
        ("--base-url", "review.org"),
        ("--base-url", ""),
        ("--title", "  "),
        ("--author", ""),
        ("--description", "\n"),
    ],
)
def test_a_bad_value_is_one_error_and_writes_nothing(tmp_path, run_cli, flags):
    code, out, err = new_site(run_cli, tmp_path, "review", *flags)
    assert (code, out) == (1, "")
    assert err.startswith(f"error: {flags[0]} must ") and err.count("\n") == 1
    assert not (tmp_path / "review").exists()


@pytest.mark.parametrize(
    "name, title",
    [("lung-nodule_review", "Lung nodule review"), ("CT  scans", "CT scans"), ("émile--zola", "Émile zola")],
)
def test_the_title_is_worked_out_from_the_folder(tmp_path, name, title):
    assert title_of_folder(tmp_path / name) == title


def test_an_address_under_a_domain_for_examples_is_a_warning(make_project):
    """Every domain reserved for examples, and names under them, warn; others (lookalikes too) do not."""
    examples = [*EXAMPLE_DOMAINS, *(f"review.{domain}" for domain in EXAMPLE_DOMAINS), "lab.example"]
    others = ["examples.org", "myexample.com", "example.org.hospital.net", "example", "github.io"]
    for host in examples + others:
        root = make_project()
        config = root / CONFIG_NAME
        text = config.read_text(encoding="utf-8")
        start = text.index("base_url:")
        end = text.index("\n", start)
        config.write_text(f"{text[:start]}base_url: https://{host}/review/{text[end:]}", encoding="utf-8")
        warned = [str(problem) for problem in load_config(config).warnings if problem.key == "base_url"]
        assert bool(warned) == (host in examples), host


def test_new_never_writes_through_a_link(tmp_path, run_cli):
    """A .gitignore that is a link (to a file elsewhere) is kept, and what it leads to is not written."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("mine\n", encoding="utf-8")
    (tmp_path / "review").mkdir()
    (tmp_path / "review/.gitignore").symlink_to(elsewhere)
    code, out, _ = new_site(run_cli, tmp_path, "review")
    assert code == 0 and "kept review/.gitignore" in out
    assert elsewhere.read_text(encoding="utf-8") == "mine\n"


def test_without_hard_links_the_files_are_made_all_the_same(tmp_path, run_cli, monkeypatch):
    """Where links cannot be made (FAT, some network filesystems), each file is created exclusively."""
    import errno

    import sitegen.atomic

    def no_links(*args: object) -> None:
        raise OSError(errno.EPERM, "hard links not supported")

    monkeypatch.setattr(sitegen.atomic.os, "link", no_links)
    code, _, err = new_site(run_cli, tmp_path, "review", "--base-url", "https://reviews.hospital.test/")
    assert (code, err) == (0, "")
    assert load_config(tmp_path / "review" / CONFIG_NAME).warnings == ()
    assert sorted(path.name for path in (tmp_path / "review").rglob("*")) == [
        ".gitignore",
        "content",
        "papers",
        CONFIG_NAME,
        "topics.yaml",
    ]  # and no temporary file left beside them
