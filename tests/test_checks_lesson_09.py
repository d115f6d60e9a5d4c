"""Tests of lesson 09_delegates_and_benchmarking's exercise checks: a right answer, wrong answers
(with their targeted messages) and the ``...`` placeholder for each."""
import math
from types import SimpleNamespace

import numpy as np
import pytest

from edgebook.checks import lesson_09 as ex


# --- Exercise 2.1: median and p90 ---------------------------------------------------------------

def right_median_p90(times_ms):
    return float(np.median(times_ms)), float(np.percentile(times_ms, 90))


def nearest_rank_median_p90(times_ms):
    ordered = sorted(times_ms)
    return float(np.median(times_ms)), ordered[math.ceil(0.9 * len(ordered)) - 1]


MEASURED = np.array([0.027, 0.026, 0.026, 0.031, 0.026, 0.09, 0.026, 0.027, 0.026, 0.028])


@pytest.mark.parametrize("function", [right_median_p90, nearest_rank_median_p90])
def test_median_p90_correct(function):
    result = ex.median_p90.evaluate(function, times_ms=MEASURED)
    assert result.status == "correct", result.message


@pytest.mark.parametrize("wrong, message", [
    (lambda t: (float(np.mean(t)), float(np.percentile(t, 90))), "is the mean"),
    (lambda t: (float(np.median(t)), float(np.max(t))), "slowest run"),
    (lambda t: (float(np.median(t)), float(np.percentile(t, 0.9))), "percent (90)"),
    (lambda t: (float(np.median(t)), float(np.percentile(t, 10))), "10th percentile"),
    (lambda t: (float(np.median(t)), float(np.sort(t)[int(0.9 * len(t))])), "one place past the 90% mark"),
    (lambda t: (float(np.median(t)), float(t[min(len(t) - 1, int(0.9 * len(t)))])), "without sorting"),
    (lambda t: (float(np.sort(t)[len(t) // 2]), float(np.percentile(t, 90))), "even count"),
    (lambda t: float(np.median(t)), "two numbers"),
    (lambda t: (float(np.median(t)), ...), "still ..."),
])
def test_median_p90_incorrect(wrong, message):
    result = ex.median_p90.evaluate(wrong)
    assert result.status == "incorrect"
    assert message in result.message, result.message


def test_median_p90_learner_exception_is_a_message():
    result = ex.median_p90.evaluate(lambda t: t.nonexistent())
    assert result.status == "incorrect"
    assert "AttributeError" in result.message


def test_median_p90_not_attempted():
    def starter(times_ms):
        ...

    assert ex.median_p90.evaluate(...).status == "not attempted"
    assert ex.median_p90.evaluate(starter).status == "not attempted"
    assert ex.median_p90.evaluate(lambda t: (..., ...)).status == "not attempted"


def test_reference_median_p90_matches_numpy():
    assert ex.reference_median_p90([1.0, 2.0, 3.0, 4.0, 5.0]) == (3.0, 4.6)


# --- Exercise 7.1: count partitions -------------------------------------------------------------

def right_count_partitions(op_names, supported):
    count, inside = 0, False
    for name in op_names:
        if name in supported and not inside:
            count += 1
        inside = name in supported
    return count


CUMSUM_OPS = ["CONV_2D", "CUMSUM", "CONV_2D", "RESHAPE", "FULLY_CONNECTED"]
XNNPACK_OPS = {"CONV_2D", "RESHAPE", "FULLY_CONNECTED"}


def test_count_partitions_correct():
    result = ex.count_partitions.evaluate(right_count_partitions, op_names=CUMSUM_OPS, supported=XNNPACK_OPS,
                                          delegated=[[0], [2, 3, 4]])
    assert result.status == "correct", result.message


@pytest.mark.parametrize("wrong, message", [
    (lambda names, ok: sum(name in ok for name in names), "counted the supported ops"),
    (lambda names, ok: sum(name not in ok for name in names), "does NOT support"),
    (lambda names, ok: [n for n in names if n in ok], "return the number of partitions"),
    (lambda names, ok: 2, "expected"),
])
def test_count_partitions_incorrect(wrong, message):
    result = ex.count_partitions.evaluate(wrong)
    assert result.status == "incorrect"
    assert message in result.message, result.message


def test_count_partitions_every_run():
    def every_run(names, ok):  # delegated and CPU runs alike
        return sum(1 for i, name in enumerate(names) if i == 0 or (name in ok) != (names[i - 1] in ok))

    result = ex.count_partitions.evaluate(every_run)
    assert result.status == "incorrect"
    assert "every run" in result.message or "runs of CPU ops" in result.message, result.message


def test_count_partitions_disagrees_with_the_runtime():
    result = ex.count_partitions.evaluate(right_count_partitions, op_names=CUMSUM_OPS, supported=XNNPACK_OPS,
                                          delegated=[[0, 1, 2, 3, 4]])
    assert result.status == "incorrect"
    assert "XNNPACK really made" in result.message


def test_count_partitions_not_attempted():
    def starter(op_names, supported):
        ...

    assert ex.count_partitions.evaluate(...).status == "not attempted"
    assert ex.count_partitions.evaluate(starter).status == "not attempted"


# --- Exercise 8.1: the op with the most MACs ----------------------------------------------------

def row(index, name, macs, param_bytes, activation_bytes):
    return SimpleNamespace(index=index, name=name, output_shape=(1,), macs=macs, param_bytes=param_bytes,
                           activation_bytes=activation_bytes)


ROWS = [row(0, "CONV_2D", 73_728, 1_280, 32_768), row(1, "MAX_POOL_2D", 0, 0, 8_192),
        row(2, "CONV_2D", 1_179_648, 73_984, 16_384), row(3, "MAX_POOL_2D", 0, 0, 4_096),
        row(4, "RESHAPE", 0, 8, 4_096), row(5, "FULLY_CONNECTED", 131_072, 524_800, 512),
        row(6, "FULLY_CONNECTED", 1_280, 5_160, 40), row(7, "SOFTMAX", 0, 0, 40)]
TOTAL = sum(r.macs for r in ROWS)


def test_top_op_correct():
    answer = {"index": 2, "name": "CONV_2D", "share": 1_179_648 / TOTAL}
    result = ex.top_op.evaluate(answer, rows=ROWS)
    assert result.status == "correct", result.message


@pytest.mark.parametrize("answer, message", [
    ({"index": 5, "name": "FULLY_CONNECTED", "share": 0.5}, "most parameter bytes"),
    ({"index": 0, "name": "CONV_2D", "share": 0.5}, "most activation bytes"),
    ({"index": 6, "name": "FULLY_CONNECTED", "share": 0.5}, "not the one with the most MACs"),
    ({"index": 2, "name": "FULLY_CONNECTED", "share": 0.85}, "is a CONV_2D"),
    ({"index": 2, "name": "CONV_2D", "share": 100 * 1_179_648 / TOTAL}, "in percent"),
    ({"index": 2, "name": "CONV_2D", "share": 1_179_648 / 131_072}, "second one"),
    ({"index": 2, "name": "CONV_2D", "share": 0.5}, "total MACs"),
    ({"index": "2", "name": "CONV_2D", "share": 0.85}, "an int"),
    ({"index": 2, "name": "CONV_2D"}, "share"),
    ({"index": 2, "name": "CONV_2D", "share": ...}, "still ..."),
])
def test_top_op_incorrect(answer, message):
    result = ex.top_op.evaluate(answer, rows=ROWS)
    assert result.status == "incorrect"
    assert message in result.message, result.message


def test_top_op_not_attempted():
    assert ex.top_op.evaluate(...).status == "not attempted"
    assert ex.top_op.evaluate({"index": ..., "name": ..., "share": ...}, rows=ROWS).status == "not attempted"


# --- Exercise 9.1: MACs of a depthwise-separable convolution ------------------------------------

def right_separable_macs(height, width, in_channels, out_channels, kernel):
    return height * width * in_channels * kernel * kernel + height * width * in_channels * out_channels


SEPARABLE_ROWS = [row(2, "DEPTHWISE_CONV_2D", 18_432, 1_280, 8_192), row(3, "CONV_2D", 131_072, 8_448, 16_384)]


def test_separable_macs_correct():
    result = ex.separable_macs.evaluate(right_separable_macs, rows=SEPARABLE_ROWS)
    assert result.status == "correct", result.message


@pytest.mark.parametrize("wrong, message", [
    (lambda h, w, ci, co, k: h * w * k * k * ci * co, "standard convolution"),
    (lambda h, w, ci, co, k: h * w * ci * k * k, "only the depthwise step"),
    (lambda h, w, ci, co, k: h * w * ci * co, "only the pointwise"),
    (lambda h, w, ci, co, k: h * w * co * k * k + h * w * ci * co, "INPUT channel"),
    (lambda h, w, ci, co, k: h * w * (ci + co), "expected"),
    (lambda h, w, ci, co, k: 1.5, "whole number"),
])
def test_separable_macs_incorrect(wrong, message):
    result = ex.separable_macs.evaluate(wrong)
    assert result.status == "incorrect"
    assert message in result.message, result.message


def test_separable_macs_differs_from_the_converted_model():
    rows = [row(2, "DEPTHWISE_CONV_2D", 1, 0, 0), row(3, "CONV_2D", 1, 0, 0)]
    result = ex.separable_macs.evaluate(right_separable_macs, rows=rows)
    assert result.status == "incorrect"
    assert "modelfile.profile counts" in result.message


def test_separable_macs_not_attempted():
    def starter(height, width, in_channels, out_channels, kernel):
        ...

    assert ex.separable_macs.evaluate(...).status == "not attempted"
    assert ex.separable_macs.evaluate(starter).status == "not attempted"


def test_every_exercise_has_hints():
    for exercise in (ex.median_p90, ex.count_partitions, ex.top_op, ex.separable_macs):
        assert len(exercise.hints) >= 2, exercise.title
