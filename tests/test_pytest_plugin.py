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


def notebook_at(tmp_path, folder, *sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    (tmp_path / folder).mkdir(exist_ok=True)
    path = tmp_path / folder / "99_tiny.ipynb"
    nbformat.write(nb, path)
    return path


EXERCISE = ("from edgebook.exercises import Exercise, Incorrect\n"
            "def check(answer):\n"
            "    if answer != 42: raise Incorrect('not 42')\n"
            "import types, sys\n"
            "sys.modules['edgebook.checks.lesson_99'] = types.SimpleNamespace(answer=Exercise('Answer', check))\n"
            "ex = sys.modules['edgebook.checks.lesson_99']")


@pytest.mark.parametrize("answer, passes", [("42", True), ("41", False), ("...", False)])
def test_a_solution_must_prove_its_own_checks(tmp_path, answer, passes):
    result = run_pytest(notebook_at(tmp_path, "solutions", EXERCISE, f"ex.answer.check({answer})"))
    assert (result.returncode == 0) == passes, result.stdout + result.stderr
    if not passes:
        assert "Expected every exercise to be 'correct'" in result.stdout and "lesson_99.answer" in result.stdout


@pytest.mark.parametrize("answer, passes", [("...", True), ("42", False)])
def test_a_fresh_workbook_leaves_every_check_not_attempted(tmp_path, answer, passes):
    result = run_pytest(notebook_at(tmp_path, "notebooks", EXERCISE, f"ex.answer.check({answer})"))
    assert (result.returncode == 0) == passes, result.stdout + result.stderr


MACHINE_CLAIM = ("from edgebook import claim\n"
                 "claim('int8 runs faster', True, may_differ='the CPU')\n"
                 "reached_the_end = True")


def test_a_workbook_runs_to_its_end_on_a_machine_that_reverses_every_timing(tmp_path):
    result = run_pytest(notebook_at(tmp_path, "notebooks", MACHINE_CLAIM, "assert reached_the_end"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_strict_claims_fail_a_solution_on_a_reversed_machine(tmp_path):
    # The plugin sets the flags for each notebook; this one reverses its own machine.
    path = notebook_at(tmp_path, "solutions", "import os; os.environ['EDGEBOOK_FLIP_MACHINE_CLAIMS'] = '1'",
                       MACHINE_CLAIM)
    result = run_pytest(path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "strict claims" in result.stdout


def test_a_solutions_regression_checks_run_against_its_variables(tmp_path):
    path = notebook_at(tmp_path, "solutions", "size = 3")
    checks = tmp_path / "tests" / "lesson_checks"
    checks.mkdir(parents=True)
    (checks / "99_tiny.py").write_text("assert size == 4, f'size is {size}'\n")
    result = run_pytest(path)
    assert result.returncode == 1 and "size is 3" in result.stdout, result.stdout + result.stderr
    (checks / "99_tiny.py").write_text("assert size == 3\n")
    assert run_pytest(path).returncode == 0
