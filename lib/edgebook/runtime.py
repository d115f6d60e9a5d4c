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

import re

import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType

from edgebook.errors import DelegateError, FlexUnavailableError, ModelInputError, ModelLoadError
from edgebook.modelfile import read_model_bytes, refused_by_litert
from edgebook.nativelogs import muted_native_logs
from edgebook.tensorinfo import TensorInfo, tensor_info
from edgebook.tensorio import SATURATION_WARNING_FRACTION, ModelIO
from edgebook.unsupported import CUSTOM, SELECT, TFLM_SIGNAL_OPS, non_builtin_ops
# Signatures and typed wrappers (lesson 11) have a module of their own; lessons call runtime.wrap.
from edgebook.wrapper import ModelWrapper, Signature, signatures, wrap

__all__ = ["LiteModel", "TensorInfo", "load", "load_delegate", "compiled_predict", "load_error",
           "SATURATION_WARNING_FRACTION", "Signature", "ModelWrapper", "signatures", "wrap"]



def load_error(model_bytes: bytes, error: RuntimeError) -> Exception:
    """The course's error for a valid model that LiteRT could not prepare: which ops it lacks, what to do."""
    special = non_builtin_ops(model_bytes)
    flex = [name for name, kind in special.items() if kind == SELECT]
    custom = [name for name, kind in special.items() if kind == CUSTOM]
    if flex:
        return FlexUnavailableError(
            f"This model uses Select TF ops ({', '.join(flex)}), which need the Flex delegate (TensorFlow's own "
            "kernels), and ai_edge_litert has none. Rewrite those ops with built-in ones and convert again "
            "(10_ops_and_compatibility shows how; compat.litert_check explains what a runtime lacks).")
    if custom and set(custom) <= TFLM_SIGNAL_OPS:
        return ModelLoadError(
            f"LiteRT cannot run this model: it is made of TFLM's signal-library ops ({', '.join(custom)}), "
            "custom ops that only TFLM has kernels for. TFLM's Python interpreter registers them all: run it "
            "with micro.run (12_tflm_hello_world); on a board, add each with MicroMutableOpResolver "
            "(AddWindow, AddRfft...).")
    if custom:
        return ModelLoadError(
            f"This model uses the custom op{'s' if len(custom) > 1 else ''} {', '.join(custom)}, and LiteRT has "
            "no kernel registered for it. Register one (InterpreterWithCustomOps; 10_ops_and_compatibility), "
            "or rewrite the model with built-in ops.")
    first_line = next((line.strip() for line in str(error).splitlines() if line.strip()), type(error).__name__)
    return ModelLoadError(f"LiteRT could not prepare this model: {first_line}")


class LiteModel(ModelIO):
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
        try:
            with muted_native_logs():
                self.interpreter = Interpreter(model_content=self.model_bytes, num_threads=num_threads,
                                               experimental_op_resolver_type=resolver,
                                               experimental_delegates=list(delegates) or None)
                self.interpreter.allocate_tensors()
        except ValueError as error:  # a damaged FlatBuffer, or a valid file LiteRT refuses
            raise refused_by_litert(self.model_bytes, error) from None
        except RuntimeError as error:
            raise load_error(self.model_bytes, error) from None
        self.inputs = [tensor_info(d) for d in self.interpreter.get_input_details()]
        self.outputs = [tensor_info(d) for d in self.interpreter.get_output_details()]
        self._batch = self.interpreter.get_input_details()[0]["shape"][0] if self.inputs else 1

    def __repr__(self) -> str:
        ins = "; ".join(t.describe() for t in self.inputs)
        outs = "; ".join(t.describe() for t in self.outputs)
        return f"LiteModel({len(self.model_bytes):,} bytes, input {ins} -> output {outs})"

    def invoke(self, batch: np.ndarray) -> list[np.ndarray]:
        """Every output tensor for a batch that ``prepare`` made, with no checks (what ``measure.latency`` times)."""
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
        return self.invoke(x)[0]

    def predict(self, x, batch_size: int = 256) -> np.ndarray:
        """Outputs for a whole batch of float inputs, dequantized to float if the model is int8."""
        x = self.prepare(x)
        fixed_batch = self.input.shape[0] != -1
        step = self.input.shape[0] if fixed_batch else batch_size
        chunks = [self.invoke(x[i:i + step])[0] for i in range(0, len(x), step)]
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
    x = lite.prepare(x)
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
