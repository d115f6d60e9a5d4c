"""The course's baseline models, built and trained the same way in every lesson.

Lesson 02 builds the digits CNN in plain Keras code; later lessons call
``digits_cnn()``, which trains it once (about 5 s) and caches it under
``build/models/``, so each lesson also runs on its own.

Introduced in 02_train_and_infer.
"""
from __future__ import annotations

import numpy as np
import tensorflow as tf

from edgebook import data, paths
from edgebook.context import SEED, seed_everything

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


def train_digits_cnn(digits: data.Dataset | None = None, epochs: int = DIGITS_EPOCHS, seed: int = SEED):
    """Build and train the digits CNN from a fixed seed; returns (model, history)."""
    digits = digits or data.load("digits")
    seed_everything(seed)
    model = build_digits_cnn()
    history = model.fit(prepare_digits(digits.x_train), digits.y_train,
                        validation_data=(prepare_digits(digits.x_val), digits.y_val),
                        epochs=epochs, batch_size=32, verbose=0)
    return model, history


def digits_cnn(retrain: bool = False) -> tf.keras.Model:
    """The trained baseline digits CNN, from the cache in build/models/ or trained now."""
    path = paths.build_dir("models") / _CACHE_NAME
    if path.is_file() and not retrain:
        try:
            return tf.keras.models.load_model(path)
        except (OSError, ValueError):  # a half-written or stale cache: train again
            path.unlink()
    model, _ = train_digits_cnn()
    model.save(path)
    return model
