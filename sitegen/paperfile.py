"""The paper file format: `content/papers/<slug>.md`, YAML front matter then the abstract.

One module reads and writes it, so the importer and the build agree on every field.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

import yaml

from sitegen import schema, yamlfile
from sitegen.errors import Problem, SitegenError
from sitegen.frontmatter import fast_meta
from sitegen.model import Paper

try:  # the C loader is several times faster; fall back where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


class _DatesAsText(yaml.SafeLoader):
    """PyYAML's safe loader, but `2026-02-30` is the text written, not a date (which fails)."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

FENCE = "---"
YAML_WHAT = "the front matter is not valid YAML"
YAML_HINT = "check quotes and indentation; a title with `: ` in it needs quotes"

FIELDS = schema.NAMES_IN_ORDER  # field order in written files; also the set of known keys

TOPICS_COMMENT = (
    "# topics: computed from topics.yaml. To override, add `topics: [id, ...]` (pin),\n"
    "# or `topics_add: [id]` / `topics_remove: [id]`. `sitegen topics --explain SLUG` says why.\n"
)


def split(text: str, path: str) -> tuple[str, str]:
    """Return (front matter YAML, body). The body starts after the closing fence."""
    text = text.lstrip("\ufeff")
    if "\r" in text:  # Windows' line ends (CR LF), or a classic Mac's (CR alone): the page's text is the same
        text = text.replace("\r\n", "\n") if "\n" in text else text.replace("\r", "\n")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        raise SitegenError(
            "the file does not start with front matter",
            path=path,
            line=1,
            hint="put `---` on the first line, the YAML fields, then `---` before the abstract",
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() == FENCE:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]).strip("\n")
    raise SitegenError(
        "the front matter is not closed",
        path=path,
        line=1,
        hint="add a line `---` after the last YAML field",
    )


def key_line(front: str, key: str) -> int | None:
    """The file line of a top-level key (front matter starts on line 2)."""
    match = re.search(rf"^{re.escape(key)}\s*:", front, re.MULTILINE)
    return front.count("\n", 0, match.start()) + 2 if match else None


def item_line(front: str, key: str, number: int) -> int | None:
    """The file line of item `number` (from 1) of a top-level key's block list (`- item` lines);
    the key's line for a list written on it (`[a, b]`); None if there is no such item. Read from
    the text, line by line: a build of 10,000 papers each pinning a topic renamed since finds
    every line in milliseconds (PyYAML's nodes took ~1 ms a file)."""
    lines = front.split("\n")
    found = re.compile(rf"{re.escape(key)}\s*:(.*)")
    start = next((at for at, line in enumerate(lines) if found.match(line)), None)
    if start is None:
        return None
    value = found.match(lines[start])
    if value is not None and value.group(1).strip() and not value.group(1).strip().startswith("#"):
        return start + 2  # a flow list on the key's line (the front matter starts on line 2)
    count, indent = 0, None
    for at in range(start + 1, len(lines)):
        stripped = lines[at].lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        depth = len(lines[at]) - len(stripped)
        is_item = stripped == "-" or stripped.startswith("- ")
        if is_item and indent in (None, depth):
            indent, count = depth, count + 1
            if count == number:
                return at + 2
        elif (depth == 0 and not is_item) or (indent is not None and depth < indent):
            break  # the next key: the list has ended
    return None


def read_meta(text: str, path: str) -> tuple[dict[str, Any], str, str]:
    """Parse a paper file into (fields, body, raw front matter)."""
    front, body = split(text, path)
    fast = fast_meta(front)  # the common shape, read without PyYAML's nodes: ~8x faster
    if fast is not None:
        return _texts_as_written(fast, front), body, front
    # libyaml takes a tab for a space after `key:` or `- ` and at a line's end, where PyYAML (and
    # so site.yaml and topics.yaml) refuses it: a front matter with a tab is read by PyYAML's own
    # loader, to be read alike everywhere (rare, so no slower in practice).
    loader = yaml.SafeLoader if "\t" in front else _Loader
    try:  # the front matter starts on the file's line 2
        meta = yamlfile.load(front, loader, path, first_line=2, hint=YAML_HINT, what=YAML_WHAT) or {}
    except ValueError:  # YAML reads `2026-02-30` as a date, and that date does not exist:
        # read as text, the date is said wrong with the file's other problems, not instead of them
        meta = yamlfile.load(front, _DatesAsText, path, first_line=2, hint=YAML_HINT, what=YAML_WHAT) or {}
    if not isinstance(meta, dict):
        raise SitegenError("the front matter must be a mapping of `key: value` lines", path=path, line=2)
    return _texts_as_written(meta, front), body, front


def _texts_as_written(meta: dict[str, Any], front: str) -> dict[str, Any]:
    """The text fields as written (`volume: 010`, not YAML's 8)."""
    for key in TEXT_FIELDS.intersection(meta):
        meta[key] = yamlfile.as_written(front, key, meta[key])
    return meta


TEXT_FIELDS = frozenset(field.name for field in schema.FIELDS if field.type is schema.TEXT)


def dropped_as_comments(front: str, path: str) -> tuple[Problem, ...]:
    """Warnings for the text of values YAML took for a comment (`title: Lung nodules #2: ...`).
    A front matter with no ` #` (nearly all: `dump_meta` writes none) costs two substring tests."""
    return tuple(yamlfile.comment_warnings(front, path, first_line=2))


def parse_paper(text: str, path: str, slug: str) -> Paper:
    """Build a Paper from a file's text, field by field as the schema says; every bad field is
    reported, each with its line."""
    meta, body, front = read_meta(text, path)
    problems: list[Problem] = []
    warnings = dropped_as_comments(front, path)

    def problem(key: str, message: str, hint: str) -> None:
        problems.append(Problem(message, path, key_line(front, key), key, hint))

    for key in meta:
        if key not in schema.BY_NAME:
            problem(
                str(key),
                "is not a paper field",
                f"known fields: {', '.join(FIELDS)}; put your own data under `extra:`",
            )
    values: dict[str, Any] = {}
    for field in schema.FIELDS:
        value = meta.get(field.name)
        values[field.name] = copy.copy(field.default)
        if value is None:
            continue
        try:
            values[field.name] = field.type.read(value)
        except schema.BadItem as bad:
            for number, said in bad.wrong:  # each at its own line
                line = item_line(front, field.name, number) or key_line(front, field.name)
                message = f"expected {field.type.expected}: {said}"
                problems.append(Problem(message, path, line, field.name, field.type.hint))
        except (TypeError, ValueError):
            fixed = field.type.fixed(value)
            hint = field.type.hint + (f": {field.name}: '{fixed}'" if fixed else "")
            problem(field.name, f"expected {field.type.expected}, found {schema.shown_value(value)}", hint)
    if not values["title"] and not any(p.key == "title" for p in problems):  # one problem a key
        problem("title", "is missing or empty", "every paper needs `title: ...`")
    if problems:
        problems.sort(key=lambda problem: problem.line or 0)  # in the file's order, as the editor reads it
        raise SitegenError.many(problems, f"{path}: {len(problems)} bad field(s)")
    return Paper(slug=slug, abstract=without_notes(body), path=path, warnings=warnings, **values)


FENCE_OPENING = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
BLANK_LINE = re.compile(r"\n[ \t]*\n")


def without_notes(body: str) -> str:
    """The body without its HTML comments (`<!-- ... -->`), the editor's notes to themselves:
    never on the reader's site, in its pages, data, feed, search or citations. Read left to
    right as Markdown reads it: code (a fenced or indented block, a code span) keeps a comment
    as code; a comment opened outside code runs to its `-->`, over code fences and backticks
    (a block commented out); one never closed is text; an escaped backtick opens no span."""
    if "<!--" not in body:
        return body
    kept: list[str] = []
    at, end = 0, len(body)
    previous_blank, previous_code = True, False  # of the line before, for indented code
    while at < end:
        if at == 0 or body[at - 1] == "\n":
            line_end = body.find("\n", at)
            line_end = end if line_end < 0 else line_end
            line = body[at:line_end]
            fence = FENCE_OPENING.fullmatch(line)
            if fence and not (fence.group(1)[0] == "`" and "`" in fence.group(2)):
                closed = _after_fence(body, line_end, fence.group(1))
                kept.append(body[at:closed])
                at, previous_blank, previous_code = closed, False, False
                continue
            if line.startswith(("    ", "\t")) and (previous_blank or previous_code) and line.strip():
                kept.append(line)
                at, previous_blank, previous_code = line_end, False, True
                continue
            previous_blank, previous_code = not line.strip(), False
        if body.startswith("<!--", at):
            close = body.find("-->", at + 4)
            if close < 0:
                kept.append(body[at:])
                break
            at = close + 3
            continue
        char = body[at]
        if char == "\\":
            kept.append(body[at : at + 2])
            at += 2
        elif char == "`":
            span = _code_span_end(body, at)
            kept.append(body[at:span])
            at = span
        else:
            kept.append(char)
            at += 1
    return re.sub(r"(?m)^[ \t]+$", "", "".join(kept))


def _after_fence(body: str, start: int, fence: str) -> int:
    """Where a fenced block opened by `fence` ends: after its closing line, else the body's end."""
    closing = re.compile(rf"\n {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*(?=\n|$)")
    found = closing.search(body, start)
    return found.end() if found else len(body)


def _code_span_end(body: str, at: int) -> int:
    """Where the code span opened by the backticks at `at` ends (after its closing run of as many
    backticks, within the paragraph); without one, after the opening run, which is text."""
    rest = body[at : at + 64]  # a longer run of backticks is no code span here
    run = len(rest) - len(rest.lstrip("`"))
    opening = at + run
    closing = re.compile(rf"(?<!`)`{{{run}}}(?!`)").search(body, opening)
    if closing is None or BLANK_LINE.search(body, opening, closing.start()):
        return opening
    return closing.end()


def paper_meta(paper: Paper) -> dict[str, Any]:
    """The front-matter fields of a paper, in file order, leaving out empty ones."""
    meta = {field.name: field.type.write(getattr(paper, field.name)) for field in schema.FIELDS}
    return {key: value for key, value in meta.items() if value is not None}


def jsonable(value: Any) -> Any:
    """A field's value as plain JSON data: dates as YYYY-MM-DD; for comparing and the import state."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def dump_meta(meta: dict[str, Any], body: str) -> str:
    """Serialise fields and body into the file format, stable byte for byte."""
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100_000, default_flow_style=False)
    comment = "" if "topics" in meta else TOPICS_COMMENT
    return f"{FENCE}\n{front}{comment}{FENCE}\n{body.strip()}\n"


def dump_paper(paper: Paper) -> str:
    return dump_meta(paper_meta(paper), paper.abstract)
