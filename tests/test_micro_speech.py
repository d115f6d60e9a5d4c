"""edgebook.micro_speech: TFLM's micro_speech (front end and classifier) run with the course's helpers,
checked against TFLM's own test data."""
import numpy as np
import pytest

from edgebook import micro, micro_speech, modelfile, realdata, runtime
from edgebook.errors import ModelInputError, ModelLoadError
from edgebook.unsupported import TFLM_SIGNAL_OPS, non_builtin_ops


@pytest.mark.parametrize("name", sorted(micro_speech.EXPECTED_FEATURES))
def test_the_front_end_gives_exactly_the_features_micro_speech_test_expects(name):
    samples, rate = realdata.wav(name)
    assert rate == 16_000 and samples.shape == (480,)
    features = micro_speech.features(samples)
    assert features.shape == (1, micro_speech.FEATURES) and features.dtype == np.int8
    assert features[0].tolist() == list(micro_speech.EXPECTED_FEATURES[name])


@pytest.mark.parametrize("name, expected", [("yes_1000ms.wav", "yes"), ("no_1000ms.wav", "no"),
                                            ("silence_1000ms.wav", "silence"), ("noise_1000ms.wav", "silence")])
def test_micro_speech_hears_each_clip_as_its_own_test_expects(name, expected):
    samples, _ = realdata.wav(name)
    assert micro_speech.features(samples).shape == (49, 40)
    scores = micro_speech.scores(samples)
    assert scores.shape == (4,) and abs(scores.sum() - 1) < 0.02
    assert micro_speech.CLASS_NAMES[int(scores.argmax())] == expected, scores


def test_the_front_end_carries_its_state_from_frame_to_frame_and_starts_afresh_per_call():
    samples, _ = realdata.wav("yes_1000ms.wav")
    whole = micro_speech.features(samples)
    # Frame 10 alone (a fresh front end) differs from frame 10 after the first ten: the noise estimate adapted.
    alone = micro_speech.features(samples[10 * 320:10 * 320 + 480])
    assert not np.array_equal(alone[0], whole[10])
    assert np.array_equal(micro_speech.features(samples), whole)  # each call starts afresh


def test_micro_speech_refuses_audio_it_cannot_read():
    with pytest.raises(ModelInputError, match="int16"):
        micro_speech.features(np.zeros(16_000, np.float32))
    with pytest.raises(ModelInputError, match="480 samples"):
        micro_speech.features(np.zeros(100, np.int16))
    with pytest.raises(ModelInputError, match="exactly one second"):
        micro_speech.scores(np.zeros(8_000, np.int16))


def test_tflms_signal_ops_run_in_tflm_and_the_arena_helpers_measure_them():
    front_end = realdata.model(micro_speech.FRONT_END)
    assert set(non_builtin_ops(front_end)) <= TFLM_SIGNAL_OPS
    assert sum(n for op, n in modelfile.op_counts(front_end).items() if op.startswith("CUSTOM:Signal")) == 9
    report = micro.arena_report(front_end)
    search = micro.smallest_arena(front_end)
    assert 0 < report.total <= search.smallest < 28_584, search  # under micro_speech_test.cc's arena


def test_litert_refuses_the_front_end_and_says_tflm_runs_it():
    with pytest.raises(ModelLoadError, match=r"LiteRT cannot run this model.*TFLM's signal-library ops.*micro\.run"):
        runtime.load(realdata.model(micro_speech.FRONT_END))
