"""What a learner reads and runs: no bare asserts, no text written for the course's authors or its CI.

A bare assert halts "Run All" with a traceback; lessons state what they check as
claims (``edgebook.claim``), and pure regression checks live in tests/lesson_checks/.
"""
import ast
import re

import nbformat
import pytest

from edgebook import paths

NOTEBOOKS = sorted(paths.root().glob("solutions/[0-9][0-9]_*.ipynb")) + \
    sorted(paths.root().glob("notebooks/[0-9][0-9]_*.ipynb"))
AUTHORING_TEXT = re.compile(r"seed talk|course plan|test machine|"
                            r"update the lesson's prose|shared with other jobs", re.I)


def python_of(cell) -> str:
    """The cell's Python, IPython's %magics and !shell lines blanked."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in cell.source.splitlines())


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name[:2]}")
def test_no_bare_assert_in_a_learner_cell(path):
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type == "code":
            asserts = [node.lineno for node in ast.walk(ast.parse(python_of(cell))) if isinstance(node, ast.Assert)]
            assert not asserts, f"{path.name} cell {index}: a bare assert on line {asserts[0]}; use claim(...)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name[:2]}")
def test_no_text_for_authors_in_a_learner_cell(path):
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        found = AUTHORING_TEXT.search(cell.source)
        assert not found, f"{path.name} cell {index} speaks to the course's authors: {found.group(0)!r}"
