"""edgebook.audio: log-mel features, the keywords data set, streams, smoothing and detection (lesson 13)."""
import numpy as np
import pytest

from edgebook import audio, data, paths
from edgebook.errors import DataError, ModelInputError


# --- features -------------------------------------------------------------------------------------

def test_frame_count():
    assert audio.frame_count(16_000) == 49  # micro_speech: 30 ms every 20 ms
    assert audio.frame_count(16_000, 400, 160) == 98
    assert audio.frame_count(480) == 1
    assert audio.frame_count(479) == 0


def test_mel_scale_round_trip_and_1000_hz():
    hz = np.array([0.0, 125.0, 1000.0, 7500.0])
    assert np.allclose(audio.mel_to_hz(audio.hz_to_mel(hz)), hz)
    assert audio.hz_to_mel(1000.0) == pytest.approx(1000.0, abs=0.1)  # the mel scale is anchored at 1 kHz


def test_mel_filterbank_is_triangles_in_order():
    bank = audio.mel_filterbank()
    assert bank.shape == (257, 40) and bank.dtype == np.float32
    assert bank.min() >= 0 and bank.max() <= 1
    peaks = bank.argmax(axis=0)
    assert np.all(np.diff(peaks) >= 0) and peaks[-1] > peaks[0]
    widths = (bank > 0).sum(axis=0)
    assert widths[-1] > widths[0]  # wide at high frequencies, narrow at low ones
    hz = np.arange(257) * 16_000 / 512
    assert bank[hz < 125].sum() == 0 and bank[hz > 7500].sum() == 0


def test_log_mel_shapes_and_dtypes():
    rng = np.random.default_rng(0)
    clip = (rng.normal(size=16_000) * 3000).astype(np.int16)
    features = audio.log_mel(clip)
    assert features.shape == (49, 40) and features.dtype == np.float32
    batch = audio.log_mel(np.stack([clip, clip, clip]))
    assert batch.shape == (3, 49, 40)
    assert np.allclose(batch[1], features, atol=1e-5)
    assert np.allclose(audio.log_mel(clip.astype(np.float32) / 32768), features, atol=1e-5)


def test_log_mel_of_silence_is_the_floor():
    assert np.allclose(audio.log_mel(np.zeros(16_000, np.int16)), np.log(audio.LOG_FLOOR))


def test_log_mel_puts_a_tone_in_its_band():
    t = np.arange(16_000) / 16_000
    features = audio.log_mel(0.5 * np.sin(2 * np.pi * 1000 * t).astype(np.float32))
    loudest = int(features.mean(axis=0).argmax())
    assert audio.mel_filterbank()[32, loudest] > 0  # FFT bin 32 is exactly 1 kHz


def test_log_mel_frames_of_a_stream_are_the_frames_of_its_clips():
    rng = np.random.default_rng(1)
    stream = (rng.normal(size=48_000) * 2000).astype(np.int16)
    windows, ends = audio.stream_windows(audio.log_mel(stream), step=5)
    for k in (0, 7, len(windows) - 1):
        start = k * 5 * audio.HOP_SAMPLES
        assert np.allclose(windows[k], audio.log_mel(stream[start:start + 16_000]), atol=1e-4)
        assert ends[k] == pytest.approx((start + 48 * 320 + 480) / 16_000)  # the last frame ends at 0.99 s


def test_log_mel_rejects_bad_audio():
    with pytest.raises(ModelInputError, match="int16"):
        audio.log_mel(np.zeros(16_000, np.int32))
    with pytest.raises(ModelInputError, match="480 samples"):
        audio.log_mel(np.zeros(100, np.int16))


def test_to_int16_clips_like_a_sound_card():
    assert audio.to_int16(np.array([0.0, 0.5, 2.0, -2.0])).tolist() == [0, 16384, 32767, -32768]


# --- the data ------------------------------------------------------------------------------------

def test_committed_file_matches_its_registry_checksum():
    spec = data.spec("keywords")
    path = paths.datasets_dir() / spec.file
    assert data.sha256_of(path) == spec.sha256
    assert path.stat().st_size <= 6 * 1024 * 1024  # a few MB: a clone stays small


def test_clean_words():
    words = audio.clean_words()
    assert len(words) == 891 and len(words.voice_names) == 297 and len(words.variant_names) == 99
    assert words.espeak_version == "1.51"
    assert all(clip.dtype == np.int16 for clip in words.clips[:10])
    assert max(np.abs(clip.astype(np.int32)).max() for clip in words.clips) <= audio.CLEAN_PEAK * 32768 + 1
    labels = words.label()
    assert np.sum(labels == audio.CLASS_NAMES.index("yes")) == np.sum(labels == audio.CLASS_NAMES.index("no")) == 297
    assert not set(words.word[labels == audio.CLASS_NAMES.index("unknown")]) & {"yes", "no", "know"}
    # Every variant speaks with three accents (two English, one other), and every voice says yes, no and a word.
    assert np.all(np.bincount(words.voice_variant) == 3)
    assert np.all(np.bincount(words.voice) == 3)
    assert all(name.split("+", 1)[1] == words.variant_names[v] for name, v in zip(words.voice_names, words.voice_variant))


def test_mu_law_keeps_quiet_samples_fine_and_round_trips():
    x = np.array([-1.0, -0.5, -0.01, 0.0, 0.001, 0.01, 0.5, 1.0])
    codes = audio.mu_law_encode(x)
    assert codes.dtype == np.int8 and codes.tolist()[3] == 0 and codes.min() == -127 and codes.max() == 127
    back = audio.mu_law_decode(codes)
    assert back.dtype == np.float32
    assert np.all(np.abs(back - x) <= 0.04 * np.abs(x) + 2e-4)  # a step of a few percent of the sample, at any level
    assert np.array_equal(audio.mu_law_encode(audio.mu_law_decode(np.arange(-127, 128))), np.arange(-127, 128))


def test_voices_by_split_are_disjoint_complete_and_keep_variants_apart():
    words = audio.clean_words()
    voices = audio.voices_by_split()
    assert {k: len(v) for k, v in voices.items()} == {"train": 192, "val": 45, "test": 60}
    everything = np.concatenate(list(voices.values()))
    assert len(np.unique(everything)) == len(everything) == 297
    variants = {k: set(words.voice_variant[v]) for k, v in voices.items()}
    assert not variants["train"] & variants["test"] and not variants["val"] & variants["test"]
    assert not variants["train"] & variants["val"]


@pytest.fixture(scope="module")
def small_keywords():
    return data.load("keywords", copies=2)


def test_keyword_clips_are_balanced_int16_seconds(small_keywords):
    ds = small_keywords
    assert ds.x_train.shape[1:] == (16_000,) and ds.x_train.dtype == np.int16
    assert ds.class_names == audio.CLASS_NAMES
    for y in (ds.y_train, ds.y_val, ds.y_test):
        counts = np.bincount(y, minlength=4)
        assert counts.min() == counts.max()
    assert np.abs(ds.x_train.astype(np.int32)).max() > 1000  # not silent


def test_keyword_clips_are_seeded():
    first, second = audio.keyword_clips(copies=2), audio.keyword_clips(copies=2)
    for a, b in zip(first, second):
        assert np.array_equal(a, b)


def test_keyword_clips_copies_must_be_at_least_two():
    with pytest.raises(DataError, match="copies"):
        audio.keyword_clips(copies=1)


def test_clip_words_follow_the_split(small_keywords):
    said = audio.clip_words("test", copies=2)
    assert len(said) == len(small_keywords.y_test)
    expected = [audio.CLASS_NAMES.index(w) if w in audio.KEYWORDS else (0 if w == "" else 1) for w in said]
    assert np.array_equal(expected, small_keywords.y_test)
    with pytest.raises(DataError, match="split"):
        audio.clip_words("everything")


def test_a_microphone_cuts_the_bass_and_keeps_speech():
    t = np.arange(16_000) / 16_000
    rumble, voice = np.sin(2 * np.pi * 20 * t), np.sin(2 * np.pi * 1000 * t)
    assert np.abs(audio.high_pass(rumble, 300.0)[4000:]).max() < 0.1  # 20 Hz, 4 octaves below: -24 dB
    assert np.abs(audio.high_pass(voice, 300.0)[4000:]).max() > 0.9
    heard = audio.microphone((rumble + voice).astype(np.float32), np.random.default_rng(0))
    assert heard.dtype == np.float32 and heard.shape == (16_000,) and np.all(np.isfinite(heard))


def test_change_speed_and_augment():
    word = (np.sin(np.arange(4000) / 5) * 10_000).astype(np.int16)
    assert len(audio.change_speed(word, 2.0)) == 2000
    rng = np.random.default_rng(0)
    bank = audio.noise_bank(audio.clean_words(), seconds=2.0, seed=0)
    assert set(bank) == set(audio.NOISE_KINDS)
    assert all(np.sqrt(np.mean(noise ** 2)) == pytest.approx(1.0, rel=1e-3) for noise in bank.values())
    clip = audio.augment(word, bank, rng)
    assert clip.shape == (16_000,) and clip.dtype == np.float32 and np.all(np.isfinite(clip))
    peaks = [np.abs(audio.augment(word, bank, np.random.default_rng(seed))).max() for seed in range(40)]
    assert min(peaks) < 0.1 < 0.8 < max(peaks)  # from a distant voice to one near full scale
    long_word = np.ones(20_000, np.int16)
    placed, start = audio.place(long_word, 16_000, rng)
    assert placed.shape == (16_000,) and start == 0


# --- streams, smoothing, detection ------------------------------------------------------------

def test_keyword_stream():
    stream = audio.keyword_stream()
    assert stream.audio.dtype == np.int16 and stream.seconds == 30.0
    assert len(stream.events) == 13 and len(stream.keywords) == 8
    starts = [e.start for e in stream.events]
    assert starts == sorted(starts) and min(np.diff(starts)) > 1.8
    test_voices = set(audio.voices_by_split()["test"])
    assert stream.audio.tobytes() == audio.keyword_stream().audio.tobytes()  # seeded
    assert test_voices  # the default voices are the held-out ones
    with pytest.raises(DataError, match="needs"):
        audio.keyword_stream(voices=audio.voices_by_split()["test"][:1], keywords=8)


def test_smooth_is_a_causal_moving_average():
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 0.0]])
    assert np.allclose(audio.smooth(x, 1), x)
    assert np.allclose(audio.smooth(x, 2), [[1, 0], [0.5, 0.5], [0.5, 0.5], [1, 0]])
    assert np.allclose(audio.smooth(x, 10), np.cumsum(x, axis=0) / np.arange(1, 5)[:, None])
    changed = x.copy()
    changed[3] = [0.0, 1.0]
    assert np.allclose(audio.smooth(changed, 3)[:3], audio.smooth(x, 3)[:3])  # the future never leaks back
    with pytest.raises(ValueError, match="at least 1"):
        audio.smooth(x, 0)


def _scores(times, bumps):
    """Scores (silence, unknown, yes, no) with a bump of `height` for `word` between t0 and t1."""
    scores = np.tile([0.5, 0.5, 0.0, 0.0], (len(times), 1))
    for word, t0, t1, height in bumps:
        column = audio.CLASS_NAMES.index(word)
        inside = (times >= t0) & (times <= t1)
        scores[inside, column] = height
        scores[inside, :2] = (1 - height) / 2
    return scores


TIMES = np.round(np.arange(0, 10, 0.1), 1)
EVENTS = (audio.Event(1.0, 1.4, "yes"), audio.Event(4.0, 4.3, "no"), audio.Event(7.0, 7.4, "dog"))
SCORES = _scores(TIMES, [("yes", 1.5, 2.0, 0.9), ("no", 4.4, 4.8, 0.6), ("yes", 7.5, 7.8, 0.7)])


def test_stream_errors_counts_false_accepts_and_misses():
    low = audio.stream_errors(SCORES, TIMES, EVENTS, threshold=0.5)
    assert (low.false_accepts, low.misses, low.keywords, len(low.detections)) == (1, 0, 2, 3)
    middle = audio.stream_errors(SCORES, TIMES, EVENTS, threshold=0.75)
    assert (middle.false_accepts, middle.misses) == (0, 1)
    high = audio.stream_errors(SCORES, TIMES, EVENTS, threshold=0.95)
    assert (high.false_accepts, high.misses) == (0, 2)
    assert "0 false accepts, 2 misses of 2 keywords" in str(high)


def test_suppression_says_it_once_hears_it_once():
    scores = _scores(TIMES, [("yes", 1.5, 3.5, 0.9)])
    events = (audio.Event(1.0, 1.4, "yes"),)
    assert len(audio.detect(scores, TIMES, 0.5)) == 2  # 1.5 and 3.0: the word outstays the suppression
    assert audio.stream_errors(scores, TIMES, events, 0.5).false_accepts == 1
    assert len(audio.detect(scores, TIMES, 0.5, suppression=2.5)) == 1


def test_the_wrong_keyword_is_a_false_accept_and_a_miss():
    scores = _scores(TIMES, [("no", 1.5, 2.0, 0.9)])
    errors = audio.stream_errors(scores, TIMES, (audio.Event(1.0, 1.4, "yes"),), 0.5)
    assert (errors.false_accepts, errors.misses) == (1, 1)


# --- the cascade's first stage (lesson 16) ----------------------------------------------------------

def test_frame_energy_matches_the_log_mel_frames():
    tone = (0.5 * np.sin(2 * np.pi * 440 * np.arange(audio.CLIP_SAMPLES) / audio.SAMPLE_RATE)).astype(np.float32)
    energy = audio.frame_energy_db(tone)
    assert len(energy) == audio.frame_count(audio.CLIP_SAMPLES)
    np.testing.assert_allclose(energy, 10 * np.log10(0.125), atol=0.1)  # a sine of amplitude a has power a^2 / 2


def test_noise_floor_falls_at_once_and_climbs_slowly():
    energy = np.array([-40.0] * 10 + [-10.0] * 25 + [-40.0] * 5)
    floor = audio.noise_floor_db(energy, rise_db_per_s=3.0)
    assert floor[9] == -40.0
    assert floor[34] == pytest.approx(-40.0 + 25 * 3.0 * audio.HOP_SAMPLES / audio.SAMPLE_RATE)
    assert floor[35] == -40.0


def test_stay_awake_and_windows():
    loud = np.zeros(100, bool)
    loud[[10, 60]] = True
    awake = audio.stay_awake(loud, 5)
    assert np.flatnonzero(awake).tolist() == [10, 11, 12, 13, 14, 60, 61, 62, 63, 64]
    with pytest.raises(ValueError, match="at least 1"):
        audio.stay_awake(loud, 0)
    windows = audio.window_is_awake(awake, frames=10, step=5)
    assert len(windows) == len(range(0, 100 - 10 + 1, 5))
    assert windows.tolist()[:3] == [False, True, False]  # windows end at frames 9, 14, 19


def test_cascade_posteriors_sleep_as_silence():
    awake = np.array([True, False, True])
    posteriors = np.full((3, 4), 0.25)
    result = audio.cascade_posteriors(posteriors, awake)
    assert result[1].tolist() == [1.0, 0.0, 0.0, 0.0]
    np.testing.assert_array_equal(result[[0, 2]], posteriors[[0, 2]])
    np.testing.assert_array_equal(audio.cascade_posteriors(posteriors[[0, 2]], awake), result)
    with pytest.raises(ValueError, match="awake ones"):
        audio.cascade_posteriors(posteriors[:1], awake)


def test_a_quiet_stream_keeps_the_gate_mostly_asleep_and_concatenate_shifts_events():
    parts = [audio.keyword_stream(seconds=20, keywords=2, others=1, seed=s, noise="white") for s in (1, 2)]
    day = audio.concatenate(parts)
    assert day.seconds == pytest.approx(40)
    assert day.events[3].start == pytest.approx(parts[1].events[0].start + 20)
    awake = audio.wake_frames(day.audio)
    assert 0.05 < awake.mean() < 0.6
    for event in day.events:  # every word wakes the gate
        frame = int(event.start * audio.SAMPLE_RATE / audio.HOP_SAMPLES)
        assert awake[frame:frame + 50].any(), event
    with pytest.raises(DataError, match="no noise called"):
        audio.keyword_stream(seconds=20, keywords=2, others=1, noise="rain")
