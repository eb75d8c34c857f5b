"""Bibliographies as real tools export them, in the shapes that lost or mangled a field: DBLP's
escaped DOIs and addresses, Mendeley's text-mode symbols, CSL-JSON's rich-text titles, lists
and lone items, RIS names and dates as PubMed, IEEE Xplore and Web of Science write them.

Each case is generated (formats x variants) and checked against an independent reading where
there is one (pybtex with latexcodec, rispy, json), else against the value as meant.
"""

from __future__ import annotations

import codecs

import latexcodec  # noqa: F401  (registers the "ulatex" codec)
import pybtex.database
import pytest

from sitegen.readers import parse_listing

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
