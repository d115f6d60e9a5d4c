"""The course's standard plots. Each function draws one figure and shows it.

Introduced in 01_ml_in_two_minutes (training curves, confusion matrix),
02_train_and_infer (predictions), 03_convert_and_run_with_litert
(comparison bars) and 04_post_training_quantization (Pareto chart, weight
histograms).
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np


def use_course_style() -> None:
    """Matplotlib defaults for every lesson (called by ``edgebook.setup()``)."""
    import matplotlib as mpl

    mpl.rcParams.update({
        "figure.figsize": (7.0, 3.6),
        "figure.dpi": 100,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "font.size": 10,
        "legend.frameon": False,
    })


def training_curves(history, metrics: Sequence[str] = ("loss", "accuracy")) -> None:
    """Loss and accuracy per epoch, for training and validation (a Keras History or its dict)."""
    import matplotlib.pyplot as plt

    logs = getattr(history, "history", history)
    shown = [m for m in metrics if m in logs]
    fig, axes = plt.subplots(1, len(shown), figsize=(4.2 * len(shown), 3.2), squeeze=False)
    for ax, metric in zip(axes[0], shown):
        epochs = np.arange(1, len(logs[metric]) + 1)
        ax.plot(epochs, logs[metric], label="training")
        if f"val_{metric}" in logs:
            ax.plot(epochs, logs[f"val_{metric}"], label="validation")
        ax.set(title=metric, xlabel="epoch")
        ax.legend()
    fig.tight_layout()
    plt.show()


def predictions(images: np.ndarray, y_true: Sequence[int], y_pred: Sequence[int],
                class_names: Sequence[str] | None = None, n: int = 12) -> None:
    """A row of images titled with prediction and truth; mistakes in red."""
    import matplotlib.pyplot as plt

    n = min(n, len(images))
    name = (lambda i: class_names[i]) if class_names is not None else str
    fig, axes = plt.subplots(1, n, figsize=(1.1 * n, 1.6))
    for ax, image, truth, guess in zip(np.atleast_1d(axes), images[:n], y_true[:n], y_pred[:n]):
        ax.imshow(np.squeeze(image), cmap="gray_r")
        ax.set_title(f"{name(guess)}" + ("" if guess == truth else f"\n(is {name(truth)})"),
                     color="black" if guess == truth else "red", fontsize=9)
        ax.axis("off")
    fig.tight_layout()
    plt.show()


def confusion_matrix(y_true: Sequence[int], y_pred: Sequence[int],
                     class_names: Sequence[str], title: str = "") -> np.ndarray:
    """Counts of (true class, predicted class); the diagonal is what the model got right."""
    import matplotlib.pyplot as plt

    k = len(class_names)
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (np.asarray(y_true), np.asarray(y_pred)), 1)
    fig, ax = plt.subplots(figsize=(0.45 * k + 2.5, 0.45 * k + 2))
    ax.imshow(counts, cmap="Blues")
    ax.grid(False)
    for (i, j), count in np.ndenumerate(counts):
        if count:
            ax.text(j, i, count, ha="center", va="center", fontsize=8,
                    color="white" if count > counts.max() / 2 else "black")
    ax.set(xticks=range(k), yticks=range(k), xticklabels=class_names, yticklabels=class_names,
           xlabel="predicted", ylabel="true", title=title)
    fig.tight_layout()
    plt.show()
    return counts


def bars(values: Mapping[str, float], *, title: str = "", unit: str = "", log: bool = False) -> None:
    """One bar per variant, each labelled with its value."""
    import matplotlib.pyplot as plt

    labels, heights = list(values), list(values.values())
    fig, ax = plt.subplots(figsize=(1.3 * len(labels) + 2.5, 3.0))
    drawn = ax.bar(labels, heights, color="tab:blue")
    ax.bar_label(drawn, labels=[f"{h:,.3g} {unit}".strip() for h in heights], fontsize=9)
    ax.set(title=title, ylabel=unit)
    if log:
        ax.set_yscale("log")
    ax.grid(axis="x", visible=False)
    fig.tight_layout()
    plt.show()


def size_vs_accuracy(rows, *, size: str = "gzip_bytes", title: str = "Size vs accuracy") -> None:
    """Accuracy against size for the rows of a ``measure.compare`` table (log size axis).

    The best choices sit top-left: small and accurate. Introduced in
    04_post_training_quantization; lesson 07 puts every variant of 04-07 on it.
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9.0, 4.2))
    markers = "os^Dv<>PX*hp"
    for i, row in enumerate(rows):  # a marker and a legend entry each: labels on the points overlap
        ax.scatter(getattr(row, size) / 1024, 100 * row.accuracy, s=45, marker=markers[i % len(markers)],
                   label=row.name)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.set_xscale("log")
    low, high = ax.get_ylim()
    if high - low < 2:  # at least 2 points of accuracy on the axis, so noise does not look like a cliff
        middle = (low + high) / 2
        ax.set_ylim(middle - 1, middle + 1)
    ax.set(xlabel=f"{'gzip size' if size == 'gzip_bytes' else 'size'} (KiB, log scale)",
           ylabel="test accuracy (%)", title=title)
    fig.tight_layout()
    plt.show()


def weight_histograms(kernels, *, bins: int = 60, title: str = "") -> None:
    """One histogram of weight values per layer (``weights.kernels(model)``); zeros show as a spike."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(kernels), figsize=(3.0 * len(kernels), 2.6), squeeze=False)
    for ax, (name, values) in zip(axes[0], kernels.items()):
        ax.hist(np.ravel(values), bins=bins, color="tab:blue")
        ax.set(title=name, xlabel="weight value")
        ax.set_yscale("log")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.show()


def latency_boxes(times: Mapping[str, Sequence[float]], *, title: str = "", unit: str = "ms",
                  log: bool = False) -> None:
    """One horizontal box per benchmark: the spread of its single-run times, median marked and labelled.

    The box holds the middle half of the runs, the whiskers reach the last run within 1.5 box
    lengths, and dots are the outliers (runs the rest of the machine slowed down).
    ``times`` maps a label to that benchmark's times (``Latency.times_ms``).
    Introduced in 09_delegates_and_benchmarking.
    """
    import matplotlib.pyplot as plt

    labels = list(times)[::-1]  # the first benchmark on top
    values = [np.asarray(times[label], dtype=float) for label in labels]
    fig, ax = plt.subplots(figsize=(8.0, 0.38 * len(labels) + 1.3))
    style = {"widths": 0.6, "whis": 1.5, "flierprops": {"marker": ".", "markersize": 3, "alpha": 0.5},
             "medianprops": {"color": "tab:red"}}
    try:
        ax.boxplot(values, orientation="horizontal", **style)
    except TypeError:  # matplotlib before 3.10 has vert= instead
        ax.boxplot(values, vert=False, **style)
    ax.set_yticks(range(1, len(labels) + 1), labels)
    if log:
        ax.set_xscale("log")
    for position, value in enumerate(values, start=1):  # the median's value right of the box
        ax.annotate(f"{np.median(value):.3g}", (np.percentile(value, 75), position), xytext=(4, 3),
                    textcoords="offset points", fontsize=8, color="tab:red")
    ax.set(xlabel=f"time of one run ({unit}{', log scale' if log else ''})", title=title)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    plt.show()
