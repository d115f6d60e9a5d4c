"""Exercise checks of lesson 14_gesture_magic_wand (samples in a window, acceleration from a pen path,
holding out people, a rotation augmentation).

    >>> from edgebook.checks import lesson_14 as ex
    >>> ex.window_samples.check(window_samples)
    >>> ex.acceleration.check(acceleration_g)
    >>> ex.hold_out_people.check(hold_out_people, groups=groups)
    >>> ex.rotate_about_z.check(rotate_about_z)
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from edgebook.exercises import Exercise, Incorrect, call

STANDARD_GRAVITY = 9.80665


def _numbers(value, what: str) -> np.ndarray:
    """``value`` as a float64 array, or an Incorrect that says what came back instead."""
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise Incorrect(f"{what} should return an array of numbers; it returned {str(value)[:80]!r}.") from None


# --- Exercise 1.1: samples in a window ------------------------------------------------------

def reference_window_samples(rate_hz: float, seconds: float) -> int:
    """Samples needed to hold ``seconds`` of signal at ``rate_hz``: rate x seconds, rounded up."""
    return math.ceil(rate_hz * seconds)


# rate x seconds is exact in floating point for each case, so math.ceil gives the true answer.
_WINDOW_CASES = ((25, 2.0), (100, 1.5), (25, 1.01), (119, 0.5), (16000, 1.0))


def _check_window_samples(function):
    for rate, seconds in _WINDOW_CASES:
        result = call(function, rate, seconds)
        expected = reference_window_samples(rate, seconds)
        what = f"{seconds} s at {rate} Hz"
        if not isinstance(result, numbers.Real) or isinstance(result, bool):
            raise Incorrect(f"For {what} your function returned {result!r}; return a number of samples.")
        if result == expected:
            continue
        exact = rate * seconds
        if math.isclose(result, rate / seconds):
            raise Incorrect(f"For {what} you returned rate / seconds = {result:g}. A sensor takes `rate` samples "
                            "every second, so the count is rate x seconds.")
        if math.isclose(result, seconds / rate):
            raise Incorrect(f"For {what} you returned seconds / rate = {result:g}. A sensor takes `rate` "
                            "samples every second, so the count is rate x seconds.")
        if result == math.floor(exact):
            raise Incorrect(f"For {what} you returned {int(result)}, rounded down from {exact:g}: the end of the "
                            f"gesture would not fit. Round up (math.ceil) to {expected}.")
        if result == round(exact):
            raise Incorrect(f"For {what} you rounded {exact:g} to the nearest whole number; round up (math.ceil), "
                            f"so the window holds all of it: {expected}.")
        if result != int(result):
            raise Incorrect(f"For {what} your function returned {result:g}: a window holds a whole number of "
                            "samples. Round up.")
        raise Incorrect(f"For {what} you returned {result:g}; expected {expected} (rate x seconds, rounded up).")


window_samples = Exercise(
    "Exercise 1.1 — Samples in a window",
    _check_window_samples,
    hints=[
        "A sensor at 25 Hz takes 25 samples every second.",
        "Multiply the rate by the duration; if that is not a whole number, one more sample is needed to hold "
        "the end: math.ceil.",
        "return math.ceil(rate_hz * seconds)",
    ],
    success="The magic wand keeps 128 samples at 25 Hz: 128 / 25 = 5.12 seconds of motion.",
)


# --- Exercise 2.1: acceleration from a pen path ------------------------------------------------

def reference_acceleration(position_m, rate_hz: float) -> np.ndarray:
    """Second derivative of positions in metres along time (axis 0), in g."""
    dt = 1.0 / rate_hz
    velocity = np.gradient(np.asarray(position_m, dtype=np.float64), dt, axis=0)
    return np.gradient(velocity, dt, axis=0) / STANDARD_GRAVITY


def _motions():
    """Motions with a known acceleration: (what, rate, positions (n, k) m, acceleration (n, k) g, velocity)."""
    cases = []
    rate = 100.0
    t = np.arange(200) / rate
    a = 0.5 * STANDARD_GRAVITY  # a push of 0.5 g to the right, from rest
    position = np.stack([0.5 * a * t ** 2, np.zeros_like(t)], axis=1)
    velocity = np.stack([a * t, np.zeros_like(t)], axis=1)
    cases.append(("a steady push of 0.5 g at 100 Hz", rate, position, np.tile([0.5, 0.0], (len(t), 1)), velocity))
    rate = 25.0
    t = np.arange(100) / rate
    omega, radius = 2 * np.pi * 0.5, 0.2  # a 20 cm circle, once every 2 s
    position = radius * np.stack([np.sin(omega * t), np.cos(omega * t), 0.1 * np.sin(omega * t)], axis=1)
    velocity = radius * omega * np.stack([np.cos(omega * t), -np.sin(omega * t), 0.1 * np.cos(omega * t)], axis=1)
    cases.append(("a 20 cm circle every 2 s at 25 Hz", rate, position, -omega ** 2 * position / STANDARD_GRAVITY,
                  velocity))
    return cases


def _check_acceleration(function):
    for what, rate, position, expected, velocity in _motions():
        result = call(function, position.copy(), rate)
        try:
            result = np.asarray(result, dtype=np.float64)
        except (TypeError, ValueError):
            raise Incorrect(f"For {what} your function returned a {type(result).__name__}; return an array.") from None
        n = len(position)
        if result.shape == position.shape:
            inner = slice(2, n - 2)  # np.gradient's ends are one-sided, so less exact
            got, want, speed = result[inner], expected[inner], velocity[inner]
        elif result.shape == (n - 2, position.shape[1]):  # np.diff twice: the samples between the ends
            got, want, speed = result[1:-1], expected[2:-2], velocity[2:-2]
        else:
            raise Incorrect(f"For {what} (positions of shape {position.shape}) your result has shape "
                            f"{result.shape}; expected {position.shape} (np.gradient keeps the length).")
        if not np.all(np.isfinite(got)):
            raise Incorrect(f"For {what} your result has NaN or infinite values.")
        scale = float(np.sum(got * want) / np.sum(want * want))
        tolerance = 0.03 * np.abs(want).max()
        if np.abs(got - want).max() <= tolerance:
            continue
        if np.abs(got - want * STANDARD_GRAVITY).max() <= tolerance * STANDARD_GRAVITY:
            raise Incorrect(f"For {what} your values are in m/s^2 ({scale:.3g} times too large): divide by "
                            f"g = {STANDARD_GRAVITY} m/s^2 to get g.")
        if math.isclose(scale, -1, rel_tol=0.03):
            raise Incorrect(f"For {what} your acceleration points the wrong way (its sign is flipped).")
        for factor, message in ((1 / rate ** 2, "per sample squared: you differentiated without the time step. "
                                 "np.gradient(position, 1 / rate_hz, axis=0) divides by it."),
                                (STANDARD_GRAVITY / rate ** 2, "per sample squared and in m/s^2: pass the time "
                                 "step 1 / rate_hz to np.gradient, and divide by g."),
                                (1 / rate, "off by the rate: divide by the time step once per derivative, twice "
                                 "in all.")):
            if np.abs(got - want * factor).max() <= tolerance * factor:
                raise Incorrect(f"For {what} your acceleration is {message}")
        for velocity_scale in (1.0, 1 / STANDARD_GRAVITY):
            if np.abs(got - speed * velocity_scale).max() <= 0.03 * np.abs(speed * velocity_scale).max():
                raise Incorrect(f"For {what} your result is the velocity: differentiate twice (position -> "
                                "velocity -> acceleration).")
        raise Incorrect(f"For {what} your acceleration is off by up to {np.abs(got - want).max():.3g} g "
                        f"(expected values up to {np.abs(want).max():.3g} g).")


acceleration = Exercise(
    "Exercise 2.1 — From a pen path to acceleration",
    _check_acceleration,
    hints=[
        "Acceleration is how fast velocity changes, and velocity is how fast position changes: "
        "differentiate twice along time (axis 0).",
        "np.gradient(values, dt, axis=0) differentiates samples taken every dt = 1 / rate_hz seconds. "
        "Then divide by g = 9.80665 m/s^2 to get g.",
        "velocity = np.gradient(position_m, 1 / rate_hz, axis=0); "
        "return np.gradient(velocity, 1 / rate_hz, axis=0) / 9.80665",
    ],
    success="gestures.acceleration_from_path does the same; the generator feeds it 100 Hz pen paths.",
)


# --- Exercise 3.1: hold out people ---------------------------------------------------------------

def reference_hold_out_people(groups, test_fraction: float, seed: int) -> np.ndarray:
    """A boolean mask: True for every window of round(test_fraction x people) people chosen at random."""
    people = np.unique(groups)
    n_test = max(1, round(test_fraction * len(people)))
    chosen = np.random.default_rng(seed).choice(people, size=n_test, replace=False)
    return np.isin(groups, chosen)


def _mask(result, groups, what) -> np.ndarray:
    mask = np.asarray(result)
    if mask.shape != groups.shape:
        if mask.ndim == 1 and len(mask) < len(groups) and np.issubdtype(mask.dtype, np.integer):
            raise Incorrect(f"For {what} you returned {len(mask)} numbers: return a mask with one True/False per "
                            f"window ({len(groups)} of them), True where the window goes to the test set. "
                            "np.isin(groups, test_people) makes one.")
        raise Incorrect(f"For {what} your mask has shape {mask.shape}; expected {groups.shape}, one value per window.")
    if mask.dtype != bool:
        if not np.isin(mask, (0, 1)).all():
            raise Incorrect(f"For {what} return True/False per window, not {mask.dtype} values.")
        mask = mask.astype(bool)
    return mask


def _check_hold_out_people(function, groups=None):
    rng = np.random.default_rng(3)
    cases = [(rng.permutation(np.repeat(np.arange(12), 9)), 0.25, "12 people with 9 windows each")]
    if groups is not None:
        cases.insert(0, (np.asarray(groups), 0.2, "the lesson's 50 people"))
    for groups_case, fraction, what in cases:
        mask = _mask(call(function, groups_case.copy(), fraction, 0), groups_case, what)
        people = np.unique(groups_case)
        for person in people:
            inside = mask[groups_case == person]
            if 0 < inside.sum() < len(inside):
                raise Incorrect(f"For {what}, person {person} has {inside.sum()} windows in the test set and "
                                f"{len(inside) - inside.sum()} in training: the model would meet them again at "
                                "test time. Choose people, then take all their windows.")
        held_out = np.unique(groups_case[mask])
        low, high = max(1, math.floor(fraction * len(people))), max(1, math.ceil(fraction * len(people)))
        if not low <= len(held_out) <= high:
            raise Incorrect(f"For {what} with test_fraction={fraction} you held out {len(held_out)} of "
                            f"{len(people)} people; expected {round(fraction * len(people))}. Count people, "
                            "not windows.")
        again = _mask(call(function, groups_case.copy(), fraction, 0), groups_case, what)
        if not np.array_equal(mask, again):
            raise Incorrect("Two calls with the same seed held out different people: make the choice "
                            "reproducible with np.random.default_rng(seed).")
        others = [_mask(call(function, groups_case.copy(), fraction, seed), groups_case, what) for seed in (1, 2, 3)]
        if all(np.array_equal(mask, other) for other in others):
            raise Incorrect("Every seed holds out the same people. Pick them at random with the seed "
                            "(rng.choice(people, size=..., replace=False)): the first ids may be the people "
                            "recorded first, on one day, with one device.")


hold_out_people = Exercise(
    "Exercise 3.1 — Hold out people",
    _check_hold_out_people,
    hints=[
        "Work with people, not windows: np.unique(groups) lists the people.",
        "Choose round(test_fraction * number_of_people) of them with np.random.default_rng(seed).choice(..., "
        "replace=False), then mark every window of theirs.",
        "people = np.unique(groups); rng = np.random.default_rng(seed); test_people = rng.choice(people, "
        "size=round(test_fraction * len(people)), replace=False); return np.isin(groups, test_people)",
    ],
    success="data.load splits every grouped dataset this way (data.split_by_group), into train, validation "
            "and test people.",
)


# --- Exercise 4.1: a rotation augmentation ------------------------------------------------------------

def reference_rotate_about_z(window, degrees: float) -> np.ndarray:
    """Every sample (x, y, z) turned by ``degrees`` about z: counter-clockwise seen from above."""
    window = np.asarray(window, dtype=np.float64)
    angle = np.radians(degrees)
    c, s = np.cos(angle), np.sin(angle)
    x, y, z = window[:, 0], window[:, 1], window[:, 2]
    return np.stack([c * x - s * y, s * x + c * y, z], axis=1)


def _check_rotate_about_z(function):
    rng = np.random.default_rng(14)
    window = (rng.normal(0, 0.5, (128, 3)) + [0.2, 0.3, 0.9]).astype(np.float32)
    for degrees in (90, 30, -45, 0):
        given = window.copy()
        result = _numbers(call(function, given, degrees), f"rotate_about_z(window, {degrees})")
        if not np.array_equal(given, window):
            raise Incorrect("Your function changed the window it was given. Augmentation makes new windows and "
                            "keeps the originals: compute a new array instead of writing into the old one.")
        if result.shape != window.shape:
            raise Incorrect(f"Your result has shape {result.shape}; expected {window.shape}, one (x, y, z) per sample.")
        expected = reference_rotate_about_z(window, degrees)
        if np.allclose(result, expected, atol=1e-4):
            continue
        if not np.allclose(result[:, 2], window[:, 2], atol=1e-4):
            raise Incorrect(f"For {degrees} degrees your z values changed: turning about z leaves z as it is.")
        if np.allclose(result, reference_rotate_about_z(window, -degrees), atol=1e-4):
            raise Incorrect(f"For {degrees} degrees you turned the other way. With the right-hand rule a positive "
                            "angle turns x towards y: x' = x cos(a) - y sin(a), y' = x sin(a) + y cos(a).")
        if np.allclose(result, reference_rotate_about_z(window, np.degrees(degrees)), atol=1e-4) or \
                np.allclose(result, reference_rotate_about_z(window, -np.degrees(degrees)), atol=1e-4):
            raise Incorrect(f"For {degrees} degrees you passed degrees to np.cos and np.sin, which take radians: "
                            "np.radians(degrees).")
        lengths = np.linalg.norm(result, axis=1)
        if not np.allclose(lengths, np.linalg.norm(window, axis=1), atol=1e-3):
            raise Incorrect(f"For {degrees} degrees the length of the samples changed (a wand at rest must still "
                            "read 1 g): a rotation only turns vectors. Use cos and sin of the same angle.")
        raise Incorrect(f"For {degrees} degrees your result differs from the rotation by up to "
                        f"{np.abs(result - expected).max():.3g} g.")


rotate_about_z = Exercise(
    "Exercise 4.1 — Turn the wand about z",
    _check_rotate_about_z,
    hints=[
        "Turning about z mixes x and y and leaves z alone, for every sample.",
        "With a = np.radians(degrees): x' = x cos(a) - y sin(a), y' = x sin(a) + y cos(a), z' = z. "
        "Build a new array (np.stack or window @ matrix.T).",
        "a = np.radians(degrees); c, s = np.cos(a), np.sin(a); x, y, z = window[:, 0], window[:, 1], window[:, 2]; "
        "return np.stack([c * x - s * y, s * x + c * y, z], axis=1)",
    ],
    success="gestures.rotate turns about any axis the same way, with Rodrigues' formula.",
)
