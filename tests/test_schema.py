"""The front-matter schema is the one description of a paper file's fields."""

from __future__ import annotations

import dataclasses

from sitegen import schema
from sitegen.model import Paper
from sitegen.paperfile import FIELDS, dump_paper, parse_paper


def test_the_schema_describes_every_field_of_a_paper_and_nothing_else():
    made_elsewhere = {"slug", "path", schema.BODY}  # the file's name and place, and its body
    attributes = {field.name for field in dataclasses.fields(Paper)}
    assert {field.name for field in schema.FIELDS} == attributes - made_elsewhere
    assert FIELDS == schema.NAMES_IN_ORDER
    for field in schema.FIELDS:
        assert field.owner in (schema.IMPORTER, schema.EDITOR)
        assert set(field.shown) <= {schema.CARD, schema.PAGE, schema.JSON, schema.SEARCH}


def test_a_paper_with_every_field_set_is_written_and_read_back_as_it_was():
    text = """\
---
title: 'EndoGen: Conditional Endoscopic Video Generation'
title_derived: true
date: 2025-07-01
date_inferred: true
authors_count: 7
organization: NVIDIA
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
