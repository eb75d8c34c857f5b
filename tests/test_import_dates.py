"""Dates in bibliographies: what a date keeps when part of it is impossible, and the warning that
says so. Every year, month and day of a sweep (impossible ones too) is written as each format
writes dates; what each must keep is decided by `datetime.date`, not by sitegen.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable

import pytest
import rispy

from sitegen.readers import parse_listing

YEARS = (2020, 2021)  # a leap year and another
MONTHS = (None, 0, 1, 2, 6, 12, 13, 45)
DAYS = (None, 0, 1, 28, 29, 30, 31, 32, 45)
CASES = [
    (year, month, day)
    for year, month, day in itertools.product(YEARS, MONTHS, DAYS)
    if month is not None or day is None  # a day needs a month to be written at all
]


def kept(year: int, month: int | None, day: int | None) -> tuple[tuple[int, int | None, int | None], bool]:
    """What a date must keep, by the calendar (datetime), and whether part of it is dropped."""
    if month is None:
        return (year, None, None), False
    try:
        dt.date(year, month, 1)
    except ValueError:
        return (year, None, None), True  # no such month: its day goes too
    if day is None:
        return (year, month, None), False
    try:
        dt.date(year, month, day)
    except ValueError:
        return (year, month, None), True
    return (year, month, day), False


def shown(date: tuple[int, int | None, int | None]) -> str:
    return "-".join([str(date[0])] + [f"{part:02}" for part in date[1:] if part])


def bibtex_date(year, month, day) -> str:
    parts = [str(year)] + [f"{part:02}" for part in (month, day) if part is not None]
    return f"date = {{{'-'.join(parts)}}}"


def bibtex_fields(year, month, day) -> str:
    named = (("year", year), ("month", month), ("day", day))
    return ", ".join(f"{name} = {{{value}}}" for name, value in named if value is not None)


WRITERS: dict[str, tuple[str, Callable[..., str]]] = {
    "bibtex date": (
        "library.bib",
        lambda i, y, m, d: f"@article{{k{i}, title = {{T{i}}}, {bibtex_date(y, m, d)}}}",
    ),
    "bibtex year month day": (
        "library.bib",
        lambda i, y, m, d: f"@article{{k{i}, title = {{T{i}}}, {bibtex_fields(y, m, d)}}}",
    ),
    "ris DA": (
        "library.ris",
        lambda i, y, m, d: (
            f"TY  - JOUR\nID  - k{i}\nTI  - T{i}\n"
            f"DA  - {y}/{'' if m is None else f'{m:02}'}/{'' if d is None else f'{d:02}'}/\nER  - \n"
        ),
    ),
    **{
        f"ris {tag}": (
            "library.ris",
            lambda i, y, m, d, tag=tag: (
                f"TY  - JOUR\nID  - k{i}\nTI  - T{i}\n"
                f"{tag}  - {y}/{'' if m is None else f'{m:02}'}/{'' if d is None else f'{d:02}'}/\nER  - \n"
            ),
        )
        for tag in ("PY", "Y1")  # RIS's year tags, in its date format (YYYY/MM/DD/other) too
    },
    "csl date-parts": (
        "library.json",
        lambda i, y, m, d: json.dumps({"id": f"k{i}", "type": "book", "title": f"T{i}",
                                       "issued": {"date-parts": [[p for p in (y, m, d) if p is not None]]}}),
    ),
}  # fmt: skip
JOINS = {"library.json": ",\n"}  # how a format puts records one after another (a list for JSON)


@pytest.mark.parametrize("writer", WRITERS)
def test_an_impossible_month_or_day_is_dropped_with_a_warning_saying_what_was_kept(writer):
    name, write = WRITERS[writer]
    chunks = [write(index, *case) for index, case in enumerate(CASES)]
    join = JOINS.get(name, "\n")
    lines, position = [], 2 if name in JOINS else 1
    for chunk in chunks:
        lines.append(position)
        position += chunk.count("\n") + join.count("\n")
    text = join.join(chunks)
    listing = parse_listing(f"[\n{text}\n]\n" if name in JOINS else text + "\n", name)
    warnings = {problem.line: problem for problem in listing.warnings}
    assert len(listing.entries) == len(CASES)
    for entry, line, case in zip(listing.entries, lines, CASES, strict=True):
        date, dropped = kept(*case)
        assert entry.date is not None and (entry.date.year, entry.date.month, entry.date.day) == date, case
        assert entry.line == line
        if dropped:
            warning = warnings.pop(line)
            assert (warning.path, warning.line) == (name, line)
            assert str(warning).startswith(f"{name}:{line}: entry `k{CASES.index(case)}`: date `")
            assert str(warning).endswith(f"; kept {shown(date)}"), (case, str(warning))
    assert warnings == {}, "no warning where nothing is dropped"


@pytest.mark.parametrize(
    ("written", "date", "warned"),
    [
        ("March 2020", (2020, 3, None), None),
        ("15 March 2020", (2020, 3, 15), None),
        ("Mar. 15, 2020", (2020, 3, 15), None),
        ("30 February 2020", (2020, 2, None), "2020-02 has no day `30`; kept 2020-02"),
        ("Spring 2020", (2020, None, None), "`Spring` is not read; kept 2020"),
        ("2020/2021", (2020, None, None), "`/2021` after the date is not read; kept 2020"),
        ("2020-05-03T10:00:00Z", (2020, 5, 3), None),
        ("in press", None, "`in press` has no year; the paper is left undated (add `date:` to its page)"),
    ],
)
def test_a_date_in_words_keeps_its_month_and_says_what_it_could_not_read(written, date, warned):
    listing = parse_listing(f"@article{{k, title = {{T}},\n  date = {{{written}}}}}\n", "library.bib")
    [entry] = listing.entries
    assert (entry.date and (entry.date.year, entry.date.month, entry.date.day)) == date
    if warned is None:
        assert listing.warnings == ()
    else:
        [warning] = listing.warnings
        assert str(warning) == f"library.bib:1: entry `k`: date `{written}`: {warned}"


def test_the_import_prints_the_warning_with_the_file_and_line(make_project, run_cli):
    project = make_project(
        {
            "lib.bib": "@article{fine, title = {Fine}, year = 2020}\n\n"
            "@article{odd,\n  title = {Odd},\n  date = {2020-13-45},\n}\n",
        }
    )
    code, _, err = run_cli(project, "import", "lib.bib")
    assert code == 0
    warning = (
        "warning: lib.bib:3: entry `odd`: date `2020-13-45`: month `13` is not a month (1 to 12, or its "
    )
    assert warning + "name); kept 2020\n" in err


@pytest.mark.parametrize(
    ("issued", "date", "warned"),
    [
        ({"raw": "March 2020"}, (2020, 3, None), None),
        ({"literal": "15 March 2020"}, (2020, 3, 15), None),
        ("2020-03", (2020, 3, None), None),  # EDTF text
        ("2020-03-14/2020-04-01", (2020, 3, 14), "`/2020-04-01` after the date is not read; kept 2020-03-14"),
        ({"date-parts": [[2020, 3], [2020, 5]]}, (2020, 3, None),
         "a range: its end [2020, 5] is not kept; kept 2020-03"),
        ({"date-parts": [[2020]], "season": 1}, (2020, None, None), "season 1 is not kept; kept 2020"),
        ({"date-parts": [["2020", "13", "45"]]}, (2020, None, None),
         "month `13` is not a month (1 to 12, or its name); kept 2020"),
    ],
)  # fmt: skip
def test_a_csl_date_keeps_what_it_can_and_says_what_it_could_not(issued, date, warned):
    listing = parse_listing(
        json.dumps([{"id": "k", "type": "book", "title": "T", "issued": issued}]), "lib.json"
    )
    [entry] = listing.entries
    assert (entry.date.year, entry.date.month, entry.date.day) == date
    if warned is None:
        assert listing.warnings == ()
    else:
        [warning] = listing.warnings
        written = issued if isinstance(issued, str) else json.dumps(issued)
        assert str(warning) == f"lib.json:1: entry `k`: date `{written}`: {warned}"


@pytest.mark.parametrize("tag", ["PY", "Y1", "DA"])
def test_a_ris_date_as_rispy_reads_it_keeps_every_part_the_calendar_allows(tag):
    """rispy reads each generated date (with other information after the day, as RIS allows) as
    the text written; what sitegen keeps is its parts, by the calendar."""
    for index, (year, month, day) in enumerate(CASES):
        written = (
            f"{year}/{'' if month is None else f'{month:02}'}/{'' if day is None else f'{day:02}'}/Spring"
        )
        text = f"TY  - JOUR\nID  - k{index}\nTI  - T{index}\n{tag}  - {written}\nER  - \n"
        [record] = rispy.loads(text)
        field = {"PY": "year", "Y1": "publication_year", "DA": "date"}[tag]
        y, m, d = [*record[field].split("/"), "", ""][:3]
        date, _ = kept(int(y), int(m) if m else None, int(d) if d else None)
        [entry] = parse_listing(text, "library.ris").entries
        assert (entry.date.year, entry.date.month, entry.date.day) == date, written


# What may stand beside a year in a bibliography's year: a range's end, a second year, a
# qualifier, a month run in. Each is said, and the year kept; braces, brackets and a full stop are
# only how it is written.
BESIDE_A_YEAR = ["--2022", "/2020", "-05", " or 2020", "?"]
PREFIXES = ["ca. ", "c. "]


@pytest.mark.parametrize("writer", ["bibtex year", "csl date-parts", "ris PY"])
@pytest.mark.parametrize(
    "written", [f"2019{rest}" for rest in BESIDE_A_YEAR] + [f"{p}2019" for p in PREFIXES]
)
def test_what_a_year_says_beside_the_year_is_said_not_read(writer, written):
    text, name = {
        "bibtex year": (f"@article{{k, title={{T}}, year={{{written}}}}}\n", "lib.bib"),
        "csl date-parts": (
            json.dumps([{"id": "k", "title": "T", "issued": {"date-parts": [[written]]}}]),
            "lib.json",
        ),
        "ris PY": (f"TY  - JOUR\nTI  - T\nPY  - {written}\nER  - \n", "lib.ris"),
    }[writer]
    listing = parse_listing(text, name)
    [entry] = listing.entries
    assert entry.date.year == 2019
    if writer == "ris PY" and written == "2019-05":  # RIS reads `PY` as a date: `2019-05` is May
        assert entry.date.month == 5 and listing.warnings == ()
        return
    [warning] = listing.warnings
    beside = written.replace("2019", " ").strip()
    assert beside in str(warning) and "kept 2019" in str(warning)


@pytest.mark.parametrize(
    "written", ["2019", "{2019}", "(2019)", "[2019]", "2019.", "2019,", " 2019 ", "2019a"]
)
def test_a_year_written_alone_is_read_without_a_warning(written):
    listing = parse_listing(f"@article{{k, title={{T}}, year={{{written}}}}}\n", "lib.bib")
    assert listing.entries[0].date.year == 2019 and listing.warnings == ()


@pytest.mark.parametrize("shown", [-3, -1, 0])
def test_a_date_shown_without_its_year_is_never_put_in_a_year_yet_to_come(shown):
    """A daily-papers page leaves the year out for the current year: the year after the latest it
    shows, but never one after today's (a page showing this year's date in full, and others not)."""
    from sitegen.importer import listing_year

    today = dt.date(2026, 12, 7)
    year = today.year + shown
    entry = "{title}\n\nAn abstract about {title}.\n\n  • 6 authors\n·\n{date} 4\n\n"
    page = "Daily Papers\n\n" + entry.format(title="One", date=f"Mar 3, {year}")
    page += entry.format(title="Two", date="Nov 20")
    inferred, said = listing_year(parse_listing(page, "day.txt"), None, None, today)
    assert inferred == min(year + 1, today.year) and str(inferred) in said


@pytest.mark.parametrize("month", range(1, 13))
@pytest.mark.parametrize("day", [None, 1, 28])
def test_pubmeds_year_month_day_in_words_keeps_its_month_and_day(month, day):
    """PubMed's and EBSCO's `DA  - 2020 Jan 15` kept only the year (with a warning): the month's
    name is the calendar's (`datetime`'s English abbreviation), in RIS's DA and CSL's raw date."""
    name = dt.date(2020, month, 1).strftime("%b")
    written = f"2020 {name}" + (f" {day}" if day else "")
    ris = f"TY  - JOUR\nTI  - T\nDA  - {written}\nER  - \n"
    csl = json.dumps([{"id": "k", "type": "article-journal", "title": "T", "issued": {"raw": written}}])
    for text, name in ((ris, "refs.ris"), (csl, "refs.json")):
        listing = parse_listing(text, name)
        [entry] = listing.entries
        assert (entry.date.year, entry.date.month, entry.date.day) == (2020, month, day), name
        assert listing.warnings == ()
