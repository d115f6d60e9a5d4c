"""Exercise checks of lesson 04_post_training_quantization (the affine quantization math by hand,
checked against what LiteRT stored in the int8 model; choosing a recipe for a microcontroller).

    >>> from edgebook.checks import lesson_04 as ex
    >>> ex.scale_zero_point.check(int8_scale_zero_point, tensor_range=(low, high),
    ...                           stored=(stored_scale, stored_zero_point))
    >>> ex.quantize_int8.check(quantize_int8)
    >>> ex.microcontroller_recipe.check({"recipe": ..., "reasons": ...})
"""
from __future__ import annotations

import numbers

import numpy as np

from edgebook.exercises import Exercise, Incorrect, NotAttempted, call, require, unanswered

INT8_MIN, INT8_MAX = -128, 127
SCALE_TOLERANCE = 1e-5
"""Relative difference in scale that still counts as the same (float32 vs float64 arithmetic)."""


def reference_scale_zero_point(low: float, high: float) -> tuple[float, int]:
    """int8 affine parameters for values in [low, high], the way the LiteRT converter computes them:
    the range is first stretched to include 0, so that 0 is stored exactly."""
    low, high = min(float(low), 0.0), max(float(high), 0.0)
    scale = (high - low) / (INT8_MAX - INT8_MIN)
    zero_point = int(np.clip(np.round(INT8_MIN - low / scale), INT8_MIN, INT8_MAX))
    return scale, zero_point


def reference_quantize_int8(x, scale: float, zero_point: int) -> np.ndarray:
    """real -> int8: q = clip(round(x / scale) + zero_point, -128, 127)."""
    q = np.round(np.asarray(x, dtype=np.float64) / scale) + zero_point
    return np.clip(q, INT8_MIN, INT8_MAX).astype(np.int8)


# --- Exercise 3.1: scale and zero point from a range ---------------------------------------

_RANGE_CASES = (
    ((0.0, 1.0), "the model's input, pixels 0..1"),
    ((-2.0, 6.0), "values from -2 to 6"),
    ((0.5, 3.0), "values from 0.5 to 3 (the range must first be stretched to include 0)"),
    ((-4.0, -1.0), "values from -4 to -1 (the range must first be stretched to include 0)"),
)


def _pair(result, low, high):
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise Incorrect(f"Your function should return two numbers, (scale, zero_point); for the range "
                        f"({low:g}, {high:g}) it returned {result!r}.")
    scale, zero_point = result
    if unanswered(scale) and unanswered(zero_point):  # the workbook's starter: both still ...
        raise NotAttempted()
    if unanswered(scale) or unanswered(zero_point):
        raise Incorrect("One of scale and zero_point is still ...: compute both.")
    if not isinstance(scale, numbers.Real) or not isinstance(zero_point, numbers.Real):
        raise Incorrect(f"Return plain numbers (scale, zero_point); you returned {result!r}.")
    return float(scale), zero_point


def _diagnose_scale_zero_point(scale, zero_point, low, high, what):
    expected_scale, expected_zero_point = reference_scale_zero_point(low, high)
    if not np.isclose(scale, expected_scale, rtol=SCALE_TOLERANCE, atol=0):
        if np.isclose(scale, (high - low) / 255, rtol=SCALE_TOLERANCE) and (low > 0 or high < 0):
            raise Incorrect(f"For {what} your scale is (high - low) / 255. Stretch the range to include 0 "
                            "first (low = min(low, 0), high = max(high, 0)), so that 0 gets an exact "
                            "integer code.")
        if np.isclose(scale, (max(high, 0) - min(low, 0)) / 256, rtol=SCALE_TOLERANCE):
            raise Incorrect("Your scale divides the range by 256. int8 has 256 codes but 255 steps between "
                            "the lowest (-128) and the highest (127): divide by 255.")
        if np.isclose(scale, 1 / expected_scale, rtol=SCALE_TOLERANCE):
            raise Incorrect("Your scale is upside down: it is the size of one integer step in real units, "
                            "(high - low) / 255.")
        raise Incorrect(f"For {what} your scale is {scale:.6g}; expected {expected_scale:.6g} = "
                        "(high - low) / 255.")
    if not float(zero_point).is_integer():
        raise Incorrect(f"Your zero point {zero_point:g} is not a whole number. It is an integer code "
                        "(the one that stands for 0.0): round it.")
    zero_point = int(zero_point)
    if zero_point == expected_zero_point:
        return
    if zero_point == expected_zero_point + 128:
        raise Incorrect(f"For {what} your zero point is {zero_point}: that is the uint8 zero point "
                        "(codes 0..255). int8 codes run from -128, so subtract 128.")
    if zero_point == -expected_zero_point or zero_point == int(np.round(-128 + low / scale)):
        raise Incorrect(f"For {what} your zero point {zero_point} has the wrong sign. The lowest value "
                        "must map to code -128: zero_point = -128 - low / scale.")
    if zero_point > INT8_MAX or zero_point < INT8_MIN:
        raise Incorrect(f"For {what} your zero point {zero_point} is outside -128..127. Stretch the "
                        "range to include 0 first; then the zero point is always a valid int8 code.")
    raise Incorrect(f"For {what} your zero point is {zero_point}; expected {expected_zero_point} "
                    "= round(-128 - low / scale).")


def _check_scale_zero_point(function, tensor_range=None, stored=None):
    for (low, high), what in _RANGE_CASES:
        scale, zero_point = _pair(call(function, low, high), low, high)
        _diagnose_scale_zero_point(scale, zero_point, low, high, what)
    if tensor_range is not None and stored is not None:
        low, high = (float(v) for v in tensor_range)
        scale, zero_point = _pair(call(function, low, high), low, high)
        stored_scale, stored_zero_point = float(stored[0]), int(stored[1])
        if not (np.isclose(scale, stored_scale, rtol=SCALE_TOLERANCE) and zero_point == stored_zero_point):
            raise Incorrect(f"For the tensor's range ({low:.4g}, {high:.4g}) your function gives scale "
                            f"{scale:.6g}, zero point {zero_point}, but LiteRT stored scale "
                            f"{stored_scale:.6g}, zero point {stored_zero_point}.")


scale_zero_point = Exercise(
    "Exercise 3.1 — Scale and zero point",
    _check_scale_zero_point,
    hints=[
        "int8 codes run from -128 to 127: 255 steps. The scale is the real size of one step; the zero "
        "point is the code that stands for 0.0.",
        "Stretch the range to include 0 (low = min(low, 0); high = max(high, 0)), then "
        "scale = (high - low) / 255; the lowest value must get code -128.",
        "zero_point = int(round(-128 - low / scale)), after the stretching; return (scale, zero_point).",
    ],
    success="Your numbers are exactly the ones the LiteRT converter stored in the model file.",
)


# --- Exercise 3.2: quantize to int8 ---------------------------------------------------------

def _quantize_cases():
    """Values around a logits-like range, including some far outside it (they must saturate)."""
    rng = np.random.default_rng(4)
    values = rng.uniform(-30.0, 30.0, 400).astype(np.float32)
    values = np.concatenate([values, np.float32([0.0, -60.0, 60.0, 1e4, -1e4])])
    return [(values, 0.2111101, -1), (np.abs(values[:200]) / 40, 1 / 255, -128)]


def _check_quantize_int8(function):
    for values, scale, zero_point in _quantize_cases():
        result = call(function, values.copy(), scale, zero_point)
        q = np.asarray(result)
        if q.shape != values.shape:
            raise Incorrect(f"For an input of shape {values.shape} your function returned shape {q.shape}: "
                            "quantize every value, keep the shape.")
        if q.dtype != np.int8:
            raise Incorrect(f"Your function returns {q.dtype} values; LiteRT feeds the model int8. Convert "
                            "at the end with .astype(np.int8) (after clipping).")
        expected = reference_quantize_int8(values, scale, zero_point)
        if np.array_equal(q, expected):
            continue
        scaled = values.astype(np.float64) / scale
        exact_halves = np.isclose(scaled - np.floor(scaled), 0.5)
        if np.all((q == expected) | (exact_halves & (np.abs(q.astype(int) - expected) == 1))):
            continue  # rounding a tie the other way is fine
        wide = scaled + zero_point
        if np.array_equal(q, np.clip(np.floor(wide), -128, 127).astype(np.int8)) or \
                np.array_equal(q, np.clip(np.trunc(wide), -128, 127).astype(np.int8)):
            raise Incorrect("Your codes are sometimes one too low: the value is cut off, not rounded. "
                            "Use np.round before converting to int8.")
        if np.array_equal(q, np.round(wide).astype(np.int64).astype(np.int8)):
            raise Incorrect("Values outside the range wrapped around (e.g. 60.0 became a negative code). "
                            "np.clip the codes to -128..127 before .astype(np.int8), so they saturate.")
        if np.array_equal(q, reference_quantize_int8(values, scale, -zero_point)):
            raise Incorrect("The zero point has the wrong sign: ADD it, q = round(x / scale) + zero_point.")
        if np.array_equal(q, np.clip(np.round(values * scale) + zero_point, -128, 127).astype(np.int8)):
            raise Incorrect("You multiplied by the scale. The scale is the size of one step, so the code "
                            "is x / scale.")
        if np.array_equal(q, np.clip(np.round(values / scale), -128, 127).astype(np.int8)):
            raise Incorrect("You forgot the zero point: q = round(x / scale) + zero_point.")
        wrong = int(np.sum(q != expected))
        first = int(np.argmax(q != expected))
        raise Incorrect(f"{wrong} of {len(values)} codes differ from q = clip(round(x / scale) + zero_point, "
                        f"-128, 127); e.g. x = {values[first]:.4g} (scale {scale:.4g}, zero point "
                        f"{zero_point}) should give {expected[first]}, you gave {q[first]}.")


quantize_int8 = Exercise(
    "Exercise 3.2 — Quantize to int8",
    _check_quantize_int8,
    hints=[
        "Three steps: divide by the scale and round, add the zero point, keep the result inside -128..127.",
        "np.round(x / scale) + zero_point gives the codes; np.clip(..., -128, 127) saturates those "
        "outside the range.",
        "return np.clip(np.round(x / scale) + zero_point, -128, 127).astype(np.int8)",
    ],
    success="These are the bytes LiteRT feeds the int8 model: values outside the range saturate "
            "instead of wrapping around.",
)


# --- Exercise 4.1: a recipe for a microcontroller --------------------------------------------

RECIPES = ("float32", "dynamic_range", "float16", "int8", "int16x8")

REASONS = {
    "a": "All of its arithmetic is integer arithmetic, which microcontrollers without a "
         "floating-point unit run fast.",
    "b": "It is the only recipe that stores the weights in 1 byte instead of 4.",
    "c": "Its activations are int8 too, so the working memory (the tensor arena) needs about a "
         "quarter of the bytes float32 activations need.",
    "d": "It is always more accurate than the float32 model.",
}
TRUE_REASONS = frozenset({"a", "c"})

_WRONG_RECIPE = {
    "float32": "float32 keeps 4 bytes per weight and needs floating-point math everywhere: the "
               "biggest file and the slowest choice on a chip without a floating-point unit.",
    "float16": "float16 halves the file, but the weights are turned back into float32 before they "
               "are used: the math and the working memory stay float.",
    "dynamic_range": "dynamic range stores int8 weights, but the activations stay float, so every "
                     "layer still needs floating-point math and float buffers. Microcontroller "
                     "runtimes such as TFLM are built around full-integer models.",
    "int16x8": "int16x8 is integer, but its activations take 2 bytes each and, as the LiteRT guide "
               "warns, few of its kernels are optimized: it is usually many times slower than int8 "
               "(compare the two in the table). Keep it for a model that loses too much accuracy in int8.",
}

_WRONG_REASON = {
    "b": "(b) is not true: dynamic range and int16x8 also store 1-byte weights. The difference is "
         "the activations.",
    "d": "(d) is not true: int8 rounds every weight and activation. Here it was within a fraction of "
         "a point of float32 (one or two test images), which is noise, not a rule.",
}


def _check_microcontroller_recipe(answer):
    answer = require(answer)
    if not isinstance(answer, dict) or set(answer) != {"recipe", "reasons"}:
        raise Incorrect('Pass a dict {"recipe": "...", "reasons": {...}}.')
    recipe, reasons = answer["recipe"], answer["reasons"]
    if unanswered(recipe) and unanswered(reasons):
        raise NotAttempted()
    if unanswered(recipe) or unanswered(reasons):
        raise Incorrect("Fill in both the recipe and the reasons.")
    if not isinstance(recipe, str) or recipe.strip().lower() not in RECIPES:
        raise Incorrect(f"The recipe should be one of the five names: {', '.join(RECIPES)}; "
                        f"you gave {recipe!r}.")
    recipe = recipe.strip().lower()
    if recipe != "int8":
        raise Incorrect(f"Not {recipe}: {_WRONG_RECIPE[recipe]}")
    if isinstance(reasons, str):
        reasons = {reasons}
    try:
        chosen = {str(r).strip().lower() for r in reasons}
    except TypeError:
        raise Incorrect('Give the reasons as a set of letters, e.g. {"a", "b"}.') from None
    unknown = sorted(chosen - set(REASONS))
    if unknown:
        raise Incorrect(f"There is no reason {unknown[0]!r}; choose among {', '.join(sorted(REASONS))}.")
    wrong = sorted(chosen - TRUE_REASONS)
    if wrong:
        raise Incorrect(_WRONG_REASON[wrong[0]])
    missing = sorted(TRUE_REASONS - chosen)
    if missing:
        raise Incorrect(f"int8 is right, and your reasons are true, but one is missing: ({missing[0]}) "
                        f"{REASONS[missing[0]]}")


microcontroller_recipe = Exercise(
    "Exercise 4.1 — A recipe for a microcontroller",
    _check_microcontroller_recipe,
    hints=[
        "A typical microcontroller has a few hundred KB of RAM, and often no floating-point unit. Which "
        "recipe leaves no float math at all?",
        "Look at which recipes keep float activations (float32, float16, dynamic range), and at the int16x8 "
        "row of the table. Then check each reason against the table: which recipes store 1-byte weights?",
        'The recipe is "int8". Two of the four reasons are true: the ones about integer arithmetic and '
        "about the activations.",
    ],
    success="int8: integer math end to end, 1-byte weights AND 1-byte activations. That is the model "
            "format TFLM runs (lessons 12-15).",
)
