"""edgebook.clustering and models.copy: clusters hold, the original model is untouched."""
import numpy as np
import pytest


@pytest.fixture(scope="module")
def trained_tiny(ctx):
    """A tiny dense classifier on a slice of the digits, and that slice as a Dataset."""
    import tensorflow as tf
    from edgebook import data, models

    digits = data.load("digits")
    small = data.Dataset("digits-small", digits.x_train[:256], digits.y_train[:256], digits.x_val[:64],
                         digits.y_val[:64], digits.x_test[:64], digits.y_test[:64], digits.class_names, "")
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.Input((8, 8, 1)), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(32, activation="relu", name="hidden"),
                                 tf.keras.layers.Dense(10, activation="softmax", name="out")])
    model.compile("adam", "sparse_categorical_crossentropy")
    models.fit(model, small, epochs=1)
    return model, small


def test_copy_is_independent(trained_tiny):
    from edgebook import models

    model = trained_tiny[0]
    twin = models.copy(model)
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), twin.get_weights()))
    twin.get_layer("hidden").kernel.assign(np.zeros_like(twin.get_layer("hidden").kernel))
    assert np.any(model.get_layer("hidden").kernel.numpy() != 0)


def test_cluster_limits_distinct_values_and_leaves_the_original_alone(trained_tiny):
    from edgebook import clustering, weights

    model, small = trained_tiny
    before = [w.copy() for w in model.get_weights()]
    clustered = clustering.cluster(model, small, 4, epochs=1)
    assert all(count <= 4 for count in weights.unique_values(clustered).values())
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_cqat_keeps_clusters_and_converts_to_int8(trained_tiny):
    from edgebook import clustering, convert, models, runtime

    model, small = trained_tiny
    clustered = clustering.cluster(model, small, 4, epochs=1)
    qat_model = clustering.cqat(clustered, small, epochs=1)
    assert any("quant" in layer.name for layer in qat_model.layers)
    int8_bytes = convert.to_tflite(qat_model, "int8", representative_data=models.prepare_digits(small.x_train[:32]))
    assert runtime.load(int8_bytes).input.dtype == np.int8


def test_cluster_returns_what_lesson_07_trains_by_hand(trained_tiny):
    """Lesson 07's sweep reuses section 2's hand-made 16-cluster model: it must be the helper's, exactly."""
    import tensorflow as tf
    import tensorflow_model_optimization as tfmot
    from edgebook import clustering, models

    model, small = trained_tiny
    by_hand = tfmot.clustering.keras.cluster_weights(
        models.copy(model), number_of_clusters=4,
        cluster_centroids_init=tfmot.clustering.keras.CentroidInitialization.KMEANS_PLUS_PLUS)
    by_hand.compile(optimizer=tf.keras.optimizers.Adam(1e-4),
                    loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    tf.keras.utils.set_random_seed(123)  # whatever the state before: k-means++ and models.fit seed themselves
    models.fit(by_hand, small, epochs=1)
    by_hand = tfmot.clustering.keras.strip_clustering(by_hand)
    helper = clustering.cluster(model, small, 4, epochs=1)
    assert all(np.array_equal(a, b) for a, b in zip(by_hand.get_weights(), helper.get_weights()))
