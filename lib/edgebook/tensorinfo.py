"""What one input or output of a LiteRT model is: name, shape, type and quantization.

``runtime.LiteModel`` and the signature wrappers of ``edgebook.wrapper`` describe
their tensors with it, in the words their error messages use.

Introduced in 03_convert_and_run_with_litert.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from edgebook.showing import shows_itself


@dataclasses.dataclass(frozen=True)
@shows_itself
class TensorInfo:
    """What one input or output of a model is: name, shape (-1 = any size), type, quantization."""

    name: str
    index: int
    shape: tuple[int, ...]
    dtype: np.dtype
    scale: float
    zero_point: int

    @property
    def quantized(self) -> bool:
        return self.scale != 0.0

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        shape = "(" + ", ".join("any" if d == -1 else str(d) for d in self.shape) + ")"
        quant = f", scale {self.scale:.4g}, zero point {self.zero_point}" if self.quantized else ""
        return f"{np.dtype(self.dtype).name} {shape}{quant}"


def tensor_info(detail: dict) -> TensorInfo:
    """A ``TensorInfo`` from one of LiteRT's tensor detail dictionaries."""
    scale, zero_point = detail.get("quantization", (0.0, 0))
    shape = tuple(int(d) for d in detail.get("shape_signature", detail["shape"]))
    return TensorInfo(detail["name"], detail["index"], shape, np.dtype(detail["dtype"]),
                      float(scale), int(zero_point))


def _fits(expected, given) -> bool:
    """Whether a shape matches an expected one axis for axis (-1 or None = any size)."""
    return len(expected) == len(given) and all(e in (-1, None, d) for e, d in zip(expected, given))


def shape_advice(expected, given, keyword: str | None = None) -> str:
    """What to do when an array ``x`` of shape ``given`` was passed for an input of shape ``expected``.

    ``expected`` starts with the batch axis. The answer names the fix
    ("... pass x[None] (a batch of one)."; with ``keyword="raw"``, "pass
    raw=x[None]"), or is empty when no simple fix fits. Every helper that
    checks a model's input uses it.
    """
    expected, given = tuple(expected), tuple(given)
    channels = expected[-1] if expected else None
    if _fits(expected[1:], given):
        why, fix = "It looks like one sample without the batch axis", "x[None] (a batch of one)"
    elif len(expected) >= 3 and channels == 1 and len(given) == len(expected) - 1 and _fits(expected[1:-1], given[1:]):
        why, fix = "It looks like a batch without the channel axis (the model's last axis, of size 1)", "x[..., None]"
    elif len(expected) >= 3 and channels == 1 and _fits(expected[1:-1], given):
        why, fix = "It looks like one sample without the batch and channel axes", "x[None, ..., None]"
    elif (len(given) == len(expected) >= 3 and channels not in (-1, None)
          and _fits(expected, (given[0], *given[2:], given[1]))):
        why, fix = "The channel axis is second (channels first); this model takes it last", "np.moveaxis(x, 1, -1)"
    else:
        return ""
    return f"{why}: pass {keyword + '=' if keyword else ''}{fix}."
