"""Benchmarks you can trust, delegates and their partitions, and a ranked per-operator profile.

Lesson 09 times a model by hand first (a ``time.perf_counter`` loop, warm-up,
median and 90th percentile), then calls these helpers:

    >>> print(benchmark.machine())                       # what the numbers were measured on
    >>> repeats = benchmark.repeat(lite, sample)         # the same benchmark several times: the noise
    >>> table = benchmark.grid({"float32": f32, "int8": i8}, sample, x=test_x, y=test_y)
    >>> benchmark.partitions(op_names, supported={"CONV_2D", ...})   # what a delegate would take
    >>> benchmark.delegated_partitions(lite)             # what the runtime's delegates did take
    >>> benchmark.ranked_profile(model_bytes, latency_ms=...)        # ops ranked by MACs

Introduced in 09_delegates_and_benchmarking.
"""
from __future__ import annotations

import dataclasses
import os
import platform
from typing import Collection, Iterable, Mapping, Sequence

import numpy as np

from edgebook import progress
from edgebook.measure import Latency, latency
from edgebook.runtime import LiteModel
from edgebook.showing import shows_itself


# --- the machine ----------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
@shows_itself
class Machine:
    """What a latency was measured on: a benchmark without this is a number without a unit."""

    cpu: str
    logical_cores: int
    usable_cores: int
    load_average: float | None      # runnable processes, averaged over the last minute (Unix)
    litert: str

    def __str__(self) -> str:
        load = "" if self.load_average is None else (
            f", load average {self.load_average:.1f} over the last minute (programs running or waiting "
            "for a core, this one included)")
        return (f"{self.cpu}, {self.logical_cores} logical cores ({self.usable_cores} usable here)"
                f"{load}, LiteRT {self.litert}")


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.lower().startswith(("model name", "hardware")):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def machine() -> Machine:
    """The CPU, its cores, how busy it is right now and the LiteRT version.

    Introduced in 09_delegates_and_benchmarking.
    """
    from importlib import metadata

    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        load = None
    try:
        litert = metadata.version("ai-edge-litert")
    except metadata.PackageNotFoundError:
        litert = "not installed"
    return Machine(_cpu_name(), os.cpu_count() or 1, usable, load, litert)


# --- repeated benchmarks ----------------------------------------------------------------------

def repeat(model, sample, *, repeats: int = 8, runs: int = 100, warmup: int = 10) -> list[Latency]:
    """Run the same ``measure.latency`` benchmark ``repeats`` times, to see how much it moves.

    Two numbers from two benchmarks only differ if they differ by more than the
    spread of these repeats. Quick mode (EDGEBOOK_QUICK=1) keeps every repeat
    but does fewer runs in each.

    Introduced in 09_delegates_and_benchmarking.
    """
    if repeats < 2:
        raise ValueError("repeat() needs at least 2 repeats to show any spread.")
    return [latency(model, sample, runs=runs, warmup=warmup) for _ in range(repeats)]


def spread(latencies: Sequence[Latency]) -> float:
    """How far apart the medians of repeated benchmarks are: (largest - smallest) / smallest.

    Introduced in 09_delegates_and_benchmarking.
    """
    medians = [timing.median_ms for timing in latencies]
    return (max(medians) - min(medians)) / min(medians)


# --- the grid: precision x XNNPACK x threads ------------------------------------------------

@dataclasses.dataclass(frozen=True)
class GridRow:
    """One configuration of the grid, measured."""

    precision: str
    xnnpack: bool
    threads: int
    latency: Latency
    max_difference: float | None   # largest |output - output of the same precision's first configuration|
    accuracy: float | None

    @property
    def label(self) -> str:
        return (f"{self.precision}, XNNPACK {'on' if self.xnnpack else 'off'}, "
                f"{self.threads} thread{'s' if self.threads != 1 else ''}")

    @property
    def median_ms(self) -> float:
        return self.latency.median_ms

    @property
    def p90_ms(self) -> float:
        return self.latency.p90_ms


class Grid(list):
    """``GridRow``s that print as a table; ``grid.find("int8", xnnpack=True, threads=1)`` picks one."""

    def find(self, precision: str, *, xnnpack: bool = True, threads: int = 1) -> GridRow:
        for row in self:
            if (row.precision, row.xnnpack, row.threads) == (precision, xnnpack, threads):
                return row
        have = "; ".join(row.label for row in self)
        raise KeyError(f"No row for {precision!r}, xnnpack={xnnpack}, threads={threads}. The grid has: {have}.")

    def times(self) -> dict[str, tuple[float, ...]]:
        """Every configuration's single-run times (ms), for ``plots.latency_boxes``."""
        return {row.label: row.latency.times_ms for row in self}

    def __repr__(self) -> str:
        width = max([len("precision"), *(len(r.precision) for r in self)]) + 2
        header = (f"{'precision':<{width}}{'XNNPACK':>8}{'threads':>8}{'median ms':>11}{'p90 ms':>9}"
                  f"{'max |Δ|':>10}{'accuracy':>10}")
        lines = [header, "-" * len(header)]
        for r in self:
            difference = "" if r.max_difference is None else f"{r.max_difference:.1e}"
            accuracy = "" if r.accuracy is None else f"{r.accuracy:.2%}"
            lines.append(f"{r.precision:<{width}}{'on' if r.xnnpack else 'off':>8}{r.threads:>8}"
                         f"{r.median_ms:>11.4f}{r.p90_ms:>9.4f}{difference:>10}{accuracy:>10}")
        runs = {r.latency.runs for r in self}
        lines.append(f"(one sample per run, {', '.join(map(str, sorted(runs)))} timed runs per configuration "
                     "in interleaved rounds; max |Δ| = largest output difference against the same "
                     "precision's first row)")
        return "\n".join(lines)


def grid(variants: Mapping[str, object], sample, *, xnnpack: Iterable[bool] = (True, False),
         threads: Iterable[int] = (1, 2), runs: int = 200, warmup: int = 20, rounds: int = 4,
         x=None, y=None) -> Grid:
    """Benchmark every model of ``variants`` with XNNPACK on and off and on each thread count.

    ``variants`` maps a precision name to a ``.tflite`` model (bytes or path).
    The configurations are timed in ``rounds`` interleaved rounds (each round
    times every configuration with ``runs / rounds`` runs), so that a slow
    moment of the machine spreads over all of them instead of spoiling one.
    With ``x`` each configuration also predicts ``x``, and ``max_difference``
    says how far its outputs are from the same precision's first configuration
    (different kernels, same model: they should agree); with ``y`` it also
    reports the accuracy.

    Introduced in 09_delegates_and_benchmarking.
    """
    if not variants:
        raise ValueError("grid() needs at least one model: {'float32': float_bytes, ...}.")
    xnnpack, threads = tuple(xnnpack), tuple(threads)
    if not xnnpack or not threads:
        raise ValueError("grid() needs at least one XNNPACK setting and one thread count.")
    if rounds < 1:
        raise ValueError("rounds must be at least 1.")
    configurations = [(precision, use_xnnpack, n) for precision in variants
                      for use_xnnpack in xnnpack for n in threads]
    models = {config: LiteModel(variants[config[0]], num_threads=config[2], xnnpack=config[1])
              for config in configurations}
    times = {config: [] for config in configurations}
    per_round = max(1, runs // rounds)
    # Rounds interleave the configurations, so a slow moment of the machine hits all of them alike.
    steps = [(round_number, config) for round_number in range(rounds) for config in configurations]
    for round_number, config in progress.bar(steps, "benchmark grid"):
        # A short warm-up again in later rounds: the caches went cold.
        timing = latency(models[config], sample, runs=per_round,
                         warmup=warmup if round_number == 0 else max(1, warmup // 4))
        times[config].extend(timing.times_ms)
    rows = Grid()
    references = {}
    for config in configurations:
        precision, use_xnnpack, n = config
        pooled = np.array(times[config])
        timing = Latency(float(np.median(pooled)), float(np.percentile(pooled, 90)), len(pooled),
                         warmup, n, tuple(float(t) for t in pooled))
        difference = accuracy = None
        if x is not None:
            outputs = models[config].predict(x)
            reference = references.setdefault(precision, outputs)
            difference = float(np.max(np.abs(outputs.astype(np.float64) - reference)))
            if y is not None:
                accuracy = float(np.mean(np.argmax(outputs, axis=-1) == np.asarray(y)))
        rows.append(GridRow(precision, use_xnnpack, n, timing, difference, accuracy))
    return rows


# --- delegates and partitions ----------------------------------------------------------------

def partitions(op_names: Sequence[str], supported: Collection[str]) -> list[list[int]]:
    """The partitions a delegate that supports the ops ``supported`` would take (an illustration).

    Each partition is a run of consecutive supported ops (their indices, in
    execution order); the ops between partitions stay on the CPU, and every
    border costs a copy of the tensor between the delegate's memory and the
    CPU's. This is exact for a model that is a chain of ops (a Sequential
    model); for a graph with branches LiteRT's partitioner also follows the
    tensors, so it may group ops differently.

    Introduced in 09_delegates_and_benchmarking.
    """
    names = [getattr(op, "name", op) for op in op_names]
    result, current = [], []
    for index, name in enumerate(names):
        if name in supported:
            current.append(index)
        elif current:
            result.append(current)
            current = []
    if current:
        result.append(current)
    return result


def describe_split(op_names: Sequence[str], parts: Sequence[Sequence[int]]) -> str:
    """One line per stretch of the model: which ops a delegate partition runs and which the CPU runs.

    ``parts`` is what ``partitions`` or ``delegated_partitions`` returns.

    Introduced in 09_delegates_and_benchmarking.
    """
    names = [getattr(op, "name", op) for op in op_names]
    owner = {index: number for number, part in enumerate(parts, start=1) for index in part}
    lines, start = [], 0
    while start < len(names):
        end = start
        while end + 1 < len(names) and owner.get(end + 1) == owner.get(start):
            end += 1
        where = f"delegate partition {owner[start]}" if start in owner else "CPU (built-in kernels)"
        ops_text = ", ".join(f"{i} {names[i]}" for i in range(start, end + 1))
        lines.append(f"  {where:<24} {ops_text}")
        start = end + 1
    return "\n".join(lines)


def delegated_partitions(model: LiteModel) -> list[list[int]]:
    """The partitions that the delegates of a loaded model really took, read from the interpreter.

    When a delegate takes a partition, the interpreter adds one node named
    ``DELEGATE`` that replaces the partition's ops; the ops stay listed, so we
    find each partition's ops by walking back from the node's outputs to its
    inputs. Returns the op indices of each partition (empty: nothing was
    delegated). It reads ``Interpreter._get_ops_details()``, the only place the
    Python API shows the nodes (the underscore: not a stable API).

    Introduced in 09_delegates_and_benchmarking.
    """
    interpreter = model.interpreter if isinstance(model, LiteModel) else model
    nodes = interpreter._get_ops_details()
    ops = [node for node in nodes if node["op_name"] != "DELEGATE"]
    producer = {int(t): node["index"] for node in ops for t in node["outputs"]}
    by_index = {node["index"]: node for node in ops}
    result = []
    for delegate in (node for node in nodes if node["op_name"] == "DELEGATE"):
        entering = {int(t) for t in delegate["inputs"]}
        members, frontier = set(), [int(t) for t in delegate["outputs"]]
        while frontier:
            tensor = frontier.pop()
            if tensor in entering or tensor not in producer or producer[tensor] in members:
                continue
            members.add(producer[tensor])
            frontier.extend(int(t) for t in by_index[producer[tensor]]["inputs"] if t >= 0)
        result.append(sorted(members))
    return sorted(result)


# --- a ranked per-operator profile -----------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class ProfileRow:
    """One op of ``ranked_profile``: ``modelfile.OpProfile`` plus its share of the model's MACs."""

    rank: int
    index: int
    name: str
    output_shape: tuple[int, ...]
    macs: int
    param_bytes: int
    activation_bytes: int
    mac_share: float
    estimated_ms: float | None     # an ESTIMATE: the measured latency split in proportion to MACs


class Profile(list):
    """``ProfileRow``s, most MACs first, that print as a table."""

    @property
    def top(self) -> ProfileRow:
        return self[0]

    @property
    def total_macs(self) -> int:
        return sum(row.macs for row in self)

    def __repr__(self) -> str:
        estimate = any(row.estimated_ms is not None for row in self)
        header = (f"{'rank':>4} {'op':>3}  {'type':<19}{'output shape':<17}{'MACs':>11}{'share':>7}"
                  f"{'param bytes':>13}{'act. bytes':>12}" + (f"{'est. µs*':>10}" if estimate else ""))
        lines = [header, "-" * len(header)]
        for r in self:
            shape = "(" + ", ".join("1" if d == -1 else str(d) for d in r.output_shape) + ")"
            line = (f"{r.rank:>4} {r.index:>3}  {r.name:<19}{shape:<17}{r.macs:>11,}{r.mac_share:>7.1%}"
                    f"{r.param_bytes:>13,}{r.activation_bytes:>12,}")
            if estimate:
                line += f"{1000 * r.estimated_ms:>10.2f}"
            lines.append(line)
        lines.append(f"total {self.total_macs:,} MACs"
                     + ("; * est. µs = measured latency x share of MACs: an ESTIMATE, not a measurement"
                        if estimate else ""))
        return "\n".join(lines)


def ranked_profile(model, latency_ms: float | None = None) -> Profile:
    """``modelfile.profile`` ranked by MACs, with each op's share of the total.

    With ``latency_ms`` (a measured whole-model latency) each row also gets an
    *estimated* time: the latency split in proportion to MACs. That is only an
    estimate: it ignores memory traffic and the fixed cost of every op, and ops
    with 0 MACs (pooling, reshapes, softmax) get 0. The Python API of LiteRT has
    no per-op timer; the C++ ``benchmark_model`` tool with
    ``--enable_op_profiling=true`` measures per-op times on a device.

    Introduced in 09_delegates_and_benchmarking.
    """
    from edgebook import modelfile

    rows = modelfile.profile(model)
    total = sum(row.macs for row in rows) or 1
    ranked = sorted(rows, key=lambda row: (-row.macs, row.index))
    return Profile(
        ProfileRow(rank, row.index, row.name, row.output_shape, row.macs, row.param_bytes,
                   row.activation_bytes, row.macs / total,
                   None if latency_ms is None else latency_ms * row.macs / total)
        for rank, row in enumerate(ranked, start=1))
