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
import hashlib
import io
import zipfile
from pathlib import Path
from typing import Callable

import numpy as np

from edgebook import paths, synth
from edgebook.errors import DataError

SPLIT_SEED = 0
"""Splits use their own seed, so changing the lesson's seed never moves a test sample into training."""


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


@dataclasses.dataclass(frozen=True)
class DatasetSpec:
    """A registry entry: how to get a dataset and how to check it."""

    name: str
    description: str
    source: str
    make: Callable[..., tuple[np.ndarray, np.ndarray]]
    class_names: tuple[str, ...] | None = None
    file: str | None = None          # under datasets/, when the data is committed
    sha256: str | None = None
    regenerate: str | None = None    # the command that rewrites the file
    generated: bool = False          # made by seeded code at load time: nothing on disk to check


# --- reading and writing committed files ------------------------------------

def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_npz(path: Path, **arrays: np.ndarray) -> str:
    """Write arrays as a compressed .npz with fixed timestamps (same arrays, same bytes).

    Returns the file's SHA-256, for the registry.
    """
    path = Path(path)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buffer.getvalue())
    return sha256_of(path)


def read_verified_npz(spec: DatasetSpec) -> dict[str, np.ndarray]:
    """Read a committed dataset file after checking that it is the one the course expects."""
    path = verify_file(spec)
    with np.load(path, allow_pickle=False) as npz:
        return {key: npz[key] for key in npz.files}


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


def _sine(n: int = 1000):
    return synth.sine_samples(n=n)


def _keywords(copies: int = 8):
    from edgebook import audio  # imported here: audio reads its file through this module

    return audio.keyword_clips(copies=copies)


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
        DatasetSpec(
            name="activity",
            description=(f"synthetic wrist-sensor windows, {synth.WINDOW_SECONDS} s at "
                         f"{synth.SAMPLE_RATE_HZ} Hz, channels {', '.join(synth.CHANNELS)}"),
            source="made by edgebook.synth.activity_windows (seeded) and committed as datasets/activity.npz",
            make=_activity,
            class_names=synth.ACTIVITIES,
            file="activity.npz",
            sha256="8141538f59785898431c78b89ee564525144e4f48a4974a37ce7e188a96686e5",
            regenerate="python datasets/make_activity.py",
        ),
        DatasetSpec(
            name="keywords",
            description=("1-second spoken words, int16 at 16 kHz (synthetic eSpeak NG voices, augmented "
                         "with shift, gain, reverb and noise; split by voice)"),
            source=("clean words said by 112 eSpeak NG voices, committed as datasets/keywords.npz; "
                    "edgebook.audio.keyword_clips augments them at load time (seeded)"),
            make=_keywords,
            class_names=("silence", "unknown", "yes", "no"),
            file="keywords.npz",
            sha256="aea5b5165072245408215dbb2008452626f6be557542258394225bf6034251c4",
            regenerate="python datasets/make_keywords.py",
        ),
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


PRETRAINED: dict[str, DatasetSpec] = {
    spec.name: spec for spec in (
        DatasetSpec(
            name="person_weights",
            description="pretrained weights of lesson 15's person detector",
            source="trained by datasets/make_person_weights.py on rooms the lesson never tests on",
            make=None,
            file="person_weights.npz",
            sha256="5f43da3948702a2cc5c412d4c14c4175350aa928fb41719ba36fe3ed4555d270",
            regenerate="python datasets/make_person_weights.py",
        ),
    )
}
"""Committed files that are not datasets (pretrained weights), checked like them."""


def names() -> list[str]:
    return sorted(REGISTRY)


def spec(name: str) -> DatasetSpec:
    """The registry entry of a dataset (or of a committed file such as pretrained weights)."""
    if name in PRETRAINED:
        return PRETRAINED[name]
    if name not in REGISTRY:
        raise DataError(f"There is no dataset called {name!r}. The course has: {', '.join(names())}.")
    return REGISTRY[name]


def split(x: np.ndarray, y: np.ndarray, *, val: float = 0.15, test: float = 0.2,
          seed: int = SPLIT_SEED, stratify: bool = True):
    """Fixed, seeded train/validation/test split; class proportions are kept when stratified."""
    from sklearn.model_selection import train_test_split

    strat = y if stratify else None
    x_rest, x_test, y_rest, y_test = train_test_split(x, y, test_size=test, random_state=seed, stratify=strat)
    strat = y_rest if stratify else None
    x_train, x_val, y_train, y_val = train_test_split(
        x_rest, y_rest, test_size=val / (1 - test), random_state=seed, stratify=strat)
    return x_train, y_train, x_val, y_val, x_test, y_test


def split_by_group(x: np.ndarray, y: np.ndarray, groups: np.ndarray, *, val: float = 0.15,
                   test: float = 0.2, seed: int = SPLIT_SEED):
    """Fixed, seeded split in which every group (a speaker, a person) lands in exactly one part.

    Tests then measure how a model does on people it has never seen, which is
    what a device in a stranger's hand meets.
    """
    unique = np.unique(groups)
    shuffled = np.random.default_rng(seed).permutation(unique)
    n_test = max(1, round(test * len(unique)))
    n_val = max(1, round(val * len(unique)))
    test_groups, val_groups = shuffled[:n_test], shuffled[n_test:n_test + n_val]
    parts = []
    for part in ("train", "val", "test"):
        if part == "test":
            mask = np.isin(groups, test_groups)
        elif part == "val":
            mask = np.isin(groups, val_groups)
        else:
            mask = ~np.isin(groups, np.concatenate([test_groups, val_groups]))
        parts += [x[mask], y[mask]]
    return tuple(parts)


def load(name: str, **options) -> Dataset:
    """Load a dataset by name, with its fixed split. Options go to the dataset's maker
    (for example ``load("digits", upsample=2)`` for 16x16 digits).

    A maker that returns ``(x, y, groups)`` is split by group (speakers or
    people never shared between train, validation and test).
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
    if len(made) == 3:
        parts = split_by_group(*made)
    else:
        parts = split(*made, stratify=is_classification)
    return Dataset(name, *parts, class_names=entry.class_names, description=entry.description)


def verify_file(entry: DatasetSpec) -> Path:
    """Check that a committed file is present and is the one the course expects (its SHA-256)."""
    path = paths.datasets_dir() / entry.file
    if not path.is_file():
        raise DataError(
            f"Dataset {entry.name!r} needs the file {path}, which is missing. "
            f"It is part of the course repository: restore it with "
            f"`git checkout -- datasets/{entry.file}`, or regenerate it with `{entry.regenerate}`."
        )
    actual = sha256_of(path)
    if actual != entry.sha256:
        raise DataError(
            f"Dataset file {path} is corrupt or out of date: its SHA-256 is {actual[:16]}..., "
            f"the course expects {entry.sha256[:16]}.... Restore it with "
            f"`git checkout -- datasets/{entry.file}`, or regenerate it with `{entry.regenerate}`."
        )
    return path


def verify_all() -> dict[str, str]:
    """Check every dataset and committed file; returns name -> "ok ..." or "PROBLEM: ..." (lesson 00).

    Committed files are checked by their SHA-256 without being loaded (the
    keyword clips alone would take seconds and hundreds of MB), generated
    datasets need no check, and the rest are loaded.
    """
    report = {}
    for entry in [*REGISTRY.values(), *PRETRAINED.values()]:
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
    return dict(sorted(report.items()))
