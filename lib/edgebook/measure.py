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

from edgebook.context import is_quick
from edgebook.runtime import LiteModel, read_model_bytes


# --- size ---------------------------------------------------------------------

def size_bytes(model) -> int:
    """Bytes of a ``.tflite`` model (bytes, path or LiteModel), or of any file."""
    if isinstance(model, (str, Path)) and Path(model).is_dir():
        return sum(f.stat().st_size for f in Path(model).rglob("*") if f.is_file())
    return len(read_model_bytes(model))


def gzip_size(model) -> int:
    """Bytes after gzip at the highest level: how well the model would compress for download.

    Pruned and clustered models are no smaller raw, but compress much better
    (lessons 06 and 07).
    """
    return len(gzip.compress(read_model_bytes(model), compresslevel=9, mtime=0))


# --- latency ------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
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


def _runner(model, sample) -> tuple[Callable[[], object], int]:
    """A no-argument function that runs the model once on ``sample``, and its thread count."""
    if isinstance(model, LiteModel):
        prepared = model._prepare(sample)
        return (lambda: model._invoke(prepared)), model.num_threads
    if hasattr(model, "predict_on_batch"):  # a Keras model: call it directly, no predict() overhead
        import tensorflow as tf

        tensor = tf.constant(sample)
        threads = tf.config.threading.get_intra_op_parallelism_threads() or os.cpu_count()
        return (lambda: model(tensor, training=False)), threads
    if callable(model):
        return (lambda: model(sample)), 1
    raise TypeError(f"Cannot time a {type(model).__name__}: pass a LiteModel, a Keras model or a function.")


def latency(model, sample, *, runs: int = 200, warmup: int = 20, threads: int | None = None) -> Latency:
    """Time one inference: warm up first (caches, lazy allocation), then ``runs`` timed runs.

    ``sample`` is one batch (usually a batch of one). The median is robust to the
    odd slow run caused by the rest of the machine; the 90th percentile shows
    the tail a user feels. Quick mode (EDGEBOOK_QUICK=1) does a quarter of the runs.
    ``threads`` is only reported: pass it when timing a plain function whose
    thread count the helper cannot know (it assumes 1).
    """
    if is_quick():
        runs, warmup = max(20, runs // 4), max(5, warmup // 4)
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
    if isinstance(model, LiteModel):
        return model.predict(x)
    if hasattr(model, "predict_on_batch"):
        return model.predict(x, verbose=0, batch_size=256)
    return np.asarray(model(x))


def accuracy(model, x, y) -> float:
    """Share of samples whose highest-scoring class is the label (Keras model, LiteModel or function)."""
    predicted = np.argmax(_outputs(model, x), axis=-1)
    return float(np.mean(predicted == np.asarray(y)))


def mean_abs_error(model, x, y) -> float:
    """Mean absolute error of a regression model's output against ``y``."""
    return float(np.mean(np.abs(_outputs(model, x).reshape(np.shape(y)) - np.asarray(y))))


def max_abs_difference(a, b) -> float:
    """Largest absolute difference between two arrays of outputs (0.0 = identical)."""
    return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))))
