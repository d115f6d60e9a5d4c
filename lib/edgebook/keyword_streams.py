"""A stream to listen to, and what a keyword spotter makes of it.

``keyword_stream`` builds a longer recording with keywords at known times among
other words and noise, from voices the model never trained on; ``smooth``,
``detect`` and ``stream_errors`` turn the model's posteriors into detections
and count false accepts and misses; ``wake_frames`` and ``cascade_posteriors``
put a cheap always-on energy stage in front of the model (lesson 16). Lessons
call these as ``audio.keyword_stream``, ``audio.stream_errors``...

Introduced in 13_keyword_spotting.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from edgebook.errors import DataError
from edgebook.logmel import HOP_SAMPLES, SAMPLE_RATE, WINDOW_SAMPLES, to_float
from edgebook.spoken_words import (CLASS_NAMES, KEYWORDS, clean_words, noise_bank, noise_segment, reverb,
                                   to_int16, voices_by_split)
from edgebook.showing import shows_itself


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
@shows_itself
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
