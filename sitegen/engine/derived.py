"""Reading the library and deriving the site's data, with what the last build left.

The domain functions (sitegen.load, sitegen.topics, sitegen.derive, sitegen.render) know nothing
of this: here each paper is parsed, analysed and filed under its topics once per content (and in
two processes when many are new), the listings are derived again only when what they order by
changed, and related papers are updated from the last build's index (in a forked process, read
while this one reads the library).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TypeVar

from sitegen.abstracts import kept_abstract
from sitegen.config import LoadedConfig
from sitegen.derive import LISTED, derive
from sitegen.digests import digest
from sitegen.engine import packing  # also how the related index is pickled
from sitegen.engine.inputs import LastMade, PaperKeys, card_key
from sitegen.engine.memory import give_back_free_memory
from sitegen.engine.parallel import Inbox, forked, shared_chunks, side_by_side
from sitegen.engine.reading import read_paper, read_stored_library, read_stored_topics
from sitegen.engine.relisted import Listings, listings_from_nothing, relisted, repeated_again
from sitegen.engine.report import BuildReport
from sitegen.engine.store import BuildState, FileStamp, pack
from sitegen.engine.tuning import Tuning
from sitegen.errors import Problem, SitegenError
from sitegen.load import ContentPaths, PaperListing, display_path
from sitegen.model import Library, Paper, Topic
from sitegen.related import RelatedIndex, Words, term_counts
from sitegen.topics import assign_topics
from sitegen.views import SiteData

TEXT_CACHE_VERSION = 1  # bump when abstract rendering or word analysis changes
DIGEST_CHUNK = 64  # paper files a process claims at a time when two share them
BEHIND_THE_INDEX = "related-index-behind"  # state result: the slugs whose text changed since then
V = TypeVar("V")
DigestedPaper = tuple[str, FileStamp, bytes, str, tuple[bytes, packing.Packed], tuple[str, ...]]
LibraryTexts = tuple[Library, dict[str, str]]  # the library, and each paper's text key by slug
Related = Callable[[], dict[str, tuple[str, ...]]]


def rules_digest(topics: Sequence[Topic]) -> str:
    return digest(repr(tuple(topics)).encode("utf-8"))


def text_key(stamp: FileStamp) -> str:
    return f"v{TEXT_CACHE_VERSION} {stamp.text}"


def last_made(state: BuildState, rules: str, tuning: Tuning) -> LastMade | None:
    """What the last build was made of, when this one can work from it: the same topics and
    rules (`rules`, their digest), so that unchanged papers keep their topics; and not every
    build: every so often one looks at every paper again, and drops unused cache entries."""
    last: LastMade | None = state.latest("site")
    if not isinstance(last, LastMade) or last.patches >= tuning.full_every:
        return None
    return last if last.rules == rules else None


# --- reading -----------------------------------------------------------------------------------


def read_library(
    loaded: LoadedConfig, state: BuildState, listing: PaperListing | None, report: BuildReport, tuning: Tuning
) -> LibraryTexts:
    """The library (each file's stamp brought up to date in `state`), and each paper's text key."""
    with report.timing("read"):
        _prefetch_papers(loaded, state, listing, tuning.parallel_from)
        library = read_stored_library(loaded, listing, state.papers, state.files, state.topics)
    papers = library.papers
    state.files = {path: state.files[path] for path in papers.paths}
    return library, {
        slug: text_key(state.files[path]) for slug, path in zip(papers.slugs, papers.paths, strict=True)
    }


def _prefetch_papers(
    loaded: LoadedConfig, state: BuildState, listing: PaperListing | None, parallel_from: int
) -> None:
    """Parse, analyse and assign topics to the new or changed paper files, shared with a forked
    process: the slowest part of a cold build. The serial pass after it finds them cached."""
    paths = ContentPaths.of(loaded)
    if listing is None or not paths.topics.is_file():
        return  # the serial pass reports it
    folder = display_path(paths.papers, loaded)
    if len(state.files) >= parallel_from:
        return  # a rebuild: few files are new, and the serial pass finds them cheaply
    todo = [
        (paths.papers / name, shown)
        for name, status in listing
        if not _known_unread(state, shown := os.path.join(folder, name), status)
    ]
    if len(todo) < parallel_from:
        return
    try:
        topics = read_stored_topics(loaded, state.topics)
    except SitegenError:
        return  # the serial pass reports it, with the papers' problems
    shared = shared_chunks(todo, DIGEST_CHUNK)

    def digest_shared() -> list[DigestedPaper]:
        return [digested for chunk in shared() for digested in _digest_papers(chunk, topics)]

    mine, theirs = side_by_side(digest_shared, digest_shared)
    rules = rules_digest(topics)
    for shown, stamp, paper, key, analysed, topic_ids in mine + theirs:
        state.files[shown] = stamp
        state.papers.set_packed(stamp.key, paper)
        state.analysed.set_packed(key, analysed[0])
        state.fresh_words[key] = analysed[1]
        state.topics[f"{rules} {stamp.key}"] = topic_ids
    del mine, theirs
    # Written to the cache now, their pickles leave memory (~0.5 GB at 100,000 papers, which
    # every process forked later would start with); a paper or abstract is read back when used.
    state.spill("papers")
    state.spill("analysed")
    give_back_free_memory()  # the heap the pickles and their copies held (~17 MB at 10,000 papers)


def _known_unread(state: BuildState, shown: str, status: os.stat_result) -> bool:
    known = state.files.get(shown)
    if known is None or not known.settled or known.key not in state.papers.entries:
        return False
    return (known.mtime_ns, known.size) == (status.st_mtime_ns, status.st_size)


def _digest_papers(todo: Sequence[tuple[Path, str]], topics: tuple[Topic, ...]) -> list[DigestedPaper]:
    """Everything a build derives from each paper alone; files with problems are left to the serial pass."""
    done = []
    stamps: dict[str, FileStamp] = {}
    for path, shown in todo:
        try:
            paper = read_paper(path, shown, stamps=stamps)
        except SitegenError:
            continue
        key = text_key(stamps[shown])
        abstract = pack(kept_abstract(paper.abstract))  # as the stores keep them
        analysed = (abstract, packing.pack_words(term_counts(paper)))  # as the related index keeps them
        done.append((shown, stamps[shown], pack(paper), key, analysed, assign_topics(paper, topics)))
    return done


# --- deriving ----------------------------------------------------------------------------------


def _assign_topics_shared(
    library: Library, keys: dict[str, str], state: BuildState, parallel_from: int
) -> None:
    """The topics of the papers of `keys` (slug -> topics store key) that the store does not hold,
    assigned in this process and a forked one, each claiming papers a chunk at a time: after a
    topics rule changed, every paper's (~0.4-0.5 ms each; a read shares them out the same way).
    Papers whose rules fail are left to the serial pass, which reports them."""
    todo = [slug for slug, key in keys.items() if key not in state.topics]
    if len(todo) < parallel_from:
        return
    by_slug, topics = library.papers.by_slug, library.topics
    shared = shared_chunks(todo, DIGEST_CHUNK)

    def assign_shared() -> list[tuple[str, tuple[str, ...]]]:
        assigned = []
        for chunk in shared():
            for slug in chunk:
                try:
                    assigned.append((keys[slug], assign_topics(by_slug[slug], topics)))
                except SitegenError:
                    continue
        return assigned

    mine, theirs = side_by_side(assign_shared, assign_shared)
    for key, topic_ids in mine + theirs:
        state.topics[key] = topic_ids


def derive_site(
    library: Library,
    text_keys: dict[str, str],
    file_keys: dict[str, str],
    rules: str,
    changed: list[str],
    last: LastMade | None,
    card_fields: tuple[str, ...],
    state: BuildState,
    report: BuildReport,
    parallel_from: int,
) -> tuple[SiteData, PaperKeys]:
    """The site's data and each paper's input digests: each paper's parts from the cache when
    its file is unchanged, and the listings (orders, topic groups, BibTeX keys) from the last
    build when nothing they order or group by changed. With `last` (what the last build was made
    of, under the same topics and templates), only the `changed` papers are looked at again."""
    papers, topics = library.papers, library.topics
    by_slug = papers.by_slug
    with report.timing("parse"):
        rendered = state.analysed.made_all(text_keys, lambda slug: kept_abstract(by_slug[slug].abstract))
    with report.timing("taxonomy"):
        topic_keys = {slug: f"{rules} {file_keys[slug]}" for slug in changed}
        _assign_topics_shared(library, topic_keys, state, parallel_from)
        topics_of = _patched(
            last.topics_of if last else None,
            file_keys,
            state.topics.made_all(topic_keys, lambda slug: assign_topics(by_slug[slug], topics)),
        )
        same_cards = last is not None and last.card_fields == card_fields
        card_todo = changed if same_cards else papers.slugs
        shown = card_and_listed(card_fields)
        keys = PaperKeys(
            text=text_keys,
            file=file_keys,
            paper=_patched(
                last.keys.paper if last else None,
                file_keys,
                {slug: f"{file_keys[slug]} {topics_of[slug]}" for slug in changed},
            ),
            card=_patched(
                last.keys.card if last and same_cards else None,
                file_keys,
                {slug: card_key(by_slug[slug], topics_of[slug], shown) for slug in card_todo},
            ),
        )

        # The cards cover what the listings order and group by (LISTED): no card changed, no list.
        cards = digest("\n".join((rules, *keys.card.values())).encode("utf-8"))
        listed = state.result("listings", cards)
        if listed is not None and changed:  # kept; but an edited abstract may make or end a repeat
            listed = repeated_again(listed, papers, changed)
            state.keep("listings", cards, listed)  # (the same object: nothing to keep)
        elif listed is None:
            derive_all = partial(derive, papers, topics, lambda paper, _: topics_of[paper.slug])
            last_listed = state.results.get("listings")
            # Patched from the last build's lists when they are the ones its outputs were made
            # from (a failed build may have kept newer ones) and few papers changed.
            if (
                last is not None
                and last_listed is not None
                and isinstance(last_listed[1], Listings)
                and last_listed[0] == last.listed
                and len(changed) <= len(papers) // 10
            ):
                gone = last.keys.file.keys() - file_keys.keys()
                old_paper = partial(_old_paper, state, last)
                listed = relisted(last_listed[1], papers, topics, topics_of, {*changed, *gone}, old_paper)
            if listed is None:
                listed = listings_from_nothing(papers, topics, derive_all)
            state.keep("listings", cards, listed)
    report.warnings += _repeated_warnings(listed.repeated, by_slug)
    data = SiteData(listings=listed.derived, bibtex_keys=listed.bibtex_keys, abstracts=rendered, related=dict)
    return data, keys


def _repeated_warnings(repeated: dict[str, str], by_slug: Mapping[str, Paper]) -> tuple[Problem, ...]:
    """A warning for each paper that repeats another (citations.repeated_papers), naming both
    files: both are published, as two papers; the editor decides."""
    return tuple(
        Problem(
            f"the same title, authors and year as {by_slug[first].path}: one paper in two files?",
            by_slug[slug].path,
            hint="delete one of them; if they are two papers, tell them apart in their titles",
        )
        for slug, first in sorted(repeated.items())
    )


def _old_paper(state: BuildState, last: LastMade, slug: str) -> Paper | None:
    """A paper as the last build read it (its parsed record, while the cache keeps it)."""
    paper: Paper | None = state.papers.get(last.keys.file[slug])
    return paper


def card_keys_again(library: Library, data: SiteData, keys: PaperKeys, fields: tuple[str, ...]) -> PaperKeys:
    """`keys` with every card's digest made for the card `fields` (when templates read more)."""
    by_slug, topics_of = library.papers.by_slug, data.listings.topics_of
    shown = card_and_listed(fields)
    cards = {slug: card_key(by_slug[slug], topics_of[slug], shown) for slug in library.papers.slugs}
    return PaperKeys(keys.text, keys.file, keys.paper, cards)


def card_and_listed(card_fields: tuple[str, ...]) -> tuple[str, ...]:
    """What a card's digest covers: the fields read through cards, and those the listings order,
    group and flag papers by (so that one digest per paper tells whether any list changed)."""
    return tuple(sorted({*card_fields, *LISTED}))


def _patched(last: dict[str, V] | None, order: Mapping[str, str], fresh: Mapping[str, V]) -> dict[str, V]:
    """The last build's values with the `fresh` ones of the changed papers, in the order of `order`."""
    if last is not None and last.keys() == order.keys():
        patched = dict(last)
        patched.update(fresh)  # each key keeps its place
        return patched
    return {slug: fresh[slug] if slug in fresh or last is None else last[slug] for slug in order}


# --- related papers ----------------------------------------------------------------------------


def _words_of(
    paper_of: Callable[[str], Paper], text_keys: dict[str, str], state: BuildState, known: RelatedIndex | None
) -> Callable[[str], Words]:
    """A paper's words for similarity, asked for only where needed: counted this build, or kept
    by the related index (not in the state, whose size every build pays for), else counted now."""

    def words_of(slug: str) -> Words:
        key = text_keys[slug]
        fresh = state.fresh_words.get(key)
        if fresh is not None:
            return packing.unpack_words(fresh)
        if known is not None and known.texts.get(slug) == key:
            return known.words[slug]
        return term_counts(paper_of(slug))

    return words_of


@contextmanager
def related_papers(
    read: Callable[[], LibraryTexts],
    count: int,
    papers: int,
    state: BuildState,
    report: BuildReport,
    tuning: Tuning,
) -> Iterator[Related]:
    """Each paper's related papers (`count` each), as a function the build calls once it needs
    them: the last build's when no text changed; else the last build's index updated; else made
    from nothing (in a big library, in a forked process once the library is read; else when
    asked for). `read()` gives the library and each paper's text key; it is called here.

    In a big library whose index is on disk, a forked process started before the library is
    read updates it: reading and saving the index's ~1M weights costs more than the update, and
    the build goes on meanwhile (the saving, when due, even after the lists are handed over). It
    reads the index while this process reads the library, then is sent the text keys and the
    papers whose text changed since the index was saved: it need not read the library too."""

    def inputs(text_keys: dict[str, str]) -> str:
        return digest("\n".join((str(count), *text_keys, *text_keys.values())).encode("utf-8"))

    def find(text_keys: dict[str, str], paper_of: Callable[[str], Paper]) -> dict[str, tuple[str, ...]]:
        kept = state.result("related", inputs(text_keys))
        if kept is not None:
            return kept
        known = state.related_index()
        words_of = _words_of(paper_of, text_keys, state, known)
        if known is None:
            # The words counted this build as they were packed, not unpacked to be packed again.
            fresh = state.fresh_words
            counted = {slug: fresh[key] for slug, key in text_keys.items() if key in fresh}
            index = RelatedIndex.build(text_keys, words_of, count, packing.packed_words(counted))
            state.keep_related_index(index, changed=True)
        else:
            texts = dict(known.texts)  # update() works in place
            index = known.update(text_keys, words_of, count, packing.packed_words())
            state.keep_related_index(index, changed=index is not known or index.texts != texts)
        return index.related

    def finish(found: Related) -> dict[str, tuple[str, ...]]:
        with report.timing("related"):
            related = found()
        # The words counted for them (a dict per new paper) are needed no more: the pages are
        # rendered in the room they leave (main's RSS ~300 MB lower in a cold build of 100,000).
        state.fresh_words = {}
        state.keep("related", inputs(read()[1]), related)
        return related

    def paper_of(slug: str) -> Paper:
        return read()[0].papers.by_slug[slug]

    # A build with no files known (a first build, or one whose state was lost: an older format,
    # a damaged file) reads every paper, counting its words, as the read's forked half does: a
    # process forked before the read would read the library again itself, and save what it
    # parsed to the cache's journals, which this process writes too.
    reads_all = len(state.files) < tuning.parallel_from  # as _prefetch_papers decides
    if papers < tuning.parallel_from or reads_all or not state.related_index_unread():
        read()
        state.keep_latest(BEHIND_THE_INDEX, frozenset())  # saved with the state, when it is
        here = papers < tuning.parallel_from or state.folder is None
        if here or not (reads_all or state.related_index_missing()):
            yield partial(finish, lambda: find(read()[1], paper_of))
            return
        # A first build: the index (made from nothing, or the one on disk updated) is found in a
        # process forked once the library is read (every paper's words are counted by then),
        # which saves it too; this one derives and plans meanwhile, and never holds the index
        # (~1 GB at 100,000 papers).
        with forked(
            lambda: find(read()[1], paper_of),
            then=partial(_save_related_index, state),
            let_go=partial(_let_go_of_words, state),
        ) as found:
            yield partial(finish, found)
        return
    inbox, save = Inbox(), [True]

    def told_then_find() -> dict[str, tuple[str, ...]]:
        state.related_index()  # needs no library: read while the build reads it
        text_keys, fresh_papers, save[0] = inbox.receive()
        state.fresh_words.update(
            {key: packing.pack_words(term_counts(paper)) for key, paper in fresh_papers.items()}
        )
        return find(text_keys, paper_of)  # paper_of reads the library here only if some words are missing

    def then_save() -> None:
        if save[0]:
            _save_related_index(state)
        else:  # where no process may be forked, as the forked process does: the lag is recorded
            state.related_index_saved_later()

    with forked(told_then_find, then=then_save, inbox=inbox) as found:
        library, text_keys = read()
        inbox.send((text_keys, *_behind_the_index(library, text_keys, state, tuning)))
        yield partial(finish, found)


def _save_related_index(state: BuildState) -> None:
    """Save the related index a forked process made or updated, its last step and its peak: the
    words counted for it let go of (the index holds those it needs), and packed as it is written
    (only when it is: an index that did not change is left as it is)."""
    state.fresh_words = {}
    state.save_related_index(before_writing=packing.pack_in_place)


def _let_go_of_words(state: BuildState) -> None:
    """Let go of the words counted for the related papers, which a forked process finds: it has
    its own copy (~400 MB at 100,000 papers, which every process forked later would start with)."""
    state.fresh_words = {}
    give_back_free_memory()


def _behind_the_index(
    library: Library, text_keys: dict[str, str], state: BuildState, tuning: Tuning
) -> tuple[dict[str, Paper], bool]:
    """The papers whose text changed since the related index on disk was saved, by text key (the
    forked process counts their words), and whether the index is to be saved again (saving ~1M
    weights costs more than updating it for a few more papers next time). Unknown (no last
    build): no papers, and save."""
    last: LastMade | None = state.latest("site")
    if not isinstance(last, LastMade):
        state.keep_latest(BEHIND_THE_INDEX, frozenset())
        return {}, True
    behind = {slug for slug, key in text_keys.items() if last.keys.text.get(slug) != key}
    behind |= state.latest(BEHIND_THE_INDEX) or frozenset()
    save = len(behind) >= tuning.related_save_after
    state.keep_latest(BEHIND_THE_INDEX, frozenset() if save else frozenset(behind))
    if len(behind) >= tuning.parallel_from:
        return {}, save  # too many to send: the forked process reads the library itself
    by_slug = library.papers.by_slug
    return {text_keys[slug]: by_slug[slug] for slug in behind if slug in text_keys}, save
