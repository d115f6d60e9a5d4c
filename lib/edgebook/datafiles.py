"""The committed data files of ``datasets/``, checked by SHA-256, and the fixed splits.

This is the low level under ``edgebook.data``: the files with their source,
checksum and the script that makes them, reading and writing ``.npz`` files
byte for byte, and the seeded train/validation/test splits. The topic modules
(``audio``, ``scenes``) read their files through it; ``edgebook.data`` builds the
datasets by name on top and re-exports these names (``data.spec``,
``data.split_by_group``, ``data.read_verified_npz``...).

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


# --- the committed files --------------------------------------------------------

DATASET_FILES: dict[str, DatasetSpec] = {
    spec.name: spec for spec in (
        DatasetSpec(
            name="activity",
            description=(f"synthetic wrist-sensor windows, {synth.WINDOW_SECONDS} s at "
                         f"{synth.SAMPLE_RATE_HZ} Hz, channels {', '.join(synth.CHANNELS)}"),
            source="made by edgebook.synth.activity_windows (seeded) and committed as datasets/activity.npz",
            make=None,
            file="activity.npz",
            sha256="8141538f59785898431c78b89ee564525144e4f48a4974a37ce7e188a96686e5",
            regenerate="python datasets/make_activity.py",
        ),
        DatasetSpec(
            name="keywords",
            description=("1-second spoken words, int16 at 16 kHz (synthetic eSpeak NG voices, augmented "
                         "with speed, shift, reverb, noise, microphone and gain; split by voice variant)"),
            source=("clean words said by 297 eSpeak NG voices (99 variants), committed as datasets/keywords.npz; "
                    "edgebook.audio.keyword_clips augments them at load time (seeded)"),
            make=None,
            file="keywords.npz",
            sha256="f2bad72fbbe9afec352691aae2fcea9cde7450f0e521234623ae63732d28ba0f",
            regenerate="python datasets/make_keywords.py",
        ),
        DatasetSpec(
            name="basic_motions",
            description=("real smartwatch recordings (UEA BasicMotions): 80 recordings of 10 s at 10 Hz by four "
                         "people standing, walking, running and playing badminton; accelerometer x, y, z and "
                         "gyroscope x, y, z; the archive's TRAIN/TEST split"),
            source=("the UEA multivariate time series archive (timeseriesclassification.com, Bagnall et al. 2018), "
                    "as the aeon 1.6.0 and sktime 1.2.0 wheels ship it; extracted to datasets/basic_motions.npz"),
            make=None,
            file="basic_motions.npz",
            sha256="c4232dc955585ae517151bd57fd7da47590e99bdf12e8856703dd230afd13ba4",
            regenerate="python datasets/extract_basic_motions.py <an aeon or sktime wheel>",
        ),
        DatasetSpec(
            name="wake_phrase",
            description="'okay nabu' said by eSpeak NG in 8 English accents, int16 at 16 kHz (synthetic speech)",
            source=("made by datasets/make_wake_phrase.py with eSpeak NG 1.51 for lesson 16's real wake-word "
                    "model, committed as datasets/wake_phrase.npz; edgebook.wake_words reads it"),
            make=None,
            file="wake_phrase.npz",
            sha256="410206592fe45ffe24affbc4106d585487b6eeb0f8192808ecd8e00481000b0c",
            regenerate="python datasets/make_wake_phrase.py",
        ),
    )
}
"""Committed files that datasets are made from (``edgebook.data.REGISTRY`` says how)."""


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


# --- fixed splits ---------------------------------------------------------------

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
