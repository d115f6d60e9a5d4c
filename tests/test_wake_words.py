"""edgebook.wake_words: microWakeWord's front end and detector rule, and the streams lesson 16 runs it on."""
import numpy as np
import pytest

from edgebook import realdata, wake_words


def test_the_settings_file_names_the_word_its_cutoff_and_its_feature_step():
    settings = wake_words.config()
    assert settings["wake_word"] == "Okay Nabu" and settings["micro"]["feature_step_size"] == 10
    assert settings["micro"]["probability_cutoff"] == 0.85 and settings["micro"]["sliding_window_size"] == 5
    assert wake_words.stride(wake_words.model()) == 3  # 3 rows of 10 ms per inference


def test_the_front_end_gives_40_channels_every_10_ms(ctx):
    samples, _ = realdata.wav("yes_1000ms.wav")
    rows = wake_words.features(samples)
    assert rows.shape == (98, 40) and rows.dtype == np.float32  # (16000 - 480) / 160 + 1 windows
    assert rows.min() >= 0 and rows.max() < 2 ** 16 * wake_words.FEATURE_SCALE
    quiet = wake_words.features(realdata.wav("silence_1000ms.wav")[0])
    assert rows.mean() > quiet.mean()  # a word is louder than a quiet room
    with pytest.raises(ValueError, match="int16"):
        wake_words.features(samples.astype(np.float32))


def test_inputs_group_the_rows_by_stride_and_drop_a_partial_group():
    rows = np.arange(11 * 40, dtype=np.float32).reshape(11, 40)
    grouped = wake_words.inputs(wake_words.model(), rows)
    assert grouped.shape == (3, 3, 40) and np.array_equal(grouped[1, 0], rows[3])


def test_a_wake_is_where_the_sliding_mean_rises_above_the_cutoff():
    p = np.array([0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1], float)
    np.testing.assert_allclose(wake_words.sliding_mean(p, 5)[:7], [0, 0, 0, 0, 0.8, 1.0, 0.8])
    assert wake_words.wakes(p, cutoff=0.85, window=5).tolist() == [5, 14]
    assert wake_words.wakes(p, cutoff=0.75, window=5).tolist() == [4, 13]
    assert wake_words.wakes(p).tolist() == [5, 14]  # the model's own settings: 0.85 over 5


def test_the_streams_say_what_is_in_them():
    real = wake_words.real_clip_stream(rounds=2, seed=1)
    assert real.seconds == 8 and sorted(e.word for e in real.events) == sorted(["yes", "no", "silence", "noise"] * 2)
    assert [e.word for e in real.keywords] == [e.word for e in real.events if e.word in ("yes", "no")]
    assert all(e.end - e.start == 1 for e in real.events) and real.events[1].start == 1
    clips, voices = wake_words.wake_phrases()
    assert len(clips) == len(voices) == 8 and voices[0] == "en-us" and all(c.dtype == np.int16 for c in clips)
    phrase = wake_words.wake_phrase_stream()
    assert phrase.seconds == 24 and [e.word for e in phrase.events] == ["okay nabu"] * 8 and not phrase.keywords


def test_okay_nabu_stays_quiet_on_the_real_clips_and_wakes_on_each_synthetic_phrase(ctx):
    model_bytes = wake_words.model()
    real = wake_words.probabilities(model_bytes, wake_words.features(wake_words.real_clip_stream().audio))
    assert len(wake_words.wakes(real)) == 0 and real.max() < 0.1
    phrase = wake_words.wake_phrase_stream()
    woke = wake_words.wakes(wake_words.probabilities(model_bytes, wake_words.features(phrase.audio)))
    starts = [event.start for event in phrase.events]
    woke_s = woke * wake_words.stride(model_bytes) * wake_words.FEATURE_STEP_MS / 1000
    assert len(woke) == 8 and all(0 < w - s < 1.5 for w, s in zip(woke_s, starts))  # once per phrase, after it
