"""What is inside a ``.tflite`` file: its operators, tensors and buffers.

A ``.tflite`` model is a FlatBuffer laid out by the LiteRT schema, which
``ai_edge_litert`` ships as ``schema_py_generated``. Lesson 03 reads it by hand
once; afterwards lessons call ``ops`` and ``tensors``. A model can have several
subgraphs (``ops``, ``tensors`` and ``profile`` take the one to read; 0, the main
one, by default); ``edgebook.modelstate`` says what runs each, and the state a
streaming model keeps.

Introduced in 03_convert_and_run_with_litert.
"""
from __future__ import annotations

import dataclasses
import math
import os
import re
import struct
from collections import Counter
from pathlib import Path

import flatbuffers
import numpy as np
from ai_edge_litert import schema_py_generated as schema

from edgebook.errors import (MetadataNotFoundError, ModelInputError, ModelLoadError, ModelNotFoundError,
                             NotAModelError)

_OP_NAMES = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
_TYPE_NAMES = {v: k.lower() for k, v in vars(schema.TensorType).items() if not k.startswith("_")}


FILE_IDENTIFIER = b"TFL3"
"""Bytes 4-8 of every .tflite file: how a reader knows the FlatBuffer is a LiteRT model."""

_WHAT_A_MODEL_IS = ("A model is .tflite bytes (what convert.to_tflite returns), the path of a .tflite file "
                    "(convert.save writes them to build/models/), or a runtime.LiteModel")


def _not_a_model(thing) -> str:
    """What to say when ``thing`` was passed where a .tflite model goes."""
    kind = type(thing).__name__
    if thing is None:
        return f"You passed None where a model goes (a variable that was never set?). {_WHAT_A_MODEL_IS}."
    if hasattr(thing, "layers") and hasattr(thing, "fit"):
        return (f"This is a Keras model ({kind}), not a .tflite model. Convert it first: "
                "convert.to_tflite(model) returns the bytes that runtime.load and micro take.")
    if isinstance(thing, np.ndarray):
        as_bytes = " If the array holds a file's bytes, pass array.tobytes()." if thing.dtype == np.uint8 else ""
        return (f"You passed a NumPy array of shape {thing.shape} where a model goes: the model comes first, "
                f"then the data (runtime.load(model_bytes).predict(x)). {_WHAT_A_MODEL_IS}.{as_bytes}")
    return f"{_WHAT_A_MODEL_IS}; you passed a {kind}."


def read_bytes(model) -> bytes:
    """The bytes of a model given as bytes, as a path to a file, or as an object that holds them
    in ``.model_bytes`` (a ``runtime.LiteModel``, a wrapper), without checking what they hold.

    ``measure.size_bytes`` and ``measure.gzip_size`` measure any file with it.
    """
    if isinstance(model, (bytes, bytearray, memoryview)):
        return bytes(model)
    if hasattr(model, "model_bytes"):
        return model.model_bytes
    if not isinstance(model, (str, os.PathLike)):
        raise NotAModelError(_not_a_model(model))
    path = Path(model)
    if path.is_dir():
        raise NotAModelError(f"{path} is a folder, not a .tflite file (a SavedModel?). Convert it first: "
                             "convert.to_tflite(folder) returns the model's bytes.")
    if not path.is_file():
        raise ModelNotFoundError(
            f"There is no model file at {path}. Convert and save one first "
            "(edgebook.convert.save writes to build/models/), or check the name.")
    return path.read_bytes()


def _looks_like(data: bytes) -> str:
    """A guess at what non-model bytes are, for the error message."""
    if data[:2] == b"PK":
        return (" They are a zip archive, such as a .keras file: load it with tf.keras.models.load_model "
                "and convert it with convert.to_tflite.")
    if data[:4] == b"\x89HDF":
        return (" They are an HDF5 file, such as a Keras .h5 file: load it with tf.keras.models.load_model "
                "and convert it with convert.to_tflite.")
    try:
        text = data[:40].decode("utf-8")
    except UnicodeDecodeError:
        return ""
    return f" They are text ({text!r}...), not a model." if text.isprintable() or "\n" in text else ""


def check_model_bytes(data: bytes, source: str = "These bytes") -> bytes:
    """``data`` if it starts like a .tflite model (bytes 4-8 are ``b"TFL3"``); else a NotAModelError that says why."""
    if len(data) == 0:
        raise NotAModelError(f"{source} are empty (0 bytes), so they hold no model. {_WHAT_A_MODEL_IS}.")
    if data[4:8] != FILE_IDENTIFIER:
        raise NotAModelError(
            f"{source} are not a .tflite model: bytes 4-8 of every .tflite file are {FILE_IDENTIFIER!r}, "
            f"these are {data[4:8]!r}.{_looks_like(data)} {_WHAT_A_MODEL_IS}.")
    return data


def damaged(data: bytes) -> NotAModelError:
    """The error for bytes that start like a .tflite model but whose FlatBuffer is incomplete or broken."""
    return NotAModelError(
        f"These {len(data):,} bytes start like a .tflite model, but the FlatBuffer inside is incomplete or "
        "damaged (a file cut short, or bytes changed by hand?). Convert and save the model again "
        "(convert.to_tflite, convert.save).")


def refused_by_litert(data: bytes, error: ValueError) -> Exception:
    """The course's error for a ValueError from LiteRT's Interpreter: a damaged file, or a valid one it refuses.

    LiteRT says "not a valid Flatbuffer buffer" for bytes cut short; a file it
    merely refuses (TFLM's person_detect.tflite: "quantized_dimension must be in
    range [0, 1). Was 3", once per tensor) is named as such, with the way out.
    """
    text = str(error)
    if "Flatbuffer" in text or "flatbuffer" in text:
        return damaged(data)
    tensors = re.findall(r"Tensor (\d+) has invalid", text)  # LiteRT repeats its reason once per tensor
    reason = (text.split("Tensor ")[0].strip() if tensors else text.strip().splitlines()[0]).rstrip(".")
    where = (f", in {len(tensors)} tensors (the first is tensor {tensors[0]})" if len(tensors) > 1
             else f", in tensor {tensors[0]}" if tensors else "")
    return ModelLoadError(
        f"LiteRT refuses this {len(data):,}-byte model: {reason}{where}. "
        "The file is a valid .tflite, but it breaks a rule this runtime checks and another runtime may not: "
        "TFLM (micro.run) may still run it.")


def read_model_bytes(model) -> bytes:
    """The bytes of a ``.tflite`` model given as bytes, as a path to a .tflite file, or as an object
    that holds them in ``.model_bytes`` (a ``runtime.LiteModel``, a wrapper).

    Anything else, or bytes that are not a model, raises a ``NotAModelError``
    that says what was given and what a model is.
    """
    source = f"The contents of {model}" if isinstance(model, (str, os.PathLike)) else "These bytes"
    return check_model_bytes(read_bytes(model), source)


@dataclasses.dataclass(frozen=True)
class Op:
    index: int
    name: str
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]


@dataclasses.dataclass(frozen=True)
class Tensor:
    index: int
    name: str
    shape: tuple[int, ...]
    dtype: str
    constant_bytes: int  # bytes stored in the file (weights, biases); 0 for activations

    @property
    def is_constant(self) -> bool:
        return self.constant_bytes > 0


def _unpacked(model_bytes: bytes) -> "schema.ModelT":
    try:
        return schema.ModelT.InitFromPackedBuf(model_bytes, 0)
    except (struct.error, IndexError, ValueError, UnicodeDecodeError):  # offsets that point past the end
        raise damaged(model_bytes) from None


def parse(model) -> "schema.ModelT":
    """The whole model as Python objects (bytes, a path, or a LiteModel)."""
    return _unpacked(read_model_bytes(model))


def op_name(model_t: "schema.ModelT", opcode_index: int) -> str:
    code = model_t.operatorCodes[opcode_index]
    # Newer op codes live in builtinCode; the old byte-sized field saturates at 127.
    builtin = max(code.builtinCode, code.deprecatedBuiltinCode)
    if builtin == schema.BuiltinOperator.CUSTOM:
        return f"CUSTOM:{code.customCode.decode() if isinstance(code.customCode, bytes) else code.customCode}"
    return _OP_NAMES.get(builtin, f"OP_{builtin}")


def type_name(tensor_type: int) -> str:
    """A schema ``TensorType`` as the course writes it: "int8", "float32", "resource"..."""
    return _TYPE_NAMES.get(tensor_type, str(tensor_type))


def _graph(model_t: "schema.ModelT", subgraph: int):
    """One subgraph of a parsed model, or an error that says which there are."""
    count = len(model_t.subgraphs or [])
    if not isinstance(subgraph, (int, np.integer)) or not 0 <= subgraph < count:
        raise ModelInputError(f"This model has {count} subgraph{'s' if count != 1 else ''} (0 to {count - 1}); "
                              f"there is no subgraph {subgraph!r}. modelstate.subgraphs(model) lists them.")
    return model_t.subgraphs[subgraph]


def ops(model, subgraph: int = 0) -> list[Op]:
    """The operators of a subgraph, in execution order (subgraph 0, the main one, by default;
    ``modelstate.subgraphs`` lists them all)."""
    m = parse(model)
    return [Op(i, op_name(m, op.opcodeIndex), tuple(int(t) for t in op.inputs),
               tuple(int(t) for t in op.outputs))
            for i, op in enumerate(_graph(m, subgraph).operators or [])]


def tensors(model, subgraph: int = 0) -> list[Tensor]:
    """Every tensor of a subgraph, with how many bytes of constant data it stores."""
    m = parse(model)
    result = []
    for i, t in enumerate(_graph(m, subgraph).tensors or []):
        data = m.buffers[t.buffer].data if t.buffer < len(m.buffers) else None
        shape = t.shapeSignature if t.shapeSignature is not None else t.shape
        name = t.name.decode() if isinstance(t.name, bytes) else t.name
        result.append(Tensor(i, name, tuple(int(d) for d in (shape if shape is not None else ())),
                             type_name(t.type),
                             0 if data is None else int(np.size(data))))
    return result


def op_counts(model, subgraph: int | None = None) -> Counter:
    """How many operators of each type the model has: in every subgraph (what an op resolver must
    register), or in one (``subgraph=0``: the main one)."""
    m = parse(model)
    graphs = m.subgraphs if subgraph is None else [_graph(m, subgraph)]
    return Counter(op_name(m, op.opcodeIndex) for g in graphs for op in g.operators or [])


def constant_bytes(model) -> int:
    """Bytes of constant data (weights, biases, shapes) in all buffers of the file."""
    m = parse(model)
    return sum(int(np.size(b.data)) for b in m.buffers if b.data is not None)


# --- a per-operator profile (lessons 08 and 09) -----------------------------------

_ITEM_BYTES = {"float32": 4, "float16": 2, "int32": 4, "int64": 8, "int16": 2, "int8": 1,
               "uint8": 1, "bool": 1, "int4": 0.5, "float64": 8,
               "resource": 4}  # a resource tensor holds a handle (an int32 id); the values are elsewhere


@dataclasses.dataclass(frozen=True)
class OpProfile:
    """One operator's cost, read from the file: no run needed.

    ``macs`` counts multiply-accumulates of convolutions, fully connected
    layers and matrix products (element-wise ops count 0: they are cheap
    next to those). ``param_bytes`` is the constant data the op reads
    (weights, biases); ``activation_bytes`` is the size of what it writes.
    """

    index: int
    name: str
    output_shape: tuple[int, ...]
    macs: int
    param_bytes: int
    activation_bytes: int


def _elements(shape) -> int:
    """Number of elements, counting an open batch axis (-1) as a batch of one."""
    return int(np.prod([max(d, 1) for d in shape])) if len(shape) else 1


def tensor_bytes(tensor: Tensor) -> int:
    """Bytes a tensor's values take, for a batch of one (int4 packs two values in a byte).

    Introduced in 12_tflm_hello_world (``micro.peak_activation_bytes`` adds them up).
    """
    return math.ceil(_elements(tensor.shape) * _ITEM_BYTES.get(tensor.dtype, 4))


def _op_macs(name: str, inputs: list[Tensor], output: Tensor) -> int:
    """Multiply-accumulates of one op from its tensor shapes, for a batch of one."""
    out = _elements(output.shape)
    if name == "CONV_2D":                   # filter (out_ch, kh, kw, in_ch): each output sums kh*kw*in_ch
        _, kh, kw, in_ch = inputs[1].shape
        return out * kh * kw * in_ch
    if name == "DEPTHWISE_CONV_2D":         # filter (1, kh, kw, ch): each output sums one kh*kw window
        _, kh, kw, _ = inputs[1].shape
        return out * kh * kw
    if name == "CONV_3D":
        kd, kh, kw, in_ch, _ = inputs[1].shape
        return out * kd * kh * kw * in_ch
    if name == "TRANSPOSE_CONV":            # inputs: output shape, filter (out_ch, kh, kw, in_ch), input
        _, kh, kw, in_ch = inputs[1].shape
        return _elements(inputs[2].shape) * kh * kw * _elements(inputs[1].shape[:1])
    if name == "FULLY_CONNECTED":           # weights (units, depth): each output sums depth products
        return out * inputs[1].shape[-1]
    if name == "BATCH_MATMUL":
        return out * inputs[0].shape[-1]
    return 0


def profile(model, subgraph: int = 0) -> list[OpProfile]:
    """Every operator of a subgraph with its output shape, MACs, parameter and activation bytes.

    Sort it by ``macs`` to find the ops that will dominate run time on a CPU
    or a microcontroller; sum ``macs`` for the model's total.

    Subgraph 0 is the main one, what every inference runs (``modelstate.subgraphs``
    lists the others; ``profile(model, subgraph=1)`` profiles one). An op that writes
    no tensor (ASSIGN_VARIABLE, CALL_ONCE) has the output shape () and 0
    activation bytes.

    Introduced in 08_architectures_for_the_edge.
    """
    all_tensors = tensors(model, subgraph)
    rows = []
    for op in ops(model, subgraph):
        op_inputs = [all_tensors[i] for i in op.inputs if i >= 0]
        op_outputs = [all_tensors[i] for i in op.outputs if i >= 0]
        macs = _op_macs(op.name, op_inputs, op_outputs[0]) if len(op_inputs) > 1 and op_outputs else 0
        param_bytes = sum(t.constant_bytes for t in op_inputs)
        activation_bytes = int(sum(tensor_bytes(t) for t in op_outputs))
        rows.append(OpProfile(op.index, op.name, op_outputs[0].shape if op_outputs else (), int(macs),
                              param_bytes, activation_bytes))
    return rows


def macs(model) -> int:
    """Total multiply-accumulates of one inference: the main subgraph (0); see ``profile``.

    An init subgraph (CALL_ONCE) runs once, not per inference, so it is not
    counted; nor are the subgraphs of IF and WHILE, whose cost depends on the
    data (profile them one by one).
    """
    return sum(row.macs for row in profile(model))


# --- metadata: labels inside the file ----------------------------------------------
#
# A .tflite file has a list of named metadata entries, each pointing at a buffer
# of bytes. The converter writes two ("min_runtime_version", "CONVERSION_METADATA");
# an app can add its own, such as the class labels, so they travel with the model.
# Introduced in 11_pre_and_post_processing.

LABELS = "labels"
"""The metadata name under which the course stores class labels (one per line, UTF-8)."""

CONVERTER_ENTRIES = ("min_runtime_version", "CONVERSION_METADATA")
"""Metadata the converter writes and the runtime reads: ``write_metadata`` leaves them alone."""

def pack(model_t: "schema.ModelT") -> bytes:
    """The ``.tflite`` bytes of a model held as Python objects (the inverse of ``parse``).

    The FlatBuffer is built back to front and finished with the file identifier
    ``b"TFL3"``, as the converter writes it: ``pack(parse(model))`` gives back
    the very bytes of a converted model.

    Introduced in 11_pre_and_post_processing.
    """
    builder = flatbuffers.Builder(1024)
    builder.Finish(model_t.Pack(builder), file_identifier=FILE_IDENTIFIER)
    return bytes(builder.Output())


def text_of(value) -> str:
    """A string field of the FlatBuffer as text (the schema gives bytes or str)."""
    return value.decode() if isinstance(value, bytes) else str(value)


def metadata_name(entry) -> str:
    """The name of a metadata entry of a parsed model (``parse(model).metadata``), as text.

    Introduced in 12_tflm_hello_world (``micro.strip`` drops the converter's entries by name).
    """
    return text_of(entry.name)


def read_metadata(model) -> dict[str, bytes]:
    """Every metadata entry of a model: {name: the bytes of its buffer}.

    Introduced in 11_pre_and_post_processing.
    """
    model_bytes = read_model_bytes(model)
    m = _unpacked(model_bytes)
    entries = {}
    for entry in m.metadata or []:
        buffer = m.buffers[entry.buffer]
        if buffer.offset > 1:  # models over 2 GB keep their buffers after the FlatBuffer
            data = model_bytes[buffer.offset:buffer.offset + buffer.size]
        else:
            data = b"" if buffer.data is None else np.asarray(buffer.data, dtype=np.uint8).tobytes()
        entries[text_of(entry.name)] = data
    return entries


def write_metadata(model, name: str, data) -> bytes:
    """A copy of ``model`` with a metadata entry ``name`` holding ``data`` (bytes, or text as UTF-8).

    An entry of the same name is replaced. The operators, tensors, weights and
    signatures stay as they are, so the model runs exactly as before; the file
    grows by the data plus a few dozen bytes of bookkeeping.

    Introduced in 11_pre_and_post_processing.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"A metadata name must be a non-empty string; you gave {name!r}.")
    if name in CONVERTER_ENTRIES:
        raise ValueError(f"{name!r} is written by the converter and read by LiteRT; store your "
                         "data under another name (the course uses 'labels').")
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"Metadata holds bytes or text; you gave a {type(data).__name__}. "
                        "For a list of labels pass '\\n'.join(labels).")
    m = parse(model)
    if any(buffer.offset > 1 for buffer in m.buffers):
        raise ValueError("This model keeps its buffers after the FlatBuffer (a model over 2 GB); "
                         "write_metadata cannot re-pack it. Use ai_edge_litert.tools.flatbuffer_utils.")
    stored = np.frombuffer(bytes(data), dtype=np.uint8)
    m.metadata = list(m.metadata or [])
    existing = [entry for entry in m.metadata if text_of(entry.name) == name]
    if existing:
        m.buffers[existing[0].buffer].data = stored
    else:
        buffer = schema.BufferT()
        buffer.data = stored
        m.buffers.append(buffer)
        entry = schema.MetadataT()
        entry.name = name
        entry.buffer = len(m.buffers) - 1
        m.metadata.append(entry)
    return pack(m)


def labels(model, name: str = LABELS) -> list[str]:
    """The class labels stored in a model's metadata (one per line), e.g. ``labels(model)[7]``.

    Raises ``MetadataNotFoundError`` if the model has no such entry.

    Introduced in 11_pre_and_post_processing.
    """
    entries = read_metadata(model)
    if name not in entries:
        raise MetadataNotFoundError(
            f"This model has no metadata entry {name!r}; it has {sorted(entries) or 'none'}. "
            f"Add one with modelfile.write_metadata(model_bytes, {name!r}, '\\n'.join(class_names)).")
    return entries[name].decode("utf-8").splitlines()
