"""Tests of lesson 10_ops_and_compatibility's exercise checks: a right answer, wrong answers (with
their targeted messages) and the ``...`` placeholder for each."""
import numpy as np
import pytest

from edgebook.checks import lesson_10 as ex


# --- Exercise 5.1: the tilt angle with built-in ops --------------------------------------------

def tilt_atan2(accel):
    import tensorflow as tf

    return tf.math.atan2(tf.norm(accel[..., :2], axis=-1), accel[..., 2])


def test_reference_is_the_lessons_acos_version(ctx):
    accel = ex.tilt_test_accelerations()
    assert accel.shape == (260, 3) and accel.dtype == np.float32
    expected = np.arccos(accel[:, 2].astype(np.float64) / np.linalg.norm(accel.astype(np.float64), axis=1))
    assert np.allclose(ex.reference_tilt(accel), expected, atol=1e-5)


def test_rewrite_tilt_correct(ctx):
    result = ex.rewrite_tilt.evaluate(tilt_atan2)
    assert result.status == "correct", result.message


def test_rewrite_tilt_correct_with_the_cosine_too(ctx):
    import tensorflow as tf

    def from_cosine(accel):
        cosine = accel[..., 2] / tf.norm(accel, axis=-1)
        return tf.math.atan2(tf.sqrt(tf.maximum(1.0 - cosine * cosine, 0.0)), cosine)

    result = ex.rewrite_tilt.evaluate(from_cosine)
    assert result.status == "correct", result.message


def test_rewrite_tilt_still_acos(ctx):
    import tensorflow as tf

    result = ex.rewrite_tilt.evaluate(lambda accel: tf.math.acos(accel[..., 2] / tf.norm(accel, axis=-1)))
    assert result.status == "incorrect"
    assert "still uses Acos" in result.message


def test_rewrite_tilt_degrees(ctx):
    result = ex.rewrite_tilt.evaluate(lambda accel: tilt_atan2(accel) * (180 / np.pi))
    assert result.status == "incorrect"
    assert "degrees" in result.message


def test_rewrite_tilt_swapped_arguments(ctx):
    import tensorflow as tf

    result = ex.rewrite_tilt.evaluate(lambda accel: tf.math.atan2(accel[..., 2], tf.norm(accel[..., :2], axis=-1)))
    assert result.status == "incorrect"
    assert "swapped" in result.message


def test_rewrite_tilt_wrong_shape(ctx):
    result = ex.rewrite_tilt.evaluate(lambda accel: tilt_atan2(accel)[:, None])
    assert result.status == "incorrect"
    assert "shape (260, 1)" in result.message


def test_rewrite_tilt_not_close_enough(ctx):
    import tensorflow as tf

    def small_angle(accel):  # a rough approximation: far off for large tilts
        return tf.norm(accel[..., :2], axis=-1) / tf.norm(accel, axis=-1)

    result = ex.rewrite_tilt.evaluate(small_angle)
    assert result.status == "incorrect"
    assert "differs from tilt_angle by up to" in result.message


def test_rewrite_tilt_numpy_inside(ctx):
    result = ex.rewrite_tilt.evaluate(lambda accel: np.arctan2(np.linalg.norm(np.asarray(accel)[:, :2], axis=-1),
                                                               np.asarray(accel)[:, 2]))
    assert result.status == "incorrect"
    assert "Use TensorFlow ops only" in result.message


def test_rewrite_tilt_not_attempted(ctx):
    def starter(accel):
        ...

    assert ex.rewrite_tilt.evaluate(...).status == "not attempted"
    assert ex.rewrite_tilt.evaluate(starter).status == "not attempted"


# --- Exercise 6.1: what the GPU delegate refuses -------------------------------------------------

@pytest.fixture(scope="module")
def sliced_report(ctx):
    """A GPU report with one refused op: a STRIDED_SLICE that drops an axis."""
    import tensorflow as tf
    from edgebook import compat, convert

    function = tf.function(lambda x: tf.math.atan2(x[..., 2], x[..., 0] + 2.0))
    return compat.gpu_check(convert.to_tflite(function.get_concrete_function(tf.TensorSpec([1, 100, 4]))))


def test_gpu_refusal_correct(sliced_report):
    assert sliced_report.rejected == ["STRIDED_SLICE"]
    for op in ("STRIDED_SLICE", "tfl.strided_slice", "strided slice"):
        result = ex.gpu_refusal.evaluate({"op": op, "fix": "b"}, report=sliced_report)
        assert result.status == "correct", result.message


def test_gpu_refusal_op_that_the_gpu_takes(sliced_report):
    result = ex.gpu_refusal.evaluate({"op": "ATAN2", "fix": "b"}, report=sliced_report)
    assert result.status == "incorrect"
    assert "shows ✓ for ATAN2" in result.message


def test_gpu_refusal_op_not_in_the_model(sliced_report):
    result = ex.gpu_refusal.evaluate({"op": "CONV_2D", "fix": "b"}, report=sliced_report)
    assert result.status == "incorrect"
    assert "has no CONV_2D op" in result.message


def test_gpu_refusal_wrong_fixes(sliced_report):
    int8 = ex.gpu_refusal.evaluate({"op": "STRIDED_SLICE", "fix": "a"}, report=sliced_report)
    assert int8.status == "incorrect" and "int8 does not change" in int8.message
    flex = ex.gpu_refusal.evaluate({"op": "STRIDED_SLICE", "fix": "c"}, report=sliced_report)
    assert flex.status == "incorrect" and "SELECT_TF_OPS only matters" in flex.message
    other = ex.gpu_refusal.evaluate({"op": "STRIDED_SLICE", "fix": "d"}, report=sliced_report)
    assert other.status == "incorrect" and "one of 'a', 'b', 'c'" in other.message


def test_gpu_refusal_not_attempted(sliced_report):
    assert ex.gpu_refusal.evaluate(..., report=sliced_report).status == "not attempted"
    assert ex.gpu_refusal.evaluate({"op": ..., "fix": ...}, report=sliced_report).status == "not attempted"
    half = ex.gpu_refusal.evaluate({"op": "STRIDED_SLICE", "fix": ...}, report=sliced_report)
    assert half.status == "incorrect" and "fix is still ..." in half.message


# --- Exercise 7.1: which models can TFLM run? ---------------------------------------------------

@pytest.fixture(scope="module")
def candidates(ctx):
    import tensorflow as tf
    from edgebook import compat, convert

    def concrete(function):
        return tf.function(function).get_concrete_function(tf.TensorSpec([1, 3], tf.float32))

    return {
        "dense": convert.to_tflite(concrete(lambda x: tf.nn.relu(x * 3.0 - 1.0))),
        "atan2": convert.to_tflite(concrete(lambda x: tf.math.atan2(x, x + 2.0))),
        "custom": compat.convert(concrete(lambda x: tf.math.acos(x)), allow_custom_ops=True),
    }


def test_tflm_models_correct(candidates):
    for answer in ({"dense"}, ["dense"], ("dense",)):
        result = ex.tflm_models.evaluate(answer, candidates=candidates)
        assert result.status == "correct", result.message


def test_tflm_models_included_one_it_cannot_run(candidates):
    result = ex.tflm_models.evaluate({"dense", "atan2"}, candidates=candidates)
    assert result.status == "incorrect"
    assert "cannot run 'atan2'" in result.message and "ATAN2" in result.message


def test_tflm_models_left_one_out(candidates):
    result = ex.tflm_models.evaluate(set(), candidates=candidates)
    assert result.status == "incorrect"
    assert "You left out 'dense'" in result.message


def test_tflm_models_unknown_name_and_wrong_type(candidates):
    unknown = ex.tflm_models.evaluate({"dense", "mobilenet"}, candidates=candidates)
    assert unknown.status == "incorrect" and "'mobilenet' is not one of the candidates" in unknown.message
    text = ex.tflm_models.evaluate("dense", candidates=candidates)
    assert text.status == "incorrect" and "Give a set" in text.message


def test_tflm_models_not_attempted(candidates):
    assert ex.tflm_models.evaluate(..., candidates=candidates).status == "not attempted"
