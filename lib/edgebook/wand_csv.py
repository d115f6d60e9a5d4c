"""Your own wand recordings: a CSV of accelerometer samples, read into the windows lesson 14's model reads.

A board running an IMU sketch prints one line per sample. Save what it prints as
a ``.csv`` file in this format:

    time_ms,ax,ay,az
    0,0.012,-0.034,0.998
    10,0.015,-0.031,1.002
    ...

- **the header** (the first line that is not empty or a ``#`` comment) names the
  columns. ``ax``, ``ay`` and ``az`` are the accelerometer's x, y and z; they are
  required, in any order. Other columns (``gx,gy,gz`` from a gyroscope, say) are
  ignored.
- **units**: g (``units="g"``, the default) or m/s² (``units="m/s2"``). A file whose
  values look like the other unit (about 9.8 at rest instead of 1) is refused.
- **the sample rate**: from a time column, ``time_ms`` (milliseconds, as Arduino's
  ``millis()`` prints) or ``time_s`` (seconds), or, without one, ``rate_hz=``. At
  least 20 Hz; any faster rate is fine.
- **length**: at least 5.12 s, one window of the model (128 samples at 25 Hz). Hold
  the wand still for a moment before and after the gesture.
- **axes**: the wand's, as in lesson 14 (held flat, components up, pointing away
  from you: x right, y forward, z up). If your board's axes differ, rename or
  negate the columns to match.

``read_csv`` averages faster samples down to 25 Hz (as the lesson's simulated
sensor does) and interpolates them onto the model's 25 Hz grid;
``Recording.windows`` cuts the 128-sample windows the model runs on.

    >>> recording = gestures.read_csv("my_wing.csv")             # time_ms,ax,ay,az in g
    >>> answers = micro.run(model_bytes, recording.windows()).argmax(axis=1)

Introduced in 14_gesture_magic_wand.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from edgebook.errors import DataError
from edgebook.wand_motion import SAMPLE_RATE_HZ, STANDARD_GRAVITY, WINDOW_SAMPLES

AXIS_COLUMNS = ("ax", "ay", "az")
TIME_COLUMNS = {"time_ms": 1e-3, "time_s": 1.0}
"""The time columns the format knows, and how many seconds one of their units is."""
UNITS = {"g": 1.0, "m/s2": 1 / STANDARD_GRAVITY}
"""The units the format knows, and what one of them is in g."""
MIN_RATE_HZ = 20.0
"""Slower recordings miss the fast part of a stroke that the model's 25 Hz sees."""
_EXAMPLE = "time_ms,ax,ay,az"


@dataclasses.dataclass(frozen=True)
class Recording:
    """A recording resampled for the model: ``accel_g`` (n, 3) in g at 25 Hz, and where it came from."""

    accel_g: np.ndarray
    source_rate_hz: float
    source_samples: int
    source: str

    @property
    def seconds(self) -> float:
        return len(self.accel_g) / SAMPLE_RATE_HZ

    def windows(self, hop: int = WINDOW_SAMPLES // 4) -> np.ndarray:
        """The model's windows, (k, 128, 3) float32: one every ``hop`` samples, the last one ending the recording."""
        if not isinstance(hop, (int, np.integer)) or hop < 1:
            raise ValueError(f"hop is a number of samples, 1 or more; you passed {hop!r}.")
        starts = list(range(0, len(self.accel_g) - WINDOW_SAMPLES + 1, hop))
        if starts[-1] != len(self.accel_g) - WINDOW_SAMPLES:
            starts.append(len(self.accel_g) - WINDOW_SAMPLES)
        return np.stack([self.accel_g[s:s + WINDOW_SAMPLES] for s in starts]).astype(np.float32)


def _problem(source: str, what: str) -> DataError:
    return DataError(f"{source}: {what}")


def _units(units: str) -> str:
    name = str(units).strip().lower().replace("²", "2").replace("^2", "2")
    if name not in UNITS:
        raise ValueError(f"units must be 'g' or 'm/s2'; you passed {units!r}.")
    return name


def _parse(text: str, source: str):
    """The header's column names and the data lines (with their line numbers)."""
    lines = [(number, line.strip()) for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1)]
    lines = [(number, line) for number, line in lines if line and not line.startswith("#")]
    if not lines:
        raise _problem(source, f"the file has no lines to read. Expected a header such as `{_EXAMPLE}`, "
                               f"then one line per sample.")
    header_number, header = lines[0]
    columns = [name.strip().lower() for name in header.split(",")]
    if all(_is_number(name) for name in columns):
        raise _problem(source, f"line {header_number} is numbers ({header[:40]!r}), not a header. Put a header "
                               f"line first that names the columns, such as `{_EXAMPLE}`.")
    missing = [name for name in AXIS_COLUMNS if name not in columns]
    if missing:
        raise _problem(source, f"the header (line {header_number}) has the columns {columns}; expected "
                               f"{', '.join(AXIS_COLUMNS)}, and optionally {' or '.join(TIME_COLUMNS)}. "
                               f"Missing: {', '.join(missing)}. Rename the columns in the first line, "
                               f"e.g. `{_EXAMPLE}`.")
    repeated = sorted({name for name in columns if columns.count(name) > 1})
    if repeated:
        raise _problem(source, f"the header names {', '.join(repeated)} more than once: {columns}.")
    times = [name for name in TIME_COLUMNS if name in columns]
    if len(times) > 1:
        raise _problem(source, f"the header has two time columns, {' and '.join(times)}; keep one.")
    return columns, (times[0] if times else None), lines[1:]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _values(columns, wanted, rows, source):
    """The wanted columns of every data line, as floats, with the line's number in every error."""
    index = [columns.index(name) for name in wanted]
    values = np.empty((len(rows), len(wanted)))
    for row, (number, line) in enumerate(rows):
        fields = line.split(",")
        if len(fields) != len(columns):
            raise _problem(source, f"line {number} has {len(fields)} values ({line[:60]!r}); the header has "
                                   f"{len(columns)} columns ({','.join(columns)}).")
        for column, (name, i) in enumerate(zip(wanted, index)):
            field = fields[i].strip()
            try:
                values[row, column] = float(field)
            except ValueError:
                raise _problem(source, f"line {number}, column {name}: {field!r} is not a number. Every value "
                                       f"must be a plain number such as 0.98; if the board prints other "
                                       f"messages, delete those lines or start them with #.") from None
            if not np.isfinite(values[row, column]):
                raise _problem(source, f"line {number}, column {name}: {field!r} is not a finite number.")
    return values


def _low_pass(x: np.ndarray, taps: int) -> np.ndarray:
    """A moving average over ``taps`` samples (edges repeat), as a sensor's filter before decimation."""
    if taps <= 1:
        return x
    padded = np.pad(x, ((taps // 2, taps - 1 - taps // 2), (0, 0)), mode="edge")
    kernel = np.ones(taps) / taps
    return np.stack([np.convolve(padded[:, axis], kernel, mode="valid") for axis in range(x.shape[1])], axis=1)


def read_csv(path, *, rate_hz: float | None = None, units: str = "g") -> Recording:
    """Read a recording in the format of this module's docstring and resample it to the model's 25 Hz, in g.

    ``rate_hz`` is the rate the board sampled at; give it when the file has no
    time column. With a time column it may be left out (if given, it must agree).
    """
    path = Path(path)
    source = str(path)
    unit = _units(units)
    if not path.is_file():
        raise DataError(f"{source}: no such file. Save what the board prints as a .csv file (header "
                        f"`{_EXAMPLE}`) and pass its path.")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise _problem(source, "is not a text file (not UTF-8). Expected comma-separated numbers with a header "
                               f"such as `{_EXAMPLE}`.") from None
    columns, time_column, rows = _parse(text, source)
    wanted = [*AXIS_COLUMNS, *([time_column] if time_column else [])]
    values = _values(columns, wanted, rows, source)
    if len(values) < 2:
        raise _problem(source, f"has {len(values)} sample(s); a window is {WINDOW_SAMPLES / SAMPLE_RATE_HZ:.2f} s.")
    accel = values[:, :3] * UNITS[unit]

    if rate_hz is not None and (not isinstance(rate_hz, (int, float, np.number)) or not rate_hz > 0):
        raise ValueError(f"rate_hz is the board's sample rate in Hz, a positive number; you passed {rate_hz!r}.")
    if time_column:
        time_s = values[:, 3] * TIME_COLUMNS[time_column]
        steps = np.diff(time_s)
        if np.any(steps <= 0):
            bad = int(np.argmax(steps <= 0))
            raise _problem(source, f"the time goes back or stands still at line {rows[bad + 1][0]} "
                                   f"({time_s[bad]:g} s, then {time_s[bad + 1]:g} s): every sample needs a "
                                   f"later time than the one before.")
        measured_rate = (len(time_s) - 1) / (time_s[-1] - time_s[0])
        if rate_hz is not None and abs(measured_rate - rate_hz) > 0.05 * rate_hz:
            raise _problem(source, f"its {time_column} column says {measured_rate:.1f} samples per second, "
                                   f"but rate_hz={rate_hz}. Leave rate_hz out to use the time column.")
        rate = measured_rate
    elif rate_hz is None:
        raise _problem(source, f"has no time column ({' or '.join(TIME_COLUMNS)}), so its sample rate is "
                               f"unknown: pass rate_hz=, the rate your sketch reads the sensor at.")
    else:
        rate = float(rate_hz)
        time_s = np.arange(len(accel)) / rate
    if rate < MIN_RATE_HZ:
        raise _problem(source, f"is sampled at {rate:.1f} Hz; the model reads {SAMPLE_RATE_HZ} Hz and a "
                               f"slower recording misses the fast part of a stroke. Record at "
                               f"{SAMPLE_RATE_HZ} Hz or faster.")

    at_rest = float(np.median(np.linalg.norm(accel, axis=1)))  # about 1 g: the wand is still most of the time
    if unit == "g" and 5 < at_rest < 15:
        raise _problem(source, f"its typical reading is {at_rest:.1f} g, which looks like m/s² (gravity is "
                               f"9.8 m/s²): pass units='m/s2'.")
    if unit == "m/s2" and 0.05 < at_rest < 0.2:
        raise _problem(source, f"its typical reading is {at_rest * STANDARD_GRAVITY:.2f} m/s², which looks "
                               f"like g (gravity is 1 g): pass units='g'.")

    n_out = int(np.floor((time_s[-1] - time_s[0]) * SAMPLE_RATE_HZ + 1e-6)) + 1
    if n_out < WINDOW_SAMPLES:
        raise _problem(source, f"is {time_s[-1] - time_s[0]:.2f} s long ({len(accel)} samples at {rate:.1f} Hz); "
                               f"the model needs one window, {WINDOW_SAMPLES} samples at {SAMPLE_RATE_HZ} Hz "
                               f"({(WINDOW_SAMPLES - 1) / SAMPLE_RATE_HZ:.2f} s from first to last sample). "
                               f"Record longer: hold still, draw, hold still.")
    smooth = _low_pass(accel, int(round(rate / SAMPLE_RATE_HZ)))
    grid = time_s[0] + np.arange(n_out) / SAMPLE_RATE_HZ
    resampled = np.stack([np.interp(grid, time_s, smooth[:, axis]) for axis in range(3)], axis=1)
    return Recording(resampled.astype(np.float32), float(rate), len(accel), source)


def write_csv(path, accel_g, rate_hz: float = SAMPLE_RATE_HZ, *, units: str = "g") -> Path:
    """Write samples (n, 3) in g, taken at ``rate_hz``, in the format ``read_csv`` reads (``time_ms,ax,ay,az``)."""
    accel = np.asarray(accel_g, dtype=np.float64)
    if accel.ndim != 2 or accel.shape[1] != 3:
        raise ValueError(f"accel_g must have shape (samples, 3); you passed {accel.shape}.")
    values = accel / UNITS[_units(units)]
    time_ms = np.round(np.arange(len(accel)) * 1000 / rate_hz).astype(int)
    lines = ["time_ms,ax,ay,az", *(f"{t},{x:.4f},{y:.4f},{z:.4f}" for t, (x, y, z) in zip(time_ms, values))]
    path = Path(path)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
