"""Run ``.tflite`` models with LiteRT (``ai_edge_litert``).

``LiteModel`` wraps the LiteRT ``Interpreter`` so a lesson can write

    >>> model = runtime.load("build/models/digits_float32.tflite")
    >>> probabilities = model.predict(test_x)          # float in, float out

``predict`` runs whole batches, quantizes float input for an int8 model and
dequantizes int8 output, with the scale and zero point stored in the model.
Input of the wrong shape or type raises a message that says what the model
expects and what was given.

Introduced in 03_convert_and_run_with_litert.
"""
from __future__ import annotations

import collections
import dataclasses
import inspect
import keyword
import re

import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType

from edgebook import modelfile
from edgebook.errors import DelegateError, MetadataNotFoundError, ModelInputError
from edgebook.modelfile import read_model_bytes  # runtime.read_model_bytes stays a name: micro uses it
from edgebook.nativelogs import muted_native_logs

_INTEGER_TYPES = (np.int8, np.uint8, np.int16)


@dataclasses.dataclass(frozen=True)
class TensorInfo:
    """What one input or output of a model is: name, shape (-1 = any size), type, quantization."""

    name: str
    index: int
    shape: tuple[int, ...]
    dtype: np.dtype
    scale: float
    zero_point: int

    @property
    def quantized(self) -> bool:
        return self.scale != 0.0

    def describe(self) -> str:
        shape = "(" + ", ".join("any" if d == -1 else str(d) for d in self.shape) + ")"
        quant = f", scale {self.scale:.4g}, zero point {self.zero_point}" if self.quantized else ""
        return f"{np.dtype(self.dtype).name} {shape}{quant}"


def _tensor_info(detail: dict) -> TensorInfo:
    scale, zero_point = detail.get("quantization", (0.0, 0))
    shape = tuple(int(d) for d in detail.get("shape_signature", detail["shape"]))
    return TensorInfo(detail["name"], detail["index"], shape, np.dtype(detail["dtype"]),
                      float(scale), int(zero_point))


class LiteModel:
    """A ``.tflite`` model loaded into a LiteRT Interpreter, ready to predict.

    ``num_threads`` is how many CPU threads the interpreter may use.
    ``reference_kernels=True`` uses the plain reference implementation of every
    op instead of the optimized ones (and no XNNPACK): slow, but the behaviour
    that TFLM on a microcontroller reproduces. ``xnnpack=False`` keeps the
    optimized built-in kernels but not the XNNPACK delegate that LiteRT applies
    by default (lesson 09). ``delegates`` is a list of delegates from
    ``load_delegate``.
    """

    def __init__(self, model, *, num_threads: int = 1, reference_kernels: bool = False,
                 xnnpack: bool = True, delegates=()):
        self.model_bytes = read_model_bytes(model)
        self.num_threads = num_threads
        self.xnnpack = xnnpack and not reference_kernels
        if reference_kernels:
            resolver = OpResolverType.BUILTIN_REF
        elif xnnpack:
            resolver = OpResolverType.AUTO
        else:
            resolver = OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
        with muted_native_logs():
            self.interpreter = Interpreter(model_content=self.model_bytes, num_threads=num_threads,
                                           experimental_op_resolver_type=resolver,
                                           experimental_delegates=list(delegates) or None)
            self.interpreter.allocate_tensors()
        self.inputs = [_tensor_info(d) for d in self.interpreter.get_input_details()]
        self.outputs = [_tensor_info(d) for d in self.interpreter.get_output_details()]
        self._batch = self.interpreter.get_input_details()[0]["shape"][0] if self.inputs else 1

    def __repr__(self) -> str:
        ins = "; ".join(t.describe() for t in self.inputs)
        outs = "; ".join(t.describe() for t in self.outputs)
        return f"LiteModel({len(self.model_bytes):,} bytes, input {ins} -> output {outs})"

    @property
    def input(self) -> TensorInfo:
        return self.inputs[0]

    @property
    def output(self) -> TensorInfo:
        return self.outputs[0]

    # -- checks that turn a wrong call into a clear message ------------------
    def _check_shape(self, x: np.ndarray) -> None:
        expected = self.input.shape
        # The batch axis (first) may have any size: predict() feeds fixed-batch models in chunks.
        ok = x.ndim == len(expected) and all(e in (-1, d) for e, d in zip(expected[1:], x.shape[1:]))
        if not ok:
            hint = ""
            if x.ndim == len(expected) - 1:
                hint = " It looks like one sample without the batch axis: pass x[None] (a batch of one)."
            raise ModelInputError(
                f"This model expects input {self.input.describe()}; you passed "
                f"{x.dtype.name} {tuple(x.shape)}.{hint}")

    def quantize_input(self, x: np.ndarray) -> np.ndarray:
        """Float data -> the integer type of a quantized input: q = round(x / scale) + zero_point."""
        info = self.input
        limits = np.iinfo(info.dtype)
        q = np.round(x / info.scale) + info.zero_point
        return np.clip(q, limits.min, limits.max).astype(info.dtype)

    def dequantize_output(self, q: np.ndarray, output: int = 0) -> np.ndarray:
        """Integer output -> float: x = (q - zero_point) * scale."""
        info = self.outputs[output]
        if not info.quantized:
            return q
        return (q.astype(np.float32) - info.zero_point) * info.scale

    def _prepare(self, x) -> np.ndarray:
        x = np.asarray(x)
        self._check_shape(x)
        wanted = self.input.dtype
        if wanted == np.float32:
            if not np.issubdtype(x.dtype, np.floating):
                raise ModelInputError(
                    f"This model expects input {self.input.describe()}; you passed "
                    f"{x.dtype.name} {tuple(x.shape)}. Pre-process the raw values into floats first.")
            return x.astype(np.float32, copy=False)
        if np.issubdtype(x.dtype, np.floating):
            if not self.input.quantized:
                raise ModelInputError(f"This model expects {self.input.describe()} and stores no "
                                      "scale to quantize float input with.")
            return self.quantize_input(x)
        if x.dtype != wanted:
            raise ModelInputError(
                f"This model expects input {self.input.describe()}; you passed {x.dtype.name}. "
                "Pass float data (predict quantizes it) or data of exactly that integer type.")
        return x

    def _invoke(self, batch: np.ndarray) -> list[np.ndarray]:
        n = len(batch)
        if n != self._batch:
            if self.input.shape[0] != -1 and n != self.input.shape[0]:
                raise ModelInputError(
                    f"This model was converted for batches of exactly {self.input.shape[0]}; "
                    f"you passed {n}. Use predict(), which feeds one sample at a time.")
            self.interpreter.resize_tensor_input(self.input.index, (n, *batch.shape[1:]))
            self.interpreter.allocate_tensors()
            self._batch = n
        self.interpreter.set_tensor(self.input.index, batch)
        self.interpreter.invoke()
        return [self.interpreter.get_tensor(o.index) for o in self.outputs]

    # -- what lessons call ----------------------------------------------------
    def run(self, x) -> np.ndarray:
        """One raw invoke: ``x`` must already have the model's exact input type."""
        x = np.asarray(x)
        self._check_shape(x)
        if x.dtype != self.input.dtype:
            raise ModelInputError(
                f"run() feeds the tensor as it is, and this model expects {self.input.describe()}; "
                f"you passed {x.dtype.name} {tuple(x.shape)}. Use predict(), which converts "
                "float data for you.")
        return self._invoke(x)[0]

    def predict(self, x, batch_size: int = 256) -> np.ndarray:
        """Outputs for a whole batch of float inputs, dequantized to float if the model is int8."""
        x = self._prepare(x)
        fixed_batch = self.input.shape[0] != -1
        step = self.input.shape[0] if fixed_batch else batch_size
        chunks = [self._invoke(x[i:i + step])[0] for i in range(0, len(x), step)]
        return self.dequantize_output(np.concatenate(chunks))


def load(model, **options) -> LiteModel:
    """Load a ``.tflite`` model (bytes or a path) into LiteRT; see ``LiteModel`` for the options."""
    return LiteModel(model, **options)


# -- delegates --------------------------------------------------------------------

def load_delegate(library: str, options: dict | None = None):
    """Load a delegate (a shared library that runs supported ops on other hardware).

    Pass the result to ``load(model, delegates=[...])``. If the library is not
    on this machine (the Edge TPU or GPU delegate on a laptop, say), this
    raises a ``DelegateError`` that says so and what to do, instead of the
    runtime's low-level error.

    Introduced in 09_delegates_and_benchmarking.
    """
    import ctypes

    from ai_edge_litert.interpreter import load_delegate as litert_load_delegate

    # Try the library first: when LiteRT's own loader fails it also prints a
    # second, unrelated traceback from the half-built Delegate object.
    try:
        ctypes.CDLL(library)
    except OSError as error:
        raise DelegateError(
            f"Could not load the delegate library {library!r} ({error}). A delegate only works where "
            "its hardware and driver are installed (an Edge TPU, a phone GPU, an NPU...). Without it, "
            "run the model on the CPU: runtime.load(model) uses LiteRT's built-in kernels and XNNPACK.") from None
    return litert_load_delegate(library, options or {})


# -- the CompiledModel API ------------------------------------------------------

_ACCELERATORS = ("cpu", "gpu", "npu")


def _compiled_model(model_bytes: bytes, accelerator: str):
    """A LiteRT CompiledModel on ``accelerator``, or on the CPU (with a message) if it is unavailable."""
    from ai_edge_litert.compiled_model import CompiledModel
    from ai_edge_litert.hardware_accelerator import HardwareAccelerator

    if str(accelerator).lower() not in _ACCELERATORS:
        raise ValueError(f"Unknown accelerator {accelerator!r}; choose one of {', '.join(_ACCELERATORS)}.")
    wanted = HardwareAccelerator[accelerator.upper()]
    try:
        return CompiledModel.from_buffer(model_bytes, hardware_accel=wanted)
    except RuntimeError as error:
        if wanted == HardwareAccelerator.CPU:
            raise
        # LiteRT's message is a trace of "ERROR: [file:line]" lines; keep the last readable one.
        lines = [re.sub(r"^[└\s]*(ERROR: \[[^\]]*\])?\s*", "", line) for line in str(error).splitlines()]
        reason = next((line for line in reversed(lines) if line), "LiteRT gave no details")
        print(f"The {accelerator.upper()} accelerator is not available here ({reason}), "
              "so this runs on the CPU instead.")
        return CompiledModel.from_buffer(model_bytes, hardware_accel=HardwareAccelerator.CPU)


def compiled_predict(model, x, accelerator: str = "cpu") -> np.ndarray:
    """Outputs for a batch of float inputs, run with LiteRT's CompiledModel API, one sample at a time.

    The CompiledModel API is LiteRT's newer runtime: it picks a hardware
    accelerator ("cpu", "gpu" or "npu") when the model is compiled, and falls
    back to the CPU here, with a message, when the one asked for is missing.
    Its input keeps the batch size of 1 that the model was compiled with, so
    samples go in one by one. Input checks and int8 (de)quantization are the
    same as ``LiteModel.predict``.

    Introduced in 03_convert_and_run_with_litert.
    """
    lite = LiteModel(model)  # the Interpreter reads the tensor details and does the checks
    x = lite._prepare(x)
    with muted_native_logs():  # the environment prints a dozen INFO lines about plug-ins
        compiled = _compiled_model(lite.model_bytes, accelerator)
        signature = next(iter(compiled.get_signature_list()))
        output_details = next(iter(compiled.get_output_tensor_details(signature).values()))
        output_shape = tuple(output_details["shape"])
        output_dtype = np.dtype(output_details["dtype"])
        inputs, outputs = compiled.create_input_buffers(0), compiled.create_output_buffers(0)
        results = []
        for sample in x:
            inputs[0].write(np.ascontiguousarray(sample[np.newaxis]))
            compiled.run_by_index(0, inputs, outputs)
            results.append(outputs[0].read(int(np.prod(output_shape)), output_dtype).reshape(output_shape))
        del inputs, outputs, compiled  # freed here, so their goodbye messages are muted too
    return lite.dequantize_output(np.concatenate(results))


# -- signatures and a typed wrapper -------------------------------------------------
#
# A model's signatures name its entry points, their inputs and their outputs.
# ``wrap`` turns them into a small Python class with one documented method per
# signature, so an app calls ``digits.classify(raw_pixels=image)`` and a wrong
# input fails with a message that says what the model expects.
# Introduced in 11_pre_and_post_processing.



@dataclasses.dataclass(frozen=True)
class Signature:
    """One entry point of a model: its key and its named inputs and outputs.

    Introduced in 11_pre_and_post_processing.
    """

    key: str
    inputs: dict[str, TensorInfo]
    outputs: dict[str, TensorInfo]

    def describe(self) -> str:
        ins = ", ".join(f"{name}: {info.describe()}" for name, info in self.inputs.items())
        outs = ", ".join(f"{name}: {info.describe()}" for name, info in self.outputs.items())
        return f"{self.key}({ins}) -> {outs}"


def _signatures_of(interpreter) -> dict[str, Signature]:
    result = {}
    for key in interpreter.get_signature_list():
        runner = interpreter.get_signature_runner(key)
        result[key] = Signature(
            key,
            {name: _tensor_info(d) for name, d in runner.get_input_details().items()},
            {name: _tensor_info(d) for name, d in runner.get_output_details().items()})
    return result


def signatures(model) -> dict[str, Signature]:
    """The signatures of a model (bytes, a path or a LiteModel): {key: Signature}.

    Introduced in 11_pre_and_post_processing.
    """
    return _signatures_of(Interpreter(model_content=read_model_bytes(model)))


def _identifier(name: str) -> str:
    """A Python name for a signature key or tensor name ("output_0" stays, "out:0" -> "out_0")."""
    clean = re.sub(r"\W", "_", name)
    if not clean or clean[0].isdigit() or keyword.iskeyword(clean):
        clean = f"_{clean}"
    return clean


def _prepared_input(signature: Signature, name: str, value) -> np.ndarray:
    """``value`` as the exact type of input ``name``, or a ModelInputError that says what is expected."""
    info = signature.inputs[name]
    x = np.asarray(value)
    wanted = np.dtype(info.dtype)
    expected = f"{signature.key}() expects {name} as {info.describe()}"
    given = f"you passed {x.dtype.name} {tuple(x.shape)}"
    shape_ok = x.ndim == len(info.shape) and all(e in (-1, d) for e, d in zip(info.shape, x.shape))
    if not shape_ok:
        hint = ""
        if x.ndim == len(info.shape) - 1 and all(e in (-1, d) for e, d in zip(info.shape[1:], x.shape)):
            hint = f" It looks like one sample without the batch axis: pass {name}=x[None] (a batch of one)."
        raise ModelInputError(f"{expected}; {given}.{hint}")
    if x.dtype == wanted:
        return x
    if np.issubdtype(wanted, np.floating):
        if np.issubdtype(x.dtype, np.floating):
            return x.astype(wanted)
        raise ModelInputError(f"{expected}; {given}. Integer data for a float input is usually a "
                              "missing pre-processing step: convert it as the model was trained.")
    if np.issubdtype(wanted, np.integer) and np.issubdtype(x.dtype, np.integer):
        limits = np.iinfo(wanted)
        if x.size == 0 or (x.min() >= limits.min and x.max() <= limits.max):
            return x.astype(wanted)  # every value fits: nothing changes
        raise ModelInputError(f"{expected}; {given}, with values from {x.min()} to {x.max()}, "
                              f"outside {wanted.name}'s range {limits.min}..{limits.max}.")
    if info.quantized and np.issubdtype(x.dtype, np.floating):
        raise ModelInputError(f"{expected}; {given}. This input is quantized: pass "
                              "np.round(x / scale) + zero_point as that integer type (LiteModel.predict "
                              "does it for you).")
    if np.issubdtype(wanted, np.integer) and np.issubdtype(x.dtype, np.floating):
        raise ModelInputError(f"{expected}; {given}. This input takes whole numbers: if these are values you "
                              "already pre-processed, pass the raw ones (the model pre-processes them itself); "
                              f"otherwise convert with np.asarray(x, dtype=np.{wanted.name}) after checking "
                              "that no value changes.")
    raise ModelInputError(f"{expected}; {given}. Convert it first, e.g. np.asarray(x, dtype=np.{wanted.name}).")


class ModelWrapper:
    """Base class of the classes ``wrap`` generates: one method per signature of a model.

    Introduced in 11_pre_and_post_processing.
    """

    signatures: dict[str, Signature] = {}

    def __init__(self, model, *, num_threads: int = 1, labels=None):
        self.model_bytes = read_model_bytes(model)
        self.interpreter = Interpreter(model_content=self.model_bytes, num_threads=num_threads)
        self.labels = labels
        self._runners = {}

    def __repr__(self) -> str:
        labels = f", {len(self.labels)} labels" if self.labels is not None else ""
        count = len(self.signatures)
        lines = [f"{type(self).__name__}: {len(self.model_bytes):,} bytes, "
                 f"{count} signature{'s' if count != 1 else ''}{labels}"]
        lines += [f"  .{self._method_names[key]}{signature.describe()[len(key):]}"
                  for key, signature in self.signatures.items()]
        return "\n".join(lines)

    def _run(self, key: str, arguments: dict) -> tuple:
        signature = self.signatures[key]
        inputs = {name: _prepared_input(signature, name, arguments[python_name])
                  for python_name, name in self._input_names[key].items()}
        runner = self._runners.get(key)
        if runner is None:
            runner = self._runners[key] = self.interpreter.get_signature_runner(key)
            with muted_native_logs():  # the first allocation announces the XNNPACK delegate
                outputs = runner(**inputs)
        else:
            outputs = runner(**inputs)
        return self._output_types[key](*(outputs[name] for name in signature.outputs))


def _method(key: str, python_name: str, signature: Signature, input_names: dict, outputs_type):
    """The method of a wrapper class that runs the signature ``key``."""
    kind = (inspect.Parameter.POSITIONAL_OR_KEYWORD if len(input_names) == 1
            else inspect.Parameter.KEYWORD_ONLY)
    call_signature = inspect.Signature(
        [inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)]
        + [inspect.Parameter(name, kind, annotation=np.ndarray) for name in input_names],
        return_annotation=outputs_type)

    def method(self, *args, **kwargs):
        unknown = [name for name in kwargs if name not in input_names]
        if unknown:
            raise ModelInputError(f"{python_name}() has no input {unknown[0]!r}; its inputs are "
                                  f"{', '.join(input_names)}. The signature is {signature.describe()}.")
        try:
            bound = call_signature.bind(self, *args, **kwargs)
        except TypeError as error:
            raise ModelInputError(f"{python_name}(): {error}. The signature is "
                                  f"{signature.describe()}.") from None
        return self._run(key, bound.arguments)

    args = "\n".join(f"    {name}: {signature.inputs[real].describe()}" for name, real in input_names.items())
    returns = "\n".join(f"    {field}: {info.describe()}"
                        for field, info in zip(outputs_type._fields, signature.outputs.values()))
    method.__name__ = method.__qualname__ = python_name
    method.__signature__ = call_signature
    method.__doc__ = (f"Run the model's signature {key!r}.\n\nArgs (numpy arrays; 'any' = any size):\n{args}\n\n"
                      f"Returns {outputs_type.__name__}, a named tuple of numpy arrays:\n{returns}\n")
    return method


def wrap(model, *, name: str = "LiteRTModel", num_threads: int = 1, labels=None) -> ModelWrapper:
    """An object with one documented method per signature of ``model`` (bytes, a path or a LiteModel).

    Method names are the signature keys, their arguments the signature's input
    names, their docstrings list the input and output shapes and types, and
    they return a named tuple of the outputs::

        digits = runtime.wrap(model_bytes, name="Digits")
        digits.classify(raw_pixels=images).class_ids

    Input of the wrong shape or type raises ``ModelInputError`` with what the
    signature expects. ``labels`` defaults to the model's "labels" metadata
    (``modelfile.labels``), or None if it has none.

    Introduced in 11_pre_and_post_processing.
    """
    model_bytes = read_model_bytes(model)
    with muted_native_logs():
        found = _signatures_of(Interpreter(model_content=model_bytes))
    if not found:
        raise ModelInputError("This model stores no signature, so there is nothing to name the methods "
                              "after. Convert it with the TFLiteConverter of TF 2 (convert.to_tflite), "
                              "which writes one.")
    if labels is None:
        try:
            labels = modelfile.labels(model_bytes)
        except MetadataNotFoundError:
            labels = None
    reserved = set(dir(ModelWrapper)) | {"model_bytes", "interpreter", "labels"}
    namespace = {"signatures": found, "_method_names": {}, "_input_names": {}, "_output_types": {},
                 "__doc__": f"The LiteRT model {name}, wrapped by edgebook.runtime.wrap: one method per signature.\n\n"
                            + "\n".join(s.describe() for s in found.values())}
    for key, signature in found.items():
        python_name = _identifier(key)
        if python_name in reserved:
            python_name = f"{python_name}_"
        input_names = {_identifier(n): n for n in signature.inputs}
        outputs_type = collections.namedtuple(
            f"{''.join(part.title() for part in python_name.split('_'))}Outputs",
            [_identifier(n) for n in signature.outputs], rename=True)
        namespace["_method_names"][key] = python_name
        namespace["_input_names"][key] = input_names
        namespace["_output_types"][key] = outputs_type
        namespace[python_name] = _method(key, python_name, signature, input_names, outputs_type)
    wrapper_class = type(_identifier(name), (ModelWrapper,), namespace)
    return wrapper_class(model_bytes, num_threads=num_threads, labels=labels)
