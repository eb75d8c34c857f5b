"""TeX math in abstracts: where it is (pandoc's rule), and every form of an abstract keeping it as written."""

from __future__ import annotations

import html
import json
import random
import re
import string
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

from tests.test_build import PAPERS, paper_md, project_files
from tests.test_search_index import file_content

# --- a reference: pandoc's rule, written as patterns over the whole string -----------------------
#
# Pandoc's Markdown reader (tex_math_dollars, tex_math_single_backslash): `$$`, one character or
# more, the first `$$` after them; else `$`, no white space after it, then the first `$` ending an
# element (a character, the first may be `$`; a backslash and the next character; a run of white
# space that no `$` follows), no digit after it; `\(`, elements, the first `\)`, no digit after it.
# Elsewhere a backslash before punctuation (or a line break) is an escape: the `$` after it is text.

DISPLAY = re.compile(r"\$\$[\s\S]+?\$\$")
DOLLAR = re.compile(r"\$(?!\s)(?:[^ \t\n\\]|\\[\s\S])(?:[^ \t\n\\$]|\\[\s\S]|[ \t\n]+(?![ \t\n$]))*\$")
PAREN = re.compile(r"\\\((?:[^\\]|\\[\s\S])+?\\\)")
ESCAPABLE = frozenset(string.punctuation + "\n")


def _unless_a_digit_follows(found: re.Match[str] | None) -> re.Match[str] | None:
    return None if found and found.string[found.end() : found.end() + 1] in tuple("0123456789") else found


def pandoc_math(text: str) -> list[str]:
    """The math spans of `text` (one paragraph's inline text), delimiters included."""
    spans = []
    at = 0
    while at < len(text):
        found = None
        if text.startswith("$", at):
            found = DISPLAY.match(text, at) or _unless_a_digit_follows(DOLLAR.match(text, at))
        elif text.startswith("\\", at):
            found = _unless_a_digit_follows(PAREN.match(text, at))
            if found is None and text[at + 1 : at + 2] in ESCAPABLE:
                at += 2
                continue
        if found:
            spans.append(found.group())
            at = found.end()
        else:
            at += 1
    return spans


def test_the_reference_is_pandocs_rule_on_the_manuals_cases():
    assert pandoc_math("$20,000 and $30,000") == []
    assert pandoc_math("$5 and $10") == []
    assert pandoc_math("$x$ and $ y$ and $z $ and \\$w$") == ["$x$"]
    assert pandoc_math("$a$5 $b$") == ["$b$"]  # a digit after the first `$` that closes: none from there
    assert pandoc_math("$a \\$ b$ $$c d$$ \\(e\\)") == ["$a \\$ b$", "$$c d$$", "\\(e\\)"]
    assert pandoc_math("$$x$") == ["$$x$"] and pandoc_math("$a $b$") == ["$b$"]


# --- the parser against it, over random strings -----------------------------------------------------

PIECES = ["$", "$", "$", "\\$", " ", " ", "_", "*", *"0123456789", *"abcxyz"]
MORE_PIECES = [*PIECES, "$$", "\\(", "\\)", "\\\\", "\\", "\n", "  \n", "\t", "{", "}", "<", "&amp;"]


def _samples(pieces: list[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 24))) for _ in range(count)]


def _math_of(markdown: str) -> list[tuple[str, list[str]]]:
    """Each paragraph's inline text, and the math the parser found in it."""
    from sitegen import abstracts

    return [
        (token.content, [child.content for child in token.children or () if child.type == "math"])
        for token in abstracts._markdown().parse(markdown)
        if token.type == "inline"
    ]


def test_math_spans_are_where_pandoc_finds_them_in_random_strings():
    found = texts = 0
    for sample in _samples(PIECES, 6000, seed=3) + _samples(MORE_PIECES, 6000, seed=4):
        for text, math in _math_of(sample):
            assert math == pandoc_math(text), repr(text)
            found += len(math)
            texts += "$" in text and not math
    assert found > 2000 and texts > 1000  # plenty of math, and plenty of dollars that are not


def test_math_is_shown_and_kept_as_written_whatever_it_holds():
    from sitegen.abstracts import render_abstract

    for sample in _samples(MORE_PIECES, 3000, seed=5):
        rendered = render_abstract(sample)
        spans = [span for _, math in _math_of(sample) for span in math]
        assert rendered.html.count('<span class="math">') == len(spans), repr(sample)
        for span in spans:
            assert f'<span class="math">{html.escape(span, quote=True)}</span>' in rendered.html, repr(sample)
            assert re.sub(r"[ \t]*\n[ \t]*", " ", span) in rendered.text, repr(sample)


DEFECT = "The loss $\\mathcal{L}_{seg} + \\lambda \\mathcal{L}_{con}$ is minimised."


def test_the_reported_formula_is_one_span_with_no_emphasis():
    from sitegen.abstracts import render_abstract

    rendered = render_abstract(DEFECT)
    formula = "$\\mathcal{L}_{seg} + \\lambda \\mathcal{L}_{con}$"
    assert rendered.html == f'<p>The loss <span class="math">{formula}</span> is minimised.</p>\n'
    assert rendered.text == DEFECT
    tricky = "$a *b* [c](https://d.org) &amp; \\_ <e>$ and $$f_1 `g`$$ and \\(h_i\\), not *$5* or $6 $"
    rendered = render_abstract(tricky)
    assert rendered.html == (
        '<p><span class="math">$a *b* [c](https://d.org) &amp;amp; \\_ &lt;e&gt;$</span> and '
        '<span class="math">$$f_1 `g`$$</span> and <span class="math">\\(h_i\\)</span>, '
        "not <em>$5</em> or $6 $</p>\n"
    )
    assert (
        rendered.text
        == "$a *b* [c](https://d.org) &amp; \\_ <e>$ and $$f_1 `g`$$ and \\(h_i\\), not $5 or $6 $"
    )
    assert render_abstract("Costs \\$5, or $x$.\nA line $y\n  z$ broken").text == (
        "Costs $5, or $x$. A line $y z$ broken"
    )


# --- the importer: it finds the math where the page will, and keeps it as written ------------------

# Text around the math as listings give it: Markdown's and HTML's specials, a `$` that opens none.
PROSE = ["loss", "a_b", "*weighted*", "[see]", "<b>", "&amp;", "costs $5", "`code`", "# not", "1.", "~x"]
FORMULAS = [
    "$\\mathcal{L}_{seg} + \\lambda \\mathcal{L}_{con}$", "$x_{ij}^{2}$", "\\(\\alpha_i < \\beta\\)",
    "$$\\sum_{i=1}^{n} x_i$$", "$O(n \\log n)$", "$\\{a, b\\}$", "$a * b * c$", "$[0, 1]$", "$<x>$",
    "$\\frac{a}{b}$", "$\\hat{y} = f(x; \\theta)$", "$\\textbf{w}$",
]  # fmt: skip


def test_the_importer_finds_math_where_pandoc_does_in_random_strings():
    from sitegen.abstracts import math_spans

    for sample in _samples(PIECES, 6000, seed=6) + _samples(MORE_PIECES, 6000, seed=7):
        assert [sample[start:end] for start, end in math_spans(sample)] == pandoc_math(sample), repr(sample)


def test_an_imported_abstract_keeps_its_math_as_written_and_its_text_as_text():
    """A listing's abstract, math among prose, through the importer (listings.clean_abstract) and
    the page (abstracts.render_abstract): each formula is one span as written, on the page and in
    the plain text; the prose around it is text, whatever Markdown or HTML it looks like."""
    from sitegen.abstracts import render_abstract
    from sitegen.listings import clean_abstract

    rng = random.Random(8)
    for _ in range(2000):
        formulas = [rng.choice(FORMULAS) for _ in range(rng.randint(1, 3))]
        words = [" ".join(rng.choices(PROSE, k=rng.randint(1, 3))) for _ in range(len(formulas) + 1)]
        pairs = zip(words[:-1], formulas, strict=True)
        raw = "".join(f"{word} {formula} " for word, formula in pairs) + words[-1]
        imported = clean_abstract(raw)
        rendered = render_abstract(imported.markdown)
        assert pandoc_math(raw) == formulas, raw  # the reference finds the formulas, and only them
        assert rendered.html.count('<span class="math">') == len(formulas), raw
        for formula in formulas:
            assert f'<span class="math">{html.escape(formula, quote=True)}</span>' in rendered.html, raw
        assert rendered.text == imported.plain, raw  # the prose read back as the importer cleaned it
        assert "\\\\" not in rendered.text and "<em>" not in rendered.html, raw


# --- every form of the abstract on a built site ------------------------------------------------------

ABSTRACT = (
    "The loss $\\mathcal{L}_{seg} + \\lambda \\mathcal{L}_{con}$ is *weighted* by \\(a_i < b_{j}\\); "
    "\\$x$ is a dollar, $5 and $10 stay text."
)
TEXT = (
    "The loss $\\mathcal{L}_{seg} + \\lambda \\mathcal{L}_{con}$ is weighted by \\(a_i < b_{j}\\); "
    "$x$ is a dollar, $5 and $10 stay text."
)
MATH = ("$\\mathcal{L}_{seg} + \\lambda \\mathcal{L}_{con}$", "\\(a_i < b_{j}\\)")


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "meta" and named.get("property"):
            self.meta[str(named["property"])] = str(named.get("content"))


def test_the_page_feed_search_and_citations_hold_the_math_as_written(make_project, run_cli):
    papers = {**PAPERS, "math": paper_md("A loss with two terms", ABSTRACT, date="2026-05-01")}
    root = make_project(project_files(papers))
    code, _, err = run_cli(root, "build")
    assert code == 0, err
    site = root / "public"

    page = (site / "papers/math.html").read_text(encoding="utf-8")
    abstract = page.split('<div class="abstract"', 1)[1].split("</div>", 1)[0]
    for span in MATH:
        assert f'<span class="math">{html.escape(span, quote=True)}</span>' in abstract
    assert "<em>weighted</em>" in abstract and abstract.count("<em>") == 1
    assert "; $x$ is a dollar, $5 and $10 stay text.</p>" in abstract
    meta = _Meta()
    meta.feed(page)
    assert meta.meta["og:description"] == TEXT

    feed = ET.parse(site / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    summaries = {e.findtext(f"{atom}title"): e.findtext(f"{atom}summary") for e in feed.iter(f"{atom}entry")}
    assert summaries["A loss with two terms"] == TEXT

    snippets = []
    for path in (site / "assets/search").glob("d*.js"):
        _, content = file_content(path.read_bytes())
        snippets += [doc[4] for doc in content["docs"] if doc[0] == "papers/math.html"]
    assert snippets == [TEXT]

    ris = (site / "papers.ris").read_text(encoding="utf-8")
    assert f"AB  - {TEXT}\n" in ris
    csl = json.loads((site / "papers.csl.json").read_text(encoding="utf-8"))
    assert [item["abstract"] for item in csl if item.get("title") == "A loss with two terms"] == [TEXT]
    records = json.loads((site / "papers.json").read_text(encoding="utf-8"))
    assert [r["abstract"] for r in records if r["slug"] == "math"] == [ABSTRACT]


def test_the_stylesheet_styles_math_and_nothing_typesets_it():
    style = (Path(__file__).resolve().parents[1] / "templates/static/style.css").read_text(encoding="utf-8")
    assert re.search(r"^\.math \{[^}]*\}", style, re.MULTILINE)
    templates = Path(__file__).resolve().parents[1] / "templates"
    files = [p for p in templates.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    shipped = " ".join(p.read_text(encoding="utf-8") for p in files)
    assert "mathjax" not in shipped.lower() and "katex" not in shipped.lower()
