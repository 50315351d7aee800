"""The package's shape: subpackages in layers that import one way, and no import cycles.

The import graph is read from the source with :mod:`ast` (no third-party tool: grimp and
import-linter are not among the test dependencies, and the graph of one package is a few
lines). Every import counts, also one inside a function (the lazy imports that keep the
command line fast) or under ``if TYPE_CHECKING:``: each is a dependency all the same.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src"

#: Top to bottom: a module may import its own subpackage and any layer below its own, never a
#: layer above nor another subpackage of its own layer. ``castcorpus`` is the package's
#: ``__init__``, the public API, which reaches into the layers below it.
LAYERS = [
    {"cli"},
    {"castcorpus"},
    {"scoring", "viewer"},
    {"release", "network", "interop", "linking"},
    {"annotation", "validation", "sources"},
    {"splits"},
    {"corpus"},
    {"report", "bootstrap", "issue_codes", "version"},
]
#: The only modules directly under src/castcorpus: the rest lives in subpackages.
TOP_LEVEL_MODULES = {"__init__", "bootstrap", "issue_codes", "report", "version"}


def _modules() -> dict[str, tuple[Path, bool]]:
    """Dotted name -> (file, is a package) for every module of castcorpus."""
    found = {}
    for path in (SRC / "castcorpus").rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def _graph() -> dict[str, set[str]]:
    """Module -> the castcorpus modules it imports (``from pkg import module`` names the module)."""
    modules = _modules()
    graph = {}
    for name, (path, is_package) in modules.items():
        package = name if is_package else name.rpartition(".")[0]
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[:len(parts) - node.level + 1] + ([node.module] if node.module else []))
                if base.split(".")[0] == "castcorpus":
                    imported |= {f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names}
            elif isinstance(node, ast.Import):
                imported |= {a.name for a in node.names if a.name.split(".")[0] == "castcorpus"}
        graph[name] = imported - {name}
    return graph


def _part(module: str) -> str:
    """The subpackage (or top-level module) a module belongs to; ``castcorpus`` for the package."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "castcorpus"


def _layer(part: str) -> int:
    for index, layer in enumerate(LAYERS):
        if part in layer:
            return index
    raise AssertionError(f"castcorpus.{part} is in no layer of tests/test_architecture.py: add it to LAYERS")


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (networkx, a test dependency)."""
    import networkx as nx

    digraph = nx.DiGraph((module, target) for module, targets in graph.items() for target in targets)
    digraph.add_nodes_from(graph)
    return sorted(sorted(c) for c in nx.strongly_connected_components(digraph) if len(c) > 1)


def test_the_graph_reader_sees_lazy_and_relative_imports():
    graph = _graph()
    assert "castcorpus.validation.documents" in graph["castcorpus.validation.run"]  # relative, at the top
    assert "castcorpus.scoring.card_baselines" in graph["castcorpus.cli.commands.build"]  # inside a function


def test_no_import_cycles():
    assert _cycles(_graph()) == []


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_release_build_never_imports_the_scorer():
    # The card's baselines are a hook that `castcorpus build` and castcorpus.build() wire.
    offending = {(a, b) for a, bs in _graph().items() for b in bs if _part(a) == "release" and _part(b) == "scoring"}
    assert offending == set()


def test_imports_go_down_the_layers():
    wrong = []
    for module, imported in sorted(_graph().items()):
        for target in sorted(imported):
            here, there = _part(module), _part(target)
            if here != there and _layer(there) <= _layer(here):
                wrong.append(f"{module} imports {target}")
    assert wrong == []


@pytest.mark.parametrize("module", sorted(_modules()))
def test_every_module_is_in_a_layer(module):
    _layer(_part(module))


def test_only_the_shared_basics_are_top_level_modules():
    flat = {p.stem for p in (SRC / "castcorpus").glob("*.py")}
    assert flat <= TOP_LEVEL_MODULES, f"move {sorted(flat - TOP_LEVEL_MODULES)} into a subpackage"


def test_every_subpackage_is_installed():
    # A non-editable install (as CI makes) ships only the packages pyproject.toml lists.
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    packages = {name for name, (_, is_package) in _modules().items() if is_package}
    assert packages - listed == set()
