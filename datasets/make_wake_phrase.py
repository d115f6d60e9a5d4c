"""Regenerate datasets/wake_phrase.npz: "okay nabu" said by eSpeak NG, for lesson 16's real wake-word model.

    python datasets/make_wake_phrase.py

The speech is synthetic: Debian's eSpeak NG text-to-speech (``apt-get install espeak-ng``;
made with eSpeak NG 1.51, the version is also stored in the file) says the wake phrase
of microWakeWord's "okay nabu" detector, written as its settings file writes it, in each
of the 8 English accents lesson 13's data set uses, at eSpeak's default speed and pitch.
The voices were fixed before the detector ever heard them; none was picked or dropped
for what the detector answers. Only this script calls eSpeak; the lesson never does.

The file holds the clean phrases, trimmed and resampled to 16 kHz int16 at half of full
scale. The script is deterministic for a given eSpeak NG version. It prints the SHA-256
to put into lib/edgebook/datafiles.py (DATASET_FILES["wake_phrase"].sha256).
"""
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "lib"))

from edgebook import datafiles  # noqa: E402  (after the path above)
from make_keywords import ENGLISH_BASES, PEAK, SAMPLE_RATE, espeak_version, say, trim  # noqa: E402

PHRASE = "okay nabu"


def main() -> None:
    clips = []
    for voice in ENGLISH_BASES:
        samples = trim(say(PHRASE, voice, 175, 50))  # eSpeak NG's default speed (words a minute) and pitch
        clips.append(np.round(samples * (PEAK / np.abs(samples).max()) * 32767).astype(np.int16))
    offsets = np.concatenate([[0], np.cumsum([len(c) for c in clips])])
    path = HERE / "wake_phrase.npz"
    digest = datafiles.write_npz(path, audio=np.concatenate(clips), offsets=offsets.astype(np.int64),
                                 voice_name=np.array(ENGLISH_BASES), phrase=np.array(PHRASE),
                                 sample_rate=np.array(SAMPLE_RATE, np.int32),
                                 espeak_ng_version=np.array(espeak_version()))
    print(f"wrote {path} ({path.stat().st_size:,} bytes): {len(clips)} phrases, {offsets[-1] / SAMPLE_RATE:.1f} s"
          f"\nsha256 {digest}")


if __name__ == "__main__":
    main()
