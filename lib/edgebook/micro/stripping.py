"""The model file: what TFLM reads, and what it never does.

``size_breakdown`` shows where a ``.tflite`` file's bytes go; ``strip`` removes
what TFLM never reads (names, signatures, the converter's metadata), so the
model takes less flash and computes exactly the same.

Introduced in 12_tflm_hello_world.
"""
from __future__ import annotations

from edgebook import modelfile
from edgebook.errors import ModelInputError
from edgebook.modelfile import read_model_bytes

_FOR_LITERT_ONLY = modelfile.CONVERTER_ENTRIES
"""Metadata the converter writes for LiteRT ("min_runtime_version", "CONVERSION_METADATA"):
TFLM never reads it. TFLM reads one metadata entry, "OfflineMemoryAllocation", which ``strip`` keeps."""


def _without_buffers(model_t, unused: set) -> None:
    """Delete the buffers in ``unused`` and renumber every reference to the others."""
    kept = [i for i in range(len(model_t.buffers)) if i not in unused]
    new_index = {old: new for new, old in enumerate(kept)}
    model_t.buffers = [model_t.buffers[i] for i in kept]
    for graph in model_t.subgraphs:
        for tensor in graph.tensors:
            tensor.buffer = new_index[tensor.buffer]
    for entry in model_t.metadata or []:
        entry.buffer = new_index[entry.buffer]


def _parse_for_editing(model):
    model_t = modelfile.parse(model)
    if any(buffer.offset > 1 for buffer in model_t.buffers):
        raise ModelInputError("This model keeps its buffers after the FlatBuffer (a model over 2 GB), "
                              "far too big for a microcontroller; micro cannot re-pack it.")
    return model_t


def _drop_strings(model_t) -> None:
    from ai_edge_litert.tools import flatbuffer_utils

    flatbuffer_utils.strip_strings(model_t)  # description, subgraph and tensor names, signatures


def _drop_converter_metadata(model_t) -> None:
    entries = model_t.metadata or []
    dropped = [e for e in entries if modelfile.metadata_name(e) in _FOR_LITERT_ONLY]
    model_t.metadata = [e for e in entries if e not in dropped] or None
    still_used = {t.buffer for g in model_t.subgraphs for t in g.tensors}
    still_used |= {e.buffer for e in model_t.metadata or []}
    _without_buffers(model_t, {e.buffer for e in dropped} - still_used - {0})


def strip(model) -> bytes:
    """A copy of the model without the parts TFLM never reads, so it takes less flash.

    Removed:

    - the model's description and the names of its subgraphs and tensors, and
      the signatures (named entry points for LiteRT's signature runners; TFLM
      finds inputs and outputs by index). LiteRT's own tool does exactly this:
      ``ai_edge_litert.tools.flatbuffer_utils.strip_strings``;
    - the converter's metadata entries "min_runtime_version" and
      "CONVERSION_METADATA", and the buffers that held them.

    Everything TFLM computes with stays byte for byte: operators, tensor shapes
    and types, quantization parameters, weights and biases, and any other
    metadata (such as labels, or TFLM's "OfflineMemoryAllocation" plan). So
    the stripped model gives exactly the same outputs, in TFLM and in LiteRT
    (``compare`` and 12_tflm_hello_world check it). What you lose is
    convenience on the LiteRT side: no signature runner (``runtime.wrap``) and
    empty tensor names.

    Introduced in 12_tflm_hello_world.
    """
    model_t = _parse_for_editing(model)
    _drop_strings(model_t)
    _drop_converter_metadata(model_t)
    return modelfile.pack(model_t)


SIZE_PARTS = ("weights and biases", "quantization parameters", "names and description", "signatures",
              "converter metadata", "FlatBuffer structure")
"""The parts ``size_breakdown`` splits a model file into, in this order."""


def _without_constants(model_t) -> None:
    for index in {t.buffer for g in model_t.subgraphs for t in g.tensors}:
        if index:
            model_t.buffers[index].data = None


def _without_quantization(model_t) -> None:
    for graph in model_t.subgraphs:
        for tensor in graph.tensors:
            tensor.quantization = None


def _without_names(model_t) -> None:
    model_t.description = None
    for graph in model_t.subgraphs:
        graph.name = None
        for tensor in graph.tensors:
            tensor.name = None


def _without_signatures(model_t) -> None:
    model_t.signatureDefs = None


def size_breakdown(model) -> dict[str, int]:
    """Where the bytes of a ``.tflite`` file go: {part: bytes}, the parts of ``SIZE_PARTS``.

    Each part is measured as how many bytes the file loses without it (the
    model is re-packed without that part alone; those copies are for measuring,
    not for running). "FlatBuffer structure" is the rest: the operators, the
    tensors' shapes and types, the op codes, the tables and offsets that tie
    them together, and alignment padding. The parts add up to the file size.

    Introduced in 12_tflm_hello_world.
    """
    model_bytes = read_model_bytes(model)
    removals = {"weights and biases": _without_constants, "quantization parameters": _without_quantization,
                "names and description": _without_names, "signatures": _without_signatures,
                "converter metadata": _drop_converter_metadata}
    parts = {}
    for part, remove in removals.items():
        model_t = _parse_for_editing(model_bytes)
        remove(model_t)
        parts[part] = len(model_bytes) - len(modelfile.pack(model_t))
    parts["FlatBuffer structure"] = len(model_bytes) - sum(parts.values())
    return parts
