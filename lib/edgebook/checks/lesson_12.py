"""Exercise checks of lesson 12_tflm_hello_world (a sine model in int8, run in TFLM on the host, its
bytes, its rounding and its tensor arena).

    >>> from edgebook.checks import lesson_12 as ex
    >>> ex.parameter_bytes.check(parameter_bytes)
    >>> ex.flash_budget.check(hidden_units)
    >>> ex.double_rounding.check(requantize_double)
    >>> ex.peak_activations.check(peak_activations)
"""
from __future__ import annotations

import numbers

import numpy as np

from edgebook.exercises import Exercise, Incorrect, call, require

FLASH_BUDGET = 2048
"""Exercise 4.2: the flash, in bytes, a (made-up) sensor hub leaves for the sine model."""

_WIDTHS = (1, 5, 16, 40)  # hidden units the formula exercises are checked at


def _whole_number(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value != int(value):
        raise Incorrect(f"{what} should be a whole number of bytes; it gave {value!r}.")
    return int(value)


def _learner_error(what: str, error: Exception) -> Incorrect:
    lines = str(error).strip().splitlines()
    return Incorrect(f"{what} raised {type(error).__name__}: {lines[0][:200] if lines else ''}")


# --- Exercise 4.1: bytes of weights and biases ------------------------------------------------

def weight_and_bias_bytes(hidden_units: int) -> int:
    """Constant bytes of the int8 sine model 1 -> h -> h -> 1: int8 weights, int32 biases."""
    h = hidden_units
    weights = 1 * h + h * h + h * 1
    biases = h + h + 1
    return weights * 1 + biases * 4


def _check_parameter_bytes(parameter_bytes):
    for h in _WIDTHS:
        got = _whole_number(call(parameter_bytes, h), f"parameter_bytes({h})")
        expected = weight_and_bias_bytes(h)
        if got == expected:
            continue
        weights, biases = h + h * h + h, 2 * h + 1
        if got == weights:
            raise Incorrect(f"For {h} hidden units you counted the weights only ({got} B). Every unit of a "
                            "Dense layer also has a bias: add them.")
        if got == weights + biases:
            raise Incorrect("You counted one byte per bias. In an int8 model the biases stay int32 (4 bytes): "
                            "they are added to the int32 accumulator before rescaling.")
        if got == 4 * (weights + biases):
            raise Incorrect("That is the float32 size (4 bytes per number). In the int8 model the weights take "
                            "1 byte each; only the biases take 4.")
        if got == 4 * weights + biases:
            raise Incorrect("You swapped the sizes: the weights are int8 (1 byte), the biases int32 (4 bytes).")
        raise Incorrect(f"For {h} hidden units your function gives {got:,} B. Count layer by layer: a Dense "
                        "layer from n inputs to u units stores n x u int8 weights and u int32 biases; the "
                        "model has three such layers (1 -> h, h -> h, h -> 1).")


parameter_bytes = Exercise(
    "Exercise 4.1 — Bytes of weights and biases",
    _check_parameter_bytes,
    hints=[
        "Three Dense layers: 1 -> h, h -> h and h -> 1. Each has inputs x units weights and one bias per unit.",
        "Weights are int8 (1 byte), biases int32 (4 bytes): (h + h*h + h) * 1 + (h + h + 1) * 4.",
    ],
    success="That is the 'weights and biases' part of the file; everything else is bookkeeping around it.",
)


# --- Exercise 4.2: fit a flash budget ----------------------------------------------------------

def stripped_int8_bytes(hidden_units: int) -> int:
    """Flash bytes of the sine model with this many hidden units, int8 and stripped for TFLM.

    The model is untrained: ``models.build_sine_model`` starts the biases random, so it
    has the bytes of a trained one.
    """
    from edgebook import convert, data, micro, models

    calibration = data.load("sine").x_train[:200]
    model = models.build_sine_model(hidden_units)
    return len(micro.strip(convert.to_tflite(model, "int8", representative_data=calibration)))


def _check_flash_budget(hidden_units, budget: int = FLASH_BUDGET):
    value = require(hidden_units)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise Incorrect(f"hidden_units should be a whole number of units, such as 8; you gave {value!r}.")
    h = int(value)
    if h < 1:
        raise Incorrect(f"A layer needs at least one unit; you gave {h}.")
    if h > 64:
        raise Incorrect(f"{h} units per layer is far too many: 64 x 64 int8 weights alone are 4,096 B, "
                        f"twice the {budget:,} B budget.")
    size = stripped_int8_bytes(h)
    if size > budget:
        raise Incorrect(f"With {h} hidden units the stripped int8 model is {size:,} B: over the {budget:,} B "
                        "budget. Try fewer units.")
    bigger = stripped_int8_bytes(h + 1)
    if bigger <= budget:
        raise Incorrect(f"{h} units fit ({size:,} B), but so do {h + 1} ({bigger:,} B): the exercise asks for "
                        "the largest width that fits.")


flash_budget = Exercise(
    "Exercise 4.2 — Fit a 2 KB flash budget",
    _check_flash_budget,
    hints=[
        "The size grows steadily with the width: with 16 units the model is 2,504 B. Measure a few narrower "
        "widths with int8_bytes_for(h) and keep the largest at most 2,048 B.",
        "Each unit fewer saves about 80 B (its weights, biases and per-channel scales): measure the widths from "
        "8 to 12, e.g. {h: int8_bytes_for(h) for h in range(8, 13)}.",
    ],
    success="That is the widest model the budget holds, checked by converting it.",
)


# --- Exercise 6.1: TFLM's double rounding --------------------------------------------------------

def _rounding_cases(seed: int = 12):
    """Accumulators, multipliers and shifts like a model's, with many cases where the roundings disagree."""
    from edgebook import micro

    rng = np.random.default_rng(seed)
    cases = []
    for real in 10 ** rng.uniform(-5, -0.01, size=60):  # M < 1, as in a model: shift <= 0
        multiplier, shift = micro.quantize_multiplier(real)
        for acc in rng.integers(-300_000, 300_000, size=40):
            cases.append((int(acc), multiplier, shift))
    # Values just around a half after the shift, where rounding twice and once part ways.
    multiplier, shift = micro.quantize_multiplier(0.0321)
    cases += [(int(acc), multiplier, shift) for acc in range(-400, 400)]
    return cases


def _with_int32_product(acc, mult, shift) -> np.ndarray:
    """TFLM's double rounding with the product acc * multiplier wrapped to int32, as np.int32 would."""
    product = ((acc.astype(object) * mult.astype(object) + 2**31) % 2**32 - 2**31).astype(np.int64)
    nudge = np.where(product >= 0, 1 << 30, 1 - (1 << 30))
    high = np.trunc((product + nudge) / 2.0**31).astype(np.int64)
    right = -shift
    mask = (np.int64(1) << right) - 1
    threshold = (mask >> 1) + (high < 0)
    return (high >> right) + ((high & mask) > threshold)


def _check_double_rounding(requantize_double):
    from edgebook import micro

    require(requantize_double)
    cases = _rounding_cases()
    acc, mult, shift = (np.array(column, dtype=np.int64) for column in zip(*cases))
    got = []
    for a, m, s in cases:
        value = call(requantize_double, a, m, s)
        try:
            got.append(int(np.asarray(value).item()))
        except (TypeError, ValueError):
            raise Incorrect(f"requantize_double({a}, {m}, {s}) returned {value!r}; expected one whole number.") \
                from None
    got = np.array(got, dtype=np.int64)
    expected = micro.requantize(acc, mult, shift, "double")
    if np.array_equal(got, expected):
        return
    wrong = got != expected
    if np.array_equal(got, micro.requantize(acc, mult, shift, "single")):
        raise Incorrect("That is single rounding (one exact product, one rounding): LiteRT's reference kernels. "
                        "TFLM rounds twice: first the doubled product's high 32 bits, then the division by "
                        "2**-shift.")
    exact = acc.astype(np.float64) * mult * np.exp2(shift.astype(np.float64) - 31)
    if np.array_equal(got, np.floor(exact).astype(np.int64)) or np.array_equal(got, np.trunc(exact).astype(np.int64)):
        raise Incorrect("Your results are cut off, not rounded: add the nudge (2**30, or 1 - 2**30 for a "
                        "negative product) before dividing by 2**31, and round the final shift too.")
    if np.abs(got - expected).max() > 1:
        if len(np.unique(got)) == 1:
            overflow = (" If you compute in np.int32, the product overflows: it needs up to 62 bits, so use Python "
                        "ints or np.int64." if got[0] in (-1, 0) else "")
            raise Incorrect(f"Your function returns {int(got[0])} for every accumulator, whose results range from "
                            f"{int(expected.min())} to {int(expected.max())}.{overflow}")
        if np.mean(got == _with_int32_product(acc, mult, shift)) >= 0.9:  # (the nudge may wrap, too)
            raise Incorrect("Your results are what TFLM's steps give when acc * multiplier is cut to 32 bits: the "
                            "product overflows. It needs up to 62 bits: compute it with Python ints or np.int64, "
                            "never np.int32.")
        a, m, s = cases[int(np.argmax(np.abs(got - expected)))]
        raise Incorrect(f"requantize_double({a}, {m}, {s}) gave {int(got[np.argmax(np.abs(got - expected))])}; "
                        f"the real result is near {a * m * 2.0 ** (s - 31):.2f}. Check the shift: the result is "
                        "acc * multiplier * 2**(shift - 31), and shift is usually negative (a right shift).")
    if not wrong[acc >= 0].any():
        raise Incorrect("Right for positive accumulators, off by one for some negative ones: both steps round "
                        "halves away from zero (nudge 1 - 2**30 for a negative product; in the final shift a "
                        "negative value needs a remainder above mask // 2 + 1 to round away).")
    a, m, s = cases[int(np.argmax(wrong))]
    raise Incorrect(f"Off by one in {int(wrong.sum())} of {len(cases)} cases, e.g. requantize_double({a}, {m}, {s}) "
                    f"gave {int(got[np.argmax(wrong)])} instead of {int(expected[np.argmax(wrong)])}. Round in "
                    "both steps, halves away from zero.")


double_rounding = Exercise(
    "Exercise 6.1 — Round twice, as TFLM does",
    _check_double_rounding,
    hints=[
        "Step 1: high = (acc * multiplier + nudge) / 2**31, cut towards zero, where nudge is 2**30 for a "
        "non-negative product and 1 - 2**30 for a negative one. Step 2: divide high by 2**(-shift), rounding.",
        "Step 2 in integers: right = -shift; mask = 2**right - 1; remainder = high & mask; threshold = mask >> 1, "
        "plus 1 if high < 0; result = (high >> right) + (1 if remainder > threshold else 0). Use Python ints or "
        "int64, never int32 (the product needs 62 bits).",
    ],
    success="That is gemmlowp's SaturatingRoundingDoublingHighMul followed by RoundingDivideByPOT, as in TFLM.",
)


# --- Exercise 7.1: peak activations --------------------------------------------------------------

def _check_peak_activations(peak_activations):
    for h in _WIDTHS:
        got = _whole_number(call(peak_activations, h), f"peak_activations({h})")
        expected = 2 * h
        if got == expected:
            continue
        if got == 1 + h + h + 1:
            raise Incorrect("That holds every activation at once. TFLM's memory planner reuses the bytes of a "
                            "tensor no op will read again: only the running op's input and output must coexist.")
        if got in (4 * expected, 4 * (1 + h + h + 1)):
            raise Incorrect("An int8 activation takes 1 byte per value, not 4.")
        if got == h + 1:
            raise Incorrect("While the middle layer runs, its input (h values) and its output (h values) must "
                            "both be in memory.")
        raise Incorrect(f"For {h} hidden units your function gives {got} B. Look at each of the three layers: "
                        "which two tensors must be in memory while it runs, and how big are they?")


peak_activations = Exercise(
    "Exercise 7.1 — Peak activations of the sine model",
    _check_peak_activations,
    hints=[
        "Three ops run one after the other. While one runs, its input and output must both be in memory; "
        "everything else can be overwritten.",
        "Layer 1 needs 1 + h bytes, layer 2 h + h, layer 3 h + 1: the peak is the largest of these.",
    ],
    success="That is the arena's head: the activations, planned so that dead tensors share bytes.",
)
