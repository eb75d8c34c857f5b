"""The templates and static files a build renders with, and their digests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sitegen import assets, urls
from sitegen.config import LoadedConfig
from sitegen.digests import digest
from sitegen.errors import Problem, SitegenError, os_error
from sitegen.load import display_path, is_editor_noise, special_file_warning

ASSETS_FOLDER = "static"  # in a templates folder: files copied to assets/ as they are
ROOT_FOLDER = "root"  # in a templates folder: files copied to the site's root as they are


@dataclass(frozen=True)
class Looks:
    """The templates and static files a build renders with."""

    folder: Path | None  # the user's templates
    fingerprint: str  # digest of every template
    assets: dict[str, bytes]  # the static files, by output path
    digest: str  # of the templates and the static files
    skipped: tuple[Problem, ...] = ()  # what the user's folder holds that cannot be a template
    own_templates: bool = False  # the user's folder holds templates (not only static files)
    root_files: dict[str, str] = field(default_factory=dict)  # of `assets`: output path -> file shown

    @classmethod
    def of(cls, folder: Path | None, loaded: LoadedConfig | None = None) -> Looks:
        files, skipped = _user_template_files(folder, loaded)
        fingerprint, found = _templates_fingerprint(folder, files, loaded), _assets(folder, files, loaded)
        own = folder is not None and any(
            _is_template(path, folder) and not path.name.startswith(".") and not is_editor_noise(path)
            for path in files
        )
        root = _root_files(folder, files)
        found.update((path, _read(source, loaded)) for path, source in root.items())
        shown = {path: _shown(source, loaded) for path, source in root.items()}
        digested = f"{fingerprint} {_assets_digest(found)}"
        return cls(folder, fingerprint, found, digested, skipped, own, shown)

    def refuse_root_files_at(self, made: set[str]) -> None:
        """A file of the root folder may not take the place of what the build makes: `made` holds
        the first part of each of its paths (index.html, papers.json, the papers/ folder...)."""
        for path, shown in self.root_files.items():
            first, _, inside = path.partition("/")
            if first in made:
                what = f"the {first}/ folder" if inside else first
                raise SitegenError(
                    f"the build makes {what} itself", path=shown, hint=_elsewhere(first, inside)
                )


def _elsewhere(first: str, inside: str) -> str:
    """Where a root file that takes the place of what the build makes goes instead."""
    if first == urls.ASSETS.rstrip("/"):  # the static/ folder's files are copied there
        return f"move this file to the {ASSETS_FOLDER}/ folder beside this one, as {inside}"
    if inside:
        return "move this file to another folder"
    return "rename or delete this file; what the build makes is changed through the templates"


def _user_template_files(
    folder: Path | None, loaded: LoadedConfig | None
) -> tuple[list[Path], tuple[Problem, ...]]:
    """The files of the user's templates folder (or links to files), and a warning for each
    thing there that cannot be a template (a named pipe, a link that leads nowhere): skipped, as
    the template loader skips them."""
    if folder is None or not folder.is_dir():
        return [], ()
    files, skipped = [], []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            files.append(path)
        else:
            problem = special_file_warning(path, _shown(path, loaded))
            if problem is not None:
                skipped.append(problem)
    return files, tuple(skipped)


def _shown(path: Path, loaded: LoadedConfig | None) -> str:
    return display_path(path, loaded) if loaded is not None else str(path)


def _read(path: Path, loaded: LoadedConfig | None) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise os_error(exc, "read the template", _shown(path, loaded)) from None


def _templates_fingerprint(
    user_templates: Path | None, user_files: list[Path], loaded: LoadedConfig | None = None
) -> str:
    """A digest of every template file (user's and built-in): any change re-renders every page.
    The static files beside them are not rendered, so they are left out."""
    parts = []
    built_in = assets.default_templates()
    for folder, files in (
        (built_in, sorted(p for p in built_in.rglob("*") if p.is_file())),
        (user_templates, user_files),
    ):
        for path in files:
            if folder is not None and _is_template(path, folder):
                data = _read(path, loaded)
                if folder == user_templates:
                    _check_user_template(data, path, folder, loaded)
                parts.append(f"{path}\0{digest(data)}")
    return digest("\n".join(parts).encode("utf-8"))


TEMPLATE_SUFFIXES = (".html", ".htm", ".xml", ".txt", ".j2", ".jinja", ".jinja2")
EXTENDS = re.compile(r"{%-?\s*extends\s+(['\"])(.+?)\1")


def _check_user_template(data: bytes, path: Path, folder: Path, loaded: LoadedConfig | None) -> None:
    """A template of the user's that Jinja would fail on where it is used, with a message naming
    another file or none: one that is not UTF-8 text, or one that extends itself (it takes the
    built-in template's name, so `extends "paper.html"` is itself: the built-in is default/...)."""
    if is_editor_noise(path) or path.name.startswith(".") or path.suffix.lower() not in TEMPLATE_SUFFIXES:
        return  # an image or a note kept beside the templates is never loaded as one
    shown = _shown(path, loaded)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SitegenError(
            "the template is not UTF-8 text", path=shown, line=line, hint="save it as UTF-8"
        ) from None
    name = path.relative_to(folder).as_posix()
    for found in EXTENDS.finditer(text):
        if found.group(2) == name:
            raise SitegenError(
                f'the template extends itself ("{name}" is this file, which takes the built-in\'s place)',
                path=shown,
                line=text.count("\n", 0, found.start()) + 1,
                hint=f'extend the built-in one: {{% extends "default/{name}" %}}',
            )


def _assets(
    user_templates: Path | None, user_files: list[Path], loaded: LoadedConfig | None = None
) -> dict[str, bytes]:
    """The files copied to assets/: the built-in ones (the search's too: written every build, not
    only when the index is made again), and every file in the user's templates folder's static/
    folder, which replaces the built-in file of the same name or adds one."""
    found = assets.read(assets.BUILT_IN)
    folder = user_templates / ASSETS_FOLDER if user_templates is not None else None
    if folder is None:
        return found
    for path in user_files:
        if path.is_relative_to(folder) and not path.name.startswith(".") and not is_editor_noise(path):
            found[urls.ASSETS + path.relative_to(folder).as_posix()] = _read(path, loaded)
    if urls.SEARCH_INDEX in found:
        raise SitegenError(
            f"{folder / Path(urls.SEARCH_INDEX).name} would replace the search index the build makes",
            hint="rename or delete that file",
        )
    return found


def _root_files(user_templates: Path | None, user_files: list[Path]) -> dict[str, Path]:
    """The files of the templates folder's root/ folder, by the path each is copied to in the
    output (a CNAME, robots.txt, Netlify's _redirects, .well-known/, .htaccess: hidden files too,
    but not an editor's)."""
    if user_templates is None:
        return {}
    folder = user_templates / ROOT_FOLDER
    return {
        path.relative_to(folder).as_posix(): path
        for path in user_files
        if path.is_relative_to(folder) and not is_editor_noise(path)
    }


def _assets_digest(found: dict[str, bytes]) -> str:
    return digest(repr(sorted((path, digest(data)) for path, data in found.items())).encode("utf-8"))


def _is_template(path: Path, folder: Path) -> bool:
    """Whether a file of a templates folder is one (not a static file, not Python's bytecode)."""
    return not _is_bytecode(path) and path.relative_to(folder).parts[0] not in (ASSETS_FOLDER, ROOT_FOLDER)


def _is_bytecode(path: Path) -> bool:
    return path.suffix == ".pyc" or "__pycache__" in path.parts
