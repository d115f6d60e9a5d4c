"""Extract the UEA BasicMotions recordings (real smartwatch data, lesson 01) from a PyPI wheel.

    python -m pip download --no-deps aeon==1.6.0 -d /tmp/wheels     # or sktime==1.2.0
    python datasets/extract_basic_motions.py /tmp/wheels/aeon-1.6.0-py3-none-any.whl

The aeon and sktime wheels both ship the archive's two files,
``BasicMotions_TRAIN.ts`` and ``BasicMotions_TEST.ts`` (the same bytes in
aeon 1.6.0 and sktime 1.2.0). This script opens the wheel as the zip file it
is, checks both files against their SHA-256 below, parses the ``.ts`` text
with the standard library and NumPy (nothing is unpickled, nothing from the
wheel is imported or installed) and writes ``datasets/basic_motions.npz``:

- ``x_train`` float32 (40, 100, 6), ``y_train`` int8 (40,): the published TRAIN split;
- ``x_test`` float32 (40, 100, 6), ``y_test`` int8 (40,): the published TEST split;
- ``class_names``: the labels in the course's order (``CLASS_NAMES``).

It prints the file's SHA-256 for ``lib/edgebook/datafiles.py``
(``DATASET_FILES["basic_motions"]``). Source and licence: datasets/SOURCES.md.
"""
import argparse
import hashlib
import sys
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))

from edgebook.datafiles import write_npz  # noqa: E402  (after the path above)

TS_SHA256 = {
    "TRAIN": "8dc43cc6306cb679c888c01e26f91772ac4441a916da43bac8b79734a538b9d6",
    "TEST": "79213102bc6fca1a398ad98ce1185dff0208fa3d1465e687f48288946b0ff8dc",
}
"""The SHA-256 of the two ``.ts`` files as aeon 1.6.0 and sktime 1.2.0 ship them."""

CLASS_NAMES = ("standing", "walking", "running", "badminton")
"""The course's order (from still to the newcomer); the file lists Standing Running Walking Badminton."""

DIMENSIONS, SERIES_LENGTH = 6, 100


def read_ts(text: str) -> tuple[np.ndarray, list[str]]:
    """Parse a multivariate, equal-length ``.ts`` file: (cases, time, dimensions) float32 and the labels.

    The format: ``#`` comment lines, ``@key value`` header lines up to ``@data``,
    then one case per line: each dimension's values separated by commas, the
    dimensions by colons, the class label last.
    """
    header, rows, labels = {}, [], []
    in_data = False
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not in_data:
            key, _, value = line.partition(" ")
            if key.lower() == "@data":
                in_data = True
            else:
                header[key.lower()] = value.strip()
            continue
        *dimensions, label = line.split(":")
        if len(dimensions) != DIMENSIONS:
            raise ValueError(f"line {number}: {len(dimensions)} dimensions, expected {DIMENSIONS}")
        values = [[float(v) for v in dimension.split(",")] for dimension in dimensions]
        if any(len(v) != SERIES_LENGTH for v in values):
            raise ValueError(f"line {number}: series of {[len(v) for v in values]} samples, expected {SERIES_LENGTH}")
        rows.append(np.array(values, dtype=np.float32).T)  # (time, dimensions)
        labels.append(label.strip())
    expected = {"@dimensions": str(DIMENSIONS), "@serieslength": str(SERIES_LENGTH), "@equallength": "true"}
    for key, value in expected.items():
        if header.get(key, "").lower() != value:
            raise ValueError(f"header {key} is {header.get(key)!r}, expected {value!r}")
    declared = header.get("@classlabel", "").split()[1:]  # "true Standing Running Walking Badminton"
    if sorted(d.lower() for d in declared) != sorted(CLASS_NAMES) or not set(labels) <= set(declared):
        raise ValueError(f"classes {declared} (used: {sorted(set(labels))}), expected {CLASS_NAMES}")
    return np.stack(rows), labels


def extract(wheel: Path) -> dict[str, np.ndarray]:
    """The arrays of basic_motions.npz, read from the wheel after checking both files' SHA-256."""
    arrays = {"class_names": np.array(CLASS_NAMES)}
    with zipfile.ZipFile(wheel) as archive:
        for part in TS_SHA256:
            suffix = f"/BasicMotions/BasicMotions_{part}.ts"
            members = [name for name in archive.namelist() if name.endswith(suffix)]
            if len(members) != 1:
                raise SystemExit(f"{wheel.name}: expected one file ending in {suffix}, found {members}")
            raw = archive.read(members[0])
            digest = hashlib.sha256(raw).hexdigest()
            if digest != TS_SHA256[part]:
                raise SystemExit(f"{members[0]}: SHA-256 {digest} differs from the one this script knows, "
                                 f"{TS_SHA256[part]}: another version of the data; check it before using it.")
            x, labels = read_ts(raw.decode("utf-8"))
            arrays[f"x_{part.lower()}"] = x
            arrays[f"y_{part.lower()}"] = np.array([CLASS_NAMES.index(label.lower()) for label in labels],
                                                   dtype=np.int8)
            print(f"{members[0]}: {len(x)} recordings, SHA-256 {digest[:12]}...")
    return arrays


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="an aeon or sktime wheel (python -m pip download --no-deps aeon)")
    wheel = parser.parse_args().wheel
    arrays = extract(wheel)
    path = ROOT / "datasets" / "basic_motions.npz"
    digest = write_npz(path, **arrays)
    wheel_digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    print(f"from {wheel.name} (SHA-256 {wheel_digest})\nwrote {path} ({path.stat().st_size:,} bytes)\n"
          f"sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
