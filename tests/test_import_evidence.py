"""The identity rules, swept over the seed corpus and over Unicode.

- Every seed paper, re-listed as a typo'd snippet (titled or not), joins its own paper and no
  other; the 176 seed papers stay 176.
- Every pair of different seed titles is `different`; every one-letter typo in a long word of a
  seed title is a `typo`; a changed number or part numeral never is.
- Every assigned code point, in titles of any script, gives a slug the build accepts.
"""

import random
import sys
import unicodedata
from pathlib import Path

import pytest

from sitegen.identity import compare_titles
from sitegen.listings import RawEntry
from sitegen.load import SLUG
from sitegen.merge import cluster, make_slug, merged_paper
from sitegen.readers import parse_listing

SEEDS = Path(__file__).resolve().parent.parent / "content" / "sources"


@pytest.fixture(scope="module")
def seed_entries() -> list[RawEntry]:
    entries: list[RawEntry] = []
    for path in sorted(SEEDS.glob("*.txt")):
        entries += parse_listing(path.read_text(encoding="utf-8"), path.name).entries
    return entries


def typo(text: str, rng: random.Random) -> str:
    """One letter of one long word swapped with its neighbour."""
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 8 and w.isalpha()]
    if not long:
        return text
    index = rng.choice(long)
    word = words[index]
    at = rng.randrange(2, len(word) - 2)
    words[index] = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return " ".join(words)


def snippet(abstract: str, rng: random.Random) -> str:
    """A daily-papers teaser: ~300 characters, cut mid-word, retyped with other spacing and a typo."""
    cut = abstract[: rng.randrange(280, 320)].rstrip()
    cut = cut if cut[-1].isalpha() else cut[:-1] + "x"
    return typo(cut, rng).replace(", ", " ,  ")


def test_every_seed_paper_relisted_as_a_typod_snippet_joins_its_own_paper(seed_entries):
    rng = random.Random(15)
    seeds = cluster(seed_entries).groups
    assert len(seeds) == 176
    variants = []
    for number, group in enumerate(seeds):
        paper = merged_paper(group, lambda _: 2025)
        body = max((a.plain for a in group.abstracts), key=len)
        titled = group.entries[0].title is not None
        title = typo(paper.title, rng) if titled else None
        variants.append(RawEntry("variants.txt", number + 1, title, snippet(body, rng)))
    grouping = cluster([*seed_entries, *variants])
    assert len(grouping.groups) == 176 and not grouping.apart
    home = {id(entry): group.key for group in grouping.groups for entry in group.entries}
    for number, variant in enumerate(variants):
        assert home[id(variant)] == grouping.groups[number].key, variant
    reasons = {join.reason for group in grouping.groups for join in group.joins if join.entry in variants}
    assert reasons <= {
        "same title; snippet of its abstract",
        "same title but for a typo; snippet of its abstract",
        "no title to compare; snippet of its abstract",
    }


def test_no_two_different_seed_titles_count_as_one(seed_entries):
    titles = sorted({e.title for e in seed_entries if e.title}, key=str.lower)
    for index, one in enumerate(titles):
        for other in titles[index + 1 :]:
            assert compare_titles(one, other) == "different", (one, other)


def test_a_typo_in_any_long_word_of_a_seed_title_is_a_typo_and_a_number_never(seed_entries):
    titles = sorted({e.title for e in seed_entries if e.title})
    checked = 0
    for title in titles:
        words = title.split(" ")
        for index, word in enumerate(words):
            if len(word) >= 5 and word.isalpha():
                for at in range(1, len(word) - 1):
                    dropped = " ".join([*words[:index], word[:at] + word[at + 1 :], *words[index + 1 :]])
                    assert compare_titles(title, dropped) in ("typo", "same"), (title, dropped)
                    checked += 1
            if any(c.isdigit() for c in word):
                other = "".join(str((int(c) + 1) % 10) if c.isdigit() else c for c in word)
                changed = " ".join([*words[:index], other, *words[index + 1 :]])
                assert compare_titles(title, changed) == "different", (title, changed)
        assert compare_titles(title, f"{title}, Part II") == "different"
        assert compare_titles(title, title.upper().replace(" ", "  ").replace(":", " -")) == "same"
    assert checked > 5000


def test_part_numbers_and_short_words_are_never_typos():
    assert (
        compare_titles("Reasoning for Radiology, Part I", "Reasoning for Radiology, Part II") == "different"
    )
    assert compare_titles("Liver Segmentation in CT Scans", "Liver Segmentation in MR Scans") == "different"
    assert compare_titles("Sepsis Alerts in Zürich", "Sepsis Alerts in Zurich") == "accents"
    assert compare_titles("Vision-Language Models", "vision language models.") == "same"
    assert compare_titles("Multimodal Agents", "Multi Modal Agents") == "typo"


def assigned_code_points() -> list[str]:
    return [
        chr(point)
        for point in range(0x80, sys.maxunicode + 1)
        if unicodedata.category(chr(point))[0] in "LNSP" and not 0xD800 <= point <= 0xDFFF
    ]


def test_every_script_gives_slugs_the_build_accepts():
    points = assigned_code_points()
    assert len(points) > 100_000
    taken: set[str] = set()
    for start in range(0, len(points), 6):
        title = "".join(points[start : start + 6])
        for candidate in (title, f"{title}: a subtitle", "".join(reversed(title))):
            slug = make_slug(candidate, taken)
            assert SLUG.match(slug) and slug not in taken, (candidate, slug)
            assert not slug.startswith("paper-") or len(slug.split("-")[1]) == 8
            taken.add(slug)


@pytest.mark.parametrize("title", ["", "???", "∴ ∵ ∎", "   ", "--", "'"])
def test_a_title_with_nothing_to_spell_gets_a_short_stable_hash(title):
    slug = make_slug(title, set())
    assert SLUG.match(slug) and slug.startswith("paper-") and slug == make_slug(title, set())
    second = make_slug(title, {slug})
    assert SLUG.match(second) and second != slug


def test_synthetic_papers_with_templated_titles_and_texts_each_get_exactly_one_page():
    """The benchmark's generator makes distinct papers whose titles and texts repeat templates
    (many share a title): listed once in full without titles and once as titled snippets, each
    must end on its own page, and each snippet with its own full text."""
    from test_bench_generate import load_generator

    papers = load_generator().generate_papers(400, seed=7)
    full = [RawEntry("dump.txt", number, None, p.abstract) for number, p in enumerate(papers[:300])]
    teasers = [
        RawEntry("daily.txt", number, p.title, p.abstract[:300].rstrip() + "x")
        for number, p in enumerate(papers[100:], 100)
    ]
    grouping = cluster([*full, *teasers])
    assert len(grouping.groups) == 400
    for group in grouping.groups:
        assert len({entry.line for entry in group.entries}) == 1  # one paper's entries only
    assert sum(len(group.entries) == 2 for group in grouping.groups) == 200
    assert len({p.title for p in papers}) < 400  # the case is real: titles repeat
