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

import collections.abc
import inspect
from pathlib import Path
from typing import Callable

import numpy as np
import tensorflow as tf
from tensorflow.lite.python import conversion_metadata_schema_py_generated as _conversion_metadata

from edgebook import paths
from edgebook.errors import ConversionError, ModelNotFoundError, NotAModelError
from edgebook.modelfile import check_model_bytes
from edgebook.nativelogs import muted_native_logs
from edgebook.tensorinfo import shape_advice
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


REPRESENTATIVE_FORMS = ("an array of input samples (train_x[:200]), a function that yields one [batch] list at a "
                        "time (as TFLite's docs write it), a generator, or a tf.data.Dataset of samples or batches")
"""What ``representative_data`` may be: every form the int8 and int16x8 recipes accept."""


def _floats(value) -> np.ndarray:
    array = np.asarray(value)
    return array.astype(np.float32) if np.issubdtype(array.dtype, np.floating) else array


def _as_inputs(element):
    """One element of a representative dataset as the converter takes it: a list of input batches (or a dict)."""
    if isinstance(element, dict):
        return {name: _floats(value) for name, value in element.items()}
    if isinstance(element, (list, tuple)):
        return [_floats(value) for value in element]
    return [_floats(element)]  # a bare batch: the list around it was forgotten, which is fine


def _check_first_batch(inputs, input_shapes, where: str) -> None:
    """Refuse, with the fix, calibration data whose shape the model's input cannot take."""
    if input_shapes is None or isinstance(inputs, dict):
        return
    if len(inputs) != len(input_shapes):
        raise ConversionError(f"The model has {len(input_shapes)} input(s), but {where} holds {len(inputs)} "
                              "array(s): give one batch per input, in the model's order.")
    for given, expected in zip(inputs, input_shapes):
        expected_text = "(" + ", ".join("any" if d is None else str(d) for d in expected) + ")"
        if len(given.shape) != len(expected) or not all(e in (None, d) for e, d in zip(expected[1:], given.shape[1:])):
            if where == "representative_data":
                advice = shape_advice(expected, given.shape, keyword="representative_data")
            else:
                advice = shape_advice(expected, given.shape).replace(": pass x", ": make every batch x")
            advice = advice or "Give it the model's input shape, batch axis first."
            raise ConversionError(f"The model's input has shape {expected_text}, but {where} has shape "
                                  f"{tuple(given.shape)}. {advice}")


def _dataset_batches(dataset, input_shapes):
    """A function yielding [batch] lists from a tf.data.Dataset of samples or batches (labels dropped)."""
    single_input = input_shapes is not None and len(input_shapes) == 1

    def batches():
        for element in dataset.as_numpy_iterator():
            if isinstance(element, tuple) and len(element) == 2 and (single_input or input_shapes is None):
                element = element[0]  # (features, labels), as Keras trains on: calibration needs the features
            inputs = _as_inputs(element)
            if input_shapes is not None and not isinstance(inputs, dict):
                inputs = [x[np.newaxis] if x.ndim == len(shape) - 1 else x for x, shape in zip(inputs, input_shapes)]
            yield inputs

    return batches


def _representative(data, input_shapes=None):
    """The converter's ``representative_dataset`` (a function that yields [batch] lists) from
    any of ``REPRESENTATIVE_FORMS``, its first batch checked against the model's input shapes."""
    if isinstance(data, tf.data.Dataset):
        make, where = _dataset_batches(data, input_shapes), "the dataset's first batch"
    elif callable(data):
        make, where = (lambda: (_as_inputs(element) for element in data())), "the first batch it yields"
    elif isinstance(data, collections.abc.Iterator):  # a generator: it can run only once, so keep its batches
        kept = [_as_inputs(element) for element in data]
        make, where = (lambda: iter(kept)), "the first batch it yielded"
    else:
        try:
            samples = np.asarray(data, dtype=np.float32)
        except (TypeError, ValueError):
            raise ConversionError(f"representative_data must be {REPRESENTATIVE_FORMS}; you gave a "
                                  f"{type(data).__name__} that is none of these.") from None
        if samples.ndim < 2 or len(samples) == 0:
            raise ConversionError(f"representative_data must be a batch of input samples, e.g. train_x[:200] "
                                  f"(the converter runs them to measure activation ranges); you gave shape "
                                  f"{samples.shape}. It may also be {REPRESENTATIVE_FORMS}.")
        _check_first_batch([samples], input_shapes, "representative_data")
        return lambda: ([samples[i:i + 1]] for i in range(len(samples)))
    first = next(iter(make()), None)
    if first is None:
        raise ConversionError("representative_data gave no batch at all (an empty dataset, or a generator "
                              "already used up?): the converter needs a few hundred samples to calibrate.")
    _check_first_batch(first, input_shapes, where)
    return make


def input_shapes(model) -> list[tuple] | None:
    """The shapes of a Keras model's or concrete function's inputs (None = any size); None if unknown."""
    if isinstance(model, tf.keras.Model):
        return [tuple(t.shape) for t in model.inputs] if model.inputs else None
    if isinstance(model, tf.types.experimental.ConcreteFunction):
        return [tuple(spec.shape) for spec in tf.nest.flatten(model.structured_input_signature)]
    return None


def _int8(converter, representative_data=None, input_shapes=None, per_channel_dense: bool = True) -> None:
    """Full integer: int8 weights AND activations, int8 input and output: what
    microcontrollers and most NPUs run. Needs representative data to calibrate.

    ``per_channel_dense=False`` quantizes each Dense layer's weights with one
    scale for the whole matrix (per tensor) instead of one per output unit: fewer
    quantization parameters in the file and the arena, which matters for tiny
    models (introduced in 12_tflm_hello_world)."""
    if representative_data is None:
        raise ConversionError("The int8 recipe needs representative_data (a few hundred training "
                              "inputs, e.g. train_x[:200]) to measure the range of every activation.")
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = _representative(representative_data, input_shapes)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    # The converter's only switch for this is an experimental attribute (TensorFlow 2.14 and later).
    converter._experimental_disable_per_channel_quantization_for_dense_layers = not per_channel_dense


def _int16x8(converter, representative_data=None, input_shapes=None) -> None:
    """int8 weights with int16 activations: more precise activations than int8, for
    models that lose too much accuracy otherwise. Float input and output."""
    if representative_data is None:
        raise ConversionError("The int16x8 recipe needs representative_data (e.g. train_x[:200]).")
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = _representative(representative_data, input_shapes)
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


def _selectively_quantized(converter, representative_data, keep_float, shapes=None) -> bytes:
    """int8 everywhere except the named ops or tensors, through the quantization debugger.

    Names in capitals (``"FULLY_CONNECTED"``) keep every op of that type in float;
    other names are output tensors (as in the debugger's layer statistics).
    """
    ops = [name for name in keep_float if name.isupper()]
    nodes = [name for name in keep_float if not name.isupper()]
    _int8(converter, representative_data, shapes)
    converter.inference_input_type = converter.inference_output_type = tf.float32
    debugger = tf.lite.experimental.QuantizationDebugger(
        converter=converter, debug_dataset=converter.representative_dataset,
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
    one, freezes it and hands the frozen graph straight to the converter, without
    any SavedModel round trip: the same ops and weights, but no signature (it is
    ``freeze(model).to_tflite(recipe)``; introduced in 08_architectures_for_the_edge).
    """
    if frozen_graph:
        if keep_float:
            raise ConversionError("keep_float needs the Keras model itself; leave frozen_graph out.")
        return freeze(model).to_tflite(recipe, sparse=sparse, **options)
    _check_recipe(recipe, options)
    converter = converter_for(model)
    if keep_float:
        if recipe != "int8" or sparse:
            raise ConversionError("keep_float works with the int8 recipe (and without sparse=True).")
        if "representative_data" not in options:
            raise ConversionError("keep_float needs representative_data too (e.g. train_x[:200]).")
        with muted_native_logs():
            return _selectively_quantized(converter, options["representative_data"], keep_float,
                                          input_shapes(model))
    return _convert_with_recipe(converter, recipe, input_shapes(model), sparse, options)


def _check_recipe(recipe: str, options: dict) -> None:
    """A clear error for an unknown recipe or an option the recipe does not take."""
    if recipe not in RECIPES:
        raise ConversionError(f"Unknown recipe {recipe!r}; the course has: {', '.join(RECIPES)}.")
    takes = inspect.signature(RECIPES[recipe]).parameters
    unknown = sorted(name for name in options if name not in takes or name == "input_shapes")
    if unknown:
        accepted = [name for name in takes if name not in ("converter", "input_shapes")]
        takes_text = f"it takes {accepted}" if accepted else "it takes none (representative_data is for int8, int16x8)"
        raise ConversionError(f"The {recipe!r} recipe does not take the options {unknown}: {takes_text}; "
                              "to_tflite itself takes sparse, keep_float and frozen_graph.")


def _convert_with_recipe(converter, recipe: str, shapes, sparse: bool, options: dict) -> bytes:
    """Configure ``converter`` with a (checked) recipe and run it."""
    options = dict(options)
    if "representative_data" in inspect.signature(RECIPES[recipe]).parameters:
        options["input_shapes"] = shapes
    RECIPES[recipe](converter, **options)
    if sparse:
        converter.optimizations = [*converter.optimizations, tf.lite.Optimize.EXPERIMENTAL_SPARSITY]
    calibrating = "the representative data" if "representative_data" in options else ""
    return run_converter(converter, f"recipe {recipe!r}", calibrating=calibrating)


class FrozenGraph:
    """A Keras model's inference for one input, traced and frozen once: its weights become constants.

    Freezing is most of the time of converting a big model (seconds for
    InceptionV3's 24 million weights), and every ``converter.convert()`` of a
    Keras model or concrete function freezes it again. A ``FrozenGraph``
    converts with any recipe from the one frozen graph:

        >>> graph = convert.freeze(model)
        >>> float_bytes, int8_bytes = graph.to_tflite(), graph.to_tflite("int8", representative_data=x[:4])

    The files have the same operators and weights as ``to_tflite(model)``'s,
    and no signature (use ``runtime.load(...).predict``).

    Introduced in 08_architectures_for_the_edge.
    """

    def __init__(self, model: tf.keras.Model, batch_size: int = 1):
        # The converter freezes a concrete function with this same TensorFlow function; calling it
        # ourselves keeps the frozen GraphDef, which the graph-based converter then takes as it is.
        from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2_as_graph

        function = inference_function(model, batch_size)
        frozen, self.graph_def = convert_variables_to_constants_v2_as_graph(function)
        self.inputs = [(tensor.name.split(":")[0], tensor.shape.as_list()) for tensor in frozen.inputs]
        self.outputs = [tensor.name.split(":")[0] for tensor in frozen.outputs]
        self.input_shapes = input_shapes(function)

    def to_tflite(self, recipe: str = "float32", *, input_shape=None, sparse: bool = False, **options) -> bytes:
        """Convert the frozen graph with one of ``RECIPES`` (options as for ``convert.to_tflite``).

        ``input_shape=(1, 96, 96, 3)`` converts the same graph, with the same
        weights, for another input size: this works where no operation's weights
        depend on that size, as in an image model that ends in global average
        pooling (MobileNet at another resolution; introduced in 08's section 5).
        """
        _check_recipe(recipe, options)
        inputs, shapes = self.inputs, self.input_shapes
        if input_shape is not None:
            if len(inputs) != 1 or len(input_shape) != len(inputs[0][1]):
                raise ConversionError(f"input_shape {tuple(input_shape)} does not fit this graph's inputs "
                                      f"{[tuple(shape) for _, shape in inputs]}: give one shape of the same rank.")
            inputs, shapes = [(inputs[0][0], list(input_shape))], [tuple(input_shape)]
        converter = tf.compat.v1.lite.TFLiteConverter(
            self.graph_def, None, None, input_arrays_with_shape=inputs, output_arrays=self.outputs)
        return _convert_with_recipe(converter, recipe, shapes, sparse, options)

    def __repr__(self) -> str:
        return f"FrozenGraph(inputs={self.inputs}, outputs={self.outputs})"


def freeze(model: tf.keras.Model, batch_size: int = 1) -> FrozenGraph:
    """Trace ``model``'s inference for a fixed batch and freeze it once; see ``FrozenGraph``.

    Introduced in 08_architectures_for_the_edge.
    """
    if not isinstance(model, tf.keras.Model):
        raise ConversionError(f"freeze() takes a Keras model; got {type(model).__name__}.")
    return FrozenGraph(model, batch_size)


def run_converter(converter, what: str = "float32", *, calibrating: str = "") -> bytes:
    """``converter.convert()`` with the converter's noise muted and its failures explained.

    Ops without a built-in kernel raise ``UnsupportedOpsError`` with a clear
    explanation and the three ways out (lesson 10); any other failure raises
    ``ConversionError`` with the first lines of the converter's long message
    (and, when ``calibrating`` names the data it calibrates on and an op failed
    to prepare, the likely cause: that data's shape).
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
        cause = ""
        if calibrating and "failed to prepare" in str(error):
            cause = (f"\nAn op failed while the converter ran {calibrating} through the model: its batches "
                     "probably do not have the model's input shape (batch axis first, e.g. train_x[:200]).")
        raise ConversionError(f"The converter failed ({what}):\n{first_lines}{cause}") from None


def save(tflite_bytes: bytes, name: str) -> Path:
    """Write ``.tflite`` bytes to ``build/models/<name>.tflite`` and return the path."""
    if not isinstance(tflite_bytes, (bytes, bytearray)):
        raise NotAModelError(f"save() writes .tflite bytes (what to_tflite returns); you passed a "
                             f"{type(tflite_bytes).__name__}. Convert it first: "
                             "convert.save(convert.to_tflite(model), name).")
    check_model_bytes(bytes(tflite_bytes))
    if not isinstance(name, str) or not name or "/" in name or "\\" in name:
        raise ValueError(f"name is a file name without folders, e.g. 'digits_int8'; you gave {name!r}.")
    path = paths.build_dir("models") / f"{name.removesuffix('.tflite')}.tflite"
    path.write_bytes(tflite_bytes)
    return path
