"""``setup()``: the first call in every notebook (introduced in 00_welcome_and_setup_check).

It does, once, what every lesson needs: Keras 2 for the Model Optimization
Toolkit, seeds and deterministic ops so a rerun gives the same numbers, quiet
logs, matplotlib defaults, and the paths and versions of this installation.
"""
from __future__ import annotations

import dataclasses
import logging
import platform
import sys
import warnings
from importlib import metadata
from pathlib import Path

from edgebook import paths
from edgebook.errors import SetupError
# Re-exported: lessons and tests wrote edgebook.context.X before these had modules of their own.
from edgebook.mode import flag, is_quick
from edgebook.nativelogs import captured_native_output, muted_native_logs
from edgebook.seeding import SEED, import_tensorflow, seed_everything

__all__ = ["Context", "setup", "forbid_network", "pinned_versions", "environment_report",
           "SEED", "seed_everything", "is_quick", "muted_native_logs", "captured_native_output"]

PACKAGES = ("tensorflow", "tf-keras", "tensorflow-model-optimization",
            "ai-edge-litert", "tflite-micro", "numpy", "scikit-learn", "matplotlib")


@dataclasses.dataclass(frozen=True)
class Context:
    """What ``setup()`` returns: where things are and what this run is."""

    root: Path
    datasets: Path
    build: Path
    seed: int
    colab: bool
    ci: bool
    quick: bool
    versions: dict

    def __repr__(self) -> str:
        mode = "quick" if self.quick else "full"
        where = "Colab" if self.colab else ("CI" if self.ci else "local")
        versions = ", ".join(f"{name} {version}" for name, version in self.versions.items())
        return (f"Context(root={self.root}, seed={self.seed}, mode={mode}, where={where})\n"
                f"  versions: {versions}")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _quiet_python_logs(tf) -> None:
    tf.get_logger().setLevel(logging.ERROR)
    try:
        import absl.logging
        absl.logging.set_verbosity(absl.logging.ERROR)
    except ImportError:
        pass
    # Deprecation chatter from libraries we pin; a learner cannot act on it.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", message=".*tf.lite.Interpreter is deprecated.*")
    # The converter says this for every int8-input model converted from TF2, where it does not apply.
    warnings.filterwarnings("ignore", message="Statistics for quantized inputs were expected")


def forbid_network() -> None:
    """Make any connection to a non-loopback address fail loudly (used by the test suite).

    The course promises to run offline; with EDGEBOOK_NO_NETWORK=1, ``setup()``
    calls this so a lesson that tries to download something fails its test.
    """
    import ipaddress
    import socket

    if getattr(socket.socket.connect, "_edgebook_guard", False):
        return
    original_connect = socket.socket.connect

    def guarded_connect(sock, address):
        host = address[0] if isinstance(address, tuple) else None
        if host is not None:
            try:
                allowed = ipaddress.ip_address(host).is_loopback
            except ValueError:  # a host name
                allowed = host == "localhost"
            if not allowed:
                raise SetupError(f"The course runs offline, but something tried to connect to {host}. "
                                 "Use the datasets in datasets/ or edgebook.data instead.")
        return original_connect(sock, address)

    guarded_connect._edgebook_guard = True
    socket.socket.connect = guarded_connect


def setup(seed: int = SEED, *, verbose: bool = True) -> Context:
    """Prepare the notebook: call it first, once, at the top of every lesson.

    Sets ``TF_USE_LEGACY_KERAS=1`` before TensorFlow is imported, seeds Python,
    NumPy and TensorFlow, enables op determinism, quiets TensorFlow and absl
    logging, sets matplotlib defaults, and detects Colab, CI and quick mode.

    Introduced in 00_welcome_and_setup_check.
    """
    if sys.version_info[:2] != (3, 11):
        warnings.warn(f"The course is tested on Python 3.11; this is {platform.python_version()}.")
    if flag("EDGEBOOK_NO_NETWORK"):
        forbid_network()
    tf = import_tensorflow()
    _quiet_python_logs(tf)
    seed_everything(seed)

    from edgebook import plots  # matplotlib defaults for the whole notebook
    plots.use_course_style()

    ctx = Context(
        root=paths.root(),
        datasets=paths.datasets_dir(),
        build=paths.build_dir(),
        seed=seed,
        colab="google.colab" in sys.modules,
        ci=flag("CI"),
        quick=is_quick(),
        versions={"python": platform.python_version(),
                  **{name: _version(name) for name in PACKAGES}},
    )
    if verbose:
        mode = "quick mode (EDGEBOOK_QUICK=1)" if ctx.quick else "full mode"
        print(f"edgebook ready: TensorFlow {ctx.versions['tensorflow']} with Keras 2 "
              f"(tf_keras {ctx.versions['tf-keras']}), LiteRT {ctx.versions['ai-edge-litert']}, "
              f"seed {seed}, {mode}.")
    return ctx


def pinned_versions() -> dict[str, str]:
    """The exact versions pyproject.toml pins (the course's single list of pins)."""
    import tomllib

    with open(paths.root() / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    requirements = [*project["dependencies"],
                    *[r for group in project.get("optional-dependencies", {}).values() for r in group]]
    pins = {}
    for requirement in requirements:
        name, _, version = requirement.partition("==")
        pins[name.strip().lower()] = version.strip()
    return pins


def environment_report() -> list[dict]:
    """One row per pinned package: the pinned version, the installed one, and whether they agree.

    Introduced in 00_welcome_and_setup_check.
    """
    return [{"package": name, "pinned": pinned, "installed": (installed := _version(name)),
             "ok": installed == pinned}
            for name, pinned in pinned_versions().items()]
