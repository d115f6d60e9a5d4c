"""Tests of the exercise checks of lesson 14_gesture_magic_wand: each check against a right answer,
wrong answers (with their targeted messages) and the ``...`` placeholder."""
import math

import numpy as np
import pytest

from edgebook.checks import lesson_14 as ex

G = 9.80665


# --- Exercise 1.1: samples in a window --------------------------------------------------------

def test_window_samples_correct():
    result = ex.window_samples.evaluate(lambda rate_hz, seconds: math.ceil(rate_hz * seconds))
    assert result.status == "correct", result.message
    assert ex.window_samples.evaluate(lambda r, s: int(np.ceil(r * s))).status == "correct"


@pytest.mark.parametrize("answer, message", [
    (lambda r, s: r / s, "rate / seconds"),
    (lambda r, s: s / r, "seconds / rate"),
    (lambda r, s: int(r * s), "rounded down"),
    (lambda r, s: r * s, "whole number"),
    (lambda r, s: math.ceil(r * s) + 1, "expected 50"),
    (lambda r, s: "50", "return a number"),
])
def test_window_samples_wrong(answer, message):
    result = ex.window_samples.evaluate(answer)
    assert result.status == "incorrect"
    assert message in result.message, result.message


def test_window_samples_not_attempted():
    assert ex.window_samples.evaluate(...).status == "not attempted"
    assert ex.window_samples.evaluate(lambda r, s: ...).status == "not attempted"


# --- Exercise 2.1: acceleration from a pen path ---------------------------------------------------

def gradient_twice(position, rate):
    velocity = np.gradient(position, 1 / rate, axis=0)
    return np.gradient(velocity, 1 / rate, axis=0) / G


def test_acceleration_correct():
    assert ex.acceleration.evaluate(gradient_twice).status == "correct"
    # np.diff twice: the second difference, two samples shorter, is right too.
    result = ex.acceleration.evaluate(lambda p, rate: np.diff(p, n=2, axis=0) * rate ** 2 / G)
    assert result.status == "correct", result.message
    result = ex.acceleration.evaluate(lambda p, rate: np.diff(p, n=2, axis=0) * rate ** 2 / 9.81)
    assert result.status == "correct", result.message


@pytest.mark.parametrize("answer, message", [
    (lambda p, r: gradient_twice(p, r) * G, "in m/s^2"),
    (lambda p, r: -gradient_twice(p, r), "wrong way"),
    (lambda p, r: np.gradient(np.gradient(p, axis=0), axis=0) / G, "without the time step"),
    (lambda p, r: np.gradient(np.gradient(p, axis=0), axis=0), "per sample squared and in m/s^2"),
    (lambda p, r: np.gradient(p, 1 / r, axis=0), "velocity"),
    (lambda p, r: np.gradient(p, 1 / r, axis=0) / G, "velocity"),
    (lambda p, r: gradient_twice(p, r)[:10], "shape"),
    (lambda p, r: gradient_twice(p, r) + 0.2, "off by up to"),
])
def test_acceleration_wrong(answer, message):
    result = ex.acceleration.evaluate(answer)
    assert result.status == "incorrect"
    assert message in result.message, result.message


def test_acceleration_not_attempted():
    assert ex.acceleration.evaluate(...).status == "not attempted"
    assert ex.acceleration.evaluate(lambda p, r: None).status == "not attempted"


def test_acceleration_reference_matches_the_library():
    from edgebook import gestures

    path = np.random.default_rng(0).normal(size=(50, 2)).cumsum(axis=0)
    np.testing.assert_allclose(ex.reference_acceleration(path, 25), gestures.acceleration_from_path(path, 25))


# --- Exercise 3.1: hold out people -------------------------------------------------------------------

GROUPS = np.repeat(np.arange(50), 40)


def test_hold_out_people_correct():
    result = ex.hold_out_people.evaluate(ex.reference_hold_out_people, groups=GROUPS)
    assert result.status == "correct", result.message

    def with_permutation(groups, test_fraction, seed):  # another right way, returning 0/1
        people = np.random.default_rng(seed).permutation(np.unique(groups))
        return np.isin(groups, people[:round(test_fraction * len(people))]).astype(int)

    assert ex.hold_out_people.evaluate(with_permutation, groups=GROUPS).status == "correct"
    assert ex.hold_out_people.evaluate(ex.reference_hold_out_people).status == "correct"  # without context


def by_windows(groups, test_fraction, seed):
    return np.random.default_rng(seed).random(len(groups)) < test_fraction


def first_people(groups, test_fraction, seed):
    people = np.unique(groups)
    return np.isin(groups, people[:round(test_fraction * len(people))])


def unseeded(groups, test_fraction, seed, _rng=np.random.default_rng()):
    people = np.unique(groups)
    return np.isin(groups, _rng.choice(people, round(test_fraction * len(people)), replace=False))


def too_many(groups, test_fraction, seed):
    people = np.random.default_rng(seed).permutation(np.unique(groups))
    return np.isin(groups, people[:round(2 * test_fraction * len(people))])


def indices(groups, test_fraction, seed):
    return np.nonzero(ex.reference_hold_out_people(groups, test_fraction, seed))[0]


@pytest.mark.parametrize("answer, message", [
    (by_windows, "in the test set and"),
    (first_people, "same people"),
    (unseeded, "same seed"),
    (too_many, "Count people"),
    (indices, "one True/False per window"),
    (lambda g, f, s: np.full(len(g), 0.5), "True/False"),
])
def test_hold_out_people_wrong(answer, message):
    result = ex.hold_out_people.evaluate(answer, groups=GROUPS)
    assert result.status == "incorrect"
    assert message in result.message, result.message


def test_hold_out_people_not_attempted():
    assert ex.hold_out_people.evaluate(..., groups=GROUPS).status == "not attempted"
    assert ex.hold_out_people.evaluate(lambda g, f, s: ..., groups=GROUPS).status == "not attempted"


# --- Exercise 4.1: a rotation augmentation ----------------------------------------------------------

def test_rotate_about_z_correct():
    from edgebook import gestures

    assert ex.rotate_about_z.evaluate(ex.reference_rotate_about_z).status == "correct"
    result = ex.rotate_about_z.evaluate(lambda w, d: gestures.rotate(w, (0, 0, 1), d))
    assert result.status == "correct", result.message


def rotate_with(angle_of, sign=1, keep_z=True):
    def rotate(window, degrees):
        a = angle_of(degrees)
        c, s = np.cos(a), sign * np.sin(a)
        x, y, z = window[:, 0], window[:, 1], window[:, 2]
        return np.stack([c * x - s * y, s * x + c * y, z if keep_z else -z], axis=1)
    return rotate


def in_place(window, degrees):
    window[:] = ex.reference_rotate_about_z(window, degrees)
    return window


@pytest.mark.parametrize("answer, message", [
    (rotate_with(np.radians, sign=-1), "the other way"),
    (rotate_with(lambda d: d), "take radians"),
    (rotate_with(np.radians, keep_z=False), "z values changed"),
    (lambda w, d: 2 * ex.reference_rotate_about_z(w, d) * [1, 1, 0.5], "length"),
    (lambda w, d: ex.reference_rotate_about_z(w, d)[:, :2], "shape"),
    (in_place, "changed the window"),
    (lambda w, d: "turned", "array of numbers"),
])
def test_rotate_about_z_wrong(answer, message):
    result = ex.rotate_about_z.evaluate(answer)
    assert result.status == "incorrect"
    assert message in result.message, result.message


def test_rotate_about_z_not_attempted():
    assert ex.rotate_about_z.evaluate(...).status == "not attempted"
    assert ex.rotate_about_z.evaluate(lambda w, d: None).status == "not attempted"
