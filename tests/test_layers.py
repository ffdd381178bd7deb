"""The layers of `demo/`: each package (engines, views, tasks, page, i18n) and each top-level module is a
layer, and no import runs back up them: the graph of imports between layers has no cycle."""

from __future__ import annotations

import ast
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "demo"
PACKAGES = ("engines", "views", "tasks", "page", "i18n")


def layer(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 and parts[1] in PACKAGES else module


def imports_between_layers() -> dict[str, set[str]]:
    modules = {".".join(path.relative_to(DEMO.parent).with_suffix("").parts).removesuffix(".__init__"): path
               for path in DEMO.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            named = [node.module] if isinstance(node, ast.ImportFrom) and node.module else (
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
            if isinstance(node, ast.ImportFrom) and node.module:
                named += [f"{node.module}.{alias.name}" for alias in node.names]  # `from demo import registry`
            for target in named:
                if target in modules and target != "demo" and layer(target) != layer(name):
                    graph.setdefault(layer(name), set()).add(layer(target))
    return graph


def a_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of the graph as the layers along it, or [] when there is none."""
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> list[str]:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt]
            if nxt not in state and (found := visit(nxt, path + [nxt])):
                return found
        state[node] = "done"
        return []

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return []


def test_no_import_runs_back_up_the_layers():
    graph = imports_between_layers()
    assert {"demo.tasks", "demo.views", "demo.engines", "demo.page"} <= set(graph)  # the walk found the imports
    assert "demo.views" in graph["demo.tasks"] and "demo.engines" in graph["demo.views"]
    assert a_cycle(graph) == [], " -> ".join(a_cycle(graph))


def test_the_check_finds_an_import_back_up():
    """A view importing from a task (tasks import views) is the cycle it names."""
    graph = imports_between_layers()
    graph["demo.views"].add("demo.tasks")
    assert a_cycle(graph)[0] == a_cycle(graph)[-1] and {"demo.tasks", "demo.views"} <= set(a_cycle(graph))
