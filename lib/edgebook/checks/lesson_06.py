"""Exercise checks of lesson 06_pruning (sparsity by hand, the bytes of a sparse encoding,
the 2:4 pattern).

    >>> from edgebook.checks import lesson_06 as ex
    >>> ex.sparsity_by_hand.check(dense_sparsity, kernel=weights.kernels(pruned_75)["dense"])
    >>> ex.sparse_storage.check(bitmap_bytes)
    >>> ex.two_of_four.check(follows_2_4)
"""
from __future__ import annotations

import numpy as np

from edgebook.exercises import Exercise, Incorrect, call, require


# --- Exercise 3.1: a layer's sparsity by hand -------------------------------------------

def _check_sparsity_by_hand(answer, kernel=None):
    answer = require(answer)
    if kernel is None:
        raise Incorrect("The check needs the kernel you measured: "
                        "ex.sparsity_by_hand.check(answer, kernel=dense_kernel).")
    kernel = np.asarray(kernel)
    expected = float(np.mean(kernel == 0))
    zeros = int(np.sum(kernel == 0))
    if isinstance(answer, (list, tuple, dict)) or np.ndim(answer) != 0:
        raise Incorrect(f"Give one number, the share of zeros; you gave a {type(answer).__name__}.")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        raise Incorrect(f"Give one number, the share of zeros; you gave {answer!r}.") from None
    if abs(value - expected) <= 1e-6:
        return
    if abs(value - zeros) < 0.5:
        raise Incorrect(f"{value:,.0f} is how many weights are zero; divide by the number of weights "
                        f"({kernel.size:,}) to get the share.")
    if abs(value - 100 * expected) <= 1e-4:
        raise Incorrect(f"{value:.2f} is a percentage; give the share as a fraction from 0 to 1.")
    if abs(value - (1 - expected)) <= 1e-6:
        raise Incorrect(f"{value:.4f} is the share of weights that are NOT zero; sparsity counts the zeros.")
    if abs(value - float(np.mean(np.abs(kernel) < 1e-3))) <= 1e-6 and value != expected:
        raise Incorrect("Count weights that are exactly zero (kernel == 0), not ones that are merely small.")
    raise Incorrect(f"{value:.4f} is not the share of exact zeros in this kernel. Count the zeros "
                    "(kernel == 0) and divide by kernel.size.")


sparsity_by_hand = Exercise(
    "Exercise 3.1 — A layer's sparsity by hand",
    _check_sparsity_by_hand,
    hints=[
        "Sparsity is (number of weights that are exactly 0) / (number of weights).",
        "kernel == 0 is an array of True/False; its sum counts the zeros and kernel.size counts all weights.",
        "float(np.mean(kernel == 0)) does both at once: the mean of True/False is the share of True.",
    ],
    success="That is what weights.sparsity computes for every layer.",
)


# --- Exercise 4.1: bytes of a bitmap-encoded sparse kernel ----------------------------------

def reference_bitmap_bytes(kernel) -> int:
    """Non-zero float32 values (4 bytes each) plus a one-bit-per-weight mask, rounded up to bytes."""
    kernel = np.asarray(kernel)
    return int(4 * np.count_nonzero(kernel) + -(-kernel.size // 8))


def _storage_cases():
    rng = np.random.default_rng(6)
    dense = rng.normal(size=(64, 32)).astype(np.float32)
    half = dense * (rng.uniform(size=dense.shape) < 0.5)
    sparse = dense * (rng.uniform(size=dense.shape) < 0.1)
    odd = rng.normal(size=(3, 3, 1, 5)).astype(np.float32)  # 45 weights: the mask needs 6 bytes
    odd[0] = 0.0
    return [half, sparse, odd, dense]  # the dense one last: there 4 * size == 4 * non-zeros


def _check_sparse_storage(function):
    for kernel in _storage_cases():
        result = call(function, kernel.copy())
        expected = reference_bitmap_bytes(kernel)
        try:
            number = float(result)
        except (TypeError, ValueError):
            number = float("nan")
        if isinstance(result, (bool, np.bool_)) or not np.isfinite(number):
            raise Incorrect(f"Your function should return a whole number of bytes; it returned {result!r}.")
        nonzero, size = int(np.count_nonzero(kernel)), kernel.size
        if not number.is_integer():
            raise Incorrect(f"For a kernel of {size} weights your function returns {number:g} bytes, a fraction "
                            f"of a byte: the mask's {size} bits fill {-(-size // 8)} whole bytes. Round the mask's "
                            "bytes up (np.ceil, or -(-size // 8)).")
        value = int(number)
        if value == expected:
            continue
        if value == 4 * nonzero:
            raise Incorrect("You count the non-zero values but not the mask: without it nobody knows "
                            "where each value goes. Add one bit per weight.")
        if value == 4 * size:
            raise Incorrect("That is the size of the dense kernel: every weight at 4 bytes. Store only "
                            "the non-zero values, plus the mask.")
        if value == 4 * nonzero + size:
            raise Incorrect("Your mask takes one byte per weight; a bitmap needs one bit, so 8 weights "
                            "share a byte.")
        if value == 4 * nonzero + size // 8 and size % 8:
            raise Incorrect(f"For a kernel of {size} weights the mask needs {-(-size // 8)} bytes: round "
                            "up (the last byte is only partly used), not down.")
        if value == nonzero + -(-size // 8):
            raise Incorrect("Each non-zero float32 value takes 4 bytes, not 1.")
        raise Incorrect(f"For a kernel of shape {kernel.shape} with {nonzero} non-zero weights, your "
                        f"function returns {value}; expected {expected}.")


sparse_storage = Exercise(
    "Exercise 4.1 — The bytes of a sparse encoding",
    _check_sparse_storage,
    hints=[
        "Two parts: the values that are not zero, at 4 bytes each (float32), and a mask saying which "
        "positions they sit in, at 1 bit per weight.",
        "np.count_nonzero(kernel) counts the values; kernel.size counts the mask's bits. Bits to bytes: "
        "divide by 8 and round UP.",
        "return 4 * np.count_nonzero(kernel) + int(np.ceil(kernel.size / 8))",
    ],
    success="gzip finds a similar encoding by itself, which is why a pruned file compresses so well.",
)


# --- Exercise 7.1: check the 2:4 pattern ----------------------------------------------------

def _two_of_four_cases():
    """(kernel, expected) pairs; Dense kernels of shape (inputs, outputs), inputs a multiple of 4."""
    rng = np.random.default_rng(7)
    values = rng.normal(size=(16, 8)).astype(np.float32) + 3.0  # no accidental zeros
    good = values.copy()
    for group in range(0, 16, 4):  # two zeros in every group of 4 inputs, at varying places
        for out in range(8):
            zeros = rng.choice(4, size=2, replace=False)
            good[group + zeros, out] = 0.0
    one_bad = good.copy()
    one_bad[8:12, 3] = values[8:12, 3]  # one group with no zeros at all
    three_nonzero = good.copy()
    column = three_nonzero[4:8, 1]
    column[np.flatnonzero(column == 0)[0]] = 1.0  # one group with a single zero
    # 2:4 along the wrong axis: two zeros in every group of 4 OUTPUTS, none in columns 2, 3, 6, 7
    along_outputs = rng.normal(size=(16, 8)).astype(np.float32) + 3.0
    along_outputs[:, [0, 1, 4, 5]] = 0.0
    all_zero = np.zeros((8, 4), np.float32)
    return {"good": (good, True), "one_bad_group": (one_bad, False),
            "three_nonzero": (three_nonzero, False), "along_outputs": (along_outputs, False),
            "all_zero": (all_zero, True)}


def _check_two_of_four(function):
    for name, (kernel, expected) in _two_of_four_cases().items():
        result = call(function, kernel.copy())
        if not isinstance(result, (bool, np.bool_)):
            raise Incorrect(f"Your function should return True or False; it returned {result!r}.")
        if bool(result) == expected:
            continue
        if name == "good":
            raise Incorrect("A kernel with exactly two zeros in every group of 4 consecutive inputs is "
                            "2:4, but your function says False. Group along axis 0 (the inputs): "
                            "kernel.reshape(-1, 4, outputs).")
        if name == "along_outputs":
            raise Incorrect("Your function accepts a kernel whose zeros come in groups of 4 OUTPUTS "
                            "(along axis 1). The groups run along the input axis (axis 0 of a Dense "
                            "kernel): weights [0:4, j], [4:8, j], ... of each output j.")
        if name == "all_zero":
            raise Incorrect("An all-zero kernel has at least 2 zeros in every group, so it follows the "
                            "pattern: check 'at least 2 zeros', not 'exactly 2'.")
        raise Incorrect("Your function accepts a kernel where one group of 4 inputs has fewer than 2 "
                        "zeros. Every group must have at least 2 (use np.all over the groups).")


two_of_four = Exercise(
    "Exercise 7.1 — Check the 2:4 pattern",
    _check_two_of_four,
    hints=[
        "Cut each column (one output) into groups of 4 consecutive inputs and count the zeros in "
        "each group: every group needs at least 2.",
        "kernel.reshape(inputs // 4, 4, outputs) puts each group on axis 1; (groups == 0).sum(axis=1) "
        "counts the zeros of every group.",
        "groups = kernel.reshape(kernel.shape[0] // 4, 4, kernel.shape[1]); "
        "return bool(np.all((groups == 0).sum(axis=1) >= 2))",
    ],
    success="pruning.m_by_n_holds does the same for Dense and Conv2D kernels.",
)
