"""Running a model in TFLM on the host, and comparing it with LiteRT output by output.

Introduced in 12_tflm_hello_world.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from edgebook.micro.arena import default_arena
from edgebook.micro.interpreter import check_ops, load_interpreter, model_io
from edgebook.modelfile import read_model_bytes
from edgebook.runtime import LiteModel
from edgebook.showing import shows_itself


def run(model, x, *, arena_size: int | None = None, raw: bool = False) -> np.ndarray:
    """Outputs of a model for a batch of inputs, run one sample at a time in TFLM.

    Float input is quantized for an int8 model and int8 output dequantized, with
    the scale and zero point stored in the model (as ``LiteModel.predict`` does).
    ``raw=True`` returns the output tensor exactly as TFLM wrote it. An output
    without a batch axis (micro_speech's audio front end gives 40 numbers, shape
    (40,)) gets one: the result is (samples, 40).

    The samples run one after the other in the same interpreter, so a model that
    keeps state between invocations carries it from each sample to the next, in
    order, as on a device: a front end's noise estimate, or a streaming model's
    resource variables (``modelstate.variables``). Every call starts afresh, from
    the state its init subgraph sets. So pass a whole stream in one call, not one
    slice per call.
    """
    model_bytes = read_model_bytes(model)
    check_ops(model_bytes)
    interpreter = load_interpreter(model_bytes, default_arena(model_bytes) if arena_size is None
                                   else arena_size, probe_first=arena_size is not None)
    io = model_io(interpreter)  # TFLM's own tensor details: no LiteRT involved
    x = io.prepare(x)
    outputs = []
    for sample in x:
        interpreter.set_input(sample[np.newaxis], 0)
        interpreter.invoke()
        outputs.append(np.array(interpreter.get_output(0)))
    batched = len(io.output.shape) > 0 and io.output.shape[0] in (1, -1)
    result = np.concatenate(outputs) if batched else np.stack(outputs)
    return result if raw else io.dequantize_output(result)


KERNELS = {
    "reference": "reference kernels",
    "builtin": "built-in kernels (no XNNPACK)",
    "xnnpack": "XNNPACK",
}
"""The LiteRT kernels ``compare`` can hold TFLM against (see ``compare``)."""


@dataclasses.dataclass(frozen=True)
@shows_itself
class Agreement:
    """How TFLM's outputs compare with LiteRT's on the same (quantized) inputs."""

    samples: int
    outputs: int                # output values compared
    different: int              # how many of them differ at all
    max_difference: float       # largest difference, in the output's own units (int8 steps if quantized)
    max_float_difference: float  # the same after dequantization
    kernels: str = "reference"  # which LiteRT kernels TFLM was compared with (a key of KERNELS)

    @property
    def identical(self) -> bool:
        return self.different == 0

    def __str__(self) -> str:
        verdict = "identical" if self.identical else f"{self.different:,} differ"
        return (f"TFLM vs LiteRT {KERNELS.get(self.kernels, self.kernels)} on {self.samples:,} samples: "
                f"{self.outputs:,} outputs, {verdict} (max difference {self.max_difference:g}, "
                f"{self.max_float_difference:.3g} after dequantization)")


def compare(model, x, *, arena_size: int | None = None, kernels: str = "reference") -> Agreement:
    """Run ``x`` through TFLM and through LiteRT; count the outputs that differ.

    Both get the same inputs (float input is quantized once, with the model's
    scale and zero point), one sample at a time. ``kernels`` picks LiteRT's side:

    - ``"reference"`` (default): LiteRT's reference kernels (``OpResolverType.BUILTIN_REF``),
      plain C++ loops, the same on every machine;
    - ``"builtin"``: LiteRT's optimized built-in kernels without the XNNPACK delegate;
    - ``"xnnpack"``: what ``runtime.load`` runs by default (XNNPACK where it can).

    A float model gives identical outputs. An int8 model can differ by a step
    here and there even against the reference kernels: every int8 op ends by
    *requantizing* its int32 accumulator (multiply by a fixed-point multiplier,
    shift right, round), and the ``ai_edge_litert`` reference kernels round once
    (``TFLITE_SINGLE_ROUNDING``) while TFLM rounds twice, as gemmlowp does
    (12_tflm_hello_world reproduces both, bit for bit, with NumPy). The optimized
    kernels are free to compute differently again, and may differ by CPU.
    """
    if kernels not in KERNELS:
        raise ValueError(f"kernels must be one of {', '.join(map(repr, KERNELS))}; you gave {kernels!r}.")
    options = {"reference": dict(reference_kernels=True), "builtin": dict(xnnpack=False),
               "xnnpack": dict()}[kernels]
    model_bytes = read_model_bytes(model)
    check_ops(model_bytes)
    litert = LiteModel(model_bytes, **options)
    prepared = litert.prepare(x)
    expected = np.concatenate([litert.invoke(sample[np.newaxis])[0] for sample in prepared])
    actual = run(litert.model_bytes, prepared, arena_size=arena_size, raw=True)
    difference = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
    float_difference = np.abs(litert.dequantize_output(actual) - litert.dequantize_output(expected))
    return Agreement(len(prepared), int(expected.size), int(np.count_nonzero(difference)),
                     float(difference.max(initial=0)), float(np.max(float_difference, initial=0)), kernels)
