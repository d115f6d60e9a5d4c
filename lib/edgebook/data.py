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
    path = paths.datasets_dir() / spec.file
    if not path.is_file():
        raise DataError(
            f"Dataset {spec.name!r} needs the file {path}, which is missing. "
            f"It is part of the course repository: restore it with "
            f"`git checkout -- datasets/{spec.file}`, or regenerate it with `{spec.regenerate}`."
        )
    actual = sha256_of(path)
    if actual != spec.sha256:
        raise DataError(
            f"Dataset file {path} is corrupt or out of date: its SHA-256 is {actual[:16]}..., "
            f"the course expects {spec.sha256[:16]}.... Restore it with "
            f"`git checkout -- datasets/{spec.file}`, or regenerate it with `{spec.regenerate}`."
        )
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
            name="sine",
            description="noisy samples of y = sin(x) for x in [0, 2*pi), for regression",
            source="made by edgebook.synth.sine_samples (seeded) at load time",
            make=_sine,
        ),
    )
}


def names() -> list[str]:
    return sorted(REGISTRY)


def spec(name: str) -> DatasetSpec:
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


def verify_all() -> dict[str, str]:
    """Check that every dataset loads; returns name -> "ok" or what is wrong (for lesson 00)."""
    report = {}
    for name in names():
        try:
            ds = load(name)
            report[name] = f"ok ({len(ds.x_train) + len(ds.x_val) + len(ds.x_test)} samples)"
        except DataError as error:
            report[name] = f"PROBLEM: {error}"
    return report
