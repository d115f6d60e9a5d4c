"""Single source for solutions and workbooks (the nbdev idea, for a course).

``solutions/NN_slug.ipynb`` is the only file a person edits. ::

    python -m edgebook.workbook build    # write notebooks/, the generated cells, the README course map
    python -m edgebook.workbook check    # fail if any of those is stale (runs in the test suite)
    python -m edgebook.workbook times    # record the run times the last test run measured

What ``build`` does:

- In every solution and workbook it (re)generates three cells: the "Open in
  Colab" badge under the title, the Colab-only install cell before the setup
  cell, and the footer (previous · course map · next). The repository they
  point at is configured once, in ``[tool.edgebook]`` of ``pyproject.toml``.
- It writes ``notebooks/NN_slug.ipynb`` with the solutions taken out:

  * a block between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` becomes
    ``name = ...  # your code here`` for each name the block assigns (or
    defines), or a bare ``...`` when it assigns nothing or returns (a
    function body the learner writes whole);
  * a line ending in ``# SOLUTION`` becomes ``name = ...  # your code here``
    (or ``...``).

- Under the title it writes the lesson's run time, as the test suite measured
  it (``times`` records ``build/notebook-times.json`` into ``solutions/run_times.json``).
- It clears outputs and execution counts everywhere, so diffs show content only.
- It regenerates the course map in ``README.md`` from the lessons' title cells, and the
  table of measured run times in ``INSTRUCTORS.md``.

Introduced in 00_welcome_and_setup_check (how exercises work).
"""
from __future__ import annotations

import ast
import copy
import dataclasses
import json
import sys
import textwrap
import tomllib
from pathlib import Path

import nbformat

from edgebook import paths

SOLUTION_LINE = "# SOLUTION"
BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
PLACEHOLDER = "...  # your code here"
GENERATED = "edgebook_generated"  # cell metadata key marking a generated cell
MAP_START, MAP_END = "<!-- course-map:start -->", "<!-- course-map:end -->"
TIMES_START, TIMES_END = "<!-- lesson-times:start -->", "<!-- lesson-times:end -->"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
RUN_TIMES = "solutions/run_times.json"  # written by `python -m edgebook.workbook times`


class WorkbookError(Exception):
    """A solution notebook breaks the authoring rules."""


# --- configuration and lessons -------------------------------------------------

def config() -> dict:
    """The ``[tool.edgebook]`` table of pyproject.toml: repository, branch, kernel."""
    with open(paths.root() / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["tool"]["edgebook"]


def colab_url(relative_path: str) -> str:
    cfg = config()
    return f"https://colab.research.google.com/github/{cfg['repository']}/blob/{cfg['branch']}/{relative_path}"


@dataclasses.dataclass(frozen=True)
class Lesson:
    number: str
    slug: str
    title: str
    summary: str

    @property
    def filename(self) -> str:
        return f"{self.number}_{self.slug}.ipynb"


def _title_and_summary(nb, path: Path) -> tuple[str, str]:
    first = nb.cells[0] if nb.cells else None
    if first is None or first.cell_type != "markdown" or not first.source.startswith("# "):
        raise WorkbookError(f"{path.name}: the first cell must be markdown starting with '# NN · Title'.")
    lines = first.source.splitlines()
    title = lines[0][2:].strip()
    paragraphs = [p.strip() for p in "\n".join(lines[1:]).split("\n\n") if p.strip()]
    summary = next((p for p in paragraphs if not p.startswith(("[", "!", "*", "-", "<"))), "")
    return title, " ".join(summary.split())


def lessons() -> list[Lesson]:
    found = []
    for path in sorted((paths.root() / "solutions").glob("[0-9][0-9]_*.ipynb")):
        number, slug = path.stem.split("_", 1)
        title, summary = _title_and_summary(nbformat.read(path, as_version=4), path)
        found.append(Lesson(number, slug, title, summary))
    return found


# --- taking the solutions out --------------------------------------------------

def _assigned_names(code: str) -> list[str]:
    """Names bound at the top level of a code fragment, in order (assignments and defs)."""
    try:
        tree = ast.parse(textwrap.dedent(code))
    except SyntaxError as error:
        raise WorkbookError(f"A solution block is not valid Python on its own: {error}") from None
    names: list[str] = []

    def add_target(target):
        if isinstance(target, ast.Name):
            names.append(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                add_target(element)

    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                add_target(target)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            add_target(node.target)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
    return list(dict.fromkeys(names))


def _returns(code: str) -> bool:
    """Whether a fragment returns at its top level: it is a whole function body to write."""
    return any(isinstance(node, ast.Return) for node in ast.parse(textwrap.dedent(code)).body)


def _placeholder(code: str, indent: str) -> list[str]:
    names = _assigned_names(code)
    if not names or _returns(code):
        return [f"{indent}..."]
    return [f"{indent}{name} = {PLACEHOLDER}" for name in names]


def strip_solutions(source: str) -> str:
    """The workbook version of one code cell's source."""
    out: list[str] = []
    block: list[str] | None = None
    block_indent = ""
    for line in source.splitlines():
        stripped = line.strip()
        if stripped == BEGIN:
            if block is not None:
                raise WorkbookError(f"Nested '{BEGIN}' in:\n{source}")
            block, block_indent = [], line[: len(line) - len(line.lstrip())]
        elif stripped == END:
            if block is None:
                raise WorkbookError(f"'{END}' without '{BEGIN}' in:\n{source}")
            out.extend(_placeholder("\n".join(block), block_indent))
            block = None
        elif block is not None:
            block.append(line)
        elif line.rstrip().endswith(SOLUTION_LINE):
            code = line.rstrip()[: -len(SOLUTION_LINE)].rstrip()
            indent = code[: len(code) - len(code.lstrip())]
            out.extend(_placeholder(code.strip(), indent))
        else:
            out.append(line)
    if block is not None:
        raise WorkbookError(f"'{BEGIN}' without '{END}' in:\n{source}")
    return "\n".join(out)


def has_solution(source: str) -> bool:
    return BEGIN in source or any(l.rstrip().endswith(SOLUTION_LINE) for l in source.splitlines())


# --- generated cells -----------------------------------------------------------

def _generated(cell, kind: str):
    cell.metadata[GENERATED] = kind
    return cell


def run_times() -> dict[str, int]:
    """Measured wall time of each solution notebook, in seconds (``solutions/run_times.json``)."""
    path = paths.root() / RUN_TIMES
    return json.loads(path.read_text()) if path.is_file() else {}


def record_run_times(measured: Path) -> dict[str, int]:
    """Store the solution times the test suite measured (build/notebook-times.json), rounded up to 10 s."""
    times = json.loads(Path(measured).read_text())
    recorded = run_times()
    for name, seconds in times.items():
        folder, filename = name.split("/", 1)
        if folder == "solutions":
            recorded[filename] = int(-(-seconds // 10) * 10)
    (paths.root() / RUN_TIMES).write_text(json.dumps(dict(sorted(recorded.items())), indent=2) + "\n")
    return recorded


def _run_time_text(filename: str) -> str:
    seconds = run_times().get(filename)
    if seconds is None:
        return "not measured yet"
    return f"about {seconds} s on a 2-core CPU (measured by the test suite)"


def badge_cell(relative_path: str, filename: str):
    return _generated(nbformat.v4.new_markdown_cell(
        f"[![Open In Colab]({COLAB_BADGE})]({colab_url(relative_path)}) "
        f"&nbsp; **Run time:** {_run_time_text(filename)}"), "badge")


COLAB_FOLDER = "/content/edge-ml-workbook"


def colab_cell():
    """The Colab-only cell: clone the course, then ``edgebook/colab_install.py`` installs it.

    Short and collapsed: the installing lives in ``colab_install.py``. ``EDGEBOOK_REPOSITORY``
    and ``EDGEBOOK_COLAB_DIR`` override the clone URL and the folder (tests/test_colab.py runs it in a venv).
    """
    from edgebook.colab_install import COLAB_PINNED
    from edgebook.context import pinned_versions  # pyproject.toml: the one list of pins

    unpinned = [name for name in COLAB_PINNED if not pinned_versions().get(name)]
    if unpinned:
        raise WorkbookError(f"pyproject.toml must pin {', '.join(unpinned)} exactly (name==version): "
                            "the Colab cell installs those versions.")
    cfg = config()
    source = f'''\
# Colab only: fetch the course and install it into Colab's own Python (does nothing anywhere else).
import os, runpy, subprocess, sys
if "google.colab" in sys.modules:
    course = os.environ.get("EDGEBOOK_COLAB_DIR", "{COLAB_FOLDER}")
    if not os.path.isdir(course):
        repository = os.environ.get("EDGEBOOK_REPOSITORY", "https://github.com/{cfg['repository']}")
        subprocess.run(["git", "clone", "-q", "--depth", "1", "-b", "{cfg['branch']}", repository, course], check=True)
    runpy.run_path(os.path.join(course, "lib", "edgebook", "colab_install.py"), run_name="__main__")'''
    # Collapsed in JupyterLab (click the dots to read it): a learner's first view is the lesson.
    cell = nbformat.v4.new_code_cell(source, metadata={"jupyter": {"source_hidden": True}})
    return _generated(cell, "colab")


def footer_cell(previous: Lesson | None, this: Lesson, following: Lesson | None):
    parts = []
    if previous:
        parts.append(f"[← {previous.title}]({previous.filename})")
    parts.append("[Course map](../README.md#course-map)")
    if following:
        parts.append(f"[{following.title} →]({following.filename})")
    return _generated(nbformat.v4.new_markdown_cell("---\n" + " · ".join(parts)), "footer")


def _is_setup_cell(cell) -> bool:
    return cell.cell_type == "code" and "edgebook.setup(" in cell.source


def with_generated_cells(nb, folder: str, previous, this, following):
    """The notebook with its generated cells removed and added afresh, outputs cleared."""
    nb = copy.deepcopy(nb)
    cells = [c for c in nb.cells if GENERATED not in c.metadata]
    setup_at = next((i for i, c in enumerate(cells) if _is_setup_cell(c)), None)
    if setup_at is None:
        raise WorkbookError(f"{this.filename}: no setup cell (a code cell calling edgebook.setup()).")
    cells.insert(setup_at, colab_cell())
    cells.insert(1, badge_cell(f"{folder}/{this.filename}", this.filename))
    cells.append(footer_cell(previous, this, following))
    for index, cell in enumerate(cells):
        cell.id = f"{this.number}-{index:03d}"  # stable ids: no churn in diffs
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.cells = cells
    cfg = config()
    nb.metadata["kernelspec"] = {"name": cfg["kernel"], "display_name": cfg["kernel_display_name"],
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python", "version": "3.11"}
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def to_workbook(solution_nb):
    nb = copy.deepcopy(solution_nb)
    for cell in nb.cells:
        if cell.cell_type == "code" and has_solution(cell.source):
            cell.source = strip_solutions(cell.source)
    return nb


# --- the course map ------------------------------------------------------------

def course_map(all_lessons: list[Lesson] | None = None) -> str:
    """A Markdown table of the lessons: number, title (linked), what you do, Colab link."""
    all_lessons = lessons() if all_lessons is None else all_lessons
    times = run_times()
    rows = ["| # | Lesson | What you will be able to do | Run time | Colab |", "|---|---|---|---|---|"]
    for lesson in all_lessons:
        name = lesson.title.split("·", 1)[-1].strip()
        seconds = f"{times[lesson.filename]} s" if lesson.filename in times else "–"
        rows.append(f"| {lesson.number} | [{name}](notebooks/{lesson.filename}) | {lesson.summary} "
                    f"| {seconds} | [open](<{colab_url('notebooks/' + lesson.filename)}>) |")
    return "\n".join(rows)


def readme_with_map(readme: str, table: str) -> str:
    return with_section(readme, table, MAP_START, MAP_END, "README.md", "the course map")


def with_section(text: str, table: str, start: str, end: str, filename: str, what: str) -> str:
    """``text`` with the part between the markers ``start`` and ``end`` replaced by ``table``."""
    if start not in text or end not in text:
        raise WorkbookError(f"{filename} needs the markers {start} and {end} around {what}.")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{table}\n{end}{tail}"


def lesson_times(all_lessons: list[Lesson] | None = None) -> str:
    """INSTRUCTORS.md's table: every lesson's measured run time, and the total of a headless dry run."""
    all_lessons = lessons() if all_lessons is None else all_lessons
    times = run_times()
    rows = ["| # | Lesson | Run time (solution, 2-core CPU) |", "|---|---|---|"]
    for lesson in all_lessons:
        seconds = f"{times[lesson.filename]} s" if lesson.filename in times else "not measured yet"
        rows.append(f"| {lesson.number} | {lesson.title.split('·', 1)[-1].strip()} | {seconds} |")
    measured = [times[lesson.filename] for lesson in all_lessons if lesson.filename in times]
    rows.append(f"| | **all {len(measured)} measured lessons, one after another** | "
                f"**about {-(-sum(measured) // 60)} min** |")
    return "\n".join(rows)


# --- build and check -----------------------------------------------------------

def expected_files() -> dict[Path, str]:
    """Every generated file's path and the text it should have."""
    root = paths.root()
    all_lessons = lessons()
    files: dict[Path, str] = {}
    for i, lesson in enumerate(all_lessons):
        previous = all_lessons[i - 1] if i > 0 else None
        following = all_lessons[i + 1] if i + 1 < len(all_lessons) else None
        source = nbformat.read(root / "solutions" / lesson.filename, as_version=4)
        solution = with_generated_cells(source, "solutions", previous, lesson, following)
        workbook = with_generated_cells(to_workbook(source), "notebooks", previous, lesson, following)
        files[root / "solutions" / lesson.filename] = nbformat.writes(solution) + "\n"
        files[root / "notebooks" / lesson.filename] = nbformat.writes(workbook) + "\n"
    readme = root / "README.md"
    files[readme] = readme_with_map(readme.read_text(), course_map(all_lessons))
    guide = root / "INSTRUCTORS.md"
    files[guide] = with_section(guide.read_text(), lesson_times(all_lessons), TIMES_START, TIMES_END,
                                "INSTRUCTORS.md", "the table of lesson run times")
    return files


def stale_files() -> list[str]:
    """Generated files that differ from what ``build`` would write, and stray workbooks."""
    root = paths.root()
    expected = expected_files()
    stale = [str(p.relative_to(root)) for p, text in expected.items()
             if not p.is_file() or p.read_text() != text]
    stale += [str(p.relative_to(root)) for p in sorted((root / "notebooks").glob("*.ipynb"))
              if p not in expected]
    return stale


def build() -> list[str]:
    root = paths.root()
    (root / "notebooks").mkdir(exist_ok=True)
    written = []
    for path, text in expected_files().items():
        if not path.is_file() or path.read_text() != text:
            path.write_text(text)
            written.append(str(path.relative_to(root)))
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        if not (root / "solutions" / path.name).is_file():
            path.unlink()
            written.append(f"{path.relative_to(root)} (removed: no solution)")
    return written


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv else "check"
    try:
        if command == "build":
            written = build()
            print("\n".join(f"wrote {name}" for name in written) or "everything was up to date")
            return 0
        if command == "check":
            stale = stale_files()
            if stale:
                print("These generated files are stale (notebooks/ and solutions/ are not in sync):")
                print("\n".join(f"  {name}" for name in stale))
                print("Run `make workbooks` (python -m edgebook.workbook build) and commit the result.")
                return 1
            print(f"workbooks in sync: {len(lessons())} lessons")
            return 0
        if command == "map":
            print(course_map())
            return 0
        if command == "times":
            measured = Path(argv[1]) if len(argv) > 1 else paths.root() / "build" / "notebook-times.json"
            for name, seconds in record_run_times(measured).items():
                print(f"{seconds:5d} s  {name}")
            print(f"recorded in {RUN_TIMES}; now run `python -m edgebook.workbook build`")
            return 0
    except WorkbookError as error:
        print(f"workbook: {error}")
        return 2
    print("usage: python -m edgebook.workbook [build|check|map|times [build/notebook-times.json]]")
    return 2


if __name__ == "__main__":
    sys.exit(main())
