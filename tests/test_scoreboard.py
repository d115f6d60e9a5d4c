"""edgebook.scoreboard: the entries, find vs rebuild, the rebuilt models are the lessons', the table,
lookups, the Pareto front and chart."""
import ast
import dataclasses
import inspect
import json
import re

import numpy as np
import pytest

from edgebook import paths


@pytest.fixture
def models_folder(tmp_path, monkeypatch, ctx):
    """An empty build/models/ of the test's own, so the course's build/ is never touched."""
    from edgebook import headline_models

    monkeypatch.setattr(headline_models, "models_dir", lambda: tmp_path)
    return tmp_path


@pytest.fixture
def line_entry(tiny_dense):
    """A cheap entry: y = 2x + 1 as a float32 .tflite, built by a counting function."""
    from edgebook import measure, scoreboard

    _, model_bytes = tiny_dense
    builds = []

    def build():
        builds.append(1)
        return model_bytes

    x = np.linspace(-1, 1, 20, dtype=np.float32)[:, None]
    entry = scoreboard.Entry(99, "99_line", "y = 2x + 1", "99_line.tflite", build, lambda: (x, 2 * x + 1),
                             metric="MAE", evaluate=measure.mean_abs_error)
    return entry, builds


@pytest.fixture
def int8_entry(int8_model):
    """A small int8 classifier (int8 in and out) with labels from its own Keras model."""
    from edgebook import scoreboard

    keras_model, model_bytes = int8_model
    x = np.random.default_rng(0).uniform(-1, 1, (40, 4)).astype(np.float32)
    y = keras_model.predict(x, verbose=0).argmax(axis=1)
    entry = scoreboard.Entry(98, "98_tiny_int8", "Dense 4 -> 3, int8", "98_tiny_int8.tflite", None,
                             lambda: (x, y), micro=True)
    return entry, model_bytes


def test_entries_cover_lessons_02_to_15_with_unique_names_and_files(ctx):
    from edgebook import scoreboard

    entries = scoreboard.ENTRIES
    assert {e.lesson for e in entries} == set(range(2, 16))
    assert len(entries) <= 16
    assert len({e.name for e in entries}) == len(entries)
    assert len({e.file for e in entries}) == len(entries)
    assert all(e.name.startswith(f"{e.lesson:02d}_") for e in entries)
    assert all(e.build is not None and e.what for e in entries)
    assert all(scoreboard.entry(e.name) is e for e in entries)


def test_entries_use_the_file_names_the_lessons_save():
    from edgebook import scoreboard

    files = {e.file for e in scoreboard.ENTRIES}
    for lesson in (3, 11, 12, 13, 14, 15):
        notebook = next((paths.root() / "solutions").glob(f"{lesson:02d}_*.ipynb"))
        code = "".join("".join(cell["source"]) for cell in json.loads(notebook.read_text())["cells"])
        saved = {f"{name}.tflite" for name in re.findall(r'convert\.save\(\w+, "(\w+)"\)', code)}
        assert saved & files, (notebook.name, saved)
    assert "digits_cnn.keras" in files  # lesson 02 saves it with model.save


class _Built(Exception):
    """Raised by a spied builder: the rebuild got as far as building its model, and this is the model."""


def _model_the_rebuild_builds(monkeypatch, entry_name: str, builder: str):
    """The Keras model a scoreboard entry's rebuild makes with ``models.<builder>`` (before training it)."""
    from edgebook import models, scoreboard

    build = getattr(models, builder)

    def spy(*args, **kwargs):
        raise _Built(build(*args, **kwargs))

    monkeypatch.setattr(models, builder, spy)
    with pytest.raises(_Built) as built:
        scoreboard.entry(entry_name).build()
    return built.value.args[0]


def _lesson_definition(lesson: int, name: str, **names):
    """What the first top-level statement defining ``name`` in the lesson's solution defines, run
    with ``names`` (the lesson's own variables it needs): the model as the learner reads it."""
    notebook = next((paths.root() / "solutions").glob(f"{lesson:02d}_*.ipynb"))
    for cell in json.loads(notebook.read_text())["cells"]:
        if cell["cell_type"] != "code":
            continue
        for node in ast.parse("".join(cell["source"])).body:
            defines = (isinstance(node, ast.FunctionDef) and node.name == name
                       or isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets))
            if defines:
                exec(compile(ast.Module([node], type_ignores=[]), notebook.name, "exec"), names)
                return names[name]
    raise AssertionError(f"{notebook.name} defines no {name}")


@pytest.mark.parametrize("lesson, entry_name, builder", [
    (2, "02_digits_keras", "build_digits_cnn"),
    (12, "12_sine", "build_sine_model"),
    (13, "13_keywords", "build_keyword_spotter"),
    (14, "14_wand", "build_wand_model"),
])
def test_a_rebuild_trains_the_model_its_lesson_writes(ctx, monkeypatch, tmp_path, lesson, entry_name, builder):
    import tensorflow as tf
    from edgebook import audio, gestures, models

    monkeypatch.setattr(paths, "build_dir", lambda *parts: tmp_path)  # no cached digits CNN: it is built
    rebuilt = _model_the_rebuild_builds(monkeypatch, entry_name, builder)
    if lesson == 2:
        lesson_model = _lesson_definition(2, "model", tf=tf)
    elif lesson == 12:
        lesson_model = _lesson_definition(12, "build_sine_model", tf=tf)(16)
    elif lesson == 13:
        train_x = np.zeros((1, audio.frame_count(audio.CLIP_SAMPLES), audio.MEL_BINS, 1), np.float32)
        lesson_model = _lesson_definition(13, "float_model", tf=tf, layers=tf.keras.layers, audio=audio,
                                          train_x=train_x)
        # the .tflite file's tensors are named after the layers: same names, same bytes
        assert [layer.name for layer in rebuilt.layers] == [layer.name for layer in lesson_model.layers]
    else:
        lesson_model = _lesson_definition(14, "build_wand_model", tf=tf, gestures=gestures,
                                          WINDOW=gestures.WINDOW_SAMPLES)()
    assert models.same_layers(rebuilt, lesson_model), (models.layers_of(rebuilt), models.layers_of(lesson_model))
    assert rebuilt.count_params() == lesson_model.count_params() > 0
    if lesson != 12:  # lesson 12 leaves its model Keras's numbered "sequential" name (its section 4 reads it)
        assert rebuilt.name == lesson_model.name


def test_find_or_build_rebuilds_once_then_finds(models_folder, line_entry):
    from edgebook import scoreboard

    entry, builds = line_entry
    model_bytes, source = scoreboard.find_or_build(entry)
    assert source == "rebuilt" and len(builds) == 1
    assert (models_folder / entry.file).read_bytes() == model_bytes
    assert scoreboard.find_or_build(entry) == (model_bytes, "found") and len(builds) == 1
    assert scoreboard.find_or_build(entry, rebuild=True)[1] == "rebuilt" and len(builds) == 2
    (models_folder / entry.file).write_bytes(b"half a file")  # not a model: rebuilt, not trusted
    assert scoreboard.find_or_build(entry) == (model_bytes, "rebuilt")


def test_find_or_build_explains_a_missing_file_it_cannot_rebuild(models_folder, int8_entry):
    from edgebook import scoreboard
    from edgebook.errors import EdgebookError

    with pytest.raises(EdgebookError, match="cannot rebuild"):
        scoreboard.find_or_build(int8_entry[0])


def test_score_table_columns_and_lookup(models_folder, line_entry, int8_entry):
    from edgebook import scoreboard

    board = scoreboard.score([line_entry[0]], extra=[int8_entry], runs=5)
    assert [row.name for row in board] == ["98_tiny_int8", "99_line"]  # sorted by lesson
    line, tiny = board["99_line"], board["98_tiny_int8"]
    assert board[0] is tiny and len(board) == 2 and board.rows == (tiny, line)
    assert (line.source, line.format, line.metric) == ("rebuilt", "float32", "MAE")
    assert line.value < 1e-5 and line.arena_bytes is None and line.mcu_ms is None
    assert (tiny.source, tiny.format, tiny.metric) == ("given", "int8", "accuracy")
    assert tiny.value >= 0.9 and tiny.arena_bytes > 0 and tiny.mcu_ms > 0 and tiny.cpu_ms > 0
    assert tiny.bytes == len(int8_entry[1]) and 0 < tiny.gzip_bytes
    table = str(board)
    header = table.splitlines()[0]
    for column in ("model", "format", "bytes", "gzip", "metric", "value", "CPU ms", "arena B", "MCU ms", "source"):
        assert column in header
    assert "99 99_line" in table and "98 98_tiny_int8" in table and "ESTIMATE" in table
    assert repr(board) == table
    with pytest.raises(KeyError, match="99_line"):  # the message lists the names there are
        board["no_such_model"]


def test_unknown_names_and_bad_input_are_explained(ctx, line_entry):
    from edgebook import scoreboard

    with pytest.raises(KeyError, match="13_keywords"):
        scoreboard.entry("13_keyword")
    with pytest.raises(KeyError, match="arduino_nano_33_ble_sense"):
        scoreboard.score([line_entry[0]], board="arduino_uno")
    with pytest.raises(ValueError, match="99_line"):
        scoreboard.score([line_entry[0], line_entry[0]])
    with pytest.raises(ValueError, match=".tflite"):
        scoreboard.Entry(99, "99_bad", "a model in the wrong format", "model.onnx", None, lambda: (None, None))


def test_pareto_front_keeps_the_points_nothing_beats():
    from edgebook.scoreboard import pareto_front

    points = [(10, 0.90), (20, 0.95), (15, 0.85), (30, 0.95), (5, 0.80), (20, 0.95), (40, 0.99)]
    # (15, 0.85) loses to (10, 0.90); (30, 0.95) to (20, 0.95); the two equal points both stay.
    assert pareto_front(points) == [4, 0, 1, 5, 6]
    assert pareto_front([(1, 0.5)]) == [0]
    assert pareto_front([]) == []


def test_pareto_front_chart_labels_every_accuracy_row(ctx, monkeypatch):
    import matplotlib.pyplot as plt

    from edgebook import scoreboard

    def row(lesson, name, size, value, metric="accuracy"):
        return scoreboard.Row(lesson, name, "int8", size, size // 2, metric, value, 0.1, None, None, "found")

    board = scoreboard.Scoreboard([row(2, "02_a", 100_000, 0.97), row(3, "03_b", 20_000, 0.96),
                                   row(4, "04_c", 50_000, 0.95), row(12, "12_sine", 2_000, 0.03, "MAE")])
    shown = []
    monkeypatch.setattr(plt, "show", lambda: (shown.append(plt.gcf()), plt.close("all")))
    front = scoreboard.plot_pareto_front(board)
    assert [r.name for r in front] == ["03_b", "02_a"]
    labels = sorted(text.get_text() for text in shown[0].axes[0].texts)
    assert labels == ["02", "03", "04"]  # the MAE row is not on an accuracy chart
    with pytest.raises(ValueError, match="gzip_bytes"):
        scoreboard.plot_pareto_front(board, size="params")


def test_the_rows_judged_on_real_inputs_are_the_digits_and_the_reference():
    from edgebook import scoreboard

    real = {e.name for e in scoreboard.ENTRIES + scoreboard.REFERENCES if e.real_inputs}
    # scikit-learn's digits are real handwriting; lessons 12-15 are judged on data the course generates
    assert real == {e.name for e in scoreboard.ENTRIES if e.lesson <= 11} | {"16_okay_nabu"}
    row = scoreboard.Row(13, "13_x", "int8", 1, 1, "accuracy", 0.5, 0.1, None, None, "found")
    assert row.judged_on == "generated" and dataclasses.replace(row, real_inputs=True).judged_on == "real"


def test_a_reference_model_is_read_from_datasets_and_never_built(models_folder):
    from edgebook import realdata, scoreboard

    (reference,) = scoreboard.REFERENCES
    assert scoreboard.entry("16_okay_nabu") is reference and reference.build is None
    assert scoreboard.find_or_build(reference) == (realdata.model("okay_nabu.tflite"), "datasets")
    assert not any(models_folder.iterdir())  # nothing written to build/models/
    assert reference in inspect.signature(scoreboard.score).parameters["entries"].default  # measured by default


def test_the_reference_row_counts_false_wakes_on_real_clips_and_the_table_says_so(models_folder, line_entry):
    from edgebook import scoreboard

    board = scoreboard.score([line_entry[0], scoreboard.entry("16_okay_nabu")], runs=5)
    wake = board["16_okay_nabu"]
    assert (wake.metric, wake.value, wake.format, wake.source) == ("false wakes", 0, "int8", "datasets")
    assert wake.real_inputs and wake.arena_bytes > 20_000 and wake.mcu_ms > 0
    assert not board["99_line"].real_inputs
    table = str(board)
    assert "judged on" in table.splitlines()[0]
    assert " real " in table.splitlines()[2] and " generated " in table.splitlines()[3]  # 16 comes before 99
    assert "16 16_okay_nabu" in table and "false wakes          0 " in table
