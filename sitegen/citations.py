"""Citations of the papers themselves (not of this site's pages): what kind of publication each
is, its citation key, and its record as RIS, CSL-JSON and an APA-style reference. BibTeX is
written by sitegen/outputs.py from the same `Citation`.

Every value from content is escaped for its format; nothing depends on the wall clock. No I/O.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Sequence

from anyascii import anyascii

from sitegen import names
from sitegen.model import MONTH_NAMES, PREPRINT_VENUE, Paper, identified, page_span

# How each kind of paper is called in each format.
BIBTEX_TYPES = {
    "article": "article",
    "conference": "inproceedings",
    "preprint": "misc",
    "book": "book",
    "chapter": "incollection",
    "thesis": "phdthesis",
    "report": "techreport",
    "misc": "misc",
}
RIS_TYPES = {
    "article": "JOUR",
    "conference": "CPAPER",
    "preprint": "UNPB",
    "book": "BOOK",
    "chapter": "CHAP",
    "thesis": "THES",
    "report": "RPRT",
    "misc": "GEN",
}
CSL_TYPES = {
    "article": "article-journal",
    "conference": "paper-conference",
    "preprint": "article",  # CSL's type for preprints, as Zotero exports them
    "book": "book",
    "chapter": "chapter",
    "thesis": "thesis",
    "report": "report",
    "misc": "document",
}
CONFERENCE_VENUE = re.compile(r"\b(proceedings|conference|workshop|symposium)\b", re.IGNORECASE)
# Conferences a venue often names by their acronym alone ("ICLR 2026", "MICCAI 2024"): with no
# `type` of its own, a paper whose venue is one of these (with a year or not) is a conference paper.
CONFERENCE_ACRONYMS = (
    "CVPR", "ICCV", "ECCV", "WACV", "BMVC", "NeurIPS", "NIPS", "ICML", "ICLR", "AISTATS", "UAI",
    "COLT", "CoRL", "AAAI", "IJCAI", "ACL", "EMNLP", "NAACL", "EACL", "COLING", "KDD", "WWW",
    "SIGIR", "CIKM", "WSDM", "CHI", "MICCAI", "MIDL", "ISBI", "IPMI", "CHIL", "ML4H", "MLHC",
    "BIBM", "AMIA", "ICASSP", "INTERSPEECH",
)  # fmt: skip
_ACRONYMS = "|".join(re.escape(acronym) for acronym in CONFERENCE_ACRONYMS)
_YEAR = r"(?:(?:19|20)\d\d|['’]?\d\d)"
# The acronym, perhaps after "Proc." or "Proceedings of (the)" and before or after a year, perhaps
# with what the paper was there in brackets ("ICLR 2024 (Spotlight)"); or a venue that ends with
# the acronym in brackets ("... Health, Inference, and Learning (CHIL)").
CONFERENCE_ACRONYM_VENUE = re.compile(
    rf"^\s*(?:(?:proc\.?|proceedings)\s+(?:of\s+)?(?:the\s+)?)?(?:{_YEAR}\s+)?(?:{_ACRONYMS})"
    rf"(?:\s*[-’']?\s*{_YEAR})?\s*(?:\([^()]*\))?\s*$|\((?:{_ACRONYMS})(?:\s*['’]?{_YEAR})?\)\s*$",
    re.IGNORECASE,
)
KEY_SKIPPED_WORDS = frozenset(
    ("a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "towards", "toward", "from", "at", "by")
)
APA_MOST_AUTHORS = 20  # APA 7: up to 20 authors; more give the first 19, an ellipsis and the last


def paper_type(paper: Paper) -> str:
    """The kind of publication: the file's `type`, else told by its venue and identifiers (its
    fields', or its addresses': model.identified)."""
    if paper.type:
        return paper.type
    paper = identified(paper)
    published_venue = bool(paper.venue) and not PREPRINT_VENUE.search(paper.venue or "")
    if published_venue and conference_venue(paper.venue or ""):
        return "conference"
    if published_venue or (paper.doi and not paper.arxiv):
        return "article"
    if paper.arxiv:
        return "preprint"
    return "misc"


def conference_venue(venue: str) -> bool:
    """Whether a venue is a conference's: it names a conference, workshop, symposium or
    proceedings, or is a known conference's acronym (CONFERENCE_ACRONYMS) with a year or not."""
    return bool(CONFERENCE_VENUE.search(venue) or CONFERENCE_ACRONYM_VENUE.search(venue))


def arxiv_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def doi_url(doi: str) -> str:
    return f"https://doi.org/{doi}"


def own_url(paper: Paper) -> str | None:
    """The paper's own address, for a citation's `url`: its landing page; else, for a paper with
    no DOI (which is given as itself), its arXiv page."""
    if paper.url:
        return paper.url
    return arxiv_url(paper.arxiv) if paper.arxiv and not paper.doi else None


def creators(paper: Paper) -> tuple[names.Person, ...]:
    """Who a paper is by, as lists and search show it: the authors, in their parts; else the
    organisation, as one name. Citations name `cited_authors` only."""
    if names.named(paper.authors):
        return cited_authors(paper)
    if paper.organization:
        return (names.Person("", "", " ".join(paper.organization.split()), "", institution=True),)
    return ()


def cited_authors(paper: Paper) -> tuple[names.Person, ...]:
    """Who to cite: the authors, in their parts. Never the `organization`: it is the authors'
    affiliation (a daily-papers listing's "Mayo Clinic"), not an author; an institution that is
    the author is one of `authors` (a CSL `literal` name, a braced BibTeX name), as readers store
    it. A paper with no author named is cited by its title, as APA cites a work without author.
    BibTeX's `others` ("et al.") is no one's name: `authors_cut_short` says it was there."""
    return tuple(names.parse(name) for name in names.named(paper.authors))


def authors_cut_short(paper: Paper) -> bool:
    """Whether the paper's author list names only some of its authors (ends `others`)."""
    return names.cut_short(paper.authors)


# --- keys ------------------------------------------------------------------------------------


def citation_keys(papers: Sequence[Paper]) -> dict[str, str]:
    """A key per paper: the first author's family name, the year and the title's first word
    (`lovelace2024endogen`), lower-case ASCII; without authors the title word and the year.
    Papers that would share a key are taken in the order `key_order` gives (the first published
    first): the first keeps it, and each other adds its title's next words until they differ from
    those of every paper before it (`lovelace2024notesbernoulli`), else its slug. So a paper's key
    depends only on its own record and those of the papers sharing its key published before it
    (or on the same day, with a file name sorting first): never on a paper published later, nor
    on unrelated papers."""
    return unique_keys(grouped_keys(papers, {paper.slug: citation_key(paper) for paper in papers}))


def key_order(paper: Paper) -> tuple[tuple[int, tuple[int, int, int]], str]:
    """The order in which papers sharing a base key are given their keys: the first published
    first (a date known only to the year or month before the days within it, as lists sort
    dates), then by file name; undated papers last. It depends only on the papers themselves, so
    a build from nothing gives the same keys; and since a review mostly adds papers newer than
    those it has, a newcomer gets the longer key and the paper cited before keeps its own."""
    return ((0, paper.date.key) if paper.date else (1, (0, 0, 0))), paper.slug


def grouped_keys(papers: Sequence[Paper], bases: dict[str, str]) -> dict[str, str]:
    """Each paper's key told apart from the others with its base key (`bases`, by slug: its
    `citation_key`), in the order of `papers`. A paper's key depends only on the papers sharing
    its base key, so `papers` may be whole groups of a library rather than all of it."""
    groups: dict[str, list[Paper]] = {}
    for paper in papers:
        groups.setdefault(bases[paper.slug], []).append(paper)
    keys: dict[str, str] = {}
    for base, members in groups.items():
        if len(members) == 1:
            keys[members[0].slug] = base
            continue
        keys.update(_keys_in_order(base, sorted(members, key=key_order)))
    return {paper.slug: keys[paper.slug] for paper in papers}


def repeated_papers(papers: Sequence[Paper], bases: dict[str, str]) -> dict[str, str]:
    """The papers that repeat one before them (in `key_order`): the same title, authors, year and
    abstract (case, accents and punctuation aside): one paper in two files (a copy saved under
    another name), not two papers that happen to share a title. Slug -> the earlier one's slug.
    Such papers share a base key (`bases`, by slug), so only a group's members are compared, and
    `papers` may be whole groups."""
    groups: dict[str, list[Paper]] = {}
    for paper in papers:
        groups.setdefault(bases[paper.slug], []).append(paper)
    repeated: dict[str, str] = {}
    for members in groups.values():
        first: dict[tuple[object, ...], str] = {}
        for paper in sorted(members, key=key_order) if len(members) > 1 else ():
            same = (
                tuple(_ascii_words(paper.title)),
                tuple(tuple(_ascii_words(person.display())) for person in cited_authors(paper)),
                paper.year,
                tuple(_ascii_words(paper.abstract)),
            )
            repeated_of = first.setdefault(same, paper.slug)
            if repeated_of != paper.slug:
                repeated[paper.slug] = repeated_of
    return repeated


def _keys_in_order(base: str, members: list[Paper]) -> dict[str, str]:
    """The keys of papers sharing `base`, in `key_order`: the first keeps it; each other takes
    the fewest title words (two at least) that no paper before it starts with, and that no key
    before it is, else `base-slug`. The longest start a title shares with those before it is
    with a neighbour in their sorted order, so this takes a sorted list, not every pair."""
    keys = {members[0].slug: base}
    taken = {base}
    before = [_key_words(members[0])]
    for paper in members[1:]:
        words = _key_words(paper)
        at = bisect.bisect_left(before, words)
        shared = max(
            (_common_start(words, before[i]) for i in (at - 1, at) if 0 <= i < len(before)), default=0
        )
        key = None
        for length in range(max(2, shared + 1), len(words) + 1):
            candidate = citation_key(paper, length)
            if candidate not in taken:
                key = candidate
                break
        key = key or f"{base}-{paper.slug}"
        keys[paper.slug] = key
        taken.add(key)
        bisect.insort(before, words)
    return keys


def unique_keys(keys: dict[str, str]) -> dict[str, str]:
    """`keys` (every paper's, from `grouped_keys`) with a key still shared by papers of different
    groups made unique by their slugs."""
    taken: dict[str, int] = {}
    for key in keys.values():
        taken[key] = taken.get(key, 0) + 1
    return {slug: key if taken[key] == 1 else f"{key}-{slug}" for slug, key in keys.items()}


def _common_start(a: list[str], b: list[str]) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def _key_words(paper: Paper) -> list[str]:
    """The title's words for keys: without articles and prepositions (unless it has no other)."""
    words = _ascii_words(paper.title)
    return [word for word in words if word not in KEY_SKIPPED_WORDS] or words


def citation_key(paper: Paper, title_words: int = 1) -> str:
    """`family` + year + the title's first words; without a name, the words + year."""
    words = "".join(_key_words(paper)[:title_words])
    year = str(paper.year or "")
    who = cited_authors(paper)
    family = "".join(_ascii_words(who[0].family)[:1]) if who else ""
    if family:
        return f"{family}{year}{words}"
    return f"{words}{year}" or "paper"


def _ascii_words(text: str) -> list[str]:
    """Lower-case ASCII words: accents dropped, other scripts spelt out (anyascii)."""
    text = re.sub(r"(?<=\w)['’](?=\w)", "", text)  # O'Brien -> obrien
    return re.findall(r"[a-z0-9]+", anyascii(text).lower())


# --- RIS -------------------------------------------------------------------------------------


def ris_record(paper: Paper, key: str, abstract: str) -> str:
    """The paper as one RIS record (`TY` ... `ER`), each value on one line."""
    paper = identified(paper)
    kind = paper_type(paper)
    lines = [("TY", RIS_TYPES[kind])]
    lines += [("AU", _ris_name(person)) for person in cited_authors(paper)]
    lines.append(("TI", paper.title))
    if paper.venue:
        lines.append((_ris_venue_tag(paper, kind), paper.venue))
    lines += [("A2", _ris_name(names.parse(name))) for name in names.named(paper.editors)]
    for tag, value in (("VL", paper.volume), ("IS", paper.issue), ("PB", paper.publisher)):
        if value:
            lines.append((tag, value))
    if paper.pages:
        first, last = page_span(paper.pages)
        lines += [("SP", first)] + ([("EP", last)] if last else [])
    if paper.date:
        lines.append(("PY", str(paper.date.year)))
        parts = [f"{paper.date.year:04d}", f"{paper.date.month:02d}" if paper.date.month else ""]
        parts.append(f"{paper.date.day:02d}" if paper.date.day else "")
        lines.append(("DA", "/".join(parts) + "/"))
    if paper.doi:
        lines.append(("DO", paper.doi))
    if paper.arxiv:
        lines.append(("M3", f"arXiv:{paper.arxiv}"))
    url = own_url(paper)
    if url:
        lines.append(("UR", url))
    if paper.pdf:
        lines.append(("L1", paper.pdf))
    if abstract:
        lines.append(("AB", abstract))
    lines.append(("ID", key))
    body = "".join(f"{tag}  - {_one_line(value)}\n" for tag, value in lines)
    return body + "ER  - \n"


def _ris_name(person: names.Person) -> str:
    if person.institution:
        return person.family
    family = person.sort_family()
    if person.jr:  # RIS's order: "Family, Given, Suffix" (the given name may be empty)
        return f"{family}, {person.given}, {person.jr}"
    if person.given:
        return f"{family}, {person.given}"
    return f"{family}," if " " in family else family  # the comma: no given name ("van Gogh,")


RIS_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(value: str) -> str:
    joined = " ".join(value.split())
    # Printable: no control character or separator is left (those that are white space went with
    # the split), so there is nothing to replace; most values, abstracts included, need no more.
    if joined.isprintable():
        return joined
    return " ".join(RIS_CONTROLS.sub(" ", value).split())


# --- CSL-JSON --------------------------------------------------------------------------------


def csl_item(paper: Paper, key: str, abstract: str) -> dict[str, object]:
    """The paper as a CSL-JSON item, as Zotero exports them."""
    paper = identified(paper)
    kind = paper_type(paper)
    item: dict[str, object] = {"id": key, "type": CSL_TYPES[kind], "title": paper.title}
    people = [_csl_name(person) for person in cited_authors(paper)]
    if people:
        item["author"] = people
    if kind == "preprint" and paper.arxiv:
        item["publisher"] = "arXiv"
        item["number"] = f"arXiv:{paper.arxiv}"
    elif paper.arxiv:
        item["note"] = f"arXiv:{paper.arxiv}"  # CSL has no field for a preprint; Zotero writes it so
    if paper.venue and not (kind == "preprint" and paper.arxiv):
        if series_of_book(paper, kind):
            item["collection-title"] = paper.venue
        else:
            item["publisher" if kind in PUBLISHED_BY else "container-title"] = paper.venue
    if names.named(paper.editors):
        item["editor"] = [_csl_name(names.parse(name)) for name in names.named(paper.editors)]
    for name, value in (("volume", paper.volume), ("issue", paper.issue), ("page", paper.pages)):
        if value:
            item[name] = value
    if paper.publisher and "publisher" not in item:
        item["publisher"] = paper.publisher
    if paper.date:
        parts = (paper.date.year, paper.date.month, paper.date.day)
        item["issued"] = {"date-parts": [[part for part in parts if part]]}
    if paper.doi:
        item["DOI"] = paper.doi
    elif kind == "preprint" and paper.arxiv:
        item["DOI"] = f"10.48550/arXiv.{paper.arxiv}"  # arXiv's own DOI for the preprint
    url = own_url(paper)
    if url:
        item["URL"] = url
    if abstract:
        item["abstract"] = abstract
    return item


# Kinds whose venue is who published them (a university, an archive), not what contains them.
PUBLISHED_BY = ("thesis", "report", "book", "preprint")


def _ris_venue_tag(paper: Paper, kind: str) -> str:
    """Where RIS (and Zotero's reading of it) puts the venue: a journal in `JO`; a thesis's
    university, a report's institution and a book's publisher in `PB` (`T2` is a book's series,
    and Zotero files it as a note on a thesis); a proceedings or a book a chapter is in, `T2`."""
    if kind == "article":
        return "JO"
    if kind in ("thesis", "report", "book") and not paper.publisher:
        return "PB"
    return "T2"


def series_of_book(paper: Paper, kind: str) -> bool:
    """A book with a publisher of its own has its venue as its series ("Lecture Notes in
    Computer Science"; Springer the publisher), not as its publisher."""
    return kind == "book" and bool(paper.publisher)


# Kinds whose venue APA introduces with "In" (a book's chapter, a web document's site).
APA_IN = ("chapter", "misc")


def _csl_name(person: names.Person) -> dict[str, str]:
    if person.institution or not person.given:
        return {"literal": person.display()}
    found = {"family": person.family, "given": person.given}
    if person.von:
        found["non-dropping-particle"] = person.von
    if person.jr:
        found["suffix"] = person.jr
    return found


def csl_json(item: dict[str, object]) -> bytes:
    """One item on one line, as outputs.CSL_LIST lays them out (compact: `indent` would make
    json use its pure-Python encoder, several times slower)."""
    return json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --- an APA-style reference ------------------------------------------------------------------


def apa_reference(paper: Paper) -> str:
    """An APA 7 style reference in plain text, as citeproc-py gives it with the APA CSL style for
    the same CSL-JSON item (tests/test_citations.py compares the two):
    `Family, G., & Other, A. (2024). Title. Venue, 12(3), 45–67. https://doi.org/...`

    A periodical's article (and a conference paper with no editors) gives the venue, volume,
    issue and pages after the title; a chapter (and an edited conference paper) "In" its editors'
    book, with the volume and pages after it and the publisher last; a book, thesis, report or
    preprint these details in brackets after its own title."""
    paper = identified(paper)
    kind = paper_type(paper)
    authors = _apa_authors(cited_authors(paper), more=authors_cut_short(paper))
    year = f"({_apa_date(paper, kind)})." if paper.date else "(n.d.)."
    style = _apa_style(paper, kind)
    notes = _apa_title_notes(paper, kind, style)
    title = paper.title.strip() + (f" ({'; '.join(notes)})" if notes else "")
    parts = [f"{authors} {year}" if authors else f"{_end(title)} {year}"]
    if authors:
        parts.append(_end(title))
    parts += _apa_source(paper, kind, style)
    if paper.doi:
        parts.append(doi_url(paper.doi))
    elif kind == "preprint" and paper.arxiv:
        parts.append(doi_url(f"10.48550/arXiv.{paper.arxiv}"))
    elif own_url(paper):
        parts.append(own_url(paper) or "")
    return " ".join(parts)


def _apa_style(paper: Paper, kind: str) -> str:
    """How APA sets out where the paper appeared: "periodical", "in" (a part of a book) or
    "own" (the work itself, its details after its title)."""
    if kind == "article" or (kind == "conference" and not names.named(paper.editors)):
        return "periodical"
    return "in" if kind in (*APA_IN, "conference") else "own"


def _apa_title_notes(paper: Paper, kind: str, style: str) -> list[str]:
    """What APA puts in brackets after the title: the editors, an arXiv number, the volume,
    issue and pages (for a part of a book, only when it names no book to put them after)."""
    if style == "periodical" or (style == "in" and paper.venue):
        return []
    editors = _apa_editors(paper.editors)
    notes = [f"{editors}, {_editors_word(paper.editors)}"] if editors else []
    if kind == "preprint" and paper.arxiv:
        notes.append(f"arXiv:{paper.arxiv}")
    locators = _apa_locators(paper)
    return notes + ([locators] if locators else [])


def _apa_source(paper: Paper, kind: str, style: str) -> list[str]:
    """The reference's parts between the title and the link."""
    if kind == "preprint" and paper.arxiv:
        return ["arXiv."]
    if style == "periodical":
        volume = (paper.volume or "") + (f"({paper.issue})" if paper.issue else "")
        found = [text for text in (paper.venue, volume, _apa_pages(paper.pages)) if text]
        return [_end(", ".join(found))] if found else []
    if style == "own":
        # csl_item gives the venue as the publisher, but a book's series (see series_of_book)
        published = paper.publisher if series_of_book(paper, kind) else paper.venue or paper.publisher
        return [_end(published)] if published else []
    found = []
    if paper.venue:
        editors = _apa_editors(paper.editors)
        editors = f"{editors} ({_editors_word(paper.editors)}), " if editors else ""
        locators = _apa_locators(paper)
        found.append(_end(f"In {editors}{paper.venue}" + (f" ({locators})" if locators else "")))
    if paper.publisher:
        found.append(_end(paper.publisher))
    return found


def _apa_locators(paper: Paper) -> str:
    """ "Vol. 12, Issue 3, pp. 45–67": the parts of the book or series the paper is in."""
    parts = [f"Vol. {paper.volume}"] if paper.volume else []
    parts += [f"Issue {paper.issue}"] if paper.issue else []
    if paper.pages:
        pages = _apa_pages(paper.pages) or ""
        parts.append(("pp. " if PAGE_RANGE.search(pages) else "p. ") + pages)
    return ", ".join(parts)


PAGE_RANGE = re.compile("[\u2013,&-]")  # more than one page


def _apa_pages(pages: str | None) -> str | None:
    """Pages as APA sets them: a range with an en dash, a list with a space after each comma."""
    if not pages:
        return None
    return re.sub(r"\s*,\s*", ", ", pages.strip())


def _apa_editors(editors: tuple[str, ...]) -> str:
    """Editors as APA names them: initials first, "J. Doe & R. Roe", "A. B, C. D, & E. F", and
    "J. Doe, R. Roe, et al." for a list cut short (`others`); "" for none named."""
    written = [_apa_editor(names.parse(name)) for name in names.named(editors)]
    if written and names.cut_short(editors):
        return ", ".join(written) + ", et al."
    if len(written) <= 2:
        return " & ".join(written)
    return ", ".join(written[:-1]) + f", & {written[-1]}"


def _apa_editor(person: names.Person) -> str:
    if person.institution or not person.given:
        return person.display()
    return " ".join(part for part in (person.initials(), person.sort_family(), person.jr) if part)


def _editors_word(editors: tuple[str, ...]) -> str:
    """APA 7's "Ed." or "Eds." (citeproc-py leaves the APA style's word in lower case)."""
    return "Ed." if len(editors) == 1 and not names.cut_short(editors) else "Eds."


def _apa_date(paper: Paper, kind: str) -> str:
    """The year; for a conference paper (one not yet in proceedings: no volume, issue, pages or
    editors) or another document, with its month and day (APA 7, as its CSL style does)."""
    date = paper.date
    assert date is not None
    published = paper.volume or paper.issue or paper.pages or names.named(paper.editors)
    if kind not in ("conference", "misc") or not date.month or (kind == "conference" and published):
        return str(date.year)
    month = MONTH_NAMES[date.month - 1]
    return f"{date.year}, {month} {date.day}" if date.day else f"{date.year}, {month}"


def _apa_authors(people: tuple[names.Person, ...], *, more: bool = False) -> str:
    written = [_apa_name(person) for person in people]
    if not written:
        return ""
    if more:  # a list cut short (`others`): those named, then "et al.", not a made-up last author
        return ", ".join(written[: APA_MOST_AUTHORS - 1]) + ", et al."
    if len(written) > APA_MOST_AUTHORS:
        return ", ".join(written[: APA_MOST_AUTHORS - 1]) + ", . . . " + written[-1]
    if len(written) == 1:
        return _end(written[0])
    if len(written) == 2:
        return f"{written[0]}, & {_end(written[1])}"
    return ", ".join(written[:-1]) + f", & {_end(written[-1])}"


def _apa_name(person: names.Person) -> str:
    if person.institution or not person.given:
        return person.display()
    text = f"{person.sort_family()}, {person.initials()}"
    return f"{text}, {person.jr}" if person.jr else text


def _end(text: str) -> str:
    """The text with a full stop, unless it ends with one, or with ? or !."""
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."
