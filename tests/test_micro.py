"""edgebook.micro as a package: the names lessons use, its layers, and the templates a wheel must ship.

Each module has its own test file: tests/test_micro_<module>.py.
"""
import ast
import tomllib
from pathlib import Path

import edgebook
from edgebook import paths

MICRO = Path(edgebook.__file__).parent / "micro"

# Each module imports only the ones before it (no circles); see micro/__init__.py.
LAYERS = ("errors", "stripping", "fixed_point", "interpreter", "arena", "running", "boards", "export", "deployment")

# What lessons, checks, the scoreboard and the tests call as micro.<name>.
USED_BY_LESSONS = (
    "ARENA_ALIGNMENT", "BOARDS", "Board", "MicroError", "SIZE_PARTS", "arena_report", "board", "compare",
    "compile_check", "deploy", "energy_per_hour", "estimate", "export_cpp", "fits", "peak_activation_bytes",
    "quantize_multiplier", "read_back", "recorded_arena_bytes", "requantize", "resolver_method", "run",
    "size_breakdown", "smallest_arena", "strip", "with_headroom",
)


def test_micro_hands_on_every_public_name():
    from edgebook import micro

    assert set(USED_BY_LESSONS) <= set(micro.__all__)
    defined_here = [getattr(micro, name) for name in micro.__all__ if callable(getattr(micro, name))]
    assert all(thing.__module__.startswith("edgebook.micro.") for thing in defined_here)
    assert callable(micro.run) and callable(micro.strip) and callable(micro.deploy)  # not shadowed by modules


def test_modules_import_only_the_layers_below_them():
    assert sorted(path.stem for path in MICRO.glob("*.py") if path.stem != "__init__") == sorted(LAYERS)
    for layer, module in enumerate(LAYERS):
        tree = ast.parse((MICRO / f"{module}.py").read_text())
        imported = {node.module.rsplit(".", 1)[1] for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("edgebook.micro.")}
        assert all(LAYERS.index(name) < layer for name in imported), (module, imported)
        assert len((MICRO / f"{module}.py").read_text().splitlines()) <= 300, module


def test_the_templates_are_package_data():
    pyproject = tomllib.loads((paths.root() / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["edgebook"]
    templates = sorted(path.relative_to(MICRO.parent) for path in (MICRO / "templates").iterdir())
    assert templates, "micro/templates/ is empty"
    assert all(any(template.match(pattern) for pattern in patterns) for template in templates)
