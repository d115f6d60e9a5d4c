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


@pytest.fixture(scope="module")
def special_ops(ctx):
    """A model with a Select TF op (FlexAtan) and one with a custom op (Acos)."""
    import tensorflow as tf

    from edgebook import compat

    def concrete(function):
        return tf.function(function).get_concrete_function(tf.TensorSpec([None, 4], tf.float32))

    return {"flex": compat.convert(concrete(tf.math.atan), select_tf_ops=True),
            "custom": compat.convert(concrete(tf.math.acos), allow_custom_ops=True)}


def test_select_tf_ops_get_tflm_advice_not_android_advice(special_ops):
    from edgebook import micro

    x = np.zeros((1, 4), np.float32)
    for call in (lambda: micro.run(special_ops["flex"], x), lambda: micro.compare(special_ops["flex"], x)):
        with pytest.raises(micro.MicroError, match=r"Select TF ops \(FlexAtan\).*no microcontroller has") as error:
            call()
        assert "Android" not in str(error.value) and error.value.__context__ is None  # a short traceback
    with pytest.raises(micro.MicroError, match=r"custom op Acos\. TFLM runs a custom op only with a kernel"
                                              r".*registers kernels only for TFLM's own signal ops"):
        micro.run(special_ops["custom"], x)


def test_bad_input_to_run_is_refused_clearly(shipped_sine):
    from edgebook import micro
    from edgebook.errors import ModelInputError, NotAModelError

    with pytest.raises(ModelInputError, match=r"holds 1 NaN value \(of 3\)"):
        micro.run(shipped_sine, np.array([[0.5], [np.nan], [1.0]], np.float32))
    with pytest.raises(ModelInputError, match=r"pass x\[None\]"):
        micro.run(shipped_sine, np.zeros(1, np.float32))
    with pytest.raises(NotAModelError, match="not a .tflite model"):
        micro.run(b"just some text, not a model", np.zeros((1, 1), np.float32))
    assert micro.run(shipped_sine, np.array([[0.5]], np.float32)).shape == (1, 1)  # the right call works
