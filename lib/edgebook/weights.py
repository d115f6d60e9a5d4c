"""Look at a Keras model's weights: per layer, how they are spread, how many are
zero, how many distinct values they take.

Pruning (06) shows up as zeros, clustering (07) as few distinct values, and
quantization (04, 05) as values on a grid.

``quantize_kernel`` and ``simulate_weight_bits`` round the weights to fewer
bits and measure what that costs (lesson 04's bit-width slider).

Introduced in 04_post_training_quantization.
"""
from __future__ import annotations

import dataclasses
import weakref

import numpy as np


def kernels(model) -> dict[str, np.ndarray]:
    """The main weight tensor (kernel) of every layer that has one, by layer name.

    Biases are left out: they are few, and pruning and clustering leave them alone.
    Wrapped layers (pruning, clustering, QAT wrappers) are looked through.
    """
    found = {}
    for layer in model.layers:
        for weight in layer.weights:
            short = weight.name.split("/")[-1].split(":")[0]
            if short == "kernel" and weight.trainable:
                found[layer.name] = weight.numpy()
                break
    return found


def sparsity(model) -> dict[str, float]:
    """Share of exactly-zero values in each layer's kernel (0.0 dense, 0.9 = 90% pruned)."""
    return {name: float(np.mean(values == 0)) for name, values in kernels(model).items()}


def unique_values(model) -> dict[str, int]:
    """How many distinct values each layer's kernel holds (clustering to 16 clusters gives <= 16)."""
    return {name: int(np.unique(values).size) for name, values in kernels(model).items()}


def table(model) -> str:
    """Per layer: kernel shape, parameters, sparsity and distinct values, as text."""
    lines = [f"{'layer':<16}{'kernel shape':<22}{'weights':>10}{'zeros':>9}{'distinct':>10}"]
    for name, values in kernels(model).items():
        lines.append(f"{name:<16}{str(values.shape):<22}{values.size:>10,}"
                     f"{np.mean(values == 0):>9.1%}{np.unique(values).size:>10,}")
    return "\n".join(lines)


# --- fewer bits: what rounding the weights alone costs (lesson 04's slider) ---------------------

def quantize_kernel(kernel: np.ndarray, bits: int) -> np.ndarray:
    """``kernel`` rounded to ``bits``-bit codes and back to float (dequantized).

    Per output channel (the last axis) and symmetric, as LiteRT stores int8
    weights: channel ``c`` gets the scale ``max|kernel[..., c]| / (2**(bits-1) - 1)``
    and codes from ``-(2**(bits-1) - 1)`` to ``2**(bits-1) - 1``. So a channel
    keeps at most ``2**bits - 1`` distinct values.
    """
    if not 2 <= int(bits) <= 16:
        raise ValueError(f"bits must be a whole number from 2 to 16 (8 is what LiteRT stores); got {bits}.")
    levels = 2 ** (int(bits) - 1) - 1
    channel_max = np.abs(kernel).reshape(-1, kernel.shape[-1]).max(axis=0)
    scales = np.where(channel_max > 0, channel_max / levels, 1.0)  # an all-zero channel stays zero
    return (np.clip(np.round(kernel / scales), -levels, levels) * scales).astype(kernel.dtype)


@dataclasses.dataclass(frozen=True)
class WeightBits:
    """What ``simulate_weight_bits`` measured for one bit width."""

    bits: int
    rmse: float
    """Root-mean-square difference between the rounded and the original kernels."""
    accuracy: float

    def describe(self, float_accuracy: float) -> str:
        """One line for a person, with the change against the float model."""
        return (f"{self.bits}-bit weights: RMS weight error {self.rmse:.5f}, test accuracy "
                f"{self.accuracy:.1%} ({100 * (self.accuracy - float_accuracy):+.1f} points vs float)")


_rounded_copies = weakref.WeakKeyDictionary()  # model -> a copy whose weights get overwritten


def simulate_weight_bits(model, bits: int, x, y) -> WeightBits:
    """Accuracy on ``x, y`` of ``model`` with every kernel rounded to ``bits`` bits.

    Only the weights are rounded (``quantize_kernel``); activations and biases
    stay float, so this isolates what the weights' bit width costs. The copy
    of the model is made once per model and reused, so a call takes
    milliseconds (fast enough for a slider). ``model`` itself is not changed.

    Introduced in 04_post_training_quantization.
    """
    import tensorflow as tf  # here, so that looking at weights does not need TensorFlow

    if model not in _rounded_copies:
        _rounded_copies[model] = tf.keras.models.clone_model(model)
    rounded = _rounded_copies[model]
    squared_error, count = 0.0, 0
    for layer, rounded_layer in zip(model.layers, rounded.layers):
        values = layer.get_weights()
        if values:  # the kernel first, then the bias, which stays as it is
            kernel = values[0]
            quantized = quantize_kernel(kernel, bits)
            squared_error += float(np.sum((quantized.astype(np.float64) - kernel) ** 2))
            count += kernel.size
            rounded_layer.set_weights([quantized, *values[1:]])
    if count == 0:
        raise ValueError("The model has no weights to round; pass a trained Keras model.")
    predicted = np.argmax(rounded(np.asarray(x), training=False).numpy(), axis=-1)
    return WeightBits(int(bits), float(np.sqrt(squared_error / count)),
                      float(np.mean(predicted == np.asarray(y))))
