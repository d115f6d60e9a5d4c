"""Exercise checks of lesson 08_architectures_for_the_edge (MACs of standard and depthwise separable
convolutions by hand, MobileNet's scaling with width and resolution, choosing a model for a budget).

    >>> from edgebook.checks import lesson_08 as ex
    >>> ex.conv_macs.check({"standard": standard_conv_macs, "separable": separable_conv_macs},
    ...                    layer=(56, 56, 64, 128, 3), file_macs=(standard_macs, separable_macs))
    >>> ex.scaled_macs.check(predicted_macs)
    >>> ex.pick_model.check(pick_model, candidates=candidates, max_bytes=..., max_ms=...)
"""
from __future__ import annotations

import numbers

from edgebook.exercises import Exercise, Incorrect, NotAttempted, call, expect_dict, unanswered


# --- Exercise 1.1: MACs of a standard and a depthwise separable convolution --------------------

def reference_standard_macs(height, width, channels_in, channels_out, kernel):
    """Each of the height*width*channels_out outputs sums a kernel x kernel window of every input channel."""
    return height * width * channels_out * kernel * kernel * channels_in


def reference_separable_macs(height, width, channels_in, channels_out, kernel):
    """Depthwise (one kernel x kernel filter per input channel) plus pointwise (1x1, mixes the channels)."""
    depthwise = height * width * channels_in * kernel * kernel
    pointwise = height * width * channels_in * channels_out
    return depthwise + pointwise


_LAYER_CASES = ((56, 56, 64, 128, 3), (14, 14, 256, 256, 3), (7, 7, 96, 40, 5), (10, 8, 3, 16, 3))


def _count(function, case, which):
    result = call(function, *case)
    if isinstance(result, bool) or not isinstance(result, numbers.Real):
        raise Incorrect(f"Your {which} function should return a number of MACs; for {case} it returned {result!r}.")
    if not float(result).is_integer():
        raise Incorrect(f"Your {which} function returned {result} for {case}: a count of "
                        "multiply-accumulates is a whole number.")
    return int(result)


def _diagnose_standard(value, case):
    height, width, channels_in, channels_out, kernel = case
    expected = reference_standard_macs(*case)
    if value == expected:
        return
    outputs = height * width * channels_out
    if value == outputs * kernel * channels_in:
        raise Incorrect(f"For {case} your standard count uses the kernel size once; the window is "
                        "kernel x kernel, so it is kernel² products per input channel.")
    if value == outputs * kernel * kernel:
        raise Incorrect(f"For {case} your standard count leaves out the input channels: each output "
                        "of a standard convolution sums its window over every input channel.")
    if value == height * width * channels_in * kernel * kernel:
        raise Incorrect(f"For {case} your standard count is one window per input channel: that is the "
                        "depthwise convolution. A standard one computes every output channel from all "
                        "input channels.")
    raise Incorrect(f"For (height, width, channels_in, channels_out, kernel) = {case} your standard "
                    f"count is {value:,}; that is not what the layer does.")


def _diagnose_separable(value, case):
    height, width, channels_in, channels_out, kernel = case
    expected = reference_separable_macs(*case)
    if value == expected:
        return
    depthwise = height * width * channels_in * kernel * kernel
    pointwise = height * width * channels_in * channels_out
    if value == depthwise:
        raise Incorrect(f"For {case} you counted only the depthwise part. Add the 1x1 pointwise "
                        "convolution that mixes the channels: height x width x channels_in x channels_out.")
    if value == pointwise:
        raise Incorrect(f"For {case} you counted only the pointwise (1x1) part. Add the depthwise "
                        "convolution: one kernel x kernel window per input channel and position.")
    if value == depthwise * channels_out + pointwise:
        raise Incorrect(f"For {case} your depthwise part produces every output channel. A depthwise "
                        "convolution has one filter per INPUT channel and does not mix channels: "
                        "height x width x channels_in x kernel².")
    if value == height * width * channels_out * kernel * kernel + pointwise:
        raise Incorrect(f"For {case} your depthwise part uses channels_out; it runs on the input, one "
                        "filter per input channel (channels_in).")
    if value == depthwise * pointwise or value == reference_standard_macs(*case):
        raise Incorrect(f"For {case} the two parts run one after the other, so their MACs add up.")
    raise Incorrect(f"For (height, width, channels_in, channels_out, kernel) = {case} your separable "
                    f"count is {value:,}; that is not what the two layers do.")


def _check_conv_macs(answer, layer=None, file_macs=None):
    functions = expect_dict(answer, ("standard", "separable"))
    for case in _LAYER_CASES:
        _diagnose_standard(_count(functions["standard"], case, "standard"), case)
        _diagnose_separable(_count(functions["separable"], case, "separable"), case)
    if layer is not None and file_macs is not None:
        ours = (_count(functions["standard"], tuple(layer), "standard"),
                _count(functions["separable"], tuple(layer), "separable"))
        if ours != tuple(int(m) for m in file_macs):
            raise Incorrect(f"For the layer of section 1, {tuple(layer)}, your functions give {ours[0]:,} and "
                            f"{ours[1]:,} MACs, but the .tflite files count {file_macs[0]:,} and {file_macs[1]:,}.")


conv_macs = Exercise(
    "Exercise 1.1 — MACs by hand",
    _check_conv_macs,
    hints=[
        "Count outputs first (height x width x output channels), then how many products each output sums.",
        "Standard: each output sums a kernel x kernel window over all channels_in. Separable: a depthwise "
        "part (one kernel x kernel window per input channel and position) plus a 1x1 pointwise part "
        "(each of the height x width x channels_out outputs sums channels_in products).",
        "standard = h*w*c_out*k*k*c_in; separable = h*w*c_in*k*k + h*w*c_in*c_out.",
    ],
    success="Your counts match the .tflite files: the saving is 1 / (1/channels_out + 1/kernel²).",
)


# --- Exercise 5.1: predict MACs at a new width and resolution -------------------------------

SCALED_ALPHA, SCALED_RESOLUTION = 0.35, 160
"""The MobileNetV2 whose MACs the learner predicts (the lesson measured alpha 0.35 at 224 pixels)."""

SCALED_TOLERANCE = 0.03
"""Relative error accepted: the resolution rule is not exact (the classifier does not scale)."""


def actual_scaled_macs() -> int:
    """MACs of MobileNetV2 at ``SCALED_ALPHA`` and ``SCALED_RESOLUTION``, counted from its Keras layers."""
    from edgebook import architectures

    return architectures.keras_macs(architectures.build("MobileNetV2", alpha=SCALED_ALPHA,
                                                         resolution=SCALED_RESOLUTION))


def _check_scaled_macs(answer, actual_macs=None, full_macs=None, measured_width_macs=None):
    value = _require_number(answer)
    actual = int(actual_macs) if actual_macs is not None else actual_scaled_macs()
    error = value / actual - 1
    if abs(error) <= SCALED_TOLERANCE:
        return
    if abs(value * 1e6 / actual - 1) <= SCALED_TOLERANCE:
        raise Incorrect(f"{value:g} looks like millions of MACs; give the number of MACs itself "
                        f"(e.g. {value:g}e6).")
    area = (SCALED_RESOLUTION / 224) ** 2
    if full_macs is not None and abs(value / (full_macs * SCALED_ALPHA ** 2 * area) - 1) <= 0.005:
        raise Incorrect(f"You scaled the full model by alpha² x resolution². Resolution² is right, but "
                        f"alpha² underestimates (by {-error:.0%} here): the first convolution's input (3 "
                        "channels) and the 1280-channel last layer and classifier do not shrink with alpha. "
                        f"Start from the measured alpha={SCALED_ALPHA} model instead.")
    if measured_width_macs is not None and abs(value / (measured_width_macs * SCALED_RESOLUTION / 224) - 1) <= 0.005:
        raise Incorrect("You scaled by the ratio of the sides (160/224). The number of positions a "
                        "convolution visits is height x width: scale by the ratio of the AREAS.")
    raise Incorrect(f"Your prediction is {error:+.0%} off the model's real count.")


def _require_number(answer):
    if unanswered(answer):
        raise NotAttempted()
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise Incorrect(f"Give a number of MACs; you gave a {type(answer).__name__}.")
    if answer <= 0:
        raise Incorrect(f"A number of MACs is positive; you gave {answer}.")
    return float(answer)


scaled_macs = Exercise(
    "Exercise 5.1 — Predict MACs at a new width and resolution",
    _check_scaled_macs,
    hints=[
        f"Which measured model is closest? The sweep measured alpha={SCALED_ALPHA} at 224 pixels; only the "
        "resolution changes from there.",
        "Almost every MAC sits in a convolution, whose MACs grow with the number of positions: "
        "height x width, so (160/224)².",
        f"predicted_macs = (MACs of alpha {SCALED_ALPHA} at 224) * (160 / 224) ** 2.",
    ],
    success="Within 3% of the real count: MACs scale with the image's area. (alpha does not scale as "
            "cleanly, so starting from a measured width was the right move.)",
)


# --- Exercise 6.1: pick a model for a budget ---------------------------------------------------

def reference_pick(candidates, max_bytes, max_ms):
    """The name of the most accurate candidate (published top-1) within both budgets, or None."""
    fitting = [c for c in candidates if c["bytes"] <= max_bytes and c["median_ms"] <= max_ms]
    return max(fitting, key=lambda c: c["top1"])["name"] if fitting else None


def _budget_cases():
    """Small tables with traps: the most accurate is too big, the smallest is not the best, a tie on a budget."""
    table = [
        {"name": "big", "bytes": 90_000_000, "median_ms": 80.0, "top1": 78.0},
        {"name": "medium", "bytes": 14_000_000, "median_ms": 6.0, "top1": 72.0},
        {"name": "narrow", "bytes": 7_800_000, "median_ms": 2.5, "top1": 65.0},
        {"name": "small", "bytes": 10_000_000, "median_ms": 1.5, "top1": 68.0},
        {"name": "tiny", "bytes": 6_600_000, "median_ms": 1.2, "top1": 60.0},
    ]
    return [
        (table, 12_000_000, 3.0),    # small (the most accurate that fits), not tiny or narrow
        (table, 100_000_000, 5.0),   # the latency budget rules out big and medium
        (table, 8_000_000, 100.0),   # the size budget rules out all but narrow and tiny
        (table, 14_000_000, 6.0),    # budgets exactly met still fit: medium
    ]


def _check_pick_model(pick_model, candidates=None, max_bytes=None, max_ms=None):
    cases = _budget_cases()
    if candidates is not None:
        cases = [(list(candidates), max_bytes, max_ms), *cases]
    for table, size_budget, time_budget in cases:
        expected = reference_pick(table, size_budget, time_budget)
        if expected is None:  # nothing fits this budget: no right answer to compare with
            continue
        picked = call(pick_model, [dict(row) for row in table], size_budget, time_budget)
        if isinstance(picked, dict):
            picked = picked.get("name")
        rows = {row["name"]: row for row in table}
        budget = f"(budget: {size_budget:,} bytes, {time_budget:g} ms)"
        if picked not in rows:
            raise Incorrect(f"Return the name of a candidate, e.g. {table[0]['name']!r}; you returned {picked!r}.")
        row = rows[picked]
        if row["bytes"] > size_budget:
            raise Incorrect(f"{picked} has {row['bytes']:,} bytes: over the size budget {budget}.")
        if row["median_ms"] > time_budget:
            raise Incorrect(f"{picked} takes {row['median_ms']:g} ms: over the latency budget {budget}.")
        best = rows[expected]
        if picked != expected and (best["bytes"] == size_budget or best["median_ms"] == time_budget):
            raise Incorrect(f"{expected} meets {budget} exactly, and a budget exactly met counts as met "
                            f"(use <=, not <). It is more accurate than {picked}.")
        if picked != expected:
            raise Incorrect(f"{picked} fits {budget}, but so does a more accurate model. Among the models "
                            "that fit, pick the highest top-1 accuracy.")


pick_model = Exercise(
    "Exercise 6.1 — Pick a model for a budget",
    _check_pick_model,
    hints=[
        "Two steps: keep the candidates within both budgets (a budget exactly met is met), then take the "
        "most accurate of those.",
        "fitting = [c for c in candidates if c['bytes'] <= max_bytes and c['median_ms'] <= max_ms]; "
        "then max(..., key=...) on 'top1', and return its 'name'.",
    ],
    success="That is the model to try first on the device; then measure it there, since latency on your "
            "laptop is only a proxy.",
)
