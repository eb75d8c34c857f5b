"""A fast reading of the front matter sitegen writes, giving exactly what PyYAML's safe loader gives.

PyYAML builds a node for every scalar, list and mapping, in Python, even with its C parser:
~0.17 ms a paper file, most of reading 100,000 of them. The files `paperfile.dump_meta` writes
(and most written by hand) are far simpler than YAML: `key: value` lines, and lists of values or
of small mappings, one entry a line:

    title: A plain title
    date: 2024-03-14
    links:
    - url: https://arxiv.org/abs/2403.62027
      kind: paper
    sources:
    - listing.txt
    # a comment

`fast_meta` reads exactly that shape, and declines (None) anything else: a key given twice, any
line of another shape, any scalar YAML could read otherwise than as the text of one line (an
indicator first, `: ` or ` #` inside, white space around, a tab, a character YAML refuses), any
double-quoted scalar.
Plain scalars get their type as PyYAML gives it, by PyYAML's own resolver and constructors (so
`yes` is True, `2024-03-14` a date, `0x1F` 31); single-quoted ones are text. The caller then
loads a declined front matter with PyYAML, which also words every error.
"""

from __future__ import annotations

import re
from typing import Any

from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.reader import Reader
from yaml.resolver import Resolver

_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?\Z")
_ITEM_KEY_LINE = re.compile(r"(- |  )([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?\Z")
# What a plain one-line scalar cannot start with, hold or end with and still be read as its text.
_NOT_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@` \t")
_NOT_PLAIN_INSIDE = re.compile(r": |:\Z| #|\t|\s\Z")
_OTHER_BREAKS = re.compile("[\r\x85\u2028\u2029]")  # line breaks to YAML, not to str.split("\\n")
_TYPES = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_STR = "tag:yaml.org,2002:str"
_constructor = SafeConstructor()
_IMPLICIT = Resolver.yaml_implicit_resolvers  # by first character (None: for any)
_keys: dict[str, bool] = {}  # key -> whether PyYAML reads it as text


class _Declined(Exception):
    """The front matter is not of the simple shape: PyYAML reads it."""


def fast_meta(front: str) -> dict[str, Any] | None:
    """The front matter's fields as `yaml.safe_load` gives them, or None when it is not of the
    simple shape (or holds no field): then only PyYAML can tell what it holds, or what is wrong."""
    if (
        Resolver.yaml_path_resolvers
        or not front
        or Reader.NON_PRINTABLE.search(front)
        or _OTHER_BREAKS.search(front)
    ):
        return None
    try:
        meta = _read(front.split("\n"))
    except _Declined:
        return None
    return meta or None  # nothing but comments: PyYAML reads no mapping at all


def _read(lines: list[str]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    index, count = 0, len(lines)
    while index < count:
        line = lines[index]
        index += 1
        if line.startswith("#"):
            continue
        found = _KEY_LINE.match(line)
        if found is None:
            raise _Declined
        key, text = _key(found.group(1)), found.group(2)
        if key in meta:
            raise _Declined  # a key given twice: PyYAML's nodes say where, for the error
        if text is not None:
            meta[key] = _scalar(text)
            continue
        items: list[Any] = []
        while index < count and lines[index].startswith("- "):
            item, index = _item(lines, index)
            items.append(item)
        meta[key] = items if items else None
    return meta


def _item(lines: list[str], index: int) -> tuple[Any, int]:
    """The sequence entry starting at `lines[index]` (`- value`, or `- key: value` and the
    entry's further `  key: value` lines), and the index of the line after it."""
    found = _ITEM_KEY_LINE.match(lines[index])
    if found is None:
        return _scalar(lines[index][2:]), index + 1
    entry: dict[str, Any] = {}
    while True:
        key, text = _key(found.group(2)), found.group(3)
        if text is None or key in entry:
            raise _Declined  # a nested list or mapping, or a key given twice
        entry[key] = _scalar(text)
        index += 1
        if index == len(lines) or not lines[index].startswith("  "):
            return entry, index
        found = _ITEM_KEY_LINE.match(lines[index])
        if found is None or found.group(1) != "  ":
            raise _Declined


def _tag(text: str) -> str:
    """The tag PyYAML's resolver gives a plain scalar (`Resolver.resolve` without its
    overhead, for a front matter without path resolvers: `fast_meta` declines any other)."""
    for tag, pattern in (*_IMPLICIT.get(text[0], ()), *_IMPLICIT.get(None, ())):
        if pattern.match(text):
            return str(tag)
    return _STR


def _key(text: str) -> str:
    plain = _keys.get(text)
    if plain is None:
        plain = _keys[text] = _tag(text) == _STR
    if not plain:
        raise _Declined  # e.g. `yes:`, a key PyYAML reads as True
    return text


def _scalar(text: str) -> Any:
    if not text:
        raise _Declined
    if text[0] == "'":
        return _single_quoted(text)
    if text[0] in _NOT_PLAIN_START or _NOT_PLAIN_INSIDE.search(text):
        raise _Declined
    tag = _tag(text)
    if tag == _STR:
        return text
    if tag not in _TYPES:
        raise _Declined
    try:
        return _constructor.yaml_constructors[tag](_constructor, ScalarNode(tag, text))
    except Exception:  # e.g. a date that does not exist: PyYAML says what is wrong
        raise _Declined from None


def _single_quoted(text: str) -> str:
    inner = text[1:-1]
    if len(text) < 2 or text[-1] != "'" or inner.replace("''", "").count("'"):
        raise _Declined
    return inner.replace("''", "'")
