"""Regression checks of lesson 10, run by the test suite in the solution's kernel after its last cell.

The cells print these results; the checks make sure the prose around them stays true.
"""

assert keras_accuracy >= 0.9, f"the activity classifier trained worse than before: {keras_accuracy:.1%}"
assert unsupported == {"Atan": "select", "Roll": "select"}, unsupported
assert set(compat.non_builtin_ops(flex_bytes)) == {"FlexAtan", "FlexRoll"}, compat.non_builtin_ops(flex_bytes)
assert not flex_on_litert.ok, "ai_edge_litert now runs the Flex model: section 3's prose says it cannot"
assert flex_outputs is None, (
    f"TensorFlow {tf.__version__}'s interpreter now runs the Flex model: section 3 and the summary say no "
    "installed runtime can")
assert tensorflow_kernels_mb > 10 * litert_runtime_mb, (tensorflow_kernels_mb, litert_runtime_mb)
assert tilt_unsupported == {"Acos": "custom"}, tilt_unsupported
assert compat.non_builtin_ops(custom_bytes) == {"Acos": "custom"}, compat.non_builtin_ops(custom_bytes)
assert {"CUSTOM:FlexRoll", "CUSTOM:FlexAtan"} <= set(compat.gpu_check(flex_bytes).rejected)
assert compat.gpu_check(digits_float_bytes).ok, compat.gpu_check(digits_float_bytes)
assert agreement >= 0.98, f"TFLM and LiteRT agree on only {agreement:.0%} of 100 digits"
assert digits_int8_on_tflm.model_runs, digits_int8_on_tflm
assert rewrite_on_tflm.missing == ["ATAN2"], rewrite_on_tflm.missing
