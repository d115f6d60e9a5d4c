"""Op by op: which ops the GPU delegate would take, and which ones TFLM has kernels for.

``gpu_check`` applies a port of LiteRT's GPU compatibility rules to every op of
a ``.tflite`` file; ``tflm_check`` runs the model in TFLM, then each op type in
a one-op copy of the model, to list every missing kernel. Both return an
``OpReport`` that prints as a table. Lessons call them as ``compat.gpu_check``
and ``compat.tflm_check``.

Introduced in 10_ops_and_compatibility.
"""
from __future__ import annotations

import dataclasses
import re

import numpy as np

from edgebook import modelfile
from edgebook.modelfile import read_model_bytes
from edgebook.nativelogs import captured_native_output
from edgebook.unsupported import FLEX_PREFIX, non_builtin_ops


# --- the GPU delegate's rules -----------------------------------------------------------
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
        types_width = max([8, *(len(row.types) for row in self)]) + 1  # "resource,int8" needs more than 8
        for row in self:
            mark = "✓" if row.ok else "✗"
            lines.append(f"  {mark} #{row.index:<3} {row.op:<22}{row.types:<{types_width}}{row.reason}".rstrip())
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


# --- TFLM: which ops have a kernel, found by running them ----------------------------------

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
