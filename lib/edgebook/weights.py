"""Look at a Keras model's weights: per layer, how they are spread, how many are
zero, how many distinct values they take.

Pruning (06) shows up as zeros, clustering (07) as few distinct values, and
quantization (04, 05) as values on a grid.

Introduced in 04_post_training_quantization.
"""
from __future__ import annotations

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
