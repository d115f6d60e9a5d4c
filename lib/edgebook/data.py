"""Offline datasets by name, each with a fixed, seeded train/validation/test split.

Nothing here touches the network or unpickles anything. A dataset comes from a
file committed in ``datasets/`` (checked against its SHA-256 before use), from
data that an installed package ships (scikit-learn's handwritten digits), or
from a seeded generator in ``edgebook.synth``.

    >>> digits = edgebook.data.load("digits")
    >>> digits.x_train.shape, digits.class_names[:3]

Introduced in 00_welcome_and_setup_check.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from edgebook import realdata, synth
# The committed files, their checks and the splits live one level down (audio and scenes read
# their files there too); lessons and scripts call them as data.X.
from edgebook.datafiles import (DATASET_FILES, PRETRAINED, SPLIT_SEED, DatasetSpec, read_verified_npz,
                                sha256_of, split, split_by_group, verify_file, write_npz)
from edgebook.errors import DataError

__all__ = ["Dataset", "DatasetSpec", "REGISTRY", "PRETRAINED", "DATASET_FILES", "SPLIT_SEED", "names", "spec",
           "MOTION_CHANNELS", "MOTION_RATE_HZ", "MOTION_VALIDATION_RECORDINGS",
           "load", "source", "verify_all", "verify_file", "read_verified_npz", "sha256_of", "write_npz", "split",
           "split_by_group"]


@dataclasses.dataclass(frozen=True, repr=False)
class Dataset:
    """Arrays of one dataset, split three ways, with what they mean."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...] | None
    description: str

    def __repr__(self) -> str:
        lines = [f"Dataset {self.name!r}: {self.description}"]
        for split in ("train", "val", "test"):
            x, y = getattr(self, f"x_{split}"), getattr(self, f"y_{split}")
            lines.append(f"  {split:<5} x {str(x.shape):<16} {x.dtype}   y {str(y.shape):<10} {y.dtype}")
        if self.class_names:
            lines.append(f"  classes: {', '.join(self.class_names)}")
        return "\n".join(lines)


# --- the datasets -------------------------------------------------------------

def _digits(upsample: int = 1):
    """scikit-learn's 1,797 handwritten digits, 8x8 pixels with values 0..16."""
    from sklearn.datasets import load_digits  # ships inside scikit-learn: no download

    digits = load_digits()
    x = digits.images.astype(np.float32)
    if upsample != 1:
        if upsample not in (2, 3, 4):
            raise DataError(f"digits: upsample must be 1, 2, 3 or 4 (pixels per side); you passed {upsample!r}.")
        from scipy.ndimage import zoom  # bilinear: smoother than repeating pixels
        x = np.clip(zoom(x, (1, upsample, upsample), order=1), 0, 16).astype(np.float32)
    return x, digits.target.astype(np.int64)


def _activity():
    arrays = read_verified_npz(REGISTRY["activity"])
    return arrays["x"].astype(np.float32), arrays["y"].astype(np.int64)


MOTION_CHANNELS = ("accel_x", "accel_y", "accel_z", "gyro_x", "gyro_y", "gyro_z")
"""The six channels of ``basic_motions``. The archive names neither the order nor the units; its
description lists the accelerometer first, and the values fit acceleration in m/s^2 with gravity
removed (a watch at rest reads about 0) and rotation rates in rad/s."""
MOTION_RATE_HZ = 10
"""``basic_motions`` is sampled once every tenth of a second (the archive's description)."""
MOTION_VALIDATION_RECORDINGS = 8
"""Recordings of the published TRAIN split kept for validation (2 per activity, seeded)."""


def _basic_motions(window_samples: int = 100):
    """The published TRAIN/TEST split, 8 TRAIN recordings held out for validation, cut into windows.

    Windows are cut after the split, so no recording has windows on two sides.
    """
    from sklearn.model_selection import train_test_split

    length = 100
    if (not isinstance(window_samples, (int, np.integer)) or not 0 < window_samples <= length
            or length % window_samples):
        raise DataError(f"basic_motions: window_samples must divide the {length} samples of a recording "
                        f"(10, 20, 25, 50 or 100); you passed {window_samples!r}.")
    arrays = read_verified_npz(REGISTRY["basic_motions"])
    if tuple(arrays["class_names"]) != REGISTRY["basic_motions"].class_names:
        raise DataError(f"basic_motions.npz lists the classes {tuple(arrays['class_names'])}; the course expects "
                        f"{REGISTRY['basic_motions'].class_names}. Regenerate it with "
                        f"`{REGISTRY['basic_motions'].regenerate}`.")
    y_all = arrays["y_train"].astype(np.int64)
    x_train, x_val, y_train, y_val = train_test_split(
        arrays["x_train"], y_all, test_size=MOTION_VALIDATION_RECORDINGS, random_state=SPLIT_SEED, stratify=y_all)
    parts = []
    for x, y in ((x_train, y_train), (x_val, y_val), (arrays["x_test"], arrays["y_test"].astype(np.int64))):
        per_recording = length // window_samples
        parts += [x.reshape(len(x) * per_recording, window_samples, x.shape[2]).astype(np.float32),
                  np.repeat(y, per_recording)]
    return tuple(parts)


def _sine(n: int = 1000):
    return synth.sine_samples(n=n)


def _keywords(copies: int | None = None):
    from edgebook import audio  # imported here: only lessons 13 and 16 need the spoken words

    return audio.keyword_clips(copies=audio.COPIES if copies is None else copies)


def _person(rooms: int = 200, per_room: int = 20):
    from edgebook import scenes  # imported here: only lesson 15 needs the scene generator

    return scenes.person_scenes(rooms=rooms, per_room=per_room)


def _gestures(people: int = 50, repetitions: int = 10):
    from edgebook import gestures  # imported here: only lesson 14 needs the gesture generator

    return gestures.make(people=people, repetitions=repetitions)


REGISTRY: dict[str, DatasetSpec] = {
    spec.name: spec for spec in (
        DatasetSpec(
            name="digits",
            description="handwritten digits 0-9, 8x8 grey pixels with values 0..16 (real data)",
            source="scikit-learn's bundled copy of the UCI optical digits test set (1,797 images)",
            make=_digits,
            class_names=tuple(str(d) for d in range(10)),
        ),
        dataclasses.replace(DATASET_FILES["activity"], make=_activity, class_names=synth.ACTIVITIES),
        dataclasses.replace(DATASET_FILES["keywords"], make=_keywords, class_names=("silence", "unknown", "yes", "no")),
        dataclasses.replace(DATASET_FILES["basic_motions"], make=_basic_motions,
                            class_names=("standing", "walking", "running", "badminton")),
        DatasetSpec(
            name="person",
            description=("96x96 grey scenes of rooms with clutter and person-like things, half of them "
                         "with a person (synthetic, seeded; split by room)"),
            source="made by edgebook.scenes.person_scenes (seeded) at load time, vectorized NumPy (about 2 s)",
            make=_person,
            generated=True,
            class_names=("no person", "person"),
        ),
        DatasetSpec(
            name="gestures",
            description=("magic-wand accelerometer windows, 128 samples at 25 Hz, axes x, y, z in g, "
                         "by 50 people (synthetic, seeded; split by person)"),
            source=("made by edgebook.gestures.make (seeded) at load time: pen paths -> acceleration, "
                    "wand orientation, gravity, sensor errors (about 1 s)"),
            make=_gestures,
            generated=True,
            class_names=("wing", "ring", "slope", "negative"),
        ),
        DatasetSpec(
            name="sine",
            description="noisy samples of y = sin(x) for x in [0, 2*pi), for regression",
            source="made by edgebook.synth.sine_samples (seeded) at load time",
            make=_sine,
            generated=True,
        ),
    )
}


def names() -> list[str]:
    return sorted(REGISTRY)


def spec(name: str) -> DatasetSpec:
    """The registry entry of a dataset (or of a committed file such as pretrained weights)."""
    if name in PRETRAINED:
        return PRETRAINED[name]
    if name not in REGISTRY:
        raise DataError(f"There is no dataset called {name!r}. The course has: {', '.join(names())}.")
    return REGISTRY[name]


def source(name: str) -> str:
    """Where a name that ``verify_all`` reports comes from: a dataset, a committed file, or a real file."""
    real_files = {real_file.file: real_file for real_file in realdata.FILES.values()}
    if name in real_files:
        return f"{real_files[name].what}; see datasets/SOURCES.md"
    if name in DATASET_FILES and name not in REGISTRY:
        return DATASET_FILES[name].source
    return spec(name).source


def load(name: str, **options) -> Dataset:
    """Load a dataset by name, with its fixed split. Options go to the dataset's maker
    (for example ``load("digits", upsample=2)`` for 16x16 digits).

    A maker that returns ``(x, y, groups)`` is split by group (speakers or
    people never shared between train, validation and test); one that returns
    six arrays comes split already (``basic_motions``: the archive's own split).
    """
    entry = spec(name)
    if entry.make is None:
        raise DataError(f"{name!r} is not a dataset but a committed file ({entry.description}); "
                        f"the course has these datasets: {', '.join(names())}.")
    try:
        made = entry.make(**options)
    except TypeError as error:
        raise DataError(f"Dataset {name!r} does not take the options {options}: {error}") from None
    is_classification = entry.class_names is not None
    if len(made) == 6:
        parts = made
    elif len(made) == 3:
        parts = split_by_group(*made)
    else:
        parts = split(*made, stratify=is_classification)
    return Dataset(name, *parts, class_names=entry.class_names, description=entry.description)


def verify_all() -> dict[str, str]:
    """Check every dataset and committed file; returns name -> "ok ..." or "PROBLEM: ..." (lesson 00).

    Committed files are checked by their SHA-256 without being loaded (the
    keyword clips alone would take seconds and hundreds of MB), generated
    datasets need no check, and the rest are loaded.
    """
    report = {}
    files_without_a_dataset = [spec for name, spec in DATASET_FILES.items() if name not in REGISTRY]
    for entry in [*REGISTRY.values(), *PRETRAINED.values(), *files_without_a_dataset]:
        try:
            if entry.file:
                size = verify_file(entry).stat().st_size
                report[entry.name] = f"ok (file of {size:,} B, SHA-256 matches)"
            elif entry.generated:
                report[entry.name] = "ok (generated by seeded code when loaded)"
            else:
                ds = load(entry.name)
                report[entry.name] = f"ok ({len(ds.x_train) + len(ds.x_val) + len(ds.x_test)} samples)"
        except DataError as error:
            report[entry.name] = f"PROBLEM: {error}"
    for real_file in realdata.FILES.values():  # third-party recordings, photos and models
        try:
            size = verify_file(real_file).stat().st_size
            report[real_file.file] = f"ok (file of {size:,} B, SHA-256 matches)"
        except DataError as error:
            report[real_file.file] = f"PROBLEM: {error}"
    return dict(sorted(report.items()))
