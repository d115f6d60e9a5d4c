"""Where things are: every path is resolved from the repository root, never the
working folder, so a notebook behaves the same wherever Jupyter was started."""
from __future__ import annotations

import os
from pathlib import Path

from edgebook.errors import SetupError


def _looks_like_root(path: Path) -> bool:
    return (path / "pyproject.toml").is_file() and (path / "solutions").is_dir()


def root() -> Path:
    """The repository root (override with the EDGEBOOK_ROOT environment variable)."""
    if os.environ.get("EDGEBOOK_ROOT"):
        return Path(os.environ["EDGEBOOK_ROOT"]).resolve()
    # The package is installed in editable mode from lib/edgebook/.
    here = Path(__file__).resolve()
    for candidate in (here.parents[2], *Path.cwd().resolve().parents, Path.cwd().resolve()):
        if _looks_like_root(candidate):
            return candidate
    raise SetupError(
        "Cannot find the course folder (the one with pyproject.toml and solutions/). "
        "Install the course with `make lab` from its folder, or set EDGEBOOK_ROOT to it."
    )


def datasets_dir() -> Path:
    return root() / "datasets"


def build_dir(*parts: str) -> Path:
    """A folder under build/ (git-ignored), created if needed."""
    path = root().joinpath("build", *parts)
    path.mkdir(parents=True, exist_ok=True)
    return path
