"""Audio for keyword spotting: log-mel features, the spoken-word data set, a stream to listen to.

- ``log_mel(audio)``: 1 s of 16 kHz audio -> 49 frames x 40 mel bins, the same
  features (and the same code) for training clips and for a stream;
- ``keyword_clips()``: the "keywords" data set, made at load time from the clean
  words in datasets/keywords.npz (synthetic voices) with seeded augmentation: speed,
  time shift, reverberation, background noise, microphone, gain; plus a "silence" class
  of noise only;
- ``keyword_stream()``: a longer recording with keywords at known times among other
  words and noise, from voices the model never trained on;
- ``smooth``, ``detect`` and ``stream_errors``: posterior smoothing, a threshold, and
  the false accepts and misses it gives (what the lesson's slider shows).

The features are in ``edgebook.logmel``, the data set in ``edgebook.spoken_words``, the
streams, detection and the cascade in ``edgebook.keyword_streams``; this module is the
one lessons import, with every name they use. Nothing here needs TensorFlow.

Introduced in 13_keyword_spotting.
"""
from __future__ import annotations

from edgebook.keyword_streams import (HANGOVER_FRAMES, NOISE_FLOOR_RISE_DB_PER_S, SUPPRESSION_S,
                                      WAKE_MARGIN_DB, cascade_posteriors, concatenate, detect, Detection,
                                      Event, frame_energy_db, keyword_stream, match, noise_floor_db, smooth,
                                      stay_awake, Stream, stream_errors, stream_windows, StreamErrors,
                                      wake_frames, window_is_awake)
from edgebook.logmel import (CLIP_SAMPLES, FFT_SIZE, HOP_SAMPLES, LOG_FLOOR, LOWER_HZ, MEL_BINS, SAMPLE_RATE,
                             UPPER_HZ, WINDOW_SAMPLES, frame_count, hz_to_mel, log_mel, log_mel_macs,
                             mel_filterbank, mel_to_hz, to_float)
from edgebook.spoken_words import (CLASS_NAMES, CLEAN_PEAK, COPIES, GAIN_DB, KEYWORDS, MU, NOISE_KINDS, SNR_DB,
                                   augment, change_speed, clean_words, clip_words, high_pass, keyword_clips,
                                   microphone, mu_law_decode, mu_law_encode, noise_bank, noise_segment, place,
                                   reverb, silence, to_int16, voices_by_split, Words)

__all__ = ["SAMPLE_RATE", "CLIP_SAMPLES", "WINDOW_SAMPLES", "HOP_SAMPLES", "FFT_SIZE", "MEL_BINS", "LOWER_HZ",
           "UPPER_HZ", "LOG_FLOOR", "frame_count", "hz_to_mel", "mel_to_hz", "mel_filterbank", "to_float",
           "log_mel", "log_mel_macs", "CLASS_NAMES", "KEYWORDS", "CLEAN_PEAK", "MU", "mu_law_encode",
           "mu_law_decode", "Words", "clean_words", "voices_by_split", "NOISE_KINDS", "SNR_DB", "GAIN_DB",
           "COPIES", "noise_bank", "reverb", "noise_segment", "place", "change_speed", "high_pass",
           "microphone", "augment", "silence", "to_int16", "keyword_clips", "clip_words", "Event", "Stream",
           "keyword_stream", "concatenate", "stream_windows", "smooth", "Detection", "SUPPRESSION_S",
           "detect", "StreamErrors", "match", "stream_errors", "frame_energy_db", "NOISE_FLOOR_RISE_DB_PER_S",
           "noise_floor_db", "stay_awake", "WAKE_MARGIN_DB", "HANGOVER_FRAMES", "wake_frames",
           "window_is_awake", "cascade_posteriors"]
