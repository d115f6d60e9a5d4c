"""Real inputs from TFLM's examples: present in datasets/tflm/, checked, read right, and run by TFLM itself."""
import numpy as np
import pytest

from edgebook import micro, realdata, runtime
from edgebook.errors import DataError, ModelLoadError


@pytest.mark.parametrize("name", sorted(realdata.FILES))
def test_every_file_is_committed_and_is_the_one_registered(name):
    assert realdata.path(name).stat().st_size > 0


def test_the_recordings_are_one_second_of_16_khz_mono():
    for name in ("yes_1000ms.wav", "no_1000ms.wav", "silence_1000ms.wav", "noise_1000ms.wav"):
        samples, rate = realdata.wav(name)
        assert rate == 16000 and samples.shape == (16000,) and samples.dtype == np.int16


def test_tflms_person_detector_tells_its_two_test_frames_apart_in_tflm():
    model_bytes = realdata.model("person_detect.tflite")
    for name, person_wins in (("person.bmp", True), ("no_person.bmp", False)):
        photo = realdata.person_photo(name)
        assert photo.shape == (96, 96) and photo.dtype == np.uint8
        x = (photo.astype(np.int16) - 128).astype(np.int8)[None, :, :, None]  # the model's int8 input
        no_person, person = micro.run(model_bytes, x, raw=True)[0]
        assert (person > no_person) == person_wins, (name, person, no_person)


def roughness(image):
    """Mean step between neighbouring pixels: small in a photo, large where values wrap around."""
    image = image.astype(np.int16)
    return np.abs(np.diff(image, axis=0)).mean() + np.abs(np.diff(image, axis=1)).mean()


@pytest.mark.parametrize("name", ["person.bmp", "no_person.bmp"])
def test_each_frame_is_read_the_way_it_is_stored(name):
    # person.bmp holds int8 bytes, no_person.bmp ordinary pixels: the right reading is the smooth one.
    stored = realdata.bmp(name)
    wrapped = (stored.view(np.int8).astype(np.int16) + 128).astype(np.uint8)
    other = stored if name in realdata.INT8_FRAMES else wrapped
    assert roughness(realdata.person_photo(name)) < 0.8 * roughness(other), name


def test_litert_refuses_person_detect_with_the_reason_and_the_way_out():
    with pytest.raises(ModelLoadError, match=r"quantized_dimension must be in range.*14 tensors.*micro.run"):
        runtime.load(realdata.model("person_detect.tflite"))


def test_a_changed_file_is_caught(tmp_path, monkeypatch):
    (tmp_path / realdata.FOLDER).mkdir()
    (tmp_path / realdata.FOLDER / "person.bmp").write_bytes(b"BM not the file")
    monkeypatch.setattr("edgebook.paths.datasets_dir", lambda: tmp_path)
    with pytest.raises(DataError, match="corrupt or out of date"):
        realdata.bmp("person.bmp")
    with pytest.raises(DataError, match="which is missing"):
        realdata.wav("yes_1000ms.wav")
    with pytest.raises(DataError, match="No real file named"):
        realdata.path("cat.jpg")


def test_the_arena_helpers_work_from_the_file_and_tflm_alone():
    # LiteRT refuses person_detect.tflite; TFLM runs it, and so must the course's arena helpers.
    search = micro.smallest_arena(realdata.model("person_detect.tflite"))
    assert search.recorded <= search.smallest < 300_000, search


def test_the_file_helpers_measure_a_model_litert_refuses():
    # Lesson 15 measures TFLM's person_detect.tflite with the helpers it used on its own model.
    from edgebook import modelfile

    model_bytes = realdata.model("person_detect.tflite")
    assert modelfile.op_counts(model_bytes) == {"DEPTHWISE_CONV_2D": 14, "CONV_2D": 14, "AVERAGE_POOL_2D": 1,
                                                "RESHAPE": 1, "SOFTMAX": 1}
    assert modelfile.macs(model_bytes) == sum(row.macs for row in modelfile.profile(model_bytes)) > 7_000_000
    assert micro.peak_activation_bytes(model_bytes) == 48 * 48 * (8 + 16)
    for board_name in micro.BOARDS:
        assert micro.fits(model_bytes, board_name, 85_264).fits
        assert micro.estimate(model_bytes, board_name).latency_ms > 0
def test_microwakewords_files_are_registered_with_their_own_folder_and_script():
    wake = [entry for entry in realdata.FILES.values() if entry.folder == realdata.MICRO_WAKEWORD_FOLDER]
    assert sorted(entry.name for entry in wake) == ["LICENSE", "okay_nabu.json", "okay_nabu.tflite"]
    assert all(entry.regenerate == "python datasets/copy_micro_wakeword.py" for entry in wake)
    assert realdata.FILES["okay_nabu.tflite"].file == "micro_wakeword/okay_nabu.tflite"
    assert realdata.FILES["person.bmp"].file == "tflm/person.bmp"  # TFLM's files keep their folder and script
    assert realdata.FILES["person.bmp"].regenerate == "python datasets/copy_tflm_files.py"
    assert "Apache License" in realdata.path("LICENSE").read_text()


def _run_copy_script(*arguments):
    import subprocess
    import sys

    from edgebook import paths

    return subprocess.run([sys.executable, str(paths.root() / "datasets" / "copy_micro_wakeword.py"), *arguments],
                          capture_output=True, text=True, timeout=120)


def test_the_copy_script_reads_the_wheel_and_refuses_a_changed_file(tmp_path):
    import zipfile

    wake = [entry for entry in realdata.FILES.values() if entry.folder == realdata.MICRO_WAKEWORD_FOLDER]
    wheel = tmp_path / "pymicro_wakeword-2.5.0-py3-none-any.whl"  # the same files, in another wheel
    with zipfile.ZipFile(wheel, "w") as archive:
        for entry in wake:
            archive.writestr(entry.source, realdata.path(entry.name).read_bytes())
    done = _run_copy_script(str(wheel), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "is not the recorded" in done.stdout
    for entry in wake:
        assert (tmp_path / "out" / entry.name).read_bytes() == realdata.path(entry.name).read_bytes()
    with zipfile.ZipFile(wheel, "w") as archive:
        for entry in wake:
            archive.writestr(entry.source, b"not the file")
    refused = _run_copy_script(str(wheel), "--out", str(tmp_path / "refused"))
    assert refused.returncode == 1 and "differs from the registry" in refused.stderr
