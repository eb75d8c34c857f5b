"""`site.yaml`: read and validated once, at the edge. Errors name the key and its line."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from sitegen import yamlfile
from sitegen.errors import Problem, SitegenError
from sitegen.model import SiteConfig

CONFIG_NAME = "site.yaml"

# key -> (SiteConfig field, what it holds)
KEYS = {
    "title": ("title", "the site's name, shown in every page header"),
    "description": ("description", "a sentence on what the review covers"),
    "base_url": ("base_url", "the address the site is published at, for the feed and sitemap"),
    "author": ("author", "who keeps the review"),
    "language": ("language", "the pages' language code, e.g. en"),
    "recent_count": ("recent_count", "how many recent papers the home page lists"),
    "related_count": ("related_count", "how many related papers a paper page lists"),
    "editor": ("editor", "true: build the editor's view (notes, badges, the attention page) every time"),
}
FLAGS = ("editor",)  # keys that take true or false
PATH_KEYS = {
    "content": "content_dir",
    "templates": "templates_dir",
    "output": "output_dir",
    "cache": "cache_dir",
}
REQUIRED = ("title", "description", "base_url", "author")
URL_HINT = "e.g. https://example.org/review/"
EXAMPLE_BASE_URL = "https://example.org/"  # what `sitegen new` writes until told the site's address
# Domains reserved for examples (RFC 2606, RFC 6761): a site published under one is not reachable.
EXAMPLE_DOMAINS = ("example.com", "example.net", "example.org")


@dataclasses.dataclass(frozen=True)
class LoadedConfig:
    """site.yaml as read and checked, with the folder it lies in and its warnings."""

    config: SiteConfig
    root: Path  # the folder holding site.yaml; config paths are relative to it
    warnings: tuple[Problem, ...]
    shown: str = CONFIG_NAME  # the file as messages name it
    # The line of each `paths` key, for problems found later with the folder it names.
    path_lines: Mapping[str, int | None] = dataclasses.field(default_factory=dict, compare=False)

    def path(self, relative: str) -> Path:
        return (self.root / relative).resolve()

    def missing_templates(self) -> Problem | None:
        """A warning when `paths.templates` names no folder (a typo, or one not made yet): the
        built-in templates are used, and the editor's own would be left out without a word.
        Asked at each build, not when the file is read: the preview sees the folder made later."""
        folder = self.config.templates_dir
        if not folder or self.path(folder).is_dir():
            return None
        return Problem(
            f"there is no folder {folder} ({self.path(folder)}); the built-in templates are used",
            self.shown,
            self.path_lines.get("templates"),
            "paths.templates",
            "create the folder, or correct the path",
        )

    def for_editor(self, editor: bool) -> LoadedConfig:
        """The same project, built as the editor's view (True) or as the reader's site (False),
        whatever site.yaml's `editor` says: `sitegen build --editor` and `sitegen serve` decide."""
        return dataclasses.replace(self, config=dataclasses.replace(self.config, editor=editor))


def _line(text: str, key: str) -> int | None:
    match = re.search(rf"^\s*{re.escape(key)}\s*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def is_site_address(text: str) -> bool:
    """Whether `text` is an absolute http(s) address of a folder, as `base_url` must be: no space,
    query or fragment (the pages' addresses are made by appending their paths to it)."""
    return re.fullmatch(r"https?://[^/\s?#]+(?:/[^\s?#]*)?", text) is not None


LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")  # BCP 47's shape: en, en-GB, pt-BR, zh-Hant


def _is_example(address: str) -> bool:
    """Whether an address is under a domain reserved for examples (or the `.example` TLD)."""
    host = urlsplit(address).hostname or ""
    return host.endswith(".example") or any(host == d or host.endswith("." + d) for d in EXAMPLE_DOMAINS)


def load_config(path: Path) -> LoadedConfig:
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SitegenError(
            "no site config found",
            path=shown,
            hint=f"run sitegen in the folder that holds {CONFIG_NAME}, pass --config PATH, "
            "or make a site with `sitegen new FOLDER`",
        ) from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes().count(b"\n", 0, exc.start) + 1
        raise SitegenError(
            "the file is not UTF-8 text", path=shown, line=line, hint="save it as UTF-8"
        ) from None
    try:
        raw = yamlfile.load(text, yaml.SafeLoader, shown, hint="check quotes and indentation") or {}
    except ValueError as exc:  # a date that does not exist, as a value
        raise SitegenError(f"not valid YAML: {exc}", path=shown, hint="check the values") from None
    if not isinstance(raw, dict):
        raise SitegenError("must be a mapping of `key: value` lines", path=shown, line=1)
    return _validate(raw, text, path)


def _validate(raw: dict[str, Any], text: str, path: Path) -> LoadedConfig:
    shown = str(path)
    errors: list[Problem] = []
    warnings: list[Problem] = yamlfile.comment_warnings(text, shown)
    values: dict[str, Any] = {}

    def problem(key: str, message: str, hint: str) -> Problem:
        return Problem(message, shown, _line(text, key.split(".")[-1]), key, hint)

    for key, value in raw.items():
        if key == "paths":
            continue
        if key not in KEYS:
            known = ", ".join([*KEYS, "paths"])
            warnings.append(problem(str(key), "is not a known setting; ignored", f"known: {known}"))
            continue
        field, meaning = KEYS[key]
        if key in FLAGS:
            if not isinstance(value, bool):
                errors.append(problem(key, f"must be true or false, found {value!r}", meaning))
                continue
        elif field.endswith("_count"):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                errors.append(problem(key, f"must be a whole number, found {value!r}", meaning))
                continue
        else:
            value = yamlfile.as_written(text, key, value)  # `title: yes` is "yes", not true
            if not isinstance(value, (str, int, float)) or not str(value).strip():
                errors.append(problem(key, f"must be non-empty text, found {value!r}", meaning))
                continue
            value = str(value).strip()
        values[field] = value
    for key in REQUIRED:
        if key not in raw:
            errors.append(problem(key, "is missing", f"add `{key}: ...`: {KEYS[key][1]}"))
    language = values.get("language")
    if language is not None and not LANGUAGE_TAG.fullmatch(str(language)):
        errors.append(
            problem("language", f"must be a language tag, found {language!r}", "e.g. en, en-GB, de, pt-BR")
        )
    base_url = values.get("base_url", "")
    if base_url and not is_site_address(base_url):
        errors.append(
            problem("base_url", "must be an absolute http(s) address, with no space, `?` or `#`", URL_HINT)
        )
    elif base_url and not base_url.endswith("/"):
        values["base_url"] = base_url + "/"
    if base_url and _is_example(base_url):
        hint = "set it to the address the site will be published at, e.g. https://USER.github.io/REVIEW/"
        warnings.append(problem("base_url", "is an example address: the feed and sitemap point there", hint))

    paths = raw.get("paths") or {}
    if not isinstance(paths, dict):
        errors.append(problem("paths", "must be a mapping", "e.g. `paths:` then `  content: content`"))
        paths = {}
    for key, value in paths.items():
        if key not in PATH_KEYS:
            known = ", ".join(PATH_KEYS)
            warnings.append(problem(f"paths.{key}", "is not a known path; ignored", f"known: {known}"))
        elif not isinstance(value, str) or not value.strip():
            errors.append(problem(f"paths.{key}", f"must be a folder path, found {value!r}", "e.g. content"))
        else:
            values[PATH_KEYS[key]] = value.strip()

    if not errors:
        errors += _cache_folder_problems(SiteConfig(**values), path.resolve().parent, problem)
    if errors:
        raise SitegenError.many(errors, f"{shown}: {len(errors)} problem(s) in the site config")
    config = SiteConfig(**values)
    lines = {key: _line(text, key) for key in PATH_KEYS if key in paths}
    return LoadedConfig(config, path.resolve().parent, tuple(warnings), shown, lines)


def _cache_folder_problems(
    config: SiteConfig, root: Path, problem: Callable[[str, str, str], Problem]
) -> list[Problem]:
    """The cache folder may be deleted at any time (the README says so), and a build fills it:
    it must be a folder of its own, not the project's, nor one of the content, the templates or
    the output, nor hold or lie in one."""
    cache = (root / config.cache_dir).resolve()
    named = {"the project folder": root}
    named |= {f"`paths.{key}`": (root / getattr(config, attr)).resolve()
              for key, attr in PATH_KEYS.items() if key != "cache" and getattr(config, attr)}  # fmt: skip
    output = named.get("`paths.output`")
    if output is not None and root.is_relative_to(output):  # an output holding the project: its own error
        del named["`paths.output`"]
    for what, folder in named.items():
        inside = cache.is_relative_to(folder) and what != "the project folder"
        if cache == folder or folder.is_relative_to(cache) or inside:
            return [problem("paths.cache", f"`{config.cache_dir}` is, holds or lies inside {what} ({folder})",
                            "a build writes its cache there and the folder may be deleted at any time: "
                            "choose a folder of its own, e.g. `.sitegen-cache`")]  # fmt: skip
    return []
