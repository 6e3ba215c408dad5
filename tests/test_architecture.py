"""The import contract of ``plugins/medcite`` (the layout in README, "Architecture"), checked on the source with ``ast``.

- the core (``core``) never imports MkDocs or Python-Markdown, and only the standard library;
- the linter (``lint``) never reaches the renderer, the engine or Python-Markdown, even through what it imports;
- only ``adapters.mkdocs`` imports MkDocs; nothing outside ``adapters`` imports ``adapters``;
- each subpackage imports only the subpackages below it (``LAYERS``), so there is no cycle between them.

Every import counts, also one inside a function or under ``TYPE_CHECKING``: a lazy import is still a dependency.
The checker is tested on a planted package too, so a rule that could never fire would fail here.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "plugins" / "medcite"

# What each subpackage may import (besides itself and the package root, which holds only the version and the
# aliases of moved module paths). Read top to bottom: nothing may import a subpackage listed after it.
LAYERS: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "source": frozenset({"core"}),
    "bib": frozenset({"core"}),
    "style": frozenset({"core", "bib"}),
    "claims": frozenset({"core"}),
    "lint": frozenset({"core", "source", "bib", "style", "claims"}),
    "app": frozenset({"core", "source", "bib", "style", "claims", "lint"}),
    "render": frozenset({"core", "bib", "style"}),
    "engine": frozenset({"core", "source", "bib", "style", "render"}),
    "importers": frozenset({"core", "bib"}),
    "adapters": frozenset({"core", "source", "bib", "style", "claims", "lint", "app", "render", "engine",
                           "importers"}),
}
MARKDOWN_FREE = ("core", "source", "bib", "style", "claims", "lint", "app", "importers")


@dataclass
class Graph:
    """Modules of one package (dotted names) with what each imports, inside the package and outside it."""

    internal: dict[str, set[str]] = field(default_factory=dict)
    external: dict[str, set[str]] = field(default_factory=dict)  # top-level names, e.g. "markdown", "yaml"


def module_name(root: Path, path: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def read_graph(root: Path) -> Graph:
    graph = Graph()
    top = root.name
    modules = {module_name(root, path): path for path in root.rglob("*.py")}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        internal, external = graph.internal.setdefault(name, set()), graph.external.setdefault(name, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                # ``from pkg import mod`` imports the module pkg.mod when there is one, else a name of pkg.
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                           for alias in node.names]
            for target in targets:
                if target == top or target.startswith(top + "."):
                    internal.add(target)
                else:
                    external.add(target.split(".")[0])
    return graph


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def reachable(graph: Graph, start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        todo.extend(graph.internal.get(module, ()))
    return seen


def violations(graph: Graph) -> list[str]:
    """Every broken rule of the contract, as 'importer -> imported: why'."""
    problems = []
    stdlib = sys.stdlib_module_names
    for module, imported in sorted(graph.internal.items()):
        here = layer(module)
        for target in sorted(imported):
            there = layer(target)
            if not here or not there or there == here:
                continue
            if there == "adapters":
                problems.append(f"{module} -> {target}: nothing outside the adapters imports them")
            elif there not in LAYERS.get(here, frozenset()):
                problems.append(f"{module} -> {target}: '{here}' may not import '{there}'")
        external = graph.external.get(module, set())
        if here == "core" and (bad := sorted(external - set(stdlib) - {"__future__"})):
            problems.append(f"{module} -> {', '.join(bad)}: the core uses the standard library only")
        if "mkdocs" in external and not module.startswith(module.split(".")[0] + ".adapters.mkdocs"):
            problems.append(f"{module} -> mkdocs: only adapters.mkdocs imports MkDocs")
    for module in sorted(graph.internal):
        if layer(module) not in MARKDOWN_FREE:
            continue
        for reached in sorted(reachable(graph, module)):
            if "markdown" in graph.external.get(reached, set()):
                problems.append(f"{module} reaches Python-Markdown through {reached}")
            if layer(reached) in ("render", "engine") and layer(module) == "lint":
                problems.append(f"{module} reaches the renderer through {reached}")
    return problems


def layer_cycles(graph: Graph) -> list[list[str]]:
    """Strongly connected groups of two or more subpackages (Tarjan's algorithm on the layer graph)."""
    edges: dict[str, set[str]] = {}
    for module, imported in graph.internal.items():
        for target in imported:
            if layer(module) and layer(target) and layer(module) != layer(target):
                edges.setdefault(layer(module), set()).add(layer(target))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


# -- the contract on medcite ------------------------------------------------------------------------------

def test_every_module_lives_in_a_subpackage_named_in_the_contract() -> None:
    graph = read_graph(PACKAGE)
    loose = sorted(m for m in graph.internal if m != "medcite" and layer(m) not in LAYERS)
    assert not loose, f"modules outside the layout (add them to a subpackage): {loose}"


def test_import_contract_holds() -> None:
    assert violations(read_graph(PACKAGE)) == []


def test_no_cycle_between_subpackages() -> None:
    assert layer_cycles(read_graph(PACKAGE)) == []


@pytest.mark.parametrize("module", ["medcite.lint.checks", "medcite.app.runner", "medcite.adapters.cli.main"])
def test_linter_does_not_load_python_markdown_at_run_time(module: str) -> None:
    """What the ast walk says, seen by the interpreter: importing the linter leaves Python-Markdown unloaded."""
    code = f"import sys, {module}; print('markdown' in sys.modules, 'mkdocs' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]


@pytest.mark.parametrize("module", ["medcite.lint.checks", "medcite.app.runner", "medcite.adapters.cli.main",
                                    "medcite.claims.classify"])
def test_numpy_is_loaded_only_by_the_meaning_classifier(module: str) -> None:
    """numpy (and the embeddings) cost every lint run memory; only ``--claims meaning`` needs them."""
    code = (f"import sys, {module}; from medcite.claims.classify import CLASSIFIERS; CLASSIFIERS['rules']('x'); "
            "print('numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False"]


# -- the checker itself can fail ------------------------------------------------------------------------------

def plant(root: Path, files: dict[str, str]) -> Path:
    package = root / "medcite"
    for name, text in {"__init__.py": "", **files}.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(package).parents:
            (package / parent / "__init__.py").touch()
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return package


@pytest.mark.parametrize(("files", "expected"), [
    ({"core/model.py": "import markdown\n"}, "the core uses the standard library only"),
    ({"core/model.py": "def f():\n    from ..render import html\n", "render/html.py": ""},
     "'core' may not import 'render'"),
    ({"lint/checks.py": "from ..render.html import esc\n", "render/html.py": ""}, "'lint' may not import 'render'"),
    ({"lint/checks.py": "from ..source import page\n", "source/page.py": "import markdown.util\n"},
     "medcite.lint.checks reaches Python-Markdown through medcite.source.page"),
    ({"engine/ext.py": "from medcite.adapters.cli import main\n", "adapters/cli/main.py": ""},
     "nothing outside the adapters imports them"),
    ({"render/html.py": "import mkdocs.plugins\n"}, "only adapters.mkdocs imports MkDocs"),
])
def test_checker_reports_a_planted_violation(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    problems = violations(read_graph(plant(tmp_path, files)))
    assert any(expected in problem for problem in problems), problems


def test_checker_finds_a_planted_cycle(tmp_path: Path) -> None:
    package = plant(tmp_path, {"bib/load.py": "from ..style import names\n", "style/names.py": "from ..bib import load\n"})
    assert layer_cycles(read_graph(package)) == [["bib", "style"]]
    clean = plant(tmp_path / "clean", {"style/names.py": "from ..bib import load\n", "bib/load.py": ""})
    assert layer_cycles(read_graph(clean)) == [] and violations(read_graph(clean)) == []


def test_old_module_paths_a_user_may_have_written_still_import() -> None:
    """``medcite.markdown`` (an extension name in mkdocs.yml) and the old entry points are the moved modules."""
    import markdown

    import medcite.adapters.cli.main
    import medcite.adapters.mkdocs.plugin
    import medcite.engine.extension
    from medcite.cli import main
    from medcite.markdown import CitationsExtension
    from medcite.plugin import CitationsPlugin
    from medcite.style import VancouverStyle

    assert CitationsExtension is medcite.engine.extension.CitationsExtension
    assert CitationsPlugin is medcite.adapters.mkdocs.plugin.CitationsPlugin
    assert main is medcite.adapters.cli.main.main
    assert VancouverStyle.__module__ == "medcite.style.vancouver"
    assert medcite.engine.extension.__spec__.name == "medcite.engine.extension"
    md = markdown.Markdown(extensions=["medcite.markdown"])
    assert any(isinstance(ext, CitationsExtension) for ext in md.registeredExtensions)
