"""The checks of lesson 00 against a right and a wrong answer."""
import numpy as np
import pytest

from edgebook.checks import lesson_00 as ex


def test_weight_bytes():
    assert ex.weight_bytes.evaluate(8, parameters=2).status == "correct"
    assert ex.weight_bytes.evaluate(np.int64(8), parameters=2).status == "correct"
    assert "bytes" in ex.weight_bytes.evaluate(2, parameters=2).message
    assert ex.weight_bytes.evaluate(5, parameters=2).status == "incorrect"
    assert ex.weight_bytes.evaluate(..., parameters=2).status == "not attempted"


def test_weight_bytes_bits_and_float64_are_told_apart():
    bits = ex.weight_bytes.evaluate(64, parameters=2)  # 2 parameters x 32 bits
    assert bits.status == "incorrect" and "number of bits" in bits.message
    float64 = ex.weight_bytes.evaluate(16, parameters=2)  # 2 parameters x 8 bytes
    assert float64.status == "incorrect" and "float64" in float64.message
    assert "bits" not in float64.message  # 16 is bytes (of float64), not bits


@pytest.mark.parametrize("answer", ["8", np.zeros(3), True, [8]])
def test_weight_bytes_not_a_number(answer):
    result = ex.weight_bytes.evaluate(answer, parameters=2)
    assert result.status == "incorrect"
    assert "Answer with a number of bytes" in result.message
    assert "raised" not in result.message  # no Python error leaks through
