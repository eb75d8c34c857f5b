"""Machine-readable outputs: Atom feed, sitemap, BibTeX, JSON and plain-text citations.

Every value from content is escaped for its format here; nothing depends on the wall clock,
so unchanged content gives byte-identical files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sitegen import schema, urls
from sitegen.model import Paper, SiteConfig

FEED_SIZE = 50
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


def authors_text(paper: Paper) -> str:
    if paper.organization:
        return paper.organization
    if paper.authors_count:
        return f"{paper.authors_count} author{'s' if paper.authors_count != 1 else ''}"
    return ""


# --- Atom feed -------------------------------------------------------------------------------


def atom_feed(config: SiteConfig, newest: Sequence[Paper], summaries: Mapping[str, str]) -> str:
    """The newest dated papers (FEED_SIZE at most), as Atom 1.0."""
    dated = [paper for paper in newest if paper.date is not None][:FEED_SIZE]
    updated = f"{dated[0].date.isoformat()}T00:00:00Z" if dated and dated[0].date else "1970-01-01T00:00:00Z"
    entries = "".join(_feed_entry(config, paper, summaries[paper.slug]) for paper in dated)
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


def _feed_entry(config: SiteConfig, paper: Paper, summary: str) -> str:
    address = urls.absolute(config.base_url, urls.paper_page(paper.slug))
    stamp = f"{paper.date.isoformat()}T00:00:00Z" if paper.date else ""
    return (
        "  <entry>\n"
        f"    <title>{xml_text(paper.title)}</title>\n"
        f"    <id>{xml_text(address)}</id>\n"
        f'    <link rel="alternate" type="text/html" href={xml_attr(address)}/>\n'
        f"    <updated>{stamp}</updated>\n"
        f"    <published>{stamp}</published>\n"
        f'    <summary type="text">{xml_text(summary)}</summary>\n'
        "  </entry>\n"
    )


# --- sitemap ---------------------------------------------------------------------------------


def sitemap(base_url: str, pages: Sequence[str]) -> str:
    locations = "".join(
        f"  <url><loc>{xml_text(urls.absolute(base_url, page))}</loc></url>\n" for page in pages
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{locations}</urlset>\n"
    )


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


def bibtex_escape(value: str) -> str:
    """Text as a BibTeX field's content: one line, no control characters, braces balanced, and
    the same text once LaTeX reads it."""
    value = " ".join(BIBTEX_CONTROLS.sub(" ", value).split())
    escaped = BIBTEX_SPECIAL.sub(lambda m: BIBTEX_REPLACEMENTS.get(m.group(), "\\" + m.group()), value)
    return LATEX_LIGATURES.sub("{}", escaped)


BIBTEX_URL_UNSAFE = re.compile(r"[{}\s\x00-\x1f\x7f]")  # percent-encoded in a url field


def bibtex_keys(papers: Sequence[Paper]) -> dict[str, str]:
    """A stable, unique key per paper: its slug (ASCII letters, digits, -) and year; clashes get -2, -3..."""
    keys: dict[str, str] = {}
    used: set[str] = set()
    for paper in sorted(papers, key=lambda p: p.slug):
        base = re.sub(r"[^A-Za-z0-9-]+", "-", paper.slug).strip("-") or "paper"
        base += str(paper.year or "")
        key, number = base, 1
        while key in used:
            number += 1
            key = f"{base}-{number}"
        used.add(key)
        keys[paper.slug] = key
    return keys


def bibtex_entry(paper: Paper, key: str, address: str) -> str:
    fields = [("title", "{" + bibtex_escape(paper.title) + "}")]
    if paper.organization:
        fields.append(("author", "{" + bibtex_escape(paper.organization) + "}"))
    if paper.date:
        fields += [("year", str(paper.date.year)), ("month", paper.date.strftime("%b").lower())]
    fields.append(("url", BIBTEX_URL_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", address)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


# --- plain-text citation and JSON ------------------------------------------------------------


def text_citation(paper: Paper, site_title: str, address: str) -> str:
    parts = [paper.title.rstrip(".") + "."]
    if authors_text(paper):
        parts.append(authors_text(paper) + ".")
    if paper.date:
        parts.append(f"{paper.date.day} {paper.date:%B %Y}.")
    parts.append(f"In {site_title}. {address}")
    return " ".join(parts)


def paper_record(
    paper: Paper, topics: tuple[str, ...], related: tuple[str, ...], bibtex_key: str
) -> dict[str, object]:
    """A paper's record in papers.json: its address, every field the schema shows in JSON, its
    topics (as the rules and pins give them), abstract, related papers and BibTeX key."""
    fields = {field.name: field.type.json(getattr(paper, field.name)) for field in JSON_FIELDS}
    return {
        "slug": paper.slug,
        "url": urls.paper_page(paper.slug),
        **fields,
        "topics": list(topics),
        "abstract": paper.abstract,
        "related": list(related),
        "bibtex_key": bibtex_key,
    }


JSON_FIELDS = tuple(field for field in schema.FIELDS if schema.JSON in field.shown)


def record_json(record: dict[str, object]) -> bytes:
    """One record as JSON_LIST lays it out, so a build can keep it for the next."""
    # Indented one level deeper than on its own (JSON strings hold no raw newline).
    return json.dumps(record, ensure_ascii=False, indent=1).replace("\n", "\n ").encode("utf-8")


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
        if not chunks:
            return self.empty
        parts = [self.separator] * (2 * len(chunks) + 1)
        parts[0], parts[1::2], parts[-1] = self.head, chunks, self.tail
        return b"".join(parts)


JSON_LIST = ListFile(b"[\n ", b",\n ", b"\n]\n", b"[]\n")  # as json.dumps(records, indent=1) lays it out
BIBTEX_LIST = ListFile(b"", b"\n", b"", b"")
