"""Topics: rules against hand labels, editor overrides, explanations, topics.yaml errors, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sitegen.config import load_config
from sitegen.errors import SitegenError
from sitegen.load import load_library
from sitegen.model import Library, Paper, TopicRules
from sitegen.topics import (
    _compiled,
    _matches,
    _may_match,
    _Text,
    assign_topics,
    check_paper_topics,
    explain_topics,
)
from sitegen.topicsfile import load_topics, parse_topics

REPO = Path(__file__).resolve().parent.parent
LABELS = REPO / "tests" / "data" / "topic_labels.yaml"
CORE_TOPICS = ("segmentation", "vision-language-models", "agents", "benchmarks")


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(load_config(REPO / "site.yaml"))


@pytest.fixture(scope="module")
def topics(library: Library):
    return library.topics


@pytest.fixture(scope="module")
def labels() -> dict[str, list[str]]:
    return yaml.safe_load(LABELS.read_text(encoding="utf-8"))


def paper(title: str, abstract: str, **fields) -> Paper:
    return Paper(slug="a-paper", title=title, abstract=abstract, path="content/papers/a-paper.md", **fields)


# --- The rules against the hand labels ----------------------------------------------------------


def test_every_paper_is_labelled_and_every_label_names_a_paper_and_a_topic(library, labels):
    slugs = {p.slug for p in library.papers}
    topic_ids = {t.id for t in library.topics}
    assert set(labels) == slugs
    assert all(set(ids) <= topic_ids for ids in labels.values())


@pytest.mark.parametrize("topic_id", CORE_TOPICS)
def test_rules_agree_with_the_hand_labels(library, labels, topic_id):
    assigned = {p.slug for p in library.papers if topic_id in assign_topics(p, library.topics)}
    labelled = {slug for slug, ids in labels.items() if topic_id in ids}
    hits = len(assigned & labelled)
    precision, recall = hits / len(assigned), hits / len(labelled)
    f1 = 2 * precision * recall / (precision + recall)
    report = f"wrongly given: {sorted(assigned - labelled)}; missed: {sorted(labelled - assigned)}"
    assert precision >= 0.85, report
    assert recall >= 0.85, report
    assert f1 >= 0.9, report


def test_the_other_topics_follow_the_hand_labels_roughly(library, labels):
    """Beyond the core four the labels are looser; this guards against a rule edit gone wrong."""
    for topic in library.topics:
        assigned = {p.slug for p in library.papers if topic.id in assign_topics(p, library.topics)}
        labelled = {slug for slug, ids in labels.items() if topic.id in ids}
        hits = len(assigned & labelled)
        assert 2 * hits / (len(assigned) + len(labelled)) >= 0.6, topic.id


def test_nearly_every_paper_gets_a_topic(library):
    untopiced = [p.slug for p in library.papers if not assign_topics(p, library.topics)]
    assert len(untopiced) <= len(library.papers) // 10, untopiced


# --- Precision cases a reader would notice -------------------------------------------------------


def test_a_downstream_segmentation_result_does_not_make_a_segmentation_paper(topics):
    generator = paper(
        "PolypGen: Conditional Colonoscopy Video Generation",
        "We propose a diffusion model that generates colonoscopy videos conditioned on text. "
        "Synthetic videos improve the downstream task of polyp segmentation.",
    )
    assert "segmentation" not in assign_topics(generator, topics)
    assert "generative-models" in assign_topics(generator, topics)


def test_a_segmentation_method_is_a_segmentation_paper(topics):
    method = paper(
        "Boundary-aware attention for liver tumour segmentation",
        "We segment liver tumours in CT with a U-Net variant; segmentation accuracy rises by 3 Dice points.",
    )
    assert "segmentation" in assign_topics(method, topics)


def test_a_text_only_clinical_llm_is_not_a_vision_language_model(topics):
    text_llm = paper(
        "MedTutor: A Large Language Model for Medical Question Answering",
        "We fine-tune a large language model on clinical notes and textbooks. It passes the USMLE "
        "and answers patient questions with step-by-step reasoning, outperforming GPT-4 on MedQA.",
    )
    assigned = assign_topics(text_llm, topics)
    assert "vision-language-models" not in assigned
    assert "clinical-llms" in assigned


def test_a_model_reading_images_and_text_is_a_vision_language_model(topics):
    vlm = paper(
        "ChestChat: Visual Question Answering on Chest X-rays",
        "A multimodal large language model answers questions about chest radiographs (VQA) "
        "and writes reports from the images.",
    )
    assert "vision-language-models" in assign_topics(vlm, topics)


def test_a_model_evaluated_on_benchmarks_is_not_a_benchmark_paper(topics):
    model = paper(
        "FastSeg: Lightweight Networks for Organ Segmentation",
        "We propose FastSeg. It outperforms prior methods on three public benchmark datasets.",
    )
    assert "benchmarks" not in assign_topics(model, topics)


# --- Editor overrides ---------------------------------------------------------------------------

SEGMENTATION_PAPER = (
    "UNet++ for Kidney Segmentation",
    "We segment kidneys in CT scans; segmentation quality is measured with the Dice score.",
)


def test_pinned_topics_replace_the_rules(topics):
    pinned = paper(*SEGMENTATION_PAPER, topics=("agents", "benchmarks"))
    assert assign_topics(pinned, topics) == ("agents", "benchmarks")
    reasons = {v.topic_id: v.reason for v in explain_topics(pinned, topics)}
    assert "pinned in front matter" in reasons["agents"]
    assert "not in the front matter's pinned" in reasons["segmentation"]


def test_pinning_an_empty_list_leaves_a_paper_without_topics(topics):
    assert assign_topics(paper(*SEGMENTATION_PAPER, topics=()), topics) == ()


def test_topics_add_and_remove_adjust_what_the_rules_give(topics):
    plain = assign_topics(paper(*SEGMENTATION_PAPER), topics)
    assert "segmentation" in plain and "surveys" not in plain
    adjusted = paper(*SEGMENTATION_PAPER, topics_add=("surveys",), topics_remove=("segmentation",))
    assigned = assign_topics(adjusted, topics)
    assert "surveys" in assigned and "segmentation" not in assigned
    reasons = {v.topic_id: v.reason for v in explain_topics(adjusted, topics)}
    assert "added in front matter" in reasons["surveys"]
    assert "removed in front matter" in reasons["segmentation"]


def test_assigned_topics_follow_the_order_of_topics_yaml(topics):
    adjusted = paper(*SEGMENTATION_PAPER, topics_add=("surveys", "agents"))
    order = [t.id for t in topics]
    assigned = assign_topics(adjusted, topics)
    assert list(assigned) == sorted(assigned, key=order.index)


def test_unknown_topic_ids_in_front_matter_are_reported_with_line_and_known_ids(topics):
    front = "title: A paper\ntopics_add: [agent]\ntopics_remove: [nope]\n"
    problems = check_paper_topics(
        paper("A paper", "Text.", topics_add=("agent",), topics_remove=("nope",)), topics, front
    )
    assert [(p.key, p.line) for p in problems] == [("topics_add", 3), ("topics_remove", 4)]
    first = str(problems[0])
    assert "content/papers/a-paper.md:3" in first and "unknown topic `agent`" in first
    assert "did you mean `agents`?" in first and "segmentation" in first


@pytest.mark.parametrize("key", ["topics", "topics_add", "topics_remove"])
def test_an_unknown_topic_id_in_a_block_list_is_said_at_its_own_line(topics, key):
    """Said at the key's line, which in a long `- id` list leaves the editor to find which."""
    front = f"title: A paper\n{key}:\n- agents\n- surveys\n- agnets\n"
    ids = ("agents", "surveys", "agnets")
    (problem,) = check_paper_topics(paper("A paper", "Text.", **{key: ids}), topics, front)
    assert problem.line == 6  # the front matter starts on the file's line 2


def test_known_topic_ids_raise_no_problems(topics):
    assert check_paper_topics(paper("A", "B", topics=("agents",), topics_add=("surveys",)), topics) == []


# --- Explanations -------------------------------------------------------------------------------


def test_explain_names_the_rule_and_the_text_that_matched(topics):
    verdicts = {v.topic_id: v for v in explain_topics(paper(*SEGMENTATION_PAPER), topics)}
    segmentation = verdicts["segmentation"]
    assert segmentation.assigned
    assert 'title matches "segment" ("Segment")' in segmentation.reason
    assert "Dice" in segmentation.reason


def test_explain_says_why_a_vetoed_topic_is_missing():
    rules = """
    - id: agents
      title: Agents
      description: Agents.
      rules:
        title: {'agent': 5}
        veto: ['travel agents?']
    """
    topics = parse_topics(rules)
    travel = paper("An agent for booking", "Travel agents book trips.")
    [verdict] = explain_topics(travel, topics)
    assert not verdict.assigned
    assert verdict.reason.startswith('vetoed: abstract matches "travel agents?" ("Travel agents")')


# --- Rules are data: changing topics.yaml changes the result ------------------------------------

RULES = """\
- id: imaging
  title: Imaging
  description: Papers about imaging.
  rules:
    threshold: 2
    repeat: 3
    title:
      'imag': 2
    abstract:
      'x-?ray': 1
"""


def test_editing_a_rule_changes_the_assignment():
    xray = paper("Bone age from hand radiographs", "We read x-rays; X-ray quality varies.")
    assert assign_topics(xray, parse_topics(RULES)) == ("imaging",)
    stricter = RULES.replace("threshold: 2", "threshold: 3")
    assert assign_topics(xray, parse_topics(stricter)) == ()
    repeat_once = RULES.replace("repeat: 3", "repeat: 1")
    assert assign_topics(xray, parse_topics(repeat_once)) == ()
    negative = RULES + "      'bone': -5\n"
    assert assign_topics(paper("Imaging bones", "bone"), parse_topics(negative)) == ()


def plain_scan(cue, raw: str, limit: int) -> list[tuple[int, int]]:
    return [m.span() for m in cue.regex.finditer(raw)][:limit]


def fast_scan(cue, text: _Text, where: str, limit: int) -> list[tuple[int, int]]:
    return [m.span() for m in _matches(cue, text, where, limit)]


def test_the_fast_paths_find_exactly_what_a_plain_scan_finds(library):
    """Literal look-ups, anchored and windowed matching must agree with `finditer` everywhere."""
    for topic in library.topics:
        compiled = _compiled(topic.rules)
        for cue in compiled.title + compiled.abstract + compiled.veto:
            for p in library.papers:
                text = _Text(p)
                for where in ("title", "abstract"):
                    assert fast_scan(cue, text, where, 5) == plain_scan(cue, text.fields[where], 5)


def test_patterns_run_with_a_time_limit_find_what_python_re_finds(library):
    """Patterns that may backtrack without bound are run by the `regex` package, with a time
    limit: on every paper they must find what Python's `re`, the rules' documented syntax, finds."""
    import re

    timed = [
        cue
        for topic in library.topics
        for cue in (lambda rules: rules.title + rules.abstract + rules.veto)(_compiled(topic.rules))
        if cue.timed
    ]
    assert timed, "the repository's rules have such patterns"
    for cue in timed:
        reference = re.compile(cue.pattern, re.IGNORECASE)
        for p in library.papers:
            text = _Text(p)
            for where in ("title", "abstract"):
                expected = [m.span() for m in reference.finditer(text.fields[where])][:5]
                assert fast_scan(cue, text, where, 5) == expected, (cue.pattern, p.slug)


TRICKY_PATTERNS = [
    r"\bseg\b",
    r"seg$",
    r"strasse",
    r"\bimaging",
    r"x-?ray(s)?\b",
    r"(?<!re)port\w{0,3}",
    r"agent(?!ic)",
    r"(foo|bar)?baz",
    r"[a-z]{2,4}seg",
    r"k\w{0,3}lvin",
    r"a.{0,5}b.{0,5}c",
    r"(pre-?)?train\w{0,10} on \d+",
]
TRICKY_TEXTS = [
    "seg segment SEG-net seg",
    "STRAẞE Straße strasse",
    "Dotless \u0131maging and İmaging, imaging.",
    "X-ray xray X-RAYS x-raying",
    "report reports deport porter",
    "agentic agent agents",
    "baz foobaz barbaz fo baz",
    "presegment a1b2c abc axxxxxbyyyyyc",
    "\u212aelvin kelvin KELVIN",
    "pretrain on 5 pre-training on 10 trained  on 3",
]


@pytest.mark.parametrize("pattern", TRICKY_PATTERNS)
def test_the_fast_paths_agree_on_tricky_patterns_and_unicode(pattern):
    [cue] = _compiled(TopicRules(abstract=((pattern, 1),))).abstract
    for raw in TRICKY_TEXTS:
        for glued in (raw, " ".join([raw] * 7)):
            text = _Text(paper("t", glued))
            assert fast_scan(cue, text, "abstract", 50) == plain_scan(cue, glued, 50), (pattern, glued)


def test_a_cue_is_never_ruled_out_for_a_text_it_matches(library):
    """A cue is tried only on texts holding a literal of each set it needs: every text a plain
    scan finds a match in must hold them."""
    cues = [
        cue
        for topic in library.topics
        for cue in (lambda rules: rules.title + rules.abstract + rules.veto)(_compiled(topic.rules))
    ]
    cues += [_compiled(TopicRules(abstract=((pattern, 1),))).abstract[0] for pattern in TRICKY_PATTERNS]
    assert any(len(cue.needs) > 1 for cue in cues), "some cue needs more than its prefixes or hints"
    texts = [_Text(p) for p in library.papers] + [_Text(paper("t", raw)) for raw in TRICKY_TEXTS]
    for cue in cues:
        for text in texts:
            for where in ("title", "abstract"):
                if plain_scan(cue, text.fields[where], 1):
                    assert _may_match(cue, text, where), (cue.pattern, text.fields[where][:80])


def test_assigning_and_explaining_agree(library):
    for p in library.papers:
        explained = tuple(v.topic_id for v in explain_topics(p, library.topics) if v.assigned)
        assert assign_topics(p, library.topics) == explained


# --- topics.yaml errors name file, line and key, and say how to fix them ------------------------


def topics_error(text: str) -> str:
    with pytest.raises(SitegenError) as caught:
        parse_topics(text, "content/topics.yaml")
    return str(caught.value)


def test_an_unknown_rule_key_is_named_with_its_line_and_the_known_keys():
    message = topics_error(RULES.replace("    repeat: 3", "    treshold: 3"))
    assert "content/topics.yaml:6: `rules.treshold`: is not a known key" in message
    assert "did you mean `threshold`?" in message


def test_a_bad_regex_is_reported_with_the_regex_error():
    message = topics_error(RULES.replace("'x-?ray'", "'x-(ray'"))
    assert "content/topics.yaml:10" in message
    assert "`x-(ray` is not a valid regular expression: missing ), unterminated subpattern" in message


def test_missing_fields_and_duplicate_ids_are_all_reported_at_once():
    text = RULES + "- id: imaging\n  title: Again\n  description: Twice.\n- id: no-title\n  description: x\n"
    message = topics_error(text)
    assert "content/topics.yaml:11: `id`: duplicate topic id `imaging`" in message
    assert "first defined on line 1" in message
    assert "content/topics.yaml:14: `title`: is missing" in message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("'x-?ray': 1", "'x-?ray': many", "the points of `x-?ray` must be a whole number, not `many`"),
        ("'x-?ray': 1", "'(x)?': 1", "`(x)?` matches empty text, so it would match every paper"),
        ("threshold: 2", "threshold: 0", "`rules.threshold`: expected a whole number of 1 or more"),
        ("id: imaging", "id: Imaging Topic", "`Imaging Topic` is not a valid topic id"),
        ("id: imaging", "id: unclassified", "`unclassified` is a reserved topic id"),
        ("id: imaging", "id: index", "`index` is a reserved topic id"),
        ("      'x-?ray': 1", "      - 'x-?ray'", "`rules.abstract`: expected `'pattern': points` lines"),
    ],
)
def test_bad_values_are_explained(old, new, expected):
    assert expected in topics_error(RULES.replace(old, new))


def test_a_file_that_is_not_a_list_of_topics_is_rejected_with_a_hint():
    assert "expected a list of topics" in topics_error("segmentation: {}\n")
    assert "content/topics.yaml:2: not valid YAML" in topics_error("- id: a\n title: [\n")


def test_load_topics_reads_the_repository_taxonomy():
    topics = load_topics(REPO / "content" / "topics.yaml")
    ids = [t.id for t in topics]
    assert set(CORE_TOPICS) <= set(ids)
    assert 8 <= len(ids) <= 12
    assert all(t.title and t.description and (t.rules.title or t.rules.abstract) for t in topics)


# --- `sitegen topics` ---------------------------------------------------------------------------

PAPER_FILE = """\
---
title: {title}
{extra}---
{abstract}
"""


def project_files(rules: str = RULES) -> dict[str, str]:
    return {
        "content/topics.yaml": rules,
        "content/papers/hand-xrays.md": PAPER_FILE.format(
            title="Bone age from hand radiographs", extra="", abstract="We read x-rays; X-ray quality varies."
        ),
        "content/papers/imaging-atlas.md": PAPER_FILE.format(
            title="An imaging atlas", extra="", abstract="An atlas."
        ),
        "content/papers/pinned-paper.md": PAPER_FILE.format(
            title="Notes on wards", extra="topics: [imaging]\n", abstract="Ward notes."
        ),
    }


@pytest.fixture
def project(make_project) -> Path:
    return make_project(project_files())


def test_topics_lists_each_topic_with_its_paper_count(project, run_cli):
    code, out, _ = run_cli(project, "topics")
    assert code == 0
    assert "imaging      3  Imaging" in out


def test_editing_topics_yaml_changes_the_counts_without_touching_papers(project, run_cli):
    (project / "content" / "topics.yaml").write_text(RULES.replace("threshold: 2", "threshold: 3"))
    _, out, _ = run_cli(project, "topics")
    assert "imaging      1  Imaging" in out
    assert "2 paper(s) have no topic: hand-xrays, imaging-atlas" in out


def test_explain_prints_why_a_paper_has_its_topics(project, run_cli):
    code, out, _ = run_cli(project, "topics", "--explain", "hand-xrays")
    assert code == 0
    assert 'yes imaging: score 2 ≥ 2: abstract matches "x-?ray" ("x-ray") ×2 +2' in out
    assert "yes imaging: pinned in front matter" in run_cli(project, "topics", "--explain", "pinned-paper")[1]


def test_explain_with_an_unknown_slug_suggests_close_ones(project, run_cli):
    code, _, err = run_cli(project, "topics", "--explain", "hand-xray")
    assert (code, "did you mean: hand-xrays?" in err) == (1, True)
    assert "error: no paper has the slug `hand-xray`" in err


def test_topics_warns_about_unknown_topic_ids_in_front_matter(project, run_cli):
    paper_file = project / "content" / "papers" / "imaging-atlas.md"
    paper_file.write_text(paper_file.read_text().replace("title:", "topics_add: [imagin]\ntitle:"))
    code, _, err = run_cli(project, "topics")
    assert code == 0
    assert "warning: content/papers/imaging-atlas.md: `topics_add`: unknown topic `imagin`" in err
    assert "did you mean `imaging`?" in err


def test_a_broken_topics_yaml_stops_the_command_with_its_line(make_project, run_cli):
    project = make_project(project_files(RULES.replace("'imag'", "'imag('")))
    code, _, err = run_cli(project, "topics")
    assert code == 1
    assert "content/topics.yaml:8: `rules.title`:" in err


def committed_topics_text() -> str:
    return (Path(__file__).resolve().parent.parent / "content" / "topics.yaml").read_text(encoding="utf-8")


def committed_titles() -> list[str]:
    return [topic.title for topic in parse_topics(committed_topics_text())]


@pytest.mark.parametrize("taken", [*committed_titles()[:3], "Unclassified", "unclassified", " UNCLASSIFIED "])
def test_a_topic_titled_as_another_or_as_the_papers_with_no_topic_is_refused(taken):
    """Search and its filters name topics by title: two "Vision-language models" were one filter
    of both topics' papers (its count the two counts added), and a topic titled "Unclassified"
    was mixed with the papers that have none. Every topic of the committed file given the title
    in turn: refused at its line, unless the title is its own."""
    text = committed_topics_text()
    topics = parse_topics(text)
    for topic in topics:
        changed = text.replace(f"  title: {topic.title}\n", f"  title: '{taken}'\n", 1)
        if topic.title == taken.strip():
            continue
        with pytest.raises(SitegenError) as raised:
            parse_topics(changed)
        [problem] = raised.value.problems
        lines = changed.splitlines()
        holders = [other.id for other in topics if other.title == taken.strip()] + [topic.id]
        assert problem.key == "title" and problem.line in {lines.index(f"- id: {id_}") + 1 for id_ in holders}
        assert "papers with no topic" in problem.message or "has the title of topic" in problem.message


@pytest.mark.parametrize("given", ["topics", "topics_add"])
def test_a_topic_pinned_or_added_and_removed_is_an_error(given):
    """`topics: [agents]` with `topics_remove: [agents]` left the paper with no topic, silently."""
    front = f"title: A paper\n{given}: [agents]\ntopics_remove: [agents]\n"
    paper_with = paper("A paper", "Text.", **{given: ("agents",), "topics_remove": ("agents",)})
    [problem] = check_paper_topics(paper_with, parse_topics(committed_topics_text()), front)
    assert (problem.line, problem.key) == (4, "topics_remove") and f"`{given}`" in problem.message


def test_the_page_of_a_paper_with_no_topic_links_to_the_papers_with_no_topic(make_project, run_cli):
    """Every classified paper's page links to its topics; an unclassified one's had no link."""
    paper_text = "---\ntitle: {}\n{}---\nAn abstract about nothing in particular.\n"
    project = make_project(
        {
            "content/topics.yaml": committed_topics_text(),
            "content/papers/none.md": paper_text.format("Nothing here", "topics: []\n"),
            "content/papers/agent.md": paper_text.format("An agent", "topics: [agents]\n"),
        }
    )
    code, _, err = run_cli(project, "build")
    assert code == 0, err
    public = project / "public"
    none = (public / "papers" / "none.html").read_text(encoding="utf-8")
    assert 'href="../topics/unclassified.html">Unclassified</a>' in none
    assert (public / "topics" / "unclassified.html").is_file()
    assert "unclassified.html" not in (public / "papers" / "agent.html").read_text(encoding="utf-8")
