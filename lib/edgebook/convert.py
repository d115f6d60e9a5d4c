"""Keras model, SavedModel or concrete function -> ``.tflite`` bytes, by named recipe.

Lesson 03 shows the plain ``tf.lite.TFLiteConverter`` code first; afterwards
the lessons call ``to_tflite`` and ``save``:

    >>> tflite_bytes = convert.to_tflite(model)           # recipe "float32"
    >>> path = convert.save(tflite_bytes, "digits_float32")

A recipe is a small function that configures the converter: ``float32``
(03_convert_and_run_with_litert), and the post-training quantization recipes
``dynamic_range``, ``float16``, ``int8`` and ``int16x8``
(04_post_training_quantization).

Introduced in 03_convert_and_run_with_litert.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import tensorflow as tf
from tensorflow.lite.python import conversion_metadata_schema_py_generated as _conversion_metadata

from edgebook import paths
from edgebook.errors import ConversionError, ModelNotFoundError
from edgebook.nativelogs import muted_native_logs
from edgebook.unsupported import explain_conversion_error


def _float32(converter: "tf.lite.TFLiteConverter") -> None:
    """No optimization: the weights stay float32, the baseline every other recipe is compared with."""


def _dynamic_range(converter) -> None:
    """Weights stored as int8 (4x smaller); activations stay float, computed in float or
    quantized on the fly. Needs no sample data."""
    converter.optimizations = [tf.lite.Optimize.DEFAULT]


def _float16(converter) -> None:
    """Weights stored as float16 (2x smaller); they are turned back into float32 at load
    time on a CPU, while GPUs can compute in float16 directly."""
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.target_spec.supported_types = [tf.float16]


def _representative(samples):
    """The calibration data the converter runs to find each activation's range."""
    samples = np.asarray(samples, dtype=np.float32)
    if samples.ndim < 2 or len(samples) == 0:
        raise ConversionError("representative_data must be a batch of input samples, e.g. "
                              "train_x[:200]: the converter runs them to measure activation ranges.")
    return lambda: ([samples[i:i + 1]] for i in range(len(samples)))


def _int8(converter, representative_data=None) -> None:
    """Full integer: int8 weights AND activations, int8 input and output: what
    microcontrollers and most NPUs run. Needs representative data to calibrate."""
    if representative_data is None:
        raise ConversionError("The int8 recipe needs representative_data (a few hundred training "
                              "inputs, e.g. train_x[:200]) to measure the range of every activation.")
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = _representative(representative_data)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8


def _int16x8(converter, representative_data=None) -> None:
    """int8 weights with int16 activations: more precise activations than int8, for
    models that lose too much accuracy otherwise. Float input and output."""
    if representative_data is None:
        raise ConversionError("The int16x8 recipe needs representative_data (e.g. train_x[:200]).")
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = _representative(representative_data)
    converter.target_spec.supported_ops = [
        tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]


RECIPES: dict[str, Callable] = {
    "float32": _float32,
    "dynamic_range": _dynamic_range,
    "float16": _float16,
    "int8": _int8,
    "int16x8": _int16x8,
}


def serving_function(model: tf.keras.Model):
    """The call that ``from_keras_model`` converts: inference (``training=False``) for any batch size,
    outputs named after the model's output layers, as a concrete function.

    It is the default signature Keras writes into a SavedModel (``serving_default``),
    traced on its own, without the rest of the SavedModel.
    """
    inputs, _ = model.save_spec(dynamic_batch=True)

    @tf.function
    def serve(*images):
        outputs = tf.nest.flatten(model(*images, training=False))
        return dict(zip(model.output_names, outputs))

    return serve.get_concrete_function(*inputs)


def _keras_converter(model: tf.keras.Model) -> "tf.lite.TFLiteConverter":
    """A converter that writes the same bytes as ``TFLiteConverter.from_keras_model(model)``, faster.

    ``from_keras_model`` first saves the whole Keras model as a SavedModel (every
    layer's functions, what training needs) and converts its serving signature.
    Handing the converter that signature directly (``serving_function``) skips the
    Keras part: about 0.2 s instead of 0.8 s for lesson 04's baseline, the same file.
    Models it cannot trace this way (subclassed, several inputs) take the usual path.
    """
    if model.inputs is None or len(model.inputs) != 1 or model.save_spec() is None:
        return tf.lite.TFLiteConverter.from_keras_model(model)
    converter = converter_for(serving_function(model))
    # The file records where the model came from (conversion metadata): a Keras model, as before.
    converter._metadata.environment.modelType = _conversion_metadata.ModelType.KERAS_MODEL
    return converter


def converter_for(model) -> "tf.lite.TFLiteConverter":
    """The right TFLiteConverter for a Keras model, a SavedModel folder or a concrete function.

    A Keras model gets a converter that writes exactly what ``from_keras_model``
    writes, without its slow SavedModel export (see ``_keras_converter``).
    """
    if isinstance(model, tf.keras.Model):
        return _keras_converter(model)
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


def inference_function(model: tf.keras.Model, batch_size: int = 1):
    """The model's inference call (``training=False``) traced for a fixed batch: a concrete function.

    Introduced in 08_architectures_for_the_edge.
    """
    spec = tf.TensorSpec([batch_size, *model.input_shape[1:]], tf.float32, name="images")
    return tf.function(lambda images: model(images, training=False)).get_concrete_function(spec)


def _selectively_quantized(converter, representative_data, keep_float) -> bytes:
    """int8 everywhere except the named ops or tensors, through the quantization debugger.

    Names in capitals (``"FULLY_CONNECTED"``) keep every op of that type in float;
    other names are output tensors (as in the debugger's layer statistics).
    """
    ops = [name for name in keep_float if name.isupper()]
    nodes = [name for name in keep_float if not name.isupper()]
    _int8(converter, representative_data)
    converter.inference_input_type = converter.inference_output_type = tf.float32
    debugger = tf.lite.experimental.QuantizationDebugger(
        converter=converter, debug_dataset=_representative(representative_data),
        debug_options=tf.lite.experimental.QuantizationDebugOptions(
            denylisted_ops=ops or None, denylisted_nodes=nodes or None))
    return debugger.get_nondebug_quantized_model()


def to_tflite(model, recipe: str = "float32", *, sparse: bool = False, keep_float=None,
              frozen_graph: bool = False, **options) -> bytes:
    """Convert ``model`` to ``.tflite`` bytes with the named recipe (see ``RECIPES``).

    ``representative_data=train_x[:200]`` is needed by the int8 and int16x8 recipes.
    ``sparse=True`` stores pruned weights in a sparse format that XNNPACK can
    run faster (``Optimize.EXPERIMENTAL_SPARSITY``; introduced in 06_pruning).
    ``keep_float=["FULLY_CONNECTED"]`` (op types) or output tensor names, with the
    int8 recipe: selective quantization, those stay float and the model keeps
    float input and output (introduced in 04_post_training_quantization).
    ``frozen_graph=True`` (a Keras model) traces the inference call for a batch of
    one and hands the frozen graph straight to the converter, without any
    SavedModel round trip: the same ops and weights, but no signature (introduced
    in 08_architectures_for_the_edge, where ``architectures.to_tflite`` calls it).
    """
    if recipe not in RECIPES:
        raise ConversionError(f"Unknown recipe {recipe!r}; the course has: {', '.join(RECIPES)}.")
    if frozen_graph:
        converter = converter_for(inference_function(model))
        converter.experimental_lower_to_saved_model = False
    else:
        converter = converter_for(model)
    if keep_float:
        if recipe != "int8" or sparse:
            raise ConversionError("keep_float works with the int8 recipe (and without sparse=True).")
        if "representative_data" not in options:
            raise ConversionError("keep_float needs representative_data too (e.g. train_x[:200]).")
        with muted_native_logs():
            return _selectively_quantized(converter, options["representative_data"], keep_float)
    try:
        RECIPES[recipe](converter, **options)
    except TypeError:
        raise ConversionError(f"The {recipe!r} recipe does not take the options {sorted(options)}.") from None
    if sparse:
        converter.optimizations = [*converter.optimizations, tf.lite.Optimize.EXPERIMENTAL_SPARSITY]
    return run_converter(converter, f"recipe {recipe!r}")


def run_converter(converter, what: str = "float32") -> bytes:
    """``converter.convert()`` with the converter's noise muted and its failures explained.

    Ops without a built-in kernel raise ``UnsupportedOpsError`` with a clear
    explanation and the three ways out (lesson 10); any other failure raises
    ``ConversionError`` with the first lines of the converter's long message.
    """
    try:
        # setup() filters the warning every int8-input conversion gives ("Statistics for quantized inputs").
        with muted_native_logs():
            return converter.convert()
    except Exception as error:  # the converter's own messages are long; keep the first lines
        unsupported = explain_conversion_error(error)
        if unsupported is not None:
            raise unsupported from None
        first_lines = "\n".join(str(error).strip().splitlines()[:6])
        raise ConversionError(f"The converter failed ({what}):\n{first_lines}") from None


def save(tflite_bytes: bytes, name: str) -> Path:
    """Write ``.tflite`` bytes to ``build/models/<name>.tflite`` and return the path."""
    path = paths.build_dir("models") / f"{name}.tflite"
    path.write_bytes(tflite_bytes)
    return path
