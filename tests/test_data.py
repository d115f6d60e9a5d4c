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
    assert set(report) >= {"activity", "keywords", "person_weights", "gestures", "person", "sine"}
    assert all(status.startswith("ok") for status in report.values()), report
    assert "SHA-256 matches" in report["keywords"] and "generated" in report["person"]


def test_weights_file_is_not_a_dataset():
    with pytest.raises(DataError, match="not a dataset"):
        data.load("person_weights")


def test_unknown_dataset_lists_the_known_ones():
    with pytest.raises(DataError, match="activity, digits"):
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
