"""The All papers browser in headless Chromium: facets, live counts, the text filter, sorts, pages
and the address; and without JavaScript, the paginated list that reaches every paper.

The expected papers and counts are worked out here from papers.json (another output, made by
other code) and the rules the README states, for generated views of a generated corpus: every
facet value alone (every venue and every author too), pairs of them, and random combinations
with the text filter and each sort.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import yaml
from playwright.sync_api import expect

from sitegen.cli import main as sitegen_main
from sitegen.views import NEWEST, page_size
from tests.conftest import REPO, SAMPLE_TOPICS, SITE_YAML, node_tool, write_files
from tests.test_site_browser import Watched, serve

pytestmark = pytest.mark.browser

PAPERS = 230  # five pages of All papers, several of each topic
PAGE = page_size(NEWEST)  # papers a page of All papers shows
WORDS = ("polyp", "colonoscopy", "liver", "tumour", "agent", "tool", "radiology", "report", "segment",
         "benchmark", "dataset", "Zürich", "cardiac")  # fmt: skip
# People: some written family name first (the same name as written the other way), some with
# initials (another name: "A. Lovelace" is not "Ada Lovelace"); venues with commas and "&".
GIVEN = ("Ada", "Alan", "Grace", "Mary", "Émile", "Katherine", "Hedy", "Edsger")
FAMILY = ("Lovelace", "Turing", "Hopper", "Somerville", "Borel", "Johnson", "Lamarr", "Dijkstra", "Noether")
VENUES = ("Medical Image Analysis", "MICCAI 2024", "Physics in Medicine & Biology", "arXiv",
          "Proceedings of MIDL, Short Papers", "Nature Medicine", "Radiology", "ISBI 2023",
          "CVPR 2025", "NeurIPS 2024", "Journal of Imaging", "ACL 2025", "Scientific Reports",
          "Insights, Imaging")  # fmt: skip


def corpus(count: int, seed: int = 3) -> dict[str, str]:
    """Paper files with dates over 2019-2026 (some undated), code links, upvotes, organisations or
    author counts, and words that give each paper none, one or several topics."""
    rng = random.Random(seed)
    files = {}
    for n in range(count):
        words = rng.sample(WORDS, 3)
        lines = [f"title: {json.dumps(f'Paper {n}: {words[0]} {words[1]}')}"]
        if rng.random() > 0.2:
            lines.append(f"date: {rng.randint(2019, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
        if rng.random() < 0.4:
            lines.append(f"links: [{{url: 'https://github.com/lab/p{n}', kind: code}}]")
        if rng.random() < 0.5:
            lines.append(f"upvotes: {rng.randint(0, 60)}")
        lines.append(byline_field(rng, n))
        if rng.random() < 0.8:
            lines.append(f"venue: {json.dumps(rng.choice(VENUES[: rng.randint(1, len(VENUES))]))}")
        abstract = f"We study {' and '.join(words)} with a model."
        files[f"content/papers/paper-{n}.md"] = "---\n" + "\n".join(lines) + "\n---\n" + abstract + "\n"
    return files


def byline_field(rng: random.Random, n: int) -> str:
    """Named authors (3 papers in 5), else an organisation, else only how many authors there are."""
    chance = rng.random()
    if chance < 0.6:
        pool = [(g, f) for g in GIVEN[: rng.randint(2, len(GIVEN))] for f in FAMILY[:4]]
        people = rng.sample(pool, rng.randint(1, 4))
        written = [rng.choice((f"{g} {f}", f"{g} {f}", f"{f}, {g}", f"{g[0]}. {f}")) for g, f in people]
        return f"authors: {json.dumps(written, ensure_ascii=False)}"
    if chance < 0.8:
        return f"organization: Lab {n % 7}"
    return f"authors_count: {rng.randint(1, 9)}"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("browse") / "project"
    write_files(root, {"site.yaml": SITE_YAML, **corpus(PAPERS)})
    topics = yaml.safe_dump(SAMPLE_TOPICS, sort_keys=False)
    (root / "content/topics.yaml").write_text(topics, encoding="utf-8")
    assert sitegen_main(["build", "--config", str(root / "site.yaml")]) == 0
    return root / "public"


@pytest.fixture(scope="module")
def records(site) -> list[dict[str, Any]]:
    return json.loads((site / "papers.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def origin(site) -> Iterator[str]:
    with serve(site) as address:
        yield address


# --- the rules, as the README states them -------------------------------------------------------


def fold(text: str) -> str:
    """Accents and apostrophes (straight or curly) dropped, lowercased."""
    kept = (c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c) and c not in "'’‘")
    return "".join(kept).lower()


def words_of(text: str) -> list[str]:
    """The text filter's words: runs of letters and digits, folded ("X-ray" is x and ray)."""
    return re.findall(r"[^\W_]+", fold(text))


def year_of(record: dict[str, Any]) -> str:
    return record["date"][:4] if record["date"] else "undated"


def has_code(record: dict[str, Any]) -> bool:
    return any(link["kind"] == "code" for link in record["links"])


def people(record: dict[str, Any]) -> list[str]:
    """The author facet's values: each name as a page shows it, given name first (the corpus
    writes "Family, Given" with one given and one family name); else the organisation."""
    named = []
    for name in record["authors"]:
        family, _, given = name.partition(", ")
        named.append(f"{given} {family}" if given else name)
    return named or ([record["organization"]] if record["organization"] else [])


def venue_of(record: dict[str, Any]) -> str:
    return record["venue"] or ""  # "": no venue


def authors_of(record: dict[str, Any]) -> list[str]:
    return people(record) or [""]  # "": no author named


def authors(record: dict[str, Any]) -> str:
    """What the text filter reads of the authors: every name, else the card's byline."""
    if record["authors"]:
        return " ".join(people(record))
    if record["organization"]:
        return record["organization"]
    count = record["authors_count"]
    return f"{count} author{'s' if count != 1 else ''}" if count else ""


def topics_of(record: dict[str, Any]) -> set[str]:
    return set(record["topics"]) or {"unclassified"}


def passes(record: dict[str, Any], view: dict[str, Any], leave_out: str = "") -> bool:
    """Whether the view shows the paper, but for the facet `leave_out`."""
    # each word typed begins a word of the title, authors or venue ("agen", not "gent", is agent)
    text = words_of(record["title"] + " " + authors(record) + " " + (record.get("venue") or ""))
    if leave_out != "q" and not all(any(w.startswith(typed) for w in text) for typed in words_of(view["q"])):
        return False
    chosen = set(view["topic"])
    if leave_out != "topic" and chosen:
        mine = topics_of(record)
        if not (chosen <= mine if view["match"] == "all" else chosen & mine):
            return False
    if leave_out != "year" and view["year"] and year_of(record) not in view["year"]:
        return False
    if leave_out != "code" and view["code"] and not has_code(record):
        return False
    if leave_out != "venue" and view["venue"] and venue_of(record) not in view["venue"]:
        return False
    chosen_authors = set(view["author"])
    return not (leave_out != "author" and chosen_authors and not chosen_authors & set(authors_of(record)))


def expected(records: list[dict[str, Any]], view: dict[str, Any]) -> dict[str, Any]:
    """What the browser must show for `view`: the papers in order, and each facet value's count:
    for topics and years, the number of papers the list would show once it is ticked (a chosen
    one: the list's papers that have it); for venues and authors, the papers with it given the
    other facets."""
    shown = [r for r in records if passes(r, view)]  # papers.json is newest first
    order = {
        "date-desc": lambda papers: papers,
        "date-asc": lambda papers: sorted(
            papers, key=lambda r: (r["date"] is None, r["date"] or "", -records.index(r))
        ),
        "title-asc": lambda papers: sorted(papers, key=lambda r: natural(r["title"])),
        "title-desc": lambda papers: sorted(papers, key=lambda r: natural(r["title"]), reverse=True),
        "upvotes-desc": lambda papers: sorted(
            papers, key=lambda r: (-(r["upvotes"] if r["upvotes"] is not None else -1), records.index(r))
        ),
    }[view["sort"]](shown)

    def after_ticking(facet: str, values: list[str], has) -> dict[str, int]:
        """A facet whose values give the papers with any of them: the papers the list would show
        once a value is ticked (for a chosen value, the list's papers that have it)."""
        chosen = set(view[facet])
        if not chosen or (facet == "topic" and view["match"] == "all"):
            pool = [r for r in records if passes(r, view, "" if chosen else facet)]
            return {v: sum(has(r, v) for r in pool) for v in values}
        others = [r for r in records if passes(r, view, facet)]
        listed = {id(r) for r in shown}
        return {
            v: sum(has(r, v) for r in shown)
            if v in chosen
            else sum(id(r) in listed or has(r, v) for r in others)
            for v in values
        }

    return {
        "titles": [r["title"] for r in order],
        "topic": after_ticking("topic", all_topics(records), lambda r, t: t in topics_of(r)),
        "year": after_ticking("year", all_years(records), lambda r, y: year_of(r) == y),
        "code": sum(has_code(r) for r in records if passes(r, view, "code")),
        "venue": value_counts(records, view, "venue", lambda r: [venue_of(r)]),
        "author": value_counts(records, view, "author", authors_of),
    }


def value_counts(records: list[dict[str, Any]], view: dict[str, Any], facet: str, values_of) -> list[Any]:
    """A venue or author facet's values as the browser lists them once every value is shown: the
    chosen values with no paper first, then those with papers, most first, then by name."""
    counts: dict[str, int] = {}
    for record in records:
        if passes(record, view, facet):
            for value in values_of(record):
                counts[value] = counts.get(value, 0) + 1
    label = {"venue": "No venue", "author": "Unknown"}[facet]

    def name(value: str) -> str:
        return value or label

    listed = sorted(counts, key=lambda value: (-counts[value], fold(name(value)), name(value)))
    return [[name(value), 0] for value in view[facet] if value not in counts] + [
        [name(value), counts[value]] for value in listed
    ]


def natural(title: str) -> list[Any]:
    """A title as readers sort it: case and accents aside, numbers by their value (Paper 9 before
    Paper 10)."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", fold(title))]


def all_topics(records: list[dict[str, Any]]) -> list[str]:
    return sorted({t for r in records for t in topics_of(r)})


def all_years(records: list[dict[str, Any]]) -> list[str]:
    return sorted({year_of(r) for r in records})


BLANK: dict[str, Any] = {"q": "", "topic": [], "match": "any", "year": [], "code": False, "sort": "date-desc",
                         "venue": [], "author": []}  # fmt: skip


def views(records: list[dict[str, Any]], seed: int = 11) -> Iterator[dict[str, Any]]:
    """Each facet value alone; pairs of topics and of years in both matches; then random views
    with the text filter, several facets and each sort."""
    blank = BLANK
    topics, years = all_topics(records), all_years(records)
    venues = sorted({venue_of(r) for r in records})
    names = sorted({name for r in records for name in authors_of(r)})
    # words and their beginnings, and the insides of words, which find nothing (they found the
    # papers that held them: "ct" found detection, "ai" trained)
    for words in ("agen", "gent", "port", "ool", "seg liv", "zur", "urich", "with a", "paper 1", "per 1"):
        yield {**blank, "q": words}
    for venue in venues:
        yield {**blank, "venue": [venue]}
    for name in names:
        yield {**blank, "author": [name]}
    for first, second in itertools.pairwise(venues):
        yield {**blank, "venue": [first, second], "topic": [topics[0]]}
    for first, second in itertools.pairwise(names[::3]):
        yield {**blank, "author": [first, second], "year": [years[-2]]}
    yield {**blank, "venue": [venues[1], "no such venue"], "author": ["", names[4]], "code": True}
    for topic in topics:
        yield {**blank, "topic": [topic]}
    for year in years:
        yield {**blank, "year": [year]}
    yield {**blank, "code": True}
    for first, second in itertools.pairwise(topics):
        for match in ("any", "all"):
            yield {**blank, "topic": [first, second], "match": match}
    yield {**blank, "year": [years[0], "undated"], "topic": [topics[0]]}
    rng = random.Random(seed)
    sorts = ("date-desc", "date-asc", "title-asc", "title-desc", "upvotes-desc")
    for number in range(25):
        yield {
            "q": rng.choice(["", "", "liver", "POLYP agent", "zurich", "lab 3", "paper 1", "nothing-here"]),
            "topic": rng.sample(topics, rng.randint(0, 2)),
            "match": rng.choice(["any", "all"]),
            "year": rng.sample(years, rng.randint(0, 3)),
            "code": rng.random() < 0.3,
            "sort": sorts[number % len(sorts)],
            "venue": rng.sample(venues, rng.choice((0, 0, 1, 2))),
            "author": rng.sample(names, rng.choice((0, 0, 1, 3))),
        }


def address(view: dict[str, Any], page: int = 1) -> str:
    parts = []
    if view["q"]:
        parts.append("q=" + quote(view["q"]))
    if view["topic"]:
        parts.append("topic=" + ",".join(view["topic"]))
    if view["match"] != "any":
        parts.append("match=" + view["match"])
    if view["year"]:
        parts.append("year=" + ",".join(view["year"]))
    if view["code"]:
        parts.append("code=1")
    for facet in ("venue", "author"):
        if view[facet]:
            values = (quote(value, safe="") if value else "@none" for value in view[facet])
            parts.append(facet + "=" + ",".join(values))
    if view["sort"] != "date-desc":
        parts.append("sort=" + view["sort"])
    if page > 1:
        parts.append(f"page={page}")
    return "#" + "&".join(parts)


# --- reading what the page shows -----------------------------------------------------------------

SHOWN = """() => {
 const values = name => [...document.querySelectorAll(`#facet-${name} .facet-value`)].map(value => [
   value.querySelector('.facet-label').textContent, Number(value.querySelector('.facet-count').textContent)]);
 return {
  titles: [...document.querySelectorAll('#paper-results .paper-title')].map(a => a.textContent),
  count: document.querySelector('#paper-count').textContent,
  counts: Object.fromEntries([...document.querySelectorAll('#paper-filters input[type=checkbox]')]
    .filter(box => box.name !== 'venue' && box.name !== 'author')
    .map(box => [box.name + ':' + box.value, box.parentNode.querySelector('.facet-count').textContent])),
  venue: values('venue'),
  author: values('author'),
  pages: document.querySelectorAll('#paper-pager .pager a:not([rel])').length,
 };
}"""
# how the count names each sort: the menu's words, in the sentence ("Title, A to Z" is "title, A to Z")
SORT_NAMES = {
    "date-desc": "newest first",
    "date-asc": "oldest first",
    "title-asc": "title, A to Z",
    "title-desc": "title, Z to A",
    "upvotes-desc": "most upvotes",
}
GO = """hash => new Promise(done => {
  addEventListener('hashchange', () => setTimeout(done, 0), {once: true});
  location.hash = hash;
})"""


def open_browser(context, url: str) -> Watched:
    watched = Watched(context)
    watched.page.goto(url)
    # the data is loaded once the page is idle: the "has code" count is then filled in
    expect(watched.page.locator("#facet-more .facet-count")).not_to_have_text("")
    return watched


def show_every_value(page) -> None:
    """Presses each facet's "Show more" until it shows every value with papers."""
    for facet in ("venue", "author"):
        more = page.locator(f"#facet-{facet} .facet-more-values")
        while more.is_visible():
            more.click()


def shown_for(page, view: dict[str, Any], page_number: int = 1) -> dict[str, Any]:
    page.evaluate(GO, address(view, page_number) + "&x=" + str(random.random()))  # always a new hash
    return page.evaluate(SHOWN)


def test_facets_counts_text_filter_and_sorts_show_what_the_rules_say(site, records, browser):
    context = browser.new_context()
    try:
        watched = open_browser(context, (site / "papers" / "index.html").as_uri())
        page = watched.page
        show_every_value(page)
        checked = 0
        for view in views(records):
            want = expected(records, view)
            got = shown_for(page, view)
            assert got["titles"] == want["titles"][:PAGE], str((view, got["count"], len(want["titles"])))
            total = len(want["titles"])
            assert (f"Showing {total} of {PAPERS} papers" in got["count"]) == (total != PAPERS), view
            assert f" papers, {SORT_NAMES[view['sort']]}" in got["count"], view  # not "title, a to z"
            for topic, count in want["topic"].items():
                assert got["counts"][f"topic:{topic}"] == str(count), (view, topic)
            for year, count in want["year"].items():
                assert got["counts"][f"year:{year}"] == str(count), (view, year)
            assert got["counts"]["code:1"] == str(want["code"]), view
            assert got["venue"] == want["venue"], str(view)
            assert got["author"] == want["author"], view
            pages = -(-total // PAGE)
            assert got["pages"] == (min(pages, 4) if pages > 1 else 0), view  # 1, 2, 3 and the last
            if total > PAGE:  # the next page of the same view
                assert shown_for(page, view, 2)["titles"] == want["titles"][PAGE : 2 * PAGE], view
            checked += 1
        assert checked > 100
        assert watched.errors == []
    finally:
        context.close()


def test_choosing_filters_by_hand_changes_the_address_and_the_address_reproduces_the_view(origin, browser):
    context = browser.new_context()
    try:
        watched = open_browser(context, origin + "/papers/index.html")
        page = watched.page
        page.get_by_label("Agents").check()
        page.get_by_label("Benchmarks").check()
        page.get_by_label("Papers with").select_option("all")
        page.get_by_label("Undated").check()
        page.get_by_label("Has code").check()
        page.get_by_label("Sort by").select_option("title-asc")
        page.get_by_label("Words in the title, authors or venue").fill("agent")
        expect(page).to_have_url(re.compile("q=agent"))
        fragment = urlsplit(page.url).fragment
        assert fragment == "q=agent&topic=agents,benchmarks&match=all&year=undated&code=1&sort=title-asc"
        first = page.evaluate(SHOWN)
        shared = open_browser(context, page.url).page
        assert shared.evaluate(SHOWN) == first
        assert shared.get_by_label("Agents").is_checked() and shared.get_by_label("Has code").is_checked()
        page.get_by_role("button", name="Clear filters").first.click()
        expect(page).to_have_url(re.compile(r"index\.html$"))
        assert page.evaluate(SHOWN)["count"].startswith(f"{PAPERS} papers, newest first")
        assert watched.errors == []
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["http", "file"])
def test_back_undoes_one_choice_at_a_time_and_forward_redoes_it(origin, site, browser, scheme):
    """Each box ticked, sort chosen or page followed is a step of the history, as on the results
    page (Back left the page at once); the words typed change the address in place."""
    start = (origin if scheme == "http" else site.as_uri()) + "/papers/index.html"
    context = browser.new_context()
    try:
        watched = open_browser(context, start)
        page = watched.page
        steps = []
        for act in (
            lambda: page.get_by_label("Agents").check(),
            lambda: page.get_by_label("Undated").check(),
            lambda: page.get_by_label("Sort by").select_option("title-asc"),
        ):
            act()
            page.wait_for_function("before => location.hash !== before", arg=steps[-1] if steps else "")
            steps.append(page.evaluate("location.hash"))
        page.get_by_label("Words in the title, authors or venue").fill("agent")
        expect(page).to_have_url(re.compile("q=agent"))
        typed = page.evaluate("location.hash")
        for expected_hash in reversed(["", *steps[:-1]]):  # the words typed went with the last step
            page.go_back()
            page.wait_for_function("want => location.hash === want", arg=expected_hash)
        assert not page.get_by_label("Agents").is_checked()
        assert page.evaluate(SHOWN)["count"].startswith(f"{PAPERS} papers, newest first")
        page.go_forward()
        page.wait_for_function("want => location.hash === want", arg=steps[0])
        expect(page.get_by_label("Agents")).to_be_checked()
        assert not page.get_by_label("Undated").is_checked() and typed != steps[0]
        assert watched.errors == []
    finally:
        context.close()


def test_the_pages_of_a_view_are_links_and_the_last_one_ends_the_list(site, records, browser):
    context = browser.new_context()
    try:
        watched = open_browser(context, (site / "papers" / "index.html").as_uri())
        page = watched.page
        page.get_by_role("link", name="Next page").click()
        expect(page).to_have_url(re.compile("page=2"))
        assert page.evaluate(SHOWN)["titles"] == [r["title"] for r in records[PAGE : 2 * PAGE]]
        last = -(-PAPERS // PAGE)
        page.get_by_role("link", name=f"Page {last}", exact=True).click()
        expect(page).to_have_url(re.compile(f"page={last}"))
        assert page.evaluate(SHOWN)["titles"] == [r["title"] for r in records[(last - 1) * PAGE :]]
        assert page.get_by_role("link", name="Next page").count() == 0
        assert watched.errors == []
    finally:
        context.close()


def test_without_javascript_the_pages_of_the_list_reach_every_paper_and_the_filters_stay_hidden(
    site, records, browser
):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto((site / "papers" / "index.html").as_uri())
        assert not page.locator("#paper-filters").is_visible()
        assert not page.locator("#theme-toggle").is_visible()
        seen = []
        while True:
            seen += page.locator("#paper-results .paper-title").all_inner_texts()
            following = page.get_by_role("link", name="Next page")
            if not following.count():
                break
            following.click()
        assert seen == [r["title"] for r in records]
        assert page.url.endswith(f"papers/pages/{-(-PAPERS // PAGE)}.html")
        page.get_by_role("link", name="Page 1", exact=True).click()
        assert page.url.endswith("papers/index.html")
    finally:
        context.close()


VALUES_OF = {"venue": lambda record: [venue_of(record)], "author": authors_of}
FIRST_SHOWN = 10  # the values a venue or author facet shows at first


def test_the_page_lists_the_most_frequent_venues_and_authors_before_its_data_is_loaded(site, records):
    html = (site / "papers" / "index.html").read_text(encoding="utf-8")
    for facet, values_of in VALUES_OF.items():
        found = re.search(rf'<fieldset[^>]*id="facet-{facet}".*?</fieldset>', html, re.S)
        assert found, facet
        listed = [
            [unescape(label), int(count)]
            for label, count in re.findall(
                r'class="facet-label">(.*?)</span> <span class="facet-count">(\d+)</span>', found.group(0)
            )
        ]
        assert listed == value_counts(records, BLANK, facet, values_of)[:FIRST_SHOWN]
        total = len({value for record in records for value in values_of(record)})
        assert f"{FIRST_SHOWN} of {total} {facet}s" in found.group(0)


def test_a_rare_author_is_found_by_typing_chosen_from_the_keyboard_and_kept_in_the_address(
    origin, records, browser
):
    counts = Counter(name for record in records for name in authors_of(record))
    rare = min((name for name in counts if name), key=lambda name: (counts[name], name))
    first_shown = value_counts(records, BLANK, "author", authors_of)[:FIRST_SHOWN]
    assert rare not in [label for label, _ in first_shown]
    venue = next(venue_of(record) for record in records if rare in authors_of(record))
    venue_label = venue or "No venue"
    context = browser.new_context()
    try:
        watched = open_browser(context, origin + "/papers/index.html")
        page = watched.page
        authors = page.locator("#facet-author")
        assert authors.get_by_role("checkbox", name=rare).count() == 0
        page.get_by_label("Find an author").fill(fold(rare).upper())  # case and accents aside
        choice = authors.get_by_role("checkbox", name=rare)
        expect(choice).to_be_visible()
        expect(authors.locator(".facet-shown")).to_contain_text("matching")
        choice.focus()
        page.keyboard.press("Space")
        expect(page).to_have_url(re.compile("author="))
        assert page.evaluate("document.activeElement.value") == rare  # the keyboard stays on it
        page.get_by_label("Find a venue").fill(venue_label.lower())
        page.locator("#facet-venue").get_by_role("checkbox", name=venue_label).check()
        view = {**BLANK, "venue": [venue], "author": [rare]}
        fragment = urlsplit(page.url).fragment
        assert fragment == f"venue={quote(venue, safe='') or '@none'}&author={quote(rare, safe='')}"
        want = expected(records, view)
        got = page.evaluate(SHOWN)
        assert got["titles"] == want["titles"][:PAGE]
        shared = open_browser(context, page.url).page  # the address alone gives the same view
        expect(shared.locator("#paper-count")).to_have_text(got["count"])
        assert shared.evaluate(SHOWN)["titles"] == got["titles"]
        assert shared.locator("#facet-author").get_by_role("checkbox", name=rare).is_checked()
        page.get_by_role("button", name="Clear filters").first.click()
        expect(page).to_have_url(re.compile(r"index\.html$"))
        assert page.get_by_label("Find an author").input_value() == ""
        assert page.locator("#facet-author .facet-value").count() == FIRST_SHOWN
        assert page.locator("#facet-author input:checked").count() == 0
        assert watched.errors == []
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_wrong_with_the_venue_and_author_facets_in_use(origin, browser, scheme):
    axe = node_tool("axe-core", "axe.min.js")
    context = browser.new_context(color_scheme=scheme, bypass_csp=True)  # to add axe's script
    try:
        page = open_browser(context, origin + "/papers/index.html").page
        page.locator("#facet-author .facet-more-values").click()
        page.get_by_label("Find a venue").fill("medic")
        page.locator("#facet-venue input[type=checkbox]").first.check()
        page.locator("#facet-author input[type=checkbox]").nth(3).check()
        expect(page.locator("#paper-count")).to_contain_text("Showing")
        page.add_script_tag(path=str(axe))
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => `${v.id}: ${v.help} -> ${v.nodes.slice(0, 3).map(n => n.target.join(' '))}`)"
        )
        assert violations == []
    finally:
        context.close()


@pytest.mark.parametrize("where", ["file", "http"])
def test_after_typing_in_the_text_filter_one_click_follows_a_link_of_the_list(
    site, origin, records, browser, where
):
    """Typing, then clicking a paper (or a page of the list): the box loses focus on mousedown and
    fires `change`, which must not make the list again under the pointer before the click."""
    base = {"file": site.as_uri(), "http": origin}[where]
    rng = random.Random(5)
    cases = [(word.lower(), rng.randrange(PAGE)) for word in rng.sample(WORDS, 4)]  # (query, the nth paper)
    cases.append(("paper 1", -1))  # -1: the link to the next page
    context = browser.new_context()
    try:
        for query, pick in cases:
            watched = open_browser(context, base + "/papers/index.html")
            page = watched.page
            page.get_by_label("Words in the title, authors or venue").click()
            page.keyboard.type(query)
            want = [r for r in records if passes(r, {**BLANK, "q": query})]
            assert len(want) > PAGE if pick < 0 else want, query
            expect(page.locator("#paper-count")).to_contain_text(f"Showing {len(want)} of {PAPERS} papers")
            expect(page).to_have_url(re.compile(re.escape("#q=" + quote(query)) + "$"))
            if pick < 0:
                page.get_by_role("link", name="Next page").click()
                expect(page).to_have_url(re.compile(re.escape(f"#q={quote(query)}&page=2") + "$"))
                assert page.evaluate(SHOWN)["titles"] == [r["title"] for r in want[PAGE : 2 * PAGE]]
            else:
                target = want[pick % len(want)]
                page.locator("#paper-results .paper-title").nth(pick % len(want)).click()
                expect(page).to_have_url(re.compile(re.escape(target["page"]) + "$"), timeout=3000)
                expect(page.locator("h1")).to_have_text(target["title"])
            assert watched.errors == [], query
            page.close()
    finally:
        context.close()


@pytest.mark.parametrize("where", ["file", "http"])
def test_a_shared_link_with_a_topic_or_year_the_review_lacks_says_so(committed_site, browser, where):
    """`#topic=nonexistent`, `#year=1800` and `#topic=Segmentation` (a wrong case) showed every
    paper and said nothing. A topic given in any case, or by its title, is now understood where
    it is unambiguous (and the address is written as the view is); one the review lacks gets a
    notice above the list."""
    context = browser.new_context()
    try:
        with serve(committed_site) as origin:
            base = (
                committed_site.as_uri() + "/papers/index.html"
                if where == "file"
                else origin + "/papers/index.html"
            )
            watched = Watched(context)
            page = watched.page
            notice = page.locator("#link-notice")
            total = len(list((committed_site / "papers").glob("*.html"))) - 1  # but index.html
            for hash_, said in (
                (
                    "#topic=nonexistent",
                    "The link asked for topic \u201cnonexistent\u201d, which this review has no"
                    " papers under; showing all papers.",
                ),
                (
                    "#year=1800",
                    "The link asked for the year \u201c1800\u201d, which this review has no papers"
                    " from; showing all papers.",
                ),
                (
                    "#topic=nonexistent&year=2024",
                    "topic \u201cnonexistent\u201d, which this review has no papers under; it is left out.",
                ),
            ):
                page.goto(base + hash_)
                expect(notice).to_be_visible()
                expect(notice).to_contain_text(said)
                expect(page.locator("#paper-count")).to_contain_text("papers")
                if "year=2024" not in hash_:
                    expect(page.locator("#paper-count")).to_contain_text(f"{total} papers, newest first")
                page.goto(base)  # a new page each time
            for asked in (
                "Segmentation",
                "SEGMENTATION",
                "Vision-language%20models",
                "vision-language%20MODELS",
            ):
                page.goto(base + "#topic=" + asked)
                topic = "segmentation" if "egment" in asked.lower() else "vision-language-models"
                expect(page).to_have_url(re.compile("#topic=" + topic + "$"))
                assert page.locator(f"#facet-topic input[value='{topic}']").is_checked(), asked
                expect(page.locator("#paper-count")).to_contain_text("Showing ")
                assert notice.count() == 0 or notice.is_hidden(), asked
                page.goto(base)
            page.goto(base + "#topic=nonexistent")
            expect(notice).to_be_visible()
            page.get_by_label("Has code").check()  # the reader's own choice: the notice has done its work
            expect(notice).to_be_hidden()
            assert watched.errors == []
    finally:
        context.close()


def test_a_topic_or_year_count_is_what_ticking_it_shows(origin, browser):
    """With Segmentation and two years chosen, "Vision-language models" said 93 and ticking it
    showed 156: the count was that topic's papers, not the list's once ticked (topics and years
    give the papers with any of those chosen). Every count now is what ticking it shows."""
    context = browser.new_context()
    try:
        watched = open_browser(context, origin + "/papers/index.html#topic=segmentation&year=2023,2024")
        page = watched.page
        expect(page.locator("#paper-count")).to_contain_text("Showing ")
        checked = 0
        before = page.locator("#paper-count").inner_text()
        for name in ("topic", "year"):
            for box in page.locator(f"#facet-{name} input[type=checkbox]").all():
                if box.is_checked():
                    continue
                said = box.locator("xpath=..").locator(".facet-count").inner_text()
                box.check()
                count = page.locator("#paper-count")
                expect(count).to_contain_text(
                    re.compile(rf"^(Showing {said} of {PAPERS} papers|{said} papers),")
                )
                box.uncheck()
                expect(count).to_have_text(before)
                checked += 1
        assert checked >= 4
        assert watched.errors == []
    finally:
        context.close()


def test_a_review_of_one_paper_counts_one_paper(tmp_path, browser):
    """The script rewrote the count of a one-paper review as "1 papers, newest first."."""
    root = tmp_path / "project"
    write_files(root, {"site.yaml": SITE_YAML, **corpus(1)})
    topics = yaml.safe_dump(SAMPLE_TOPICS, sort_keys=False)
    (root / "content/topics.yaml").write_text(topics, encoding="utf-8")
    assert sitegen_main(["build", "--config", str(root / "site.yaml")]) == 0
    context = browser.new_context()
    try:
        watched = open_browser(context, (root / "public/papers/index.html").as_uri())
        count = watched.page.locator("#paper-count")
        expect(count).to_have_text("1 paper, newest first.")  # as the build wrote it
        watched.page.get_by_label("Sort by").select_option("title-asc")
        expect(count).to_have_text("1 paper, title, A to Z.")
        watched.page.get_by_label("Words in the title, authors or venue").fill("nothing-here")
        expect(count).to_have_text("Showing 0 of 1 paper, title, A to Z.")
        assert watched.errors == []
    finally:
        context.close()


def test_words_in_no_title_link_to_a_search_of_the_abstracts(site, browser):
    """The text filter reads titles, authors and venues: words only abstracts hold ("model", in
    every abstract here) gave "No paper matches these filters." and Clear filters alone. A link
    now searches the abstracts for them."""
    context = browser.new_context()
    try:
        watched = open_browser(context, (site / "papers/index.html").as_uri() + "#q=model")
        page = watched.page
        elsewhere = page.locator("#no-match .no-match-search a")
        expect(elsewhere).to_have_text("search every paper\u2019s abstract too for \u201cmodel\u201d")
        elsewhere.click()
        page.wait_for_url("**/search.html?q=model")
        expect(page.locator("#search-page-results .search-status")).to_contain_text(f"{PAPERS} papers match")
        page.go_back()
        page.get_by_label("Words in the title, authors or venue").fill("")
        expect(page.locator("#no-match")).to_be_hidden()
        page.evaluate(GO, "#q=zzz")
        expect(elsewhere).to_have_attribute("href", "../search.html?q=zzz")
        assert watched.errors == []
    finally:
        context.close()


def test_clear_filters_under_no_match_leaves_the_keyboard_above_the_list(site, browser):
    """ "No paper matches these filters. Clear filters": pressed with the keyboard, the button went
    with its message once the list was back, the focus fell to the page's body, and the next Tab
    went to the pager below the 50 papers now shown. The focus now goes to the count above the
    list, and the next Tab to its first paper."""
    context = browser.new_context()
    try:
        watched = open_browser(context, (site / "papers/index.html").as_uri() + "#q=nothing-here")
        page = watched.page
        button = page.locator("#no-match button")
        expect(button).to_be_visible()
        button.focus()
        page.keyboard.press("Enter")
        expect(page.locator("#paper-count")).to_be_focused()
        expect(page.locator("#paper-count")).to_have_text(re.compile(f"^{PAPERS} papers, newest first"))
        page.keyboard.press("Tab")
        expect(page.locator("#paper-results a.paper-title").first).to_be_focused()
        assert watched.errors == []
    finally:
        context.close()


def test_the_filters_load_the_papers_again_once_the_connection_is_back(origin, browser):
    """Offline when the filters first loaded the list of papers, All papers said it could not,
    and online again every choice said "Loading the list of papers…" for ever, until a reload.
    The next choice now loads it again and shows its view."""
    context = browser.new_context()
    try:
        watched = Watched(context)
        page = watched.page
        page.route("**/assets/papers-data.js", lambda route: route.abort())
        page.goto(origin + "/papers/index.html")
        page.get_by_label("Has code").check()
        count = page.locator("#paper-count")
        expect(count).to_contain_text("could not load the list of papers (check your connection")
        page.unroute("**/assets/papers-data.js")
        page.get_by_label("Undated").check()
        expect(count).to_contain_text(re.compile(rf"^Showing \d+ of {PAPERS} papers"))
        page.get_by_label("Has code").uncheck()
        page.get_by_label("Undated").uncheck()
        expect(count).to_have_text(re.compile(f"^{PAPERS} papers, newest first"))
        assert [error for error in watched.errors if "Failed to load resource" not in error] == []
    finally:
        context.close()


def test_showing_every_value_of_a_facet_by_keyboard_keeps_the_focus(site, browser):
    """ "Show more venues" pressed with the keyboard, once it showed every venue, was hidden with
    the focus in it: the focus fell to the page's body, and Enter again did nothing. It now goes
    to "Show fewer venues", which gives it back to "Show more"."""
    context = browser.new_context()
    try:
        watched = open_browser(context, (site / "papers/index.html").as_uri())
        page = watched.page
        venues = len({venue_of(record) for record in json.loads((site / "papers.json").read_text("utf-8"))})
        assert 10 < venues <= 10 + 50  # one "Show more" shows them all
        more = page.locator("#facet-venue .facet-more-values")
        fewer = page.locator("#facet-venue .facet-fewer-values")
        more.focus()
        page.keyboard.press("Enter")
        expect(page.locator("#facet-venue .facet-shown")).to_have_text(f"{venues} of {venues} venues")
        expect(more).to_be_hidden()
        expect(fewer).to_be_focused()
        page.keyboard.press("Enter")
        expect(more).to_be_focused()
        expect(page.locator("#facet-venue .facet-shown")).to_have_text(f"10 of {venues} venues")
        assert watched.errors == []
    finally:
        context.close()


def test_an_editors_own_papers_template_without_the_search_link_still_works(tmp_path, browser):
    """An editor's own papers.html made before the link to search the abstracts (no
    .no-match-search in it) keeps its filters working: no script error when nothing matches."""
    root = tmp_path / "project"
    own = (REPO / "templates/papers.html").read_text(encoding="utf-8")
    own = re.sub(r"\s*<span class=\"no-match-search\".*?</span>", "", own, flags=re.S)
    assert "no-match-search" not in own
    write_files(root, {"site.yaml": SITE_YAML + "paths:\n  templates: mine\n", **corpus(20)})
    (root / "mine").mkdir()
    (root / "mine/papers.html").write_text(own, encoding="utf-8")
    topics = yaml.safe_dump(SAMPLE_TOPICS, sort_keys=False)
    (root / "content/topics.yaml").write_text(topics, encoding="utf-8")
    assert sitegen_main(["build", "--config", str(root / "site.yaml")]) == 0
    context = browser.new_context()
    try:
        watched = open_browser(context, (root / "public/papers/index.html").as_uri() + "#q=nothing-here")
        expect(watched.page.locator("#no-match")).to_be_visible()
        watched.page.get_by_label("Words in the title, authors or venue").fill("paper")
        expect(watched.page.locator("#paper-count")).to_contain_text("20 papers")
        assert watched.errors == []
    finally:
        context.close()


def test_a_page_of_the_list_followed_by_keyboard_starts_at_its_count(site, browser):
    """The pager's "Next page" pressed with the keyboard was drawn again with the new page, the
    link with it: the focus fell to the page's body, and a screen reader was left nowhere. The
    focus now goes to the count above the new page's papers, and the next Tab to its first."""
    context = browser.new_context()
    try:
        for view in ("", "#year=undated,2019,2020,2021,2022"):  # the built pager; the script's
            watched = open_browser(context, (site / "papers/index.html").as_uri() + view)
            page = watched.page
            page.locator("#paper-pager a[rel=next]").focus()
            page.keyboard.press("Enter")
            count = page.locator("#paper-count")
            expect(count).to_be_focused()
            expect(count).to_contain_text(f": {PAGE + 1} to ")
            page.keyboard.press("Tab")
            expect(page.locator("#paper-results a.paper-title").first).to_be_focused()
        assert watched.errors == []
    finally:
        context.close()
