"""Every paper in every listing on exactly one page: the corpus in tests/data/identity/.

Look-alikes that are different papers (same title, accent-only differences, shared boilerplate,
different identifiers) stay apart, each decision said; true duplicates (typos, snippets, a
shared DOI or arXiv id) merge, each merge said with its reason; an existing page is never
taken over by another paper, in one import or two.
"""

import importlib.util
import re
from pathlib import Path

import pybtex.database
import pytest

from sitegen.load import SLUG
from sitegen.paperfile import read_meta

DATA = Path(__file__).parent / "data" / "identity"


def pages(project: Path) -> dict[str, tuple[dict, str]]:
    found = {}
    for path in sorted((project / "content" / "papers").glob("*.md")):
        meta, body, _ = read_meta(path.read_text(encoding="utf-8"), str(path))
        found[path.stem] = (meta, body)
    return found


def files(project: Path) -> dict[str, bytes]:
    folder = project / "content" / "papers"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.md"))}


def imported(run_cli, project: Path, *names: str) -> tuple[str, str]:
    code, out, err = run_cli(project, "import", *(DATA / name for name in names))
    assert code == 0, err
    return out, err


def merges(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("merged ")]


def test_the_committed_challenge_listings_are_what_their_generator_writes():
    spec = importlib.util.spec_from_file_location("make_challenge", DATA / "make_challenge.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    for name, make in generator.LISTINGS.items():
        assert (DATA / name).read_text(encoding="utf-8") == make(), name


def test_two_papers_with_one_title_stay_two_pages_each_with_its_own_date_and_a_warning(make_project, run_cli):
    project = make_project()
    out, err = imported(run_cli, project, "same_title.txt")
    found = pages(project)
    slug = "foundation-models-for-medical-imaging"
    assert sorted(found) == [slug, f"{slug}-2"]
    review, masked = found[slug], found[f"{slug}-2"]
    assert review[1].startswith("We review") and str(review[0]["date"]) == "2024-01-09"
    assert masked[1].startswith("Self-supervised") and str(masked[0]["date"]) == "2025-06-03"
    assert (review[0]["upvotes"], masked[0]["upvotes"]) == (12, 40)
    assert "[1/1] same_title.txt: 2 papers (2 new, 0 merged, 0 already imported) from 2" in err
    (warning,) = [line for line in err.splitlines() if line.startswith("warning:")]
    assert "same_title.txt:5 and same_title.txt:13" in warning and "different abstracts" in warning
    assert "foundation-models-for-medical-imaging.md" in warning
    assert "foundation-models-for-medical-imaging-2.md" in warning
    assert not merges(err) and "2 created" in out
    _, err = imported(run_cli, project, "same_title.txt")  # said once, when the pages are made
    assert "warning" not in err and "2 papers (0 new, 0 merged, 2 already imported)" in err


def test_an_accent_is_no_evidence_either_way(make_project, run_cli):
    """Zürich / Zurich with different abstracts: two papers; Montréal / Montreal, one text: one."""
    project = make_project()
    _, err = imported(run_cli, project, "accents.txt")
    found = pages(project)
    zurich = [slug for slug in found if slug.startswith("sepsis-alerts")]
    assert len(zurich) == 2 and len(found) == 3
    assert {found[slug][0]["title"] for slug in zurich} == {
        "Sepsis Alerts at University Hospital Zürich",
        "Sepsis Alerts at University Hospital Zurich",
    }
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "accents.txt:5 and accents.txt:13" in warnings[0]
    assert "same title but for accents, yet different abstracts" in warnings[0]
    (montreal,) = [slug for slug in found if slug.startswith("cross-lingual")]
    assert found[montreal][0]["upvotes"] == 16
    assert merges(err) == [
        f"merged accents.txt:29 into content/papers/{montreal}.md (with accents.txt:21): "
        "same title but for accents; same abstract"
    ]


@pytest.mark.parametrize(
    "listings, count",
    [
        (["challenge_3.txt"], 3),
        (["challenge_22.txt"], 22),
        (["challenge_22_dump.txt"], 22),
        (["challenge_step1.txt", "challenge_step2.txt"], 22),
        (["challenge_step1_dump.txt", "challenge_step2_dump.txt"], 22),
    ],
)
def test_papers_sharing_a_boilerplate_paragraph_stay_apart_in_one_import_or_two(
    make_project, run_cli, listings, count
):
    project = make_project()
    _, err = imported(run_cli, project, listings[0])
    first = files(project)
    for name in listings[1:]:
        _, err = imported(run_cli, project, name)
        assert f"{count - len(first)} papers ({count - len(first)} new, 0 merged, 0 already imported)" in err
    found = pages(project)
    assert len(found) == count and not merges(err) and "warning" not in err
    # a page imported first is never overwritten by the next import's look-alikes
    assert {name: data for name, data in files(project).items() if name in first} == first
    assert len({body for _, body in found.values()}) == count
    codes = [link["url"] for meta, _ in found.values() for link in meta.get("links", [])]
    assert len(codes) == len(set(codes))


def test_the_same_paper_in_a_second_listing_is_merged_into_its_page_and_said(make_project, run_cli):
    project = make_project()
    imported(run_cli, project, "challenge_step1.txt")
    _, err = imported(run_cli, project, "challenge_22.txt")
    assert "challenge_22.txt: 22 papers (19 new, 3 merged, 0 already imported)" in err
    lines = merges(err)
    aurora = "team-aurora-at-the-kneemri-2025-challenge"
    assert len(lines) == 3
    assert lines[0].startswith(f"merged challenge_22.txt:5 into content/papers/{aurora}.md")
    assert all(line.endswith(": same title; same abstract") for line in lines)
    assert pages(project)[aurora][0]["sources"] == ["challenge_22.txt", "challenge_step1.txt"]
    _, err = imported(run_cli, project, "challenge_22.txt")
    assert "22 papers (0 new, 0 merged, 22 already imported)" in err and not merges(err)


def test_typos_and_snippets_merge_but_a_part_number_never_does(make_project, run_cli):
    project = make_project()
    _, err = imported(run_cli, project, "typos.txt", "typos_again.txt")
    found = pages(project)
    assert len(found) == 3
    slug = "uncertainty-aware-segmentaton-of-pancreatic-tumours-in"
    assert merges(err) == [
        f"merged typos_again.txt:5 into content/papers/{slug}.md "
        "(with typos.txt:5): same title but for a typo; snippet of its abstract"
    ]
    meta, body = found[slug]
    assert meta["upvotes"] == 9 and body.endswith("cutting review time by a third.")
    assert "[2/2] typos_again.txt: 1 papers (0 new, 1 merged, 0 already imported)" in err


def test_a_shared_doi_or_arxiv_id_merges_and_a_different_one_keeps_apart(make_project, run_cli):
    project = make_project()
    _, err = imported(run_cli, project, "identifiers.txt")
    assert len(pages(project)) == 3
    reasons = sorted(line.split(": ", 1)[1] for line in merges(err))
    assert reasons == ["same DOI 10.1000/derma.2025.17", "same arXiv id 2503.01234"]
    (warning,) = [line for line in err.splitlines() if line.startswith("warning:")]
    assert "identifiers.txt:1 and identifiers.txt:9" in warning
    assert "different arXiv ids (2503.01234 / 2503.09999)" in warning


def test_titles_in_any_script_give_valid_slugs_the_build_accepts(make_project, run_cli):
    project = make_project()
    imported(run_cli, project, "non_latin.txt")
    slugs = sorted(pages(project))
    assert len(slugs) == 8 and all(SLUG.match(slug) for slug in slugs)
    assert "yi-xue-ying-xiang-da-mo-xing-zong-shu" in slugs  # each ideograph a word
    assert "segmentatsiya-opukholei-mozga-na-mrt" in slugs
    assert "stethoscope-robot" in slugs  # emoji are spelt out
    assert [s for s in slugs if s.startswith("paper-")] == ["paper-" + "d9d10728"]  # nothing to spell: a hash
    code, _, err = run_cli(project, "build")
    assert code == 0, err


def test_progress_counts_add_up_across_listings(make_project, run_cli):
    project = make_project()
    _, err = imported(run_cli, project, "challenge_step1.txt", "challenge_22.txt", "typos.txt")
    counts = re.findall(r"(\d+) papers \((\d+) new, (\d+) merged, (\d+) already imported\)", err)
    assert [tuple(map(int, c)) for c in counts] == [(22, 22, 0, 0), (3, 0, 3, 0), (3, 3, 0, 0)]
    assert len(pages(project)) == 25 and len(merges(err)) == 3


def test_without_the_import_state_edited_pages_are_still_found(make_project, run_cli):
    """Title and abstract edited, state deleted: the page is found by its sources and overlap."""
    project = make_project()
    imported(run_cli, project, "challenge_3.txt", "typos.txt")
    alpine = "team-alpine-at-the-liverseg-2025-challenge.md"
    path = project / "content" / "papers" / alpine
    text = path.read_text(encoding="utf-8")
    text = text.replace("title: 'Team Alpine at", "title: 'Alpine (our pick) at")
    text = text.replace("The LiverSeg 2025 challenge asks participants", "Participants were asked")
    path.write_text(text, encoding="utf-8")
    (project / "content" / ".import-state.json").unlink()
    before = files(project)
    _, err = imported(run_cli, project, "challenge_3.txt", "typos.txt", "typos_again.txt")
    assert sorted(files(project)) == sorted(before)  # no duplicate page
    assert files(project)[alpine] == before[alpine]
    assert "challenge_3.txt: 3 papers (0 new, 0 merged, 3 already imported)" in err
    assert "typos_again.txt: 1 papers (0 new, 1 merged, 0 already imported)" in err


@pytest.mark.parametrize("two_steps", [False, True])
def test_an_untitled_teaser_of_shared_boilerplate_is_its_own_paper(make_project, run_cli, two_steps):
    """The teaser opens all three reports: it could be any of them, so it is a paper of its own."""
    project = make_project()
    if two_steps:
        imported(run_cli, project, "challenge_3.txt")
        first = files(project)
        _, err = imported(run_cli, project, "challenge_teaser.txt")
        assert {name: data for name, data in files(project).items() if name in first} == first
    else:
        _, err = imported(run_cli, project, "challenge_3.txt", "challenge_teaser.txt")
    assert len(pages(project)) == 5 and not merges(err)
    (warning,) = [line for line in err.splitlines() if line.startswith("warning:")]
    assert warning.startswith("warning: challenge_teaser.txt:1 could be any of several papers kept apart: ")
    for line in (5, 13, 21):
        assert f"challenge_3.txt:{line} (content/papers/team-" in warning
    _, err = imported(run_cli, project, "challenge_teaser.txt")  # and it keeps its own page
    assert "2 papers (0 new, 0 merged, 2 already imported)" in err and "warning" not in err


FRAGMENTS = (
    "We segment polyps", "in colonoscopy", "Ünïcödé naïve café", "İstanbul", "ſtrange", "\u212aelvin",
    "arXiv:2401.12345", "ARXIV 2301.00001v2", "arx\u0131v:2402.54321", "see huggingface.co/papers/2403.11111",
    "https://arxiv.org/abs/2404.22222", "doi: 10.1234/abc.def.", "(10.5555/x(1))", "https://doi.org/10.48550/arXiv.2405.1",
    "https://github.com/owner/repo.", "http://gitlab.com/a/b/c", "10.5 % better", "e\u0301te\u0301", "",
)  # fmt: skip


def test_the_descriptions_fast_paths_find_exactly_what_full_scans_find():
    """Words of ASCII text skip the accent stripping; the DOI, arXiv and address patterns run only
    on texts that can hold a match. Every combination of fragments (accents, the letters that
    case-insensitive patterns match beyond ASCII, identifiers of each kind, none) gives the words,
    DOIs, arXiv ids and repositories that scanning the whole text with each pattern gives."""
    import itertools
    import unicodedata

    from sitegen.identity import ARXIV, DOI, _repo, _trim, traits, words_of

    def full_words(text: str) -> list[str]:
        stripped = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        return re.findall(r"[a-z0-9]+", stripped.lower())

    for first, second in itertools.product(FRAGMENTS, repeat=2):
        text = f"{first} {second}".strip()
        assert words_of(text) == full_words(text), text
        found = traits("x.md", "A title", text)
        assert found.dois == {
            d.lower() for d in map(_trim, DOI.findall(text)) if not d.lower().startswith("10.48550/")
        }
        assert found.arxiv == {m.lower() for m in ARXIV.findall(text)}, text
        assert found.repos == set(filter(None, map(_repo, re.findall(r"https?://\S+", text)))), text


def test_pages_described_by_two_processes_give_the_plan_one_process_gives(make_project, run_cli):
    """A large library's pages are described half in a forked process (`Tuning.parallel_from`,
    here 1 page): every listing planned into a library of half of them, a third of its pages
    then edited by hand, gives the same plan, byte for byte, as one process describing them all."""
    import datetime as dt

    from sitegen.build import Tuning
    from sitegen.importer import plan_import

    listings = sorted(DATA.glob("*.txt")) + sorted((DATA.parent / "listings").glob("*.txt"))
    project = make_project()
    for listing in listings[::2]:
        assert run_cli(project, "import", listing)[0] == 0
    for number, page in enumerate(sorted((project / "content/papers").glob("*.md"))[::3]):
        text = page.read_text(encoding="utf-8")  # a hand edit: the file is no longer as imported
        page.write_text(
            f"{text}\nRead again by hand ({number}): we revise the evaluation.\n", encoding="utf-8"
        )
    for listing in listings:
        plans = [
            plan_import(
                project / "content", [listing], None, dt.date(2026, 12, 6), Tuning(parallel_from=bound)
            )
            for bound in (1, 10**9)
        ]
        shown = [
            (p.created, p.updated, p.merges, p.notes, p.progress, sorted(p.writes.items())) for p in plans
        ]
        assert shown[0] == shown[1], listing.name


# -- a title alone, against author counts and years --------------------------------------------

TITLE_ONLY = "LungNet: Finding Lung Nodules in Chest CT"
COUNTS = [(9, 1), (5, 1), (9, 8), (3, 1), (4, 2), (2, 9)]  # (the page's, the record's)
YEARS = [0, 1, 2, 3, 5, -3]  # the record's year after the page's


def _title_only_case(daily_count: int, bib_count: int, gap: int) -> tuple[str, str, bool]:
    """A daily-papers entry and a BibTeX record (written by pybtex) of one title; whether they are
    two papers: author counts more than two and twice apart, or years more than two apart."""
    page = (
        f"Daily Papers\n\n{TITLE_ONLY}\n\n"
        + "We find lung nodules in chest CT scans with a new network. " * 4
        + f"\n\n  • {daily_count} authors\n·\nDec 3, 2022 12\n"
    )
    entry = pybtex.database.Entry(
        "article", fields={"title": TITLE_ONLY, "journal": "Radiology", "year": str(2022 + gap)}
    )
    entry.persons["author"] = [pybtex.database.Person(f"Author{n}, Given") for n in range(bib_count)]
    bib = pybtex.database.BibliographyData({"key": entry}).to_string("bibtex")
    few, many = sorted((daily_count, bib_count))
    apart = (many - few > 2 and 2 * few < many) or abs(gap) > 2
    return page, bib, apart


TITLE_CASES = [(c, y, together) for c in COUNTS for y in YEARS for together in (True, False)]


@pytest.mark.parametrize("counts, gap, together", TITLE_CASES)
def test_a_title_alone_is_weighed_against_author_counts_and_years(
    make_project, run_cli, tmp_path, counts, gap, together
):
    """In one import (two entries) or two (an entry against the page): two papers and a warning
    when the counts or years are far apart; else one paper, the merge said."""
    page, bib, apart = _title_only_case(*counts, gap)
    (tmp_path / "daily.txt").write_text(page, encoding="utf-8")
    (tmp_path / "refs.bib").write_text(bib, encoding="utf-8")
    project = make_project()
    if together:
        code, _, err = run_cli(project, "import", tmp_path / "daily.txt", tmp_path / "refs.bib")
    else:
        run_cli(project, "import", tmp_path / "daily.txt")
        code, _, err = run_cli(project, "import", tmp_path / "refs.bib")
    assert code == 0, err
    found = pages(project)
    assert len(found) == (2 if apart else 1), err
    if apart:
        assert "same title, yet" in err and "kept as two papers" in err, err
        daily_page = next(meta for meta, _ in found.values() if meta.get("authors_count"))
        assert daily_page["authors_count"] == counts[0] and daily_page["date"].year == 2022
    else:
        assert "merged " in err and "same title; no abstract to compare" in err, err


@pytest.mark.parametrize(
    ("field", "value"), [("doi", "10.1000/rewritten.7"), ("eprint", "2401.54321")], ids=["doi", "arxiv"]
)
def test_without_the_import_state_a_page_whose_title_and_abstract_were_rewritten_is_found_by_its_identifier(
    make_project, run_cli, tmp_path, field, value
):
    """Nothing of the title or abstract left to compare: the page still lists the listing among
    its sources and carries the entry's identifier, so it is the page (not a second one)."""
    project = make_project()
    listing = tmp_path / "refs.bib"
    archive = ", archivePrefix={arXiv}" if field == "eprint" else ""
    listing.write_text(
        f"@article{{k1, title={{Original Title for a Hand Edit}}, author={{Smith, John and Brown, Ann}},"
        f" journal={{Radiology}}, year={{2019}}, {field}={{{value}}}{archive},"
        f" abstract={{An abstract about chest CT and nodules.}}}}\n",
        encoding="utf-8",
    )
    run_cli(project, "import", listing)
    [path] = (project / "content" / "papers").glob("*.md")
    text = path.read_text(encoding="utf-8").replace("Original Title for a Hand Edit", "A Title of My Own")
    text = text.replace("An abstract about chest CT and nodules.", "My own summary, in other words.")
    path.write_text(text, encoding="utf-8")
    (project / "content" / ".import-state.json").unlink()
    code, _, err = run_cli(project, "import", listing)
    assert code == 0, err
    assert sorted((project / "content" / "papers").glob("*.md")) == [path], err
    assert path.read_text(encoding="utf-8") == text
    assert "0 new, 0 merged, 1 already imported" in err


SURVEY_ABSTRACT = (
    "We survey deep learning methods for medical image segmentation across CT, MRI and ultrasound, "
    "and list open problems."
)


@pytest.mark.parametrize("abstract", [False, True], ids=["no abstract", "one abstract"])
@pytest.mark.parametrize("gap", range(6))
def test_one_title_by_the_same_authors_years_apart_is_two_papers_with_a_warning(
    make_project, run_cli, tmp_path, gap, abstract
):
    """A survey of one title by one author, written again years later: a preprint and its
    published version are a year or two apart, seldom more. Further apart, the two stay two
    papers (each keeps its date), and a warning says why; closer, or with one abstract (a
    preprint and its version of record, years on), they merge, the merge said."""
    from sitegen.identity import YEARS_APART

    project = make_project()
    listing = tmp_path / "refs.bib"
    title = "Medical Image Segmentation: A Survey"
    said = f", abstract={{{SURVEY_ABSTRACT}}}" if abstract else ""
    entries = [
        f"@article{{t{key}, title={{{title}}}, author={{Wang, Li}}, year={{{year}}}{said}}}"
        for key, year in enumerate((2018, 2018 + gap))
    ]
    listing.write_text("\n".join(entries) + "\n", encoding="utf-8")
    code, _, err = run_cli(project, "import", listing)
    assert code == 0, err
    dates = sorted(str(meta["date"]) for meta, _ in pages(project).values())
    if gap > YEARS_APART and not abstract:
        assert dates == ["2018", str(2018 + gap)]
        assert f"years 2018 / {2018 + gap}" in err and "warning:" in err
    else:
        assert len(dates) == 1 and len(merges(err)) == 1


CITING = {
    "cardio": "We present CardioLens, a vision-language model that writes echocardiography reports from "
    "cine loops. We build on {cited} and fine-tune it on 12,000 studies, improving clinical efficacy "
    "scores by 14% over strong baselines.",
    "derma": "We present DermaLens, a model that writes dermatology reports from clinical photographs. "
    "Following {cited}, we fine-tune on 30,000 images from five hospitals, and outperform "
    "general-purpose assistants on diagnostic accuracy.",
}
CITED = [
    "LLaVA-Med (arXiv:2306.00890)",
    "LLaVA-Med (https://arxiv.org/abs/2306.00890v2)",
    "MedSAM (doi:10.1038/s41467-024-44824-z)",
]


@pytest.mark.parametrize("cited", CITED)
def test_two_abstracts_citing_one_work_and_sharing_nothing_else_are_two_papers_with_a_warning(
    make_project, run_cli, tmp_path, cited
):
    """An id found in an abstract's text may be a work it cites: two untitled abstracts naming
    the same one, and nothing else alike, stay two papers (said); the same abstract twice merges."""
    project = make_project()
    dump = tmp_path / "dump.txt"
    texts = [CITING["cardio"].format(cited=cited), CITING["derma"].format(cited=cited)]
    dump.write_text("".join(f"Abstract:{text}\n\n" for text in texts), encoding="utf-8")
    code, _, err = run_cli(project, "import", dump)
    assert code == 0, err
    assert len(pages(project)) == 2 and not merges(err)
    assert "in their texts, yet they introduce CardioLens / DermaLens" in err
    again = tmp_path / "again.txt"
    again.write_text(f"Abstract:{texts[0]}\n\n", encoding="utf-8")
    code, _, err = run_cli(project, "import", again)
    assert code == 0 and "again.txt: 1 papers (0 new, 1 merged" in err and len(pages(project)) == 2, err


@pytest.mark.parametrize("first", ["complete", "longer"])
def test_a_merged_page_keeps_the_text_that_holds_most(make_project, run_cli, tmp_path, first):
    """A teaser cut after its first sentence looks complete; a longer teaser of the same text
    holds more, and is kept, whichever listing comes first; a complete abstract beats a shorter
    teaser of it."""
    sentence = (
        "Tumor data synthesis offers a promising solution to the shortage of annotated medical datasets."
    )
    longer = (
        sentence
        + " However, current approaches either limit tumor diversity by using predefined masks or emp"
    )
    whole = longer + "loy two stages, which we avoid with rectified flow matching."
    day = "Daily Papers\n\nJun 1, 2025\n\nTumorGen: Boundary-Aware Tumor-Mask Synthesis\n\n{text}\n\n"
    day += "  • 6 authors\n·\nMay 30, 2025 4\n"
    project = make_project()
    files = []
    for number, text in enumerate([sentence, longer] if first == "complete" else [longer, sentence]):
        files.append(tmp_path / f"day{number}.txt")
        files[-1].write_text(day.format(text=text), encoding="utf-8")
    code, _, err = run_cli(project, "import", *files)
    assert code == 0, err
    [(_, body)] = pages(project).values()
    assert " ".join(body.split()) == longer
    files.append(tmp_path / "whole.txt")
    files[-1].write_text(day.format(text=whole), encoding="utf-8")
    code, _, err = run_cli(project, "import", files[-1])
    [(_, body)] = pages(project).values()
    assert " ".join(body.split()) == whole


OPENING = (
    "The International Brain Tumor Segmentation (BraTS) challenge has focused on the generation of "
    "open-access datasets and the evaluation of automated methods for brain tumor segmentation for over "
    "a decade, with annual editions that draw hundreds of teams from around the world."
)
ENDINGS = {
    "glioma": " This year we add post-treatment glioma scans from six institutions with expert labels of "
    "enhancing tissue, resection cavity and surrounding oedema, and rank methods by lesion-wise Dice.",
    "meningioma": " This edition turns to meningioma radiotherapy planning, with gross tumour volumes drawn "
    "by radiation oncologists on planning MRI, and asks methods to match their contours within 2 mm.",
}


@pytest.mark.parametrize("how", ["one listing", "teaser later", "teaser first", "titled teaser"])
def test_a_teaser_of_an_opening_two_papers_share_joins_neither_and_a_re_import_changes_nothing(
    make_project, run_cli, tmp_path, how
):
    """Two untitled reports whose abstracts share a long opening and then differ are two papers;
    a teaser cut inside that opening could be either: a paper of its own, said, however the
    listings come; importing them all again changes no file."""
    project = make_project()
    reports = "".join(f"Abstract:{OPENING}{ending}\n\n" for ending in ENDINGS.values())
    teaser = OPENING[: OPENING.index("segmentation for over") + 14]  # cut mid-word ("segmentatio")
    if how == "titled teaser":
        entry = "{title}\n\n{text}\n\n  • 6 authors\n·\nMay 30, 2025 4\n\n"
        day = entry.format(title="The BraTS Challenge Report", text=teaser)
        day += entry.format(title="CariesNet", text="We detect caries in panoramic radiographs.")
        listings = {"day.txt": f"Daily Papers\n\nJun 1, 2025\n\n{day}"}
    else:
        listings = {
            "teaser.txt": f"Abstract:{teaser}\n\nAbstract:We detect caries in panoramic radiographs.\n\n"
        }
    listings["reports.txt"] = reports
    if how == "one listing":
        listings = {"all.txt": reports.replace("\n\nAbstract:", f"\n\nAbstract:{teaser}\n\nAbstract:", 1)}
    order = list(listings) if how != "teaser later" else list(reversed(listings))
    paths = []
    for name in order:
        paths.append(tmp_path / name)
        paths[-1].write_text(listings[name], encoding="utf-8")
    if how in ("teaser later", "teaser first"):
        for path in paths:
            code, _, err = run_cli(project, "import", path)
    else:
        code, _, err = run_cli(project, "import", *paths)
    assert code == 0, err
    bodies = [" ".join(body.split()) for _, body in pages(project).values()]
    for ending in ENDINGS.values():
        assert sum(ending.strip() in body for body in bodies) == 1, "each report on a page of its own"
    assert not [line for line in merges(err) if "reports.txt" in line or "all.txt" in line]
    before = files(project)
    for _ in range(2):
        code, _, err = run_cli(project, "import")
        assert code == 0 and files(project) == before, err
