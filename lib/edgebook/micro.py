"""TensorFlow Lite for Microcontrollers (TFLM) on the host, and what a board needs.

The ``tflite-micro`` package runs the same C++ interpreter and kernels that run
on a microcontroller, compiled for this machine. With it a lesson can

- ``run`` an int8 model in TFLM (float in, float out: (de)quantization handled),
- ``compare`` TFLM with LiteRT's reference kernels, output by output,
- find the ``smallest_arena`` the model runs in, next to its
  ``peak_activation_bytes`` (a lower bound read from the file),
- ``export_cpp`` the model as C++ source with an op resolver and arena size,
  and ``compile_check`` it with ``g++ -c``,
- check whether it ``fits`` a real board and ``estimate`` latency and energy there.

Introduced in 12_tflm_hello_world.
"""
from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
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


# --- running a model in TFLM --------------------------------------------------------

def _interpreter(model_bytes: bytes, arena_size: int):
    from tflite_micro.python.tflite_micro import runtime as tflm

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


@dataclasses.dataclass(frozen=True)
class Agreement:
    """How TFLM's outputs compare with LiteRT's reference kernels on the same inputs."""

    samples: int
    outputs: int                # output values compared
    different: int              # how many of them differ at all
    max_difference: float       # largest difference, in the output's own units (int8 steps if quantized)
    max_float_difference: float  # the same after dequantization

    @property
    def identical(self) -> bool:
        return self.different == 0

    def __str__(self) -> str:
        verdict = "identical" if self.identical else f"{self.different:,} differ"
        return (f"TFLM vs LiteRT reference kernels on {self.samples:,} samples: {self.outputs:,} outputs, "
                f"{verdict} (max difference {self.max_difference:g}, {self.max_float_difference:.3g} after "
                "dequantization)")


def compare(model, x, *, arena_size: int | None = None) -> Agreement:
    """Run ``x`` through TFLM and through LiteRT with reference kernels; count differing outputs.

    The reference kernels (``OpResolverType.BUILTIN_REF``) are plain C++ loops,
    the same arithmetic TFLM's portable kernels do, so an int8 model should give
    identical outputs; LiteRT's optimized kernels may round differently.
    """
    reference = LiteModel(model, reference_kernels=True)
    prepared = reference._prepare(x)
    expected = np.concatenate([reference._invoke(sample[np.newaxis])[0] for sample in prepared])
    actual = run(reference.model_bytes, prepared, arena_size=arena_size, raw=True)
    difference = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
    float_difference = np.abs(reference.dequantize_output(actual) - reference.dequantize_output(expected))
    return Agreement(len(prepared), int(expected.size), int(np.count_nonzero(difference)),
                     float(difference.max(initial=0)), float(np.max(float_difference, initial=0)))


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


def recorded_arena_bytes(model, arena_size: int | None = None) -> int:
    """Arena bytes TFLM's recording allocator reports after preparing and running the model once."""
    model_bytes = read_model_bytes(model)
    interpreter = _interpreter(model_bytes, arena_size or default_arena(model_bytes))
    lite = LiteModel(model_bytes)
    interpreter.set_input(np.zeros([max(d, 1) for d in lite.input.shape], lite.input.dtype), 0)
    interpreter.invoke()
    with captured_native_output(2) as report:  # TFLM prints its report on stderr
        interpreter.print_allocations()
    found = re.search(r"Arena allocation total (\d+) bytes", report.getvalue())
    if not found:
        raise MicroError(f"TFLM printed no arena total; it said: {report.getvalue()[:200]!r}")
    return int(found.group(1))


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
    """The smallest arena a model ran in, found by bisection, and what bounds it."""

    smallest: int          # bytes: the model prepares and runs with this arena, not with 16 bytes less
    recorded: int          # what TFLM's recording allocator reports with a generous arena
    peak_activations: int  # lower bound from tensor lifetimes (no bookkeeping)
    tries: int

    def __str__(self) -> str:
        return (f"smallest arena {self.smallest:,} B (found in {self.tries} tries); TFLM records "
                f"{self.recorded:,} B; peak activations {self.peak_activations:,} B")


def smallest_arena(model) -> ArenaSearch:
    """Find the smallest tensor arena that works, by bisection in 16-byte steps.

    Each try prepares and runs the model once in a fresh process. The result is
    for this host (64-bit pointers): on a 32-bit microcontroller TFLM's
    bookkeeping is a little smaller, so the same arena is enough there.
    """
    model_bytes = read_model_bytes(model)
    model_path = paths.build_dir("micro") / "arena_probe.tflite"
    model_path.write_bytes(model_bytes)
    recorded = recorded_arena_bytes(model_bytes)
    low, high = 0, -(-recorded // ARENA_ALIGNMENT) * ARENA_ALIGNMENT  # low fails (or is 0), high works
    tries = 0
    while not _runs_with_arena(model_path, high):  # the recorded size plus alignment should do
        low, high, tries = high, high * 2, tries + 1
    while high - low > ARENA_ALIGNMENT:
        middle = (low + high) // 2 // ARENA_ALIGNMENT * ARENA_ALIGNMENT
        tries += 1
        if _runs_with_arena(model_path, middle):
            high = middle
        else:
            low = middle
    return ArenaSearch(high, recorded, peak_activation_bytes(model_bytes), tries + 1)


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
        return (f"{self.folder}: {listing} ({self.model_bytes:,}-byte model, {len(self.ops)} op types, "
                f"kTensorArenaSize = {self.arena_size:,})")


def _c_array(data: bytes, per_line: int = 12) -> str:
    rows = [", ".join(f"0x{b:02x}" for b in data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return ",\n".join(f"    {row}" for row in rows)


def export_cpp(model, name: str, *, arena_size: int | None = None, folder=None) -> CppExport:
    """Write the model as C++ source a TFLM sketch can include.

    - ``<name>_model_data.h`` / ``.cc``: the bytes in a 16-byte aligned array
      and its length (the model is read in place, from flash);
    - ``<name>_op_resolver.h``: a ``MicroMutableOpResolver<N>`` holding exactly
      the model's ops, and ``kTensorArenaSize``.

    ``arena_size`` defaults to the smallest arena found by search plus 10% headroom.
    """
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ModelInputError(f"name must be a C identifier in lower case, such as 'hello_world'; got {name!r}.")
    model_bytes = read_model_bytes(model)
    if arena_size is None:
        arena_size = -(-int(smallest_arena(model_bytes).smallest * 1.1) // ARENA_ALIGNMENT) * ARENA_ALIGNMENT
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
        f"// Bytes for the tensor arena: found by search on the host, plus 10% headroom.\n"
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
    """Compile the generated model data with ``g++ -c`` and return the compiler's command line.

    The op resolver header needs TFLM's own headers, which come with the TFLM
    source tree or the Arduino library; the data files need nothing but a compiler.
    """
    compiler = shutil.which("g++")
    if compiler is None:
        raise MicroError("g++ is not installed here: install it (Debian: apt-get install g++) to compile the export.")
    source = export.folder / f"{export.name}_model_data.cc"
    command = [compiler, "-std=c++17", "-Wall", "-Werror", "-c", str(source), "-o", str(source.with_suffix(".o"))]
    result = subprocess.run(command, capture_output=True, text=True)
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


BOARDS = {
    "arduino_nano_33_ble_sense": Board("Arduino Nano 33 BLE Sense", "nRF52840, Cortex-M4F", 64, 1024 * 1024,
                                       256 * 1024, 20.0, 0.5),
    "esp32_s3": Board("ESP32-S3-DevKitC-1 (N8R8)", "ESP32-S3, Xtensa LX7 with vector extensions", 240,
                      8 * 1024 * 1024, 512 * 1024, 150.0, 1.0),
    "raspberry_pi_pico": Board("Raspberry Pi Pico", "RP2040, Cortex-M0+", 133, 2 * 1024 * 1024, 264 * 1024,
                               25.0, 0.1),
}
"""Flash and RAM from the makers' datasheets. ``active_mw`` and ``macs_per_cycle`` are rough
assumptions for an estimate, not measurements: CMSIS-NN on a Cortex-M4 sustains about
0.5 int8 MACs per cycle in convolutions, a Cortex-M0+ (no SIMD) much less."""


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
                f" = {self.latency_ms:.2f} ms, x {b.active_mw:g} mW = {self.energy_mj:.3f} mJ per inference")


def estimate(model, board_name: str) -> Estimate:
    """Latency = MACs / (MACs per cycle x clock); energy = latency x active power. An estimate only:
    it ignores memory traffic and the ops without MACs, so treat it as a lower bound on latency."""
    b = board(board_name)
    total = modelfile.macs(model)
    latency_s = total / (b.macs_per_cycle * b.clock_mhz * 1e6)
    return Estimate(b, total, latency_s * 1e3, latency_s * b.active_mw)
