"""Tests of lesson 16_cascades_and_deployment's exercise checks: a right answer, wrong answers (with their
targeted messages) and the ``...`` placeholder for each exercise."""
import numpy as np
import pytest

from edgebook import audio
from edgebook.checks import lesson_16 as ex


# --- Exercise 2.1: stay awake after a loud frame ----------------------------------------------------

def right_stay_awake(loud, hangover):
    loud = np.asarray(loud, dtype=bool)
    return np.array([loud[max(t - hangover + 1, 0):t + 1].any() for t in range(len(loud))])


def test_stay_awake_correct():
    assert ex.stay_awake.evaluate(right_stay_awake).status == "correct"
    assert ex.stay_awake.evaluate(audio.stay_awake).status == "correct"


def test_stay_awake_looks_ahead():
    def ahead(loud, hangover):
        return np.array([np.asarray(loud)[t:t + hangover].any() for t in range(len(loud))])

    result = ex.stay_awake.evaluate(ahead)
    assert result.status == "incorrect" and "cannot hear the future" in result.message


def test_stay_awake_one_frame_too_long():
    result = ex.stay_awake.evaluate(lambda loud, hangover: right_stay_awake(loud, hangover + 1))
    assert result.status == "incorrect" and "one frame too long" in result.message


def test_stay_awake_not_attempted():
    def starter(loud, hangover):
        ...

    assert ex.stay_awake.evaluate(starter).status == "not attempted"
    assert ex.stay_awake.evaluate(...).status == "not attempted"


# --- Exercise 4.1: joules per hour ----------------------------------------------------------------------

def right_joules(macs_per_second, board):
    busy = macs_per_second / (board.macs_per_cycle * board.clock_mhz * 1e6)
    return 3600 * (busy * board.active_mw + (1 - busy) * board.idle_mw) / 1000


def busy(macs_per_second, board):
    return macs_per_second / (board.macs_per_cycle * board.clock_mhz * 1e6)


def test_joules_correct():
    assert ex.joules_per_hour.evaluate(right_joules).status == "correct"


@pytest.mark.parametrize("wrong, message", [
    (lambda m, b: 1000 * right_joules(m, b), "1000x too large"),
    (lambda m, b: 3.6 * busy(m, b) * b.active_mw, "only the busy time"),
    (lambda m, b: 3.6 * (busy(m, b) * b.active_mw + b.idle_mw), "one state at a time"),
    (lambda m, b: 1.0, "expected"),
    (lambda m, b: "lots", "Return a number"),
])
def test_joules_wrong(wrong, message):
    result = ex.joules_per_hour.evaluate(wrong)
    assert result.status == "incorrect" and message in result.message, result.message


def test_joules_not_attempted():
    assert ex.joules_per_hour.evaluate(lambda m, b: ...).status == "not attempted"


# --- Exercise 5.1: boards that hold the whole product ---------------------------------------------------

def test_boards_correct():
    assert ex.boards_that_fit.evaluate(boards_with(sum, max)).status == "correct"


def boards_with(flash_of, ram_of):
    """A wrong answer that combines the models' flash and arenas with the given functions."""
    def answer(models, boards):
        flash = flash_of(size for size, _ in models.values())
        ram = ram_of(arena for _, arena in models.values())
        return [name for name, b in boards.items() if flash <= b.flash_bytes and ram <= b.ram_bytes]
    return answer


@pytest.mark.parametrize("flash_of, ram_of, message", [(sum, sum, "max, not the sum"),
                                                       (max, max, "sizes add up")])
def test_boards_wrong(flash_of, ram_of, message):
    result = ex.boards_that_fit.evaluate(boards_with(flash_of, ram_of))
    assert result.status == "incorrect" and message in result.message, result.message


def test_boards_not_a_list():
    result = ex.boards_that_fit.evaluate(lambda models, boards: "big")
    assert result.status == "incorrect" and "list of board names" in result.message


def test_boards_not_attempted():
    assert ex.boards_that_fit.evaluate(lambda models, boards: ...).status == "not attempted"
