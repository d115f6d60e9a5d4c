"""edgebook.data: offline datasets, fixed splits, checksums, clear errors."""
import shutil

import numpy as np
import pytest

from edgebook import data, paths
from edgebook.errors import DataError


@pytest.mark.parametrize("name", ["digits", "activity", "sine"])
def test_every_dataset_loads_with_a_fixed_split(name):
    first, second = data.load(name), data.load(name)
    for split in ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test"):
        assert np.array_equal(getattr(first, split), getattr(second, split)), split
    total = len(first.x_train) + len(first.x_val) + len(first.x_test)
    assert len(first.x_test) == pytest.approx(0.2 * total, abs=2)
    assert len(first.x_val) == pytest.approx(0.15 * total, abs=2)
    assert first.x_train.dtype == np.float32


def test_digits_are_the_real_scikit_learn_digits():
    digits = data.load("digits")
    assert digits.x_train.shape[1:] == (8, 8)
    assert digits.x_train.min() == 0 and digits.x_train.max() == 16
    assert len(digits.x_train) + len(digits.x_val) + len(digits.x_test) == 1797
    assert digits.class_names == tuple("0123456789")


def test_digits_upsampled():
    digits = data.load("digits", upsample=2)
    assert digits.x_train.shape[1:] == (16, 16)
    assert 0 <= digits.x_train.min() and digits.x_train.max() <= 16


def test_split_is_stratified_and_disjoint():
    digits = data.load("digits")
    counts = np.bincount(digits.y_test, minlength=10)
    assert counts.min() >= 34 and counts.max() <= 38  # ~36 of each digit
    train_rows = {row.tobytes() for row in digits.x_train}
    assert sum(row.tobytes() in train_rows for row in digits.x_test) < 5  # a few true duplicates exist


def test_activity_has_four_balanced_classes_and_four_channels():
    activity = data.load("activity")
    assert activity.class_names == ("walking", "running", "cycling", "golf")
    assert activity.x_train.shape[1:] == (100, 4)
    assert np.bincount(activity.y_test).tolist() == [60, 60, 60, 60]


def test_basic_motions_is_the_archives_split_of_real_recordings():
    motions = data.load("basic_motions")
    assert motions.class_names == ("standing", "walking", "running", "badminton")
    assert motions.x_train.shape == (32, 100, 6) and motions.x_val.shape == (8, 100, 6)
    assert motions.x_test.shape == (40, 100, 6) and motions.x_test.dtype == np.float32
    assert np.bincount(motions.y_train).tolist() == [8, 8, 8, 8]
    assert np.bincount(motions.y_val).tolist() == [2, 2, 2, 2]
    assert np.bincount(motions.y_test).tolist() == [10, 10, 10, 10]
    # validation comes out of the published TRAIN recordings; TEST is untouched, in the archive's order
    arrays = data.read_verified_npz(data.spec("basic_motions"))
    train_rows = {row.tobytes() for row in arrays["x_train"]}
    assert all(row.tobytes() in train_rows for row in np.concatenate([motions.x_train, motions.x_val]))
    assert np.array_equal(motions.x_test, arrays["x_test"])
    assert len(data.MOTION_CHANNELS) == 6 and data.MOTION_RATE_HZ == 10
    # a watch at rest: gravity is removed, so a standing wrist reads little acceleration
    standing = np.linalg.norm(motions.x_train[motions.y_train == 0][..., :3], axis=-1).mean()
    running = np.linalg.norm(motions.x_train[motions.y_train == 2][..., :3], axis=-1).mean()
    assert standing < 2 < 10 < running


def test_basic_motions_in_windows_keeps_each_recording_on_one_side():
    whole, windows = data.load("basic_motions"), data.load("basic_motions", window_samples=20)
    assert windows.x_train.shape == (160, 20, 6) and windows.x_test.shape == (200, 20, 6)
    assert np.array_equal(windows.x_val[:5].reshape(100, 6), whole.x_val[0])
    assert np.array_equal(windows.y_test, np.repeat(whole.y_test, 5))
    with pytest.raises(DataError, match="must divide the 100 samples"):
        data.load("basic_motions", window_samples=30)


def test_basic_motions_file_matches_its_checksum_and_its_extractor():
    spec = data.spec("basic_motions")
    assert data.sha256_of(paths.datasets_dir() / spec.file) == spec.sha256
    assert "extract_basic_motions.py" in spec.regenerate


def _extractor():
    import importlib.util

    path = paths.datasets_dir() / "extract_basic_motions.py"
    module_spec = importlib.util.spec_from_file_location("extract_basic_motions", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def _ts_text(labels, length=100, dimensions=6):
    header = ["#a comment", "@problemName BasicMotions", "@timeStamps false", "@univariate false",
              f"@dimensions {dimensions}", "@equalLength true", f"@seriesLength {length}",
              "@classLabel true Standing Running Walking Badminton", "@data"]
    rows = [":".join(",".join(f"{case + d + t / 100:.6f}" for t in range(length)) for d in range(dimensions))
            + f":{label}" for case, label in enumerate(labels)]
    return "\n".join(header + rows) + "\n"


def test_the_extractor_parses_the_ts_format():
    extractor = _extractor()
    x, labels = extractor.read_ts(_ts_text(["Standing", "Badminton"]))
    assert x.shape == (2, 100, 6) and x.dtype == np.float32 and labels == ["Standing", "Badminton"]
    assert x[1, 3, 2] == pytest.approx(1 + 2 + 0.03)  # case 1, time 3, dimension 2
    with pytest.raises(ValueError, match="series of"):
        extractor.read_ts(_ts_text(["Walking"], length=99))
    with pytest.raises(ValueError, match="dimensions"):
        extractor.read_ts(_ts_text(["Walking"], dimensions=3))


def test_the_extractor_refuses_a_wheel_whose_files_differ(tmp_path):
    import zipfile

    wheel = tmp_path / "aeon-0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for part in ("TRAIN", "TEST"):
            archive.writestr(f"aeon/datasets/data/BasicMotions/BasicMotions_{part}.ts", _ts_text(["Running"]))
    with pytest.raises(SystemExit, match="differs from the one this script knows"):
        _extractor().extract(wheel)


def test_sine_is_a_regression_dataset():
    sine = data.load("sine")
    assert sine.class_names is None
    assert sine.x_train.shape[1:] == (1,) and sine.y_train.shape[1:] == (1,)
    assert np.abs(sine.y_train - np.sin(sine.x_train)).mean() < 0.15


def test_committed_file_matches_its_registry_checksum():
    spec = data.spec("activity")
    assert data.sha256_of(paths.datasets_dir() / spec.file) == spec.sha256


def test_write_npz_is_byte_for_byte_reproducible(tmp_path):
    arrays = {"x": np.arange(10, dtype=np.float16), "y": np.ones(3, dtype=np.int8)}
    assert data.write_npz(tmp_path / "a.npz", **arrays) == data.write_npz(tmp_path / "b.npz", **arrays)


@pytest.fixture
def datasets_copy(tmp_path, monkeypatch):
    """A copy of the course folder's datasets, so a test can break it safely."""
    root = tmp_path / "course"
    (root / "solutions").mkdir(parents=True)
    (root / "pyproject.toml").write_text("")
    shutil.copytree(paths.datasets_dir(), root / "datasets")
    monkeypatch.setenv("EDGEBOOK_ROOT", str(root))
    return root / "datasets"


def test_missing_file_names_the_file_and_the_fix(datasets_copy):
    (datasets_copy / "activity.npz").unlink()
    with pytest.raises(DataError) as error:
        data.load("activity")
    message = str(error.value)
    assert "activity.npz" in message and "missing" in message
    assert "python datasets/make_activity.py" in message and "git checkout" in message


def test_corrupt_file_is_caught_before_it_is_read(datasets_copy):
    path = datasets_copy / "activity.npz"
    raw = bytearray(path.read_bytes())
    raw[1000] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(DataError, match="corrupt or out of date"):
        data.load("activity")


def test_verify_all_reports_problems_instead_of_raising(datasets_copy):
    (datasets_copy / "activity.npz").write_bytes(b"not a dataset")
    report = data.verify_all()
    assert report["activity"].startswith("PROBLEM")
    assert report["digits"].startswith("ok")


def test_verify_all_checks_committed_files_without_loading_them(monkeypatch):
    def no_loading(name, **options):
        raise AssertionError(f"verify_all loaded {name}")
    monkeypatch.setattr(data, "read_verified_npz", no_loading)
    report = {name: status for name, status in data.verify_all().items() if name != "digits"}
    assert set(report) >= {"activity", "basic_motions", "keywords", "person_weights", "gestures", "person", "sine"}
    assert all(status.startswith("ok") for status in report.values()), report
    assert "SHA-256 matches" in report["keywords"] and "generated" in report["person"]


def test_weights_file_is_not_a_dataset():
    with pytest.raises(DataError, match="not a dataset"):
        data.load("person_weights")


def test_unknown_dataset_lists_the_known_ones():
    with pytest.raises(DataError, match="activity, basic_motions, digits"):
        data.load("mnist")


def test_bad_option_is_a_clear_error():
    with pytest.raises(DataError, match="upsample must be"):
        data.load("digits", upsample=5)
    with pytest.raises(DataError, match="does not take the options"):
        data.load("sine", colour="red")


def test_nothing_is_unpickled():
    import inspect

    from edgebook import datafiles  # where data's files are read and written

    source = inspect.getsource(datafiles)
    assert "allow_pickle=False" in source and "allow_pickle=True" not in source
    assert "pickle.load" not in inspect.getsource(data) + source


def test_grouped_datasets_keep_each_group_in_one_split():
    from edgebook import data

    x = np.arange(200, dtype=np.float32)[:, None]
    y = np.arange(200) % 4
    groups = np.arange(200) // 10          # 20 "people", 10 samples each
    parts = data.split_by_group(x, y, groups)
    people = [set((part[:, 0] // 10).astype(int)) for part in parts[0::2]]
    assert sum(len(p) for p in people) == 20
    assert not (people[0] & people[1] or people[0] & people[2] or people[1] & people[2])
    assert len(people[2]) == 4 and len(people[1]) == 3
    again = data.split_by_group(x, y, groups)
    assert all(np.array_equal(a, b) for a, b in zip(parts, again))


def test_verify_all_checks_the_real_files_and_every_committed_file_and_names_their_source():
    from edgebook import data, realdata

    report = data.verify_all()
    for real_file in realdata.FILES.values():
        assert report[real_file.file].startswith("ok"), (real_file.file, report[real_file.file])
        assert "SOURCES.md" in data.source(real_file.file)
    assert report["wake_phrase"].startswith("ok") and "eSpeak NG" in data.source("wake_phrase")
    assert data.source("digits") == data.spec("digits").source
