"""Bibliographies as real tools export them, in the shapes that lost or mangled a field: DBLP's
escaped DOIs and addresses, Mendeley's text-mode symbols, CSL-JSON's rich-text titles, lists
and lone items, RIS names and dates as PubMed, IEEE Xplore and Web of Science write them.

Each case is generated (formats x variants) and checked against an independent reading where
there is one (pybtex with latexcodec, rispy, json), else against the value as meant.
"""

from __future__ import annotations

import codecs
import json

import latexcodec  # noqa: F401  (registers the "ulatex" codec)
import pybtex.database
import pytest

from sitegen import citations, names
from sitegen.errors import SitegenError
from sitegen.model import Paper, PaperDate
from sitegen.readers import parse_listing


def parts(name: str) -> tuple[str, str, str, str]:
    person = names.parse(name)
    return (person.given, person.von, person.family, person.jr)


# --- BibTeX: escapes in addresses, text-mode symbols ---------------------------------------------

DOI = "10.1007/978-3-319-24574-4_28"
ESCAPES = {"_": r"\_", "%": r"\%", "&": r"\&", "#": r"\#", "~": r"\~"}


@pytest.mark.parametrize("char", list(ESCAPES))
@pytest.mark.parametrize("field", ["doi", "url", "pdf", "eprint", "code"])
def test_an_escaped_special_in_a_doi_or_address_is_the_character(field, char):
    """DBLP writes `doi = {10.1007/978-3-319-24574-4\\_28}` and the same in `url`: read as written,
    the DOI matched no other record's and the link was broken. No DOI, address or id holds a
    backslash: `\\_` is `_`, as pybtex with latexcodec reads it."""
    escaped = f"a{ESCAPES[char]}b"
    value = {
        "doi": f"10.1000/x{escaped}",
        "url": f"https://example.org/x{escaped}",
        "pdf": f"https://example.org/x{escaped}.pdf",
        "eprint": "2303.08774",
        "code": f"https://github.com/x/{escaped}",
    }[field]
    extra = ",\n  archivePrefix = {arXiv}" if field == "eprint" else ""
    text = f"@article{{k, title = {{T}}, year = 2020,\n  {field} = {{{value}}}{extra}}}\n"
    [entry] = parse_listing(text, "refs.bib").entries
    meant = value.replace("\\", "")
    if char != "~":  # latexcodec agrees (`\~` is an accent to it; in an address it can only be `~`)
        assert codecs.decode(value, "ulatex") == meant
    got = {
        "doi": entry.doi,
        "url": entry.url,
        "pdf": entry.pdf,
        "eprint": entry.arxiv,
        "code": entry.links[0].url if entry.links else None,
    }[field]
    assert got == meant


def test_dblps_doi_and_doi_address_are_one_doi_and_no_address_left_over():
    text = (
        "@inproceedings{DBLP:conf/miccai/RonnebergerFB15,\n  title = {U-Net},\n  year = {2015},\n"
        "  url = {https://doi.org/10.1007/978-3-319-24574-4\\_28},\n"
        "  doi = {10.1007/978-3-319-24574-4\\_28},\n}\n"
    )
    [entry] = parse_listing(text, "dblp.bib").entries
    assert entry.doi == DOI and entry.url is None and "doi" not in dict(entry.extra)


SYMBOLS = {
    "textgreater": ">",
    "textless": "<",
    "textbar": "|",
    "textunderscore": "_",
    "textperiodcentered": "\u00b7",
    "S": "\u00a7",
    "P": "\u00b6",
}


@pytest.mark.parametrize("macro", list(SYMBOLS))
@pytest.mark.parametrize("written", ["{\\%s}", "\\%s{}", "{\\%s} "])
@pytest.mark.parametrize("field", ["title", "abstract"])
def test_a_text_mode_symbol_is_its_character_not_left_out(macro, written, field):
    """Mendeley writes `{\\textgreater}10,000 ICU stays` and `p {\\textless} 0.05`: the abstract
    said "10,000" and "p 0.05" (with a warning). The character is kept, as LaTeX's textcomp prints
    it (latexcodec knows none of these names either, so it is no oracle here)."""
    value = f"p {written % macro}0.05 and more"
    other = "abstract" if field == "title" else "title"
    text = f"@article{{k, {other} = {{T}}, year = 2020, {field} = {{{value}}}}}\n"
    listing = parse_listing(text, "refs.bib")
    [entry] = listing.entries
    got = entry.title if field == "title" else entry.abstract
    assert SYMBOLS[macro] in got and got.startswith("p ") and got.endswith("0.05 and more")
    assert not listing.warnings


def test_relax_is_nothing_and_no_warning():
    """Better BibTeX writes a particle as `{\\relax Le}~Cun`: \\relax is TeX's no-op."""
    text = "@article{k, title = {T}, year = 2020, author = {{\\relax Le}~Cun, Yann and Doe, J}}\n"
    listing = parse_listing(text, "refs.bib")
    assert listing.entries[0].authors[0] == "Le Cun, Yann" and not listing.warnings
    pybtex_family = pybtex.database.parse_string(text, "bibtex").entries["k"].persons["author"][0]
    assert "Cun" in str(pybtex_family)


# --- CSL-JSON: lists, a lone item, rich text ----------------------------------------------------

ITEM = {
    "id": "k1",
    "type": "article-journal",
    "title": "Segment Anything in Medical Images",
    "container-title": "Nature Communications",
    "author": [{"family": "Ma", "given": "Jun"}],
    "issued": {"date-parts": [[2024, 1, 22]]},
}


def csl_text(shape: str, item: dict) -> str:
    """The item as an exporter writes it: in a list, in `{"items": [...]}`, or alone (citation.js
    writes one item as an object of its own)."""
    whole = {"list": [item], "items": {"items": [item]}, "alone": item}[shape]
    return json.dumps(whole, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("shape", ["list", "items", "alone"])
@pytest.mark.parametrize("as_list", [(), ("title",), ("container-title",), ("title", "container-title")])
def test_a_csl_item_alone_and_title_and_container_title_as_lists_are_read(shape, as_list):
    """Crossref's JSON (and citation.js from it) gives `title` and `container-title` as lists
    (["Nature Communications", "Nat Commun"]), and one item may come alone: both were errors. The
    first text is the value (as json reads it), the others are kept under extra."""
    item = dict(ITEM)
    short = {"title": "Segment Anything", "container-title": "Nat Commun"}
    for key in as_list:
        item[key] = [ITEM[key], short[key]]
    [entry] = parse_listing(csl_text(shape, item), "refs.json").entries
    assert (entry.title, entry.venue) == (ITEM["title"], ITEM["container-title"])
    assert entry.authors == ("Ma, Jun",) and (entry.date.year, entry.date.month, entry.date.day) == (
        2024,
        1,
        22,
    )
    assert {key: dict(entry.extra)[key] for key in as_list} == {key: short[key] for key in as_list}
    assert entry.line == {"list": 2, "items": 3, "alone": 1}[shape]  # the line of the item's `{`


def test_a_list_of_other_than_texts_is_still_an_error_naming_the_field():
    item = dict(ITEM, title=[{"text": "x"}])
    with pytest.raises(SitegenError) as caught:
        parse_listing(csl_text("list", item), "refs.json")
    assert "title" in str(caught.value) and "text or a list of texts" in str(caught.value)


# (markup as written, the text meant)
MARKUP = [
    ("Networks for <i>in vivo</i> imaging", "Networks for in vivo imaging"),
    ("H<sub>2</sub>O and CO<sub>2</sub>", "H\u2082O and CO\u2082"),
    ("Ca<sup>2+</sup> imaging in mm<sup>3</sup>", "Ca\u00b2\u207a imaging in mm\u00b3"),
    ('The <span class="nocase">iPhone</span> study', "The iPhone study"),
    ("<b>Bold</b> &amp; <em>brave</em>", "Bold & brave"),
    ("Hazards &lt;5% in <jats:italic>E. coli</jats:italic>", "Hazards <5% in E. coli"),
    ("p <0.05 and n> 3 & more", "p <0.05 and n> 3 & more"),  # no markup: text as written
    ("AT&T's &amp co", "AT&T's &amp co"),
]
ABSTRACTS = [
    ("<jats:title>Abstract</jats:title><jats:p>One. Two &amp; three.</jats:p>", "One. Two & three."),
    (
        "<jats:sec><jats:title>Background</jats:title><jats:p>A.</jats:p></jats:sec>"
        "<jats:sec><jats:title>Methods</jats:title><jats:p>B x<jats:sup>2</jats:sup>.</jats:p></jats:sec>",
        "Background: A.\n\nMethods: B x\u00b2.",
    ),
    ("<p>First.</p><p>Second.</p>", "First.\n\nSecond."),
]


def ris_text(title: str, abstract: str) -> str:
    return f"TY  - JOUR\nTI  - {title}\nAU  - Ma, Jun\nPY  - 2024\nAB  - {abstract}\nER  - \n"


def csl_item_text(title: str, abstract: str) -> str:
    return csl_text("list", dict(ITEM, title=title, abstract=abstract))


READERS = {"refs.json": csl_item_text, "refs.ris": ris_text}


@pytest.mark.parametrize("name", list(READERS))
@pytest.mark.parametrize("written, meant", MARKUP)
def test_markup_in_a_title_is_read_not_shown(name, written, meant):
    """CSL-JSON's rich text (`<i>`, `<sub>`, `<span class="nocase">`) and a publisher's RIS with
    `<i>` in `TI` gave titles (and slugs) such as "Networks for <i>in vivo</i> imaging"."""
    [entry] = parse_listing(READERS[name](written, "An abstract."), name).entries
    assert entry.title == meant


@pytest.mark.parametrize("name", list(READERS))
@pytest.mark.parametrize("written, meant", ABSTRACTS)
def test_a_jats_abstract_is_read_into_paragraphs(name, written, meant):
    """Crossref's abstracts are JATS (`<jats:title>Abstract</jats:title><jats:p>...`): the page
    showed the tags as text."""
    [entry] = parse_listing(READERS[name]("A title", written), name).entries
    assert entry.abstract == meant


# --- RIS: names as PubMed, Scopus and IEEE Xplore write them; Web of Science's dates ---------------

# (given, von, family, jr): people as their records name them.
PEOPLE = [
    ("Ahmed", "", "Hosny", ""),
    ("Hugo J. W. L.", "", "Aerts", ""),
    ("Bram", "van", "Ginneken", ""),
    ("Anna", "van der", "Berg", ""),
    ("Patrick", "", "O'Brien", ""),
    ("Jörg", "", "Müller-Lüdenscheid", ""),
    ("William M.", "", "Wells", "III"),
    ("John", "", "Smith", "Jr."),
]
INSTITUTIONS = ["World Health Organization", "Google AI", "NICE", "The ACME Consortium",
                "U.S. Food and Drug Administration", "OpenAI", "Mayo Clinic", "NHS England",
                "DeepMind Health Team"]  # fmt: skip


def initials(given: str, dotted: bool) -> str:
    letters = [word[0] for word in given.replace(".", " ").split()]
    return "".join(f"{c}." for c in letters) if dotted else "".join(letters)


def ris_styles(given: str, von: str, family: str, jr: str) -> dict[str, tuple[str, str]]:
    """The name as each exporter writes it, and the given name it keeps (whole, or initials)."""
    last = f"{von} {family}".strip()
    suffix = f" {jr}" if jr else ""
    spaced = " ".join(f"{c}." for c in initials(given, False))
    return {
        "RIS": (f"{last}, {given}{f', {jr}' if jr else ''}", given),  # the specification's order
        "BibTeX": (f"{last}, {f'{jr}, ' if jr else ''}{given}", given),  # BibTeX's, met in RIS too
        "PubMed": (f"{last} {initials(given, False)}{suffix}", spaced),  # each initial a given name
        "Scopus": (f"{last} {initials(given, True)}{suffix}", spaced),
        "IEEE": (f"{spaced} {last}{suffix}", spaced),
        "plain": (f"{given} {last}{suffix}", given),  # as written by hand: "Varun Gulshan"
    }


def pybtex_parts(written: str) -> tuple[str, str, str, str]:
    person = pybtex.database.Person(written)
    return (
        " ".join([*person.first_names, *person.middle_names]),
        " ".join(person.prelast_names),
        " ".join(person.last_names),
        " ".join(person.lineage_names),
    )


NAME_CASES = [
    (person, style) for person in [*PEOPLE, ("Varun", "", "Gulshan", "")] for style in ris_styles(*PEOPLE[0])
]


@pytest.mark.parametrize("person, style", NAME_CASES)
def test_a_ris_persons_name_is_split_into_its_parts_in_every_exporters_style(person, style):
    """PubMed's and Scopus's "Hosny A" and IEEE Xplore's "A. Hosny" were kept as institutions'
    names ("{Hosny A}"): cited whole, never as Hosny, A. The parts are pybtex's of the name
    written "von Family, Jr, Given" with the given names the exporter kept."""
    _, von, family, jr = person
    written, kept = ris_styles(*person)[style]
    text = f"TY  - JOUR\nTI  - A title\nAU  - {written}\nAU  - Doe, Jane\nPY  - 2020\nER  - \n"
    [entry] = parse_listing(text, "refs.ris").entries
    expected = pybtex_parts(", ".join(p for p in (f"{von} {family}".strip(), jr, kept) if p))
    assert parts(entry.authors[0]) == expected, (written, entry.authors[0])


# --- CSL-JSON: name objects of every shape -----------------------------------------------------

CSL_GIVEN = ["Ludwig", "J. R. R.", "Anna Maria", None]  # None: a name object with no given name
CSL_PARTICLES = [None, "van", "de", "van der"]


def csl_name_cases() -> list[dict[str, str]]:
    """Name objects with and without each part: given names, a dropping and a non-dropping
    particle (lowercase, as BibTeX tells a von part), a suffix."""
    cases = []
    for number, given in enumerate(CSL_GIVEN):
        for dropping in CSL_PARTICLES:
            for non_dropping in CSL_PARTICLES[:3]:
                suffix = [None, "Jr.", "III"][(number + len(dropping or "")) % 3]
                person = {
                    "given": given,
                    "dropping-particle": dropping,
                    "non-dropping-particle": non_dropping,
                    "family": "Beethoven",
                    "suffix": suffix,
                }
                cases.append({key: value for key, value in person.items() if value})
    return cases


@pytest.mark.parametrize("person", csl_name_cases(), ids=lambda p: " ".join(p.values()))
def test_a_csl_name_object_of_every_shape_keeps_its_particles_before_the_family_name(person):
    """CSL shows a name as given, dropping particle, non-dropping particle, family, suffix
    ("Ludwig van Beethoven"); both particles are BibTeX's von part. The dropping particle was
    joined to the given names ("Beethoven, Ludwig van"): cited as "L. v. Beethoven". The parts
    are pybtex's of the name written, and CSL's own."""
    item = {"id": "a", "type": "article-journal", "title": "A title", "author": [person, {"family": "Doe"}]}
    [entry] = parse_listing(json.dumps([item]), "refs.json").entries
    written = entry.authors[0]
    von = " ".join(person[k] for k in ("dropping-particle", "non-dropping-particle") if k in person)
    meant = (person.get("given", ""), von, person["family"], person.get("suffix", ""))
    assert pybtex_parts(written) == meant, written
    assert parts(written) == meant, written
    shown = " ".join(p for p in (person.get("given"), von, person["family"]) if p)
    assert names.display(written).startswith(shown), written


FAMILIES = ["Gogh", "De Gaulle", "Brinch Hansen"]  # one word; two, the first capitalised (no von)


def given_less_names() -> list[str]:
    """Every way BibTeX writes a name with no given name: "von Last" (a lowercase first word),
    and with the trailing comma that says "no given name": "von Last,", "von Last, Jr,"."""
    cases = []
    for von in ["", "van", "van der", "de la"]:
        for family in FAMILIES:
            head = f"{von} {family}".strip()
            cases += [f"{head},", f"{head}, Jr.,", f"{head}, III,"]
            if von and " " not in family:
                cases.append(head)  # "van Gogh": BibTeX reads "van" as the von part
    return cases


@pytest.mark.parametrize("written", given_less_names())
def test_a_name_with_no_given_name_splits_as_pybtex_splits_it(written):
    """bibtexparser read "van Gogh" as given name "van", "De Gaulle," as given name "De" and
    "van Gogh, Jr.," as given name "Jr."; pybtex (and BibTeX) read no given name in any."""
    assert parts(written) == pybtex_parts(written)
    assert parts(written)[0] == ""


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("particle", ["", "De", "van"])
def test_a_csl_name_object_with_a_capitalised_particle_and_no_given_name_keeps_its_family_name(
    family, particle
):
    """A capitalised particle is no von part to BibTeX: the whole is the family name, and no
    word of it becomes a given name."""
    person = {"family": family, **({"non-dropping-particle": particle} if particle else {})}
    item = {"id": "a", "type": "article-journal", "title": "A title", "author": [person]}
    [entry] = parse_listing(json.dumps([item]), "refs.json").entries
    written = entry.authors[0]
    assert parts(written) == pybtex_parts(written), written
    given, von, last, _ = parts(written)
    assert (given, " ".join(filter(None, (von, last)))) == ("", f"{particle} {family}".strip())
    assert names.display(written) == f"{particle} {family}".strip()


@pytest.mark.parametrize("name", INSTITUTIONS)
@pytest.mark.parametrize("braced", [False, True])
def test_an_institution_in_ris_stays_whole_and_is_braced_once(name, braced):
    """EndNote writes `A1  - {National Institute ...}`: it was braced again ("{{...}}")."""
    written = "{" + name + "}" if braced else name
    text = f"TY  - RPRT\nTI  - A report\nAU  - {written}\nPY  - 2020\nER  - \n"
    [entry] = parse_listing(text, "refs.ris").entries
    assert entry.authors == ("{" + name + "}",)
    assert parts(entry.authors[0]) == ("", "", name, "")


# Web of Science writes the month and day in `DA` and the year in `PY`.
WOS_DATES = [
    ("FEB 2", (2017, 2, 2)),
    ("FEB", (2017, 2, None)),
    ("Feb 2", (2017, 2, 2)),
    ("2017/02/02/", (2017, 2, 2)),
    ("SPR", (2017, None, None)),  # a season: kept as the year, with a warning
]


@pytest.mark.parametrize("written, meant", WOS_DATES)
@pytest.mark.parametrize("year", ["2017", "2017///"])
def test_a_wos_month_and_day_without_their_year_take_pys(written, meant, year):
    """`DA  - FEB 2` with `PY  - 2017` was dated 2017 only, its month and day dropped unsaid."""
    text = "TY  - JOUR\nTI  - A title\nAU  - Doe, J\n"
    text += f"PY  - {year}\nDA  - {written}\nSP  - 115\nEP  - +\nER  - \n"
    listing = parse_listing(text, "refs.ris")
    [entry] = listing.entries
    assert (entry.date.year, entry.date.month, entry.date.day) == meant
    assert bool(listing.warnings) == (meant[1] is None)  # what was not read is said
    assert entry.pages == "115"  # WoS's end page "+": "and on", no page


# --- BibTeX: math in titles ---------------------------------------------------------------------

# (math as written, the text it prints): what a title's math becomes.
TITLE_MATH = [
    (r"$\alpha$", "\u03b1"),
    (r"$\beta$", "\u03b2"),
    (r"$\mathcal{O}(n \log n)$", "\U0001d4aa(n log n)"),
    (r"$\mathrm{SO}(3)$", "SO(3)"),
    (r"$k$", "k"),
    (r"$L^2$", "L\u00b2"),
    (r"$\ell_1$", "\u2113\u2081"),
    (r"$^{18}$F", "\u00b9\u2078F"),
    (r"CO$_2$", "CO\u2082"),
    (r"$\times$10", "\u00d710"),
    (r"$\leq$", "\u2264"),
    (r"$x_{ij}$", r"$x_{ij}$"),  # no subscript i or j: kept as written
]


@pytest.mark.parametrize("math, meant", TITLE_MATH)
@pytest.mark.parametrize("braced", [False, True])
def test_math_in_a_bibtex_title_is_the_text_it_prints(math, meant, braced):
    """`title = {... {$\\alpha$}-Netzen}` (Zotero braces it) was shown as `$\\alpha$` in the page's
    heading and written to papers.bib as a literal `\\$\\textbackslash{}alpha\\$`."""
    written = "{" + math + "}" if braced else math
    text = f"@article{{k, title = {{On {written}-Nets \\& More}}, year = 2020}}\n"
    [entry] = parse_listing(text, "refs.bib").entries
    assert entry.title == f"On {meant}-Nets & More"


def test_an_escaped_dollar_in_a_title_is_no_math():
    text = "@article{k, title = {Costs of \\$5 and \\$6 a Scan}, year = 2020}\n"
    [entry] = parse_listing(text, "refs.bib").entries
    assert entry.title == "Costs of $5 and $6 a Scan"


def written_people() -> list[tuple[str, str, str, str]]:
    """Every shape of person a page names: each of PEOPLE, and each without a given name."""
    given_less = [("", von, family, jr) for _, von, family, jr in PEOPLE]
    return [*PEOPLE, *given_less]


@pytest.mark.parametrize("person", written_people(), ids=lambda p: " ".join(filter(None, p)))
def test_papers_ris_names_read_back_by_the_ris_reader_into_their_parts(person):
    """papers.ris writes "Family, Given, Suffix" as the RIS specification says; the reader took
    the middle part for the suffix (BibTeX's order), so "Smith, John, Jr." came back as given name
    "Jr.". A name goes out and comes back with the parts it had (pybtex's split of it)."""
    given, von, family, jr = person
    name = ", ".join(p for p in (f"{von} {family}".strip(), jr, given) if p) + ("" if given else ",")
    expected = pybtex_parts(name)
    assert expected == person
    paper = Paper("a", "A title", "", date=PaperDate(2020), authors=(name, "Doe, Jane"))
    text = citations.ris_record(paper, "a2020", "")
    [entry] = parse_listing(text, "refs.ris").entries
    assert parts(entry.authors[0]) == expected, (text, entry.authors[0])


@pytest.mark.parametrize("written", ["A", "LH", "HJWL", "L.H.", "H.J.W.L."])
def test_pubmed_initials_are_cited_each_as_an_initial(written):
    """"Aerts HJWL" was cited "Aerts, H." (APA) and exported with the given name "HJWL", which
    BibTeX and citeproc also shorten to "H.": each capital is an initial of its own."""
    text = f"TY  - JOUR\nTI  - A title\nAU  - Aerts {written}\nPY  - 2020\nER  - \n"
    [entry] = parse_listing(text, "refs.ris").entries
    letters = written.replace(".", "")
    paper = Paper(slug="p", title="A title", abstract="", authors=entry.authors, date=PaperDate(2020))
    assert citations.apa_reference(paper).startswith(f"Aerts, {' '.join(c + '.' for c in letters)} (2020).")
    [person] = citations.csl_item(paper, "p", "")["author"]
    assert person["given"].split() == [c + "." for c in letters]
    cited = pybtex.database.Person(entry.authors[0])
    assert [*cited.first_names, *cited.middle_names] == [c + "." for c in letters]
