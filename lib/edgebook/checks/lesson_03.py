"""Exercise checks of lesson 03_convert_and_run_with_litert (convert a model, look inside the
``.tflite`` file, run it with the LiteRT Interpreter).

    >>> from edgebook.checks import lesson_03 as ex
    >>> ex.convert_raw.check(raw_model_bytes, raw_images=digits.x_test, expected=keras_outputs)
    >>> ex.inside_the_file.check({"weight_bytes": ..., "largest_tensor": ..., "input_name": ...},
    ...                          model_bytes=float_model_bytes)
    >>> ex.run_litert.check(run_litert, model_bytes=float_model_bytes, images=test_x)
"""
from __future__ import annotations

import numpy as np

from edgebook.exercises import Exercise, Incorrect, NotAttempted, expect_dict, require, unanswered

PARITY_TOLERANCE = 1e-5
"""Largest difference from the reference outputs that still counts as the same model."""


def _baseline_model_bytes() -> bytes:
    """The float32 .tflite of the course's digits CNN (used when a check gets no context)."""
    from edgebook import convert, models

    return convert.to_tflite(models.digits_cnn())


# --- Exercise 2.1: convert a concrete function -----------------------------------------

def _check_convert_raw(raw_model_bytes, raw_images=None, expected=None):
    from edgebook import runtime
    from edgebook.errors import EdgebookError

    answer = require(raw_model_bytes)
    kind = type(answer).__name__
    if kind == "ConcreteFunction":
        raise Incorrect("This is the concrete function itself. Give it to the converter: "
                        "tf.lite.TFLiteConverter.from_concrete_functions([...], model).convert() "
                        "returns the bytes to check.")
    if kind in ("Function", "PolymorphicFunction"):
        raise Incorrect("This is the tf.function before tracing. Trace it for a shape with "
                        "classify_raw.get_concrete_function(tf.TensorSpec(...)), then convert that.")
    if not isinstance(answer, (bytes, bytearray)):
        raise Incorrect(f"Expected the bytes of a .tflite model (what convert() returns); you gave a "
                        f"{kind}.")
    try:
        lite = runtime.load(bytes(answer))
    except (EdgebookError, ValueError, RuntimeError) as error:
        raise Incorrect(f"LiteRT cannot load these bytes as a model: {str(error).strip().rstrip('.')}.") from None
    shape = lite.input.shape
    if len(shape) == 4 and shape[1:] == (8, 8, 1):
        raise Incorrect(f"This model takes {lite.input.describe()}: the pre-processed pixels. It looks "
                        "like you converted the Keras model; convert classify_raw, which takes raw "
                        "images of shape (n, 8, 8).")
    if len(shape) != 3 or shape[1:] != (8, 8):
        raise Incorrect(f"This model takes {lite.input.describe()}; classify_raw takes raw images "
                        "(any, 8, 8). Trace it with tf.TensorSpec([None, 8, 8], tf.float32).")
    if shape[0] != -1:
        raise Incorrect(f"This model takes batches of exactly {shape[0]} (input {lite.input.describe()}). "
                        "Use None for the batch axis in the TensorSpec, so any batch size works.")
    if raw_images is None or expected is None:
        from edgebook import data, models

        raw_images = data.load("digits").x_test
        expected = models.digits_cnn().predict(models.prepare_digits(raw_images), verbose=0)
    outputs = lite.predict(np.asarray(raw_images, dtype=np.float32))
    if outputs.shape != np.shape(expected):
        raise Incorrect(f"The model's outputs have shape {outputs.shape}; expected {np.shape(expected)}.")
    difference = float(np.max(np.abs(outputs.astype(np.float64) - expected)))
    if difference > PARITY_TOLERANCE:
        raise Incorrect(f"The converted model's outputs differ from Keras's by up to {difference:.3g} "
                        f"(allowed: {PARITY_TOLERANCE:g}). Convert classify_raw as given, without "
                        "changing the pre-processing inside it.")


convert_raw = Exercise(
    "Exercise 2.1 — Convert a concrete function",
    _check_convert_raw,
    hints=[
        "A concrete function is a tf.function traced for one input signature: "
        "classify_raw.get_concrete_function(tf.TensorSpec(shape, dtype)).",
        "classify_raw takes raw images of shape (n, 8, 8), so the spec is "
        "tf.TensorSpec([None, 8, 8], tf.float32): None lets the batch size vary.",
        "tf.lite.TFLiteConverter.from_concrete_functions([concrete], model).convert(), where "
        "concrete = classify_raw.get_concrete_function(tf.TensorSpec([None, 8, 8], tf.float32)).",
    ],
    success="The pre-processing now travels inside the .tflite file: the app feeds raw pixels.",
)


# --- Exercise 3.1: read facts from the tensor list -------------------------------------

FACTS = ("weight_bytes", "largest_tensor", "input_name")


def _check_inside_the_file(answer, model_bytes=None):
    from edgebook import modelfile

    answer = expect_dict(answer, FACTS)

    model_bytes = _baseline_model_bytes() if model_bytes is None else model_bytes
    tensors = modelfile.tensors(model_bytes)
    weights = sum(t.constant_bytes for t in tensors if t.dtype == "float32")
    all_constants = sum(t.constant_bytes for t in tensors)
    parameters = weights // 4

    weight_bytes = answer["weight_bytes"]
    if not isinstance(weight_bytes, (int, np.integer)):
        raise Incorrect(f"weight_bytes should be a whole number of bytes; you gave {weight_bytes!r}.")
    if weight_bytes != weights:
        if weight_bytes == parameters:
            why = ("That is the number of weights (parameters). Each float32 weight takes 4 bytes: "
                   "add up the tensors' constant_bytes instead.")
        elif weight_bytes == all_constants:
            why = ("That also counts the int32 shape constant that RESHAPE reads. Count only the "
                   "float32 tensors.")
        elif weight_bytes == modelfile.constant_bytes(model_bytes):
            why = ("That is every buffer in the file, including two small metadata buffers the "
                   "converter adds. Add up the constant_bytes of the float32 tensors instead.")
        elif weight_bytes == len(model_bytes):
            why = "That is the size of the whole file. Add up the constant_bytes of the float32 tensors."
        else:
            why = "Add up constant_bytes over the tensors whose dtype is float32."
        raise Incorrect(f"weight_bytes = {weight_bytes:,} is not right. {why}")

    names = {t.name: t for t in tensors}
    largest = max(tensors, key=lambda t: t.constant_bytes)
    largest_tensor = answer["largest_tensor"]
    if largest_tensor != largest.name:
        if largest_tensor not in names:
            raise Incorrect(f"No tensor in the file is called {largest_tensor!r}. Copy the name "
                            "(a string) from the tensor list.")
        chosen = names[largest_tensor]
        if not chosen.is_constant:
            raise Incorrect(f"{largest_tensor!r} stores no data in the file: it is an activation, "
                            "computed while the model runs. Look for the tensor with the most "
                            "constant_bytes.")
        raise Incorrect(f"{largest_tensor!r} stores {chosen.constant_bytes:,} bytes; another tensor "
                        "stores more. Sort the tensors by constant_bytes.")

    input_tensor = tensors[modelfile.ops(model_bytes)[0].inputs[0]]
    input_name = answer["input_name"]
    if input_name != input_tensor.name:
        if isinstance(input_name, (int, np.integer)):
            raise Incorrect("That looks like the tensor's index; give its name (a string).")
        if isinstance(input_name, str) and input_name and input_name in input_tensor.name:
            raise Incorrect(f"{input_name!r} is the input's name in the model's signature (what a "
                            "signature runner uses). The tensor in the file has a longer name: look "
                            "at the tensor the first operator reads.")
        raise Incorrect(f"{input_name!r} is not the input tensor's name. The input is the tensor "
                        "the first operator reads (inputs[0] of ops[0]) and it stores no data.")


inside_the_file = Exercise(
    "Exercise 3.1 — Read the tensor list",
    _check_inside_the_file,
    hints=[
        "Every Tensor has .name, .dtype and .constant_bytes (0 for activations, which are "
        "computed at run time).",
        "weight_bytes: sum(t.constant_bytes for t in file_tensors if t.dtype == 'float32'). "
        "largest_tensor: max(file_tensors, key=...) by constant_bytes, then .name.",
        "input_name: file_tensors[file_ops[0].inputs[0]].name, the tensor the first operator reads.",
    ],
    success="You can now find where the bytes of a model go, which is where optimization starts.",
)


# --- Exercise 4.1: run one image through the Interpreter by hand -----------------------

def _allocated(interpreter) -> bool:
    try:
        interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
        return True
    except ValueError:  # "Tensor data is null. Run allocate_tensors() first"
        return False


def _learner_error(error: Exception, interpreter) -> Incorrect:
    """Turn what LiteRT raised inside the learner's function into a message about the cause."""
    text = str(error)
    # Only LiteRT's own errors (ValueError, RuntimeError) can mean "not allocated"; a NameError or
    # a misspelt method in the learner's code is reported as what it is.
    from_litert = isinstance(error, (ValueError, RuntimeError))
    if "unallocated" in text or "not ready" in text or (from_litert and not _allocated(interpreter)):
        return Incorrect("LiteRT says the tensors are not allocated yet. The interpreter your function "
                         "receives is fresh: call interpreter.allocate_tensors() before set_tensor() "
                         f"and invoke(). (LiteRT said: {text.strip()})")
    if "Got value of type" in text:
        return Incorrect("set_tensor() needs exactly the input's dtype, and some batches reach your "
                         "function as float64 (NumPy's default). Convert first: "
                         "image_batch.astype(input_details['dtype']). "
                         f"(LiteRT said: {text.strip()})")
    if "Tensor data is null" in text:
        return Incorrect("You read a tensor that holds no data after invoke(): it is not the model's "
                         "output (LiteRT does not keep intermediate results). Read the index from "
                         "interpreter.get_output_details()[0]['index'].")
    if "Dimension mismatch" in text:
        return Incorrect(f"The batch you set does not have the input's shape: {text.strip()} Pass the "
                         "batch of one image as it is, without reshaping it.")
    return Incorrect(f"Your function raised {type(error).__name__}: {text.strip()}")


def _check_run_litert(run_litert, model_bytes=None, images=None):
    from ai_edge_litert.interpreter import Interpreter

    from edgebook import runtime
    from edgebook.nativelogs import muted_native_logs

    if unanswered(run_litert):
        raise NotAttempted()
    if not callable(run_litert):
        raise Incorrect(f"Expected a function run_litert(interpreter, image_batch); got a "
                        f"{type(run_litert).__name__}.")
    if model_bytes is None or images is None:
        from edgebook import data, models

        model_bytes = _baseline_model_bytes()
        images = models.prepare_digits(data.load("digits").x_test)
    images = np.asarray(images)
    reference = runtime.load(model_bytes)
    # Three different images; the second arrives as float64, as NumPy data often does.
    picks = [0, len(images) // 2, len(images) - 1]
    for n, i in enumerate(picks):
        image_batch = images[i:i + 1].astype(np.float64 if n == 1 else np.float32)
        expected = reference.predict(image_batch.astype(np.float32))
        interpreter = Interpreter(model_content=model_bytes)  # fresh: nothing allocated yet
        try:
            with muted_native_logs():  # allocate_tensors() announces the XNNPACK delegate
                result = run_litert(interpreter, image_batch.copy())
        except Exception as error:  # the learner's code: report it, never raise
            raise _learner_error(error, interpreter) from None
        result = np.asarray(require(result))
        if result.shape == image_batch.shape:
            raise Incorrect(f"Your function returned an array of shape {result.shape}, the shape of "
                            "the input: you read the input tensor back. Read the output instead: "
                            "interpreter.get_output_details()[0]['index'].")
        if result.shape != expected.shape:
            raise Incorrect(f"Your function returned an array of shape {result.shape}; the model's "
                            f"output has shape {expected.shape}. Read the tensor at "
                            "interpreter.get_output_details()[0]['index'] and return it as it is.")
        difference = float(np.max(np.abs(result.astype(np.float64) - expected)))
        if not np.isfinite(difference) or difference > PARITY_TOLERANCE:
            if not np.isfinite(result).all() or not np.isclose(result.sum(), 1.0, atol=1e-3):
                raise Incorrect("The output holds leftover memory, not probabilities (they do not "
                                "add up to 1). Did you call interpreter.invoke() after set_tensor()?")
            raise Incorrect(f"For test image {i} your output differs from LiteRT's by up to "
                            f"{difference:.3g}. Set the image you were given, unchanged, as the input.")


run_litert = Exercise(
    "Exercise 4.1 — Run one image by hand",
    _check_run_litert,
    hints=[
        "Four steps: allocate_tensors(), set_tensor(input index, batch), invoke(), "
        "get_tensor(output index). The indices come from get_input_details() and get_output_details().",
        "set_tensor() wants exactly the input's dtype: image_batch.astype(input_details['dtype']).",
        "input_details = interpreter.get_input_details()[0]; output_details = "
        "interpreter.get_output_details()[0]; then set_tensor(input_details['index'], ...), invoke(), "
        "return interpreter.get_tensor(output_details['index']).",
    ],
    success="That is all an interpreter does, on a phone or in a browser as much as here.",
)
