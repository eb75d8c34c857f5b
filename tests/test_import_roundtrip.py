"""Re-importing keeps a hand-edited file as the editor wrote it, changing only the fields that change.

A generated sweep: every field the importer writes, added, changed and removed, in a file with
comments everywhere and flow lists, read back by PyYAML (not the ruamel.yaml that wrote it).
"""

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from sitegen import schema
from sitegen.importer import IMPORTED
from sitegen.paperedit import edit_paper
from sitegen.paperfile import FIELDS, jsonable, read_meta

DATA = Path(__file__).parent / "data"

DECORATED = """\
---
# reviewed by ana, 2026-11-02
title: 'CardioBench: A Benchmark for Echocardiogram Understanding'   # checked against the PDF
title_derived: true
date: 2024-11-08   # from the journal
date_inferred: true
authors: [Ada Lovelace, 'Turing, Alan']   # as on the PDF
authors_count: 12
organization: MedLab  # the lab, not the company
venue: Medical Image Analysis  # the journal
volume: '93'   # as printed
issue: '2'
pages: 103100–103112
publisher: Elsevier
editors: ['Doe, Jane']  # a guest editor
type: article
doi: 10.1000/cardio.1   # from the publisher
arxiv: '2411.01234'
url: https://example.org/cardiobench  # landing page
pdf: https://example.org/cardiobench.pdf
upvotes: 7
links:
  # the benchmark's own repository
  - url: https://github.com/example-lab/cardiobench
    kind: code
sources: [daily.txt]     # flow list
# pinned by hand
topics: [benchmarks, cardiology]
extra:
  reviewed_by: ana   # initials
# end of the fields
---
The abstract, *as edited*.
"""

NEW_VALUES = {
    "title": "CardioBench 2: Echocardiogram Understanding, Revisited",
    "title_derived": False,
    "date": dt.date(2025, 3, 4),
    "date_inferred": False,
    "authors_count": 13,
    "organization": "Cardio Lab",
    "upvotes": 30,
    "links": [
        {"url": "https://github.com/example-lab/cardiobench", "kind": "code"},
        {"url": "https://cardio.example.org/", "kind": "project"},
    ],
    "sources": ["daily.txt", "newer.txt"],
}
# The other fields' new values come from their type's samples in the schema.
for _field in schema.FIELDS:
    if _field.name not in NEW_VALUES and _field.type.samples:
        NEW_VALUES[_field.name] = _field.type.write(_field.type.samples[-1])


def comments(text: str) -> list[str]:
    return [line[line.index("#") :].strip() for line in text.splitlines() if "#" in line]


def front_lines(text: str) -> list[str]:
    return text.split("---\n")[1].splitlines()


def without_key(text: str, key: str) -> str:
    """The file without the key's line and the indented lines under it (a list's or mapping's)."""
    lines = text.split("\n")
    first = next(n for n, line in enumerate(lines) if line.startswith(f"{key}:"))
    last = first + 1
    while lines[last].startswith(" "):
        last += 1
    return "\n".join(lines[:first] + lines[last:])


def without(meta: dict, key: str) -> dict:
    return {k: v for k, v in meta.items() if k != key}


CASES = [(key, op) for key in IMPORTED for op in ("add", "change", "remove")]


@pytest.mark.parametrize("key, op", CASES, ids=[f"{op}-{key}" for key, op in CASES])
def test_one_field_changes_and_every_other_line_and_comment_stays(key, op):
    old_meta, body, _ = read_meta(DECORATED, "x.md")
    if op == "add":
        start = without_key(DECORATED, key)
        old_meta, body, _ = read_meta(start, "x.md")
        wanted = {k: (NEW_VALUES[k] if k == key else v) for k, v in {**old_meta, key: None}.items()}
    else:
        start = DECORATED
        wanted = dict(old_meta, **{key: NEW_VALUES[key]}) if op == "change" else without(old_meta, key)
    wanted = {k: v for k, v in wanted.items() if v is not None}
    edited = edit_paper(start, wanted, body, FIELDS)
    assert edited is not None
    front = edited.split("---\n")[1]
    assert jsonable(yaml.safe_load(front)) == jsonable(wanted)  # PyYAML reads exactly the new fields
    assert edited.endswith("---\nThe abstract, *as edited*.\n")
    own_line = [ln for ln in front_lines(start) if ln.startswith(f"{key}:")]
    block = set(front_lines(start)) - set(front_lines(without_key(start, key))) if own_line else set()
    lost = comments(own_line[0]) if op == "remove" and own_line else []
    if isinstance(old_meta.get(key), dict) and op != "add":  # a mapping's keys that go take their comments
        gone = tuple(k for k in old_meta[key] if op == "remove" or k not in NEW_VALUES[key])
        lost += [c for ln in block for c in comments(ln) if gone and ln.strip().startswith(gone)]
    assert [c for c in comments(start) if c not in lost] == comments(edited)
    kept = [ln for ln in front_lines(start) if ln not in block]  # all but the field's own lines
    assert [ln for ln in front_lines(edited) if ln in kept] == kept  # other lines as they were, in order
    order = [k for k in yaml.safe_load(front)]
    assert order == sorted(order, key=FIELDS.index)
    if key == "sources" and op == "change":
        assert "sources: [daily.txt" in edited  # still a flow list
    assert "topics: [benchmarks, cardiology]\n" in edited


def test_the_abstract_alone_changes():
    meta, _, _ = read_meta(DECORATED, "x.md")
    edited = edit_paper(DECORATED, meta, "A new abstract.", FIELDS)
    assert edited == DECORATED.replace("The abstract, *as edited*.", "A new abstract.")


@pytest.fixture
def imported(make_project, run_cli, tmp_path):
    project = make_project()
    shutil.copy(DATA / "listings" / "daily.txt", tmp_path / "daily.txt")
    code, _, err = run_cli(project, "import", tmp_path / "daily.txt")
    assert code == 0, err
    return project


def decorate(project: Path) -> Path:
    """The editor reformats cardiobench.md: comments, a flow list, a topic pin; no value changes."""
    path = project / "content" / "papers" / "cardiobench.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("---\ntitle:", "---\n# reviewed by ana\ntitle:", 1)
    text = text.replace("upvotes: 7\n", "upvotes: 7   # as of February\n")
    text = text.replace("sources:\n- daily.txt\n", "sources: [daily.txt]  # where it came from\n")
    text = text.replace("# topics: computed", "topics: [benchmarks]\n# topics: computed")
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("with_state", [True, False])
def test_a_reimport_that_changes_no_field_rewrites_no_file(imported, run_cli, with_state):
    path = decorate(imported)
    if not with_state:
        (imported / "content" / ".import-state.json").unlink()
    before = path.read_bytes()
    code, out, _ = run_cli(imported, "import")
    assert code == 0 and path.read_bytes() == before
    assert "(0 created, 0 updated, 4 unchanged)" in out


def test_a_new_value_changes_only_its_line_in_a_decorated_file(imported, run_cli, tmp_path):
    path = decorate(imported)
    before = path.read_text(encoding="utf-8")
    newer = tmp_path / "newer.txt"
    snippet = before.split("---\n")[2][:250]
    newer.write_text(
        "Daily Papers\n\nCardioBench: A Benchmark for Echocardiogram Understanding\n\n"
        f"{snippet}\n\n  • 12 authors\n·\nNov 8, 2024 31\n",
        encoding="utf-8",
    )
    code, out, err = run_cli(imported, "import", newer)
    assert code == 0, err
    after = path.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [
        ("upvotes: 7   # as of February", "upvotes: 31  # as of February"),  # the comment keeps its column
        (
            "sources: [daily.txt]  # where it came from",
            "sources: [daily.txt, newer.txt] # where it came from",
        ),
    ]
    assert "1 updated" in out
