"""`sitegen import`: raw listings in, one editable Markdown file per paper out.

Everything is read and checked before anything is written; each file is written through a
temporary file and `os.replace`. Hand edits survive re-imports thanks to the import state
(`content/.import-state.json`): per paper, the identity keys and the value of each field as
the importer last wrote it. A field whose value in the file differs from that is the editor's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from sitegen.errors import Problem, SitegenError
from sitegen.listings import Listing, parse_listing
from sitegen.load import TOPICS_FILE
from sitegen.merge import Group, Matcher, group_entries, make_slug, merged_paper, normalise, title_key
from sitegen.model import Paper
from sitegen.paperfile import FIELDS, dump_meta, paper_meta, read_meta

STATE_NAME = ".import-state.json"
STATE_VERSION = 1
# The fields the importer writes: FIELDS up to `sources`; the rest (topics, template, extra) are the editor's.
IMPORTED = FIELDS[: FIELDS.index("sources") + 1]
BODY = "body"  # the abstract, a field like the others in the import state


@dataclass(frozen=True)
class Source:
    """One listing to import, as it is (or will be) kept in content/sources/."""

    name: str  # its file name in content/sources/
    text: str
    sha256: str
    given: bool  # named on the command line
    copy_from: Path | None = None  # not yet in content/sources/


@dataclass
class Plan:
    """What an import would do; nothing is written until `apply` runs."""

    content: Path
    writes: dict[Path, str] = field(default_factory=dict)  # path -> new text
    created: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)  # slug -> changed fields
    kept: dict[str, list[str]] = field(default_factory=dict)  # slug -> editor-owned fields kept
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)  # pages the editor deleted; not re-created
    derived_titles: int = 0
    notes: list[str] = field(default_factory=list)


def run_import(args: argparse.Namespace) -> int:
    content = content_dir(args)
    plan = plan_import(content, list(args.listings or []), args.year, dt.date.today(), progress=_stderr)
    for note in plan.notes:
        _stderr(note)
    if plan.deleted:
        _stderr(
            f"note: deleted papers stay deleted: {', '.join(sorted(plan.deleted))} "
            f"(remove their entries from {STATE_NAME} to import them again)"
        )
    if args.dry_run:
        _print_dry_run(plan)
        return 0
    apply(plan)
    total = len(plan.created) + len(plan.updated) + plan.unchanged
    print(
        f"imported: {total} papers ({len(plan.created)} created, {len(plan.updated)} updated, "
        f"{plan.unchanged} unchanged) in {content / 'papers'}"
        + (
            f"; {plan.derived_titles} derived titles to confirm (title_derived: true)"
            if plan.derived_titles
            else ""
        )
    )
    return 0


def content_dir(args: argparse.Namespace) -> Path:
    if args.content is not None:
        return Path(args.content)
    config_path = Path(args.config) if args.config else None
    if config_path is not None and config_path.is_file():
        from sitegen.config import load_config

        loaded = load_config(config_path)
        return loaded.path(loaded.config.content_dir)
    return Path("content")


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


# -- reading and checking every input ----------------------------------------------------------


def read_text(path: Path) -> str:
    """A listing's text, or a SitegenError saying why it is not one."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SitegenError("no such file", path=path, hint="check the path of the listing") from None
    except IsADirectoryError:
        raise SitegenError(
            "is a folder, not a listing file", path=path, hint="name the .txt files inside it"
        ) from None
    except OSError as exc:
        raise SitegenError(f"cannot be read: {exc.strerror}", path=path) from None
    if b"\0" in data:
        raise SitegenError(
            "is not a text file (it holds binary data)", path=path, hint="import the listing saved as text"
        )
    try:
        return data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SitegenError(
            "is not UTF-8 text", path=path, line=line, hint="save the listing as UTF-8 and import it again"
        ) from None


def gather_sources(content: Path, listings: list[Path]) -> list[Source]:
    """The kept sources plus the given listings (copied in unless an identical file is there)."""
    folder = content / "sources"
    problems: list[Problem] = []
    kept: dict[str, Source] = {}
    for path in sorted(folder.glob("*.txt")) if folder.is_dir() else []:
        text = _checked(path, problems)
        if text is not None:
            kept[path.name] = Source(path.name, text, _sha(text), given=not listings)
    by_hash = {source.sha256: name for name, source in kept.items()}
    for path in listings:
        text = _checked(path, problems)
        if text is None:
            continue
        sha = _sha(text)
        if sha in by_hash:
            kept[by_hash[sha]] = replace(kept[by_hash[sha]], given=True)
            continue
        name = path.name if path.name not in kept else f"{path.stem}-{sha[:8]}{path.suffix or '.txt'}"
        if not name.endswith(".txt"):
            name += ".txt"
        kept[name] = Source(name, text, sha, given=True, copy_from=path)
        by_hash[sha] = name
    if problems:
        raise _all(problems, "cannot import")
    if not kept:
        raise SitegenError(
            "nothing to import",
            path=folder,
            hint="name listing files; with none, sitegen import re-imports content/sources/",
        )
    return [kept[name] for name in sorted(kept)]


def _checked(path: Path, problems: list[Problem]) -> str | None:
    try:
        return read_text(path)
    except SitegenError as error:
        problems.extend(error.problems)
        return None


def _all(problems: list[Problem], what: str) -> SitegenError:
    if len(problems) == 1:
        problem = problems[0]
        return SitegenError(
            problem.message, path=problem.path, line=problem.line, key=problem.key, hint=problem.hint
        )
    return SitegenError.many(problems, f"{what}: {len(problems)} problems; nothing was written")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_sources(sources: list[Source], content: Path) -> list[Listing]:
    problems: list[Problem] = []
    listings = []
    for source in sources:
        shown = str(source.copy_from or content / "sources" / source.name)
        try:
            listings.append(parse_listing(source.text, source.name, shown))
        except SitegenError as error:
            problems.extend(error.problems)
    if problems:
        raise _all(problems, "cannot import")
    return listings


# -- years -------------------------------------------------------------------------------------


def listing_year(
    listing: Listing, given: int | None, remembered: int | None, today: dt.date
) -> tuple[int | None, str]:
    """The year of the dates a listing shows without one, and a note saying how it was chosen."""
    dates = [entry.date for entry in listing.entries if entry.date]
    yearless = [d for d in dates if d.year is None]
    if not yearless:
        return None, ""
    count = f"{len(yearless)} date(s) without a year"
    if given is not None:
        return given, f"{count} taken as {given} (--year)"
    if remembered is not None:
        return remembered, ""
    explicit = [d.year for d in dates if d.year is not None]
    own = listing.listing_date
    if own and own.year:
        year, why = own.year, f"the year of the listing's own date ({own.year})"
    elif explicit:
        year = max(explicit) + 1
        why = (
            f"the listing shows years up to {max(explicit)} and leaves the year out only for the current year"
        )
    else:
        year = today.year
        why = "the listing shows no year at all, so the current year was assumed"
        if own and (own.month, own.day) > (today.month, today.day):
            year -= 1
            why = "the listing shows no year at all and its date is yet to come this year: last year assumed"
    later = [d for d in yearless if own and (d.month, d.day) > (own.month, own.day)]
    if later:
        why += f" ({len(later)} of them fall after the listing's own date: check them)"
    return year, f"{count} taken as {year}: {why}; pass --year YEAR to change it"


# -- the existing corpus -----------------------------------------------------------------------


@dataclass
class Existing:
    slug: str
    path: Path
    text: str
    meta: dict[str, Any]
    body: str


def read_corpus(content: Path) -> dict[str, Existing]:
    papers = content / "papers"
    found: dict[str, Existing] = {}
    problems: list[Problem] = []
    for path in sorted(papers.glob("*.md")) if papers.is_dir() else []:
        try:
            text = path.read_text(encoding="utf-8")
            meta, body, _ = read_meta(text, str(path))
        except UnicodeDecodeError:
            problems.append(Problem("is not UTF-8 text", str(path), hint="save it as UTF-8"))
            continue
        except SitegenError as error:
            problems.extend(error.problems)
            continue
        found[path.stem] = Existing(path.stem, path, text, meta, body)
    if problems:
        raise _all(problems, "fix these paper files before importing")
    return found


def read_state(content: Path) -> dict[str, Any]:
    path = content / STATE_NAME
    if not path.exists():
        return {"version": STATE_VERSION, "sources": {}, "papers": {}}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SitegenError(
            f"the import state is not valid JSON ({exc})",
            path=path,
            hint="restore it from git, or delete it: then every existing field counts as hand-edited",
        ) from None
    if not isinstance(state, dict) or not isinstance(state.get("papers"), dict):
        raise SitegenError("the import state has an unknown layout", path=path, hint="restore it from git")
    state.setdefault("sources", {})
    return state


def _matcher(slugs: Iterable[str], corpus: dict[str, Existing], state: dict[str, Any]) -> Matcher:
    """Finds a paper's page by the keys the import state remembers and by the file as it is now."""
    matcher = Matcher()
    for slug in sorted(slugs):
        remembered = state["papers"].get(slug, {})
        for key in remembered.get("keys", {}).get("titles", []):
            matcher.by_title.setdefault(key, slug)
        matcher.add(slug, None, remembered.get("fields", {}).get(BODY))
        if slug in corpus:
            title = corpus[slug].meta.get("title")
            matcher.add(slug, str(title) if title else None, corpus[slug].body)
    return matcher


# -- planning ----------------------------------------------------------------------------------


def plan_import(content: Path, listings: list[Path], year: int | None, today: dt.date, progress=None) -> Plan:
    sources = gather_sources(content, listings)
    parsed = parse_sources(sources, content)
    corpus = read_corpus(content)
    state = read_state(content)
    plan = Plan(content)
    years = _years(sources, parsed, state, year, today, plan)
    groups = group_entries(entry for listing in parsed for entry in listing.entries)
    slugs = _assign_slugs(groups, corpus, state)
    # pages not in these listings keep their record
    papers: dict[str, Any] = dict(state["papers"])
    new_state = {"version": STATE_VERSION, "sources": _plan_sources(plan, sources, years), "papers": papers}
    taken = set(corpus) | set(state["papers"]) | {s for s in slugs.values() if s}
    for group in groups:
        paper = merged_paper(group, lambda name: years.get(name) or today.year)
        slug = slugs.get(group.key) or make_slug(paper.title, taken)
        taken.add(slug)
        if slug in state["papers"] and slug not in corpus:
            plan.deleted.append(slug)  # the editor deleted the page: leave it deleted
            continue
        remembered = _plan_paper(plan, replace(paper, slug=slug), corpus.get(slug), state["papers"].get(slug))
        papers[slug] = _state_record(group, remembered)
    _report_progress(parsed, groups, slugs, progress)
    plan.notes[:0] = [f"warning: {problem}" for listing in parsed for problem in listing.warnings]
    _plan_state(plan, new_state)
    _plan_starter_topics(plan)
    return plan


def _plan_starter_topics(plan: Plan) -> None:
    """A new content folder gets the starter taxonomy, so `sitegen build` works straight after."""
    target = plan.content / TOPICS_FILE
    if not target.exists():
        plan.writes[target] = resources.files("sitegen.starter").joinpath(TOPICS_FILE).read_text("utf-8")
        plan.notes.append(f"note: created {target} with the starter topics; edit its rules to fit the review")


def _plan_sources(plan: Plan, sources: list[Source], years: dict[str, int | None]) -> dict[str, Any]:
    """Copy new listings into content/sources/; remember each one's hash and the year its dates got."""
    remembered: dict[str, Any] = {}
    for source in sources:
        remembered[source.name] = {"sha256": source.sha256}
        if years.get(source.name) is not None:
            remembered[source.name]["year"] = years[source.name]
        if source.copy_from is not None:
            plan.writes[plan.content / "sources" / source.name] = source.text
    return remembered


def _state_record(group: Group, fields: dict[str, Any]) -> dict[str, Any]:
    """Identity keys (so a hand-edited title still matches) and the fields as the importer wrote them."""
    return {
        "keys": {
            "titles": sorted({title_key(e.title) for e in group.entries if e.title} - {""}),
            "abstract": hashlib.sha1(normalise(fields[BODY]).encode()).hexdigest()[:16],
        },
        "fields": fields,
    }


def _plan_state(plan: Plan, state: dict[str, Any]) -> None:
    text = json.dumps(state, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    path = plan.content / STATE_NAME
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        plan.writes[path] = text


def _years(sources, parsed, state, year, today, plan) -> dict[str, int | None]:
    years: dict[str, int | None] = {}
    for source, listing in zip(sources, parsed, strict=True):
        remembered = state["sources"].get(source.name, {})
        known = remembered.get("year") if remembered.get("sha256") == source.sha256 else None
        chosen, note = listing_year(listing, year if source.given else None, known, today)
        years[source.name] = chosen
        if note:
            plan.notes.append(f"note: {source.name}: {note}")
    return years


def _assign_slugs(
    groups: list[Group], corpus: dict[str, Existing], state: dict[str, Any]
) -> dict[str, str | None]:
    """Each group's page: an existing file, else one the editor deleted (the state remembers it), else None.

    A page takes one group at most.
    """
    matchers = (_matcher(corpus, corpus, state), _matcher(set(state["papers"]) - set(corpus), corpus, state))
    slugs: dict[str, str | None] = {}
    used: set[str] = set()
    for group in groups:
        slugs[group.key] = next(
            (
                found
                for matcher in matchers
                for entry, abstract in zip(group.entries, group.abstracts, strict=True)
                for found in [matcher.find(entry.title, abstract.plain)]
                if found and found not in used
            ),
            None,
        )
        used.add(slugs[group.key] or "")
    return slugs


def _report_progress(parsed: list[Listing], groups: list[Group], slugs, progress) -> None:
    """A line per listing: how many papers, and how many of them are new pages."""
    if progress is None:
        return
    first_file = {g.key: g.files[0] for g in groups}
    for number, listing in enumerate(parsed, 1):
        keys = [g.key for g in groups if listing.source in g.files]
        known = sum(1 for key in keys if slugs[key])
        new = sum(1 for key in keys if first_file[key] == listing.source and not slugs[key])
        merged = len(keys) - known - new
        progress(
            f"[{number}/{len(parsed)}] {listing.source}: {len(keys)} papers ({new} new, {merged} merged, "
            f"{known} already imported) from {len(listing.entries)} {listing.kind} entries"
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _plan_paper(
    plan: Plan, paper: Paper, existing: Existing | None, remembered: dict[str, Any] | None
) -> dict[str, Any]:
    """Plan the paper's file; return its fields as the importer would write them, for the state."""
    imported = {key: value for key, value in paper_meta(paper).items() if key in IMPORTED}
    imported[BODY] = paper.abstract.strip()
    if existing is None:
        meta, body, owned = imported, paper.abstract, list[str]()
    else:
        meta, body, owned = _resolve(imported, existing, remembered)
    meta = {key: value for key, value in meta.items() if key != BODY}
    text = dump_meta(meta, body)
    path = plan.content / "papers" / f"{paper.slug}.md"
    if meta.get("title_derived"):
        plan.derived_titles += 1
    if existing is None:
        plan.created.append(paper.slug)
        plan.writes[path] = text
    elif text != existing.text:
        old = dict(existing.meta, **{BODY: existing.body})
        changed = [
            k
            for k in [*IMPORTED, BODY]
            if _jsonable(old.get(k)) != _jsonable(dict(meta, **{BODY: body}).get(k))
        ]
        plan.updated[paper.slug] = changed or ["formatting"]
        plan.writes[path] = text
    else:
        plan.unchanged += 1
    if owned:
        plan.kept[paper.slug] = owned
    return _jsonable(imported)


def _resolve(
    imported: dict[str, Any], existing: Existing, remembered: dict[str, Any] | None
) -> tuple[dict[str, Any], str, list[str]]:
    """Field by field: the editor's value where it differs from what the importer last wrote."""
    current = dict(existing.meta, **{BODY: existing.body.strip()})
    last = remembered.get("fields", {}) if remembered is not None else None
    resolved: dict[str, Any] = {}
    owned: list[str] = []
    for key in [*IMPORTED, BODY]:
        has_current = key in current and current[key] not in (None, "")
        if last is None:
            editor_owned = has_current  # no record: whatever is there is the editor's
        else:
            editor_owned = _jsonable(current.get(key)) != _jsonable(last.get(key))
        if editor_owned:
            owned.append(key)
            if has_current:
                resolved[key] = current[key]
        elif key in imported:
            resolved[key] = imported[key]
    for flag, value_key in (("title_derived", "title"), ("date_inferred", "date")):
        if value_key in owned and flag not in owned:
            resolved.pop(flag, None)  # the editor set the value: it is no longer derived or inferred
        elif flag in owned and value_key not in owned and value_key in current:
            resolved[value_key] = current[value_key]  # the editor confirmed the value: keep it as it is
    for key, value in existing.meta.items():
        if key not in IMPORTED:
            resolved[key] = value  # editor-only fields: topics, template, extra, ...
    order = {key: index for index, key in enumerate(FIELDS)}
    ordered = dict(sorted(resolved.items(), key=lambda item: order.get(item[0], len(order))))
    body = ordered.pop(BODY, imported[BODY])
    return ordered, str(body), [k for k in owned if _jsonable(current.get(k)) != _jsonable(imported.get(k))]


# -- output ------------------------------------------------------------------------------------


def _print_dry_run(plan: Plan) -> None:
    for path in sorted(p for p in plan.writes if p.parent.name == "sources"):
        print(f"would copy listing to {path}")
    for slug in plan.created:
        print(f"would create {plan.content / 'papers' / (slug + '.md')}")
    for slug, fields in sorted(plan.updated.items()):
        print(f"would update {plan.content / 'papers' / (slug + '.md')}: {', '.join(fields)}")
    for slug, fields in sorted(plan.kept.items()):
        print(f"would keep hand-edited {', '.join(fields)} in {slug}.md")
    print(
        f"dry run: {len(plan.created)} to create, {len(plan.updated)} to update, "
        f"{plan.unchanged} unchanged; nothing was written"
    )


def apply(plan: Plan) -> None:
    """Write every planned file through a temporary file in its folder, the state last."""
    state = [path for path in plan.writes if path.name == STATE_NAME]
    for path in sorted(set(plan.writes) - set(state)) + state:
        write_atomic(path, plan.writes[path])


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.chmod(temporary, _file_mode(path))  # mkstemp makes it private; keep the usual mode
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _file_mode(path: Path) -> int:
    """The file's current mode, or what a new file gets under the user's umask."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
