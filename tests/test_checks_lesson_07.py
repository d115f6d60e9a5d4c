"""Tests of the exercise checks of lesson 07_clustering_and_collaborative_optimization: each check
against a right answer, wrong answers (with their targeted messages) and the ``...`` placeholder.

The file-reading check runs on a small hand-clustered Dense model, so nothing is trained here."""
import math

import numpy as np
import pytest

from edgebook.checks import lesson_07 as ex


# --- Exercise 2.1: share the weights ---------------------------------------------------------

def snap_right(values, centroids):
    return centroids[np.argmin(np.abs(values[..., np.newaxis] - centroids), axis=-1)]


def test_snap_correct():
    result = ex.snap_to_centroids.evaluate(snap_right)
    assert result.status == "correct", result.message


@pytest.mark.parametrize("answer, message", [
    (lambda v, c: np.argmin(np.abs(v[..., None] - c), axis=-1), "indices of the nearest centroids"),
    (lambda v, c: np.abs(v[..., None] - c), "the distances?"),
    (lambda v, c: np.round(v, 1), "not one of the centroids"),
    # searchsorted on sorted centroids picks a neighbour, not always the nearest one
    (lambda v, c: np.sort(c)[np.clip(np.searchsorted(np.sort(c), v), 0, len(c) - 1)], "the nearest centroid is"),
    (lambda v, c: snap_right(v, c).ravel(), "should have the weights' shape"),
])
def test_snap_incorrect(answer, message):
    result = ex.snap_to_centroids.evaluate(answer)
    assert result.status == "incorrect"
    assert message in result.message, result.message


def test_snap_learner_error_and_not_attempted():
    def broken(values, centroids):
        raise ValueError("oops")

    result = ex.snap_to_centroids.evaluate(broken)
    assert result.status == "incorrect" and "ValueError: oops" in result.message
    assert ex.snap_to_centroids.evaluate(...).status == "not attempted"

    def placeholder(values, centroids):
        ...

    assert ex.snap_to_centroids.evaluate(placeholder).status == "not attempted"


# --- Exercise 3.1: how small could it be? ------------------------------------------------------

def packed_right(n, k):
    return math.ceil(n * math.ceil(math.log2(k)) / 8) + 4 * k


def test_packed_size_reference():
    assert ex.packed_size(131_072, 16) == 65_600
    assert ex.packed_size(288, 5) == 128  # 3-bit indices: 108 bytes, plus 5 centroids
    assert ex.index_bits(16) == 4 and ex.index_bits(17) == 5


def test_packed_bytes_correct():
    result = ex.packed_bytes.evaluate(packed_right)
    assert result.status == "correct", result.message


@pytest.mark.parametrize("answer, message", [
    (lambda n, k: math.ceil(n * math.ceil(math.log2(k)) / 8), "table of centroids is missing"),
    (lambda n, k: n * math.ceil(math.log2(k)) + 4 * k, "counts bits, not bytes"),
    (lambda n, k: n * math.log2(k) / 8 + 4 * k, "whole number of bits"),
    (lambda n, k: n * math.ceil(math.log2(k)) / 8 + 4 * k, "Round the index bytes up"),
    (lambda n, k: n * k / 8 + 4 * k, "expected"),
    (lambda n, k: "65,600", "should return a number of bytes"),
])
def test_packed_bytes_incorrect(answer, message):
    result = ex.packed_bytes.evaluate(answer)
    assert result.status == "incorrect"
    assert message in result.message, result.message


def test_packed_bytes_not_attempted():
    assert ex.packed_bytes.evaluate(...).status == "not attempted"
    assert ex.packed_bytes.evaluate(lambda n, k: None).status == "not attempted"


# --- Exercise 3.2: count in the file ------------------------------------------------------------

@pytest.fixture(scope="module")
def clustered_bytes(ctx):
    """A Dense model whose 64x32 kernel holds only 4 distinct values, as float32 .tflite bytes."""
    import tensorflow as tf
    from edgebook import convert

    model = tf.keras.Sequential([tf.keras.Input((64,)), tf.keras.layers.Dense(32), tf.keras.layers.Dense(3)])
    rng = np.random.default_rng(0)
    kernel = rng.choice(np.array([-0.3, -0.1, 0.1, 0.3], np.float32), size=(64, 32))
    model.layers[0].set_weights([kernel, np.zeros(32, np.float32)])
    return convert.to_tflite(model)


def test_count_in_the_file_correct(clustered_bytes):
    answer = {"kernel_bytes": 64 * 32 * 4, "distinct_values": 4}
    result = ex.count_in_the_file.evaluate(answer, model_bytes=clustered_bytes)
    assert result.status == "correct", result.message


@pytest.mark.parametrize("answer, message", [
    ({"kernel_bytes": 64 * 32, "distinct_values": 4}, "number of weights in the kernel"),
    ({"kernel_bytes": 12, "distinct_values": 4}, "not the Dense kernel's size"),
    ({"kernel_bytes": 64 * 32 * 4, "distinct_values": 2048}, "unclustered kernel"),
    ({"kernel_bytes": 64 * 32 * 4, "distinct_values": 5}, "np.unique"),
    ({"kernel_bytes": 64 * 32 * 4, "distinct_values": ...}, "distinct_values is still ..."),
    ({"kernel_bytes": 64 * 32 * 4}, "has no 'distinct_values'"),
    ([8192, 4], "Pass a dict"),
])
def test_count_in_the_file_incorrect(clustered_bytes, answer, message):
    result = ex.count_in_the_file.evaluate(answer, model_bytes=clustered_bytes)
    assert result.status == "incorrect"
    assert message in result.message, result.message


def test_count_in_the_file_whole_file(clustered_bytes):
    answer = {"kernel_bytes": len(clustered_bytes), "distinct_values": 4}
    result = ex.count_in_the_file.evaluate(answer, model_bytes=clustered_bytes)
    assert result.status == "incorrect" and "size of the whole file" in result.message


def test_count_in_the_file_not_attempted(clustered_bytes):
    assert ex.count_in_the_file.evaluate(..., model_bytes=clustered_bytes).status == "not attempted"
    blank = dict.fromkeys(ex.KERNEL_FACTS, ...)
    assert ex.count_in_the_file.evaluate(blank, model_bytes=clustered_bytes).status == "not attempted"


# --- Exercise 7.1: pick a variant for a flash budget ----------------------------------------------

@pytest.fixture(scope="module")
def table():
    """A comparison-like table (measure.Variant rows) shaped like the lesson's."""
    from edgebook.measure import Variant

    def row(name, size, gz, accuracy):
        return Variant(name, size, gz, 1.0, 1.0, accuracy, 0.0, 0.02, 0.03, 1)

    return [row("float32", 608_808, 560_412, 0.9722), row("int8", 161_720, 150_055, 0.9750),
            row("QAT int8", 158_928, 135_031, 0.9667), row("PCQAT int8", 158_928, 67_952, 0.9694),
            row("pruned 90%", 608_808, 103_936, 0.9194)]


def pick_right(rows, flash_bytes):
    fitting = [row for row in rows if row.bytes <= flash_bytes]
    return min(fitting, key=lambda row: (-row.accuracy, row.bytes)).name


def test_best_for_flash_reference(table):
    assert ex.best_for_flash(table, 160_000) == "PCQAT int8"
    assert ex.best_for_flash(table, 161_720) == "int8"
    assert ex.best_for_flash(table, 10_000) is None


def test_pick_for_flash_correct(table):
    result = ex.pick_for_flash.evaluate(pick_right, comparison=table)
    assert result.status == "correct", result.message
    assert ex.pick_for_flash.evaluate(pick_right).status == "correct"  # the check's own table only


@pytest.mark.parametrize("answer, message", [
    (lambda rows, b: min((r for r in rows if r.gzip_bytes <= b), key=lambda r: (-r.accuracy, r.bytes)).name,
     "compare row.bytes, not gzip"),
    (lambda rows, b: min((r for r in rows if r.bytes < b), key=lambda r: (-r.accuracy, r.bytes)).name,
     "raised ValueError"),
    (lambda rows, b: min((r for r in rows if r.bytes <= b), key=lambda r: r.bytes).name, "more accurate"),
    (lambda rows, b: max((r for r in rows if r.bytes <= b), key=lambda r: (r.accuracy, r.bytes)).name,
     "take the smaller file"),
    (lambda rows, b: min((r for r in rows if r.bytes <= b), key=lambda r: (-r.accuracy, r.bytes)),
     "not the whole row"),
    (lambda rows, b: "float32", "does not fit"),
])
def test_pick_for_flash_incorrect(table, answer, message):
    result = ex.pick_for_flash.evaluate(answer, comparison=table)
    assert result.status == "incorrect"
    assert message in result.message, result.message


def test_pick_for_flash_not_attempted(table):
    assert ex.pick_for_flash.evaluate(..., comparison=table).status == "not attempted"

    def placeholder(rows, flash_bytes):
        ...

    assert ex.pick_for_flash.evaluate(placeholder, comparison=table).status == "not attempted"
