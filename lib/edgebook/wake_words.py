"""A real always-on model: microWakeWord's "okay nabu" detector, its front end, and streams to run it on.

microWakeWord (by Kevin Ahrendt, Apache-2.0) trains small streaming wake-word
models for TFLM; Home Assistant's voice devices listen for "okay nabu" with this
one on an ESP32-S3. The model and its settings come from the pymicro-wakeword
wheel, copied into ``datasets/micro_wakeword/`` (``realdata.FILES``).

- ``features(samples)``: TFLM's micro front end, which TensorFlow ships as an op
  (``audio_microfrontend``), with microWakeWord's settings (``FRONT_END``): 40
  channels every 10 ms from 30 ms windows, with noise reduction and automatic
  gain control (PCAN), scaled as microWakeWord feeds its models;
- ``probabilities(model_bytes, features)``: the model in TFLM over a whole stream,
  ``stride`` feature rows per inference, its state carried from one to the next;
- ``sliding_mean`` and ``wakes``: the device's rule, a wake when the mean of the
  last ``sliding_window_size`` probabilities rises above ``probability_cutoff``;
- ``real_clip_stream()``: TFLM's real Speech Commands clips in a row (yes, no,
  silence, noise: none of them the wake phrase), as an ``audio.Stream``;
- ``wake_phrase_stream()``: eSpeak NG saying "okay nabu" (SYNTHETIC speech, made by
  ``datasets/make_wake_phrase.py``) in a real quiet room.

Introduced in 16_cascades_and_deployment.
"""
from __future__ import annotations

import json

import numpy as np

from edgebook import datafiles, micro, modelfile, realdata
from edgebook.keyword_streams import Event, Stream

MODEL = "okay_nabu"
"""The detector the course ships (``datasets/micro_wakeword/okay_nabu.tflite`` and ``.json``)."""

SAMPLE_RATE = 16_000
FEATURE_STEP_MS = 10
CHANNELS = 40

FRONT_END = dict(sample_rate=SAMPLE_RATE, window_size=30, window_step=FEATURE_STEP_MS, num_channels=CHANNELS,
                 lower_band_limit=125.0, upper_band_limit=7500.0, enable_pcan=True, min_signal_remaining=0.05,
                 out_scale=1)
"""microWakeWord's front-end settings (its ``audio_utils.generate_features_for_clip``, at the 10 ms step its
models' settings name); the op's defaults for the rest (noise reduction, PCAN strength, log scale) are theirs too."""

FEATURE_SCALE = 0.0390625
"""The front end writes uint16 values; microWakeWord multiplies them by 10/256 before quantizing (its inference.py)."""

CLIPS = ("yes_1000ms.wav", "no_1000ms.wav", "silence_1000ms.wav", "noise_1000ms.wav")
"""TFLM's real Speech Commands test clips: none of them says the wake phrase."""


def config(name: str = MODEL) -> dict:
    """The model's settings file: the wake word, its author, ``micro.probability_cutoff``,
    ``micro.sliding_window_size``, ``micro.feature_step_size`` (ms) and ``micro.tensor_arena_size``."""
    return json.loads(realdata.path(f"{name}.json").read_text(encoding="utf-8"))


def model(name: str = MODEL) -> bytes:
    """The model's ``.tflite`` bytes."""
    return realdata.model(f"{name}.tflite")


def features(samples: np.ndarray) -> np.ndarray:
    """TFLM's micro front end over a whole recording (int16, 16 kHz): float32 (rows, 40), one row every 10 ms.

    The front end adapts as it goes (its noise estimate and gain control follow
    the sound), so pass a whole stream at once, as a device would feed it.
    """
    import tensorflow as tf
    from tensorflow.lite.experimental.microfrontend.python.ops import audio_microfrontend_op

    samples = np.asarray(samples)
    if samples.ndim != 1 or samples.dtype != np.int16:
        raise ValueError(f"The front end takes mono int16 samples at 16 kHz; you gave {samples.dtype} "
                         f"{samples.shape}. Convert with audio.to_int16.")
    rows = audio_microfrontend_op.audio_microfrontend(tf.constant(samples), out_type=tf.uint16, **FRONT_END)
    return rows.numpy().astype(np.float32) * FEATURE_SCALE


def stride(model_bytes: bytes) -> int:
    """How many feature rows the model takes per inference (its input is (1, stride, 40))."""
    graph_input = modelfile.parse(model_bytes).subgraphs[0].inputs[0]
    return modelfile.tensors(model_bytes)[int(graph_input)].shape[1]


def inputs(model_bytes: bytes, rows: np.ndarray) -> np.ndarray:
    """A stream's feature rows as the model's inputs, (n, stride, 40): each ``stride`` rows in turn,
    a last, partial group dropped."""
    step = stride(model_bytes)
    count = len(rows) // step
    return rows[:count * step].reshape(count, step, rows.shape[1])


def probabilities(model_bytes: bytes, rows: np.ndarray) -> np.ndarray:
    """The model's wake-word probability for each ``stride`` rows of a stream, run in TFLM in one call
    (so its state runs on from each inference to the next, as on a device)."""
    return micro.run(model_bytes, inputs(model_bytes, rows))[:, 0]


def sliding_mean(probabilities: np.ndarray, window: int) -> np.ndarray:
    """The mean of the last ``window`` probabilities at each inference (0 until there are that many)."""
    sums = np.convolve(probabilities, np.ones(window), mode="full")[:len(probabilities)]
    sums[:window - 1] = 0
    return sums / window


def wakes(probabilities: np.ndarray, cutoff: float | None = None, window: int | None = None) -> np.ndarray:
    """The inferences at which the device wakes: where the sliding mean rises above ``cutoff``.

    ``cutoff`` and ``window`` default to the model's own settings (``config()["micro"]``:
    ``probability_cutoff`` and ``sliding_window_size``).
    """
    settings = config()["micro"]
    cutoff = settings["probability_cutoff"] if cutoff is None else cutoff
    window = settings["sliding_window_size"] if window is None else window
    above = sliding_mean(probabilities, window) > cutoff
    return np.flatnonzero(above & ~np.concatenate([[False], above[:-1]]))


def real_clip_stream(rounds: int = 5, seed: int = 0) -> Stream:
    """The four real Speech Commands clips in a row, ``rounds`` times, each round in a seeded order.

    Each clip is an ``Event`` of one second named by what it holds ("yes", "no",
    "silence", "noise"), so ``audio.stream_errors`` can score a keyword spotter on
    it too. Four seconds of real sound played again in other orders: enough to see
    that a detector stays quiet on them, far too little for a false-wake rate per hour.
    """
    rng = np.random.default_rng(seed)
    order = [CLIPS[i] for _ in range(rounds) for i in rng.permutation(len(CLIPS))]
    clips = [realdata.wav(name)[0] for name in order]
    starts = np.concatenate([[0], np.cumsum([len(c) for c in clips])[:-1]]) / SAMPLE_RATE
    events = tuple(Event(float(start), float(start) + len(clip) / SAMPLE_RATE, name.split("_")[0])
                   for start, clip, name in zip(starts, clips, order))
    return Stream(np.concatenate(clips), events)


def wake_phrases() -> tuple[list[np.ndarray], list[str]]:
    """eSpeak NG saying "okay nabu" in 8 English accents (SYNTHETIC speech): int16 clips and the voices."""
    arrays = datafiles.read_verified_npz(datafiles.DATASET_FILES["wake_phrase"])
    offsets = arrays["offsets"]
    clips = [arrays["audio"][start:end] for start, end in zip(offsets[:-1], offsets[1:])]
    return clips, [str(voice) for voice in arrays["voice_name"]]


def wake_phrase_stream() -> Stream:
    """Each synthetic "okay nabu" (``wake_phrases``, in order) in the middle of 3 s of a real quiet room
    (Speech Commands' silence clip), one ``Event`` per phrase."""
    room = realdata.wav("silence_1000ms.wav")[0].astype(np.int32)
    pieces, events, at = [], [], 0
    for clip, _ in zip(*wake_phrases()):
        background = np.tile(room, 3)
        start = (len(background) - len(clip)) // 2
        background[start:start + len(clip)] += clip
        pieces.append(np.clip(background, -32768, 32767).astype(np.int16))
        events.append(Event((at + start) / SAMPLE_RATE, (at + start + len(clip)) / SAMPLE_RATE, "okay nabu"))
        at += len(background)
    return Stream(np.concatenate(pieces), tuple(events))
