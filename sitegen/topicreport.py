"""`sitegen topics`: each topic's paper count, or why one paper has its topics."""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Sequence

from sitegen.config import load_config
from sitegen.errors import SitegenError
from sitegen.load import ContentPaths, display_path, load_library
from sitegen.model import Library, Paper
from sitegen.topics import SlowRule, assign_topics, check_paper_topics, explain_topics
from sitegen.topicsfile import locate_slow_rule


def run_topics(args: argparse.Namespace) -> int:
    loaded = load_config(args.config)
    library = load_library(loaded)
    try:
        report = explain_report(library, args.explain) if args.explain else summary_report(library)
    except SlowRule as exc:  # name the pattern's line in topics.yaml
        topics = ContentPaths.of(loaded).topics
        raise locate_slow_rule(exc, topics, display_path(topics, loaded)) from None
    print(report)
    for paper in library.papers:  # the build refuses these; say so here too
        for problem in check_paper_topics(paper, library.topics):
            print(f"warning: {problem}", file=sys.stderr)
    return 0


def summary_report(library: Library) -> str:
    """Each topic with its paper count, then the papers no topic reached."""
    counts = {topic.id: 0 for topic in library.topics}
    untopiced = []
    for paper in library.papers:
        assigned = assign_topics(paper, library.topics)
        for topic_id in assigned:
            counts[topic_id] += 1
        if not assigned:
            untopiced.append(paper.slug)
    width = max((len(t.id) for t in library.topics), default=0)
    lines = [f"{t.id:<{width}}  {counts[t.id]:>5}  {t.title}" for t in library.topics]
    lines.append(f"{len(library.papers)} papers, {len(library.topics)} topics")
    if untopiced:
        lines.append(f"{len(untopiced)} paper(s) have no topic: {', '.join(untopiced)}")
    lines.append("`sitegen topics --explain SLUG` says why a paper has its topics.")
    return "\n".join(lines)


def explain_report(library: Library, slug: str) -> str:
    """Why one paper has each of its topics, and why it misses those that came close."""
    paper = _find_paper(library.papers, slug)
    verdicts = explain_topics(paper, library.topics)
    lines = [f"{paper.slug}: {paper.title}", f"  file: {paper.path}" if paper.path else ""]
    for verdict in verdicts:
        if verdict.assigned or verdict.near_miss or verdict.decided_by != "rules":
            lines.append(f"  {'yes' if verdict.assigned else 'no '} {verdict.topic_id}: {verdict.reason}")
    silent = [v.topic_id for v in verdicts if not (v.assigned or v.near_miss or v.decided_by != "rules")]
    if silent:
        lines.append(f"  no  {', '.join(silent)}: no cue matched")
    return "\n".join(line for line in lines if line)


def _find_paper(papers: Sequence[Paper], slug: str) -> Paper:
    by_slug = {paper.slug: paper for paper in papers}
    if slug in by_slug:
        return by_slug[slug]
    wanted = slug.strip().lower().removesuffix(".md").rsplit("/", 1)[-1]
    if wanted in by_slug:
        return by_slug[wanted]
    containing = [s for s in by_slug if wanted and wanted in s]
    close = difflib.get_close_matches(wanted, list(by_slug), n=5, cutoff=0.5)
    suggestions = list(dict.fromkeys(containing[:5] + close))[:5]
    hint = (
        f"did you mean: {', '.join(suggestions)}?"
        if suggestions
        else "a slug is a file name in content/papers/ without `.md`; run sitegen in the project folder"
    )
    raise SitegenError(f"no paper has the slug `{slug}`", hint=hint)
