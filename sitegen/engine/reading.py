"""Reading the content with what the last build left: a paper file is parsed only when its bytes
changed, and not even read when its size and modification time are as they were (then its paper
is unpickled only if a build uses it); the topics file is parsed, and its patterns analysed, only
when its bytes changed. sitegen.load does the reading itself, and knows nothing of this.
"""

from __future__ import annotations

import os
import time
from functools import partial
from pathlib import Path

from sitegen.config import LoadedConfig
from sitegen.digests import digest
from sitegen.engine.store import FileStamp, UsedMapping
from sitegen.errors import SitegenError
from sitegen.load import (
    TOPICS_FILE,
    ContentPaths,
    PaperListing,
    load_library,
    load_papers,
    load_topic_list,
    shown_prefix,
)
from sitegen.load import parse_paper_file as parse
from sitegen.model import Library, Paper, Topic
from sitegen.topics import analyses, know

# A file modified this recently may be changed again within the same mtime tick: read it next time.
SETTLE_NS = 2_000_000_000


def content_key(shown: str, data: bytes) -> str:
    """What the paper of the file `shown` holding `data` is stored under."""
    return f"{shown}\0{digest(data)}"


def content_digest(key: str) -> bytes:
    """The digest of the file's bytes a `content_key` holds, as bytes (DIGEST_BYTES)."""
    return bytes.fromhex(key.rpartition("\0")[2])


def text_digest(paper: Paper) -> str:
    """A digest of what a paper's rendered abstract and words are made from."""
    return digest(f"{paper.title}\0{paper.abstract}".encode())


def unchanged_keys(
    listing: PaperListing, prefix: str, store: UsedMapping, stamps: dict[str, FileStamp]
) -> dict[str, str]:
    """The files of `listing` (shown as `prefix` and their name) that had settled when last read
    and whose size and mtime are as then, each with the store key of its paper, when the paper is
    stored (marked used, not read). One loop for the folder, no call a file (~100,000 files)."""
    entries, kept = store.entries, {}
    for name, status in listing:
        known = stamps.get(shown := prefix + name)
        if (
            known is not None
            and known.settled
            and known.mtime_ns == status.st_mtime_ns
            and known.size == status.st_size
            and known.key in entries
        ):
            kept[shown] = known.key
    store.used.update(kept.values())
    return kept


def read_paper(
    path: Path,
    shown: str,
    status: os.stat_result | None = None,
    store: UsedMapping | None = None,
    stamps: dict[str, FileStamp] | None = None,
) -> Paper:
    """Parse one paper file, reusing the stored paper when its bytes are unchanged, and bringing
    its stamp in `stamps` up to date."""
    try:
        status = status or path.stat()
        data = path.read_bytes()
    except OSError as exc:
        raise SitegenError(f"cannot read the file: {exc.strerror}", path=shown) from None
    key = content_key(shown, data)
    paper = store.get(key) if store is not None else None
    if not isinstance(paper, Paper):
        paper = parse(data, path, shown)
        if store is not None:
            store[key] = paper
    if stamps is not None:
        settled = status.st_mtime_ns < time.time_ns() - SETTLE_NS
        stamps[shown] = FileStamp(status.st_mtime_ns, status.st_size, key, text_digest(paper), settled)
    return paper


def read_stored_library(
    loaded: LoadedConfig,
    listing: PaperListing | None,
    store: UsedMapping,
    stamps: dict[str, FileStamp],
    topics_store: UsedMapping,
) -> Library:
    """The library, each unchanged paper unpickled from `store` only when first used."""
    kept = unchanged_keys(listing, shown_prefix(loaded), store, stamps) if listing is not None else {}

    def read(folder: Path, name: str, shown: str, status: os.stat_result) -> Paper | partial[Paper]:
        key = kept.get(shown)
        if key is not None:
            return partial(store.__getitem__, key)
        return read_paper(folder / name, shown, status, store, stamps)

    try:
        topics = read_stored_topics(loaded, topics_store)
    except SitegenError as topics_error:  # said with the papers' problems, if they have any
        try:
            load_papers(loaded, listing, read)
        except SitegenError as papers_error:
            problems = [*topics_error.problems, *papers_error.problems]
            files = len({problem.path for problem in problems})
            raise SitegenError.many(problems, f"{files} file(s) have errors; nothing was built") from None
        raise
    return load_library(loaded, load_papers(loaded, listing, read), topics)


def read_stored_topics(loaded: LoadedConfig, store: UsedMapping) -> tuple[Topic, ...]:
    """The topics, parsed again only when the file's bytes changed; and their rules' patterns,
    analysed again only then."""
    path = ContentPaths.of(loaded).topics
    try:
        key = f"{TOPICS_FILE} {digest(path.read_bytes())}"
    except OSError:
        return load_topic_list(loaded)  # which says what is wrong
    topics: tuple[Topic, ...] = store.made(key, partial(load_topic_list, loaded))
    know(store.made(f"{key} analyses", partial(analyses, topics)))
    return topics
