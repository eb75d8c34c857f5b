"""The build plan says what every output reads: recorded here, output by output, and checked.

Each maker of the plan (a page, a paper's page, a chunk of papers.json or papers.bib, a search
document) runs on a view model that records every input it reads, and refuses any way into the
site but its accessors, and on templates whose loading is recorded too. What each one read must
be what the plan declares for it: a read the plan forgets fails here, instead of leaving a page
stale after an edit. The schema's columns (what cards, pages and search show) are checked
against what the makers read as well.
"""

from __future__ import annotations

import inspect
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import pytest

import sitegen.build
import sitegen.plan
import sitegen.views
from sitegen import schema
from sitegen.build import build_site
from sitegen.config import load_config
from sitegen.model import IDENTIFIER_SOURCES
from sitegen.plan import (
    BIBKEY,
    CARD,
    CONFIG,
    COUNTS,
    INFO,
    LIST,
    LIST_PAGE,
    MODE,
    PAPER,
    PAPER_COUNT,
    RELATED,
    SNIPPET,
    TEMPLATES,
    TOPICS,
    Cards,
    Input,
    Plan,
    Read,
    Snippets,
    page_key,
    site_plan,
)
from sitegen.views import SiteView

# Each accessor of the view model, and the input a call of it reads.
ACCESSORS: dict[str, Callable[..., Input]] = {
    "paper": lambda slug: Input(PAPER, slug),
    "paper_as_written": lambda slug: Input(PAPER, slug),
    "abstract": lambda slug: Input(PAPER, slug),
    "abstract_text": lambda slug: Input(PAPER, slug),
    "topics_of": lambda slug: Input(PAPER, slug),
    "card": lambda slug: Input(CARD, slug),
    "snippet": lambda slug: Input(SNIPPET, slug),
    "related": lambda slug: Input(RELATED, slug),
    "bibtex_key": lambda slug: Input(BIBKEY, slug),
    "listing": lambda name: Input(LIST, name),
    "list_page": lambda name, number: Input(LIST_PAGE, page_key(name, number)),
    "topic_refs": lambda: Input(TOPICS),
    "topic_cards": lambda: Input(COUNTS),
    "info": lambda: Input(INFO),
    "paper_count": lambda: Input(PAPER_COUNT),
    "mode": lambda: Input(MODE),
    "config": lambda: Input(CONFIG),
}
GIVEN_BY_THE_SLUG = {"file_of"}  # accessors of what a slug alone decides: no input
NOT_FOR_MAKERS = {"all_related", "let_go_of_what_pages_read"}  # the engine's: for digests, for memory
# What one input's value holds of another's: a paper's digest covers its card's, and the topics'
# counts (their cards) hold their ids, titles and descriptions.
COVERS = {PAPER: CARD, COUNTS: TOPICS}


class _RecordedPaper:
    """A paper whose fields' names are recorded as they are read. The view gives its doi and arxiv
    as model.identified derives them: reading one reads every field they are derived from."""

    def __init__(self, paper: Any, read: set[str]) -> None:
        self._paper, self._read = paper, read

    def __getattr__(self, name: str) -> Any:
        self._read.update(IDENTIFIER_SOURCES if name in ("doi", "arxiv") else (name,))
        return getattr(self._paper, name)


class RecordingView(SiteView):
    """Records the inputs read while `reads` is a set (an output is being made); refuses the
    library and derived data to anything but its accessors meanwhile."""

    def __init__(self, *args: Any) -> None:
        self.reads: set[Input] | None = None
        self.fields: set[str] = set()  # the paper fields read through paper(), while recording
        self._depth = 0
        super().__init__(*args)

    @property  # type: ignore[override]
    def library(self) -> Any:
        self._guard("library")
        return self._library

    @library.setter
    def library(self, value: Any) -> None:
        self._library = value

    @property  # type: ignore[override]
    def data(self) -> Any:
        self._guard("data")
        return self._data

    @data.setter
    def data(self, value: Any) -> None:
        self._data = value

    def _guard(self, name: str) -> None:
        if self.reads is not None and self._depth == 0:
            raise AssertionError(f"an output read view.{name} without an accessor: the plan cannot know it")

    def _accessed(self, name: str, *args: Any) -> Any:
        if name in NOT_FOR_MAKERS:
            self._guard(name)
        if self.reads is not None and self._depth == 0 and name in ACCESSORS:
            self.reads.add(ACCESSORS[name](*args))
        self._depth += 1
        try:
            value = getattr(super(), name)(*args)
        finally:
            self._depth -= 1
        if name in ("paper", "paper_as_written") and self.reads is not None:
            return _RecordedPaper(value, self.fields)
        return value


def _accessor(name: str) -> Callable[..., Any]:
    def accessor(self: RecordingView, *args: Any) -> Any:
        return self._accessed(name, *args)

    return accessor


for _name in (*ACCESSORS, *GIVEN_BY_THE_SLUG, *NOT_FOR_MAKERS):
    setattr(RecordingView, _name, _accessor(_name))


def allowed(declared: Iterable[Read]) -> set[Input]:
    found: set[Input] = set()
    for read in declared:
        if isinstance(read, Cards):
            found.update(Input(CARD, slug) for slug in read.slugs)
        elif isinstance(read, Snippets):
            found.update(Input(SNIPPET, slug) for slug in read.slugs)
        else:
            found.add(read)
            if read.kind in COVERS:
                found.add(Input(COVERS[read.kind], read.key))
    return found


class Recorder:
    """Wraps every maker of a plan so that each call is recorded and checked."""

    def __init__(self, **plan_options: Any) -> None:
        self.plan_options = plan_options  # site_plan's, as a test sets them
        self.undeclared: dict[str, set[Input]] = {}
        self.made: set[str] = set()
        self.fields: dict[str, set[str]] = defaultdict(set)  # kind of maker -> paper fields read
        self.views: list[RecordingView] = []
        self.rows: list[Callable[[], Any]] = []  # each row of each list page, made when called

    def plan(self, view: SiteView, env: Any, assets: dict[str, bytes], **options: Any) -> Plan:
        assert isinstance(view, RecordingView)
        self.views.append(view)
        real_get_template = env.get_template

        def get_template(*args: Any, **kwargs: Any) -> Any:
            if view.reads is not None:
                view.reads.add(Input(TEMPLATES))
            return real_get_template(*args, **kwargs)

        env.get_template = get_template
        # Declared as for the built-in templates (the project's own show no paper count): a read
        # of the count a page does not declare fails, not hidden by every page reading it.
        plan = site_plan(view, env, assets, **{**options, **self.plan_options, "own_templates": False})
        family, index = plan.paper_pages, plan.search

        def paper_page(slug: str) -> Any:
            reads, make = family.reads(slug), partial(family.make, slug)
            return self.made_by(view, family.path(slug), "paper page", reads, make)

        def document(slug: str) -> Any:
            reads, make = index.document_reads(slug), partial(index.document, slug)
            return self.made_by(view, f"search document {slug}", "search", reads, make)

        pages = tuple(
            replace(page, make=partial(self.made_by, view, page.path, "page", page.reads, page.make))
            for page in plan.pages
        )
        for page in plan.pages:  # a row alone reads its card (and snippet) and the rows' site inputs
            rows = page.rows
            for slug in rows.slugs if rows is not None else ():
                declared = (*rows.site, Cards((slug,)), *([Snippets((slug,))] if rows.snippets else []))
                make = partial(rows.row, slug)
                self.rows.append(
                    partial(self.made_by, view, f"{page.path} row {slug}", "row", declared, make)
                )
        chunked = tuple(replace(one, chunk=partial(self.chunk, view, one)) for one in plan.chunked)
        return replace(
            plan,
            pages=pages,
            paper_pages=replace(family, make=paper_page),
            chunked=chunked,
            search=replace(index, document=document),
        )

    def chunk(self, view: RecordingView, chunked: Any, slug: str) -> bytes:
        made: bytes = self.made_by(
            view,
            f"{chunked.path} chunk {slug}",
            chunked.path,
            chunked.chunk_reads(slug),
            partial(chunked.chunk, slug),
        )
        return made

    def made_by(
        self, view: RecordingView, name: str, kind: str, declared: Iterable[Read], make: Callable[[], Any]
    ) -> Any:
        declared = allowed(declared)
        view.reads, view.fields = set(), set()
        try:
            made = make()
        finally:
            reads, fields = view.reads or set(), view.fields
            view.reads = None
        self.made.add(name)
        self.fields[kind] |= fields
        if reads - declared:
            self.undeclared[name] = reads - declared
        return made


def every_field_on_cards() -> str:
    """The built-in _macros.html with every schema field shown on each card of a listing."""
    macros = (Path(sitegen.build.__file__).parent.parent / "templates/_macros.html").read_text(
        encoding="utf-8"
    )
    shown = "".join(
        f'<span class="f-{field.name}">{{{{ paper.{field.name} }}}}</span>' for field in schema.FIELDS
    )
    marker = '<div class="paper-meta">'
    assert marker in macros
    return macros.replace(marker, shown + marker, 1)


def as_editor(root: Path) -> None:
    """The project's site.yaml asks for the editor's view."""
    settings = root / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "editor: true\n", encoding="utf-8")


def recorded_build(
    root: Path, monkeypatch: pytest.MonkeyPatch, out: str = "public", **plan_options: Any
) -> Recorder:
    recorder = Recorder(**plan_options)
    monkeypatch.setattr(sitegen.views, "SiteView", RecordingView)
    monkeypatch.setattr(sitegen.plan, "site_plan", recorder.plan)
    build_site(load_config(root / "site.yaml"), root / out, use_cache=False)
    return recorder


@pytest.mark.parametrize("mode", ["reader", "editor"])
@pytest.mark.parametrize("cards", ["built-in", "every field"])
def test_every_output_reads_only_what_the_plan_says_it_reads(sample_project, monkeypatch, cards, mode):
    """In both modes: whom the site is for is an input of every page that shows it."""
    if mode == "editor":
        as_editor(sample_project)
    if cards == "every field":
        (sample_project / "my-templates/_macros.html").write_text(every_field_on_cards(), encoding="utf-8")
    pinned = sample_project / "content/papers/study-3.md"
    pinned.write_text(pinned.read_text().replace("---\n", "---\ntemplate: wide.html\n", 1), encoding="utf-8")
    recorder = recorded_build(sample_project, monkeypatch)
    for row in recorder.rows:  # made only by incremental builds: each made here
        row()
    assert recorder.undeclared == {}
    assert any(" row " in name for name in recorder.made)
    papers = {path.stem for path in (sample_project / "content/papers").glob("*.md")}
    site = sample_project / "public"
    pages = {str(path.relative_to(site)) for path in site.rglob("*.html")} | {"feed.xml", "sitemap.xml"}
    made = {name.split(" ")[0] for name in recorder.made if not name.startswith("search document")}
    assert pages <= made, "every page was made through the plan"
    assert {f"search document {slug}" for slug in papers} <= recorder.made
    assert {f"papers.json chunk {slug}" for slug in papers} <= recorder.made
    assert {f"papers.bib chunk {slug}" for slug in papers} <= recorder.made
    assert {f"assets/papers-data.js chunk {slug}" for slug in papers} <= recorder.made
    assert ("attention.html" in made) == (mode == "editor")


def test_a_sitemap_cut_into_parts_reads_only_what_the_plan_says(sample_project, monkeypatch):
    recorder = recorded_build(sample_project, monkeypatch, sitemap_urls=2)
    parts = {path.name for path in (sample_project / "public").glob("sitemap-*.xml")}
    assert len(parts) > 2
    assert {"sitemap.xml", *parts} <= recorder.made
    assert recorder.undeclared == {}


def test_the_view_model_has_no_way_in_that_the_plan_has_no_word_for():
    public = {
        name for name, member in inspect.getmembers(SiteView) if not name.startswith("_") and callable(member)
    }
    composed = {  # made from the accessors only (the recording view refuses them anything else)
        "cards", "reading_cards", "address", "paper_view", "attention_items", "cooccurring", "list_topic",
        "facets", "topic_chart", "home_charts", "bibtex_entry", "ris_record", "csl_item", "record",
        "browse_record", "search_document", "feed_papers", "page_addresses", "page_address_count",
    }  # fmt: skip
    assert public == set(ACCESSORS) | GIVEN_BY_THE_SLUG | NOT_FOR_MAKERS | composed


@pytest.mark.parametrize("mode", ["reader", "editor"])
def test_the_schema_columns_are_what_the_built_in_templates_and_makers_read(
    sample_project, monkeypatch, mode
):
    editor = mode == "editor"
    if editor:
        as_editor(sample_project)
    recorder = recorded_build(sample_project, monkeypatch)
    [view] = recorder.views
    assert sorted(view.card_fields) == sorted(schema.shown_in(schema.CARD, editor=editor))
    given = {"slug", "path", "template"}  # who the paper is, where its file is, how its page is made
    body_and_derived = {schema.BODY, "year"}  # the abstract, and the date's year
    page_fields = set(schema.shown_in(schema.PAGE, editor=editor))
    assert recorder.fields["paper page"] - given - body_and_derived <= page_fields
    assert recorder.fields["search"] - given - body_and_derived <= set(schema.shown_in(schema.SEARCH))
    record = view.record("study-1")
    assert set(schema.shown_in(schema.JSON, editor=editor)) <= record.keys()
    editor_notes = set(schema.shown_in(schema.JSON)) - set(schema.shown_in(schema.JSON, editor=False))
    assert editor_notes == {"title_derived", "date_inferred", "sources"}
    assert bool(editor_notes & record.keys()) == editor  # the reader's papers.json leaves them out
