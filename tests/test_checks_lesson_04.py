"""Tests of lesson 04_post_training_quantization: each exercise check against a right answer, wrong
answers (with their targeted messages) and the ``...`` placeholder; and the lesson's weight-quantization
simulation (defined in the solution notebook, which is the single source of that code)."""
import numpy as np
import pytest

from edgebook.checks import lesson_04 as ex


# --- Exercise 3.1: scale and zero point ------------------------------------------------------

def right_scale_zero_point(low, high):
    low, high = min(low, 0.0), max(high, 0.0)
    scale = (high - low) / 255
    return scale, int(round(-128 - low / scale))


def test_reference_matches_what_litert_stores_for_the_input():
    scale, zero_point = ex.reference_scale_zero_point(0.0, 1.0)
    assert np.isclose(scale, 1 / 255) and zero_point == -128


def test_scale_zero_point_correct():
    result = ex.scale_zero_point.evaluate(right_scale_zero_point, tensor_range=(-26.76686, 27.06621),
                                          stored=(0.2111101, -1))
    assert result.status == "correct", result.message


def test_scale_zero_point_uint8():
    def uint8(low, high):
        low, high = min(low, 0.0), max(high, 0.0)
        scale = (high - low) / 255
        return scale, int(round(-low / scale))

    result = ex.scale_zero_point.evaluate(uint8)
    assert result.status == "incorrect"
    assert "uint8 zero point" in result.message


def test_scale_zero_point_range_not_stretched():
    def unstretched(low, high):
        scale = (high - low) / 255
        return scale, int(round(-128 - low / scale))

    result = ex.scale_zero_point.evaluate(unstretched)
    assert result.status == "incorrect"
    assert "include 0" in result.message


def test_scale_zero_point_256_steps():
    def by_256(low, high):
        low, high = min(low, 0.0), max(high, 0.0)
        scale = (high - low) / 256
        return scale, int(round(-128 - low / scale))

    result = ex.scale_zero_point.evaluate(by_256)
    assert result.status == "incorrect"
    assert "255" in result.message


def test_scale_zero_point_not_rounded():
    def unrounded(low, high):
        low, high = min(low, 0.0), max(high, 0.0)
        scale = (high - low) / 255
        return scale, -128 - low / scale

    result = ex.scale_zero_point.evaluate(unrounded)
    assert result.status == "incorrect"
    assert "whole number" in result.message


def test_scale_zero_point_differs_from_stored():
    result = ex.scale_zero_point.evaluate(right_scale_zero_point, tensor_range=(-26.76686, 27.06621),
                                          stored=(0.2111101, 5))
    assert result.status == "incorrect"
    assert "LiteRT stored" in result.message


def test_scale_zero_point_not_attempted():
    def starter(low, high):  # the workbook's version: every line still ...
        scale = ...
        zero_point = ...
        return scale, zero_point

    assert ex.scale_zero_point.evaluate(starter).status == "not attempted"
    assert ex.scale_zero_point.evaluate(...).status == "not attempted"


# --- Exercise 3.2: quantize to int8 ----------------------------------------------------------

def right_quantize(x, scale, zero_point):
    return np.clip(np.round(x / scale) + zero_point, -128, 127).astype(np.int8)


def test_quantize_correct():
    result = ex.quantize_int8.evaluate(right_quantize)
    assert result.status == "correct", result.message


@pytest.mark.filterwarnings("ignore:Statistics for quantized inputs")  # from the shared fixture's converter
def test_quantize_matches_litert_input_quantization(int8_model):
    from edgebook import runtime

    lite = runtime.load(int8_model[1])
    x = np.random.default_rng(1).uniform(-1.5, 1.5, (20, 4)).astype(np.float32)
    expected = lite.quantize_input(x)
    assert np.array_equal(right_quantize(x, lite.input.scale, lite.input.zero_point), expected)
    assert np.array_equal(ex.reference_quantize_int8(x, lite.input.scale, lite.input.zero_point), expected)


@pytest.mark.parametrize("wrong, message", [
    (lambda x, s, z: (np.round(x / s) + z).astype(np.int64).astype(np.int8), "np.clip"),
    (lambda x, s, z: np.clip(np.floor(x / s) + z, -128, 127).astype(np.int8), "np.round"),
    (lambda x, s, z: np.clip(np.round(x / s) - z, -128, 127).astype(np.int8), "wrong sign"),
    (lambda x, s, z: np.clip(np.round(x * s) + z, -128, 127).astype(np.int8), "multiplied"),
    (lambda x, s, z: np.clip(np.round(x / s) + z, -128, 127), "astype(np.int8)"),
    (lambda x, s, z: np.clip(np.round(x / s) + z, -128, 127).astype(np.int8)[:10], "shape"),
    (lambda x, s, z: 1 / 0, "ZeroDivisionError"),
])
def test_quantize_wrong(wrong, message):
    result = ex.quantize_int8.evaluate(wrong)
    assert result.status == "incorrect"
    assert message in result.message, result.message


def test_quantize_not_attempted():
    def starter(x, scale, zero_point):
        ...

    assert ex.quantize_int8.evaluate(starter).status == "not attempted"
    assert ex.quantize_int8.evaluate(...).status == "not attempted"


# --- Exercise 4.1: a recipe for a microcontroller ----------------------------------------------

def test_microcontroller_correct():
    result = ex.microcontroller_recipe.evaluate({"recipe": "int8", "reasons": {"a", "c"}})
    assert result.status == "correct", result.message
    assert ex.microcontroller_recipe.evaluate({"recipe": " INT8", "reasons": ["C", "a"]}).status == "correct"


@pytest.mark.parametrize("answer, message", [
    ({"recipe": "dynamic_range", "reasons": {"a", "c"}}, "activations stay float"),
    ({"recipe": "int16x8", "reasons": {"a", "c"}}, "slower"),
    ({"recipe": "float16", "reasons": {"a"}}, "float32 before"),
    ({"recipe": "int4", "reasons": {"a"}}, "one of the five"),
    ({"recipe": "int8", "reasons": {"a", "b", "c"}}, "dynamic range and int16x8"),
    ({"recipe": "int8", "reasons": {"a", "c", "d"}}, "noise"),
    ({"recipe": "int8", "reasons": {"a"}}, "one is missing"),
    ({"recipe": "int8", "reasons": {"a", "e"}}, "no reason 'e'"),
    ({"recipe": "int8", "reasons": ...}, "both"),
    ("int8", "Pass a dict"),
])
def test_microcontroller_wrong(answer, message):
    result = ex.microcontroller_recipe.evaluate(answer)
    assert result.status == "incorrect"
    assert message in result.message, result.message


def test_microcontroller_not_attempted():
    assert ex.microcontroller_recipe.evaluate({"recipe": ..., "reasons": ...}).status == "not attempted"
    assert ex.microcontroller_recipe.evaluate(...).status == "not attempted"


# --- The lesson's weight-quantization simulation (section 6, the bit-width slider) --------------

@pytest.fixture(scope="module")
def tiny_classifier(ctx):
    """A small random dense classifier and inputs it labels perfectly (float accuracy 100%)."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(7)
    model = tf.keras.Sequential([
        tf.keras.Input((16,)),
        tf.keras.layers.Dense(32, activation="relu"),
        tf.keras.layers.Dense(5, activation="softmax"),
    ])
    x = np.random.default_rng(7).normal(size=(300, 16)).astype(np.float32)
    y = np.argmax(model.predict(x, verbose=0), axis=1)
    return model, x, y


def test_quantize_kernel_is_litert_per_channel_at_8_bits():
    from edgebook import weights

    kernel = np.random.default_rng(0).normal(size=(3, 3, 4, 6)).astype(np.float32)
    scales = np.abs(kernel).reshape(-1, 6).max(axis=0) / 127
    expected = np.round(kernel / scales) * scales
    assert np.allclose(weights.quantize_kernel(kernel, 8), expected, atol=1e-7)
    assert len(np.unique(weights.quantize_kernel(kernel, 2)[..., 0])) <= 3  # -s, 0, +s


def test_simulation_8_bits_keeps_accuracy_2_bits_loses(tiny_classifier):
    from edgebook import weights

    model, x, y = tiny_classifier
    at_8, at_2 = (weights.simulate_weight_bits(model, bits, x, y) for bits in (8, 2))
    assert at_8.accuracy >= 0.97
    assert at_2.accuracy < at_8.accuracy - 0.05
    assert 0 < at_8.rmse < at_2.rmse


def test_simulation_leaves_the_model_alone_and_reuses_its_copy(tiny_classifier):
    from edgebook import weights

    model, x, y = tiny_classifier
    before = [w.copy() for w in model.get_weights()]
    weights.simulate_weight_bits(model, 3, x, y)
    rounded_copy = weights._rounded_copies[model]
    weights.simulate_weight_bits(model, 4, x, y)
    assert weights._rounded_copies[model] is rounded_copy
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_the_workbook_starter_of_exercise_3_1_leaves_one_blank_per_decision():
    # The learner decides the scale and the zero point; a starter `low = ...` would give hint 2 away.
    import nbformat
    from edgebook import paths

    notebook = nbformat.read(paths.root() / "notebooks" / "04_post_training_quantization.ipynb", as_version=4)
    starter = next(cell.source for cell in notebook.cells if cell.source.startswith("def int8_scale_zero_point"))
    blanks = [line.split("=")[0].strip() for line in starter.splitlines() if line.endswith("...  # your code here")]
    assert blanks == ["scale", "zero_point"], starter
    assert "min(" not in starter and "max(" not in starter, starter

    def starter_as_given(low, high):
        scale = ...
        zero_point = ...
        return scale, zero_point

    assert ex.scale_zero_point.evaluate(starter_as_given).status == "not attempted"
