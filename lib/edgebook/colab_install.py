"""Install the course into Colab's own Python: run by the Colab cell at the top of every lesson.

The cell clones the course and runs this file (``runpy``, in the notebook's own
process). It uses nothing but the standard library: nothing of the course is
installed yet when it starts. Outside Colab the cell never calls it.

It installs the packages ``pyproject.toml`` pins exactly (``COLAB_PINNED``, plus
the tf-keras that matches Colab's TensorFlow) and the course itself as an
editable package, keeping everything else as Colab ships it. After "Runtime →
Restart session" it finds its mark under ``build/`` and only sets Keras 2 again.

Introduced in 00_welcome_and_setup_check.
"""
from __future__ import annotations

import importlib
import os
import subprocess
import sys
import tomllib
from importlib.metadata import distributions, packages_distributions, version
from pathlib import Path

COLAB_PINNED = ("tensorflow-model-optimization", "ai-edge-litert", "tflite-micro")
"""What Colab gets at exactly the versions pyproject.toml pins. tf-keras follows the TensorFlow
Colab has; everything else (numpy, matplotlib, scikit-learn...) stays as Colab ships it."""


def pins(course: Path) -> list[str]:
    """``name==version`` for every COLAB_PINNED package, from the course's pyproject.toml."""
    with open(course / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    requirements = [*project["dependencies"], *sum(project.get("optional-dependencies", {}).values(), [])]
    exact = {r.partition("==")[0].strip().lower(): r.strip() for r in requirements if "==" in r}
    missing = [name for name in COLAB_PINNED if name not in exact]
    if missing:
        raise SystemExit(f"pyproject.toml must pin {', '.join(missing)} exactly (name==version).")
    return [exact[name] for name in COLAB_PINNED]


def installed_versions() -> dict[str, str]:
    return {d.metadata["Name"].lower(): d.version for d in distributions()}


def install(course: Path) -> None:
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # Keras 2 (Model Optimization Toolkit), before TensorFlow starts
    mark = course / "build" / "colab-installed"
    if mark.exists():  # a new session after a restart: the editable install serves it
        return
    before = installed_versions()
    tf_minor = ".".join(version("tensorflow").split(".")[:2])
    pip = [sys.executable, "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, f"tf-keras~={tf_minor}.0", *pins(course)], check=True)
    subprocess.run([*pip, "--no-deps", "--editable", str(course)], check=True)  # keeps Colab's numpy...
    sys.path.insert(0, str(course / "lib"))  # for this session; the editable install serves new ones
    importlib.invalidate_caches()
    mark.parent.mkdir(exist_ok=True)
    mark.write_text("installed\n")

    # A session keeps using the modules it has imported: one pip replaced stays old, and TensorFlow
    # imported before TF_USE_LEGACY_KERAS was set has chosen Keras 3. Only a restart helps.
    changed = {name for name, now in installed_versions().items() if before.get(name) != now}
    stale = {module for module, names in packages_distributions().items()
             if module in sys.modules and changed & {name.lower() for name in names}}
    stale |= {module for module in ("tensorflow", "keras") if module in sys.modules}
    if stale:
        print(f"Installed, but this session had already imported {', '.join(sorted(stale))}. "
              "Restart it: Runtime → Restart session, then run the notebook again from the top.")
    else:
        print("Installed, go on.")


if __name__ == "__main__":
    install(Path(__file__).resolve().parents[2])
