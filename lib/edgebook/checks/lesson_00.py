"""Checks of 00_welcome_and_setup_check."""
import numbers

from edgebook.exercises import Exercise, Incorrect, require

BYTES_PER_FLOAT32 = 4
BITS_PER_BYTE = 8


def _weight_bytes(answer, *, parameters: int):
    answer = require(answer)
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise Incorrect(f"Answer with a number of bytes, e.g. 12; you gave {answer!r} "
                        f"(a {type(answer).__name__}).")
    expected = parameters * BYTES_PER_FLOAT32
    if answer == parameters:
        raise Incorrect(f"{answer} is the number of parameters; each float32 parameter takes "
                        f"{BYTES_PER_FLOAT32} bytes.")
    if answer == parameters * BYTES_PER_FLOAT32 * BITS_PER_BYTE:
        raise Incorrect(f"{answer} is the number of bits (32 per float32); a byte is "
                        f"{BITS_PER_BYTE} bits.")
    if answer == parameters * 8:
        raise Incorrect(f"{answer} counts 8 bytes per parameter, which is float64; Keras stores "
                        f"float32 weights, {BYTES_PER_FLOAT32} bytes each.")
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
