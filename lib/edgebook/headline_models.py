"""The headline model of every lesson from 02 to 15: where its file lives, how to rebuild it, how to test it.

Each is an ``Entry`` in ``ENTRIES``; ``find_or_build`` returns its bytes, found
under ``build/models/`` or rebuilt with the same helper calls and seeds as the
lesson (and cached there). ``edgebook.scoreboard`` measures them all.

Lessons that save their model (02, 03, 11-15) are found under their own file names.
The others are rebuilt and cached under ``build/models/NN_<what>.tflite``. Where a
lesson's model is made by code that lives only in its notebook, the entry says what
is rebuilt instead.

Introduced in 16_cascades_and_deployment (the course scoreboard).
"""
from __future__ import annotations

import dataclasses
import functools
import math
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np
import tensorflow as tf

from edgebook import (architectures, audio, clustering, convert, data, gestures, measure, micro, models, paths,
                      pruning, qat, scenes)
from edgebook.errors import EdgebookError
from edgebook.runtime import LiteModel
from edgebook.seeding import SEED, seed_everything

MODEL_SUFFIXES = (".tflite", ".keras")
"""A scoreboard model is a ``.tflite`` file, or a Keras ``.keras`` file (lesson 02's)."""


@dataclasses.dataclass(frozen=True)
class Entry:
    """One model on the scoreboard: its file, how to rebuild it, and how to test it."""

    lesson: int
    name: str                    # short and unique, led by the lesson number: "13_keywords"
    what: str                    # one line: what the model is
    file: str                    # its file under build/models/
    build: Callable[[], bytes] | None  # makes the file's bytes when it is missing (None: cannot)
    test_split: Callable[[], tuple[np.ndarray, np.ndarray]]  # held-out inputs as the model takes them, targets
    metric: str = "accuracy"     # what ``evaluate`` returns
    evaluate: Callable = measure.accuracy  # (loaded model, x, targets) -> the metric's value
    micro: bool = False          # an int8 model meant for a microcontroller (TFLM)

    def __post_init__(self):
        if not self.file.endswith(MODEL_SUFFIXES):
            raise ValueError(f"Entry {self.name!r}: file must end in {' or '.join(MODEL_SUFFIXES)}; "
                             f"got {self.file!r}.")


# --- where the models live -------------------------------------------------------------

def models_dir() -> Path:
    """``build/models/``, where the lessons save their models and the scoreboard caches its rebuilds."""
    return paths.build_dir("models")


def _is_model_file(model_bytes: bytes, file: str) -> bool:
    if file.endswith(".keras"):
        return model_bytes[:2] == b"PK"  # a .keras file is a zip archive
    return model_bytes[4:8] == b"TFL3"  # the FlatBuffer identifier of every .tflite file


def find_or_build(entry: Entry, rebuild: bool = False) -> tuple[bytes, str]:
    """The entry's model bytes and where they came from: "found" under build/models/, or "rebuilt".

    A rebuilt model is saved under the entry's file name, so the next call finds it.
    A file that is not a model (half written, say) is rebuilt too.
    """
    path = models_dir() / entry.file
    if path.is_file() and not rebuild:
        model_bytes = path.read_bytes()
        if _is_model_file(model_bytes, entry.file):
            return model_bytes, "found"
    if entry.build is None:
        raise EdgebookError(f"{entry.name}: there is no {path}, and this entry cannot rebuild it. "
                            "Run its lesson first, or pass the model to score(extra=...).")
    print(f"{entry.name}: rebuilding build/models/{entry.file} (run its lesson to save it instead)", flush=True)
    model_bytes = entry.build()
    if not _is_model_file(model_bytes, entry.file):
        raise EdgebookError(f"{entry.name}: build() returned {len(model_bytes):,} bytes that are not a "
                            f"{Path(entry.file).suffix} model file.")
    path.write_bytes(model_bytes)
    return model_bytes, "rebuilt"


# --- the lessons' test splits (each loaded once per session) ------------------------------

@functools.lru_cache(maxsize=None)
def _digits_test():
    """8x8 digits as the digits CNN takes them (lessons 02, 03, 10)."""
    digits = data.load("digits")
    return models.prepare_digits(digits.x_test), digits.y_test


@functools.lru_cache(maxsize=None)
def _raw_digits_test():
    """8x8 digits as raw uint8 pixels 0..16 (lesson 11's app does the pre-processing itself)."""
    digits = data.load("digits")
    return digits.x_test.astype(np.uint8), digits.y_test


@functools.lru_cache(maxsize=None)
def _baseline_test():
    """16x16 digits as the optimization track's baseline takes them (lessons 04-09)."""
    digits = models.baseline_digits()
    return models.prepare_digits(digits.x_test), digits.y_test


@functools.lru_cache(maxsize=None)
def _sine_test():
    """x and the TRUE sine of x: lesson 12 measures the error against sin(x), not the noisy labels."""
    sine = data.load("sine")
    return sine.x_test, np.sin(sine.x_test)


@functools.lru_cache(maxsize=None)
def _keywords_test():
    """Log-mel spectrograms (49 x 40 x 1) of the held-out voices' clips (lesson 13)."""
    keywords = data.load("keywords")
    return audio.log_mel(keywords.x_test)[..., np.newaxis], keywords.y_test


@functools.lru_cache(maxsize=None)
def _gestures_test():
    """Accelerometer windows (128 x 3) of the held-out people (lesson 14)."""
    wand = data.load("gestures")
    return wand.x_test, wand.y_test


@functools.lru_cache(maxsize=None)
def _person_test():
    """96x96x1 scenes of rooms the detector never saw, pixels scaled to 0..1 (lesson 15)."""
    person = data.load("person")
    return scenes.prepare(person.x_test), person.y_test


def _top_answer_accuracy(lite: LiteModel, raw_pixels, y) -> float:
    """Accuracy of a model whose signature returns "class_ids", best first (lesson 11's app)."""
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_content=lite.model_bytes, num_threads=1)
    key = next((key for key, signature in interpreter.get_signature_list().items()
                if "class_ids" in signature["outputs"]), None)
    if key is None:
        raise EdgebookError("This model has no signature with a 'class_ids' output (lesson 11's classify).")
    class_ids = interpreter.get_signature_runner(key)(raw_pixels=raw_pixels)["class_ids"]
    return float(np.mean(class_ids[:, 0] == y))


# --- rebuilding: the lessons' helper calls ----------------------------------------------

def _calibration(digits: data.Dataset) -> np.ndarray:
    """The 200 training images every lesson calibrates int8 conversion with."""
    return models.prepare_digits(digits.x_train)[:200]


def _int8(model) -> bytes:
    """A baseline-track model in int8, calibrated as lessons 04-07 do."""
    return convert.to_tflite(model, "int8", representative_data=_calibration(models.baseline_digits()))


def _keras_file(model: tf.keras.Model) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return path.read_bytes()


def load_keras_file(model_bytes: bytes) -> tf.keras.Model:
    """A Keras model from the bytes of a ``.keras`` file (lesson 02's model on the scoreboard)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        path.write_bytes(model_bytes)
        return tf.keras.models.load_model(path)


def _baseline(recipe: str) -> bytes:
    options = {"representative_data": _calibration(models.baseline_digits())} if recipe == "int8" else {}
    return convert.to_tflite(models.baseline_cnn(), recipe, **options)


def _qat_int8() -> bytes:
    return _int8(qat.quantize_aware(models.baseline_cnn(), models.baseline_digits(), epochs=3))


def _pruned_int8() -> bytes:
    return _int8(pruning.prune(models.baseline_cnn(), models.baseline_digits(), 0.75))


def _pcqat_int8() -> bytes:
    digits = models.baseline_digits()
    pruned = pruning.prune(models.baseline_cnn(), digits, 0.5)
    clustered = clustering.cluster(pruned, digits, 16, epochs=2, preserve_sparsity=True)
    return _int8(clustering.cqat(clustered, digits, epochs=2, preserve_sparsity=True))


def _separable_cnn() -> bytes:
    seed_everything()
    model = architectures.build_separable_cnn()
    models.fit(model, models.baseline_digits(), epochs=architectures.DIGITS_EPOCHS)
    return architectures.to_tflite(model)


def _digits_int8() -> bytes:
    return convert.to_tflite(models.digits_cnn(), "int8", representative_data=_calibration(data.load("digits")))


def _digits_app() -> bytes:
    """Lesson 11's classify signature: raw uint8 pixels in, the top 3 digits and their scores out."""
    model = models.digits_cnn()

    @tf.function(input_signature=[tf.TensorSpec([None, 8, 8], tf.uint8, name="raw_pixels")])
    def classify(raw_pixels):
        pixels = tf.expand_dims(tf.cast(raw_pixels, tf.float32) / models.DIGITS_MAX_PIXEL, axis=-1)
        scores, class_ids = tf.math.top_k(model(pixels, training=False), k=3)
        return {"class_ids": class_ids, "scores": scores}

    return convert.to_tflite(classify.get_concrete_function())


# Lessons 12-14 write their models in the notebook, for the learner to read, and check that the
# builders in ``models`` make the same networks; these rebuilds call those builders and train them
# with the lessons' recipes (same seeds, epochs, batches and calibration data).

def _sine_micro() -> bytes:
    """Lesson 12: 1 -> 16 -> 16 -> 1, 600 full-batch epochs, int8, stripped for TFLM."""
    sine = data.load("sine")
    model = models.build_sine_model()  # seeds itself, as the lesson's does
    model.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss="mse")
    model.fit(sine.x_train, sine.y_train, epochs=600, batch_size=len(sine.x_train), verbose=0)
    return micro.strip(convert.to_tflite(model, "int8", representative_data=sine.x_train))


def _keyword_spotter() -> bytes:
    """Lesson 13: three strided convolutions on log-mel spectrograms, 20 epochs, int8."""
    keywords = data.load("keywords")
    train_x = audio.log_mel(keywords.x_train)[..., np.newaxis]
    tf.keras.utils.set_random_seed(SEED)
    model = models.build_keyword_spotter()
    epochs, batch_size = 20, 64
    schedule = tf.keras.optimizers.schedules.CosineDecay(3e-3, epochs * math.ceil(len(train_x) / batch_size))
    model.compile(optimizer=tf.keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy")
    model.fit(train_x, keywords.y_train, epochs=epochs, batch_size=batch_size, verbose=0)
    return convert.to_tflite(model, "int8", representative_data=train_x[::16])


def _wand() -> bytes:
    """Lesson 14: (time, 1) convolutions over augmented windows, 20 epochs, int8 for one window, stripped."""
    wand = data.load("gestures")
    train_x, train_y = gestures.augment(wand.x_train, wand.y_train, copies=2, seed=SEED)
    seed_everything(SEED)
    model = models.build_wand_model()
    model.fit(train_x, train_y, epochs=20, batch_size=32, verbose=0)
    one_window = tf.function(lambda x: model(x, training=False)).get_concrete_function(
        tf.TensorSpec([1, gestures.WINDOW_SAMPLES, 3], tf.float32))
    return micro.strip(convert.to_tflite(one_window, "int8", representative_data=train_x[::12]))


def _person_detector() -> bytes:
    """Lesson 15's detector with the committed pretrained weights (the lesson then fine-tunes one epoch)."""
    detector = scenes.build_person_detector()
    scenes.load_pretrained(detector)
    train_x = scenes.prepare(data.load("person").x_train[:300])
    return architectures.to_tflite(detector, "int8", representative_data=train_x)


ENTRIES: tuple[Entry, ...] = (
    Entry(lesson=2, name="02_digits_keras", file="digits_cnn.keras",
          what="the digits CNN (6,090 parameters) as lesson 02 saves it: a Keras file, run by TensorFlow",
          build=lambda: _keras_file(models.digits_cnn()), test_split=_digits_test),
    Entry(lesson=3, name="03_digits_float32", file="digits_float32.tflite",
          what="the same digits CNN converted to .tflite, float32",
          build=lambda: convert.to_tflite(models.digits_cnn()), test_split=_digits_test),
    Entry(lesson=4, name="04_baseline_float32", file="04_baseline_float32.tflite",
          what="the optimization track's baseline CNN (151,306 parameters, 16x16 digits), float32",
          build=lambda: _baseline("float32"), test_split=_baseline_test),
    Entry(lesson=4, name="04_baseline_int8", file="04_baseline_int8.tflite",
          what="the baseline after post-training int8 quantization (200 calibration images)",
          build=lambda: _baseline("int8"), test_split=_baseline_test),
    Entry(lesson=5, name="05_qat_int8", file="05_qat_int8.tflite",
          what="the baseline after 3 epochs of quantization-aware training, int8",
          build=_qat_int8, test_split=_baseline_test),
    Entry(lesson=6, name="06_pruned_int8", file="06_pruned75_int8.tflite",
          what="the baseline pruned to 75% zeros while fine-tuning, then int8 (it shrinks under gzip)",
          build=_pruned_int8, test_split=_baseline_test),
    Entry(lesson=7, name="07_pcqat_int8", file="07_pcqat_int8.tflite",
          what="the baseline pruned to 50%, clustered to 16 values per layer, PCQAT, int8",
          build=_pcqat_int8, test_split=_baseline_test),
    Entry(lesson=8, name="08_separable_cnn", file="08_separable_cnn.tflite",
          what="lesson 08's depthwise-separable digits CNN (16x16 digits), float32",
          build=_separable_cnn, test_split=_baseline_test),
    Entry(lesson=9, name="09_baseline_float16", file="09_baseline_float16.tflite",
          what="the baseline with float16 weights, the GPU delegate's format (the lesson's separable "
               "rewrite is notebook code, so it is not rebuilt here)",
          build=lambda: _baseline("float16"), test_split=_baseline_test),
    Entry(lesson=10, name="10_digits_int8", file="10_digits_int8.tflite",
          what="the digits CNN in int8, as lesson 10 runs it in TFLM (its activity classifier is notebook "
               "code, so it is not rebuilt here)",
          build=_digits_int8, test_split=_digits_test, micro=True),
    Entry(lesson=11, name="11_digits_app", file="11_digits_app.tflite",
          what="the digits app: raw uint8 pixels in, top-3 digits out, the processing inside the model "
               "(rebuilt here with its classify signature only)",
          build=_digits_app, test_split=_raw_digits_test, evaluate=_top_answer_accuracy),
    Entry(lesson=12, name="12_sine", file="12_sine_int8_micro.tflite",
          what="hello_world: y = sin(x), 1-16-16-1, int8, stripped for TFLM (rebuilt with the lesson's recipe)",
          build=_sine_micro, test_split=_sine_test, metric="MAE vs sin(x)", evaluate=measure.mean_abs_error,
          micro=True),
    Entry(lesson=13, name="13_keywords", file="13_keyword_spotter_int8.tflite",
          what="yes/no keyword spotter on 49x40 log-mel spectrograms, int8 (rebuilt with the lesson's recipe)",
          build=_keyword_spotter, test_split=_keywords_test, micro=True),
    Entry(lesson=14, name="14_wand", file="14_wand_int8.tflite",
          what="magic-wand gestures from 128x3 accelerometer windows, int8 for one window, stripped "
               "(rebuilt with the lesson's recipe)",
          build=_wand, test_split=_gestures_test, micro=True),
    Entry(lesson=15, name="15_person", file="15_person_detector_int8.tflite",
          what="MobileNet-style person detector, 96x96 grey, int8 (rebuilt here from the pretrained weights, "
               "without the lesson's epoch of fine-tuning)",
          build=_person_detector, test_split=_person_test, micro=True),
)
"""The headline model of every lesson from 02 to 15 (lesson 04 has two: float32 and int8)."""


def entry(name: str) -> Entry:
    """The entry called ``name`` ("13_keywords")."""
    for candidate in ENTRIES:
        if candidate.name == name:
            return candidate
    raise KeyError(f"No scoreboard entry called {name!r}; there are: {', '.join(e.name for e in ENTRIES)}.")
