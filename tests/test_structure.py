"""The shape of the edgebook package, read from its source with ``ast`` (nothing is imported).

The rules of /work/shared/AUTHORING.md, checked:

1. No import circles between edgebook modules. Every import counts: at module
   level and inside functions, absolute (``from edgebook import data``,
   ``import edgebook.data``) and relative (``from . import data``).
2. Layers: the course machinery is ``context`` (setup), ``exercises``,
   ``workbook``, ``workshop`` and ``pytest_plugin``. Only these five,
   ``edgebook/__init__.py`` and the lesson checks ``edgebook/checks/*`` may
   import them. Every other module (the base, the pipeline and the lesson
   topics such as ``audio``, ``scenes`` or ``scoreboard``) may not: what they
   need from setup lives in the base modules ``nativelogs``, ``seeding`` and
   ``mode``.
3. One concern per module: no file longer than 450 lines.
4. No module reaches into another edgebook module's private names
   (``modelfile._name``, ``from edgebook.runtime import _tensor_info``): it
   asks for a public helper instead.

The checks are functions of a folder, so the tests below also run them on a
scratch copy with deliberate violations, to show that they can fail.
"""
from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "lib" / "edgebook"

MAX_LINES = 450

COURSE_MACHINERY = {"edgebook.context", "edgebook.exercises", "edgebook.workbook", "edgebook.workshop",
                    "edgebook.pytest_plugin"}

LONG_FILES_ALLOWED: set[str] = set()  # a file that must be long says why here

# Known exceptions, each one edge (importer, what it takes): none today.
LAYER_EXCEPTIONS: set[tuple[str, str]] = set()
PRIVATE_EXCEPTIONS: set[tuple[str, str]] = set()


# --- reading the package ---------------------------------------------------------------

def module_name(package: Path, path: Path) -> str:
    parts = ["edgebook", *path.relative_to(package).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def read_package(package: Path) -> dict[str, tuple[Path, ast.Module]]:
    return {module_name(package, path): (path, ast.parse(path.read_text(), str(path)))
            for path in sorted(package.rglob("*.py"))}


def _absolute(module: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute module name of ``from ... import`` (relative ones resolved against ``module``)."""
    if not node.level:
        return node.module or ""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def imports(module: str, path: Path, tree: ast.Module, modules) -> dict[str, int]:
    """The edgebook modules ``module`` imports anywhere in its source: {name: first line}."""
    found: dict[str, int] = {}

    def add(name: str, line: int) -> None:
        if name in modules and name != module:
            found.setdefault(name, line)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, path, node)
            if not base.startswith("edgebook"):
                continue
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                add(submodule if submodule in modules else base, node.lineno)
    return found


def module_aliases(module: str, path: Path, tree: ast.Module, modules) -> dict[str, str]:
    """Local names bound to edgebook modules: {"modelfile": "edgebook.modelfile", ...}."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in modules:
                    aliases[alias.asname or alias.name.split(".")[0]] = \
                        alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, path, node)
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:
                    aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
    return aliases


# --- the four rules, as functions of a package folder --------------------------------------

def import_graph(package: Path) -> dict[str, dict[str, int]]:
    modules = read_package(package)
    return {name: imports(name, path, tree, modules) for name, (path, tree) in modules.items()}


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Every strongly connected group of modules (Tarjan), each shown as one circle through it."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_one_circle(graph, group) for group in groups]


def _one_circle(graph, group: list[str]) -> list[str]:
    """A path start -> ... -> start inside ``group`` (shortest, by breadth-first search)."""
    start, members = group[0], set(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node]):
                if target == start:
                    return paths[node] + [start]
                if target in members and target not in paths:
                    paths[target] = paths[node] + [target]
                    following.append(target)
        frontier = following
    return group


def may_import_machinery(module: str) -> bool:
    return (module in COURSE_MACHINERY or module == "edgebook"
            or module == "edgebook.checks" or module.startswith("edgebook.checks."))


def layer_violations(package: Path) -> list[str]:
    return [f"{module} imports {target} (line {line})"
            for module, targets in import_graph(package).items() if not may_import_machinery(module)
            for target, line in targets.items()
            if target in COURSE_MACHINERY and (module, target) not in LAYER_EXCEPTIONS]


def long_files(package: Path) -> list[str]:
    found = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package).as_posix()
        lines = len(path.read_text().splitlines())
        if lines > MAX_LINES and relative not in LONG_FILES_ALLOWED:
            found.append(f"{relative}: {lines} lines")
    return found


def private_accesses(package: Path) -> list[str]:
    modules = read_package(package)
    found = []
    for module, (path, tree) in modules.items():
        aliases = module_aliases(module, path, tree, modules)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and _absolute(module, path, node).startswith("edgebook"):
                base = _absolute(module, path, node)
                for alias in node.names:
                    private = alias.name.startswith("_") and not alias.name.startswith("__")
                    if private and base != module:
                        found.append(f"{module} line {node.lineno}: from {base} import {alias.name}")
            elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                  and node.value.id in aliases and aliases[node.value.id] != module
                  and node.attr.startswith("_") and not node.attr.startswith("__")):
                access = f"{node.value.id}.{node.attr}"
                if (module, access) not in PRIVATE_EXCEPTIONS:
                    found.append(f"{module} line {node.lineno}: {access}")
    return found


# --- the tests ---------------------------------------------------------------------------

def test_no_import_circles():
    found = cycles(import_graph(PACKAGE))
    assert not found, "Import circles:\n" + "\n".join(" -> ".join(circle) for circle in found)


def test_pipeline_and_topic_modules_do_not_import_the_course_machinery():
    found = layer_violations(PACKAGE)
    assert not found, "Below the course machinery, these import it:\n" + "\n".join(found)


def test_every_module_is_at_most_450_lines():
    found = long_files(PACKAGE)
    assert not found, f"Longer than {MAX_LINES} lines (split along the module's own seams):\n" + "\n".join(found)


def test_no_module_uses_another_modules_private_names():
    found = private_accesses(PACKAGE)
    assert not found, "Private names of other modules (add a public helper):\n" + "\n".join(found)


def test_the_graph_sees_every_kind_of_import():
    graph = import_graph(PACKAGE)
    assert "edgebook.modelfile" in graph["edgebook.runtime"]      # from edgebook import modelfile
    assert "edgebook.nativelogs" in graph["edgebook.convert"]      # from edgebook.nativelogs import ...
    assert "edgebook.audio" in graph["edgebook.data"]              # inside a function


@pytest.fixture
def scratch(tmp_path) -> Path:
    copy = tmp_path / "edgebook"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_the_checks_catch_deliberate_violations(scratch):
    with open(scratch / "modelfile.py", "a") as f:
        f.write("\n\ndef _circle():\n    from edgebook import convert  # convert -> unsupported -> modelfile\n")
    with open(scratch / "checks" / "lesson_00.py", "a") as f:
        f.write("\n\nfrom ..synth import sine_samples  # relative, two levels\n")
    with open(scratch / "synth.py", "a") as f:
        f.write("\n\nfrom .checks import lesson_00  # relative: a submodule by name\n")
    with open(scratch / "convert.py", "a") as f:
        f.write("\n\ndef _layers():\n    from edgebook.context import setup\n"
                "    from edgebook import workbook as wb\n    return wb._cell(setup)\n"
                "\n\nfrom edgebook.runtime import _tensor_info\n")
    (scratch / "gestures.py").write_text((scratch / "gestures.py").read_text() + "\n" * 500)

    found = cycles(import_graph(scratch))
    assert any(set(circle) >= {"edgebook.modelfile", "edgebook.convert"} for circle in found), found
    assert any(set(circle) == {"edgebook.checks.lesson_00", "edgebook.synth"} for circle in found), found
    circle = next(c for c in found if "edgebook.modelfile" in c)
    assert circle[0] == circle[-1]  # printed as a circle: a -> b -> ... -> a
    assert "edgebook.convert imports edgebook.context" in "\n".join(layer_violations(scratch))
    assert "edgebook.convert imports edgebook.workbook" in "\n".join(layer_violations(scratch))
    assert any(line.startswith("gestures.py:") for line in long_files(scratch))
    privates = "\n".join(private_accesses(scratch))
    assert "wb._cell" in privates and "from edgebook.runtime import _tensor_info" in privates
