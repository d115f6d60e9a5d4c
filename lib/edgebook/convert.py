"""Keras model, SavedModel or concrete function -> ``.tflite`` bytes, by named recipe.

Lesson 03 shows the plain ``tf.lite.TFLiteConverter`` code first; afterwards
the lessons call ``to_tflite`` and ``save``:

    >>> tflite_bytes = convert.to_tflite(model)           # recipe "float32"
    >>> path = convert.save(tflite_bytes, "digits_float32")

A recipe is a small function that configures the converter; the optimization
lessons add quantization recipes to ``RECIPES``.

Introduced in 03_convert_and_run_with_litert.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import tensorflow as tf

from edgebook import paths
from edgebook.context import muted_native_logs
from edgebook.errors import ConversionError, ModelNotFoundError


def _float32(converter: "tf.lite.TFLiteConverter") -> None:
    """No optimization: the weights stay float32, the baseline every other recipe is compared with."""


RECIPES: dict[str, Callable] = {
    "float32": _float32,
}


def converter_for(model) -> "tf.lite.TFLiteConverter":
    """The right TFLiteConverter for a Keras model, a SavedModel folder or a concrete function."""
    if isinstance(model, tf.keras.Model):
        return tf.lite.TFLiteConverter.from_keras_model(model)
    if isinstance(model, (str, Path)):
        folder = Path(model)
        if not (folder / "saved_model.pb").is_file():
            raise ModelNotFoundError(
                f"{folder} is not a SavedModel folder (it has no saved_model.pb). "
                "Pass a folder written by tf.saved_model.save(...) or model.export(...).")
        return tf.lite.TFLiteConverter.from_saved_model(str(folder))
    if isinstance(model, tf.types.experimental.ConcreteFunction):
        # Without an object that holds the function's variables, the converter takes an old
        # path that freezes the graph and writes no signature (no get_signature_runner()).
        holder = tf.Module()
        holder.captured_variables = list(model.variables)
        return tf.lite.TFLiteConverter.from_concrete_functions([model], holder)
    if isinstance(model, tf.types.experimental.PolymorphicFunction):
        raise ConversionError(
            "This is a tf.function that has not been traced for a shape yet. Pass a concrete "
            "function: fn.get_concrete_function(tf.TensorSpec([None, 8, 8, 1], tf.float32)).")
    raise ConversionError(
        f"Cannot convert a {type(model).__name__}: pass a tf.keras model, the folder of a "
        "SavedModel, or a concrete function.")


def to_tflite(model, recipe: str = "float32", **options) -> bytes:
    """Convert ``model`` to ``.tflite`` bytes with the named recipe (see ``RECIPES``)."""
    if recipe not in RECIPES:
        raise ConversionError(f"Unknown recipe {recipe!r}; the course has: {', '.join(RECIPES)}.")
    converter = converter_for(model)
    RECIPES[recipe](converter, **options)
    try:
        with muted_native_logs():
            return converter.convert()
    except Exception as error:  # the converter's own messages are long; keep the first lines
        first_lines = "\n".join(str(error).strip().splitlines()[:6])
        raise ConversionError(f"The converter failed (recipe {recipe!r}):\n{first_lines}") from None


def save(tflite_bytes: bytes, name: str) -> Path:
    """Write ``.tflite`` bytes to ``build/models/<name>.tflite`` and return the path."""
    path = paths.build_dir("models") / f"{name}.tflite"
    path.write_bytes(tflite_bytes)
    return path
