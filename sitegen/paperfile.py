"""The paper file format: `content/papers/<slug>.md`, YAML front matter then the abstract.

One module reads and writes it, so the importer and the build agree on every field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import yaml

from sitegen.errors import Problem, SitegenError
from sitegen.model import LINK_KINDS, Link, Paper

try:  # the C loader is several times faster; fall back where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

FENCE = "---"

# Field order in written files; also the set of known keys.
FIELDS = (
    "title",
    "title_derived",
    "date",
    "date_inferred",
    "authors_count",
    "organization",
    "upvotes",
    "links",
    "sources",
    "topics",
    "topics_add",
    "topics_remove",
    "template",
    "extra",
)

TOPICS_COMMENT = (
    "# topics: computed from topics.yaml. To override, add `topics: [id, ...]` (pin),\n"
    "# or `topics_add: [id]` / `topics_remove: [id]`. `sitegen topics --explain SLUG` says why.\n"
)


def split(text: str, path: str) -> tuple[str, str]:
    """Return (front matter YAML, body). The body starts after the closing fence."""
    text = text.lstrip("\ufeff")
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


def read_meta(text: str, path: str) -> tuple[dict[str, Any], str, str]:
    """Parse a paper file into (fields, body, raw front matter)."""
    front, body = split(text, path)
    try:
        meta = yaml.load(front, Loader=_Loader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise SitegenError(
            f"the front matter is not valid YAML: {reason}",
            path=path,
            line=line,
            hint="check quotes and indentation; a title with `: ` in it needs quotes",
        ) from exc
    except ValueError as exc:  # YAML reads `2026-02-30` as a date, and that date does not exist
        key = _impossible_date_key(front)
        raise SitegenError(
            f"not a real date: {exc}",
            path=path,
            line=key_line(front, key) if key else None,
            key=key,
            hint="write an existing date as YYYY-MM-DD",
        ) from exc
    if not isinstance(meta, dict):
        raise SitegenError(
            "the front matter must be a mapping of `key: value` lines", path=path, line=2
        )
    return meta, body, front


def _impossible_date_key(front: str) -> str | None:
    for found in re.finditer(r"^([\w-]+)\s*:\s*(\d{4})-(\d\d?)-(\d\d?)\b", front, re.MULTILINE):
        try:
            dt.date(*(int(part) for part in found.groups()[1:]))
        except ValueError:
            return found.group(1)
    return None


class _Fields:
    """Typed access to front-matter fields, collecting every problem instead of the first."""

    def __init__(self, meta: dict[str, Any], front: str, path: str) -> None:
        self.meta, self.front, self.path = meta, front, path
        self.problems: list[Problem] = []

    def problem(self, key: str, message: str, hint: str) -> None:
        self.problems.append(Problem(message, self.path, key_line(self.front, key), key, hint))

    def get(self, key: str, kind: str, convert: Callable[[Any], Any], hint: str) -> Any:
        value = self.meta.get(key)
        if value is None:
            return None
        try:
            return convert(value)
        except (TypeError, ValueError):
            self.problem(key, f"expected {kind}, found {value!r}", hint)
            return None

    def text(self, key: str) -> str | None:
        return self.get(key, "text", _text, "write the value as plain text")

    def flag(self, key: str) -> bool:
        return bool(self.get(key, "true or false", _flag, "write `true` or `false`"))

    def count(self, key: str) -> int | None:
        return self.get(key, "a whole number", _count, "write a number such as 12")

    def names(self, key: str) -> tuple[str, ...] | None:
        return self.get(key, "a list", _names, "write a list such as `[agents, benchmarks]`")


def _text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        raise TypeError
    return str(value).strip()


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError
    number = int(value)
    if number < 0:
        raise ValueError
    return number


def _names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise TypeError
    return tuple(str(v).strip() for v in value)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip())
    raise TypeError


def _links(value: Any) -> tuple[Link, ...]:
    if not isinstance(value, list):
        raise TypeError
    links = []
    for item in value:
        if isinstance(item, str):
            item = {"url": item}
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise TypeError
        kind = str(item.get("kind") or "other")
        if kind not in LINK_KINDS:
            raise ValueError
        links.append(Link(url=item["url"].strip(), kind=kind, label=str(item.get("label") or "")))
    return tuple(links)


def parse_paper(text: str, path: str, slug: str) -> Paper:
    """Build a Paper from a file's text; every bad field is reported, each with its line."""
    meta, body, front = read_meta(text, path)
    fields = _Fields(meta, front, path)
    for key in meta:
        if key not in FIELDS:
            fields.problem(
                str(key),
                "is not a paper field",
                f"known fields: {', '.join(FIELDS)}; put your own data under `extra:`",
            )
    title = fields.text("title")
    if not title:
        fields.problem("title", "is missing or empty", "every paper needs `title: ...`")
    date = fields.get("date", "a date", _date, "write the date as YYYY-MM-DD")
    links = fields.get(
        "links",
        "a list of links",
        _links,
        f"write `- url: https://...` items with `kind:` one of {', '.join(LINK_KINDS)}",
    )
    extra = meta.get("extra") or {}
    if not isinstance(extra, dict):
        fields.problem("extra", "must be a mapping", "write `extra:` then indented `key: value` lines")
        extra = {}
    paper = Paper(
        slug=slug,
        title=title or "",
        abstract=body,
        date=date,
        title_derived=fields.flag("title_derived"),
        date_inferred=fields.flag("date_inferred"),
        authors_count=fields.count("authors_count"),
        organization=fields.text("organization"),
        upvotes=fields.count("upvotes"),
        links=links or (),
        sources=fields.names("sources") or (),
        topics=fields.names("topics"),
        topics_add=fields.names("topics_add") or (),
        topics_remove=fields.names("topics_remove") or (),
        template=fields.text("template"),
        extra=extra,
        path=path,
    )
    if fields.problems:
        raise SitegenError.many(fields.problems, f"{path}: {len(fields.problems)} bad field(s)")
    return paper


def paper_meta(paper: Paper) -> dict[str, Any]:
    """The front-matter fields of a paper, in file order, leaving out empty ones."""
    meta: dict[str, Any] = {
        "title": paper.title,
        "title_derived": paper.title_derived or None,
        "date": paper.date,
        "date_inferred": paper.date_inferred or None,
        "authors_count": paper.authors_count,
        "organization": paper.organization,
        "upvotes": paper.upvotes,
        "links": [_link_meta(link) for link in paper.links] or None,
        "sources": list(paper.sources) or None,
        "topics": list(paper.topics) if paper.topics is not None else None,
        "topics_add": list(paper.topics_add) or None,
        "topics_remove": list(paper.topics_remove) or None,
        "template": paper.template,
        "extra": paper.extra or None,
    }
    return {key: value for key, value in meta.items() if value is not None}


def _link_meta(link: Link) -> dict[str, str]:
    meta = {"url": link.url, "kind": link.kind}
    if link.label:
        meta["label"] = link.label
    return meta


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
    front = yaml.safe_dump(
        meta, sort_keys=False, allow_unicode=True, width=100_000, default_flow_style=False
    )
    comment = "" if "topics" in meta else TOPICS_COMMENT
    return f"{FENCE}\n{front}{comment}{FENCE}\n{body.strip()}\n"


def dump_paper(paper: Paper) -> str:
    return dump_meta(paper_meta(paper), paper.abstract)
