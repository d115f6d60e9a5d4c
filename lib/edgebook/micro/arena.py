"""Memory: the tensor arena, the one block of RAM where TFLM keeps a model's tensors.

Three numbers bound it: ``peak_activation_bytes`` (a lower bound read from the
file), what TFLM's recording allocator reports (``arena_report``), and the
``smallest_arena`` the model really runs in (found by bisection). A streaming
model also keeps its state (resource variables, ``modelstate.variables``) in the
arena for as long as the interpreter lives: both results report those bytes.

Introduced in 12_tflm_hello_world.
"""
from __future__ import annotations

import dataclasses
import re

import numpy as np

from edgebook import modelfile, modelstate
from edgebook.nativelogs import captured_native_output
from edgebook.micro.errors import MicroError
from edgebook.micro.interpreter import ALLOCATOR_BYTES, load_interpreter, model_io, try_in_a_subprocess
from edgebook.modelfile import read_model_bytes
from edgebook.showing import shows_itself

ARENA_ALIGNMENT = 16
"""TFLM aligns every buffer in the arena to 16 bytes; arena sizes are searched in these steps."""


def peak_activation_bytes(model) -> int:
    """The most activation bytes alive at once while the ops run: a lower bound for the arena.

    A tensor lives from the op that writes it (or the start, for inputs) to the
    last op that reads it (or the end, for outputs). Any memory planner must
    hold every live tensor at the same time; TFLM's arena also holds its own
    bookkeeping and alignment padding, so the real arena is larger.

    The ops are those of the main subgraph (what every inference runs). A
    streaming model's state is not an activation: it lives as long as the
    interpreter, on top of this (``modelstate.state_bytes``).
    """
    m = modelfile.parse(model)
    graph = m.subgraphs[0]
    all_tensors = modelfile.tensors(model)
    sizes = {t.index: modelfile.tensor_bytes(t) for t in all_tensors if not t.is_constant}
    last_op = len(graph.operators) - 1
    first_use = {int(i): 0 for i in graph.inputs}
    last_use = {int(i): last_op for i in graph.outputs}
    for step, op in enumerate(graph.operators):
        for i in op.outputs:
            first_use.setdefault(int(i), step)
        for i in op.inputs:
            if int(i) in sizes:
                last_use[int(i)] = max(last_use.get(int(i), step), step)
    peak = 0
    for step in range(last_op + 1):
        live = sum(size for i, size in sizes.items()
                   if first_use.get(i, 0) <= step <= last_use.get(i, first_use.get(i, 0)))
        peak = max(peak, live)
    return int(peak)


@dataclasses.dataclass(frozen=True)
@shows_itself
class ArenaReport:
    """What TFLM's recording allocator says the arena holds once the model is prepared and has run.

    ``head`` holds the activations, laid out by TFLM's memory planner so that
    tensors that are never alive at the same time share bytes. ``tail`` holds
    what lives as long as the interpreter: one small struct per tensor and per
    op, the kernels' own data (multipliers and shifts), and the allocator's and
    interpreter's objects. ``sections`` names the parts of the tail TFLM
    records (the rest of the tail is those objects). A streaming model's state
    (``state_bytes``, its resource variables' values, read from the file) is
    part of the tail's persistent buffers: TFLM allocates it once and keeps it
    from one inference to the next.

    Introduced in 12_tflm_hello_world.
    """

    total: int
    head: int
    tail: int
    sections: dict
    state_bytes: int = 0

    def __str__(self) -> str:
        lines = [f"TFLM records {self.total:,} B: head (activations) {self.head:,} B + tail "
                 f"(kept for the interpreter's lifetime) {self.tail:,} B"]
        lines += [f"  tail: {name:<45} {size:>6,} B" for name, size in self.sections.items()]
        rest = self.tail - sum(self.sections.values())
        lines.append(f"  tail: {'allocator and interpreter objects (the rest)':<45} {rest:>6,} B")
        if self.state_bytes:
            lines.append(f"  of the tail's persistent buffers, {self.state_bytes:,} B are the model's streaming "
                         "state (its resource variables)")
        return "\n".join(lines)


def arena_report(model, arena_size: int | None = None) -> ArenaReport:
    """Prepare and run the model once in TFLM (on zeros) and parse its ``print_allocations`` report.

    The total counts what stays allocated afterwards. While it prepares the
    model, TFLM also borrows *temporary* space in the arena (a table of every
    tensor's lifetime and the memory planner's working space) and gives it back
    before the first inference, so the smallest arena that works
    (``smallest_arena``) is larger than this total.

    Introduced in 12_tflm_hello_world.
    """
    model_bytes = read_model_bytes(model)
    interpreter = load_interpreter(model_bytes, default_arena(model_bytes) if arena_size is None else arena_size,
                                   probe_first=arena_size is not None)
    first_input = model_io(interpreter).input  # TFLM's own details: LiteRT refuses some models TFLM runs
    interpreter.set_input(np.zeros([max(d, 1) for d in first_input.shape], first_input.dtype), 0)
    interpreter.invoke()
    with captured_native_output(2) as report:  # TFLM prints its report on stderr
        interpreter.print_allocations()
    text = report.getvalue()
    totals = {part: re.search(rf"Arena allocation {part} (\d+) bytes", text) for part in ("total", "head", "tail")}
    if not all(totals.values()):
        raise MicroError(f"TFLM printed no arena totals; it said: {text[:200]!r}")
    sections = {name: int(used) for name, used in re.findall(r"'([^']+)' used (\d+) bytes", text) if int(used)}
    return ArenaReport(*(int(totals[part].group(1)) for part in ("total", "head", "tail")), sections,
                       modelstate.state_bytes(model_bytes))


def recorded_arena_bytes(model, arena_size: int | None = None) -> int:
    """Arena bytes TFLM's recording allocator reports after preparing and running the model once.

    This is what stays allocated, not the peak during preparation: see ``arena_report``.
    """
    return arena_report(model, arena_size).total


def _runs_with_arena(model_bytes: bytes, arena_size: int) -> bool:
    # A separate process per try: with a tiny arena TFLM can crash the whole process.
    return arena_size >= ALLOCATOR_BYTES and try_in_a_subprocess(model_bytes, arena_size, invoke=True) == 0


@dataclasses.dataclass(frozen=True)
@shows_itself
class ArenaSearch:
    """The smallest arena a model ran in, found by bisection, and what bounds it.

    ``smallest`` is usually larger than ``recorded``: TFLM's recording allocator
    reports what stays allocated after preparation, while the arena must also
    hold the temporary tables TFLM builds while it prepares the model
    (``preparation_bytes`` = the difference).
    """

    smallest: int          # bytes: the model prepares and runs with this arena, not with 16 bytes less
    recorded: int          # what TFLM's recording allocator reports with a generous arena
    peak_activations: int  # lower bound from tensor lifetimes (no bookkeeping)
    tries: int
    state_bytes: int = 0   # a streaming model's state (resource variables), held for the interpreter's lifetime

    @property
    def preparation_bytes(self) -> int:
        """Arena bytes needed only while TFLM prepares the model (smallest minus recorded)."""
        return self.smallest - self.recorded

    def __str__(self) -> str:
        return (f"smallest arena {self.smallest:,} B (found in {self.tries} tries); TFLM records "
                f"{self.recorded:,} B in use after preparation (+{self.preparation_bytes:,} B borrowed while "
                f"preparing); peak activations {self.peak_activations:,} B"
                + (f"; streaming state {self.state_bytes:,} B" if self.state_bytes else ""))


def smallest_arena(model) -> ArenaSearch:
    """Find the smallest tensor arena that works, by bisection in 16-byte steps.

    Each try prepares and runs the model once in a fresh process. The result is
    for this host (64-bit pointers): on a 32-bit microcontroller TFLM's
    bookkeeping is a little smaller, so the same arena is enough there.
    """
    model_bytes = read_model_bytes(model)
    recorded = recorded_arena_bytes(model_bytes)
    # The recorded total is still in use after preparation, so no smaller arena can work:
    # bisect between it (fails, or is just enough) and a size that works.
    low = max(-(-recorded // ARENA_ALIGNMENT) * ARENA_ALIGNMENT - ARENA_ALIGNMENT, 0)
    step = max(recorded // 4 // ARENA_ALIGNMENT, 1) * ARENA_ALIGNMENT  # a first guess at the temporaries
    high, tries = low + step, 0
    while True:  # double the step until an arena works
        tries += 1
        if _runs_with_arena(model_bytes, high):
            break
        low, step = high, step * 2
        high = low + step
    while high - low > ARENA_ALIGNMENT:
        middle = (low + high) // 2 // ARENA_ALIGNMENT * ARENA_ALIGNMENT
        tries += 1
        if _runs_with_arena(model_bytes, middle):
            high = middle
        else:
            low = middle
    return ArenaSearch(high, recorded, peak_activation_bytes(model_bytes), tries, modelstate.state_bytes(model_bytes))


def default_arena(model) -> int:
    """A generous arena for running a model on the host: the peak activations times 4, plus any streaming
    state, plus 16 KB."""
    return 4 * peak_activation_bytes(model) + modelstate.state_bytes(model) + 16 * 1024
