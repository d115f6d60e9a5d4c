"""Tests of the exercise checks of lesson 05_quantization_aware_training: each check against a
right answer, wrong answers (with their targeted messages) and the ``...`` placeholder.

The checks run on a small untrained CNN, so the tests do not train anything."""
import numpy as np
import pytest

from edgebook.checks import lesson_05 as ex


@pytest.fixture(scope="module")
def small_cnn(ctx):
    """Conv, pooling, flatten and two Dense layers: every kind of layer the baseline has."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(1)
    return tf.keras.Sequential([
        tf.keras.Input((8, 8, 1)),
        tf.keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="conv1"),
        tf.keras.layers.MaxPooling2D(name="pool1"),
        tf.keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="conv2"),
        tf.keras.layers.Flatten(name="flatten"),
        tf.keras.layers.Dense(8, activation="relu", name="dense"),
        tf.keras.layers.Dense(3, activation="softmax", name="probabilities"),
    ])


@pytest.fixture(scope="module")
def qat_model(small_cnn):
    import tensorflow_model_optimization as tfmot

    return tfmot.quantization.keras.quantize_model(small_cnn)


# --- Exercise 2.1: count the fake quantizers ---------------------------------------------------

@pytest.fixture(scope="module")
def right_count(qat_model):
    import tensorflow as tf
    import tensorflow_model_optimization as tfmot

    wrapped = [layer.name for layer in qat_model.layers
               if isinstance(layer, tfmot.quantization.keras.QuantizeWrapperV2)]
    graph = tf.function(lambda x: qat_model(x, training=False)).get_concrete_function(
        tf.TensorSpec([1, 8, 8, 1], tf.float32)).graph
    count = sum(op.type.startswith("FakeQuant") for op in graph.get_operations())
    return {"wrapped_layers": wrapped, "fake_quant_ops": count}


def evaluate_count(qat_model, **answer):
    return ex.count_quantizers.evaluate(answer, qat_model=qat_model)


def test_count_quantizers_correct(qat_model, right_count):
    # input, then kernel + activation of conv1, conv2, dense and probabilities
    from edgebook import qat

    assert right_count["fake_quant_ops"] == 9
    assert qat.fake_quant_ops(qat_model) == {"FakeQuantWithMinMaxVars": 7, "FakeQuantWithMinMaxVarsPerChannel": 2}
    result = ex.count_quantizers.evaluate(right_count, qat_model=qat_model)
    assert result.status == "correct", result.message
    reordered = dict(right_count, wrapped_layers=list(reversed(right_count["wrapped_layers"])))
    assert ex.count_quantizers.evaluate(reordered, qat_model=qat_model).status == "correct"


def test_count_quantizers_input_layer_is_not_a_wrapper(qat_model, right_count):
    result = evaluate_count(qat_model, wrapped_layers=["quantize_layer", *right_count["wrapped_layers"]],
                            fake_quant_ops=9)
    assert result.status == "incorrect"
    assert "is a QuantizeLayer: it quantizes the model's input" in result.message


def test_count_quantizers_weightless_layers_are_wrapped_too(qat_model):
    result = evaluate_count(qat_model, wrapped_layers=["quant_conv1", "quant_conv2", "quant_dense",
                                                       "quant_probabilities"], fake_quant_ops=9)
    assert result.status == "incorrect"
    assert "quant_pool1, quant_flatten" in result.message and "Every layer got a wrapper" in result.message


def test_count_quantizers_float_model_names(qat_model):
    result = evaluate_count(qat_model, wrapped_layers=["conv1", "pool1", "conv2", "flatten", "dense",
                                                       "probabilities"], fake_quant_ops=9)
    assert result.status == "incorrect"
    assert "'quant_' + the layer's name" in result.message


def test_count_quantizers_layers_instead_of_names(qat_model):
    result = evaluate_count(qat_model, wrapped_layers=qat_model.layers[1:], fake_quant_ops=9)
    assert result.status == "incorrect"
    assert "names" in result.message


def test_count_quantizers_per_channel_ops_forgotten(qat_model, right_count):
    result = evaluate_count(qat_model, wrapped_layers=right_count["wrapped_layers"], fake_quant_ops=7)
    assert result.status == "incorrect"
    assert "FakeQuantWithMinMaxVarsPerChannel" in result.message


def test_count_quantizers_weights_only(qat_model, right_count):
    result = evaluate_count(qat_model, wrapped_layers=right_count["wrapped_layers"], fake_quant_ops=4)
    assert result.status == "incorrect"
    assert "one per kernel" in result.message


def test_count_quantizers_input_forgotten(qat_model, right_count):
    result = evaluate_count(qat_model, wrapped_layers=right_count["wrapped_layers"], fake_quant_ops=8)
    assert result.status == "incorrect"
    assert "input" in result.message


def test_count_quantizers_not_attempted(qat_model, right_count):
    assert ex.count_quantizers.evaluate(..., qat_model=qat_model).status == "not attempted"
    blank = {"wrapped_layers": ..., "fake_quant_ops": ...}
    assert ex.count_quantizers.evaluate(blank, qat_model=qat_model).status == "not attempted"
    half = {"wrapped_layers": right_count["wrapped_layers"], "fake_quant_ops": ...}
    result = ex.count_quantizers.evaluate(half, qat_model=qat_model)
    assert result.status == "incorrect" and "fake_quant_ops is still ..." in result.message


# --- Exercise 4.1: round a kernel to 4 bits -------------------------------------------------------

def round_to_4_bits(kernel):
    scale = max(kernel.max() / 7, -kernel.min() / 8)
    return np.clip(np.round(kernel / scale), -8, 7) * scale


def test_round_to_4_bits_correct():
    result = ex.round_to_4_bits.evaluate(round_to_4_bits)
    assert result.status == "correct", result.message


def test_round_to_4_bits_codes_instead_of_values():
    def codes(kernel):
        scale = max(kernel.max() / 7, -kernel.min() / 8)
        return np.clip(np.round(kernel / scale), -8, 7)

    result = ex.round_to_4_bits.evaluate(codes)
    assert result.status == "incorrect"
    assert "integer codes" in result.message


def test_round_to_4_bits_narrow_range():
    def narrow(kernel):
        scale = np.abs(kernel).max() / 7
        return np.clip(np.round(kernel / scale), -7, 7) * scale

    result = ex.round_to_4_bits.evaluate(narrow)
    assert result.status == "incorrect"
    assert "narrow range" in result.message


def test_round_to_4_bits_floor():
    def floor(kernel):
        scale = max(kernel.max() / 7, -kernel.min() / 8)
        return np.clip(np.floor(kernel / scale), -8, 7) * scale

    result = ex.round_to_4_bits.evaluate(floor)
    assert result.status == "incorrect"
    assert "nearest" in result.message


def test_round_to_4_bits_per_channel_scale():
    def per_channel(kernel):
        scale = np.abs(kernel).max(axis=0) / 7
        return np.clip(np.round(kernel / scale), -8, 7) * scale

    result = ex.round_to_4_bits.evaluate(per_channel)
    assert result.status == "incorrect"
    assert "one scale for the whole tensor" in result.message or "16 codes" in result.message


def test_round_to_4_bits_wrong_shape_and_crash():
    result = ex.round_to_4_bits.evaluate(lambda kernel: round_to_4_bits(kernel).ravel())
    assert result.status == "incorrect" and "shape" in result.message
    result = ex.round_to_4_bits.evaluate(lambda kernel: kernel.no_such_method())
    assert result.status == "incorrect" and "AttributeError" in result.message


def test_round_to_4_bits_not_attempted():
    def placeholder(kernel):
        ...

    assert ex.round_to_4_bits.evaluate(placeholder).status == "not attempted"
    assert ex.round_to_4_bits.evaluate(...).status == "not attempted"


# --- Exercise 5.1: quantize only the convolutions -------------------------------------------------

def annotate_convolutions(layer):
    import tensorflow as tf
    import tensorflow_model_optimization as tfmot

    if isinstance(layer, tf.keras.layers.Conv2D):
        return tfmot.quantization.keras.quantize_annotate_layer(layer)
    return layer


def test_annotate_convolutions_correct(small_cnn):
    result = ex.annotate_convolutions.evaluate(annotate_convolutions, model=small_cnn)
    assert result.status == "correct", result.message


def test_annotate_convolutions_dense_too(small_cnn):
    import tensorflow as tf
    import tensorflow_model_optimization as tfmot

    def annotate_weighted(layer):
        if isinstance(layer, (tf.keras.layers.Conv2D, tf.keras.layers.Dense)):
            return tfmot.quantization.keras.quantize_annotate_layer(layer)
        return layer

    result = ex.annotate_convolutions.evaluate(annotate_weighted, model=small_cnn)
    assert result.status == "incorrect"
    assert "You also annotated dense, probabilities" in result.message


def test_annotate_convolutions_one_missing(small_cnn):
    import tensorflow_model_optimization as tfmot

    def first_only(layer):
        if layer.name.startswith("conv1"):
            return tfmot.quantization.keras.quantize_annotate_layer(layer)
        return layer

    result = ex.annotate_convolutions.evaluate(first_only, model=small_cnn)
    assert result.status == "incorrect"
    assert "conv2" in result.message


def test_annotate_convolutions_forgets_other_layers(small_cnn):
    import tensorflow as tf
    import tensorflow_model_optimization as tfmot

    def no_else(layer):
        if isinstance(layer, tf.keras.layers.Conv2D):
            return tfmot.quantization.keras.quantize_annotate_layer(layer)

    result = ex.annotate_convolutions.evaluate(no_else, model=small_cnn)
    assert result.status == "incorrect"
    assert "returns None for pool1" in result.message


def test_annotate_convolutions_annotates_nothing(small_cnn):
    result = ex.annotate_convolutions.evaluate(lambda layer: layer, model=small_cnn)
    assert result.status == "incorrect"
    assert "annotates no layer" in result.message


def test_annotate_convolutions_not_attempted(small_cnn):
    def placeholder(layer):
        ...

    assert ex.annotate_convolutions.evaluate(placeholder, model=small_cnn).status == "not attempted"
    assert ex.annotate_convolutions.evaluate(..., model=small_cnn).status == "not attempted"


def test_annotate_convolutions_leaves_the_model_alone(small_cnn):
    before = [w.copy() for w in small_cnn.get_weights()]
    ex.annotate_convolutions.evaluate(annotate_convolutions, model=small_cnn)
    assert [type(layer).__name__ for layer in small_cnn.layers] == [
        "Conv2D", "MaxPooling2D", "Conv2D", "Flatten", "Dense", "Dense"]
    for original, now in zip(before, small_cnn.get_weights()):
        np.testing.assert_array_equal(original, now)


# --- Exercise 6.1: QAT or PTQ? -------------------------------------------------------------------

RIGHT_CHOICES = {"A": ("PTQ", 1), "B": ("QAT", 3), "C": ("PTQ", 2), "D": ("QAT", 4)}


def test_qat_or_ptq_correct():
    assert ex.qat_or_ptq.evaluate(RIGHT_CHOICES).status == "correct"
    lower_case = {key: (method.lower(), reason) for key, (method, reason) in RIGHT_CHOICES.items()}
    assert ex.qat_or_ptq.evaluate(lower_case).status == "correct"


def test_qat_or_ptq_false_statement():
    result = ex.qat_or_ptq.evaluate(dict(RIGHT_CHOICES, D=("QAT", 6)))
    assert result.status == "incorrect"
    assert "Statement 6 is not true" in result.message


def test_qat_or_ptq_wrong_method():
    result = ex.qat_or_ptq.evaluate(dict(RIGHT_CHOICES, C=("QAT", 2)))
    assert result.status == "incorrect"
    assert "Scenario C" in result.message and "labelled data" in result.message


def test_qat_or_ptq_right_method_wrong_reason():
    result = ex.qat_or_ptq.evaluate(dict(RIGHT_CHOICES, D=("QAT", 3)))
    assert result.status == "incorrect"
    assert "Right method" in result.message and "int8" in result.message


def test_qat_or_ptq_badly_formed():
    result = ex.qat_or_ptq.evaluate({key: value for key, value in RIGHT_CHOICES.items() if key != "B"})
    assert result.status == "incorrect" and "has no 'B'" in result.message
    result = ex.qat_or_ptq.evaluate(dict(RIGHT_CHOICES, A="PTQ"))
    assert result.status == "incorrect" and "pair" in result.message
    result = ex.qat_or_ptq.evaluate(dict(RIGHT_CHOICES, A=("pruning", 1)))
    assert result.status == "incorrect" and "'QAT' or 'PTQ'" in result.message
    result = ex.qat_or_ptq.evaluate(dict(RIGHT_CHOICES, A=("PTQ", 9)))
    assert result.status == "incorrect" and "1 to 6" in result.message


def test_qat_or_ptq_not_attempted():
    assert ex.qat_or_ptq.evaluate(...).status == "not attempted"
    assert ex.qat_or_ptq.evaluate({key: ... for key in RIGHT_CHOICES}).status == "not attempted"
    result = ex.qat_or_ptq.evaluate(dict(RIGHT_CHOICES, B=...))
    assert result.status == "incorrect" and "B is still ..." in result.message


def test_every_exercise_has_hints():
    for exercise in (ex.count_quantizers, ex.round_to_4_bits, ex.annotate_convolutions, ex.qat_or_ptq):
        assert len(exercise.hints) == 3
