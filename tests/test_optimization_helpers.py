"""Recipes, compare() and the weight statistics used by the optimization track (04-07)."""
import numpy as np
import pytest

from edgebook.errors import ConversionError


@pytest.fixture(scope="session")
def small_cnn(ctx):
    """A small conv + dense model with random weights, and calibration data."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([
        tf.keras.Input((8, 8, 1)),
        tf.keras.layers.Conv2D(8, 3, activation="relu", name="conv"),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(64, activation="relu", name="dense"),
        tf.keras.layers.Dense(4, activation="softmax", name="out"),
    ])
    x = np.random.default_rng(0).uniform(0, 1, (64, 8, 8, 1)).astype(np.float32)
    y = np.argmax(model.predict(x, verbose=0), axis=1)  # labels the float model gets all right
    return model, x, y


@pytest.fixture(scope="session")
def recipes(small_cnn):
    from edgebook import convert

    model, x, _ = small_cnn
    return {recipe: convert.to_tflite(model, recipe, **({"representative_data": x} if "int" in recipe else {}))
            for recipe in ("float32", "dynamic_range", "float16", "int8", "int16x8")}


def test_recipes_shrink_the_weights_as_documented(recipes):
    size = {name: len(b) for name, b in recipes.items()}
    assert size["float16"] < 0.6 * size["float32"]
    for recipe in ("dynamic_range", "int8", "int16x8"):
        assert size[recipe] < 0.4 * size["float32"], recipe


def test_recipe_types(recipes):
    from edgebook import runtime

    assert runtime.load(recipes["int8"]).input.dtype == np.int8
    assert runtime.load(recipes["int8"]).output.dtype == np.int8
    for recipe in ("float32", "dynamic_range", "float16", "int16x8"):
        assert runtime.load(recipes[recipe]).input.dtype == np.float32, recipe


def test_quantized_recipes_stay_close_to_float(small_cnn, recipes):
    from edgebook import runtime

    _, x, _ = small_cnn
    reference = runtime.load(recipes["float32"]).predict(x)
    for recipe in ("dynamic_range", "float16", "int8", "int16x8"):
        assert np.abs(runtime.load(recipes[recipe]).predict(x) - reference).max() < 0.1, recipe


def test_keras_models_get_the_bytes_from_keras_model_writes(small_cnn, recipes):
    """to_tflite skips from_keras_model's SavedModel export, and the files stay byte for byte the same."""
    import tensorflow as tf

    from edgebook import convert

    model, x, _ = small_cnn
    for recipe in ("float32", "int8"):
        converter = tf.lite.TFLiteConverter.from_keras_model(model)
        convert.RECIPES[recipe](converter, **({"representative_data": x} if recipe == "int8" else {}))
        assert convert.run_converter(converter) == recipes[recipe], recipe


def test_models_the_serving_function_cannot_trace_take_from_keras_model(small_cnn):
    import tensorflow as tf

    from edgebook import convert

    class Doubler(tf.keras.Model):  # subclassed: no model.inputs to trace from
        def call(self, x):
            return 2.0 * x

    doubler = Doubler()
    doubler(tf.zeros((1, 3)))
    assert doubler.inputs is None
    assert convert.to_tflite(doubler) == convert.run_converter(tf.lite.TFLiteConverter.from_keras_model(doubler))


def test_int8_without_representative_data_says_what_is_missing(small_cnn):
    from edgebook import convert

    with pytest.raises(ConversionError, match="representative_data"):
        convert.to_tflite(small_cnn[0], "int8")
    with pytest.raises(ConversionError, match="batch of input samples"):
        convert.to_tflite(small_cnn[0], "int8", representative_data=np.zeros(0, np.float32))
    with pytest.raises(ConversionError, match="does not take the options"):
        convert.to_tflite(small_cnn[0], "float16", representative_data=small_cnn[1])


def test_sparse_option_converts(small_cnn):
    from edgebook import convert, runtime

    tflite_bytes = convert.to_tflite(small_cnn[0], sparse=True)
    assert runtime.load(tflite_bytes).predict(small_cnn[1]).shape == (64, 4)


def test_compare_measures_every_variant_against_the_baseline(small_cnn, recipes):
    from edgebook import measure

    _, x, y = small_cnn
    table = measure.compare({"float32": recipes["float32"], "int8": recipes["int8"]}, x, y, runs=10)
    assert [row.name for row in table] == ["float32", "int8"]
    assert table["float32"].size_ratio == 1.0 and table["float32"].accuracy == 1.0
    assert table["float32"].accuracy_delta == 0.0
    assert table["int8"].size_ratio > 2.5 and table["int8"].gzip_ratio > 2.5
    assert table["int8"].median_ms > 0 and table["int8"].threads == 1
    text = repr(table)
    assert "int8" in text and "gz smaller" in text and "thread" in text
    with pytest.raises(KeyError, match="float32, int8"):
        table["int4"]
    with pytest.raises(KeyError, match="baseline"):
        measure.compare({"a": recipes["int8"]}, x, y, baseline="b")


def test_weight_statistics(small_cnn):
    import tensorflow as tf
    from edgebook import weights

    model = tf.keras.models.clone_model(small_cnn[0])
    kernel = model.get_layer("dense").kernel
    values = kernel.numpy()
    values[:, :32] = 0.0                                 # half the columns pruned
    values[:, 32:] = np.where(values[:, 32:] > 0, 0.5, -0.5)  # the rest: two clusters
    kernel.assign(values)
    assert list(weights.kernels(model)) == ["conv", "dense", "out"]
    assert weights.sparsity(model)["dense"] == 0.5
    assert weights.unique_values(model)["dense"] == 3
    assert "dense" in weights.table(model) and "50.0%" in weights.table(model)


def test_weight_statistics_look_through_pruning_wrappers(small_cnn):
    import tensorflow_model_optimization as tfmot
    from edgebook import weights

    pruned = tfmot.sparsity.keras.prune_low_magnitude(small_cnn[0])
    assert set(weights.kernels(pruned)) == {"prune_low_magnitude_conv", "prune_low_magnitude_dense",
                                           "prune_low_magnitude_out"}


def test_baseline_cnn_is_the_documented_size(ctx):
    from edgebook import models

    model = models.build_baseline_cnn()
    assert model.count_params() == 151_306
    assert model.input_shape[1:] == models.BASELINE_INPUT_SHAPE
    assert models.baseline_digits().x_train.shape[1:] == (16, 16)


def test_comparisons_add_up_to_one_table(small_cnn, recipes):
    from edgebook import measure

    _, x, y = small_cnn
    first = measure.compare({"float32": recipes["float32"]}, x, y, runs=5)
    second = measure.compare({"int8": recipes["int8"]}, x, y, runs=5)
    both = first + second
    assert isinstance(both, measure.Comparison) and [r.name for r in both] == ["float32", "int8"]
    assert "int8" in repr(both)


def test_keep_float_leaves_the_named_ops_in_float(small_cnn, recipes):
    from edgebook import convert, modelfile, runtime

    model, x, _ = small_cnn
    selective = convert.to_tflite(model, "int8", representative_data=x, keep_float=["FULLY_CONNECTED"])
    weight_types = {t.dtype for t in modelfile.tensors(selective) if t.is_constant and len(t.shape) == 2}
    assert weight_types == {"float32"}  # the Dense kernels stayed float
    conv_kernel = next(t for t in modelfile.tensors(selective) if t.is_constant and len(t.shape) == 4)
    assert conv_kernel.dtype == "int8"  # the convolution was quantized
    assert len(selective) > len(recipes["int8"])  # float kernels take 4 bytes a weight
    lite = runtime.load(selective)
    assert lite.input.dtype == np.float32
    assert np.abs(lite.predict(x) - runtime.load(recipes["float32"]).predict(x)).max() < 0.1
    with pytest.raises(ConversionError, match="int8 recipe"):
        convert.to_tflite(model, "float16", keep_float=["CONV_2D"])
    with pytest.raises(ConversionError, match="representative_data"):
        convert.to_tflite(model, "int8", keep_float=["CONV_2D"])


# --- lesson 04's bit-width slider: weights.quantize_kernel and simulate_weight_bits -------------

def test_quantize_kernel_keeps_at_most_2_to_the_bits_minus_1_values_per_channel():
    from edgebook import weights

    kernel = np.random.default_rng(1).normal(size=(3, 3, 2, 5)).astype(np.float32)
    for bits in (2, 3, 4, 8):
        rounded = weights.quantize_kernel(kernel, bits)
        assert rounded.shape == kernel.shape and rounded.dtype == kernel.dtype
        for channel in range(5):
            assert np.unique(rounded[..., channel]).size <= 2 ** bits - 1
            step = np.abs(kernel[..., channel]).max() / (2 ** (bits - 1) - 1)
            assert np.abs(rounded[..., channel] - kernel[..., channel]).max() <= step / 2 + 1e-6
            assert np.isclose(np.abs(rounded[..., channel]).max(), np.abs(kernel[..., channel]).max())
    assert np.unique(weights.quantize_kernel(kernel, 2)).size > 3  # per channel, not one grid for all


def test_quantize_kernel_leaves_a_zero_channel_zero_and_rejects_odd_bit_widths():
    from edgebook import weights

    kernel = np.zeros((4, 2), np.float32)
    kernel[:, 1] = [0.5, -1.0, 0.25, 0.0]
    rounded = weights.quantize_kernel(kernel, 3)
    assert np.all(rounded[:, 0] == 0) and np.isfinite(rounded).all()
    for bad in (1, 0, 17):
        with pytest.raises(ValueError, match="from 2 to 16"):
            weights.quantize_kernel(kernel, bad)


def test_simulate_weight_bits_costs_accuracy_only_at_low_bit_widths(small_cnn):
    from edgebook import weights

    model, x, y = small_cnn  # y: the float model's own answers, so float accuracy is 100%
    before = [w.copy() for w in model.get_weights()]
    results = {bits: weights.simulate_weight_bits(model, bits, x, y) for bits in (8, 6, 2)}
    assert results[8].accuracy >= 0.95 and results[2].accuracy < results[8].accuracy
    assert results[8].rmse < results[6].rmse < results[2].rmse
    assert 3 <= results[6].rmse / results[8].rmse <= 5  # two bits less: about 4x the rounding error
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))  # the model is untouched
    assert weights.simulate_weight_bits(model, 8, x, y) == results[8]  # the reused copy gives the same answer
    line = results[2].describe(float_accuracy=1.0)
    assert line.startswith("2-bit weights: RMS weight error") and "points vs float" in line
