"""The front-matter schema: every field a paper file may hold, in one table.

Reading and writing paper files (sitegen/paperfile.py), their validation messages, which fields a
re-import may update (sitegen/importer.py), the papers.json record (sitegen/outputs.py) and the
tests that change every field in turn all come from this table: adding a field is adding a row
here (and its attribute to `model.Paper`, which a test holds to this table).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import yaml

from sitegen.model import LINK_KINDS, PAPER_TYPES, Link, PaperDate

# Who writes a field: `sitegen import` (and a re-import updates it until the editor changes it),
# or only the editor (a re-import never touches it).
IMPORTER, EDITOR = "importer", "editor"
# Where a field appears with the built-in templates: on cards (listings), on the paper's page, in
# papers.json, in the search index. tests/test_plan.py checks each column against what the
# templates and makers read; cards read through user templates are recorded as they are read.
CARD, PAGE, JSON, SEARCH = "card", "page", "json", "search"
# Marks a field shown only in the editor's view (`sitegen serve`, `sitegen build --editor`): the
# importer's notes for the editor, which the reader's site never shows, in its pages or data.
EDITOR_ONLY = "editor only"
NOTE = EDITOR_ONLY  # the importer's note to the editor: the table's short name for it


@dataclass(frozen=True)
class FieldType:
    """How a kind of value is read from YAML, written back, and given in papers.json."""

    expected: str  # for messages: "expected {expected}, found ..."
    hint: str  # how to write it
    read: Callable[[Any], Any]  # a YAML value -> the model's value (TypeError or ValueError: wrong)
    write: Callable[[Any], Any]  # the model's value -> the YAML value, or None to leave the key out
    json: Callable[[Any], Any]  # the model's value -> the JSON value
    samples: tuple[Any, ...] = ()  # valid values of the model, for tests that change every field
    fixed: Callable[[Any], str | None] = lambda value: None  # a wrong value as it is to be written


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
    if not isinstance(value, list):
        raise TypeError
    return tuple(_each_item(value, _name))


def _name(item: Any) -> str:
    if not isinstance(item, (str, int)) or isinstance(item, bool):
        raise ValueError(f"is {shown_value(item)}, not a text")
    return str(item).strip()


def _person_names(value: Any) -> tuple[str, ...]:
    """A list of names; one text is refused, as "A and B" or "A, B" cannot be split safely."""
    if not isinstance(value, list):
        raise TypeError
    return tuple(_each_item(value, _person_name))


def _person_name(item: Any) -> str:
    if not isinstance(item, str):
        raise ValueError(f"is {shown_value(item)}, not a name")
    if not item.strip():
        raise ValueError("is empty")
    return " ".join(item.split())


YEAR = re.compile(r"^\d{4}$")
YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _date(value: Any) -> PaperDate:
    if isinstance(value, dt.datetime):
        return PaperDate.of(value.date())
    if isinstance(value, dt.date):
        return PaperDate.of(value)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise TypeError
    value = value.strip()
    if YEAR.match(value):
        return PaperDate(int(value))
    month = YEAR_MONTH.match(value)
    if month:
        return PaperDate(int(month.group(1)), int(month.group(2)))
    return PaperDate.of(dt.date.fromisoformat(value))


def _write_date(date: PaperDate | None) -> Any:
    """A year as a number, a month as `YYYY-MM`, a day as a YAML date."""
    if date is None:
        return None
    if date.precision == "day":
        return date.first_day()
    return date.year if date.precision == "year" else date.isoformat()


DOI = re.compile(r"^10\.\d{4,9}/\S+$")
ARXIV = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})$")
WEB_ADDRESS = re.compile(r"^https?://[^\s/]+\S*$", re.IGNORECASE)


def _matching(pattern: re.Pattern[str]) -> Callable[[Any], str]:
    def read(value: Any) -> str:
        if not isinstance(value, str):  # YAML reads `2401.12340` as the number 2401.1234
            raise TypeError
        text = _text(value)
        if not pattern.match(text):
            raise ValueError
        return text

    return read


def _paper_type(value: Any) -> str:
    text = _text(value)
    if text not in PAPER_TYPES:
        raise ValueError
    return text


class BadItem(ValueError):
    """Items of a list field that are wrong, each said: (its number from 1, what is wrong)."""

    def __init__(self, *wrong: tuple[int, str]) -> None:
        super().__init__("; ".join(said for _, said in wrong))
        self.wrong = wrong


T = TypeVar("T")


def _each_item(items: list[Any], read: Callable[[Any], T]) -> list[T]:
    """`read` of each item; the items it refuses (ValueError: what is wrong) are all said at once."""
    found, wrong = [], []
    for number, item in enumerate(items, 1):
        try:
            found.append(read(item))
        except ValueError as exc:
            wrong.append((number, f"item {number} {exc}"))
    if wrong:
        raise BadItem(*wrong)
    return found


def shown_value(value: Any) -> str:
    """A YAML value as the editor would write it: `{name: 3}`, `[x, y]`, `'text'`, `12`."""
    if isinstance(value, (dict, list)):
        return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6).strip()
    return repr(value)


LINK_KEYS = ("url", "kind", "label")


def _links(value: Any) -> tuple[Link, ...]:
    if not isinstance(value, list):
        raise TypeError
    return tuple(_each_item(value, _link))


def _link(item: Any) -> Link:
    if isinstance(item, str):
        item = {"url": item}
    if not isinstance(item, dict) or not isinstance(item.get("url"), str):
        raise ValueError(f"has no `url:` text: {shown_value(item)}")
    unknown = [str(key) for key in item if key not in LINK_KEYS]
    if unknown:  # a key YAML read and the page would drop
        raise ValueError(f"has `{unknown[0]}:`, which a link has not (only {', '.join(LINK_KEYS)})")
    kind = str(item.get("kind") or "other")
    if kind not in LINK_KINDS:
        raise ValueError(f"has `kind: {kind}`, which is not a link kind")
    return Link(url=item["url"].strip(), kind=kind, label=str(item.get("label") or ""))


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError
    return value


def _link_meta(link: Link) -> dict[str, str]:
    meta = {"url": link.url, "kind": link.kind}
    if link.label:
        meta["label"] = link.label
    return meta


def _as_is(value: Any) -> Any:
    return value


def _or_none(value: Any) -> Any:
    return value or None


def _list_or_none(value: Any) -> list[Any] | None:
    return list(value) or None


TEXT = FieldType("text", "write the value as plain text", _text, _as_is, _as_is, ("A text", "Another text"))
FLAG = FieldType("true or false", "write `true` or `false`", _flag, _or_none, _as_is)
COUNT = FieldType("a whole number of 0 or more", "write a number such as 12", _count, _as_is, _as_is)
DATE = FieldType(
    "a date or a year",
    "write the date as YYYY-MM-DD, or YYYY-MM or YYYY when only the month or year is known",
    _date,
    _write_date,
    lambda date: date.isoformat() if date else None,
    (PaperDate(2021), PaperDate(2022, 3), PaperDate(2023, 6, 9)),
)
PERSONS = FieldType(
    "a list of names",
    "write one name per item, as `authors: [Ada Lovelace, 'Turing, Alan']` or `- Ada Lovelace` lines",
    _person_names,
    _list_or_none,
    lambda names: list(names),
    (("Ada Lovelace",), ("Turing, Alan", "Grace Hopper")),
)
DOI_TYPE = FieldType(
    "a DOI such as 10.1038/nature14539",
    "write the DOI alone, without `https://doi.org/` or `doi:`",
    _matching(DOI),
    _as_is,
    _as_is,
    ("10.1000/xyz123", "10.1038/s41586-020-2649-2"),
)


def _arxiv_fixed(value: Any) -> str | None:
    """`arXiv:2401.01234v2` or `https://arxiv.org/abs/2401.01234v2` as the id alone."""
    found = re.search(r"(\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})(?:v\d+)?", str(value), re.IGNORECASE)
    return found.group(1) if found else None


ARXIV_TYPE = FieldType(
    "an arXiv id such as 2401.01234",
    "write the id in quotes, without its version (v2) or `arXiv:`",
    _matching(ARXIV),
    _as_is,
    _as_is,
    ("2401.01234", "hep-th/9901001"),
    _arxiv_fixed,
)
WEB = FieldType(
    "a web address",
    "write the full address, starting with https:// or http://",
    _matching(WEB_ADDRESS),
    _as_is,
    _as_is,
    ("https://example.org/paper", "https://example.org/paper.pdf"),
)
PAPER_TYPE = FieldType(
    f"one of {', '.join(PAPER_TYPES)}",
    "article: a journal's; conference: a proceedings paper; preprint: arXiv and the like",
    _paper_type,
    _as_is,
    _as_is,
    ("article", "conference"),
)
NAMES = FieldType(
    "a list", "write a list such as `[agents, benchmarks]`", _names, _list_or_none, lambda names: list(names)
)
PINNED = FieldType(  # a list whose absence means something: `topics` (None: the rules decide)
    NAMES.expected,
    NAMES.hint,
    _names,
    lambda names: list(names) if names is not None else None,
    lambda names: list(names) if names is not None else None,
)
LINKS = FieldType(
    "a list of links",
    f"write `- url: https://...` items with `kind:` one of {', '.join(LINK_KINDS)}",
    _links,
    lambda links: [_link_meta(link) for link in links] or None,
    lambda links: [{"url": link.url, "kind": link.kind, "label": link.label} for link in links],
)
MAPPING = FieldType(
    "a mapping",
    "write `extra:` then indented `key: value` lines",
    _mapping,
    _or_none,
    _as_is,
    ({"note": "Oral presentation"}, {"note": "Spotlight", "volume": "12"}),
)


@dataclass(frozen=True)
class Field:
    """A front-matter field: its type, who owns it, and where the built site shows it."""

    name: str
    type: FieldType
    owner: str  # IMPORTER or EDITOR
    shown: tuple[str, ...]  # CARD, PAGE, JSON, SEARCH: where the built site shows it
    default: Any = None  # when the file leaves it out
    about: str = ""  # what it holds, for the README and messages


# In the order paper files list them.
FIELDS: tuple[Field, ...] = (
    Field("title", TEXT, IMPORTER, (CARD, PAGE, JSON, SEARCH), "", "the paper's title (required)"),
    Field("title_derived", FLAG, IMPORTER, (CARD, PAGE, JSON, NOTE), False, "the importer made the title up"),
    Field("date", DATE, IMPORTER, (CARD, PAGE, JSON, SEARCH), None, "YYYY-MM-DD, YYYY-MM or YYYY"),
    Field("date_inferred", FLAG, IMPORTER, (CARD, PAGE, JSON, NOTE), False, "the listing gave no year"),
    Field("authors", PERSONS, IMPORTER, (CARD, PAGE, JSON, SEARCH), (), "the authors' names, as written"),
    Field("authors_count", COUNT, IMPORTER, (CARD, PAGE, JSON), None, "how many authors (names unknown)"),
    Field("organization", TEXT, IMPORTER, (CARD, PAGE, JSON, SEARCH), None, "the authors' organisation"),
    Field("venue", TEXT, IMPORTER, (CARD, PAGE, JSON, SEARCH), None, "the journal or conference, or arXiv"),
    Field("volume", TEXT, IMPORTER, (PAGE, JSON), None, "the journal's volume"),
    Field("issue", TEXT, IMPORTER, (PAGE, JSON), None, "the journal's issue (number)"),
    Field("pages", TEXT, IMPORTER, (PAGE, JSON), None, "the pages, 102–115, or an article number"),
    Field("publisher", TEXT, IMPORTER, (PAGE, JSON), None, "who published the book or proceedings"),
    Field("editors", PERSONS, IMPORTER, (PAGE, JSON), (), "the editors of the book it is in"),
    Field("type", PAPER_TYPE, IMPORTER, (PAGE, JSON), None, f"one of {', '.join(PAPER_TYPES)}"),
    Field("doi", DOI_TYPE, IMPORTER, (PAGE, JSON, SEARCH), None, "the DOI, e.g. 10.1038/nature14539"),
    Field("arxiv", ARXIV_TYPE, IMPORTER, (PAGE, JSON, SEARCH), None, "the arXiv id, without version"),
    Field("url", WEB, IMPORTER, (PAGE, JSON, SEARCH), None, "the paper's landing page"),
    Field("pdf", WEB, IMPORTER, (PAGE, JSON, SEARCH), None, "the address of its PDF"),
    Field("upvotes", COUNT, IMPORTER, (CARD, PAGE, JSON), None, "upvotes on the daily-papers page"),
    Field("links", LINKS, IMPORTER, (CARD, PAGE, JSON, SEARCH), (), "the abstract's links, with their kind"),
    Field("sources", NAMES, IMPORTER, (PAGE, JSON, NOTE), (), "the listings the paper appeared in"),
    Field("topics", PINNED, EDITOR, (), None, "pins the topics (the rules are then ignored)"),
    Field("topics_add", NAMES, EDITOR, (), (), "topics added to what the rules give"),
    Field("topics_remove", NAMES, EDITOR, (), (), "topics taken from what the rules give"),
    Field("template", TEXT, EDITOR, (), None, "another template for this paper's page"),
    # The importer keeps a record's fields that have no place of their own here; once the editor
    # changes the mapping it is theirs, like any imported field.
    Field("extra", MAPPING, IMPORTER, (PAGE,), {}, "your own data, passed to templates as paper.extra"),
)
BY_NAME = {field.name: field for field in FIELDS}
NAMES_IN_ORDER = tuple(field.name for field in FIELDS)
IMPORTED = tuple(field.name for field in FIELDS if field.owner == IMPORTER)


def shown_in(place: str, *, editor: bool = True) -> tuple[str, ...]:
    """The fields shown in `place` (CARD, PAGE, JSON or SEARCH), in the table's order: in the
    editor's view, or (`editor=False`) on the reader's site."""
    return tuple(
        field.name for field in FIELDS if place in field.shown and (editor or EDITOR_ONLY not in field.shown)
    )


# The abstract is the file's body, after the front matter: shown on the page, in papers.json
# and in search; written by the importer.
BODY = "abstract"
