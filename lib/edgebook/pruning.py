"""Magnitude pruning with the Model Optimization Toolkit, and the plain NumPy version of it.

Lesson 06 shows the TFMOT code once (``prune_low_magnitude``, a schedule,
``UpdatePruningStep``, ``strip_pruning``); afterwards lessons call

    >>> pruned_model = pruning.prune(float_model, digits, 0.75)         # 75% of each kernel zero
    >>> structured = pruning.prune(float_model, digits, m_by_n=(2, 4))  # 2 zeros in every 4 inputs
    >>> pqat_model = pruning.pqat(pruned_model, digits)                 # QAT that keeps the zeros

``one_shot_prune`` zeroes the smallest weights without any training
(``one_shot_result`` measures it: lesson 06's sparsity slider), and
``m_by_n_holds`` checks a structured pattern, both in plain NumPy.

Introduced in 06_pruning.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import tensorflow as tf
import tensorflow_model_optimization as tfmot

from edgebook import convert, data, measure, models, progress
from edgebook.errors import EdgebookError
from edgebook.seeding import SEED, seed_everything

PRUNING_EPOCHS = 4
"""Fine-tuning epochs while pruning: enough for this small model to recover (about 0.5 s each)."""

PQAT_EPOCHS = 2
"""Fine-tuning epochs of pruning-preserving quantization-aware training."""

LEARNING_RATE = 3e-4
"""Fine-tuning starts from trained weights: a smaller step than training from scratch (1e-3)."""

BATCH_SIZE = 32
SCHEDULE_END = 0.5
"""The schedule reaches its target sparsity halfway through; the rest of the epochs recover accuracy."""

UPDATES_PER_EPOCH = 2
"""How often per epoch the pruning masks are recomputed."""


def _check_model(model, what: str) -> None:
    from tensorflow_model_optimization.python.core.sparsity.keras.pruning_wrapper import PruneLowMagnitude

    if not isinstance(model, tf.keras.Model):
        raise EdgebookError(f"Expected a tf.keras model ({what}); got a {type(model).__name__}.")
    if any(isinstance(layer, PruneLowMagnitude) for layer in model.layers):
        raise EdgebookError("This model still has its pruning wrappers. Strip them first: "
                            "tfmot.sparsity.keras.strip_pruning(model) (pruning.prune does it for you).")


def _training_data(digits: data.Dataset):
    return models.prepare_digits(digits.x_train), np.asarray(digits.y_train)


def _fine_tune(model: tf.keras.Model, digits: data.Dataset, epochs: int, learning_rate: float,
               callbacks=()) -> tf.keras.Model:
    x, y = _training_data(digits)
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=epochs, batch_size=BATCH_SIZE, verbose=0,
              callbacks=[*callbacks, progress.epochs("fine-tuning")])
    return model


def steps_per_epoch(digits: data.Dataset, batch_size: int = BATCH_SIZE) -> int:
    """Optimizer steps in one epoch over the training split (the pruning schedule counts steps)."""
    return int(np.ceil(len(digits.x_train) / batch_size))


def schedule(target_sparsity: float, digits: data.Dataset, epochs: int = PRUNING_EPOCHS):
    """Polynomial decay from 0 to ``target_sparsity``, reached halfway through the fine-tuning."""
    steps = steps_per_epoch(digits)
    return tfmot.sparsity.keras.PolynomialDecay(
        initial_sparsity=0.0, final_sparsity=float(target_sparsity), begin_step=0,
        end_step=max(1, int(SCHEDULE_END * steps * epochs)),
        frequency=max(1, steps // UPDATES_PER_EPOCH))


def prune(model: tf.keras.Model, digits: data.Dataset, target_sparsity: float | None = None, *,
          epochs: int = PRUNING_EPOCHS, m_by_n: tuple[int, int] | None = None,
          learning_rate: float = LEARNING_RATE, seed: int = SEED) -> tf.keras.Model:
    """Prune a trained model to ``target_sparsity`` while fine-tuning it, and return it stripped.

    Every Conv2D and Dense kernel loses its smallest weights (by magnitude)
    along a polynomial schedule (see ``schedule``). With ``m_by_n=(2, 4)``
    the pruning is structured instead: in every group of 4 consecutive
    weights along a kernel's input axis, the 2 smallest become zero (a 50%
    pattern that some accelerators run faster). The result is a plain Keras
    model (``strip_pruning``) whose zeros stay zeros; ``model`` is not changed.

    Introduced in 06_pruning.
    """
    _check_model(model, "a trained model, e.g. models.baseline_cnn()")
    if m_by_n is not None:
        zeros, group = (int(v) for v in m_by_n)
        if not 0 < zeros < group:
            raise ValueError(f"m_by_n=(m, n) means m zeros in every n weights, with 0 < m < n; got {m_by_n}.")
        if target_sparsity is not None and abs(target_sparsity - zeros / group) > 1e-9:
            raise ValueError(f"m_by_n={m_by_n} gives {zeros / group:.0%} sparsity; leave target_sparsity "
                             f"out (you passed {target_sparsity}).")
        # The pattern is fixed; the schedule only says when the masks are recomputed.
        options = {"sparsity_m_by_n": (zeros, group),
                   "pruning_schedule": tfmot.sparsity.keras.ConstantSparsity(
                       zeros / group, begin_step=0,
                       frequency=max(1, steps_per_epoch(digits) // UPDATES_PER_EPOCH))}
    else:
        if target_sparsity is None or not 0.0 <= float(target_sparsity) < 1.0:
            raise ValueError("target_sparsity is the share of weights to remove, from 0.0 up to (not "
                             f"including) 1.0, e.g. 0.75; got {target_sparsity}.")
        options = {"pruning_schedule": schedule(target_sparsity, digits, epochs)}
    copy = models.copy(model)
    seed_everything(seed)  # after cloning, so the same seed gives the same batches as the plain code
    pruned = tfmot.sparsity.keras.prune_low_magnitude(copy, **options)
    _fine_tune(pruned, digits, epochs, learning_rate,
               callbacks=[tfmot.sparsity.keras.UpdatePruningStep()])
    return tfmot.sparsity.keras.strip_pruning(pruned)


def pqat(pruned_model: tf.keras.Model, digits: data.Dataset, *, epochs: int = PQAT_EPOCHS,
         learning_rate: float = LEARNING_RATE, seed: int = SEED) -> tf.keras.Model:
    """Pruning-preserving quantization-aware training (PQAT) of a pruned, stripped model.

    Plain QAT would let the zeros grow back while it fine-tunes; the
    ``Default8BitPrunePreserveQuantizeScheme`` keeps every zero weight at zero,
    so the int8 model converted from the result keeps the sparsity (and its
    small gzip size). Convert it with the ``int8`` recipe.

    Introduced in 06_pruning; lesson 07 uses it next to clustering.
    """
    _check_model(pruned_model, "a pruned model from pruning.prune")
    copy = models.copy(pruned_model)
    seed_everything(seed)
    annotated = tfmot.quantization.keras.quantize_annotate_model(copy)
    scheme = tfmot.experimental.combine.Default8BitPrunePreserveQuantizeScheme()
    qat_model = tfmot.quantization.keras.quantize_apply(annotated, scheme)
    return _fine_tune(qat_model, digits, epochs, learning_rate)


def one_shot_prune(model: tf.keras.Model, sparsity: float) -> tf.keras.Model:
    """Magnitude pruning with no training: a copy of ``model`` whose kernels lose their smallest weights.

    In every layer's kernel, the ``sparsity`` share of weights with the
    smallest absolute value becomes exactly zero (biases are kept). Fast, and
    what ``prune_low_magnitude`` does at each step, but without fine-tuning
    the model has no chance to make up for what it lost.

    Introduced in 06_pruning.
    """
    if not 0.0 <= float(sparsity) <= 1.0:
        raise ValueError(f"sparsity is a share of the weights, from 0.0 to 1.0; got {sparsity}.")
    clone = models.copy(model)
    for layer in clone.layers:
        values = layer.get_weights()
        if values and values[0].ndim >= 2:  # the kernel; biases (1-D) stay as they are
            kernel = values[0]
            count = int(round(float(sparsity) * kernel.size))
            flat = kernel.ravel().copy()
            flat[np.argsort(np.abs(flat), kind="stable")[:count]] = 0.0
            layer.set_weights([flat.reshape(kernel.shape), *values[1:]])
    return clone


@dataclasses.dataclass(frozen=True)
class OneShot:
    """What ``one_shot_result`` measured for one sparsity."""

    sparsity: float
    accuracy: float
    gzip_bytes: int
    """Size of the float32 .tflite file after gzip: the zeros compress, the file itself does not shrink."""

    def describe(self, float_accuracy: float) -> str:
        """One line for a person, with the change against the unpruned model."""
        return (f"one-shot {self.sparsity:.0%}: accuracy {self.accuracy:.2%} "
                f"({100 * (self.accuracy - float_accuracy):+.1f} points), gzip {self.gzip_bytes / 1024:.0f} KiB")


def one_shot_result(model: tf.keras.Model, sparsity: float, x, y) -> OneShot:
    """Accuracy on ``x, y`` and gzip size of ``model`` pruned one-shot to ``sparsity`` (no training).

    Most of the time goes into converting to .tflite, and one move of lesson
    06's slider costs one call: cache it if you call it often.

    Introduced in 06_pruning.
    """
    pruned = one_shot_prune(model, sparsity)
    return OneShot(float(sparsity), measure.accuracy(pruned, x, y),
                   measure.gzip_size(convert.to_tflite(pruned)))


def input_axis_groups(kernel: np.ndarray, n: int = 4) -> np.ndarray:
    """A kernel cut into groups of ``n`` consecutive weights along its input axis, shape (groups, n).

    Dense kernels are (inputs, outputs) and Conv2D kernels (height, width,
    inputs, outputs); the input axis is the one LiteRT stores last, so the
    groups are what a 2:4 sparse kernel reads. An input axis that is not a
    multiple of ``n`` is padded with zeros.
    """
    kernel = np.asarray(kernel)
    if kernel.ndim not in (2, 4):
        raise ValueError(f"Expected a Dense (2-D) or Conv2D (4-D) kernel; got shape {kernel.shape}.")
    rows = np.moveaxis(kernel, -2, -1).reshape(-1, kernel.shape[-2])  # (everything else, inputs)
    pad = (-rows.shape[1]) % n
    rows = np.pad(rows, ((0, 0), (0, pad)))
    return rows.reshape(-1, n)


def m_by_n_holds(kernel: np.ndarray, m: int = 2, n: int = 4) -> bool:
    """True if every group of ``n`` consecutive weights along the input axis has at least ``m`` zeros."""
    groups = input_axis_groups(kernel, n)
    return bool(np.all(np.sum(groups == 0, axis=1) >= m))
