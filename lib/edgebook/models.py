"""The course's baseline models, built and trained the same way in every lesson.

Lesson 02 builds the digits CNN in plain Keras code; later lessons call
``digits_cnn()``, which trains it once (about 5 s) and caches it under
``build/models/``, so each lesson also runs on its own.

Introduced in 02_train_and_infer.
"""
from __future__ import annotations

import numpy as np
import tensorflow as tf

from edgebook import data, paths, progress
from edgebook.seeding import SEED, seed_everything

DIGITS_MAX_PIXEL = 16.0
DIGITS_INPUT_SHAPE = (8, 8, 1)
DIGITS_EPOCHS = 15
_CACHE_NAME = "digits_cnn_v1.keras"  # bump the version when the recipe below changes


def prepare_digits(images) -> np.ndarray:
    """Pre-processing for the digits CNN: pixels 0..16 -> floats 0..1, plus a channel axis."""
    images = np.asarray(images, dtype=np.float32)
    return (images / DIGITS_MAX_PIXEL)[..., np.newaxis]


def build_digits_cnn() -> tf.keras.Model:
    """Two small convolution blocks and a classifier: 6,090 parameters."""
    layers = tf.keras.layers
    model = tf.keras.Sequential([
        layers.Input(DIGITS_INPUT_SHAPE, name="pixels"),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(10, activation="softmax", name="probabilities"),
    ], name="digits_cnn")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def fit(model: tf.keras.Model, digits: data.Dataset, epochs: int, seed: int = SEED):
    """Train on the training split, watching the validation split, from a fixed seed."""
    seed_everything(seed)
    return model.fit(prepare_digits(digits.x_train), digits.y_train,
                     validation_data=(prepare_digits(digits.x_val), digits.y_val),
                     epochs=epochs, batch_size=32, verbose=0, callbacks=[progress.epochs()])


def train_digits_cnn(digits: data.Dataset | None = None, epochs: int = DIGITS_EPOCHS, seed: int = SEED):
    """Build and train the digits CNN from a fixed seed; returns (model, history)."""
    seed_everything(seed)
    model = build_digits_cnn()
    history = fit(model, digits or data.load("digits"), epochs, seed)
    return model, history


def copy(model: tf.keras.Model) -> tf.keras.Model:
    """An independent copy of a trained model, with the same weights.

    The Model Optimization Toolkit's wrappers (pruning, clustering, QAT) wrap the
    very layer objects of the model they are given: fine-tuning the wrapped model
    changes, and clustering even breaks, the original. Optimize a copy.

    Introduced in 06_pruning.
    """
    clone = tf.keras.models.clone_model(model)
    clone.set_weights(model.get_weights())
    return clone


def _cached(cache_name: str, train, retrain: bool) -> tf.keras.Model:
    """A trained model from build/models/, or trained now and saved there."""
    path = paths.build_dir("models") / cache_name
    if path.is_file() and not retrain:
        try:
            return tf.keras.models.load_model(path)
        except (OSError, ValueError):  # a half-written or stale cache: train again
            path.unlink()
    model, _ = train()
    model.save(path)
    return model


def digits_cnn(retrain: bool = False) -> tf.keras.Model:
    """The trained baseline digits CNN, from the cache in build/models/ or trained now."""
    return _cached(_CACHE_NAME, train_digits_cnn, retrain)


# --- the baseline of the optimization track (lessons 04-07) --------------------

BASELINE_UPSAMPLE = 2          # 16x16 digits
BASELINE_INPUT_SHAPE = (16, 16, 1)
BASELINE_EPOCHS = 15
_BASELINE_CACHE = "baseline_cnn_v1.keras"


def baseline_digits() -> data.Dataset:
    """The digits at 16x16 pixels (values 0..16), as the optimization baseline expects them."""
    return data.load("digits", upsample=BASELINE_UPSAMPLE)


def build_baseline_cnn() -> tf.keras.Model:
    """The optimization track's baseline: 151,306 parameters, mostly in one Dense layer.

    Big enough that weights, not the file's bookkeeping, make up its size, so
    quantization, pruning and clustering show their real effect (the 6,090-
    parameter digits CNN is mostly overhead once quantized).

    Introduced in 04_post_training_quantization.
    """
    layers = tf.keras.layers
    model = tf.keras.Sequential([
        layers.Input(BASELINE_INPUT_SHAPE, name="pixels"),
        layers.Conv2D(32, 3, padding="same", activation="relu", name="conv1"),
        layers.MaxPooling2D(name="pool1"),
        layers.Conv2D(64, 3, padding="same", activation="relu", name="conv2"),
        layers.MaxPooling2D(name="pool2"),
        layers.Flatten(name="flatten"),
        layers.Dense(128, activation="relu", name="dense"),
        layers.Dense(10, activation="softmax", name="probabilities"),
    ], name="baseline_cnn")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def train_baseline_cnn(epochs: int = BASELINE_EPOCHS, seed: int = SEED):
    seed_everything(seed)
    model = build_baseline_cnn()
    history = fit(model, baseline_digits(), epochs, seed)
    return model, history


def baseline_cnn(retrain: bool = False) -> tf.keras.Model:
    """The trained optimization baseline (about 3 s to train), cached in build/models/."""
    return _cached(_BASELINE_CACHE, train_baseline_cnn, retrain)
