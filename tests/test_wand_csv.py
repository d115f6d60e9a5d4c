"""edgebook.wand_csv (as gestures.read_csv): a board's CSV of accelerometer samples -> the model's windows."""
from pathlib import Path

import numpy as np
import pytest

from edgebook import gestures
from edgebook.errors import DataError

FIXTURE = Path(__file__).parent / "fixtures" / "wand_wing_50hz.csv"


def test_the_fixture_reads_as_the_trace_it_was_written_from():
    # 50 Hz, m/s^2, millis() starting at 1234, gyroscope columns and # comments: all handled.
    recording = gestures.read_csv(FIXTURE, units="m/s2")
    assert recording.source_rate_hz == pytest.approx(50.0) and recording.source_samples == 255
    assert recording.accel_g.shape == (gestures.WINDOW_SAMPLES, 3) and recording.accel_g.dtype == np.float32
    original = gestures.trace("wing", person_id=0, repetition=0).accel_g
    assert np.abs(recording.accel_g - original).mean() < 0.02  # only the 2-sample average down to 25 Hz differs
    assert np.corrcoef(recording.accel_g.ravel(), original.ravel())[0, 1] > 0.99
    windows = recording.windows()
    assert windows.shape == (1, gestures.WINDOW_SAMPLES, 3)


def test_write_then_read_gives_the_samples_back(tmp_path):
    window = gestures.trace("ring", person_id=1, repetition=2).accel_g
    path = gestures.write_csv(tmp_path / "ring.csv", window)
    assert path.read_text().splitlines()[:2][0] == "time_ms,ax,ay,az"
    back = gestures.read_csv(path)
    np.testing.assert_allclose(back.accel_g, window, atol=1e-4)
    in_ms2 = gestures.read_csv(gestures.write_csv(tmp_path / "ms2.csv", window, units="m/s2"), units="m/s2")
    np.testing.assert_allclose(in_ms2.accel_g, window, atol=1e-4)


def test_a_rate_without_a_time_column_and_a_faster_board(tmp_path):
    still = np.tile([0.0, 0.0, 1.0], (700, 1))
    still[300:320, 0] = 2.0  # a short jolt
    path = tmp_path / "fast.csv"
    path.write_text("ax,ay,az\n" + "\n".join(",".join(f"{v}" for v in row) for row in still) + "\n")
    recording = gestures.read_csv(path, rate_hz=100)
    assert recording.source_rate_hz == 100 and len(recording.accel_g) == 175  # 6.99 s at 25 Hz
    assert recording.accel_g[:, 0].max() == pytest.approx(2.0)  # the jolt survives the average down
    windows = recording.windows(hop=16)
    assert windows.shape[1:] == (128, 3) and np.array_equal(windows[-1], recording.accel_g[-128:])


def write(tmp_path, text, name="bad.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def rows(n, rate=25, template="{t},0,0,1"):
    return "\n".join(template.format(t=round(i * 1000 / rate)) for i in range(n))


@pytest.mark.parametrize("text, message", [
    ("time_ms,x,y,z\n" + rows(200), r"expected ax, ay, az.*Missing: ax, ay, az.*time_ms,ax,ay,az"),
    (rows(200), r"line 1 is numbers.*not a header"),
    ("", r"no lines to read"),
    ("time_ms,ax,ay,az\n" + rows(100), r"is 3.96 s long \(100 samples at 25.0 Hz\).*Record longer"),
    ("time_ms,ax,ay,az\n0,0,0,1\n40,0,0,one\n" + rows(200), r"line 3, column az: 'one' is not a number"),
    ("time_ms,ax,ay,az\n0,0,0,1\n40,0,0\n", r"line 3 has 3 values.*4 columns"),
    ("time_ms,ax,ay,az\n0,0,0,1\n40,0,nan,1\n" + rows(200), r"not a finite number"),
    ("time_ms,ax,ay,az\n" + rows(200).replace("\n40,", "\n0,", 1), r"time goes back or stands still at line 3"),
    ("time_ms,ax,ay,az\n" + rows(200, rate=10), r"sampled at 10.0 Hz.*25 Hz or faster"),
    ("time_ms,ax,ay,az\n" + rows(200, template="{t},0,0,9.81"), r"looks like m/s².*units='m/s2'"),
    ("time_ms,time_s,ax,ay,az\n" + rows(200, template="{t},0,0,0,1"), r"two time columns"),
    ("ax,ax,ay,az\n" + rows(200, template="0,0,0,1"), r"names ax more than once"),
    ("ax,ay,az\n" + rows(200, template="0,0,1"), r"no time column.*pass rate_hz="),
])
def test_bad_files_say_what_was_expected_and_what_to_do(tmp_path, text, message):
    with pytest.raises(DataError, match=message):
        gestures.read_csv(write(tmp_path, text))


def test_wrong_units_rate_and_missing_files(tmp_path):
    in_g = write(tmp_path, "time_ms,ax,ay,az\n" + rows(200), "g.csv")
    with pytest.raises(DataError, match="looks like g.*units='g'"):
        gestures.read_csv(in_g, units="m/s2")
    with pytest.raises(DataError, match="says 25.0 samples per second, but rate_hz=100"):
        gestures.read_csv(in_g, rate_hz=100)
    assert gestures.read_csv(in_g, rate_hz=25).source_rate_hz == pytest.approx(25)
    with pytest.raises(ValueError, match="units must be 'g' or 'm/s2'"):
        gestures.read_csv(in_g, units="mg")
    with pytest.raises(ValueError, match="positive number"):
        gestures.read_csv(in_g, rate_hz=-5)
    with pytest.raises(DataError, match="no such file"):
        gestures.read_csv(tmp_path / "nothing.csv")
    (tmp_path / "binary.csv").write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(DataError, match="not a text file"):
        gestures.read_csv(tmp_path / "binary.csv")
    with pytest.raises(ValueError, match="shape \\(samples, 3\\)"):
        gestures.write_csv(tmp_path / "x.csv", np.zeros((10, 2)))
