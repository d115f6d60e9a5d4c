"""edgebook.pruning: magnitude pruning to a target, the 2:4 pattern, pruning-preserving QAT,
one-shot pruning and the pattern check. A tiny digits model and one epoch keep it fast."""
import numpy as np
import pytest


@pytest.fixture(scope="module")
def digits(ctx):
    from edgebook import data

    return data.load("digits")


@pytest.fixture(scope="module")
def tiny_model(ctx):
    """A small conv + dense digits model (8x8 input) with random weights, compiled."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([
        tf.keras.layers.Input((8, 8, 1)),
        tf.keras.layers.Conv2D(8, 3, activation="relu", name="conv"),
        tf.keras.layers.Conv2D(8, 3, activation="relu", name="conv_b"),  # 8 input channels: 2:4 applies
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(32, activation="relu", name="dense"),
        tf.keras.layers.Dense(10, activation="softmax", name="probabilities"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@pytest.fixture(scope="module")
def pruned_60(tiny_model, digits):
    from edgebook import pruning

    return pruning.prune(tiny_model, digits, 0.6, epochs=1)


def test_prune_reaches_the_target_sparsity(tiny_model, pruned_60):
    from edgebook import weights

    sparsity = weights.sparsity(pruned_60)
    assert set(sparsity) == {"conv", "conv_b", "dense", "probabilities"}
    for name, share in sparsity.items():
        assert abs(share - 0.6) <= 0.02, (name, share)
    assert all(share == 0.0 for share in weights.sparsity(tiny_model).values())  # the original is untouched


def test_prune_returns_a_stripped_model(pruned_60):
    from tensorflow_model_optimization.python.core.sparsity.keras.pruning_wrapper import PruneLowMagnitude

    assert not any(isinstance(layer, PruneLowMagnitude) for layer in pruned_60.layers)
    assert pruned_60.count_params() > 0


def test_prune_is_repeatable(tiny_model, digits, pruned_60):
    from edgebook import pruning

    again = pruning.prune(tiny_model, digits, 0.6, epochs=1)
    for a, b in zip(pruned_60.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_prune_2_by_4_pattern_holds_along_the_input_axis(tiny_model, digits):
    import tensorflow as tf
    from tensorflow_model_optimization.python.core.sparsity.keras import pruning_utils
    from edgebook import pruning, weights

    structured = pruning.prune(tiny_model, digits, m_by_n=(2, 4), epochs=1)
    kernels = weights.kernels(structured)
    for name, kernel in kernels.items():
        assert pruning.m_by_n_holds(kernel, 2, 4), name
        assert pruning_utils.is_pruned_m_by_n(tf.constant(kernel), (2, 4)), name  # TFMOT's own check agrees
    # One input channel: every group holds a single weight, so nothing is pruned there.
    assert np.mean(kernels["conv"] == 0) == 0.0
    for name in ("conv_b", "dense", "probabilities"):
        assert np.mean(kernels[name] == 0) == pytest.approx(0.5, abs=0.01), name


def test_prune_rejects_bad_arguments(tiny_model, digits):
    from edgebook import pruning

    with pytest.raises(ValueError, match="share of weights"):
        pruning.prune(tiny_model, digits, 1.0)
    with pytest.raises(ValueError, match="share of weights"):
        pruning.prune(tiny_model, digits)
    with pytest.raises(ValueError, match="0 < m < n"):
        pruning.prune(tiny_model, digits, m_by_n=(4, 2))
    with pytest.raises(ValueError, match="leave target_sparsity out"):
        pruning.prune(tiny_model, digits, 0.75, m_by_n=(2, 4))


def test_prune_and_pqat_explain_a_wrong_model(tiny_model, digits):
    import tensorflow_model_optimization as tfmot
    from edgebook import models, pruning
    from edgebook.errors import EdgebookError

    with pytest.raises(EdgebookError, match="tf.keras model"):
        pruning.prune("model.keras", digits, 0.5)
    wrapped = tfmot.sparsity.keras.prune_low_magnitude(models.copy(tiny_model))
    with pytest.raises(EdgebookError, match="strip_pruning"):
        pruning.pqat(wrapped, digits)


def test_schedule_reaches_the_target_halfway(digits):
    import tensorflow as tf
    from edgebook import pruning

    schedule = pruning.schedule(0.8, digits, epochs=4)
    end = schedule.get_config()["config"]["end_step"]
    assert end == 2 * pruning.steps_per_epoch(digits)
    assert float(schedule(tf.constant(0, tf.int64))[1]) == 0.0
    assert float(schedule(tf.constant(end, tf.int64))[1]) == pytest.approx(0.8)


def test_pqat_keeps_the_zeros(pruned_60, digits):
    from edgebook import convert, models, pruning, runtime, weights

    pqat_model = pruning.pqat(pruned_60, digits, epochs=1)
    before = weights.kernels(pruned_60)
    after = weights.kernels(pqat_model)  # layer names get a "quant_" prefix
    for name, kernel in before.items():
        assert np.all(after[f"quant_{name}"][kernel == 0] == 0), name
    int8_bytes = convert.to_tflite(pqat_model, "int8",
                                   representative_data=models.prepare_digits(digits.x_train[:50]))
    lite = runtime.load(int8_bytes)
    assert lite.predict(models.prepare_digits(digits.x_test[:8])).shape == (8, 10)


def test_one_shot_prune_zeroes_the_smallest_weights(tiny_model):
    from edgebook import pruning, weights

    pruned = pruning.one_shot_prune(tiny_model, 0.75)
    for name, kernel in weights.kernels(pruned).items():
        original = weights.kernels(tiny_model)[name]
        assert np.mean(kernel == 0) == pytest.approx(0.75, abs=1 / original.size), name
        kept = kernel != 0
        assert np.all(kernel[kept] == original[kept])  # survivors unchanged
        assert np.abs(original[kept]).min() >= np.abs(original[~kept]).max()  # the smallest went
    for layer, original_layer in zip(pruned.layers, tiny_model.layers):
        if layer.get_weights():
            np.testing.assert_array_equal(layer.get_weights()[1], original_layer.get_weights()[1])  # biases
    assert all(share == 0.0 for share in weights.sparsity(tiny_model).values())


def test_one_shot_prune_edges(tiny_model):
    from edgebook import pruning, weights

    assert all(share == 0.0 for share in weights.sparsity(pruning.one_shot_prune(tiny_model, 0.0)).values())
    assert all(share == 1.0 for share in weights.sparsity(pruning.one_shot_prune(tiny_model, 1.0)).values())
    with pytest.raises(ValueError, match="from 0.0 to 1.0"):
        pruning.one_shot_prune(tiny_model, 75)


def test_m_by_n_holds_and_groups():
    from edgebook import pruning

    dense = np.arange(1, 33, dtype=np.float32).reshape(8, 4)  # (inputs, outputs), no zeros
    assert not pruning.m_by_n_holds(dense)
    dense[[0, 1, 4, 5], :] = 0.0  # two zeros in each group of 4 inputs
    assert pruning.m_by_n_holds(dense)
    assert not pruning.m_by_n_holds(dense.T.copy())  # the same zeros along the other axis
    conv = np.ones((3, 3, 8, 2), np.float32)
    conv[:, :, 0:2, :] = 0.0
    conv[:, :, 6:8, :] = 0.0
    assert pruning.m_by_n_holds(conv)
    assert pruning.input_axis_groups(conv).shape == (3 * 3 * 2 * 2, 4)
    assert pruning.input_axis_groups(np.ones((6, 3))).shape == (6, 4)  # 6 inputs padded to 8
    with pytest.raises(ValueError, match="Dense"):
        pruning.m_by_n_holds(np.ones(8))


def test_one_shot_result_measures_accuracy_and_compressed_size(pruned_60, digits):
    from edgebook import models, pruning

    x, y = models.prepare_digits(digits.x_test), digits.y_test
    dense, sparse = (pruning.one_shot_result(pruned_60, s, x, y) for s in (0.0, 0.95))
    assert sparse.sparsity == 0.95 and sparse.gzip_bytes < 0.6 * dense.gzip_bytes
    assert sparse.accuracy < dense.accuracy
    assert dense.describe(float_accuracy=dense.accuracy).startswith("one-shot 0%: accuracy")
    assert "(+0.0 points)" in dense.describe(float_accuracy=dense.accuracy)
