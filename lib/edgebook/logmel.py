"""Log-mel features of 16 kHz audio: 1 s -> 49 frames x 40 mel bins.

The same features, and the same code, for training clips and for a stream;
``log_mel_macs`` counts what one frame costs on a device. Lessons call these as
``audio.log_mel``, ``audio.mel_filterbank``...

Introduced in 13_keyword_spotting.
"""
from __future__ import annotations

import numpy as np

from edgebook.errors import ModelInputError


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


def log_mel_macs() -> int:
    """Multiply-adds for one frame of ``log_mel``, counted roughly: the Hann window, a real FFT of
    ``FFT_SIZE`` points (about 2 N log2 N), the power spectrum and the mel filterbank."""
    bins = FFT_SIZE // 2 + 1
    return int(WINDOW_SAMPLES + 2 * FFT_SIZE * np.log2(FFT_SIZE) + 2 * bins + bins * MEL_BINS)
