"""`sitegen new FOLDER`: a project for a review of one's own, ready for `sitegen import` and
`sitegen serve`.

It makes `site.yaml` (from the starter in sitegen/starter/, with the values given or worked out
from the folder's name), `content/topics.yaml` (the starter taxonomy), an empty
`content/papers/` and a `.gitignore` for the build's output and cache. It never changes what is
there: a folder that holds a `site.yaml` is refused, and the other files, when present, are kept
as they are (so `sitegen new .` also gives a site to papers imported before).
"""

from __future__ import annotations

import argparse
import os
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import yaml

from sitegen.atomic import create_atomically
from sitegen.config import CONFIG_NAME, EXAMPLE_BASE_URL, URL_HINT, is_site_address
from sitegen.errors import SitegenError, os_error
from sitegen.load import TOPICS_FILE
from sitegen.starter import starter_text

GITIGNORE = (
    "# Made again by `sitegen build`: the site, the version kept beside it, and the build's cache.\n"
    "/public/\n/.public.*/\n/.sitegen-cache/\n"
)
DESCRIPTION = "A curated, searchable literature review: every paper with its abstract, topics and links."
AUTHOR = "The review's editors"


def run_new(args: argparse.Namespace) -> int:
    folder: Path = args.folder
    given = {key: getattr(args, key) for key in ("title", "description", "author", "base_url")}
    stand_ins = {"title": title_of_folder(folder), "description": DESCRIPTION, "author": AUTHOR}
    stand_ins["base_url"] = EXAMPLE_BASE_URL
    texts = {key: stand_ins[key] if text is None else text for key, text in given.items()}
    _check(texts)
    config = folder / CONFIG_NAME
    if os.path.lexists(config):
        raise SitegenError(
            "a site is here already; nothing was changed",
            path=config,
            hint="edit it, or run `sitegen new` with another folder",
        )
    papers = folder / "content" / "papers"
    files = {
        folder / "content" / TOPICS_FILE: starter_text(TOPICS_FILE),
        folder / ".gitignore": GITIGNORE,
        config: site_yaml(texts),  # last: while it is missing, running again finishes the job
    }
    try:
        made_papers = not papers.is_dir()
        papers.mkdir(parents=True, exist_ok=True)
        made = [path for path, text in files.items() if create_atomically(path, _text(text))]
    except OSError as exc:
        raise os_error(exc, "make the site", exc.filename) from None
    for path in files:
        print(f"{'created' if path in made else 'kept'} {path}")
    print(f"{'created' if made_papers else 'kept'} {papers}/")
    guessed = [key for key, text in given.items() if text is None]
    if guessed:
        named = " and ".join([", ".join(guessed[:-1]), guessed[-1]] if len(guessed) > 1 else guessed)
        print(f"note: replace the stand-in {named} in {config} with the review's own")
    go = "" if folder.resolve() == Path.cwd().resolve() else f"cd {shlex.quote(str(folder))} && "
    print(f"next: {go}sitegen import LISTING, then sitegen serve (a preview at http://127.0.0.1:8000/)")
    return 0


def title_of_folder(folder: Path) -> str:
    """A title from the folder's name: `covid-imaging_review` gives "Covid imaging review"."""
    words = " ".join(folder.resolve().name.replace("-", " ").replace("_", " ").split())
    return words[:1].upper() + words[1:] if words else "Literature review"


def site_yaml(texts: dict[str, str]) -> str:
    """The starter site.yaml with `texts` in it, each quoted as YAML reads it back (whatever it holds)."""
    quoted = {key: _quoted(text) for key, text in texts.items()}
    return starter_text(f"{CONFIG_NAME}.in").format(**quoted)


def _quoted(text: str) -> str:
    """`text` as a double-quoted YAML scalar, escaped by PyYAML (which reads site.yaml)."""
    return yaml.safe_dump(text, allow_unicode=True, width=1 << 30, default_style='"').rstrip("\n")


def _text(text: str) -> Callable[[BinaryIO], object]:
    return lambda stream: stream.write(text.encode("utf-8"))


def _check(texts: dict[str, str]) -> None:
    for key, text in texts.items():
        flag = "--" + key.replace("_", "-")
        if not text.strip():
            raise SitegenError(f"{flag} must not be empty", hint=f"give it in words, or leave {flag} out")
    if not is_site_address(texts["base_url"]):
        raise SitegenError("--base-url must be an absolute http(s) address", hint=URL_HINT)
