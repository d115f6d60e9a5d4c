"""Tests of lesson 08_architectures_for_the_edge's exercise checks: each against a right answer, wrong
answers (with their targeted messages) and the ``...`` placeholder."""
import pytest

from edgebook.checks import lesson_08 as ex


# --- Exercise 1.1: MACs by hand ---------------------------------------------------------------

def right_standard(height, width, channels_in, channels_out, kernel):
    return height * width * channels_out * kernel * kernel * channels_in


def right_separable(height, width, channels_in, channels_out, kernel):
    return height * width * channels_in * kernel * kernel + height * width * channels_in * channels_out


FILE_MACS = (231_211_008, 27_496_448)  # what modelfile.macs reads from the lesson's two files


def test_conv_macs_correct():
    result = ex.conv_macs.evaluate({"standard": right_standard, "separable": right_separable},
                                   layer=(56, 56, 64, 128, 3), file_macs=FILE_MACS)
    assert result.status == "correct", result.message


def test_conv_macs_not_attempted():
    assert ex.conv_macs.evaluate(...).status == "not attempted"
    # the workbook's starter: both functions return None
    blank = {"standard": lambda *a: None, "separable": lambda *a: None}
    assert ex.conv_macs.evaluate(blank).status == "not attempted"


def test_conv_macs_only_depthwise():
    def depthwise_only(height, width, channels_in, channels_out, kernel):
        return height * width * channels_in * kernel * kernel

    result = ex.conv_macs.evaluate({"standard": right_standard, "separable": depthwise_only})
    assert result.status == "incorrect"
    assert "only the depthwise part" in result.message


def test_conv_macs_depthwise_mixes_channels():
    def full_depthwise(height, width, channels_in, channels_out, kernel):
        return (height * width * channels_in * channels_out * kernel * kernel
                + height * width * channels_in * channels_out)

    result = ex.conv_macs.evaluate({"standard": right_standard, "separable": full_depthwise})
    assert result.status == "incorrect"
    assert "one filter per INPUT channel" in result.message


def test_conv_macs_kernel_not_squared():
    def kernel_once(height, width, channels_in, channels_out, kernel):
        return height * width * channels_out * kernel * channels_in

    result = ex.conv_macs.evaluate({"standard": kernel_once, "separable": right_separable})
    assert result.status == "incorrect"
    assert "kernel²" in result.message


def test_conv_macs_standard_without_input_channels():
    def no_channels_in(height, width, channels_in, channels_out, kernel):
        return height * width * channels_out * kernel * kernel

    result = ex.conv_macs.evaluate({"standard": no_channels_in, "separable": right_separable})
    assert result.status == "incorrect"
    assert "input channel" in result.message


def test_conv_macs_disagrees_with_the_files():
    result = ex.conv_macs.evaluate({"standard": right_standard, "separable": right_separable},
                                   layer=(56, 56, 64, 128, 3), file_macs=(1, 2))
    assert result.status == "incorrect"
    assert ".tflite files count" in result.message


def test_conv_macs_one_function_missing_or_crashing():
    result = ex.conv_macs.evaluate({"standard": right_standard, "separable": ...})
    assert result.status == "incorrect" and "separable is still ..." in result.message
    result = ex.conv_macs.evaluate({"standard": right_standard, "separable": lambda *a: 1 / 0})
    assert result.status == "incorrect" and "ZeroDivisionError" in result.message


# --- Exercise 5.1: predict MACs at a new width and resolution ---------------------------------

FULL_MACS, NARROW_MACS = 300_774_272, 59_285_808  # MobileNetV2 1.0 and 0.35 at 224 px, measured


@pytest.fixture(scope="module")
def actual_macs(ctx):
    return ex.actual_scaled_macs()


def test_actual_scaled_macs_matches_the_published_figure(actual_macs):
    assert abs(actual_macs / 30e6 - 1) < 0.03  # the MobileNetV2 docstring: 30 M MACs at 0.35, 160


def scaled(value, actual_macs):
    return ex.scaled_macs.evaluate(value, actual_macs=actual_macs, full_macs=FULL_MACS,
                                   measured_width_macs=NARROW_MACS)


def test_scaled_macs_correct(actual_macs):
    result = scaled(NARROW_MACS * (160 / 224) ** 2, actual_macs)
    assert result.status == "correct", result.message


def test_scaled_macs_without_context_builds_the_model(actual_macs):
    assert ex.scaled_macs.evaluate(NARROW_MACS * (160 / 224) ** 2).status == "correct"


def test_scaled_macs_not_attempted(actual_macs):
    assert scaled(..., actual_macs).status == "not attempted"


def test_scaled_macs_alpha_squared(actual_macs):
    result = scaled(FULL_MACS * 0.35 ** 2 * (160 / 224) ** 2, actual_macs)
    assert result.status == "incorrect"
    assert "alpha² underestimates" in result.message


def test_scaled_macs_linear_in_resolution(actual_macs):
    result = scaled(NARROW_MACS * 160 / 224, actual_macs)
    assert result.status == "incorrect"
    assert "AREAS" in result.message


def test_scaled_macs_in_millions(actual_macs):
    result = scaled(NARROW_MACS * (160 / 224) ** 2 / 1e6, actual_macs)
    assert result.status == "incorrect"
    assert "millions" in result.message


def test_scaled_macs_not_a_number(actual_macs):
    result = scaled("50M", actual_macs)
    assert result.status == "incorrect" and "number of MACs" in result.message
    result = scaled(2 * actual_macs, actual_macs)
    assert result.status == "incorrect" and "+100%" in result.message


# --- Exercise 6.1: pick a model for a budget --------------------------------------------------

CANDIDATES = [  # like the lesson's measured table
    {"name": "MobileNetV3Small", "bytes": 10_159_584, "median_ms": 1.6, "top1": 68.1},
    {"name": "InceptionV3", "bytes": 95_238_948, "median_ms": 104.0, "top1": 77.9},
    {"name": "MobileNetV2 alpha 0.35 224 px", "bytes": 6_681_792, "median_ms": 1.5, "top1": 60.3},
    {"name": "MobileNetV2 alpha 0.75 224 px", "bytes": 10_473_284, "median_ms": 4.3, "top1": 69.8},
    {"name": "MobileNetV2 alpha 1.0 224 px", "bytes": 13_920_340, "median_ms": 5.4, "top1": 71.8},
]


def right_pick(candidates, max_bytes, max_ms):
    fitting = [c for c in candidates if c["bytes"] <= max_bytes and c["median_ms"] <= max_ms]
    return max(fitting, key=lambda c: c["top1"])["name"]


def picked(function):
    return ex.pick_model.evaluate(function, candidates=CANDIDATES, max_bytes=12_000_000, max_ms=2.7)


def test_pick_model_correct():
    result = picked(right_pick)
    assert result.status == "correct", result.message
    assert ex.reference_pick(CANDIDATES, 12_000_000, 2.7) == "MobileNetV3Small"


def test_pick_model_not_attempted():
    assert picked(...).status == "not attempted"

    def starter(candidates, max_bytes, max_ms):
        ...

    assert picked(starter).status == "not attempted"


def test_pick_model_ignores_latency():
    def size_only(candidates, max_bytes, max_ms):
        return max((c for c in candidates if c["bytes"] <= max_bytes), key=lambda c: c["top1"])["name"]

    result = picked(size_only)
    assert result.status == "incorrect"
    assert "over the latency budget" in result.message


def test_pick_model_ignores_size():
    def latency_only(candidates, max_bytes, max_ms):
        return max((c for c in candidates if c["median_ms"] <= max_ms), key=lambda c: c["top1"])["name"]

    result = ex.pick_model.evaluate(latency_only)  # the check's own tables
    assert result.status == "incorrect"
    assert "over the size budget" in result.message


def test_pick_model_fastest_instead_of_most_accurate():
    def fastest(candidates, max_bytes, max_ms):
        fitting = [c for c in candidates if c["bytes"] <= max_bytes and c["median_ms"] <= max_ms]
        return min(fitting, key=lambda c: c["median_ms"])["name"]

    result = picked(fastest)
    assert result.status == "incorrect"
    assert "more accurate model" in result.message


def test_pick_model_strict_budget():
    def strict(candidates, max_bytes, max_ms):
        fitting = [c for c in candidates if c["bytes"] < max_bytes and c["median_ms"] < max_ms]
        return max(fitting, key=lambda c: c["top1"])["name"]

    result = picked(strict)
    assert result.status == "incorrect"
    assert "use <=" in result.message


def test_pick_model_returns_a_row_or_nonsense():
    def row(candidates, max_bytes, max_ms):
        fitting = [c for c in candidates if c["bytes"] <= max_bytes and c["median_ms"] <= max_ms]
        return max(fitting, key=lambda c: c["top1"])

    assert picked(row).status == "correct"  # the row's name is what counts
    result = picked(lambda candidates, max_bytes, max_ms: 3)
    assert result.status == "incorrect" and "name of a candidate" in result.message
