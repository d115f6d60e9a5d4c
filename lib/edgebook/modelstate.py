"""The subgraphs of a ``.tflite`` model, and the state a streaming model keeps between inferences.

Most converted models have one subgraph. A model can have more: the main one
(subgraph 0, what ``invoke`` runs), an *init* subgraph that CALL_ONCE runs once
before the first inference (a streaming model sets its state there), and the
branches and loop bodies of IF and WHILE. A streaming model keeps what it needs
from earlier inputs in *resource variables*: VAR_HANDLE names one,
READ_VARIABLE and ASSIGN_VARIABLE read and overwrite it, and the values live as
long as the interpreter (in TFLM, in the arena's tail).

    >>> modelstate.subgraphs(model_bytes)    # [Subgraph(0, 'main', 61, 'main'), Subgraph(1, 'NoOp', 12, 'init (CALL_ONCE)')]
    >>> modelstate.variables(model_bytes)    # [Variable('stream_10/states', (1, 14, 1, 64), 'int8'), ...]
    >>> modelstate.state_bytes(model_bytes)  # 3408 for microWakeWord's "okay nabu"

``modelfile.ops``, ``tensors`` and ``profile`` read one subgraph (0 by default);
``modelfile.op_counts`` counts every subgraph's ops, as an op resolver needs them.

Introduced in 16_cascades_and_deployment.
"""
from __future__ import annotations

import dataclasses

from edgebook import modelfile


@dataclasses.dataclass(frozen=True)
class Subgraph:
    """One subgraph of a model: its index, name, how many ops it has, and what runs it."""

    index: int
    name: str
    ops: int
    role: str  # "main", "init (CALL_ONCE)", "IF branch", "WHILE condition", "WHILE body" or "not called"


_CALLERS = {"CALL_ONCE": (("initSubgraphIndex", "init (CALL_ONCE)"),),
            "IF": (("thenSubgraphIndex", "IF branch"), ("elseSubgraphIndex", "IF branch")),
            "WHILE": (("condSubgraphIndex", "WHILE condition"), ("bodySubgraphIndex", "WHILE body"))}


def subgraphs(model) -> list[Subgraph]:
    """Every subgraph of the model and what runs it: 0 is the main one; the others are run by an op of
    another subgraph (CALL_ONCE runs an init subgraph once, before the first inference; IF and WHILE
    run theirs on every inference that reaches them).

    Introduced in 16_cascades_and_deployment.
    """
    m = modelfile.parse(model)
    roles = {0: "main"}
    for graph in m.subgraphs:
        for op in graph.operators or []:
            for field, role in _CALLERS.get(modelfile.op_name(m, op.opcodeIndex), ()):
                roles.setdefault(int(getattr(op.builtinOptions, field)), role)
    return [Subgraph(i, modelfile.text_of(g.name) if g.name is not None else "", len(g.operators or []),
                     roles.get(i, "not called"))
            for i, g in enumerate(m.subgraphs)]


@dataclasses.dataclass(frozen=True)
class Variable:
    """A resource variable: state a model keeps from one inference to the next."""

    name: str
    shape: tuple[int, ...]
    dtype: str

    @property
    def bytes(self) -> int:
        """Bytes its values take (what TFLM allocates for it, before alignment)."""
        return modelfile.tensor_bytes(modelfile.Tensor(-1, self.name, self.shape, self.dtype, 0))


def variables(model) -> list[Variable]:
    """The model's resource variables (its streaming state), with the shape and type of their values.

    A variable is known by the name its VAR_HANDLE ops share; the shape and type
    of its values are those of what ASSIGN_VARIABLE writes into it (in the init
    subgraph, or later) or, for one never assigned, what READ_VARIABLE reads.
    Empty for a model without state.

    Introduced in 16_cascades_and_deployment.
    """
    m = modelfile.parse(model)
    values: dict[str, list] = {}  # name -> [tensors assigned to it, tensors read from it]
    for graph in m.subgraphs:
        handles = {}  # tensor index -> the variable's name
        for op in graph.operators or []:
            name = modelfile.op_name(m, op.opcodeIndex)
            if name == "VAR_HANDLE":
                options = op.builtinOptions
                handles[int(op.outputs[0])] = "/".join(
                    modelfile.text_of(part) for part in (options.container, options.sharedName) if part)
                values.setdefault(handles[int(op.outputs[0])], [[], []])
            elif name == "ASSIGN_VARIABLE" and int(op.inputs[0]) in handles:
                values[handles[int(op.inputs[0])]][0].append(graph.tensors[int(op.inputs[1])])
            elif name == "READ_VARIABLE" and int(op.inputs[0]) in handles:
                values[handles[int(op.inputs[0])]][1].append(graph.tensors[int(op.outputs[0])])
    found = []
    for name, (assigned, read) in sorted(values.items()):
        value = (assigned + read)[0] if assigned + read else None
        shape = () if value is None else (value.shapeSignature if value.shapeSignature is not None else value.shape)
        found.append(Variable(name, tuple(int(d) for d in (shape if shape is not None else ())),
                              "unknown" if value is None else modelfile.type_name(value.type)))
    return found


def state_bytes(model) -> int:
    """Bytes of state a streaming model keeps between inferences: its resource variables' values.

    Introduced in 16_cascades_and_deployment.
    """
    return sum(variable.bytes for variable in variables(model))
