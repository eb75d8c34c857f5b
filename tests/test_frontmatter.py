"""The fast front-matter reader gives exactly what PyYAML's safe loader gives, or declines.

The expected values come from PyYAML (`yaml.load` with the C safe loader, as sitegen used
alone before): every tricky scalar of a generated vocabulary, in every position a front matter
holds one (a field, a list item, a mapping in a list, a key), plain and single-quoted, written by
hand and by `dump_meta`; and every line shape around them. The fast reader must also accept
what sitegen writes, or it would be no faster.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from typing import Any

import pytest
import yaml

from sitegen import schema
from sitegen.errors import SitegenError
from sitegen.frontmatter import fast_meta
from sitegen.model import Paper
from sitegen.paperfile import dump_meta, dump_paper, paper_meta, parse_paper, read_meta, split
from tests.test_bench_generate import load_generator

# Scalars YAML 1.1 (PyYAML) reads as something else than their text, or not at all, or only with
# care: booleans, nulls, numbers in every base, dates and times, indicators, quotes, comments,
# white space, characters YAML refuses or reads as line breaks.
WORDS = (
    "yes", "No", "on", "OFF", "true", "False", "y", "n", "null", "Null", "~", "NULL",
    "1", "01", "-1", "+1", "0x1F", "0o17", "0b101", "1_000", "1:20", "12:30:45", "1.0", ".5", "1e3",
    "1.5e+3", ".inf", "-.Inf", ".NaN", "NaN", "2024", "2024-03-14", "2024-3-4", "2024-02-30",
    "2024-03-14 10:00:00", "2024-03-14T10:00:00Z", "2024-03-14t10:00:00.5+02:00", "2024-13-01",
    "a: b", "a:b", "a:", "a #b", "a#b", "#a", "C#", "- a", "-a", "--a", "?a", "? a", ":a", ",a",
    "[a]", "{a: b}", "a]", "a}", "&a", "*a", "!a", "!!str a", "|", "|-", "> a", "%a", "@a", "`a",
    "'a'", "'", "''", "it's", "it''s", "'a''b'", "\"a\"", "\"", "a\"b", "a\\b", "<<", "=",
    "a\tb", " a", "a ", "a  b", "é", "日本語", "a\u2028b", "a\x85b", "a\rb", "a\x07b", "\ufeffa",
    "...", "---", "a --- b", "https://x.org/a?b=c#d", "a, b", "a,b", "a | b", "(a)", "~a", "a~",
    "Ünïcode: ok", "emoji 🙂", "x" * 300,
)  # fmt: skip
KEYS = ("title", "date", "extra", "yes", "on", "1", "null", "~", "Title", "a_b", "a-b", "a b", "_x")


def loaded(front: str) -> Any:
    """PyYAML's reading, or the exception it raises."""
    try:
        return yaml.load(front, Loader=yaml.CSafeLoader)
    except Exception as exc:
        return exc


def typed(value: Any) -> Any:
    """A value with every type spelt out (True == 1 and 1.0 == 1 in Python; not here)."""
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(item) for item in value])
    if isinstance(value, float) and value != value:
        return ("float", "nan")
    return (type(value).__name__, value)


def assert_same_or_declined(front: str) -> bool:
    """The fast reading equals PyYAML's, unless declined; returns whether it was read."""
    fast = fast_meta(front)
    if fast is None:
        return False
    expected = loaded(front)
    assert not isinstance(expected, Exception), f"read {front!r}, which PyYAML refuses: {expected}"
    assert typed(fast) == typed(expected), front
    return True


def fronts_holding(scalar: str) -> list[str]:
    """Front matters with `scalar` in each place one can stand, as written by hand."""
    return [
        f"title: {scalar}",
        f"title: '{scalar}'",
        f"title: x\nsources:\n- {scalar}\n- '{scalar}'",
        f"links:\n- url: {scalar}\n  kind: '{scalar}'\n- url: x\ntitle: y",
        f"{scalar}: x",
        f"title: x\n{scalar}",
        f"sources:\n- {scalar}\n  more",
        f"title: {scalar}\n  continued",
        f"# {scalar}\ntitle: x",
    ]


@pytest.mark.parametrize("scalar", WORDS)
def test_every_tricky_scalar_in_every_place_reads_as_pyyaml_reads_it(scalar):
    for front in fronts_holding(scalar):
        assert_same_or_declined(front)
    dumped = yaml.safe_dump(
        {"title": scalar, "sources": [scalar]}, sort_keys=False, allow_unicode=True, width=100_000
    )
    assert_same_or_declined(dumped)


@pytest.mark.parametrize("key", KEYS)
def test_every_key_reads_as_pyyaml_reads_it(key):
    for value in ("x", "1", "yes", "2024-03-14"):
        assert_same_or_declined(f"{key}: {value}")
        assert_same_or_declined(f"links:\n- {key}: {value}\n  kind: x")
        assert_same_or_declined(f"links:\n- kind: x\n  {key}: {value}")


LINES = (
    "title: x", "title:", "title: ", "title:  x", "title :x", "title:x", "links:", "- a", "- ", "-",
    "  - a", "  kind: x", "  kind:", "- url: a", "- url:", "- - a", "# c", "  # c", "", " ", "\t",
    "extra:", "  nested: 1", "...", "title: x # c", "date: 2024-03-14", "- [a]", "topics: [a, b]",
    "links: []", "title: |", "  block", "title: >-",
)  # fmt: skip


def test_every_pair_and_triple_of_line_shapes_reads_as_pyyaml_reads_it():
    read = 0
    for size in (1, 2, 3):
        for lines in itertools.product(LINES, repeat=size):
            read += assert_same_or_declined("\n".join(lines))
    # the shapes sitegen writes, and their combinations, are read without PyYAML (a key given
    # twice, as `title: x` on two lines, is declined: PyYAML's nodes say where, for the error)
    assert read > 200


@pytest.mark.parametrize("front", ["title: a\ndate: 2024\ntitle: b", "links:\n- url: a\n  url: b\n  kind: x"])
def test_a_duplicated_key_is_declined_so_that_it_is_reported(front):
    assert fast_meta(front) is None


@pytest.mark.parametrize("field", [f for f in schema.FIELDS if f.type.samples], ids=lambda f: f.name)
def test_every_sample_value_of_every_field_as_written_is_read_fast_where_it_can_be(field):
    for value in field.type.samples:
        paper = Paper(**{"slug": "x", "title": "A title", "abstract": "", field.name: value})
        front = split(dump_paper(paper), "x.md")[0]
        assert_same_or_declined(front)


def test_every_paper_the_benchmark_generates_is_read_fast_and_alike(tmp_path):
    generate = load_generator()
    papers = generate.generate_papers(400, 7)
    for paper in papers:
        front = split(dump_paper(paper), paper.slug)[0]
        assert assert_same_or_declined(front), front
        parsed = parse_paper(dump_paper(paper), f"{paper.slug}.md", paper.slug)
        assert parsed == dataclasses.replace(paper, path=parsed.path)


def test_what_the_importer_writes_for_odd_values_is_read_alike():
    values = {
        "title": "yes: a 'title' # with \"marks\"",
        "date": dt.date(2024, 2, 29),
        "authors": ["O'Brien, Ann", "null", "1:20"],
        "sources": ["- a.txt", "#b.txt"],
    }
    front = split(dump_meta(values, "abstract"), "x.md")[0]
    assert assert_same_or_declined(front) or fast_meta(front) is None
    assert paper_meta(parse_paper(dump_meta(values, "x"), "x.md", "x"))["title"] == values["title"]


# White space around the separators, tabs above all: libyaml (the C loader) takes a tab for a
# space after `key:` and `- ` and at a line's end, where PyYAML's own loader (which reads
# site.yaml and topics.yaml) refuses it. A paper file must be read as PyYAML reads it.
SPACES = ("", " ", "  ", "\t", " \t", "\t ", "\t\t")
SHAPES = (
    "title:{s}'Deep Learning: a Survey'{t}",
    "title:{s}Deep learning{t}",
    "title: x\nsources:\n-{s}a.txt{t}",
    "links:\n- url:{s}https://x.org{t}\n  kind:{s}code",
    "title: x{t}\n# a comment{t}",
    "title:{s}'x' # c{t}",
    "authors: [{s}Ada{t}]",
)


def read_as_pyyaml(front: str) -> Any:
    try:
        return yaml.load(front, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        return exc


@pytest.mark.parametrize("shape", SHAPES)
def test_white_space_and_tabs_around_separators_read_as_pyyaml_reads_them(shape):
    for space, trailing in itertools.product(SPACES, SPACES):
        front = shape.format(s=space, t=trailing)
        expected = read_as_pyyaml(front)
        text = f"---\n{front}\n---\nAbstract.\n"
        if isinstance(expected, Exception):
            with pytest.raises(SitegenError, match="not valid YAML"):
                read_meta(text, "x.md")
        elif isinstance(expected, dict):
            assert typed(read_meta(text, "x.md")[0]) == typed(expected), repr(front)


@pytest.mark.parametrize("ends", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_a_paper_file_is_read_alike_whatever_its_line_ends(ends):
    """A file saved with a classic Mac's line ends (CR alone) said 'does not start with front matter'."""
    from sitegen.paperfile import parse_paper

    lines = [
        "---",
        "title: A paper",
        "venue: Radiology",
        "authors:",
        "- Ada Lovelace",
        "---",
        "An abstract.",
        "Its second line.",
        "",
        "A second paragraph.",
        "",
    ]
    paper = parse_paper(ends.join(lines), "p.md", "p")
    read = (paper.title, paper.venue, paper.authors, paper.abstract.strip())
    assert read == (
        "A paper",
        "Radiology",
        ("Ada Lovelace",),
        "An abstract.\nIts second line.\n\nA second paragraph.",
    )
    # the same paper as the file with LF line ends: papers.json held "\r\n" and a trailing "\r"
    assert paper == parse_paper("\n".join(lines), "p.md", "p")
