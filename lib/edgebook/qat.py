"""Quantization-aware training (QAT) with the Model Optimization Toolkit, and the
post-training rounding it is compared with.

Lesson 05 shows the plain TFMOT code first (``quantize_model``, compile, fit);
afterwards the lessons call these helpers:

    >>> qat_model = qat.quantize_aware(models.baseline_cnn(), digits, epochs=3)
    >>> int8_bytes = convert.to_tflite(qat_model, "int8", representative_data=train_x[:200])

``round_to_bits`` and ``round_weights`` simulate post-training quantization
of the weights to fewer than 8 bits (which the post-training recipes do not
offer), so it can be compared with QAT at the same bit width.

Introduced in 05_quantization_aware_training.
"""
from __future__ import annotations

import numpy as np
import tensorflow as tf
import tensorflow_model_optimization as tfmot

from edgebook import data, models
from edgebook.errors import EdgebookError
from edgebook.seeding import SEED

QAT_EPOCHS = 3
"""Fine-tuning epochs: QAT starts from a trained model, so a few epochs are enough."""

QAT_LEARNING_RATE = 1e-4
"""A tenth of Adam's default: fine-tuning should nudge the trained weights, not retrain them."""


def _check_keras_model(model) -> None:
    if not isinstance(model, tf.keras.Model):
        raise EdgebookError(f"Expected a tf.keras model (for example models.baseline_cnn()); "
                            f"got a {type(model).__name__}.")


def fine_tune(qat_model: tf.keras.Model, digits: data.Dataset, epochs: int = QAT_EPOCHS, *,
              learning_rate: float = QAT_LEARNING_RATE, seed: int = SEED):
    """Compile a quantization-aware model and fine-tune it on the training split, watching
    the validation split, from a fixed seed. Returns the Keras ``History``."""
    _check_keras_model(qat_model)
    qat_model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return models.fit(qat_model, digits, epochs, seed)


def quantize_aware(model: tf.keras.Model, digits: data.Dataset, epochs: int = QAT_EPOCHS, *,
                   learning_rate: float = QAT_LEARNING_RATE, seed: int = SEED) -> tf.keras.Model:
    """The QAT version of a trained Keras model, fine-tuned for ``epochs`` on ``digits``.

    Wraps every layer with ``tfmot.quantization.keras.quantize_model`` (8-bit
    weights and activations, simulated in float while training), compiles,
    and fine-tunes on the training split. The result converts with
    ``convert.to_tflite(qat_model, "int8", representative_data=train_x[:200])``;
    the converter then uses the ranges learned in training. The model you pass
    is not changed. The fine-tuning history is in ``qat_model.history``.
    """
    _check_keras_model(model)
    if wrapped_layers(model):
        raise EdgebookError("This model is already quantization-aware (it has quantize wrappers). "
                            "Pass the float model, e.g. models.baseline_cnn().")
    qat_model = tfmot.quantization.keras.quantize_model(models.copy(model))  # never touch the original
    fine_tune(qat_model, digits, epochs, learning_rate=learning_rate, seed=seed)
    return qat_model


def wrapped_layers(model: tf.keras.Model) -> list[str]:
    """Names of the layers that TFMOT wrapped for quantization (``QuantizeWrapper``), in order."""
    wrapper = tfmot.quantization.keras.QuantizeWrapper
    return [layer.name for layer in model.layers if isinstance(layer, wrapper)]


def fake_quant_ops(model: tf.keras.Model) -> dict[str, int]:
    """How many fake-quant ops of each type run when a quantization-aware ``model`` predicts one
    sample: the model traced into its inference graph, the ops whose type starts with "FakeQuant"
    counted by type (e.g. ``{"FakeQuantWithMinMaxVars": 7, "FakeQuantWithMinMaxVarsPerChannel": 2}``).

    Introduced in 05_quantization_aware_training (exercise 2.1 counts them by hand).
    """
    _check_keras_model(model)
    spec = tf.TensorSpec([1, *model.input_shape[1:]], tf.float32)
    graph = tf.function(lambda x: model(x, training=False)).get_concrete_function(spec).graph
    counts: dict[str, int] = {}
    for op in graph.get_operations():
        if op.type.startswith("FakeQuant"):
            counts[op.type] = counts.get(op.type, 0) + 1
    return counts


def round_to_bits(values, num_bits: int) -> np.ndarray:
    """Round weights to ``num_bits``, per tensor and symmetric, as TFMOT's
    ``LastValueQuantizer(num_bits, symmetric=True, narrow_range=False, per_axis=False)`` does.

    The integer codes run from -2**(num_bits-1) to 2**(num_bits-1) - 1 (-8..7 for 4
    bits); zero stays exactly zero, and the step (scale) is the smallest that fits
    both the largest weight (on code 7) and the most negative one (on code -8).
    Returns the rounded values as float32 ("fake quantized"), not the codes.
    """
    values = np.asarray(values, dtype=np.float32)
    if not 2 <= int(num_bits) <= 8:
        raise ValueError(f"num_bits must be between 2 and 8; got {num_bits}.")
    if values.size == 0:
        raise ValueError("Cannot round an empty array of weights.")
    largest_code = 2 ** (int(num_bits) - 1) - 1
    scale = max(float(values.max()) / largest_code, -float(values.min()) / (largest_code + 1))
    if scale == 0.0:  # all zeros: nothing to round
        return values.copy()
    codes = np.clip(np.round(values / scale), -largest_code - 1, largest_code)
    return (codes * scale).astype(np.float32)


def round_weights(model: tf.keras.Model, num_bits: int) -> tf.keras.Model:
    """A copy of ``model`` whose kernels are rounded to ``num_bits`` (``round_to_bits``).

    This simulates post-training quantization of the weights, with no training:
    biases and activations stay float, so it is, if anything, kinder than real
    low-bit hardware. The model you pass is not changed.
    """
    _check_keras_model(model)
    rounded = tf.keras.models.clone_model(model)
    rounded.set_weights(model.get_weights())
    for layer in rounded.layers:
        kernel = getattr(layer, "kernel", None)
        if kernel is not None:
            kernel.assign(round_to_bits(kernel.numpy(), num_bits))
    rounded.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return rounded
