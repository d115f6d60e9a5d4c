"""Tests of lesson 12_tflm_hello_world's exercise checks: a right answer, wrong answers (with their
targeted messages) and the ``...`` placeholder for each."""
import numpy as np
import pytest

from edgebook.checks import lesson_12 as ex


# --- Exercise 4.1: bytes of weights and biases -----------------------------------------------------

def parameter_bytes(hidden_units):
    return (hidden_units + hidden_units * hidden_units + hidden_units) + 4 * (2 * hidden_units + 1)


def test_parameter_bytes_matches_a_converted_model(ctx):
    from edgebook import convert, data, micro, modelfile, models

    model = models.build_sine_model(16)
    model_bytes = convert.to_tflite(model, "int8", representative_data=data.load("sine").x_train[:100])
    assert sum(t.constant_bytes for t in modelfile.tensors(micro.strip(model_bytes))) == parameter_bytes(16) == 420


def test_parameter_bytes_correct():
    assert ex.parameter_bytes.evaluate(parameter_bytes).status == "correct"


@pytest.mark.parametrize("wrong, message", [
    (lambda h: h + h * h + h, "weights only"),
    (lambda h: (h + h * h + h) + (2 * h + 1), "biases stay int32"),
    (lambda h: 4 * ((h + h * h + h) + (2 * h + 1)), "float32 size"),
    (lambda h: 4 * (h + h * h + h) + (2 * h + 1), "swapped"),
    (lambda h: h * h + 4 * h, "Count layer by layer"),
    (lambda h: h / 3, "whole number"),
])
def test_parameter_bytes_incorrect(wrong, message):
    result = ex.parameter_bytes.evaluate(wrong)
    assert result.status == "incorrect" and message in result.message, result.message


def test_parameter_bytes_not_attempted():
    assert ex.parameter_bytes.evaluate(...).status == "not attempted"
    assert ex.parameter_bytes.evaluate(lambda h: None).status == "not attempted"


# --- Exercise 4.2: fit a flash budget -------------------------------------------------------------

def test_flash_budget_sizes(ctx):
    assert ex.stripped_int8_bytes(10) <= ex.FLASH_BUDGET < ex.stripped_int8_bytes(11)


def test_flash_budget_correct(ctx):
    result = ex.flash_budget.evaluate(10)
    assert result.status == "correct", result.message


@pytest.mark.parametrize("answer, message", [
    (11, "over the 2,048 B budget"),
    (9, "so do 10"),
    (200, "far too many"),
    (0, "at least one unit"),
    (10.5, "whole number"),
    ("10", "whole number"),
])
def test_flash_budget_incorrect(ctx, answer, message):
    result = ex.flash_budget.evaluate(answer)
    assert result.status == "incorrect" and message in result.message, result.message


def test_flash_budget_not_attempted():
    assert ex.flash_budget.evaluate(...).status == "not attempted"


# --- Exercise 6.1: double rounding --------------------------------------------------------------

def requantize_double(acc, multiplier, shift):
    product = acc * multiplier
    nudged = product + ((1 << 30) if product >= 0 else 1 - (1 << 30))
    high = nudged >> 31 if nudged >= 0 else -((-nudged) >> 31)
    right = -shift
    mask = (1 << right) - 1
    threshold = (mask >> 1) + (1 if high < 0 else 0)
    return (high >> right) + (1 if (high & mask) > threshold else 0)


def test_double_rounding_correct():
    assert ex.double_rounding.evaluate(requantize_double).status == "correct"


def test_double_rounding_correct_with_numpy():
    from edgebook import micro

    result = ex.double_rounding.evaluate(lambda a, m, s: micro.requantize(a, m, s, "double"))
    assert result.status == "correct", result.message


def test_double_rounding_cases_tell_the_roundings_apart():
    from edgebook import micro

    acc, mult, shift = (np.array(column) for column in zip(*ex._rounding_cases()))
    differ = micro.requantize(acc, mult, shift, "double") != micro.requantize(acc, mult, shift, "single")
    assert differ.sum() >= 50 and (shift <= 0).all()


def single(acc, multiplier, shift):
    total = 31 - shift
    return (acc * multiplier + (1 << (total - 1))) >> total


def truncated(acc, multiplier, shift):
    return (acc * multiplier) >> (31 - shift)


def wrong_for_negatives(acc, multiplier, shift):
    product = acc * multiplier
    high = (product + (1 << 30)) >> 31
    right = -shift
    mask = (1 << right) - 1
    return (high >> right) + (1 if (high & mask) > (mask >> 1) else 0)


def wrong_shift_sign(acc, multiplier, shift):
    return requantize_double(acc, multiplier, 0) * 2 ** -shift


def int32_product(acc, multiplier, shift):
    """TFLM's steps, but with the product in int32: it wraps around (a learner's np.int32)."""
    product = int((np.array([acc], np.int32) * np.array([multiplier], np.int32))[0])
    nudge = (1 << 30) if product >= 0 else 1 - (1 << 30)
    high = abs(product + nudge) >> 31
    high = high if product + nudge >= 0 else -high
    right = -shift
    mask = (1 << right) - 1
    threshold = (mask >> 1) + (1 if high < 0 else 0)
    return (high >> right) + (1 if (high & mask) > threshold else 0)


def all_int32(acc, multiplier, shift):
    """TFLM's steps in np.int32 scalars throughout, as a learner might write them."""
    with np.errstate(over="ignore"):
        product = np.int32(acc) * np.int32(multiplier)
        nudge = np.int32(1 << 30) if product >= 0 else np.int32(1 - (1 << 30))
        total = product + nudge
    high = int(total) // (1 << 31) if total >= 0 else -(-int(total) // (1 << 31))
    right = -shift
    mask = (1 << right) - 1
    threshold = (mask >> 1) + (1 if high < 0 else 0)
    return (high >> right) + (1 if (high & mask) > threshold else 0)


@pytest.mark.parametrize("wrong, message", [
    (int32_product, "overflows"),
    (all_int32, "overflows"),
    (lambda a, m, s: 1, "returns 1 for every accumulator"),
    (lambda a, m, s: 0, "np.int32, the product overflows"),
    (single, "single rounding"),
    (truncated, "cut off, not rounded"),
    (wrong_for_negatives, "negative"),
    (wrong_shift_sign, "Check the shift"),
    (lambda a, m, s: "three", "one whole number"),
    (lambda a, m, s: 1 / 0, "ZeroDivisionError"),
])
def test_double_rounding_incorrect(wrong, message):
    result = ex.double_rounding.evaluate(wrong)
    assert result.status == "incorrect" and message in result.message, result.message


def test_double_rounding_not_attempted():
    assert ex.double_rounding.evaluate(...).status == "not attempted"

    def starter(acc, multiplier, shift):
        ...

    assert ex.double_rounding.evaluate(starter).status == "not attempted"


# --- Exercise 7.1: peak activations -------------------------------------------------------------

def test_peak_activations_matches_tflm(ctx):
    from edgebook import convert, data, micro, models

    model_bytes = convert.to_tflite(models.build_sine_model(12), "int8",
                                    representative_data=data.load("sine").x_train[:100])
    assert micro.peak_activation_bytes(model_bytes) == 2 * 12


def test_peak_activations_correct():
    assert ex.peak_activations.evaluate(lambda h: max(1 + h, 2 * h, h + 1)).status == "correct"


@pytest.mark.parametrize("wrong, message", [
    (lambda h: 1 + h + h + 1, "every activation at once"),
    (lambda h: 8 * h, "1 byte per value"),
    (lambda h: h + 1, "middle layer"),
    (lambda h: h * h, "which two tensors"),
])
def test_peak_activations_incorrect(wrong, message):
    result = ex.peak_activations.evaluate(wrong)
    assert result.status == "incorrect" and message in result.message, result.message


def test_peak_activations_not_attempted():
    assert ex.peak_activations.evaluate(...).status == "not attempted"


def test_every_exercise_has_hints():
    for exercise in (ex.parameter_bytes, ex.flash_budget, ex.double_rounding, ex.peak_activations):
        assert len(exercise.hints) >= 2
