"""CSL-JSON (`.json`): Zotero's "Export Library... > CSL JSON", and what citation.js, pandoc and
Better BibTeX write. A list of items (or an object with `items`), each with `type`, `title`,
`author` as name objects, `issued` date parts, `DOI`, `URL`, `container-title`, `abstract`.

The standard library reads the JSON; items are read one at a time so that each has its line,
for messages. Keys sitegen has no place for are kept under `extra`.
"""

from __future__ import annotations

import json
from typing import Any

from sitegen.errors import Problem, SitegenError
from sitegen.listings import Listing
from sitegen.readers.records import Record, arxiv_id, clean_doi, iso_date, listing, page_range, record_date

NAME = "CSL-JSON"
EXTENSIONS = (".json",)

TYPES = {
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "review": "article", "paper-conference": "conference", "article": "preprint",
    "book": "book", "chapter": "chapter", "entry-encyclopedia": "chapter", "thesis": "thesis",
    "report": "report", "document": "misc", "webpage": "misc", "post": "misc", "manuscript": "preprint",
}  # fmt: skip
USED = {"id", "type", "title", "author", "abstract", "container-title", "issued", "DOI", "URL", "note",
        "publisher", "number", "archive", "archive_location", "event-title", "citation-key", "volume",
        "issue", "page", "editor"}  # fmt: skip


def sniff(text: str, name: str) -> bool:
    start = text.lstrip("\ufeff \t\r\n")[:2000]
    if not start.startswith(("[", "{")):
        return False
    if name.lower().endswith(EXTENSIONS):
        return True
    return '"type"' in start and ('"title"' in start or '"id"' in start)


def parse(text: str, source: str, shown: str) -> Listing:
    items = _items(text, shown)
    problems = [
        Problem("an item is not a JSON object", shown, line, hint="export it again")
        for line, item in items
        if not isinstance(item, dict)
    ]
    records = [_record(item, source, line) for line, item in items if isinstance(item, dict)]
    return listing(source, NAME, records, shown, problems, 'add a "title" to the item, then import again')


def _items(text: str, shown: str) -> list[tuple[int, Any]]:
    """The items, each with the line it starts on."""
    text = text.lstrip("\ufeff")
    try:
        whole = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SitegenError(f"not valid JSON: {exc.msg}", path=shown, line=exc.lineno,
                           hint="export the library as CSL JSON again") from None  # fmt: skip
    if isinstance(whole, dict) and isinstance(whole.get("items"), list):
        start = text.index("[", text.index('"items"'))
    elif isinstance(whole, list):
        start = text.index("[")
    else:
        raise SitegenError("not CSL-JSON: expected a list of items", path=shown, line=1,
                           hint="export the library as CSL JSON")  # fmt: skip
    decoder = json.JSONDecoder()
    found: list[tuple[int, Any]] = []
    position = start + 1
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text) or text[position] == "]":
            return found
        item, end = decoder.raw_decode(text, position)
        found.append((text.count("\n", 0, position) + 1, item))
        position = end


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value) if value not in (None, "") else None


def _name(person: Any) -> str | None:
    """A CSL name object as written: "Family, Given", a particle before the family name, or a
    literal (an institution's name) in braces."""
    if isinstance(person, str):
        return person
    if not isinstance(person, dict):
        return None
    if person.get("literal"):
        return "{" + str(person["literal"]) + "}"
    family = " ".join(str(person[k]) for k in ("non-dropping-particle", "family") if person.get(k))
    given = " ".join(str(person[k]) for k in ("given", "dropping-particle") if person.get(k))
    parts = [part for part in (family, str(person.get("suffix") or ""), given) if part]
    return ", ".join(parts) if family else given or None


def _date(value: Any):
    if not isinstance(value, dict):
        return iso_date(_text(value))
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        first = [*parts[0], None, None]
        return record_date(first[0], first[1], first[2])
    return iso_date(_text(value.get("raw") or value.get("literal")))


def _record(item: dict[str, Any], source: str, line: int) -> Record:
    kind = str(item.get("type") or "document")
    record = Record(source, line, str(item.get("id") or item.get("citation-key") or f"item at line {line}"))
    record.title = _text(item.get("title")) or ""
    record.abstract = _text(item.get("abstract")) or ""
    record.authors = [name for name in map(_name, item.get("author") or []) if name]
    record.type = TYPES.get(kind, "misc")
    if kind not in TYPES:
        record.keep("entry_type", kind)
    record.venue = _text(item.get("container-title")) or _text(item.get("event-title"))
    if record.venue is None and kind in ("article", "manuscript", "thesis", "report"):
        record.venue = _text(item.get("publisher"))  # a preprint's archive, a thesis's university
    else:
        record.publisher = _text(item.get("publisher"))
    record.volume = _text(item.get("volume"))
    record.issue = _text(item.get("issue"))
    record.pages = page_range(_text(item.get("page")))
    record.editors = [name for name in map(_name, item.get("editor") or []) if name]
    record.date = _date(item.get("issued"))
    record.doi = clean_doi(_text(item.get("DOI")))
    record.url = _text(item.get("URL"))
    places = [_text(item.get(k)) for k in ("number", "DOI", "URL", "archive_location", "note")]
    record.arxiv = next((found for found in map(arxiv_id, places) if found), None)
    for name in ("number", "note"):  # kept unless they only said the arXiv id
        if arxiv_id(_text(item.get(name))) is None:
            record.keep(name, _text(item.get(name)))
    for key, value in item.items():
        if key not in USED and value not in (None, "", [], {}):
            record.keep(key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
    return record
