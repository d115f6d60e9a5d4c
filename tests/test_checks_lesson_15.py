"""Tests of lesson 15_person_detection's exercise checks: each against a right answer, wrong answers
(with their targeted messages) and the ``...`` placeholder."""
import math

import numpy as np
import pytest

from edgebook import scenes
from edgebook.checks import lesson_15 as ex


# --- Exercise 5.1: activation bytes of a block ------------------------------------------------

def right_block_bytes(height, width, channels_in, channels_out, stride):
    out = math.ceil(height / stride) * math.ceil(width / stride)
    return max(height * width * channels_in + out * channels_in, out * channels_in + out * channels_out)


def test_block_bytes_correct():
    result = ex.block_bytes.evaluate(right_block_bytes, first_block=(48, 48, 8, 16, 1), file_peak=55_296)
    assert result.status == "correct", result.message


def test_block_bytes_not_attempted():
    assert ex.block_bytes.evaluate(...).status == "not attempted"
    assert ex.block_bytes.evaluate(lambda *args: None).status == "not attempted"  # the workbook's starter


@pytest.mark.parametrize("wrong, message", [
    (lambda h, w, ci, co, s: 4 * right_block_bytes(h, w, ci, co, s), "float32"),
    (lambda h, w, ci, co, s: h * w * ci + math.ceil(h / s) * math.ceil(w / s) * (ci + co), "added all three"),
    (lambda h, w, ci, co, s: math.ceil(h / s) * math.ceil(w / s) * (ci + co), "only the pointwise step"),
    (lambda h, w, ci, co, s: max(h * w * ci, math.ceil(h / s) * math.ceil(w / s) * co), "largest single tensor"),
    (lambda h, w, ci, co, s: max(2 * h * w * ci, h * w * (ci + co)), "ignored the stride"),
    (lambda h, w, ci, co, s: max(h * w * ci + (h // s) * (w // s) * ci, (h // s) * (w // s) * (ci + co)), "ceil"),
])
def test_block_bytes_targeted_messages(wrong, message):
    result = ex.block_bytes.evaluate(wrong)
    assert result.status == "incorrect"
    assert message in result.message


def test_block_bytes_other_mistakes():
    assert "not what the block keeps alive" in ex.block_bytes.evaluate(lambda *a: 7).message
    assert "number of bytes" in ex.block_bytes.evaluate(lambda *a: "many").message
    assert "whole numbers" in ex.block_bytes.evaluate(lambda *a: right_block_bytes(*a) + 0.5).message
    assert "raised ZeroDivisionError" in ex.block_bytes.evaluate(lambda *a: 1 / 0).message


def test_block_bytes_compares_with_the_file():
    result = ex.block_bytes.evaluate(right_block_bytes, first_block=(48, 48, 8, 16, 1), file_peak=60_000)
    assert result.status == "incorrect" and "peak read from the .tflite file is 60,000" in result.message


# --- Exercise 7.1: the switch with hysteresis -------------------------------------------------

def right_switch(detections, on_after, off_after):
    state, run, states = False, 0, []
    for detected in detections:
        run = run + 1 if bool(detected) != state else 0
        if run >= (off_after if state else on_after):
            state, run = not state, 0
        states.append(state)
    return states


def test_tv_switch_correct():
    assert ex.tv_switch.evaluate(right_switch).status == "correct"
    assert ex.tv_switch.evaluate(scenes.hysteresis).status == "correct"
    # numpy arrays and 0/1 ints are fine too
    assert ex.tv_switch.evaluate(lambda d, n, m: np.array(right_switch(d, n, m), int)).status == "correct"


def test_tv_switch_not_attempted():
    assert ex.tv_switch.evaluate(...).status == "not attempted"
    assert ex.tv_switch.evaluate(lambda d, n, m: None).status == "not attempted"


@pytest.mark.parametrize("wrong, message", [
    (lambda d, n, m: list(d), "follows every single detection"),
    (lambda d, n, m: right_switch(d, n + 1, m + 1), "one frame late"),
    (lambda d, n, m: right_switch(d, max(n - 1, 1), max(m - 1, 1)), "one frame early"),
    (lambda d, n, m: right_switch(d, n, n), "turning off waits off_after"),
    (lambda d, n, m: right_switch(d, m, n), "swapped the two counts"),
])
def test_tv_switch_targeted_messages(wrong, message):
    result = ex.tv_switch.evaluate(wrong)
    assert result.status == "incorrect"
    assert message in result.message


def test_tv_switch_without_reset():
    def no_reset(detections, on_after, off_after):
        state, count, states = False, 0, []
        for detected in detections:
            if bool(detected) != state:
                count += 1
            if count >= (off_after if state else on_after):
                state, count = not state, 0
            states.append(state)
        return states

    result = ex.tv_switch.evaluate(no_reset)
    assert result.status == "incorrect" and "in a row" in result.message


def test_tv_switch_other_mistakes():
    assert "one state per frame" in ex.tv_switch.evaluate(lambda d, n, m: [True]).message
    result = ex.tv_switch.evaluate(lambda d, n, m: [not s for s in right_switch(d, n, m)])
    assert result.status == "incorrect" and "should be" in result.message


# --- Exercise 7.2: counts for a budget ------------------------------------------------------

@pytest.fixture(scope="module")
def stream_case():
    """Detections with short glitches: false positives of 1-2 frames, misses of up to 4 frames."""
    truth = np.array([0] * 20 + [1] * 40 + [0] * 40 + [1] * 30 + [0] * 20, bool)
    detections = truth.copy()
    detections[[5, 30, 31, 70, 71, 85, 140]] ^= True  # 1-2 frame glitches
    detections[110:114] = False  # a 4-frame miss while present
    return detections, truth


def test_switch_report(stream_case):
    detections, truth = stream_case
    spurious, on_delay, off_delay = scenes.switch_report(1, 1, detections, truth, 2.0)
    assert spurious > 0 and on_delay == 0 and off_delay == 0
    assert scenes.switch_report(3, 5, detections, truth, 2.0) == (0, 1.0, 2.0)
    assert scenes.switch_delays([False, True], [True, True]) == [(True, 1)]
    assert scenes.switch_delays([False, False], [True, True]) == [(True, None)]


def test_pick_counts_correct(stream_case):
    detections, truth = stream_case
    result = ex.pick_counts.evaluate({"on_after": 3, "off_after": 5}, detections=detections, truth=truth)
    assert result.status == "correct", result.message


def test_pick_counts_not_attempted(stream_case):
    detections, truth = stream_case
    blank = {"on_after": ..., "off_after": ...}
    assert ex.pick_counts.evaluate(blank, detections=detections, truth=truth).status == "not attempted"
    assert ex.pick_counts.evaluate(..., detections=detections, truth=truth).status == "not attempted"


@pytest.mark.parametrize("answer, message", [
    ({"on_after": 1, "off_after": 1}, "switches"),
    ({"on_after": 3, "off_after": 2}, "raise the count"),
    ({"on_after": 8, "off_after": 5}, "lower on_after"),
    ({"on_after": 3, "off_after": 20}, "lower off_after"),
    ({"on_after": 0, "off_after": 5}, "at least 1"),
    ({"on_after": 2.5, "off_after": 5}, "whole number"),
    ({"on_after": 3}, "needs the keys"),
    ({"on_after": 3, "off_after": ...}, "off_after is still"),
])
def test_pick_counts_incorrect(stream_case, answer, message):
    detections, truth = stream_case
    result = ex.pick_counts.evaluate(answer, detections=detections, truth=truth)
    assert result.status == "incorrect", result.message
    assert message in result.message
