"""edgebook.compat: unsupported ops, Select TF ops, custom ops, the analyzer, GPU rules, TFLM kernels."""
import os

import numpy as np
import pytest

from edgebook.errors import ConversionError


def concrete(function, shape=(None, 3)):
    import tensorflow as tf

    return tf.function(function).get_concrete_function(tf.TensorSpec(list(shape), tf.float32))


@pytest.fixture(scope="module")
def models(ctx):
    """Small models with built-in, Select TF and custom ops."""
    import tensorflow as tf
    from edgebook import compat, convert

    return {
        "builtin": convert.to_tflite(concrete(lambda x: tf.math.atan2(x, x + 2.0))),
        "flex": compat.convert(concrete(lambda x: tf.roll(x, 1, axis=1) + tf.math.atan(x)), select_tf_ops=True),
        "custom": compat.convert(concrete(lambda x: tf.math.acos(x) * 2.0), allow_custom_ops=True),
        "dense": convert.to_tflite(concrete(lambda x: tf.nn.relu(x * 3.0 - 1.0))),
    }


# --- why the converter stopped ------------------------------------------------------------

def test_to_tflite_names_the_ops_and_the_three_choices(ctx):
    import tensorflow as tf
    from edgebook import compat, convert

    with pytest.raises(compat.UnsupportedOpsError) as caught:
        convert.to_tflite(concrete(lambda x: tf.roll(x, 1, axis=1) + tf.math.acos(x)))
    error = caught.value
    assert isinstance(error, ConversionError)  # callers that catch ConversionError still work
    assert error.ops == {"Acos": "custom", "Roll": "select"}
    message = str(error)
    assert "Acos, Roll" in message and "no built-in LiteRT kernel" in message
    assert "Rewrite" in message and "SELECT_TF_OPS" in message and "allow_custom_ops" in message
    assert "Acos is not on that list" in message
    assert "Traceback" not in message and "MLIR" not in message


def test_an_op_only_a_custom_op_can_keep(ctx):
    import tensorflow as tf
    from edgebook import compat

    with pytest.raises(compat.UnsupportedOpsError, match="cannot help: Acos is not on the list"):
        compat.convert(concrete(lambda x: tf.math.acos(x)))
    with pytest.raises(compat.UnsupportedOpsError, match="Acos"):
        compat.convert(concrete(lambda x: tf.math.acos(x)), select_tf_ops=True)


def test_unsupported_ops_reads_the_text_when_there_are_no_details():
    from edgebook import compat

    text = ("error: 'tf.Tan' op is neither a custom op nor a flex op\n"
            "TF Select ops: Cumprod, Tan\nDetails:\n\ttf.Cumprod(...)\n"
            "Custom ops: Acos\nDetails:\n\ttf.Acos(...)\n")
    assert compat.unsupported_ops(Exception(text)) == {"Acos": "custom", "Cumprod": "select", "Tan": "select"}
    only_the_first_line = Exception("'tf.Erf' op is neither a custom op nor a flex op")
    assert compat.unsupported_ops(only_the_first_line) == {"Erf": "select"}


def test_other_conversion_failures_are_left_alone():
    from edgebook import compat

    assert compat.unsupported_ops(ValueError("shapes do not match")) == {}
    assert compat.explain_conversion_error(ValueError("shapes do not match")) is None


def test_explanations_for_one_and_several_ops():
    from edgebook import compat

    one = compat.explain_unsupported_ops({"Roll": "select"})
    assert one.startswith("The converter stopped: one of this model's TensorFlow ops has")
    assert "Select TF ops (\"Flex\") for Roll:" in one
    several = compat.explain_unsupported_ops({"Atan": "select", "Roll": "select"})
    assert "2 of this model's TensorFlow ops have" in several and "for Atan, Roll:" in several


def test_what_the_file_holds(models):
    from edgebook import compat

    assert compat.non_builtin_ops(models["flex"]) == {"FlexAtan": "select", "FlexRoll": "select"}
    assert compat.non_builtin_ops(models["custom"]) == {"Acos": "custom"}
    assert compat.non_builtin_ops(models["builtin"]) == {}


# --- can a runtime run it? -------------------------------------------------------------------

def test_litert_check_runs_a_builtin_model(models):
    from edgebook import compat

    x = np.array([[0.5, -1.0, 2.0]], dtype=np.float32)
    check = compat.litert_check(models["builtin"], x)
    assert check.ok and repr(check).startswith("✓")
    assert np.allclose(check.outputs, np.arctan2(x, x + 2.0), atol=1e-6)


def test_litert_check_explains_flex_and_custom_ops(models, capfd):
    from ai_edge_litert import pywrap_genai_ops
    from edgebook import compat

    flex = compat.litert_check(models["flex"])
    assert not flex.ok and "no Flex delegate" in flex.message and "FlexAtan, FlexRoll" in flex.message
    custom = compat.litert_check(models["custom"])
    assert not custom.ok and "custom op Acos" in custom.message and "InterpreterWithCustomOps" in custom.message
    registerers = [pywrap_genai_ops.GenAIOpsRegisterer]
    registered = compat.litert_check(models["custom"], custom_op_registerers=registerers)
    assert not registered.ok and "registerers you passed" in registered.message
    assert "Traceback" not in capfd.readouterr().err


def test_tensorflow_interpreter_runs_builtins_and_explains_missing_flex(models):
    import tensorflow as tf
    from edgebook import compat

    x = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -3.0]], dtype=np.float32)
    assert np.allclose(compat.run_with_tensorflow_flex(models["dense"], x), np.maximum(3 * x - 1, 0))
    try:
        outputs = compat.run_with_tensorflow_flex(models["flex"], x)
    except compat.FlexUnavailableError as error:
        assert "this wheel has no Flex delegate" in str(error) and "FlexAtan, FlexRoll" in str(error)
    else:  # a TensorFlow with the Flex delegate again
        assert np.allclose(outputs, tf.roll(x, 1, axis=1) + np.arctan(x), atol=1e-6)


def test_runtime_libraries_are_files_with_sizes():
    from edgebook import compat

    libraries = compat.runtime_libraries()
    assert "LiteRT built-in kernels + XNNPACK (libpywrap_litert_common)" in libraries
    assert "TensorFlow kernels (libtensorflow_cc)" in libraries
    assert all(path.is_file() and os.path.getsize(path) > 0 for path in libraries.values())


# --- the analyzer ------------------------------------------------------------------------------

def test_capture_output_catches_python_and_c_level_prints():
    import ctypes

    from edgebook import compat

    def noisy():
        print("from python")
        os.write(1, b"from the file descriptor\n")
        ctypes.CDLL(None).printf(b"from C printf\n")
        return 42

    result, text = compat.capture_output(noisy)
    assert result == 42
    assert "from python" in text and "from the file descriptor" in text and "from C printf" in text


def test_analyze_returns_the_report_as_text(models, capsys):
    from edgebook import compat

    report = compat.analyze(models["flex"])
    assert capsys.readouterr().out == ""  # nothing leaked to the notebook
    summary = compat.summarize_analysis(report)
    assert {"FlexRoll", "FlexAtan"} <= set(summary.ops)
    assert summary.model_bytes == len(models["flex"])
    assert "compatible with GPU delegate" in summary.gpu_verdict
    assert "ops:" in repr(summary)


def test_summarize_analysis_reads_gpu_warnings():
    from edgebook import compat

    report = ("Subgraph#0 main(T#0) -> [T#2]\n  Op#0 CUSTOM_OP(T#0) -> [T#1]\n"
              "GPU COMPATIBILITY WARNING: Not supported custom op Foo\n  Op#1 ADD(T#1, T#1) -> [T#2]\n"
              "              Model size:       1000 bytes\n  Total data buffer size:        100 bytes (10 %)\n")
    summary = compat.summarize_analysis(report)
    assert summary.ops == ("CUSTOM_OP", "ADD")
    assert summary.gpu_warnings == ("GPU COMPATIBILITY WARNING: Not supported custom op Foo",)
    assert summary.gpu_verdict is None and summary.model_bytes == 1000 and summary.data_bytes == 100


# --- the GPU delegate's rules -----------------------------------------------------------------

def test_gpu_check_refuses_slices_that_drop_an_axis(ctx):
    from edgebook import compat, convert

    dropped = convert.to_tflite(concrete(lambda x: x[..., 2] * 2.0, (1, 100, 4)))
    kept = convert.to_tflite(concrete(lambda x: x[..., 2:3] * 2.0, (1, 100, 4)))
    report = compat.gpu_check(dropped)
    assert report.rejected == ["STRIDED_SLICE"] and "shrink_axis_mask" in repr(report)
    assert compat.gpu_check(kept).ok


def test_gpu_check_refuses_flex_custom_and_unknown_ops(models, ctx):
    import tensorflow as tf
    from edgebook import compat, convert

    assert sorted(compat.gpu_check(models["flex"]).rejected) == ["CUSTOM:FlexAtan", "CUSTOM:FlexRoll"]
    assert "Select TF op" in repr(compat.gpu_check(models["flex"]))
    assert compat.gpu_check(models["custom"]).rejected == ["CUSTOM:Acos"]
    assert compat.gpu_check(models["builtin"]).ok  # ATAN2, ADD
    arg_max = convert.to_tflite(concrete(lambda x: tf.cast(tf.argmax(x, axis=1), tf.float32), (1, 3)))
    assert "ARG_MAX" in compat.gpu_check(arg_max).rejected


# --- TFLM --------------------------------------------------------------------------------------

def test_tflm_check_runs_what_tflm_has_kernels_for(models, capfd):
    from edgebook import compat

    report = compat.tflm_check(models["dense"])
    assert report.model_runs and report.missing == [] and report.ops.ok
    atan2 = compat.tflm_check(models["builtin"])
    assert not atan2.model_runs and atan2.missing == ["ATAN2"] and "ATAN2" in atan2.message
    assert "Didn't find op" not in capfd.readouterr().err  # TFLM's stderr is captured, not shown


def test_tflm_check_names_custom_and_flex_ops(models):
    from edgebook import compat

    custom = compat.tflm_check(models["custom"])
    assert not custom.model_runs and "the custom op Acos" in custom.message
    assert "CUSTOM:Acos" in custom.missing
    flex = compat.tflm_check(models["flex"])
    assert {"CUSTOM:FlexRoll", "CUSTOM:FlexAtan"} <= set(flex.missing)
    assert "ADD" not in flex.missing


def test_single_op_model_keeps_one_op(models):
    from edgebook import modelfile, opchecks, runtime

    one_op = opchecks._single_op_model(models["dense"], 0)
    assert len(modelfile.ops(one_op)) == 1
    assert runtime.load(one_op).interpreter is not None


def test_the_activity_features_written_with_kept_axes_pass_the_gpu_check(ctx):
    """The fix that lesson 10's Exercise 6.1 asks for, measured."""
    import tensorflow as tf
    from edgebook import compat, convert

    def features(windows):
        accel, speed = windows[..., :3], windows[..., 3:4]
        jerk = accel - tf.concat([accel[:, -1:], accel[:, :-1]], axis=1)
        horizontal = tf.norm(accel[..., :2], axis=-1, keepdims=True)
        elevation = tf.math.atan2(accel[..., 2:3], horizontal + 1e-6)
        return tf.concat([tf.math.reduce_std(accel, axis=1), tf.reduce_mean(tf.abs(jerk), axis=1),
                          tf.math.reduce_std(elevation, axis=1), tf.reduce_mean(speed, axis=1)], axis=-1)

    assert compat.gpu_check(convert.to_tflite(concrete(features, (None, 100, 4)))).ok
