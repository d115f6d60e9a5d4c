"""Audio for keyword spotting: log-mel features, the spoken-word data set, a stream to listen to.

- ``log_mel(audio)``: 1 s of 16 kHz audio -> 49 frames x 40 mel bins, the same
  features (and the same code) for training clips and for a stream;
- ``keyword_clips()``: the "keywords" data set, made at load time from the clean
  words in datasets/keywords.npz (synthetic voices) with seeded augmentation: speed,
  time shift, gain, reverberation, background noise; plus a "silence" class of noise only;
- ``keyword_stream()``: a longer recording with keywords at known times among other
  words and noise, from voices the model never trained on;
- ``smooth``, ``detect`` and ``stream_errors``: posterior smoothing, a threshold, and
  the false accepts and misses it gives (what the lesson's slider shows).

Nothing here needs TensorFlow.

Introduced in 13_keyword_spotting.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from edgebook import datafiles
from edgebook.errors import DataError, ModelInputError

SAMPLE_RATE = 16_000
"""Samples per second of every clip and stream."""
CLIP_SAMPLES = SAMPLE_RATE
"""One clip is 1 second: the model's window onto the audio."""
WINDOW_SAMPLES = 480
"""30 ms analysis window, as TFLM's micro_speech example."""
HOP_SAMPLES = 320
"""20 ms between window starts (frames overlap by 10 ms)."""
FFT_SIZE = 512
"""The next power of two above the window; the frame is zero-padded to it."""
MEL_BINS = 40
LOWER_HZ, UPPER_HZ = 125.0, 7500.0
"""The mel filterbank's range, as micro_speech's front end."""
LOG_FLOOR = 1e-6
"""Added to the mel energies before the log, so silence gives a finite value."""
CLASS_NAMES = ("silence", "unknown", "yes", "no")
"""The model's classes, in micro_speech's order."""
KEYWORDS = ("yes", "no")


# --- features ---------------------------------------------------------------------------

def frame_count(samples: int, window: int = WINDOW_SAMPLES, hop: int = HOP_SAMPLES) -> int:
    """How many whole windows fit in ``samples``: 1 + (samples - window) // hop (49 for 1 s).

    Introduced in 13_keyword_spotting.
    """
    if samples < window:
        return 0
    return 1 + (samples - window) // hop


def hz_to_mel(hz):
    """The mel scale (HTK formula): equal steps in mel sound like equal steps in pitch."""
    return 2595.0 * np.log10(1.0 + np.asarray(hz, dtype=np.float64) / 700.0)


def mel_to_hz(mel):
    return 700.0 * (10.0 ** (np.asarray(mel, dtype=np.float64) / 2595.0) - 1.0)


def mel_filterbank(bins: int = MEL_BINS, fft_size: int = FFT_SIZE, sample_rate: int = SAMPLE_RATE,
                   lower_hz: float = LOWER_HZ, upper_hz: float = UPPER_HZ) -> np.ndarray:
    """Triangular filters, evenly spaced in mel: (fft_size // 2 + 1, bins) weights.

    Filter ``i`` rises from edge ``i`` to a peak at edge ``i + 1`` and falls to
    edge ``i + 2``, where the ``bins + 2`` edges are evenly spaced in mel between
    ``lower_hz`` and ``upper_hz``. Low frequencies get narrow filters, high ones wide.

    Introduced in 13_keyword_spotting.
    """
    edges_hz = mel_to_hz(np.linspace(hz_to_mel(lower_hz), hz_to_mel(upper_hz), bins + 2))
    fft_hz = np.arange(fft_size // 2 + 1) * sample_rate / fft_size
    lower, centre, upper = edges_hz[:-2], edges_hz[1:-1], edges_hz[2:]
    rising = (fft_hz[:, None] - lower) / (centre - lower)
    falling = (upper - fft_hz[:, None]) / (upper - centre)
    return np.clip(np.minimum(rising, falling), 0.0, None).astype(np.float32)


_FILTERBANK = mel_filterbank()
_HANN = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(WINDOW_SAMPLES) / WINDOW_SAMPLES)).astype(np.float32)


def to_float(audio) -> np.ndarray:
    """int16 samples (what a microphone gives) -> float32 in [-1, 1); float audio is kept as is."""
    audio = np.asarray(audio)
    if audio.dtype == np.int16:
        return audio.astype(np.float32) / 32768.0
    if np.issubdtype(audio.dtype, np.floating):
        return audio.astype(np.float32, copy=False)
    raise ModelInputError(f"Audio must be int16 samples or floats in [-1, 1]; you passed {audio.dtype}.")


def log_mel(audio) -> np.ndarray:
    """Log-mel spectrogram: (..., samples) audio -> (..., frames, 40) float32.

    For every 30 ms window (every 20 ms): Hann window, FFT, power, 40 mel
    filters, natural log. A 1 s clip gives 49 x 40. Each frame depends only on
    its own 480 samples, so the frames of a long stream are exactly the frames of
    the 1 s clips cut from it: training and streaming share this one function.

    Introduced in 13_keyword_spotting.
    """
    audio = to_float(audio)
    if audio.shape[-1] < WINDOW_SAMPLES:
        raise ModelInputError(f"log_mel needs at least {WINDOW_SAMPLES} samples (30 ms at 16 kHz); "
                              f"you passed {audio.shape[-1]}.")
    flat = audio.reshape(-1, audio.shape[-1])
    frames = frame_count(flat.shape[-1])
    out = np.empty((len(flat), frames, MEL_BINS), np.float32)
    for start in range(0, len(flat), 256):  # a batch at a time keeps the FFT's memory small
        windows = np.lib.stride_tricks.sliding_window_view(flat[start:start + 256], WINDOW_SAMPLES, axis=-1)
        windows = windows[:, ::HOP_SAMPLES][:, :frames] * _HANN
        spectrum = np.fft.rfft(windows, n=FFT_SIZE, axis=-1)  # float32 in, complex64 out
        power = spectrum.real ** 2 + spectrum.imag ** 2
        out[start:start + 256] = np.log(power @ _FILTERBANK + LOG_FLOOR)
    return out.reshape(*audio.shape[:-1], frames, MEL_BINS)


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


# --- a stream to listen to -----------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Event:
    """A word said in a stream: from ``start`` to ``end`` seconds."""

    start: float
    end: float
    word: str

    @property
    def is_keyword(self) -> bool:
        return self.word in KEYWORDS


@dataclasses.dataclass(frozen=True)
class Stream:
    """A longer recording (int16, 16 kHz) and what was said in it, when."""

    audio: np.ndarray
    events: tuple

    @property
    def seconds(self) -> float:
        return len(self.audio) / SAMPLE_RATE

    @property
    def keywords(self) -> tuple:
        return tuple(e for e in self.events if e.is_keyword)


def keyword_stream(voices=None, seconds: float = 30.0, keywords: int = 8, others: int = 5,
                   seed: int = 7, snr_db: float = 10.0, noise: str | None = None) -> Stream:
    """``seconds`` of audio: ``keywords`` yes/no and ``others`` other words in random order, one
    every ``seconds / (keywords + others + 1)`` seconds (a little jitter), said by the given voices
    (default: the test voices), some in a reverberant room, over background noise at ``snr_db``
    (``noise``: one of ``NOISE_KINDS`` for the whole stream, or None for a random kind per half).

    Introduced in 13_keyword_spotting.
    """
    words = clean_words()
    voices = voices_by_split()["test"] if voices is None else np.asarray(voices)
    rng = np.random.default_rng(seed)
    bank = noise_bank(words, seconds=max(seconds / 2, 10.0) + 1, seed=seed)
    mine = np.flatnonzero(np.isin(words.voice, voices))
    keyword_ids = [i for i in mine if words.word[i] in KEYWORDS]
    other_ids = [i for i in mine if words.word[i] not in KEYWORDS]
    if len(keyword_ids) < keywords or len(other_ids) < others:
        raise DataError(f"These voices said {len(keyword_ids)} keywords and {len(other_ids)} other words; "
                        f"the stream needs {keywords} and {others}.")
    chosen = list(rng.choice(keyword_ids, keywords, replace=False)) + list(rng.choice(other_ids, others,
                                                                                       replace=False))
    rng.shuffle(chosen)
    total = int(seconds * SAMPLE_RATE)
    slot = total / (len(chosen) + 1)  # quiet half slots at both ends
    audio = np.zeros(total, np.float32)
    events = []
    for k, i in enumerate(chosen):
        word = to_float(words.clips[i]) * 10 ** (rng.uniform(-10, 0) / 20)
        if rng.random() < 1 / 3:
            word = reverb(np.concatenate([word, np.zeros(SAMPLE_RATE // 4, np.float32)]), rng)
        start = int((k + 0.5) * slot + rng.uniform(0, 0.3) * SAMPLE_RATE)
        audio[start:start + len(word)] += word[:total - start]
        events.append(Event(start / SAMPLE_RATE, (start + len(words.clips[i])) / SAMPLE_RATE,
                            str(words.word[i])))
    speech_rms = np.sqrt(np.mean(audio[np.abs(audio) > 0.01] ** 2))
    background = np.concatenate([noise_segment(bank, total // 2, rng, noise),
                                 noise_segment(bank, total - total // 2, rng, noise)])
    audio += background * speech_rms * 10 ** (-snr_db / 20)
    return Stream(to_int16(audio), tuple(events))


def concatenate(streams) -> Stream:
    """One stream that plays ``streams`` one after the other (their events' times shifted to match)."""
    events, offset = [], 0.0
    for stream in streams:
        events += [dataclasses.replace(e, start=e.start + offset, end=e.end + offset) for e in stream.events]
        offset += stream.seconds
    return Stream(np.concatenate([s.audio for s in streams]), tuple(events))


def stream_windows(features: np.ndarray, frames: int = 49, step: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """1-second windows of a stream's features, every ``step`` frames (5 x 20 ms = 100 ms).

    Returns (windows (n, frames, bins), end_times (n,) in seconds: when each window's audio ends).
    """
    starts = np.arange(0, len(features) - frames + 1, step)
    windows = np.stack([features[s:s + frames] for s in starts])
    ends = (starts * HOP_SAMPLES + (frames - 1) * HOP_SAMPLES + WINDOW_SAMPLES) / SAMPLE_RATE
    return windows, ends


# --- smoothing, detection, errors --------------------------------------------------------------

def smooth(posteriors, n: int = 5) -> np.ndarray:
    """Causal moving average: row t is the mean of rows t-n+1 .. t (fewer at the start).

    A device can only average what it has already heard, so the window looks back, never ahead.

    Introduced in 13_keyword_spotting.
    """
    posteriors = np.asarray(posteriors, dtype=np.float64)
    if n < 1:
        raise ValueError(f"n must be at least 1 window; you passed {n}.")
    totals = np.cumsum(posteriors, axis=0)
    shifted = np.concatenate([np.zeros((n,) + posteriors.shape[1:]), totals[:-n]])[:len(totals)]
    counts = np.minimum(np.arange(1, len(totals) + 1), n).reshape((-1,) + (1,) * (posteriors.ndim - 1))
    return (totals - shifted) / counts


@dataclasses.dataclass(frozen=True)
class Detection:
    """The spotter heard ``word`` in the window ending at ``time`` seconds, with this (smoothed) score."""

    time: float
    word: str
    score: float


SUPPRESSION_S = 1.5
"""After a detection the spotter stays quiet this long (micro_speech's suppression, 1,500 ms): the
word stays in the 1-second window, and in the smoothed score, for a while. Say it once, hear it once."""


def detect(scores, times, threshold: float, suppression: float = SUPPRESSION_S) -> list:
    """Detections: a keyword whose (smoothed) score reaches ``threshold``, then nothing for
    ``suppression`` seconds."""
    scores, times = np.asarray(scores), np.asarray(times)
    keyword_columns = [CLASS_NAMES.index(k) for k in KEYWORDS]
    found, last = [], -np.inf
    for t, row in zip(times, scores):
        best = keyword_columns[int(np.argmax(row[keyword_columns]))]
        if row[best] >= threshold and t - last >= suppression:
            found.append(Detection(float(t), CLASS_NAMES[best], float(row[best])))
            last = t
    return found


@dataclasses.dataclass(frozen=True)
class StreamErrors:
    """What a threshold gives on a stream."""

    threshold: float
    false_accepts: int     # detections that match no keyword said (or the wrong one)
    misses: int            # keywords said but not detected
    keywords: int          # keywords said
    detections: tuple

    def __str__(self) -> str:
        return (f"threshold {self.threshold:.2f}: {len(self.detections)} detections, "
                f"{self.false_accepts} false accepts, {self.misses} misses of {self.keywords} keywords")


def match(detections, events, late: float = 1.5) -> tuple[int, int]:
    """(false accepts, misses): a detection is right if it names a keyword said between its
    start and ``late`` seconds after its end (the 1 s window and the smoothing lag behind)."""
    said = [e for e in events if e.is_keyword]
    matched = set()
    false_accepts = 0
    for d in detections:
        hit = next((k for k, e in enumerate(said) if k not in matched and e.word == d.word
                    and e.start <= d.time <= e.end + late), None)
        if hit is None:
            false_accepts += 1
        else:
            matched.add(hit)
    return false_accepts, len(said) - len(matched)


def stream_errors(scores, times, events, threshold: float, suppression: float = SUPPRESSION_S) -> StreamErrors:
    """False accepts and misses on a stream for one threshold (the lesson's slider calls this).

    Introduced in 13_keyword_spotting.
    """
    detections = detect(scores, times, threshold, suppression)
    false_accepts, misses = match(detections, events)
    return StreamErrors(float(threshold), false_accepts, misses, sum(e.is_keyword for e in events),
                        tuple(detections))


# --- a cascade: a cheap always-on stage wakes the keyword spotter ---------------------------------

def frame_energy_db(audio) -> np.ndarray:
    """Loudness of every frame of ``log_mel`` (30 ms, one every 20 ms) in dB of full scale.

    A sum of squares per frame: one multiply-add per sample, the cheapest thing a
    device can compute about sound. Introduced in 16_cascades_and_deployment.
    """
    x = to_float(audio).astype(np.float64)
    frames = np.lib.stride_tricks.sliding_window_view(x, WINDOW_SAMPLES)[::HOP_SAMPLES]
    return 10 * np.log10(np.mean(frames ** 2, axis=1) + 1e-10)


NOISE_FLOOR_RISE_DB_PER_S = 3.0
"""How fast the noise-floor tracker may climb; it falls at once to any quieter frame."""


def noise_floor_db(energy_db, rise_db_per_s: float = NOISE_FLOOR_RISE_DB_PER_S) -> np.ndarray:
    """A running estimate of the background's level: it drops to any quieter frame at once and
    climbs slowly, so a word (loud for half a second) barely lifts it, while a room that gets
    noisier is followed within seconds. One comparison and one addition per frame on a device."""
    rise = rise_db_per_s * HOP_SAMPLES / SAMPLE_RATE
    floor = np.empty(len(energy_db))
    level = float(energy_db[0])
    for t, energy in enumerate(energy_db):
        level = min(float(energy), level + rise)
        floor[t] = level
    return floor


def stay_awake(loud, hangover: int) -> np.ndarray:
    """``awake[t]`` is True when any of the frames ``t - hangover + 1 .. t`` was loud.

    Introduced in 16_cascades_and_deployment.
    """
    loud = np.asarray(loud, dtype=bool)
    if hangover < 1:
        raise ValueError(f"hangover must be at least 1 frame; you passed {hangover}.")
    counts = np.cumsum(np.concatenate([[0], loud.astype(np.int64)]))
    starts = np.maximum(np.arange(1, len(loud) + 1) - hangover, 0)
    return counts[1:] - counts[starts] > 0


WAKE_MARGIN_DB = 6.0
"""A frame is loud when it is this much above the noise floor (4x the background's power)."""

HANGOVER_FRAMES = 60
"""Frames (20 ms each: 1.2 s) the spotter stays awake after the last loud frame: a word must stay in
view until it has crossed the whole 1-second window, plus a little for the smoothing."""


def wake_frames(audio, margin_db: float = WAKE_MARGIN_DB, hangover: int = HANGOVER_FRAMES) -> np.ndarray:
    """The always-on stage: per frame, should the keyword spotter be awake?

    Introduced in 16_cascades_and_deployment.
    """
    energy = frame_energy_db(audio)
    return stay_awake(energy > noise_floor_db(energy) + margin_db, hangover)


def window_is_awake(awake_frames, frames: int = 49, step: int = 5) -> np.ndarray:
    """For each window of ``stream_windows``: was the stage awake at the window's last frame?"""
    awake_frames = np.asarray(awake_frames, dtype=bool)
    ends = np.arange(0, len(awake_frames) - frames + 1, step) + frames - 1
    return awake_frames[ends]


def cascade_posteriors(model_posteriors, awake) -> np.ndarray:
    """The cascade's answer per window: the spotter's where it was awake, "silence" (certain) where
    it slept. ``model_posteriors`` may hold only the awake windows' rows, in order."""
    awake = np.asarray(awake, dtype=bool)
    model_posteriors = np.asarray(model_posteriors)
    if len(model_posteriors) == len(awake):
        model_posteriors = model_posteriors[awake]
    if len(model_posteriors) != awake.sum():
        raise ValueError(f"Pass the spotter's posteriors for all {len(awake)} windows or for the "
                         f"{int(awake.sum())} awake ones; you passed {len(model_posteriors)} rows.")
    result = np.zeros((len(awake), len(CLASS_NAMES)), dtype=np.float64)
    result[:, CLASS_NAMES.index("silence")] = 1.0
    result[awake] = model_posteriors
    return result


def log_mel_macs() -> int:
    """Multiply-adds for one frame of ``log_mel``, counted roughly: the Hann window, a real FFT of
    ``FFT_SIZE`` points (about 2 N log2 N), the power spectrum and the mel filterbank."""
    bins = FFT_SIZE // 2 + 1
    return int(WINDOW_SAMPLES + 2 * FFT_SIZE * np.log2(FFT_SIZE) + 2 * bins + bins * MEL_BINS)
