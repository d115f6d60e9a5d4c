"""Weight clustering and cluster-preserving QAT with the Model Optimization Toolkit.

Clustering replaces each layer's weights by a few shared values (centroids):
the file is no smaller as it is, but compresses far better, because every
weight is one of, say, 16 numbers.

Introduced in 07_clustering_and_collaborative_optimization.
"""
from __future__ import annotations

import tensorflow as tf

from edgebook import data, models
from edgebook.seeding import SEED, seed_everything

FINE_TUNE_LEARNING_RATE = 1e-4  # small steps: the centroids only need nudging
CQAT_LEARNING_RATE = 3e-4
"""Larger than for clustering: the fake-quant ranges start at defaults and must move in a few
epochs (measured in lesson 07: 97.2% int8 after 2 epochs at 3e-4 vs 96.4% at 1e-4)."""


def _compile(model: tf.keras.Model, learning_rate: float) -> tf.keras.Model:
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def cluster(model: tf.keras.Model, digits: data.Dataset, number_of_clusters: int, *,
            epochs: int = 3, preserve_sparsity: bool = False,
            learning_rate: float = FINE_TUNE_LEARNING_RATE, seed: int = SEED) -> tf.keras.Model:
    """Cluster every layer's weights into ``number_of_clusters`` values (k-means++ start),
    fine-tune briefly, and return the stripped model (plain Keras layers again).

    ``preserve_sparsity=True`` keeps pruned zeros at zero (the first step of PCQAT).
    The result is exactly what lesson 07's section 2 trains by hand: TFMOT's
    k-means++ start has a fixed seed, and ``models.fit`` seeds the batches.
    """
    import tensorflow_model_optimization as tfmot

    seed_everything(seed)
    clustered = tfmot.clustering.keras.cluster_weights(
        models.copy(model),  # clustering would otherwise break the layers of ``model``
        number_of_clusters=number_of_clusters,
        cluster_centroids_init=tfmot.clustering.keras.CentroidInitialization.KMEANS_PLUS_PLUS,
        preserve_sparsity=preserve_sparsity,
    )
    models.fit(_compile(clustered, learning_rate), digits, epochs, seed)
    return tfmot.clustering.keras.strip_clustering(clustered)


def cqat(clustered: tf.keras.Model, digits: data.Dataset, *, epochs: int = 2,
         preserve_sparsity: bool = False, learning_rate: float = CQAT_LEARNING_RATE,
         seed: int = SEED) -> tf.keras.Model:
    """Cluster-preserving quantization-aware training (CQAT; with ``preserve_sparsity``: PCQAT).

    Fine-tunes with fake int8 quantization while keeping each layer's clusters
    (and zeros), so int8 conversion does not undo the clustering.
    """
    import tensorflow_model_optimization as tfmot

    seed_everything(seed)
    scheme = tfmot.experimental.combine.Default8BitClusterPreserveQuantizeScheme(preserve_sparsity)
    annotated = tfmot.quantization.keras.quantize_annotate_model(models.copy(clustered))
    qat_model = tfmot.quantization.keras.quantize_apply(annotated, scheme)
    models.fit(_compile(qat_model, learning_rate), digits, epochs, seed)
    return qat_model
