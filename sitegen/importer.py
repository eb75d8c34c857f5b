"""`sitegen import`: raw listings in, one editable Markdown file per paper out.

Everything is read and checked before anything is written; then every file is written to a
temporary file beside it, and only when all of them are written are they renamed into place.
Hand edits survive re-imports thanks to the import state (`content/.import-state.json`): per
paper, the identity keys and the value of each field as the importer last wrote it. A field
whose value in the file differs from that is the editor's. Which page a paper is, and which
entries are one paper, is decided on positive evidence only (`sitegen.identity`), and every
merge is reported with its reason.
"""

from __future__ import annotations

import argparse
import codecs
import datetime as dt
import errno
import hashlib
import json
import os
import re
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from sitegen import schema
from sitegen.atomic import file_mode, temporary_beside
from sitegen.engine.memory import no_full_collections
from sitegen.engine.parallel import shared_chunks, side_by_side
from sitegen.engine.tuning import DEFAULT_TUNING, Tuning
from sitegen.errors import Problem, SitegenError
from sitegen.identity import (
    SAME_ENTRY,
    Descriptions,
    Page,
    PageIndex,
    PageMatch,
    Traits,
    match_pages,
    names_another_paper,
    normalise,
    same_page,
    title_key,
    traits,
    wanted_shingles,
)
from sitegen.listings import Listing, RawEntry, clean_abstract, is_snippet
from sitegen.load import TOPICS_FILE
from sitegen.merge import (
    SYNTHETIC_KEY,
    Apart,
    Group,
    Grouping,
    Join,
    cluster,
    disagreements,
    entry_traits,
    make_slug,
    merged_paper,
    where,
)
from sitegen.model import Link, Paper, is_preprint_venue
from sitegen.paperedit import edit_paper
from sitegen.paperfile import FIELDS, dump_meta, jsonable, paper_meta, read_meta
from sitegen.readers import READERS, parse_listing
from sitegen.starter import starter_text

STATE_NAME = ".import-state.json"
# The listings kept in content/sources/: files with a suffix a reader knows.
LISTING_SUFFIXES = frozenset(suffix for reader in READERS for suffix in reader.EXTENSIONS)
STATE_VERSION = 1
# The fields the importer writes (extra too: a record's fields with no place of their own); the
# others (topics, topics_add, topics_remove, template) are the editor's.
IMPORTED = schema.IMPORTED
BODY = "body"  # the abstract, a field like the others in the import state


@dataclass(frozen=True)
class Source:
    """One listing to import, as it is (or will be) kept in content/sources/."""

    name: str  # its file name in content/sources/
    text: str
    sha256: str
    given: bool  # named on the command line
    copy_from: Path | None = None  # not yet in content/sources/


@dataclass(frozen=True)
class Merge:
    """An entry that became part of a paper described elsewhere, and why."""

    entry: str  # `003.txt:41`
    page: Path
    reason: str
    anchor: str = ""  # the entry it was matched with, when the page is new
    # What the merged entries give that the page does not keep ("volume 18, not 81 (a0.ris:1)"):
    # said with the group's last merge.
    disagreements: tuple[str, ...] = ()


@dataclass
class Plan:
    """What an import would do; nothing is written until `apply` runs."""

    content: Path
    writes: dict[Path, str] = field(default_factory=dict)  # path -> new text
    removed: list[Path] = field(default_factory=list)  # older copies of a listing given again
    created: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)  # slug -> changed fields
    kept: dict[str, list[str]] = field(default_factory=dict)  # slug -> editor-owned fields kept
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)  # pages the editor deleted; not re-created
    derived_titles: int = 0
    merges: list[Merge] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    progress: list[str] = field(default_factory=list)
    starter_topics: Path | None = None  # the topics file the import gives a new content folder


def run_import(args: argparse.Namespace) -> int:
    content = content_dir(args)
    with no_full_collections():  # the library's pages described: millions of objects, no cycles
        plan = plan_import(content, list(args.listings or []), args.year, dt.date.today())
    for line in plan.progress:
        _stderr(line)
    for note in plan.notes:
        _stderr(note)
    for merge in [] if args.dry_run else plan.merges:  # a dry run lists them with what it would do
        _stderr(merge_line(merge))
    if plan.deleted:
        gone = ", ".join(str(plan.content / "papers" / f"{slug}.md") for slug in sorted(plan.deleted))
        _stderr(
            f"note: renamed or deleted, not imported again: {gone}. A page you deleted stays deleted "
            f"(remove its entry from {plan.content / STATE_NAME} to import it again). A renamed page "
            "is followed when its file still shows its DOI, arXiv id, or title with its abstract or "
            "authors; if not, give the file back its old name, import, then rename it again"
        )
    if args.dry_run:
        _print_dry_run(plan)
        return 0
    apply(plan)
    if plan.starter_topics is not None:
        _stderr(f"note: created {plan.starter_topics} with the starter topics; edit its rules to fit")
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
    if args.content is None and not Path(args.config).is_file():
        site = "`sitegen new .` makes one around these papers; then `sitegen build`"
        _stderr(f"note: no {args.config} here: {site}")
    return 0


def merge_line(merge: Merge, verb: str = "merged") -> str:
    anchor = f" (with {merge.anchor})" if merge.anchor else ""
    line = f"{verb} {merge.entry} into {merge.page}{anchor}: {merge.reason}"
    if merge.disagreements:
        line += (
            f"\nwarning: {merge.page}: the merged records disagree; the page keeps "
            f"{'; '.join(merge.disagreements)} (edit the page if another value is right)"
        )
    return line


def content_dir(args: argparse.Namespace) -> Path:
    if args.content is not None:
        return Path(args.content)
    config_path = Path(args.config) if args.config else None
    if config_path is not None and config_path.is_file():
        from sitegen.config import load_config

        loaded = load_config(config_path)
        return _relative(loaded.path(loaded.config.content_dir))
    return Path("content")


def _relative(path: Path) -> Path:
    """The path as messages show it: from the current folder when it is inside it."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


# -- reading files safely ----------------------------------------------------------------------


class SpecialFile(Exception):
    """Not a regular file (a FIFO, device, socket or folder): never opened for reading."""


FILE_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}


def read_bytes(path: Path) -> bytes:
    """A regular file's bytes. Never blocks: a FIFO is opened without waiting for a writer, seen
    for what it is and refused (SpecialFile). Other failures are SitegenErrors naming the file."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _unreadable(path, exc) from None
    try:
        mode = os.fstat(handle).st_mode
        if not stat.S_ISREG(mode):
            raise SpecialFile(FILE_KINDS.get(stat.S_IFMT(mode), "not a regular file"))
        chunks = []
        while chunk := os.read(handle, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    finally:
        os.close(handle)


def _unreadable(path: Path, exc: OSError) -> Exception:
    if exc.errno == errno.ENXIO:
        return SpecialFile("a socket")  # opening a socket file fails so
    if exc.errno == errno.ELOOP:
        return SitegenError(
            "is a symbolic link loop", path=path, hint="replace the link with the file it should point to"
        )
    if exc.errno == errno.ENOENT and os.path.lexists(path):
        return SitegenError("is a broken symbolic link", path=path, hint="point it at an existing file")
    if exc.errno == errno.ENOENT:
        return SitegenError("no such file", path=path, hint="check the path of the listing")
    return SitegenError(f"cannot be read: {exc.strerror}", path=path)


def _is_folder(path: Path) -> bool:
    """Whether `path` is a folder to read; a symbolic link loop or a file in its place is an error."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ENOENT and not os.path.lexists(path):
            return False
        raise _unreadable(path, exc) from None
    if not stat.S_ISDIR(mode):
        raise SitegenError(
            "is not a folder", path=path, hint="move the file away; sitegen keeps a folder there"
        )
    return True


def _skipped(path: Path, kind: SpecialFile) -> str:
    return f"warning: {path}: skipped: it is {kind}, not a regular file"


# -- reading and checking every input ----------------------------------------------------------


def read_text(path: Path) -> str:
    """A listing's text, or a SitegenError saying why it is not one."""
    try:
        data = read_bytes(path)
    except SpecialFile as kind:
        hint = "name the .txt files inside it" if str(kind) == "a folder" else "save the listing to a file"
        raise SitegenError(f"is {kind}, not a listing file", path=path, hint=hint) from None
    return decode_listing(data, path)


# Byte order marks that say how a text is encoded: a file saved as "Unicode" (UTF-16) by Notepad
# or Excel starts with one. UTF-32's come first: UTF-32-LE's starts as UTF-16-LE's does.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)


def decode_listing(data: bytes, path: Path) -> str:
    for bom, codec, name in BOMS:
        if data.startswith(bom):  # unambiguous: read as what its mark says (the codec drops the mark)
            try:
                return data.decode(codec).replace("\r\n", "\n")
            except UnicodeDecodeError:
                raise SitegenError(
                    f"starts as {name} text but is not valid {name}",
                    path=path,
                    hint="save the listing as UTF-8 and import it again",
                ) from None
    if b"\0" in data:
        halves = (data[1::2], data[0::2])  # UTF-16 without its mark: a zero every other byte
        if len(data) > 1 and any(half and half.count(0) == len(half) for half in halves):
            raise SitegenError(
                "looks like UTF-16 text without a byte order mark",
                path=path,
                hint="save the listing as UTF-8 and import it again",
            )
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


def gather_sources(
    content: Path, listings: list[Path], notes: list[str] | None = None, removed: list[Path] | None = None
) -> list[Source]:
    """The kept sources plus the given listings (copied in unless an identical file is there).

    A given listing named as a kept one, holding every entry of it (an updated `refs.bib`),
    replaces it, and the older copies of it kept beside it (`refs-1a2b3c4d.bib`) that it also
    holds are `removed`; a listing of that name holding other papers is kept beside it under a
    name with its hash. A special file among the kept sources (a FIFO, say) is skipped with a note."""
    folder = content / "sources"
    problems: list[Problem] = []
    kept: dict[str, Source] = {}
    for path in sorted(folder.iterdir()) if _is_folder(folder) else []:
        if path.name.startswith(".") or path.suffix.lower() not in LISTING_SUFFIXES:
            continue
        try:
            text = decode_listing(read_bytes(path), path)
        except SpecialFile as kind:
            if notes is not None:
                notes.append(_skipped(path, kind))
            continue
        except SitegenError as error:
            problems.extend(error.problems)
            continue
        kept[path.name] = Source(path.name, text, _sha(text), given=not listings)
    by_hash = {source.sha256: name for name, source in kept.items()}
    for path in listings:
        given = _checked(path, problems)
        if given is None:
            continue
        sha = _sha(given)
        if sha in by_hash:
            kept[by_hash[sha]] = replace(kept[by_hash[sha]], given=True)
            continue
        suffix = path.suffix if path.suffix.lower() in LISTING_SUFFIXES else ""
        name = f"{path.stem}{suffix}" if suffix else f"{path.name}.txt"  # kept by a suffix it knows
        if name in kept:
            earlier = _earlier_versions(name, given, kept)
            if name in earlier:  # the same listing updated: the new copy takes the old one's place
                for stale in earlier:
                    del kept[stale]
                    by_hash = {sha_: n for sha_, n in by_hash.items() if n != stale}
                if removed is not None:
                    removed.extend(folder / stale for stale in earlier if stale != name)
                if notes is not None:
                    notes.append(_replaced_note(path, folder, earlier))
            else:
                original, name = name, f"{path.stem}-{sha[:8]}{suffix or '.txt'}"
                if notes is not None:
                    notes.append(
                        f"note: {path}: {folder / original} holds a different "
                        f"listing of that name (with entries this one lacks, or a key this one gives "
                        f"another paper): this one is kept beside "
                        f"it as {folder / name}; if it is an updated version, delete the old copy"
                    )
        kept[name] = Source(name, given, sha, given=True, copy_from=path)
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


def _entry_names(text: str, name: str) -> dict[str, RawEntry] | None:
    """What names a listing's entries from one version of it to the next: a record's own key,
    else its title; None when it cannot be read (its errors are said when it is imported)."""
    try:
        listing = parse_listing(text, name)
    except SitegenError:
        return None
    found = {}
    for entry in listing.entries:
        if entry.key and not SYNTHETIC_KEY.search(entry.key):
            found[f"#{entry.key}"] = entry
        elif entry.title and title_key(entry.title):
            found[f"t:{title_key(entry.title)}"] = entry
        else:
            return None  # an untitled entry: nothing to tell whether the new version has it
    return found


def _holds_every_entry(newer: dict[str, RawEntry], older: dict[str, RawEntry]) -> bool:
    """Whether a version of a listing holds every entry of an older one: each of its names, and
    under each key the same paper (`names_another_paper`: a key the update gave another paper
    says the older one's entry is lost). An entry named by its title is that title's."""
    if not older.keys() <= newer.keys():
        return False
    for name, entry in older.items():
        again = newer[name]
        if (
            name.startswith("t:")
            or entry == again
            or title_key(entry.title or "") == title_key(again.title or "")
        ):
            continue  # most entries of an update: nothing to compare
        described = [
            entry_traits(e, clean_abstract(e.abstract, latex_groups=not e.is_record)) for e in (entry, again)
        ]
        if names_another_paper(*described):
            return False
    return True


def _earlier_versions(name: str, text: str, kept: dict[str, Source]) -> list[str]:
    """The kept copies of listing `name` (itself, and copies kept beside it as `stem-<hash>`)
    whose every entry `text` has: earlier versions of it, which it replaces."""
    stem, suffix = os.path.splitext(name)
    copy = re.compile(re.escape(stem) + r"-[0-9a-f]{8}" + re.escape(suffix))
    newer = _entry_names(text, name)
    if not newer:
        return []
    earlier = []
    for kept_name in sorted(kept):
        if kept_name == name or copy.fullmatch(kept_name):
            older = _entry_names(kept[kept_name].text, kept_name)
            if older is not None and _holds_every_entry(newer, older):
                earlier.append(kept_name)
    return earlier


def _replaced_note(path: Path, folder: Path, earlier: list[str]) -> str:
    name = earlier[0] if len(earlier) == 1 else None
    older = [folder / n for n in earlier]
    if name is not None:
        what = f"it replaces {older[0]}, an earlier version of it"
    else:
        what = f"it replaces {', '.join(map(str, older))}, earlier versions of it"
    return (
        f"note: {path}: {what} (every entry of which it holds): the page takes its values, "
        "but for fields you have edited"
    )


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
    elif explicit and max(explicit) < today.year:
        year = max(explicit) + 1
        why = (
            f"the listing shows years up to {max(explicit)} and leaves the year out only for the current year"
        )
    elif explicit:  # a year after the latest shown would be in the future: the listing is this year's
        year = today.year
        why = f"the listing shows years up to {max(explicit)}, and a later year has not come yet"
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
    """A paper file the import updates, as read: its text, front matter and body."""

    slug: str
    path: Path
    text: str  # with `\n` line ends, whatever the file's
    meta: dict[str, Any]
    body: str
    newline: str = "\n"  # the file's line ends (`\r\n` for a file saved on Windows), kept when it is edited


@dataclass
class Corpus:
    """The paper files: every name in content/papers (special files too: slugs a new page cannot
    take), and the readable ones, each read again when asked for (`page`): an import that has
    read and described every page keeps none of them, and uses a few (those its papers match)."""

    names: set[str]
    readable: dict[str, Path]  # by slug
    _read: dict[str, Existing] = field(default_factory=dict)

    def page(self, slug: str) -> Existing | None:
        path = self.readable.get(slug)
        if path is None:
            return None
        found = self._read.get(slug)
        if found is None:
            read = _read_page(path)
            if not isinstance(read, Existing):  # changed since it was read a moment ago
                raise SitegenError("changed while it was being imported", path=path, hint="import again")
            found = self._read[slug] = read
        return found


def _read_page(path: Path) -> Existing | SpecialFile | list[Problem]:
    """A paper file; else what it is instead of a regular file (never opened for reading; a
    symbolic link that leads nowhere, skipped as the build skips it), or its problems."""
    if os.path.islink(path):
        try:
            os.stat(path)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return SpecialFile("a symbolic link that leads back to itself")
            if exc.errno == errno.ENOENT:
                return SpecialFile("a symbolic link to a file that does not exist")
    try:
        text = read_bytes(path).decode("utf-8")
        newline = "\r\n" if 2 * text.count("\r\n") > text.count("\n") else "\n"  # most lines'
        text = text.replace("\r\n", "\n")  # read, compared and edited as `\n`; written back as it was
        meta, body, _ = read_meta(text, str(path))
    except SpecialFile as kind:
        return kind
    except UnicodeDecodeError:
        return [Problem("is not UTF-8 text", str(path), hint="save it as UTF-8")]
    except SitegenError as error:
        return list(error.problems)
    return Existing(path.stem, path, text, meta, body, newline)


STATE_HINT = "restore it from git, or delete it: then every value already in a paper file counts as yours"


def read_state(content: Path) -> dict[str, Any]:
    path = content / STATE_NAME
    if not os.path.lexists(path):
        return {"version": STATE_VERSION, "sources": {}, "papers": {}}
    try:
        text = read_bytes(path).decode("utf-8")
        state = json.loads(text)
    except SpecialFile as kind:
        raise SitegenError(f"the import state is {kind}, not a file", path=path, hint=STATE_HINT) from None
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise SitegenError(
            f"the import state is not valid JSON ({exc})", path=path, hint=STATE_HINT
        ) from None
    wrong = _state_shape(state)
    if wrong:
        where_, what = wrong
        raise SitegenError(
            f"the import state has the wrong shape: {where_} {what}",
            path=path,
            line=_json_line(text, where_),
            hint=STATE_HINT,
        )
    state.setdefault("sources", {})
    return state


def _state_shape(state: Any) -> tuple[str, str] | None:
    """(where, what is wrong) for the first part of the state not shaped as the importer writes it."""
    if not isinstance(state, dict):
        return "the whole file", "should be an object"
    if not isinstance(state.get("papers"), dict):
        return "`papers`", "should be an object of papers by slug"
    if not isinstance(state.get("sources", {}), dict):
        return "`sources`", "should be an object of listings by file name"
    for name, source in state.get("sources", {}).items():
        if not isinstance(source, dict) or not isinstance(source.get("sha256", ""), str):
            return f"`sources.{name}`", "should be an object with a `sha256` text"
        if not isinstance(source.get("year", 0), int) or isinstance(source.get("year"), bool):
            return f"`sources.{name}.year`", "should be a whole number"
    for slug, record in state["papers"].items():
        if not isinstance(record, dict):
            return f"`papers.{slug}`", "should be an object with `keys` and `fields`"
        keys, fields = record.get("keys", {}), record.get("fields", {})
        if not isinstance(keys, dict) or not isinstance(fields, dict):
            return f"`papers.{slug}`", "should have objects as `keys` and `fields`"
        for key in ("titles", "entries"):
            listed = keys.get(key, [])
            if not isinstance(listed, list) or not all(isinstance(item, str) for item in listed):
                return f"`papers.{slug}.keys.{key}`", "should be a list of texts"
        for key in ("title", BODY):
            if not isinstance(fields.get(key, ""), str):
                return f"`papers.{slug}.fields.{key}`", "should be a text"
        for key in ("sources", "links"):
            if not isinstance(fields.get(key, []), list):
                return f"`papers.{slug}.fields.{key}`", "should be a list"
        links = fields.get("links", [])
        if not all(isinstance(link, dict) and isinstance(link.get("url", ""), str) for link in links):
            return f"`papers.{slug}.fields.links`", "should be a list of objects with a `url`"
        if not all(isinstance(source, str) for source in fields.get("sources", [])):
            return f"`papers.{slug}.fields.sources`", "should be a list of file names"
    return None


def _json_line(text: str, where_: str) -> int | None:
    """The line of the last key named in `where_` (e.g. `papers.x.keys`), found in order."""
    position = 0
    for part in where_.strip("`").split("."):
        found = text.find(json.dumps(part), position)
        if found < 0:
            return None
        position = found
    return text.count("\n", 0, position) + 1 if position else None


# -- pages the editor renamed -----------------------------------------------------------------


def _follow_renames(content: Path, state: dict[str, Any], notes: list[str]) -> dict[str, str]:
    """Pages the import state remembers under a file name that is gone, found renamed: a file the
    state remembers nothing of, that is the same paper by what the importer wrote there (its DOI,
    arXiv id, title with its abstract or authors). Each record moves to the new name (the page is
    updated there, and messages name it so), with a note; {old slug: new slug}. A file that
    could be either of two gone pages, or a gone page either of two files, is followed by none."""
    folder = content / "papers"
    if not os.path.isdir(folder):
        return {}
    records = state["papers"]
    files = {path.stem: path for path in folder.glob("*.md") if not path.name.startswith(".")}
    gone = [
        slug for slug in sorted(records) if slug not in files and not os.path.lexists(folder / f"{slug}.md")
    ]
    unknown = [slug for slug in sorted(files) if slug not in records]
    if not gone or not unknown:
        return {}
    candidates: dict[str, list[str]] = {}
    for new in unknown:
        existing = _read_page(files[new])
        if not isinstance(existing, Existing):
            continue  # its problems are said when the pages are read
        current = _descriptions(str(files[new]), None, existing).current
        for old in gone:
            remembered = _descriptions(str(folder / f"{old}.md"), records[old], None).remembered
            if current is not None and remembered is not None and same_page(current, remembered):
                candidates.setdefault(old, []).append(new)
    taken = [new for found in candidates.values() for new in found]
    moved: dict[str, str] = {}
    for old, found in sorted(candidates.items()):
        if len(found) == 1 and taken.count(found[0]) == 1:
            moved[old] = found[0]
            records[found[0]] = records.pop(old)
            notes.append(
                f"note: {folder / (old + '.md')} was renamed {files[found[0]]}: the import updates it "
                "there (it is the same paper by what the import wrote in it)"
            )
        else:
            also = sorted(
                {new for other, more in candidates.items() if set(more) & set(found) for new in more}
            )
            notes.append(
                f"warning: {folder / (old + '.md')} is gone, and could be any of "
                f"{', '.join(str(files[n]) for n in also)}: none of them is taken for it; if it was "
                f"renamed, give it back its name {old}.md, import, then rename it again"
            )
    return moved


# -- which page each paper has -----------------------------------------------------------------


@dataclass
class _Surveyed:
    """What a process found of the pages it claimed (by number): their index, each one's
    sources, and which files are readable, skipped (not regular files) or have problems."""

    index: PageIndex = field(default_factory=PageIndex)
    sources: dict[int, frozenset[str]] = field(default_factory=dict)
    readable: set[int] = field(default_factory=set)
    skipped: dict[int, SpecialFile] = field(default_factory=dict)
    problems: dict[int, list[Problem]] = field(default_factory=dict)

    def merged(self, other: _Surveyed) -> _Surveyed:
        self.index.merged(other.index)
        self.sources.update(other.sources)
        self.readable |= other.readable
        self.skipped.update(other.skipped)
        self.problems.update(other.problems)
        return self


def _survey(
    content: Path, state: dict[str, Any], wanted: set[str], parallel_from: int, notes: list[str]
) -> tuple[Corpus, list[Page], PageIndex]:
    """Every paper file read and checked, and every page (those the editor deleted too)
    described and indexed, none of them kept: in a large library, half of them by a forked
    process (the engine's way of using both cores), since this is most of an import's time.
    Special files (a FIFO named x.md) are skipped with a note, never opened; files that cannot be
    read as papers stop the import, every problem named."""
    folder = content / "papers"
    files = sorted(folder.glob("*.md")) if _is_folder(folder) else []
    paths = {path.stem: path for path in files if not path.name.startswith(".")}
    slugs = sorted(paths.keys() | state["papers"].keys())
    shown = [str(folder / f"{slug}.md") for slug in slugs]  # as messages name them
    survey = partial(_survey_some, shown, slugs, paths, state["papers"], wanted)
    if len(slugs) < parallel_from:
        surveyed = survey(range(len(slugs)))
    else:
        chunks = shared_chunks(range(len(slugs)), 256)

        def some() -> _Surveyed:  # the chunks this process claims first
            return survey(number for chunk in chunks() for number in chunk)

        mine, theirs = side_by_side(some, some)
        surveyed = mine.merged(theirs)
    place = {path.stem: at for at, path in enumerate(files)}  # said in the order of the files
    in_order = partial(sorted, key=lambda number: place[slugs[number]])
    problems = [problem for number in in_order(surveyed.problems) for problem in surveyed.problems[number]]
    if problems:
        raise _all(problems, "fix these paper files before importing")
    notes += [_skipped(paths[slugs[n]], surveyed.skipped[n]) for n in in_order(surveyed.skipped)]
    corpus = Corpus(set(place), {slugs[number]: paths[slugs[number]] for number in sorted(surveyed.readable)})
    pages = [
        Page(
            slug,
            shown[number],
            partial(_page_descriptions, shown[number], state["papers"].get(slug), corpus, slug),
            surveyed.sources.get(number, frozenset()),
        )
        for number, slug in enumerate(slugs)
    ]
    return corpus, pages, surveyed.index


def _survey_some(
    shown: list[str],
    slugs: list[str],
    paths: dict[str, Path],
    records: dict[str, Any],
    wanted: set[str],
    numbers: Iterable[int],
) -> _Surveyed:
    """The pages of `numbers` read, checked, described and indexed (see `_survey`)."""
    found = _Surveyed()
    for number in numbers:
        slug = slugs[number]
        record, path = records.get(slug), paths.get(slug)
        existing = _read_page(path) if path is not None else None
        if isinstance(existing, list):
            found.problems[number] = existing
            continue
        if isinstance(existing, SpecialFile):
            found.skipped[number], existing = existing, None
        elif existing is not None:
            found.readable.add(number)
        sources = found.sources[number] = _sources(record, existing)
        described = _descriptions(shown[number], record, existing)
        found.index.add(number, described, sources, wanted)
    return found


def _sources(record: dict[str, Any] | None, existing: Existing | None) -> frozenset[str]:
    """The listings a page came from: as the import state remembers it, and as its file says."""
    sources: set[str] = set()
    if record is not None:
        sources |= set(record.get("fields", {}).get("sources", []))
    if existing is not None:
        listed = existing.meta.get("sources")
        sources |= {str(s) for s in listed} if isinstance(listed, list) else set()
    return frozenset(sources)


def _page_descriptions(shown: str, record: dict[str, Any] | None, corpus: Corpus, slug: str) -> Descriptions:
    return _descriptions(shown, record, corpus.page(slug))


def _descriptions(shown: str, record: dict[str, Any] | None, existing: Existing | None) -> Descriptions:
    """A page as the importer last wrote it (`record`, from the import state) and as its file is."""
    remembered = current = None
    if record is not None:
        fields = record.get("fields", {})
        keys = record.get("keys", {})
        remembered = _described(shown, fields, keys.get("titles", []), keys.get("entries", []))
    if existing is not None:
        current = _described(shown, dict(existing.meta, **{BODY: existing.body}), [])
    return Descriptions(remembered, current)


def _described(
    shown: str, fields: dict[str, Any], title_keys: list[str], made_from: Iterable[str] = ()
) -> Traits:
    """A page's fields as identity evidence; a derived title is no evidence."""
    title = fields.get("title")
    derived = fields.get("title_derived") is True
    links = fields.get("links")
    urls = [
        Link(str(link["url"]))
        for link in (links if isinstance(links, list) else [])
        if isinstance(link, dict) and isinstance(link.get("url"), str)
    ]
    plain = markdown_plain(str(fields.get(BODY) or ""))
    return traits(
        shown,
        None if derived or not isinstance(title, str) else title,
        plain,
        urls,
        cut_off=bool(plain.strip()) and is_snippet(plain),  # as the entry that wrote it was read
        title_keys=[] if derived else title_keys,
        dois=[str(fields["doi"])] if isinstance(fields.get("doi"), str) else [],
        arxiv=[str(fields["arxiv"])] if isinstance(fields.get("arxiv"), str) else [],
        authors=[str(name) for name in fields.get("authors") or [] if isinstance(name, str)]
        if isinstance(fields.get("authors"), list)
        else [],
        made_from=made_from,
        authors_count=count if isinstance(count := fields.get("authors_count"), int) else None,
        year=None if fields.get("date_inferred") is True else _year(fields.get("date")),
        venue=venue
        if isinstance(venue := fields.get("venue"), str) and not is_preprint_venue(venue)
        else None,
    )


def _year(date: Any) -> int | None:
    """The year of a page's `date` (a date, a number, or `2024-12-03` as the state keeps it)."""
    if isinstance(date, bool):
        return None
    if isinstance(date, int):
        return date
    if isinstance(date, dt.date):
        return date.year
    found = re.match(r"(\d{4})", str(date)) if date is not None else None
    return int(found.group(1)) if found else None


def markdown_plain(markdown: str) -> str:
    """A page's abstract back as the listing's text: links as their addresses, escapes undone."""
    text = re.sub(
        r"\[((?:[^\]\\]|\\.)*)\]\(([^)\s]+)\)",
        lambda m: m.group(2).replace("%28", "(").replace("%29", ")"),
        markdown,
    )
    text = re.sub(r"<((?:https?://|mailto:)[^>\s]+)>", r"\1", text)
    return re.sub(r"\\([\\`*_\[\]<>&#+=\-.)~])", r"\1", text)


# -- planning ----------------------------------------------------------------------------------


def plan_import(
    content: Path, listings: list[Path], year: int | None, today: dt.date, tuning: Tuning = DEFAULT_TUNING
) -> Plan:
    """What importing `listings` into `content` would do. `tuning.parallel_from`: pages from which
    two processes describe them (a test sends a small library down that path)."""
    plan = Plan(content)
    skipped: list[str] = []
    sources = gather_sources(content, listings, skipped, plan.removed)
    parsed = parse_sources(sources, content)
    state = read_state(content)
    _follow_renames(content, state, skipped)
    years = _years(sources, parsed, state, year, today, plan)
    grouping = cluster(entry for listing in parsed for entry in listing.entries)
    groups = grouping.groups
    described = [list(zip(g.traits, (entry.source for entry in g.entries), strict=True)) for g in groups]
    corpus, pages, index = _survey(content, state, wanted_shingles(described), tuning.parallel_from, skipped)
    matches, unsure = match_pages(described, pages, index)
    known_sources = {page.slug: page.sources for page in pages}
    # pages not in these listings keep their record
    papers: dict[str, Any] = dict(state["papers"])
    new_state = {"version": STATE_VERSION, "sources": _plan_sources(plan, sources, years), "papers": papers}
    taken = corpus.names | set(state["papers"]) | {m.slug for m in matches.values()}
    slugs: dict[str, str] = {}
    for number, group in enumerate(groups):
        paper = merged_paper(group, lambda name: years.get(name) or today.year)
        match = matches.get(number)
        slug = match.slug if match else make_slug(paper.title, taken)
        taken.add(slug)
        slugs[group.key] = slug
        page = content / "papers" / f"{slug}.md"
        merges_before = len(plan.merges)
        _plan_merges(plan, group, match, page, known_sources.get(slug, frozenset()))
        if len(plan.merges) > merges_before:  # said with the merge, not again at each import
            plan.merges[-1] = replace(plan.merges[-1], disagreements=tuple(disagreements(group, paper)))
        if match and slug not in corpus.readable:
            plan.deleted.append(slug)  # the editor deleted the page: leave it deleted
            continue
        existing = corpus.page(slug)
        remembered = _plan_paper(plan, replace(paper, slug=slug), existing, state["papers"].get(slug))
        papers[slug] = _state_record(group, remembered)
    plan.progress = _progress(parsed, groups, matches, known_sources)
    warnings = [f"warning: {problem}" for listing in parsed for problem in listing.warnings]
    warnings += skipped + _look_alike_warnings(grouping, matches, unsure, slugs, content)
    plan.notes[:0] = warnings
    _plan_state(plan, new_state)
    _plan_starter_topics(plan)
    return plan


def _look_alike_warnings(
    grouping: Grouping,
    matches: dict[int, PageMatch],
    unsure: dict[int, list[str]],
    slugs: dict[str, str],
    content: Path,
) -> list[str]:
    """Look-alikes kept apart, said when the decision is made: when one of them gets a new page."""
    groups = grouping.groups
    new = {group.key for number, group in enumerate(groups) if number not in matches}
    warnings = [
        _apart_warning(apart, grouping.group_of, slugs, content)
        for apart in grouping.apart
        if any(grouping.group_of[(e.source, e.line)] in new for e in apart.entries)
    ]
    warned = {where(apart.entries[0]) for apart in grouping.apart if apart.kind == "ambiguous"}
    for number, candidates in sorted(unsure.items()):
        first = where(groups[number].entries[0])
        if first not in warned:  # the entries of those pages are no longer in the listings
            page = content / "papers" / f"{slugs[groups[number].key]}.md"
            warnings.append(
                f"warning: {first} could be any of several pages: {', '.join(candidates)}; "
                f"it is a paper of its own, {page}: merge it by hand if it is one of them"
            )
    return warnings


def _plan_merges(
    plan: Plan, group: Group, match: PageMatch | None, page: Path, known: frozenset[str]
) -> None:
    """Report each entry that joins a paper described elsewhere, unless its listing was merged before."""
    if match is None:
        for join in group.joins:
            plan.merges.append(Merge(where(join.entry), page, join.reason, where(join.anchor)))
        return
    joins = {id(join.entry): join for join in group.joins}
    reported: set[str] = set()
    for entry in group.entries:
        if entry.source in known or entry.source in reported:
            continue
        reported.add(entry.source)
        joined = joins.get(id(entry))
        if joined is None or joined.anchor.source not in known:
            # the page was found by the entry that made it: say what joined this one to that one
            joined = _joined_with_known(group, entry, known) if match.reason == SAME_ENTRY else None
        if joined is not None:
            other = joined.entry if joined.anchor is entry else joined.anchor
            plan.merges.append(Merge(where(entry), page, joined.reason, where(other)))
        else:
            plan.merges.append(Merge(where(entry), page, match.reason))


def _joined_with_known(group: Group, entry: RawEntry, known: frozenset[str]) -> Join | None:
    """The join of `entry` with an entry of one of the `known` listings, in either direction."""
    return next(
        (
            join
            for join in group.joins
            if (join.entry is entry and join.anchor.source in known)
            or (join.anchor is entry and join.entry.source in known)
        ),
        None,
    )


def _apart_warning(
    apart: Apart, group_of: dict[tuple[str, int], str], slugs: dict[str, str], content: Path
) -> str:
    def page(entry) -> str:
        return str(content / "papers" / f"{slugs[group_of[(entry.source, entry.line)]]}.md")

    first, *others = apart.entries
    if apart.kind == "ambiguous":
        candidates = ", ".join(f"{where(e)} ({page(e)})" for e in others)
        return (
            f"warning: {where(first)} could be any of several papers kept apart: {candidates}; "
            f"it is a paper of its own, {page(first)}: merge it by hand if it is one of them"
        )
    other = others[0]
    return (
        f"warning: {where(first)} and {where(other)}: {apart.reason}: kept as two papers, "
        f"{page(first)} and {page(other)}; if they are one paper, merge them by hand"
    )


def _plan_starter_topics(plan: Plan) -> None:
    """A new content folder gets the starter taxonomy (as `sitegen new` gives it), so that with a
    site.yaml `sitegen build` works straight after."""
    target = plan.content / TOPICS_FILE
    if not os.path.lexists(target):
        plan.writes[target] = starter_text(TOPICS_FILE)
        plan.starter_topics = target


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
    """Identity keys (so a hand-edited title still matches, and the entries that made the page
    find it again) and the fields as the importer wrote them."""
    return {
        "keys": {
            "titles": sorted({title_key(e.title) for e in group.entries if e.title} - {""}),
            "abstract": hashlib.sha1(normalise(fields[BODY]).encode()).hexdigest()[:16],
            "entries": sorted(made for traits in group.traits for made in traits.made_from),
        },
        "fields": fields,
    }


def _plan_state(plan: Plan, state: dict[str, Any]) -> None:
    text = json.dumps(state, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    path = plan.content / STATE_NAME
    try:
        same = read_bytes(path).decode("utf-8") == text
    except (OSError, SpecialFile, SitegenError, UnicodeDecodeError):
        same = False
    if not same:
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


def _progress(
    parsed: list[Listing],
    groups: list[Group],
    matches: dict[int, PageMatch],
    known: dict[str, frozenset[str]],
) -> list[str]:
    """A line per listing: its papers, and for each whether it is new, merged or already imported.

    A paper is *new* in the listing that first shows it when it gets a new page; *merged* when
    this listing adds to a paper another listing shows (or a page that did not list it yet);
    *already imported* when its page lists this listing already. They add up to the papers.
    """
    lines = []
    for number, listing in enumerate(parsed, 1):
        counts = {"new": 0, "merged": 0, "already imported": 0}
        papers = 0
        for index, group in enumerate(groups):
            if listing.source not in group.files:
                continue
            papers += 1
            match = matches.get(index)
            if match is not None and listing.source in known.get(match.slug, frozenset()):
                counts["already imported"] += 1
            elif match is None and group.files[0] == listing.source:
                counts["new"] += 1
            else:
                counts["merged"] += 1
        lines.append(
            f"[{number}/{len(parsed)}] {listing.source}: {papers} papers ({counts['new']} new, "
            f"{counts['merged']} merged, {counts['already imported']} already imported) "
            f"from {len(listing.entries)} {listing.kind} entries"
        )
    return lines


def _plan_paper(
    plan: Plan, paper: Paper, existing: Existing | None, remembered: dict[str, Any] | None
) -> dict[str, Any]:
    """Plan the paper's file; return its fields as the importer would write them, for the state."""
    imported = {key: value for key, value in paper_meta(paper).items() if key in IMPORTED}
    imported[BODY] = paper.abstract.strip()
    path = plan.content / "papers" / f"{paper.slug}.md"
    if existing is None:
        meta = {key: value for key, value in imported.items() if key != BODY}
        if meta.get("title_derived"):
            plan.derived_titles += 1
        plan.created.append(paper.slug)
        plan.writes[path] = dump_meta(meta, paper.abstract)
        return jsonable(imported)
    meta, body, owned = _resolve(imported, existing, remembered)
    if meta.get("title_derived"):
        plan.derived_titles += 1
    if owned:
        plan.kept[paper.slug] = owned
    if remembered is not None:
        last = remembered.get("fields", {})
        held = [key for key in owned if jsonable(imported.get(key)) != jsonable(last.get(key))]
        if held:
            plan.notes.append(_held_note(existing.path, held, imported, last))
    old = jsonable(dict(existing.meta, **{BODY: existing.body.strip()}))
    new = jsonable(dict(meta, **{BODY: body.strip()}))
    if old == new:
        plan.unchanged += 1  # no field changed: the file is not rewritten, whatever its formatting
        return jsonable(imported)
    plan.updated[paper.slug] = [k for k in [*IMPORTED, BODY] if old.get(k) != new.get(k)] or ["field order"]
    plan.writes[path] = _updated_text(plan, existing, meta, body).replace("\n", existing.newline)
    return jsonable(imported)


def _held_note(path: Path, held: list[str], imported: dict[str, Any], last: dict[str, Any]) -> str:
    """Say which new values from the listings a page's hand edits hold back, and how to take them."""
    said = []
    for key in held:
        if key != BODY:
            said.append(f"{key} ({json.dumps(jsonable(imported.get(key)), ensure_ascii=False)})")
            continue
        new, old = normalise(str(imported.get(BODY, ""))).split(), normalise(str(last.get(BODY, ""))).split()
        fuller = len(new) > len(old) and new[: len(old) - 1] == old[:-1]  # the old one's last word cut
        said.append("a fuller abstract" if fuller else "a new abstract")
    body = BODY in held
    fields = [key for key in held if key != BODY]
    how = []
    if body:
        how.append("delete the abstract (everything after the closing ---)")
    if fields:  # (a field deleted stays deleted: that too is an edit)
        how.append(f"write {'that value' if len(fields) == 1 else 'those values'} in")
    edited = "the abstract" if body and not fields else "these fields" if not body else "them"
    return (
        f"note: {path}: held back, as you edited {edited} there: the listings now give "
        f"{'; '.join(said)}. To take them, {', and '.join(how)}, then import again"
    )


def _updated_text(plan: Plan, existing: Existing, meta: dict[str, Any], body: str) -> str:
    """As a fresh file when the file is as the importer wrote it; else edited in place, keeping
    the editor's comments, key order and list styles."""
    if existing.text == dump_meta(existing.meta, existing.body):
        return dump_meta(meta, body)
    edited = edit_paper(existing.text, meta, body, FIELDS)
    if edited is not None:
        return edited
    plan.notes.append(
        f"warning: {existing.path}: its front matter is too unusual to edit in place; "
        "it is written afresh, without its comments"
    )
    return dump_meta(meta, body)


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
        # with no record, whatever is there is the editor's
        editor_owned = has_current if last is None else jsonable(current.get(key)) != jsonable(last.get(key))
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
    return ordered, str(body), [k for k in owned if jsonable(current.get(k)) != jsonable(imported.get(k))]


# -- output ------------------------------------------------------------------------------------


def _print_dry_run(plan: Plan) -> None:
    for path in sorted(p for p in plan.writes if p.parent.name == "sources"):
        print(f"would copy listing to {path}")
    for path in plan.removed:
        print(f"would remove {path}, an earlier version of a listing given again")
    for slug in plan.created:
        print(f"would create {plan.content / 'papers' / (slug + '.md')}")
    for slug, fields in sorted(plan.updated.items()):
        print(f"would update {plan.content / 'papers' / (slug + '.md')}: {', '.join(fields)}")
    for slug, fields in sorted(plan.kept.items()):
        print(f"would keep hand-edited {', '.join(fields)} in {slug}.md")
    for merge in plan.merges:
        print(merge_line(merge, "would merge"))
    if plan.starter_topics is not None:
        print(f"would create {plan.starter_topics} with the starter topics")
    print(
        f"dry run: {len(plan.created)} to create, {len(plan.updated)} to update, "
        f"{plan.unchanged} unchanged, {len(plan.merges)} merges; nothing was written"
    )


def apply(plan: Plan) -> None:
    """Write every planned file to a temporary file beside it; once all are written, rename each
    into place, the import state last. A failure while writing (a full disk) changes nothing."""
    state = [path for path in plan.writes if path.name == STATE_NAME]
    order = sorted(set(plan.writes) - set(state)) + state
    written: list[tuple[str, Path]] = []
    try:
        for path in order:
            written.append((write_temporary(path, plan.writes[path]), path))
    except OSError as exc:
        for temporary, _ in written:
            Path(temporary).unlink(missing_ok=True)
        raise SitegenError(
            f"cannot write: {exc.strerror or exc}; nothing was changed",
            path=getattr(exc, "filename", None) or order[len(written)],
            hint="free some space or fix the permissions, then import again",
        ) from None
    for done, (temporary, path) in enumerate(written):
        try:
            os.replace(temporary, path)
        except OSError as exc:
            for left, _ in written[done:]:
                Path(left).unlink(missing_ok=True)
            raise SitegenError(
                f"cannot replace the file: {exc.strerror or exc}; {done} of {len(written)} files were "
                "written, the import state last, so importing again finishes the job",
                path=path,
            ) from None
    for path in plan.removed:  # after the import state, which no longer names them
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            _stderr(f"warning: {path}: cannot remove this earlier copy of a listing: {exc.strerror or exc}")


def write_temporary(path: Path, text: str) -> str:
    """`text` in a new file beside `path` (same folder, so the rename is atomic); its name. It
    gets the mode `path` has (or a new file would get), not a temporary file's private one."""
    return str(temporary_beside(path, lambda stream: stream.write(text.encode("utf-8")), file_mode(path)))
