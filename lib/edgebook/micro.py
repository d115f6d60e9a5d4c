"""TensorFlow Lite for Microcontrollers (TFLM) on the host, and what a board needs.

The ``tflite-micro`` package runs the same C++ interpreter and kernels that run
on a microcontroller, compiled for this machine. With it a lesson can

- see where a model file's bytes go (``size_breakdown``) and ``strip`` what TFLM
  never reads (names, signatures, the converter's metadata),
- ``run`` an int8 model in TFLM (float in, float out: (de)quantization handled),
- ``compare`` TFLM with LiteRT (reference kernels by default), output by output,
  and explain the differences: ``quantize_multiplier`` and ``requantize`` do an
  int8 op's rescaling in integers, rounding twice (TFLM) or once (LiteRT),
- find the ``smallest_arena`` the model runs in, next to what TFLM's recording
  allocator reports (``arena_report``) and ``peak_activation_bytes`` (a lower
  bound read from the file),
- ``export_cpp`` the model as C++ source with an op resolver and arena size,
  and ``compile_check`` it with ``g++ -c``,
- check whether it ``fits`` a real board and ``estimate`` latency and energy there.

Introduced in 12_tflm_hello_world.
"""
from __future__ import annotations

import dataclasses
import math
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np

from edgebook import modelfile, paths
from edgebook.context import captured_native_output
from edgebook.errors import EdgebookError, ModelInputError
from edgebook.runtime import LiteModel, read_model_bytes

ARENA_ALIGNMENT = 16
"""TFLM aligns every buffer in the arena to 16 bytes; arena sizes are searched in these steps."""


class MicroError(EdgebookError):
    """TFLM could not load or run a model (an op without a kernel, an arena too small...)."""


# --- the model file: what TFLM reads, and what it never does ---------------------------

_FOR_LITERT_ONLY = modelfile.CONVERTER_ENTRIES
"""Metadata the converter writes for LiteRT ("min_runtime_version", "CONVERSION_METADATA"):
TFLM never reads it. TFLM reads one metadata entry, "OfflineMemoryAllocation", which ``strip`` keeps."""


def _without_buffers(model_t, unused: set) -> None:
    """Delete the buffers in ``unused`` and renumber every reference to the others."""
    kept = [i for i in range(len(model_t.buffers)) if i not in unused]
    new_index = {old: new for new, old in enumerate(kept)}
    model_t.buffers = [model_t.buffers[i] for i in kept]
    for graph in model_t.subgraphs:
        for tensor in graph.tensors:
            tensor.buffer = new_index[tensor.buffer]
    for entry in model_t.metadata or []:
        entry.buffer = new_index[entry.buffer]


def _parse_for_editing(model):
    model_t = modelfile.parse(model)
    if any(buffer.offset > 1 for buffer in model_t.buffers):
        raise ModelInputError("This model keeps its buffers after the FlatBuffer (a model over 2 GB), "
                              "far too big for a microcontroller; micro cannot re-pack it.")
    return model_t


def _drop_strings(model_t) -> None:
    from ai_edge_litert.tools import flatbuffer_utils

    flatbuffer_utils.strip_strings(model_t)  # description, subgraph and tensor names, signatures


def _drop_converter_metadata(model_t) -> None:
    entries = model_t.metadata or []
    dropped = [e for e in entries if modelfile._name(e.name) in _FOR_LITERT_ONLY]
    model_t.metadata = [e for e in entries if e not in dropped] or None
    still_used = {t.buffer for g in model_t.subgraphs for t in g.tensors}
    still_used |= {e.buffer for e in model_t.metadata or []}
    _without_buffers(model_t, {e.buffer for e in dropped} - still_used - {0})


def strip(model) -> bytes:
    """A copy of the model without the parts TFLM never reads, so it takes less flash.

    Removed:

    - the model's description and the names of its subgraphs and tensors, and
      the signatures (named entry points for LiteRT's signature runners; TFLM
      finds inputs and outputs by index). LiteRT's own tool does exactly this:
      ``ai_edge_litert.tools.flatbuffer_utils.strip_strings``;
    - the converter's metadata entries "min_runtime_version" and
      "CONVERSION_METADATA", and the buffers that held them.

    Everything TFLM computes with stays byte for byte: operators, tensor shapes
    and types, quantization parameters, weights and biases, and any other
    metadata (such as labels, or TFLM's "OfflineMemoryAllocation" plan). So
    the stripped model gives exactly the same outputs, in TFLM and in LiteRT
    (``compare`` and 12_tflm_hello_world check it). What you lose is
    convenience on the LiteRT side: no signature runner (``runtime.wrap``) and
    empty tensor names.

    Introduced in 12_tflm_hello_world.
    """
    model_t = _parse_for_editing(model)
    _drop_strings(model_t)
    _drop_converter_metadata(model_t)
    return modelfile.pack(model_t)


SIZE_PARTS = ("weights and biases", "quantization parameters", "names and description", "signatures",
              "converter metadata", "FlatBuffer structure")
"""The parts ``size_breakdown`` splits a model file into, in this order."""


def _without_constants(model_t) -> None:
    for index in {t.buffer for g in model_t.subgraphs for t in g.tensors}:
        if index:
            model_t.buffers[index].data = None


def _without_quantization(model_t) -> None:
    for graph in model_t.subgraphs:
        for tensor in graph.tensors:
            tensor.quantization = None


def _without_names(model_t) -> None:
    model_t.description = None
    for graph in model_t.subgraphs:
        graph.name = None
        for tensor in graph.tensors:
            tensor.name = None


def _without_signatures(model_t) -> None:
    model_t.signatureDefs = None


def size_breakdown(model) -> dict[str, int]:
    """Where the bytes of a ``.tflite`` file go: {part: bytes}, the parts of ``SIZE_PARTS``.

    Each part is measured as how many bytes the file loses without it (the
    model is re-packed without that part alone; those copies are for measuring,
    not for running). "FlatBuffer structure" is the rest: the operators, the
    tensors' shapes and types, the op codes, the tables and offsets that tie
    them together, and alignment padding. The parts add up to the file size.

    Introduced in 12_tflm_hello_world.
    """
    model_bytes = read_model_bytes(model)
    removals = {"weights and biases": _without_constants, "quantization parameters": _without_quantization,
                "names and description": _without_names, "signatures": _without_signatures,
                "converter metadata": _drop_converter_metadata}
    parts = {}
    for part, remove in removals.items():
        model_t = _parse_for_editing(model_bytes)
        remove(model_t)
        parts[part] = len(model_bytes) - len(modelfile.pack(model_t))
    parts["FlatBuffer structure"] = len(model_bytes) - sum(parts.values())
    return parts


# --- running a model in TFLM --------------------------------------------------------

SOFTMAX_SMALLEST_INPUT_SCALE = 2.0 ** -26
"""TFLM's int8 softmax needs beta * input scale * 2**26 > 1; below it, TFLM aborts the whole process.

(``PreprocessSoftmaxScaling`` then calls ``QuantizeMultiplierGreaterThanOne``
with a multiplier of 1 or less, and its ``TFLITE_CHECK`` kills Python, and
with it a notebook's kernel.) An untrained or badly calibrated model whose
logits span less than about 4e-6 gets such a scale.
"""


def _check_softmax_scales(model_bytes: bytes) -> None:
    """Refuse, with a MicroError, a model that would make TFLM abort in its softmax."""
    from edgebook.modelfile import op_name, parse

    model_t = parse(model_bytes)
    for graph in model_t.subgraphs:
        for op in graph.operators:
            if op_name(model_t, op.opcodeIndex) != "SOFTMAX":
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


def _interpreter(model_bytes: bytes, arena_size: int):
    from tflite_micro.python.tflite_micro import runtime as tflm

    _check_softmax_scales(model_bytes)

    with captured_native_output(2) as said:  # TFLM explains failures on stderr
        try:
            return tflm.Interpreter.from_bytes(model_bytes, arena_size=arena_size)
        except RuntimeError as error:
            failure = error
    reason = " ".join(said.getvalue().split()) or str(failure)
    raise MicroError(f"TFLM could not prepare this model with a {arena_size:,}-byte arena: {reason} "
                     "If the arena is too small, pass a larger arena_size (micro.smallest_arena finds the "
                     "smallest); if an op has no kernel, compat.tflm_check (lesson 10) names it.")


def default_arena(model) -> int:
    """A generous arena for running a model on the host: the peak activations times 4, plus 16 KB."""
    return 4 * peak_activation_bytes(model) + 16 * 1024


def run(model, x, *, arena_size: int | None = None, raw: bool = False) -> np.ndarray:
    """Outputs of a model for a batch of inputs, run one sample at a time in TFLM.

    Float input is quantized for an int8 model and int8 output dequantized, with
    the scale and zero point stored in the model (as ``LiteModel.predict`` does).
    ``raw=True`` returns the output tensor exactly as TFLM wrote it.
    """
    lite = LiteModel(model)  # reads the tensor details and checks the input for us
    x = lite._prepare(x)
    interpreter = _interpreter(lite.model_bytes, arena_size or default_arena(lite.model_bytes))
    outputs = []
    for sample in x:
        interpreter.set_input(sample[np.newaxis], 0)
        interpreter.invoke()
        outputs.append(np.array(interpreter.get_output(0)))
    result = np.concatenate(outputs)
    return result if raw else lite.dequantize_output(result)


KERNELS = {
    "reference": "reference kernels",
    "builtin": "built-in kernels (no XNNPACK)",
    "xnnpack": "XNNPACK",
}
"""The LiteRT kernels ``compare`` can hold TFLM against (see ``compare``)."""


@dataclasses.dataclass(frozen=True)
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
    litert = LiteModel(model, **options)
    prepared = litert._prepare(x)
    expected = np.concatenate([litert._invoke(sample[np.newaxis])[0] for sample in prepared])
    actual = run(litert.model_bytes, prepared, arena_size=arena_size, raw=True)
    difference = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
    float_difference = np.abs(litert.dequantize_output(actual) - litert.dequantize_output(expected))
    return Agreement(len(prepared), int(expected.size), int(np.count_nonzero(difference)),
                     float(difference.max(initial=0)), float(np.max(float_difference, initial=0)), kernels)


# --- integer arithmetic: how an int8 op rescales its result --------------------------------
#
# An int8 op sums products of int8 values in an int32 accumulator, then rescales
# the sum to the output's scale: acc * (input_scale * weight_scale / output_scale).
# Kernels do this in integers: the real multiplier becomes a 31-bit fixed-point
# multiplier and a shift (``quantize_multiplier``), applied by ``requantize``.

ROUNDINGS = ("double", "single")
"""How ``requantize`` rounds: "double" as TFLM (and gemmlowp) do, "single" as LiteRT's reference kernels."""


def quantize_multiplier(real_multiplier: float) -> tuple[int, int]:
    """A positive real multiplier as (multiplier, shift): real = multiplier * 2**(shift - 31).

    ``multiplier`` is a 31-bit integer between 2**30 and 2**31 - 1; this is
    TFLite's and TFLM's ``QuantizeMultiplier``, computed in double precision.

    Introduced in 12_tflm_hello_world.
    """
    real_multiplier = float(real_multiplier)
    if real_multiplier < 0:
        raise ValueError(f"The multiplier must be positive (a ratio of scales); you gave {real_multiplier}.")
    if real_multiplier == 0:
        return 0, 0
    fraction, shift = math.frexp(real_multiplier)  # real = fraction * 2**shift, 0.5 <= fraction < 1
    multiplier = math.floor(fraction * 2**31 + 0.5)  # C's round(): halves away from zero
    if multiplier == 2**31:
        multiplier, shift = multiplier // 2, shift + 1
    if shift < -31:
        return 0, 0
    return int(multiplier), int(shift)


def requantize(accumulator, multiplier, shift, rounding: str = "double") -> np.ndarray:
    """``accumulator * multiplier * 2**(shift - 31)``, rounded to integers as a kernel does it.

    - ``"double"`` (TFLM, gemmlowp): first keep the high 32 bits of the doubled
      product, rounded (``SaturatingRoundingDoublingHighMul``), then divide by
      ``2**-shift``, rounding again, halves away from zero (``RoundingDivideByPOT``).
    - ``"single"`` (LiteRT built with ``TFLITE_SINGLE_ROUNDING``, as its
      reference kernels are): one exact product, one rounding, halves up.

    The two agree on most values and differ by 1 when the first rounding of
    "double" pushes a value across a half. Works on NumPy arrays (int64 inside);
    ``multiplier`` and ``shift`` may be per-channel arrays that broadcast.

    Introduced in 12_tflm_hello_world.
    """
    if rounding not in ROUNDINGS:
        raise ValueError(f"rounding must be 'double' (TFLM) or 'single' (LiteRT reference); you gave {rounding!r}.")
    x = np.asarray(accumulator, dtype=np.int64)
    m = np.asarray(multiplier, dtype=np.int64)
    shift = np.asarray(shift, dtype=np.int64)
    if rounding == "single":
        total_shift = 31 - shift
        return (x * m + (np.int64(1) << (total_shift - 1))) >> total_shift
    left, right = np.maximum(shift, 0), np.maximum(-shift, 0)
    product = (x << left) * m
    nudged = product + np.where(product >= 0, 1 << 30, 1 - (1 << 30))
    high = np.where(nudged >= 0, nudged >> 31, -((-nudged) >> 31))  # C division: towards zero
    mask = (np.int64(1) << right) - 1
    threshold = (mask >> 1) + (high < 0)
    return (high >> right) + ((high & mask) > threshold)


# --- memory: the tensor arena --------------------------------------------------------

def peak_activation_bytes(model) -> int:
    """The most activation bytes alive at once while the ops run: a lower bound for the arena.

    A tensor lives from the op that writes it (or the start, for inputs) to the
    last op that reads it (or the end, for outputs). Any memory planner must
    hold every live tensor at the same time; TFLM's arena also holds its own
    bookkeeping and alignment padding, so the real arena is larger.
    """
    m = modelfile.parse(model)
    graph = m.subgraphs[0]
    all_tensors = modelfile.tensors(model)
    sizes = {t.index: modelfile._elements(t.shape) * modelfile._ITEM_BYTES.get(t.dtype, 4)
             for t in all_tensors if not t.is_constant}
    last_op = len(graph.operators) - 1
    first_use = {int(i): 0 for i in graph.inputs}
    last_use = {int(i): last_op for i in graph.outputs}
    for step, op in enumerate(graph.operators):
        for i in op.outputs:
            first_use.setdefault(int(i), step)
        for i in op.inputs:
            if int(i) in sizes:
                last_use[int(i)] = max(last_use.get(int(i), step), step)
    peak = 0
    for step in range(last_op + 1):
        live = sum(size for i, size in sizes.items()
                   if first_use.get(i, 0) <= step <= last_use.get(i, first_use.get(i, 0)))
        peak = max(peak, live)
    return int(peak)


@dataclasses.dataclass(frozen=True)
class ArenaReport:
    """What TFLM's recording allocator says the arena holds once the model is prepared and has run.

    ``head`` holds the activations, laid out by TFLM's memory planner so that
    tensors that are never alive at the same time share bytes. ``tail`` holds
    what lives as long as the interpreter: one small struct per tensor and per
    op, the kernels' own data (multipliers and shifts), and the allocator's and
    interpreter's objects. ``sections`` names the parts of the tail TFLM
    records (the rest of the tail is those objects).

    Introduced in 12_tflm_hello_world.
    """

    total: int
    head: int
    tail: int
    sections: dict

    def __str__(self) -> str:
        lines = [f"TFLM records {self.total:,} B: head (activations) {self.head:,} B + tail "
                 f"(kept for the interpreter's lifetime) {self.tail:,} B"]
        lines += [f"  tail: {name:<45} {size:>6,} B" for name, size in self.sections.items()]
        rest = self.tail - sum(self.sections.values())
        lines.append(f"  tail: {'allocator and interpreter objects (the rest)':<45} {rest:>6,} B")
        return "\n".join(lines)


def arena_report(model, arena_size: int | None = None) -> ArenaReport:
    """Prepare and run the model once in TFLM (on zeros) and parse its ``print_allocations`` report.

    The total counts what stays allocated afterwards. While it prepares the
    model, TFLM also borrows *temporary* space in the arena (a table of every
    tensor's lifetime and the memory planner's working space) and gives it back
    before the first inference, so the smallest arena that works
    (``smallest_arena``) is larger than this total.

    Introduced in 12_tflm_hello_world.
    """
    model_bytes = read_model_bytes(model)
    interpreter = _interpreter(model_bytes, arena_size or default_arena(model_bytes))
    lite = LiteModel(model_bytes)
    interpreter.set_input(np.zeros([max(d, 1) for d in lite.input.shape], lite.input.dtype), 0)
    interpreter.invoke()
    with captured_native_output(2) as report:  # TFLM prints its report on stderr
        interpreter.print_allocations()
    text = report.getvalue()
    totals = {part: re.search(rf"Arena allocation {part} (\d+) bytes", text) for part in ("total", "head", "tail")}
    if not all(totals.values()):
        raise MicroError(f"TFLM printed no arena totals; it said: {text[:200]!r}")
    sections = {name: int(used) for name, used in re.findall(r"'([^']+)' used (\d+) bytes", text) if int(used)}
    return ArenaReport(*(int(totals[part].group(1)) for part in ("total", "head", "tail")), sections)


def recorded_arena_bytes(model, arena_size: int | None = None) -> int:
    """Arena bytes TFLM's recording allocator reports after preparing and running the model once.

    This is what stays allocated, not the peak during preparation: see ``arena_report``.
    """
    return arena_report(model, arena_size).total


_PROBE = textwrap.dedent("""
    import sys, numpy as np
    from tflite_micro.python.tflite_micro import runtime as tflm
    model = open(sys.argv[1], "rb").read()
    interpreter = tflm.Interpreter.from_bytes(model, arena_size=int(sys.argv[2]))
    interpreter.set_input(np.zeros(interpreter.get_input_details(0)["shape"],
                                   interpreter.get_input_details(0)["dtype"]), 0)
    interpreter.invoke()
""")


def _runs_with_arena(model_path: Path, arena_size: int) -> bool:
    # A separate process per try: with a tiny arena TFLM can crash the whole process.
    probe = subprocess.run([sys.executable, "-c", _PROBE, str(model_path), str(arena_size)],
                           capture_output=True, timeout=120)
    return probe.returncode == 0


@dataclasses.dataclass(frozen=True)
class ArenaSearch:
    """The smallest arena a model ran in, found by bisection, and what bounds it.

    ``smallest`` is usually larger than ``recorded``: TFLM's recording allocator
    reports what stays allocated after preparation, while the arena must also
    hold the temporary tables TFLM builds while it prepares the model
    (``preparation_bytes`` = the difference).
    """

    smallest: int          # bytes: the model prepares and runs with this arena, not with 16 bytes less
    recorded: int          # what TFLM's recording allocator reports with a generous arena
    peak_activations: int  # lower bound from tensor lifetimes (no bookkeeping)
    tries: int

    @property
    def preparation_bytes(self) -> int:
        """Arena bytes needed only while TFLM prepares the model (smallest minus recorded)."""
        return self.smallest - self.recorded

    def __str__(self) -> str:
        return (f"smallest arena {self.smallest:,} B (found in {self.tries} tries); TFLM records "
                f"{self.recorded:,} B in use after preparation (+{self.preparation_bytes:,} B borrowed while "
                f"preparing); peak activations {self.peak_activations:,} B")


def smallest_arena(model) -> ArenaSearch:
    """Find the smallest tensor arena that works, by bisection in 16-byte steps.

    Each try prepares and runs the model once in a fresh process. The result is
    for this host (64-bit pointers): on a 32-bit microcontroller TFLM's
    bookkeeping is a little smaller, so the same arena is enough there.
    """
    model_bytes = read_model_bytes(model)
    recorded = recorded_arena_bytes(model_bytes)
    # The recorded total is still in use after preparation, so no smaller arena can work:
    # bisect between it (fails, or is just enough) and a size that works.
    low = max(-(-recorded // ARENA_ALIGNMENT) * ARENA_ALIGNMENT - ARENA_ALIGNMENT, 0)
    step = max(recorded // 4 // ARENA_ALIGNMENT, 1) * ARENA_ALIGNMENT  # a first guess at the temporaries
    high, tries = low + step, 0
    with tempfile.TemporaryDirectory(dir=paths.build_dir("micro")) as folder:  # one file per search
        model_path = Path(folder) / "arena_probe.tflite"
        model_path.write_bytes(model_bytes)
        while True:  # double the step until an arena works
            tries += 1
            if _runs_with_arena(model_path, high):
                break
            low, step = high, step * 2
            high = low + step
        while high - low > ARENA_ALIGNMENT:
            middle = (low + high) // 2 // ARENA_ALIGNMENT * ARENA_ALIGNMENT
            tries += 1
            if _runs_with_arena(model_path, middle):
                high = middle
            else:
                low = middle
    return ArenaSearch(high, recorded, peak_activation_bytes(model_bytes), tries)


# --- C++ export -------------------------------------------------------------------------

_ADD_NAME_EXCEPTIONS = {"UNIDIRECTIONAL_SEQUENCE_LSTM": "AddUnidirectionalSequenceLSTM",
                        "PADV2": "AddPadV2", "CUMSUM": "AddCumSum"}


def resolver_method(op_name: str) -> str:
    """The ``MicroMutableOpResolver`` method that registers a built-in op: CONV_2D -> AddConv2D."""
    if op_name.startswith("CUSTOM:"):
        raise MicroError(f"{op_name} is a custom op: register it with AddCustom(name, registration).")
    if op_name in _ADD_NAME_EXCEPTIONS:
        return _ADD_NAME_EXCEPTIONS[op_name]
    return "Add" + "".join(word.capitalize() for word in op_name.split("_")).replace("2d", "2D")


@dataclasses.dataclass(frozen=True)
class CppExport:
    """The files ``export_cpp`` wrote."""

    folder: Path
    name: str
    files: tuple[Path, ...]
    model_bytes: int
    arena_size: int
    ops: tuple[str, ...]

    def __str__(self) -> str:
        listing = ", ".join(f.name for f in self.files)
        try:  # inside the repository, show the path from its root
            folder = self.folder.resolve().relative_to(paths.root())
        except ValueError:
            folder = self.folder
        kinds = f"{len(self.ops)} op type{'s' if len(self.ops) != 1 else ''}"
        return (f"{folder}: {listing} ({self.model_bytes:,}-byte model, {kinds}, "
                f"kTensorArenaSize = {self.arena_size:,})")


def _c_array(data: bytes, per_line: int = 12) -> str:
    rows = [", ".join(f"0x{b:02x}" for b in data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return ",\n".join(f"    {row}" for row in rows)


def with_headroom(arena_bytes: int, fraction: float = 0.1) -> int:
    """An arena size with some headroom: ``arena_bytes`` plus ``fraction``, rounded up to 16 bytes.

    Introduced in 12_tflm_hello_world.
    """
    return -(-int(arena_bytes * (1 + fraction)) // ARENA_ALIGNMENT) * ARENA_ALIGNMENT


def export_cpp(model, name: str, *, arena_size: int | None = None, folder=None) -> CppExport:
    """Write the model as C++ source a TFLM sketch can include.

    - ``<name>_model_data.h`` / ``.cc``: the bytes in a 16-byte aligned array
      and its length (the model is read in place, from flash);
    - ``<name>_op_resolver.h``: a ``MicroMutableOpResolver<N>`` holding exactly
      the model's ops, and ``kTensorArenaSize``.

    ``arena_size`` defaults to the smallest arena found by search plus 10% headroom
    (``with_headroom(smallest_arena(model).smallest)``).
    """
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ModelInputError(f"name must be a C identifier in lower case, such as 'hello_world'; got {name!r}.")
    model_bytes = read_model_bytes(model)
    if arena_size is None:
        arena_size = with_headroom(smallest_arena(model_bytes).smallest)
        arena_comment = "the smallest arena found by search on the host, plus 10% headroom"
    else:
        arena_comment = "chosen when the model was exported"
    ops = tuple(sorted(modelfile.op_counts(model_bytes)))
    folder = Path(folder) if folder else paths.build_dir("micro") / name
    folder.mkdir(parents=True, exist_ok=True)
    guard = f"{name.upper()}_MODEL_DATA_H_"
    header = folder / f"{name}_model_data.h"
    header.write_text(f"// Generated by edgebook.micro.export_cpp: the {name} model as a byte array.\n"
                      f"#ifndef {guard}\n#define {guard}\n\n"
                      f"extern const unsigned char g_{name}_model_data[];\n"
                      f"extern const unsigned int g_{name}_model_data_len;\n\n#endif  // {guard}\n")
    source = folder / f"{name}_model_data.cc"
    source.write_text(f'// Generated by edgebook.micro.export_cpp.\n#include "{header.name}"\n\n'
                      "// Aligned so TFLM can read the FlatBuffer in place, without a copy in RAM.\n"
                      f"alignas(16) const unsigned char g_{name}_model_data[] = {{\n{_c_array(model_bytes)}\n}};\n"
                      f"const unsigned int g_{name}_model_data_len = {len(model_bytes)};\n")
    resolver = folder / f"{name}_op_resolver.h"
    guard = f"{name.upper()}_OP_RESOLVER_H_"
    adds = "\n".join(f"  if (resolver.{resolver_method(op)}() != kTfLiteOk) return kTfLiteError;" for op in ops)
    resolver.write_text(
        f"// Generated by edgebook.micro.export_cpp: exactly the ops of the {name} model.\n"
        f"#ifndef {guard}\n#define {guard}\n\n"
        '#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"\n\n'
        f"// Bytes for the tensor arena: {arena_comment}.\n"
        f"constexpr int k{_camel(name)}TensorArenaSize = {arena_size};\n\n"
        f"using {_camel(name)}OpResolver = tflite::MicroMutableOpResolver<{len(ops)}>;\n\n"
        f"inline TfLiteStatus Register{_camel(name)}Ops({_camel(name)}OpResolver& resolver) {{\n"
        f"{adds}\n  return kTfLiteOk;\n}}\n\n#endif  // {guard}\n")
    return CppExport(folder, name, (header, source, resolver), len(model_bytes), arena_size, ops)


def _camel(name: str) -> str:
    return "".join(word.capitalize() for word in name.split("_"))


def read_back(export: CppExport) -> bytes:
    """The model bytes parsed back out of the generated ``.cc`` file (to prove the export is exact)."""
    text = (export.folder / f"{export.name}_model_data.cc").read_text()
    body = text[text.index("{") + 1:text.index("};")]
    return bytes(int(value, 16) for value in re.findall(r"0x([0-9a-f]{2})", body))


def compile_check(export: CppExport) -> str:
    """Compile the generated model data with ``g++ -c`` and return the command line (run in ``export.folder``).

    The op resolver header needs TFLM's own headers, which come with the TFLM
    source tree or the Arduino library; the data files need nothing but a compiler.
    """
    compiler = shutil.which("g++")
    if compiler is None:
        raise MicroError("g++ is not installed here: install it (Debian: apt-get install g++) to compile the export.")
    source = export.folder / f"{export.name}_model_data.cc"
    # Run in the export's folder, so the command line reads as you would type it there.
    command = ["g++", "-std=c++17", "-Wall", "-Werror", "-c", source.name, "-o", source.with_suffix(".o").name]
    result = subprocess.run([compiler, *command[1:]], capture_output=True, text=True, cwd=export.folder)
    if result.returncode != 0:
        raise MicroError(f"g++ could not compile {source.name}:\n{result.stderr[:2000]}")
    return " ".join(command)


# --- boards: memory budgets, latency and energy estimates ------------------------------------

@dataclasses.dataclass(frozen=True)
class Board:
    """A microcontroller board: its memory and the numbers an estimate needs (from its datasheet)."""

    name: str
    cpu: str
    clock_mhz: float
    flash_bytes: int
    ram_bytes: int
    active_mw: float       # typical power while computing
    macs_per_cycle: float  # int8 MACs per clock cycle sustained in conv kernels (an assumption)
    idle_mw: float = 1.0   # power while waiting for the next audio frame: CPU asleep, microphone on


BOARDS = {
    "arduino_nano_33_ble_sense": Board("Arduino Nano 33 BLE Sense", "nRF52840, Cortex-M4F", 64, 1024 * 1024,
                                       256 * 1024, 20.0, 0.5, idle_mw=1.0),
    "esp32_s3": Board("ESP32-S3-DevKitC-1 (N8R8)", "ESP32-S3, Xtensa LX7 with vector extensions", 240,
                      8 * 1024 * 1024, 512 * 1024, 150.0, 1.0, idle_mw=5.0),
    "raspberry_pi_pico": Board("Raspberry Pi Pico", "RP2040, Cortex-M0+", 133, 2 * 1024 * 1024, 264 * 1024,
                               25.0, 0.1, idle_mw=4.0),
}
"""Flash and RAM from the makers' datasheets. ``active_mw`` and ``macs_per_cycle`` are rough
assumptions for an estimate, not measurements: CMSIS-NN on a Cortex-M4 sustains about
0.5 int8 MACs per cycle in convolutions, a Cortex-M0+ (no SIMD) much less. ``idle_mw`` is the
power between bursts of work with the microphone still sampling (the chip in its lightest sleep
plus a PDM or I2S microphone, about 1 mW on the nRF52840, more on the others): also an assumption."""


def board(name: str) -> Board:
    if name not in BOARDS:
        raise KeyError(f"No board {name!r}; the course knows: {', '.join(BOARDS)}.")
    return BOARDS[name]


@dataclasses.dataclass(frozen=True)
class Fit:
    board: Board
    model_bytes: int
    arena_bytes: int

    @property
    def flash_share(self) -> float:
        return self.model_bytes / self.board.flash_bytes

    @property
    def ram_share(self) -> float:
        return self.arena_bytes / self.board.ram_bytes

    @property
    def fits(self) -> bool:
        return self.flash_share <= 1 and self.ram_share <= 1

    def __str__(self) -> str:
        verdict = "fits" if self.fits else "does NOT fit"
        return (f"{self.board.name}: {verdict} — model {self.model_bytes:,} B = {self.flash_share:.1%} of "
                f"{self.board.flash_bytes // 1024:,} KB flash, arena {self.arena_bytes:,} B = "
                f"{self.ram_share:.1%} of {self.board.ram_bytes // 1024:,} KB RAM")


def fits(model, board_name: str, arena_bytes: int) -> Fit:
    """Whether a model (in flash) and its arena (in RAM) fit a board; the rest of the app needs room too."""
    return Fit(board(board_name), len(read_model_bytes(model)), int(arena_bytes))


@dataclasses.dataclass(frozen=True)
class Estimate:
    """Latency and energy of one inference on a board, ESTIMATED from the MAC count."""

    board: Board
    macs: int
    latency_ms: float
    energy_mj: float

    def __str__(self) -> str:
        b = self.board
        return (f"ESTIMATE for {b.name}: {self.macs:,} MACs / ({b.macs_per_cycle} MACs/cycle x {b.clock_mhz:g} MHz)"
                f" = {_with_unit(self.latency_ms, 'ms', 'µs')}, x {b.active_mw:g} mW = "
                f"{_with_unit(self.energy_mj, 'mJ', 'µJ')} per inference")


def _with_unit(value: float, unit: str, micro_unit: str) -> str:
    """3 significant digits, in the micro- unit when the value is below 1 (0.009 ms -> 9 µs)."""
    return f"{value:.3g} {unit}" if value >= 1 else f"{value * 1000:.3g} {micro_unit}"


def estimate(model, board_name: str) -> Estimate:
    """Latency = MACs / (MACs per cycle x clock); energy = latency x active power. An estimate only:
    it ignores memory traffic and the ops without MACs, so treat it as a lower bound on latency."""
    b = board(board_name)
    total = modelfile.macs(model)
    latency_s = total / (b.macs_per_cycle * b.clock_mhz * 1e6)
    return Estimate(b, total, latency_s * 1e3, latency_s * b.active_mw)


@dataclasses.dataclass(frozen=True)
class EnergyEstimate:
    """Energy of an always-listening device for one hour, ESTIMATED with a two-state power model."""

    board: Board
    macs_per_second: float
    busy_share: float  # share of the time the CPU computes (the rest it waits, at idle power)
    joules_per_hour: float

    @property
    def average_mw(self) -> float:
        return self.joules_per_hour / 3.6

    def battery_hours(self, milliamp_hours: float = 225.0, volts: float = 3.0) -> float:
        """How long a battery lasts (default: a CR2032 coin cell, 225 mAh at 3 V), ignoring everything else."""
        return milliamp_hours * volts * 3.6 / self.joules_per_hour

    def __str__(self) -> str:
        return (f"ESTIMATE for {self.board.name}: {self.macs_per_second / 1e6:.3g} M MACs/s keep the CPU busy "
                f"{self.busy_share:.1%} of the time; {self.joules_per_hour:.3g} J per hour "
                f"(average {self.average_mw:.3g} mW)")


def energy_per_hour(board_name: str, macs_per_second: float) -> EnergyEstimate:
    """Energy per hour of a device that does ``macs_per_second`` of work, every second, all hour.

    The power model (an estimate, with the board's assumed numbers): the CPU
    computes at ``active_mw`` for ``macs / (macs_per_cycle x clock)`` seconds
    and waits at ``idle_mw`` the rest of the time. Memory traffic, the radio
    and the sensor's own processing are left out.

    Introduced in 16_cascades_and_deployment.
    """
    b = board(board_name)
    busy = macs_per_second / (b.macs_per_cycle * b.clock_mhz * 1e6)
    if busy > 1:
        raise MicroError(f"{macs_per_second:,.0f} MACs per second need {busy:.1f}x what {b.name} can do "
                         f"({b.macs_per_cycle} MACs/cycle x {b.clock_mhz:g} MHz): it cannot keep up in real time.")
    joules = 3600 * (busy * b.active_mw + (1 - busy) * b.idle_mw) / 1000
    return EnergyEstimate(b, float(macs_per_second), float(busy), float(joules))


# --- a deployable folder: the C++ export, an Arduino sketch, PlatformIO settings, a README ----------

PLATFORMIO_BOARDS = {
    "arduino_nano_33_ble_sense": ("nordicnrf52", "nano33ble"),
    "esp32_s3": ("espressif32", "esp32-s3-devkitc-1"),
    "raspberry_pi_pico": ("raspberrypi", "pico"),
}
"""PlatformIO's platform and board ids for the course's boards."""

TFLM_ARDUINO_LIBRARY = "https://github.com/tensorflow/tflite-micro-arduino-examples"


@dataclasses.dataclass(frozen=True)
class Deployment:
    """A folder that is an Arduino sketch and a PlatformIO project at once."""

    export: CppExport
    board: Board
    files: tuple[Path, ...]

    @property
    def folder(self) -> Path:
        return self.export.folder

    def __str__(self) -> str:
        return f"{self.export}\n  + {', '.join(f.name for f in self.files)} for {self.board.name}"


def _sketch(name: str, export: CppExport) -> str:
    camel = _camel(name)
    return f"""// Generated by edgebook.micro.deploy: runs the {name} model once a second and prints its outputs.
// The model is read from flash in place; only the tensor arena below lives in RAM.
#include <TensorFlowLite.h>

#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/schema/schema_generated.h"

#include "{name}_model_data.h"
#include "{name}_op_resolver.h"

namespace {{
alignas(16) uint8_t tensor_arena[k{camel}TensorArenaSize];
tflite::MicroInterpreter* interpreter = nullptr;

void stop(const char* why) {{
  Serial.println(why);
  while (true) {{}}
}}
}}  // namespace

void setup() {{
  Serial.begin(115200);
  while (!Serial && millis() < 3000) {{}}  // wait a little for the serial monitor

  const tflite::Model* model = tflite::GetModel(g_{name}_model_data);
  if (model->version() != TFLITE_SCHEMA_VERSION) stop("The model's schema version does not match this TFLM.");

  static {camel}OpResolver resolver;
  if (Register{camel}Ops(resolver) != kTfLiteOk) stop("Could not register the model's ops.");

  static tflite::MicroInterpreter static_interpreter(model, resolver, tensor_arena, k{camel}TensorArenaSize);
  interpreter = &static_interpreter;
  if (interpreter->AllocateTensors() != kTfLiteOk) {{
    stop("AllocateTensors failed: the arena is too small. Raise k{camel}TensorArenaSize.");
  }}
  Serial.print("{name}: arena used ");
  Serial.print(interpreter->arena_used_bytes());
  Serial.print(" of ");
  Serial.println(k{camel}TensorArenaSize);
}}

void loop() {{
  TfLiteTensor* input = interpreter->input(0);
  // Replace this with your sensor's data, quantized the way the model expects:
  // q = round(x / input->params.scale) + input->params.zero_point, clamped to -128..127.
  for (size_t i = 0; i < input->bytes; ++i) input->data.int8[i] = input->params.zero_point;

  const unsigned long start = micros();
  if (interpreter->Invoke() != kTfLiteOk) stop("Invoke failed.");
  const unsigned long elapsed = micros() - start;

  TfLiteTensor* output = interpreter->output(0);
  Serial.print("outputs:");
  for (size_t i = 0; i < output->bytes; ++i) {{
    Serial.print(' ');
    Serial.print((output->data.int8[i] - output->params.zero_point) * output->params.scale, 4);
  }}
  Serial.print("  (");
  Serial.print(elapsed);
  Serial.println(" us)");
  delay(1000);
}}
"""


def _readme(name: str, export: CppExport, fit: Fit, platform: tuple[str, str]) -> str:
    camel, b = _camel(name), fit.board
    return f"""# {name}: a TFLM sketch for {b.name}

Generated by `edgebook.micro.deploy` (lesson 16 of the Edge ML Workbook).

| file | what it is |
|---|---|
| `{name}_model_data.cc` / `.h` | the model, {export.model_bytes:,} bytes, as a 16-byte aligned array read from flash |
| `{name}_op_resolver.h` | `{camel}OpResolver` with exactly the model's {len(export.ops)} op types ({", ".join(export.ops)}) and `k{camel}TensorArenaSize = {export.arena_size:,}` |
| `{name}.ino` | a sketch that loads the model, allocates the arena, and runs it once a second on a placeholder input |
| `platformio.ini` | the same folder as a PlatformIO project |

{fit}.

## Arduino IDE

1. Install the board package for {b.name} (Tools > Board > Boards Manager).
2. Install TFLM for Arduino: download {TFLM_ARDUINO_LIBRARY} as a ZIP and add it with
   Sketch > Include Library > Add .ZIP Library.
3. Open `{name}.ino` (the folder's name must stay `{name}`), upload, and open the serial monitor at 115200 baud.
   It prints the arena TFLM really used, the outputs, and the time of one inference.

## PlatformIO

    pio run -t upload && pio device monitor -b 115200

`platformio.ini` sets `src_dir = .`, the board `{platform[1]}` on the platform `{platform[0]}`, and TFLM's
Arduino library as a dependency (downloaded by PlatformIO on the first build).

## What was tested, and what was not

- Tested by the course: the model data files compile with `g++ -std=c++17 -Wall -Werror -c`, and the bytes
  in the array parse back identical to the `.tflite` file; the model runs in the TFLM interpreter on the
  host with this arena.
- Not tested here: the sketch itself, which needs TFLM's headers and the board's toolchain. If
  `AllocateTensors` fails on the board, raise `k{camel}TensorArenaSize` (the board's kernels, such as
  CMSIS-NN, can need a little more scratch memory than the host's reference kernels).
- Replace the placeholder input in `loop()` with your sensor's data, pre-processed exactly as in training.
"""


def deploy(model, name: str, board_name: str = "arduino_nano_33_ble_sense", *, arena_size: int | None = None,
           folder=None) -> Deployment:
    """Write a folder that builds for a board: ``export_cpp``'s files, ``<name>.ino``, ``platformio.ini``
    and a ``README.md`` that says how to build it and what was tested.

    The data files are compiled here (``compile_check``); the sketch needs TFLM
    and the board's toolchain, which the README explains.

    Introduced in 16_cascades_and_deployment.
    """
    b = board(board_name)
    platform = PLATFORMIO_BOARDS[board_name]
    folder = Path(folder) if folder else paths.build_dir("deploy") / name
    export = export_cpp(model, name, arena_size=arena_size, folder=folder)
    fit = fits(model, board_name, export.arena_size)
    if not fit.fits:
        raise MicroError(f"{name} does not fit {b.name}: {fit}. Pick a larger board or a smaller model.")
    sketch = folder / f"{name}.ino"
    sketch.write_text(_sketch(name, export))
    ini = folder / "platformio.ini"
    ini.write_text(f"; Generated by edgebook.micro.deploy.\n[platformio]\nsrc_dir = .\n\n[env:{platform[1]}]\n"
                   f"platform = {platform[0]}\nboard = {platform[1]}\nframework = arduino\n"
                   f"monitor_speed = 115200\nlib_deps = {TFLM_ARDUINO_LIBRARY}\n")
    readme = folder / "README.md"
    readme.write_text(_readme(name, export, fit, platform))
    compile_check(export)
    return Deployment(export, b, (sketch, ini, readme))
