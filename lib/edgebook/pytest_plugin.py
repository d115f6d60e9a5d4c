"""pytest plugin of the course: notebook wall times as a benchmark, quick mode for workbooks.

Loaded by ``make test`` (``pytest -p edgebook.pytest_plugin ...``). For every
notebook nbval executes it adds up the time of all its cells (the kernel start
included), prints a table of times next to each lesson's recorded time
(``solutions/run_times.json``) at the end, and writes them to
``build/notebook-times.json`` (``python -m edgebook.workbook times`` records them).

Speed is measured, not tested against the clock: a busy machine runs a lesson
about 1.7x slower than a quiet one. The run fails only on a gross regression, a
notebook taking more than ``REGRESSION_FACTOR`` times its lesson's recorded
time (``EDGEBOOK_REGRESSION_FACTOR``, default 2.5). A notebook with no recorded
time yet is reported, never failed.

Every notebook runs with ``EDGEBOOK_NO_NETWORK=1``: ``edgebook.setup()`` then
makes any connection to a non-loopback address fail, so a lesson that reaches
the network fails its test.

Workbooks in ``notebooks/`` run in quick mode (``EDGEBOOK_QUICK=1``), as an
instructor's dry run does; solutions run exactly as a learner runs them.

Claims (``edgebook.claim``): solutions run with strict claims
(``EDGEBOOK_STRICT_CLAIMS=1``), so any false claim fails the run. Workbooks run
as a machine that reverses every timing would run them
(``EDGEBOOK_FLIP_MACHINE_CLAIMS=1``, claims not strict): every machine-dependent
claim comes out ✗, and the workbook must still run to its end.

After a notebook's last cell one more item, "course checks", runs in the same
kernel: every exercise check of a solution must have said "correct" (a solution
proves its own checks), every check of a workbook "not attempted"; then, for a
solution, the lesson's regression checks in ``tests/lesson_checks/<notebook>.py``
run against the notebook's variables (checks a learner need not read).
"""
from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

import nbformat
import pytest

REGRESSION_FACTOR = float(os.environ.get("EDGEBOOK_REGRESSION_FACTOR", "2.5"))

_seconds: dict[str, float] = defaultdict(float)
_last_item: dict[str, str] = {}


def _notebook_of(item) -> str | None:
    path = getattr(item.parent, "path", None)
    if path is not None and str(path).endswith(".ipynb"):
        return f"{Path(path).parent.name}/{Path(path).name}"
    return None


def _recorded_seconds(notebook: str) -> float | None:
    """The lesson's recorded solution time; a workbook is held to its solution's time."""
    from edgebook import workbook  # imported here: the plugin loads before the tests import anything

    return workbook.run_times().get(Path(notebook).name)


def _course_checks_source(notebook: str) -> str:
    """The code of the "course checks" item run after the notebook's last cell."""
    from edgebook import paths

    solution = notebook.startswith("solutions/")
    lines = ["from edgebook.exercises import require_status",
             f"require_status({'correct' if solution else 'not attempted'!r})"]
    checks = paths.root() / "tests" / "lesson_checks" / f"{Path(notebook).stem}.py"
    if solution and checks.exists():
        lines.append(f"exec(compile(open({str(checks)!r}).read(), {str(checks)!r}, 'exec'))")
    return "\n".join(lines)


def pytest_collection_modifyitems(session, config, items):
    last_index = {}
    for index, item in enumerate(items):
        notebook = _notebook_of(item)
        if notebook:
            last_index[notebook] = index
    for notebook, index in sorted(last_index.items(), key=lambda pair: -pair[1]):
        last = items[index]
        cell = nbformat.v4.new_code_cell(_course_checks_source(notebook))
        extra = type(last).from_parent(last.parent, name="course checks", cell_num=last.cell_num + 1,
                                       cell=cell, options=defaultdict(bool))
        items.insert(index + 1, extra)
        _last_item[notebook] = extra.nodeid


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Runs before nbval starts the notebook's kernel, which inherits this environment.
    notebook = _notebook_of(item)
    if notebook:
        os.environ["EDGEBOOK_NO_NETWORK"] = "1"  # setup() then refuses any non-loopback connection
        workbook = notebook.startswith("notebooks/")
        for flag in ("EDGEBOOK_QUICK", "EDGEBOOK_FLIP_MACHINE_CLAIMS"):  # a dry run on a reversed machine
            os.environ[flag] = "1" if workbook else "0"
        os.environ["EDGEBOOK_STRICT_CLAIMS"] = "0" if workbook else "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    notebook = _notebook_of(item)
    if not notebook:
        return
    _seconds[notebook] += call.stop - call.start
    if call.when != "call" or item.nodeid != _last_item.get(notebook) or not report.passed:
        return
    recorded = _recorded_seconds(notebook)
    if recorded and _seconds[notebook] > REGRESSION_FACTOR * recorded:
        report.outcome = "failed"
        report.longrepr = (
            f"{notebook} took {_seconds[notebook]:.0f} s, {_seconds[notebook] / recorded:.1f}x its "
            f"recorded {recorded:.0f} s (solutions/run_times.json); more than {REGRESSION_FACTOR:g}x is a "
            "gross regression, not machine noise. Find the cell that got slower (nbval's per-cell "
            "times, or run the notebook by hand), or, if the lesson now does more on purpose, "
            "record its new time with `python -m edgebook.workbook times`.")


def pytest_terminal_summary(terminalreporter):
    if not _seconds:
        return
    terminalreporter.section("notebook wall times (kernel start included)")
    for notebook, seconds in sorted(_seconds.items()):
        recorded = _recorded_seconds(notebook)
        if recorded:
            ratio = seconds / recorded
            flag = "  GROSS REGRESSION" if ratio > REGRESSION_FACTOR else ""
            compared = f"{ratio:4.1f}x recorded {recorded:.0f} s{flag}"
        else:
            compared = "no recorded time"
        terminalreporter.write_line(f"{seconds:7.1f} s  {notebook}  ({compared})")
    terminalreporter.write_line(f"{sum(_seconds.values()):7.1f} s  all notebooks (a notebook fails "
                                f"only above {REGRESSION_FACTOR:g}x its recorded time)")
    try:
        from edgebook import paths

        out = paths.build_dir() / "notebook-times.json"
        out.write_text(json.dumps({k: round(v, 1) for k, v in sorted(_seconds.items())}, indent=2) + "\n")
    except Exception:  # timings are a report, never a reason to fail the run
        pass
