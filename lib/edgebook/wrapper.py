"""A model's signatures, and a typed Python wrapper with one method per signature.

A model's signatures name its entry points, their inputs and their outputs.
``wrap`` turns them into a small Python class with one documented method per
signature, so an app calls ``digits.classify(raw_pixels=image)`` and a wrong
input fails with a message that says what the model expects. Lessons call
these as ``runtime.signatures`` and ``runtime.wrap``.

Introduced in 11_pre_and_post_processing.
"""
from __future__ import annotations

import collections
import dataclasses
import inspect
import keyword
import re

import numpy as np
from ai_edge_litert.interpreter import Interpreter

from edgebook import modelfile
from edgebook.errors import MetadataNotFoundError, ModelInputError
from edgebook.modelfile import read_model_bytes
from edgebook.nativelogs import muted_native_logs
from edgebook.tensorinfo import TensorInfo, shape_advice, tensor_info
from edgebook.showing import shows_itself


@dataclasses.dataclass(frozen=True)
@shows_itself
class Signature:
    """One entry point of a model: its key and its named inputs and outputs.

    Introduced in 11_pre_and_post_processing.
    """

    key: str
    inputs: dict[str, TensorInfo]
    outputs: dict[str, TensorInfo]

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        ins = ", ".join(f"{name}: {info.describe()}" for name, info in self.inputs.items())
        outs = ", ".join(f"{name}: {info.describe()}" for name, info in self.outputs.items())
        return f"{self.key}({ins}) -> {outs}"


def _interpreter(model_bytes: bytes, **options) -> Interpreter:
    """LiteRT's Interpreter for checked model bytes; a FlatBuffer cut short raises the course's NotAModelError."""
    try:
        return Interpreter(model_content=model_bytes, **options)
    except ValueError as error:  # a damaged FlatBuffer, or a valid file LiteRT refuses
        raise modelfile.refused_by_litert(model_bytes, error) from None


def _signatures_of(interpreter) -> dict[str, Signature]:
    result = {}
    for key in interpreter.get_signature_list():
        runner = interpreter.get_signature_runner(key)
        result[key] = Signature(
            key,
            {name: tensor_info(d) for name, d in runner.get_input_details().items()},
            {name: tensor_info(d) for name, d in runner.get_output_details().items()})
    return result


def signatures(model) -> dict[str, Signature]:
    """The signatures of a model (bytes, a path or a LiteModel): {key: Signature}.

    Introduced in 11_pre_and_post_processing.
    """
    return _signatures_of(_interpreter(read_model_bytes(model)))


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
        advice = shape_advice(info.shape, x.shape, keyword=name)
        raise ModelInputError(f"{expected}; {given}. {advice}".rstrip())
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
        self.interpreter = _interpreter(self.model_bytes, num_threads=num_threads)
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
        found = _signatures_of(_interpreter(model_bytes))
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
