"""The pins live in pyproject.toml; environment.yml must describe the same environment."""
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    return dict(r.split("==") for r in requirements)


def environment_yml_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        match = re.match(r"^\s+- ([A-Za-z0-9_.-]+)==(\S+)", line)
        if match:
            pins[match.group(1)] = match.group(2)
    return pins


def test_every_dependency_is_pinned_exactly():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        assert re.fullmatch(r"[A-Za-z0-9_.-]+==[A-Za-z0-9_.]+", requirement), requirement


def test_environment_yml_agrees_with_pyproject():
    assert environment_yml_pins() == pyproject_pins()


def test_environment_yml_installs_python_311_and_the_package():
    text = (ROOT / "environment.yml").read_text()
    assert "python=3.11" in text
    assert re.search(r"^\s+- -e \.\s", text, flags=re.M)


def test_every_pin_in_environment_yml_says_which_lessons_use_it():
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if re.match(r"^\s+- [A-Za-z0-9_.-]+==", line):
            assert "#" in line and line.split("#", 1)[1].strip(), f"no comment on: {line.strip()}"


def test_the_required_pins_are_the_ones_the_course_is_built_on():
    pins = pyproject_pins()
    assert pins["tensorflow"] == "2.21.0" and pins["tf-keras"] == "2.21.0"
    assert pins["tensorflow-model-optimization"] == "0.8.1"
    assert pins["ai-edge-litert"] == "2.3.0"
    assert pins["nbval"] == "0.11.0"
    assert pins["jupyterlab"].startswith("4.6.") and pins["ipywidgets"].startswith("8.1.")
    assert pins["tflite-micro"].startswith("0.dev2026")  # a dated nightly


def test_gitignore_ignores_build_and_venv_but_not_lib():
    lines = (ROOT / ".gitignore").read_text().splitlines()
    assert "build/" in lines and ".venv/" in lines
    assert not any(line.strip() in {"lib/", "lib", "/lib"} for line in lines)


# The one exception: lesson 10 compares ai_edge_litert with TensorFlow's own interpreter on a
# model with Select TF ops (the TensorFlow wheel used to be the runtime that linked the Flex
# delegate). That comparison lives in a single function, compat.run_with_tensorflow_flex.
TF_LITE_INTERPRETER_ALLOWED = {ROOT / "lib" / "edgebook" / "compat.py"}


def test_nothing_uses_the_deprecated_tf_lite_interpreter():
    needle = "tf.lite." + "Interpreter("
    for folder in ("lib", "solutions", "notebooks", "tests"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".ipynb"} and path not in TF_LITE_INTERPRETER_ALLOWED:
                assert needle not in path.read_text(), f"{path} uses {needle}"


def test_the_allowed_tf_lite_interpreter_is_used_in_one_function_only():
    text = (ROOT / "lib" / "edgebook" / "compat.py").read_text()
    assert text.count("tf.lite." + "Interpreter(") == 1
    assert "def run_with_tensorflow_flex(" in text


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, flags=re.M)


def test_binder_registers_the_kernel_the_notebooks_use():
    """repo2docker installs environment.yml, then runs postBuild: the kernel must match the notebooks'."""
    course = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["edgebook"]
    post_build = ROOT / "postBuild"
    assert post_build.stat().st_mode & 0o111, "postBuild must be executable for repo2docker to run it"
    text = post_build.read_text()
    assert f'--name {course["kernel"]} --display-name "{course["kernel_display_name"]}"' in text
    import nbformat
    for folder in ("solutions", "notebooks"):
        for path in sorted((ROOT / folder).glob("[0-9][0-9]_*.ipynb")):
            assert nbformat.read(path, as_version=4).metadata.kernelspec.name == course["kernel"], path


def test_readme_binder_badge_opens_the_first_lesson():
    course = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["edgebook"]
    readme = (ROOT / "README.md").read_text()
    badge = (f"https://mybinder.org/v2/gh/{course['repository']}/{course['branch']}"
             "?urlpath=lab/tree/notebooks/00_welcome_and_setup_check.ipynb")
    assert badge in readme
