"""Merging: the same paper from several listings becomes one page with the fullest abstract."""

from pathlib import Path

from sitegen.listings import MonthDay, RawEntry
from sitegen.merge import cluster, group_entries, merged_paper
from sitegen.model import PaperDate
from sitegen.readers import parse_listing

SEEDS = Path(__file__).resolve().parent.parent / "content" / "sources"

FULL = (
    "Echocardiography is central to cardiac care, yet vision-language models are rarely tested on it. "
    "We introduce CardioBench, a benchmark of 9,000 echocardiogram clips with expert questions and answers. "
    "Models fall well short of cardiologists on valve assessment, especially for regurgitation grading. "
    "The benchmark is released at https://github.com/example-lab/cardiobench."
)


def entry(source, abstract, title=None, **meta):
    return RawEntry(source=source, line=1, title=title, abstract=abstract, **meta)


def test_a_snippet_with_other_case_spacing_and_a_typo_merges_with_the_full_abstract():
    snippet = FULL[:290].upper().replace(" ", "  ").replace("vision-language", "vision language")
    snippet = snippet.replace("RARELY", "RARLEY")  # a typo
    groups = group_entries([entry("a.txt", FULL), entry("b.txt", snippet, "CardioBench: A Benchmark")])
    assert len(groups) == 1
    paper = merged_paper(groups[0], lambda source: 2025)
    assert paper.abstract.startswith("Echocardiography is central") and "valve assessment" in paper.abstract
    assert paper.title == "CardioBench: A Benchmark" and not paper.title_derived
    assert paper.sources == ("a.txt", "b.txt")


def test_the_same_title_with_different_abstracts_stays_two_papers_and_says_so():
    one = entry("a.txt", "One version of the text about hearts and valves, its own words.", "Heart Study")
    two = entry("b.txt", "A rewritten abstract with other words entirely, nothing shared.", "heart study.")
    grouping = cluster([one, two])
    assert len(grouping.groups) == 2
    (apart,) = grouping.apart
    assert apart.kind == "clash" and apart.entries == (one, two)
    assert apart.reason.startswith("same title, yet different abstracts")


def test_different_papers_from_one_lab_stay_apart():
    shared = "Our group releases models for clinical text. "
    one = entry(
        "a.txt", shared + "We present a Spanish model for medical question answering with 3B parameters."
    )
    two = entry("a.txt", shared + "We study argument extraction from resident exams with explanations.")
    assert len(group_entries([one, two])) == 2


def test_metadata_is_united_across_listings():
    groups = group_entries(
        [
            entry("a.txt", FULL, "CardioBench", date=MonthDay(3, 4), upvotes=2),
            entry("b.txt", FULL, "CardioBench", date=MonthDay(3, 4, 2024), authors_count=12, upvotes=7),
            entry("c.txt", FULL[:300], "CardioBench", organization="MedLab"),
        ]
    )
    paper = merged_paper(groups[0], lambda source: 2026)
    assert paper.date == PaperDate(2024, 3, 4) and not paper.date_inferred  # a shown year wins
    assert (paper.authors_count, paper.organization, paper.upvotes) == (12, "MedLab", 7)
    assert paper.sources == ("a.txt", "b.txt", "c.txt")
    assert [link.kind for link in paper.links] == ["code"]


def test_the_seed_listings_hold_exactly_176_distinct_papers():
    entries = []
    for path in sorted(SEEDS.glob("*.txt")):
        entries += parse_listing(path.read_text(encoding="utf-8"), path.name).entries
    assert len(entries) == 213
    assert len(group_entries(entries)) == 176
