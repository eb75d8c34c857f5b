"""The built-in static files, by their path in the output, copied to assets/ as they are. A file
of the same name in a templates folder's static/ replaces one (sitegen/engine/looks.py)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from sitegen import urls

# Output path -> (package, resource). The search's files are loaded by the pages (search.js,
# search.css) or when search is first used (lunr.js, search-engine.js, with the index).
SEARCH = {
    "assets/lunr.js": ("sitegen", "vendor/lunr.js"),
    "assets/search-engine.js": ("sitegen.templates", "static/search-engine.js"),
    "assets/search.js": ("sitegen.templates", "static/search.js"),
    "assets/search.css": ("sitegen.templates", "static/search.css"),
}
BUILT_IN = {
    urls.STYLE: ("sitegen.templates", "static/style.css"),
    urls.SITE_JS: ("sitegen.templates", "static/site.js"),
    urls.THEME_JS: ("sitegen.templates", "static/theme.js"),
    urls.NOSCRIPT_CSS: ("sitegen.templates", "static/noscript.css"),
    urls.FAVICON: ("sitegen.templates", "static/favicon.svg"),
    **SEARCH,
}


def default_templates() -> Path:
    """The built-in templates' folder (their static files in its static/)."""
    return Path(str(resources.files("sitegen.templates")))


def read(table: dict[str, tuple[str, str]]) -> dict[str, bytes]:
    """The files of `table`, by output path."""
    files = resources.files
    return {path: files(package).joinpath(name).read_bytes() for path, (package, name) in table.items()}
