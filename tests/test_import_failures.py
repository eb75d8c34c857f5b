"""Import failures are one `error:` line and exit code 1, never a traceback or a hang; content intact.

Generated: every kind of special file at every place the importer reads, every part of the
import state given every wrong type, and a write failure injected at every file of an import.
"""

import codecs
import errno
import json
import os
import shutil
from pathlib import Path

import pytest

from sitegen import importer
from tests.conftest import bind_unix_socket

DATA = Path(__file__).parent / "data" / "listings"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def project(make_project, run_cli, tmp_path):
    root = make_project()
    shutil.copy(DATA / "daily.txt", tmp_path / "daily.txt")
    code, _, err = run_cli(root, "import", tmp_path / "daily.txt")
    assert code == 0, err
    return root


def make_special(path: Path, kind: str) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        bind_unix_socket(path.parent, path.name)
    elif kind == "folder":
        path.mkdir()
    elif kind == "loop":
        path.symlink_to(path.name)
    elif kind == "broken link":
        path.symlink_to("nowhere-at-all")


SKIPPED = ["fifo", "socket", "folder"]  # special files in content/ are skipped with a warning
REFUSED = ["loop", "broken link"]  # a link that leads nowhere is an error, but among the papers
PLACES = ["content/papers/x.md", "content/sources/x.txt"]


@pytest.mark.timeout(30)
@pytest.mark.parametrize("kind", SKIPPED)
@pytest.mark.parametrize("place", PLACES)
def test_a_special_file_in_content_is_skipped_with_a_warning_and_never_opened(project, run_cli, place, kind):
    make_special(project / place, kind)
    before = snapshot(project / "content")
    code, out, err = run_cli(project, "import")
    assert code == 0, err
    assert f"warning: {place}: skipped: it is" in err
    assert snapshot(project / "content") == before and "0 created, 0 updated, 4 unchanged" in out


@pytest.mark.timeout(30)
@pytest.mark.parametrize("kind", REFUSED)
def test_a_link_leading_nowhere_among_the_papers_is_skipped_with_a_warning_as_the_build_skips_it(
    project, run_cli, kind
):
    place = "content/papers/x.md"
    make_special(project / place, kind)
    before = snapshot(project / "content")
    code, out, err = run_cli(project, "import")
    assert code == 0 and f"warning: {place}: skipped: it is a symbolic link" in err, err
    assert snapshot(project / "content") == before and "0 created, 0 updated, 4 unchanged" in out
    code, out, err = run_cli(project, "build")  # (its warnings come with its report)
    assert code == 0 and f"warning: {place}: skipped: a symbolic link" in out + err, (out, err)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("kind", REFUSED)
@pytest.mark.parametrize("place", ["content/sources/x.txt", "content/.import-state.json"])
def test_a_link_leading_nowhere_is_one_error_line(project, run_cli, place, kind):
    if place.endswith(".json"):
        (project / place).unlink()
    make_special(project / place, kind)
    before = snapshot(project / "content")
    code, _, err = run_cli(project, "import")
    assert code == 1
    assert err.startswith(f"error: {place}: is a ") and len(err.strip().splitlines()) == 1
    assert snapshot(project / "content") == before


@pytest.mark.timeout(30)
@pytest.mark.parametrize("kind", SKIPPED + REFUSED)
def test_a_special_file_named_as_a_listing_or_as_the_state_is_one_error_line(
    project, run_cli, tmp_path, kind
):
    make_special(tmp_path / "special.txt", kind)
    code, _, err = run_cli(project, "import", tmp_path / "special.txt")
    assert code == 1 and err.startswith("error: ") and "special.txt" in err
    assert len(err.strip().splitlines()) == 1
    state = project / "content" / ".import-state.json"
    state.unlink()
    make_special(state, kind)
    code, _, err = run_cli(project, "import")
    assert code == 1 and err.startswith("error: content/.import-state.json: ")
    assert len(err.strip().splitlines()) == 1


def paths(value, prefix=()):
    """Every place in a JSON value, one paper record's worth (the others are alike)."""
    yield prefix
    if isinstance(value, dict):
        items = list(value.items())
        if prefix == ("papers",) or prefix == ("sources",):
            items = items[:1]
        for key, inner in items:
            yield from paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value[:1]):
            yield from paths(inner, (*prefix, index))


def replaced(value, path, new):
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = replaced(value[path[0]], path[1:], new)
    return copy


WRONG = [None, 7, "text", [], {}, True]


def test_an_import_state_of_any_wrong_shape_is_one_error_line_or_harmless(project, run_cli):
    state_path = project / "content" / ".import-state.json"
    state = json.loads(state_path.read_text(encoding="utf-8"))
    places = list(paths(state))
    assert len(places) > 20
    failures = 0
    for place in places:
        for wrong in WRONG:
            broken = replaced(state, place, wrong)
            if broken == state:
                continue
            state_path.write_text(json.dumps(broken, indent=1), encoding="utf-8")
            before = snapshot(project / "content")
            code, _, err = run_cli(project, "import")  # a traceback fails the test here
            if code == 1:
                failures += 1
                assert err.startswith("error: content/.import-state.json"), (place, wrong, err)
                assert "wrong shape" in err or "valid JSON" in err
                assert len(err.strip().splitlines()) == 1 and snapshot(project / "content") == before
            else:
                assert code == 0, (place, wrong, err)
            state_path.write_text(json.dumps(state, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert failures > 50


def test_the_error_names_the_line_of_the_bad_part_of_the_state(project, run_cli):
    state_path = project / "content" / ".import-state.json"
    state = json.loads(state_path.read_text(encoding="utf-8"))
    state["papers"]["cardiobench"]["keys"]["titles"] = "CardioBench"
    text = json.dumps(state, indent=1, sort_keys=True)
    state_path.write_text(text, encoding="utf-8")
    code, _, err = run_cli(project, "import")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if '"titles": "CardioBench"' in row)
    assert code == 1 and f"error: content/.import-state.json:{line}: " in err
    assert "`papers.cardiobench.keys.titles` should be a list of texts" in err


@pytest.fixture
def listing(tmp_path):
    """A listing of 3 papers: its import writes 6 files (papers, the listing's copy, topics, state)."""
    shutil.copy(DATA / "dump.txt", tmp_path / "dump.txt")
    return tmp_path / "dump.txt"


def one_error(code: int, err: str) -> str:
    (error,) = [line for line in err.splitlines() if line.startswith("error")]
    assert code == 1 and error == err.splitlines()[-1]
    return error


@pytest.mark.parametrize("step", range(6))
def test_a_full_disk_at_any_file_of_an_import_changes_nothing(
    make_project, run_cli, listing, monkeypatch, step
):
    project = make_project()
    writes = importer.write_temporary
    calls = []

    def full_disk(path, text):
        calls.append(path)
        if len(calls) == step + 1:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return writes(path, text)

    monkeypatch.setattr(importer, "write_temporary", full_disk)
    code, _, err = run_cli(project, "import", listing)
    assert len(calls) == step + 1
    assert "No space left on device; nothing was changed" in one_error(code, err)
    left = [p for p in project.rglob("*") if p.is_file() and p.name != "site.yaml"]
    assert left == []  # no temporary file left behind, no file written


@pytest.mark.parametrize("step", range(6))
def test_a_failed_rename_is_one_error_line_and_the_next_import_finishes_the_job(
    make_project, run_cli, tmp_path, listing, monkeypatch, step
):
    project = make_project()
    clean = tmp_path / "clean"
    code, _, _ = run_cli(project, "import", "--content", clean, listing)
    assert code == 0
    renames = []
    real = os.replace

    def failing(source, target):
        renames.append(target)
        if len(renames) == step + 1:
            raise OSError(errno.EIO, "Input/output error")
        real(source, target)

    monkeypatch.setattr(importer.os, "replace", failing)
    code, _, err = run_cli(project, "import", listing)
    monkeypatch.setattr(importer.os, "replace", real)
    assert "Input/output error" in one_error(code, err)
    assert not [p for p in project.rglob("*.tmp")]
    code, _, err = run_cli(project, "import", listing)
    assert code == 0, err
    assert snapshot(project / "content") == snapshot(clean)


ENCODINGS = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "utf-8-sig"]
TITLE = "Über die Segmentierung: ein Überblick"
LISTINGS = {
    "refs.ris": f"TY  - JOUR\nTI  - {TITLE}\nAU  - Müller, Anna\nPY  - 2019/03/15/\nER  - \n",
    "refs.bib": f"@article{{k, title = {{{TITLE}}}, author = {{Müller, Anna}}, year = 2019}}\n",
    "daily.txt": (DATA / "daily.txt").read_text(encoding="utf-8"),
}


def encoded(text: str, encoding: str, newline: str) -> bytes:
    """`text` as a program saving "Unicode" writes it: with the byte order mark of its encoding."""
    data = text.replace("\n", newline).encode(encoding)
    marks = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
             "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}  # fmt: skip
    return marks.get(encoding, b"") + data  # (utf-16, utf-32 and utf-8-sig write their own)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("name", list(LISTINGS))
def test_a_listing_saved_as_utf16_or_utf32_with_its_mark_reads_as_its_utf8_text(
    make_project, run_cli, tmp_path, name, encoding, newline
):
    plain, marked = tmp_path / "plain", tmp_path / "marked"
    for folder, data in (
        (plain, LISTINGS[name].encode("utf-8")),
        (marked, encoded(LISTINGS[name], encoding, newline)),
    ):
        folder.mkdir()
        (folder / name).write_bytes(data)
    expected = make_project()
    code, _, err = run_cli(expected, "import", plain / name)
    assert code == 0, err
    pages = snapshot(expected / "content" / "papers")
    shutil.rmtree(expected / "content")
    code, _, err = run_cli(expected, "import", marked / name)
    assert code == 0, err
    assert snapshot(expected / "content" / "papers") == pages
    assert (expected / "content" / "sources" / name).read_text(encoding="utf-8") == LISTINGS[name]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_its_mark_is_one_error_line_saying_so(project, run_cli, tmp_path, encoding):
    (tmp_path / "refs.ris").write_bytes(LISTINGS["refs.ris"].encode(encoding))
    code, _, err = run_cli(project, "import", tmp_path / "refs.ris")
    assert code == 1 and "UTF-16 text without a byte order mark" in err and "save the listing as UTF-8" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("depth", [900, 5_000, 100_000])
@pytest.mark.parametrize("where", ["a CSL-JSON listing", "the import state"])
def test_json_nested_too_deeply_is_one_error_line(project, run_cli, tmp_path, where, depth):
    """Python's JSON reader (and what walks its values) recurses: a file nested thousands deep
    stopped the import with an internal error."""
    nested = "[" * depth + "]" * depth
    listing = tmp_path / "deep.json"
    if where == "the import state":
        (project / "content" / ".import-state.json").write_text(nested, encoding="utf-8")
        listing.write_text('[{"id": "a", "title": "A paper"}]', encoding="utf-8")
    else:
        listing.write_text(f'[{{"id": "a", "title": "A paper", "note": {nested}}}]', encoding="utf-8")
    before = snapshot(project / "content")
    code, _, err = run_cli(project, "import", listing)
    assert code == 1 and err.startswith("error: ") and len(err.strip().splitlines()) == 1, err
    assert snapshot(project / "content") == before
