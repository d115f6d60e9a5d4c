"""Loading a model into TFLM's interpreter, after refusing the models that would abort it.

The interpreter is the same C++ code that runs on a microcontroller, compiled
for this machine by the ``tflite-micro`` package. ``running`` and ``arena``
load models through ``load_interpreter``.

Introduced in 12_tflm_hello_world.
"""
from __future__ import annotations

import operator
import signal
import subprocess
import sys
import textwrap

import numpy as np

from edgebook import modelfile
from edgebook.nativelogs import captured_native_output
from edgebook.micro.errors import MicroError
from edgebook.tensorinfo import TensorInfo
from edgebook.tensorio import ModelIO
from edgebook.unsupported import CUSTOM, SELECT, TFLM_SIGNAL_OPS, non_builtin_ops

SOFTMAX_SMALLEST_INPUT_SCALE = 2.0 ** -26
"""TFLM's int8 softmax needs beta * input scale * 2**26 > 1; below it, TFLM aborts the whole process.

(``PreprocessSoftmaxScaling`` then calls ``QuantizeMultiplierGreaterThanOne``
with a multiplier of 1 or less, and its ``TFLITE_CHECK`` kills Python, and
with it a notebook's kernel.) An untrained or badly calibrated model whose
logits span less than about 4e-6 gets such a scale.
"""


ALLOCATOR_BYTES = 464
"""The smallest arena the ``tflite-micro`` package survives, on this (64-bit) machine, for any model.

Before any tensor, TFLM's allocator puts its own objects at the end of the arena
(the allocator itself, the memory planner, the interpreter's tables). Measured
with tflite-micro 0.dev20261023 on four models (the shipped sine model, a float
and an int8 CNN, an int8 Dense layer), each size in a fresh process: at every
size tried below 464 bytes (0, 16, 64, 128, 256, 400, 432 and each of 440-463)
one of those allocations fails, and the Python package then uses the missing
object and crashes Python (a segmentation fault, which kills a notebook's
kernel); at 464 bytes it raises a clean error for all four. A 32-bit
microcontroller needs a little less. Larger arenas can crash too, in a model's
own kernels (the int8 CNN crashed at 1,808-1,824 bytes and ran from 2,256):
``load_interpreter(..., probe_first=True)`` catches those.
"""

_PROBE = textwrap.dedent("""
    import sys, numpy as np
    from tflite_micro.python.tflite_micro import runtime as tflm
    interpreter = tflm.Interpreter.from_bytes(sys.stdin.buffer.read(), arena_size=int(sys.argv[1]))
    if sys.argv[2] == "invoke":
        interpreter.set_input(np.zeros(interpreter.get_input_details(0)["shape"],
                                       interpreter.get_input_details(0)["dtype"]), 0)
        interpreter.invoke()
""")


def try_in_a_subprocess(model_bytes: bytes, arena_size: int, *, invoke: bool = False) -> int:
    """Prepare (and with ``invoke=True`` run once, on zeros) a model in TFLM in a fresh Python process.

    Returns the process's exit code: 0 when it worked, 1 for a clean error, and
    a negative number (minus the signal) when TFLM crashed the process. An arena
    that runs out part-way through an op's preparation can crash it: the kernels
    do not all check that their allocations succeeded.
    """
    probe = subprocess.run([sys.executable, "-c", _PROBE, str(arena_size), "invoke" if invoke else "prepare"],
                           input=model_bytes, capture_output=True, timeout=120)
    return probe.returncode


def checked_arena_size(arena_size) -> int:
    """``arena_size`` as a whole number of bytes, refused (MicroError) below what TFLM needs for itself."""
    try:
        size = operator.index(arena_size)
    except TypeError:
        raise MicroError(f"arena_size is a whole number of bytes, e.g. 4096; you gave {arena_size!r}.") from None
    if size < ALLOCATOR_BYTES:
        raise MicroError(
            f"An arena of {size:,} bytes cannot even hold TFLM's own allocator, which takes {ALLOCATOR_BYTES} "
            "bytes before any tensor (with less, TFLM crashes Python and your notebook's kernel). Pass a larger "
            "arena_size, or none at all: micro.smallest_arena(model) finds the smallest that works.")
    return size


def check_ops(model_bytes: bytes) -> None:
    """Refuse, with a MicroError that says what to do, a model with ops TFLM cannot run here: Select TF
    ops (never, on any microcontroller) and custom ops (only with a kernel registered in C++).

    TFLM's own signal-library ops (``TFLM_SIGNAL_OPS``) are custom ops that the
    ``tflite-micro`` package registers: those pass.
    """
    special = non_builtin_ops(model_bytes)
    flex = [name for name, kind in special.items() if kind == SELECT]
    custom = [name for name, kind in special.items() if kind == CUSTOM and name not in TFLM_SIGNAL_OPS]
    if custom and not flex:
        raise MicroError(
            f"This model uses the custom op{'s' if len(custom) > 1 else ''} {', '.join(custom)}. TFLM runs a custom "
            "op only with a kernel you write and register in C++ (MicroMutableOpResolver::AddCustom), and the "
            "tflite-micro package that micro.run uses registers kernels only for TFLM's own signal ops "
            "(unsupported.TFLM_SIGNAL_OPS). Rewrite the model with built-in ops and convert it again "
            "(10_ops_and_compatibility).")
    if flex:
        raise MicroError(
            f"This model uses Select TF ops ({', '.join(flex)}): TensorFlow's own kernels, run by the Flex "
            "delegate, which no microcontroller has (TFLM runs built-in ops only). Rewrite those ops with built-in "
            "ones and convert again without select_tf_ops (10_ops_and_compatibility shows how); compat.tflm_check "
            "names every op TFLM lacks.")


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


def load_interpreter(model_bytes: bytes, arena_size: int, *, probe_first: bool = False):
    """TFLM's interpreter for a model, with an arena of ``arena_size`` bytes; a MicroError says why it could not.

    ``probe_first=True`` (for an arena size someone chose, which may be just too
    small) first prepares the model in a separate process (``try_in_a_subprocess``,
    about 0.2 s), so that a crash there becomes a MicroError here.
    """
    from tflite_micro.python.tflite_micro import runtime as tflm

    arena_size = checked_arena_size(arena_size)
    check_ops(model_bytes)
    check_softmax_scales(model_bytes)
    if probe_first:
        exit_code = try_in_a_subprocess(model_bytes, arena_size)
        if exit_code < 0:
            raise MicroError(
                f"TFLM crashed ({signal.Signals(-exit_code).name}) preparing this model with a {arena_size:,}-byte "
                "arena (tried in a separate process, so your kernel lives): the arena ran out part-way through an "
                "op's preparation. Pass a larger arena_size: micro.smallest_arena(model) finds the smallest "
                "that works.")

    with captured_native_output(2) as said:  # TFLM explains failures on stderr
        try:
            return tflm.Interpreter.from_bytes(model_bytes, arena_size=arena_size)
        except RuntimeError as error:
            failure = error
    reason = " ".join(said.getvalue().split()) or str(failure)
    raise MicroError(f"TFLM could not prepare this model with a {arena_size:,}-byte arena: {reason} "
                     "If the arena is too small, pass a larger arena_size (micro.smallest_arena finds the "
                     "smallest); if an op has no kernel, compat.tflm_check (lesson 10) names it.")


def model_io(interpreter) -> ModelIO:
    """Input 0 and output 0 of a TFLM interpreter as a ``ModelIO``, from TFLM's own tensor details.

    So ``micro.run`` checks and quantizes input without asking LiteRT, which
    refuses some files TFLM runs (TFLM's person_detect.tflite, lesson 15).
    """
    def info(detail: dict, index: int, name: str) -> TensorInfo:
        quantization = detail.get("quantization_parameters", {})
        scales, zero_points = quantization.get("scales", []), quantization.get("zero_points", [])
        return TensorInfo(name, index, tuple(int(d) for d in detail["shape"]), np.dtype(detail["dtype"]),
                          float(scales[0]) if len(scales) else 0.0, int(zero_points[0]) if len(zero_points) else 0)

    return ModelIO([info(interpreter.get_input_details(0), 0, "input 0")],
                   [info(interpreter.get_output_details(0), 0, "output 0")])

