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

from edgebook.errors import FlexUnavailableError, UnsupportedOpsError
from edgebook.modelfile import read_model_bytes
from edgebook.nativelogs import captured_native_output, muted_native_logs
# Why a conversion stops, which custom ops a file holds, which ops the GPU delegate and TFLM
# take: modules of their own, which lesson 10 calls as compat.X.
from edgebook.opchecks import GPU_CUSTOM_OPS, GPU_OPS, OpReport, OpVerdict, TflmReport, gpu_check, tflm_check
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
    delegate, so it could run Select TF ops. The TensorFlow wheel this course
    pins has no Flex delegate (lesson 10 shows it; the same was reported for
    2.20.0 in google-ai-edge/LiteRT issue #6458): then this raises a
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
            f"{', '.join(flex)} either: this wheel has no Flex delegate (also reported for 2.20.0 in "
            "google-ai-edge/LiteRT issue #6458). A Flex model needs a runtime "
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
