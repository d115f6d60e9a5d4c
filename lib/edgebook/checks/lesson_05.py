"""Exercise checks of lesson 05_quantization_aware_training (the wrappers and fake-quant ops that
TFMOT adds, 4-bit rounding by hand, quantizing only chosen layers, choosing QAT or PTQ).

    >>> from edgebook.checks import lesson_05 as ex
    >>> ex.count_quantizers.check({"wrapped_layers": ..., "fake_quant_ops": ...}, qat_model=qat_model)
    >>> ex.round_to_4_bits.check(round_to_4_bits)
    >>> ex.annotate_convolutions.check(annotate_convolutions, model=float_model)
    >>> ex.qat_or_ptq.check({"A": ("PTQ", 1), ...})
"""
from __future__ import annotations

import numbers

import numpy as np

from edgebook.exercises import (Exercise, Incorrect, NotAttempted, call, expect_array, expect_dict, require,
                                unanswered)


# --- Exercise 2.1: which layers got wrapped, how many fake-quant ops run -------------------

def _default_qat_model():
    import tensorflow_model_optimization as tfmot

    from edgebook import models

    return tfmot.quantization.keras.quantize_model(models.baseline_cnn())


def _check_wrapped(wrapped, qat_model) -> None:
    from edgebook import qat

    if isinstance(wrapped, str) or not isinstance(wrapped, (list, tuple, set)):
        raise Incorrect(f"wrapped_layers should be a list of layer names (strings); you gave a "
                        f"{type(wrapped).__name__}.")
    if not all(isinstance(name, str) for name in wrapped):
        raise Incorrect("wrapped_layers should hold the layers' names (strings, layer.name), not the layers.")
    expected = qat.wrapped_layers(qat_model)
    given = list(dict.fromkeys(wrapped))
    if set(given) == set(expected):
        return
    by_name = {layer.name: layer for layer in qat_model.layers}
    unknown = [name for name in given if name not in by_name]
    if unknown:
        if all(f"quant_{name}" in by_name for name in unknown):
            raise Incorrect(f"{unknown[0]!r} is the name of a layer of the float model. The wrappers have "
                            f"names of their own ('quant_' + the layer's name): read them from qat_model.layers.")
        raise Incorrect(f"qat_model has no layer called {unknown[0]!r}. Take the names from "
                        "layer.name for layer in qat_model.layers.")
    not_wrappers = [name for name in given if name not in expected]
    if not_wrappers:
        layer = by_name[not_wrappers[0]]
        if type(layer).__name__ == "QuantizeLayer":  # TFMOT does not export the class
            raise Incorrect(f"{not_wrappers[0]!r} is a QuantizeLayer: it quantizes the model's input, it does "
                            "not wrap one of the model's layers. Keep only the QuantizeWrapperV2 layers.")
        raise Incorrect(f"{not_wrappers[0]!r} is a {type(layer).__name__}, not a quantize wrapper.")
    missing = [name for name in expected if name not in given]
    weightless = [name for name in missing if not by_name[name].trainable_weights]
    if weightless:
        raise Incorrect(f"You left out {', '.join(weightless)}. Every layer got a wrapper, even the ones with "
                        "no weights to quantize: their wrappers pass the quantized values through.")
    raise Incorrect(f"You left out {', '.join(missing)}: it is a QuantizeWrapperV2 too.")


def _check_count_quantizers(answer, qat_model=None):
    answer = expect_dict(answer, ("wrapped_layers", "fake_quant_ops"))
    qat_model = _default_qat_model() if qat_model is None else qat_model

    _check_wrapped(answer["wrapped_layers"], qat_model)

    count = answer["fake_quant_ops"]
    if isinstance(count, bool) or not isinstance(count, numbers.Integral):
        raise Incorrect(f"fake_quant_ops should be a whole number; you gave {count!r}.")
    from edgebook import qat

    counts = qat.fake_quant_ops(qat_model)
    total = sum(counts.values())
    per_channel = sum(n for kind, n in counts.items() if kind.endswith("PerChannel"))
    kernels = sum(1 for layer in qat_model.layers for w in layer.weights if w.name.endswith("kernel_min:0"))
    if count == total:
        return
    if per_channel and count == total - per_channel:
        raise Incorrect(f"You counted {count}, the FakeQuantWithMinMaxVars ops only. The convolutions' kernels "
                        "are quantized per channel, by FakeQuantWithMinMaxVarsPerChannel ops: count those too "
                        "(op.type.startswith('FakeQuant')).")
    if count == kernels:
        raise Incorrect(f"{count} is one per kernel. Activations are fake-quantized too: the input, and the "
                        "output of each layer that computes something.")
    if count == total - 1:
        raise Incorrect("You missed one: the QuantizeLayer at the start fake-quantizes the model's input too.")
    raise Incorrect(f"{count} is not the number of fake-quant ops in the inference graph. Trace "
                    "qat_model(x, training=False) with tf.function and count the operations whose type "
                    "starts with 'FakeQuant'.")


count_quantizers = Exercise(
    "Exercise 2.1 — Count the fake quantizers",
    _check_count_quantizers,
    hints=[
        "The wrappers are the layers whose type is tfmot.quantization.keras.QuantizeWrapperV2; "
        "take their .name. For the ops, trace the model into a graph and look at graph.get_operations().",
        "graph = tf.function(lambda x: qat_model(x, training=False)).get_concrete_function("
        "tf.TensorSpec([1, 16, 16, 1], tf.float32)).graph, then look at each op.type.",
        "fake_quant_ops = sum(op.type.startswith('FakeQuant') for op in graph.get_operations()); there are "
        "two kinds: FakeQuantWithMinMaxVars and FakeQuantWithMinMaxVarsPerChannel.",
    ],
    success="Each fake-quant op rounds a tensor to the int8 grid and back: that is all QAT adds to the model.",
)


# --- Exercise 4.1: round a kernel to 4 bits --------------------------------------------------

def _reference(values) -> np.ndarray:
    from edgebook import qat

    return qat.round_to_bits(values, 4)


def _round_with_scale(values, scale, low=-8, high=7, rounding=np.round) -> np.ndarray:
    return np.clip(rounding(values / scale), low, high) * scale


def _cases() -> list[np.ndarray]:
    rng = np.random.default_rng(5)
    return [
        rng.normal(0.0, 0.1, (3, 3, 4, 8)).astype(np.float32),                        # a conv kernel
        np.array([-0.2, 0.05, 0.7, 0.33, -0.01, 0.0, 0.26], dtype=np.float32),        # largest is positive
        np.array([-0.8, 0.1, 0.35, -0.3, 0.62, 0.0, -0.47], dtype=np.float32),        # largest is negative
        rng.normal(0.0, 0.05, (64, 10)).astype(np.float32),                           # a dense kernel
    ]


def _check_round_to_4_bits(round_to_4_bits):
    require(round_to_4_bits)
    for values in _cases():
        result = call(round_to_4_bits, values.copy())
        result = expect_array(result, values.shape, name="The rounded kernel")
        if not np.issubdtype(result.dtype, np.floating):
            raise Incorrect(f"Your function returned {result.dtype} values. Return the rounded weights as floats "
                            "(codes x scale): fake quantization keeps real values, on the 4-bit grid.")
        expected = _reference(values)
        scale = max(float(values.max()) / 7, -float(values.min()) / 8)
        if np.allclose(result, expected, rtol=0, atol=1e-6 * max(scale, 1e-12) + 1e-7):
            continue
        if np.allclose(result, np.round(expected / scale), atol=1e-4):
            raise Incorrect("You returned the integer codes. Multiply them by the scale: the function returns "
                            "the rounded weights, which the model uses in place of the float ones.")
        narrow = float(np.abs(values).max()) / 7
        if np.allclose(result, _round_with_scale(values, narrow, -7, 7), atol=1e-6):
            raise Incorrect("You used max|w| / 7 for both signs (codes -7..7, the 'narrow range'). With "
                            "narrow_range=False the codes run from -8 to 7: the negative side has one more code, "
                            "so the scale is max(w.max() / 7, -w.min() / 8).")
        if np.allclose(result, _round_with_scale(values, float(np.abs(values).max()) / 8), atol=1e-6):
            raise Incorrect("With a scale of max|w| / 8 the largest positive weight does not fit: code 7 is the "
                            "top. The scale is max(w.max() / 7, -w.min() / 8).")
        if np.allclose(result, _round_with_scale(values, scale, rounding=np.floor), atol=1e-6) or \
                np.allclose(result, _round_with_scale(values, scale, rounding=np.trunc), atol=1e-6):
            raise Incorrect("Round to the nearest code (np.round), not down or toward zero.")
        distinct = np.unique(result).size
        if distinct > 16:
            raise Incorrect(f"Your result has {distinct} distinct values; 4 bits hold at most 16 codes. "
                            "Divide by the scale, round, clip to -8..7, multiply back.")
        worst = float(np.abs(result.astype(np.float64) - expected).max())
        raise Incorrect(f"For a kernel of shape {values.shape} your values differ from the expected ones by up to "
                        f"{worst:.3g}. Use one scale for the whole tensor: max(w.max() / 7, -w.min() / 8).")


round_to_4_bits = Exercise(
    "Exercise 4.1 — Round a kernel to 4 bits",
    _check_round_to_4_bits,
    hints=[
        "Three steps: pick one scale for the whole tensor, turn each weight into an integer code "
        "from -8 to 7, and multiply the codes by the scale again.",
        "scale = max(kernel.max() / 7, -kernel.min() / 8): the largest weight lands on code 7, the most "
        "negative one on code -8 (or inside the range).",
        "return np.clip(np.round(kernel / scale), -8, 7) * scale",
    ],
    success="That is exactly what TFMOT's LastValueQuantizer does to a kernel in every training step.",
)


# --- Exercise 5.1: quantize only the convolutions -------------------------------------------

def _check_annotate_convolutions(annotate_convolutions, model=None):
    import tensorflow as tf
    import tensorflow_model_optimization as tfmot
    # What quantize_annotate_layer returns; TFMOT does not export the class itself.
    from tensorflow_model_optimization.python.core.quantization.keras.quantize_annotate import (
        QuantizeAnnotate as annotate_class)

    if unanswered(annotate_convolutions):
        raise NotAttempted()
    if not callable(annotate_convolutions):
        raise Incorrect(f"Expected a function annotate_convolutions(layer); got a "
                        f"{type(annotate_convolutions).__name__}.")
    if model is None:
        from edgebook import models

        model = models.baseline_cnn()
    fresh = tf.keras.models.clone_model(model)  # the learner's function must not touch the lesson's model
    results = {}
    for layer in fresh.layers:
        try:
            results[layer.name] = annotate_convolutions(layer)
        except Exception as error:  # the learner's code: report it, never raise
            raise Incorrect(f"For layer {layer.name!r} your function raised {type(error).__name__}: {error}") from None
    if all(unanswered(result) for result in results.values()):
        raise NotAttempted()
    returned_nothing = [name for name, result in results.items() if unanswered(result)]
    if returned_nothing:
        raise Incorrect(f"Your function returns None for {', '.join(returned_nothing)}. clone_model needs a layer "
                        "back for every layer: return the layer itself for the ones you do not quantize.")
    for name, result in results.items():
        if not isinstance(result, (tf.keras.layers.Layer, annotate_class)):
            raise Incorrect(f"For {name!r} your function returned a {type(result).__name__}; return a layer.")
    annotated = [name for name, result in results.items() if isinstance(result, annotate_class)]
    expected = [layer.name for layer in fresh.layers if isinstance(layer, tf.keras.layers.Conv2D)]
    if annotated == expected:
        try:
            clone = tf.keras.models.clone_model(model, clone_function=annotate_convolutions)
            tfmot.quantization.keras.quantize_apply(clone)
        except Exception as error:
            raise Incorrect(f"Annotating works layer by layer, but quantize_apply failed on the clone: "
                            f"{type(error).__name__}: {error}") from None
        return
    if not annotated:
        raise Incorrect("Your function annotates no layer. Return "
                        "tfmot.quantization.keras.quantize_annotate_layer(layer) for each Conv2D layer.")
    extra = [name for name in annotated if name not in expected]
    if extra:
        raise Incorrect(f"You also annotated {', '.join(extra)}. Only the Conv2D layers "
                        f"({', '.join(expected)}): test isinstance(layer, tf.keras.layers.Conv2D).")
    missing = [name for name in expected if name not in annotated]
    raise Incorrect(f"{', '.join(missing)} is a Conv2D layer too: annotate it as well.")


annotate_convolutions = Exercise(
    "Exercise 5.1 — Quantize only the convolutions",
    _check_annotate_convolutions,
    hints=[
        "clone_model calls your function once per layer and builds the new model from what it returns.",
        "if isinstance(layer, tf.keras.layers.Conv2D): return the annotated layer; otherwise return the layer.",
        "return tfmot.quantization.keras.quantize_annotate_layer(layer) if isinstance(layer, "
        "tf.keras.layers.Conv2D) else layer",
    ],
    success="Both convolutions read quantized values (the model's input, then conv1's output): they run in int8.",
)


# --- Exercise 6.1: QAT or PTQ? -----------------------------------------------------------------

METHODS = ("QAT", "PTQ")
ANSWERS = {"A": ("PTQ", 1), "B": ("QAT", 3), "C": ("PTQ", 2), "D": ("QAT", 4)}
FALSE_STATEMENTS = {
    5: "Statement 5 is not true: at 8 bits both store every weight in one byte (int8).",
    6: "Statement 6 is not true: at 8 bits both run the same int8 operators (section 3 checked the op lists).",
}
_WRONG_METHOD = {
    "A": "Scenario A: PTQ already stays within about a point of float here, and there is no time to train.",
    "B": "Scenario B: section 4 measured what rounding a trained model to 2 bits does without training.",
    "C": "Scenario C: without labelled data and training code you cannot fine-tune at all.",
    "D": "Scenario D: PTQ loses too much, and you have what QAT needs (the data and the training pipeline).",
}
_WRONG_REASON = {
    "A": "Right method; for A the point is that PTQ is already close enough (statement 1).",
    "B": "Right method; for B the point is the very low bit width (statement 3), not int8.",
    "C": "Right method; for C the point is what each method needs (statement 2).",
    "D": "Right method; D is about int8, not a very low bit width: which statement says PTQ loses too much at 8 bits?",
}


def _check_qat_or_ptq(choices):
    choices = expect_dict(choices, tuple(ANSWERS))  # one key per scenario, every one answered
    for key in ANSWERS:
        choice = choices[key]
        if not isinstance(choice, (tuple, list)) or len(choice) != 2:
            raise Incorrect(f"Scenario {key}: give a pair (method, statement number), e.g. ('QAT', 3).")
        method, reason = choice
        if not isinstance(method, str) or method.strip().upper() not in METHODS:
            raise Incorrect(f"Scenario {key}: the method is 'QAT' or 'PTQ'; you gave {method!r}.")
        if isinstance(reason, bool) or not isinstance(reason, numbers.Integral) or not 1 <= reason <= 6:
            raise Incorrect(f"Scenario {key}: the reason is a statement number from 1 to 6; you gave {reason!r}.")
    for key, (method, reason) in ((k, choices[k]) for k in ANSWERS):
        if reason in FALSE_STATEMENTS:
            raise Incorrect(f"Scenario {key}: {FALSE_STATEMENTS[reason]}")
    for key, (right_method, right_reason) in ANSWERS.items():
        method, reason = choices[key]
        if method.strip().upper() != right_method:
            raise Incorrect(_WRONG_METHOD[key])
        if reason != right_reason:
            raise Incorrect(_WRONG_REASON[key])


qat_or_ptq = Exercise(
    "Exercise 6.1 — QAT or PTQ?",
    _check_qat_or_ptq,
    hints=[
        "QAT costs a training run and needs labelled data; it pays off only where PTQ loses too much.",
        "Two scenarios are PTQ (one because it is good enough, one because QAT is impossible), two are QAT. "
        "Statements 5 and 6 are false: the table in section 3 shows why.",
        "A: PTQ, 1. C: PTQ, 2. For B and D, match 'very few bits' and 'int8 loses too much' to statements 3 and 4.",
    ],
    success="QAT is a tool for when post-training quantization is not good enough, and you can train.",
)
