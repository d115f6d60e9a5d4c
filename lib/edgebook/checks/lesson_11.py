"""Exercise checks of lesson 11_pre_and_post_processing (pre- and post-processing inside the model,
several signatures, labels in the metadata, a typed wrapper).

    >>> from edgebook.checks import lesson_11 as ex
    >>> ex.tf_preprocess.check(tf_preprocess)
    >>> ex.best_signature.check(DigitsAppWithBest(app_model), raw_images=raw_test,
    ...                         expected_probabilities=test_probabilities)
    >>> ex.read_labels.check(read_labels, model_bytes=app_bytes)
    >>> ex.label_of.check(label_of, model_bytes=labelled_bytes, raw_images=raw_test)
"""
from __future__ import annotations

import numpy as np

from edgebook.exercises import Exercise, Incorrect, NotAttempted, call, require, unanswered

MAX_PIXEL = 16
PARITY_TOLERANCE = 1e-5
"""Largest difference from the reference outputs that still counts as the same model."""

WORD_LABELS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

# Raw images as the lesson defines them: uint8, values 0..16. The second one is faint (brightest pixel 12),
# so dividing by the input's own maximum shows up.
_RAW_BATCH = np.stack([
    np.tile([0, 4, 16, 9, 2, 0, 13, 5], (8, 1)),
    np.tile([0, 3, 12, 6, 0, 1, 8, 2], (8, 1)).T,
    np.tile([16, 0, 1, 7, 11, 15, 0, 10], (8, 1)),
]).astype(np.uint8)


def _learner_error(what: str, error: Exception) -> Incorrect:
    """The first line of what the learner's code raised, as a message."""
    lines = str(error).strip().splitlines()
    return Incorrect(f"{what} raised {type(error).__name__}: {lines[0][:200] if lines else ''}")


# --- Exercise 2.1: pre-processing with TensorFlow ops ---------------------------------------

def _check_tf_preprocess(tf_preprocess):
    import tensorflow as tf

    raw = tf.constant(_RAW_BATCH)
    result = call(tf_preprocess, raw)
    if isinstance(result, np.ndarray):
        raise Incorrect("Your function returned a NumPy array. Use TensorFlow operations (tf.cast, /, "
                        "tf.expand_dims), which return tf.Tensor: only they can be recorded into the model.")
    if not tf.is_tensor(result):
        raise Incorrect(f"Your function returned a {type(result).__name__}; expected a tf.Tensor.")
    n = len(_RAW_BATCH)
    shape = tuple(result.shape)
    if shape == (n, 8, 8):
        raise Incorrect("The channel axis is missing: (3, 8, 8) should be (3, 8, 8, 1). "
                        "Add it with tf.expand_dims(pixels, axis=-1).")
    if shape == (n, 1, 8, 8):
        raise Incorrect("The channel axis is at the front, (3, 1, 8, 8); the CNN expects it last: "
                        "tf.expand_dims(pixels, axis=-1).")
    if shape != (n, 8, 8, 1):
        raise Incorrect(f"For 3 raw images of 8x8 pixels your function returned shape {shape}; "
                        "expected (3, 8, 8, 1).")
    if result.dtype != tf.float32:
        raise Incorrect(f"The result has dtype {result.dtype.name}; the CNN computes in float32. "
                        "Cast first: tf.cast(raw_pixels, tf.float32).")
    values = result.numpy().astype(np.float64)[..., 0]
    raw64 = _RAW_BATCH.astype(np.float64)
    if np.allclose(values, raw64):
        raise Incorrect("The values still go from 0 to 16: divide by 16, the largest raw pixel value.")
    if np.allclose(values, raw64 / 255):
        raise Incorrect("You divided by 255, but these raw pixels go from 0 to 16 (lesson 02): divide by 16.")
    if np.allclose(values, raw64 / raw64.max(axis=(1, 2), keepdims=True)):
        raise Incorrect("You divided each image by its own brightest pixel. Divide by 16, the largest "
                        "possible value, so that a faint digit stays faint.")
    if not np.allclose(values, raw64 / MAX_PIXEL, atol=1e-6):
        raise Incorrect(f"The values are not pixel / 16: pixel 12 became {values[1, 2, 0]:.4g}, expected 0.75.")
    # Inside a tf.function the tensor has no values: what the converter traces.
    try:
        concrete = tf.function(tf_preprocess).get_concrete_function(tf.TensorSpec([None, 8, 8], tf.uint8))
    except Exception as error:  # the learner's code: report it, never raise
        raise Incorrect("Your function works on a tensor with values, but not inside a tf.function, where the "
                        "converter records it (it raised "
                        f"{type(error).__name__}: {str(error).strip().splitlines()[0][:160]}). Use TensorFlow "
                        "operations only, no NumPy and no .numpy().") from None
    traced_shape = tuple(concrete.structured_outputs.shape) if tf.is_tensor(concrete.structured_outputs) else None
    if traced_shape is not None and traced_shape[1:] != (8, 8, 1):
        raise Incorrect(f"Traced for any batch size, your function gives shape {traced_shape}; expected "
                        "(None, 8, 8, 1). Avoid reshaping to the batch size of the example.")


tf_preprocess = Exercise(
    "Exercise 2.1 — Pre-processing with TensorFlow ops",
    _check_tf_preprocess,
    hints=[
        "Three steps, as in lesson 02: to float32, divide by 16, add a channel axis at the end.",
        "pixels = tf.cast(raw_pixels, tf.float32) / 16.0, then return tf.expand_dims(pixels, axis=-1).",
    ],
    success="Recorded in a tf.function, these operations become CAST, MUL and EXPAND_DIMS in the model.",
)


# --- Exercise 3.1: a "best" signature ---------------------------------------------------------

def _reference_probabilities(raw_images):
    from edgebook import models

    return models.digits_cnn().predict(models.prepare_digits(raw_images), verbose=0)


def _check_best_signature(app, raw_images=None, expected_probabilities=None):
    import tensorflow as tf

    from edgebook.nativelogs import muted_native_logs

    app = require(app)
    best = getattr(app, "best", None)
    if best is None:
        raise Incorrect(f"This {type(app).__name__} has no method best. Pass an instance of the class "
                        "with your best signature, e.g. DigitsAppWithBest(app_model).")
    if raw_images is None:
        from edgebook import data

        raw_images = data.load("digits").x_test
    raw_images = np.asarray(raw_images).astype(np.uint8)
    if expected_probabilities is None:
        expected_probabilities = _reference_probabilities(raw_images)
    expected_digits = np.argmax(expected_probabilities, axis=-1)
    expected_scores = np.max(expected_probabilities, axis=-1)

    try:
        outputs = best(tf.constant(raw_images))
    except Exception as error:  # the learner's code: report it, never raise
        raise _learner_error("Calling best on a batch of raw images", error) from None
    outputs = require(outputs)
    if tf.is_tensor(outputs) or isinstance(outputs, (tuple, list)):
        raise Incorrect("best returned tensors without names. Return a dict, {'digit': ..., 'score': ...}: "
                        "its keys become the names of the signature's outputs.")
    if not isinstance(outputs, dict):
        raise Incorrect(f"best returned a {type(outputs).__name__}; return a dict {{'digit': ..., 'score': ...}}.")
    missing = [key for key in ("digit", "score") if key not in outputs]
    if missing:
        raise Incorrect(f"The dict has no {missing[0]!r}; its keys are {sorted(outputs)}. Name the outputs "
                        "'digit' and 'score'.")
    n = len(raw_images)
    digit, score = np.asarray(outputs["digit"]), np.asarray(outputs["score"])
    for name, value in (("digit", digit), ("score", score)):
        if value.shape == (n, 1):
            raise Incorrect(f"{name} has shape {value.shape}: tf.math.top_k(..., k=1) keeps a last axis of "
                            "size 1. Drop it with [:, 0] (or use tf.argmax / tf.reduce_max).")
        if value.shape != (n,):
            raise Incorrect(f"For {n} images {name} has shape {value.shape}; expected ({n},), one value per image.")
    if not np.issubdtype(digit.dtype, np.integer):
        raise Incorrect(f"digit has dtype {digit.dtype}; a digit is a whole number, the index of the most "
                        "likely class: tf.argmax(probabilities, axis=-1, output_type=tf.int32).")
    wrong = int(np.sum(digit != expected_digits))
    if wrong:
        raise Incorrect(f"digit is not the most likely class for {wrong} of {n} images. Take the index of "
                        "the largest probability (tf.argmax over the last axis) of the raw images pre-processed "
                        "with self.preprocess.")
    score_difference = float(np.max(np.abs(score.astype(np.float64) - expected_scores)))
    if score_difference > PARITY_TOLERANCE:
        raise Incorrect(f"score differs from the largest probability by up to {score_difference:.3g}: return "
                        "the probability of the chosen digit (tf.reduce_max over the last axis).")

    # Convert it, as an app would ship it, and run "best" by name with LiteRT.
    functions = [best.get_concrete_function(tf.TensorSpec([None, 8, 8], tf.uint8))]
    if hasattr(app, "classify"):  # two functions keep their own names as signature keys
        functions.insert(0, app.classify.get_concrete_function())
    try:
        with muted_native_logs():
            model_bytes = tf.lite.TFLiteConverter.from_concrete_functions(functions, app).convert()
    except Exception as error:  # the learner's operations reached the converter
        raise Incorrect("Your best runs in TensorFlow, but the converter could not convert it: "
                        f"{str(error).strip().splitlines()[0][:200]}") from None
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_content=model_bytes)
    key = "best" if "best" in interpreter.get_signature_list() else "serving_default"
    runner = interpreter.get_signature_runner(key)
    (input_name,) = runner.get_input_details()
    with muted_native_logs():
        litert = runner(**{input_name: raw_images})
    if not np.array_equal(litert["digit"], expected_digits):
        raise Incorrect("After conversion, the best signature's digits differ from the model's answers.")
    if float(np.max(np.abs(litert["score"] - expected_scores))) > PARITY_TOLERANCE:
        raise Incorrect("After conversion, the best signature's scores differ from the model's probabilities.")


best_signature = Exercise(
    "Exercise 3.1 — A best signature",
    _check_best_signature,
    hints=[
        "Start like classify: probabilities = self.model(self.preprocess(raw_pixels), training=False).",
        "digit = tf.argmax(probabilities, axis=-1, output_type=tf.int32); score = tf.reduce_max(probabilities, "
        "axis=-1); return {'digit': digit, 'score': score}.",
    ],
    success="The converted model has a best signature that LiteRT runs by name: one more entry point, "
            "the same weights.",
)


# --- Exercise 5.1: read the labels by hand ----------------------------------------------------

def _small_model_bytes() -> bytes:
    """A tiny converted model, when the check gets no model (it only needs a valid file)."""
    import tensorflow as tf

    from edgebook import convert

    model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1)])
    return convert.to_tflite(model)


def _check_read_labels(read_labels, model_bytes=None):
    from edgebook import modelfile

    if unanswered(read_labels):
        raise NotAttempted()
    model_bytes = _small_model_bytes() if model_bytes is None else bytes(model_bytes)
    # Two models: labels in words (the last entry), then other labels followed by another entry.
    words = modelfile.write_metadata(model_bytes, "labels", "\n".join(WORD_LABELS))
    german = ["null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"]
    others = modelfile.write_metadata(modelfile.write_metadata(model_bytes, "labels", "\n".join(german)),
                                      "author", "Edge ML Workbook")
    entries = modelfile.read_metadata(others)
    for tested, expected in ((words, list(WORD_LABELS)), (others, german)):
        result = call(read_labels, tested)
        if isinstance(result, (bytes, bytearray, np.ndarray)):
            raise Incorrect("Your function returned the raw bytes of the buffer. Decode them to text "
                            "(.tobytes().decode('utf-8')) and split the lines (.splitlines()).")
        if isinstance(result, str):
            raise Incorrect("Your function returned the text in one string; return a list with one label per "
                            "line: text.splitlines().")
        result = list(result) if isinstance(result, (list, tuple)) else result
        if result == expected:
            continue
        if isinstance(result, list) and result and result[-1] == "" and result[:-1] == expected:
            raise Incorrect("The list ends with an empty string: split with .splitlines(), which ignores a "
                            "final newline.")
        for name, data in entries.items():
            if name != "labels" and isinstance(result, list) and "\n".join(map(str, result)) in (
                    data.decode("utf-8", "replace"), data.decode("utf-8", "replace").rstrip("\0")):
                raise Incorrect(f"That is the content of the entry {name!r}. Look for the entry whose name is "
                                "b'labels' (the schema gives names as bytes), wherever it is in the list.")
        if tested is others and isinstance(result, list) and result == list(WORD_LABELS):
            raise Incorrect("Your function gives the same labels for every model: read them from the model "
                            "you are given.")
        raise Incorrect(f"For a model whose labels are {expected[:3]}... your function returned "
                        f"{result!r:.120}.")


read_labels = Exercise(
    "Exercise 5.1 — Read the labels by hand",
    _check_read_labels,
    hints=[
        "model_t = schema.ModelT.InitFromPackedBuf(model_bytes, 0); loop over model_t.metadata and compare "
        "entry.name with b'labels' (bytes).",
        "The entry's buffer is model_t.buffers[entry.buffer]; its .data is a uint8 array: "
        ".tobytes().decode('utf-8').splitlines().",
    ],
    success="That is all modelfile.labels does: the labels are plain bytes in a named buffer of the file.",
)


# --- Exercise 6.1: label one image with the wrapper -------------------------------------------

def _check_label_of(label_of, model_bytes=None, raw_images=None):
    from edgebook import modelfile, runtime
    from edgebook.errors import ModelInputError

    if unanswered(label_of):
        raise NotAttempted()
    if not callable(label_of):
        raise Incorrect(f"Expected a function label_of(wrapper, raw_image); got a {type(label_of).__name__}.")
    if model_bytes is None:
        raise Incorrect("This check needs the lesson's model: pass model_bytes=labelled_bytes.")
    if raw_images is None:
        from edgebook import data

        raw_images = data.load("digits").x_test
    raw_images = np.asarray(raw_images).astype(np.uint8)
    wrapper = runtime.wrap(modelfile.write_metadata(model_bytes, "labels", "\n".join(WORD_LABELS)),
                           name="DigitsApp")
    answers = wrapper.classify(raw_pixels=raw_images).class_ids[:, 0]
    # Images of different answers, so a constant result cannot pass.
    picks = [int(np.flatnonzero(answers == digit)[0]) for digit in np.unique(answers)[:4]]
    for index in picks:
        expected = WORD_LABELS[answers[index]]
        raw_image = raw_images[index].copy()
        try:
            result = label_of(wrapper, raw_image)
        except ModelInputError as error:
            raise Incorrect(f"The wrapper refused the input: {error}") from None
        except Exception as error:  # the learner's code: report it, never raise
            raise _learner_error("Your function", error) from None
        result = require(result)
        if isinstance(result, (int, np.integer)):
            raise Incorrect(f"Your function returned the class id {result}; return its label, "
                            "wrapper.labels[class_id] (here the labels are words).")
        if isinstance(result, np.ndarray) or isinstance(result, (list, tuple)):
            raise Incorrect("Your function returned several values. classify gives class_ids of shape (1, 3) "
                            "for a batch of one: the most likely class is class_ids[0, 0].")
        if result == str(answers[index]):
            raise Incorrect(f"Your function returned {result!r}, the class id as text; return the label stored "
                            "in the model: wrapper.labels[class_id] (here the labels are words).")
        if result != expected:
            raise Incorrect(f"For test image {index} your function returned {result!r}; the most likely class "
                            f"is {answers[index]}, labelled {expected!r}.")


label_of = Exercise(
    "Exercise 6.1 — Label one image with the wrapper",
    _check_label_of,
    hints=[
        "wrapper.classify(raw_pixels=...) wants a batch: raw_image[np.newaxis] is a batch of one (1, 8, 8).",
        "answer = wrapper.classify(raw_pixels=raw_image[np.newaxis]); return "
        "wrapper.labels[answer.class_ids[0, 0]].",
    ],
    success="One call with raw bytes, and the label comes from the model file itself.",
)
