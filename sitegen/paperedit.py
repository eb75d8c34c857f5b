"""Change some fields of a paper file the editor has touched, keeping everything else as it is.

The front matter is cut into top-level blocks: a key with its value's lines, plus the comment
lines just above it (which belong to it). A block whose value did not change is kept byte for
byte. A changed block is edited by ruamel.yaml's round-trip mode, so its end-of-line comments,
quoting and flow or block list style survive (a list is changed in place); a new key is inserted
where the file order puts it, before the next key's comments; a removed key leaves its comments.
The result is parsed again and must give exactly the fields asked for; if it ever does not (YAML
too exotic to edit in blocks), the caller is told and writes the file afresh.
No I/O here.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedSeq
from ruamel.yaml.error import YAMLError as RuamelError

from sitegen.errors import SitegenError
from sitegen.paperfile import FENCE, jsonable, read_meta

KEY_LINE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:(?:\s|$)")


@dataclass
class _Block:
    """One key of a front matter, with the comment lines above it."""

    key: str | None  # None: the comment lines after the last key
    lines: list[str] = field(default_factory=list)  # the comment lines above it, then the key's lines
    lead: int = 0  # how many of `lines` are the comments above the key


def edit_paper(text: str, meta: dict[str, Any], body: str, order: tuple[str, ...]) -> str | None:
    """The file with its fields set to `meta` and its abstract to `body`; None if it cannot be kept.

    `order` is the canonical key order, used to place a new key among the existing ones.
    """
    try:
        old_meta, old_body, front = read_meta(text, "")
    except SitegenError:
        return None
    blocks = _blocks(front)
    if sorted(b.key for b in blocks if b.key) != sorted(map(str, old_meta)):
        return None  # keys this simple reading cannot see (flow mappings, `? ` keys, ...)
    try:
        for key in old_meta:
            if key not in meta:
                _remove(blocks, key)
        for key, value in meta.items():
            if key not in old_meta:
                _insert(blocks, key, value, order)
            elif jsonable(old_meta[key]) != jsonable(value):
                block = next(b for b in blocks if b.key == key)
                block.lines[block.lead :] = _changed(block.lines[block.lead :], key, value)
    except (RuamelError, yaml.YAMLError, ValueError, TypeError):
        return None
    body_text = _body(text) if old_body.strip() == body.strip() else body.strip()
    front_text = "".join(line for block in blocks for line in block.lines)
    result = f"{FENCE}\n{front_text}{FENCE}\n{body_text}\n"
    try:
        new_meta, new_body, _ = read_meta(result, "")
    except SitegenError:
        return None
    if jsonable(new_meta) != jsonable(meta) or list(new_meta) != [k for k in new_meta if k in meta]:
        return None
    return result if new_body.strip() == body.strip() else None


def _body(text: str) -> str:
    """The abstract exactly as the file has it (after the closing fence)."""
    lines = text.lstrip("\ufeff").split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip() == FENCE)
    return "\n".join(lines[end + 1 :]).strip("\n")


def _blocks(front: str) -> list[_Block]:
    blocks: list[_Block] = []
    pending: list[str] = []
    for line in front.splitlines(keepends=True) if front else []:
        line = line if line.endswith("\n") else line + "\n"
        match = KEY_LINE.match(line)
        if match:
            blocks.append(_Block(match.group("key"), [*pending, line], len(pending)))
            pending = []
        elif not line.strip() or line.startswith("#"):
            pending.append(line)
        elif blocks:
            blocks[-1].lines += [*pending, line]  # a comment between the items of a list
            pending = []
        else:
            blocks.append(_Block(None, [*pending, line]))  # not a `key:` line: edit_paper gives up
            pending = []
    blocks.append(_Block(None, pending, len(pending)))
    return blocks


def _remove(blocks: list[_Block], key: str) -> None:
    """Drop the key's lines; the editor's full-line comments in and above it stay."""
    block = next(b for b in blocks if b.key == key)
    block.lines = [line for line in block.lines if line.lstrip().startswith("#")]
    block.lead, block.key = len(block.lines), None


def _insert(blocks: list[_Block], key: str, value: Any, order: tuple[str, ...]) -> None:
    """A new key goes before the first later key (in `order`), ahead of that key's comments."""
    rank = {name: number for number, name in enumerate(order)}
    mine = rank.get(key, len(rank))
    later = [i for i, b in enumerate(blocks) if b.key is not None and rank.get(b.key, len(rank)) > mine]
    position = later[0] if later else _after_last_key(blocks)
    blocks.insert(position, _Block(key, _fresh(key, value), 0))


def _after_last_key(blocks: list[_Block]) -> int:
    keyed = [i for i, b in enumerate(blocks) if b.key is not None]
    return keyed[-1] + 1 if keyed else 0


def _fresh(key: str, value: Any) -> list[str]:
    """A new key in the format new files have (see paperfile.dump_meta)."""
    text = yaml.safe_dump({key: value}, sort_keys=False, allow_unicode=True, width=100_000)
    return text.splitlines(keepends=True)


def _changed(lines: list[str], key: str, value: Any) -> list[str]:
    """The key's lines with its value replaced by ruamel.yaml's round trip."""
    text = "".join(lines)
    yaml_rt = YAML(typ="rt")
    yaml_rt.preserve_quotes = True
    yaml_rt.width = 100_000
    indent, offset = _indents(text)
    yaml_rt.indent(mapping=indent, sequence=indent + offset, offset=offset)
    data = yaml_rt.load(text)
    current = data[key]
    if isinstance(current, CommentedSeq) and isinstance(value, list):
        _update_list(current, value)
    else:
        data[key] = value
    out = io.StringIO()
    yaml_rt.dump(data, out)
    changed = out.getvalue()
    if jsonable(yaml.safe_load(changed)) != jsonable({key: value}):
        return _fresh(key, value)
    return changed.splitlines(keepends=True)


def _indents(text: str) -> tuple[int, int]:
    """(mapping indent, dash offset) as the block writes them: `- x` under its key, or indented."""
    dash = re.search(r"^( *)- ", text, re.MULTILINE)
    offset = len(dash.group(1)) if dash else 0
    nested = re.search(r"^( +)[A-Za-z_][\w-]*\s*:", text, re.MULTILINE)
    indent = 2
    if nested and dash and len(nested.group(1)) > offset + 2:
        indent = len(nested.group(1)) - offset
    return indent, offset


def _update_list(current: CommentedSeq, value: list[Any]) -> None:
    """Change a list in place, so that its flow or block style stays: append when it grew."""
    if jsonable(value[: len(current)]) != jsonable(list(current)):
        del current[:]
    current.extend(value[len(current) :])
