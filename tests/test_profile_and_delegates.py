"""modelfile.profile (MACs, bytes per op), XNNPACK on/off and load_delegate's message."""
import numpy as np
import pytest


@pytest.fixture(scope="module")
def conv_model(ctx):
    import tf_keras as keras

    from edgebook import convert

    model = keras.Sequential([
        keras.layers.Input((8, 8, 3)),
        keras.layers.Conv2D(4, 3, padding="same"),                 # 8*8*4 outputs x 3*3*3
        keras.layers.DepthwiseConv2D(3, padding="same"),           # 8*8*4 outputs x 3*3
        keras.layers.Flatten(),
        keras.layers.Dense(5),                                     # 5 outputs x 256
    ])
    return convert.to_tflite(model)


def test_profile_counts_macs_of_conv_depthwise_and_dense(conv_model):
    from edgebook import modelfile

    rows = {row.name: row for row in modelfile.profile(conv_model)}
    assert rows["CONV_2D"].macs == 8 * 8 * 4 * 3 * 3 * 3
    assert rows["DEPTHWISE_CONV_2D"].macs == 8 * 8 * 4 * 3 * 3
    assert rows["FULLY_CONNECTED"].macs == 5 * 256
    assert rows["RESHAPE"].macs == 0
    assert modelfile.macs(conv_model) == 6912 + 2304 + 1280
    # float32 weights + biases: 4*3*3*3 + 4 values
    assert rows["CONV_2D"].param_bytes == 4 * (4 * 27 + 4)
    assert rows["CONV_2D"].activation_bytes == 4 * 8 * 8 * 4
    assert rows["CONV_2D"].output_shape[1:] == (8, 8, 4)


def test_xnnpack_off_gives_the_same_outputs(conv_model):
    from edgebook import runtime

    x = np.random.default_rng(0).normal(size=(3, 8, 8, 3)).astype(np.float32)
    with_xnnpack = runtime.load(conv_model).predict(x)
    without = runtime.load(conv_model, xnnpack=False)
    assert without.xnnpack is False
    np.testing.assert_allclose(without.predict(x), with_xnnpack, atol=1e-5)


def test_missing_delegate_library_is_a_clear_error(ctx, capfd):
    from edgebook import runtime
    from edgebook.errors import DelegateError

    with pytest.raises(DelegateError, match="Could not load the delegate library 'libnot_here.so'.*CPU"):
        runtime.load_delegate("libnot_here.so")
    assert "Traceback" not in capfd.readouterr().err
