"""The YAML files an editor writes (paper front matter, site.yaml, topics.yaml): a key given twice
is an error at its second line, at any depth, where PyYAML alone keeps the last silently; a quote
(or `[`, `{`) never closed is reported at the line it opens, not where the file ends.

Duplicates are made for every key of the front-matter schema and of site.yaml; what PyYAML would
have done with them (kept the last, said nothing) is checked first, so each case is one that
would otherwise pass unseen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import file_tree

from sitegen import config, schema
from sitegen.config import load_config
from sitegen.errors import SitegenError
from sitegen.model import Paper
from sitegen.paperfile import dump_meta, paper_meta, parse_paper
from sitegen.topicsfile import parse_topics

# Values as a file holds them, for the fields whose type has no samples.
FILE_VALUES = {
    "title_derived": True, "date_inferred": True, "authors_count": 7, "upvotes": 12,
    "links": [{"url": "https://a.org/code", "kind": "code"}], "sources": ["a.txt"], "topics": ["agents"],
    "topics_add": ["agents"], "topics_remove": ["agents"],
}  # fmt: skip


def sample_meta(field: schema.Field) -> dict:
    """A paper's fields, as written, with `field` set to a valid value."""
    if field.name in FILE_VALUES:
        return {"title": "A title", field.name: FILE_VALUES[field.name]}
    value = field.type.samples[0] if field.type.samples else "A title"
    return paper_meta(Paper(**{"slug": "x", "title": "A title", "abstract": "", field.name: value}))


def test_the_front_matter_sweep_has_a_value_for_every_field():
    assert {f.name for f in schema.FIELDS if not f.type.samples} - {"title"} == set(FILE_VALUES)


def blocks(front: str) -> list[list[str]]:
    """The front matter's top-level keys, each with its lines."""
    found: list[list[str]] = []
    for line in front.split("\n"):
        if line and not line.startswith((" ", "-", "#")):
            found.append([line])
        elif found and line:
            found[-1].append(line)
    return found


def doubled(text: str, key: str) -> tuple[str, int]:
    """`text` with the block of top-level `key` given again at the end, and the line it starts on."""
    front = text.split("---\n")[1]
    [block] = [b for b in blocks(front) if b[0].split(":")[0] == key]
    lines = front.rstrip("\n").split("\n")
    return "---\n" + "\n".join([*lines, *block]) + "\n---\nAbstract.\n", len(lines) + 2


@pytest.mark.parametrize("field", schema.FIELDS, ids=lambda f: f.name)
def test_every_front_matter_key_given_twice_is_an_error_at_its_second_line(field):
    text, line = doubled(dump_meta(sample_meta(field), "Abstract."), field.name)
    front = text.split("---\n")[1]
    assert isinstance(yaml.safe_load(front), dict), "PyYAML alone takes it, the last value winning"
    with pytest.raises(SitegenError) as info:
        parse_paper(text, "content/papers/x.md", "x")
    [problem] = info.value.problems
    assert (problem.path, problem.line, problem.key) == ("content/papers/x.md", line, field.name)
    first = first_line(text, field.name)
    assert str(problem).endswith(f"is given twice (keep one of them; the first is on line {first})")


def first_line(text: str, key: str) -> int:
    return next(number for number, line in enumerate(text.split("\n"), 1) if line.startswith(f"{key}:"))


@pytest.mark.parametrize(
    ("front", "line", "key"),
    [
        ("title: A\nextra:\n  volume: 3\n  pages: 1-2\n  volume: 4\n", 6, "extra.volume"),
        ("title: A\nlinks:\n- url: https://a.org\n  kind: code\n- url: https://b.org\n  url: https://c.org\n",
         7, "links[1].url"),
        ("title: A\nextra: {a: 1, b: {c: 1, c: 2}}\n", 3, "extra.b.c"),
        ("title: A\n'title': B\n", 3, "title"),  # the same key, quoted
    ],
)  # fmt: skip
def test_a_key_given_twice_at_any_depth_is_an_error_at_its_line(front, line, key):
    with pytest.raises(SitegenError) as info:
        parse_paper(f"---\n{front}---\nAbstract.\n", "x.md", "x")
    [problem] = info.value.problems
    assert (problem.line, problem.key, problem.message) == (line, key, "is given twice")


def test_keys_yaml_reads_as_different_are_not_twice():
    paper = parse_paper("---\ntitle: A\nextra:\n  1: a\n  '1': b\n---\nText.\n", "x.md", "x")
    assert paper.extra and len(paper.extra) == 2


SITE_VALUES = {
    "title": "T", "description": "D", "base_url": "https://a.org/", "author": "A", "language": "en",
    "recent_count": 5, "related_count": 3, "editor": False,
}  # fmt: skip
PATH_VALUES = {"content": "content", "templates": "templates", "output": "public", "cache": ".cache"}


def site_lines() -> list[str]:
    lines = [f"{key}: {yaml.safe_dump(value).split(chr(10))[0]}" for key, value in SITE_VALUES.items()]
    return [*lines, "paths:", *(f"  {key}: {value}" for key, value in PATH_VALUES.items())]


def test_the_site_yaml_sweep_covers_every_key(tmp_path):
    assert set(SITE_VALUES) == set(config.KEYS) and set(PATH_VALUES) == set(config.PATH_KEYS)
    load_config_text("\n".join(site_lines()) + "\n", tmp_path)  # and all of them at once are valid


def load_config_text(text: str, folder: Path):
    (folder / "site.yaml").write_text(text, encoding="utf-8")
    return load_config(folder / "site.yaml")


@pytest.mark.parametrize("key", [*SITE_VALUES, "paths", *(f"paths.{key}" for key in PATH_VALUES)])
def test_every_site_yaml_key_given_twice_is_an_error_at_its_second_line(tmp_path, key):
    lines = site_lines()
    paths = lines.index("paths:")
    if key == "paths":  # a second `paths:` block, which replaced the first
        first, again = paths + 1, ["paths:", "  output: elsewhere"]
        lines += again
        second = len(lines) - 1
    elif key.startswith("paths."):  # the paths block is last: a line added at the end is in it
        name = key.split(".")[1]
        first = next(n for n, line in enumerate(lines, 1) if line.startswith(f"  {name}:"))
        lines.append(f"  {name}: again")
        second = len(lines)
    else:  # given again just before `paths:`
        first = next(n for n, line in enumerate(lines, 1) if line.startswith(f"{key}:"))
        lines.insert(paths, lines[first - 1])
        second = paths + 1
    text = "\n".join(lines) + "\n"
    assert isinstance(yaml.safe_load(text), dict), "PyYAML alone takes it, the last value winning"
    with pytest.raises(SitegenError) as info:
        load_config_text(text, tmp_path)
    [problem] = info.value.problems
    assert (problem.path, problem.line, problem.key) == (str(tmp_path / "site.yaml"), second, key)
    assert (
        problem.message == "is given twice"
        and problem.hint == f"keep one of them; the first is on line {first}"
    )


def test_a_second_paths_block_stops_the_build_and_leaves_public_as_it_was(sample_project, run_cli):
    project = sample_project
    assert run_cli(project, "build")[0] == 0
    before = file_tree(project)
    site = (project / "site.yaml").read_text()
    if "\npaths:" not in site:
        site += "paths:\n  content: content\n"
    first = site.split("\n").index("paths:") + 1
    site += "paths:\n  output: elsewhere\n"
    (project / "site.yaml").write_text(site)
    before["site.yaml"] = site.encode()
    code, out, err = run_cli(project, "build")
    assert (code, out) == (1, "")
    second = site.count("\n") - 1
    said = f"`paths`: is given twice (keep one of them; the first is on line {first})"
    assert err == f"error: site.yaml:{second}: {said}\n"
    assert file_tree(project) == before


# -- a quote, `[` or `{` never closed ----------------------------------------------------------

OPENED = {
    '"': ('"Lung nodule detection', "never closed", '\\"'),
    "'": ("'Lung nodule detection", "never closed", "''"),
    "[": ("[segmentation, agents", "not closed with `]`", "`]`"),
    "{": ("{reviewed_by: ana", "not closed with `}`", "`}`"),
}


def paper_error(front: str) -> str:
    with pytest.raises(SitegenError) as info:
        parse_paper(f"---\n{front}---\nAbstract.\n", "x.md", "x")
    return str(info.value)


@pytest.mark.parametrize("opener", OPENED)
@pytest.mark.parametrize("before", [0, 1, 3])
@pytest.mark.parametrize("after", [0, 1, 3])
def test_an_unclosed_opener_in_front_matter_is_reported_where_it_opens(opener, before, after):
    value, said, fix = OPENED[opener]
    key = {"[": "topics", "{": "extra"}.get(opener, "title")
    lines = (
        [f"venue: V{n}" for n in range(before)]
        + [f"{key}: {value}"]
        + [f"upvotes: {n}" for n in range(after)]
    )
    assert "end of stream" in str(_pyyaml_error("\n".join(lines))) or opener in "[{"
    message = paper_error("\n".join(lines) + "\n")
    assert message.startswith(f"x.md:{before + 2}: the front matter is not valid YAML: the ")
    assert f"{opener}` that opens this value is {said}" in message.replace(
        f"the {opener} ", f"the {opener}` "
    )
    assert fix in message


def _pyyaml_error(text: str) -> Exception:
    try:
        yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return exc
    raise AssertionError("PyYAML reads it")


@pytest.mark.parametrize("opener", OPENED)
def test_an_unclosed_opener_in_site_yaml_is_reported_where_it_opens(tmp_path, opener):
    value, said, _ = OPENED[opener]
    text = f"title: T\ndescription: {value}\nbase_url: https://a.org/\nauthor: A\n"
    with pytest.raises(SitegenError) as info:
        load_config_text(text, tmp_path)
    message = str(info.value).replace(f"the {opener} ", f"the {opener}` ")
    assert message.startswith(f"{tmp_path / 'site.yaml'}:2: not valid YAML: the ")
    assert f"{opener}` that opens this value is {said}" in message


@pytest.mark.parametrize("opener", OPENED)
def test_an_unclosed_opener_in_topics_yaml_is_reported_where_it_opens(opener):
    value, said, _ = OPENED[opener]
    text = f"- id: a\n  title: A\n  description: {value}\n  rules:\n    title:\n      'a': 1\n"
    with pytest.raises(SitegenError) as info:
        parse_topics(text)
    message = str(info.value).replace(f"the {opener} ", f"the {opener}` ")
    assert message.startswith("content/topics.yaml:3: not valid YAML: the ")
    if opener == "'":  # the pattern's own quote (line 6) closes it
        said = "not closed on its line: it runs on to line 6, taking in the keys between"
    assert f"{opener}` that opens this value is {said}" in message


@pytest.mark.parametrize("quote", ["'", '"'])
def test_a_quote_closed_only_by_a_later_values_quote_is_reported_where_it_opens(quote):
    front = f"title: {quote}Lung nodule detection\ndate: 2024-01-01\nvenue: {quote}Nature{quote}\n"
    assert "found" in str(_pyyaml_error(front)), "PyYAML says what it found on line 3"
    message = paper_error(front)
    assert message == (
        f"x.md:2: the front matter is not valid YAML: the {quote} that opens this value is not closed on "
        f"its line: it runs on to line 4, taking in the keys between (add the closing {quote} where the "
        f"value ends (a {quote} inside it is written {OPENED[quote][2]}))"
    )


def test_a_quoted_value_over_several_lines_is_still_read():
    paper = parse_paper('---\ntitle: "A long\n  title"\n---\nText.\n', "x.md", "x")
    assert paper.title == "A long title"


def test_topics_yaml_names_the_first_line_of_a_key_given_twice():
    text = "- id: a\n  title: A\n  description: D\n  rules:\n    threshold: 2\n    threshold: 3\n"
    with pytest.raises(SitegenError) as info:
        parse_topics(text)
    said = (
        "content/topics.yaml:6: `rules.threshold`: is given twice (keep one of them; the first is on line 5)"
    )
    assert said in str(info.value)


# -- text that YAML reads as syntax, and tabs ----------------------------------------------------

# Texts an editor types as a value that YAML refuses to take as a plain text: PyYAML's words for
# them ("found undefined alias", "did not find expected key") are about its parser.
SYNTAX_TEXTS = [
    "*EndoGen* framework", "@home monitoring of nodules", "`nnU-Net` revisited", "% of nodules found",
    "!important results", "| pipes", "> quoted", "[Preprint] Lung nodules", "{Braces} in a title",
    '"Quoted" title and more', "'Quoted' title and more", "- dash title", "? question",
    "Lung nodules: a study", "Lung - nodules: x", "it's 100%: all",
]  # fmt: skip
# Mistakes inside a value that is whole (quoted, a list): no advice to quote it all.
WHOLE_VALUES = ['"an \\q escape"', "[a: b: c]", "{a: b: c}"]

# (file, its text with {value} on line `line`): a value of each of the three files.
YAML_FILES = {
    "paper": ("---\nvenue: V\ntitle: {value}\nupvotes: 3\n---\nAbstract.\n", 3),
    "site.yaml": ("title: T\ndescription: {value}\nbase_url: https://a.org/\nauthor: A\n", 2),
    "topics.yaml": ("- id: a\n  title: A\n  description: {value}\n  rules:\n    title:\n      'a': 1\n", 3),
}


def yaml_file_error(kind: str, text: str, folder: Path) -> SitegenError:
    with pytest.raises(SitegenError) as info:
        read_yaml_file(kind, text, folder)
    return info.value


def read_yaml_file(kind: str, text: str, folder: Path) -> str:
    """The value the file gives on its value line (the title or the description)."""
    if kind == "paper":
        return parse_paper(text, "x.md", "x").title
    if kind == "site.yaml":
        return load_config_text(text, folder).config.description
    return parse_topics(text)[0].description


@pytest.mark.parametrize("kind", YAML_FILES)
@pytest.mark.parametrize("value", SYNTAX_TEXTS)
def test_a_text_yaml_reads_as_syntax_is_named_with_the_quoted_value_to_write(tmp_path, kind, value):
    template, line = YAML_FILES[kind]
    text = template.format(value=value)
    _pyyaml_error(text.split("---\n")[1] if kind == "paper" else text)  # PyYAML refuses it
    [problem] = yaml_file_error(kind, text, tmp_path).problems
    assert problem.line == line, problem
    assert "is YAML syntax, not text" in problem.message or "`: ` inside a value" in problem.message
    written = problem.hint.split("in quotes: ")[1]  # `key: 'the value'`, as the fix says
    lines = text.split("\n")
    indent = lines[line - 1][: len(lines[line - 1]) - len(lines[line - 1].lstrip())]
    lines[line - 1] = indent + written
    assert read_yaml_file(kind, "\n".join(lines), tmp_path) == value


TABS = {
    "after the key": "{key}:\t{value}",
    "as indentation": "\t{key}: {value}",
    "in the value": "{key}: a\tb",
}


@pytest.mark.parametrize("kind", YAML_FILES)
@pytest.mark.parametrize("where", TABS)
def test_a_tab_is_named_as_a_tab_at_its_line(tmp_path, kind, where):
    template, line = YAML_FILES[kind]
    key = "title" if kind == "paper" else "description"
    lines = template.split("\n")
    indent = "  " if kind == "topics.yaml" else ""
    lines[line - 1] = indent + TABS[where].format(key=key, value="{value}")
    text = "\n".join(lines).format(value="Lung nodules")
    [problem] = yaml_file_error(kind, text, tmp_path).problems
    assert problem.line == line, problem
    assert problem.message.endswith("a tab on this line: YAML takes spaces only"), problem
    assert problem.hint == "replace the tab with spaces"


@pytest.mark.parametrize("value", WHOLE_VALUES)
def test_a_mistake_inside_a_whole_value_is_not_called_text_to_quote(tmp_path, value):
    [problem] = yaml_file_error("paper", YAML_FILES["paper"][0].format(value=value), tmp_path).problems
    assert problem.line == 3 and "in quotes" not in problem.hint, problem


# A ` #` YAML reads as a comment's start, dropping the rest of the value (YAML 1.2, 6.6: a `#`
# after white space starts a comment): what the editor wrote, and what PyYAML alone keeps of it.
COMMENTED_TEXTS = {
    "Lung nodules #2: a study": "Lung nodules",
    "Lung nodules # 2 and more": "Lung nodules",
    "Lung nodules  #2": "Lung nodules",
    "C# in radiology #tools": "C# in radiology",
}


def warnings_of(kind: str, text: str, folder: Path) -> list:
    if kind == "paper":
        return list(parse_paper(text, "x.md", "x").warnings)
    if kind == "site.yaml":
        return list(load_config_text(text, folder).warnings)
    from sitegen.yamlfile import comment_warnings

    return comment_warnings(text, "topics.yaml")


@pytest.mark.parametrize("kind", YAML_FILES)
@pytest.mark.parametrize("value", COMMENTED_TEXTS)
def test_text_yaml_takes_for_a_comment_is_a_warning_with_the_quoted_value_to_write(tmp_path, kind, value):
    template, line = YAML_FILES[kind]
    text = template.format(value=value)
    yaml_text = text.split("---\n")[1] if kind == "paper" else text
    key = "title" if kind == "paper" else "description"
    parsed = yaml.safe_load(yaml_text)
    assert (parsed[key] if kind != "topics.yaml" else parsed[0][key]) == COMMENTED_TEXTS[value]  # lost
    assert read_yaml_file(kind, text, tmp_path) == COMMENTED_TEXTS[value]
    [warning] = warnings_of(kind, text, tmp_path)
    assert (warning.line, warning.key) == (line, key), warning
    assert "is read as a YAML comment and dropped" in warning.message
    written = warning.hint.split("in quotes: ")[1].split("; ")[0]
    lines = text.split("\n")
    indent = lines[line - 1][: len(lines[line - 1]) - len(lines[line - 1].lstrip())]
    lines[line - 1] = indent + written
    fixed = "\n".join(lines)
    whole = " ".join(value.split()) if kind == "topics.yaml" else value  # topics join white space
    assert read_yaml_file(kind, fixed, tmp_path) == whole
    assert warnings_of(kind, fixed, tmp_path) == []


@pytest.mark.parametrize(
    ("front", "line"),
    [
        ("title: A\ndoi: #10.1000/x\n", 3),  # the whole value
        ("title: A\nsources:\n- a.txt #2\n", 4),  # an item of a list
        ("title: A\nlinks:\n- url: https://a.org/#x #frag\n  kind: code\n", 4),  # a mapping in a list
    ],
)
def test_a_comment_anywhere_a_value_is_cut_is_a_warning_at_its_line(front, line):
    [warning] = parse_paper(f"---\n{front}---\nAbstract.\n", "x.md", "x").warnings
    assert warning.line == line, warning


@pytest.mark.parametrize(
    "front",
    [
        "title: A\ndate: 2024-01-02  # guessed\n",  # a note as yamllint writes one
        "# a comment line\ntitle: A\n",
        "title: 'A #2' # quoted\n",  # nothing of a quoted value is lost
        "title: A\nlinks:  # the code\n- url: https://a.org/#x\n",  # a `#` inside a value is text
        "title: C# and F#\n",
    ],
)
def test_notes_and_hashes_inside_values_are_no_warning(front):
    assert parse_paper(f"---\n{front}---\nAbstract.\n", "x.md", "x").warnings == ()


def test_the_starter_site_yaml_has_no_warning_of_its_notes(tmp_path):
    from sitegen.starter import __file__ as starter

    text = (Path(starter).parent / "site.yaml.in").read_text(encoding="utf-8")
    assert "  # " in text
    from sitegen.yamlfile import comment_warnings

    assert comment_warnings(text, "site.yaml") == []


def test_every_build_warns_of_text_taken_for_a_comment_until_it_is_quoted(make_project, run_cli):
    import re

    from conftest import sample_papers, settle

    papers = sample_papers(4)
    original = papers["content/papers/study-1.md"]
    papers["content/papers/study-1.md"] = re.sub(
        "(?m)^title: .*$", "title: Lung nodules #2: a study", original
    )
    topics = "- id: a\n  title: A #1\n  description: D\n  rules:\n    title:\n      'study': 1\n"
    site_yaml = "title: T\ndescription: D\nbase_url: https://a.org/review/\nauthor: A\n"
    root = make_project({**papers, "content/topics.yaml": topics}, site_yaml=site_yaml)
    settle(root)
    expected = [
        "warning: content/topics.yaml:2: `title`: `#1` is read as a YAML comment",
        "warning: content/papers/study-1.md:2: `title`: `#2: a study` is read as a YAML comment",
    ]

    def warned() -> list[str]:
        code, out, err = run_cli(root, "build")
        assert code == 0, err
        return [
            line[: len(expected[0 if "topics" in line else 1])]
            for line in out.splitlines()
            if "comment" in line
        ]

    assert warned() == expected  # a build from nothing
    assert warned() == expected  # nothing changed
    (root / "content/papers/study-2.md").write_text(papers["content/papers/study-2.md"] + "More.\n")
    assert warned() == expected  # another paper changed: the file is kept unread
    code, _, err = run_cli(root, "build", "--strict")
    assert code != 0 and "#2: a study" in err
    quoted = re.sub("(?m)^title: .*$", "title: 'Lung nodules #2: a study'", original)
    (root / "content/papers/study-1.md").write_text(quoted)
    (root / "content/topics.yaml").write_text(topics.replace("A #1", "'A #1'"))
    assert warned() == []
    assert warned() == []


def test_a_tag_in_topics_yaml_is_an_error_where_it_is_deep_in_the_rules_too():
    text = "- id: a\n  title: A\n  description: D\n  rules:\n    title: &r\n      'a': !points 1\n"
    with pytest.raises(yaml.constructor.ConstructorError):
        yaml.safe_load(text)  # PyYAML refuses it too
    with pytest.raises(SitegenError) as info:
        parse_topics(text)
    [problem] = info.value.problems
    assert problem.line == 6 and "the tag '!points'" in problem.message, problem
    assert parse_topics("- id: a\n  title: !!str A\n  description: &d D\n  rules: {title: {'a': 1}}\n")


def test_topics_yaml_that_holds_itself_is_read_to_its_end():
    with pytest.raises(SitegenError):
        parse_topics("- &t\n  id: a\n  title: A\n  description: D\n  rules: {title: {'a': 1}}\n  more: *t\n")
