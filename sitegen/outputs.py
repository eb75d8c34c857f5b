"""Machine-readable outputs: Atom feed, sitemap, BibTeX, JSON, and how the data files that hold a
chunk per paper (papers.json, papers.bib, papers.ris, papers.csl.json) are laid out.

Every value from content is escaped for its format here; nothing depends on the wall clock,
so unchanged content gives byte-identical files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sitegen import citations, names, schema, urls
from sitegen.abstracts import math_spans
from sitegen.model import PREPRINT_VENUE, Paper, SiteConfig, identified

FEED_SIZE = 50
FEED_AUTHORS = 3  # authors an entry names before "et al."
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Characters XML 1.0 forbids even when escaped.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
XML_ATTR = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
)


# Written out rather than taken from xml.sax.saxutils, whose import pulls in urllib.request and
# the email package: a tenth of a small rebuild's start-up.
def xml_text(value: str) -> str:
    return XML_FORBIDDEN.sub("", value).translate(XML_TEXT)


def xml_attr(value: str) -> str:
    return '"' + XML_FORBIDDEN.sub("", value).translate(XML_ATTR) + '"'


# --- Atom feed -------------------------------------------------------------------------------


def atom_feed(
    config: SiteConfig,
    newest: Sequence[Paper],
    summaries: Mapping[str, str],
    categories: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> str:
    """The newest dated papers (FEED_SIZE at most), as Atom 1.0: each with its first authors
    (FEED_AUTHORS, then "et al.") and its topics (`categories`, by slug: (id, title) pairs) as
    categories."""
    dated = [paper for paper in newest if paper.date is not None][:FEED_SIZE]
    updated = max((_stamp(paper) for paper in dated), default="1970-01-01T00:00:00Z")
    topics = categories or {}
    entries = "".join(
        _feed_entry(config, paper, summaries[paper.slug], topics.get(paper.slug, ())) for paper in dated
    )
    home = urls.absolute(config.base_url, "")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={xml_attr(config.language)}>\n'
        f"  <title>{xml_text(config.title)}</title>\n"
        f"  <subtitle>{xml_text(config.description)}</subtitle>\n"
        f"  <id>{xml_text(home)}</id>\n"
        f'  <link rel="alternate" type="text/html" href={xml_attr(home)}/>\n'
        f'  <link rel="self" type="application/atom+xml" href={xml_attr(home + urls.FEED)}/>\n'
        f"  <updated>{updated}</updated>\n"
        f"  <author><name>{xml_text(config.author)}</name></author>\n"
        f"{entries}</feed>\n"
    )


def _stamp(paper: Paper) -> str:
    """Atom wants a whole timestamp: a date known to the year or month gives its first day."""
    return f"{paper.date.first_day().isoformat()}T00:00:00Z" if paper.date else ""


def _feed_entry(config: SiteConfig, paper: Paper, summary: str, topics: Sequence[tuple[str, str]]) -> str:
    address = urls.absolute(config.base_url, urls.paper_page(paper.slug))
    stamp = _stamp(paper)
    named = names.named(paper.authors)
    shown = [names.display(name) for name in named[:FEED_AUTHORS]]
    shown += ["et al."] if len(named) > FEED_AUTHORS or names.cut_short(paper.authors) else []
    authors = "".join(f"    <author><name>{xml_text(name)}</name></author>\n" for name in shown)
    categories = "".join(
        f"    <category term={xml_attr(topic_id)} label={xml_attr(title)}/>\n" for topic_id, title in topics
    )
    return (
        "  <entry>\n"
        f"    <title>{xml_text(paper.title)}</title>\n"
        f"    <id>{xml_text(address)}</id>\n"
        f'    <link rel="alternate" type="text/html" href={xml_attr(address)}/>\n'
        f"    <updated>{stamp}</updated>\n"
        f"    <published>{stamp}</published>\n"
        f"{authors}{categories}"
        f'    <summary type="text">{xml_text(summary)}</summary>\n'
        "  </entry>\n"
    )


# --- sitemap ---------------------------------------------------------------------------------


# The most addresses one sitemap file may list (the sitemaps.org protocol, which search engines
# enforce); a longer sitemap is cut into parts of this many, listed by a sitemap index.
SITEMAP_URLS = 50_000
_SITEMAPS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap(base_url: str, pages: Sequence[str]) -> str:
    locations = "".join(
        f"  <url><loc>{xml_text(urls.absolute(base_url, page))}</loc></url>\n" for page in pages
    )
    return f'<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="{_SITEMAPS}">\n{locations}</urlset>\n'


def sitemap_index(base_url: str, parts: Sequence[str]) -> str:
    """The sitemap index listing the files (`parts`) of a sitemap cut into parts."""
    listed = "".join(
        f"  <sitemap><loc>{xml_text(urls.absolute(base_url, part))}</loc></sitemap>\n" for part in parts
    )
    head = f'<?xml version="1.0" encoding="utf-8"?>\n<sitemapindex xmlns="{_SITEMAPS}">\n'
    return f"{head}{listed}</sitemapindex>\n"


# --- BibTeX ----------------------------------------------------------------------------------

# BibTeX ends a braced field at the brace that balances its opening one, counting every brace,
# escaped (`\}`) or not: a stray `}` in a title would end the field early and let the rest be read
# as more fields or entries. So braces are written as LaTeX's brace commands, whose own braces
# are balanced, and every other character LaTeX treats specially is escaped too.
BIBTEX_SPECIAL = re.compile(r"[\\{}$&%#_~^]")
BIBTEX_REPLACEMENTS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
# Control characters (C0, DEL, C1) and line and paragraph separators: white space in BibTeX.
BIBTEX_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Pairs LaTeX's fonts print as one other character (`''` as a closing quote, `--` as a dash,
# `<<` as a guillemet): an empty group between them keeps the characters the title has.
LATEX_LIGATURES = re.compile(
    r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[!?])(?=`)|(?<=<)(?=<)|(?<=>)(?=>)|(?<=,)(?=,)"
)


# What needs more than white space collapsed (most titles have none of it): a special or control
# character, or a ligature pair.
BIBTEX_ANY_SPECIAL = re.compile("[\\\\{}$&%#_~^\x00-\x1f\x7f-\x9f\u2028\u2029]|--|``|''|[!?]`|<<|>>|,,")


def bibtex_escape(value: str) -> str:
    """Text as a BibTeX field's content: one line, no control characters, braces balanced, and
    the same text once LaTeX reads it."""
    if not BIBTEX_ANY_SPECIAL.search(value):
        return " ".join(value.split())
    value = " ".join(BIBTEX_CONTROLS.sub(" ", value).split())
    escaped = BIBTEX_SPECIAL.sub(lambda m: BIBTEX_REPLACEMENTS.get(m.group(), "\\" + m.group()), value)
    return LATEX_LIGATURES.sub("{}", escaped)


def bibtex_title(title: str) -> str:
    """A title as a BibTeX field's content: its math (where abstracts.math_spans finds it, by
    pandoc's rule) kept as written, for LaTeX to set as math; the rest escaped as text. Math that
    BibTeX or LaTeX would misread (braces not balanced, a `%` comment, a `#` or `&`) is text too."""
    if "$" not in title and "\\(" not in title:
        return bibtex_escape(title)
    title = BIBTEX_CONTROLS.sub(" ", title)
    parts, at = [], 0
    for start, end in math_spans(title):
        math = " ".join(title[start:end].split())
        apart = title[start - 1 : start] not in ("$", "\\") and title[end : end + 1] != "$"  # not `\$$x$`
        if apart and _safe_math(math):
            parts += [_escaped_between(title[at:start]), _inline(math)]
            at = end
    return "".join([*parts, _escaped_between(title[at:])]).strip()


def _inline(math: str) -> str:
    """Display math (`$$...$$`) as inline math: a title is one line of text."""
    return f"${math[2:-2]}$" if math.startswith("$$") else math


UNSAFE_IN_MATH = re.compile(r"(?<!\\)[%#&]")


MATH_DELIMITED = re.compile(r"\$\$.+\$\$|\$(?!\$).*[^$]\$|\$[^$]\$|\\\(.*\\\)", re.DOTALL)


def _safe_math(math: str) -> bool:
    if not MATH_DELIMITED.fullmatch(math):  # `$$x$`: LaTeX reads on for a second `$$`
        return False
    depth = 0
    for char in math:  # BibTeX counts every brace, escaped or not
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0 and not UNSAFE_IN_MATH.search(math)


def _escaped_between(text: str) -> str:
    """Text between math, escaped, with one space kept at either end where it had any."""
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() and text.strip() else ""
    return lead + bibtex_escape(text) + trail


BIBTEX_URL_UNSAFE = re.compile(r"[{}\s\x00-\x1f\x7f]")  # percent-encoded in a url field


def bibtex_verbatim(value: str) -> str:
    """A url, DOI or eprint id: read verbatim by LaTeX's url package, so only what would break
    the field (braces, white space, control characters) is percent-encoded."""
    return BIBTEX_URL_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", value)


# The field a venue goes in, by the entry's kind of paper (a preprint's archive goes in eprint).
VENUE_FIELDS = {
    "article": "journal",
    "conference": "booktitle",
    "chapter": "booktitle",
    "book": "publisher",
    "thesis": "school",
    "report": "institution",
    "preprint": "howpublished",
    "misc": "howpublished",
}
NAME_SEPARATOR = re.compile(r",|\band\b", re.IGNORECASE)


def bibtex_keys(papers: Sequence[Paper]) -> dict[str, str]:
    """A stable, unique citation key per paper (see citations.citation_keys)."""
    return citations.citation_keys(papers)


def bibtex_entry(paper: Paper, key: str) -> str:
    """The paper's BibTeX entry: @article, @inproceedings, @misc with eprint for an arXiv-only
    paper...; every author, the venue, its editors, volume, number, publisher and pages, year and
    month, DOI, arXiv id and the paper's own URL."""
    paper = identified(paper)
    kind = citations.paper_type(paper)
    fields = [("title", "{{" + bibtex_title(paper.title) + "}}")]
    people = citations.cited_authors(paper)
    if people:
        more = " and others" if citations.authors_cut_short(paper) else ""  # BibTeX's "et al."
        fields.append(("author", "{" + " and ".join(bibtex_name(person) for person in people) + more + "}"))
    preprint_archive = kind == "preprint" and paper.arxiv and PREPRINT_VENUE.search(paper.venue or "")
    if paper.venue and not preprint_archive:
        venue = "series" if citations.series_of_book(paper, kind) else VENUE_FIELDS[kind]
        fields.append((venue, "{" + bibtex_escape(paper.venue) + "}"))
    if names.named(paper.editors):
        editors = " and ".join(bibtex_name(names.parse(name)) for name in names.named(paper.editors))
        more = " and others" if names.cut_short(paper.editors) else ""
        fields.append(("editor", "{" + editors + more + "}"))
    for name, value in (("volume", paper.volume), ("number", paper.issue), ("publisher", paper.publisher)):
        if value and name not in (field for field, _ in fields):  # a book's venue is its publisher
            fields.append((name, "{" + bibtex_escape(value) + "}"))
    if paper.pages:
        fields.append(("pages", "{" + bibtex_escape(paper.pages).replace("\u2013", "--") + "}"))
    if paper.date:
        fields.append(("year", "{" + str(paper.date.year) + "}"))
        if paper.date.month:
            fields.append(("month", MONTHS[paper.date.month - 1]))  # BibTeX's month macro
        if paper.date.day:  # BibTeX has no day; biblatex's `date` has (BibTeX ignores the field)
            fields.append(("date", "{" + paper.date.isoformat() + "}"))
    if paper.doi:
        fields.append(("doi", "{" + bibtex_verbatim(paper.doi) + "}"))
    if paper.arxiv:
        fields += [("eprint", "{" + bibtex_verbatim(paper.arxiv) + "}"), ("archiveprefix", "{arXiv}")]
    url = citations.own_url(paper)
    if url:
        fields.append(("url", "{" + bibtex_verbatim(url) + "}"))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@{citations.BIBTEX_TYPES[kind]}{{{key},\n{body}\n}}\n"


def bibtex_name(person: names.Person) -> str:
    """A name as BibTeX splits it without guessing: `von Family, Jr, Given`, or an institution's
    name in braces; a part holding a comma or "and" is braced so that it stays one part. A name
    with no given name is braced whole too ("{De Gaulle}"), or, where it has a von or Jr part
    to keep, ends in BibTeX's trailing comma for "no given name" ("van Gogh, Jr.,")."""
    if person.institution or not (person.given or person.von or person.jr):
        return "{" + bibtex_escape(person.display()) + "}"

    def part(text: str) -> str:
        escaped = bibtex_escape(text)
        return "{" + escaped + "}" if NAME_SEPARATOR.search(text) else escaped

    family = " ".join(filter(None, (part(person.von), part(person.family))))
    if not person.given:
        return ", ".join(filter(None, (family, part(person.jr)))) + ","
    return ", ".join(filter(None, (family, part(person.jr), part(person.given))))


# --- JSON, RIS and CSL-JSON ------------------------------------------------------------------


def paper_record(
    paper: Paper, topics: tuple[str, ...], related: tuple[str, ...], bibtex_key: str, *, editor: bool = True
) -> dict[str, object]:
    """A paper's record in papers.json: its page on the site (`page`; `url` is the paper's own
    landing page, a field), every field the schema shows in JSON (but the editor's notes, on the
    reader's site), its topics (as the rules and pins give them), abstract, related papers and
    BibTeX key."""
    shown = JSON_FIELDS if editor else READER_JSON_FIELDS
    fields = {field.name: field.type.json(getattr(paper, field.name)) for field in shown}
    return {
        "slug": paper.slug,
        "page": urls.paper_page(paper.slug),
        **fields,
        "topics": list(topics),
        "abstract": paper.abstract,
        "related": list(related),
        "bibtex_key": bibtex_key,
    }


JSON_FIELDS = tuple(field for field in schema.FIELDS if schema.JSON in field.shown)
READER_JSON_FIELDS = tuple(field for field in JSON_FIELDS if schema.EDITOR_ONLY not in field.shown)


def browse_record_js(record: dict[str, object]) -> bytes:
    """One record as BROWSE_LIST lays it out (a JSON object is a JavaScript expression)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def record_json(record: dict[str, object]) -> bytes:
    """One record as JSON_LIST lays it out (as json.dumps(record, ensure_ascii=False, indent=1)
    does, one level deeper), so a build can keep it for the next."""
    return _json_indented(record, "\n ").encode("utf-8")


# json.dumps takes its pure-Python encoder when asked for `indent`, slower than its C one: records
# are laid out here instead, and each string in them is written by the C encoder, as json.dumps
# writes it (0.28 -> 0.20 s for papers.json's 10,000 records), called directly rather than
# through the encoder's `encode` (Python), and true and false written here (0.25 -> 0.21 s).
_JSON_VALUE = json.JSONEncoder(ensure_ascii=False)
_json_string = json.encoder.encode_basestring  # what _JSON_VALUE.encode(text) calls for a string


def _json_indented(value: object, newline: str) -> str:
    """`value` as json.dumps(value, ensure_ascii=False, indent=1) lays it out, on lines that
    start with `newline` (a line break, then the indentation of the line `value` starts on)."""
    if isinstance(value, str):
        return _json_string(value)
    if value is None:  # most fields of most records
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    inner = newline + " "
    if isinstance(value, dict):
        items = [f"{_json_key(key)}: {_json_indented(item, inner)}" for key, item in value.items()]
        return "{" + inner + ("," + inner).join(items) + newline + "}" if items else "{}"
    if isinstance(value, (list, tuple)):
        items = [_json_indented(item, inner) for item in value]
        return "[" + inner + ("," + inner).join(items) + newline + "]" if items else "[]"
    return _JSON_VALUE.encode(value)


def _json_key(key: object) -> str:
    """A key as json.dumps writes it: a string, or a number, true, false or null made one."""
    if isinstance(key, str):
        return _json_string(key)
    return json.dumps({key: None}, ensure_ascii=False)[1 : -len(": null}")]


@dataclass(frozen=True)
class ListFile:
    """How a data file lays out one chunk per paper (a JSON record, a BibTeX entry).

    Chunks are joined as bytes, once: as text, one accented letter would make a 24 MB string 4
    bytes a letter, to be encoded again, and each further copy costs as much as the join.
    """

    head: bytes
    separator: bytes
    tail: bytes
    empty: bytes  # the file without chunks

    def joined(self, chunks: Sequence[bytes]) -> bytes:
        return b"".join(self.pieces(chunks))

    def size(self, sizes: Sequence[int]) -> int:
        """The size of the file whose chunks are of `sizes`."""
        if not sizes:
            return len(self.empty)
        return len(self.head) + sum(sizes) + len(self.separator) * (len(sizes) - 1) + len(self.tail)

    def pieces(self, chunks: Sequence[bytes]) -> list[bytes]:
        """The file's bytes in order, `chunks` among them: written one after the other, or joined."""
        if not chunks:
            return [self.empty]
        parts = [self.separator] * (2 * len(chunks) + 1)
        parts[0], parts[1::2], parts[-1] = self.head, chunks, self.tail
        return parts


JSON_LIST = ListFile(b"[\n ", b",\n ", b"\n]\n", b"[]\n")  # as json.dumps(records, indent=1) lays it out
BIBTEX_LIST = ListFile(b"", b"\n", b"", b"")
RIS_LIST = ListFile(b"", b"\n", b"", b"")
CSL_LIST = ListFile(b"[\n", b",\n", b"\n]\n", b"[]\n")  # one item a line
# A script that sets a global, so that it loads from file:// as from a server.
BROWSE_LIST = ListFile(b"window.SITEGEN_PAPERS = [\n", b",\n", b"\n];\n", b"window.SITEGEN_PAPERS = [];\n")
