"""edgebook.pytest_plugin reports every notebook's time and fails only a gross regression."""
import json
import os
import re
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


def run_pytest(path, factor=2.5, recorded=None):
    """Run the notebook under the plugin, with `recorded` seconds as its lesson's recorded time."""
    times = {} if recorded is None else {path.name: recorded}
    (path.parent / "run_times.json").write_text(json.dumps(times))
    # EDGEBOOK_ROOT: the times files are this test's folder's, not the course's.
    env = {**os.environ, "EDGEBOOK_REGRESSION_FACTOR": str(factor), "EDGEBOOK_ROOT": str(path.parents[1])}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "edgebook.pytest_plugin", "--nbval-lax",
                           "--nbval-current-env", "-q", "-p", "no:cacheprovider", str(path)],
                          capture_output=True, text=True, env=env, cwd=path.parent, timeout=300)


def test_notebook_within_its_recorded_time_passes_and_its_time_is_reported(tiny_notebook):
    result = run_pytest(tiny_notebook, recorded=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "notebook wall times" in result.stdout
    assert re.search(r"solutions/99_tiny.ipynb  \( ?0\.\dx recorded 600 s\)", result.stdout), result.stdout
    times = json.loads((tiny_notebook.parents[1] / "build" / "notebook-times.json").read_text())
    assert list(times) == ["solutions/99_tiny.ipynb"]


def test_gross_regression_fails_with_a_clear_message(tiny_notebook):
    # A factor of 0.0001 turns the tiny notebook's fraction of a second into a "regression".
    result = run_pytest(tiny_notebook, factor=0.0001, recorded=10)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "its recorded 10 s" in result.stdout and "gross regression, not machine noise" in result.stdout
    assert "GROSS REGRESSION" in result.stdout


def test_a_notebook_with_no_recorded_time_is_reported_not_failed(tiny_notebook):
    result = run_pytest(tiny_notebook, factor=0.0001, recorded=None)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "solutions/99_tiny.ipynb  (no recorded time)" in result.stdout
