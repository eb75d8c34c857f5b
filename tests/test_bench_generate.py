"""The benchmark's corpus generator: same seed, same files; every file reads back as a valid paper."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from sitegen.paperfile import parse_paper

REPO = Path(__file__).resolve().parent.parent


def load_generator():
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def project_files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()
    }


def test_same_seed_writes_identical_projects_and_other_seeds_differ(tmp_path: Path) -> None:
    generate = load_generator()
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        assert generate.main(["--papers", "60", "--out", str(tmp_path / name), "--seed", str(seed)]) == 0
    first, again, other = (project_files(tmp_path / name) for name in "abc")
    assert first == again
    assert first != other
    assert "site.yaml" in first


def test_every_generated_paper_is_valid_and_realistic(tmp_path: Path) -> None:
    generate = load_generator()
    topics = tmp_path / "topics.yaml"
    topics.write_text("# the editor's topics\n", encoding="utf-8")
    project = tmp_path / "project"
    generate.main(["--papers", "300", "--out", str(project), "--topics", str(topics)])

    assert (project / "content" / "topics.yaml").read_text(encoding="utf-8") == "# the editor's topics\n"
    files = sorted((project / "content" / "papers").glob("*.md"))
    assert len(files) == 300
    papers = [parse_paper(path.read_text(encoding="utf-8"), str(path), path.stem) for path in files]

    assert all(paper.title and paper.date for paper in papers)
    assert all(3 <= (len(paper.authors) or paper.authors_count or 0) <= 8 for paper in papers)
    assert 0.6 < sum(bool(paper.authors) for paper in papers) / len(papers) < 0.9
    assert len({name for paper in papers for name in paper.authors}) > 300
    assert len({paper.venue for paper in papers}) > 50 and any(paper.venue is None for paper in papers)
    assert {paper.date.year for paper in papers if paper.date} >= set(range(2019, 2027))
    average = sum(len(paper.abstract) for paper in papers) / len(papers)
    assert 1200 < average < 1800
    assert any(link.url.startswith("https://github.com/") for paper in papers for link in paper.links)
    assert any(paper.title_derived for paper in papers)
    assert any(paper.date_inferred for paper in papers)
    assert len({paper.title for paper in papers}) > 250  # varied, not one template


def test_the_hugo_project_holds_every_paper_with_the_topics_sitegen_gives_it(tmp_path: Path) -> None:
    import json
    import shutil
    import subprocess

    from sitegen.config import load_config
    from sitegen.load import load_library
    from sitegen.topics import assign_topics

    generate = load_generator()
    project, hugo = tmp_path / "project", tmp_path / "hugo"
    generate.main(
        ["--papers", "40", "--out", str(project), "--topics", str(REPO / "content" / "topics.yaml")]
    )
    spec = importlib.util.spec_from_file_location("bench_hugo_project", REPO / "bench" / "hugo_project.py")
    assert spec and spec.loader
    hugo_project = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hugo_project)
    assert hugo_project.write_hugo_project(project, hugo) == 40

    library = load_library(load_config(project / "site.yaml"))
    for paper in library.papers:
        text = (hugo / "content" / "papers" / f"{paper.slug}.md").read_text(encoding="utf-8")
        meta, body = text.split("\n\n", 1)
        front = json.loads(meta)
        assert front["title"] == paper.title
        assert front["topics"] == list(assign_topics(paper, library.topics))
        assert body == paper.abstract + "\n"
    assert {path.name for path in (hugo / "content" / "topics").iterdir()} == {
        "_index.md",
        *(topic.id for topic in library.topics),
    }
    if shutil.which("hugo"):  # Debian's `hugo`, as bench/scale.py runs it; not a test dependency
        subprocess.run(["hugo", "--quiet", "--destination", str(hugo / "public")], cwd=hugo, check=True)
        pages = {path.stem for path in (hugo / "public" / "papers").glob("*.html")}
        assert {paper.slug for paper in library.papers} <= pages
