"""Lesson 15's person detector: the model, its input, its pretrained weights, and real images.

``build_person_detector`` is the small depthwise-separable CNN the lesson
trains, ``prepare`` turns 8-bit frames into its input, ``load_pretrained`` loads
the committed weights (checked by SHA-256), ``photo_frame`` turns any photo into
a 96x96 grey frame, and ``visual_wake_words`` reads the real Visual Wake Words
images for learners who download them. Lessons call these as
``scenes.build_person_detector``, ``scenes.prepare``...

Introduced in 15_person_detection.
"""
from __future__ import annotations

import tarfile
import urllib.request
from pathlib import Path

import numpy as np

from edgebook.scene_render import SIZE


# --- the real data, for learners with a network connection --------------------------------

VWW_URL = "https://www.silabs.com/public/files/github/machine_learning/benchmarks/datasets/vw_coco2014_96.tar.gz"
"""MLPerf Tiny's copy of the Visual Wake Words images, already cut to 96x96 (folders person/ and non_person/)."""

VWW_ARCHIVE = "vw_coco2014_96.tar.gz"
VWW_FOLDER = "vw_coco2014_96"
"""The archive's one folder: ``person/`` and ``non_person/`` of COCO JPEGs (``COCO_train2014_....jpg``...)."""


def visual_wake_words(folder=None, *, download: bool = False, limit: int | None = 2000):
    """The real Visual Wake Words data (photos from COCO, person / no person), optional and online only.

    Without ``download=True`` this only explains what it would do and returns
    None: the course never downloads anything by itself. With it, the archive
    (hundreds of megabytes) is fetched into ``folder`` (default
    ``build/datasets/vww``), unpacked, and up to ``limit`` images per class are
    read as 96x96 grey pixels: returns (x uint8, y) like ``person_scenes``.

    Introduced in 15_person_detection.
    """
    from edgebook import paths

    folder = Path(folder) if folder else paths.build_dir("datasets", "vww")
    if not download:
        print("Visual Wake Words (Chowdhery et al., 2019) is the real data behind TFLM's person detector: "
              f"COCO photos labelled person / no person. visual_wake_words(download=True) fetches {VWW_URL} "
              f"into {folder} (a large download; it needs a network), unpacks it, and reads "
              f"up to {limit} images per class as 96x96 grey pixels.")
        return None
    images = folder / VWW_FOLDER
    if not images.is_dir():
        archive = folder / VWW_ARCHIVE
        if not archive.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            partial = archive.with_name(archive.name + ".part")  # an interrupted download is not the archive
            urllib.request.urlretrieve(VWW_URL, partial)
            partial.rename(archive)
        with tarfile.open(archive) as tar:
            tar.extractall(folder, filter="data")
    return read_image_folders(images, limit=limit)


IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png"}


def read_image_folders(folder, *, limit: int | None = None):
    """Read ``folder/non_person`` and ``folder/person`` images as 96x96 grey uint8: (x, y).

    The label is the folder (0 no person, 1 person), as in MLPerf Tiny's copy of
    Visual Wake Words. Each image becomes a frame with
    ``photo_frame(image, centre_square=False)``: the whole picture, as MLPerf
    Tiny's training reads it, so nobody at the edge is cut off.

    Introduced in 15_person_detection.
    """
    import matplotlib.image

    folder = Path(folder)
    frames, labels = [], []
    for label, name in enumerate(("non_person", "person")):
        files = sorted(p for p in (folder / name).glob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        if not files:
            raise FileNotFoundError(f"{folder / name} holds no .jpg or .png images.")
        for path in files[:limit]:
            frames.append(photo_frame(matplotlib.image.imread(path), centre_square=False))
            labels.append(label)
    return np.stack(frames), np.array(labels, np.int64)


def photo_frame(photo, *, centre_square: bool = True) -> np.ndarray:
    """A photo of any size, in colour or grey, as the detector's frame: uint8 (96, 96), 0 black to 255 white.

    ``photo`` is an image array: (height, width) grey or (height, width, 3 or 4)
    colour, uint8 0..255 or float 0..1 (what ``plt.imread`` gives for a PNG).
    With ``centre_square`` the middle square is cut out, so a person keeps their
    shape; without it the whole picture is squeezed into the square. Colour
    becomes grey with the usual luminance weights (0.299 R + 0.587 G + 0.114 B),
    and the picture is shrunk by averaging each block of pixels, so fine detail
    does not turn into noise.

    Introduced in 15_person_detection.
    """
    from PIL import Image

    pixels = np.asarray(photo)
    if pixels.ndim not in (2, 3) or (pixels.ndim == 3 and pixels.shape[-1] not in (3, 4)):
        raise ValueError(f"A photo is (height, width) grey or (height, width, 3 or 4) colour; "
                         f"you passed shape {pixels.shape}.")
    if pixels.dtype != np.uint8:
        if pixels.min() < 0 or pixels.max() > 1:
            raise ValueError(f"A photo that is not uint8 must hold values 0..1; yours spans "
                             f"{pixels.min():g}..{pixels.max():g}. Pass uint8 pixels 0..255 as they are.")
        pixels = np.round(pixels * 255).astype(np.uint8)
    image = Image.fromarray(pixels[..., :3] if pixels.ndim == 3 else pixels).convert("L")
    if centre_square:
        side = min(image.size)
        left, top = (image.width - side) // 2, (image.height - side) // 2
        image = image.crop((left, top, left + side, top + side))
    return np.asarray(image.resize((SIZE, SIZE), Image.Resampling.BOX))


# --- the detector lesson 15 trains ------------------------------------------------------------

DETECTOR_BLOCKS = ((16, 1), (32, 2), (32, 1), (64, 2), (64, 1), (128, 2), (128, 1))
"""(output channels, stride) of each depthwise separable block after the first convolution."""


def build_person_detector(blocks=DETECTOR_BLOCKS, first_channels: int = 8, dropout: float = 0.1):
    """A MobileNet-style person detector for 96x96x1 pixels scaled to 0..1.

    A 3x3 convolution with stride 2 (96 -> 48 pixels, 8 channels), then
    depthwise separable blocks (a 3x3 depthwise convolution, then a 1x1
    pointwise one, each followed by batch normalization and ReLU6), global
    average pooling and a 2-way softmax: (no person, person). Batch
    normalization folds into the convolutions when the model is converted.

    Introduced in 15_person_detection.
    """
    import tensorflow as tf

    layers = tf.keras.layers
    pixels = layers.Input((SIZE, SIZE, 1), name="pixels")
    x = layers.Conv2D(first_channels, 3, strides=2, padding="same", use_bias=False, name="conv")(pixels)
    x = layers.BatchNormalization(name="conv_bn")(x)
    x = layers.ReLU(6.0, name="conv_relu")(x)
    for i, (channels, stride) in enumerate(blocks, start=1):
        x = layers.DepthwiseConv2D(3, strides=stride, padding="same", use_bias=False, name=f"block{i}_dw")(x)
        x = layers.BatchNormalization(name=f"block{i}_dw_bn")(x)
        x = layers.ReLU(6.0, name=f"block{i}_dw_relu")(x)
        x = layers.Conv2D(channels, 1, use_bias=False, name=f"block{i}_pw")(x)
        x = layers.BatchNormalization(name=f"block{i}_pw_bn")(x)
        x = layers.ReLU(6.0, name=f"block{i}_pw_relu")(x)
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    scores = layers.Dense(2, activation="softmax", name="scores")(x)
    return tf.keras.Model(pixels, scores, name="person_detector")


def prepare(images) -> np.ndarray:
    """Pre-processing for the detector: uint8 pixels (n, 96, 96) -> float32 (n, 96, 96, 1) in 0..1.

    Introduced in 15_person_detection.
    """
    images = np.asarray(images)
    if images.ndim == 2:
        images = images[np.newaxis]
    if images.shape[-2:] != (SIZE, SIZE):
        raise ValueError(f"The detector takes {SIZE}x{SIZE} grey images; you passed shape {images.shape}.")
    return (images.astype(np.float32) / 255.0)[..., np.newaxis]


def load_pretrained(model) -> None:
    """Set ``model``'s weights (a ``build_person_detector()``) to the committed pretrained ones.

    The weights come from ``datasets/make_person_weights.py``, which trains the
    detector on scenes of other rooms than ``data.load("person")`` (another
    seed), so the lesson's test rooms stay unseen. The file is checked against
    its SHA-256 first.

    Introduced in 15_person_detection.
    """
    from edgebook import datafiles
    from edgebook.errors import DataError

    arrays = datafiles.read_verified_npz(datafiles.PRETRAINED["person_weights"])
    weights = [arrays[f"w{i:02d}"] for i in range(len(arrays))]
    expected = [tuple(w.shape) for w in model.get_weights()]
    if [tuple(w.shape) for w in weights] != expected:
        raise DataError(f"person_weights.npz holds weights for another architecture than this model "
                        f"({len(weights)} arrays, the model has {len(expected)}). Build the model with "
                        "scenes.build_person_detector() and its default arguments.")
    model.set_weights(weights)
