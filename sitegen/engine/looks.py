"""The templates and static files a build renders with, and their digests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sitegen import assets, render, urls
from sitegen.digests import digest
from sitegen.errors import SitegenError
from sitegen.load import is_editor_noise

ASSETS_FOLDER = "static"  # in a templates folder: files copied to assets/ as they are


@dataclass(frozen=True)
class Looks:
    """The templates and static files a build renders with."""

    folder: Path | None  # the user's templates
    fingerprint: str  # digest of every template
    assets: dict[str, bytes]  # the static files, by output path
    digest: str  # of the templates and the static files

    @classmethod
    def of(cls, folder: Path | None) -> Looks:
        fingerprint, assets = _templates_fingerprint(folder), _assets(folder)
        return cls(folder, fingerprint, assets, f"{fingerprint} {_assets_digest(assets)}")


def _templates_fingerprint(user_templates: Path | None) -> str:
    """A digest of every template file (user's and built-in): any change re-renders every page.
    The static files beside them are not rendered, so they are left out."""
    parts = []
    for folder in (render.default_templates(), user_templates):
        if folder is not None and folder.is_dir():
            for path in sorted(p for p in folder.rglob("*") if p.is_file() and not _is_bytecode(p)):
                if path.relative_to(folder).parts[0] != ASSETS_FOLDER:
                    parts.append(f"{path}\0{digest(path.read_bytes())}")
    return digest("\n".join(parts).encode("utf-8"))


def _assets(user_templates: Path | None) -> dict[str, bytes]:
    """The files copied to assets/: the built-in ones (the search's too: written every build, not
    only when the index is made again), and every file in the user's templates folder's static/
    folder, which replaces the built-in file of the same name or adds one."""
    found = assets.read(assets.BUILT_IN)
    folder = user_templates / ASSETS_FOLDER if user_templates is not None else None
    if folder is None or not folder.is_dir():
        return found
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.startswith(".") and not is_editor_noise(path):
            found[urls.ASSETS + path.relative_to(folder).as_posix()] = path.read_bytes()
    if urls.SEARCH_INDEX in found:
        raise SitegenError(
            f"{folder / Path(urls.SEARCH_INDEX).name} would replace the search index the build makes",
            hint="rename or delete that file",
        )
    return found


def _assets_digest(assets: dict[str, bytes]) -> str:
    return digest(repr(sorted((path, digest(data)) for path, data in assets.items())).encode("utf-8"))


def _is_bytecode(path: Path) -> bool:
    return path.suffix == ".pyc" or "__pycache__" in path.parts
