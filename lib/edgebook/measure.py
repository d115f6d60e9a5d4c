"""Measure what matters on a device: size, latency, accuracy.

Introduced in 02_train_and_infer (size, latency, accuracy) and used by every
lesson after it.
"""
from __future__ import annotations

import dataclasses
import gzip
import os
import time
from pathlib import Path
from typing import Callable

import numpy as np

from edgebook.errors import ModelInputError, NotAModelError
from edgebook.mode import is_quick
from edgebook.modelfile import read_bytes
from edgebook.runtime import LiteModel
from edgebook.showing import shows_itself


# --- size ---------------------------------------------------------------------

def size_bytes(model) -> int:
    """Bytes of a ``.tflite`` model (bytes, path or LiteModel), or of any file."""
    if isinstance(model, (str, Path)) and Path(model).is_dir():
        return sum(f.stat().st_size for f in Path(model).rglob("*") if f.is_file())
    return len(read_bytes(model))


def gzip_size(model) -> int:
    """Bytes after gzip at the highest level: how well the model would compress for download.

    Pruned and clustered models are no smaller raw, but compress much better
    (lessons 06 and 07).
    """
    return len(gzip.compress(read_bytes(model), compresslevel=9, mtime=0))


# --- latency ------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
@shows_itself
class Latency:
    """A latency benchmark: median and 90th percentile of repeated runs, in milliseconds."""

    median_ms: float
    p90_ms: float
    runs: int
    warmup: int
    threads: int
    times_ms: tuple[float, ...] = dataclasses.field(repr=False)

    def __str__(self) -> str:
        return (f"{self.median_ms:.3f} ms median, {self.p90_ms:.3f} ms p90 "
                f"({self.runs} runs after {self.warmup} warm-up, {self.threads} "
                f"thread{'s' if self.threads != 1 else ''})")


def _loaded(model):
    """A .tflite model given as bytes or a path, loaded into LiteRT; anything else as it is."""
    return LiteModel(model) if isinstance(model, (bytes, bytearray, str, Path)) else model


def _runner(model, sample) -> tuple[Callable[[], object], int]:
    """A no-argument function that runs the model once on ``sample``, and its thread count."""
    model = _loaded(model)
    if isinstance(model, LiteModel):
        prepared = model.prepare(sample)
        return (lambda: model.invoke(prepared)), model.num_threads
    if hasattr(model, "predict_on_batch"):  # a Keras model: call it directly, no predict() overhead
        import tensorflow as tf

        tensor = tf.constant(sample)
        threads = tf.config.threading.get_intra_op_parallelism_threads() or os.cpu_count()
        return (lambda: model(tensor, training=False)), threads
    if callable(model):
        return (lambda: model(sample)), 1
    raise NotAModelError(f"Cannot time a {type(model).__name__}: pass a LiteModel (runtime.load(model_bytes)), "
                         ".tflite bytes, a Keras model or a function.")


def latency(model, sample, *, runs: int = 200, warmup: int = 20, threads: int | None = None) -> Latency:
    """Time one inference: warm up first (caches, lazy allocation), then ``runs`` timed runs.

    ``sample`` is one batch (usually a batch of one). The median is robust to the
    odd slow run caused by the rest of the machine; the 90th percentile shows
    the tail a user feels. Quick mode (EDGEBOOK_QUICK=1) does a quarter of the runs.
    ``threads`` is only reported: pass it when timing a plain function whose
    thread count the helper cannot know (it assumes 1).
    """
    if is_quick():  # a quarter of the runs, but never more than asked for
        runs, warmup = min(runs, max(20, runs // 4)), min(warmup, max(5, warmup // 4))
    run_once, known_threads = _runner(model, sample)
    threads = known_threads if threads is None else threads
    for _ in range(warmup):
        run_once()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run_once()
        times.append((time.perf_counter() - start) * 1e3)
    times_ms = np.array(times)
    return Latency(float(np.median(times_ms)), float(np.percentile(times_ms, 90)), runs, warmup,
                   int(threads), tuple(float(t) for t in times_ms))


# --- quality ------------------------------------------------------------------

def _outputs(model, x) -> np.ndarray:
    model = _loaded(model)
    if isinstance(model, LiteModel):
        return model.predict(x)
    if hasattr(model, "predict_on_batch"):
        return model.predict(x, verbose=0, batch_size=256)
    if not callable(model):
        raise NotAModelError(f"Cannot run a {type(model).__name__}: pass a LiteModel, .tflite bytes, a Keras model "
                             "or a function.")
    return np.asarray(model(x))


def accuracy(model, x, y) -> float:
    """Share of samples whose highest-scoring class is the label (Keras model, LiteModel, .tflite bytes or function).

    ``y`` holds one class id per sample.
    """
    y = np.asarray(y)
    if len(np.shape(x)) and len(x) != len(y):
        raise ModelInputError(f"x has {len(x):,} samples but y has {len(y):,} labels: pass the labels of the "
                              "same samples (e.g. test_x and test_y).")
    predicted = np.argmax(_outputs(model, x), axis=-1)
    if y.shape != predicted.shape:
        advice = " It looks one-hot: pass the class ids, y.argmax(axis=-1)." if y.ndim == predicted.ndim + 1 else ""
        raise ModelInputError(f"accuracy() takes one class id per sample, shape {predicted.shape}; y has shape "
                              f"{y.shape}.{advice}")
    return float(np.mean(predicted == y))


def mean_abs_error(model, x, y) -> float:
    """Mean absolute error of a regression model's output against ``y``."""
    return float(np.mean(np.abs(_outputs(model, x).reshape(np.shape(y)) - np.asarray(y))))


def max_abs_difference(a, b) -> float:
    """Largest absolute difference between two arrays of outputs (0.0 = identical).

    Arrays of the same size are compared value by value, whatever their shapes
    ((n, 1) against (n,)); a single number is compared with every value.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape and a.size != 1 and b.size != 1:
        if a.size != b.size:
            raise ModelInputError(f"Cannot compare outputs of shapes {a.shape} and {b.shape}: they hold "
                                  f"{a.size:,} and {b.size:,} values. Compare the outputs of the same inputs.")
        a, b = a.reshape(-1), b.reshape(-1)
    return float(np.max(np.abs(a - b)))


# --- comparing variants (lessons 04-07) ------------------------------------------

@dataclasses.dataclass(frozen=True)
class Variant:
    """One row of a comparison: a .tflite model measured on the test split."""

    name: str
    bytes: int
    gzip_bytes: int
    size_ratio: float        # float baseline bytes / these bytes (higher = smaller)
    gzip_ratio: float        # the same, after gzip
    accuracy: float
    accuracy_delta: float    # percentage points against the baseline (negative = worse)
    median_ms: float
    p90_ms: float
    threads: int


class Comparison(list):
    """A list of ``Variant`` rows that prints as a table; ``comparison["int8"]`` finds a row."""

    def __getitem__(self, key):
        if isinstance(key, str):
            for row in self:
                if row.name == key:
                    return row
            raise KeyError(f"No variant called {key!r}; there are: {', '.join(r.name for r in self)}.")
        return super().__getitem__(key)

    def __add__(self, other) -> "Comparison":
        return Comparison([*self, *other])

    def __repr__(self) -> str:
        header = (f"{'variant':<26}{'bytes':>10}{'gzip':>10}{'smaller':>9}{'gz smaller':>11}"
                  f"{'accuracy':>10}{'Δ points':>10}{'median ms':>11}{'p90 ms':>9}")
        lines = [header, "-" * len(header)]
        for r in self:
            lines.append(f"{r.name:<26}{r.bytes:>10,}{r.gzip_bytes:>10,}{r.size_ratio:>8.2f}x{r.gzip_ratio:>10.2f}x"
                         f"{r.accuracy:>10.2%}{r.accuracy_delta:>+10.2f}{r.median_ms:>11.3f}{r.p90_ms:>9.3f}")
        threads = {r.threads for r in self}
        lines.append(f"(latency: one sample, {', '.join(map(str, sorted(threads)))} thread(s); "
                     f"'smaller' = baseline size / variant size)")
        return "\n".join(lines)


def compare(variants: dict, x, y, *, baseline: str | None = None, num_threads: int = 1,
            runs: int = 100) -> Comparison:
    """Measure every ``.tflite`` variant on the same data: size, gzip size, accuracy, latency.

    ``variants`` maps a name to a model (bytes or path). Ratios and the accuracy
    delta are against ``baseline`` (default: the first variant). Add two
    comparisons with ``+`` to put the variants of several lessons in one table.

    Introduced in 04_post_training_quantization.
    """
    if not variants:
        raise ValueError("compare() needs at least one variant: {'float32': float_bytes, ...}.")
    baseline = baseline or next(iter(variants))
    if baseline not in variants:
        raise KeyError(f"The baseline {baseline!r} is not one of the variants: {', '.join(variants)}.")
    measured = {}
    for name, model in variants.items():
        lite = LiteModel(model, num_threads=num_threads)
        timing = latency(lite, np.asarray(x)[:1], runs=runs, warmup=10)
        measured[name] = (size_bytes(lite), gzip_size(lite), accuracy(lite, x, y), timing)
    base_bytes, base_gzip, base_accuracy, _ = measured[baseline]
    return Comparison(
        Variant(name, size, gz, base_bytes / size, base_gzip / gz, acc, 100 * (acc - base_accuracy),
                timing.median_ms, timing.p90_ms, timing.threads)
        for name, (size, gz, acc, timing) in measured.items())
