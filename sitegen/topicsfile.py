"""`content/topics.yaml`: read and validated, every problem reported at once with its line."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from pathlib import Path

import yaml

from sitegen import urls, yamlfile
from sitegen.errors import Problem, SitegenError
from sitegen.model import Topic, TopicRules
from sitegen.topics import SlowRule

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Ids whose page the site already has: the list of topics, and the papers with no topic.
RESERVED_IDS = {"index": "the list of topics", urls.UNCLASSIFIED: "the papers that have no topic"}
TOPIC_KEYS = ("id", "title", "description", "rules")
REQUIRED_KEYS = ("id", "title", "description")
RULE_KEYS = ("title", "abstract", "veto", "threshold", "repeat")


def load_topics(path: Path) -> tuple[Topic, ...]:
    """Read and validate a topics file; every problem is reported at once with its line."""
    shown = _display(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SitegenError(f"cannot read the topics file: {exc.strerror}", path=shown) from None
    except UnicodeDecodeError:
        raise SitegenError("the file is not UTF-8 text", path=shown, hint="save it as UTF-8") from None
    return parse_topics(text, shown)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def parse_topics(text: str, shown: str = "content/topics.yaml") -> tuple[Topic, ...]:
    """Topics from the text of a topics file; `shown` names the file in messages."""
    hint = "check quotes and indentation; write regular expressions in 'single quotes'"
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise yamlfile.yaml_error(exc, shown, text, hint=hint) from None
    tagged = _unknown_tag(root)
    if tagged is not None:  # what yaml.safe_load refuses, and the nodes' values would drop
        problem = f"could not determine a constructor for the tag {tagged.tag!r}"
        refused = yaml.constructor.ConstructorError(None, None, problem, tagged.start_mark)
        raise yamlfile.yaml_error(refused, shown, text, hint=hint)
    if not isinstance(root, yaml.SequenceNode) or not root.value:
        raise SitegenError(
            "expected a list of topics",
            path=shown,
            line=root.start_mark.line + 1 if root is not None else 1,
            hint="start each topic with `- id: some-id`, then `title:`, `description:` and `rules:`",
        )
    reader = _TopicReader(shown)
    topics = reader.topics(root.value)
    if reader.problems:
        raise SitegenError.many(reader.problems, f"{shown}: {len(reader.problems)} problem(s) in the topics")
    return topics


def _unknown_tag(root: yaml.Node | None) -> yaml.Node | None:
    """The first node with a tag the safe loader knows no way to read (`!important results`:
    the text `results` tagged `!important`): the topics are read from the nodes, which keep the
    tag apart from the text, so the text would be taken without the words YAML made a tag."""
    known = yaml.SafeLoader.yaml_constructors
    todo, seen = ([root] if root is not None else []), set()
    while todo:
        node = todo.pop()
        if id(node) in seen:  # an alias: a node met before, maybe holding itself
            continue
        seen.add(id(node))
        if node.tag not in known:
            return node
        if isinstance(node, yaml.SequenceNode):
            todo.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            todo.extend(part for pair in reversed(node.value) for part in reversed(pair))
    return None


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


class _TopicReader:
    """Builds Topics from YAML nodes, collecting every problem with the line it is on."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.problems: list[Problem] = []

    def problem(self, node: yaml.Node, key: str, message: str, hint: str) -> None:
        self.problems.append(Problem(message, self.shown, _line(node), key, hint))

    def topics(self, nodes: list[yaml.Node]) -> tuple[Topic, ...]:
        topics: list[Topic] = []
        first_line: dict[str, int] = {}
        titled: dict[str, tuple[str, int]] = {}  # a title as readers tell titles apart -> id, line
        for node in nodes:
            topic = self.topic(node)
            if topic is None:
                continue
            if topic.id in first_line:
                hint = f"it is first defined on line {first_line[topic.id]}; give each topic its own id"
                self.problem(node, "id", f"duplicate topic id `{topic.id}`", hint)
                continue
            first_line[topic.id] = _line(node)
            self.check_title(node, topic, titled)
            topics.append(topic)
        return tuple(topics)

    def check_title(self, node: yaml.Node, topic: Topic, titled: dict[str, tuple[str, int]]) -> None:
        """A title no other topic has, nor the papers with no topic: search and its filters name
        a topic by its title (two "Vision-language models" were one filter of both topics' papers)."""
        said = " ".join(topic.title.split()).casefold()
        if said == urls.UNCLASSIFIED_TITLE.casefold():
            self.problem(node, "title", f"the title `{topic.title}` is the page of the papers with no topic",
                         "give the topic another title")  # fmt: skip
        elif said in titled:
            other, line = titled[said]
            hint = "give each topic its own title: search and its filters name topics by title"
            message = f"topic `{topic.id}` has the title of topic `{other}` (line {line})"
            self.problem(node, "title", message, hint)
        else:
            titled[said] = (topic.id, _line(node))

    def mapping(
        self, node: yaml.Node, where: str, known: Sequence[str], hint: str
    ) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        """A mapping node's entries by key, reporting unknown and repeated keys."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, where, "expected `key: value` lines", hint)
            return None
        entries: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in entries:
                first = _line(entries[key][0])
                self.problem(
                    key_node, f"{where}.{key}".strip("."), yamlfile.TWICE, yamlfile.twice_hint(first)
                )
            elif key not in known:
                self.problem(
                    key_node, f"{where}.{key}".strip("."), "is not a known key", _choices(key, known)
                )
            else:
                entries[key] = (key_node, value_node)
        return entries

    def topic(self, node: yaml.Node) -> Topic | None:
        entries = self.mapping(
            node, "", TOPIC_KEYS, "each topic is `- id: ...` with `title:`, `description:`, `rules:`"
        )
        if entries is None:
            return None
        for key in REQUIRED_KEYS:
            if key not in entries:
                self.problem(node, key, "is missing", f"every topic needs `{key}:`")
        topic_id = self.text(entries.get("id"), "id")
        if topic_id is not None and not ID_PATTERN.match(topic_id):
            hint = "use lowercase letters, digits and single hyphens, e.g. `report-generation`"
            self.problem(entries["id"][1], "id", f"`{topic_id}` is not a valid topic id", hint)
            topic_id = None
        elif topic_id in RESERVED_IDS:
            hint = f"the site's topics/{topic_id}.html shows {RESERVED_IDS[topic_id]}; choose another id"
            self.problem(entries["id"][1], "id", f"`{topic_id}` is a reserved topic id", hint)
            topic_id = None
        title = self.text(entries.get("title"), "title")
        description = self.text(entries.get("description"), "description")
        rules = self.rules(entries["rules"][1]) if "rules" in entries else TopicRules()
        if topic_id is None or title is None or description is None or rules is None:
            return None
        return Topic(id=topic_id, title=title, description=" ".join(description.split()), rules=rules)

    def text(self, entry: tuple[yaml.Node, yaml.Node] | None, key: str) -> str | None:
        if entry is None:
            return None
        node = entry[1]
        if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
            self.problem(node, key, "expected a line of text", f"write `{key}: some text`")
            return None
        return str(node.value).strip()

    def rules(self, node: yaml.Node) -> TopicRules | None:
        hint = "write `threshold:`, `repeat:`, `title:`, `abstract:` and `veto:` under `rules:`"
        entries = self.mapping(node, "rules", RULE_KEYS, hint)
        if entries is None:
            return None
        problems_before = len(self.problems)
        rules = TopicRules(
            title=self.cues(entries.get("title"), "rules.title"),
            abstract=self.cues(entries.get("abstract"), "rules.abstract"),
            veto=self.vetoes(entries.get("veto")),
            threshold=self.count(entries.get("threshold"), "rules.threshold", 1),
            repeat=self.count(entries.get("repeat"), "rules.repeat", 1),
        )
        return rules if len(self.problems) == problems_before else None

    def count(self, entry: tuple[yaml.Node, yaml.Node] | None, key: str, default: int) -> int:
        if entry is None:
            return default
        number = _integer(entry[1])
        if number is None or number < 1:
            self.problem(
                entry[1],
                key,
                f"expected a whole number of 1 or more, found `{entry[1].value}`",
                f"write e.g. `{key.split('.')[-1]}: 2`",
            )
            return default
        return number

    def cues(self, entry: tuple[yaml.Node, yaml.Node] | None, key: str) -> tuple[tuple[str, int], ...]:
        if entry is None:
            return ()
        node = entry[1]
        if not isinstance(node, yaml.MappingNode):
            self.problem(
                node,
                key,
                "expected `'pattern': points` lines",
                f"write e.g. `{key.split('.')[-1]}:` then `  'segment': 2`",
            )
            return ()
        cues = []
        seen: set[str] = set()
        for pattern_node, points_node in node.value:
            pattern = self.pattern(pattern_node, key, seen)
            points = _integer(points_node)
            if points is None:
                self.problem(
                    points_node,
                    key,
                    f"the points of `{pattern_node.value}` must be a whole number, not `{points_node.value}`",
                    "write e.g. `'segment': 2`; negative points count against the topic",
                )
            elif pattern is not None:
                cues.append((pattern, points))
        return tuple(cues)

    def vetoes(self, entry: tuple[yaml.Node, yaml.Node] | None) -> tuple[str, ...]:
        if entry is None:
            return ()
        node = entry[1]
        if not isinstance(node, yaml.SequenceNode):
            self.problem(
                node, "rules.veto", "expected a list of patterns", "write `veto:` then `  - 'pattern'` lines"
            )
            return ()
        seen: set[str] = set()
        patterns = (self.pattern(item, "rules.veto", seen) for item in node.value)
        return tuple(p for p in patterns if p is not None)

    def pattern(self, node: yaml.Node, key: str, seen: set[str]) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or not str(node.value):
            self.problem(
                node, key, "expected a pattern (a regular expression)", "write it in 'single quotes'"
            )
            return None
        pattern = str(node.value)
        if pattern in seen:
            self.problem(node, key, f"the pattern `{pattern}` is listed twice", "keep one of them")
            return None
        seen.add(pattern)
        try:
            regex = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            hint = "escape special characters with a backslash, e.g. `\\(`; write patterns in 'single quotes'"
            self.problem(node, key, f"`{pattern}` is not a valid regular expression: {exc}", hint)
            return None
        if regex.search("") is not None:
            hint = "make it require some text, e.g. `agents?` rather than `(agents)?`"
            self.problem(node, key, f"`{pattern}` matches empty text, so it would match every paper", hint)
            return None
        return pattern


def _integer(node: yaml.Node) -> int | None:
    if isinstance(node, yaml.ScalarNode) and re.fullmatch(r"[-+]?\d+", str(node.value).strip()):
        return int(node.value)
    return None


def _choices(key: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    did_you_mean = f"did you mean `{close[0]}`? " if close else ""
    return f"{did_you_mean}known keys here: {', '.join(known)}"


# --- `sitegen topics` --------------------------------------------------------------------------


def locate_slow_rule(error: SlowRule, path: Path, shown: str) -> SlowRule:
    """The same error, naming the topics file and the line of the slow pattern."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        root = None
    return SlowRule(error.pattern, error.topic_id, error.paper, shown, _scalar_line(root, error.pattern))


def _scalar_line(node: yaml.Node | None, value: str) -> int | None:
    """The line of the first scalar in a YAML document that is `value`."""
    if isinstance(node, yaml.ScalarNode):
        return _line(node) if node.value == value else None
    children = node.value if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)) else []
    for child in children:
        for part in child if isinstance(child, tuple) else (child,):
            line = _scalar_line(part, value)
            if line is not None:
                return line
    return None
