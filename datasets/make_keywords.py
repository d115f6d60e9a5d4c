"""Regenerate datasets/keywords.npz, the spoken words of lesson 13 (keyword spotting).

    python datasets/make_keywords.py

The speech is synthetic: Debian's eSpeak NG text-to-speech (``apt-get install espeak-ng``;
made with eSpeak NG 1.51, the version is also stored in the file) says "yes", "no" and
many other short English words in 112 voices. A voice is a base voice (8 English
accents and 8 other languages' voices reading English words, which gives them an
accent) combined with one of eSpeak's variants (male, female, old, robotic, whispering
...), and every utterance gets its own speed (-s) and pitch (-p). Only the course's
generator script calls eSpeak; the lessons never do.

The file holds the CLEAN words only, trimmed and resampled to 16 kHz int16 (that keeps
it small). ``edgebook.audio.keyword_clips`` turns them into 1-second training clips at
load time, seeded: time shift, gain, reverberation and background noise.

The script is deterministic for a given eSpeak NG version: the same version gives the
same bytes. It prints the SHA-256 to put into lib/edgebook/data.py
(REGISTRY["keywords"].sha256).
"""
import re
import subprocess
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

from edgebook import data

SAMPLE_RATE = 16_000
ESPEAK_RATE = 22_050
ENGLISH_BASES = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp", "en-gb-x-gbcwmd",
                 "en-029", "en-us-nyc")
OTHER_BASES = ("de", "fr-fr", "es", "it", "nl", "sv", "pl", "pt-br")
VARIANTS_PER_ENGLISH_BASE, VARIANTS_PER_OTHER_BASE = 10, 4
# eSpeak's variants, less the ones that are not a plausible speaker (a speed preset, a demon voice).
VARIANTS = ("Alex", "Alicia", "Andrea", "Andy", "Annie", "AnxiousAndy", "Denis", "Diogo", "Gene", "Gene2",
            "Henrique", "Hugo", "Jacky", "Lee", "Marco", "Mario", "Michael", "Mike", "Nguyen", "RicishayMax",
            "Storm", "Tweaky", "adam", "anika", "announcer", "antonio", "aunty", "belinda", "benjamin",
            "boris", "caleb", "croak", "david", "ed", "edward", "f1", "f2", "f3", "f4", "f5", "grandma",
            "grandpa", "gustave", "iven", "iven2", "iven3", "john", "kaukovalta", "klatt", "klatt2", "klatt3",
            "linda", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "marcelo", "max", "michel", "miguel",
            "norbert", "pablo", "paul", "pedro", "quincy", "rob", "robert", "robosoft", "sandro", "shelby",
            "steph", "travis", "victor", "whisper", "whisperf", "zac")
LABELS = ("yes", "no", "unknown")
# Other words: short, common, none of them sounds like "yes" or "no" ("know" is left out).
OTHER_WORDS = ("bed", "bird", "cat", "dog", "down", "eight", "five", "four", "go", "happy", "house", "left",
               "nine", "off", "on", "one", "right", "seven", "six", "stop", "three", "tree", "two", "up", "wow",
               "zero", "learn", "follow", "forward", "backward", "hello", "water", "yellow", "green", "music",
               "table", "maybe", "never", "okay", "please", "thanks", "light", "phone", "coffee", "morning",
               "window", "paper", "city", "river", "apple", "orange", "garden", "kitchen", "money", "open",
               "close", "start", "play", "sleep", "tiger", "wait", "help", "red", "blue", "black", "white")
YES_PER_VOICE, NO_PER_VOICE, OTHER_PER_VOICE = 2, 2, 4
PEAK = 0.5  # clean words are stored at half of full scale; the lesson's gain augmentation varies it


def espeak_version() -> str:
    said = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, check=True).stdout
    return re.search(r"text-to-speech: (\S+)", said).group(1)


def say(text: str, voice: str, speed: int, pitch: int) -> np.ndarray:
    """eSpeak NG's WAV output for ``text``, as float samples at 16 kHz."""
    wav = subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "--stdout", text],
                         capture_output=True, check=True).stdout
    if wav[:4] != b"RIFF" or wav[8:12] != b"WAVE":
        raise RuntimeError(f"eSpeak NG gave no WAV for {text!r} in voice {voice}")
    start = wav.index(b"data") + 8  # the header's sizes are placeholders when writing to a pipe
    samples = np.frombuffer(wav[start:start + (len(wav) - start) // 2 * 2], dtype="<i2") / 32768.0
    return resample_poly(samples, SAMPLE_RATE, ESPEAK_RATE)  # 22,050 Hz -> 16,000 Hz = x 320 / 441


def trim(samples: np.ndarray, margin_s: float = 0.02) -> np.ndarray:
    """Cut the silence around the word (below 2% of its peak), keeping a 20 ms margin."""
    loud = np.flatnonzero(np.abs(samples) > 0.02 * np.abs(samples).max())
    margin = int(margin_s * SAMPLE_RATE)
    return samples[max(loud[0] - margin, 0):loud[-1] + margin + 1]


def voices(rng: np.random.Generator) -> list[str]:
    chosen = []
    for bases, per_base in ((ENGLISH_BASES, VARIANTS_PER_ENGLISH_BASE), (OTHER_BASES, VARIANTS_PER_OTHER_BASE)):
        for base in bases:
            chosen += [f"{base}+{variant}" for variant in rng.choice(VARIANTS, size=per_base, replace=False)]
    return chosen


def main() -> None:
    rng = np.random.default_rng(2013)
    voice_names = voices(rng)
    clips, labels, words, voice_ids, speeds, pitches = [], [], [], [], [], []
    for voice_id, voice in enumerate(voice_names):
        texts = (["yes"] * YES_PER_VOICE + ["no"] * NO_PER_VOICE
                 + list(rng.choice(OTHER_WORDS, size=OTHER_PER_VOICE, replace=False)))
        for text in texts:
            speed, pitch = int(rng.integers(130, 221)), int(rng.integers(25, 76))
            mark = str(rng.choice(["", ".", "!", "?"]))  # punctuation changes the intonation
            samples = trim(say(text + mark, voice, speed, pitch))
            clip = np.round(samples * (PEAK / np.abs(samples).max()) * 32767).astype(np.int16)
            clips.append(clip)
            labels.append(LABELS.index(text) if text in LABELS else LABELS.index("unknown"))
            words.append(text)
            voice_ids.append(voice_id)
            speeds.append(speed)
            pitches.append(pitch)
    offsets = np.concatenate([[0], np.cumsum([len(c) for c in clips])])
    path = Path(__file__).resolve().parent / "keywords.npz"
    digest = data.write_npz(
        path, audio=np.concatenate(clips), offsets=offsets.astype(np.int64),
        label=np.array(labels, np.int8), word=np.array(words), voice=np.array(voice_ids, np.int16),
        voice_name=np.array(voice_names), speed=np.array(speeds, np.int16), pitch=np.array(pitches, np.int16),
        label_name=np.array(LABELS), sample_rate=np.array(SAMPLE_RATE, np.int32),
        espeak_ng_version=np.array(espeak_version()))
    seconds = offsets[-1] / SAMPLE_RATE
    print(f"wrote {path} ({path.stat().st_size:,} bytes): {len(clips)} words, {seconds:.0f} s of speech, "
          f"{len(voice_names)} voices\nsha256 {digest}")


if __name__ == "__main__":
    main()
