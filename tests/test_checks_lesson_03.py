"""Tests of the exercise checks of lesson 03_convert_and_run_with_litert: each check against a
right answer, wrong answers (with their targeted messages) and the ``...`` placeholder.

The checks run on a small untrained digits-shaped CNN, so the tests do not train anything."""
import numpy as np
import pytest

from edgebook.checks import lesson_03 as ex


@pytest.fixture(scope="module")
def small_cnn(ctx):
    """A Keras model with the digits CNN's input and output, its .tflite bytes and some images."""
    import tensorflow as tf
    from edgebook import convert

    tf.keras.utils.set_random_seed(3)
    model = tf.keras.Sequential([
        tf.keras.layers.Input((8, 8, 1), name="pixels"),
        # Random (not zero) biases: the converter would merge or drop all-zero bias tensors.
        tf.keras.layers.Conv2D(4, 3, padding="same", activation="relu", bias_initializer="random_normal"),
        tf.keras.layers.MaxPooling2D(),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(10, activation="softmax", name="probabilities",
                              bias_initializer="random_normal"),
    ])
    raw_images = np.random.default_rng(0).integers(0, 17, (12, 8, 8)).astype(np.float32)
    return model, convert.to_tflite(model), raw_images


@pytest.fixture
def classify_raw(small_cnn):
    """A fresh tf.function per test: a traced one would reuse its (None, 8, 8) trace for (1, 8, 8)."""
    import tensorflow as tf

    model = small_cnn[0]

    @tf.function
    def classify_raw(raw_images):
        pixels = tf.cast(raw_images, tf.float32) / 16.0
        return model(pixels[..., tf.newaxis], training=False)

    return classify_raw


def convert_function(model, function, shape):
    import tensorflow as tf

    concrete = function.get_concrete_function(tf.TensorSpec(shape, tf.float32))
    return tf.lite.TFLiteConverter.from_concrete_functions([concrete], model).convert()


# --- Exercise 2.1: convert a concrete function --------------------------------------------

@pytest.fixture(scope="module")
def raw_context(small_cnn):
    model, _, raw_images = small_cnn
    return {"raw_images": raw_images,
            "expected": model.predict(raw_images[..., None] / 16.0, verbose=0)}


def test_convert_raw_correct(small_cnn, classify_raw, raw_context):
    answer = convert_function(small_cnn[0], classify_raw, [None, 8, 8])
    result = ex.convert_raw.evaluate(answer, **raw_context)
    assert result.status == "correct", result.message


def test_convert_raw_keras_model_instead(small_cnn, raw_context):
    result = ex.convert_raw.evaluate(small_cnn[1], **raw_context)
    assert result.status == "incorrect"
    assert "converted the Keras model" in result.message


def test_convert_raw_fixed_batch(small_cnn, classify_raw, raw_context):
    answer = convert_function(small_cnn[0], classify_raw, [1, 8, 8])
    result = ex.convert_raw.evaluate(answer, **raw_context)
    assert result.status == "incorrect"
    assert "batches of exactly 1" in result.message


def test_convert_raw_function_not_bytes(classify_raw, raw_context):
    import tensorflow as tf

    concrete = classify_raw.get_concrete_function(tf.TensorSpec([None, 8, 8], tf.float32))
    result = ex.convert_raw.evaluate(concrete, **raw_context)
    assert result.status == "incorrect"
    assert "the concrete function itself" in result.message
    result = ex.convert_raw.evaluate(classify_raw, **raw_context)
    assert result.status == "incorrect"
    assert "before tracing" in result.message


def test_convert_raw_other_outputs(small_cnn, classify_raw, raw_context):
    answer = convert_function(small_cnn[0], classify_raw, [None, 8, 8])
    shifted = {**raw_context, "expected": raw_context["expected"] + 0.01}
    result = ex.convert_raw.evaluate(answer, **shifted)
    assert result.status == "incorrect"
    assert "differ from Keras's" in result.message


def test_convert_raw_not_attempted(raw_context):
    assert ex.convert_raw.evaluate(..., **raw_context).status == "not attempted"


# --- Exercise 3.1: facts from the tensor list ------------------------------------------

@pytest.fixture(scope="module")
def facts(small_cnn):
    from edgebook import modelfile

    model_bytes = small_cnn[1]
    tensors = modelfile.tensors(model_bytes)
    right = {
        "weight_bytes": sum(t.constant_bytes for t in tensors if t.dtype == "float32"),
        "largest_tensor": max(tensors, key=lambda t: t.constant_bytes).name,
        "input_name": tensors[modelfile.ops(model_bytes)[0].inputs[0]].name,
    }
    return model_bytes, tensors, right


def test_inside_the_file_correct(facts):
    model_bytes, _, right = facts
    result = ex.inside_the_file.evaluate(right, model_bytes=model_bytes)
    assert result.status == "correct", result.message


def test_inside_the_file_weights_miscounted(facts, small_cnn):
    model_bytes, tensors, right = facts
    wrong = {
        small_cnn[0].count_params(): "Each float32 weight takes 4 bytes",
        sum(t.constant_bytes for t in tensors): "int32 shape constant",
        len(model_bytes): "size of the whole file",
    }
    for value, message in wrong.items():
        result = ex.inside_the_file.evaluate({**right, "weight_bytes": value}, model_bytes=model_bytes)
        assert result.status == "incorrect"
        assert message in result.message


def test_inside_the_file_activation_as_largest(facts):
    model_bytes, tensors, right = facts
    activation = next(t.name for t in tensors[1:] if not t.is_constant)
    result = ex.inside_the_file.evaluate({**right, "largest_tensor": activation}, model_bytes=model_bytes)
    assert result.status == "incorrect"
    assert "stores no data in the file" in result.message


def test_inside_the_file_signature_name_as_input(facts):
    model_bytes, _, right = facts
    result = ex.inside_the_file.evaluate({**right, "input_name": "pixels"}, model_bytes=model_bytes)
    assert result.status == "incorrect"
    assert "signature" in result.message


def test_inside_the_file_partly_answered(facts):
    model_bytes, _, right = facts
    result = ex.inside_the_file.evaluate({**right, "input_name": ...}, model_bytes=model_bytes)
    assert result.status == "incorrect"
    assert "input_name is still ..." in result.message


def test_inside_the_file_not_attempted(facts):
    model_bytes = facts[0]
    assert ex.inside_the_file.evaluate(..., model_bytes=model_bytes).status == "not attempted"
    blank = dict.fromkeys(ex.FACTS, ...)
    assert ex.inside_the_file.evaluate(blank, model_bytes=model_bytes).status == "not attempted"


# --- Exercise 4.1: run one image by hand -----------------------------------------------

def make_runner(allocate=True, convert_dtype=True, invoke=True, output="output"):
    def run_litert(interpreter, image_batch):
        if allocate:
            interpreter.allocate_tensors()
        input_details = interpreter.get_input_details()[0]
        batch = image_batch.astype(input_details["dtype"]) if convert_dtype else image_batch
        interpreter.set_tensor(input_details["index"], batch)
        if invoke:
            interpreter.invoke()
        index = {"output": interpreter.get_output_details()[0]["index"],
                 "input": input_details["index"], "weights": 1}[output]
        return interpreter.get_tensor(index)
    return run_litert


@pytest.fixture(scope="module")
def run_context(small_cnn):
    return {"model_bytes": small_cnn[1], "images": small_cnn[2][..., None] / np.float32(16)}


def test_run_litert_correct(run_context):
    result = ex.run_litert.evaluate(make_runner(), **run_context)
    assert result.status == "correct", result.message


@pytest.mark.parametrize("mistake, message", [
    ({"allocate": False}, "call interpreter.allocate_tensors()"),
    ({"convert_dtype": False}, "float64"),
    ({"invoke": False}, "Did you call interpreter.invoke()"),
    ({"output": "input"}, "you read the input tensor back"),
    ({"output": "weights"}, "get_output_details()[0]['index']"),
])
def test_run_litert_mistakes(run_context, mistake, message):
    result = ex.run_litert.evaluate(make_runner(**mistake), **run_context)
    assert result.status == "incorrect"
    assert message in result.message


def test_run_litert_reads_output_without_allocating(run_context):
    def run_litert(interpreter, image_batch):
        return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])

    result = ex.run_litert.evaluate(run_litert, **run_context)
    assert result.status == "incorrect"
    assert "call interpreter.allocate_tensors()" in result.message


def test_run_litert_own_python_error_is_not_blamed_on_allocation(run_context):
    def run_litert(interpreter, image_batch):
        interpreter.allocate_tensor()  # misspelt: the learner's AttributeError, not LiteRT's

    result = ex.run_litert.evaluate(run_litert, **run_context)
    assert result.status == "incorrect"
    assert "raised AttributeError" in result.message and "allocate_tensor'" in result.message
    assert "not allocated" not in result.message


def test_run_litert_not_attempted(run_context):
    def run_litert(interpreter, image_batch):
        ...

    assert ex.run_litert.evaluate(..., **run_context).status == "not attempted"
    assert ex.run_litert.evaluate(run_litert, **run_context).status == "not attempted"


# --- the helper the lesson introduces: runtime.compiled_predict ------------------------

def test_compiled_predict_matches_interpreter(run_context, capsys):
    from edgebook import runtime
    from edgebook.errors import ModelInputError

    model_bytes, images = run_context["model_bytes"], run_context["images"]
    expected = runtime.load(model_bytes).predict(images)
    assert np.max(np.abs(runtime.compiled_predict(model_bytes, images) - expected)) <= 1e-6
    with pytest.raises(ModelInputError, match="without the batch axis"):
        runtime.compiled_predict(model_bytes, images[0])
    with pytest.raises(ValueError, match="Unknown accelerator"):
        runtime.compiled_predict(model_bytes, images, accelerator="tpu")
    # An accelerator this machine lacks falls back to the CPU and says so.
    runtime.compiled_predict(model_bytes, images[:1], accelerator="npu")
    assert "runs on the CPU instead" in capsys.readouterr().out
