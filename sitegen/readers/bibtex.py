"""BibTeX bibliographies (`.bib`): Zotero, Mendeley, JabRef, Google Scholar and DBLP exports, and
al-folio's `papers.bib` (with its Jekyll front-matter fence and fields such as `code`, `html`).

bibtexparser 2 splits the file into blocks, with the line each starts on, and finds the blocks
that are not valid BibTeX (so a syntax error names its entry's line and imports nothing). Field
values are then evaluated here by BibTeX's rules, which bibtexparser 2 leaves undone: `@string`
macros, `#` concatenation and month macros; then `crossref`. LaTeX becomes Unicode with
pylatexenc (`{\\"U}ber` -> Über, `\\c{c}` -> ç, protective braces dropped). Fields sitegen has no
place for, and entry types it does not know, are kept under `extra`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import bibtexparser
from bibtexparser.middlewares.names import split_multiple_persons_names
from bibtexparser.model import Entry, String

from sitegen.errors import Problem, SitegenError
from sitegen.listings import SUBSCRIPTS, SUPERSCRIPTS, URL, Listing
from sitegen.model import Link
from sitegen.readers.records import (
    Record,
    arxiv_id,
    clean_doi,
    listing,
    only_an_arxiv_id,
    read_date,
    read_iso_date,
    web_address,
)

NAME = "BibTeX"
EXTENSIONS = (".bib", ".bibtex")

ENTRY_START = re.compile(r"^\s*@\s*([A-Za-z]+)\s*[{(]", re.MULTILINE)
FENCE = re.compile(r"\A---[ \t]*\n(?:.*\n)*?---[ \t]*(?:\n|\Z)")
TYPES = {
    "article": "article",
    "inproceedings": "conference",
    "conference": "conference",
    "proceedings": "book",
    "book": "book",
    "mvbook": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "bookinbook": "chapter",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "unpublished": "preprint",
    "preprint": "preprint",
    "online": "misc",
    "electronic": "misc",
    "www": "misc",
    "misc": "misc",
}
# Containers that entries point at with `crossref`: not papers of their own when pointed at.
CONTAINERS = ("proceedings", "mvproceedings", "book", "mvbook", "collection", "mvcollection")
VENUE_FIELDS = ("journal", "journaltitle", "booktitle", "eventtitle", "howpublished", "school",
                "institution", "publisher", "organization")  # fmt: skip
# Fields of al-folio and similar sites that are links: (kind, label).
LINK_FIELDS = {
    "code": ("code", ""),
    "github": ("code", ""),
    "website": ("project", ""),
    "project": ("project", ""),
    "slides": ("other", "Slides"),
    "poster": ("other", "Poster"),
    "video": ("other", "Video"),
    "blog": ("other", "Blog"),
    "supp": ("other", "Supplementary material"),
    "dataset": ("data", ""),
}
STANDARD_MONTHS = {name[:3]: name for name in (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december")}  # fmt: skip


def sniff(text: str, name: str) -> bool:
    body = _without_fence(text)
    lines = (line for line in body.splitlines() if line.strip() and not line.lstrip().startswith("%"))
    first = next(lines, "")
    return name.lower().endswith(EXTENSIONS) or bool(ENTRY_START.match(first))


def parse(text: str, source: str, shown: str) -> Listing:
    with _library_quiet():
        library = bibtexparser.parse_string(_without_comments(_without_fence(text)), parse_stack=[])
    failures = [_failure(block, shown) for block in library.failed_blocks]
    failures += [problem for entry in library.entries for problem in _missing_commas(entry, shown)]
    failures += _fields_outside_entries(library.blocks, shown)
    if failures:
        failures.sort(key=lambda problem: problem.line or 0)
        raise SitegenError.many(failures, f"{shown}: not valid BibTeX; nothing was imported")
    macros = dict(STANDARD_MONTHS)
    warnings: list[Problem] = []
    for block in library.blocks:
        if isinstance(block, String):
            unknown: list[str] = []
            macros[block.key.lower()] = _value(str(block.value), macros, unknown)
            warnings += [
                Problem(_undefined_in_string(block.key, macro), shown, _line(block)) for macro in unknown
            ]
    entries = {entry.key: entry for entry in library.entries}
    targets = {_field(entry, "crossref") for entry in library.entries} - {None}
    records: list[Record] = []
    for entry in library.entries:
        if entry.key in targets and entry.entry_type.lower() in CONTAINERS:
            kind = entry.entry_type.lower()
            message = f"{entry.key}: a @{kind} that entries cross-reference: its fields are theirs"
            warnings.append(Problem(message, shown, _line(entry)))
            continue
        undefined: dict[str, list[str]] = {}
        fields = {
            key: _value(raw, macros, undefined.setdefault(key, [])) for key, raw in _raw_fields(entry).items()
        }
        parent_key = fields.get("crossref")
        if parent_key:
            parent = entries.get(parent_key) or next(
                (e for k, e in entries.items() if k.lower() == parent_key.lower()), None
            )
            if parent is None:
                warnings.append(Problem(f"{entry.key}: crossref `{parent_key}` is not in the file", shown,
                                        _line(entry)))  # fmt: skip
            else:
                _inherit(fields, {k: _value(v, macros) for k, v in _raw_fields(parent).items()})
        records.append(_record(entry, fields, source))
        records[-1].notes[:0] = [
            f"`{name}`: `{macro}` is no @string macro defined in the file; its name is kept as the "
            f"value: define it (@string{{{macro} = {{...}}}}) or brace the value ({name} = {{{macro}}})"
            for name, found in undefined.items()
            for macro in found
        ]
    hint = "add `title = {...}` to the entry, then import again"
    return listing(source, NAME, records, shown, [], hint, tuple(warnings))


@contextmanager
def _library_quiet() -> Iterator[None]:
    """bibtexparser logs each block it cannot read (to stderr, through logging's last resort),
    in its own words and counting lines from 0; sitegen reports those blocks itself (`_failure`),
    so while it parses, its loggers say nothing."""
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(level)


def _without_fence(text: str) -> str:
    """The text with a Jekyll front-matter fence at the top blanked (lines kept, for messages)."""
    fence = FENCE.match(text)
    if not fence:
        return text
    return "\n" * fence.group().count("\n") + text[fence.end() :]


def _without_comments(text: str) -> str:
    """The text with the `%` comments between an entry's fields blanked (lines kept, for
    messages): `% note = {...}` on a line of its own, `year = 2020 % checked` after a value.
    biber reads them as comments; bibtexparser took them for fields or for part of a value. A
    `%` inside a value's braces or quotes is text, and an escaped `\\%` is too."""
    if "%" not in text:
        return text
    blanked: list[tuple[int, int]] = []
    depth, quoted, skip_to = 0, False, 0
    for found in SIGNIFICANT.finditer(text):  # only the characters that matter: fast on big files
        at, char = found.start(), found.group()
        if at < skip_to:
            continue
        if char.startswith("\\"):
            continue
        if char == "%" and depth <= 1 and not quoted:
            end = text.find("\n", at)
            skip_to = len(text) if end < 0 else end
            blanked.append((at, skip_to))
        elif char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == '"' and depth == 1:
            quoted = not quoted
    parts, last = [], 0
    for start, end in blanked:
        parts += [text[last:start], " " * (end - start)]
        last = end
    return "".join([*parts, text[last:]])


SIGNIFICANT = re.compile(r'\\.|[{}"%]', re.DOTALL)


def _failure(block, shown: str) -> Problem:
    key = re.match(r"\s*@\s*\w+\s*[{(]\s*([^,\s]*)", getattr(block, "raw", "") or "")
    what = f"entry `{key.group(1)}`" if key and key.group(1) else "this entry"
    error = getattr(block, "error", None)
    reason = str(error or "") or str(getattr(error, "abort_reason", "") or "")  # what the library logged
    error = reason.split(". Note:")[0]
    message = f"{what} is not valid BibTeX: {' '.join(error.split()) or 'it cannot be read'}"
    return Problem(message, shown, _line(block),
                   hint="check its braces, quotes and commas, and that each key appears once")  # fmt: skip


# What follows a field's value when the comma after it is missing: the next field's `name =`.
RUN_ON = re.compile(r"\s*([A-Za-z][\w:.+-]*)\s*=")


def _missing_commas(entry: Entry, shown: str) -> list[Problem]:
    """A field whose value runs on into the next field's `name = ...`: the comma between them is
    missing. bibtexparser takes the rest as part of the value, so `author = {Doe, Jane}` then
    `year = 2020` made one author "Doe, Jane year = 2020" and no year (BibTeX and pybtex stop)."""
    found = []
    for field in entry.fields:
        for part in _split_concatenation(str(field.value)):
            rest = part.strip()[_part_end(part.strip()) :]
            line = (getattr(field, "start_line", None) or entry.start_line or 0) + 1
            run_on = RUN_ON.match(rest)
            if run_on:
                found.append(
                    Problem(
                        f"entry `{entry.key}`: a comma is missing after the value of `{field.key}`, "
                        f"before `{run_on.group(1)}`",
                        shown,
                        line,
                        hint=f"put a comma after `{field.key}`'s value; as it is, `{run_on.group(1)}` is "
                        "read as part of it",
                    )
                )
                break
            if rest.strip():  # `title = {Extra} brace}`: BibTeX stops there, pybtex too
                found.append(
                    Problem(
                        f"entry `{entry.key}`: `{field.key}` has text after its value: `{rest.strip()}`",
                        shown,
                        line,
                        hint=f"put all of `{field.key}`'s value inside its braces or quotes (a brace or "
                        "quote too many, or one missing, ends the value early), or join parts with `#`",
                    )
                )
                break
    return found


# A line of `name = {value`, `name = "value`, `name = 2020` or `name = macro`: a field.
FIELD_LINE = re.compile(r'^\s*,?\s*(?P<name>[A-Za-z][\w:.+-]*)\s*=\s*[{"\w]', re.MULTILINE)
# What an entry closed early leaves after it: the comma after the value, the brace too many, or
# its next field. (An entry commented out by deleting its `@` starts with its type: left alone.)
LEFT_OVER = re.compile(r'\s*(?:[,}]|[A-Za-z][\w:.+-]*\s*=\s*[{"\w])')


def _fields_outside_entries(blocks, shown: str) -> list[Problem]:
    """Fields in the text right after an entry, which BibTeX ignores: the entry closed early by a
    closing brace too many (`title = {A} b}},`), and its fields after it are lost."""
    found = []
    for block in blocks:
        text = str(getattr(block, "raw", "") or "")
        field = FIELD_LINE.search(text) if type(block).__name__ == "ImplicitComment" else None
        if field is None or not LEFT_OVER.match(text):
            continue
        found.append(
            Problem(
                "a field outside any entry: the entry before it ends early, and its fields from here on "
                "would be lost",
                shown,
                _line(block) + text.count("\n", 0, field.start("name")),
                hint="look for a closing brace too many in the entry above (e.g. `title = {A} b}},`); "
                "every field must be inside its entry's `@type{key, ...}`",
            )
        )
    return found


def _part_end(part: str) -> int:
    """Where the first value of a part ends: after its closing brace or quote (not a quote
    escaped as LaTeX's umlaut, `"Schr\\"odinger"`, which bibtexparser reads on over), or its first word."""
    if part[:1] in ("{", '"'):
        depth = 0
        for index, char in enumerate(part):
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            closing = char == "}" if part[0] == "{" else char == '"' and part[index - 1] != "\\"
            if index and depth == 0 and closing:
                return index + 1
        return len(part)
    word = re.match(r"\S*", part)
    return word.end() if word else len(part)


def _line(block) -> int:
    """The file line a block starts on (bibtexparser counts from 0)."""
    return (block.start_line or 0) + 1


def _raw_fields(entry: Entry) -> dict[str, str]:
    return {field.key.lower(): str(field.value) for field in entry.fields}


def _undefined_in_string(key: str, macro: str) -> str:
    return (
        f"@string `{key}`: `{macro}` is no @string macro defined before it; its name is kept as the "
        f"value: define it above (@string{{{macro} = {{...}}}}) or brace it ({{{macro}}})"
    )


def _field(entry: Entry, name: str) -> str | None:
    for field in entry.fields:
        if field.key.lower() == name:
            return _value(str(field.value), {})
    return None


def _inherit(fields: dict[str, str], parent: dict[str, str]) -> None:
    """BibTeX's crossref: the fields the entry lacks come from the entry it points at; a
    proceedings' title is the paper's booktitle (biblatex's rule)."""
    if "booktitle" not in fields and "title" in parent:
        fields["booktitle"] = parent.get("booktitle", parent["title"])
    for key, value in parent.items():
        if key not in ("title", "crossref", "ids") and key not in fields:
            fields[key] = value


# --- values: BibTeX's rules, then LaTeX to Unicode -----------------------------------------------


def _value(raw: str, macros: dict[str, str], undefined: list[str] | None = None) -> str:
    """A field's value: its parts joined by `#`, each braced, quoted, a number or a macro (an
    unknown macro stands for its name, as BibTeX warns and uses nothing; we keep the name, and
    add it to `undefined`)."""
    parts: list[str] = []
    for part in _split_concatenation(raw.strip()):
        part = part.strip()
        if (part[:1], part[-1:]) in (("{", "}"), ('"', '"')):
            parts.append(part[1:-1])
        elif part.isdigit():
            parts.append(part)
        else:
            if part.lower() not in macros and undefined is not None:
                undefined.append(part)
            parts.append(macros.get(part.lower(), part))
    return "".join(parts)


def _split_concatenation(raw: str) -> list[str]:
    parts, depth, quoted, start = [], 0, False, 0
    for index, char in enumerate(raw):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(raw[start:index])
            start = index + 1
    parts.append(raw[start:])
    return parts


# Macros pylatexenc drops or reads otherwise: the TeX logos ("Tricks with {\LaTeX}" lost its
# word), and the text-mode characters sitegen's own papers.bib writes for { } ^ (outputs.py's
# BIBTEX_REPLACEMENTS: pylatexenc read \textbraceleft as nothing, \textasciicircum as a modifier).
MACRO_TEXTS = {
    "TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2\u03b5", "BibTeX": "BibTeX", "XeTeX": "XeTeX",
    "textbraceleft": "{", "textbraceright": "}", "textasciicircum": "^", "textasciitilde": "~",
    "textbackslash": "\\",
    # Text-mode symbols exporters write that pylatexenc does not know or reads wrongly: Mendeley
    # writes `{\textgreater}10,000` and `{\textless}0.05` for > and < (the abstract said "10,000"
    # and "0.05"), pylatexenc gave \textperiodcentered as a dot accent; \relax is TeX's no-op
    # (Better BibTeX's `{\relax Le}~Cun`).
    "textgreater": ">", "textless": "<", "textbar": "|", "textunderscore": "_", "textquotedbl": '"',
    "textpercent": "%", "textperiodcentered": "\u00b7", "S": "\u00a7", "P": "\u00b6", "relax": "",
    # LaTeX's font and size switches (`{\em in vivo}`, `{\bf A}`): their text is read, they set
    # nothing a plain title shows, and pylatexenc left them out as unknown, with a warning.
    **dict.fromkeys(("em", "bf", "it", "sc", "tt", "rm", "sf", "sl", "up", "md", "itshape", "bfseries",
                     "upshape", "normalfont", "mdseries", "scshape", "slshape", "ttfamily", "sffamily",
                     "rmfamily", "tiny", "scriptsize", "footnotesize", "small", "normalsize", "large",
                     "Large", "LARGE", "huge", "Huge"), ""),
}  # fmt: skip
# References to other works or to parts of a document (`\cite{key}` in a title): pylatexenc wrote
# "<cit.>" and "<ref>"; nothing a reader can follow, so they are left out, with a warning.
REFERENCES = ("cite", "citep", "citet", "citealp", "citealt", "citeauthor", "citeyear", "parencite",
              "textcite", "autocite", "footcite", "ref", "eqref", "autoref", "cref", "Cref", "pageref",
              "label")  # fmt: skip
REFERENCE = re.compile(r"\\(" + "|".join(REFERENCES) + r")(?![A-Za-z])")
# A reference with its starred form, optional arguments and keys, as written.
REFERENCE_CALL = re.compile(REFERENCE.pattern + r"\*?(?:\s*\[[^\[\]]*\])*(?:\s*\{[^{}]*\})?")


@cache
def _latex_reader():
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    context = get_default_latex_context_db()
    macros = [MacroTextSpec(name, simplify_repl=text) for name, text in MACRO_TEXTS.items()]
    context.add_context_category("sitegen", macros=macros, prepend=True)
    return LatexNodes2Text(latex_context=context, math_mode="verbatim", strict_latex_spaces=False)


HREF = re.compile(r"\\href\s*\{([^{}]*)\}\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
URL_MACRO = re.compile(r"\\url\s*\{([^{}]*)\}")
BOXES = re.compile(r"\\(?:mbox|hbox|text|textrm|textnormal)\s*\{")


# What LaTeX reads otherwise than as the characters themselves: macros, groups, math, ties,
# specials, quotes, dashes, line breaks and tabs (spacing), and a no-break space (made a space).
LATEX_SIGNS = re.compile(r"[\\{}$~%&#^_`'\"\n\t\r\u00a0]|--")


def _latex_text(value: str) -> str:
    """LaTeX to Unicode text. Addresses are kept as written (`%`, `_` and `~` in them are not
    LaTeX), `%` and `&` count as the characters they mean in a bibliography (a `%` is rarely
    a comment there), and what pylatexenc cannot read is left as it was. Text with nothing LaTeX
    reads otherwise is given as it is: pylatexenc takes ~100 us a value, and most values (years,
    volumes, pages, plain titles) are such text (tests/test_bibtex.py holds the two equal)."""
    if not LATEX_SIGNS.search(value):
        return value
    kept: list[str] = []

    def keep(text: str) -> str:
        kept.append(text)
        return f"SITEGENKEPT{len(kept) - 1}X"

    value = REFERENCE_CALL.sub("", value)
    value = HREF.sub(lambda m: f"{m.group(2)} ({keep(m.group(1))})", value)
    value = URL_MACRO.sub(lambda m: keep(m.group(1)), value)
    value = URL.sub(lambda m: keep(m.group()), value)
    value = re.sub(r"(?<!\\)([%&#])", r"\\\1", value)
    value = BOXES.sub("{", value)
    try:
        text = _latex_reader().latex_to_text(value)
    except Exception:  # pylatexenc gives up on some malformed LaTeX: keep the text as written
        text = re.sub(r"[{}]", "", value)
    text = text.replace("\u00a0", " ")
    return re.sub(r"SITEGENKEPT(\d+)X", lambda m: kept[int(m.group(1))], text)


STRAY_AND = re.compile(r"^(?:and\s+)+|(?:\s+and)+$|^and$")


def _names(value: str) -> list[str]:
    """Each name as written, LaTeX read; a name in braces stays one (an institution's)."""
    found = []
    for name in split_multiple_persons_names(" ".join(value.split())):
        name = STRAY_AND.sub("", name.strip())  # "A and  and B": BibTeX's split leaves "and B"
        if not name:
            continue
        if name.startswith("{") and name.endswith("}") and _balanced(name[1:-1]):
            found.append("{" + _latex_text(name[1:-1]).strip() + "}")
        else:
            found.append(_latex_text(name).strip())
    return found


def _howpublished_address(fields: dict[str, str]) -> str | None:
    """The address a `howpublished` gives alone (`\\url{https://...}`, as for a web page): the
    paper's address, not its venue."""
    return web_address(_latex_text(fields["howpublished"]).strip()) if fields.get("howpublished") else None


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


# --- an entry's record ------------------------------------------------------------------------------


def _record(entry: Entry, fields: dict[str, str], source: str) -> Record:
    kind = entry.entry_type.lower()
    fields = {name: _address(value) if name in ADDRESSES else value for name, value in fields.items()}
    record = Record(source, _line(entry), entry.key)
    used = {"title", "abstract", "author", "crossref"}
    record.title = _latex_text(_title_math(fields.get("title", "")))
    record.abstract = _latex_text(fields.get("abstract", ""))
    record.authors = _names(fields["author"]) if fields.get("author") else []
    record.type = TYPES.get(kind, "misc")
    if kind not in TYPES:
        record.keep("entry_type", kind)
    address = _howpublished_address(fields)  # a web page's `howpublished`: its url, not its venue
    venue = next(
        (name for name in VENUE_FIELDS if fields.get(name) and not (name == "howpublished" and address)), None
    )
    if venue:
        record.venue = _latex_text(fields[venue])
        used.add(venue)
    written, read = fields.get("date", ""), read_iso_date(fields.get("date"))
    if read[0] is None and fields.get("year"):  # no `date`, or none that can be read: `year`...
        parts = {name: fields[name] for name in ("year", "month", "day") if fields.get(name)}
        written = ", ".join(f"{name} = {value}" for name, value in parts.items())
        read = read_date(fields["year"], fields.get("month"), fields.get("day"))
    record.take_date(written, read)
    if record.date is not None:
        used |= {"year", "month", "day"} | ({"date"} if written == fields.get("date") else set())
    record.doi = clean_doi(fields.get("doi"))
    record.arxiv, arxiv_fields = _arxiv(fields)
    used |= arxiv_fields if record.arxiv else set()
    urls = [web_address(part) for part in (fields.get("url") or "").split()]
    if len(urls) > 1 and all(urls):  # Mendeley's `url = {http://dx.doi.org/... http://www...}`
        record.doi = record.doi or next(filter(None, map(clean_doi, urls)), None)
        own = [url for url in urls if url and not clean_doi(url)] or [url for url in urls if url]
        record.links += [Link(url) for url in own[1:]]
        urls = [own[0]]
    url = urls[0] if len(urls) == 1 else None
    for name, given in (("url", url), ("html", web_address(fields.get("html"))), ("howpublished", address)):
        if record.url is None and given:
            record.url = given
            used.add(name)
    record.pdf = web_address(fields.get("pdf"))
    for name, detail in DETAILS.items():
        if name == "number" and record.type != "article":
            continue  # a report's, patent's or series' number, not an issue: kept under extra
        if name == "volume" and arxiv_id(fields.get("volume")):
            continue  # DBLP's CoRR `volume = {abs/2101.00001}`: the arXiv id, not a volume
        if fields.get(name) and name not in used and getattr(record, detail) is None:
            setattr(record, detail, _latex_text(fields[name]))
            used.add(name)
    if fields.get("editor"):
        record.editors = _names(fields["editor"])
        used.add("editor")
    used |= {"doi"} if record.doi else set()
    used |= {"pdf"} if record.pdf else set()
    for name, (link_kind, label) in LINK_FIELDS.items():
        address = web_address(fields.get(name))
        if address:
            record.links.append(Link(address, link_kind, label))
            used.add(name)
    for name, value in fields.items():
        if name not in used:
            record.keep(name, value if name in VERBATIM else _latex_text(value))
    for name, value in fields.items():
        unknown = _unknown_macros(value) if name not in VERBATIM else []
        if unknown:
            commands = ", ".join(f"`\\{command}`" for command in unknown)
            record.notes.append(f"`{name}`: {commands} left out, a LaTeX command sitegen does not know")
        references = dict.fromkeys(REFERENCE.findall(value)) if name not in VERBATIM else {}
        if references:
            commands = ", ".join(f"`\\{command}`" for command in references)
            record.notes.append(f"`{name}`: {commands} left out, a reference the text cannot show")
    return record


MATH = re.compile(r"(?<!\\)\$.*?(?<!\\)\$", re.DOTALL)  # kept as written (math_mode="verbatim")
SCRIPTED = re.compile(r"([\^_])\{?([^{}\s^_]+)\}?")


def _title_math(title: str) -> str:
    r"""A title's TeX math as the text it prints, where that is text: `$\alpha$-Netzen` is
    α-Netzen, `$\mathcal{O}(n \log n)$` is 𝒪(n log n), CO`$_2$` is CO₂. Kept as written it was
    shown as `$\alpha$` in the page's heading and escaped to a literal `\$\textbackslash{}alpha\$`
    in papers.bib. Math that is more than text (`$\frac{a}{b^{n+1}}$`) is kept as written."""
    if "$" not in title:
        return title
    return MATH.sub(lambda m: _math_text(m.group()) or m.group(), title)


def _math_text(math: str) -> str | None:
    text = SCRIPTED.sub(_shifted, _math_reader().latex_to_text(math))
    return None if re.search(r"[\\{}^_$]", text) else text


def _shifted(match: re.Match[str]) -> str:
    """`^2` as ², `_12` as ₁₂; left as it is when a character has no such form (`^n+1`)."""
    table = SUPERSCRIPTS if match.group(1) == "^" else SUBSCRIPTS
    shifted = match.group(2).translate(table)
    if any(a == b for a, b in zip(match.group(2), shifted, strict=True)):
        return match.group()
    return shifted


@cache
def _math_reader():
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text", strict_latex_spaces=False)


def _unknown_macros(value: str) -> list[str]:
    """The LaTeX commands of `value` (outside math and addresses) that pylatexenc does not know,
    which the text leaves out (the words in their braces stay): a lossy reading, said aloud."""
    if "\\" not in value:
        return []
    context = _latex_reader().latex_context
    text = MATH.sub("", URL.sub("", URL_MACRO.sub("", HREF.sub("", REFERENCE_CALL.sub("", value)))))
    names = dict.fromkeys(re.findall(r"\\([A-Za-z]+)", text))
    return [name for name in names if context.get_macro_spec(name) is context.unknown_macro_spec]


VERBATIM = ("url", "html", "pdf", "doi", "eprint", "file", *LINK_FIELDS)  # kept as written
ADDRESSES = tuple(name for name in VERBATIM if name != "file")  # a file's path may hold a `\`
ESCAPED = re.compile(r"\\([_%&#$~{}])")


def _address(value: str) -> str:
    r"""A DOI, address or id as meant: DBLP escapes its specials (`doi = {10.1007/978-3-319-24574-4\_28}`,
    `url = {https://doi.org/...\_28}`), which read as written made a DOI no other record's matched
    and a broken link. No DOI or address holds a backslash, so `\_` is `_` (and `\%`, `\&`...)."""
    return ESCAPED.sub(r"\1", value)


# The fields that give a record's bibliographic details (a publisher that named the venue, as a
# report's or thesis's does, is used already). biblatex's `issue` is a season ("Spring"): kept.
DETAILS = {"volume": "volume", "number": "issue", "pages": "pages", "publisher": "publisher"}


def _arxiv(fields: dict[str, str]) -> tuple[str | None, set[str]]:
    """The arXiv id, and the fields that gave it: `eprint` (with `archivePrefix` or `eprinttype`
    arXiv, or an id shaped as arXiv's), al-folio's `arxiv`, DBLP's CoRR `volume = {abs/...}`,
    or a journal, url or note naming one."""
    archive = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    eprint = fields.get("eprint") or ""
    if eprint and archive in ("arxiv", ""):
        found = arxiv_id(eprint, marked=False)
        if found and (archive or re.fullmatch(r"\s*(?:arxiv:)?\S+\s*", eprint, re.IGNORECASE)):
            # `primaryclass` kept under extra; so is an `eprint` that says more than the id (its version)
            return found, {"archiveprefix", "eprinttype"} | (
                {"eprint"} if only_an_arxiv_id(eprint) else set()
            )
    if fields.get("arxiv") and arxiv_id(fields["arxiv"], marked=False):
        used = {"arxiv"} if only_an_arxiv_id(fields["arxiv"]) else set()  # a version: kept under extra
        return arxiv_id(fields["arxiv"], marked=False), used
    if re.search(r"\bcorr\b", fields.get("journal", ""), re.IGNORECASE) and arxiv_id(fields.get("volume")):
        return arxiv_id(fields.get("volume")), {"volume"}
    for name in ("journal", "url", "note", "howpublished"):
        found = arxiv_id(fields.get(name))
        if found:
            return found, set()
    return None, set()
