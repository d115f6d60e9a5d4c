"""Plots of magic-wand gestures: a pen path with what the accelerometer read, and windows side by side.

Lessons call them as ``gestures.plot_trace``, ``gestures.plot_gestures`` and
``gestures.plot_windows``.

Introduced in 14_gesture_magic_wand.
"""
from __future__ import annotations

import numpy as np

from edgebook.wand_motion import AXES, GESTURES, RANGE_G, SAMPLE_RATE_HZ, SEED, Trace, trace


_AXIS_COLOURS = ("tab:red", "tab:green", "tab:blue")


def _draw_pen(ax, one: Trace) -> None:
    moving = (one.time_s >= one.start_s) & (one.time_s <= one.stop_s)
    ax.plot(one.pen_m[:, 0] * 100, one.pen_m[:, 1] * 100, color="0.6", lw=1)
    if moving.any():
        ax.plot(one.pen_m[moving, 0] * 100, one.pen_m[moving, 1] * 100, color="black", lw=1.5)
    ax.plot(one.pen_m[0, 0] * 100, one.pen_m[0, 1] * 100, "o", color="tab:orange", ms=5, label="start")
    ax.set_aspect("equal", adjustable="datalim")
    ax.set(xlabel="right (cm)", ylabel="up (cm)")


def _draw_axes(ax, one: Trace) -> None:
    for i, (name, colour) in enumerate(zip(AXES, _AXIS_COLOURS)):
        ax.plot(one.time_s, one.accel_g[:, i], color=colour, lw=1, label=name)
    if one.stop_s > one.start_s:
        ax.axvspan(one.start_s, one.stop_s, color="0.9", zorder=0)
    ax.set(xlabel="time (s)", ylabel="acceleration (g)")


def plot_trace(one: Trace) -> None:
    """One window: the pen path (black while it moves) and the three accelerometer axes over time
    (the grey band is the stroke)."""
    import matplotlib.pyplot as plt

    fig, (pen_ax, accel_ax) = plt.subplots(1, 2, figsize=(9.5, 3.2), gridspec_kw={"width_ratios": [1, 2.2]})
    _draw_pen(pen_ax, one)
    pen_ax.set_title(f"{one.kind}: the pen path")
    _draw_axes(accel_ax, one)
    accel_ax.legend(loc="upper right", ncols=3, fontsize=8)
    accel_ax.set_title(f"{one.gesture}, person {one.person}, repetition {one.repetition}: the accelerometer")
    fig.tight_layout()
    plt.show()


def plot_gestures(people=(0, 3, 6), repetition: int = 0, seed: int = SEED) -> None:
    """Each gesture (columns) drawn by a few people: pen paths on top, then the x, y and z axes.

    Same gesture, different people: the shapes agree, sizes, speeds and tilts do not.
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(4, len(GESTURES), figsize=(2.6 * len(GESTURES) + 0.6, 8.0), squeeze=False)
    styles = ("-", "--", ":", "-.")
    for column, gesture in enumerate(GESTURES):
        for k, person_id in enumerate(people):
            one = trace(gesture, person_id, repetition, seed)
            style = styles[k % len(styles)]
            axes[0, column].plot(one.pen_m[:, 0] * 100, one.pen_m[:, 1] * 100, style, lw=1.2,
                                 label=f"person {person_id} ({one.kind})" if gesture == "negative"
                                 else f"person {person_id}")
            for row in range(3):
                axes[row + 1, column].plot(one.time_s, one.accel_g[:, row], style, lw=1,
                                           color=_AXIS_COLOURS[row])
        axes[0, column].set_title(gesture)
        axes[0, column].set_aspect("equal", adjustable="datalim")
        axes[0, column].legend(fontsize=7, loc="best")
        for row in range(3):
            axes[row + 1, column].set_ylim(-0.75 * RANGE_G, 0.75 * RANGE_G)
    axes[0, 0].set_ylabel("pen path (cm)")
    for row, name in enumerate(AXES):
        axes[row + 1, 0].set_ylabel(f"{name} (g)")
    for ax in axes[-1]:
        ax.set_xlabel("time (s)")
    fig.tight_layout()
    plt.show()


def plot_windows(windows, *, title: str = "", rate_hz: float = SAMPLE_RATE_HZ) -> None:
    """Windows side by side (a dict of label -> (n, 3) window sampled at ``rate_hz``), each with its
    x, y and z axes over time."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(windows), figsize=(2.7 * len(windows) + 0.5, 2.8), sharey=True, squeeze=False)
    for ax, (label, window) in zip(axes[0], windows.items()):
        time_s = np.arange(len(window)) / rate_hz
        for i, (name, colour) in enumerate(zip(AXES, _AXIS_COLOURS)):
            ax.plot(time_s, np.asarray(window)[:, i], color=colour, lw=1, label=name)
        ax.set(title=label, xlabel="time (s)")
    axes[0, 0].set_ylabel("acceleration (g)")
    axes[0, -1].legend(loc="upper right", fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.show()
