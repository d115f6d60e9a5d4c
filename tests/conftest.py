"""Shared fixtures of the unit tests."""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # before anything imports TensorFlow
os.environ["EDGEBOOK_NO_NETWORK"] = "1"  # setup() makes any non-loopback connection fail

import numpy as np
import pytest


@pytest.fixture(scope="session")
def ctx():
    import edgebook

    return edgebook.setup(verbose=False)


@pytest.fixture(scope="session")
def tiny_dense(ctx):
    """y = 2x + 1 as a one-neuron Keras model and its float32 .tflite bytes."""
    import tensorflow as tf
    from edgebook import convert

    model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1)])
    model.layers[0].set_weights([np.array([[2.0]]), np.array([1.0])])
    return model, convert.to_tflite(model)


@pytest.fixture(scope="session")
def int8_model(ctx):
    """A small fully int8 model (int8 input and output) for the quantization paths."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(3)])
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    rng = np.random.default_rng(0)
    converter.representative_dataset = lambda: ([rng.uniform(-1, 1, (1, 4)).astype(np.float32)]
                                                for _ in range(50))
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    from edgebook.nativelogs import muted_native_logs

    with muted_native_logs():
        return model, converter.convert()


@pytest.fixture(scope="session")
def shipped_sine(ctx):
    """The float hello-world sine model that ships inside the tflite-micro package (the micro tests' model)."""
    from pathlib import Path

    import tflite_micro

    return (Path(tflite_micro.__file__).parent / "python" / "tflite_micro" / "sine_float.tflite").read_bytes()


@pytest.fixture(scope="session")
def int8_dense(ctx):
    """An int8 Dense layer 4 -> 6 with random weights AND biases (the converter drops an all-zero bias)."""
    import tensorflow as tf

    from edgebook import convert

    tf.keras.utils.set_random_seed(3)
    model = tf.keras.Sequential([tf.keras.Input(shape=(4,)),
                                 tf.keras.layers.Dense(6, bias_initializer="random_normal")])
    calibration = np.random.default_rng(0).uniform(-1, 1, (100, 4)).astype(np.float32)
    return convert.to_tflite(model, "int8", representative_data=calibration)


def make_streaming_model(width: int = 2) -> bytes:
    """A float streaming model with state, as the converter writes one: several subgraphs, one resource variable.

    Each call takes one row of ``width`` values and returns the last four rows (the
    three it keeps in its variable ``history``, of shape (1, 3, width), and this one)
    times a fixed (4 * width, 2) matrix: a FULLY_CONNECTED of 8 * width MACs. The
    converter adds an init subgraph that CALL_ONCE runs to set ``history`` to zeros.
    """
    import tensorflow as tf

    from edgebook.nativelogs import muted_native_logs

    class Streaming(tf.Module):
        def __init__(self):
            self.history = tf.Variable(tf.zeros([1, 3, width]), name="history")
            self.weights = tf.constant(np.arange(8 * width, dtype=np.float32).reshape(4 * width, 2) / 10)

        @tf.function(input_signature=[tf.TensorSpec([1, 1, width], tf.float32)])
        def __call__(self, row):
            window = tf.concat([self.history, row], axis=1)
            self.history.assign(window[:, 1:])
            return tf.matmul(tf.reshape(window, [1, 4 * width]), self.weights)

    module = Streaming()
    converter = tf.lite.TFLiteConverter.from_concrete_functions([module.__call__.get_concrete_function()], module)
    with muted_native_logs():
        return converter.convert()


@pytest.fixture(scope="session")
def streaming_model(ctx):
    """``make_streaming_model()``: a streaming model with a 24-byte state (3 x 2 float32)."""
    return make_streaming_model()
