"""The course scoreboard: the headline model of every lesson from 02 to 15, and reference models, measured the same way.

Each lesson's model is an ``Entry`` of ``edgebook.headline_models``: where its file
lives under ``build/models/``, how to rebuild it when the file is missing, and its
lesson's held-out test split. ``score`` finds (or rebuilds) every model and measures
it on this machine:

    >>> board = scoreboard.score()
    >>> print(board)                      # one aligned table
    >>> board["13_keywords"].arena_bytes  # one row, by name
    >>> scoreboard.plot_pareto_front(board)  # size vs accuracy, with the Pareto front

A row holds the file's bytes (and gzip bytes: the download), the lesson's quality
metric on its held-out split, the median latency of one sample on this CPU (LiteRT,
1 thread), and, for the int8 models TFLM runs, the tensor arena TFLM records and an
ESTIMATE of the latency on a microcontroller board (``micro.estimate``). Its
"judged on" column says whether the metric was measured on real inputs (real
handwriting, real recordings) or on data the course generates (eSpeak NG voices,
drawn rooms, seeded signals). Reference rows (``REFERENCES``: microWakeWord's
"okay nabu" detector) are models the course did not train, read from ``datasets/``.

Introduced in 16_cascades_and_deployment (the course scoreboard).
"""
from __future__ import annotations

import dataclasses
from typing import Iterable, Sequence

import numpy as np

from edgebook import measure, micro, modelfile, progress
# The entries are the scoreboard's own names too: scoreboard.Entry, scoreboard.ENTRIES...
from edgebook.headline_models import (ENTRIES, MODEL_SUFFIXES, REFERENCES, Entry, entry, find_or_build,
                                      load_keras_file, models_dir)
from edgebook.runtime import LiteModel
from edgebook.showing import shows_itself

__all__ = ["ENTRIES", "MODEL_SUFFIXES", "REFERENCES", "Entry", "Row", "Scoreboard", "entry", "find_or_build", "models_dir",
           "pareto_front", "plot_pareto_front", "score"]


# --- measuring ---------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Row:
    """One model on the scoreboard, measured on this machine."""

    lesson: int
    name: str
    format: str               # "Keras", "float32", "float16", "int8", "int8 weights"
    bytes: int
    gzip_bytes: int           # what a download would take
    metric: str
    value: float
    cpu_ms: float             # median of one-sample runs on this CPU (LiteRT, 1 thread; Keras: its own threads)
    arena_bytes: int | None   # tensor arena TFLM records; None if TFLM does not run it (float models)
    mcu_ms: float | None      # ESTIMATED latency on the board, from MACs; None if TFLM does not run it
    source: str               # "found", "rebuilt", "given", or "datasets" (a reference model's committed file)
    micro: bool = False
    what: str = ""
    real_inputs: bool = False  # the metric was measured on real inputs, not on data the course generates

    @property
    def judged_on(self) -> str:
        """"real" or "generated": what the metric was measured on."""
        return "real" if self.real_inputs else "generated"


def _tflite_format(lite: LiteModel) -> str:
    constant_types = {t.dtype for t in modelfile.tensors(lite.model_bytes) if t.is_constant}
    if "float16" in constant_types:
        return "float16"
    if lite.input.dtype == np.int8:
        return "int8"
    return "int8 weights" if "int8" in constant_types else "float32"


def _row(entry: Entry, model_bytes: bytes, source: str, board: str, runs: int) -> Row:
    x, targets = entry.test_split()
    arena = mcu_ms = None
    if entry.file.endswith(".keras"):
        model, file_format = load_keras_file(model_bytes), "Keras"
    else:
        model = LiteModel(model_bytes, num_threads=1)
        file_format = _tflite_format(model)
        if entry.micro or file_format == "int8":  # TFLM's kernels are for int8 models
            try:
                arena = micro.recorded_arena_bytes(model_bytes)
                mcu_ms = micro.estimate(model_bytes, board).latency_ms
            except micro.MicroError:
                pass
    value = entry.evaluate(model, x, targets)
    latency = measure.latency(model, x[:1], runs=runs, warmup=max(1, runs // 10))
    return Row(entry.lesson, entry.name, file_format, len(model_bytes), measure.gzip_size(model_bytes),
               entry.metric, float(value), latency.median_ms, arena, mcu_ms, source, entry.micro, entry.what,
               entry.real_inputs)


def _format_value(row: Row) -> str:
    if row.metric == "accuracy":
        return f"{row.value:.2%}"
    return f"{row.value:.0f}" if row.metric == "false wakes" else f"{row.value:.4f}"


def _optional(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)


@shows_itself
class Scoreboard:
    """The measured rows: prints as a table; ``board["13_keywords"]`` finds a row by name."""

    def __init__(self, rows: Iterable[Row], board: str = "arduino_nano_33_ble_sense"):
        self.rows = tuple(rows)
        self.board = board  # the micro.BOARDS key the MCU estimates are for

    def __getitem__(self, key):
        if isinstance(key, str):
            for row in self.rows:
                if row.name == key:
                    return row
            raise KeyError(f"No row called {key!r}; the scoreboard has: {', '.join(r.name for r in self.rows)}.")
        return self.rows[key]

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __str__(self) -> str:
        header = (f"{'':<3}{'model':<21}{'format':<13}{'bytes':>10}{'gzip':>10}  {'metric':<14}{'value':>8}"
                  f"{'CPU ms':>9}{'arena B':>9}{'MCU ms*':>9}  {'judged on':<11}source")
        lines = [header, "-" * len(header)]
        for r in self.rows:
            lines.append(f"{r.lesson:02d} {r.name:<21}{r.format:<13}{r.bytes:>10,}{r.gzip_bytes:>10,}  "
                         f"{r.metric:<14}{_format_value(r):>8}{r.cpu_ms:>9.3f}{_optional(r.arena_bytes, ',d'):>9}"
                         f"{_optional(r.mcu_ms, '.3g'):>9}  {r.judged_on:<11}{r.source}")
        lines += ["CPU ms: median of one-sample runs on this machine (LiteRT, 1 thread; Keras: TensorFlow's threads).",
                  "arena B: the tensor arena TFLM records, for the int8 models it runs; gzip: the download size.",
                  "judged on: real = the metric was measured on real inputs (handwriting, recordings); generated = "
                  "on data the course makes.",
                  f"* MCU ms: an ESTIMATE for the {micro.board(self.board).name} from the MAC count "
                  "(micro.estimate), not a measurement."]
        return "\n".join(lines)

    __repr__ = __str__


def score(entries: Sequence[Entry] = ENTRIES + REFERENCES, extra: Iterable[tuple[Entry, bytes]] = (), *,
          board: str = "arduino_nano_33_ble_sense", runs: int = 200, rebuild: bool = False) -> Scoreboard:
    """Find (or rebuild) every entry's model and measure it, in one table sorted by lesson: by default
    every lesson's headline model and the reference models.

    ``extra`` adds models of your own as (Entry, model bytes) pairs, measured the same
    way (their source is "given"; their entry needs no ``build``)::

        >>> mine = scoreboard.Entry(lesson=16, name="16_tiny", what="...", file="16_tiny.tflite",
        ...                         build=None, test_split=lambda: (test_x, test_y), micro=True)
        >>> board = scoreboard.score(extra=[(mine, tiny_bytes)])

    ``board`` is a key of ``micro.BOARDS`` for the MCU estimates. Quick mode
    (EDGEBOOK_QUICK=1) times fewer runs; ``rebuild=True`` rebuilds every model.
    """
    micro.board(board)  # an unknown board fails now, not after minutes of measuring
    extra = list(extra)
    names = [e.name for e in entries] + [e.name for e, _ in extra]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"Every row needs its own name; these appear twice: {', '.join(repeated)}.")
    rows = [_row(e, *find_or_build(e, rebuild), board, runs) for e in progress.bar(entries, "scoreboard")]
    rows += [_row(e, bytes(model_bytes), "given", board, runs) for e, model_bytes in extra]
    return Scoreboard(sorted(rows, key=lambda row: row.lesson), board)


# --- the Pareto front and its chart --------------------------------------------------------

def pareto_front(points: Sequence[tuple[float, float]]) -> list[int]:
    """Indices of the (size, quality) points that no other point beats, smallest size first.

    A point beats another if it is at least as small AND at least as good, and
    strictly better in one of the two. Higher quality is better (accuracy).
    """
    points = [(float(size), float(quality)) for size, quality in points]

    def beats(a, b):
        return a[0] <= b[0] and a[1] >= b[1] and a != b

    front = [i for i, point in enumerate(points) if not any(beats(other, point) for other in points)]
    return sorted(front, key=lambda i: points[i])


def plot_pareto_front(scoreboard: Scoreboard, *, size: str = "bytes",
                      title: str = "The course's models: size vs accuracy"):
    """Accuracy against size (log scale) for the scoreboard's accuracy rows, each point labelled
    with its lesson number, and the Pareto front: the models nothing else beats on both.

    The tasks differ (digits, words, gestures, people), so the chart shows which models
    are small AND good at their own task, not which task is easier. Returns the front's rows.
    """
    import matplotlib.pyplot as plt

    if size not in ("bytes", "gzip_bytes"):
        raise ValueError(f"size must be 'bytes' or 'gzip_bytes'; got {size!r}.")
    rows = [row for row in scoreboard if row.metric == "accuracy"]
    if not rows:
        raise ValueError("The scoreboard has no accuracy rows to plot.")
    front = [rows[i] for i in pareto_front([(getattr(r, size), r.value) for r in rows])]
    fig, ax = plt.subplots(figsize=(9.0, 4.6))
    for is_micro, label, colour in ((False, "phone / desktop (LiteRT, Keras)", "tab:blue"),
                                    (True, "microcontroller (int8 for TFLM)", "tab:orange")):
        shown = [r for r in rows if r.micro == is_micro]
        if not shown:
            continue
        ax.scatter([getattr(r, size) for r in shown], [100 * r.value for r in shown], s=45, color=colour,
                   label=label, zorder=3)
    ax.step([getattr(r, size) for r in front], [100 * r.value for r in front], where="post", color="tab:red",
            linestyle="--", linewidth=1, label="Pareto front", zorder=2)
    for r in rows:
        ax.annotate(f"{r.lesson:02d}", (getattr(r, size), 100 * r.value), xytext=(4, 4),
                    textcoords="offset points", fontsize=8)
    ax.set_xscale("log")
    ax.set(xlabel=f"{'gzip size' if size == 'gzip_bytes' else 'model file size'} (bytes, log scale)",
           ylabel="test accuracy (%)", title=title)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    plt.show()
    return front
