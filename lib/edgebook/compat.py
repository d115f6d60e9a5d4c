"""Which runtime can run which ops: unsupported ops, Select TF ops, custom ops, the
model analyzer, the GPU delegate's op rules and TFLM's kernels.

LiteRT has a fixed set of *built-in* ops: kernels that every LiteRT runtime
ships. A TensorFlow op outside that set stops the converter, and there are three
ways out:

1. rewrite that part of the model with ops that have built-in kernels;
2. Select TF ops ("Flex"): keep the TensorFlow op and ship the Flex delegate,
   which runs it with TensorFlow's own kernel (a much bigger runtime);
3. a custom op: the converter writes a ``CUSTOM`` op and you register a kernel
   for it in every runtime you ship.

    >>> try:
    ...     convert.to_tflite(model)
    ... except compat.UnsupportedOpsError as error:
    ...     print(error)                      # which ops, and the three choices
    >>> flex_bytes = compat.convert(model, select_tf_ops=True)
    >>> compat.litert_check(flex_bytes)        # can ai_edge_litert run it? (no: no Flex delegate)
    >>> print(compat.gpu_check(model_bytes))   # which ops the GPU delegate would reject, and why
    >>> print(compat.tflm_check(int8_bytes))   # which ops TFLM has kernels for, by running them

Introduced in 10_ops_and_compatibility.
"""
from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import io
import re
import warnings
from collections import Counter
from pathlib import Path

import numpy as np

from edgebook import modelfile
from edgebook.errors import FlexUnavailableError, UnsupportedOpsError
from edgebook.modelfile import read_model_bytes
from edgebook.nativelogs import captured_native_output, muted_native_logs
# Why a conversion stops, and which custom ops a file holds: lesson 10 calls them as compat.X.
from edgebook.unsupported import (CUSTOM, FLEX_PREFIX, SELECT, explain_conversion_error,
                                  explain_unsupported_ops, non_builtin_ops, unsupported_ops)

__all__ = ["CUSTOM", "FLEX_PREFIX", "SELECT", "FlexUnavailableError", "UnsupportedOpsError",
           "explain_conversion_error", "explain_unsupported_ops", "non_builtin_ops", "unsupported_ops",
           "convert", "RuntimeCheck", "litert_check", "run_with_tensorflow_flex", "runtime_libraries",
           "capture_output", "analyze", "AnalyzerSummary", "summarize_analysis",
           "GPU_OPS", "GPU_CUSTOM_OPS", "OpVerdict", "OpReport", "gpu_check", "TflmReport", "tflm_check"]


# --- 1. Conversion that keeps ops without a built-in kernel -------------------------------

def convert(model, *, select_tf_ops: bool = False, allow_custom_ops: bool = False) -> bytes:
    """Float32 conversion that may keep ops without a built-in kernel.

    ``select_tf_ops=True`` adds ``SELECT_TF_OPS`` to the op sets: those ops are
    stored as ``Flex<Name>`` custom ops that the Flex delegate runs.
    ``allow_custom_ops=True`` writes every op without a kernel as a ``CUSTOM``
    op named after the TensorFlow op, for a kernel you register yourself.

    Introduced in 10_ops_and_compatibility.
    """
    import tensorflow as tf

    from edgebook.convert import converter_for, run_converter  # TensorFlow loads only when converting

    converter = converter_for(model)
    if select_tf_ops:
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS, tf.lite.OpsSet.SELECT_TF_OPS]
    converter.allow_custom_ops = allow_custom_ops
    return run_converter(converter)


# --- 2. Can a runtime run it? ------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class RuntimeCheck:
    """Whether one runtime could load and run a model, and why not."""

    runtime: str
    ok: bool
    message: str
    outputs: np.ndarray | None = dataclasses.field(default=None, repr=False)

    def __repr__(self) -> str:
        return f"{'✓' if self.ok else '✗'} {self.runtime}: {self.message}"


def _zeros_for(details: list[dict]) -> list[np.ndarray]:
    """One all-zeros input per input tensor, with any open (-1) axis set to 1."""
    return [np.zeros([max(int(d), 1) for d in detail.get("shape_signature", detail["shape"])],
                     dtype=detail["dtype"]) for detail in details]


def _explain_runtime_failure(model_bytes: bytes, error: BaseException, registerers: bool = False) -> str:
    special = non_builtin_ops(model_bytes)
    flex = [name for name, kind in special.items() if kind == SELECT]
    custom = [name for name, kind in special.items() if kind == CUSTOM]
    text = str(error)
    if flex and "Select TensorFlow op" in text:
        return (f"it has no Flex delegate, so it cannot run the Select TF ops {', '.join(flex)}. "
                "Only a runtime built with the Flex delegate (TensorFlow's kernels) can; or rewrite the "
                "model with built-in ops.")
    missing = [name for name in custom if name in text] or custom
    if custom and "custom op" in text:
        if registerers:
            return (f"it has no kernel for the custom op {', '.join(missing)}: the registerers you passed "
                    "added kernels for other ops, not this one. Register one that adds it, or rewrite the "
                    "model with built-in ops.")
        return (f"it has no kernel for the custom op {', '.join(missing)}: nobody registered one. Register "
                "a kernel with InterpreterWithCustomOps(custom_op_registerers=[...]) (C++: "
                "MutableOpResolver::AddCustom), or rewrite the model with built-in ops.")
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), type(error).__name__)
    return f"it failed: {first_line}"


def litert_check(model, sample=None, *, custom_op_registerers=None) -> RuntimeCheck:
    """Try to load and run ``model`` with ai_edge_litert's Interpreter; never raises.

    ``sample`` is one input batch (zeros of the input shape if None).
    ``custom_op_registerers`` (names or functions that add kernels to the op
    resolver) uses ``InterpreterWithCustomOps`` instead of ``Interpreter``.

    Introduced in 10_ops_and_compatibility.
    """
    from importlib import metadata

    from ai_edge_litert.interpreter import Interpreter, InterpreterWithCustomOps

    model_bytes = read_model_bytes(model)
    name = f"ai_edge_litert {metadata.version('ai-edge-litert')} Interpreter"
    try:
        with muted_native_logs():
            if custom_op_registerers:
                interpreter = InterpreterWithCustomOps(model_content=model_bytes,
                                                       custom_op_registerers=list(custom_op_registerers))
            else:
                interpreter = Interpreter(model_content=model_bytes)
            interpreter.allocate_tensors()
            details = interpreter.get_input_details()
            inputs = [sample] if sample is not None else _zeros_for(details)
            for detail, x in zip(details, inputs):
                if tuple(np.shape(x)) != tuple(detail["shape"]):
                    interpreter.resize_tensor_input(detail["index"], np.shape(x))
            interpreter.allocate_tensors()
            for detail, x in zip(details, inputs):
                interpreter.set_tensor(detail["index"], np.asarray(x, dtype=detail["dtype"]))
            interpreter.invoke()
            outputs = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    except (RuntimeError, ValueError) as error:
        return RuntimeCheck(name, False, "cannot run this model: "
                            + _explain_runtime_failure(model_bytes, error, bool(custom_op_registerers)))
    return RuntimeCheck(name, True, "runs this model.", outputs)


def run_with_tensorflow_flex(model, x) -> np.ndarray:
    """Outputs of ``model`` for the batch ``x`` from TensorFlow's own ``tf.lite.Interpreter``.

    This is the ONLY place in the course that uses ``tf.lite.Interpreter`` (the
    test suite forbids it everywhere else; ``tests/test_environment.py`` allows
    exactly this file). Everything else runs on ai_edge_litert, TensorFlow's
    interpreter is deprecated. It is here for one comparison: TensorFlow's
    interpreter was the one runtime in the pip wheels that linked the Flex
    delegate, so it could run Select TF ops (from TensorFlow 2.3 on Linux; 2.18
    still could). The TensorFlow 2.20 and later wheels no longer contain the
    Flex delegate (google-ai-edge/LiteRT issue #6458): then this raises a
    ``FlexUnavailableError`` that says so, instead of the runtime's message.

    Introduced in 10_ops_and_compatibility.
    """
    import tensorflow as tf

    model_bytes = read_model_bytes(model)
    x = np.asarray(x)
    try:
        with muted_native_logs(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "tf.lite.Interpreter is deprecated": we know, see above
            interpreter = tf.lite.Interpreter(model_content=model_bytes, num_threads=1)
            detail = interpreter.get_input_details()[0]
            interpreter.resize_tensor_input(detail["index"], x.shape)
            interpreter.allocate_tensors()
            interpreter.set_tensor(detail["index"], x.astype(detail["dtype"]))
            interpreter.invoke()
            return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    except RuntimeError as error:
        if "Select TensorFlow op" not in str(error):
            raise
        flex = [name for name, kind in non_builtin_ops(model_bytes).items() if kind == SELECT]
        raise FlexUnavailableError(
            f"TensorFlow {tf.__version__}'s tf.lite.Interpreter cannot run the Select TF ops "
            f"{', '.join(flex)} either: its wheel no longer contains the Flex delegate (TensorFlow 2.18's "
            "still did, 2.20's does not: google-ai-edge/LiteRT issue #6458). A Flex model now needs a runtime "
            "you build with the delegate: the tensorflow-lite-select-tf-ops library on Android, or "
            "tensorflow/lite/delegates/flex:tensorflowlite_flex built with Bazel.") from None


def runtime_libraries() -> dict[str, Path]:
    """The shared libraries of the installed runtimes, by label (for their sizes on disk).

    ai_edge_litert's interpreter is a small Python wrapper around one big library
    that holds the built-in kernels (plus XNNPACK and tools); LiteRT's newer
    runtime is libLiteRt. TensorFlow's kernels, which the Flex delegate links in,
    live in libtensorflow_cc and libtensorflow_framework. TFLM is one library.

    Introduced in 10_ops_and_compatibility.
    """
    def package(name: str, *subfolders: str) -> Path | None:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            return None
        return Path(next(iter(spec.submodule_search_locations))).joinpath(*subfolders)

    litert, tensorflow = package("ai_edge_litert"), package("tensorflow")
    wanted = {
        "LiteRT interpreter wrapper (_pywrap_litert_interpreter_wrapper)":
            (litert, "_pywrap_litert_interpreter_wrapper.*"),
        "LiteRT built-in kernels + XNNPACK (libpywrap_litert_common)": (litert, "libpywrap_litert_common.*"),
        "LiteRT CompiledModel runtime (libLiteRt)": (litert, "libLiteRt.*"),
        "TensorFlow kernels (libtensorflow_cc)": (tensorflow, "libtensorflow_cc.*"),
        "TensorFlow framework (libtensorflow_framework)": (tensorflow, "libtensorflow_framework.*"),
        "TFLM interpreter + kernels (tflite_micro _runtime)":
            (package("tflite_micro", "python", "tflite_micro"), "_runtime.*"),
    }
    found = {}
    for label, (folder, pattern) in wanted.items():
        matches = sorted(folder.glob(pattern)) if folder and folder.is_dir() else []
        if matches:
            found[label] = matches[0]
    return found


# --- 3. The model analyzer -------------------------------------------------------------

def capture_output(function, *args, **kwargs):
    """Run ``function`` and return ``(result, text)``: everything it printed to stdout,
    from Python (``print``) and from C/C++ code (which writes to file descriptor 1 and
    so bypasses ``sys.stdout``, e.g. straight into Jupyter's log).

    Introduced in 10_ops_and_compatibility.
    """
    python_text = io.StringIO()
    with captured_native_output(1) as native_text, contextlib.redirect_stdout(python_text):
        result = function(*args, **kwargs)
    return result, python_text.getvalue() + native_text.getvalue()


def analyze(model, gpu_compatibility: bool = True) -> str:
    """The report of ``tf.lite.experimental.Analyzer.analyze`` as a string (it only prints it).

    Introduced in 10_ops_and_compatibility.
    """
    import tensorflow as tf

    _, text = capture_output(tf.lite.experimental.Analyzer.analyze,
                             model_content=read_model_bytes(model), gpu_compatibility=gpu_compatibility)
    return text


@dataclasses.dataclass(frozen=True)
class AnalyzerSummary:
    """The parts of an analyzer report a learner needs: ops, GPU lines, sizes."""

    ops: tuple[str, ...]
    gpu_warnings: tuple[str, ...]
    gpu_verdict: str | None
    model_bytes: int | None
    data_bytes: int | None

    def __repr__(self) -> str:
        counts = ", ".join(f"{name} x{n}" if n > 1 else name for name, n in Counter(self.ops).items())
        lines = [f"{len(self.ops)} ops: {counts}",
                 f"size: {self.model_bytes:,} bytes, of which {self.data_bytes:,} are constant data"
                 if self.model_bytes is not None else "size: not reported"]
        lines += [f"GPU warning: {line}" for line in self.gpu_warnings]
        lines.append(f"GPU verdict: {self.gpu_verdict or 'none (the GPU check was not asked for)'}")
        return "\n".join(lines)


def summarize_analysis(report: str) -> AnalyzerSummary:
    """Pick the ops, the GPU compatibility lines and the sizes out of an ``analyze`` report.

    Introduced in 10_ops_and_compatibility.
    """
    ops = tuple(re.findall(r"^\s+Op#\d+ (\S+?)\(", report, flags=re.M))
    warnings_ = tuple(line.strip() for line in report.splitlines() if "GPU COMPATIBILITY WARNING" in line)
    verdict = next((line.strip() for line in report.splitlines() if "compatible with GPU delegate" in line), None)
    size = re.search(r"Model size:\s+(\d+) bytes", report)
    data = re.search(r"Total data buffer size:\s+(\d+) bytes", report)
    return AnalyzerSummary(ops, warnings_, verdict, int(size.group(1)) if size else None,
                           int(data.group(1)) if data else None)


# --- 4. The GPU delegate's rules -----------------------------------------------------------
# A Python port of the op list and the main checks of LiteRT's GPU compatibility rules
# (tensorflow/lite/tools/versioning/gpu_compatibility.cc, the checks the GPU delegate applies
# before it takes an op). Reduced to the op types and parameters that matter for small models.

_GPU_UNARY = {"ABS", "CEIL", "COS", "ELU", "EXP", "FLOOR", "GELU", "LOG", "LOGISTIC", "NEG", "RSQRT", "SIGN",
              "SIN", "SQRT", "SQUARE", "TANH"}
_GPU_BINARY = {"ATAN2", "DIV", "EQUAL", "FLOOR_DIV", "FLOOR_MOD", "GREATER", "GREATER_EQUAL", "LOGICAL_AND",
               "LESS", "LESS_EQUAL", "MAXIMUM", "MINIMUM", "NOT_EQUAL", "POW", "SQUARED_DIFFERENCE", "SUB"}
_GPU_REDUCE = {"MEAN", "SUM", "REDUCE_MAX", "REDUCE_MIN", "REDUCE_PROD"}
_GPU_OTHER = {"ADD", "ADD_N", "AVERAGE_POOL_2D", "BATCH_MATMUL", "CAST", "CONCATENATION", "CONV_2D", "CUMSUM",
              "DENSIFY", "DEPTHWISE_CONV_2D", "DEPTH_TO_SPACE", "DEQUANTIZE", "DYNAMIC_UPDATE_SLICE",
              "EMBEDDING_LOOKUP", "FULLY_CONNECTED", "GATHER", "HARD_SWISH", "LSTM", "MAX_POOL_2D", "MUL",
              "PACK", "ONE_HOT", "QUANTIZE", "RELU_N1_TO_1", "PRELU", "RESHAPE", "SELECT", "SELECT_V2", "SLICE",
              "SOFTMAX", "SPACE_TO_DEPTH", "SPLIT", "SPLIT_V", "STRIDED_SLICE", "TILE", "TRANSPOSE",
              "TRANSPOSE_CONV", "RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR", "RELU", "RELU6", "LEAKY_RELU",
              "PAD", "PADV2", "MIRROR_PAD", "STABLEHLO_CLAMP"}
GPU_OPS = frozenset(_GPU_UNARY | _GPU_BINARY | _GPU_REDUCE | _GPU_OTHER)
"""Built-in ops the GPU delegate has kernels for (with conditions, see ``gpu_check``)."""
GPU_CUSTOM_OPS = frozenset({"Convolution2DTransposeBias", "MaxPoolingWithArgmax2D", "MaxUnpooling2D", "Resampler"})
"""The only custom ops the GPU delegate runs."""


@dataclasses.dataclass(frozen=True)
class OpVerdict:
    """One op of a model: can a runtime take it, and if not, why."""

    index: int
    op: str
    ok: bool
    reason: str = ""
    types: str = ""  # the types of its non-constant inputs, e.g. "int8"


class OpReport(list):
    """A list of ``OpVerdict`` rows that prints as a table; ``.rejected`` lists the ops refused."""

    title = "op"

    @property
    def rejected(self) -> list[str]:
        """Op types with at least one op refused, in order of first appearance."""
        return list(dict.fromkeys(row.op for row in self if not row.ok))

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self)

    def __repr__(self) -> str:
        lines = [self.title]
        for row in self:
            mark = "✓" if row.ok else "✗"
            lines.append(f"  {mark} #{row.index:<3} {row.op:<22}{row.types:<9}{row.reason}".rstrip())
        lines.append(f"  refused: {', '.join(self.rejected) or 'none'}")
        return "\n".join(lines)


def _input_types(op: modelfile.Op, tensors: list) -> str:
    """The types of an op's non-constant inputs: "float32", or "int8,int32" when they differ."""
    types = [tensors[i].dtype for i in op.inputs if i >= 0 and not tensors[i].is_constant]
    return ",".join(dict.fromkeys(types))


def _gpu_verdict(op: modelfile.Op, model_t, tensors: list) -> str:
    """'' if the GPU delegate would take the op, else why not."""
    name = op.name
    inputs = [tensors[i] for i in op.inputs if i >= 0]
    runtime_inputs = [t for t in inputs if not t.is_constant]
    if name.startswith("CUSTOM:"):
        custom = name.split(":", 1)[1]
        if custom in GPU_CUSTOM_OPS:
            return ""
        if custom.startswith(FLEX_PREFIX):
            return f"Not supported custom op {custom} (a Select TF op: TensorFlow's kernel, CPU only)"
        return f"Not supported custom op {custom}"
    if name not in GPU_OPS:
        return f"Not supported op {name} (the GPU delegate has no kernel for it)"
    options = model_t.subgraphs[0].operators[op.index].builtinOptions
    if name in _GPU_UNARY and (len(runtime_inputs) != 1 or len(inputs) != 1):
        return f"{name} needs exactly one non-constant input"
    if name in _GPU_BINARY and not runtime_inputs:
        return "Op can only handle 1 or 2 operand(s) (both inputs are constants)"
    if name in _GPU_REDUCE and (len(inputs) < 2 or not inputs[1].is_constant or inputs[1].dtype != "int32"):
        return f"{name} is only supported with constant int32 axes"
    if name == "STRIDED_SLICE":
        for mask in ("ellipsisMask", "newAxisMask", "shrinkAxisMask"):
            if getattr(options, mask, 0):
                readable = re.sub(r"([A-Z])", r"_\1", mask).lower()
                return f"Slice does not support {readable} (indexing that drops or adds an axis)"
        if len(inputs[0].shape) not in (3, 4):
            return "STRIDED_SLICE supports 3 or 4 dimensional tensors only"
    if name == "SLICE" and len(inputs[0].shape) not in (3, 4):
        return "SLICE supports 3 or 4 dimensional tensors only"
    if name == "FULLY_CONNECTED" and inputs[0].is_constant:
        return "FullyConnected doesn't support constant input"
    if name == "SOFTMAX" and getattr(options, "beta", 1.0) != 1.0:
        return "Softmax.beta != 1 is not supported"
    if name == "CAST":
        source, target = inputs[0].dtype, tensors[op.outputs[0]].dtype
        floats = {"float32", "float16"}
        allowed = ((source == "bool" and target in floats) or (source in floats and target == "bool")
                   or (source in {"float32", "int32"} and target in {"float32", "int32"}))
        if not allowed:
            return f"Not supported Cast case. Input type: {source} and output type: {target}"
    if name == "GATHER":
        if inputs[0].dtype == "int32":
            return "Does not accept INT32 input"
        if len(inputs) > 1 and (len(inputs[1].shape) != 1 or inputs[1].dtype != "int32"):
            return "Only support 1D INT32 indices"
    return ""


def gpu_check(model) -> OpReport:
    """Which ops of ``model`` the GPU delegate would take, and why it would refuse the others.

    A Python port of the main rules in LiteRT's GPU compatibility checker. The
    analyzer used to print these warnings with ``gpu_compatibility=True``; the
    installed version no longer runs the per-op check and always reports the model
    as compatible (see 10_ops_and_compatibility). Ops the delegate refuses stay on
    the CPU, and every hand-over between GPU and CPU costs a copy.

    Introduced in 10_ops_and_compatibility.
    """
    model_bytes = read_model_bytes(model)
    model_t = modelfile.parse(model_bytes)
    tensors = modelfile.tensors(model_bytes)
    report = OpReport(OpVerdict(op.index, op.name, not (reason := _gpu_verdict(op, model_t, tensors)), reason,
                                _input_types(op, tensors))
                      for op in modelfile.ops(model_bytes))
    report.title = "GPU delegate: which ops it would take (✓) or refuse (✗, with the reason)"
    return report


# --- 5. TFLM: which ops have a kernel, found by running them ----------------------------------

_NUMPY_TYPES = {"float32": np.float32, "float16": np.float16, "int8": np.int8, "uint8": np.uint8,
                "int16": np.int16, "int32": np.int32, "int64": np.int64, "bool": np.bool_}


def _tflm_run(model_bytes: bytes, arena_size: int) -> tuple[bool, str, list[np.ndarray]]:
    """Run a model once in TFLM on zeros: (ran, what TFLM said, outputs)."""
    from tflite_micro.python.tflite_micro import runtime as tflm

    model_t = modelfile.parse(model_bytes)
    graph = model_t.subgraphs[0]
    all_tensors = modelfile.tensors(model_bytes)
    outputs = []
    with captured_native_output(2) as said:
        try:
            interpreter = tflm.Interpreter.from_bytes(model_bytes, arena_size=arena_size)
            for position, index in enumerate(graph.inputs):
                tensor = all_tensors[int(index)]
                shape = [max(d, 1) for d in tensor.shape]
                interpreter.set_input(np.zeros(shape, _NUMPY_TYPES.get(tensor.dtype, np.float32)), position)
            interpreter.invoke()
            outputs = [interpreter.get_output(i) for i in range(len(graph.outputs))]
            ran = True
        except (RuntimeError, ValueError) as error:
            ran = False
            failure = str(error)
    text = said.getvalue().strip()
    if not ran:
        text = (text + "\n" + failure).strip()
    return ran, text, outputs


def _single_op_model(model_bytes: bytes, op_index: int) -> bytes:
    """A copy of the model whose only op is ``op_index``, fed by its non-constant inputs."""
    import flatbuffers

    model_t = modelfile.parse(model_bytes)
    graph = model_t.subgraphs[0]
    op = graph.operators[op_index]
    constant = {t.index for t in modelfile.tensors(model_bytes) if t.is_constant}
    graph.operators = [op]
    graph.inputs = [int(i) for i in op.inputs if i >= 0 and int(i) not in constant]
    graph.outputs = [int(i) for i in op.outputs]
    model_t.subgraphs = [graph]
    model_t.signatureDefs = []
    builder = flatbuffers.Builder(1024)
    builder.Finish(model_t.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def _missing_kernel(text: str) -> bool:
    return "Didn't find op for" in text or "Failed to get registration" in text


@dataclasses.dataclass(frozen=True)
class TflmReport:
    """Whether TFLM runs a whole model, and for each op type whether TFLM has a kernel for it."""

    model_runs: bool
    message: str
    ops: OpReport

    @property
    def missing(self) -> list[str]:
        """Op types TFLM has no kernel for."""
        return [row.op for row in self.ops if not row.ok and row.reason.startswith("no TFLM kernel")]

    def __repr__(self) -> str:
        verdict = "TFLM runs the whole model." if self.model_runs else f"TFLM cannot run the model: {self.message}"
        return f"{verdict}\n{self.ops!r}"


def tflm_check(model, arena_size: int | None = None) -> TflmReport:
    """Run ``model`` in the TFLM interpreter (on zeros), then each op type alone.

    The whole-model run says whether TFLM can run it; TFLM stops at the first op
    it has no kernel for, so each op type is also run on its own, in a one-op
    copy of the model, to list every missing kernel. What TFLM prints to stderr
    is captured into the report instead of the notebook.

    Introduced in 10_ops_and_compatibility.
    """
    model_bytes = read_model_bytes(model)
    arena_size = arena_size or max(64 * 1024, 20 * len(model_bytes))
    runs, said, _ = _tflm_run(model_bytes, arena_size)
    first_line = next((line for line in said.splitlines() if line.strip()), "")
    if runs:
        message = "it ran on zeros."
    elif _missing_kernel(said):
        missing = re.findall(r"Didn't find op for builtin opcode '([^']+)'", said)
        if "op code CUSTOM" in said:  # TFLM does not say which custom op: none is registered
            missing += [f"the custom op {name}" for name in non_builtin_ops(model_bytes)]
        message = f"it has no kernel for {', '.join(dict.fromkeys(missing)) or 'one of its ops'}."
    else:
        message = first_line.strip() or "it failed."
    rows, seen, tensors = [], set(), modelfile.tensors(model_bytes)
    for op in modelfile.ops(model_bytes):
        types = _input_types(op, tensors)
        if (op.name, types) in seen:  # one run per op type and input type: an int8 kernel is not a float one
            continue
        seen.add((op.name, types))
        if runs:  # every op ran inside the whole model
            op_runs, op_said = True, ""
        else:
            op_runs, op_said, _ = _tflm_run(_single_op_model(model_bytes, op.index), arena_size)
        if op_runs:
            reason = "runs"
        elif _missing_kernel(op_said):
            reason = "no TFLM kernel"
        else:
            reason = "has a kernel, but failed here: " + next(
                (line.strip() for line in op_said.splitlines() if line.strip()), "unknown error")
        rows.append(OpVerdict(op.index, op.name, op_runs, reason, types))
    report = OpReport(rows)
    report.title = "TFLM: each op type (and input type) run on its own (✓ runs, ✗ why not)"
    return TflmReport(runs, message, report)
