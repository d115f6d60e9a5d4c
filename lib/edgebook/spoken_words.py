"""The "keywords" data set: 1-second spoken words, made at load time from clean words.

The clean words in datasets/keywords.npz were said by synthetic eSpeak NG
voices; ``keyword_clips`` augments them with seeded speed, time shift, gain,
reverberation and background noise, plus a "silence" class of noise only, and
``data.load("keywords")`` splits them by voice. Lessons call these as
``audio.keyword_clips``, ``audio.clean_words``...

Introduced in 13_keyword_spotting.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from edgebook import datafiles
from edgebook.errors import DataError
from edgebook.logmel import CLIP_SAMPLES, SAMPLE_RATE, to_float


CLASS_NAMES = ("silence", "unknown", "yes", "no")
"""The model's classes, in micro_speech's order."""
KEYWORDS = ("yes", "no")


# --- the clean words ----------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Words:
    """The clean spoken words of datasets/keywords.npz (eSpeak NG voices, 16 kHz)."""

    clips: tuple          # int16 arrays of different lengths (trimmed words)
    word: np.ndarray      # the text said
    voice: np.ndarray     # voice id per clip (index into voice_names)
    voice_names: np.ndarray
    espeak_version: str

    def __len__(self) -> int:
        return len(self.clips)

    def label(self) -> np.ndarray:
        """Class index (in CLASS_NAMES) of each word: yes, no, or unknown."""
        return np.array([CLASS_NAMES.index(w) if w in KEYWORDS else CLASS_NAMES.index("unknown")
                         for w in self.word])


def clean_words() -> Words:
    """The clean words, read from the committed file after checking its SHA-256.

    Introduced in 13_keyword_spotting.
    """
    arrays = datafiles.read_verified_npz(datafiles.DATASET_FILES["keywords"])
    audio, offsets = arrays["audio"], arrays["offsets"]
    clips = tuple(audio[offsets[i]:offsets[i + 1]] for i in range(len(offsets) - 1))
    return Words(clips, arrays["word"], arrays["voice"].astype(np.int64), arrays["voice_name"],
                 str(arrays["espeak_ng_version"].reshape(-1)[0]))


def voices_by_split() -> dict[str, np.ndarray]:
    """Voice ids in the train, val and test parts of ``data.load("keywords")`` (the same split).

    Introduced in 13_keyword_spotting.
    """
    ids = np.unique(clean_words().voice)
    parts = datafiles.split_by_group(ids, ids, ids)
    return {"train": parts[0], "val": parts[2], "test": parts[4]}


# --- augmentation ---------------------------------------------------------------------------

NOISE_KINDS = ("white", "pink", "brown", "hum", "babble")
SNR_DB = (5.0, 30.0)
"""Signal-to-noise ratios of the training clips' background noise, in dB: from noisy to quiet."""


def noise_bank(words: Words, seconds: float = 10.0, seed: int = 0) -> dict[str, np.ndarray]:
    """Background noises, ``seconds`` long, RMS 1: white, pink (1/f), brown (1/f^2), mains hum
    with harmonics, and babble (other words overlapping)."""
    rng = np.random.default_rng(seed)
    n = int(seconds * SAMPLE_RATE)
    spectrum = np.fft.rfft(rng.normal(size=n))
    freqs = np.maximum(np.fft.rfftfreq(n, 1 / SAMPLE_RATE), 20.0)
    t = np.arange(n) / SAMPLE_RATE
    hum = sum(np.sin(2 * np.pi * 50 * k * t + rng.uniform(0, 2 * np.pi)) / k for k in (1, 2, 3, 5))
    babble = np.zeros(n)
    others = [clip for clip, w in zip(words.clips, words.word) if w not in KEYWORDS]
    for _ in range(int(8 * seconds)):  # about eight words a second, on top of each other
        clip = to_float(others[rng.integers(len(others))])[:n]
        start = rng.integers(0, n - len(clip))
        babble[start:start + len(clip)] += clip * rng.uniform(0.3, 1.0)
    bank = {"white": rng.normal(size=n), "pink": np.fft.irfft(spectrum / np.sqrt(freqs), n),
            "brown": np.fft.irfft(spectrum / freqs, n), "hum": hum + 0.05 * rng.normal(size=n),
            "babble": babble}
    return {kind: (x / np.sqrt(np.mean(x ** 2))).astype(np.float32) for kind, x in bank.items()}


def reverb(audio: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A simple room: the sound plus an exponentially decaying tail of noise (RT60 0.15-0.5 s)."""
    from scipy.signal import fftconvolve

    rt60 = rng.uniform(0.15, 0.5)
    t = np.arange(int(rt60 * SAMPLE_RATE)) / SAMPLE_RATE
    tail = rng.normal(size=len(t)) * np.exp(-6.9 * t / rt60)  # -60 dB at rt60
    tail *= rng.uniform(0.2, 0.6) / np.sqrt(np.sum(tail ** 2))
    tail[0] = 1.0  # the direct sound
    return fftconvolve(audio, tail)[:len(audio)].astype(np.float32)


def noise_segment(bank: dict, samples: int, rng: np.random.Generator, kind: str | None = None) -> np.ndarray:
    """``samples`` of background noise of one kind (default: a random kind)."""
    if kind is None:
        kind = NOISE_KINDS[rng.integers(len(NOISE_KINDS))]
    elif kind not in bank:
        raise DataError(f"There is no noise called {kind!r}; the kinds are {', '.join(NOISE_KINDS)}.")
    start = rng.integers(0, len(bank[kind]) - samples)
    return bank[kind][start:start + samples]


def place(word: np.ndarray, samples: int, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """Put a word at a random place in ``samples`` zeros (cropped if longer); returns audio and start."""
    word = to_float(word)
    if len(word) > samples:
        cut = rng.integers(0, len(word) - samples + 1)
        return word[cut:cut + samples].copy(), 0
    start = int(rng.integers(0, samples - len(word) + 1))
    out = np.zeros(samples, np.float32)
    out[start:start + len(word)] = word
    return out, start


def change_speed(word: np.ndarray, factor: float) -> np.ndarray:
    """Play a word ``factor`` times faster: shorter and higher (a tape played fast), by
    linear interpolation. A little faster or slower sounds like another speaker."""
    word = to_float(word)
    positions = np.arange(0, len(word) - 1, factor)
    return np.interp(positions, np.arange(len(word)), word).astype(np.float32)


def augment(word, bank: dict, rng: np.random.Generator, samples: int = CLIP_SAMPLES) -> np.ndarray:
    """One training clip from a clean word: speed and pitch (x0.85..1.15), time shift, gain
    (-20..+3 dB), reverb (1 in 3), background noise (4 in 5, at 5-30 dB signal-to-noise ratio).
    Returns float32."""
    clip, _ = place(change_speed(word, rng.uniform(0.85, 1.15)), samples, rng)
    clip *= 10 ** (rng.uniform(-20, 3) / 20)
    if rng.random() < 1 / 3:
        clip = reverb(clip, rng)
    if rng.random() < 0.8:
        loud = np.abs(clip) > 0.1 * np.abs(clip).max()
        speech_rms = np.sqrt(np.mean(clip[loud] ** 2))
        clip = clip + noise_segment(bank, samples, rng) * speech_rms * 10 ** (-rng.uniform(*SNR_DB) / 20)
    return clip


def silence(bank: dict, rng: np.random.Generator, samples: int = CLIP_SAMPLES) -> np.ndarray:
    """A "silence" clip: background noise only, from almost nothing (-70 dBFS) to loud (-15 dBFS)."""
    return noise_segment(bank, samples, rng) * 10 ** (rng.uniform(-70, -15) / 20)


def to_int16(audio: np.ndarray) -> np.ndarray:
    """float [-1, 1) -> int16 samples, clipped like a real sound card."""
    scaled = np.asarray(audio, dtype=np.float32) * np.float32(32768)
    return np.clip(np.round(scaled), -32768, 32767).astype(np.int16)


def _plan(words: Words, copies: int) -> list:
    """(index of the clean word, or -1 for silence; voice id) of every clip, in the order they are made."""
    labels = words.label()
    plan = []
    for index, (label, voice) in enumerate(zip(labels, words.voice)):
        plan += [(index, voice)] * (copies if CLASS_NAMES[label] in KEYWORDS else copies // 2)
    voices = np.unique(words.voice)
    silences = int(np.sum(labels == CLASS_NAMES.index("yes"))) * copies
    return plan + [(-1, voices[k % len(voices)]) for k in range(silences)]  # spread over every split


def keyword_clips(copies: int = 8, seed: int = 13):
    """The "keywords" data set: (x, y, groups) with x (n, 16000) int16 1-second clips,
    y the class index in CLASS_NAMES, groups the voice id (so ``data.load`` keeps voices apart).

    Every "yes" and "no" gives ``copies`` augmented clips, every other word
    ``copies // 2`` (there are twice as many), and there are as many "silence"
    clips as "yes" clips, so the four classes are about the same size.

    Introduced in 13_keyword_spotting.
    """
    if not isinstance(copies, int) or copies < 2:
        raise DataError(f"keywords: copies must be a whole number >= 2; you passed {copies!r}.")
    words = clean_words()
    rng = np.random.default_rng(seed)
    bank = noise_bank(words, seed=seed)
    labels = words.label()
    plan = _plan(words, copies)
    x = np.stack([to_int16(augment(words.clips[i], bank, rng) if i >= 0 else silence(bank, rng))
                  for i, _ in plan])
    y = np.array([labels[i] if i >= 0 else CLASS_NAMES.index("silence") for i, _ in plan], np.int64)
    return x, y, np.array([voice for _, voice in plan], np.int64)


def clip_words(split: str, copies: int = 8) -> np.ndarray:
    """The word said in each clip of one part of ``data.load("keywords", copies=copies)``, in the same
    order ("" for the silence clips): to see which words the model mistakes for which.

    Introduced in 13_keyword_spotting.
    """
    if split not in ("train", "val", "test"):
        raise DataError(f"split must be 'train', 'val' or 'test'; you passed {split!r}.")
    words = clean_words()
    plan = _plan(words, copies)
    said = np.array([str(words.word[i]) if i >= 0 else "" for i, _ in plan])
    groups = np.array([voice for _, voice in plan])
    return said[np.isin(groups, voices_by_split()[split])]
