"""Tests of the exercise checks of lesson 01_ml_in_two_minutes: each check against a right
answer, wrong answers (with their targeted messages) and the ``...`` placeholder."""
import numpy as np
import pytest

from edgebook import data
from edgebook.checks import lesson_01 as ex

SPEED = 3


@pytest.fixture(scope="module")
def non_golf():
    activity = data.load("activity")
    keep = activity.y_test != activity.class_names.index("golf")
    return {"windows": activity.x_test[keep], "labels": activity.y_test[keep]}


def rules(walking_max, running_max):
    def classify_by_speed(window):
        mean_speed = window[:, SPEED].mean()
        if mean_speed < walking_max:
            return "walking"
        if mean_speed < running_max:
            return "running"
        return "cycling"
    return classify_by_speed


# --- Exercise 2.1: speed rules ----------------------------------------------------------

def test_speed_rules_correct(non_golf):
    result = ex.speed_rules.evaluate(rules(7.0, 13.5), **non_golf)
    assert result.status == "correct", result.message


def test_speed_rules_computes_its_own_windows_without_context():
    assert ex.speed_rules.evaluate(rules(7.0, 13.5)).status == "correct"


def test_speed_rules_running_called_cycling(non_golf):
    result = ex.speed_rules.evaluate(rules(7.0, 7.5), **non_golf)
    assert result.status == "incorrect"
    assert "running windows cycling" in result.message
    assert "km/h" in result.message


def test_speed_rules_walking_called_running(non_golf):
    result = ex.speed_rules.evaluate(rules(3.0, 13.5), **non_golf)
    assert result.status == "incorrect"
    assert "walking windows running" in result.message


def test_speed_rules_numbers_instead_of_names(non_golf):
    result = ex.speed_rules.evaluate(lambda window: 0, **non_golf)
    assert result.status == "incorrect"
    assert "return the activity's name" in result.message


def test_speed_rules_unknown_name(non_golf):
    result = ex.speed_rules.evaluate(lambda window: "swimming", **non_golf)
    assert result.status == "incorrect"
    assert "'swimming', which is not an activity" in result.message


def test_speed_rules_learner_exception(non_golf):
    result = ex.speed_rules.evaluate(lambda window: window[:, 7].mean(), **non_golf)
    assert result.status == "incorrect"
    assert "raised IndexError" in result.message


def test_speed_rules_array_instead_of_a_name_is_described_shortly(non_golf):
    result = ex.speed_rules.evaluate(lambda window: window, **non_golf)
    assert result.status == "incorrect"
    assert "an array of shape (100, 4)" in result.message
    assert len(result.message) < 300  # the array itself is not printed


def test_speed_rules_not_attempted(non_golf):
    assert ex.speed_rules.evaluate(..., **non_golf).status == "not attempted"

    def classify_by_speed(window):
        mean_speed = window[:, SPEED].mean()  # noqa: F841 (the workbook's starter)
        ...
    assert ex.speed_rules.evaluate(classify_by_speed, **non_golf).status == "not attempted"


# --- Exercise 3.1: what the rules call golf ---------------------------------------------

@pytest.fixture(scope="module")
def rules_counts():
    activity = data.load("activity")
    predicted = np.array([activity.class_names.index(rules(7.0, 13.5)(w)) for w in activity.x_test])
    counts = np.zeros((4, 4), dtype=int)
    np.add.at(counts, (activity.y_test, predicted), 1)
    return counts


def test_golf_confused_with_correct(rules_counts):
    for answer in ("walking", " Walking "):
        result = ex.golf_confused_with.evaluate(answer, counts=rules_counts)
        assert result.status == "correct", result.message


def test_golf_confused_with_without_context():
    assert ex.golf_confused_with.evaluate("walking").status == "correct"


def test_golf_confused_with_golf(rules_counts):
    result = ex.golf_confused_with.evaluate("golf", counts=rules_counts)
    assert result.status == "incorrect"
    assert "nothing in them says golf" in result.message


def test_golf_confused_with_wrong_activity(rules_counts):
    result = ex.golf_confused_with.evaluate("cycling", counts=rules_counts)
    assert result.status == "incorrect"
    assert "call 0 of 60 golf windows cycling" in result.message


def test_golf_confused_with_not_a_name(rules_counts):
    assert "not one of the activities" in ex.golf_confused_with.evaluate("tennis", counts=rules_counts).message
    assert "as a string" in ex.golf_confused_with.evaluate(0, counts=rules_counts).message


def test_golf_confused_with_not_attempted(rules_counts):
    assert ex.golf_confused_with.evaluate(..., counts=rules_counts).status == "not attempted"


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
