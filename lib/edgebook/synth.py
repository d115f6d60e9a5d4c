"""Seeded generators for the course's synthetic data.

The data is made up, and the lessons say so; what matters is that it has the
structure the lesson needs and that the same seed always gives the same data.
"""
from __future__ import annotations

import numpy as np

ACTIVITIES = ("walking", "running", "cycling", "golf")
SAMPLE_RATE_HZ = 25
WINDOW_SECONDS = 4
CHANNELS = ("accel_x_g", "accel_y_g", "accel_z_g", "speed_kmh")

# Per activity: step or pedal frequency (Hz), arm-swing amplitude (g), speed (km/h).
_PROFILES = {
    "walking": dict(freq=(1.6, 2.1), amp=(0.20, 0.45), speed=(3.5, 6.5)),
    "running": dict(freq=(2.5, 3.1), amp=(0.80, 1.60), speed=(7.5, 14.0)),
    "cycling": dict(freq=(1.0, 1.6), amp=(0.05, 0.20), speed=(13.0, 30.0)),
    # Golf: strolling between shots, standing still at the ball, then one swing.
    "golf":    dict(freq=(1.5, 2.0), amp=(0.05, 0.30), speed=(0.0, 5.5)),
}


def _window(activity: str, rng: np.random.Generator) -> np.ndarray:
    """One 4-second window from a wrist-worn sensor: 3 accelerometer axes and GPS speed."""
    p = _PROFILES[activity]
    n = SAMPLE_RATE_HZ * WINDOW_SECONDS
    t = np.arange(n) / SAMPLE_RATE_HZ
    freq, amp = rng.uniform(*p["freq"]), rng.uniform(*p["amp"])
    phase = rng.uniform(0, 2 * np.pi)
    # Arm swing: a main rhythm plus its harmonic, projected onto a tilted wrist.
    swing = amp * (np.sin(2 * np.pi * freq * t + phase) + 0.3 * np.sin(4 * np.pi * freq * t))
    direction = rng.normal(size=3)
    direction /= np.linalg.norm(direction)
    gravity = rng.normal(size=3)
    gravity /= np.linalg.norm(gravity)
    accel = gravity[None, :] + swing[:, None] * direction[None, :]
    accel += rng.normal(0, 0.03 + 0.05 * amp, size=(n, 3))  # sensor and body noise
    if activity == "cycling":  # road vibration through the handlebar
        accel += rng.normal(0, 0.08, size=(n, 3))
    if activity == "golf":  # one swing: a sharp ~0.6 s burst of rotation
        start = rng.integers(0, n - 15)
        length = rng.integers(10, 16)
        burst = rng.uniform(2.0, 4.0) * np.sin(np.linspace(0, np.pi, length)) ** 2
        axis = rng.normal(size=3)
        accel[start:start + length] += burst[:, None] * (axis / np.linalg.norm(axis))[None, :]
    # GPS speed: one reading a second, held between readings, with a little noise.
    speed = rng.uniform(*p["speed"])
    per_second = np.clip(speed + rng.normal(0, 0.4, size=WINDOW_SECONDS), 0, None)
    speed_channel = np.repeat(per_second, SAMPLE_RATE_HZ)
    return np.concatenate([accel, speed_channel[:, None]], axis=1)


def activity_windows(per_class: int = 300, seed: int = 2024) -> tuple[np.ndarray, np.ndarray]:
    """Synthetic wrist-sensor windows: x (n, 100, 4) float32, y (n,) int in ACTIVITIES order.

    Introduced in 10_ops_and_compatibility (lesson 01 uses real recordings instead).
    """
    rng = np.random.default_rng(seed)
    x = np.stack([_window(a, rng) for a in ACTIVITIES for _ in range(per_class)])
    y = np.repeat(np.arange(len(ACTIVITIES)), per_class)
    return x.astype(np.float32), y.astype(np.int64)


def sine_samples(n: int = 1000, noise: float = 0.1, seed: int = 1234) -> tuple[np.ndarray, np.ndarray]:
    """Noisy samples of y = sin(x) for x in [0, 2*pi): x (n, 1), y (n, 1), float32.

    Introduced in 12_tflm_hello_world (the "hello world" of TFLM).
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 2 * np.pi, size=(n, 1))
    y = np.sin(x) + rng.normal(0, noise, size=(n, 1))
    return x.astype(np.float32), y.astype(np.float32)
