"""TFLM's micro_speech example, run with the course's helpers: its audio front end and its classifier.

micro_speech hears with two models, both TFLM's own files (``realdata``):

- ``audio_preprocessor_int8.tflite``, the front end: 30 ms of int16 audio in,
  40 int8 features out, one invocation every 20 ms. It is made of TFLM's
  signal-library ops (a Hann window, an FFT, a 40-channel filter bank, noise
  reduction, per-channel gain control and a log), which LiteRT cannot run and
  TFLM's Python interpreter can;
- ``micro_speech_quantized.tflite``, the classifier: 49 rows of 40 features
  (one second) in, the probabilities of silence, unknown, yes and no out.

``features(samples)`` runs the front end in TFLM over one second of audio, frame by
frame in one interpreter, as TFLM's ``micro_speech_test.cc`` does (the front
end's noise estimate and gain carry over from frame to frame); ``scores``
runs both models. ``EXPECTED_FEATURES`` holds what ``micro_speech_test.cc``
says the front end must give for its two 30 ms test clips, which
``features`` reproduces exactly (tests/test_micro_speech.py).

Introduced in 13_keyword_spotting.
"""
from __future__ import annotations

import numpy as np

from edgebook import micro, realdata
from edgebook.errors import ModelInputError
from edgebook.logmel import CLIP_SAMPLES, HOP_SAMPLES, WINDOW_SAMPLES, frame_count

FRONT_END = "audio_preprocessor_int8.tflite"
"""micro_speech's audio front end, as a model (in ``realdata.FILES``)."""
CLASSIFIER = "micro_speech_quantized.tflite"
"""micro_speech's keyword model (in ``realdata.FILES``)."""
CLASS_NAMES = ("silence", "unknown", "yes", "no")
"""micro_speech's outputs, in its order (``kCategoryLabels`` in ``micro_model_settings.h``)."""
FEATURES = 40
"""Numbers per 30 ms frame (``kFeatureSize``)."""

EXPECTED_FEATURES = {
    "yes_30ms.wav": (124, 105, 126, 103, 125, 101, 123, 100, 116, 98, 115, 97, 113, 90, 91, 82, 104, 96, 117, 97,
                     121, 103, 126, 101, 125, 104, 126, 104, 125, 101, 116, 90, 81, 74, 80, 71, 83, 76, 82, 71),
    "no_30ms.wav": (126, 103, 124, 102, 124, 102, 123, 100, 118, 97, 118, 100, 118, 98, 121, 100, 121, 98, 117, 91,
                    96, 74, 54, 87, 100, 87, 109, 92, 91, 80, 64, 55, 83, 74, 74, 78, 114, 95, 101, 81),
}
"""The int8 features of the front end's first frame for TFLM's two 30 ms test clips, as
``micro_speech_test.cc`` (``YesFeatureTest``, ``NoFeatureTest``) states them (TFLM commit
``realdata.TFLM_COMMIT``); it expects them exactly, except on Xtensa HiFi's FFT."""


def frames(samples) -> np.ndarray:
    """int16 audio -> its 30 ms windows, one every 20 ms: (frames, 480), what the front end reads one at a time."""
    samples = np.asarray(samples)
    if samples.dtype != np.int16 or samples.ndim != 1:
        raise ModelInputError(f"micro_speech's front end reads int16 samples, one channel (16 kHz); you passed "
                              f"{samples.dtype.name} {tuple(samples.shape)}.")
    if len(samples) < WINDOW_SAMPLES:
        raise ModelInputError(f"micro_speech's front end needs at least {WINDOW_SAMPLES} samples (30 ms at 16 kHz); "
                              f"you passed {len(samples)}.")
    windows = np.lib.stride_tricks.sliding_window_view(samples, WINDOW_SAMPLES)[::HOP_SAMPLES]
    return np.ascontiguousarray(windows[:frame_count(len(samples))])


def features(samples) -> np.ndarray:
    """micro_speech's features of int16 audio: (frames, 40) int8, 49 frames for one second.

    TFLM runs the front end model on every 30 ms window, in order, in one
    interpreter (``micro.run``), so its noise estimate and gain control adapt
    along the clip as on a device.

    Introduced in 13_keyword_spotting.
    """
    return micro.run(realdata.model(FRONT_END), frames(samples))


def scores(samples) -> np.ndarray:
    """micro_speech's probabilities (in ``CLASS_NAMES`` order) for one second of int16 audio, both models in TFLM.

    Introduced in 13_keyword_spotting.
    """
    if len(samples) != CLIP_SAMPLES:
        raise ModelInputError(f"micro_speech listens to exactly one second ({CLIP_SAMPLES:,} samples at 16 kHz); "
                              f"you passed {len(samples):,}.")
    return micro.run(realdata.model(CLASSIFIER), features(samples).reshape(1, -1))[0]
