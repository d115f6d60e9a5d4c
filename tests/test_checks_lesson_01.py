"""Tests of the exercise checks of lesson 01_ml_in_two_minutes: each check against a right
answer, wrong answers (with their targeted messages) and the ``...`` placeholder."""
import numpy as np
import pytest

from edgebook import data
from edgebook.checks import lesson_01 as ex


@pytest.fixture(scope="module")
def motions():
    return data.load("basic_motions", window_samples=ex.WINDOW_SAMPLES)


@pytest.fixture(scope="module")
def three(motions):
    keep = motions.y_test != motions.class_names.index("badminton")
    return {"windows": motions.x_test[keep], "labels": motions.y_test[keep]}


def rules(standing_max, walking_max):
    def classify_by_motion(window):
        mean_acceleration = np.linalg.norm(window[:, :3], axis=1).mean()
        if mean_acceleration < standing_max:
            return "standing"
        if mean_acceleration < walking_max:
            return "walking"
        return "running"
    return classify_by_motion


# --- Exercise 2.1: the rules ------------------------------------------------------------

def test_motion_rules_correct(three):
    result = ex.motion_rules.evaluate(rules(2.0, 9.0), **three)
    assert result.status == "correct", result.message


def test_motion_rules_computes_its_own_windows_without_context():
    assert ex.motion_rules.evaluate(rules(2.0, 9.0)).status == "correct"


def test_motion_rules_running_called_walking(three):
    result = ex.motion_rules.evaluate(rules(2.0, 20.0), **three)
    assert result.status == "incorrect"
    assert "running windows walking" in result.message
    assert "m/s²" in result.message


def test_motion_rules_standing_called_walking(three):
    result = ex.motion_rules.evaluate(rules(0.5, 9.0), **three)
    assert result.status == "incorrect"
    assert "standing windows walking" in result.message


def test_motion_rules_numbers_instead_of_names(three):
    result = ex.motion_rules.evaluate(lambda window: 0, **three)
    assert result.status == "incorrect"
    assert "return the activity's name" in result.message


def test_motion_rules_unknown_name(three):
    result = ex.motion_rules.evaluate(lambda window: "swimming", **three)
    assert result.status == "incorrect"
    assert "'swimming', which is not an activity" in result.message


def test_motion_rules_learner_exception(three):
    result = ex.motion_rules.evaluate(lambda window: window[:, 7].mean(), **three)
    assert result.status == "incorrect"
    assert "raised IndexError" in result.message


def test_motion_rules_array_instead_of_a_name_is_described_shortly(three):
    result = ex.motion_rules.evaluate(lambda window: window, **three)
    assert result.status == "incorrect"
    assert "an array of shape (20, 6)" in result.message
    assert len(result.message) < 300  # the array itself is not printed


def test_motion_rules_not_attempted(three):
    assert ex.motion_rules.evaluate(..., **three).status == "not attempted"

    def classify_by_motion(window):
        mean_acceleration = np.linalg.norm(window[:, :3], axis=1).mean()  # noqa: F841 (the workbook's starter)
        ...
    assert ex.motion_rules.evaluate(classify_by_motion, **three).status == "not attempted"


def test_mean_acceleration_is_the_length_of_the_first_three_channels():
    window = np.zeros((20, 6), dtype=np.float32)
    window[:, :3] = (3.0, 4.0, 0.0)
    window[:, 3:] = 100.0  # the gyroscope does not count
    assert ex.mean_acceleration(window) == pytest.approx(5.0)
    assert ex.mean_acceleration(np.stack([window, 2 * window])).tolist() == pytest.approx([5.0, 10.0])


# --- Exercise 3.1: what the rules call badminton ----------------------------------------

@pytest.fixture(scope="module")
def rules_counts(motions):
    predicted = np.array([motions.class_names.index(rules(*ex.RULE_THRESHOLDS)(w)) for w in motions.x_test])
    counts = np.zeros((4, 4), dtype=int)
    np.add.at(counts, (motions.y_test, predicted), 1)
    return counts


def test_badminton_called_correct(rules_counts):
    for answer in ("walking", " Walking "):
        result = ex.badminton_called.evaluate(answer, counts=rules_counts)
        assert result.status == "correct", result.message


def test_badminton_called_without_context():
    assert ex.badminton_called.evaluate("walking").status == "correct"


def test_badminton_called_badminton(rules_counts):
    result = ex.badminton_called.evaluate("badminton", counts=rules_counts)
    assert result.status == "incorrect"
    assert "nothing in them says badminton" in result.message


def test_badminton_called_wrong_activity(rules_counts):
    result = ex.badminton_called.evaluate("running", counts=rules_counts)
    assert result.status == "incorrect"
    n = rules_counts[3, 2]
    assert f"call {n} of 50 badminton windows running" in result.message


def test_badminton_called_not_a_name(rules_counts):
    assert "not one of the activities" in ex.badminton_called.evaluate("tennis", counts=rules_counts).message
    assert "as a string" in ex.badminton_called.evaluate(0, counts=rules_counts).message


def test_badminton_called_not_attempted(rules_counts):
    assert ex.badminton_called.evaluate(..., counts=rules_counts).status == "not attempted"


# --- Exercise 5.1: probabilities -> names -----------------------------------------------

def right_names(probabilities, class_names):
    return [class_names[k] for k in np.argmax(probabilities, axis=1)]


def test_probabilities_to_names_correct():
    assert ex.probabilities_to_names.evaluate(right_names).status == "correct"
    as_array = lambda p, names: np.asarray(names)[np.argmax(p, axis=1)]  # noqa: E731
    assert ex.probabilities_to_names.evaluate(as_array).status == "correct"


def test_probabilities_to_names_given_array():
    probabilities = np.array([[0.1, 0.2, 0.3, 0.4], [0.9, 0.05, 0.03, 0.02]])
    result = ex.probabilities_to_names.evaluate(right_names, probabilities=probabilities)
    assert result.status == "correct", result.message


def test_probabilities_to_names_wrong_axis():
    result = ex.probabilities_to_names.evaluate(
        lambda p, names: [names[k] for k in np.argmax(p, axis=0)])
    assert result.status == "incorrect"
    assert "4 names for 6 windows" in result.message and "axis=1" in result.message


def test_probabilities_to_names_numbers():
    result = ex.probabilities_to_names.evaluate(lambda p, names: np.argmax(p, axis=1))
    assert result.status == "incorrect"
    assert "class numbers" in result.message


def test_probabilities_to_names_argmin():
    result = ex.probabilities_to_names.evaluate(
        lambda p, names: [names[k] for k in np.argmin(p, axis=1)])
    assert result.status == "incorrect"
    assert "np.argmax, not np.argmin" in result.message


def test_probabilities_to_names_single_name():
    result = ex.probabilities_to_names.evaluate(lambda p, names: names[int(np.argmax(p))])
    assert result.status == "incorrect"
    assert "one name per row" in result.message


def test_probabilities_to_names_one_value_is_not_called_names():
    result = ex.probabilities_to_names.evaluate(lambda p, names: [names[0]])
    assert result.status == "incorrect"
    assert "returned one name for 6 windows" in result.message and "1 names" not in result.message


def test_probabilities_to_names_off_by_one():
    result = ex.probabilities_to_names.evaluate(
        lambda p, names: [names[(k + 1) % 4] for k in np.argmax(p, axis=1)])
    assert result.status == "incorrect"
    assert "Row 0" in result.message and "'walking'" in result.message


def test_probabilities_to_names_not_attempted():
    assert ex.probabilities_to_names.evaluate(...).status == "not attempted"

    def probabilities_to_names(probabilities, class_names):
        ...
    assert ex.probabilities_to_names.evaluate(probabilities_to_names).status == "not attempted"


def test_probabilities_to_names_index_error_points_at_the_axis():
    probabilities = np.array([[0.1, 0.2, 0.3, 0.4]] * 5 + [[0.7, 0.1, 0.1, 0.1]])
    result = ex.probabilities_to_names.evaluate(
        lambda p, names: [names[k] for k in np.argmax(p, axis=0)], probabilities=probabilities)
    assert result.status == "incorrect"
    assert "raised IndexError" in result.message and "axis=1" in result.message
