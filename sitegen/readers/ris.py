"""RIS exports (`.ris`): Zotero, EndNote, Mendeley, PubMed and publishers' "export citation".

rispy reads the records and maps their two-letter tags to names. It skips a record that is not
closed by `ER  -` without a word, so the records' starts and ends are checked here first: a
record left open is an error naming its line, and nothing is imported. Tags sitegen has no place
for are kept under `extra`, by their tag; so are the values past the first of a tag that has one
(rispy keeps only the first of `DO  - ` given twice), but a repeated `AB`'s, each a paragraph.
"""

from __future__ import annotations

import re
from typing import Any

import rispy

from sitegen import names
from sitegen.errors import SitegenError
from sitegen.listings import Listing
from sitegen.model import Link
from sitegen.readers.records import (
    YEAR,
    DateRead,
    Record,
    arxiv_id,
    clean_doi,
    listing,
    markup_text,
    page_range,
    read_date,
    read_iso_date,
    read_text_date,
    web_address,
)

NAME = "RIS"
EXTENSIONS = (".ris",)

TAG = re.compile(r"^([A-Z][A-Z0-9])  - ?(.*)$")
TYPES = {
    "JOUR": "article", "JFULL": "article", "EJOUR": "article", "MGZN": "article", "NEWS": "article",
    "CONF": "conference", "CPAPER": "conference",
    "UNPB": "preprint", "INPR": "preprint",
    "BOOK": "book", "EBOOK": "book", "EDBOOK": "book",
    "CHAP": "chapter", "ECHAP": "chapter",
    "THES": "thesis",
    "RPRT": "report",
    "GEN": "misc", "ELEC": "misc", "WEB": "misc",
}  # fmt: skip
# rispy's names of the fields used here; the others are kept under extra by their tag.
USED = {"type_of_reference", "title", "primary_title", "authors", "first_authors", "secondary_title",
        "journal_name", "alternate_title1", "alternate_title2", "alternate_title3", "year",
        "publication_year", "date", "doi", "urls", "file_attachments1", "abstract", "notes_abstract",
        "id", "accession_number", "type_of_work", "publisher", "unknown_tag", "volume", "start_page",
        "end_page"}  # fmt: skip
# The kinds whose secondary authors (A2) are the editors of the book or proceedings they are in.
EDITED = ("CHAP", "BOOK", "EDBOOK", "CONF", "CPAPER")
VENUES = ("journal_name", "secondary_title", "alternate_title3", "alternate_title1", "alternate_title2")
TAGS = {name: tag for tag, name in rispy.TAG_KEY_MAPPING.items()}
# Every tag read as a list of its values (one a line it starts), so that none given twice is lost;
# the tags whose values are lists anyway (`AU`, `KW`, `UR`...) keep their names' plural meaning.
EVERY_TAG = list(rispy.TAG_KEY_MAPPING)
LISTS = {rispy.TAG_KEY_MAPPING[tag] for tag in rispy.LIST_TYPE_TAGS}
ALTERNATIVE_OF = {"primary_title": "title", "notes_abstract": "abstract"}  # read when the other is not there
# Several addresses in one `UR` line are split where a `;` comes before the next one's scheme; a
# `;` inside an address (`...3.0.CO;2-2`, `article.do;jsessionid=...`) is part of it.
NEXT_ADDRESS = re.compile(r"\s*;\s*(?=(?:https?://|ftp://|www\.))", re.IGNORECASE)


def sniff(text: str, name: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return name.lower().endswith(EXTENSIONS) or bool(re.match(r"^TY  - ", first.lstrip("\ufeff")))


def parse(text: str, source: str, shown: str) -> Listing:
    starts = _record_lines(text, shown)
    try:
        found = rispy.loads(
            _continued_lines_joined(text),
            skip_unknown_tags=False,
            list_tags=EVERY_TAG,
            delimiter_tags_mapping={},
        )
    except Exception as exc:  # rispy's own complaint, about the file as a whole
        hint = "each record starts with `TY  - ` and ends with `ER  - `"
        line = starts[0] if starts else 1
        raise SitegenError(f"not a valid RIS file: {exc}", path=shown, line=line, hint=hint) from None
    if len(found) != len(starts):
        raise SitegenError(f"{len(starts)} records start but {len(found)} could be read", path=shown,
                           hint="each record starts with `TY  - ` and ends with `ER  - `")  # fmt: skip
    records = [_record(fields, source, line) for line, fields in zip(starts, found, strict=True)]
    return listing(source, NAME, records, shown, [], "add a `TI  - ` line to the record, then import again")


def _record_lines(text: str, shown: str) -> list[int]:
    """The line of each record's `TY`; a record not closed by `ER` before the next is an error."""
    starts: list[int] = []
    open_at: int | None = None
    for number, line in enumerate(text.splitlines(), 1):
        tag = TAG.match(line.rstrip("\r").lstrip("\ufeff"))
        if tag and tag.group(1) == "TY":
            if open_at is not None:
                break
            open_at = number
            starts.append(number)
        elif tag and tag.group(1) == "ER":
            open_at = None
    if open_at is not None:
        raise SitegenError("this record is not closed by an `ER  - ` line", path=shown, line=open_at,
                           hint="end each record with `ER  - `; nothing was imported")  # fmt: skip
    return starts


def _continued_lines_joined(text: str) -> str:
    """The text with each line that continues a tag's value (a line rispy reads as no tag's, such
    as an abstract wrapped over lines) joined to the one before, as rispy joins them: with every
    tag a list, rispy would make each line a value of its own, not a part of the value."""
    parser, lines = rispy.RisParser(), list[str]()
    for line in text.split("\n"):
        tag, content = parser.parse_line(line)
        if tag is None and lines:
            lines[-1] = f"{lines[-1].rstrip()} {content}" if content else lines[-1]
        else:
            lines.append(line)
    return "\n".join(lines)


def _first(fields: dict[str, Any], *names: str) -> str | None:
    for name in names:
        value = fields.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        if value:
            return str(value)
    return None


def _record(fields: dict[str, Any], source: str, line: int) -> Record:
    kind = str(fields.get("type_of_reference") or "GEN")
    key = _first(fields, "id") or f"{kind} record at line {line}"
    record = Record(source, line, key)
    record.title = markup_text(_first(fields, "title", "primary_title") or "")  # publishers' `<i>`
    abstract = (
        "abstract" if any(str(text).strip() for text in fields.get("abstract") or []) else "notes_abstract"
    )
    paragraphs = [text for text in map(str, fields.get(abstract) or []) if text.strip()]  # twice: two
    record.abstract = markup_text("\n\n".join(paragraphs))
    record.authors = _people(fields, "authors") or _people(fields, "first_authors")
    record.type = TYPES.get(kind, "misc")
    if kind not in TYPES:
        record.keep("entry_type", kind)
    record.venue, publisher = _first(fields, *VENUES), _first(fields, "publisher")
    if kind in ("BOOK", "EDBOOK") and record.venue and publisher is None:
        # A series (T2) with no publisher: a book's venue is its publisher unless it names one
        # (citations.series_of_book), so the series is kept as written under extra, not taken for it.
        series = next(name for name in VENUES if _first(fields, name))
        record.keep(TAGS.get(series, series), record.venue)
        record.venue = None
    if record.venue is None and kind in ("UNPB", "INPR", "THES", "RPRT", "BOOK", "EDBOOK"):
        # a preprint's archive, a thesis's university, a book's publisher: what sitegen calls
        # the venue of each (a book's `T2` is its series, its venue when it has a publisher too)
        record.venue = publisher
    else:
        record.publisher = publisher
    record.volume = _first(fields, "volume")
    if record.type == "article":  # else a report's or patent's number: kept under extra
        record.issue = _first(fields, "number")
    end = _first(fields, "end_page")
    record.pages = page_range(_first(fields, "start_page"), None if end == "+" else end)  # WoS: "and on"
    unknown = fields.get("unknown_tag") or {}
    if not isinstance(unknown, dict):  # a `UK` tag of its own (rispy names unknown tags so)
        unknown = {"UK": unknown if isinstance(unknown, list) else [unknown]}
    if kind in EDITED:
        record.editors = _people(fields, "secondary_authors")
        if not record.editors and unknown.get("ED"):
            # `ED`, the editor in Zotero's RIS and older specifications (rispy does not know it)
            record.editors = _people(unknown, "ED")
            unknown = {tag: values for tag, values in unknown.items() if tag != "ED"}  # read: not extra
    written = _first(fields, "date") or ""
    read = _ris_date(written) if written else (None, "")
    year = _first(fields, "year", "publication_year")
    if read[0] is None and year and written and not YEAR.search(written):
        # Web of Science's `DA  - FEB 2` (the month and day; the year is `PY`'s): its month and
        # day were dropped without a word, the paper dated by `PY` alone.
        written, read = f"{written} {year}", read_text_date(f"{written} {year.strip(' /')}")
    if read[0] is None and year:  # no `DA`, or none that can be read: `PY`
        written, read = year, _ris_date(year)  # `PY  - 2019/03/15/` is a whole date too
    record.take_date(written, read)
    record.doi = clean_doi(_first(fields, "doi"))
    urls = [u for line in fields.get("urls") or [] for u in NEXT_ADDRESS.split(str(line)) if u]
    tagged = (_first(fields, name) for name in ("doi", "accession_number", "type_of_work"))
    places = [*urls, *tagged, record.venue]
    record.arxiv = next((found for found in map(arxiv_id, places) if found), None)
    addresses = [web_address(u) for u in urls]
    record.url = next((u for u in addresses if u and not u.lower().endswith(".pdf")), None)
    record.pdf = web_address(_first(fields, "file_attachments1")) or next(
        (u for u in addresses if u and u.lower().endswith(".pdf")), None
    )
    for other in addresses[1:]:
        if other and other not in (record.url, record.pdf):
            record.links.append(Link(other))
    for name, value in fields.items():
        taken = (name == "secondary_authors" and record.editors) or (name == "number" and record.issue)
        if name not in USED and not taken:
            text = "; ".join(dict.fromkeys(map(str, value))) if isinstance(value, list) else str(value)
            record.keep(TAGS.get(name, name), text)
    for tag, values in unknown.items():
        record.keep(tag, "; ".join(map(str, values)))
    written_doi = _first(fields, "doi")
    if written_doi and record.doi is None:
        record.keep("DO", written_doi)  # not a DOI: kept as written
    record.keep("UR", "; ".join(u for u in urls if not web_address(u)))  # not web addresses
    attachment = _first(fields, "file_attachments1")
    if attachment and not web_address(attachment):
        record.keep("L1", attachment)  # a file on the exporter's disk
    for name in ("accession_number", "type_of_work"):  # kept, unless it was the arXiv id
        value = _first(fields, name)
        if value and (record.arxiv is None or arxiv_id(value) != record.arxiv):
            record.keep(TAGS[name], value)
    _keep_the_rest(record, fields, abstract)
    return record


def _keep_the_rest(record: Record, fields: dict[str, Any], abstract: str) -> None:
    """Keep under `extra` what a record says that no field took: the values past the first of a
    tag read for one value (a second `DO`, `TI` or `PY`), and those of a `T1` or `N2` beside the
    `TI` or `AB` that was read, when they say something else."""
    for name, values in fields.items():
        read = name in USED or (name == "number" and record.issue)  # an article's issue
        if not read or name in LISTS or name == abstract or not isinstance(values, list):
            continue
        rest = values[1:]
        read_instead = ALTERNATIVE_OF.get(name)
        if read_instead and fields.get(read_instead):
            said = {" ".join(str(value).split()) for value in fields[read_instead]}
            rest = [value for value in values if " ".join(str(value).split()) not in said]
        for value in rest:
            record.keep(TAGS[name], str(value))


def _people(fields: dict[str, Any], name: str) -> list[str]:
    """The names of a list field, "Family, Given" as RIS writes them (`_person`)."""
    people = (str(person).strip() for person in fields.get(name) or [])
    return [_person(text) for text in people if text]


# A name's words, for a name written without a comma: an initial ("J.", "J.-P."), a capitalised
# word ("Sheller", "O'Brien", "Müller-Lüdenscheid"), a particle, or initials run together ("HJWL").
INITIAL = re.compile(r"^[A-Z]\.(?:-?[A-Z]\.)*$")
WORD = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:['’-][^\W\d_]+)*\.?$")
VANCOUVER = re.compile(r"^(?!(?:II|III|IV)$)(?:[A-Z]{1,4}|(?:[A-Z]\.){1,4})$")  # "Aerts HJWL", "Litjens G."
SUFFIX = re.compile(r"^(?:Jr\.?|Sr\.?|II|III|IV)$")
PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "la",
             "le", "ter", "ten", "zu", "y", "bin", "al", "el"}  # fmt: skip
# Words of an institution's name, never of a person's: "Google AI", "NICE Guideline Group".
ORGANISATION = re.compile(
    r"\b(?:AI|Inc|Ltd|LLC|GmbH|Corp|Lab|Labs|Team|Group|Consortium|Collaboration|Collaborative|"
    r"Committee|Council|Association|Society|Institute|University|Organi[sz]ation|Foundation|Agency|"
    r"Network|Initiative|Alliance|Investigators|Authors|Research|Health|Hospital|Centre|Center|"
    r"Department|Ministry|Office|Board|Commission|Project|Program|Programme|Service|Trust|Clinic|"
    r"Healthcare|Medicine|Library|Press|Partners|Systems|Company|Registry|Study|Trial|Trialists|"
    r"Panel|Federation|Union|College|School|Academy|Laboratory|Laboratories|Working|Writing)\b"
)


def _person(text: str) -> str:
    """A name as the page and citations read it. RIS writes "Family, Given"; PubMed's and
    Scopus's "Hosny A" / "Aerts HJWL" (family, then initials) become "Hosny, A"; IEEE Xplore's
    "O. Ronneberger" (an initial, then the family name) and "Varun Gulshan" (given names, then the
    family name) are kept, BibTeX's rules split them. Any other name without a comma is an
    institution's, or one word, kept whole in braces. Before, all names without a comma were
    braced: "Hosny A" was cited as an institution of that name, and so was "Varun Gulshan"."""
    if (text.startswith("{") and text.endswith("}")) or names.says_more(text):  # "et al." is no one's
        return text
    if "," in text:
        return _suffix_before_given(text)
    words = text.split()
    if len(words) < 2 or len(words) > 6 or ORGANISATION.search(text):
        return "{" + text + "}"
    *family, last = words
    if SUFFIX.match(last):  # "J. Smith Jr.": BibTeX's rules take a suffix only after a comma
        person = _person(" ".join(family))
        if person.startswith("{"):
            return "{" + text + "}"
        parts = names.parse(person)
        return ", ".join(p for p in (f"{parts.von} {parts.family}".strip(), last, parts.given) if p)
    if VANCOUVER.match(last) and all(WORD.match(w) and not INITIAL.match(w) for w in family):
        # "HJWL" as initials, each a name ("H. J. W. L."): BibTeX and citeproc take a word of
        # capitals for one given name, and a reference cited "Aerts, H." for "Aerts, H. J. W. L."
        return f"{' '.join(family)}, {' '.join(letter + '.' for letter in last.replace('.', ''))}"
    personal = all(INITIAL.match(w) or (WORD.match(w) and (w[0].isupper() or w in PARTICLES)) for w in words)
    if personal and any(INITIAL.match(w) for w in family) and not INITIAL.match(last):
        return text
    if personal and _given_then_family(words):
        return text
    return "{" + text + "}"


def _suffix_before_given(text: str) -> str:
    """RIS's "Family, Given, Suffix" ("Phillips, A. J., Sr.", as the RIS specification writes it)
    in BibTeX's order, "Family, Suffix, Given": BibTeX reads the middle part as the suffix, so
    "Sr." was cited as the given name. A name already in BibTeX's order ("Smith, Jr., John": the
    middle part a suffix, the last not) is kept, and so is one with braces."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != 3 or "{" in text or (SUFFIX.match(parts[1]) and not SUFFIX.match(parts[2])):
        return text
    family, given, suffix = parts
    return f"{family}, {suffix}, {given}" if given else f"{family}, {suffix},"


def _given_then_family(words: list[str]) -> bool:
    """Whether a name without a comma is a person's written "Given Family" ("Varun Gulshan",
    "Anna van der Berg"): two to five words, first and last capitalised words (no initial, no
    particle), none all capitals ("NHS England" is an institution's; so is any name holding an
    ORGANISATION word, tested before)."""
    first, last = words[0], words[-1]
    return (
        2 <= len(words) <= 5
        and not any(INITIAL.match(w) or w in PARTICLES for w in (first, last))
        and not any(len(w) > 1 and w.isupper() and not INITIAL.match(w) for w in words)
        and first[0].isupper()
        and last[0].isupper()
    )


def _ris_date(text: str) -> DateRead:
    """RIS dates: `2024/06/03/`, `2024/06//`, `2024///` (a fourth part is other information,
    such as a season), or `2024-06-03`."""
    parts = [part.strip() for part in text.strip().split("/")]
    if len(parts) < 2 or not re.fullmatch(r"\d{4}", parts[0]):
        return read_iso_date(text)
    month = parts[1] or None
    day = parts[2] if month and len(parts) > 2 and parts[2] else None
    return read_date(parts[0], month, day)
