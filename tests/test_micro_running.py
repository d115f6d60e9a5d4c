"""edgebook.micro.running: running a model in TFLM, comparing with LiteRT, refusing a model that would abort TFLM."""
import numpy as np
import pytest


def test_run_and_compare_with_the_shipped_sine_model(shipped_sine):
    from edgebook import micro, runtime

    x = np.linspace(0, 2 * np.pi, 20, dtype=np.float32)[:, None]
    np.testing.assert_allclose(micro.run(shipped_sine, x), runtime.load(shipped_sine).predict(x), atol=1e-5)
    agreement = micro.compare(shipped_sine, x)
    assert agreement.samples == 20 and agreement.outputs == 20
    assert agreement.identical, agreement


def test_compare_kernels(shipped_sine):
    from edgebook import micro

    x = np.linspace(0, 2 * np.pi, 10, dtype=np.float32)[:, None]
    builtin = micro.compare(shipped_sine, x, kernels="builtin")
    assert builtin.kernels == "builtin" and "built-in kernels" in str(builtin)
    assert builtin.max_float_difference < 1e-5  # float: only the order of additions differs
    assert "reference kernels" in str(micro.compare(shipped_sine, x))
    with pytest.raises(ValueError, match="kernels must be one of"):
        micro.compare(shipped_sine, x, kernels="fast")


@pytest.mark.parametrize("kernel_value, aborts", [(3e-7, True), (1e-3, False)])
def test_a_softmax_scale_that_would_abort_tflm_is_refused(ctx, kernel_value, aborts):
    """TFLM kills the process (SIGABRT) for a softmax input scale of 2**-26 or less: refuse it first."""
    import tensorflow as tf

    from edgebook import convert, micro

    model = tf.keras.Sequential([tf.keras.Input(shape=(4,)),
                                 tf.keras.layers.Dense(3, kernel_initializer=tf.keras.initializers.Constant(kernel_value)),
                                 tf.keras.layers.Softmax()])
    calibration = np.random.default_rng(0).normal(size=(32, 4)).astype(np.float32)
    int8 = convert.to_tflite(model, "int8", representative_data=calibration)
    if aborts:
        with pytest.raises(micro.MicroError, match="is the model trained"):
            micro.run(int8, calibration[:2])
    else:
        np.testing.assert_allclose(micro.run(int8, calibration[:2]).sum(axis=1), 1.0, atol=0.02)
