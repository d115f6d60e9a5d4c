"""pytest plugin of the course: notebook wall times and budgets, quick mode for workbooks.

Loaded by ``make test`` (``pytest -p edgebook.pytest_plugin ...``). For every
notebook nbval executes it adds up the time of all its cells (the kernel start
included), fails the notebook's last cell when the total is over budget, prints
a table of times at the end, and writes them to ``build/notebook-times.json``.

Every notebook runs with ``EDGEBOOK_NO_NETWORK=1``: ``edgebook.setup()`` then
makes any connection to a non-loopback address fail, so a lesson that reaches
the network fails its test.

Workbooks in ``notebooks/`` run in quick mode (``EDGEBOOK_QUICK=1``), as an
instructor's dry run does; solutions run exactly as a learner runs them.
"""
from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

import pytest

BUDGET_SECONDS = float(os.environ.get("EDGEBOOK_NOTEBOOK_BUDGET_S", "120"))

_seconds: dict[str, float] = defaultdict(float)
_last_item: dict[str, str] = {}


def _notebook_of(item) -> str | None:
    path = getattr(item.parent, "path", None)
    if path is not None and str(path).endswith(".ipynb"):
        return f"{Path(path).parent.name}/{Path(path).name}"
    return None


def pytest_collection_modifyitems(session, config, items):
    for item in items:
        notebook = _notebook_of(item)
        if notebook:
            _last_item[notebook] = item.nodeid


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Runs before nbval starts the notebook's kernel, which inherits this environment.
    notebook = _notebook_of(item)
    if notebook:
        os.environ["EDGEBOOK_NO_NETWORK"] = "1"  # setup() then refuses any non-loopback connection
        if notebook.startswith("notebooks/"):
            os.environ["EDGEBOOK_QUICK"] = "1"
        else:
            os.environ.pop("EDGEBOOK_QUICK", None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    notebook = _notebook_of(item)
    if not notebook:
        return
    _seconds[notebook] += call.stop - call.start
    over = _seconds[notebook] - BUDGET_SECONDS
    if (call.when == "call" and item.nodeid == _last_item.get(notebook)
            and over > 0 and report.passed):
        report.outcome = "failed"
        report.longrepr = (f"{notebook} took {_seconds[notebook]:.0f} s, over its budget of "
                           f"{BUDGET_SECONDS:.0f} s by {over:.0f} s. Make the lesson faster "
                           "(fewer epochs, smaller data, fewer benchmark runs).")


def pytest_terminal_summary(terminalreporter):
    if not _seconds:
        return
    terminalreporter.section("notebook wall times (kernel start included)")
    for notebook, seconds in sorted(_seconds.items()):
        flag = "  OVER BUDGET" if seconds > BUDGET_SECONDS else ""
        terminalreporter.write_line(f"{seconds:7.1f} s  {notebook}{flag}")
    terminalreporter.write_line(f"{sum(_seconds.values()):7.1f} s  all notebooks (budget "
                                f"{BUDGET_SECONDS:.0f} s each)")
    try:
        from edgebook import paths

        out = paths.build_dir() / "notebook-times.json"
        out.write_text(json.dumps({k: round(v, 1) for k, v in sorted(_seconds.items())}, indent=2) + "\n")
    except Exception:  # timings are a report, never a reason to fail the run
        pass
