"""Mobile architectures, measured: ImageNet models by name, a fast converter, MACs, published figures.

Lesson 08 compares MobileNetV3-Small, MobileNetV2 and InceptionV3 as a device
sees them (parameters, multiply-accumulates, ``.tflite`` bytes, latency),
sweeps MobileNet's width multiplier and input resolution, and trains a small
depthwise-separable CNN against a plain one on the digits:

    >>> model = architectures.build("MobileNetV2", alpha=0.5, resolution=160)   # no download
    >>> float_bytes = architectures.to_tflite(model)
    >>> architectures.keras_macs(model) == modelfile.macs(float_bytes)
    True

Every ImageNet model is built with ``weights=None``: random weights take the
same bytes and the same time to run as trained ones, and nothing is downloaded.

Introduced in 08_architectures_for_the_edge.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import tensorflow as tf

from edgebook import convert
from edgebook.seeding import SEED


# --- ImageNet models by name --------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Application:
    """How to build one Keras application and what input it expects."""

    name: str
    resolution: int                      # the input size it was published at (square)
    input_range: tuple[float, float]     # pixel values the model expects
    has_alpha: bool                      # does it take a width multiplier?


APPLICATIONS = {
    # MobileNetV3 rescales 0..255 pixels itself (a Rescaling layer inside the model);
    # MobileNetV2 and InceptionV3 expect preprocess_input's -1..1.
    "MobileNetV3Small": Application("MobileNetV3Small", 224, (0.0, 255.0), True),
    "MobileNetV2": Application("MobileNetV2", 224, (-1.0, 1.0), True),
    "InceptionV3": Application("InceptionV3", 299, (-1.0, 1.0), False),
}


def _application(name: str) -> Application:
    if name not in APPLICATIONS:
        raise ValueError(f"Unknown model {name!r}; this lesson builds: {', '.join(APPLICATIONS)}.")
    return APPLICATIONS[name]


def build(name: str, alpha: float = 1.0, resolution: int | None = None, classes: int = 1000) -> tf.keras.Model:
    """A Keras application (``tf.keras.applications.<name>``) with random weights (``weights=None``).

    ``alpha`` is MobileNet's width multiplier (every layer gets ``alpha`` times
    the channels); ``resolution`` the side of the square input image (default:
    the published one, 224 or 299). Nothing is downloaded: size and latency do
    not depend on the weights' values, only on their number and on the ops.

    Introduced in 08_architectures_for_the_edge.
    """
    app = _application(name)
    if alpha != 1.0 and not app.has_alpha:
        raise ValueError(f"{name} has no width multiplier (alpha); only the MobileNets do.")
    resolution = resolution or app.resolution
    options = {"alpha": alpha} if app.has_alpha else {}
    builder = getattr(tf.keras.applications, name)
    return builder(weights=None, input_shape=(resolution, resolution, 3), classes=classes, **options)


def random_images(name: str, n: int, resolution: int | None = None, seed: int = SEED) -> np.ndarray:
    """``n`` random float32 images in the input range of the named model (for calibration and timing).

    With random weights there is nothing to recognise anyway: the images only have
    to cover the range of values the model expects, so that int8 calibration
    sees realistic activation ranges.

    Introduced in 08_architectures_for_the_edge.
    """
    app = _application(name)
    resolution = resolution or app.resolution
    low, high = app.input_range
    rng = np.random.default_rng(seed)
    return rng.uniform(low, high, (n, resolution, resolution, 3)).astype(np.float32)


# --- conversion, without the SavedModel round trip ----------------------------------

def to_tflite(model: tf.keras.Model, recipe: str = "float32", **options) -> bytes:
    """Convert a (large) Keras model for a batch of one, with a recipe of ``convert.RECIPES``.

    ``TFLiteConverter.from_keras_model`` first writes the whole Keras model out
    as a SavedModel and reads it back: seconds for an ImageNet model. This
    traces the inference function once, freezes it and hands the frozen graph
    straight to the converter (``convert.freeze(model).to_tflite(recipe)``; to
    convert one model with several recipes, freeze it once yourself). The ops and
    weights are the same; the file has no signature (use ``runtime.load(...).predict``).
    ``representative_data=`` is needed by the int8 and int16x8 recipes.

    Introduced in 08_architectures_for_the_edge.
    """
    return convert.to_tflite(model, recipe, frozen_graph=True, **options)


# --- counting ------------------------------------------------------------------------

def keras_macs(model: tf.keras.Model) -> int:
    """Multiply-accumulates of one inference (batch of one), counted from the Keras layers.

    Convolutions and dense layers only (element-wise ops are cheap next to them),
    the same rule as ``modelfile.macs`` applies to the ``.tflite`` file.

    Introduced in 08_architectures_for_the_edge.
    """
    layers = tf.keras.layers
    total = 0
    for layer in model.layers:
        if isinstance(layer, (layers.DepthwiseConv2D, layers.SeparableConv2D)):
            _, height, width, channels_in = layer.input_shape
            _, out_height, out_width, channels_out = layer.output_shape
            kernel_height, kernel_width = layer.kernel_size
            depth = channels_in * layer.depth_multiplier
            total += out_height * out_width * depth * kernel_height * kernel_width
            if isinstance(layer, layers.SeparableConv2D):   # its 1x1 pointwise part
                total += out_height * out_width * depth * channels_out
        elif isinstance(layer, layers.Conv2D):
            _, out_height, out_width, channels_out = layer.output_shape
            kernel_height, kernel_width = layer.kernel_size
            channels_in = layer.input_shape[-1] // layer.groups
            total += out_height * out_width * channels_out * kernel_height * kernel_width * channels_in
        elif isinstance(layer, layers.Dense):
            total += int(np.prod(layer.output_shape[1:-1], dtype=np.int64)) * layer.input_shape[-1] * layer.units
    return int(total)


# --- published figures (labelled as such wherever they are printed) ---------------

@dataclasses.dataclass(frozen=True)
class Published:
    """Figures published for a model with trained ImageNet weights; ``None`` = not published there."""

    top1: float                  # ImageNet top-1 accuracy (%)
    params: int                  # parameters (the MobileNetV3 docstring rounds to 0.1 M)
    size_mb: float | None        # Keras weights file, MB
    macs_m: float | None         # multiply-accumulates, millions
    source: str


KERAS_TABLE = "Keras Applications table, keras.io/api/applications"
MOBILENET_V2_DOCSTRING = "tf_keras.applications.MobileNetV2 docstring (from the MobileNetV2 paper's checkpoints)"
MOBILENET_V3_DOCSTRING = "tf_keras.applications.MobileNetV3Small docstring (from the TF-Slim checkpoints)"

PUBLISHED = {
    "MobileNetV3Small": Published(68.1, 2_900_000, None, 66, MOBILENET_V3_DOCSTRING),
    "MobileNetV2": Published(71.3, 3_538_984, 14, 300, f"{KERAS_TABLE}; MACs: {MOBILENET_V2_DOCSTRING}"),
    "InceptionV3": Published(77.9, 23_851_784, 92, None, KERAS_TABLE),
}
"""Published ImageNet figures of the three models this lesson measures."""

MOBILENET_V2_TABLE = {  # (alpha, resolution): (MACs in millions, parameters in millions, top-1 %)
    (1.0, 224): (300, 3.47, 71.8), (1.0, 192): (221, 3.47, 70.7), (1.0, 160): (154, 3.47, 68.8),
    (1.0, 128): (99, 3.47, 65.3), (1.0, 96): (56, 3.47, 60.3),
    (0.75, 224): (209, 2.61, 69.8), (0.75, 160): (107, 2.61, 66.4), (0.75, 128): (69, 2.61, 63.2),
    (0.5, 224): (97, 1.95, 65.4), (0.5, 160): (50, 1.95, 61.0), (0.5, 128): (32, 1.95, 57.7),
    (0.35, 224): (59, 1.66, 60.3), (0.35, 160): (30, 1.66, 55.7), (0.35, 128): (20, 1.66, 50.8),
}
"""MobileNetV2 at several widths and resolutions, as published in ``MOBILENET_V2_DOCSTRING``."""

TALK_CLAIM = {"faster": 40, "smaller": 8}
"""The claim lesson 08 starts from, in Daniel Situnayake's talk "Machine Learning on Mobile and Edge
Devices with TensorFlow Lite" (QCon SF 2019; ``edgebook.sources.SITUNAYAKE_TALK``): MobileNet instead of
Inception is about 40x faster and 8x smaller, for a few points of accuracy."""


# --- small CNNs for the 16x16 digits: plain vs depthwise separable ----------------------

DIGITS_EPOCHS = 12
"""Epochs that bring both digits CNNs to their plateau: validation accuracy stops rising after about 9
(about 4 s each on a 2-core CPU; 15 epochs moved the test accuracy by 3 of 360 images at most)."""


def build_plain_cnn(widths=(32, 64, 128), input_shape=(16, 16, 1)) -> tf.keras.Model:
    """The plain small digits CNN: three blocks of standard 3x3 convolutions (94,634
    parameters at the default widths).

    Lesson 08 trains it against ``build_separable_cnn``, the same blocks with
    MobileNet's depthwise separable convolutions (its docstring describes both).

    Introduced in 08_architectures_for_the_edge.
    """
    return _three_block_cnn("plain", widths, input_shape)


def build_separable_cnn(widths=(32, 64, 128), input_shape=(16, 16, 1)) -> tf.keras.Model:
    """The MobileNet-style small digits CNN: depthwise separable convolutions (13,962
    parameters at the default widths).

    Both it and ``build_plain_cnn`` start with a standard 3x3 convolution (one
    input channel: nothing to separate). After that, the plain CNN uses 3x3
    convolutions and this one MobileNet's pair: a 3x3 depthwise convolution
    (one filter per channel) and a 1x1 pointwise convolution that mixes the
    channels. Every convolution is followed by batch normalization and ReLU, as
    in MobileNet; the converter folds the normalization into the convolution's
    weights, so it costs nothing on the device. Its momentum is 0.9 instead of
    0.99 because the digits give only a few hundred training steps, too few for
    slower running averages. Max pooling halves the image between blocks;
    global average pooling and a dense layer classify.

    Introduced in 08_architectures_for_the_edge.
    """
    return _three_block_cnn("separable", widths, input_shape)


def _three_block_cnn(kind: str, widths, input_shape) -> tf.keras.Model:
    """Three convolution blocks of ``widths`` channels, "plain" or "separable", compiled."""
    layers = tf.keras.layers

    def normalized(layer):
        return [layer, layers.BatchNormalization(momentum=0.9, name=f"{layer.name}_bn"),
                layers.ReLU(name=f"{layer.name}_relu")]

    stack = [layers.Input(input_shape, name="pixels"),
             *normalized(layers.Conv2D(widths[0], 3, padding="same", use_bias=False, name="conv1"))]
    for block, width in enumerate(widths[1:], start=2):
        stack.append(layers.MaxPooling2D(name=f"pool{block - 1}"))
        if kind == "plain":
            stack += normalized(layers.Conv2D(width, 3, padding="same", use_bias=False, name=f"conv{block}"))
        else:
            stack += normalized(layers.DepthwiseConv2D(3, padding="same", use_bias=False, name=f"depthwise{block}"))
            stack += normalized(layers.Conv2D(width, 1, use_bias=False, name=f"pointwise{block}"))
    stack += [layers.GlobalAveragePooling2D(name="average"),
              layers.Dense(10, activation="softmax", name="probabilities")]
    model = tf.keras.Sequential(stack, name=f"{kind}_cnn")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
