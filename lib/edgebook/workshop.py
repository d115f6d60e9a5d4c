"""An offline workshop kit: the course and every package it needs, in one folder for USB sticks.

    python -m edgebook.workshop build [--out DIR]     (make workshop-kit; default build/workshop-kit)

The folder it writes:

- ``wheels/``            every pinned package and its dependencies, as wheels for this platform
                         and Python, plus what the setup itself installs (pip, setuptools);
- ``edge-ml-workbook/``  the course at the last commit (``git archive HEAD``);
- ``install.sh``         the one command on a learner's laptop: ``bash install.sh [DEST]``;
- ``README.txt``         for the instructor.

Building needs the package registry. Installing needs no network: ``install.sh``
copies the course, then runs the Makefile's ``make setup`` with pip told to take
packages from ``wheels/`` only and to ignore the laptop's own pip settings.
"""
from __future__ import annotations

import argparse
import io
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

from edgebook import paths

COURSE = "edge-ml-workbook"  # the course's folder in the kit, and the default install folder
PIP_REQUIREMENT = "pip>=24"  # the Makefile's setup upgrades pip to this first
MARKER = ".edgebook-workshop-install"  # install.sh leaves it in DEST, so a second run is recognised


class WorkshopError(Exception):
    """The kit cannot be built; the message says what to do."""


def pinned_requirements(pyproject: Path) -> list[str]:
    """Everything the setup installs, read from pyproject.toml (the one place pins live).

    The course's dependencies and its ``test`` extra, the build backend that the
    editable install of ``edgebook`` needs, and the pip the Makefile upgrades to.
    """
    config = tomllib.loads(pyproject.read_text())
    project = config["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["test"],
            *config["build-system"]["requires"], PIP_REQUIREMENT]


def snapshot_course(root: Path, dest: Path) -> str:
    """Extract the course as of its last commit into ``dest``; warn about what is not committed.

    Returns the commit's short id, which README.txt names.
    """
    try:
        archive = subprocess.run(["git", "-C", str(root), "archive", "--format=tar", "HEAD"],
                                 capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        git_said = (getattr(error, "stderr", None) or b"").decode(errors="replace").strip() or error
        raise WorkshopError(f"Could not run `git archive HEAD` in {root}: the kit is made from a git "
                            f"clone of the course. Clone it with git and build from there. ({git_said})")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    changed = subprocess.run(["git", "-C", str(root), "status", "--porcelain"],
                             capture_output=True, text=True).stdout.splitlines()
    if changed:
        print(f"warning: {len(changed)} uncommitted or untracked files are NOT in the kit "
              "(it holds the last commit). Commit them and build again if learners need them.")
    return subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip()


def explain_pip_failure(stderr: str) -> str:
    """A build error that names the requirement pip could not download."""
    match = re.search(r"(?:satisfies the requirement|distribution found for) (\S+)", stderr)
    what = match.group(1) if match else "a requirement"
    pip_said = "\n".join(stderr.strip().splitlines()[-5:])
    return (f"pip could not download {what}. Building the kit needs the package registry to be "
            "reachable (installing from the kit does not), and a wheel of every package for this "
            "platform: a learner's laptop cannot build from source offline. Check the network and "
            f"the pin in pyproject.toml, then build again. pip said:\n{pip_said}")


def download_wheels(requirements: list[str], wheels: Path) -> None:
    """``pip download`` the requirements and their dependencies into ``wheels`` (wheels only)."""
    print(f"downloading {len(requirements)} requirements and their dependencies "
          "(TensorFlow included: several hundred MB the first time) ...", flush=True)
    # Wheels only: an sdist would have to be compiled on the learner's laptop, offline.
    # The machine's normal pip configuration applies: building needs the registry.
    result = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:",
                             "--progress-bar", "off", "--dest", str(wheels), *requirements],
                            stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise WorkshopError(explain_pip_failure(result.stderr))


def install_script(platform_name: str) -> str:
    """The text of install.sh, the one command a learner runs (``bash install.sh [DEST]``)."""
    return f"""#!/usr/bin/env bash
# Install the Edge ML Workbook from this kit, with no network:  bash install.sh [DEST]
# DEST defaults to $HOME/{COURSE}. Needs Python 3.11 (or PYTHON=/path/to/python3.11) and make.
set -euo pipefail
KIT="$(cd "$(dirname "${{BASH_SOURCE[0]}}")" && pwd)"
DEST="${{1:-$HOME/{COURSE}}}"
PYTHON="${{PYTHON:-python3.11}}"
fail() {{ echo "install.sh: $*" >&2; exit 1; }}

[ "$(uname -sm)" = "{platform_name}" ] || fail "this kit's packages are for {platform_name}; this \\
machine is $(uname -sm). A kit for it must be built on such a machine: make workshop-kit"
command -v make >/dev/null || fail "'make' is missing; install it first (Debian/Ubuntu: sudo apt install make)."
command -v "$PYTHON" >/dev/null || fail "the course needs Python 3.11 as '$PYTHON'. Install it, or \\
name one: PYTHON=/path/to/python3.11 bash install.sh"
"$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null \\
    || fail "'$PYTHON' is not Python 3.11; name one: PYTHON=/path/to/python3.11 bash install.sh"
"$PYTHON" -c 'import ensurepip, venv' 2>/dev/null \\
    || fail "'$PYTHON' cannot make virtual environments (Debian/Ubuntu: sudo apt install python3.11-venv)."

if [ -f "$DEST/{MARKER}" ]; then
    echo "$DEST holds an earlier install: keeping your files and finishing the setup."
elif [ -e "$DEST" ] && [ -n "$(ls -A "$DEST")" ]; then
    fail "$DEST exists and is not an earlier install of the course; nothing was changed. \\
Name a new folder: bash install.sh /path/to/new/folder"
else
    echo "copying the course to $DEST"
    mkdir -p "$DEST"
    cp -R "$KIT/{COURSE}/." "$DEST/"
    touch "$DEST/{MARKER}"
fi

# Offline: packages come from the kit's wheels only, and the laptop's own pip settings
# (a pip.conf or PIP_* variables pointing at another index) are ignored.
for name in $(compgen -e | grep '^PIP_' || true); do unset "$name"; done
export PIP_NO_INDEX=1 PIP_CONFIG_FILE=/dev/null
# As a file: URL, because pip splits PIP_FIND_LINKS at spaces (USB sticks' names often have one).
PIP_FIND_LINKS="$("$PYTHON" -c 'import pathlib, sys; print(pathlib.Path(sys.argv[1]).as_uri())' "$KIT/wheels")"
export PIP_FIND_LINKS
cd "$DEST"
make setup PYTHON="$PYTHON"

echo
echo "The course is installed. Start it with:"
printf '    cd %q && make lab\\n' "$DEST"
"""


def readme(commit: str, platform_name: str, python: str, wheel_count: int, size_mb: float) -> str:
    """README.txt: what the kit is and how to use it, for the instructor."""
    return f"""Edge ML Workbook: offline workshop kit
======================================

This folder installs the course on a learner's laptop with no network.
Copy the whole folder to USB sticks (about {size_mb:,.0f} MB).

  wheels/            {wheel_count} packages: every pinned package and its dependencies
  {COURSE}/  the course at commit {commit} (notebooks, solutions, datasets, helpers)
  install.sh         the installer

The packages are built for {platform_name}, Python {python} only. Other
platforms (macOS, Windows, ARM) need a kit built on that platform:
run `make workshop-kit` there, with a network, from a git clone of the course.

On each laptop (needs Python {python} and make; no network):

  bash /path/to/this/folder/install.sh            installs into ~/{COURSE}
  bash /path/to/this/folder/install.sh DEST       or into DEST (a new or empty folder)

It ends by printing the command that opens the course: cd DEST && make lab.
Running it again on the same DEST keeps the learner's files and finishes the
setup. Then open notebooks/00_welcome_and_setup_check.ipynb and run all cells.
"""


def megabytes(folder: Path) -> float:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) / 1e6


def build(out: Path) -> Path:
    """Write the kit into ``out`` (replacing an earlier kit there) and return its folder."""
    pyproject = tomllib.loads((paths.root() / "pyproject.toml").read_text())
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    if pyproject["project"]["requires-python"] != f"=={python}.*":
        raise WorkshopError(f"This is Python {python}; the kit's wheels must be for the course's "
                            f"Python ({pyproject['project']['requires-python']}). Run `make workshop-kit`, "
                            "which uses the course's .venv.")
    if out.exists() and any(out.iterdir()) and not (out / "install.sh").is_file():
        raise WorkshopError(f"{out} exists and is not a workshop kit; choose another folder with --out.")
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    commit = snapshot_course(paths.root(), out / COURSE)
    # Pins are read from the snapshot, so the wheels always match the course in the kit.
    download_wheels(pinned_requirements(out / COURSE / "pyproject.toml"), out / "wheels")
    platform_name = f"{platform.system()} {platform.machine()}"
    (out / "install.sh").write_text(install_script(platform_name))
    (out / "install.sh").chmod(0o755)
    wheel_count = len(list((out / "wheels").iterdir()))
    (out / "README.txt").write_text(readme(commit, platform_name, python, wheel_count, megabytes(out)))
    print(f"wheels/: {wheel_count} packages, {megabytes(out / 'wheels'):,.0f} MB; "
          f"the whole kit: {megabytes(out):,.0f} MB, in {out}")
    print(f"On a learner's laptop ({platform_name}, Python {python}, no network): bash {out}/install.sh")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m edgebook.workshop", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_command = commands.add_parser("build", help="write the offline workshop kit")
    build_command.add_argument("--out", type=Path, default=None,
                               help="the kit's folder (default: build/workshop-kit)")
    args = parser.parse_args(argv)
    try:
        build((args.out or paths.root() / "build" / "workshop-kit").resolve())
    except WorkshopError as error:
        print(f"workshop: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
