"""edgebook.gestures: the seeded magic-wand data, its physics, the augmentations and the plots."""
import numpy as np
import pytest

from edgebook import gestures


@pytest.fixture(scope="module")
def small():
    return gestures.make(people=4, repetitions=3)


def test_make_shapes_balance_and_determinism(small):
    x, y, groups = small
    assert x.shape == (4 * 4 * 3, gestures.WINDOW_SAMPLES, 3) and x.dtype == np.float32
    assert y.dtype == np.int64 and groups.dtype == np.int64
    assert np.bincount(y).tolist() == [12, 12, 12, 12]
    assert np.bincount(groups).tolist() == [12, 12, 12, 12]
    again = gestures.make(people=4, repetitions=3)
    assert all(np.array_equal(a, b) for a, b in zip(small, again))
    x[0, 0, 0] = 99  # make returns copies: the cache is not changed
    assert gestures.make(people=4, repetitions=3)[0][0, 0, 0] != 99
    other_seed = gestures.make(people=4, repetitions=3, seed=1)[0]
    assert not np.array_equal(other_seed, again[0])


def test_trace_is_the_window_make_returns(small):
    x, y, groups = small
    one = gestures.trace("slope", person_id=2, repetition=1)
    row = np.nonzero((groups == 2) & (y == gestures.GESTURES.index("slope")))[0][1]
    np.testing.assert_array_equal(one.accel_g, x[row])
    assert one.pen_m.shape == (gestures.WINDOW_SAMPLES, 2) and one.time_s[1] == pytest.approx(1 / 25)
    assert 0 < one.start_s < one.stop_s < gestures.WINDOW_SAMPLES / gestures.SAMPLE_RATE_HZ


def test_kinds_follow_make(small):
    x, y, groups = small
    names = gestures.kinds(people=4, repetitions=3)
    assert names.shape == y.shape
    assert set(names[y == 0]) == {"wing"} and set(names[y == 3]) <= set(gestures.NEGATIVE_KINDS)
    row = np.nonzero((groups == 1) & (y == 3))[0][2]
    assert names[row] == gestures.trace("negative", 1, 2).kind


def test_a_wand_at_rest_reads_one_g():
    for person_id in range(8):
        one = gestures.trace("negative", person_id, repetition=(8 - person_id) % 8)  # the "still" kind
        assert one.kind == "still"
        assert np.linalg.norm(one.accel_g.mean(axis=0)) == pytest.approx(1.0, abs=0.1)
        assert one.start_s == one.stop_s  # no stroke


def test_gestures_move_more_than_still_windows():
    ring = gestures.trace("ring", 5, 0).accel_g
    still = gestures.trace("negative", 0, 0).accel_g
    assert ring.std(axis=0).sum() > 3 * still.std(axis=0).sum()
    assert np.abs(ring).max() <= gestures.RANGE_G


def test_trace_rejects_an_unknown_gesture():
    with pytest.raises(ValueError, match="wing, ring, slope, negative"):
        gestures.trace("circle")
    with pytest.raises(ValueError, match="No pen path"):
        gestures.pen_path("spiral", 10, np.random.default_rng(0))


def test_minimum_jerk_and_acceleration_from_path():
    fraction = gestures.minimum_jerk(101)
    assert fraction[0] == 0 and fraction[-1] == pytest.approx(1) and fraction[50] == pytest.approx(0.5)
    assert np.all(np.diff(fraction) >= 0)
    t = np.arange(100) / 100
    push = 0.5 * (0.5 * gestures.STANDARD_GRAVITY) * t ** 2  # 0.5 g from rest: x = a t^2 / 2
    accel = gestures.acceleration_from_path(np.stack([push, 0 * t], axis=1), 100)
    np.testing.assert_allclose(accel[2:-2], [[0.5, 0.0]] * 96, atol=1e-6)


def test_rotation_keeps_lengths_and_follows_the_right_hand_rule():
    matrix = gestures.rotation_matrix((0, 0, 1), 90)
    np.testing.assert_allclose(matrix @ [1, 0, 0], [0, 1, 0], atol=1e-12)
    np.testing.assert_allclose(matrix @ matrix.T, np.eye(3), atol=1e-12)
    window = gestures.trace("wing", 1, 0).accel_g
    turned = gestures.rotate(window, (1, 2, 3), 40)
    np.testing.assert_allclose(np.linalg.norm(turned, axis=1), np.linalg.norm(window, axis=1), rtol=1e-5)


def test_time_stretch_scale_and_shift():
    window = gestures.trace("ring", 3, 0).accel_g
    np.testing.assert_allclose(gestures.time_stretch(window, 1.0), window, atol=1e-6)
    slower = gestures.time_stretch(window, 2.0)
    motion, slow_motion = window - window.mean(0), slower - window.mean(0)
    assert np.abs(slow_motion).max() < 0.4 * np.abs(motion).max()  # 1 / 2^2 of the acceleration
    bigger = gestures.scale_motion(window, 2.0)
    np.testing.assert_allclose(bigger.mean(0), window.mean(0), atol=1e-5)
    np.testing.assert_allclose(bigger - window.mean(0), 2 * motion, atol=1e-5)
    later = gestures.shift(window, 10)
    np.testing.assert_array_equal(later[10:], window[:-10])
    np.testing.assert_array_equal(later[:10], np.repeat(window[:1], 10, axis=0))
    noisy = gestures.add_noise(window, 0.05, np.random.default_rng(0))
    assert 0.04 < np.std(noisy - window) < 0.06


def test_augment_is_seeded_and_keeps_the_originals_first(small):
    x, y, _ = small
    x_aug, y_aug = gestures.augment(x, y, copies=2, seed=7)
    assert x_aug.shape == (3 * len(x), *x.shape[1:]) and x_aug.dtype == np.float32
    np.testing.assert_array_equal(x_aug[:len(x)], x)
    np.testing.assert_array_equal(y_aug, np.tile(y, 3))
    again, _ = gestures.augment(x, y, copies=2, seed=7)
    np.testing.assert_array_equal(x_aug, again)
    assert not np.array_equal(gestures.augment(x, y, copies=2, seed=8)[0], x_aug)
    assert not np.allclose(x_aug[len(x):2 * len(x)], x)
    plain, labels = gestures.augment(x, y, copies=0)
    np.testing.assert_array_equal(plain, x)


def test_person_traits_are_fixed_per_person():
    assert gestures.person_traits(3) == gestures.person_traits(3)
    assert gestures.person_traits(3) != gestures.person_traits(4)


def test_data_load_splits_by_person(ctx):
    from edgebook import data

    dataset = data.load("gestures")
    assert dataset.class_names == gestures.GESTURES
    assert len(dataset.x_train) + len(dataset.x_val) + len(dataset.x_test) == 50 * 4 * 10
    x, y, groups = gestures.make()
    _, train_people, _, val_people, _, test_people = data.split_by_group(groups, groups, groups)
    assert not set(train_people) & set(test_people) and not set(val_people) & set(test_people)
    assert len(np.unique(test_people)) == 10


def test_plots_run_headless(monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.setattr(plt, "show", lambda: plt.close("all"))
    gestures.plot_trace(gestures.trace("wing", 0, 0))
    gestures.plot_trace(gestures.trace("negative", 0, 0))  # no stroke: no grey band
    gestures.plot_gestures(people=(0, 1))
    window = gestures.trace("ring", 0, 0).accel_g
    gestures.plot_windows({"original": window, "turned": gestures.rotate(window, (0, 0, 1), 30)}, title="t")
