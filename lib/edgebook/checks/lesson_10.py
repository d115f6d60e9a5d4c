"""Exercise checks of lesson 10_ops_and_compatibility (rewriting an op that has no built-in kernel,
reading the GPU delegate's verdict, deciding which models TFLM can run).

    >>> from edgebook.checks import lesson_10 as ex
    >>> ex.rewrite_tilt.check(tilt_angle_builtin)
    >>> ex.gpu_refusal.check({"op": refused_op, "fix": fix}, report=compat.gpu_check(rewrite_bytes))
    >>> ex.tflm_models.check({"digits CNN, int8", ...}, candidates=candidates)
"""
from __future__ import annotations

import numpy as np

from edgebook.exercises import Exercise, Incorrect, call, expect_dict, require

# --- Exercise 5.1: the tilt angle with built-in ops -------------------------------------------

TILT_TOLERANCE = 1e-5
"""Largest difference in radians from the acos version that still counts as the same angle."""


def tilt_test_accelerations(n: int = 256, seed: int = 10) -> np.ndarray:
    """Accelerations in every direction, 0.5 to 2 g, plus the phone flat, upright and upside down."""
    rng = np.random.default_rng(seed)
    directions = rng.normal(size=(n, 3))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    magnitudes = rng.uniform(0.5, 2.0, size=(n, 1))
    special = np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [0.0, 0.0, -1.0], [0.6, 0.0, 0.8]])
    return np.concatenate([directions * magnitudes, special]).astype(np.float32)


def reference_tilt(accel) -> np.ndarray:
    """The lesson's tilt_angle: acos(z / |a|), computed by TensorFlow in float32."""
    import tensorflow as tf

    accel = tf.constant(accel, tf.float32)
    return tf.math.acos(accel[..., 2] / tf.norm(accel, axis=-1)).numpy()


def _check_rewrite_tilt(function):
    import tensorflow as tf

    from edgebook import compat, convert, runtime
    from edgebook.errors import ConversionError

    accel = tilt_test_accelerations()
    expected = reference_tilt(accel)
    eager = np.asarray(call(function, tf.constant(accel)), dtype=np.float64)
    if eager.shape != expected.shape:
        raise Incorrect(f"For {len(accel)} accelerations of shape {accel.shape} your function returned shape "
                        f"{eager.shape}; expected one angle per row, shape {expected.shape}.")
    if np.allclose(eager, np.degrees(expected), atol=1e-3):
        raise Incorrect("Your angles are in degrees; tilt_angle returns radians (tf.math.atan2 does too).")
    if np.allclose(eager, np.pi / 2 - expected, atol=1e-4):
        raise Incorrect("Your angles are pi/2 minus the tilt: the arguments of atan2 are swapped. "
                        "tf.math.atan2(y, x) is the angle of the point (x, y): the tilt from the z axis is "
                        "atan2(horizontal part, z).")
    try:
        graph = tf.function(function).get_concrete_function(tf.TensorSpec([None, 3], tf.float32))
    except Exception as error:  # the learner's code, traced: report it, never raise
        raise Incorrect(f"TensorFlow could not trace your function into a graph ({type(error).__name__}: "
                        f"{str(error).splitlines()[0]}). Use TensorFlow ops only, not NumPy.") from None
    try:
        tflite_bytes = convert.to_tflite(graph)
    except compat.UnsupportedOpsError as error:
        raise Incorrect(f"Your function still uses {', '.join(error.ops)}, which has no built-in LiteRT kernel, "
                        "so the default conversion fails. Use only ops with built-in kernels.") from None
    except ConversionError as error:
        raise Incorrect(f"The converter could not convert your function: {str(error).splitlines()[0]}") from None
    converted = runtime.load(tflite_bytes).predict(accel)
    difference = np.abs(converted.astype(np.float64) - expected)
    worst = int(np.argmax(difference))
    if difference[worst] > TILT_TOLERANCE:
        raise Incorrect(f"Your converted function differs from tilt_angle by up to {difference[worst]:.2g} rad "
                        f"(for the acceleration {np.round(accel[worst], 3).tolist()} it gives "
                        f"{converted[worst]:.6f}, tilt_angle gives {expected[worst]:.6f}).")


rewrite_tilt = Exercise(
    "Exercise 5.1 — The tilt angle with built-in ops",
    _check_rewrite_tilt,
    hints=[
        "The tilt is the angle between the acceleration and the z axis. acos needs the cosine of that angle; "
        "atan2 needs two sides of the right triangle instead: the z part and the horizontal part.",
        "The horizontal part is tf.norm(accel[..., :2], axis=-1); the vertical part is accel[..., 2].",
        "return tf.math.atan2(tf.norm(accel[..., :2], axis=-1), accel[..., 2])",
    ],
    success="Same angles, and only built-in ops: it converts with the default settings and runs on every "
            "LiteRT runtime (ATAN2 is also one of the GPU delegate's ops).",
)


# --- Exercise 6.1: what the GPU delegate refuses, and how to fix it ---------------------------

FIXES = {
    "a": "quantize the model to int8",
    "b": "keep the axis when indexing: accel[..., 2:3] instead of accel[..., 2]",
    "c": "convert with SELECT_TF_OPS",
}
"""The choices of Exercise 6.1: which change would let the GPU delegate take the refused op."""


def _normalize_op(name) -> str:
    text = str(name).strip()
    for prefix in ("tfl.", "tf."):
        if text.lower().startswith(prefix):
            text = text[len(prefix):]
    return text.upper().replace(" ", "_")


def _check_gpu_refusal(answer, report=None):
    answer = expect_dict(answer, ["op", "fix"])
    require(report)
    refused = [_normalize_op(name) for name in report.rejected]
    in_model = {_normalize_op(row.op) for row in report}
    op = _normalize_op(answer["op"])
    if op not in refused:
        if op in in_model:
            raise Incorrect(f"The report shows ✓ for {op}: the GPU delegate takes it. "
                            "Look for the rows marked ✗.")
        raise Incorrect(f"The model has no {op} op. Its ops are listed in the report; "
                        "the refused ones are marked ✗.")
    fix = str(answer["fix"]).strip().lower().strip("()")
    if fix not in FIXES:
        raise Incorrect(f"fix should be one of {', '.join(map(repr, FIXES))}; you gave {answer['fix']!r}.")
    if fix == "a":
        raise Incorrect("int8 does not change the reason the report gives: the int8 model has the same "
                        "STRIDED_SLICE with shrink_axis_mask (lesson 04's recipes change types, not indexing).")
    if fix == "c":
        raise Incorrect("SELECT_TF_OPS only matters for ops without a built-in kernel; STRIDED_SLICE has one. "
                        "And Flex ops run on the CPU, never on the GPU delegate.")


gpu_refusal = Exercise(
    "Exercise 6.1 — What the GPU delegate refuses",
    _check_gpu_refusal,
    hints=[
        "Print the report and find the rows marked ✗: the op type is in the second column, the reason at "
        "the end of the line.",
        "shrink_axis_mask is how a .tflite file stores indexing that drops an axis, such as accel[..., 2] "
        "(shape (batch, 100)) instead of accel[..., 2:3] (shape (batch, 100, 1)).",
    ],
    success="The GPU delegate refuses STRIDED_SLICE ops that drop an axis. Written with accel[..., 2:3], "
            "windows[..., 3:4] and keepdims=True in the norm, the same features pass the check with no op "
            "refused: try it on a copy of activity_features_builtin with compat.gpu_check.",
)


# --- Exercise 7.1: which models can TFLM run? --------------------------------------------------

def _check_tflm_models(answer, candidates=None):
    from edgebook import compat

    chosen = require(answer)
    require(candidates)
    if isinstance(chosen, str) or not hasattr(chosen, "__iter__"):
        raise Incorrect("Give a set of model names, e.g. {\"digits CNN, int8\"} (a set, list or tuple).")
    chosen = set(chosen)
    unknown = chosen - set(candidates)
    if unknown:
        raise Incorrect(f"{sorted(unknown)[0]!r} is not one of the candidates: "
                        f"{', '.join(map(repr, candidates))}.")
    reports = {name: compat.tflm_check(model) for name, model in candidates.items()}
    for name in candidates:
        runs = reports[name].model_runs
        if name in chosen and not runs:
            why = ", ".join(reports[name].missing) or reports[name].message
            raise Incorrect(f"TFLM cannot run {name!r}: it has no kernel for {why}.")
        if name not in chosen and runs:
            raise Incorrect(f"You left out {name!r}, but TFLM has a kernel for each of its ops. TFLM runs "
                            "float32 models too; int8 is what makes them small and fast on a microcontroller.")


tflm_models = Exercise(
    "Exercise 7.1 — Which models can TFLM run?",
    _check_tflm_models,
    hints=[
        "A model runs in TFLM when TFLM has a kernel for every one of its ops. Compare each model's op list "
        "with the TFLM report of the rewritten model above.",
        "Flex ops are TensorFlow kernels: no microcontroller has them. ATAN2 is missing from TFLM. The digits "
        "CNN's ops (CONV_2D, MAX_POOL_2D, RESHAPE, FULLY_CONNECTED, SOFTMAX) are all there, float or int8.",
    ],
    success="TFLM has kernels for the ops of most small vision and audio models, in int8 and float32, but "
            "fewer ops than LiteRT: check a model with compat.tflm_check before you plan for a microcontroller.",
)
