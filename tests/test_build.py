"""`sitegen build`: the pages, data files and guarantees a reader or editor notices."""

from __future__ import annotations

import html
import json
import random
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from sitegen.engine.report import BuildReport
from tests.conftest import SITE_YAML

TOPICS_YAML = """\
- id: segmentation
  title: Segmentation
  description: Outlining organs and lesions in images.
  rules:
    title: {'segment': 1}
    abstract: {'segment': 1}
- id: agents
  title: Agents
  description: Language-model agents that plan and use tools.
  rules:
    title: {'agent': 1}
    abstract: {'agent': 1}
- id: benchmarks
  title: Benchmarks
  description: Datasets and evaluations.
  rules:
    title: {'benchmark': 1}
    abstract: {'benchmark': 1}
"""


def paper_md(title: str, abstract: str, **fields: object) -> str:
    """A paper file; `fields` are front-matter lines written as given (YAML)."""
    lines = [f"title: {json.dumps(title)}", *(f"{key}: {value}" for key, value in fields.items())]
    return "---\n" + "\n".join(lines) + "\n---\n" + abstract + "\n"


PAPERS = {
    "endogen": paper_md(
        "EndoGen: endoscopic video generation",
        "We generate endoscopic video and segment polyps in colonoscopy frames. Code is [here](https://github.com/x/endogen).",
        date="2026-04-20",
        organization="Endo Lab",
        upvotes=12,
        links="[{url: 'https://github.com/x/endogen', kind: code},"
        " {url: 'https://endogen.example', kind: project}]",
        sources="[daily-2026-04-20.txt]",
    ),
    "polyp-seg": paper_md(
        "Polyp segmentation in colonoscopy video",
        "A model to segment polyps in colonoscopy video frames, evaluated on a new benchmark.",
        date="2026-04-20",
        authors_count=5,
    ),
    "medsam-agent": paper_md(
        "MedSAM-Agent: agents that segment anything",
        "An agent that plans segmentation steps with tools.",
        date="2025-11-02",
        title_derived="true",
    ),
    "agent-bench": paper_md(
        "A benchmark for clinical agents",
        "We benchmark language-model agents on clinical tasks.",
        date="2025-03-01",
        date_inferred="true",
    ),
    "undated-notes": paper_md("Notes without a date", "Reading notes on radiology reports."),
}


def project_files(papers: dict[str, str] | None = None) -> dict[str, str]:
    files = {"content/topics.yaml": TOPICS_YAML}
    files.update({f"content/papers/{slug}.md": text for slug, text in (papers or PAPERS).items()})
    return files


@pytest.fixture
def site(make_project, run_cli) -> Path:
    root = make_project(project_files())
    code, out, err = run_cli(root, "build")
    assert code == 0, err
    assert "search index:" in out
    return root / "public"


@pytest.fixture
def editor_site(make_project, run_cli) -> Path:
    """The editor's view of the same project (`sitegen build --editor`)."""
    root = make_project(project_files())
    code, _, err = run_cli(root, "build", "--editor", "--out", "editor")
    assert code == 0, err
    return root / "editor"


def read(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- pages ---------------------------------------------------------------------------------


def test_home_says_what_the_review_covers_with_counts_topics_and_recent_papers(site):
    home = text_of(read(site, "index.html"))
    assert "A review used by the tests." in home
    assert "5 papers in 3 topics" in home
    assert "Segmentation 3 papers" in home and "Agents 2 papers" in home
    assert home.index("EndoGen") < home.index("MedSAM-Agent") < home.index("Notes without a date")
    assert 'id="site-search-input"' in read(site, "index.html")


def test_paper_page_shows_facts_topics_abstract_links_citation_and_related(site):
    page = read(site, "papers/endogen.html")
    text = text_of(page)
    assert "<h1" in page and page.count("<h1") == 1
    assert "20 April 2026" in text and "Endo Lab" in text and "Upvotes 12" in text
    assert 'href="../topics/segmentation.html"' in page
    assert '<a href="https://github.com/x/endogen">here</a>' in page
    assert 'class="button" href="https://github.com/x/endogen"' in page
    assert "@misc{endogen2026," in page and "Copy BibTeX" in page
    # the APA-style reference (a document: its day), by its title: the organisation is no author
    assert "EndoGen: endoscopic video generation. (2026, April 20)." in text
    related = page[page.index("Related papers") :]
    assert 'href="../papers/polyp-seg.html"' in related
    assert "daily-2026-04-20.txt" not in text and "endogen.md" not in text  # the editor's, not the reader's


def test_the_editor_sees_the_source_listings_and_the_file_to_edit(editor_site):
    text = text_of(read(editor_site, "papers/endogen.html"))
    assert "Listed in daily-2026-04-20.txt" in text
    assert "To correct this page, edit content/papers/endogen.md" in text


def test_guessed_titles_and_dates_are_marked_for_the_editor_and_listed_on_the_attention_page(editor_site):
    site = editor_site
    assert "Title derived from the abstract, please confirm" in read(site, "papers/medsam-agent.html")
    assert "date inferred" in read(site, "papers/agent-bench.html")
    assert 'href="../attention.html">Needs attention</a>' in read(site, "papers/endogen.html")
    attention = text_of(read(site, "attention.html"))
    for slug in ("medsam-agent", "agent-bench", "undated-notes"):
        assert f"content/papers/{slug}.md" in attention
    assert "endogen.md" not in attention
    assert "title_derived: true" in attention and "date_inferred: true" in attention


def test_topic_page_lists_its_papers_newest_first_with_co_occurring_topics(site):
    page = read(site, "topics/segmentation.html")
    order = re.findall(r'class="paper-title" href="../papers/([a-z-]+).html"', page)
    # same date: title order breaks the tie; then older papers
    assert order == ["endogen", "polyp-seg", "medsam-agent"]
    together = text_of(page[page.index("Often together with") : page.index("topic-papers-heading")])
    assert "Agents (1 shared)" in together and "Benchmarks (1 shared)" in together


def test_topic_page_is_a_reading_list_with_dates_authors_code_snippets_and_a_year_chart(site):
    page = read(site, "topics/segmentation.html")
    cards = page[page.index("topic-papers-heading") :]
    endogen = text_of(cards[: cards.index("polyp-seg.html")])
    assert "20 April 2026" in endogen and "Endo Lab" in endogen and "12 upvotes" in endogen
    assert '<a class="badge" href="https://github.com/x/endogen" rel="noopener noreferrer">Code</a>' in cards
    assert (
        '<p class="snippet">We generate endoscopic video and segment polyps in colonoscopy frames.' in cards
    )
    assert "5 authors" in text_of(cards)  # polyp-seg gives a number of authors
    assert 'href="../topics/segmentation.html"' not in cards  # the page's own topic is not repeated
    assert 'role="img" aria-labelledby="chart-segmentation-title chart-segmentation-desc"' in page
    assert "Papers per year: Segmentation: 3 papers, from 2025 to 2026, most in 2026 (2)." in page
    assert '<th scope="row">2025</th><td>1</td>' in page and '<th scope="row">2026</th><td>2</td>' in page


def test_papers_without_a_topic_have_a_page_of_their_own(site):
    page = read(site, "topics/unclassified.html")
    assert re.findall(r'class="paper-title" href="../papers/([a-z-]+).html"', page) == ["undated-notes"]
    assert "Undated" in text_of(page)
    assert 'href="../topics/unclassified.html"' in read(site, "topics/index.html")
    assert "Unclassified 1 paper" in text_of(read(site, "index.html"))


def test_all_papers_lists_every_paper_in_listing_order_without_javascript(site):
    page = read(site, "papers/index.html")
    listed = page[page.index('id="paper-results"') :]
    order = re.findall(r'class="paper-title" href="../papers/([a-z-]+).html"', listed)
    assert order == ["endogen", "polyp-seg", "medsam-agent", "agent-bench", "undated-notes"]
    assert re.findall(r'<time datetime="([0-9-]+)">', listed) == [
        "2026-04-20",
        "2026-04-20",
        "2025-11-02",
        "2025-03-01",
    ]
    assert '<span class="undated">Undated</span>' in listed
    assert (
        '<form class="filters js-only" id="paper-filters"' in page
    )  # hidden by noscript.css without JavaScript
    assert (
        'value="undated"> <span class="facet-label">Undated</span> <span class="facet-count">1</span>' in page
    )
    assert 'class="pager"' not in page  # one page


def test_one_date_format_everywhere_and_undated_said_plainly(site):
    for page in ("index.html", "papers/index.html", "topics/segmentation.html", "papers/endogen.html"):
        # the BibTeX block to copy is code: its biblatex `date = {2026-04-20}` is not prose
        bibtex = r'<pre class="citation" id="citation-bibtex">.*?</pre>'
        shown = re.sub(bibtex, "", read(site, page), flags=re.S)
        text = text_of(shown)
        assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text), page  # no ISO date shown
    assert "20 April 2026" in text_of(read(site, "papers/endogen.html"))
    assert "Date Undated" in text_of(read(site, "papers/undated-notes.html"))  # "Date:" is drawn by CSS


def test_search_page_and_404(site):
    search = read(site, "search.html")
    found = re.search(
        r"""<div id="search-page-results" aria-live="polite" data-topics='([^']*)'></div>""", search
    )
    assert found, "the results, with each topic's title by id (search.html?topic=ID)"
    titles = json.loads(html.unescape(found.group(1)))
    assert titles and all(re.fullmatch(r"[a-z0-9-]+", key) and value for key, value in titles.items())
    assert "Search needs JavaScript" in search
    missing = read(site, "404.html")
    # served at any depth, so it links from the published path of base_url
    assert 'href="/review/papers/index.html"' in missing
    assert 'data-root="/review/"' in missing


# --- data files ----------------------------------------------------------------------------


def test_papers_json_holds_every_paper_with_its_effective_topics(site):
    records = json.loads(read(site, "papers.json"))
    by_slug = {record["slug"]: record for record in records}
    assert set(by_slug) == set(PAPERS)
    endogen = by_slug["endogen"]
    assert endogen["page"] == "papers/endogen.html"
    assert endogen["date"] == "2026-04-20"
    assert endogen["topics"] == ["segmentation"]
    assert endogen["links"][0] == {"url": "https://github.com/x/endogen", "kind": "code", "label": ""}
    assert "segment polyps" in endogen["abstract"]
    assert by_slug["undated-notes"]["date"] is None


def test_feed_is_atom_with_dated_papers_newest_first(site):
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring(read(site, "feed.xml"))
    assert feed.tag == f"{atom}feed"
    entries = feed.findall(f"{atom}entry")
    assert [e.findtext(f"{atom}id") for e in entries][:2] == [
        "https://example.org/review/papers/endogen.html",
        "https://example.org/review/papers/polyp-seg.html",
    ]
    assert len(entries) == 4  # the undated paper has no place in a dated feed
    for entry in entries:
        assert entry.findtext(f"{atom}title") and entry.findtext(f"{atom}updated")
    assert feed.findtext(f"{atom}updated") == "2026-04-20T00:00:00Z"


def test_sitemap_lists_every_page_with_absolute_addresses(site):
    sitemap = ET.fromstring(read(site, "sitemap.xml"))
    locations = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://example.org/review/index.html" in locations
    assert "https://example.org/review/papers/undated-notes.html" in locations
    assert "https://example.org/review/topics/agents.html" in locations
    assert all(loc and loc.startswith("https://example.org/review/") for loc in locations)


def test_bibtex_has_one_entry_per_paper_with_unique_keys(site):
    bib = read(site, "papers.bib")
    keys = re.findall(r"^@\w+\{([^,]+),$", bib, re.MULTILINE)
    assert len(keys) == len(set(keys)) == 5
    assert "endogen2026" in keys and "notes" in keys


def test_bibtex_escapes_special_characters_and_keys_stay_unique():
    from sitegen.model import Paper, PaperDate
    from sitegen.outputs import bibtex_entry, bibtex_keys

    paper = Paper("a-b", "50% of {x}_i & $y$ for $5 #1 ~ ^", "", url="https://e.org/a b")
    entry = bibtex_entry(paper, "a-b")
    braces = r"\textbraceleft{}x\textbraceright{}"  # not \{ \}, which BibTeX counts as braces
    # `$y$` is math, kept as math; the dollar of `$5` is text
    assert rf"50\% of {braces}\_i \& $y$ for \$5 \#1 \textasciitilde{{}} \textasciicircum{{}}" in entry
    assert "url = {https://e.org/a%20b}" in entry
    year = PaperDate(2020)
    same = [Paper(slug, "The study", "", date=year, authors=("Ada Lovelace",)) for slug in ("b", "a")]
    keys = bibtex_keys([*same, Paper("c", "Other", "", date=year, authors=("Lovelace, Ada",))])
    # the same date: the first by file name keeps the key, the other (its title all the first's) its slug
    assert keys == {"a": "lovelace2020study", "b": "lovelace2020study-b", "c": "lovelace2020other"}
    ada = ("Ada Lovelace",)
    twins = [Paper(s, f"Deep {w} nets", "", date=year, authors=ada) for s, w in (("d", "x"), ("e", "y"))]
    assert bibtex_keys(twins) == {"d": "lovelace2020deep", "e": "lovelace2020deepy"}  # the second: next word


# --- links ---------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action", "data-search-index") and value is not None:
                self.urls.append(value)


def test_every_link_is_relative_names_index_html_and_resolves_to_a_file(site):
    for page in site.rglob("*.html"):
        if page.name == "404.html":
            continue
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for url in parser.urls:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https", "mailto") or url.startswith("#"):
                continue
            assert not url.startswith("/"), f"{page}: {url}"
            target = (page.parent / parts.path).resolve()
            assert target.is_file(), f"{page.relative_to(site)} links to missing {url}"


# --- safety of the build -------------------------------------------------------------------


def test_a_failed_build_leaves_the_previous_output_intact(make_project, run_cli):
    root = make_project(project_files())
    assert run_cli(root, "build")[0] == 0
    before = {p: p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()}
    (root / "content/papers/endogen.md").write_text("---\ntitle: [unclosed\n---\nx\n", encoding="utf-8")
    code, _, err = run_cli(root, "build")
    assert code == 1 and "content/papers/endogen.md" in err
    after = {p: p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()}
    assert after == before
    # Beside it only the version before, kept to assemble the next build's from; no build folder.
    assert [p.name for p in root.iterdir() if p.name.startswith(".public")] == [".public.previous"]


def test_bad_front_matter_in_several_files_reports_each_with_file_line_and_key(make_project, run_cli):
    papers = dict(PAPERS)
    papers["endogen"] = "---\ntitle: EndoGen\ndate: April 2026\n---\nx\n"
    papers["polyp-seg"] = "---\ntitle: Polyps\nupvotes: many\n---\nx\n"
    papers["agent-bench"] = "---\ntitle: Agents\ndate: 2026-02-30\n---\nx\n"  # no such day
    root = make_project(project_files(papers))
    code, _, err = run_cli(root, "build")
    assert code == 1
    assert "content/papers/endogen.md:3: `date`" in err
    assert "content/papers/polyp-seg.md:3: `upvotes`" in err
    assert "content/papers/agent-bench.md:3: `date`" in err
    assert not (root / "public").exists()


def test_an_unknown_topic_in_a_pin_stops_the_build_naming_file_line_and_key(make_project, run_cli):
    papers = dict(PAPERS)
    papers["endogen"] = paper_md("EndoGen", "x", date="2026-01-01", topics_add="[segmentaton]")
    code, _, err = run_cli(make_project(project_files(papers)), "build")
    assert code == 1
    assert "content/papers/endogen.md:4: `topics_add`" in err and "segmentaton" in err


@pytest.mark.parametrize("out", [".", "content", "content/papers", ".."])
def test_refuses_an_output_folder_that_is_or_holds_the_project_or_its_content(make_project, run_cli, out):
    root = make_project(project_files())
    code, _, err = run_cli(root, "build", "--out", out)
    assert code == 1 and "refusing to build into" in err
    assert (root / "content/papers/endogen.md").exists()


REFUSED_OUTPUTS = {
    ".": "refusing to build into",
    "content": "refusing to build into",
    "content/papers": "refusing to build into",
    "..": "refusing to build into",
    "notes": "refusing to replace",  # a folder of someone's files
    "notes/todo.txt": "is a file",
}


@pytest.mark.parametrize("given", ["--out", "site.yaml"])
@pytest.mark.parametrize("out", REFUSED_OUTPUTS)
def test_a_refused_output_folder_is_named_as_the_editor_chose_it(make_project, run_cli, given, out):
    """By `--out`, or by site.yaml's line of `paths.output`: the error named `paths.output` for
    a folder given with --out, and no file or line for one set in site.yaml."""
    site_yaml = (
        SITE_YAML + "paths:\n  content: content\n" + (f"  output: {out}\n" if given != "--out" else "")
    )
    root = make_project({**project_files(), "notes/todo.txt": "x\n"}, site_yaml=site_yaml)
    code, _, err = run_cli(root, "build", *(["--out", out] if given == "--out" else []))
    line = one_line_error(err)
    assert code == 1 and REFUSED_OUTPUTS[out] in line
    named = "error: `--out`: " if given == "--out" else "error: site.yaml:7: `paths.output`: "
    assert line.startswith(named), line
    assert given == "site.yaml" or "--out" not in line.split(": ", 2)[2], "no advice to pass --out"
    assert (root / "content/papers/endogen.md").exists() and (root / "notes/todo.txt").exists()


def test_refuses_to_replace_a_folder_it_did_not_build(make_project, run_cli):
    root = make_project(project_files())
    (root / "mine").mkdir()
    (root / "mine" / "thesis.tex").write_text("precious", encoding="utf-8")
    code, _, err = run_cli(root, "build", "--out", "mine")
    assert code == 1 and "not built by sitegen" in err
    assert (root / "mine" / "thesis.tex").read_text(encoding="utf-8") == "precious"


def test_a_rebuild_leaves_unchanged_files_untouched(make_project, run_cli):
    root = make_project(project_files())
    assert run_cli(root, "build")[0] == 0
    stamps = {p: p.stat().st_mtime_ns for p in (root / "public").rglob("*.html")}
    text = (root / "content/papers/endogen.md").read_text(encoding="utf-8")
    (root / "content/papers/endogen.md").write_text(text.replace("Endo Lab", "Endo Group"), encoding="utf-8")
    code, out, _ = run_cli(root, "build")
    assert code == 0 and "unchanged" in out
    changed = {
        str(p.relative_to(root / "public")) for p, stamp in stamps.items() if p.stat().st_mtime_ns != stamp
    }
    records = json.loads((root / "public/papers.json").read_text(encoding="utf-8"))
    listing_it = {f"papers/{r['slug']}.html" for r in records if "endogen" in r["related"]}
    # the paper's page, and the lists whose cards show its organisation: nothing else
    lists = {"index.html", "papers/index.html", "topics/segmentation.html"}
    assert changed == {"papers/endogen.html", *lists, *listing_it}


def test_strict_turns_config_warnings_into_errors(make_project, run_cli):
    from tests.conftest import SITE_YAML

    root = make_project(project_files(), site_yaml=SITE_YAML + "colour: blue\n")
    code, out, _ = run_cli(root, "build")
    assert code == 0 and "warning:" in out and "colour" in out
    code, _, err = run_cli(root, "build", "--strict")
    assert code == 1 and "colour" in err


def test_a_templates_folder_that_is_not_there_is_a_warning_naming_its_line(make_project, run_cli):
    """A typo in `paths.templates` left the editor's templates out without a word."""
    site_yaml = SITE_YAML.replace("example.org", "review.org") + "paths:\n  templates: my-tmpl\n"
    files = {**project_files(), "my-templates/paper.html": "{{ paper.title }}\n"}
    root = make_project(files, site_yaml=site_yaml)
    code, out, _ = run_cli(root, "build")
    warning = "site.yaml:6: `paths.templates`: there is no folder my-tmpl ("
    assert code == 0 and f"warning: {warning}" in out and "the built-in templates are used" in out
    code, _, err = run_cli(root, "build", "--strict")
    assert code == 1 and one_line_error(err).startswith(f"error: {warning}")
    (root / "my-tmpl").mkdir()  # made: no warning, whatever the folder holds
    code, out, _ = run_cli(root, "build", "--strict")
    assert code == 0 and "warning" not in out


def test_build_site_reports_timings_for_every_phase(make_project):
    from sitegen.build import PHASES, build_site
    from sitegen.config import load_config

    root = make_project(project_files())
    report = build_site(load_config(root / "site.yaml"), root / "out", use_cache=False)
    assert set(PHASES) <= set(report.timings)
    assert report.papers == 5 and report.topics == 3 and report.pages == 5 + 3 + 6
    assert "5 papers" in report.summary()


def test_the_summary_gives_the_builds_wall_time(make_project):
    import time

    from sitegen.build import build_site
    from sitegen.config import load_config

    root = make_project(project_files())
    started = time.perf_counter()
    report = build_site(load_config(root / "site.yaml"), root / "out", use_cache=False)
    elapsed = time.perf_counter() - started
    assert max(report.timings.values()) <= report.seconds <= elapsed
    assert f"in {report.seconds:.2f}s (" in report.summary()


def test_folders_left_by_killed_builds_are_removed_by_the_next_build(make_project, run_cli):
    import os

    from sitegen.write import locked_folder

    root = make_project(project_files())
    leftovers = [root / ".public.building-abc123", root / ".public.old-def456"]  # the second: older sitegen
    for folder in leftovers:
        (folder / "site/papers").mkdir(parents=True)
    running, handle = locked_folder(root, ".public.building-")  # as a build still running holds it
    try:
        assert run_cli(root, "build")[0] == 0
        assert [folder for folder in leftovers if folder.exists()] == []
        assert running.exists(), "a build still running keeps its folder"
    finally:
        os.close(handle)
    assert run_cli(root, "build")[0] == 0
    assert not running.exists(), "its build was killed: removed by the next"


@pytest.mark.parametrize(
    "bad", ["../escape.html", "/etc/escape.html", "papers/../../escape.html", "a//b.html"]
)
def test_an_output_path_leaving_the_output_folder_is_refused_and_nothing_changes(tmp_path, bad):
    from sitegen.errors import SitegenError
    from sitegen.write import StagedOutput

    out = tmp_path / "site" / "public"
    with pytest.raises(SitegenError, match="outside the output"), StagedOutput(out) as staged:
        staged.write("papers/deep/ok.html", b"fine")
        staged.write(bad, b"escaped")
    assert not out.exists()
    assert [p.name for p in tmp_path.rglob("*escape*")] == []


def test_staged_files_land_in_nested_folders(tmp_path):
    from sitegen.write import StagedOutput

    out = tmp_path / "public"
    with StagedOutput(out) as staged:
        for path in ("index.html", "papers/a.html", "papers/b.html", "topics/x/index.html"):
            staged.write(path, path.encode())
    assert (out / "topics/x/index.html").read_bytes() == b"topics/x/index.html"
    assert (out / "papers/b.html").read_bytes() == b"papers/b.html"


def test_a_data_file_written_piece_by_piece_holds_its_pieces_joined(tmp_path):
    """A data file is written from its chunks without joining them first (write.Joined), in
    batches: across batches, and when the output holds it already (linked: counted unchanged)."""
    from sitegen.outputs import JSON_LIST
    from sitegen.write import JOINED_BATCH, Joined, StagedOutput

    rng = random.Random(3)
    chunks = [rng.randbytes(rng.randint(0, 40)) for _ in range(2 * JOINED_BATCH + 7)]
    out = tmp_path / "public"
    for round in range(2):
        with StagedOutput(out) as staged:
            before = staged.total_bytes, staged.unchanged
            staged.write("papers.json", Joined(JSON_LIST.pieces(chunks)))
            staged.write("empty.json", Joined(JSON_LIST.pieces([])))
            assert staged.total_bytes - before[0] == len(JSON_LIST.joined(chunks)) + len(JSON_LIST.empty)
            assert staged.unchanged - before[1] == (0 if round == 0 else 2)
        assert (out / "papers.json").read_bytes() == JSON_LIST.joined(chunks)
        assert (out / "empty.json").read_bytes() == JSON_LIST.empty


def test_a_data_file_is_compared_and_digested_a_batch_at_a_time_as_if_joined(tmp_path):
    """An output file the next version may keep is compared with the new one, and a data file's
    digest made, a batch of pieces at a time (both whole in memory: ~0.5 GB for papers.json at
    100,000 papers). Expected values from the pieces joined: every length of file around the
    batches' edges, each with one byte changed at every place that a batch starts or ends."""
    from sitegen.digests import digest, digest_of_pieces
    from sitegen.write import JOINED_BATCH, Joined, _same_bytes

    rng = random.Random(5)
    path = tmp_path / "old"
    for count in (0, 1, JOINED_BATCH - 1, JOINED_BATCH, JOINED_BATCH + 1, 2 * JOINED_BATCH + 3):
        pieces = [rng.randbytes(rng.randint(0, 3)) for _ in range(count)]
        joined = Joined(pieces)
        whole = b"".join(pieces)
        assert digest_of_pieces(joined.batches()) == digest(whole)
        path.write_bytes(whole)
        assert _same_bytes(path, joined)
        edges = {0, len(whole) - 1, *(len(b"".join(pieces[:n])) for n in range(0, count + 1, JOINED_BATCH))}
        places = {at for edge in edges for at in (edge - 1, edge, edge + 1) if 0 <= at < len(whole)}
        for place in sorted(places):
            changed = bytearray(whole)
            changed[place] ^= 0xFF
            path.write_bytes(bytes(changed))
            assert not _same_bytes(path, joined), (count, place)
        path.write_bytes(whole + b"x")
        assert not _same_bytes(path, joined)
    assert not _same_bytes(tmp_path / "missing", Joined([b"a"]))


def test_papers_json_is_laid_out_as_json_dumps_would_lay_it_out():
    from sitegen.outputs import JSON_LIST, record_json

    examples = [[], [{"title": "Ünïcode ✓", "links": []}], [{"a": 1}, {"b": [1, {"c": None}]}, {"d": "\n"}]]
    examples += [[{}, {1: "a key json makes a string", "x": {}}]]
    rng = random.Random(7)
    texts = ["", "plain", 'quote " and \\ back', "tab\tnew\nline", "Ünïcode ✓ 中文", "\u2028\x00\x1f"]

    def value(depth: int) -> object:  # every kind of JSON value, nested
        kinds = [
            lambda: rng.choice(texts),
            lambda: rng.choice([0, -3, 10**20, 1.5, float("inf"), True, False, None]),
            lambda: [rng.choice(texts) for _ in range(rng.randint(0, 3))],
            lambda: [value(depth + 1) for _ in range(rng.randint(0, 3))],
            lambda: {rng.choice(texts): value(depth + 1) for _ in range(rng.randint(0, 3))},
        ]
        return rng.choice(kinds[: 3 if depth > 2 else 5])()

    for _ in range(300):
        examples.append([{rng.choice(texts) + str(n): value(0) for n in range(rng.randint(0, 6))}])
    for records in examples:
        expected = json.dumps(records, ensure_ascii=False, indent=1) + "\n"
        assert JSON_LIST.joined([record_json(record) for record in records]).decode() == expected


def test_a_file_put_in_the_output_by_hand_is_removed_with_a_warning_naming_it(make_project, run_cli):
    # Its warnings are the build's, with the others (a published address, so that there are none).
    root = make_project(project_files(), site_yaml=SITE_YAML.replace("example.org", "review.org"))
    assert run_cli(root, "build")[0] == 0
    (root / "public/CNAME").write_text("review.example.org\n", encoding="utf-8")
    (root / "public/.well-known").mkdir()
    (root / "public/.well-known/security.txt").write_text("Contact: x\n", encoding="utf-8")
    (root / "content/papers/undated-notes.md").unlink()  # its page goes, as the build made it: no warning
    code, out, _ = run_cli(root, "build")
    assert code == 0
    warnings = [line for line in out.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2, out
    assert warnings[0].startswith("warning: public/.well-known/security.txt: removed from the output")
    assert warnings[1].startswith("warning: public/CNAME: removed from the output")
    assert (
        "sitegen did not write it" in warnings[1] and "its copy is in .public.previous/CNAME" in warnings[1]
    )
    assert (
        "set `paths: templates:` in site.yaml and put it in that folder's root/ folder, as root/CNAME"
        in warnings[1]
    )
    assert not (root / "public/CNAME").exists()
    assert (root / ".public.previous/CNAME").read_text(encoding="utf-8") == "review.example.org\n"
    assert not (root / "public/papers/undated-notes.html").exists()
    code, out, _ = run_cli(root, "build")
    assert code == 0 and "warning" not in out


def one_line_error(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_one_problem_in_the_content_is_the_error_line_itself(make_project, run_cli):
    papers = dict(PAPERS)
    papers["endogen"] = "---\ntitle: EndoGen\ndate: April 2026\n---\nx\n"
    root = make_project(project_files(papers))
    code, _, err = run_cli(root, "build")
    assert code == 1
    assert one_line_error(err).startswith("error: content/papers/endogen.md:3: `date`: expected a date")
    papers["polyp-seg"] = "---\ntitle: Polyps\nupvotes: many\n---\nx\n"
    root = make_project(project_files(papers))
    code, _, err = run_cli(root, "build")  # two problems: the summary, then one line each
    assert code == 1 and err.startswith("error: 2 paper file(s) have errors")
    assert "\n  - content/papers/endogen.md:3: `date`" in err


def test_one_problem_in_the_topics_or_the_site_config_is_the_error_line_itself(make_project, run_cli):
    files = project_files()
    files["content/topics.yaml"] = TOPICS_YAML + "- id: x\n"  # no title, no description
    root = make_project(files)
    code, _, err = run_cli(root, "build")
    assert code == 1 and err.startswith("error: content/topics.yaml: 2 problem(s) in the topics\n  - ")
    files["content/topics.yaml"] = TOPICS_YAML.replace(
        "  description: Outlining", "  colour: red\n  description: Outlining"
    )
    root = make_project(files)
    code, _, err = run_cli(root, "build")
    assert code == 1 and one_line_error(err).startswith(
        "error: content/topics.yaml:3: `colour`: is not a known key"
    )
    root = make_project(project_files(), site_yaml=SITE_YAML + "recent_count: many\n")
    code, _, err = run_cli(root, "build")
    assert code == 1 and one_line_error(err).startswith("error: site.yaml:5: `recent_count`: ")


def test_one_warning_with_strict_is_the_error_line_itself_saying_why(make_project, run_cli):
    root = make_project(
        project_files(), site_yaml=SITE_YAML.replace("example.org", "review.org") + "colour: x\n"
    )
    code, _, err = run_cli(root, "build", "--strict")
    line = one_line_error(err)
    assert code == 1 and line.startswith("error: site.yaml:5: `colour`: is not a known setting")
    assert line.endswith("; a warning, an error with --strict")


def test_the_summary_sets_thousands_apart_as_the_site_does() -> None:
    """The build's lines write "10,000 papers", as the pages count them (render's `thousands`)."""
    report = BuildReport(Path("public"), papers=10000, topics=12, pages=10947, files_written=11748)
    report.search_documents, report.search_index_bytes = 10000, 17_042_785
    assert report.summary().startswith("built 10,000 papers, 12 topics, 10,947 pages into public in ")
    assert "; 11,748 files written, " in report.summary()
    assert report.search_line().startswith("search index: 10,000 documents, 16,643 KB in all")
    report.nothing_changed, report.files_unchanged = True, 11748
    assert "(11,748 files unchanged;" in report.summary()
