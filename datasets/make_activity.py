"""Regenerate datasets/activity.npz, the synthetic wrist-sensor windows of lesson 10.

    python datasets/make_activity.py

The windows come from the seeded generator edgebook.synth.activity_windows; the
file is committed so every learner trains on exactly the same bytes, whatever
their NumPy version. The script prints the SHA-256 to put into
lib/edgebook/data.py (REGISTRY["activity"].sha256).
"""
from pathlib import Path

import numpy as np

from edgebook import data, synth

x, y = synth.activity_windows(per_class=300, seed=2024)
path = Path(__file__).resolve().parent / "activity.npz"
# float16 keeps the file small; the sensor values need nothing finer.
digest = data.write_npz(path, x=x.astype(np.float16), y=y.astype(np.int8))
print(f"wrote {path} ({path.stat().st_size:,} bytes)\nsha256 {digest}")
