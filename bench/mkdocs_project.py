"""The same corpus as an MkDocs project, for the side-by-side benchmark.

    python bench/mkdocs_project.py --project bench/out/corpus-1000 --out bench/out/mkdocs-1000 [--no-prebuild]

Every paper of the sitegen project becomes `docs/papers/<slug>.md` (its title as the heading, then
its abstract). The `nav` is explicit and small: the home page and one index page per year, each
listing that year's papers. Without an explicit nav MkDocs puts every page into the navigation of
every page, which at 10,000 papers would measure the theme's nav rendering rather than a site a
person would publish. Search uses MkDocs' own plugin, by default with `prebuild_index: python`
(the index is built at build time with the PyPI `lunr` package, as sitegen does).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from sitegen.model import Paper  # noqa: E402
from sitegen.paperfile import parse_paper  # noqa: E402

UNDATED = "undated"


def read_papers(project: Path) -> list[Paper]:
    """The papers of a sitegen project, sorted by slug."""
    files = sorted((project / "content" / "papers").glob("*.md"))
    return [parse_paper(path.read_text(encoding="utf-8"), str(path), path.stem) for path in files]


def markdown_title(title: str) -> str:
    """A title as one line of Markdown text (no heading or emphasis marks taken literally)."""
    return " ".join(title.split()).replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")


def paper_page(paper: Paper) -> str:
    return f"# {markdown_title(paper.title)}\n\n{paper.abstract}\n"


def year_page(year: str, papers: Iterable[Paper]) -> str:
    items = "".join(f"- [{markdown_title(p.title)}](../papers/{p.slug}.md)\n" for p in papers)
    return f"# Papers of {year}\n\n{items}"


def mkdocs_yml(site_name: str, years: Sequence[str], prebuild: bool) -> str:
    search = "  - search:\n      prebuild_index: python\n" if prebuild else "  - search\n"
    nav = "".join(f"  - '{year}': years/{year}.md\n" for year in years)
    return (
        f"site_name: '{site_name}'\n"
        "site_url: https://bench.example.org/mkdocs/\n"
        "theme:\n  name: mkdocs\n"
        f"plugins:\n{search}"
        f"nav:\n  - Home: index.md\n{nav}"
    )


def write_mkdocs_project(papers: Sequence[Paper], out: Path, *, prebuild: bool = True) -> None:
    """An MkDocs project in `out` (replaced if it exists)."""
    if out.exists():
        shutil.rmtree(out)
    (out / "docs" / "papers").mkdir(parents=True)
    (out / "docs" / "years").mkdir()
    by_year: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        by_year[str(paper.year) if paper.year else UNDATED].append(paper)
        (out / "docs" / "papers" / f"{paper.slug}.md").write_text(paper_page(paper), encoding="utf-8")
    years = sorted(by_year, reverse=True)
    for year in years:
        (out / "docs" / "years" / f"{year}.md").write_text(year_page(year, by_year[year]), encoding="utf-8")
    home = f"# Synthetic review\n\n{len(papers)} papers, listed by year in the navigation.\n"
    (out / "docs" / "index.md").write_text(home, encoding="utf-8")
    (out / "mkdocs.yml").write_text(mkdocs_yml("Synthetic review", years, prebuild), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--project", type=Path, required=True, help="a sitegen project (from generate.py)")
    parser.add_argument("--out", type=Path, required=True, help="the MkDocs project folder to (re)create")
    parser.add_argument("--no-prebuild", action="store_true", help="let the browser build the search index")
    args = parser.parse_args(argv)
    papers = read_papers(args.project)
    write_mkdocs_project(papers, args.out, prebuild=not args.no_prebuild)
    print(f"wrote an MkDocs project of {len(papers)} papers to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
