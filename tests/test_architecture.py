"""The code's shape, held: no import cycles, and domain modules that know nothing of the engine.

Imports are read from the source (every `import` and `from ... import`, also those inside
functions, which are cycles all the same), so a cycle or a leak fails here whatever order the
modules happen to be imported in.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "sitegen"
# The pipeline's stages with no I/O or speed machinery: they may not import the engine, the
# writer or any module that does.
DOMAIN = (
    "model", "schema", "paperfile", "abstracts", "listings", "readers", "load", "topics", "topicsfile",
    "derive", "related", "views", "plan", "render", "outputs", "stemmer", "urls", "errors", "identity",
    "merge", "titles", "yamlfile",
)  # fmt: skip
MACHINERY = ("engine", "write", "atomic")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    """Each sitegen module and the sitegen modules it imports."""
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name, imported = module_name(path), set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)
                imported.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
        found[name] = {module for module in imported if module.startswith("sitegen.")}
    modules = set(found)
    return {name: {m for m in targets if m in modules and m != name} for name, targets in found.items()}


def test_no_module_imports_itself_through_others():
    graph = imports()
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        for target in sorted(graph[module]):
            if target == path[0]:
                cycles.append(" -> ".join([*path, target]))
            elif target not in path and target > path[0]:  # each cycle once, from its smallest module
                visit(target, [*path, target])

    for module in sorted(graph):
        visit(module, [module])
    assert cycles == []


def test_domain_modules_know_nothing_of_caches_forks_or_patching():
    graph = imports()
    leaks = {
        module: sorted(t for t in targets if t.split(".")[1] in MACHINERY)
        for module, targets in graph.items()
        if module.count(".") and module.split(".")[1] in DOMAIN
    }
    assert {module: found for module, found in leaks.items() if found} == {}
