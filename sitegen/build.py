"""`sitegen build`: read the content, derive the site's data, plan every output, make the plan.

`build_site` is the reusable API (the dev server calls it); `run_build` is the command. Each
stage is a plain function of the one before; what makes rebuilds fast (what the last build left,
forked processes, patched files) is the engine's (sitegen/engine), which each stage asks.
"""

from __future__ import annotations

import argparse
import copy
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen import yamlfile
from sitegen.config import LoadedConfig, load_config
from sitegen.engine.looks import Looks
from sitegen.engine.report import PHASES, BuildReport
from sitegen.engine.session import Engine
from sitegen.engine.store import BuildState
from sitegen.engine.tuning import DEFAULT_TUNING, Tuning
from sitegen.engine.warned import paper_warnings
from sitegen.errors import Problem, SitegenError
from sitegen.hosts import CHECKED_ON, HOSTS, Host, SiteShape, hosts_refusing, measures
from sitegen.load import ContentPaths, display_path
from sitegen.model import Library, Paper
from sitegen.paperfile import dropped_as_comments, key_line, split
from sitegen.topics import SlowRule, check_paper_topics
from sitegen.topicsfile import locate_slow_rule
from sitegen.write import OUTPUT_KEY, check_output_folder, recover_output, spare_version

if TYPE_CHECKING:
    import jinja2

__all__ = ["PHASES", "BuildReport", "Tuning", "build_site", "run_build"]


def run_build(args: argparse.Namespace) -> int:
    loaded = load_config(args.config)
    if args.editor:
        loaded = loaded.for_editor(True)
    out = args.out if args.out is not None else loaded.path(loaded.config.output_dir)
    try:
        report = build_site(loaded, Path(out), strict=args.strict)
    except SitegenError as exc:
        raise _output_named(exc, loaded, given=args.out is not None) from None
    for warning in report.warnings:
        print(f"warning: {warning}")
    print(report.summary())
    print(report.search_line())
    shape = SiteShape.of(report.output_sizes())
    if args.check_host:
        return check_host(shape, HOSTS[args.check_host], display_path(Path(out), loaded))
    refusing = hosts_refusing(shape)
    if refusing:
        print(
            f"warning: the site is too large for {', '.join(refusing)}; "
            "`sitegen build --check-host HOST` says by how much"
        )
    return 0


def _output_named(error: SitegenError, loaded: LoadedConfig, *, given: bool) -> SitegenError:
    """A refused output folder named as the editor chose it: `--out`, or site.yaml's line of
    `paths.output` (the build knows only the folder)."""
    if [problem.key for problem in error.problems] != [OUTPUT_KEY]:
        return error
    [problem] = error.problems
    if given:
        hint = (problem.hint or "").replace(" (or pass --out DIR)", "").replace(" with --out", "")
        return SitegenError(problem.message, key="--out", hint=hint)
    line = loaded.path_lines.get("output")
    return SitegenError(problem.message, path=loaded.shown, line=line, key=OUTPUT_KEY, hint=problem.hint)


def check_host(shape: SiteShape, host: Host, output: str) -> int:
    """Say how the site measures against each of `host`'s limits; 1 when it exceeds one (the
    site is built, but the host would refuse the deploy)."""
    found = measures(shape, host)
    for measure in found:
        print(f"{'over' if measure.over else 'ok'}: {measure.sentence(host)}")
    over = [measure for measure in found if measure.over]
    if not over:
        print(f"{output}/ fits the limits of {host.name} (as published on {CHECKED_ON}: {host.source})")
        return 0
    print(
        f"error: {output}/ exceeds {len(over)} of the limits of {host.name} (as published on {CHECKED_ON}: "
        f"{host.source}); the site is built, but a deploy would fail: host it elsewhere "
        "(`--check-host` with another host), or on a plan that allows more",
        file=sys.stderr,
    )
    return 1


def build_site(
    loaded: LoadedConfig,
    out: Path,
    *,
    strict: bool = False,
    use_cache: bool = True,
    state: BuildState | None = None,
    published: Callable[[frozenset[str] | None], None] | None = None,
    tuning: Tuning = DEFAULT_TUNING,
) -> BuildReport:
    """Build the whole site into `out`; raise SitegenError (leaving `out` untouched) on any problem.

    The output is always the same as a build from nothing gives, however much the engine reuses:
    what it keeps comes from `state` (returned as `report.state`; the dev server passes it back),
    else from the cache folder when `use_cache`, else from nothing. With `published` (the dev
    server's), the paper pages are put in place first, then the lists and data files, then the
    search index, calling it each time with their paths (None: the whole output at once).
    `tuning`: when the engine forks and saves; the defaults are what a site of any size wants."""
    try:
        return _build_site(loaded, out, strict, use_cache, state, published, tuning)
    except SitegenError as exc:
        raise _paths_from_project(exc, loaded) from None


def _paths_from_project(error: SitegenError, loaded: LoadedConfig) -> SitegenError:
    """`error` with each file in the project named from the project's folder, as the editor
    knows it: a template's error came with the absolute path Jinja read it from."""
    pairs = [
        (problem, replace(problem, path=display_path(Path(problem.path), loaded)))
        for problem in error.problems
        if problem.path and Path(problem.path).is_absolute()
    ]
    if not any(old != new for old, new in pairs):
        return error
    shown = copy.copy(error)
    shown.problems = tuple(dict((old, new) for old, new in pairs).get(p, p) for p in error.problems)
    texts = [str(arg) for arg in error.args]
    for old, new in pairs:
        texts = [text.replace(str(old), str(new)) for text in texts]
    shown.args = tuple(texts)
    return shown


def _build_site(
    loaded: LoadedConfig,
    out: Path,
    strict: bool,
    use_cache: bool,
    state: BuildState | None,
    published: Callable[[frozenset[str] | None], None] | None,
    tuning: Tuning,
) -> BuildReport:
    check_output_folder(out, root=loaded.root, keep=_protected_folders(loaded, out))
    recover_output(out)  # where a build was killed between the two renames of the fallback switch
    templates = loaded.config.templates_dir
    looks = Looks.of(loaded.path(templates) if templates else None, loaded)
    engine = Engine(loaded, out, looks, state=state, use_cache=use_cache, published=published, tuning=tuning)
    with engine, _topics_file_named(loaded):
        if strict and engine.report.warnings:  # site.yaml's, and files skipped as no paper or template
            raise SitegenError.many(
                engine.report.warnings,
                "warnings are errors with --strict",
                alone="a warning, an error with --strict",
            )
        if engine.unchanged_since_last_build():
            _warn_dropped_text(engine, loaded, (), strict=strict)
            return engine.report
        _read_derive_make(engine, loaded, looks, strict=strict)
    return engine.report


def _read_derive_make(engine: Engine, loaded: LoadedConfig, looks: Looks, *, strict: bool) -> None:
    """The pipeline, stage by stage. Its modules are imported here: a build that finds nothing
    changed does without them (~80 ms of the ~0.35 s it takes at 10,000 papers)."""
    from sitegen.plan import site_plan
    from sitegen.views import SiteView

    library = engine.read_library()  # read: content/ as plain dataclasses
    checked = list(engine.papers_to_check(library))
    _check_library(library, checked, engine.env, loaded.root)
    _warn_dropped_text(engine, loaded, checked, strict=strict)
    data = engine.derive(library)  # derive: topics, listings, related papers, BibTeX keys
    view = SiteView(library, data, engine.card_fields)  # the view model
    # The plan: every output, and what it reads; made: only what changed.
    engine.make(site_plan(view, engine.env, looks.assets, own_templates=looks.own_templates))


def _warn_dropped_text(engine: Engine, loaded: LoadedConfig, read: Sequence[Paper], *, strict: bool) -> None:
    """Warn, in every build, of text YAML takes for a comment (`title: Lung nodules #2: a study`)
    in the topics file and in each paper file's front matter: of the papers `read` (parsed again,
    or all) as parsing found it; of the others the engine keeps unread, as reading them finds it."""

    def warnings_of(shown: str) -> tuple[Problem, ...]:
        try:
            return dropped_as_comments(
                split((loaded.root / shown).read_text(encoding="utf-8"), shown)[0], shown
            )
        except (OSError, UnicodeError, SitegenError):
            return ()  # deleted, or a problem the build reports

    warnings = (*_topics_dropped_text(loaded), *paper_warnings(engine.cache_dir, read, warnings_of))
    if strict and warnings:
        raise SitegenError.many(
            warnings, "warnings are errors with --strict", alone="a warning, an error with --strict"
        )
    engine.report.warnings = (*engine.report.warnings, *warnings)


def _topics_dropped_text(loaded: LoadedConfig) -> list[Problem]:
    """The topics file's text YAML takes for a comment (one small file: read again each build)."""
    path = ContentPaths.of(loaded).topics
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeError):
        return []  # the build says what is wrong
    return yamlfile.comment_warnings(text, display_path(path, loaded))


@contextmanager
def _topics_file_named(loaded: LoadedConfig) -> Iterator[None]:
    """A rule too slow for a paper stops the build naming its pattern's line in topics.yaml."""
    try:
        yield
    except SlowRule as exc:
        topics = ContentPaths.of(loaded).topics
        raise locate_slow_rule(exc, topics, display_path(topics, loaded)) from None


def _protected_folders(loaded: LoadedConfig, out: Path) -> tuple[Path, ...]:
    """The folders an output must not be, hold or lie in: the content, cache and templates; and,
    for an output elsewhere (`--out`), the site's own output and the version kept beside it
    (`--out public/sub` went inside the live site, `--out .public.previous` into the spare)."""
    config = loaded.config
    folders = [
        config.content_dir,
        config.cache_dir,
        *([config.templates_dir] if config.templates_dir else []),
    ]
    protected = [loaded.path(folder).resolve() for folder in folders]
    own = loaded.path(config.output_dir).resolve()
    if out.resolve() != own:
        protected += [own, spare_version(own)]
    return tuple(protected)


def _check_library(library: Library, papers: Iterable[Paper], env: jinja2.Environment, root: Path) -> None:
    """Every problem `papers` have that stops a build, reported together."""
    import jinja2

    from sitegen import render

    problems: list[Problem] = []
    for paper in papers:
        pins = paper.topics or paper.topics_add or paper.topics_remove
        if pins and check_paper_topics(paper, library.topics):
            problems += check_paper_topics(paper, library.topics, _front_matter(root, paper))
        if paper.template:
            try:
                env.get_template(paper.template)
            except jinja2.TemplateNotFound:
                problems.append(
                    Problem(
                        f"template {paper.template!r} does not exist",
                        paper.path,
                        key_line(_front_matter(root, paper) or "", "template"),
                        "template",
                        "put it in your templates folder (paths.templates in site.yaml), or delete the key",
                    )
                )
            except jinja2.TemplateError as exc:
                raise render.template_error(exc, paper.template) from None
    if problems:
        raise SitegenError.many(problems, f"{len(problems)} problem(s) in the content; nothing was built")


def _front_matter(root: Path, paper: Paper) -> str | None:
    """A paper file's front matter, re-read only to name the line of a problem."""
    try:
        return split((root / paper.path).read_text(encoding="utf-8"), paper.path)[0]
    except (OSError, SitegenError):
        return None
