"""CSL-JSON values of the wrong JSON type: every field the reader uses, swept with every JSON type,
is an error naming the item's line and the field, never a paper made of a value's letters or repr.

The oracle is the CSL schema itself (csl-data.json, citation-style-language/schema): the JSON
types it allows each field, copied below, not sitegen's own table.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from sitegen.errors import SitegenError
from sitegen.readers import csljson, parse_listing

# From csl-data.json: the types each field the reader uses may have. `event-title` and
# `citation-key` are CSL 1.0.2 variables, text like the others.
TEXT = {"string"}
SCHEMA_TYPES: dict[str, set[str]] = {
    **{key: TEXT for key in ("type", "abstract", "DOI", "URL", "note", "publisher", "archive_location",
                             "event-title", "citation-key")},
    # Text in the schema; a list of texts as Crossref's JSON (and citation.js from it) writes them,
    # read too (a list of other values is still an error: tests/test_import_exports.py).
    **{key: {"string", "array"} for key in ("title", "container-title")},
    "id": {"string", "number"},
    "number": {"string", "number"},
    "volume": {"string", "number"},
    "issue": {"string", "number"},
    "page": {"string", "number"},
    "author": {"array"},  # of name-variable objects
    "editor": {"array"},
    "issued": {"string", "object"},  # date-variable: EDTF text, or the date object
}  # fmt: skip
NAME_PART_TYPES = {
    **{
        part: TEXT
        for part in ("family", "given", "dropping-particle", "non-dropping-particle", "suffix", "literal")
    },
    **{part: {"string", "number", "boolean"} for part in ("comma-suffix", "static-ordering", "parse-names")},
}
DATE_PART_TYPES = {"raw": TEXT, "literal": TEXT, "edtf": TEXT}


def json_type(value: Any) -> str:
    return {bool: "boolean", str: "string", int: "number", float: "number", list: "array", dict: "object"}[
        type(value)
    ]


def samples(field: str) -> list[Any]:
    """A value of every JSON type (null aside: a field left out), valid in shape where the type is
    allowed: a list of names for `author`, a date object for `issued`."""
    listed = [{"family": "Smith", "given": "Alice"}] if field in ("author", "editor") else ["Alice Smith"]
    whole = {"date-parts": [[2020, 3]]} if field == "issued" else {"family": "Smith"}
    return ["Alice Smith", 3, 2.5, True, False, listed, whole]


def problems(item: dict[str, Any]) -> list:
    text = "[\n" + json.dumps({"id": "first", "type": "book", "title": "Fine", "abstract": "A."}) + ",\n"
    text += json.dumps(item) + "\n]\n"
    try:
        parse_listing(text, "library.json")
    except SitegenError as exc:
        return list(exc.problems)
    return []


def test_the_sweep_covers_every_field_the_reader_uses():
    assert set(SCHEMA_TYPES) == csljson.USED


def assert_one_error(found: list, key: str, value: Any) -> None:
    [problem] = found
    assert (problem.path, problem.line, problem.key) == ("library.json", 3, key)
    assert problem.message.startswith("expected ") and json.dumps(value)[:30] in problem.message
    assert problem.hint  # how to write it
    for python in ("True", "False", "None", "{'", "['"):
        assert python not in str(problem), "a JSON value is shown as JSON, not as Python's repr"


@pytest.mark.parametrize("field", sorted(SCHEMA_TYPES))
def test_every_field_of_every_wrong_json_type_is_an_error_at_the_items_line(field):
    for value in samples(field):
        item = {"id": "it", "type": "article-journal", "title": "A title", "abstract": "Text.", field: value}
        found = problems(item)
        if json_type(value) in SCHEMA_TYPES[field]:
            assert found == [], (field, value)
        else:
            assert_one_error(found, field, value)


def test_the_testers_case_an_author_as_one_text_is_an_error_not_letters():
    [problem] = problems({"title": "z", "author": "Alice Smith"})
    assert str(problem) == (
        'library.json:3: `author`: expected a list of name objects, found text "Alice Smith" (write it as '
        'a list of name objects: [{"family": "Smith", "given": "Alice"}], or {"literal": "..."} for an '
        "institution)"
    )


@pytest.mark.parametrize("value", ["Alice Smith", 3, True, ["Alice"], None])
def test_a_name_that_is_not_a_name_object_is_an_error(value):
    names = [{"family": "Smith", "given": "Alice"}, value]
    found = problems({"title": "T", "author": names})
    if value is None:
        [problem] = found
        assert problem.key == "author[1]" and "expected a name object, found null" in problem.message
    else:
        assert_one_error(found, "author[1]", value)


@pytest.mark.parametrize("part", sorted(NAME_PART_TYPES))
def test_every_part_of_a_name_object_of_every_wrong_json_type_is_an_error(part):
    for value in ["Smith", 3, 2.5, True, ["Smith"], {"x": "y"}]:
        person = {"family": "Smith", "given": "Alice", part: value}
        found = problems({"title": "T", "author": [person]})
        if json_type(value) in NAME_PART_TYPES[part]:
            assert found == [], (part, value)
        else:
            assert_one_error(found, f"author[0].{part}", value)


def test_a_name_object_with_no_name_in_it_is_an_error_not_dropped():
    [problem] = problems({"title": "T", "author": [{"family": "Smith"}, {"affiliation": ["MIT"]}]})
    assert (problem.line, problem.key) == (3, "author[1]") and 'no "family", "given" or "literal"' in str(
        problem
    )


@pytest.mark.parametrize("part", sorted(DATE_PART_TYPES))
def test_every_text_of_a_date_object_of_every_wrong_json_type_is_an_error(part):
    for value in ["2020-03", 3, True, ["2020"], {"x": "y"}]:
        found = problems({"title": "T", "issued": {part: value}})
        if json_type(value) in DATE_PART_TYPES[part]:
            assert found == [], (part, value)
        else:
            assert_one_error(found, f"issued.{part}", value)


# date-parts: a list of one or two lists (a date, or a range) of one to three parts.
@pytest.mark.parametrize(
    "parts",
    ["2020", 2020, True, {"year": 2020}, [2020], [[2020, 3, 14, 1]], [[2020], [2021], [2022]]],
)
def test_date_parts_not_a_list_of_year_month_day_lists_is_an_error(parts):
    assert_one_error(problems({"title": "T", "issued": {"date-parts": parts}}), "issued.date-parts", parts)


# each part: a number or text, and a number that is not whole is no year, month or day
@pytest.mark.parametrize("part", [2020.5, True, [2020], {"year": 2020}])
def test_a_date_part_that_is_not_a_whole_number_or_text_is_an_error(part):
    found = problems({"title": "T", "issued": {"date-parts": [[2020, 3], [2021, part]]}})
    assert_one_error(found, "issued.date-parts", part)


@pytest.mark.parametrize(
    "parts", [[[2020]], [[2020, 3]], [["2020", "3", "14"]], [[2020.0, 3.0]], [[2020], [2021]]]
)
def test_date_parts_of_whole_numbers_or_text_are_read(parts):
    assert problems({"title": "T", "issued": {"date-parts": parts}}) == []


def test_archive_and_archive_location_are_kept_under_extra_not_dropped():
    item = {
        "id": "k",
        "type": "book",
        "title": "T",
        "archive": "Wellcome Library",
        "archive_location": "Box 3",
    }
    [entry] = parse_listing(json.dumps([item]), "library.json").entries
    assert dict(entry.extra) == {"archive": "Wellcome Library", "archive_location": "Box 3"}
