"""The front-matter schema is the one description of a paper file's fields."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from sitegen import schema
from sitegen.derive import newest_first
from sitegen.errors import SitegenError
from sitegen.model import Paper, PaperDate
from sitegen.paperfile import FIELDS, dump_paper, parse_paper


def test_the_schema_describes_every_field_of_a_paper_and_nothing_else():
    made_elsewhere = {
        "slug",
        "path",
        schema.BODY,
        "warnings",
    }  # the file's name and place, its body, what reading it found
    attributes = {field.name for field in dataclasses.fields(Paper)}
    assert {field.name for field in schema.FIELDS} == attributes - made_elsewhere
    assert FIELDS == schema.NAMES_IN_ORDER
    for field in schema.FIELDS:
        assert field.owner in (schema.IMPORTER, schema.EDITOR)
        assert set(field.shown) <= {schema.CARD, schema.PAGE, schema.JSON, schema.SEARCH, schema.EDITOR_ONLY}


def test_a_paper_with_every_field_set_is_written_and_read_back_as_it_was():
    text = """\
---
title: 'EndoGen: Conditional Endoscopic Video Generation'
title_derived: true
date: 2025-07-01
date_inferred: true
authors: [Ada Lovelace, 'Turing, Alan']
authors_count: 7
organization: NVIDIA
venue: Medical Image Analysis
volume: '93'
issue: '2'
pages: 103100–103112
publisher: Elsevier
editors: ['Doe, Jane']
type: article
doi: 10.1016/j.media.2024.103100
arxiv: '2401.01234'
url: https://example.org/endogen
pdf: https://example.org/endogen.pdf
upvotes: 12
links:
- url: https://github.com/x/y
  kind: code
sources:
- 000_a.txt
topics: [agents]
topics_add: [benchmarks]
topics_remove: [surveys]
template: wide.html
extra:
  reviewed_by: ana
---
The abstract.
"""
    paper = parse_paper(text, "content/papers/endogen.md", "endogen")
    for field in schema.FIELDS:
        assert getattr(paper, field.name) != field.default, f"{field.name} was not read"
    assert parse_paper(dump_paper(paper), "content/papers/endogen.md", "endogen") == paper


@pytest.mark.parametrize("field", [f for f in schema.FIELDS if f.type.samples], ids=lambda f: f.name)
def test_every_sample_value_of_a_field_is_written_and_read_back(field):
    for value in field.type.samples:
        paper = Paper(**{"slug": "x", "title": "A title", "abstract": "", field.name: value})
        again = parse_paper(dump_paper(paper), "content/papers/x.md", "x")
        assert getattr(again, field.name) == value


@pytest.mark.parametrize(
    ("written", "date", "shown"),
    [
        ("2024", PaperDate(2024), "2024"),
        ("'2024'", PaperDate(2024), "2024"),
        ("2024-05", PaperDate(2024, 5), "May 2024"),
        ("2024-05-03", PaperDate(2024, 5, 3), "3 May 2024"),
    ],
)
def test_a_date_may_be_a_day_a_month_or_a_year(written, date, shown):
    paper = parse_paper(f"---\ntitle: T\ndate: {written}\n---\n", "p.md", "p")
    assert paper.date == date and paper.date.human() == shown
    assert paper.year == date.year
    assert parse_paper(dump_paper(paper), "p.md", "p").date == date


BAD_VALUES = {
    "authors": ("Ada Lovelace and Alan Turing", "a list of names"),
    "doi": ("https://doi.org/10.1000/xyz", "a DOI such as"),
    "arxiv": ("2401.01234v2", "an arXiv id such as"),
    "url": ("example.org/paper", "a web address"),
    "pdf": ("ftp://example.org/x.pdf", "a web address"),
    "type": ("journal", "one of article, conference"),
    "date": ("2024-13", "a date or a year"),
}


@pytest.mark.parametrize("name", sorted(BAD_VALUES))
def test_a_bad_value_of_a_bibliographic_field_is_named_with_its_line_and_a_fix(name):
    value, expected = BAD_VALUES[name]
    text = f"---\ntitle: T\n{name}: '{value}'\n---\n"
    with pytest.raises(SitegenError) as caught:
        parse_paper(text, "content/papers/p.md", "p")
    [problem] = caught.value.problems
    assert (problem.path, problem.line, problem.key) == ("content/papers/p.md", 3, name)
    assert problem.message.startswith(f"expected {expected}") and value in problem.message
    assert problem.hint.startswith(schema.BY_NAME[name].type.hint)  # and the value to write instead, if known


def test_dates_of_every_precision_sort_newest_first_what_is_known_to_be_newer_first():
    dates = [PaperDate(2023, 12, 31), PaperDate(2024), PaperDate(2024, 5), PaperDate(2024, 5, 3), None]
    papers = [Paper(f"p{n}", "T", "", date=date) for n, date in enumerate(dates)]
    ordered = [paper.date for paper in newest_first(papers)]
    newest = [PaperDate(2024, 5, 3), PaperDate(2024, 5), PaperDate(2024), PaperDate(2023, 12, 31), None]
    assert ordered == newest
    # the order the All papers page's script gives by sorting the ISO forms as text
    isos = [d.isoformat() for d in ordered if d]
    assert isos == sorted(isos, reverse=True)


# Plain scalars YAML reads as something other than text: octal, hex, base 60, digits with
# underscores, floats, booleans, dates, a whole number.
NOT_TEXT_TO_YAML = [
    "010",
    "0x1F",
    "1:30",
    "1_000",
    "1.50",
    "1.0e+3",
    ".5",
    "yes",
    "No",
    "on",
    "2024-01-01",
    "12",
]
TEXT_FIELDS = [
    field.name for field in schema.FIELDS if field.type is schema.TEXT and field.name != "template"
]


@pytest.mark.parametrize("written", NOT_TEXT_TO_YAML)
@pytest.mark.parametrize("name", TEXT_FIELDS)
def test_a_text_field_keeps_what_was_written_whatever_yaml_reads_it_as(name, written):
    """`volume: 010` is volume "010", not YAML's 8; `title: yes` is "yes", not true."""
    import yaml

    assert not isinstance(yaml.safe_load(f"v: {written}")["v"], str)  # YAML reads no text
    fields = {"title": "A title", name: written}
    text = "---\n" + "".join(f"{key}: {value}\n" for key, value in fields.items()) + "---\nAn abstract.\n"
    paper = parse_paper(text, "p.md", "p")
    assert getattr(paper, name) == written
    assert parse_paper(dump_paper(paper), "p.md", "p") == paper  # written back, read back alike


@pytest.mark.parametrize("written", NOT_TEXT_TO_YAML)
@pytest.mark.parametrize("key", ["title", "description", "author"])
def test_a_text_setting_of_site_yaml_keeps_what_was_written(tmp_path, key, written):
    from sitegen.config import load_config

    values = {
        "title": "T",
        "description": "D",
        "author": "A",
        "base_url": "https://review.test/",
        key: written,
    }
    (tmp_path / "site.yaml").write_text("".join(f"{k}: {v}\n" for k, v in values.items()), encoding="utf-8")
    assert getattr(load_config(tmp_path / "site.yaml").config, key) == written


@pytest.mark.parametrize(
    "written", ["2401.01234v2", "arXiv:2401.01234", "https://arxiv.org/abs/2401.01234v3", "hep-th/9901001v2"]
)
def test_an_arxiv_id_written_otherwise_is_refused_with_the_id_to_write_instead(written):
    text = f"---\ntitle: A paper\narxiv: '{written}'\n---\nAn abstract.\n"
    with pytest.raises(SitegenError) as raised:
        parse_paper(text, "p.md", "p")
    wanted = (
        written.rsplit("/", 1)[-1].removeprefix("arXiv:").split("v")[0]
        if "hep" not in written
        else "hep-th/9901001"
    )
    assert f"arxiv: '{wanted}'" in str(raised.value)
    assert parse_paper(text.replace(written, wanted), "p.md", "p").arxiv == wanted  # the fix is right


LINK_MISTAKES = {
    "an unknown kind": ("  kind: repo\n", "has `kind: repo`, which is not a link kind"),
    "an unknown key": ("  kind: code\n  foo: 1\n", "has `foo:`, which a link has not"),
}


@pytest.mark.parametrize("mistake", LINK_MISTAKES)
@pytest.mark.parametrize("at", [1, 2, 3])
def test_a_wrong_item_of_links_is_named_by_its_number_and_what_is_wrong(mistake, at):
    """The error said only 'expected a list of links, found [...]' (the whole list), and a key a
    link has not was dropped without a word."""
    added, said = LINK_MISTAKES[mistake]
    items = "".join(
        f"- url: https://example.org/{number}\n" + (added if number == at else "  kind: code\n")
        for number in (1, 2, 3)
    )
    with pytest.raises(SitegenError) as raised:
        parse_paper(f"---\ntitle: T\nlinks:\n{items}---\nAn abstract.\n", "p.md", "p")
    assert f"item {at} {said}" in str(raised.value)


@pytest.mark.parametrize("seed", range(5))
def test_the_bad_fields_of_a_file_are_said_in_the_files_order(seed):
    """Problems were listed in the schema's order (lines 4, 6, 5): the editor reads down the file."""
    import random

    bad = {"upvotes": "many", "type": "nope", "doi": "foo", "url": "ftp-ish", "arxiv": "'x'", "date": "soon"}
    keys = list(bad)
    random.Random(seed).shuffle(keys)
    text = "---\ntitle: T\n" + "".join(f"{key}: {bad[key]}\n" for key in keys) + "---\nAn abstract.\n"
    with pytest.raises(SitegenError) as raised:
        parse_paper(text, "p.md", "p")
    lines = [problem.line for problem in raised.value.problems]
    assert lines == sorted(lines) and len(lines) == len(bad)


LIST_FIELDS = [
    field
    for field in schema.FIELDS
    if field.type in (schema.PERSONS, schema.NAMES, schema.PINNED, schema.LINKS)
]
WRONG_ITEMS = ["{name: 3}", "[x, y]", "{}"]


@pytest.mark.parametrize("field", LIST_FIELDS, ids=lambda field: field.name)
@pytest.mark.parametrize("at", [1, 2, 3])
@pytest.mark.parametrize("wrong", WRONG_ITEMS)
def test_each_wrong_item_of_every_list_field_is_said_at_its_own_line(field, at, wrong):
    """`authors: [Ada, {name: 3}]` in block style was said at the key's line, with the whole list
    as Python writes it (`['Ada Lovelace', {'name': 3}]`): now each wrong item at its own line,
    written as in the file, for every list field of the schema."""
    good = "https://example.org/{}" if field.type is schema.LINKS else "Name {}"
    items = [wrong if number == at else good.format(number) for number in (1, 2, 3)]
    front = ["title: T", "date: 2024", f"{field.name}:", *(f"- {item}" for item in items)]
    text = "---\n" + "\n".join(front) + "\n---\nAn abstract.\n"
    with pytest.raises(SitegenError) as raised:
        parse_paper(text, "p.md", "p")
    (problem,) = raised.value.problems
    assert problem.line == text.splitlines().index(f"- {wrong}") + 1
    assert f"item {at} " in problem.message and wrong in problem.message
    assert "'" not in problem.message.split("item")[1]  # not Python's repr


def test_every_wrong_item_of_a_list_is_said_not_only_the_first():
    text = "---\ntitle: T\nauthors:\n- Ada\n- [x]\n- Bob\n- {a: 1}\n---\nAn abstract.\n"
    with pytest.raises(SitegenError) as raised:
        parse_paper(text, "p.md", "p")
    assert [(problem.line, problem.message.split(": ", 1)[1]) for problem in raised.value.problems] == [
        (5, "item 2 is [x], not a name"),
        (7, "item 4 is {a: 1}, not a name"),
    ]


@pytest.mark.parametrize("written", ["2026-02-30", "2025-02-29", "2026-04-31", "2026-13-01", "2026-00-10"])
def test_an_impossible_date_is_said_with_the_files_other_problems(written):
    """`date: 2026-02-30` (PyYAML fails to make the date) was the file's only problem said: an
    `upvotes: many` below it waited for the next build. Which dates exist: `datetime`'s say."""
    with pytest.raises(ValueError):
        dt.date.fromisoformat(written)
    text = f"---\ntitle: T\ndate: {written}\nupvotes: many\n---\nAn abstract.\n"
    with pytest.raises(SitegenError) as raised:
        parse_paper(text, "p.md", "p")
    assert [(problem.line, problem.key) for problem in raised.value.problems] == [(3, "date"), (4, "upvotes")]
    assert written in str(raised.value)


def _composed_item_line(front: str, key: str, number: int) -> int | None:
    """The line PyYAML's nodes give an item (the front matter starts on the file's line 2)."""
    import yaml

    root = yaml.compose(front, Loader=yaml.SafeLoader)
    for name, value in root.value:
        if name.value == key and isinstance(value, yaml.SequenceNode) and value.flow_style:
            return int(value.start_mark.line) + 2  # a list on the key's line: that line, for any item
        if name.value == key and isinstance(value, yaml.SequenceNode) and 0 < number <= len(value.value):
            return int(value.value[number - 1].start_mark.line) + 2
    return None


@pytest.mark.parametrize("seed", range(40))
def test_an_items_line_is_the_line_pyyaml_gives_it(seed):
    """`item_line` reads the text line by line (PyYAML's nodes took ~1 ms a file, 12 s for a build
    of 10,000 papers pinning a renamed topic): its lines are PyYAML's, for lists written every way
    a file may have them (indented or not, comments and blank lines between items, items that are
    mappings over several lines), with keys before and after."""
    import random

    from sitegen.paperfile import item_line

    rng = random.Random(seed)
    indent = rng.choice(["", "  ", "    "])
    items = []
    for number in range(rng.randint(1, 5)):
        if rng.random() < 0.3:
            items.append(f"{indent}- url: https://e.org/{number}\n{indent}  kind: code\n")
        else:
            items.append(f"{indent}- Name {number}\n")
        if rng.random() < 0.3:
            items.append(rng.choice(["\n", f"{indent}# a note\n", "# a note at the margin\n"]))
    before = rng.choice(["", "date: 2024\n", "authors: [A, B]\n"])
    after = rng.choice(["", "venue: Radiology\n", "extra:\n  note: x\n"])
    listed = f"items:\n{''.join(items)}" if rng.random() < 0.8 else "items: [Name 1, {a: b}, Name 3]\n"
    front = f"title: T\n{before}{listed}{after}"
    for number in range(1, 8):
        assert item_line(front, "items", number) == _composed_item_line(front, "items", number), (
            front,
            number,
        )
