"""The course's models, each defined once: the lesson that introduces a model writes it in
plain Keras code and checks that its builder here makes the same network (``same_layers``);
later lessons and the scoreboard of lesson 16 call the builder.

Lesson 02 builds the digits CNN in plain Keras code; later lessons call
``digits_cnn()``, which trains it once (about 5 s) and caches it under
``build/models/``, so each lesson also runs on its own. Lessons 12-14 introduce
the microcontroller models: ``build_sine_model``, ``build_keyword_spotter`` and
``build_wand_model``.

Introduced in 02_train_and_infer.
"""
from __future__ import annotations

import numpy as np
import tensorflow as tf

from edgebook import audio, data, gestures, paths, progress
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


# --- comparing architectures ----------------------------------------------------------

def layers_of(model: tf.keras.Model) -> list[tuple[str, tuple, int]]:
    """Each layer's type, output shape (without the batch axis) and parameter count, in order."""
    return [(type(layer).__name__, tuple(layer.output_shape[1:]), layer.count_params()) for layer in model.layers]


def same_layers(model: tf.keras.Model, other: tf.keras.Model) -> bool:
    """True if the two models have the same layers: types, output shapes and parameters, in order.

    A lesson that writes a model in plain Keras code checks with it that the package's
    builder makes the same network. Introduced in 12_tflm_hello_world.
    """
    return layers_of(model) == layers_of(other)


# --- the microcontroller models (lessons 12-14) -----------------------------------------

SINE_HIDDEN_UNITS = 16
SINE_SEED = 0
"""Lesson 12 seeds the sine model with 0 (not ``SEED``), the seed its measured numbers come from."""


def build_sine_model(hidden_units: int = SINE_HIDDEN_UNITS, seed: int = SINE_SEED) -> tf.keras.Model:
    """1 -> hidden -> hidden -> 1 with ReLU, TFLM hello_world's architecture; seeded, not compiled.

    The biases start small and random instead of zero: the converter leaves out
    a bias that is all zeros, as a freshly built Dense layer's is, so an
    untrained model would measure smaller than the trained one.

    Introduced in 12_tflm_hello_world.
    """
    tf.keras.utils.set_random_seed(seed)  # same start, same model, on every run
    return tf.keras.Sequential([
        tf.keras.Input(shape=(1,)),
        tf.keras.layers.Dense(hidden_units, activation="relu", bias_initializer="random_normal"),
        tf.keras.layers.Dense(hidden_units, activation="relu", bias_initializer="random_normal"),
        tf.keras.layers.Dense(1, bias_initializer="random_normal"),
    ])


KEYWORD_INPUT_SHAPE = (audio.frame_count(audio.CLIP_SAMPLES), audio.MEL_BINS, 1)
"""A 1-second clip's log-mel spectrogram (49 frames x 40 mel bins) with a channel axis."""


def build_keyword_spotter() -> tf.keras.Model:
    """Three strided convolutions on a log-mel spectrogram, then a classifier of ``audio.CLASS_NAMES``.

    The first layer is micro_speech's (eight 10 x 8 filters, stride 2); two 3 x 3
    convolutions halve the spectrogram twice more, so the dense layer reads
    7 x 5 x 32 values. Not compiled: lesson 13 trains it with a cosine-decaying
    learning rate that depends on the number of steps. Every layer is named, so the
    ``.tflite`` file (whose tensor names come from the layers') has the same bytes
    whichever models were built before it in the session.

    Introduced in 13_keyword_spotting.
    """
    layers = tf.keras.layers
    return tf.keras.Sequential([
        tf.keras.Input(shape=KEYWORD_INPUT_SHAPE, name="log_mel"),
        layers.Conv2D(8, (10, 8), strides=2, padding="same", activation="relu", name="conv1"),
        layers.Conv2D(16, 3, strides=2, padding="same", activation="relu", name="conv2"),
        layers.Conv2D(32, 3, strides=2, padding="same", activation="relu", name="conv3"),
        layers.Flatten(name="flatten"),
        layers.Dropout(0.2, name="dropout"),
        layers.Dense(len(audio.CLASS_NAMES), activation="softmax", name="probabilities"),
    ], name="keyword_spotter")


def build_wand_model() -> tf.keras.Model:
    """Three (time, 1) convolutions over an accelerometer window's 3 axes, then a classifier of
    ``gestures.GESTURES``; compiled as lesson 14 trains it.

    The window becomes a picture ``gestures.WINDOW_SAMPLES`` tall and 1 wide whose
    channels are the x, y and z axes (``Conv2D``, as TFLM's magic_wand example
    writes it: ``Conv1D`` would add an ``EXPAND_DIMS`` and a ``RESHAPE`` around every
    convolution). Pooling by 4 twice shrinks 128 time steps to 8.

    Introduced in 14_gesture_magic_wand.
    """
    layers = tf.keras.layers
    model = tf.keras.Sequential([
        layers.Input((gestures.WINDOW_SAMPLES, 3), name="accel"),
        layers.Reshape((gestures.WINDOW_SAMPLES, 1, 3)),  # time x 1 x axes: the axes are the channels
        layers.Conv2D(8, (5, 1), padding="same", activation="relu"),
        layers.MaxPooling2D((4, 1)),     # 128 -> 32 time steps
        layers.Conv2D(16, (5, 1), padding="same", activation="relu"),
        layers.MaxPooling2D((4, 1)),     # 32 -> 8
        layers.Conv2D(16, (3, 1), padding="same", activation="relu"),
        layers.Flatten(),
        layers.Dropout(0.2),
        layers.Dense(len(gestures.GESTURES), activation="softmax", name="gesture"),
    ], name="wand_cnn")
    model.compile(optimizer=tf.keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"],
                  steps_per_execution=40)  # 40 batches per call: a model this small waits mostly on Python
    return model
