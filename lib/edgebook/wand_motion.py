"""Magic-wand gestures, simulated: seeded accelerometer windows from pen paths.

The data is synthetic, made the way a real recording comes about:

1. a **pen path** in the air, in metres, in the plane in front of the person
   (right, up): a W for ``wing``, a clockwise O for ``ring``, and for ``slope``
   a stroke down to the left followed by one to the right (the shapes of the
   TFLM magic_wand example);
2. **position over time**: each straight stroke is drawn with a minimum-jerk
   speed profile (slow, fast, slow, as hands move), corners rounded by a
   person-specific amount;
3. **acceleration**, the second derivative of position, divided by g;
4. turned into the **wand's own axes**: every person holds the wand at their
   own tilt, and part of each stroke comes from turning the wrist, so the
   orientation changes as the pen moves;
5. plus **gravity** (an accelerometer at rest reads 1 g, pointing up), and the
   sensor's bias, gain error and noise; sampled at 25 Hz, 128 samples (5.12 s),
   clipped to the sensor's +/-4 g range.

The negative class is everything else a wand meets: holding still, wandering,
turning the wand, shaking it, and other strokes (a line, a V, a Z, an arc).

Every (gesture, person, repetition) has its own seed, so ``trace`` draws any
single window without making the whole dataset, and ``make`` always returns
the same arrays.

    >>> x, y, groups = gestures.make()         # (n, 128, 3) g, class ids, person ids
    >>> one = gestures.trace("ring", person=3, repetition=0)
    >>> gestures.plot_trace(one)

Introduced in 14_gesture_magic_wand.
"""
from __future__ import annotations

import dataclasses
import functools

import numpy as np

GESTURES = ("wing", "ring", "slope", "negative")
SAMPLE_RATE_HZ = 25
WINDOW_SAMPLES = 128
AXES = ("x", "y", "z")
"""The wand's axes when held flat, components up, pointing away from you: x right, y forward, z up."""
PEOPLE = 50
REPETITIONS = 10
SEED = 14
RANGE_G = 4.0
"""The accelerometer's full scale (the magic wand example's LSM9DS1 is set to +/-4 g)."""
STANDARD_GRAVITY = 9.80665  # m/s^2 in one g

_FINE_STEPS = 4  # the motion is simulated at 4 x 25 = 100 Hz, then averaged down like a sensor's filter
_FOREARM_M = 0.3  # a wrist turn that moves the wand tip by d metres turns it by about d / 0.3 radians

# Corners of each stroke, in units of the gesture's half size: (right, up).
_POLYLINES = {
    "wing": ((-1.0, 1.0), (-0.5, -1.0), (0.0, 0.4), (0.5, -1.0), (1.0, 1.0)),
    "slope": ((0.3, 1.0), (-0.7, -1.0), (0.9, -1.0)),
    "line": ((-1.0, 0.0), (1.0, 0.0)),
    "v": ((-0.8, 1.0), (0.0, -1.0), (0.8, 1.0)),
    "z": ((-1.0, 1.0), (1.0, 1.0), (-1.0, -1.0), (1.0, -1.0)),
}
_PACE = {"slope": 0.7, "line": 0.5, "v": 0.7, "z": 0.9, "shake": 0.7, "arc": 0.6, "turn": 0.8}
"""How long a stroke of each kind takes, relative to the person's time for a W."""
NEGATIVE_KINDS = ("still", "wander", "turn", "shake", "line", "v", "z", "arc")
"""What the negative class holds: no gesture, or a motion that is not one of the three."""


@dataclasses.dataclass(frozen=True)
class Person:
    """How one person draws: size, speed, style, grip, and their wand's sensor errors."""

    person: int
    half_size_m: float     # half the width and height of a gesture
    duration_s: float      # how long one gesture takes
    aspect: float          # width / height
    slant: float           # shear: how far the top leans to the right, per unit of height
    rounding_s: float      # how much corners are rounded (a Gaussian blur of the path, in seconds)
    depth: tuple[float, float]  # the drawing plane leans: depth = a * right + b * up
    wrist_share: float     # share of the motion made by turning the wrist (0 = whole arm)
    grip_deg: tuple[float, float, float]  # roll, pitch, yaw of the wand in the hand
    bias_g: tuple[float, float, float]
    gain: tuple[float, float, float]
    noise_g: float


@functools.lru_cache(maxsize=512)
def person_traits(person_id: int, seed: int = SEED) -> Person:
    """How person number ``person_id`` draws (the same for every call with the same seed)."""
    rng = np.random.default_rng([seed, person_id])
    return Person(
        person=person_id,
        half_size_m=float(rng.uniform(0.10, 0.25)),
        duration_s=float(rng.uniform(1.0, 2.0)),
        aspect=float(np.exp(rng.uniform(-0.3, 0.3))),
        slant=float(rng.uniform(-0.25, 0.25)),
        rounding_s=float(rng.uniform(0.02, 0.08)),
        depth=tuple(float(v) for v in rng.uniform(-0.4, 0.4, 2)),
        wrist_share=float(rng.uniform(0.1, 0.8)),
        grip_deg=(float(rng.uniform(-30, 30)), float(rng.uniform(-25, 25)), float(rng.uniform(-20, 20))),
        bias_g=tuple(float(v) for v in rng.normal(0, 0.03, 3)),
        gain=tuple(float(v) for v in 1 + rng.normal(0, 0.03, 3)),
        noise_g=float(rng.uniform(0.01, 0.04)),
    )


# --- from a pen path to what the accelerometer reads -------------------------------------------

def minimum_jerk(n: int) -> np.ndarray:
    """The fraction of a stroke covered after each of ``n`` equal steps: 10s^3 - 15s^4 + 6s^5.

    Hands move this way from rest to rest (Flash and Hogan, 1985): the speed
    rises smoothly, peaks halfway, and falls back to zero.
    """
    s = np.linspace(0.0, 1.0, n)
    return s ** 3 * (10 - 15 * s + 6 * s ** 2)


def _polyline_path(corners, n: int, rng) -> np.ndarray:
    """Position along straight strokes between corners, each drawn with a minimum-jerk profile."""
    corners = np.asarray(corners, dtype=np.float64)
    corners = corners + rng.normal(0, 0.08, corners.shape)  # no two repetitions alike
    lengths = np.linalg.norm(np.diff(corners, axis=0), axis=1)
    shares = lengths ** 0.6 * rng.uniform(0.85, 1.15, len(lengths))  # long strokes are drawn faster
    steps = np.maximum(2, np.round(n * shares / shares.sum()).astype(int))
    steps[-1] = max(2, n - steps[:-1].sum())
    pieces = [a + minimum_jerk(k)[:, None] * (b - a) for a, b, k in zip(corners[:-1], corners[1:], steps)]
    return np.concatenate(pieces)[:n]


def _ring_path(n: int, rng) -> np.ndarray:
    """A clockwise circle from the top, speeding up and slowing down like a stroke."""
    turn = 2 * np.pi * rng.uniform(0.95, 1.1)
    angle = turn * minimum_jerk(n)
    wobble = 1 + 0.08 * np.sin(angle * rng.integers(1, 3) + rng.uniform(0, 2 * np.pi))
    return np.stack([np.sin(angle), np.cos(angle)], axis=1) * wobble[:, None]


def _arc_path(n: int, rng) -> np.ndarray:
    """Part of a circle (at most 200 degrees), in either direction: not a ring."""
    start, turn = rng.uniform(0, 2 * np.pi), rng.uniform(np.pi / 2, 1.1 * np.pi) * rng.choice([-1, 1])
    angle = start + turn * minimum_jerk(n)
    return np.stack([np.sin(angle), np.cos(angle)], axis=1)


def _shake_path(n: int, rng) -> np.ndarray:
    """Quick shakes back and forth along one direction."""
    cycles = rng.uniform(2.0, 4.0)
    direction = rng.normal(size=2)
    return np.sin(2 * np.pi * cycles * np.linspace(0, 1, n))[:, None] * 0.5 * direction / np.linalg.norm(direction)


def pen_path(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` positions (right, up) of a stroke of the given kind, in units of the half size."""
    if kind in _POLYLINES:
        path = _polyline_path(_POLYLINES[kind], n, rng)
        if kind in ("line", "v", "z"):  # other strokes, at any angle
            angle = rng.uniform(0, 2 * np.pi)
            c, s = np.cos(angle), np.sin(angle)
            path = path @ np.array([[c, s], [-s, c]])
        return path
    if kind == "ring":
        return _ring_path(n, rng)
    if kind == "arc":
        return _arc_path(n, rng)
    if kind == "shake":
        return _shake_path(n, rng)
    raise ValueError(f"No pen path for {kind!r}; kinds: {', '.join(list(_POLYLINES) + ['ring', 'arc', 'shake'])}.")


def acceleration_from_path(position_m: np.ndarray, rate_hz: float) -> np.ndarray:
    """Acceleration in g of positions in metres sampled at ``rate_hz``: the second derivative, / g.

    ``np.gradient`` differentiates along time (axis 0) with central differences.
    """
    dt = 1.0 / rate_hz
    velocity = np.gradient(np.asarray(position_m, dtype=np.float64), dt, axis=0)
    return np.gradient(velocity, dt, axis=0) / STANDARD_GRAVITY


def rotation_matrix(axis, degrees: float) -> np.ndarray:
    """The 3x3 matrix that turns vectors by ``degrees`` about ``axis`` (right-hand rule)."""
    axis = np.asarray(axis, dtype=np.float64)
    axis = axis / np.linalg.norm(axis)
    angle = np.radians(degrees)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * (k @ k)  # Rodrigues' formula


def _rotations(rotvecs: np.ndarray) -> np.ndarray:
    """One rotation matrix per row of rotation vectors (axis * angle in radians), shape (n, 3, 3)."""
    from scipy.spatial.transform import Rotation

    return Rotation.from_rotvec(rotvecs).as_matrix()


@dataclasses.dataclass(frozen=True)
class Trace:
    """One window: the pen path that made it and what the wand's accelerometer read."""

    gesture: str          # the class: wing, ring, slope or negative
    kind: str             # the motion made (for negatives: still, wander, z, ...)
    person: int
    repetition: int
    time_s: np.ndarray    # (128,) seconds since the window began
    pen_m: np.ndarray     # (128, 2) the pen's position in the drawing plane (right, up), metres
    accel_g: np.ndarray   # (128, 3) the accelerometer in the wand's axes x, y, z, in g: the model's input
    start_s: float        # when the motion begins and ends
    stop_s: float


def _kind(gesture: str, person_id: int, repetition: int) -> str:
    """The motion behind a window: the gesture itself, or for negatives each kind in turn."""
    if gesture != "negative":
        return gesture
    return NEGATIVE_KINDS[(int(person_id) + int(repetition)) % len(NEGATIVE_KINDS)]


def trace(gesture: str, person_id: int = 0, repetition: int = 0, seed: int = SEED) -> Trace:
    """Draw one window of ``gesture`` by person ``person_id`` (repetition number ``repetition``)."""
    if gesture not in GESTURES:
        raise ValueError(f"gesture must be one of {', '.join(GESTURES)}; you passed {gesture!r}.")
    traits = person_traits(int(person_id), seed)
    label = GESTURES.index(gesture)
    rng = np.random.default_rng([seed, int(person_id), label, int(repetition)])
    kind = _kind(gesture, person_id, repetition)

    fine_rate = SAMPLE_RATE_HZ * _FINE_STEPS
    n_fine = WINDOW_SAMPLES * _FINE_STEPS
    time_fine = np.arange(n_fine) / fine_rate
    duration = traits.duration_s * _PACE.get(kind, 1.0) * rng.uniform(0.85, 1.15)
    n_stroke = int(round(duration * fine_rate))
    start = int(rng.integers(int(0.3 * fine_rate), n_fine - n_stroke - int(0.3 * fine_rate)))

    # 1-2. The pen path over time (units of half size), at rest before and after the stroke.
    plane = np.zeros((n_fine, 2))
    if kind in ("still", "wander", "turn"):
        n_stroke = 0
    else:
        stroke = pen_path(kind, n_stroke, rng)
        plane[:start] = stroke[0]
        plane[start:start + n_stroke] = stroke
        plane[start + n_stroke:] = stroke[-1]
    half_size = traits.half_size_m * rng.uniform(0.9, 1.1)
    shape = np.array([[traits.aspect ** 0.5, 0.0], [traits.slant, traits.aspect ** -0.5]])
    plane = (plane @ shape) * half_size  # metres: (right, up)
    from scipy.ndimage import gaussian_filter1d

    plane = gaussian_filter1d(plane, traits.rounding_s * fine_rate, axis=0, mode="nearest")
    depth = plane @ np.asarray(traits.depth)
    position = np.stack([plane[:, 0], depth, plane[:, 1]], axis=1)  # world: right, forward, up
    if kind == "wander":  # slow random drifting of the hand in 3-D
        for _ in range(3):
            frequency, phase = rng.uniform(0.2, 1.2), rng.uniform(0, 2 * np.pi, 3)
            position += rng.uniform(0.02, 0.08) * np.sin(2 * np.pi * frequency * time_fine[:, None] + phase)

    # 3. Acceleration of the wand in the world, plus the reaction to gravity (+1 g up at rest).
    world = acceleration_from_path(position, fine_rate)
    world[:, 2] += 1.0

    # 4. Orientation: the grip, a little sway, and the wrist turning with the stroke.
    grip = np.radians(traits.grip_deg) + np.radians(rng.normal(0, 6, 3))
    sway = np.radians(rng.uniform(1, 3)) * np.sin(2 * np.pi * rng.uniform(0.2, 0.6) * time_fine
                                                  + rng.uniform(0, 2 * np.pi))
    wrist = traits.wrist_share / _FOREARM_M
    rotvec = np.stack([wrist * position[:, 2] + sway,   # raising the tip turns the wand about x (right)
                       np.full(n_fine, grip[0]),        # roll about the wand's long axis (forward)
                       -wrist * position[:, 0]],        # moving right turns it about z (up)
                      axis=1)
    rotvec[:, 0] += grip[1]
    rotvec[:, 2] += grip[2]
    if kind == "turn":  # the person turns the wand and back, without drawing
        turn_axis = rng.normal(size=3)
        turn = np.radians(rng.uniform(30, 90)) * np.sin(np.pi * np.clip(
            (time_fine - start / fine_rate) / duration, 0, 1)) ** 2
        rotvec += turn[:, None] * turn_axis / np.linalg.norm(turn_axis)
    if kind == "still":
        rotvec += np.radians(rng.uniform(-40, 40, 3))
    to_wand = _rotations(rotvec).transpose(0, 2, 1)  # world -> wand: the inverse (transpose) of wand -> world
    accel = np.einsum("nij,nj->ni", to_wand, world)

    # 5. The sensor: a low-pass average down to 25 Hz, gain, bias, noise, clipping.
    accel = accel.reshape(WINDOW_SAMPLES, _FINE_STEPS, 3).mean(axis=1)
    accel = accel * np.asarray(traits.gain) + np.asarray(traits.bias_g)
    accel = accel + rng.normal(0, traits.noise_g, accel.shape)
    accel = np.clip(accel, -RANGE_G, RANGE_G)

    pen = position[:, [0, 2]].reshape(WINDOW_SAMPLES, _FINE_STEPS, 2).mean(axis=1)
    start_s = start / fine_rate
    stop_s = (start + n_stroke) / fine_rate if n_stroke else start_s
    return Trace(gesture, kind, int(person_id), int(repetition), np.arange(WINDOW_SAMPLES) / SAMPLE_RATE_HZ,
                 pen.astype(np.float32), accel.astype(np.float32), float(start_s), float(stop_s))


@functools.lru_cache(maxsize=4)
def _make(people: int, repetitions: int, seed: int):
    windows, labels, groups = [], [], []
    for person_id in range(people):
        for label, gesture in enumerate(GESTURES):
            for repetition in range(repetitions):
                windows.append(trace(gesture, person_id, repetition, seed).accel_g)
                labels.append(label)
                groups.append(person_id)
    x = np.stack(windows).astype(np.float32)
    x.flags.writeable = False  # cached: ``make`` hands out copies
    return x, np.array(labels, dtype=np.int64), np.array(groups, dtype=np.int64)


def make(people: int = PEOPLE, repetitions: int = REPETITIONS, seed: int = SEED):
    """Every window: x (n, 128, 3) float32 in g, y (n,) class ids in GESTURES order, groups (n,) person ids.

    ``repetitions`` windows of each class per person, so the classes are balanced.
    ``data.load("gestures")`` splits these by person.
    """
    x, y, groups = _make(int(people), int(repetitions), int(seed))
    return x.copy(), y.copy(), groups.copy()


def kinds(people: int = PEOPLE, repetitions: int = REPETITIONS) -> np.ndarray:
    """The motion behind each window of ``make`` (in the same order): a gesture's name, or for a
    negative window its kind ("still", "line", ...). Split it like the data to see which kinds a
    model gets wrong."""
    return np.array([_kind(gesture, person_id, repetition) for person_id in range(people)
                     for gesture in GESTURES for repetition in range(repetitions)])
