"""Every exercise's check shows the title of the heading the learner reads above it.

A check says "✓ Exercise 3.1 — A best signature: correct."; the heading above the
exercise says "### Exercise 3.1 — A `best` signature (★★☆)". They must agree (number
and words, Markdown code marks aside), and every heading must be followed by its check.
"""
import importlib
import re

import nbformat
import pytest

from edgebook import paths

HEADING = re.compile(r"^###\s+(Exercise\s+[\d.]+\s+—\s+.+?)\s*(\(★[★☆]*\))?\s*$", re.M)
CHECK = re.compile(r"\bex\.(\w+)\.check\(")
SOLUTIONS = sorted(paths.root().glob("solutions/[0-9][0-9]_*.ipynb"))


def exercises_in_order(path):
    """[(heading, exercise name checked under it)] through the notebook."""
    found, heading = [], None
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown" and (match := HEADING.search(cell.source)):
            heading = match.group(1).replace("`", "")
            found.append([heading, []])
        elif cell.cell_type == "code":
            for name in CHECK.findall(cell.source):
                assert heading is not None, f"{path.name}: ex.{name}.check(...) comes before any exercise heading"
                found[-1][1].append(name)
    return found


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name[:2])
def test_every_exercise_title_matches_its_heading(path):
    checks = importlib.import_module(f"edgebook.checks.lesson_{path.name[:2]}")
    for heading, names in exercises_in_order(path):
        assert names, f"{path.name}: '{heading}' is never checked (no ex.NAME.check(...) under it)"
        for name in set(names):
            title = getattr(checks, name).title
            assert title == heading, f"{path.name}: ex.{name} is titled {title!r}, its heading says {heading!r}"


def test_the_titles_are_found():
    assert sum(len(exercises_in_order(path)) for path in SOLUTIONS) >= 50
