"""The notebook budget in edgebook.pytest_plugin fails a slow notebook and passes a fast one."""
import json
import os
import subprocess
import sys

import nbformat
import pytest


@pytest.fixture
def tiny_notebook(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import os\nquick = os.environ.get('EDGEBOOK_QUICK')"),
        nbformat.v4.new_code_cell("assert os.environ.get('EDGEBOOK_NO_NETWORK') == '1'"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder = tmp_path / "solutions"
    folder.mkdir()
    path = folder / "99_tiny.ipynb"
    nbformat.write(nb, path)
    return path


def run_pytest(path, budget):
    # EDGEBOOK_ROOT: the times file goes to this test's folder, not the course's build/.
    env = {**os.environ, "EDGEBOOK_NOTEBOOK_BUDGET_S": str(budget), "EDGEBOOK_ROOT": str(path.parents[1])}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "edgebook.pytest_plugin", "--nbval-lax",
                           "--nbval-current-env", "-q", "-p", "no:cacheprovider", str(path)],
                          capture_output=True, text=True, env=env, cwd=path.parent, timeout=300)


def test_fast_notebook_passes_and_its_time_is_reported(tiny_notebook):
    result = run_pytest(tiny_notebook, budget=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "notebook wall times" in result.stdout and "solutions/99_tiny.ipynb" in result.stdout
    times = json.loads((tiny_notebook.parents[1] / "build" / "notebook-times.json").read_text())
    assert list(times) == ["solutions/99_tiny.ipynb"]


def test_notebook_over_budget_fails_with_a_clear_message(tiny_notebook):
    result = run_pytest(tiny_notebook, budget=0)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "over its budget of 0 s" in result.stdout and "OVER BUDGET" in result.stdout
