"""Tests of lesson 13_keyword_spotting's exercise checks: a right answer, wrong answers (with their
targeted messages) and the ``...`` placeholder for each exercise."""
import numpy as np

from edgebook import audio
from edgebook.checks import lesson_13 as ex


# --- Exercise 2.1: count the frames -------------------------------------------------------------------

def test_count_frames_correct():
    result = ex.count_frames.evaluate(lambda samples, window, hop: 1 + (samples - window) // hop)
    assert result.status == "correct", result.message


def test_count_frames_divides_the_whole_clip():
    result = ex.count_frames.evaluate(lambda samples, window, hop: samples // hop)
    assert result.status == "incorrect"
    assert "run past its end" in result.message


def test_count_frames_forgets_the_first_window():
    result = ex.count_frames.evaluate(lambda samples, window, hop: (samples - window) // hop)
    assert result.status == "incorrect"
    assert "one too few" in result.message


def test_count_frames_not_whole():
    result = ex.count_frames.evaluate(lambda samples, window, hop: 1 + (samples - window) / hop)
    assert result.status == "incorrect"
    assert "floor division" in result.message


def test_count_frames_not_attempted():
    def starter(samples, window, hop):
        return ...

    assert ex.count_frames.evaluate(starter).status == "not attempted"
    assert ex.count_frames.evaluate(...).status == "not attempted"


# --- Exercise 5.1: smooth the posteriors ------------------------------------------------------------------

def right_moving_average(posteriors, n):
    posteriors = np.asarray(posteriors, dtype=np.float64)
    return np.stack([posteriors[max(t - n + 1, 0):t + 1].mean(axis=0) for t in range(len(posteriors))])


def test_moving_average_correct():
    result = ex.moving_average.evaluate(right_moving_average)
    assert result.status == "correct", result.message
    assert ex.moving_average.evaluate(audio.smooth).status == "correct"


def test_moving_average_centred():
    def centred(posteriors, n):
        half = n // 2
        return np.stack([posteriors[max(t - half, 0):t + n - half].mean(axis=0) for t in range(len(posteriors))])

    result = ex.moving_average.evaluate(centred)
    assert result.status == "incorrect"
    assert "looks ahead" in result.message


def test_moving_average_divides_by_n_at_the_start():
    def zero_padded(posteriors, n):
        return np.stack([posteriors[max(t - n + 1, 0):t + 1].sum(axis=0) / n for t in range(len(posteriors))])

    result = ex.moving_average.evaluate(zero_padded)
    assert result.status == "incorrect"
    assert "divide by how many" in result.message


def test_moving_average_valid_convolution_is_shorter():
    def valid(posteriors, n):
        return np.stack([np.convolve(column, np.ones(n) / n, mode="valid") for column in posteriors.T], axis=1)

    result = ex.moving_average.evaluate(valid)
    assert result.status == "incorrect"
    assert "one smoothed row per window" in result.message


def test_moving_average_not_attempted():
    def starter(posteriors, n):
        ...

    assert ex.moving_average.evaluate(starter).status == "not attempted"


# --- Exercise 5.2: a threshold for a false-accept budget -------------------------------------------------

TIMES = np.round(np.arange(0, 10, 0.1), 1)
EVENTS = (audio.Event(1.0, 1.4, "yes"), audio.Event(4.0, 4.3, "no"), audio.Event(7.0, 7.4, "dog"))


def _scores():
    """A yes said at 1.0 s (score 0.9), a no at 4.0 s (only 0.6), and "dog" at 7.0 s taken for yes (0.7)."""
    scores = np.tile([0.5, 0.5, 0.0, 0.0], (len(TIMES), 1))
    for word, t0, t1, height in (("yes", 1.5, 2.0, 0.9), ("no", 4.4, 4.8, 0.6), ("yes", 7.5, 7.8, 0.7)):
        inside = (TIMES >= t0) & (TIMES <= t1)
        scores[inside, audio.CLASS_NAMES.index(word)] = height
        scores[inside, :2] = (1 - height) / 2
    return scores


STREAM = dict(scores=_scores(), times=TIMES, events=EVENTS, budget=0)


def test_best_misses():
    assert ex.best_misses(STREAM["scores"], TIMES, EVENTS, 0) == (1, 0.9)
    assert ex.best_misses(STREAM["scores"], TIMES, EVENTS, 1)[0] == 0


def test_threshold_correct():
    result = ex.threshold_for_budget.evaluate(0.75, **STREAM)
    assert result.status == "correct", result.message
    assert ex.threshold_for_budget.evaluate(0.9, **STREAM).status == "correct"
    assert ex.threshold_for_budget.evaluate(0.5, **{**STREAM, "budget": 1}).status == "correct"


def test_threshold_over_budget():
    result = ex.threshold_for_budget.evaluate(0.65, **STREAM)
    assert result.status == "incorrect"
    assert "1 false accepts" in result.message and "Raise the threshold" in result.message


def test_threshold_too_high():
    result = ex.threshold_for_budget.evaluate(0.95, **STREAM)
    assert result.status == "incorrect"
    assert "misses only 1" in result.message


def test_threshold_not_a_probability():
    result = ex.threshold_for_budget.evaluate(0.0, **STREAM)
    assert result.status == "incorrect" and "detects everything" in result.message
    result = ex.threshold_for_budget.evaluate("0.8", **STREAM)
    assert result.status == "incorrect" and "a number" in result.message


def test_threshold_needs_the_stream():
    result = ex.threshold_for_budget.evaluate(0.75)
    assert result.status == "incorrect" and "Pass the stream" in result.message


def test_threshold_not_attempted():
    assert ex.threshold_for_budget.evaluate(..., **STREAM).status == "not attempted"


def test_moving_average_returning_text_is_told_plainly():
    result = ex.moving_average.evaluate(lambda posteriors, n: "smoothed")
    assert result.status == "incorrect" and "array of numbers" in result.message, result.message
    assert "ValueError" not in result.message
