"""Exercise checks of lesson 13_keyword_spotting (how many frames a window and hop give, posterior
smoothing, choosing a detection threshold that meets a false-accept budget).

    >>> from edgebook.checks import lesson_13 as ex
    >>> ex.count_frames.check(count_frames)
    >>> ex.moving_average.check(moving_average)
    >>> ex.threshold_for_budget.check(threshold, scores=smoothed, times=window_ends,
    ...                               events=stream.events, budget=0)
"""
from __future__ import annotations

import numbers

import numpy as np

from edgebook import audio
from edgebook.exercises import Exercise, Incorrect, call, require

def _numbers(value, what: str) -> np.ndarray:
    """``value`` as a float64 array, or an Incorrect that says what came back instead."""
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise Incorrect(f"{what} should return an array of numbers; it returned {str(value)[:80]!r}.") from None


# --- Exercise 2.1: frames in a clip ------------------------------------------------------------

_FRAME_CASES = (
    (16_000, 480, 320, "1 s at 16 kHz, 30 ms windows every 20 ms (micro_speech)"),
    (16_000, 400, 160, "1 s at 16 kHz, 25 ms windows every 10 ms"),
    (16_000, 640, 320, "1 s at 16 kHz, 40 ms windows every 20 ms"),
    (8_000, 256, 128, "1 s at 8 kHz, 256-sample windows every 128"),
    (480, 480, 320, "exactly one window of audio"),
)


def _check_count_frames(count_frames) -> None:
    for samples, window, hop, what in _FRAME_CASES:
        got = call(count_frames, samples, window, hop)
        expected = audio.frame_count(samples, window, hop)
        if not isinstance(got, numbers.Real) or isinstance(got, bool):
            raise Incorrect(f"Return a whole number of frames; for {what} you returned {got!r}.")
        if got == expected:
            continue
        if got == samples // hop or got == -(-samples // hop):
            raise Incorrect(f"For {what} you count {got:g} frames: samples / hop counts windows that "
                            "start inside the clip but run past its end. Only whole windows count: the "
                            "last one must start at most samples - window.")
        if got == expected - 1:
            raise Incorrect(f"For {what} you count {got:g} frames, one too few: (samples - window) // hop "
                            "counts the hops, and the first window, at 0, comes before any hop (+1).")
        if not float(got).is_integer():
            raise Incorrect(f"For {what} you count {got:g} frames, not a whole number: a part of a window "
                            "is not a frame. Use floor division, //.")
        raise Incorrect(f"For {what} you count {got:g} frames; expected {expected}.")


count_frames = Exercise(
    "Exercise 2.1 — Count the frames",
    _check_count_frames,
    hints=["Windows start at 0, hop, 2*hop, ... and a window must end inside the clip: the last start "
           "is at most samples - window.",
           "How many hops fit in samples - window? (samples - window) // hop. Then add the window at 0.",
           "count = 1 + (samples - window) // hop"],
    success="1 + (samples - window) // hop: 49 frames of 40 mel bins make the model's 49 x 40 input.",
)


# --- Exercise 5.1: a moving average of the posteriors ---------------------------------------------

def _centered(x: np.ndarray, n: int) -> np.ndarray:
    half = n // 2
    return np.stack([x[max(t - half, 0):t + n - half].mean(axis=0) for t in range(len(x))])


def _zero_padded(x: np.ndarray, n: int) -> np.ndarray:
    return np.stack([x[max(t - n + 1, 0):t + 1].sum(axis=0) / n for t in range(len(x))])


def _check_moving_average(moving_average) -> None:
    rng = np.random.default_rng(13)
    posteriors = rng.dirichlet(np.ones(4), size=12).astype(np.float32)
    for n in (1, 3, 5, 20):
        got = _numbers(call(moving_average, posteriors.copy(), n), f"moving_average(posteriors, {n})")
        expected = audio.smooth(posteriors, n)
        if got.shape != expected.shape:
            raise Incorrect(f"With {len(posteriors)} windows and n = {n} your function returns shape "
                            f"{got.shape}; expected {expected.shape}: one smoothed row per window, the "
                            "same number of rows as went in.")
        if np.allclose(got, expected, atol=1e-6):
            continue
        if n > 1 and np.allclose(got, _centered(posteriors, n), atol=1e-6):
            raise Incorrect(f"With n = {n} your average is centred: it looks ahead at windows that have "
                            "not been heard yet. A device can only average the past: rows t-n+1 .. t.")
        if n > 1 and np.allclose(got, _zero_padded(posteriors, n), atol=1e-6):
            raise Incorrect(f"With n = {n} your first rows divide by n although fewer than n windows "
                            "exist yet: average the rows there are (divide by how many you summed).")
        if n == 1:
            raise Incorrect("With n = 1 the average of one window is that window: your function changes "
                            "the posteriors.")
        raise Incorrect(f"With n = {n} row 6 should be {np.round(expected[6], 4).tolist()} (the mean of "
                        f"rows {max(6 - n + 1, 0)}..6); yours is {np.round(got[6], 4).tolist()}.")


moving_average = Exercise(
    "Exercise 5.1 — Smooth the posteriors",
    _check_moving_average,
    hints=["Row t of the result is the mean of the rows t-n+1 .. t of the posteriors; near the start "
           "there are fewer than n rows: use the ones there are.",
           "posteriors[max(t - n + 1, 0):t + 1].mean(axis=0) for every t, stacked with np.stack.",
           "np.stack([posteriors[max(t - n + 1, 0):t + 1].mean(axis=0) for t in range(len(posteriors))])"],
    success="A causal moving average: a keyword must keep its score up for several windows to count.",
)


# --- Exercise 5.2: a threshold that meets a false-accept budget -------------------------------------

def candidate_thresholds(scores) -> np.ndarray:
    """Every threshold at which the detections can change: the keyword scores themselves (and 1)."""
    scores = np.asarray(scores)
    keyword_columns = [audio.CLASS_NAMES.index(k) for k in audio.KEYWORDS]
    return np.unique(np.append(scores[:, keyword_columns].max(axis=1), 1.0))


def best_misses(scores, times, events, budget: int) -> tuple[int, float]:
    """(fewest misses, lowest threshold giving them) among thresholds with at most ``budget`` false accepts."""
    best = (len([e for e in events if e.is_keyword]) + 1, 1.0)
    for threshold in candidate_thresholds(scores):
        errors = audio.stream_errors(scores, times, events, threshold)
        if errors.false_accepts <= budget and errors.misses < best[0]:
            best = (errors.misses, float(threshold))
    return best


def _check_threshold(threshold, scores=None, times=None, events=None, budget: int = 0) -> None:
    threshold = require(threshold)
    if scores is None or times is None or events is None:
        raise Incorrect("Pass the stream too: ex.threshold_for_budget.check(threshold, scores=smoothed, "
                        "times=window_ends, events=stream.events, budget=0).")
    if not isinstance(threshold, numbers.Real) or isinstance(threshold, bool):
        raise Incorrect(f"The threshold is a number between 0 and 1; you gave {threshold!r}.")
    if not 0 < threshold <= 1:
        raise Incorrect(f"Scores are probabilities between 0 and 1, so a threshold of {threshold:g} "
                        f"{'detects everything' if threshold <= 0 else 'never fires'}: pick one in (0, 1].")
    errors = audio.stream_errors(scores, times, events, float(threshold))
    if errors.false_accepts > budget:
        raise Incorrect(f"At {threshold:.3f} the stream has {errors.false_accepts} false accepts; the budget "
                        f"allows {budget}. Raise the threshold.")
    fewest, _ = best_misses(scores, times, events, budget)
    if errors.misses > fewest:
        raise Incorrect(f"At {threshold:.3f} there are {errors.false_accepts} false accepts (within the "
                        f"budget) but {errors.misses} misses of {errors.keywords} keywords; another "
                        f"threshold also meets the budget and misses only {fewest}. Try lower ones.")


threshold_for_budget = Exercise(
    "Exercise 5.2 — Pick a threshold for a false-accept budget",
    _check_threshold,
    hints=["Try thresholds from low to high with audio.stream_errors(smoothed, window_ends, stream.events, t) "
           "and look at .false_accepts and .misses.",
           "Keep the thresholds whose false_accepts <= budget; among them take one with the fewest misses "
           "(the lowest such threshold is a good choice: it hears the most).",
           "for t in np.arange(0.30, 1.00, 0.01): errors = audio.stream_errors(...); keep the first t with "
           "errors.false_accepts <= budget and the fewest misses."],
    success="A product team fixes the false-accept budget first (they annoy users most), then lives with "
            "the misses it leaves.",
)
