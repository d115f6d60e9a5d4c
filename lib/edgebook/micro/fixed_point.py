"""Integer arithmetic: how an int8 op rescales its result, as TFLM and LiteRT do it.

An int8 op sums products of int8 values in an int32 accumulator, then rescales
the sum to the output's scale: acc * (input_scale * weight_scale / output_scale).
Kernels do this in integers: the real multiplier becomes a 31-bit fixed-point
multiplier and a shift (``quantize_multiplier``), applied by ``requantize``.

Introduced in 12_tflm_hello_world.
"""
from __future__ import annotations

import math

import numpy as np

ROUNDINGS = ("double", "single")
"""How ``requantize`` rounds: "double" as TFLM (and gemmlowp) do, "single" as LiteRT's reference kernels."""


def quantize_multiplier(real_multiplier: float) -> tuple[int, int]:
    """A positive real multiplier as (multiplier, shift): real = multiplier * 2**(shift - 31).

    ``multiplier`` is a 31-bit integer between 2**30 and 2**31 - 1; this is
    TFLite's and TFLM's ``QuantizeMultiplier``, computed in double precision.

    Introduced in 12_tflm_hello_world.
    """
    real_multiplier = float(real_multiplier)
    if real_multiplier < 0:
        raise ValueError(f"The multiplier must be positive (a ratio of scales); you gave {real_multiplier}.")
    if real_multiplier == 0:
        return 0, 0
    fraction, shift = math.frexp(real_multiplier)  # real = fraction * 2**shift, 0.5 <= fraction < 1
    multiplier = math.floor(fraction * 2**31 + 0.5)  # C's round(): halves away from zero
    if multiplier == 2**31:
        multiplier, shift = multiplier // 2, shift + 1
    if shift < -31:
        return 0, 0
    return int(multiplier), int(shift)


def requantize(accumulator, multiplier, shift, rounding: str = "double") -> np.ndarray:
    """``accumulator * multiplier * 2**(shift - 31)``, rounded to integers as a kernel does it.

    - ``"double"`` (TFLM, gemmlowp): first keep the high 32 bits of the doubled
      product, rounded (``SaturatingRoundingDoublingHighMul``), then divide by
      ``2**-shift``, rounding again, halves away from zero (``RoundingDivideByPOT``).
    - ``"single"`` (LiteRT built with ``TFLITE_SINGLE_ROUNDING``, as its
      reference kernels are): one exact product, one rounding, halves up.

    The two agree on most values and differ by 1 when the first rounding of
    "double" pushes a value across a half. Works on NumPy arrays (int64 inside);
    ``multiplier`` and ``shift`` may be per-channel arrays that broadcast.

    Introduced in 12_tflm_hello_world.
    """
    if rounding not in ROUNDINGS:
        raise ValueError(f"rounding must be 'double' (TFLM) or 'single' (LiteRT reference); you gave {rounding!r}.")
    x = np.asarray(accumulator, dtype=np.int64)
    m = np.asarray(multiplier, dtype=np.int64)
    shift = np.asarray(shift, dtype=np.int64)
    if rounding == "single":
        total_shift = 31 - shift
        return (x * m + (np.int64(1) << (total_shift - 1))) >> total_shift
    left, right = np.maximum(shift, 0), np.maximum(-shift, 0)
    product = (x << left) * m
    nudged = product + np.where(product >= 0, 1 << 30, 1 - (1 << 30))
    high = np.where(nudged >= 0, nudged >> 31, -((-nudged) >> 31))  # C division: towards zero
    mask = (np.int64(1) << right) - 1
    threshold = (mask >> 1) + (high < 0)
    return (high >> right) + ((high & mask) > threshold)
