"""The checks of lesson 00 against a right and a wrong answer."""
from edgebook.checks import lesson_00 as ex


def test_weight_bytes():
    assert ex.weight_bytes.evaluate(8, parameters=2).status == "correct"
    assert "bytes" in ex.weight_bytes.evaluate(2, parameters=2).message
    assert "bits" in ex.weight_bytes.evaluate(16, parameters=2).message
    assert ex.weight_bytes.evaluate(5, parameters=2).status == "incorrect"
    assert ex.weight_bytes.evaluate(..., parameters=2).status == "not attempted"
