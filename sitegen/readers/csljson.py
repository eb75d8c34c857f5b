"""CSL-JSON (`.json`): Zotero's "Export Library... > CSL JSON", and what citation.js, pandoc and
Better BibTeX write. A list of items (or an object with `items`, or one item alone), each with
`type`, `title`, `author` as name objects, `issued` date parts, `DOI`, `URL`, `container-title`,
`abstract`.

The standard library reads the JSON; items are read one at a time so that each has its line,
for messages. Keys sitegen has no place for are kept under `extra`.
"""

from __future__ import annotations

import json
from typing import Any

from sitegen import names
from sitegen.errors import Problem, SitegenError
from sitegen.listings import Listing
from sitegen.readers.records import (
    DateRead,
    Record,
    arxiv_id,
    clean_doi,
    listing,
    markup_text,
    only_an_arxiv_id,
    page_range,
    read_date,
    read_iso_date,
    web_address,
)

NAME = "CSL-JSON"
EXTENSIONS = (".json",)

TYPES = {
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "review": "article", "paper-conference": "conference", "article": "preprint",
    "book": "book", "chapter": "chapter", "entry-encyclopedia": "chapter", "thesis": "thesis",
    "report": "report", "document": "misc", "webpage": "misc", "post": "misc", "manuscript": "preprint",
}  # fmt: skip
# The fields read here, by the JSON type CSL-JSON gives them (the CSL schema, csl-data.json). A
# value of another type is an error naming the item's line: never its letters or its repr.
TEXT_FIELDS = ("type", "abstract", "DOI", "URL", "note", "publisher", "archive_location", "event-title",
               "citation-key")  # fmt: skip
# Text, or a list of texts as Crossref's JSON (and citation.js, from it) writes them: the first is
# the value, the others (a journal's short name) are kept under extra.
TEXT_OR_LIST_FIELDS = ("title", "container-title")
TEXT_OR_NUMBER_FIELDS = ("id", "number", "volume", "issue", "page")
NAME_FIELDS = ("author", "editor")
DATE_FIELDS = ("issued",)
USED = {*TEXT_FIELDS, *TEXT_OR_LIST_FIELDS, *TEXT_OR_NUMBER_FIELDS, *NAME_FIELDS, *DATE_FIELDS}
NAME_TEXT_PARTS = ("family", "given", "dropping-particle", "non-dropping-particle", "suffix", "literal")
NAME_FLAG_PARTS = ("comma-suffix", "static-ordering", "parse-names")
NAME_HINT = 'write it as a list of name objects: [{"family": "Smith", "given": "Alice"}], or {"literal": ' \
    '"..."} for an institution'  # fmt: skip
DATE_HINT = (
    'write it as {"date-parts": [[2024, 3, 14]]} (year, month and day as known), or as text "2024-03-14"'
)


def sniff(text: str, name: str) -> bool:
    start = text.lstrip("\ufeff \t\r\n")[:2000]
    if not start.startswith(("[", "{")):
        return False
    if name.lower().endswith(EXTENSIONS):
        return True
    return '"type"' in start and ('"title"' in start or '"id"' in start)


def parse(text: str, source: str, shown: str) -> Listing:
    try:
        return _parse(text, source, shown)
    except RecursionError:  # Python's JSON reader, and the checks of what it read, recurse
        raise SitegenError("not CSL-JSON: its lists or objects are nested too deeply to read", path=shown,
                           hint="export the library as CSL JSON again")  from None  # fmt: skip


def _parse(text: str, source: str, shown: str) -> Listing:
    items = _items(text, shown)
    problems: list[Problem] = []
    records: list[Record] = []
    for line, item in items:
        if not isinstance(item, dict):
            problems.append(Problem("an item is not a JSON object", shown, line, hint="export it again"))
            continue
        wrong = [Problem(message, shown, line, key, hint) for key, message, hint in _wrong_types(item)]
        problems += wrong
        if not wrong:
            records.append(_record(item, source, line))
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
    elif isinstance(whole, dict) and ("title" in whole or "type" in whole):
        return [(text.count("\n", 0, text.index("{")) + 1, whole)]  # one item, as citation.js writes one
    elif isinstance(whole, list):
        start = text.index("[")
    else:
        raise SitegenError("not CSL-JSON: expected a list of items, or one item", path=shown, line=1,
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


def _found(value: Any) -> str:
    """A JSON value as the error shows it: its JSON type, and the value as JSON (cut short)."""
    written = json.dumps(value, ensure_ascii=False)
    written = written if len(written) <= 40 else written[:37] + "..."
    if value is None or isinstance(value, bool):
        return written
    kind = ("text" if isinstance(value, str) else "the number" if isinstance(value, (int, float))
            else "a list" if isinstance(value, list) else "an object")  # fmt: skip
    return f"{kind} {written}"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _wrong_types(item: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field, what is wrong, how to fix it) for each value the reader uses whose JSON type is not
    the one CSL-JSON gives it. null is no value (as if the field were left out)."""
    wrong: list[tuple[str, str, str]] = []

    def check(key: str, value: Any, ok: bool, expected: str, hint: str) -> bool:
        if not ok:
            wrong.append((key, f"expected {expected}, found {_found(value)}", hint))
        return ok

    for key in TEXT_FIELDS:
        value = item.get(key)
        if value is not None:
            check(key, value, isinstance(value, str), "text", f'write it in quotes: "{key}": "..."')
    for key in TEXT_OR_LIST_FIELDS:
        value = item.get(key)
        if value is not None:
            ok = isinstance(value, str) or (
                isinstance(value, list) and all(isinstance(v, str) for v in value)
            )
            check(key, value, ok, "text or a list of texts", f'write it in quotes: "{key}": "..."')
    for key in TEXT_OR_NUMBER_FIELDS:
        value = item.get(key)
        if value is not None:
            ok = isinstance(value, str) or _is_number(value)
            check(key, value, ok, "text or a number", f'write it in quotes: "{key}": "..."')
    for key in NAME_FIELDS:
        value = item.get(key)
        if value is None or not check(
            key, value, isinstance(value, list), "a list of name objects", NAME_HINT
        ):
            continue
        for index, person in enumerate(value):
            where = f"{key}[{index}]"
            if not check(where, person, isinstance(person, dict), "a name object", NAME_HINT):
                continue
            for part in NAME_TEXT_PARTS:
                if person.get(part) is not None:
                    check(f"{where}.{part}", person[part], isinstance(person[part], str), "text", NAME_HINT)
            for part in NAME_FLAG_PARTS:
                flag = person.get(part)
                if flag is not None:
                    ok = isinstance(flag, (str, int, float))
                    check(f"{where}.{part}", flag, ok, "text, a number, true or false", NAME_HINT)
            named = [person.get(part) for part in ("family", "given", "literal")]
            if not any(isinstance(text, str) and text.strip() for text in named):
                message = f'a name object with no "family", "given" or "literal": {_found(person)}'
                wrong.append((where, message, NAME_HINT))
    for key in DATE_FIELDS:
        value = item.get(key)
        if value is None:
            continue
        expected = "a date object or text"
        if check(key, value, isinstance(value, (str, dict)), expected, DATE_HINT) and isinstance(value, dict):
            wrong += _wrong_date(key, value)
    return wrong


def _wrong_date(key: str, value: dict[str, Any]) -> list[tuple[str, str, str]]:
    """What is wrong with a CSL date object: `date-parts` a list of one or two lists (a date, or a
    range) of a year, month and day as whole numbers or text; `raw`, `literal` and `edtf` text."""
    wrong = []
    parts = value.get("date-parts")
    if parts is not None:
        expected = "a list of one or two [year, month, day] lists"
        dates = parts if isinstance(parts, list) and len(parts) <= 2 else None
        if dates is None or not all(isinstance(d, list) and len(d) <= 3 for d in dates):
            wrong.append((f"{key}.date-parts", f"expected {expected}, found {_found(parts)}", DATE_HINT))
        else:
            for date in dates:
                for part in date:
                    if not (isinstance(part, str) or (_is_number(part) and float(part).is_integer())):
                        message = f"expected a whole number or text, found {_found(part)}"
                        wrong.append((f"{key}.date-parts", message, DATE_HINT))
    for name in ("raw", "literal", "edtf"):
        if value.get(name) is not None and not isinstance(value[name], str):
            wrong.append((f"{key}.{name}", f"expected text, found {_found(value[name])}", DATE_HINT))
    for name in ("season", "circa"):
        if isinstance(value.get(name), (list, dict)):
            wrong.append(
                (f"{key}.{name}", f"expected text or a number, found {_found(value[name])}", DATE_HINT)
            )
    return wrong


def _text(value: Any) -> str | None:
    """A value the types were checked of: text, or a number (`id`, `number`)."""
    return str(value) if value not in (None, "") else None


def _first_text(record: Record, item: dict[str, Any], key: str) -> str | None:
    """A text-or-list field's text, its markup read: a list's first text, the others kept."""
    value = item.get(key)
    texts = [v for v in value if v.strip()] if isinstance(value, list) else [value] if value else []
    if len(texts) > 1:
        record.keep(key, "; ".join(markup_text(t) for t in texts[1:]))
    return markup_text(texts[0]) if texts else None


def _name(person: dict[str, Any]) -> str | None:
    """A CSL name object as written: "von Family, Jr, Given", both particles before the family
    name, as CSL shows them ("Ludwig van Beethoven": given, dropping particle, non-dropping
    particle, family) and as BibTeX reads its von part; or a literal (an institution's name) in
    braces. The dropping particle was joined to the given name ("Beethoven, Ludwig van"): cited
    as given names "Ludwig van", abbreviated "L. v."."""
    if person.get("literal"):
        literal = str(person["literal"])
        return literal if names.says_more(literal) else "{" + literal + "}"  # "et al." is no one's
    parts_in_order = ("dropping-particle", "non-dropping-particle", "family")
    family = " ".join(str(person[k]) for k in parts_in_order if person.get(k))
    given = str(person.get("given") or "")
    suffix = str(person.get("suffix") or "")
    if not family:
        return given or None
    if not given and (suffix or " " in family):
        # No given name: BibTeX's trailing comma says so ("De Gaulle,", "van Gogh, Jr.,"), or
        # the first word of the family name would be read as one ("De Gaulle": given "De")
        return ", ".join(part for part in (family, suffix) if part) + ","
    return ", ".join(part for part in (family, suffix, given) if part)


def _date(value: Any) -> DateRead:
    """A CSL date (its types checked): EDTF text, or an object with `date-parts` (the first date
    of a range), else `raw`, `literal` or `edtf` text. A range's end and a season are not kept,
    and said as dropped."""
    if value is None:
        return None, ""
    if isinstance(value, str):
        return read_iso_date(value)
    parts = value.get("date-parts")
    if parts and parts[0]:
        first = [int(p) if isinstance(p, float) else p for p in [*parts[0], None, None][:3]]
        date, dropped = read_date(*first)
        lost = [dropped] if dropped else []
        if len(parts) > 1 and parts[1]:
            lost.append(f"a range: its end {json.dumps(parts[1])} is not kept")
        if value.get("season") not in (None, ""):
            lost.append(f"season {json.dumps(value['season'])} is not kept")
        return date, "; ".join(lost)
    text = next((value[k] for k in ("raw", "literal", "edtf") if value.get(k)), None)
    return read_iso_date(text) if text else (None, "")


def _record(item: dict[str, Any], source: str, line: int) -> Record:
    kind = str(item.get("type") or "document")
    record = Record(source, line, str(item.get("id") or item.get("citation-key") or f"item at line {line}"))
    record.title = _first_text(record, item, "title") or ""
    record.abstract = markup_text(_text(item.get("abstract")) or "")
    record.authors = [name for name in map(_name, item.get("author") or []) if name]  # each is named
    record.type = TYPES.get(kind, "misc")
    if kind not in TYPES:
        record.keep("entry_type", kind)
    record.venue = _first_text(record, item, "container-title") or _text(item.get("event-title"))
    if record.venue != _text(item.get("event-title")):
        record.keep("event-title", _text(item.get("event-title")))  # the conference, beside its proceedings
    if record.venue is None and kind in ("article", "manuscript", "thesis", "report"):
        record.venue = _text(item.get("publisher"))  # a preprint's archive, a thesis's university
    else:
        record.publisher = _text(item.get("publisher"))
    record.volume = _text(item.get("volume"))
    record.issue = _text(item.get("issue"))
    record.pages = page_range(_text(item.get("page")))
    record.editors = [name for name in map(_name, item.get("editor") or []) if name]
    issued = item.get("issued")
    record.take_date(issued if isinstance(issued, str) else json.dumps(issued), _date(issued))
    record.doi = clean_doi(_text(item.get("DOI")))
    record.url = _text(item.get("URL"))
    if record.url and not web_address(record.url):
        record.keep("URL", record.url)  # not a web address: kept as written
    if item.get("DOI") and record.doi is None:
        record.keep("DOI", _text(item.get("DOI")))  # not a DOI: kept as written
    if item.get("id") and _text(item.get("citation-key")) not in (None, _text(item.get("id"))):
        record.keep("citation-key", _text(item.get("citation-key")))  # a key beside the id
    places = [_text(item.get(k)) for k in ("number", "DOI", "URL", "archive_location", "note")]
    record.arxiv = next((found for found in map(arxiv_id, places) if found), None)
    for name in ("number", "note", "archive_location"):  # kept unless they only said the arXiv id
        if not (record.arxiv and only_an_arxiv_id(_text(item.get(name)))):
            record.keep(name, _text(item.get(name)))
    for key, value in item.items():
        if key not in USED and value not in (None, "", [], {}):
            record.keep(key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
    return record
