"""Tests of the exercise checks of lesson 06_pruning: each check against a right answer, wrong
answers (with their targeted messages) and the ``...`` placeholder. Nothing here trains a model."""
import numpy as np
import pytest

from edgebook.checks import lesson_06 as ex


def assert_status(result, status, *fragments):
    assert result.status == status, result.message
    for fragment in fragments:
        assert fragment in result.message, result.message


# --- Exercise 3.1: a layer's sparsity by hand ---------------------------------------------

@pytest.fixture(scope="module")
def pruned_kernel():
    kernel = np.random.default_rng(0).normal(size=(64, 16)).astype(np.float32)
    kernel[np.abs(kernel) < 1.0] = 0.0  # about 68% zeros
    return kernel


def test_sparsity_by_hand_right(pruned_kernel):
    answer = float(np.mean(pruned_kernel == 0))
    assert_status(ex.sparsity_by_hand.evaluate(answer, kernel=pruned_kernel), "correct")
    assert_status(ex.sparsity_by_hand.evaluate(np.float32(answer), kernel=pruned_kernel), "correct")


@pytest.mark.parametrize("wrong, fragment", [
    (lambda k: int(np.sum(k == 0)), "how many weights are zero"),
    (lambda k: 100 * float(np.mean(k == 0)), "percentage"),
    (lambda k: float(np.mean(k != 0)), "NOT zero"),
    (lambda k: 0.5, "not the share of exact zeros"),
    (lambda k: [0.5], "one number"),
    (lambda k: "half", "one number"),
])
def test_sparsity_by_hand_wrong(pruned_kernel, wrong, fragment):
    result = ex.sparsity_by_hand.evaluate(wrong(pruned_kernel), kernel=pruned_kernel)
    assert_status(result, "incorrect", fragment)


def test_sparsity_by_hand_needs_the_kernel():
    assert_status(ex.sparsity_by_hand.evaluate(0.75), "incorrect", "kernel=")


def test_sparsity_by_hand_not_attempted(pruned_kernel):
    assert_status(ex.sparsity_by_hand.evaluate(..., kernel=pruned_kernel), "not attempted")


# --- Exercise 4.1: bytes of a bitmap-encoded sparse kernel -----------------------------------

def bitmap_bytes(kernel):
    return 4 * int(np.count_nonzero(kernel)) + int(np.ceil(kernel.size / 8))


def test_sparse_storage_right():
    assert_status(ex.sparse_storage.evaluate(bitmap_bytes), "correct")
    assert ex.reference_bitmap_bytes(np.zeros((3, 3))) == 2  # 9 bits of mask -> 2 bytes
    assert ex.reference_bitmap_bytes(np.ones(8)) == 33


@pytest.mark.parametrize("wrong, fragment", [
    (lambda k: 4 * np.count_nonzero(k), "not the mask"),
    (lambda k: 4 * k.size, "size of the dense kernel"),
    (lambda k: 4 * np.count_nonzero(k) + k.size, "one bit"),
    (lambda k: 4 * np.count_nonzero(k) + k.size // 8, "round up"),
    (lambda k: 4 * np.count_nonzero(k) + k.size / 8, "a fraction of a byte"),
    (lambda k: np.count_nonzero(k) + int(np.ceil(k.size / 8)), "4 bytes, not 1"),
    (lambda k: 3, "expected"),
    (lambda k: "many", "whole number of bytes"),
    (lambda k: float("nan"), "whole number of bytes"),
    (lambda k: True, "whole number of bytes"),
    (lambda k: 1 / 0, "ZeroDivisionError"),
])
def test_sparse_storage_wrong(wrong, fragment):
    assert_status(ex.sparse_storage.evaluate(wrong), "incorrect", fragment)


def test_sparse_storage_tells_a_mask_not_rounded_at_all_from_one_rounded_down():
    # a kernel of 45 weights has 5.625 bytes of mask: not rounding is not "rounding down"
    result = ex.sparse_storage.evaluate(lambda k: 4 * np.count_nonzero(k) + k.size / 8)
    assert "not down" not in result.message and "a fraction of a byte" in result.message, result.message
    floor = ex.sparse_storage.evaluate(lambda k: 4 * np.count_nonzero(k) + k.size // 8)
    assert "not down" in floor.message, floor.message


def test_sparse_storage_not_attempted():
    assert_status(ex.sparse_storage.evaluate(...), "not attempted")

    def placeholder(kernel):
        ...

    assert_status(ex.sparse_storage.evaluate(placeholder), "not attempted")


# --- Exercise 7.1: the 2:4 pattern -------------------------------------------------------------

def follows_2_4(kernel):
    groups = kernel.reshape(kernel.shape[0] // 4, 4, kernel.shape[1])
    return bool(np.all((groups == 0).sum(axis=1) >= 2))


def test_two_of_four_right():
    assert_status(ex.two_of_four.evaluate(follows_2_4), "correct")


def test_two_of_four_reference_agrees_with_the_package():
    from edgebook import pruning

    for kernel, expected in ex._two_of_four_cases().values():
        assert follows_2_4(kernel) == expected
        assert pruning.m_by_n_holds(kernel) == expected


@pytest.mark.parametrize("wrong, fragment", [
    # groups of 4 consecutive values in memory: along the outputs
    (lambda k: bool(np.all((k.reshape(-1, 4) == 0).sum(axis=1) >= 2)), "axis 0"),
    (lambda k: bool(np.mean(k == 0) >= 0.5), "OUTPUTS"),  # half zeros overall, wherever they are
    (lambda k: bool(np.all((k.reshape(-1, 4, k.shape[1]) == 0).sum(axis=1) == 2)), "not 'exactly 2'"),
    (lambda k: follows_2_4(k[:, :1]), "fewer than 2"),  # only the first output checked
    (lambda k: 1, "True or False"),
])
def test_two_of_four_wrong(wrong, fragment):
    assert_status(ex.two_of_four.evaluate(wrong), "incorrect", fragment)


def test_two_of_four_not_attempted():
    assert_status(ex.two_of_four.evaluate(...), "not attempted")

    def placeholder(kernel):
        ...

    assert_status(ex.two_of_four.evaluate(placeholder), "not attempted")


def test_every_check_cell_of_the_lesson_ends_with_its_hint_line():
    # The layout of every other lesson: the check, then "# Stuck? Run ex.NAME.hint() ...".
    import re

    import nbformat
    from edgebook import paths

    notebook = nbformat.read(paths.root() / "solutions" / "06_pruning.ipynb", as_version=4)
    check_cells = [cell.source for cell in notebook.cells if re.search(r"\bex\.\w+\.check\(", cell.source)]
    assert len(check_cells) == 3
    for source in check_cells:
        name = re.search(r"\bex\.(\w+)\.check\(", source).group(1)
        assert source.splitlines()[-1].startswith(f"# Stuck? Run ex.{name}.hint()"), source
