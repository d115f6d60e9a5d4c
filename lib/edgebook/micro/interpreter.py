"""Loading a model into TFLM's interpreter, after refusing the models that would abort it.

The interpreter is the same C++ code that runs on a microcontroller, compiled
for this machine by the ``tflite-micro`` package. ``running`` and ``arena``
load models through ``load_interpreter``.

Introduced in 12_tflm_hello_world.
"""
from __future__ import annotations

from edgebook import modelfile
from edgebook.nativelogs import captured_native_output
from edgebook.micro.errors import MicroError

SOFTMAX_SMALLEST_INPUT_SCALE = 2.0 ** -26
"""TFLM's int8 softmax needs beta * input scale * 2**26 > 1; below it, TFLM aborts the whole process.

(``PreprocessSoftmaxScaling`` then calls ``QuantizeMultiplierGreaterThanOne``
with a multiplier of 1 or less, and its ``TFLITE_CHECK`` kills Python, and
with it a notebook's kernel.) An untrained or badly calibrated model whose
logits span less than about 4e-6 gets such a scale.
"""


def check_softmax_scales(model_bytes: bytes) -> None:
    """Refuse, with a MicroError, a model that would make TFLM abort in its softmax."""
    model_t = modelfile.parse(model_bytes)
    for graph in model_t.subgraphs:
        for op in graph.operators:
            if modelfile.op_name(model_t, op.opcodeIndex) != "SOFTMAX":
                continue
            quantization = graph.tensors[op.inputs[0]].quantization
            if quantization is None or quantization.scale is None or len(quantization.scale) == 0:
                continue  # a float softmax has no multiplier to compute
            beta = getattr(op.builtinOptions, "beta", 1.0) or 1.0
            scale = float(quantization.scale[0])
            if beta * scale <= SOFTMAX_SMALLEST_INPUT_SCALE:
                raise MicroError(
                    f"This model's SOFTMAX input has the scale {scale:.3g}, below the {SOFTMAX_SMALLEST_INPUT_SCALE:.3g} "
                    "that TFLM's int8 softmax can handle (it would abort Python, and your notebook's kernel). "
                    "The logits it saw during calibration hardly vary: is the model trained? Train it, or "
                    "calibrate with representative_data that looks like the real input, and convert again.")


def load_interpreter(model_bytes: bytes, arena_size: int):
    """TFLM's interpreter for a model, with an arena of ``arena_size`` bytes; a MicroError says why it could not."""
    from tflite_micro.python.tflite_micro import runtime as tflm

    check_softmax_scales(model_bytes)

    with captured_native_output(2) as said:  # TFLM explains failures on stderr
        try:
            return tflm.Interpreter.from_bytes(model_bytes, arena_size=arena_size)
        except RuntimeError as error:
            failure = error
    reason = " ".join(said.getvalue().split()) or str(failure)
    raise MicroError(f"TFLM could not prepare this model with a {arena_size:,}-byte arena: {reason} "
                     "If the arena is too small, pass a larger arena_size (micro.smallest_arena finds the "
                     "smallest); if an op has no kernel, compat.tflm_check (lesson 10) names it.")
