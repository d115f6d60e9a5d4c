"""Regenerate datasets/keywords.npz, the spoken words of lesson 13 (keyword spotting).

    python datasets/make_keywords.py

The speech is synthetic: Debian's eSpeak NG text-to-speech (``apt-get install espeak-ng``;
made with eSpeak NG 1.51, the version is also stored in the file) says "yes", "no" and
many other short English words. A voice is one of eSpeak's voice *variants* (its
timbre: formants, pitch range, breathiness, roughness; every variant eSpeak NG ships
except a speed preset and a demon) speaking with the letter-to-sound rules of a
*base* voice: one of 8 English accents, or one of 16 other languages reading English
words, which gives them an accent. Every variant speaks with three bases (two English,
one other), and every utterance gets its own speed (-s, from slow and careful to fast)
and pitch (-p). Each voice says "yes", "no" and one other word. Only the course's
generator script calls eSpeak; the lessons never do.

The file holds the CLEAN words only, trimmed, resampled to 16 kHz and stored as 8-bit
mu-law codes (the companding of telephone audio: quiet samples get finer steps than
loud ones; about 38 dB signal-to-noise ratio), which keeps it small.
``edgebook.audio.clean_words`` decodes them; ``edgebook.audio.keyword_clips`` turns them
into 1-second training clips at load time, seeded: speed, time shift, gain, microphone,
reverberation and background noise.

The script is deterministic for a given eSpeak NG version: the same version gives the
same bytes. It prints the SHA-256 to put into lib/edgebook/datafiles.py
(DATASET_FILES["keywords"].sha256).
"""
import re
import subprocess
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

from edgebook import audio, data

SAMPLE_RATE = 16_000
ESPEAK_RATE = 22_050
ENGLISH_BASES = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp", "en-gb-x-gbcwmd",
                 "en-029", "en-us-nyc")
# Other languages whose rules read "yes" and "no" as something close to them (eSpeak's phonemes
# j'Es/j'es and n'o); Swedish, Norwegian, Danish, Finnish and others read "yes" with a "y" vowel.
OTHER_BASES = ("de", "fr-fr", "es", "it", "nl", "pl", "hu", "ro", "id", "hr", "sl", "ca", "tr", "ms", "cs", "sk")
ENGLISH_PER_VARIANT, OTHER_PER_VARIANT = 2, 1
# Every variant eSpeak NG ships, less the two that are not a speaker (a speed preset, a demon voice).
NOT_A_SPEAKER = ("fast", "Demonic")
LABELS = ("yes", "no", "unknown")
# Other words: short, common, none of them sounds like "yes" or "no" ("know" is left out).
OTHER_WORDS = ("bed", "bird", "cat", "dog", "down", "eight", "five", "four", "go", "happy", "house", "left",
               "nine", "off", "on", "one", "right", "seven", "six", "stop", "three", "tree", "two", "up", "wow",
               "zero", "learn", "follow", "forward", "backward", "hello", "water", "yellow", "green", "music",
               "table", "maybe", "never", "okay", "please", "thanks", "light", "phone", "coffee", "morning",
               "window", "paper", "city", "river", "apple", "orange", "garden", "kitchen", "money", "open",
               "close", "start", "play", "sleep", "tiger", "wait", "help", "red", "blue", "black", "white")
SPEEDS = (90, 221)   # words a minute (eSpeak's -s; its default is 175): a "yes" lasts 0.3 to 0.7 s
PITCHES = (20, 81)   # eSpeak's -p, 0-99 (default 50), on top of each variant's own pitch range


def espeak_version() -> str:
    said = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, check=True).stdout
    return re.search(r"text-to-speech: (\S+)", said).group(1)


def espeak_variants() -> list[str]:
    """The names of every voice variant of the installed eSpeak NG (the files of its voices/!v folder)."""
    said = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, check=True).stdout
    folder = Path(re.search(r"Data at: (\S+)", said).group(1)) / "voices" / "!v"
    return sorted(p.name for p in folder.iterdir() if p.is_file() and p.name not in NOT_A_SPEAKER)


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


def voices(rng: np.random.Generator) -> tuple[list[str], list[int], list[str]]:
    """Every variant with two English bases and one other: the voice names ("base+variant"),
    each voice's variant index, and the variant names."""
    variants = espeak_variants()
    names, variant_ids = [], []
    for index, variant in enumerate(variants):
        bases = list(rng.choice(ENGLISH_BASES, ENGLISH_PER_VARIANT, replace=False))
        bases += list(rng.choice(OTHER_BASES, OTHER_PER_VARIANT, replace=False))
        names += [f"{base}+{variant}" for base in bases]
        variant_ids += [index] * len(bases)
    return names, variant_ids, variants


def main() -> None:
    rng = np.random.default_rng(2013)
    voice_names, voice_variants, variant_names = voices(rng)
    others = list(rng.permutation(OTHER_WORDS * -(-len(voice_names) // len(OTHER_WORDS))))
    clips, labels, words, voice_ids, speeds, pitches = [], [], [], [], [], []
    for voice_id, voice in enumerate(voice_names):
        for text in ("yes", "no", others.pop()):
            speed, pitch = int(rng.integers(*SPEEDS)), int(rng.integers(*PITCHES))
            mark = str(rng.choice(["", ".", "!", "?"]))  # punctuation changes the intonation
            samples = trim(say(text + mark, voice, speed, pitch))
            clips.append(audio.mu_law_encode(samples / np.abs(samples).max()))
            labels.append(LABELS.index(text) if text in LABELS else LABELS.index("unknown"))
            words.append(text)
            voice_ids.append(voice_id)
            speeds.append(speed)
            pitches.append(pitch)
    offsets = np.concatenate([[0], np.cumsum([len(c) for c in clips])])
    path = Path(__file__).resolve().parent / "keywords.npz"
    digest = data.write_npz(
        path, mu_law=np.concatenate(clips), offsets=offsets.astype(np.int64),
        label=np.array(labels, np.int8), word=np.array(words), voice=np.array(voice_ids, np.int16),
        voice_name=np.array(voice_names), voice_variant=np.array(voice_variants, np.int16),
        variant_name=np.array(variant_names), speed=np.array(speeds, np.int16),
        pitch=np.array(pitches, np.int16), label_name=np.array(LABELS), sample_rate=np.array(SAMPLE_RATE, np.int32),
        espeak_ng_version=np.array(espeak_version()))
    seconds = offsets[-1] / SAMPLE_RATE
    print(f"wrote {path} ({path.stat().st_size:,} bytes): {len(clips)} words, {seconds:.0f} s of speech, "
          f"{len(voice_names)} voices ({len(variant_names)} variants)\nsha256 {digest}")


if __name__ == "__main__":
    main()
