"""edgebook.architectures: ImageNet models by name, the fast converter, MAC counts from Keras layers,
the published figures (against the installed tf_keras docstrings) and the digits CNN builders."""
import re

import numpy as np
import pytest


@pytest.fixture(scope="module")
def small_model(ctx):
    """One layer of each kind keras_macs counts."""
    import tensorflow as tf

    layers = tf.keras.layers
    return tf.keras.Sequential([
        layers.Input((12, 10, 4)),
        layers.Conv2D(8, 3, padding="same"),                   # 12*10*8 * 3*3*4
        layers.DepthwiseConv2D(3, strides=2, padding="same"),  # 6*5*8 * 3*3
        layers.SeparableConv2D(6, 3, padding="same"),          # 6*5*8 * 3*3 + 6*5*8*6
        layers.Conv2D(6, 1, groups=2),                         # 6*5*6 * 1*1*3
        layers.GlobalAveragePooling2D(),
        layers.Dense(5),                                       # 6*5
    ])


def test_keras_macs_counts_every_kind_of_layer(small_model):
    from edgebook import architectures

    expected = 12 * 10 * 8 * 36 + 6 * 5 * 8 * 9 + (6 * 5 * 8 * 9 + 6 * 5 * 8 * 6) + 6 * 5 * 6 * 3 + 6 * 5
    assert architectures.keras_macs(small_model) == expected


def test_to_tflite_matches_the_keras_count_and_has_a_batch_of_one(small_model):
    from edgebook import architectures, modelfile, runtime

    model_bytes = architectures.to_tflite(small_model)
    assert modelfile.macs(model_bytes) == architectures.keras_macs(small_model)
    lite = runtime.load(model_bytes)
    assert lite.input.shape == (1, 12, 10, 4)
    x = np.random.default_rng(0).normal(size=(3, 12, 10, 4)).astype(np.float32)
    np.testing.assert_allclose(lite.predict(x), small_model(x).numpy(), atol=1e-4)


def test_to_tflite_int8_and_bad_recipes(small_model):
    from edgebook import architectures, runtime
    from edgebook.errors import ConversionError

    x = np.random.default_rng(0).normal(size=(4, 12, 10, 4)).astype(np.float32)
    lite = runtime.load(architectures.to_tflite(small_model, "int8", representative_data=x))
    assert lite.input.dtype == np.int8 and lite.output.dtype == np.int8
    with pytest.raises(ConversionError, match="Unknown recipe"):
        architectures.to_tflite(small_model, "int3")
    with pytest.raises(ConversionError, match="representative_data"):
        architectures.to_tflite(small_model, "int8")
    with pytest.raises(ConversionError, match="does not take"):
        architectures.to_tflite(small_model, "float32", representative_data=x)


def test_freeze_once_converts_with_every_recipe_like_to_tflite(small_model):
    from edgebook import architectures, convert, modelfile, runtime
    from edgebook.errors import ConversionError

    x = np.random.default_rng(0).normal(size=(4, 12, 10, 4)).astype(np.float32)
    graph = convert.freeze(small_model)
    assert graph.inputs == [("images", [1, 12, 10, 4])]
    float_bytes, int8_bytes = graph.to_tflite(), graph.to_tflite("int8", representative_data=x)
    assert modelfile.op_counts(float_bytes) == modelfile.op_counts(architectures.to_tflite(small_model))
    np.testing.assert_allclose(runtime.load(float_bytes).predict(x), small_model(x).numpy(), atol=1e-4)
    assert runtime.load(int8_bytes).input.dtype == np.int8
    assert "DEQUANTIZE" in modelfile.op_counts(graph.to_tflite("float16"))  # float16 weights, dequantized to run
    with pytest.raises(ConversionError, match="Unknown recipe"):
        graph.to_tflite("int3")
    with pytest.raises(ConversionError, match="takes a Keras model"):
        convert.freeze("not a model")


def test_a_frozen_graph_converts_for_another_input_size_with_the_same_weights(ctx):
    import tensorflow as tf
    from edgebook import convert, modelfile, runtime
    from edgebook.errors import ConversionError

    layers = tf.keras.layers
    def pooled_model(size):
        return tf.keras.Sequential([layers.Input((size, size, 3)), layers.Conv2D(4, 3, padding="same"),
                                    layers.GlobalAveragePooling2D(), layers.Dense(2)])

    pooled, same_weights_at_8 = pooled_model(16), pooled_model(8)
    same_weights_at_8.set_weights(pooled.get_weights())
    graph = convert.freeze(pooled)
    small = graph.to_tflite(input_shape=(1, 8, 8, 3))
    assert runtime.load(small).input.shape == (1, 8, 8, 3)
    assert modelfile.macs(small) == 8 * 8 * 4 * 27 + 4 * 2
    x = np.random.default_rng(0).normal(size=(1, 8, 8, 3)).astype(np.float32)
    np.testing.assert_allclose(runtime.load(small).predict(x), same_weights_at_8(x).numpy(), atol=1e-5)
    with pytest.raises(ConversionError, match="same rank"):
        graph.to_tflite(input_shape=(8, 8))


def test_build_by_name_alpha_and_resolution(ctx):
    from edgebook import architectures

    model = architectures.build("MobileNetV2", alpha=0.35, resolution=128)
    assert model.input_shape == (None, 128, 128, 3)
    assert model.count_params() == 1_691_208  # the same at every resolution
    assert abs(architectures.keras_macs(model) / 20e6 - 1) < 0.02  # published: 20 M MACs at 0.35, 128
    with pytest.raises(ValueError, match="no width multiplier"):
        architectures.build("InceptionV3", alpha=0.5)
    with pytest.raises(ValueError, match="Unknown model"):
        architectures.build("ResNet50")


def test_random_images_cover_each_models_input_range():
    from edgebook import architectures

    pixels = architectures.random_images("MobileNetV3Small", 3)
    assert pixels.shape == (3, 224, 224, 3) and pixels.dtype == np.float32
    assert pixels.min() >= 0 and pixels.max() > 200
    scaled = architectures.random_images("InceptionV3", 2, resolution=75)
    assert scaled.shape == (2, 75, 75, 3) and scaled.min() >= -1 and scaled.max() <= 1
    np.testing.assert_array_equal(architectures.random_images("MobileNetV2", 1),
                                  architectures.random_images("MobileNetV2", 1))


def _docstring_rows(module_name):
    import importlib

    text = importlib.import_module(f"tf_keras.src.applications.{module_name}").__doc__
    text += importlib.import_module(f"tf_keras.src.applications.{module_name}").BASE_DOCSTRING \
        if module_name == "mobilenet_v3" else ""
    return {m[0]: tuple(float(v) for v in m[1:]) for m in
            re.findall(r"\|\s*\[?(mobilenet_v\d_[\w.]+?)\]?\s*\|\s*([\d.]+)\s*\|\s*([\d.]+)\s*\|\s*([\d.]+)", text)}


def test_mobilenet_v2_table_is_the_installed_docstrings():
    from edgebook import architectures

    rows = _docstring_rows("mobilenet_v2")
    for (alpha, resolution), figures in architectures.MOBILENET_V2_TABLE.items():
        assert rows[f"mobilenet_v2_{alpha}_{resolution}"] == figures


def test_mobilenet_v3_published_row_is_the_installed_docstring():
    from edgebook import architectures

    macs, params_m, top1 = _docstring_rows("mobilenet_v3")["mobilenet_v3_small_1.0_224"]
    published = architectures.PUBLISHED["MobileNetV3Small"]
    assert (published.macs_m, published.params / 1e6, published.top1) == (macs, params_m, top1)


def test_digits_cnns(ctx):
    from edgebook import architectures

    plain = architectures.build_plain_cnn()
    separable = architectures.build_separable_cnn()
    assert (plain.name, separable.name) == ("plain_cnn", "separable_cnn")
    assert plain.count_params() == 94_634 and separable.count_params() == 13_962
    assert architectures.keras_macs(plain) == 2_434_304 and architectures.keras_macs(separable) == 364_800
    assert plain.output_shape == separable.output_shape == (None, 10)
    assert [layer.name for layer in separable.layers][3:6] == ["pool1", "depthwise2", "depthwise2_bn"]
