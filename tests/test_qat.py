"""edgebook.qat: quantization-aware fine-tuning and the simulated low-bit post-training rounding."""
import numpy as np
import pytest

from edgebook.errors import EdgebookError


@pytest.fixture(scope="module")
def digits(ctx):
    from edgebook import data

    return data.load("digits")  # 8x8: small and fast; the helpers work on any digits Dataset


@pytest.fixture(scope="module")
def tiny_cnn(ctx, digits):
    """A conv + dense model for 8x8 digits, trained for a few epochs (about a second)."""
    import tensorflow as tf
    from edgebook import models

    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([
        tf.keras.Input((8, 8, 1)),
        tf.keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="conv"),
        tf.keras.layers.MaxPooling2D(name="pool"),
        tf.keras.layers.Flatten(name="flatten"),
        tf.keras.layers.Dense(10, activation="softmax", name="probabilities"),
    ], name="tiny_cnn")
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    models.fit(model, digits, epochs=3)
    return model


@pytest.fixture(scope="module")
def qat_tiny(tiny_cnn, digits):
    from edgebook import qat

    original = [w.copy() for w in tiny_cnn.get_weights()]
    model = qat.quantize_aware(tiny_cnn, digits, epochs=1)
    return model, original


def test_quantize_aware_wraps_every_layer(qat_tiny):
    import tensorflow_model_optimization as tfmot
    from edgebook import qat

    model, _ = qat_tiny
    assert qat.wrapped_layers(model) == ["quant_conv", "quant_pool", "quant_flatten", "quant_probabilities"]
    wrappers = [layer for layer in model.layers if isinstance(layer, tfmot.quantization.keras.QuantizeWrapper)]
    assert len(wrappers) == 4
    assert type(model.layers[0]).__name__ == "QuantizeLayer"  # the input quantizer (not exported by TFMOT)


def test_quantize_aware_fine_tunes_with_validation(qat_tiny):
    model, _ = qat_tiny
    logs = model.history.history
    assert len(logs["loss"]) == 1
    assert "val_accuracy" in logs


def test_quantize_aware_converts_to_int8(tiny_cnn, qat_tiny, digits):
    from edgebook import convert, measure, models, modelfile, runtime

    model, _ = qat_tiny
    x = models.prepare_digits(digits.x_test)
    int8_bytes = convert.to_tflite(model, "int8", representative_data=models.prepare_digits(digits.x_train[:20]))
    lite = runtime.load(int8_bytes)
    assert lite.input.dtype == np.int8 and lite.output.dtype == np.int8
    tensors = modelfile.tensors(int8_bytes)
    weights = [tensors[op.inputs[1]].dtype for op in modelfile.ops(int8_bytes)
               if op.name in ("CONV_2D", "FULLY_CONNECTED")]
    assert weights == ["int8", "int8"]
    # The int8 file computes what the fake-quantized Keras model computes.
    agreement = np.mean(np.argmax(lite.predict(x), 1) == np.argmax(model.predict(x, verbose=0), 1))
    assert agreement >= 0.95
    float_accuracy = measure.accuracy(tiny_cnn, x, digits.y_test)
    assert float_accuracy >= 0.8
    assert measure.accuracy(lite, x, digits.y_test) >= float_accuracy - 0.05


def test_quantize_aware_leaves_the_float_model_unchanged(tiny_cnn, qat_tiny):
    _, original = qat_tiny
    for before, after in zip(original, tiny_cnn.get_weights()):
        np.testing.assert_array_equal(before, after)


def test_quantize_aware_is_deterministic(tiny_cnn, digits, qat_tiny):
    from edgebook import qat

    again = qat.quantize_aware(tiny_cnn, digits, epochs=1)
    for first, second in zip(qat_tiny[0].get_weights(), again.get_weights()):
        np.testing.assert_array_equal(first, second)


def test_fake_quant_ops_counts_each_type_in_the_inference_graph(qat_tiny):
    from edgebook import qat

    model, _ = qat_tiny
    # the input, the conv's output and the dense output per tensor; the conv kernel per channel, the dense
    # kernel per tensor
    counts = qat.fake_quant_ops(model)
    assert counts == {"FakeQuantWithMinMaxVars": 4, "FakeQuantWithMinMaxVarsPerChannel": 1}, counts


def test_fake_quant_ops_of_a_float_model_is_empty_and_rejects_what_is_not_a_model(tiny_cnn):
    from edgebook import qat

    assert qat.fake_quant_ops(tiny_cnn) == {}
    with pytest.raises(EdgebookError, match="tf.keras model"):
        qat.fake_quant_ops(b"not a model")


def test_quantize_aware_rejects_what_it_cannot_wrap(qat_tiny, digits):
    from edgebook import qat

    with pytest.raises(EdgebookError, match="tf.keras model"):
        qat.quantize_aware("model.keras", digits)
    with pytest.raises(EdgebookError, match="already quantization-aware"):
        qat.quantize_aware(qat_tiny[0], digits)


@pytest.mark.parametrize("num_bits", [2, 3, 4, 8])
def test_round_to_bits_matches_tfmot(ctx, num_bits):
    import tensorflow as tf
    import tensorflow_model_optimization as tfmot
    from edgebook import qat

    rng = np.random.default_rng(num_bits)
    for values in (rng.normal(0, 0.1, (3, 3, 2, 8)), rng.normal(0.05, 0.1, (40, 6)), -rng.uniform(0, 1, 30)):
        values = values.astype(np.float32)
        quantizer = tfmot.quantization.keras.quantizers.LastValueQuantizer(
            num_bits=num_bits, symmetric=True, narrow_range=False, per_axis=False)
        ranges = quantizer.build(values.shape, "kernel", tf.keras.layers.Layer())
        expected = quantizer(tf.constant(values), training=True, weights=ranges).numpy()
        rounded = qat.round_to_bits(values, num_bits)
        assert rounded.dtype == np.float32 and rounded.shape == values.shape
        np.testing.assert_allclose(rounded, expected, rtol=0, atol=1e-6)
        assert np.unique(rounded).size <= 2 ** num_bits


def test_round_to_bits_keeps_zero_and_rejects_bad_input(ctx):
    from edgebook import qat

    np.testing.assert_array_equal(qat.round_to_bits(np.zeros(5), 4), np.zeros(5))
    assert qat.round_to_bits(np.array([0.0, 0.3, -0.2]), 4)[0] == 0.0
    with pytest.raises(ValueError, match="between 2 and 8"):
        qat.round_to_bits(np.ones(3), 1)
    with pytest.raises(ValueError, match="empty"):
        qat.round_to_bits(np.array([]), 4)


def test_round_weights_rounds_kernels_only(tiny_cnn):
    from edgebook import qat, weights

    before = [w.copy() for w in tiny_cnn.get_weights()]
    rounded = qat.round_weights(tiny_cnn, 2)
    assert all(count <= 4 for count in weights.unique_values(rounded).values())
    for layer in ("conv", "probabilities"):
        np.testing.assert_array_equal(rounded.get_layer(layer).bias.numpy(), tiny_cnn.get_layer(layer).bias.numpy())
    for original, now in zip(before, tiny_cnn.get_weights()):  # the model passed in is untouched
        np.testing.assert_array_equal(original, now)
    with pytest.raises(EdgebookError):
        qat.round_weights(object(), 4)
