"""Magic-wand gestures: seeded accelerometer windows, augmentation, and plots (lesson 14).

The gestures are simulated in ``edgebook.wand_motion`` (pen path -> position
over time -> acceleration in the wand's own axes, plus gravity and sensor
errors; its docstring tells the whole story) and drawn by
``edgebook.gesture_plots``. Real recordings from a board are read by
``edgebook.wand_csv`` (its docstring defines the CSV format). This module augments
the windows, and is the one lessons import: every name they use is here.

    >>> x, y, groups = gestures.make()         # (n, 128, 3) g, class ids, person ids
    >>> one = gestures.trace("ring", person=3, repetition=0)
    >>> gestures.plot_trace(one)
    >>> recording = gestures.read_csv("my_wing.csv")   # time_ms,ax,ay,az from your board
    >>> recording.windows()                            # (k, 128, 3) g at 25 Hz, for the model

Introduced in 14_gesture_magic_wand.
"""
from __future__ import annotations

import numpy as np

from edgebook.gesture_plots import plot_gestures, plot_trace, plot_windows
from edgebook.wand_motion import (AXES, GESTURES, NEGATIVE_KINDS, PEOPLE, RANGE_G, REPETITIONS, SAMPLE_RATE_HZ,
                                  SEED, STANDARD_GRAVITY, WINDOW_SAMPLES, Person, Trace,
                                  acceleration_from_path, kinds, make, minimum_jerk, pen_path, person_traits,
                                  rotation_matrix, trace)
from edgebook.wand_csv import Recording, read_csv, write_csv

__all__ = ["AXES", "GESTURES", "NEGATIVE_KINDS", "PEOPLE", "RANGE_G", "REPETITIONS", "SAMPLE_RATE_HZ", "SEED",
           "STANDARD_GRAVITY", "WINDOW_SAMPLES", "Person", "Trace", "acceleration_from_path", "kinds", "make",
           "minimum_jerk", "pen_path", "person_traits", "rotation_matrix", "trace",
           "rotate", "time_stretch", "scale_motion", "shift", "add_noise", "augment_window", "augment",
           "plot_trace", "plot_gestures", "plot_windows", "Recording", "read_csv", "write_csv"]


# --- augmentation -------------------------------------------------------------------------------

def rotate(window: np.ndarray, axis, degrees: float) -> np.ndarray:
    """The window as a wand turned by ``degrees`` about ``axis`` would have read it (gravity included)."""
    return (np.asarray(window, dtype=np.float32) @ rotation_matrix(axis, degrees).T.astype(np.float32))


def time_stretch(window: np.ndarray, factor: float) -> np.ndarray:
    """The same motion made ``factor`` times slower (factor > 1) or faster (< 1), about the window's middle.

    Drawing the same path more slowly needs less acceleration: 1 / factor^2 of
    it. Gravity (the window's mean, since the wand starts and ends at rest)
    does not change. Samples that come from outside the window repeat its ends.
    """
    window = np.asarray(window, dtype=np.float32)
    n = len(window)
    gravity = window.mean(axis=0)
    source = (np.arange(n) - (n - 1) / 2) / factor + (n - 1) / 2
    motion = window - gravity
    stretched = np.stack([np.interp(source, np.arange(n), motion[:, axis]) for axis in range(window.shape[1])],
                         axis=1)
    return (gravity + stretched / factor ** 2).astype(np.float32)


def scale_motion(window: np.ndarray, factor: float) -> np.ndarray:
    """A bigger (factor > 1) or smaller gesture at the same speed: the motion scales, gravity does not."""
    window = np.asarray(window, dtype=np.float32)
    gravity = window.mean(axis=0)
    return (gravity + factor * (window - gravity)).astype(np.float32)


def shift(window: np.ndarray, samples: int) -> np.ndarray:
    """The gesture ``samples`` later (or earlier, if negative) in the window; the ends repeat."""
    window = np.asarray(window)
    index = np.clip(np.arange(len(window)) - int(samples), 0, len(window) - 1)
    return window[index]


def add_noise(window: np.ndarray, sigma_g: float, rng: np.random.Generator) -> np.ndarray:
    """Gaussian sensor noise of ``sigma_g`` g on every sample."""
    window = np.asarray(window, dtype=np.float32)
    return (window + rng.normal(0, sigma_g, window.shape)).astype(np.float32)


def augment_window(window: np.ndarray, rng: np.random.Generator, *, max_degrees: float = 25.0,
                   stretch: tuple[float, float] = (0.8, 1.25), amplitude: tuple[float, float] = (0.75, 1.3),
                   max_shift: int = 20, noise_g: tuple[float, float] = (0.0, 0.03)) -> np.ndarray:
    """One random variation of a window: a turned grip, a slower or faster, bigger or smaller gesture,
    made a little earlier or later, with extra sensor noise."""
    window = rotate(window, rng.normal(size=3), rng.uniform(-max_degrees, max_degrees))
    window = time_stretch(window, float(np.exp(rng.uniform(*np.log(stretch)))))
    window = scale_motion(window, float(np.exp(rng.uniform(*np.log(amplitude)))))
    window = shift(window, int(rng.integers(-max_shift, max_shift + 1)))
    return add_noise(window, float(rng.uniform(*noise_g)), rng)


def augment(x: np.ndarray, y: np.ndarray, copies: int = 2, seed: int = SEED, **options):
    """The windows ``x`` plus ``copies`` random variations of each (``augment_window``), with their labels.

    Seeded: the same call always gives the same windows. The originals come first.
    """
    x = np.asarray(x, dtype=np.float32)
    rng = np.random.default_rng(seed)
    extra = [augment_window(window, rng, **options) for _ in range(copies) for window in x]
    if not extra:
        return x.copy(), np.asarray(y).copy()
    return (np.concatenate([x, np.stack(extra)]).astype(np.float32),
            np.concatenate([np.asarray(y)] * (copies + 1)))
