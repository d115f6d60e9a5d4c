"""The offline workshop kit: built once, installed with the network off, lesson 00 run from the install.

The module's fixture builds the kit (``python -m edgebook.workshop build``; pip downloads
every pinned package, TensorFlow included) and installs it with ``bash install.sh DEST``
in a network namespace that has no network (``unshare -rn``), as on a laptop in a room
without Wi-Fi. Where the kernel does not allow that, the install still runs with pip
``--no-index`` from the kit only, and the test prints that the network was not cut.
About a minute and a half on a 2-core machine, most of it pip installing TensorFlow.
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tomllib
import warnings
from pathlib import Path

import pytest

from edgebook import workshop

ROOT = Path(__file__).resolve().parents[1]
LESSON_00 = "notebooks/00_welcome_and_setup_check.ipynb"
PYTHON_311 = Path(sys.base_prefix, "bin", "python3.11")  # the interpreter the course's .venv was made from
THIS_PLATFORM = f"{platform.system()} {platform.machine()}"  # as `uname -sm` prints it


def run(command, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(part) for part in command], capture_output=True, text=True, **kwargs)


def tail(result: subprocess.CompletedProcess, lines: int = 40) -> str:
    return "\n".join((result.stdout + result.stderr).splitlines()[-lines:])


def offline_prefix() -> tuple[list[str], str]:
    """A command prefix that runs its command with no network, and how it does so.

    ``unshare -rn`` gives the command a network namespace of its own with only a
    loopback interface; loopback is brought up because Jupyter talks to its kernel over it.
    """
    ip = shutil.which("ip", path="/usr/sbin:/sbin:/usr/bin:/bin")
    unshare = shutil.which("unshare")
    if ip and unshare:
        prefix = [unshare, "-rn", "sh", "-c", f'"{ip}" link set lo up && exec "$@"', "offline"]
        if run([*prefix, "true"]).returncode == 0:
            return prefix, "network off: a network namespace with loopback only (unshare -rn)"
    return [], "network NOT cut (unshare -rn is not allowed here): pip --no-index from the kit only"


def learner_env(home: Path) -> dict[str, str]:
    """A laptop's environment, built from scratch: nothing from this machine's pip setup leaks in.

    Its pip settings point elsewhere on purpose (a user install, other find-links):
    install.sh must ignore them.
    """
    pip_conf = home / ".config" / "pip" / "pip.conf"
    pip_conf.parent.mkdir(parents=True, exist_ok=True)
    pip_conf.write_text("[global]\nfind-links = /nonexistent/wheels\n[install]\nuser = true\n")
    return {"PATH": f"{PYTHON_311.parent}:/usr/local/bin:/usr/bin:/bin", "HOME": str(home),
            "LANG": "C.UTF-8", "PIP_USER": "1", "PIP_FIND_LINKS": "/nonexistent/wheels"}


def course_env(dest: Path, home: Path) -> dict[str, str]:
    """The environment of a learner working in the install: its .venv first on PATH."""
    return {"PATH": f"{dest}/.venv/bin:/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}


def write_kit_scripts(kit: Path) -> None:
    """install.sh and an empty course, for the checks install.sh makes before it copies anything."""
    (kit / workshop.COURSE).mkdir(parents=True)
    (kit / "wheels").mkdir()
    (kit / "install.sh").write_text(workshop.install_script(THIS_PLATFORM))


# ---- the small parts ----------------------------------------------------------------------


def test_the_kit_holds_exactly_the_pins_and_what_the_setup_installs():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    project = config["project"]
    requirements = workshop.pinned_requirements(ROOT / "pyproject.toml")
    assert set(requirements) == {*project["dependencies"], *project["optional-dependencies"]["test"],
                                 *config["build-system"]["requires"], workshop.PIP_REQUIREMENT}
    assert "tensorflow==2.21.0" in requirements and "nbval==0.11.0" in requirements
    # The Makefile's setup upgrades to the same pip the kit carries.
    assert f'"{workshop.PIP_REQUIREMENT}"' in (ROOT / "Makefile").read_text()


def test_the_makefile_has_one_setup_recipe_that_install_sh_runs():
    makefile = (ROOT / "Makefile").read_text()
    assert "\nsetup: $(STAMP)\n" in makefile and "\nworkshop-kit: $(STAMP)\n" in makefile
    assert "\nlab: $(STAMP)\n" in makefile and "\ntest: $(STAMP)\n" in makefile
    assert "make setup" in workshop.install_script("Linux x86_64")


def test_install_sh_uses_the_kit_only_and_ignores_the_laptops_pip_settings():
    script = workshop.install_script("Linux x86_64")
    assert "export PIP_NO_INDEX=1 PIP_CONFIG_FILE=/dev/null" in script
    assert '"$KIT/wheels"' in script and "PIP_FIND_LINKS" in script
    assert "unset" in script  # PIP_* variables of the laptop
    assert "cd %q && make lab" in script


def test_install_sh_refuses_a_folder_that_is_not_an_earlier_install(tmp_path):
    kit, dest, home = tmp_path / "kit", tmp_path / "thesis", tmp_path / "home"
    write_kit_scripts(kit)
    dest.mkdir()
    (dest / "chapter1.tex").write_text("precious")
    result = run(["bash", kit / "install.sh", dest], env=learner_env(home))
    assert result.returncode == 1
    assert "is not an earlier install of the course; nothing was changed" in result.stderr
    assert [path.name for path in dest.iterdir()] == ["chapter1.tex"]


def test_install_sh_says_which_python_it_needs(tmp_path):
    kit, home = tmp_path / "kit", tmp_path / "home"
    write_kit_scripts(kit)
    env = {**learner_env(home), "PYTHON": "/nonexistent/python3.11"}
    result = run(["bash", kit / "install.sh", tmp_path / "course"], env=env)
    assert result.returncode == 1 and "the course needs Python 3.11" in result.stderr
    assert not (tmp_path / "course").exists()


def test_install_sh_refuses_another_platform(tmp_path):
    kit, home = tmp_path / "kit", tmp_path / "home"
    write_kit_scripts(kit)
    (kit / "install.sh").write_text(workshop.install_script("Plan9 mips"))
    result = run(["bash", kit / "install.sh", tmp_path / "course"], env=learner_env(home))
    assert result.returncode == 1 and "this kit's packages are for Plan9 mips" in result.stderr


def test_a_failed_download_names_the_requirement_and_the_registry():
    stderr = ("ERROR: Could not find a version that satisfies the requirement tensorflow==9.9.9 "
              "(from versions: 2.20.0, 2.21.0)\nERROR: No matching distribution found for tensorflow==9.9.9\n")
    message = workshop.explain_pip_failure(stderr)
    assert message.startswith("pip could not download tensorflow==9.9.9.")
    assert "registry to be reachable" in message and "No matching distribution" in message


def test_build_refuses_to_replace_a_folder_that_is_not_a_kit(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("keep me")
    assert workshop.main(["build", "--out", str(tmp_path)]) == 1
    assert "is not a workshop kit" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").read_text() == "keep me"


# ---- the whole path: build, install offline, use -------------------------------------------


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """Build the kit, install it offline into DEST, and remove both afterwards (several GB)."""
    base = tmp_path_factory.mktemp("workshop")
    kit = base / "USB STICK" / "workshop-kit"  # a space, as in many USB sticks' names
    dest, home = base / "laptop" / "edge-ml-workbook", base / "home"
    home.mkdir()
    try:
        # Building uses this machine's normal pip configuration: it needs the registry.
        built = run([sys.executable, "-m", "edgebook.workshop", "build", "--out", kit],
                    cwd=ROOT, env={**os.environ, "EDGEBOOK_ROOT": str(ROOT)})
        assert built.returncode == 0, f"building the kit failed:\n{tail(built)}"
        offline, how = offline_prefix()
        print(f"workshop kit install: {how}")
        if not offline:
            warnings.warn(f"workshop kit install: {how}")
        install = run([*offline, "bash", kit / "install.sh", dest], env=learner_env(home))
        assert install.returncode == 0, f"bash install.sh failed:\n{tail(install)}"
        yield {"kit": kit, "dest": dest, "home": home, "offline": offline, "install": install,
               "build": built}
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_the_kit_has_its_parts_and_says_what_it_is(installed):
    kit = installed["kit"]
    assert (kit / "install.sh").stat().st_mode & 0o111
    assert any(kit.glob("wheels/tensorflow-2.21.0-*.whl")) and any(kit.glob("wheels/setuptools-*.whl"))
    assert not [path.name for path in (kit / "wheels").iterdir() if path.suffix != ".whl"]
    readme = (kit / "README.txt").read_text()
    assert f"{THIS_PLATFORM}, Python 3.11" in readme and "need a kit built on that platform" in readme
    assert "the course at commit " in readme
    assert "MB" in installed["build"].stdout  # the build prints the kit's size


def test_the_install_ran_without_network_and_ends_with_the_next_command(installed):
    dest, offline = installed["dest"], installed["offline"]
    if offline:  # the namespace really has no interface but loopback
        interfaces = run([*offline, sys.executable, "-c", "import socket; print(socket.if_nameindex())"])
        assert interfaces.stdout.strip() == "[(1, 'lo')]", interfaces.stdout
    assert installed["install"].stdout.rstrip().endswith(f"cd {dest} && make lab")


def test_the_installed_packages_are_the_pinned_versions(installed):
    dest = installed["dest"]
    pins = dict(requirement.split("==") for requirement in workshop.pinned_requirements(dest / "pyproject.toml")
                if "==" in requirement)
    script = ("import edgebook, json, sys; from importlib.metadata import version; "
              "print(json.dumps([edgebook.__file__, {name: version(name) for name in sys.argv[1:]}]))")
    result = run([dest / ".venv/bin/python", "-c", script, *pins], cwd=dest,
                 env=course_env(dest, installed["home"]))
    assert result.returncode == 0, tail(result)
    edgebook_file, versions = json.loads(result.stdout)
    assert Path(edgebook_file).is_relative_to(dest / "lib")  # the install's own copy, editable
    assert versions == pins


def test_the_course_kernel_is_the_installs_own(installed):
    dest = installed["dest"]
    result = run([dest / ".venv/bin/jupyter", "kernelspec", "list", "--json"], cwd=dest,
                 env=course_env(dest, installed["home"]))
    kernel = json.loads(result.stdout)["kernelspecs"]["edge-ml-workbook"]
    assert Path(kernel["resource_dir"]).is_relative_to(dest / ".venv")
    assert kernel["spec"]["argv"][0] == str(dest / ".venv/bin/python")


def test_workbook_check_passes_in_the_install(installed):
    dest = installed["dest"]
    result = run([dest / ".venv/bin/python", "-m", "edgebook.workbook", "check"], cwd=dest,
                 env=course_env(dest, installed["home"]))
    assert result.returncode == 0, tail(result)


def test_lesson_00_runs_offline_in_the_install(installed):
    dest = installed["dest"]
    result = run([*installed["offline"], dest / ".venv/bin/python", "-m", "pytest", "-p", "edgebook.pytest_plugin",
                  "--nbval-lax", LESSON_00, "-q"], cwd=dest, env=course_env(dest, installed["home"]))
    assert result.returncode == 0, tail(result)
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_a_second_run_keeps_the_learners_files(installed):
    dest, home = installed["dest"], installed["home"]
    notebook = dest / LESSON_00
    notebook.write_text(notebook.read_text().replace("weight_bytes = ...", "weight_bytes = 8"))
    again = run([*installed["offline"], "bash", installed["kit"] / "install.sh", dest], env=learner_env(home))
    assert again.returncode == 0, tail(again)
    assert "holds an earlier install: keeping your files" in again.stdout
    assert "weight_bytes = 8" in notebook.read_text()
