"""Exercise checks of lesson 16_cascades_and_deployment (the wake-up stage's hangover, the energy of
an always-listening device, which boards hold a whole product).

    >>> from edgebook.checks import lesson_16 as ex
    >>> ex.stay_awake.check(stay_awake)
    >>> ex.joules_per_hour.check(joules_per_hour)
    >>> ex.boards_that_fit.check(boards_that_fit)
"""
from __future__ import annotations

import numbers

import numpy as np

from edgebook import audio, micro
from edgebook.exercises import Exercise, Incorrect, call

# --- Exercise 2.1: stay awake after a loud frame ---------------------------------------------------

_LOUD_CASES = (
    ([0, 0, 1, 0, 0, 0, 0, 0], 3, "one loud frame"),
    ([1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0], 2, "loud at the start and twice later"),
    ([0, 0, 0, 0], 5, "no loud frame at all"),
    ([1, 1, 1, 1], 1, "every frame loud, a hangover of 1"),
    ([0, 1, 0, 0, 0, 0, 0, 0, 0, 0], 1, "a hangover of 1: awake only on the loud frame"),
)


def _check_stay_awake(stay_awake) -> None:
    for loud, hangover, what in _LOUD_CASES:
        loud = np.array(loud, dtype=bool)
        got = np.asarray(call(stay_awake, loud.copy(), hangover))
        expected = audio.stay_awake(loud, hangover)
        if got.shape != expected.shape:
            raise Incorrect(f"For {what} ({len(loud)} frames) your function returns shape {got.shape}; "
                            f"expected {expected.shape}: one True/False per frame.")
        if np.array_equal(got.astype(bool), expected):
            continue
        early = np.array([loud[t:t + hangover].any() for t in range(len(loud))])
        if np.array_equal(got.astype(bool), early):
            raise Incorrect(f"For {what} you wake up BEFORE the loud frame: frame t may only look back "
                            f"at frames t - hangover + 1 .. t (a device cannot hear the future).")
        longer = audio.stay_awake(loud, hangover + 1)
        if np.array_equal(got.astype(bool), longer):
            raise Incorrect(f"For {what} you stay awake one frame too long: with hangover {hangover} the "
                            f"loud frame and the {hangover - 1} after it are awake, {hangover} frames in all.")
        raise Incorrect(f"For {what} with hangover {hangover}: expected "
                        f"{expected.astype(int).tolist()}, yours is {got.astype(int).tolist()}.")


stay_awake = Exercise(
    "Exercise 2.1 — Stay awake after a loud frame",
    _check_stay_awake,
    hints=["awake[t] is True when any of loud[t - hangover + 1], ..., loud[t] is True (fewer at the start).",
           "loud[max(t - hangover + 1, 0):t + 1].any() for every t.",
           "np.array([loud[max(t - hangover + 1, 0):t + 1].any() for t in range(len(loud))])"],
    success="A hangover keeps the spotter listening while a word crosses its 1-second window.",
)


# --- Exercise 4.1: energy per hour from a two-state power model -----------------------------------

def _check_joules_per_hour(joules_per_hour) -> None:
    cases = [("arduino_nano_33_ble_sense", 0.0), ("arduino_nano_33_ble_sense", 2e6),
             ("esp32_s3", 6.4e6), ("raspberry_pi_pico", 1e6), ("arduino_nano_33_ble_sense", 32e6)]
    for board_name, macs in cases:
        board = micro.board(board_name)
        got = call(joules_per_hour, macs, board)
        expected = micro.energy_per_hour(board_name, macs).joules_per_hour
        if not isinstance(got, numbers.Real) or isinstance(got, bool):
            raise Incorrect(f"Return a number of joules; for {macs:,.0f} MACs/s on {board.name} you "
                            f"returned {got!r}.")
        if np.isclose(got, expected, rtol=1e-6):
            continue
        busy = macs / (board.macs_per_cycle * board.clock_mhz * 1e6)
        if np.isclose(got, expected * 1000, rtol=1e-6):
            raise Incorrect("Your answer is 1000x too large: the powers are in milliwatts, and a joule is "
                            "a watt for a second. Divide mW by 1000.")
        if np.isclose(got, 3.6 * busy * board.active_mw, rtol=1e-6):
            raise Incorrect(f"For {macs:,.0f} MACs/s on {board.name} you count only the busy time; the "
                            f"CPU waits the other {1 - busy:.1%} of the hour at idle_mw, which costs too.")
        if np.isclose(got, 3.6 * (busy * board.active_mw + board.idle_mw), rtol=1e-6):
            raise Incorrect("You charge idle power for the whole hour AND active power for the busy part: "
                            "the CPU is in one state at a time, so idle lasts (1 - busy) of the hour.")
        raise Incorrect(f"For {macs:,.0f} MACs/s on {board.name}: expected {expected:.4g} J per hour, "
                        f"you returned {got:.4g}. busy = {busy:.4f} of the time.")


joules_per_hour = Exercise(
    "Exercise 4.1 — Joules per hour",
    _check_joules_per_hour,
    hints=["The CPU is busy macs_per_second / (macs_per_cycle x clock_mhz x 1e6) of the time (a share, 0..1).",
           "Average power in mW = busy x active_mw + (1 - busy) x idle_mw. An hour has 3,600 s; 1 J = 1,000 mW x 1 s.",
           "busy = macs_per_second / (board.macs_per_cycle * board.clock_mhz * 1e6); "
           "return 3600 * (busy * board.active_mw + (1 - busy) * board.idle_mw) / 1000"],
    success="Two states, two powers: what a datasheet gives you is enough for a first budget.",
)


# --- Exercise 5.1: which boards hold the whole product --------------------------------------------

def boards_fitting(models: dict, boards: dict) -> list:
    """Names of the boards whose flash holds every model and whose RAM holds the largest arena
    (the models take turns, so one arena serves them all)."""
    flash = sum(size for size, _ in models.values())
    ram = max(arena for _, arena in models.values())
    return [name for name, b in boards.items() if flash <= b.flash_bytes and ram <= b.ram_bytes]


def _check_boards_that_fit(boards_that_fit) -> None:
    tiny = micro.Board("Tiny", "Cortex-M0+", 48, 64 * 1024, 16 * 1024, 5.0, 0.1)
    small = micro.Board("Small", "Cortex-M4", 64, 256 * 1024, 64 * 1024, 10.0, 0.5)
    big = micro.Board("Big", "Cortex-M7", 480, 2048 * 1024, 1024 * 1024, 200.0, 1.0)
    boards = {"tiny": tiny, "small": small, "big": big}
    cases = [
        ({"sine": (2_504, 2_192)}, "one tiny model"),
        ({"keywords": (16_416, 8_608), "person": (70_080, 66_864)}, "keywords and person"),
        ({"a": (40_000, 40_000), "b": (40_000, 40_000)}, "two models whose arenas add up to more than 'small' has"),
        ({"a": (40_000, 12_000), "b": (30_000, 12_000)}, "two models whose flash adds up to more than 'tiny' has"),
        ({"huge": (3_000_000, 10_000)}, "a model no board holds"),
    ]
    for models, what in cases:
        got = call(boards_that_fit, dict(models), dict(boards))
        expected = boards_fitting(models, boards)
        if not isinstance(got, (list, tuple)):
            raise Incorrect(f"Return a list of board names; for {what} you returned {got!r}.")
        if list(got) == expected:
            continue
        flash = sum(size for size, _ in models.values())
        summed_ram = sum(arena for _, arena in models.values())
        if list(got) == [n for n, b in boards.items() if flash <= b.flash_bytes and summed_ram <= b.ram_bytes]:
            raise Incorrect(f"For {what} you add up the arenas. The models run one after another, so one "
                            "arena, as large as the largest, serves them all: RAM needs the max, not the sum.")
        if list(got) == [n for n, b in boards.items()
                         if max(s for s, _ in models.values()) <= b.flash_bytes
                         and max(a for _, a in models.values()) <= b.ram_bytes]:
            raise Incorrect(f"For {what} you check each model's flash on its own; they all sit in flash at "
                            "once, so their sizes add up.")
        raise Incorrect(f"For {what}: expected {expected}, yours is {list(got)} "
                        f"(flash needed {flash:,} B, RAM {max(a for _, a in models.values()):,} B).")


boards_that_fit = Exercise(
    "Exercise 5.1 — Which boards hold the whole product?",
    _check_boards_that_fit,
    hints=["models maps a name to (model bytes, arena bytes); boards maps a name to a micro.Board with "
           ".flash_bytes and .ram_bytes.",
           "All models live in flash together: add their sizes. They run one at a time, so they can share "
           "one arena: RAM needs the largest arena.",
           "flash = sum(s for s, _ in models.values()); ram = max(a for _, a in models.values()); "
           "return [n for n, b in boards.items() if flash <= b.flash_bytes and ram <= b.ram_bytes]"],
    success="Flash adds up, a shared arena does not: running models in turn is how one board does it all.",
)
