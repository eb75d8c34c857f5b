"""The URL policy: where each page lives in the output, and how pages link to each other.

Every link a page holds is relative to that page, and links to folders name `index.html`
explicitly, so one output works from `file://`, from a sub-path and from a domain root.
Only the feed and sitemap use absolute addresses (built from `base_url`), and only the
404 page links from the site's root path, because a host serves it at any depth.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

HOME = "index.html"
PAPERS = "papers/"  # a page per paper, and the list of them all
ALL_PAPERS = f"{PAPERS}index.html"
# A paper's file names its page (papers/SLUG.html): these names are the site's own pages there.
RESERVED_SLUGS = {"index": f"{ALL_PAPERS}, the list of all papers"}
ALL_PAPERS_PAGES = f"{PAPERS}pages/"  # the list's further pages, for browsing without JavaScript
TOPICS = "topics/index.html"
UNCLASSIFIED = "unclassified"  # the topic page of the papers with no topic (an id no topic may take)
UNCLASSIFIED_TITLE = "Unclassified"  # its title (a title no topic may take)
ATTENTION = "attention.html"
SEARCH = "search.html"
NOT_FOUND = "404.html"
SITEMAP = "sitemap.xml"  # the sitemap, or the index of its parts when one file cannot hold it
FEED = "feed.xml"
BIBTEX = "papers.bib"
RIS = "papers.ris"
CSL_JSON = "papers.csl.json"
JSON = "papers.json"
ASSETS = "assets/"  # static files: stylesheets, scripts, icons
STYLE = "assets/style.css"
SITE_JS = "assets/site.js"
FAVICON = "assets/favicon.svg"
THEME_JS = "assets/theme.js"  # applies the reader's light or dark choice before the page is drawn
NOSCRIPT_CSS = "assets/noscript.css"  # hides the controls that need JavaScript when it is off
BROWSE_DATA = "assets/papers-data.js"  # every paper's card data, for the All papers browser
SEARCH_INDEX = "assets/search-index.js"  # loaded by the search box on first use
SEARCH_FILES = "assets/search/"  # the search index's other files, loaded as queries need them
DATA_SCRIPTS = (SEARCH_INDEX, BROWSE_DATA)  # scripts that hold data, loaded when they are used


def paper_file(slug: str) -> str:
    return f"{PAPERS}{slug}.html"


def is_paper_file(path: str) -> bool:
    return path.startswith(PAPERS) and path != ALL_PAPERS and "/" not in path[len(PAPERS) :]


def topic_file(topic_id: str) -> str:
    return f"topics/{topic_id}.html"


def topic_bibtex(topic_id: str) -> str:
    """A topic's papers as BibTeX, beside its page."""
    return f"topics/{topic_id}.bib"


def topic_pages(topic_id: str) -> str:
    """The folder of a topic's further pages (2.html, 3.html, ...): no topic id holds a slash."""
    return f"topics/{topic_id}/"


def list_page_file(first: str, folder: str, number: int) -> str:
    """Page `number` (from 1) of a list of papers whose first page is `first` and whose further
    pages are `folder`2.html, 3.html, ..."""
    return first if number == 1 else f"{folder}{number}.html"


def link_to(file: str) -> str:
    """An output file's path as it appears in an href (percent-encoded)."""
    return quote(file)


def paper_page(slug: str) -> str:
    return link_to(paper_file(slug))


def topic_page(topic_id: str) -> str:
    return link_to(topic_file(topic_id))


def root_of(page: str) -> str:
    """The relative path from a page back to the site root: "" or "../" (one per folder level)."""
    return "../" * page.count("/")


def site_path(base_url: str) -> str:
    """The path the site is published under, e.g. "/" or "/review/"."""
    path = urlsplit(base_url).path or "/"
    return path if path.endswith("/") else path + "/"


def sitemap_part(number: int) -> str:
    """Part `number` (from 1) of a sitemap too long for one file."""
    return f"sitemap-{number}.xml"


def absolute(base_url: str, target: str) -> str:
    """The public address of an output file, for the feed and sitemap."""
    return base_url + target


def is_safe_link(url: str) -> bool:
    """Links from content may go to http(s), mailto or a relative address; nothing else runs."""
    scheme = urlsplit(url.strip()).scheme.lower()
    if not scheme:
        # "//host/x" leaves the site without a scheme; a relative path never starts that way
        return not url.strip().startswith("//") and ":" not in url.split("/")[0]
    return scheme in ("http", "https", "mailto")


def external_href(url: str) -> str:
    """A content link as a valid href: characters URLs may not hold are percent-encoded."""
    return quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~")
