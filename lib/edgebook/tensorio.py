"""What goes in and out of a model: checking, quantizing and dequantizing its tensors' values.

``ModelIO`` knows a model's input and output tensors (``TensorInfo``) and
nothing about which runtime runs it: ``runtime.LiteModel`` (LiteRT) is one, and
``micro.run`` builds one from TFLM's own tensor details, so a model that LiteRT
refuses still gets checked, quantized input in TFLM.

Introduced in 03_convert_and_run_with_litert.
"""
from __future__ import annotations

import warnings

import numpy as np

from edgebook.errors import InputSaturationWarning, ModelInputError
from edgebook.tensorinfo import TensorInfo, shape_advice

SATURATION_WARNING_FRACTION = 0.05
"""``predict`` warns when quantizing float input clips more than this fraction of its values."""


class ModelIO:
    """A model's input and output tensors, and what turns a learner's array into the input they take."""

    def __init__(self, inputs: list[TensorInfo], outputs: list[TensorInfo]):
        self.inputs, self.outputs = list(inputs), list(outputs)

    @property
    def input(self) -> TensorInfo:
        return self.inputs[0]

    @property
    def output(self) -> TensorInfo:
        return self.outputs[0]

    # -- checks that turn a wrong call into a clear message ------------------
    def _check_shape(self, x: np.ndarray) -> None:
        expected = self.input.shape
        # The batch axis (first) may have any size: predict() feeds fixed-batch models in chunks.
        ok = x.ndim == len(expected) and all(e in (-1, d) for e, d in zip(expected[1:], x.shape[1:]))
        if not ok:
            advice = shape_advice(expected, x.shape) or "Reshape it to the model's input shape."
            raise ModelInputError(
                f"This model expects input {self.input.describe()}; you passed "
                f"{x.dtype.name} {tuple(x.shape)}. {advice}")

    def input_range(self) -> tuple[float, float]:
        """The float values a quantized input can hold: (qmin - zero_point) * scale to (qmax - zero_point) * scale."""
        info = self.input
        limits = np.iinfo(info.dtype)
        return (limits.min - info.zero_point) * info.scale, (limits.max - info.zero_point) * info.scale

    def quantize_input(self, x: np.ndarray) -> np.ndarray:
        """Float data -> the integer type of a quantized input: q = round(x / scale) + zero_point.

        Values outside ``input_range()`` are clipped to its ends (saturate).
        """
        info = self.input
        limits = np.iinfo(info.dtype)
        q = np.round(x / info.scale) + info.zero_point
        return np.clip(q, limits.min, limits.max).astype(info.dtype)

    def _warn_if_saturated(self, x: np.ndarray) -> None:
        low, high = self.input_range()
        clipped = np.count_nonzero((x < low - self.input.scale / 2) | (x > high + self.input.scale / 2))
        fraction = clipped / max(x.size, 1)
        if fraction > SATURATION_WARNING_FRACTION:
            warnings.warn(
                f"{fraction:.0%} of the input values ({clipped:,} of {x.size:,}) lie outside {low:.4g}..{high:.4g}, "
                f"the range this {self.input.dtype.name} model's input can hold, and were clipped to its ends: "
                f"you passed values from {float(x.min()):.4g} to {float(x.max()):.4g}. Pre-process the input "
                "exactly as the data the model was calibrated on (the same scaling).",
                InputSaturationWarning, stacklevel=4)  # the line that called predict (or micro.run)

    def dequantize_output(self, q: np.ndarray, output: int = 0) -> np.ndarray:
        """Integer output -> float: x = (q - zero_point) * scale."""
        info = self.outputs[output]
        if not info.quantized:
            return q
        return (q.astype(np.float32) - info.zero_point) * info.scale

    def prepare(self, x) -> np.ndarray:
        """``x`` as the input tensor takes it: float input quantized for an int8 model, everything checked.

        Integer input must already have the input's exact type. ``predict`` feeds
        what this returns to ``invoke``; ``micro.run`` feeds it to TFLM.
        """
        x = np.asarray(x)
        self._check_shape(x)
        if np.issubdtype(x.dtype, np.floating) and np.isnan(x).any():
            count = int(np.count_nonzero(np.isnan(x)))
            raise ModelInputError(
                f"The input holds {count:,} NaN value{'s' if count != 1 else ''} (of {x.size:,}), first at index "
                f"{tuple(int(i) for i in np.argwhere(np.isnan(x))[0])}: a model computes nothing meaningful "
                "from them. They usually come from a division by zero or missing data in pre-processing: "
                "fix that, or replace them (np.nan_to_num(x)) or drop those samples.")
        wanted = self.input.dtype
        if wanted == np.float32:
            if not np.issubdtype(x.dtype, np.floating):
                raise ModelInputError(
                    f"This model expects input {self.input.describe()}; you passed "
                    f"{x.dtype.name} {tuple(x.shape)}. Pre-process the raw values into floats first.")
            return x.astype(np.float32, copy=False)
        if np.issubdtype(x.dtype, np.floating):
            if not self.input.quantized:
                raise ModelInputError(f"This model expects {self.input.describe()} and stores no "
                                      "scale to quantize float input with.")
            self._warn_if_saturated(x)
            return self.quantize_input(x)
        if x.dtype != wanted:
            raise ModelInputError(
                f"This model expects input {self.input.describe()}; you passed {x.dtype.name}. "
                "Pass float data (predict quantizes it) or data of exactly that integer type.")
        return x
