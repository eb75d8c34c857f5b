"""The command line: `sitegen import`, `sitegen build`, `sitegen serve`, `sitegen topics`.

Each subcommand parses its flags here and hands over to the module of its stage.
Every user-facing failure is a SitegenError, printed as `error: file:line: key: what (how)`; a
bug in sitegen itself is one `error:` line too, naming the file its traceback was written to.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from sitegen import __version__
from sitegen.errors import SitegenError, os_error
from sitegen.hosts import HOSTS

# What each command was doing, for a system error no stage explained (`cannot build the site: ...`).
DOING = {
    "new": "make the site",
    "import": "import",
    "build": "build the site",
    "serve": "serve",
    "topics": "read the topics",
}

EPILOG = """examples:
  sitegen new my-review                    a new review's site: site.yaml, content/, .gitignore
  sitegen import content/sources/*.txt     import listings into content/papers/
  sitegen build                            build the reader's site into public/
  sitegen build --editor                   the editor's view: notes, badges, the attention page
  sitegen serve                            preview at http://127.0.0.1:8000/, reloading on save
  sitegen topics --explain endogen         why a paper has its topics
"""


# The formats `sitegen import` reads, as its help names them. Written out, not made from
# sitegen.readers.READERS: importing the readers (bibtexparser, rispy) cost every command ~60 ms
# at start. tests/test_cli.py holds it to READERS, so a new reader cannot be left out.
LISTING_FORMATS = (
    "BibTeX (.bib, .bibtex), RIS (.ris), CSL-JSON (.json), abstract dump (.txt, .md), "
    "daily papers (.txt, .md)"
)


# `--year`: the year of dates a listing shows without one. Listings are of papers already out, so a
# year after next is a typo, as is one before 1900 (or `--year 24` for 2024).
FIRST_YEAR = 1900


def last_year(today: dt.date | None = None) -> int:
    return (today or dt.date.today()).year + 1


def checked_year(text: str | None, today: dt.date | None = None) -> int | None:
    """The `--year` given, as a number; a SitegenError saying what to type when it is not a
    four-digit year from FIRST_YEAR to next year."""
    if text is None:
        return None
    last = last_year(today)
    if text.strip().isascii() and text.strip().isdigit() and FIRST_YEAR <= int(text) <= last:
        return int(text)
    raise SitegenError(
        f"--year {text!r} is not a plausible year: give all four digits, from {FIRST_YEAR} to {last}",
        hint=f"e.g. --year {last - 1}; or leave --year out and the year is inferred",
    )


def checked_folder(text: str) -> Path:
    """`sitegen new`'s FOLDER; an empty name (which would mean the current folder) is an error."""
    if not text.strip():
        raise SitegenError(
            "the folder name is empty",
            hint="give the new site's folder, e.g. `sitegen new lung-nodule-review`, or `.` for this folder",
        )
    return Path(text)


def port_number(text: str) -> int:
    """`serve --port`: a TCP port, 0 (any free one) to 65535; argparse says what is wrong otherwise."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number: give 0 to 65535") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number: give 0 to 65535 (0 picks a free one)")
    return port


def _config_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        default=Path("site.yaml"),
        metavar="PATH",
        help="the site config (default: ./site.yaml)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitegen",
        description="Build a searchable literature-review website from paper listings.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    new = commands.add_parser(
        "new",
        help="start a review of your own: site.yaml, content/ and a .gitignore in FOLDER",
        description=(
            "Make a new review's project in FOLDER (made if missing): site.yaml, the starter topics "
            "(content/topics.yaml), an empty content/papers/ and a .gitignore for public/ and the "
            "cache. Nothing there is changed: a FOLDER with a site.yaml is refused, other files are kept."
        ),
        epilog="example:\n  sitegen new lung-nodule-review --title 'Lung nodule detection' "
        "--base-url https://USER.github.io/lung-nodule-review/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    new.add_argument("folder", metavar="FOLDER", help="where (. for the current folder)")
    new.add_argument("--title", help="the site's name (default: from FOLDER's name)")
    new.add_argument("--description", help="a sentence on what the review covers")
    new.add_argument("--author", help="who keeps the review")
    new.add_argument("--base-url", help="the address the site will be published at, for the feed and sitemap")

    imp = commands.add_parser(
        "import",
        help="import raw paper listings into content/papers/*.md",
        description=(
            f"Read raw listings ({LISTING_FORMATS}; the format is told by the content), merge "
            "duplicates and write one Markdown file per paper. Fields you edited by hand are kept. "
            "With no LISTING, re-imports every file in content/sources/."
        ),
        epilog="example:\n  sitegen import ~/Downloads/daily-papers-apr-20.txt --year 2026",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    imp.add_argument(
        "listings", nargs="*", type=Path, metavar="LISTING", help="listing files: " + LISTING_FORMATS
    )
    imp.add_argument("--dry-run", action="store_true", help="say what would change; write nothing")
    imp.add_argument(
        "--year",
        metavar="YEAR",
        help=f"the year of dates a listing gives without one, all four digits ({FIRST_YEAR} to next "
        "year; default: inferred, and said)",
    )
    imp.add_argument(
        "--content",
        type=Path,
        metavar="DIR",
        help="the content folder (default: from site.yaml, else ./content)",
    )
    _config_flag(imp)

    build = commands.add_parser(
        "build",
        help="build the site into public/",
        description="Render content/ through the templates into a static site with offline search.",
        epilog="examples:\n  sitegen build\n  sitegen build --out /tmp/site",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: public/)")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument(
        "--editor",
        action="store_true",
        help="build the editor's view: the attention page, guessed-title and -date badges, "
        "source listings and the file to edit on each page (default: the reader's site)",
    )
    build.add_argument(
        "--check-host",
        choices=sorted(HOSTS),
        metavar="HOST",
        help=f"check the built site against a static host's published limits ({', '.join(sorted(HOSTS))}): "
        "files per site and per folder, bytes per file and per site; exit 1 when one is exceeded",
    )
    _config_flag(build)

    serve = commands.add_parser(
        "serve",
        help="preview the site, rebuilding and reloading the browser on every save",
        description=(
            "Build, serve on loopback and watch content/, templates, site.yaml and topics.yaml; "
            "the open page reloads itself after each rebuild. It shows the editor's view "
            "(the attention page, badges, source listings, the file to edit) unless --reader."
        ),
        epilog="examples:\n  sitegen serve\n  sitegen serve --port 9000 --open",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument(
        "--port", type=port_number, default=8000, help="port, 0 to 65535 (default: 8000; 0 picks a free one)"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--open", action="store_true", help="open the site in a web browser")
    serve.add_argument("--poll", action="store_true", help="poll for changes (network or VM mounts)")
    serve.add_argument(
        "--reader", action="store_true", help="preview the reader's site, without the editor's aids"
    )
    _config_flag(serve)

    topics = commands.add_parser(
        "topics",
        help="list topics with their paper counts, or explain a paper's topics",
        description="Show how the rules in topics.yaml assign papers to topics.",
        epilog="examples:\n  sitegen topics\n  sitegen topics --explain endogen",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    topics.add_argument("--explain", metavar="SLUG", help="say which rule gave the paper each topic")
    _config_flag(topics)
    return parser


def run(args: argparse.Namespace) -> int:
    if args.command == "new":
        args.folder = checked_folder(args.folder)
        from sitegen.newsite import run_new

        return run_new(args)
    if args.command == "import":
        from sitegen.importer import run_import

        args.year = checked_year(args.year)
        return run_import(args)
    if args.command == "build":
        from sitegen.build import run_build

        return run_build(args)
    if args.command == "serve":
        from sitegen.serve import run_serve

        return run_serve(args)
    from sitegen.topicreport import run_topics

    return run_topics(args)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except SitegenError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # e.g. a full disk where no stage said more: still one line naming the file
        print(f"error: {os_error(exc, DOING[args.command])}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug in sitegen, not a problem with the input
        print(f"error: {internal_error(exc, args.command)}", file=sys.stderr)
        return INTERNAL_ERROR


INTERNAL_ERROR = 70  # EX_SOFTWARE: sitegen's own fault
# What is known of the output after a bug stopped a command (a build publishes all or nothing).
UNTOUCHED = {"build": "the output folder holds a whole build, the last one or this one"}


def internal_error(exc: BaseException, command: str) -> str:
    """A bug as one line: what stopped, where its traceback and this machine's versions were
    written (the system's temporary folder: never the project), and what to do."""
    # Imported here, not above: only a bug needs them (~10 ms of every command's start).
    import platform
    import tempfile
    import traceback

    what = (str(exc).strip().splitlines() or [""])[0][:200]
    stopped = f"{type(exc).__name__}: {what}" if what else type(exc).__name__
    try:
        handle, path = tempfile.mkstemp(prefix="sitegen-error-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8") as report:
            versions = f"sitegen {__version__}, Python {platform.python_version()}, {platform.platform()}"
            report.write(f"{versions}\n")
            report.write(f"command: sitegen {' '.join(sys.argv[1:])}\n\n")
            report.write("".join(traceback.format_exception(exc)))
        saved, report_it = f"the details are in {path}", "please report it with that file"
    except OSError:
        saved, report_it = "its details could not be saved", "please report it"
    untouched = f"{UNTOUCHED[command]}; " if command in UNTOUCHED else ""
    return (
        f"cannot {DOING[command]}: sitegen stopped on an internal error ({stopped}); {untouched}{saved}. "
        f"This is a bug in sitegen, not in your files: {report_it}"
    )


def entry() -> None:
    """The `sitegen` command: main(), then exit without tearing the heap down object by object
    (~0.4 s after a build at 10,000 papers). Everything is written and closed by then."""
    sys.stdout, sys.stderr = ReaderMayGo(sys.stdout), ReaderMayGo(sys.stderr)
    exit_now(main())


class ReaderMayGo:
    """Standard output or error as the command writes to it. When whatever reads it goes away
    (`sitegen build | head -1`), what is still to say is dropped: the command goes on and exits
    as it would have, instead of stopping on a broken pipe with an error about its work (or,
    for an import, halfway through it)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._reader_gone()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._reader_gone()

    def _reader_gone(self) -> None:
        """From now on the stream's descriptor leads nowhere: what is buffered goes there too."""
        nowhere = os.open(os.devnull, os.O_WRONLY)
        os.dup2(nowhere, self._stream.fileno())
        os.close(nowhere)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def exit_now(code: int) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
