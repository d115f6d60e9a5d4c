"""The exercise checks of 02_train_and_infer: right answers pass, typical mistakes get
their targeted message, and the workbook's ``...`` placeholders are "not attempted"."""
import numpy as np
import pytest

from edgebook.checks import lesson_02 as ex


def status_and_message(exercise, answer):
    result = exercise.evaluate(answer)
    return result.status, result.message


# --- Exercise 7.1: pre-process ----------------------------------------------------

def right_preprocess(raw_pixels):
    batch = np.reshape(raw_pixels, (-1, 8, 8)).astype(np.float32)
    return (batch / 16)[..., np.newaxis]


def test_preprocess_right_answer():
    assert ex.preprocess.evaluate(right_preprocess).status == "correct"


def test_preprocess_matches_the_course_helper():
    from edgebook.models import prepare_digits  # the version the lesson's pipeline uses

    assert ex.preprocess.evaluate(lambda raw: prepare_digits(np.reshape(raw, (-1, 8, 8)))).status == "correct"


@pytest.mark.parametrize("answer, expected", [
    (lambda raw: np.reshape(raw, (-1, 8, 8)).astype(np.float32)[..., np.newaxis], "forgot to divide by 16"),
    (lambda raw: (np.reshape(raw, (-1, 8, 8)).astype(np.float32) / 255)[..., np.newaxis], "divided by 255"),
    (lambda raw: np.reshape(raw, (-1, 8, 8)).astype(np.float32) / 16, "channel axis is missing"),
    (lambda raw: (np.reshape(raw, (-1, 8, 8)).astype(np.float32) / 16)[:, np.newaxis], "at the front"),
    (lambda raw: (np.reshape(raw, (-1, 8, 8)) / 16)[..., np.newaxis], "dtype is float64"),
    (lambda raw: (np.asarray(raw, np.float32) / 16)[..., np.newaxis], "batch of one: (1, 8, 8, 1)"),
    (lambda raw: (np.reshape(raw, (-1, 8, 8)).astype(np.float32)
                  / np.max(raw, axis=(-2, -1), keepdims=True).reshape(-1, 1, 1))[..., np.newaxis],
     "its own brightest pixel"),
    (lambda raw: (np.reshape(raw, (-1, 8, 8)).astype(np.float32) / np.float32(np.max(raw)))[..., np.newaxis],
     "largest value of the input"),
    (lambda raw: 1 / 0, "raised ZeroDivisionError"),
])
def test_preprocess_mistakes_get_a_targeted_message(answer, expected):
    status, message = status_and_message(ex.preprocess, answer)
    assert status == "incorrect"
    assert expected in message


def test_preprocess_in_place_change_is_caught():
    def in_place(raw_pixels):
        raw_pixels /= 16
        return np.reshape(raw_pixels, (-1, 8, 8, 1)).astype(np.float32)

    status, message = status_and_message(ex.preprocess, in_place)
    assert status == "incorrect" and "in place" in message


def test_preprocess_not_attempted():
    def placeholder(raw_pixels):
        batch = ...  # what the workbook's function body becomes
        return batch

    assert ex.preprocess.evaluate(...).status == "not attempted"
    assert ex.preprocess.evaluate(placeholder).status == "not attempted"


# --- Exercise 7.2: post-process ---------------------------------------------------

def right_postprocess(probabilities):
    return probabilities.argmax(axis=-1), probabilities.max(axis=-1)


def test_postprocess_right_answer():
    assert ex.postprocess.evaluate(right_postprocess).status == "correct"


@pytest.mark.parametrize("answer, expected", [
    (lambda p: (np.argmax(p), np.max(p)), "without an axis"),
    (lambda p: (p.argmax(axis=0), p.max(axis=0)), "axis=0"),
    (lambda p: (p.max(axis=-1), p.argmax(axis=-1)), "swapped"),
    (lambda p: (p.argmax(axis=-1), p.sum(axis=-1)), "sum of each row"),
    (lambda p: (p.argmin(axis=-1), p.max(axis=-1)), "index of the largest probability"),
    (lambda p: (p.argmax(axis=-1), np.sort(p, axis=-1)[:, -2]), "probability of the chosen digit"),
    (lambda p: p.argmax(axis=-1), "Return two things"),
])
def test_postprocess_mistakes_get_a_targeted_message(answer, expected):
    status, message = status_and_message(ex.postprocess, answer)
    assert status == "incorrect"
    assert expected in message


def test_postprocess_not_attempted():
    def placeholder(probabilities):
        predicted_digits = ...  # what the workbook's function body becomes
        confidences = ...
        return predicted_digits, confidences

    assert ex.postprocess.evaluate(...).status == "not attempted"
    assert ex.postprocess.evaluate(placeholder).status == "not attempted"


# --- Exercise 9.1: why on device --------------------------------------------------

@pytest.mark.parametrize("answer", ["bc", "b, c", "CB", ["b", "c"], {"c", "b"}])
def test_why_on_device_right_answers(answer):
    assert ex.why_on_device.evaluate(answer).status == "correct"


@pytest.mark.parametrize("answer, expected", [
    ("abc", "round trip"),
    ("b", "Think about (c)"),
    ("c", "Think about (b)"),
    ("bd", "letters a, b and c only"),
    ("", "at least one"),
])
def test_why_on_device_mistakes_get_a_targeted_message(answer, expected):
    status, message = status_and_message(ex.why_on_device, answer)
    assert status == "incorrect"
    assert expected in message


def test_why_on_device_not_attempted():
    assert ex.why_on_device.evaluate(...).status == "not attempted"


def test_checks_never_raise_and_hints_exist():
    for exercise in (ex.preprocess, ex.postprocess, ex.why_on_device):
        assert exercise.evaluate(42).status == "incorrect"  # not even a function / letters
        assert len(exercise.hints) >= 2


@pytest.mark.parametrize("answer", [2, 2.0, True, b"bc", {"b": 1, "c": 2}, lambda: "bc", [1, 2]])
def test_why_on_device_answer_not_letters_gets_a_message_not_a_python_error(answer):
    status, message = status_and_message(ex.why_on_device, answer)
    assert status == "incorrect"
    assert "letters" in message
    assert "raised" not in message and "not iterable" not in message


def test_postprocess_names_instead_of_numbers_gets_a_message_not_a_python_error():
    status, message = status_and_message(ex.postprocess, lambda p: ("seven", "sure"))
    assert status == "incorrect"
    assert "not numbers" in message and "raised" not in message
