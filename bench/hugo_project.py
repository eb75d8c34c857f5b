"""The same corpus as a Hugo project, for the side-by-side benchmark (Debian's `hugo`, 0.111.3).

    python bench/hugo_project.py --project bench/out/n10000/project --out bench/out/n10000/hugo

Every paper of the sitegen project becomes `content/papers/<slug>.md`: its title, date, authors
(or organisation), venue, links and the topics sitegen assigns it (topics.yaml's rules, worked
out here with sitegen's own `assign_topics`, so both sites file each paper under the same
topics) in the front matter, its abstract as the Markdown body. The layouts make the pages
sitegen makes for the same papers, as plainly as Hugo allows:

- a page per paper (title, date, byline, venue, topic links, links, the abstract);
- the home page (every topic with its paper count, the 10 newest papers);
- the list of all papers, newest first, 50 to a page (sitegen's page size);
- the `topics` taxonomy: its index (each topic with its count) and a page per topic, 30 papers
  to a page (sitegen's), each card with the first 280 characters of the abstract;
- one RSS feed (the home page's) and the sitemap.

What the Hugo site lacks next to sitegen's: related papers, the search index and search page,
the citation files (BibTeX, RIS, CSL-JSON: per paper, per topic and the whole library),
papers.json, the charts, the "needs attention" page, the browser's filters on the list of all
papers, and the Highwire/Open Graph metadata of the paper pages.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from sitegen.config import load_config  # noqa: E402
from sitegen.load import load_library  # noqa: E402
from sitegen.model import Paper, Topic  # noqa: E402
from sitegen.topics import assign_topics  # noqa: E402

LIST_PAGE = 50  # sitegen's views.PAGE_SIZES for the list of every paper
READING_LIST_PAGE = 30  # sitegen's views.READING_LIST_PAGE, for a topic's papers
SNIPPET = 280  # sitegen's views.SNIPPET_LENGTH

CONFIG = """\
baseURL: https://bench.example.org/
title: {title}
languageCode: en
relativeURLs: true
uglyURLs: true
taxonomies:
  topic: topics
outputs:
  home: [HTML, RSS]
  section: [HTML]
  taxonomy: [HTML]
  term: [HTML]
rssLimit: 50
markup:
  goldmark:
    renderer:
      unsafe: false
"""


BASEOF = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ .Title }} · {{ .Site.Title }}{{ end }}</title>
</head>
<body>
<header><a href="{{ "index.html" | relURL }}">{{ .Site.Title }}</a>
<nav><a href="{{ "papers/index.html" | relURL }}">All papers</a>
<a href="{{ "topics/index.html" | relURL }}">Topics</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer>{{ len .Site.RegularPages }} papers</footer>
</body>
</html>
"""

# Go templates: an action may break over lines; `{{- ` and ` -}}` drop the white space around it.
CARD = """\
<article class="card">
<h3><a href="{{ .page.RelPermalink }}">{{ .page.Title }}</a></h3>
<p class="meta">{{ with .page.Params.byline }}{{ . }} · {{ end -}}
{{ with .page.Params.venue }}{{ . }} · {{ end -}}
{{ if .page.Date.IsZero }}Undated{{ else }}{{ .page.Date.Format "2 January 2006" }}{{ end }}</p>
{{ with .page.GetTerms "topics" }}<p class="topics">{{ range . -}}
<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>{{ end }}
{{ if .snippet }}<p class="snippet">{{ .page.Plain | truncate SNIPPET }}</p>{{ end }}
</article>
""".replace("SNIPPET", str(SNIPPET))

SINGLE = """\
{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
<p class="meta">{{ with .Params.byline }}{{ . }} · {{ end -}}
{{ with .Params.venue }}{{ . }} · {{ end -}}
{{ if .Date.IsZero }}Undated{{ else }}{{ .Date.Format "2 January 2006" }}{{ end }}</p>
{{ with .GetTerms "topics" }}<p class="topics">{{ range . -}}
<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>{{ end }}
{{ with .Params.links }}<p class="links">{{ range . -}}
<a href="{{ .url }}">{{ .label }}</a> {{ end }}</p>{{ end }}
<section class="abstract">{{ .Content }}</section>
</article>{{ end }}
"""

HOME = """\
{{ define "title" }}{{ .Site.Title }}{{ end }}
{{ define "main" }}<h1>{{ .Site.Title }}</h1>
<h2>Topics</h2>
<ul>{{ range .Site.Taxonomies.topics.ByCount -}}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
<h2>Newest papers</h2>
{{ range first 10 .Site.RegularPages.ByDate.Reverse -}}
{{ partial "card.html" (dict "page" . "snippet" false) }}{{ end }}
{{ end }}
"""

SECTION = """\
{{ define "main" }}<h1>All papers</h1>
{{ $pages := .Paginate .Pages.ByDate.Reverse PAGE_SIZE }}
{{ range $pages.Pages }}{{ partial "card.html" (dict "page" . "snippet" false) }}{{ end }}
{{ template "_internal/pagination.html" . }}
{{ end }}
""".replace("PAGE_SIZE", str(LIST_PAGE))

TAXONOMY = """\
{{ define "main" }}<h1>Topics</h1>
<ul>{{ range .Data.Terms.Alphabetical -}}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
"""

TERM = """\
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ with .Params.description }}<p>{{ . }}</p>{{ end }}
{{ $pages := .Paginate .Pages.ByDate.Reverse PAGE_SIZE }}
{{ range $pages.Pages }}{{ partial "card.html" (dict "page" . "snippet" true) }}{{ end }}
{{ template "_internal/pagination.html" . }}
{{ end }}
""".replace("PAGE_SIZE", str(READING_LIST_PAGE))

LAYOUTS = {
    "_default/baseof.html": BASEOF,
    "partials/card.html": CARD,
    "_default/single.html": SINGLE,
    "index.html": HOME,
    "_default/list.html": SECTION,
    "_default/taxonomy.html": TAXONOMY,
    "_default/term.html": TERM,
}


def byline(paper: Paper) -> str:
    if paper.authors:
        shown = ", ".join(paper.authors[:3])
        return shown + (" et al." if len(paper.authors) > 3 else "")
    if paper.organization:
        return paper.organization
    return f"{paper.authors_count} authors" if paper.authors_count else ""


def front_matter(paper: Paper, topic_ids: Sequence[str]) -> dict[str, object]:
    """A paper's Hugo front matter (JSON, which Hugo reads as front matter between braces)."""
    meta: dict[str, object] = {"title": paper.title, "topics": list(topic_ids)}
    if paper.date is not None:
        meta["date"] = paper.date.first_day().isoformat()  # Hugo wants a whole date
    if byline(paper):
        meta["byline"] = byline(paper)
    if paper.venue:
        meta["venue"] = paper.venue
    links = [{"url": link.url, "label": link.label or link.kind} for link in paper.links]
    if links:
        meta["links"] = links
    return meta


def paper_file(paper: Paper, topic_ids: Sequence[str]) -> str:
    meta = json.dumps(front_matter(paper, topic_ids), ensure_ascii=False, indent=1)
    return f"{meta}\n\n{paper.abstract}\n"


def topic_file(topic: Topic) -> str:
    meta = {"title": topic.title, "description": topic.description or ""}
    return json.dumps(meta, ensure_ascii=False) + "\n"


def write_hugo_project(project: Path, out: Path) -> int:
    """A Hugo project in `out` (replaced if it exists) of the papers of the sitegen `project`."""
    library = load_library(load_config(project / "site.yaml"))
    if out.exists():
        shutil.rmtree(out)
    papers_folder, topics_folder = out / "content" / "papers", out / "content" / "topics"
    papers_folder.mkdir(parents=True)
    for paper in library.papers:
        topic_ids = assign_topics(paper, library.topics)
        (papers_folder / f"{paper.slug}.md").write_text(paper_file(paper, topic_ids), encoding="utf-8")
    (papers_folder / "_index.md").write_text('{"title": "All papers"}\n', encoding="utf-8")
    for topic in library.topics:
        (topics_folder / topic.id).mkdir(parents=True)
        (topics_folder / topic.id / "_index.md").write_text(topic_file(topic), encoding="utf-8")
    (topics_folder / "_index.md").write_text('{"title": "Topics"}\n', encoding="utf-8")
    for name, text in LAYOUTS.items():
        (out / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (out / "layouts" / name).write_text(text, encoding="utf-8")
    title = json.dumps(library.config.title)
    (out / "config.yaml").write_text(CONFIG.format(title=title), encoding="utf-8")
    return len(library.papers)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--project", type=Path, required=True, help="a sitegen project (from generate.py)")
    parser.add_argument("--out", type=Path, required=True, help="the Hugo project folder to (re)create")
    args = parser.parse_args(argv)
    count = write_hugo_project(args.project, args.out)
    print(f"wrote a Hugo project of {count} papers to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
