"""The "keywords" data set: 1-second spoken words, made at load time from clean words.

The clean words in datasets/keywords.npz were said by synthetic eSpeak NG
voices (stored as 8-bit mu-law, ``mu_law_decode``); ``keyword_clips`` augments
them with seeded speed, time shift, reverberation, background noise, microphone
and gain, plus a "silence" class of noise only, and ``data.load("keywords")``
splits them by voice variant (a test voice's timbre is never heard in
training). Lessons call these as ``audio.keyword_clips``, ``audio.clean_words``...

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
CLEAN_PEAK = 0.5
"""Clean words are given at half of full scale; the training clips' gain varies it."""
MU = 255
"""The mu-law constant of telephone audio (G.711's curve)."""


def mu_law_encode(samples) -> np.ndarray:
    """Floats in [-1, 1] -> int8 codes -127..127 on the mu-law curve: fine steps for quiet samples,
    coarse ones for loud samples, as telephone audio stores speech in 8 bits.

    Introduced in 13_keyword_spotting.
    """
    samples = np.clip(np.asarray(samples, dtype=np.float64), -1.0, 1.0)
    curve = np.sign(samples) * np.log1p(MU * np.abs(samples)) / np.log1p(MU)
    return np.round(curve * 127).astype(np.int8)


def mu_law_decode(codes) -> np.ndarray:
    """int8 mu-law codes -> float32 samples in [-1, 1] (the inverse of ``mu_law_encode``, up to its step).

    Introduced in 13_keyword_spotting.
    """
    curve = np.asarray(codes, dtype=np.float64) / 127
    return (np.sign(curve) * np.expm1(np.abs(curve) * np.log1p(MU)) / MU).astype(np.float32)


# --- the clean words ----------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Words:
    """The clean spoken words of datasets/keywords.npz (eSpeak NG voices, 16 kHz).

    A voice is an eSpeak variant (a timbre) speaking with a base voice's accent.
    """

    clips: tuple          # int16 arrays of different lengths (trimmed words)
    word: np.ndarray      # the text said
    voice: np.ndarray     # voice id per clip (index into voice_names)
    voice_names: np.ndarray
    espeak_version: str
    voice_variant: np.ndarray  # variant id per voice (index into variant_names): voices of a variant share a timbre
    variant_names: np.ndarray

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
    codes = np.arange(-127, 128)
    table = to_int16(mu_law_decode(codes) * CLEAN_PEAK)  # 255 codes: decode each once, then look them up
    audio = table[arrays["mu_law"].astype(np.int64) - codes[0]]
    offsets = arrays["offsets"]
    clips = tuple(audio[offsets[i]:offsets[i + 1]] for i in range(len(offsets) - 1))
    return Words(clips, arrays["word"], arrays["voice"].astype(np.int64), arrays["voice_name"],
                 str(arrays["espeak_ng_version"].reshape(-1)[0]), arrays["voice_variant"].astype(np.int64),
                 arrays["variant_name"])


def voices_by_split() -> dict[str, np.ndarray]:
    """Voice ids in the train, val and test parts of ``data.load("keywords")`` (the same split).

    The split is by voice *variant*: all the voices of one variant (its timbre, in
    every accent it speaks) land in the same part, so the test voices sound like
    no voice heard in training.

    Introduced in 13_keyword_spotting.
    """
    words = clean_words()
    variants = np.unique(words.voice_variant)
    parts = datafiles.split_by_group(variants, variants, variants)
    voice_ids = np.arange(len(words.voice_names))
    return {split: voice_ids[np.isin(words.voice_variant, parts[k])]
            for split, k in (("train", 0), ("val", 2), ("test", 4))}


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


def high_pass(audio: np.ndarray, cutoff_hz: float) -> np.ndarray:
    """A first-order high-pass filter (-3 dB at ``cutoff_hz``, then 6 dB less per octave below it)."""
    from scipy.signal import lfilter

    k = np.tan(np.pi * cutoff_hz / SAMPLE_RATE)  # the bilinear transform of s / (s + w)
    return lfilter(np.array([1.0, -1.0]) / (1 + k), [1.0, (k - 1) / (k + 1)], audio)


def microphone(audio: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Another microphone: a bass cut (high-pass at 50-300 Hz, once or twice, as small microphones and
    their preamps have) and more or less treble (a shelf of -6..+6 dB above about 2 kHz)."""
    cutoff = rng.uniform(50, 300)
    for _ in range(int(rng.integers(1, 3))):
        audio = high_pass(audio, cutoff)
    treble = high_pass(audio, 2000.0)
    return (audio + (10 ** (rng.uniform(-6, 6) / 20) - 1) * treble).astype(np.float32)


GAIN_DB = (-24.0, 6.0)
"""The training clips' gain on the clean words (peak at half of full scale): from a quiet, distant
voice (peak 3% of full scale) to one that reaches full scale."""


def augment(word, bank: dict, rng: np.random.Generator, samples: int = CLIP_SAMPLES) -> np.ndarray:
    """One training clip from a clean word, in the order a recording makes it: speed and pitch
    (x0.85..1.15, which also moves the formants), time shift, a room's reverb (1 in 3), background
    noise (4 in 5, at 5-30 dB signal-to-noise ratio), a microphone (2 in 3) and a gain
    (``GAIN_DB``). Returns float32."""
    clip, _ = place(change_speed(word, rng.uniform(0.85, 1.15)), samples, rng)
    if rng.random() < 1 / 3:
        clip = reverb(clip, rng)
    if rng.random() < 0.8:
        loud = np.abs(clip) > 0.1 * np.abs(clip).max()
        speech_rms = np.sqrt(np.mean(clip[loud] ** 2))
        clip = clip + noise_segment(bank, samples, rng) * speech_rms * 10 ** (-rng.uniform(*SNR_DB) / 20)
    if rng.random() < 2 / 3:
        clip = microphone(clip, rng)
    return clip * np.float32(10 ** (rng.uniform(*GAIN_DB) / 20))


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
    yes_words = int(np.sum(labels == CLASS_NAMES.index("yes")))
    other_copies = max(1, round(copies * yes_words / max(int(np.sum(labels == CLASS_NAMES.index("unknown"))), 1)))
    plan = []
    for index, (label, voice) in enumerate(zip(labels, words.voice)):
        plan += [(index, voice)] * (copies if CLASS_NAMES[label] in KEYWORDS else other_copies)
    voices = np.unique(words.voice)
    return plan + [(-1, voices[k % len(voices)]) for k in range(yes_words * copies)]  # spread over every split


COPIES = 6
"""Augmented clips made from each clean word, by default."""


def keyword_clips(copies: int = COPIES, seed: int = 13):
    """The "keywords" data set: (x, y, groups) with x (n, 16000) int16 1-second clips,
    y the class index in CLASS_NAMES, groups the voice variant (so ``data.load`` keeps voices apart).

    Every "yes" and "no" gives ``copies`` augmented clips, the other words as
    many in all as the "yes" words, and there are as many "silence" clips as
    "yes" clips, so the four classes are about the same size.

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
    return x, y, words.voice_variant[np.array([voice for _, voice in plan], np.int64)]


def clip_words(split: str, copies: int = COPIES) -> np.ndarray:
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
