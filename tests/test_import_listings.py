"""Reading listings: both formats, cut-off last entries, LaTeX damage, links and Markdown safety."""

import itertools
import textwrap
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from sitegen.errors import SitegenError
from sitegen.listings import classify_url, clean_abstract
from sitegen.readers import parse_listing

DATA = Path(__file__).parent / "data" / "listings"


def listing(name: str):
    return parse_listing((DATA / name).read_text(encoding="utf-8"), name)


def test_an_abstract_dump_gives_one_untitled_entry_per_abstract_paragraph():
    dump = listing("dump.txt")
    assert dump.kind == "abstract dump"
    assert len(dump.entries) == 3
    assert all(entry.title is None and entry.date is None for entry in dump.entries)
    assert dump.entries[1].abstract.startswith("Radiology reports are long")
    assert not dump.warnings


def test_a_daily_papers_page_gives_titles_and_every_kind_of_meta_block():
    daily = listing("daily.txt")
    assert daily.kind == "daily papers"
    assert (daily.listing_date.month, daily.listing_date.day) == (2, 10)
    cardio, survey, sepsis, slides = daily.entries
    assert cardio.title == "CardioBench: A Benchmark for Echocardiogram Understanding"
    assert (cardio.authors_count, cardio.upvotes) == (12, 7)
    assert (cardio.date.year, cardio.date.month, cardio.date.day) == (2024, 11, 8)
    assert survey.organization == "MedLab" and survey.upvotes == 3
    assert survey.date.year is None  # `Jan 21`: the listing's own year
    assert survey.abstract.endswith("next deca")  # a snippet mid-listing is kept as it is
    assert sepsis.date is None and sepsis.authors_count is None  # no meta block at all
    assert slides.authors_count == 5 and (slides.date.month, slides.date.day) == (2, 2)
    assert not daily.warnings


def test_a_cut_off_last_entry_is_skipped_with_a_warning_naming_it():
    cut = listing("daily_cut.txt")
    assert [entry.title for entry in cut.entries] == ["Ultrasound Video Segmentation with Memory"]
    (warning,) = cut.warnings
    assert "MRI Reconstruction with Diffusion Priors" in str(warning)
    assert "daily_cut.txt:9" in str(warning)


@pytest.mark.parametrize(
    "ending, kept",
    [
        ("and evaluate it on knee and brain scans.", True),
        ("Code: https://github.com/example/repo", True),
        ("Code: github.com/example/repo", True),  # an address without its scheme ends it too
        ("Data at huggingface.co/datasets/example/knee-mri", True),
        ("and compare it with e.g", False),
        ("and evaluate it on knee and brain sc", False),
        ("and evaluate it on knee and brain scans, where it", False),
    ],
)
def test_the_last_entry_without_meta_is_complete_only_if_its_abstract_ends(ending, kept):
    text = "Daily Papers\n\nA First Paper\n\n" + "Words and more words. " * 20 + "\n\nA Last Paper\n\n"
    text += "We present a method " + ending + "\n"
    entries = parse_listing(text, "x.txt").entries
    assert [e.title for e in entries] == ["A First Paper", "A Last Paper"][: 2 if kept else 1]


def test_a_cut_off_last_abstract_in_a_dump_is_skipped():
    text = "Abstract:A complete abstract ends here.\nAbstract:An abstract that stops in the mid"
    dump = parse_listing(text, "cut.txt")
    assert len(dump.entries) == 1
    assert "stops mid-abstract" in str(dump.warnings[0])


def test_a_page_without_its_header_is_still_recognised_by_its_shape():
    text = "A Title Line\n\n" + "An abstract sentence that goes on. " * 12 + "\n\n  • 3 authors\n·\nMar 2\n"
    daily = parse_listing(text, "bare.txt")
    assert daily.kind == "daily papers" and daily.entries[0].authors_count == 3


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "the file is empty"),
        ("   \n\n", "the file is empty"),
        ("name,score\nalpha,1\nbeta,2\n", "not a listing format"),
        ("new\n\nDaily Papers\n\nApr 2\n", "no complete paper"),
    ],
)
def test_text_that_is_no_listing_is_refused_naming_the_file(text, message):
    with pytest.raises(SitegenError) as error:
        parse_listing(text, "bad.txt")
    assert message in str(error.value)
    assert "bad.txt" in str(error.value)


def test_latex_damage_is_repaired_without_rewording():
    abstract = clean_abstract(
        r"We propose a {\bf S}mall-{\bf S}ize {\bf Mamba} ({\bf S$^3$-Mamba}) against Fa}lse "
        r"Negatives, with down\_sampling, \textbf{Med}ical and textbf{R}easoning parts, 94.6\% Dice, "
        r"``scaled away'' limits and the Pa\'nstwowy exam."
    )
    assert abstract.plain == (
        "We propose a Small-Size Mamba (S³-Mamba) against False Negatives, with down_sampling, "
        'Medical and Reasoning parts, 94.6% Dice, "scaled away" limits and the Państwowy exam.'
    )


def render(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("strikethrough").render(markdown)


def test_markdown_characters_in_an_abstract_stay_text():
    abstract = clean_abstract(
        "Scores *rose* for snake_case_names and __init__ with <b>tags</b>, [brackets](x), "
        "`ticks`, ~~struck~~ and &amp; entities."
    )
    html = render(abstract.markdown)
    for tag in ("<em>", "<strong>", "<b>", "<code>", "<a ", "<del>", "<s>"):
        assert tag not in html
    assert "*rose*" in html and "snake_case_names" in html and "&lt;b&gt;" in html
    assert "&amp;amp;" in html


def test_an_abstract_starting_like_a_list_or_heading_stays_a_paragraph():
    for start in ("# 1 result", "- a dash", "1. first", "> quote"):
        assert render(clean_abstract(start + " and more text.").markdown).startswith("<p>")


@pytest.mark.parametrize(
    "raw, url, label",
    [
        (
            r"Code is available \href{https://github.com/a/MedSAM-Agent}{here}.",
            "https://github.com/a/MedSAM-Agent",
            "here",
        ),
        ("found https://github.com/a/Med-REFL{here}.", "https://github.com/a/Med-REFL", "here"),
        ("Project Page: https://github.com/a/Oph{link}.", "https://github.com/a/Oph", "link"),
        ("at blue{https://github.com/a/MCP-MedSAM}.}", "https://github.com/a/MCP-MedSAM", None),
        ("on https://github.com/a/Hulu{https://github.com/a/Hulu}.", "https://github.com/a/Hulu", None),
        ("at https://huggingface.co/x/M-4B{M-4B}.", "https://huggingface.co/x/M-4B", "M-4B"),
        ("visit https://AgentClinic.github.io.", "https://AgentClinic.github.io", None),
        ("(see https://example.org/a_(b))", "https://example.org/a_(b)", None),
        ("at www.github.com/a/b, and", "https://www.github.com/a/b", None),
    ],
)
def test_urls_lose_latex_artefacts_and_sentence_punctuation(raw, url, label):
    abstract = clean_abstract(raw)
    assert [link.url for link in abstract.links] == [url]
    html = render(abstract.markdown)
    assert html.count("<a ") == 1
    assert "{" not in abstract.markdown and "}" not in abstract.markdown
    assert f'href="{url}"' in html
    assert f">{label or url}</a>" in html


@pytest.mark.parametrize(
    "url, kind",
    [
        ("https://github.com/uni-medical/SAM-Med3D", "code"),
        ("https://www.github.com/CUHK-AIM-Group/EndoGen", "code"),
        ("https://gitlab.com/group/project/-/tree/main", "code"),
        ("https://huggingface.co/datasets/rajpurkarlab/ReXGroundingCT", "data"),
        ("https://huggingface.co/stanfordmimi/MedVAL-4B", "model"),
        ("https://ophai.hms.harvard.edu/datasets/harvard-fairdomain20k", "data"),
        ("https://catalog.ngc.nvidia.com/orgs/nvidia/teams/clara/models/gatortron_og", "model"),
        ("https://uni-medical.github.io/GMAI-MMBench.github.io/", "project"),
        ("https://arxiv.org/abs/2401.00001", "paper"),
        ("https://goo.gle/medgemma", "other"),
    ],
)
def test_links_are_classified_by_what_they_point_to(url, kind):
    assert classify_url(url) == kind


def test_a_project_page_named_in_the_text_is_a_project_link():
    (link,) = clean_abstract("The project pages are: https://medshapenet.ikim.nrw/ for all.").links
    assert link.kind == "project"


def test_meta_blocks_with_an_organisation_and_authors_or_a_separate_upvote_line_are_read():
    text = (
        "Daily Papers\n\nFirst Paper\n\n" + "A long abstract sentence. " * 12 + "\n\n"
        "nvidia NVIDIA\n  • 20 authors\n·\nMar 2\n7\n\n"
        "Second Paper\n\nA short abstract that still ends.\n\n  • 1 author\n·\nApr 1, 2024\n"
    )
    first, second = parse_listing(text, "meta.txt").entries
    assert (first.organization, first.authors_count, first.upvotes) == ("NVIDIA", 20, 7)
    assert (second.authors_count, second.date.year, second.upvotes) == (1, 2024, None)
    assert second.abstract == "A short abstract that still ends."


def test_a_title_without_an_abstract_mid_listing_is_skipped_with_a_warning():
    text = "Daily Papers\n\nLonely Title\n\n  • 3 authors\n·\nMar 2\n\nReal Paper\n\n" + "Text here. " * 30
    daily = parse_listing(text, "gap.txt")
    assert [e.title for e in daily.entries] == ["Real Paper"]
    assert '"Lonely Title"' in str(daily.warnings[0]) and "gap.txt:3" in str(daily.warnings[0])


def test_a_stray_line_before_the_first_abstract_is_ignored_with_a_warning():
    dump = parse_listing("Saved from my reader\n\nAbstract: One.\nAbstract: Two ends too.\n", "notes.txt")
    assert dump.kind == "abstract dump" and len(dump.entries) == 2
    assert "notes.txt:1" in str(dump.warnings[0])


def test_a_hard_wrapped_page_reads_like_the_same_page_unwrapped():
    text = (DATA / "daily.txt").read_text(encoding="utf-8")
    wrapped = "\n\n".join(
        "\n".join(textwrap.wrap(block, 78)) if len(block) > 120 else block for block in text.split("\n\n")
    )
    assert wrapped.count("\n") > text.count("\n") + 5
    original, rewrapped = parse_listing(text, "a.txt").entries, parse_listing(wrapped, "b.txt").entries
    assert [(e.title, e.abstract, e.date) for e in rewrapped] == [
        (e.title, e.abstract, e.date) for e in original
    ]


def _header_variants() -> list[tuple[str, str, bool]]:
    """(id, header, whether it is text sitegen does not know): the page header's known lines in
    every spacing and case the page is saved with, with and without the page's date; and
    unknown text above the papers."""
    known = ["Daily Papers", "by AK and the research community", "Subscribe"]
    spaced = {
        "as shown": lambda line: line,
        "no spaces": lambda line: line.replace(" ", ""),
        "upper": str.upper,
        "doubled spaces": lambda line: line.replace(" ", "  "),
    }
    found = []
    for (name, respace), date in itertools.product(spaced.items(), ["", "Dec 3"]):
        lines = [respace(line) for line in known] + ([date] if date else [])
        found.append((f"{name}{'-dated' if date else ''}", "\n\n".join(lines), False))
    for blurb in ["Trending now\n\nThe best of the week", "Daily Papers\n\nCurated by us\n\nDec 3"]:
        found.append((blurb.split("\n")[0], blurb, True))
    return found


@pytest.mark.parametrize(
    "header, unknown", [v[1:] for v in _header_variants()], ids=[v[0] for v in _header_variants()]
)
def test_no_page_header_becomes_a_paper(header, unknown):
    papers = [
        (
            f"Paper Number {n}: A Study",
            f"Sentence {n} of a long abstract about scans. " * 6,
            f"  • {n + 2} authors\n·\nNov {n + 1}, 2024 {n}",
        )
        for n in range(3)
    ]
    text = header + "\n\n" + "\n\n".join("\n\n".join(paper) for paper in papers) + "\n"
    daily = parse_listing(text, "page.txt")
    assert [e.title for e in daily.entries] == [title for title, _, _ in papers]
    skipped = [w for w in daily.warnings if "taken for the page's header" in str(w)]
    assert len(skipped) == (1 if unknown else 0), daily.warnings
    assert len(daily.warnings) == len(skipped)


REFERENCES = [
    "&amp;",
    "&lt;",
    "&gt;",
    "&quot;",
    "&#39;",
    "&ndash;",
    "&mdash;",
    "&eacute;",
    "&#233;",
    "&#xE9;",
    "&nbsp;",
]


@pytest.mark.parametrize("reference", REFERENCES)
def test_html_character_references_in_a_daily_page_or_a_dump_are_the_characters(reference):
    """A page saved or copied from its HTML source holds `Q&amp;A`: the page showed Q&A (the
    character by Python's html module); the same title typed plainly was a second paper."""
    import html

    character = html.unescape(reference)
    title, abstract = f"Q{reference}A for Radiology", f"We answer{reference}questions about chest X-rays."
    day = f"Daily Papers\n\nJun 1, 2025\n\n{title}\n\n{abstract}\n\n  • 6 authors\n·\nMay 30, 2025 4\n"
    [entry] = parse_listing(day, "day.txt").entries
    assert entry.title == f"Q{character}A for Radiology".strip() or character.isspace()
    assert reference not in entry.abstract and character.strip() in entry.abstract
    [entry] = parse_listing(f"Abstract:{abstract}\n", "dump.txt").entries
    assert reference not in entry.abstract and character.strip() in entry.abstract
    plain = "Fish &amp chips & more; R&D; all kept."  # not references
    [entry] = parse_listing(f"Abstract:{plain}\n", "dump.txt").entries
    assert entry.abstract == plain


SECOND_PARAGRAPHS = [
    "Code and weights are available at https://github.com/example/alpha.",
    "Code: https://github.com/example/alpha",
    "We release the model, the training code and a demo so that others can reproduce every result and "
    "extend the triage model to other hospitals and devices.",
]
DAILY_ENTRIES = [
    ("Alpha: A Model for Chest Radiograph Triage", "We present Alpha, a model that triages chest radiographs "
     "in emergency departments, trained on 200,000 studies from four hospitals and evaluated prospectively."),
    ("Beta: Segmenting Liver Lesions", "We present Beta, a liver lesion segmentation network with "
     "calibrated uncertainty estimates, evaluated on three public datasets and one private cohort."),
    ("Gamma: 3D Pathology Foundation Model", "We present Gamma, a foundation model for 3D pathology volumes "
     "trained on 40,000 cleared tissue samples, with strong results on grading and survival prediction."),
]  # fmt: skip


@pytest.mark.parametrize("meta", [True, False], ids=["with meta blocks", "without"])
@pytest.mark.parametrize(
    "paragraph", SECOND_PARAGRAPHS, ids=["a sentence with an address", "an address", "a sentence"]
)
def test_a_second_paragraph_of_an_abstract_stays_in_it(paragraph, meta):
    """A short second paragraph was read as the next paper's title (its abstract the next title),
    as an organisation, or as a paper with no abstract; the papers after it went wrong or missing."""
    blocks = []
    for number, (title, abstract) in enumerate(DAILY_ENTRIES):
        text = f"{abstract}\n\n{paragraph}" if number == 0 else abstract
        foot = f"\n\n  • {number + 3} authors\n·\nMar {number + 3}, 2025 5" if meta else ""
        blocks.append(f"{title}\n\n{text}{foot}")
    page = "Daily Papers\n\nby AK and the research community\n\nSep 9, 2025\n\n" + "\n\n".join(blocks) + "\n"
    listing = parse_listing(page, "day.txt")
    assert [entry.title for entry in listing.entries] == [title for title, _ in DAILY_ENTRIES]
    assert listing.entries[0].abstract.endswith(paragraph) and listing.warnings == ()
    assert [entry.organization for entry in listing.entries] == [None] * 3
    if meta:
        assert [entry.authors_count for entry in listing.entries] == [3, 4, 5]


def test_an_abstract_with_its_meta_block_but_no_title_line_is_an_untitled_entry(
    make_project, run_cli, tmp_path
):
    """Its title lost when the page was copied: the abstract was taken for a title with no
    abstract, and the paper dropped ('has no abstract'); it is a paper whose title is derived."""
    blocks = []
    for number, (title, abstract) in enumerate(DAILY_ENTRIES):
        head = "" if number == 1 else f"{title}\n\n"
        blocks.append(f"{head}{abstract}\n\n  • {number + 3} authors\n·\nMar {number + 3}, 2025 5")
    page = "Daily Papers\n\nby AK and the research community\n\nSep 9, 2025\n\n" + "\n\n".join(blocks) + "\n"
    listing = parse_listing(page, "day.txt")
    assert [entry.title for entry in listing.entries] == [DAILY_ENTRIES[0][0], None, DAILY_ENTRIES[2][0]]
    assert listing.entries[1].abstract == DAILY_ENTRIES[1][1] and listing.entries[1].authors_count == 4
    project = make_project()
    (tmp_path / "day.txt").write_text(page, encoding="utf-8")
    code, out, err = run_cli(project, "import", tmp_path / "day.txt")
    assert code == 0 and "3 created" in out and "1 derived titles to confirm" in out, err
