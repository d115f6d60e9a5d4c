"""Exercise checks of lesson 15_person_detection (the activation bytes of a depthwise separable
block, a TV switch with hysteresis, choosing its two counts for a budget).

    >>> from edgebook.checks import lesson_15 as ex
    >>> ex.block_bytes.check(separable_block_bytes, first_block=(48, 48, 8, 16, 1), file_peak=peak)
    >>> ex.tv_switch.check(tv_switch)
    >>> ex.pick_counts.check({"on_after": 3, "off_after": 6}, detections=detections, truth=truth)
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from edgebook.exercises import Exercise, Incorrect, NotAttempted, call, expect_dict
from edgebook.scenes import hysteresis, switch_report


# --- Exercise 1: activation bytes of a depthwise separable block --------------------------------

def reference_block_bytes(height, width, channels_in, channels_out, stride):
    """Peak int8 bytes alive while a block runs ('same' padding).

    The depthwise op needs its input and its output at once; then the pointwise
    op needs the depthwise output and its own output (the block's input is dead
    by then, and the arena reuses its bytes).
    """
    out_h, out_w = math.ceil(height / stride), math.ceil(width / stride)
    block_input = height * width * channels_in
    depthwise = out_h * out_w * channels_in
    pointwise = out_h * out_w * channels_out
    return max(block_input + depthwise, depthwise + pointwise)


_BLOCK_CASES = ((48, 48, 8, 16, 1), (48, 48, 32, 16, 2), (24, 24, 16, 32, 2), (12, 12, 64, 64, 1),
                (7, 7, 32, 8, 2), (6, 6, 64, 128, 1))


def _bytes_variants(case):
    """What common slips give for one case, with the message that explains each."""
    height, width, channels_in, channels_out, stride = case
    oh, ow = math.ceil(height / stride), math.ceil(width / stride)
    fh, fw = height // stride, width // stride
    block_input, depthwise, pointwise = height * width * channels_in, oh * ow * channels_in, oh * ow * channels_out
    return (
        (4 * reference_block_bytes(*case),
         "You counted 4 bytes per value: that is float32. In the int8 model every activation is one byte."),
        (block_input + depthwise + pointwise,
         "You added all three tensors. When the pointwise op runs, the block's input is no longer needed, "
         "so TFLM's planner reuses its bytes: count what is alive during each op and take the larger."),
        (depthwise + pointwise,
         "You counted only the pointwise step. During the depthwise step its input and output are both "
         "alive, and with stride 2 and few output channels that step is the larger one."),
        (max(block_input, depthwise, pointwise),
         "You took the largest single tensor, but an op reads its input while it writes its output: "
         "both are alive at once, so add them."),
        (max(2 * block_input, block_input + channels_out * height * width),
         "You ignored the stride: with stride 2 the depthwise and pointwise outputs are half as high and "
         "half as wide."),
        (max(block_input + fh * fw * channels_in, fh * fw * (channels_in + channels_out)),
         "Your counts are right for even sizes only: with 'same' padding the output has "
         "ceil(height / stride) rows (a 7-pixel map with stride 2 gives 4 rows, not 3)."),
    )


def _count_bytes(function, case):
    result = call(function, *case)
    if isinstance(result, bool) or not isinstance(result, numbers.Real):
        raise Incorrect(f"Your function should return a number of bytes; for {case} it returned {result!r}.")
    if not float(result).is_integer():
        raise Incorrect(f"Your function returned {result} for {case}: bytes come in whole numbers "
                        "(use math.ceil for the output size).")
    return int(result)


def _check_block_bytes(answer, first_block=None, file_peak=None):
    for case in _BLOCK_CASES:
        value, expected = _count_bytes(answer, case), reference_block_bytes(*case)
        if value == expected:
            continue
        for wrong, message in _bytes_variants(case):
            if value == wrong:
                raise Incorrect(f"For (height, width, channels_in, channels_out, stride) = {case}: {message}")
        raise Incorrect(f"For (height, width, channels_in, channels_out, stride) = {case} your function gives "
                        f"{value:,} bytes; that is not what the block keeps alive at its peak.")
    if first_block is not None and file_peak is not None:
        ours = _count_bytes(answer, tuple(first_block))
        if ours != int(file_peak):
            raise Incorrect(f"For the model's first block {tuple(first_block)} your function gives {ours:,} bytes, "
                            f"but the peak read from the .tflite file is {int(file_peak):,} bytes.")


block_bytes = Exercise(
    "Exercise 5.1 — Activation bytes of a block",
    _check_block_bytes,
    hints=[
        "A block is two ops in a row. While an op runs, its input and its output are both in the arena; "
        "a tensor nobody reads any more gives its bytes back.",
        "With 'same' padding the outputs have ceil(height / stride) x ceil(width / stride) positions. The "
        "depthwise output keeps channels_in channels, the pointwise output has channels_out. One byte each.",
        "peak = max(input + depthwise_output, depthwise_output + pointwise_output), with input = "
        "height*width*channels_in.",
    ],
    success="Your formula matches the file: the first block at 48x48 is where this model needs the most memory.",
)


# --- Exercise 2: the TV switch with hysteresis ------------------------------------------------

def _follows(detections, on_after, off_after):
    return [bool(d) for d in detections]


def _off_by_one(detections, on_after, off_after):
    return hysteresis(detections, on_after + 1, off_after + 1).tolist()


def _early(detections, on_after, off_after):
    return hysteresis(detections, max(on_after - 1, 1), max(off_after - 1, 1)).tolist()


def _no_reset(detections, on_after, off_after):
    """Counts contrary frames since the last switch, consecutive or not."""
    state, count, states = False, 0, []
    for detected in detections:
        if bool(detected) != state:
            count += 1
        if count >= (off_after if state else on_after):
            state, count = not state, 0
        states.append(state)
    return states


def _same_count(detections, on_after, off_after):
    return hysteresis(detections, on_after, on_after).tolist()


def _swapped(detections, on_after, off_after):
    return hysteresis(detections, off_after, on_after).tolist()


_SWITCH_SLIPS = (
    (_follows, "Your switch follows every single detection; it should change only after several frames "
               "in a row disagree with it."),
    (_off_by_one, "Your switch changes one frame late: it should turn on AT the on_after-th positive frame "
                  "in a row (with on_after=3: frames 1, 2, 3 positive -> on at frame 3)."),
    (_early, "Your switch changes one frame early: it should turn on at the on_after-th positive frame in "
             "a row, not before."),
    (_no_reset, "Your count does not restart when a frame agrees with the switch again: the frames that "
                "disagree must come in a row (one agreeing frame sets the count back to 0)."),
    (_same_count, "Your switch waits on_after frames to turn off too; turning off waits off_after frames."),
    (_swapped, "You swapped the two counts: on_after is for turning ON, off_after for turning OFF."),
)


def _switch_cases():
    rng = np.random.default_rng(15)
    cases = [([0, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 1], 3, 4),
             ([1, 1, 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0], 2, 5),
             ([1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1, 1], 1, 2)]
    for on_after, off_after in ((3, 6), (2, 2), (4, 1)):
        runs = rng.integers(1, 8, 12)
        detections = np.repeat(np.arange(12) % 2, runs)
        flips = rng.random(len(detections)) < 0.15
        cases.append(((detections ^ flips).astype(int).tolist(), on_after, off_after))
    return cases


def _states(function, detections, on_after, off_after):
    result = call(function, list(detections), on_after, off_after)
    try:
        states = np.asarray(result)
    except Exception:
        raise Incorrect(f"Your function should return one on/off state per frame; it returned {result!r}.") from None
    if states.ndim != 1 or len(states) != len(detections):
        raise Incorrect(f"Your function should return one state per frame: {len(detections)} frames in, "
                        f"{states.size if states.ndim else 1} states out.")
    return [bool(s) for s in states]


def _check_tv_switch(answer):
    cases = _switch_cases()
    got = [_states(answer, *case) for case in cases]
    expected = [hysteresis(*case).tolist() for case in cases]
    if got == expected:
        return
    for slip, message in _SWITCH_SLIPS:  # a slip explains the answer only if it matches every case
        if got == [[bool(s) for s in slip(*case)] for case in cases]:
            raise Incorrect(message)
    (detections, on_after, off_after), mine, right = next(
        (case, g, e) for case, g, e in zip(cases, got, expected) if g != e)
    as_text = lambda values: "".join("1" if v else "0" for v in values)  # noqa: E731
    raise Incorrect(f"For detections {as_text(detections)} with on_after={on_after}, off_after={off_after} the "
                    f"switch should be {as_text(right)}; yours is {as_text(mine)} (1 = on).")


tv_switch = Exercise(
    "Exercise 7.1 — A switch with hysteresis",
    _check_tv_switch,
    hints=[
        "Keep two things between frames: the switch's state and how many frames in a row have disagreed with it.",
        "For each frame: if the detection differs from the state, add 1 to the count, else set the count to 0. "
        "When the count reaches on_after (while off) or off_after (while on), flip the state and reset the count.",
        "state, run = False, 0; for d in detections: run = run + 1 if bool(d) != state else 0; "
        "if run >= (off_after if state else on_after): state, run = not state, 0; then append state.",
    ],
    success="That is hysteresis: scenes.hysteresis does the same, and the rest of the lesson uses it.",
)


# --- Exercise 3: choose the two counts for a budget ---------------------------------------------

SPURIOUS_BUDGET = 0
"""Spurious switches allowed on the lesson's stream."""
MAX_ON_DELAY_S = 2.0
"""The TV must come on within this many seconds of someone arriving..."""
MAX_OFF_DELAY_S = 5.0
"""...and go off within this many seconds of the room emptying."""


def _whole_count(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise Incorrect(f"{name} counts frames: give a whole number of at least 1; you gave {value!r}.")
    return int(value)


def _check_pick_counts(answer, detections=None, truth=None, fps=2.0):
    counts = expect_dict(answer, ("on_after", "off_after"))
    on_after = _whole_count(counts["on_after"], "on_after")
    off_after = _whole_count(counts["off_after"], "off_after")
    if detections is None or truth is None:
        raise NotAttempted()
    spurious, on_delay, off_delay = switch_report(on_after, off_after, detections, truth, fps)
    if spurious > SPURIOUS_BUDGET:
        raise Incorrect(f"With on_after={on_after}, off_after={off_after} the TV switches {spurious} time(s) more "
                        f"than the viewer comes and goes (budget: {SPURIOUS_BUDGET}). Wait for more frames in a row: "
                        "raise the count of the direction that flickers.")
    if on_delay > MAX_ON_DELAY_S:
        raise Incorrect(f"No flicker, but the TV takes {on_delay:g} s to come on after someone arrives "
                        f"(at most {MAX_ON_DELAY_S:g} s): lower on_after.")
    if off_delay > MAX_OFF_DELAY_S:
        raise Incorrect(f"No flicker, but the TV stays on {off_delay:g} s after the room empties "
                        f"(at most {MAX_OFF_DELAY_S:g} s): lower off_after.")


pick_counts = Exercise(
    "Exercise 7.2 — Counts for a budget",
    _check_pick_counts,
    hints=[
        "Try a few pairs with scenes.hysteresis and scenes.spurious_switches on the stream's detections; "
        "scenes.switch_report(on_after, off_after, detections, truth, fps) gives all three numbers.",
        "Each extra frame of on_after delays switching on by 1/fps seconds; the same for off_after. Find the "
        "smallest counts with no spurious switch, then check the delays.",
        "Loop over on_after in 1..6 and off_after in 1..12 and keep the pairs whose report is "
        f"(0, <= {MAX_ON_DELAY_S:g} s, <= {MAX_OFF_DELAY_S:g} s).",
    ],
    success="No flicker, and the TV still reacts in time: that is the trade-off hysteresis buys.",
)

