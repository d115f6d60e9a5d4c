"""Exercise checks of lesson 07_clustering_and_collaborative_optimization (weight clustering,
its effect on file and gzip size, and the comparison of every optimized variant).

    >>> from edgebook.checks import lesson_07 as ex
    >>> ex.snap_to_centroids.check(snap_to_centroids)
    >>> ex.packed_bytes.check(packed_bytes)
    >>> ex.count_in_the_file.check({"kernel_bytes": ..., "distinct_values": ...},
    ...                            model_bytes=clustered_float_bytes)
    >>> ex.pick_for_flash.check(pick_for_flash, comparison=comparison)
"""
from __future__ import annotations

import math

import numpy as np

from edgebook.exercises import Exercise, Incorrect, NotAttempted, call, expect_dict, unanswered

CENTROID_BYTES = 4
"""Each centroid is stored once, as a float32."""


# --- Exercise 2.1: share the weights -------------------------------------------------------

def _snap_cases():
    """Weights and (unsorted) centroids to snap, the second with a Conv2D kernel's shape."""
    rng = np.random.default_rng(7)
    return [
        (rng.normal(0, 0.2, (6, 5)).astype(np.float32), np.array([0.3, -0.25, 0.02, -0.6], np.float32)),
        (rng.normal(0, 0.1, (3, 3, 2, 4)).astype(np.float32),
         np.array([0.05, -0.1, 0.2, 0.0, -0.02, 0.12], np.float32)),
    ]


def _check_snap_to_centroids(snap_to_centroids):
    for values, centroids in _snap_cases():
        original = values.copy()
        result = np.asarray(call(snap_to_centroids, values.copy(), centroids.copy()))
        nearest = centroids[np.argmin(np.abs(original[..., np.newaxis] - centroids), axis=-1)]
        if result.shape == values.shape + centroids.shape:
            raise Incorrect(f"Your result has shape {result.shape}: one number per weight AND per "
                            "centroid (the distances?). Keep only the nearest centroid of each weight: "
                            "argmin over the last axis, then look its value up in centroids.")
        if result.shape != values.shape:
            raise Incorrect(f"Your result has shape {result.shape}; it should have the weights' shape "
                            f"{values.shape}: every weight replaced by a centroid.")
        if (np.issubdtype(result.dtype, np.integer)
                and np.all((result >= 0) & (result < len(centroids)))):
            raise Incorrect("These look like the indices of the nearest centroids. Return the centroids' "
                            "values: centroids[indices].")
        if not np.all(np.isin(result, centroids)):
            odd = result[~np.isin(result, centroids)].ravel()[0]
            raise Incorrect(f"Your result holds {odd:.4g}, which is not one of the centroids: every "
                            "weight must become one of the given centroid values.")
        wrong = np.flatnonzero(result.ravel() != nearest.ravel())
        if wrong.size:
            i = wrong[0]
            weight = original.ravel()[i]
            raise Incorrect(f"The weight {weight:.4f} became {result.ravel()[i]:.4f}, but the nearest "
                            f"centroid is {nearest.ravel()[i]:.4f}. Compare absolute differences "
                            "|weight - centroid| (the centroids are not sorted).")


snap_to_centroids = Exercise(
    "Exercise 2.1 — Share the weights",
    _check_snap_to_centroids,
    hints=[
        "Broadcasting gives every weight's distance to every centroid at once: "
        "np.abs(values[..., np.newaxis] - centroids) has shape values.shape + (k,).",
        "np.argmin(distances, axis=-1) is the index of the nearest centroid of each weight; "
        "centroids[indices] turns the indices into values of the weights' shape.",
    ],
    success="That is what a clustered layer stores: k values and, for every weight, which one it uses.",
)


# --- Exercise 3.1: how small could it be? --------------------------------------------------

def index_bits(number_of_clusters: int) -> int:
    """Bits that one weight's cluster index needs: ceil(log2 k)."""
    return max(1, math.ceil(math.log2(number_of_clusters)))


def packed_size(number_of_weights: int, number_of_clusters: int) -> int:
    """Bytes of a kernel stored as packed cluster indices plus its float32 centroid table."""
    return (math.ceil(number_of_weights * index_bits(number_of_clusters) / 8)
            + CENTROID_BYTES * number_of_clusters)


PACKED_CASES = ((131_072, 16), (18_432, 16), (1_280, 32), (288, 5), (1_000, 3), (7, 4))


def _check_packed_bytes(packed_bytes):
    for weights_count, clusters in PACKED_CASES:
        result = call(packed_bytes, weights_count, clusters)
        expected = packed_size(weights_count, clusters)
        if isinstance(result, (bool, np.bool_)) or not isinstance(result, (int, float, np.integer, np.floating)):
            raise Incorrect(f"packed_bytes should return a number of bytes; it returned {result!r}.")
        if result == expected:
            continue
        bits = index_bits(clusters)
        table = CENTROID_BYTES * clusters
        where = f"For {weights_count:,} weights and {clusters} clusters you returned {result:,}"
        if result == math.ceil(weights_count * bits / 8):
            raise Incorrect(f"{where}: the indices are right, but the table of centroids is missing "
                            f"({clusters} float32 values of {CENTROID_BYTES} bytes each).")
        if result == weights_count * bits + table or result == weights_count * bits:
            raise Incorrect(f"{where}, which counts bits, not bytes: divide the index bits by 8.")
        fractional = weights_count * math.log2(clusters) / 8
        power_of_two = clusters & (clusters - 1) == 0
        if not power_of_two and (math.isclose(result, fractional + table, rel_tol=1e-3)
                                 or result == math.ceil(fractional) + table):
            raise Incorrect(f"{where}. An index takes a whole number of bits: log2({clusters}) = "
                            f"{math.log2(clusters):.2f} rounds up to {bits} (math.ceil).")
        if math.isclose(result, weights_count * bits / 8 + table):
            raise Incorrect(f"{where}. Round the index bytes up to whole bytes (math.ceil): the file "
                            "cannot store part of a byte.")
        raise Incorrect(f"{where}; expected {expected:,}: {bits}-bit indices (ceil(log2 {clusters})) "
                        f"for every weight, in whole bytes, plus {clusters} centroids of "
                        f"{CENTROID_BYTES} bytes.")


packed_bytes = Exercise(
    "Exercise 3.1 — How small could it be?",
    _check_packed_bytes,
    hints=[
        "With k clusters an index takes ceil(log2 k) bits: 16 clusters need 4 bits, 5 clusters need 3.",
        "Bytes = ceil(number_of_weights * bits / 8) for the indices, plus 4 * number_of_clusters for "
        "the float32 centroids (math.ceil and math.log2 help).",
    ],
    success="So 16 clusters could store a float32 kernel about 8x smaller; the file format just doesn't.",
)


# --- Exercise 3.2: count in the file -------------------------------------------------------

KERNEL_FACTS = ("kernel_bytes", "distinct_values")


def _largest_kernel(model_bytes):
    """The largest constant tensor of a .tflite file (the Dense kernel) and its values."""
    from edgebook import modelfile, runtime

    largest = max(modelfile.tensors(model_bytes), key=lambda t: t.constant_bytes)
    values = runtime.load(model_bytes).interpreter.get_tensor(largest.index)
    return largest, values


def _check_count_in_the_file(answer, model_bytes=None):
    answer = expect_dict(answer, KERNEL_FACTS)
    if model_bytes is None:
        raise Incorrect("This check needs the clustered model's file: "
                        "ex.count_in_the_file.check(answer, model_bytes=clustered_float_bytes).")
    kernel, values = _largest_kernel(model_bytes)
    kernel_bytes, distinct = answer["kernel_bytes"], answer["distinct_values"]
    if kernel_bytes != kernel.constant_bytes:
        if kernel_bytes == values.size:
            raise Incorrect(f"{kernel_bytes:,} is the number of weights in the kernel. Each is still "
                            "a float32: how many bytes does the file store for them?")
        if kernel_bytes == len(model_bytes):
            raise Incorrect("That is the size of the whole file; give the bytes of the Dense kernel "
                            "tensor alone (its constant_bytes).")
        raise Incorrect(f"kernel_bytes = {kernel_bytes!r} is not the Dense kernel's size. Find the "
                        "tensor with the most constant_bytes in modelfile.tensors(...).")
    true_distinct = int(np.unique(values).size)
    if distinct != true_distinct:
        if isinstance(distinct, (int, np.integer)) and distinct > 1_000:
            raise Incorrect(f"{distinct:,} distinct values is what an unclustered kernel has. Read the "
                            "kernel from the clustered file: runtime.load(clustered_float_bytes)"
                            ".interpreter.get_tensor(index), then np.unique(...).size.")
        raise Incorrect(f"distinct_values = {distinct!r} is not right. Read the kernel's values with "
                        "interpreter.get_tensor(index) and count them with np.unique(...).size.")


count_in_the_file = Exercise(
    "Exercise 3.2 — Count in the file",
    _check_count_in_the_file,
    hints=[
        "modelfile.tensors(clustered_float_bytes) lists every tensor with its constant_bytes; the "
        "Dense kernel is the largest.",
        "kernel = max(tensors, key=lambda t: t.constant_bytes); kernel.constant_bytes is its size; "
        "runtime.load(clustered_float_bytes).interpreter.get_tensor(kernel.index) gives its values.",
    ],
    success="Same bytes as before, but only a handful of distinct values: that is what gzip exploits.",
)


# --- Exercise 7.1: pick a variant for a flash budget ---------------------------------------

def best_for_flash(rows, flash_bytes: int):
    """The most accurate variant whose file fits in ``flash_bytes`` (ties: the smaller file), or None."""
    fitting = [row for row in rows if row.bytes <= flash_bytes]
    if not fitting:
        return None
    return min(fitting, key=lambda row: (-row.accuracy, row.bytes)).name


def _best_by_gzip(rows, flash_bytes: int):
    """What a function that compared gzip sizes instead of file sizes would pick."""
    fitting = [row for row in rows if row.gzip_bytes <= flash_bytes]
    return min(fitting, key=lambda row: (-row.accuracy, row.bytes)).name if fitting else None


def _synthetic_rows():
    """A small table with a tie in accuracy and a variant whose gzip size fits where its raw size does not."""
    from edgebook.measure import Variant

    def row(name, size, gz, accuracy):
        return Variant(name, size, gz, 1.0, 1.0, accuracy, 0.0, 0.1, 0.1, 1)

    return [row("float32", 600_000, 560_000, 0.972), row("pruned float", 600_000, 150_000, 0.975),
            row("int8", 160_000, 130_000, 0.969), row("int8 twin", 150_000, 125_000, 0.969),
            row("tiny", 40_000, 30_000, 0.90)]


def _budgets(rows):
    """Budgets that test every boundary of a table: each file's exact size, and just below it."""
    sizes = sorted({row.bytes for row in rows})
    return [b for size in sizes for b in (size - 1, size)] + [sizes[-1] * 2]


def _check_pick_for_flash(pick_for_flash, comparison=None):
    if unanswered(pick_for_flash):
        raise NotAttempted()
    tables = [("the lesson's table", list(comparison))] if comparison is not None else []
    tables.append(("a small test table", _synthetic_rows()))
    for label, rows in tables:
        by_name = {row.name: row for row in rows}
        for budget in _budgets(rows):
            expected = best_for_flash(rows, budget)
            if expected is None:
                continue  # nothing fits: not part of the exercise
            chosen = call(pick_for_flash, rows, budget)
            if hasattr(chosen, "name") and hasattr(chosen, "bytes"):
                raise Incorrect("Return the variant's name (row.name), not the whole row.")
            if chosen == expected:
                continue
            if chosen not in by_name:
                raise Incorrect(f"With a budget of {budget:,} bytes on {label} your function returned "
                                f"{chosen!r}, which is not the name of a variant in the table.")
            picked, best = by_name[chosen], by_name[expected]
            where = f"With a budget of {budget:,} bytes on {label} you picked {chosen!r}"
            if picked.bytes > budget:
                if chosen == _best_by_gzip(rows, budget):
                    raise Incorrect(f"{where}: its gzip size fits, but its file is {picked.bytes:,} "
                                    "bytes. Flash holds the file as it is: compare row.bytes, not gzip.")
                raise Incorrect(f"{where}, whose file is {picked.bytes:,} bytes: it does not fit "
                                "(a file fits when row.bytes <= flash_bytes).")
            if picked.accuracy < best.accuracy:
                raise Incorrect(f"{where} ({picked.accuracy:.2%}), but {expected!r} also fits "
                                f"({best.bytes:,} bytes) and is more accurate ({best.accuracy:.2%}).")
            raise Incorrect(f"{where}; {expected!r} is just as accurate and smaller ({best.bytes:,} "
                            f"bytes against {picked.bytes:,}): on a tie, take the smaller file.")


pick_for_flash = Exercise(
    "Exercise 7.1 — Pick a variant for a flash budget",
    _check_pick_for_flash,
    hints=[
        "Keep the rows with row.bytes <= flash_bytes (the raw file is what sits in flash), then take "
        "the one with the highest row.accuracy.",
        "min(fitting, key=lambda row: (-row.accuracy, row.bytes)).name picks the most accurate and, "
        "among equally accurate ones, the smallest.",
    ],
    success="That is the decision an embedded engineer makes: the best model that fits.",
)
