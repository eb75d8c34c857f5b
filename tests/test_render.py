"""Templates a user can override and extend, the errors they get, and how abstracts render."""

from __future__ import annotations

import pickle
import shutil

from tests.conftest import SITE_YAML
from tests.test_build import PAPERS, paper_md, project_files

WITH_TEMPLATES = SITE_YAML + "paths:\n  templates: my-templates\n"


def build(make_project, run_cli, extra: dict[str, str], papers: dict[str, str] | None = None):
    root = make_project({**project_files(papers), **extra}, site_yaml=WITH_TEMPLATES)
    code, _, err = run_cli(root, "build")
    return root, code, err


def test_a_user_template_extends_the_default_by_its_default_name(make_project, run_cli):
    extended = (
        '{% extends "default/paper.html" %}\n{% block title %}Reviewed: {{ paper.title }}{% endblock %}\n'
    )
    root, code, err = build(make_project, run_cli, {"my-templates/paper.html": extended})
    assert code == 0, err
    page = (root / "public/papers/endogen.html").read_text(encoding="utf-8")
    assert "<title>Reviewed: EndoGen: endoscopic video generation</title>" in page
    assert "segment polyps" in page  # the rest of the default page is kept


def test_a_user_template_replaces_the_default_of_the_same_name(make_project, run_cli):
    home = '{% extends "base.html" %}{% block main %}<h1>Our own home</h1>{% endblock %}'
    root, code, err = build(make_project, run_cli, {"my-templates/home.html": home})
    assert code == 0, err
    page = (root / "public/index.html").read_text(encoding="utf-8")
    assert "<h1>Our own home</h1>" in page and 'id="site-search-input"' in page


def test_a_paper_can_choose_its_own_template(make_project, run_cli):
    papers = {**PAPERS, "endogen": paper_md("EndoGen", "Video.", date="2026-01-01", template="wide.html")}
    wide = '{% extends "default/paper.html" %}\n{% block main %}<h1 class="wide">{{ paper.title }}</h1>'
    wide += "{% endblock %}"
    root, code, err = build(make_project, run_cli, {"my-templates/wide.html": wide}, papers)
    assert code == 0, err
    assert '<h1 class="wide">EndoGen</h1>' in (root / "public/papers/endogen.html").read_text(
        encoding="utf-8"
    )
    assert 'class="wide"' not in (root / "public/papers/polyp-seg.html").read_text(encoding="utf-8")


def test_a_missing_paper_template_names_the_paper_file_line_and_key(make_project, run_cli):
    papers = {**PAPERS, "endogen": paper_md("EndoGen", "Video.", date="2026-01-01", template="nope.html")}
    _, code, err = build(make_project, run_cli, {"my-templates/.keep": ""}, papers)
    assert code == 1
    assert "content/papers/endogen.md:4: `template`" in err and "nope.html" in err


def test_a_template_syntax_error_names_the_template_file_and_line(make_project, run_cli):
    broken = '{% extends "default/topic.html" %}\n{% block main %}\n{% if %}\n{% endblock %}\n'
    _, code, err = build(make_project, run_cli, {"my-templates/topic.html": broken})
    assert code == 1
    assert "my-templates/topic.html:3" in err and "template error" in err


def test_an_undefined_variable_names_the_template_file_and_line(make_project, run_cli):
    broken = '{% extends "default/topic.html" %}\n{% block main %}\n\n{{ topic.colour }}\n{% endblock %}\n'
    _, code, err = build(make_project, run_cli, {"my-templates/topic.html": broken})
    assert code == 1
    assert "my-templates/topic.html:4" in err and "colour" in err


def test_static_files_in_the_templates_folder_replace_or_join_the_built_in_assets(make_project, run_cli):
    base = '{% extends "default/base.html" %}{% block head %}'
    base += '<link rel="stylesheet" href="{{ root }}assets/brand/extra.css">{% endblock %}'
    extra = {
        "my-templates/base.html": base,
        "my-templates/static/style.css": "body { color: teal; }\n",
        "my-templates/static/search.css": "/* ours */\n",
        "my-templates/static/brand/extra.css": "h1 { color: navy; }\n",
        "my-templates/static/.style.css.swp": "editor scratch",
        "my-templates/static/style.css~": "backup",
    }
    root, code, err = build(make_project, run_cli, extra)
    assert code == 0, err
    assets = root / "public/assets"
    assert (assets / "style.css").read_text() == "body { color: teal; }\n"
    assert (assets / "search.css").read_text() == "/* ours */\n"
    assert (assets / "brand/extra.css").read_text() == "h1 { color: navy; }\n"
    assert (assets / "site.js").exists() and (assets / "search-index.js").exists()  # the rest stay
    assert not list(assets.glob(".style.css.swp")) and not (assets / "style.css~").exists()
    page = (root / "public/papers/endogen.html").read_text(encoding="utf-8")
    assert 'href="../assets/brand/extra.css"' in page


def test_a_stylesheet_edit_rewrites_the_stylesheet_and_renders_no_page_again(make_project, run_cli):
    root, code, err = build(make_project, run_cli, {"my-templates/static/style.css": "a { color: red; }\n"})
    assert code == 0, err
    (root / "my-templates/static/style.css").write_text("a { color: blue; }\n", encoding="utf-8")
    code, out, err = run_cli(root, "build")
    assert code == 0, err
    assert (root / "public/assets/style.css").read_text() == "a { color: blue; }\n"
    assert "nothing changed" not in out and " 0 rendered, " in out


def test_a_static_file_may_not_replace_the_search_index(make_project, run_cli):
    _, code, err = build(make_project, run_cli, {"my-templates/static/search-index.js": "var x;"})
    assert code == 1
    assert "my-templates/static/search-index.js would replace the search index" in err


ROOT_FILES = {  # a host's files (GitHub Pages, Netlify, Apache), hidden ones too
    "CNAME": b"review.example.org\n",
    "robots.txt": b"User-agent: *\nAllow: /\n",
    "_redirects": b"/old-review/* /:splat 301\n",
    ".htaccess": b"ErrorDocument 404 /404.html\n",
    ".well-known/security.txt": b"Contact: mailto:editor@example.org\n",
    "favicon.ico": bytes(range(256)),
    "files/slides/talk.pdf": b"%PDF-1.4\n\xff\xfe",
}


def root_files(root, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = root / "my-templates/root" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def test_files_in_the_templates_root_folder_are_published_at_the_site_s_root_as_they_are(
    make_project, run_cli
):
    from tests.conftest import settle
    from tests.test_cold_oracle import assert_same_as_cold_build

    root, code, err = build(make_project, run_cli, {})
    root_files(root, {**ROOT_FILES, "CNAME~": b"backup", ".robots.txt.swp": b"editor scratch"})
    code, out, err = run_cli(root, "build")
    assert code == 0, err
    warnings = [line for line in (out + err).splitlines() if line.startswith("warning:")]
    assert not [line for line in warnings for name in ROOT_FILES if name in line]
    for name, data in ROOT_FILES.items():
        assert (root / "public" / name).read_bytes() == data, name
    assert not (root / "public/CNAME~").exists() and not (root / "public/.robots.txt.swp").exists()
    assert " 0 rendered, " in out  # no template changed: no page is rendered again
    settle(root)  # files written long ago: a build may trust their size and time
    run_cli(root, "build")
    assert "nothing changed" in run_cli(root, "build")[1]
    (root / "my-templates/root/CNAME").unlink()
    (root / "my-templates/root/robots.txt").write_bytes(b"User-agent: *\nDisallow: /drafts/\n")
    assert_same_as_cold_build(root, "a root file removed, another changed")
    assert not (root / "public/CNAME").exists()
    assert (root / "public/robots.txt").read_bytes() == b"User-agent: *\nDisallow: /drafts/\n"


def test_a_root_file_may_never_take_the_place_of_anything_the_build_makes(make_project, run_cli):
    """Every name the build makes at the site's root (as a cold build lists them), as a file and
    as a folder holding one, fails with one error naming the file; nothing is published."""
    from tests.conftest import file_tree

    root, code, err = build(make_project, run_cli, {})
    made = sorted(path.name for path in (root / "public").iterdir())
    assert {"index.html", "papers", "assets", "papers.json", ".sitegen-output"} <= set(made)
    before, content = file_tree(root / "public"), file_tree(root / "content")
    for name in made:
        taken = name if (root / "public" / name).is_file() else f"{name}/extra.txt"
        root_files(root, {taken: b"mine"})
        code, _, err = run_cli(root, "build")
        assert code == 1, name
        [line] = err.strip().splitlines()
        assert line.startswith(f"error: my-templates/root/{taken}: "), line
        assert file_tree(root / "public") == before and file_tree(root / "content") == content
        shutil.rmtree(root / "my-templates/root")
    assert run_cli(root, "build")[0] == 0


def test_abstract_markdown_shows_raw_html_as_text_and_links_only_to_safe_addresses():
    from sitegen.abstracts import markdown_html, plain_text

    html = str(
        markdown_html(
            "Text <script>alert(1)</script> *em* [ok](https://a.org) [mail](mailto:x@y.org) "
            "[rel](../x.html) [bad](javascript:alert(1)) [data](data:text/html,x) ![img](https://evil.org/x.png)\n\n"
            "# not a heading"
        )
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "<em>em</em>" in html
    assert '<a href="https://a.org">' in html and '<a href="mailto:x@y.org">' in html
    assert '<a href="../x.html">' in html
    assert "javascript:" not in html.split("[bad]")[0] and 'href="javascript' not in html
    assert 'href="data:' not in html and "<img" not in html
    assert "<h1" not in html and "# not a heading" in html
    assert plain_text("A *b* [c](https://d.org)\nnext") == "A b c next"


def test_every_page_knows_its_way_back_to_the_root():
    from sitegen.urls import is_safe_link, root_of

    assert root_of("index.html") == "" and root_of("papers/x.html") == "../"
    assert is_safe_link("https://a.org") and is_safe_link("x.html") and is_safe_link("mailto:a@b.org")
    assert not is_safe_link("javascript:alert(1)") and not is_safe_link("//evil.org/x")
    assert not is_safe_link(" JavaScript:alert(1)") and not is_safe_link("vbscript:x")


def _parsed(markdown: str):
    from sitegen import abstracts

    parser = abstracts._markdown()
    tokens = parser.parse(markdown)
    return abstracts.Abstract(parser.renderer.render(tokens, parser.options, {}), abstracts._plain(tokens))


def _prose_samples() -> list[str]:
    import random
    from pathlib import Path

    papers = Path(__file__).resolve().parents[1] / "content" / "papers"
    samples = [
        path.read_text(encoding="utf-8").split("\n---\n", 1)[-1] for path in sorted(papers.glob("*.md"))
    ]
    prose = [
        "Plain words",
        "segmentation",
        "p = 0.05",
        "(n=12)",
        '"quoted"',
        "it's",
        "AUROC: 0.91",
        "3D U-Net",
        "12",
        "é",
        "%",
        "!",
        "\u00a0",
        "a#b",
        "x|y",
        "p < 0.05",
        "a & b",
        "x > y",
        "$\\alpha$",
        "\\beta2",
    ]
    markup = [
        "1.",
        "2)",
        "- item",
        "+ x",
        "# Heading",
        "> quote",
        "===",
        "---",
        "*em*",
        "_under_",
        "`code`",
        "[link](https://x.org)",
        "<https://x.org>",
        "&amp;",
        "&",
        "<b>",
        "\\*",
        "~~gone~~",
        "a\\",
        "\\.",
        "<0.05",
        "<a@b.co>",
        "&x;",
        "&#1;",
        "a_b",
        "<",
        "&",
        "    ",
        "  ",
        "\t",
        " ",
        "\u2028",
        "\r",
        "\x0c",
    ]
    rng = random.Random(7)
    for _ in range(3000):
        parts = [rng.choice(prose if rng.random() < 0.9 else markup) for _ in range(rng.randint(1, 8))]
        seps = [rng.choice([" ", " ", "", "\n", "\n\n", "\n \n", "\n\n\n"]) for _ in parts]
        samples.append("".join(part + sep for part, sep in zip(parts, seps, strict=True)))
    return samples


def test_plain_prose_abstracts_render_exactly_as_the_markdown_parser_renders_them():
    from sitegen import abstracts

    samples = _prose_samples()
    taken = 0
    for sample in samples:
        taken += abstracts._prose_paragraphs(sample) is not None
        assert abstracts.render_abstract(sample) == _parsed(sample), repr(sample)
    assert taken > 300  # hundreds of samples take the shortcut, not only the parser


def test_an_abstract_kept_without_its_text_gives_back_the_abstract_rendered():
    """The cache keeps an abstract's text only where it differs from the Markdown it was made
    from: given that Markdown again, every sample gives back exactly what rendering it gives."""
    from sitegen import abstracts

    samples = _prose_samples()
    left_out = 0
    for sample in samples:
        kept = pickle.loads(pickle.dumps(abstracts.kept_abstract(sample)))  # as the cache holds it
        left_out += kept.text is None
        assert kept.with_markdown(sample) == abstracts.render_abstract(sample), repr(sample)
    assert 0 < left_out < len(samples)  # both forms are seen


def _escape_samples() -> list[object]:
    """Values a template may show: text with every character up to U+02FF (alone and amid
    others), some further ones, a lone surrogate, str and Markup subclasses, Markup holding
    markup, numbers, None, objects that give their own HTML, Jinja's undefined."""
    import jinja2
    import markupsafe

    class Text(str):
        pass

    class Safe(markupsafe.Markup):
        pass

    class Html:
        def __html__(self) -> str:
            return "<b>&amp;</b>"

    characters = [chr(point) for point in range(0x300)] + ["\u2028", "\ufeff", "\U0001f600", "\ud800"]
    samples: list[object] = ["", "a < b && c > d", "'quoted' \"twice\""]
    samples += characters + [f"x{c}y{c}" for c in characters]
    samples += [Text("<i>"), Safe("<i>x</i>"), markupsafe.Markup("<b>&amp;</b>"), markupsafe.Markup("")]
    samples += [0, -7, 2024, 3.5, True, None, Html(), jinja2.Undefined()]
    return samples


def test_the_escape_templates_use_gives_what_markupsafe_gives_for_every_value():
    import jinja2
    import markupsafe

    from sitegen import render

    for value in _escape_samples():
        expected = markupsafe.escape(value)
        found = render.escape(value)
        assert found == expected and type(found) is markupsafe.Markup, repr(value)
    strict = jinja2.StrictUndefined(name="missing")
    for escape in (markupsafe.escape, render.escape):
        try:
            escape(strict)
        except jinja2.UndefinedError as error:
            assert "missing" in str(error)
        else:
            raise AssertionError("an undefined value must stop the page, whichever escape shows it")


def test_templates_show_values_through_that_escape():
    from sitegen import render

    template = render.make_environment().from_string("<p title='{{ value }}'>{{ value }}</p>")
    assert template.root_render_func.__globals__["escape"] is render.escape
    assert template.render(value="<a href=\"x\">'&'</a>") == (
        "<p title='&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&lt;/a&gt;'>"
        "&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&lt;/a&gt;</p>"
    )
