"""Checks of 00_welcome_and_setup_check."""
from edgebook.exercises import Exercise, Incorrect, require

BYTES_PER_FLOAT32 = 4


def _weight_bytes(answer, *, parameters: int):
    answer = require(answer)
    expected = parameters * BYTES_PER_FLOAT32
    if answer == parameters:
        raise Incorrect(f"{answer} is the number of parameters; each float32 parameter takes "
                        f"{BYTES_PER_FLOAT32} bytes.")
    if answer == parameters * 8:
        raise Incorrect("That is bits, not bytes... or float64. Keras stores float32 weights.")
    if answer != expected:
        raise Incorrect(f"{answer} is not it: count the parameters (model.count_params()) and "
                        "multiply by the bytes of one float32.")


weight_bytes = Exercise(
    "Exercise 0.1 — Bytes of the weights",
    _weight_bytes,
    hints=["model.count_params() counts every weight and bias.",
           "A float32 number is 32 bits, and a byte is 8 bits."],
    success="Weights dominate a model file's size: every later lesson that shrinks a model starts here.",
)
