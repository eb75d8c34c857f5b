"""papers.bib is read back, by BibTeX's own rules, as exactly the entries written, whatever the
titles and organisations hold: pybtex and bibtexparser (two independent BibTeX parsers) must find
the same keys and fields, and LaTeX read back to text (pylatexenc) must give the text meant.
(tests/test_citations.py checks the other fields of a paper's record the same way.)"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import bibtexparser
import pybtex.database
import pytest
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from sitegen.model import Paper, PaperDate
from sitegen.outputs import BIBTEX_LIST, bibtex_entry, bibtex_keys
from sitegen.paperfile import dump_paper

# Pieces of hostile text: BibTeX's and LaTeX's special characters, fragments that would close a
# field or open an entry, control characters, separators, non-Latin text and emoji.
FRAGMENTS = [
    *"{}\\%$&#_~^@\",=()[]<>'`|*",
    *"\x00\x01\x07\x08\x0b\x0c\x0e\x1b\x1f\x7f\x80\x85\x9f\t\n\r\u2028\u2029\u00a0",
    "}",
    "}}",
    "{",
    "\\}",
    "\\{",
    "},\n  author = {Mallory",
    "}\n@misc{injected, title={owned",
    "@comment{",
    "@string{a = {x}}",
    " # ",
    "{\\bf S}mall",
    "$x^2$",
    "50%",
    "\\textbf{x}",
    "\\\\",
    " and ",
    "Zürich",
    "Ελληνικά",
    "中文",
    "العربية",
    "😀",
    "segmentation",
    "CT",
    " ",
    "  ",
]


BASE = "https://example.org/"


def hostile(rng: random.Random, longest: int = 24) -> str:
    return "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, longest)))


def meant(text: str) -> str:
    """What a field is to say: the text as one line, control characters as spaces."""
    controls = {code: " " for code in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)}
    return " ".join(text.translate(controls).split())


def latex_to_text(latex: str) -> str:
    """LaTeX read back to text by pylatexenc, told what LaTeX's text-mode symbol commands print."""
    context = get_default_latex_context_db()
    symbols = {"textbraceleft": "{", "textbraceright": "}", "textasciicircum": "^", "textasciitilde": "~"}
    macros = [MacroTextSpec(name, text) for name, text in {**symbols, "textbackslash": "\\"}.items()]
    context.add_context_category("bibtex-symbols", prepend=True, macros=macros)
    reader = LatexNodes2Text(latex_context=context, math_mode="verbatim", strict_latex_spaces=True)
    return reader.latex_to_text(latex)


def unbraced(value: str) -> str:
    """A title or author as written: in one more pair of braces (kept as it is, and one name)."""
    assert value.startswith("{") and value.endswith("}"), value
    return value[1:-1]


def written(papers: list[Paper]) -> tuple[str, dict[str, str]]:
    """papers.bib as the build joins it, and each paper's key."""
    keys = bibtex_keys(papers)
    chunks = [bibtex_entry(p, keys[p.slug]).encode() for p in papers]
    return BIBTEX_LIST.joined(chunks).decode("utf-8"), keys


def check_read_back(text: str, papers: list[Paper], keys: dict[str, str]) -> None:
    """Both parsers find exactly the entries written, and every field says what was meant."""
    by_pybtex = pybtex.database.parse_string(text, "bibtex").entries
    assert list(by_pybtex) == [keys[p.slug] for p in papers]
    parsed = bibtexparser.parse_string(text)
    assert parsed.failed_blocks == [] and parsed.comments == [] and parsed.strings == []
    assert [entry.key for entry in parsed.entries] == [keys[p.slug] for p in papers]
    for paper, entry in zip(papers, parsed.entries, strict=True):
        ours = by_pybtex[keys[paper.slug]]
        fields = {field.key: field.value for field in entry.fields}
        expected = {"title"} | ({"url"} if paper.url else set())  # the paper's own address, if any
        expected |= {"year"} if paper.date else set()
        expected |= {"month"} if paper.date and paper.date.month else set()
        expected |= {"date"} if paper.date and paper.date.day else set()  # biblatex's, with the day
        assert set(ours.fields) == expected, (paper.title, dict(ours.fields))
        if paper.date and paper.date.day:
            assert dt.date.fromisoformat(str(ours.fields["date"])) == paper.date.first_day()
        # the organisation is the authors' affiliation: never written as the author
        assert set(fields) == expected and "author" not in ours.persons
        assert ours.fields.get("url") == fields.get("url") == paper.url
        assert unbraced(ours.fields["title"]) == unbraced(fields["title"])
        assert latex_to_text(unbraced(fields["title"])) == meant(paper.title), repr(paper.title)


@pytest.mark.parametrize("seed", range(4))
def test_hostile_titles_and_organisations_read_back_as_the_entries_written(seed):
    rng = random.Random(seed)
    papers = [
        Paper(
            slug=f"paper-{n}",
            title=hostile(rng),
            abstract=hostile(rng),
            date=PaperDate(2020 + n % 6, 1 + n % 12, 1) if n % 3 else None,
            organization=hostile(rng) if n % 2 else None,
            url=f"{BASE}papers/paper-{n}.html" if n % 5 else None,
        )
        for n in range(300)
    ]
    text, keys = written(papers)
    check_read_back(text, papers, keys)


@pytest.mark.parametrize(
    "title",
    [
        "A } title",
        "Closes the field }, author = {Mallory}, note = {owned",
        "Opens an entry }\n@misc{injected, title={owned}",
        "\\} escaped brace",
        "unbalanced {{{ braces",
        "ends with a backslash \\",
        "control\x00characters\x07and\x1bescapes\x7f",
        "line\u2028and\u2029paragraph separators",
    ],
)
def test_a_title_never_lets_text_escape_its_field(title):
    papers = [Paper("one", title, "", date=PaperDate(2024, 5, 1)), Paper("two", "Next", "", url=BASE)]
    text, keys = written(papers)
    check_read_back(text, papers, keys)


def test_the_built_papers_bib_reads_back_as_the_papers_of_the_site(make_project, run_cli):
    rng = random.Random(7)
    papers = [
        Paper(
            f"hostile-{n}",
            hostile(rng) or "Untitled",
            hostile(rng),
            organization=hostile(rng) or None,
            url=f"{BASE}p/{n}",
        )
        for n in range(12)
    ]
    files = {f"content/papers/{p.slug}.md": dump_paper(p) for p in papers}
    topics = "- id: all\n  title: All\n  description: Everything.\n  rules:\n    abstract: {'.': 1}\n"
    root = make_project({**files, "content/topics.yaml": topics})
    code, _, err = run_cli(root, "build")
    assert code == 0, err
    site: Path = root / "public"
    # papers.json (exact, as JSON) says what each paper is, in the order papers.bib lists them.
    records = json.loads((site / "papers.json").read_text("utf-8"))
    shown = [
        Paper(r["slug"], r["title"], "", date=PaperDate.of(dt.date.fromisoformat(r["date"])) if r["date"]
              else None, organization=r["organization"], url=r["url"])
        for r in records
    ]  # fmt: skip
    assert len(shown) == len(papers)
    keys = {r["slug"]: r["bibtex_key"] for r in records}
    check_read_back((site / "papers.bib").read_text("utf-8"), shown, keys)


@pytest.mark.parametrize("seed", range(3))
def test_text_without_latex_signs_is_given_as_pylatexenc_reads_it(seed):
    """The reader skips pylatexenc for text with nothing LaTeX reads otherwise (~100 us a value,
    +56 s to import 100,000 records): that text, generated from every character class such text
    holds, is exactly what pylatexenc itself makes of it."""
    import random
    import string

    from pylatexenc.latex2text import LatexNodes2Text

    from sitegen.readers.bibtex import LATEX_SIGNS, _latex_text

    reference = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=False)
    rng = random.Random(seed)
    alphabet = (
        string.ascii_letters + string.digits + " .,:;!?()[]/+=<>@*|-" + "éüßΩ中\u00a0" + "\\{}$~%&#^_`'\"\n\t"
    )
    checked = 0
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        if LATEX_SIGNS.search(text):
            continue
        checked += 1
        assert _latex_text(text) == reference.latex_to_text(text) == text
    assert checked > 500


@pytest.mark.parametrize("seed", range(3))
def test_the_site_s_papers_bib_imported_again_gives_back_every_character(seed):
    """Another review imports this one's papers.bib: its titles, venues, publishers and volumes
    come back as written, braces, carets, tildes and backslashes included (written as
    \\textbraceleft{} and the like, which the reader took for nothing, or for an accent)."""
    import random

    from sitegen.model import Paper, PaperDate
    from sitegen.outputs import bibtex_entry
    from sitegen.readers import parse_listing

    rng = random.Random(seed)
    pieces = [
        "A",
        "study",
        "{x}",
        "}",
        "{",
        "^",
        "~",
        "\\",
        "%",
        "&",
        "#",
        "_",
        "$",
        "--",
        "50%",
        "Über",
        "\u00e9",
    ]
    for number in range(150):
        texts = [" ".join(rng.choice(pieces) for _ in range(rng.randint(1, 6))) for _ in range(4)]
        paper = Paper(f"p{number}", "T " + texts[0], "", date=PaperDate(2020), type="chapter",
                      venue="V " + texts[1], publisher="P " + texts[2], volume="N " + texts[3])  # fmt: skip
        [entry] = parse_listing(bibtex_entry(paper, f"k{number}"), "papers.bib").entries
        written = (entry.title, entry.venue, entry.publisher, entry.volume)
        assert written == (paper.title, paper.venue, paper.publisher, paper.volume), texts


FIELDS_READ_AS_TEXT = ["title", "journal", "booktitle", "publisher", "volume", "note", "keywords"]


@pytest.mark.parametrize("field", FIELDS_READ_AS_TEXT)
def test_a_latex_command_the_reader_does_not_know_is_left_out_with_a_warning(field):
    """pylatexenc leaves out a command it does not know (a user's \\mymodel): a lossy reading,
    so the import warns, naming the entry, its line, the field and the command."""
    from sitegen.readers import parse_listing

    fields = {"title": "A title", "year": "2020", field: "The \\mymodel{} way"}
    text = "@article{k1,\n" + "".join(f"  {name} = {{{value}}},\n" for name, value in fields.items()) + "}\n"
    listing = parse_listing(text, "refs.bib")
    [warning] = listing.warnings
    assert (warning.line, warning.path) == (1, "refs.bib")
    assert "`k1`" in warning.message and f"`{field}`" in warning.message and "`\\mymodel`" in warning.message


def test_no_command_pylatexenc_knows_is_said_to_be_left_out():
    """Every macro of pylatexenc's own table (the oracle of what it reads), in a title: no warning."""
    from pylatexenc.latex2text import get_default_latex_context_db

    from sitegen.readers import parse_listing

    names = sorted({spec.macroname for spec in get_default_latex_context_db().iter_macro_specs()})
    names = [name for name in names if name.isalpha()]
    assert len(names) > 100
    title = " ".join(f"\\{name}{{}}" for name in names)
    listing = parse_listing(f"@article{{k1, title = {{{title} x}}, year = 2020}}\n", "refs.bib")
    assert [w.message for w in listing.warnings if "sitegen does not know" in w.message] == []


def reference_macros() -> list[str]:
    """The commands a title may cite another work or a part with: pylatexenc's own (whose text
    it gives as "<cit.>", "<ref>") and biblatex's and cleveref's."""
    from pylatexenc.latex2text import get_default_latex_context_db

    known = {spec.macroname for spec in get_default_latex_context_db().iter_macro_specs()}
    own = {name for name in known if name.startswith(("cite", "ref", "eqref", "pageref", "label"))}
    return sorted(own | {"parencite", "textcite", "autocite", "cref", "Cref", "autoref"})


@pytest.mark.parametrize("macro", reference_macros())
@pytest.mark.parametrize("form", ["{key1}", "[p.~3]{key1,key2}", "*[see][p.~3]{key1}"])
def test_a_citation_or_reference_in_a_title_is_left_out_with_a_warning(macro, form):
    from sitegen.readers import parse_listing

    listing = parse_listing(
        f"@article{{k1, title = {{Lung Nodules \\{macro}{form} Revisited}}, year = 2020}}\n", "a.bib"
    )
    [entry] = listing.entries
    assert entry.title == "Lung Nodules Revisited"
    [warning] = listing.warnings
    assert f"`\\{macro}` left out" in warning.message and "`title`" in warning.message


DOUBLED_ANDS = ["Wang, Fang and  and Chen, Bo", "Wang, Fang and and and Chen, Bo",
                "and Wang, Fang and Chen, Bo", "Wang, Fang and Chen, Bo and and"]  # fmt: skip


@pytest.mark.parametrize("written", DOUBLED_ANDS)
def test_a_doubled_and_between_names_is_no_part_of_a_name(written):
    """pybtex (BibTeX's rules) reads "A and  and B" as "A" and "and B": a typo, not a name."""
    from sitegen.readers import parse_listing

    [entry] = parse_listing(f"@article{{k1, title = {{T}}, author = {{{written}}}}}\n", "a.bib").entries
    assert entry.authors == ("Wang, Fang", "Chen, Bo")


def test_a_howpublished_that_is_an_address_is_the_papers_address_not_its_venue():
    from sitegen.readers import parse_listing

    text = "@misc{k1, title = {T}, howpublished = {\\url{https://example.org/~roe/x_y.html}}}\n"
    text += "@misc{k2, title = {U}, howpublished = {Blog post}, url = {https://example.org/u}}\n"
    first, second = parse_listing(text, "a.bib").entries
    assert (first.url, first.venue) == ("https://example.org/~roe/x_y.html", None)
    assert (second.url, second.venue) == ("https://example.org/u", "Blog post")


TITLE_MATH = ["$x_{ij}$", "$\\mathcal{L}_{seg}$", "\\(\\alpha_i < \\beta\\)", "$O(n \\log n)$",
              "$\\{a, b\\}$", "$$\\sum_{i=1}^{n} x_i$$", "$\\hat{y} = f(x; \\theta)$"]  # fmt: skip


@pytest.mark.parametrize("math", TITLE_MATH)
@pytest.mark.parametrize("at", ["start", "middle", "end"])
def test_math_in_a_title_is_exported_as_math(math, at):
    """`$x_{ij}$` in a title was exported as `\\$x\\_\\textbraceleft{}ij...`: LaTeX printed the
    dollars and braces instead of the formula. Kept as written (display math as inline math: a
    title is one line), the field still parses (pybtex and bibtexparser), and pylatexenc,
    keeping math as written, reads back the title."""
    title = {"start": f"{math} in Practice", "middle": f"Priors on {math} for CT", "end": f"Learning {math}"}[
        at
    ]
    paper = Paper("p", title, "", date=PaperDate(2021), authors=("Lovelace, Ada",))
    text = bibtex_entry(paper, "k")
    field = pybtex.database.parse_string(text, "bibtex").entries["k"].fields["title"]
    inline = f"${math[2:-2]}$" if math.startswith("$$") else math
    assert inline in field
    assert latex_to_text(unbraced(field)) == title.replace(math, inline)
    assert not bibtexparser.parse_string(text).failed_blocks


# LaTeX's font and size declarations (LaTeX2e's and the older two-letter ones), from its manual.
DECLARATIONS = [
    "em",
    "bf",
    "it",
    "sc",
    "tt",
    "rm",
    "sf",
    "sl",
    "itshape",
    "bfseries",
    "upshape",
    "normalfont",
    "mdseries",
    "scshape",
    "slshape",
    "ttfamily",
    "sffamily",
    "rmfamily",
    "tiny",
    "scriptsize",
    "footnotesize",
    "small",
    "normalsize",
    "large",
    "Large",
    "LARGE",
    "huge",
    "Huge",
]


@pytest.mark.parametrize("declaration", DECLARATIONS)
def test_a_font_switch_is_read_without_a_warning(declaration):
    """`{\\em vivo}` warned that `\\em` is a command sitegen does not know, though LaTeX's own."""
    from sitegen.readers import parse_listing

    listing = parse_listing(
        f"@article{{k1, title = {{In {{\\{declaration} vivo}} Tests}}, year = 2020}}\n", "r.bib"
    )
    assert (listing.entries[0].title, listing.warnings) == ("In vivo Tests", ())
