"""What is inside a ``.tflite`` file: its operators, tensors and buffers.

A ``.tflite`` model is a FlatBuffer laid out by the LiteRT schema, which
``ai_edge_litert`` ships as ``schema_py_generated``. Lesson 03 reads it by hand
once; afterwards lessons call ``ops`` and ``tensors``.

Introduced in 03_convert_and_run_with_litert.
"""
from __future__ import annotations

import dataclasses
from collections import Counter

import numpy as np
from ai_edge_litert import schema_py_generated as schema

from edgebook.runtime import read_model_bytes

_OP_NAMES = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
_TYPE_NAMES = {v: k.lower() for k, v in vars(schema.TensorType).items() if not k.startswith("_")}


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


def parse(model) -> "schema.ModelT":
    """The whole model as Python objects (bytes, a path, or a LiteModel)."""
    return schema.ModelT.InitFromPackedBuf(read_model_bytes(model), 0)


def op_name(model_t: "schema.ModelT", opcode_index: int) -> str:
    code = model_t.operatorCodes[opcode_index]
    # Newer op codes live in builtinCode; the old byte-sized field saturates at 127.
    builtin = max(code.builtinCode, code.deprecatedBuiltinCode)
    if builtin == schema.BuiltinOperator.CUSTOM:
        return f"CUSTOM:{code.customCode.decode() if isinstance(code.customCode, bytes) else code.customCode}"
    return _OP_NAMES.get(builtin, f"OP_{builtin}")


def ops(model, subgraph: int = 0) -> list[Op]:
    """The operators of a subgraph, in execution order."""
    m = parse(model)
    return [Op(i, op_name(m, op.opcodeIndex), tuple(int(t) for t in op.inputs),
               tuple(int(t) for t in op.outputs))
            for i, op in enumerate(m.subgraphs[subgraph].operators)]


def tensors(model, subgraph: int = 0) -> list[Tensor]:
    """Every tensor of a subgraph, with how many bytes of constant data it stores."""
    m = parse(model)
    result = []
    for i, t in enumerate(m.subgraphs[subgraph].tensors):
        data = m.buffers[t.buffer].data if t.buffer < len(m.buffers) else None
        shape = t.shapeSignature if t.shapeSignature is not None else t.shape
        name = t.name.decode() if isinstance(t.name, bytes) else t.name
        result.append(Tensor(i, name, tuple(int(d) for d in (shape if shape is not None else ())),
                             _TYPE_NAMES.get(t.type, str(t.type)),
                             0 if data is None else int(np.size(data))))
    return result


def op_counts(model) -> Counter:
    """How many operators of each type the model has (all subgraphs)."""
    m = parse(model)
    return Counter(op_name(m, op.opcodeIndex) for g in m.subgraphs for op in g.operators)


def constant_bytes(model) -> int:
    """Bytes of constant data (weights, biases, shapes) in all buffers of the file."""
    m = parse(model)
    return sum(int(np.size(b.data)) for b in m.buffers if b.data is not None)
