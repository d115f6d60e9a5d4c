"""What one input or output of a LiteRT model is: name, shape, type and quantization.

``runtime.LiteModel`` and the signature wrappers of ``edgebook.wrapper`` describe
their tensors with it, in the words their error messages use.

Introduced in 03_convert_and_run_with_litert.
"""
from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass(frozen=True)
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
