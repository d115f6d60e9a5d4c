"""edgebook.workbook: solutions -> workbooks, generated cells, the course map, the sync check."""
import nbformat
import pytest

from edgebook import workbook
from edgebook.workbook import WorkbookError, strip_solutions


def test_block_of_assignments_becomes_placeholders():
    source = "x = 1\n# BEGIN SOLUTION\nscale = (hi - lo) / 255\nzero, point = 3, 4\n# END SOLUTION\ncheck(scale)"
    assert strip_solutions(source) == ("x = 1\nscale = ...  # your code here\nzero = ...  # your code here\n"
                                       "point = ...  # your code here\ncheck(scale)")


def test_block_inside_a_function_becomes_ellipsis():
    # A block that returns is a whole function body: a half placeholder (y = ...) without the return would mislead.
    source = "def f(x):\n    # BEGIN SOLUTION\n    y = x * 2\n    return y\n    # END SOLUTION"
    assert strip_solutions(source) == "def f(x):\n    ..."
    source = "def f(x):\n    # BEGIN SOLUTION\n    y = x * 2\n    # END SOLUTION\n    return y"
    assert strip_solutions(source) == "def f(x):\n    y = ...  # your code here\n    return y"
    source = "def f(x):\n    # BEGIN SOLUTION\n    return x * 2\n    # END SOLUTION"
    assert strip_solutions(source) == "def f(x):\n    ..."


def test_defined_function_becomes_placeholder():
    source = "# BEGIN SOLUTION\ndef preprocess(x):\n    return x / 16\n# END SOLUTION"
    assert strip_solutions(source) == "preprocess = ...  # your code here"


def test_solution_line():
    assert strip_solutions("answer = 4 * 2  # SOLUTION") == "answer = ...  # your code here"
    assert strip_solutions("    print(1)  # SOLUTION") == "    ..."


def test_workbook_code_still_compiles():
    source = "def f(x):\n    # BEGIN SOLUTION\n    return x\n    # END SOLUTION\nf(1)"
    compile(strip_solutions(source), "<workbook>", "exec")


@pytest.mark.parametrize("source", ["# BEGIN SOLUTION\nx = 1",
                                    "x = 1\n# END SOLUTION",
                                    "# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION",
                                    "# BEGIN SOLUTION\nx = (\n# END SOLUTION"])
def test_broken_markers_are_reported(source):
    with pytest.raises(WorkbookError):
        strip_solutions(source)


def test_generated_files_are_in_sync():
    assert workbook.stale_files() == [], "run `make workbooks` and commit"


def test_every_solution_has_a_workbook_without_solutions():
    root = workbook.paths.root()
    for lesson in workbook.lessons():
        solution = nbformat.read(root / "solutions" / lesson.filename, as_version=4)
        book = nbformat.read(root / "notebooks" / lesson.filename, as_version=4)
        assert len(solution.cells) == len(book.cells)
        for cell in book.cells:
            assert "# BEGIN SOLUTION" not in cell.source and not cell.source.rstrip().endswith("# SOLUTION")
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None


def test_generated_cells_badge_colab_footer_and_kernel():
    root = workbook.paths.root()
    cfg = workbook.config()
    all_lessons = workbook.lessons()
    for i, lesson in enumerate(all_lessons):
        for folder in ("solutions", "notebooks"):
            nb = nbformat.read(root / folder / lesson.filename, as_version=4)
            kinds = [c.metadata.get(workbook.GENERATED) for c in nb.cells]
            assert kinds[1] == "badge" and kinds[-1] == "footer" and kinds.count("colab") == 1
            colab_at = kinds.index("colab")
            assert "edgebook.setup(" in nb.cells[colab_at + 1].source
            assert f"github/{cfg['repository']}/blob/{cfg['branch']}/{folder}/{lesson.filename}" in nb.cells[1].source
            assert cfg["repository"] in nb.cells[colab_at].source
            assert nb.metadata.kernelspec.name == cfg["kernel"]
            footer = nb.cells[-1].source
            if i > 0:
                assert all_lessons[i - 1].filename in footer
            if i + 1 < len(all_lessons):
                assert all_lessons[i + 1].filename in footer


def test_titles_follow_the_authoring_guide():
    for lesson in workbook.lessons():
        assert lesson.title.startswith(f"{lesson.number} · "), lesson.title
        assert lesson.summary, f"{lesson.filename}: no one-line summary under the title"


def test_course_map_lists_every_lesson():
    table = workbook.course_map()
    for lesson in workbook.lessons():
        assert f"notebooks/{lesson.filename}" in table


def test_readme_needs_its_markers():
    with pytest.raises(WorkbookError, match="markers"):
        workbook.readme_with_map("# no map here", "| table |")


def test_run_times_are_generated_not_typed(tmp_path, monkeypatch):
    root = workbook.paths.root()
    for lesson in workbook.lessons():
        nb = nbformat.read(root / "solutions" / lesson.filename, as_version=4)
        assert "Run time:" not in nb.cells[0].source, "the generator writes the run time; don't type it"
        assert "**Run time:**" in nb.cells[1].source
    measured = tmp_path / "notebook-times.json"
    measured.write_text('{"solutions/07_x.ipynb": 41.2, "notebooks/07_x.ipynb": 12.0}')
    monkeypatch.setattr(workbook, "RUN_TIMES", "run_times.json")
    monkeypatch.setattr(workbook.paths, "root", lambda: tmp_path)
    assert workbook.record_run_times(measured) == {"07_x.ipynb": 50}  # rounded up, solutions only
    assert "about 50 s" in workbook._run_time_text("07_x.ipynb")
    assert workbook._run_time_text("08_y.ipynb") == "not measured yet"


def test_instructors_guide_has_every_lesson_time_and_the_total():
    table = workbook.lesson_times()
    times = workbook.run_times()
    for lesson in workbook.lessons():
        row = next(line for line in table.splitlines() if line.startswith(f"| {lesson.number} |"))
        assert f"{times[lesson.filename]} s" in row if lesson.filename in times else "not measured" in row
    assert f"about {-(-sum(times.values()) // 60)} min" in table
    guide = (workbook.paths.root() / "INSTRUCTORS.md").read_text()
    assert table in guide, "INSTRUCTORS.md is stale: run `make workbooks`"
    with pytest.raises(WorkbookError, match="INSTRUCTORS.md needs the markers"):
        workbook.with_section("no markers", table, workbook.TIMES_START, workbook.TIMES_END,
                              "INSTRUCTORS.md", "the table")
