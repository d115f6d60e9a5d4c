"""Exercise checks of lesson 09_delegates_and_benchmarking (median and p90 of raw timings, the
partitions of a delegate, the op with the most MACs, the MACs of a depthwise-separable convolution).

    >>> from edgebook.checks import lesson_09 as ex
    >>> ex.median_p90.check(median_and_p90, times_ms=hand_times_ms)
    >>> ex.count_partitions.check(count_partitions, op_names=cumsum_op_names, delegated=real_partitions)
    >>> ex.top_op.check({"index": ..., "name": ..., "share": ...}, rows=profile_rows)
    >>> ex.separable_macs.check(separable_macs, rows=separable_profile)
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from edgebook.exercises import (Exercise, Incorrect, Mistake, NotAttempted, call, expect_dict,
                                function_exercise, unanswered)


# --- Exercise 2.1: median and 90th percentile of raw times ----------------------------------

def reference_median_p90(times_ms) -> tuple[float, float]:
    """Median and 90th percentile (linear interpolation, NumPy's default) of a list of times."""
    times = np.asarray(times_ms, dtype=np.float64)
    return float(np.median(times)), float(np.percentile(times, 90))


def _nearest_rank_p90(times) -> float:
    """The other common definition: the smallest value with at least 90% of the runs at or below it."""
    ordered = np.sort(np.asarray(times, dtype=np.float64))
    return float(ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)])


# Small, hand-checkable cases: an odd and an even count (the median of an even count is the mean of
# the middle two), and a benchmark with two slow outliers, where mean and median part ways.
_TIMING_CASES = (
    (np.array([3.0, 1.0, 2.0, 5.0, 4.0]), "five runs, 1 to 5 ms in random order"),
    (np.array([0.30, 0.10, 0.40, 0.20]), "four runs (an even count)"),
    (np.array([0.026] * 16 + [0.027, 0.028, 0.31, 0.95]), "twenty runs with two slow outliers"),
    (np.linspace(1.0, 2.0, 101)[::-1].copy(), "101 runs from 2 ms down to 1 ms"),
)


def _pair_of_numbers(result, what):
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise Incorrect(f"Your function should return two numbers, (median, p90); for {what} it returned "
                        f"{result!r}.")
    median, p90 = result
    if unanswered(median) and unanswered(p90):
        raise NotAttempted()
    if unanswered(median) or unanswered(p90):
        raise Incorrect("One of median and p90 is still ...: compute both.")
    try:
        return float(median), float(p90)
    except (TypeError, ValueError):
        raise Incorrect(f"Return plain numbers (median, p90); for {what} you returned {result!r}.") from None


def _with_p90(median_of, p90_of):
    """A (median, p90) answer made of these two computations: for a mistake in one half."""
    return lambda times: (float(median_of(times)), float(p90_of(times)))


_right_median, _right_p90 = np.median, lambda times: np.percentile(times, 90)
_p90_index = lambda times: min(len(times) - 1, int(0.9 * len(times)))  # noqa: E731


def _upper_middle(times):
    if len(times) % 2:
        return np.nan  # an odd count has one middle value: no such mistake
    return np.sort(times)[len(times) // 2]


def _times_of_the_lesson(times_ms=None):
    if times_ms is not None:
        yield (np.asarray(times_ms, dtype=np.float64),), "the times you measured above"


median_p90 = function_exercise(
    "Exercise 2.1 — Median and p90",
    reference_median_p90,
    cases=[((times,), what) for times, what in _TIMING_CASES],
    also_right=[_with_p90(_right_median, _nearest_rank_p90)],  # the other common definition of p90
    answer_of=_pair_of_numbers,
    mistakes=[
        Mistake(_with_p90(np.mean, _right_p90), "For {case} your median is the mean. The median is the middle "
                "value once the times are sorted: np.median(times)."),
        Mistake(_with_p90(_upper_middle, _right_p90), "For {case} (an even count) your median is the upper of "
                "the two middle values. With an even count the median is the mean of the two middle values: "
                "np.median does it."),
        Mistake(_with_p90(_right_median, np.max), "For {case} your p90 is the slowest run. The 90th percentile "
                "is the time that 90% of the runs stay under: np.percentile(times, 90)."),
        Mistake(_with_p90(_right_median, lambda t: np.percentile(t, 0.9)), "Your p90 is np.percentile(times, "
                "0.9): np.percentile takes percent (90); it is np.quantile that takes a fraction (0.9)."),
        Mistake(_with_p90(_right_median, lambda t: np.percentile(t, 10)), "For {case} your p90 is the 10th "
                "percentile (one of the fastest runs). Sort the times from fast to slow, or use "
                "np.percentile(times, 90)."),
        Mistake(_with_p90(_right_median, lambda t: np.sort(t)[_p90_index(t)]), "For {case} your p90 is "
                "sorted_times[int(0.9 * n)], one place past the 90% mark. Use np.percentile(times, 90)."),
        Mistake(_with_p90(_right_median, lambda t: np.asarray(t)[_p90_index(t)]), "For {case} your p90 picks "
                "the value at 90% of the list without sorting it first."),
    ],
    lesson_cases=_times_of_the_lesson,
    hints=[
        "The median is the middle run once the runs are sorted; the 90th percentile (p90) is the time that "
        "90% of the runs stay under: the tail a user feels now and then.",
        "NumPy has both: np.median(times) and np.percentile(times, 90) (percent, not a fraction).",
        "return float(np.median(times_ms)), float(np.percentile(times_ms, 90))",
    ],
    success="measure.latency reports exactly these two numbers.",
)


# --- Exercise 8.1: count the partitions of a delegate ----------------------------------------

def reference_count_partitions(op_names, supported) -> int:
    """Runs of consecutive ops the delegate supports, in execution order."""
    count, inside = 0, False
    for name in op_names:
        if name in supported and not inside:
            count += 1
        inside = name in supported
    return count


_MAC_ENGINE = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"}
_BASELINE_OPS = ["CONV_2D", "MAX_POOL_2D", "CONV_2D", "MAX_POOL_2D", "RESHAPE", "FULLY_CONNECTED",
                 "FULLY_CONNECTED", "SOFTMAX"]
_PARTITION_CASES = (
    (_BASELINE_OPS, set(_BASELINE_OPS), "the baseline CNN with a delegate that supports all of its ops"),
    (_BASELINE_OPS, set(), "the baseline CNN with a delegate that supports none of its ops"),
    (_BASELINE_OPS, _MAC_ENGINE, "the baseline CNN with a delegate for CONV_2D, DEPTHWISE_CONV_2D and "
                                 "FULLY_CONNECTED only"),
    (["QUANTIZE", "CONV_2D", "CONV_2D", "DEQUANTIZE"], {"CONV_2D"},
     "QUANTIZE, CONV_2D, CONV_2D, DEQUANTIZE with a delegate for CONV_2D"),
    (["ADD", "CUMSUM", "ADD", "CUMSUM", "ADD"], {"ADD"}, "ADD, CUMSUM, ADD, CUMSUM, ADD with a delegate for ADD"),
)


def _as_count(result, what):
    if isinstance(result, (list, tuple)):
        raise Incorrect(f"For {what} you returned a {type(result).__name__}; return the number of "
                        "partitions (an int), e.g. len(...) of your list of partitions.")
    if isinstance(result, bool) or not isinstance(result, numbers.Integral):
        raise Incorrect(f"For {what} you returned {result!r}; return the number of partitions as an int.")
    return int(result)


def _cpu_runs(names, supported) -> int:
    return reference_count_partitions(names, set(names) - set(supported))


def _partitions_of_the_lesson(op_names=None, supported=None, delegated=None):
    if op_names is not None and supported is not None:
        yield (list(op_names), set(supported)), "the model with CUMSUM and XNNPACK's ops"


def _agrees_with_the_runtime(function, op_names=None, supported=None, delegated=None):
    if delegated is not None and op_names is not None and supported is not None:
        count = _as_count(call(function, list(op_names), set(supported)), "the model with CUMSUM")
        if count != len(delegated):
            raise Incorrect(f"Your count, {count}, differs from the {len(delegated)} partition(s) that "
                            "XNNPACK really made.")


count_partitions = function_exercise(
    "Exercise 8.1 — Count the partitions",
    reference_count_partitions,
    cases=[((list(names), set(ops)), what) for names, ops, what in _PARTITION_CASES],
    answer_of=_as_count,
    mistakes=[
        Mistake(lambda names, ok: sum(name in ok for name in names),
                "For {case} you counted the supported ops. Consecutive supported ops form ONE partition."),
        Mistake(lambda names, ok: sum(name not in ok for name in names),
                "For {case} you counted the ops the delegate does NOT support. Count the runs of supported "
                "ops between them."),
        Mistake(_cpu_runs, "For {case} you counted the runs of CPU ops; count the runs of ops the delegate "
                           "supports."),
        Mistake(lambda names, ok: reference_count_partitions(names, ok) + _cpu_runs(names, ok),
                "For {case} you counted every run, delegated and CPU; only the delegated runs are partitions."),
    ],
    lesson_cases=_partitions_of_the_lesson,
    then=_agrees_with_the_runtime,
    hints=[
        "Walk through the ops in order. A partition starts at a supported op that follows an unsupported "
        "one (or starts the model), and goes on while the ops are supported.",
        "Count the starts: op i starts a partition when it is supported and op i - 1 is not (or i is 0).",
        "return sum(1 for i, name in enumerate(op_names) "
        "if name in supported and (i == 0 or op_names[i - 1] not in supported))",
    ],
    success="benchmark.partitions returns the partitions themselves (their op indices).",
)


# --- Exercise 9.1: the op with the most MACs --------------------------------------------------

def _check_top_op(answer, rows=None):
    answer = expect_dict(answer, ("index", "name", "share"))
    if rows is None:
        from edgebook import convert, modelfile, models

        rows = modelfile.profile(convert.to_tflite(models.baseline_cnn()))
    total = sum(row.macs for row in rows)
    top = max(rows, key=lambda row: row.macs)
    by_params = max(rows, key=lambda row: row.param_bytes)
    by_activations = max(rows, key=lambda row: row.activation_bytes)
    index, name, share = answer["index"], answer["name"], answer["share"]
    if isinstance(index, bool) or not isinstance(index, numbers.Integral):
        raise Incorrect(f"index should be the op's index (an int, the 'index' field of its row); you gave {index!r}.")
    if index != top.index:
        if index == by_params.index:
            raise Incorrect(f"Op {index} ({by_params.name}) has the most parameter bytes, but MACs (the "
                            "arithmetic) are what the time goes into. Look at the macs field.")
        if index == by_activations.index:
            raise Incorrect(f"Op {index} ({by_activations.name}) writes the most activation bytes, but MACs "
                            "are what the time goes into. Look at the macs field.")
        raise Incorrect(f"Op {index} is not the one with the most MACs. Compare the macs field of every row.")
    if str(name).upper() != top.name:
        raise Incorrect(f"Op {index} is a {top.name}, not {name!r}.")
    if not isinstance(share, numbers.Real):
        raise Incorrect(f"share should be a number between 0 and 1; you gave {share!r}.")
    expected_share = top.macs / total
    if math.isclose(share, 100 * expected_share, rel_tol=1e-3):
        raise Incorrect(f"Your share, {share:.4g}, is in percent; give it as a fraction between 0 and 1 "
                        f"({expected_share:.3f}).")
    if math.isclose(share, top.macs / max(row.macs for row in rows if row is not top), rel_tol=1e-3):
        raise Incorrect("Your share compares the top op with the second one; divide by the model's total MACs.")
    if not math.isclose(share, expected_share, rel_tol=1e-3):
        raise Incorrect(f"share should be this op's MACs divided by the model's total MACs ({total:,}); "
                        f"you gave {share:.4g}.")


top_op = Exercise(
    "Exercise 9.1 — The op with the most MACs",
    _check_top_op,
    hints=[
        "Each row of profile_rows has index, name, macs, ...: find the row with the largest macs.",
        "top = max(profile_rows, key=lambda row: row.macs); total = sum(row.macs for row in profile_rows).",
        "{'index': top.index, 'name': top.name, 'share': top.macs / total}",
    ],
    success="benchmark.ranked_profile sorts every op like this.",
)


# --- Exercise 10.1: MACs of a depthwise-separable convolution ------------------------------------

def reference_separable_macs(height, width, in_channels, out_channels, kernel) -> int:
    """Depthwise k x k (one filter per input channel) plus pointwise 1x1, 'same' padding, stride 1."""
    depthwise = height * width * in_channels * kernel * kernel
    pointwise = height * width * in_channels * out_channels
    return int(depthwise + pointwise)


_SEPARABLE_CASES = (
    ((8, 8, 32, 64, 3), "an 8x8 map, 32 -> 64 channels, 3x3 (the layer of section 10)"),
    ((16, 16, 3, 8, 5), "a 16x16 map, 3 -> 8 channels, 5x5"),
    ((4, 6, 10, 1, 3), "a 4x6 map, 10 -> 1 channels, 3x3"),
)


def _diagnose_separable(macs, case, what):
    height, width, c_in, c_out, k = case
    expected = reference_separable_macs(*case)
    if macs == expected:
        return
    positions = height * width
    if macs == positions * k * k * c_in * c_out:
        raise Incorrect(f"For {what} you computed a standard convolution ({macs:,} MACs). A separable one "
                        "is two steps: a depthwise k x k per channel, then a 1x1 across channels.")
    if macs == positions * c_in * k * k:
        raise Incorrect(f"For {what} you counted only the depthwise step; add the pointwise 1x1 step "
                        "(height x width x in_channels x out_channels).")
    if macs == positions * c_in * c_out:
        raise Incorrect(f"For {what} you counted only the pointwise 1x1 step; add the depthwise step "
                        "(height x width x in_channels x kernel x kernel).")
    if macs == positions * c_out * k * k + positions * c_in * c_out:
        raise Incorrect(f"For {what} your depthwise step uses out_channels. The depthwise filter runs on each "
                        "INPUT channel separately: height x width x in_channels x kernel x kernel.")
    raise Incorrect(f"For {what} you get {macs:,} MACs; expected {expected:,}.")


def _check_separable_macs(function, rows=None):
    for case, what in _SEPARABLE_CASES:
        result = call(function, *case)
        if isinstance(result, bool) or not isinstance(result, numbers.Real) or not float(result).is_integer():
            raise Incorrect(f"For {what} you returned {result!r}; return a whole number of MACs.")
        _diagnose_separable(int(result), case, what)
    if rows is not None:  # the converted model's depthwise + pointwise ops, as modelfile.profile counts them
        depthwise = next(row for row in rows if row.name == "DEPTHWISE_CONV_2D")
        pointwise = next(row for row in rows if row.name == "CONV_2D" and row.index == depthwise.index + 1)
        converted = depthwise.macs + pointwise.macs
        if int(call(function, *_SEPARABLE_CASES[0][0])) != converted:
            raise Incorrect(f"modelfile.profile counts {converted:,} MACs for the converted layer.")


separable_macs = Exercise(
    "Exercise 10.1 — MACs of a depthwise-separable convolution",
    _check_separable_macs,
    hints=[
        "Two steps. Depthwise: each input channel gets its own k x k filter, so every output value of "
        "every channel costs k x k MACs. Pointwise: a 1x1 convolution, each output value sums in_channels products.",
        "depthwise = height * width * in_channels * kernel * kernel; "
        "pointwise = height * width * in_channels * out_channels.",
        "return height * width * in_channels * (kernel * kernel + out_channels)",
    ],
    success="About k x k times fewer MACs than a standard convolution when out_channels is large.",
)
