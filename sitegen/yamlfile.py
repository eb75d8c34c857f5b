"""YAML as sitegen reads it, for every file it reads: paper front matter, site.yaml, topics.yaml.

Two things PyYAML does not do for an editor: it takes a key given twice silently (the last
wins), and a quote never closed is reported where the text ends ("found unexpected end of
stream") rather than where the quote opens. Here a document is composed into nodes first, its
repeated keys found at any depth, then constructed (what `yaml.load` does, in two steps); and
one formatter words every PyYAML error, with the line where the mistake starts. No I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

from sitegen.errors import Problem, SitegenError

MERGE_TAG = "tag:yaml.org,2002:merge"
TWICE = "is given twice"


def twice_hint(first_line: int) -> str:
    return f"keep one of them; the first is on line {first_line}"


def duplicate_keys(node: yaml.Node | None, where: str = "") -> list[tuple[str, yaml.Node, yaml.Node]]:
    """(the key's path, its first key node, the repeating key node) for each key given twice in a
    mapping, at any depth: `paths.content`, `links[1].url`. Keys are the same when YAML reads them
    as the same (`title` and `'title'`; not `1` and `'1'`)."""
    found: list[tuple[str, yaml.Node, yaml.Node]] = []
    seen: set[int] = set()  # aliases make one node appear in several places, or inside itself

    def visit(node: yaml.Node | None, where: str) -> None:
        if node is None or id(node) in seen:
            return
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                visit(item, f"{where}[{index}]")
        elif isinstance(node, yaml.MappingNode):
            first: dict[tuple[str, str], yaml.Node] = {}
            for key_node, value_node in node.value:
                name = f"{where}.{key_node.value}" if where else str(key_node.value)
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag != MERGE_TAG:
                    identity = (key_node.tag, key_node.value)
                    if identity in first:
                        found.append((name, first[identity], key_node))
                    else:
                        first[identity] = key_node
                visit(value_node, name)

    visit(node, where)
    return found


def as_written(text: str, key: str, value: Any) -> Any:
    """A top-level `key`'s value as text, when YAML read the plain scalar written for a text
    field as something else: `volume: 010` is 8 (octal), `pages: 1:30` 90 (base 60), `title: yes`
    true, `venue: 1.50` 1.5, `title: 2024-01-01` a date. A text field keeps what was written."""
    if isinstance(value, str) or not isinstance(value, (bool, int, float, dt.date)):
        return value
    found = re.search(rf"^{re.escape(key)}[ \t]*:[ \t]*([^\n]*?)[ \t]*(?:[ \t]#.*)?$", text, re.MULTILINE)
    written = found.group(1) if found else ""
    return written if written and written[0] not in "'\"[{&*!|>" else value


def load(
    text: str, loader: type, shown: str, *, first_line: int = 1, hint: str, what: str = "not valid YAML"
) -> Any:
    """The document in `text` as `yaml.load(text, Loader=loader)` gives it; a SitegenError naming
    `shown` and the line (`first_line`: the file line of the text's first line) when it is not
    valid YAML or gives a key twice. ValueError (a date that does not exist) is the caller's."""
    try:
        reader = loader(text)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (a control character)
        raise control_character_error(exc, text, shown, first_line) from None
    try:
        try:
            node = reader.get_single_node()
        except yaml.YAMLError as exc:
            raise yaml_error(exc, shown, text, first_line=first_line, what=what, hint=hint) from None
        twice = duplicate_keys(node)
        if twice:
            problems = [duplicate_problem(name, key, first, shown, first_line) for name, first, key in twice]
            if len(problems) == 1:
                [problem] = problems
                raise SitegenError(
                    problem.message, path=shown, line=problem.line, key=problem.key, hint=problem.hint
                )
            raise SitegenError.many(problems, f"{shown}: {len(problems)} keys given twice")
        try:
            return reader.construct_document(node) if node is not None else None
        except yaml.YAMLError as exc:
            raise yaml_error(exc, shown, text, first_line=first_line, what=what, hint=hint) from None
    finally:
        reader.dispose()


def duplicate_problem(
    name: str, key: yaml.Node, first: yaml.Node, shown: str, first_line: int = 1
) -> Problem:
    """A key given twice, at the line of its second occurrence."""
    line = first.start_mark.line + first_line
    return Problem(TWICE, shown, key.start_mark.line + first_line, name, twice_hint(line))


OPENERS = {"while parsing a flow sequence": ("[", "]"), "while parsing a flow mapping": ("{", "}")}


def control_character_error(
    exc: yaml.reader.ReaderError, text: str, shown: str, first_line: int
) -> SitegenError:
    """A character YAML refuses (a control character, pasted from a PDF, say), at its line."""
    line = text.count("\n", 0, exc.position) + first_line
    character = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
    return SitegenError(
        f"a control character ({character}) that YAML does not allow", path=shown, line=line, hint="delete it"
    )


def yaml_error(
    exc: yaml.YAMLError,
    shown: str,
    text: str,
    *,
    first_line: int = 1,
    what: str = "not valid YAML",
    hint: str,
) -> SitegenError:
    """PyYAML's error as one problem: `what: reason (hint)` at the line where the mistake starts.
    A quote, `[` or `{` never closed is reported where it opens, not where the text ends."""
    if isinstance(exc, yaml.reader.ReaderError):
        return control_character_error(exc, text, shown, first_line)
    context = str(getattr(exc, "context", None) or "")
    context_mark = getattr(exc, "context_mark", None)
    problem_mark = getattr(exc, "problem_mark", None)
    reason = str(getattr(exc, "problem", None) or exc)
    line = problem_mark.line + first_line if problem_mark is not None else None
    opened = _character(text, context_mark)
    if context == "while scanning a quoted scalar" and context_mark is not None and "end of stream" in reason:
        quote = opened if opened in ("'", '"') else "quote"
        return SitegenError(
            f"{what}: the {quote} that opens this value is never closed",
            path=shown,
            line=context_mark.line + first_line,
            hint=_quote_hint(quote),
        )
    runaway = _runaway_quote(text, problem_mark)
    if runaway is not None:  # closed only by the next value's opening quote, lines later
        quote = str(runaway.style)
        return SitegenError(
            f"{what}: the {quote} that opens this value is not closed on its line: it runs on to line "
            f"{runaway.end_mark.line + first_line}, taking in the keys between",
            path=shown,
            line=runaway.start_mark.line + first_line,
            hint=_quote_hint(quote),
        )
    if context in OPENERS and context_mark is not None and opened == OPENERS[context][0]:
        start, end = OPENERS[context]
        return SitegenError(
            f"{what}: the `{start}` that opens this value is not closed with `{end}`",
            path=shown,
            line=context_mark.line + first_line,
            hint=f"add the `{end}` (or a comma missing between items); quote a value with `{end}` or `,`",
        )
    plainly = _in_plain_words(reason, text, problem_mark)
    if plainly is not None:
        return SitegenError(f"{what}: {plainly[0]}", path=shown, line=line, hint=plainly[1])
    return SitegenError(f"{what}: {reason}", path=shown, line=line, hint=hint)


# A line `key: value` (or `- key: value`), with the value as written.
VALUE_LINE = re.compile(r"[ \t]*(?:-[ \t]+)?([\w-]+):[ \t]+(\S.*?)[ \t]*$")
# What a plain value may not start with: YAML reads it as syntax (an alias, an anchor, a tag, a
# block scalar, a flow list or mapping, a quoted text that should end the value) or refuses it.
INDICATORS = "*&!@`%|>[{\"'"
CLOSERS = {"'": "'", '"': '"', "[": "]", "{": "}"}


def _quoted(value: str) -> str:
    """`value` as a quoted YAML text: in single quotes, or double ones when it holds a single
    quote and nothing double quotes would have to escape."""
    if "'" in value and not any(c in value for c in '"\\'):
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _in_plain_words(reason: str, text: str, mark: Any) -> tuple[str, str] | None:
    """(what, how to fix it) for the mistakes PyYAML words for its parser, not for an editor:
    a tab, a text value starting with `*`, `@`, `[`... (`found undefined alias`, `did not find
    expected key`), and a `: ` inside a value (`mapping values are not allowed here`)."""
    if "'\\t'" in reason:  # PyYAML names the tab escaped: found character '\t' that ...
        return "a tab on this line: YAML takes spaces only", "replace the tab with spaces"
    if mark is None:
        return None
    lines = text.split("\n")
    found = VALUE_LINE.fullmatch(lines[mark.line]) if mark.line < len(lines) else None
    if found is None:
        return None
    key, value = found.groups()
    quoted = _quoted(value)
    if value[-1] == CLOSERS.get(value[0]):  # a whole quoted text, list or mapping: wrong inside
        return None
    if value[0] in INDICATORS or value[:2] in ("- ", "? "):
        what = f"a value that starts with {value[0]} is YAML syntax, not text"
        return what, f"to write text, put the whole value in quotes: {key}: {quoted}"
    if "mapping values are not allowed" in reason and ": " in value:
        what = "`: ` inside a value starts a new key"
        return what, f"put the whole value in quotes: {key}: {quoted}"
    return None


def _quote_hint(quote: str) -> str:
    escape = "''" if quote == "'" else '\\"'
    return f"add the closing {quote} where the value ends (a {quote} inside it is written {escape})"


KEY_LINE = re.compile(r"\n[ \t]*(?:- )?[\w-]+:(?:[ \t]|$)", re.MULTILINE)


def _runaway_quote(text: str, problem_mark: Any) -> Any:
    """The last quoted value before the error that spans lines holding `key:` lines, when the
    error comes on the line it ends: a quote left open that the next quote closed."""
    if problem_mark is None:
        return None
    found = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.line > problem_mark.line:
                break
            if (
                isinstance(token, yaml.ScalarToken)
                and token.style in ("'", '"')
                and token.end_mark.line > token.start_mark.line
                and KEY_LINE.search(text, token.start_mark.index, token.end_mark.index)
            ):
                found = token
    except yaml.YAMLError:
        pass
    return found if found is not None and found.end_mark.line == problem_mark.line else None


def _character(text: str, mark: Any) -> str:
    """The character at a mark of `text` ("" when there is none)."""
    if mark is None:
        return ""
    lines = text.split("\n")
    if mark.line >= len(lines) or mark.column >= len(lines[mark.line]):
        return ""
    return lines[mark.line][mark.column]


# A comment after a value that looks like text run on, not a note: `#` after one space (`Lung
# nodules #2: a study`), or with no space after it (`x  #2`). A note as yamllint's `comments` rule
# wants it (two spaces before `#`, one after: `content: content  # papers/`) is taken as a note.
SUSPECT_COMMENT = re.compile(r"[ \t](?:#|[ \t]+#(?=\S))")
ANY_SUSPECT = re.compile(r"\S[ \t](?:#|[ \t]+#(?=\S))")
COMMENT_START = re.compile(r"[ \t]+#")
VALUE_OF_LINE = re.compile(r"([ \t]*(?:-[ \t]+)?(?:[\w-]+:[ \t]+)?)(.*?)[ \t]*")
NO_VALUE = (yaml.KeyToken, yaml.BlockEndToken, yaml.StreamEndToken, yaml.DocumentEndToken)
COMMENT_HINT = (
    "to keep it in the value, put the whole value in quotes: {fix}; "
    "if it is a note, write two spaces and `# ` before it, or put it on a line of its own"
)


def comment_warnings(text: str, shown: str, *, first_line: int = 1) -> list[Problem]:
    """A warning for each value line where YAML reads ` #...` as a comment and drops it, when
    it looks like part of the value (SUSPECT_COMMENT): after a plain (unquoted) value (`title:
    Lung nodules #2: a study` gives "Lung nodules"), or as the whole value (`doi: #10.1/x` gives
    none). Nothing is scanned unless such a ` #` follows text on some line: a file
    `paperfile.dump_meta` writes has none, nor does a front matter `frontmatter.fast_meta` reads."""
    if (" #" not in text and "\t#" not in text) or not ANY_SUSPECT.search(text):  # nearly every file
        return []
    lines = text.split("\n")
    found: list[Problem] = []
    previous: yaml.Token | None = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if (
                isinstance(token, yaml.ScalarToken)
                and token.plain
                and not isinstance(previous, yaml.KeyToken)
            ):
                mark = token.end_mark
                if SUSPECT_COMMENT.match(lines[mark.line], mark.column):
                    found.append(_comment_problem(lines, mark.line, shown, first_line, lost=False))
            elif isinstance(token, NO_VALUE) and isinstance(previous, yaml.ValueToken):
                mark = previous.end_mark
                if SUSPECT_COMMENT.match(lines[mark.line], mark.column):
                    found.append(_comment_problem(lines, mark.line, shown, first_line, lost=True))
            previous = token
    except yaml.YAMLError:
        pass  # the loader says what is wrong
    return found


def _comment_problem(lines: list[str], index: int, shown: str, first_line: int, *, lost: bool) -> Problem:
    line = lines[index]
    found = VALUE_OF_LINE.fullmatch(line)
    assert found is not None  # every line matches
    start, value = found.groups()
    cut = 0 if lost else COMMENT_START.search(value).start()  # type: ignore[union-attr]
    kept = f"the value `{value[:cut]}`" if cut else "no value at all"
    key = re.match(r"[ \t]*(?:-[ \t]+)?([\w-]+):", line)
    return Problem(
        f"`{value[cut:].strip()}` is read as a YAML comment and dropped, leaving {kept}",
        shown,
        index + first_line,
        key.group(1) if key else None,
        COMMENT_HINT.format(fix=f"{start.strip()} {_quoted(value)}".strip()),
    )
