"""The Colab branch of the install cell, run for real in a fresh virtual environment that looks like Colab.

The module's fixture makes a venv with what Colab ships and the course relies on (TensorFlow,
NumPy, matplotlib...), puts a fake ``google.colab`` on its path, and runs the install cell
taken from lesson 00 there, cloning this repository's committed HEAD (EDGEBOOK_REPOSITORY)
into a folder under tmp (EDGEBOOK_COLAB_DIR). pip uses this machine's registry configuration.
Then it runs what the lesson's setup cell does and a tiny model through LiteRT and TFLM,
and, in a new process as after a restart, the cell again. About 100 s on a 2-core machine,
most of it pip installing TensorFlow.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import nbformat
import pytest

from edgebook import colab_install, paths, workbook
from edgebook.context import pinned_versions

LESSON_00 = "notebooks/00_welcome_and_setup_check.ipynb"
COLAB_SHIPS = ("tensorflow", "numpy", "matplotlib", "scikit-learn", "ipywidgets", "tqdm", "nbformat", "ipython")
"""What Colab has before the cell runs and the course relies on (tf-keras is left for the cell to install)."""
GO_ON = "Installed, go on."
RESTART = "Runtime → Restart session"
FACTS = "FACTS "  # the line the scripts below report on

# The lesson's setup cell after the install cell, in the same session (no restart), then the toolchain.
FIRST_SESSION = r"""
import google.colab  # as Colab's kernel does when it starts
import json, sys
from importlib import metadata
exec(open(sys.argv[1]).read(), {"__name__": "__main__"})  # the install cell

import edgebook
ctx = edgebook.setup()

import numpy as np
import tensorflow as tf
import tensorflow_model_optimization as tfmot
from edgebook import convert, micro, runtime

model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1)])  # y = 2x + 1
model.layers[0].set_weights([np.array([[2.0]]), np.array([1.0])])
tfmot.quantization.keras.quantize_model(model)  # fails under Keras 3
model_bytes = convert.to_tflite(model)
x = np.array([[0.0], [1.0], [2.5]], np.float32)
print("FACTS " + json.dumps({
    "colab": ctx.colab, "root": str(ctx.root), "edgebook": edgebook.__file__, "keras": tf.keras.__name__,
    "versions": {name: metadata.version(name) for name in
                 ("tensorflow", "tf-keras", "tensorflow-model-optimization", "ai-edge-litert", "tflite-micro")},
    "litert": runtime.load(model_bytes).predict(x).ravel().tolist(),
    "tflm": micro.run(model_bytes, x).ravel().tolist(),
    "installed": {d.metadata["Name"].lower(): d.version for d in metadata.distributions()},
}))
"""

# A new session after "Runtime → Restart session": the cell again, then the setup cell.
AFTER_RESTART = r"""
import google.colab
import json, sys
from importlib import metadata
exec(open(sys.argv[1]).read(), {"__name__": "__main__"})
import edgebook
ctx = edgebook.setup(verbose=False)
installed_from = json.loads(metadata.distribution("edgebook").read_text("direct_url.json"))
print("FACTS " + json.dumps({"colab": ctx.colab, "root": str(ctx.root), "edgebook": edgebook.__file__,
                             "installed_from": installed_from}))
"""

# A learner who used TensorFlow before the install cell (TF_USE_LEGACY_KERAS comes too late), and a
# session that had imported a tflite-micro other than the pinned one (pip replaces it under its feet).
IMPORTED_FIRST = r"""
import google.colab
import sys
import tensorflow, tflite_micro
exec(open(sys.argv[1]).read(), {"__name__": "__main__"})
"""


def colab_cell_of_lesson_00() -> str:
    nb = nbformat.read(paths.root() / LESSON_00, as_version=4)
    cells = [cell for cell in nb.cells if cell.metadata.get(workbook.GENERATED) == "colab"]
    assert len(cells) == 1, f"{LESSON_00} should have one generated Colab cell, not {len(cells)}"
    return cells[0].source


def colab_version(name: str) -> str:
    """The version the fake Colab gets: the pin where pyproject.toml has one, else this environment's."""
    return pinned_versions().get(name) or metadata.version(name)


def machine_env() -> dict[str, str]:
    """What pip and git need from this machine (its registry configuration, certificates); nothing else."""
    wanted = {"PATH", "HOME", "LANG", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE"}
    return {name: value for name, value in os.environ.items()
            if name in wanted or name.startswith("PIP_") or name.lower().endswith("_proxy")}


def run(command, env, timeout=900) -> subprocess.CompletedProcess:
    result = subprocess.run([str(part) for part in command], env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, (f"{' '.join(map(str, command))} failed ({result.returncode}):\n"
                                    f"{result.stdout[-3000:]}\n{result.stderr[-5000:]}")
    return result


def facts(result: subprocess.CompletedProcess) -> dict:
    lines = [line for line in result.stdout.splitlines() if line.startswith(FACTS)]
    assert lines, f"the script reported nothing:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return json.loads(lines[-1][len(FACTS):])


class FakeColab:
    """A venv that looks like a Colab runtime, and how to run a script there."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.python = folder / "venv" / "bin" / "python"
        self.course = folder / "content" / "edge-ml-workbook"
        self.cell = folder / "colab_cell.py"
        fake = folder / "fake_colab" / "google" / "colab"
        fake.mkdir(parents=True)
        (fake / "__init__.py").write_text('"""Stands in for Colab: the install cell checks for this module."""\n')
        self.origin = folder / "origin.git"
        self.env = {**machine_env(), "PYTHONPATH": str(folder / "fake_colab"), "TF_CPP_MIN_LOG_LEVEL": "3",
                    "EDGEBOOK_REPOSITORY": self.origin.as_uri(), "EDGEBOOK_COLAB_DIR": str(self.course)}

    def serve_this_repository(self) -> None:
        """This repository as GitHub would serve it, with the commit checked out here on the configured branch.

        The cell clones that branch; so the test runs the commit under test, whatever branch it is on.
        """
        env = machine_env()
        run(["git", "clone", "--quiet", "--bare", paths.root(), self.origin], env)
        head = run(["git", "-C", paths.root(), "rev-parse", "HEAD"], env).stdout.strip()
        run(["git", "-C", self.origin, "update-ref", f"refs/heads/{workbook.config()['branch']}", head], env)

    def run_script(self, script: str, **env) -> subprocess.CompletedProcess:
        path = self.folder / "script.py"
        path.write_text(script)
        return run([self.python, path, self.cell], {**self.env, **env}, timeout=1200)


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """The fake Colab after its first session (install, setup, toolchain) and a session after a restart."""
    folder = tmp_path_factory.mktemp("colab")
    try:
        colab = FakeColab(folder)
        colab.cell.write_text(colab_cell_of_lesson_00())
        colab.serve_this_repository()
        run([sys.executable, "-m", "venv", folder / "venv"], machine_env())
        run([colab.python, "-m", "pip", "install", "--quiet",
             *[f"{name}=={colab_version(name)}" for name in COLAB_SHIPS]], colab.env)
        colab.first = colab.run_script(FIRST_SESSION)
        colab.after_restart = colab.run_script(AFTER_RESTART)
        yield colab
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # a venv with TensorFlow is 2.5 GB


def test_lesson_00_has_the_cell_colab_cell_makes():
    assert colab_cell_of_lesson_00() == workbook.colab_cell().source, "run `make workbooks`"


def test_the_cell_does_nothing_outside_colab():
    namespace = {"__name__": "__main__"}
    exec(workbook.colab_cell().source, namespace)
    assert "course" not in namespace  # it stopped at the Colab check


def test_first_session_installs_and_says_go_on(colab):
    assert GO_ON in colab.first.stdout and RESTART not in colab.first.stdout, colab.first.stdout[-2000:]
    assert (colab.course / ".git").is_dir()


def test_first_session_runs_keras_2_with_the_pinned_packages(colab):
    found = facts(colab.first)
    assert found["colab"] is True
    assert found["keras"].startswith("tf_keras"), f"tf.keras is {found['keras']}, not Keras 2"
    assert Path(found["edgebook"]).is_relative_to(colab.course)
    assert Path(found["root"]) == colab.course
    pins = pinned_versions()
    versions = found["versions"]
    assert versions["tensorflow"] == pins["tensorflow"]  # Colab's own, untouched
    for name in colab_install.COLAB_PINNED:
        assert versions[name] == pins[name], f"{name} {versions[name]} installed, {pins[name]} pinned"
    tf_minor = versions["tensorflow"].split(".")[:2]
    assert versions["tf-keras"].split(".")[:2] == tf_minor, versions


def test_first_session_keeps_what_colab_ships(colab):
    installed = facts(colab.first)["installed"]
    for name in COLAB_SHIPS:
        assert installed[name] == colab_version(name), f"the cell changed Colab's {name}"
    assert "jupyterlab" not in installed  # the course's own dependencies are not installed (--no-deps)


def test_first_session_converts_and_runs_a_model_in_litert_and_tflm(colab):
    found = facts(colab.first)
    assert found["litert"] == pytest.approx([1.0, 3.0, 6.0])
    assert found["tflm"] == pytest.approx([1.0, 3.0, 6.0])


def test_after_a_restart_the_cell_is_skipped_and_the_editable_install_imports(colab):
    out = colab.after_restart.stdout
    assert GO_ON not in out and RESTART not in out, out[-2000:]
    found = facts(colab.after_restart)
    assert found["colab"] is True
    assert found["installed_from"] == {"url": colab.course.as_uri(), "dir_info": {"editable": True}}
    assert Path(found["edgebook"]).is_relative_to(colab.course) and Path(found["root"]) == colab.course


def test_modules_imported_before_the_cell_ask_for_a_restart(colab):
    pin = pinned_versions()["tflite-micro"]
    run([colab.python, "-m", "pip", "install", "--quiet", "--pre", f"tflite-micro<{pin}"], colab.env)
    # A folder of its own, so the cell runs its install branch again (and puts the pinned tflite-micro back).
    again = colab.folder / "content" / "second-try"
    out = colab.run_script(IMPORTED_FIRST, EDGEBOOK_COLAB_DIR=str(again)).stdout
    notice = [line for line in out.splitlines() if "had already imported" in line]
    assert notice and GO_ON not in out, out[-2000:]
    assert "tensorflow" in notice[0] and "tflite_micro" in notice[0] and RESTART in notice[0]
