"""edgebook.exercises: checks never raise, statuses, hints."""
import numpy as np

from edgebook.exercises import (CORRECT, INCORRECT, NOT_ATTEMPTED, Exercise, Incorrect, call,
                                expect_array, require)


def _is_seven(answer):
    if require(answer) != 7:
        raise Incorrect("Not seven.")


seven = Exercise("Exercise T.1 — Seven", _is_seven, hints=["Between 6 and 8.", "It is 7."])


def test_right_wrong_and_not_attempted():
    assert seven.evaluate(7).status == CORRECT
    wrong = seven.evaluate(6)
    assert wrong.status == INCORRECT and "Not seven." in wrong.message and ".hint()" in wrong.message
    assert seven.evaluate(...).status == NOT_ATTEMPTED
    assert seven.evaluate(None).status == NOT_ATTEMPTED


def test_check_never_raises_even_on_nonsense(capsys):
    seven.check(object())  # the comparison works; just wrong
    assert seven.status == INCORRECT
    Exercise("T.2", lambda answer: 1 / 0).check(3)
    assert "ZeroDivisionError" in capsys.readouterr().out


def test_check_shows_a_plain_line_outside_jupyter(capsys):
    seven.check(7)
    assert capsys.readouterr().out.startswith("✓ Exercise T.1 — Seven: correct.")


def test_results_render_as_html_in_jupyter():
    html = seven.evaluate(6)._repr_html_()
    assert "✗" in html and "incorrect" in html and "<div" in html


def test_function_answers():
    def check_double(function):
        if call(function, 2) != 4:
            raise Incorrect("double(2) should be 4.")

    double = Exercise("T.3", check_double)

    def placeholder(x):
        ...

    def crashes(x):
        raise ValueError("boom")

    assert double.evaluate(lambda x: 2 * x).status == CORRECT
    assert double.evaluate(lambda x: x + 1).status == INCORRECT
    assert double.evaluate(placeholder).status == NOT_ATTEMPTED
    result = double.evaluate(crashes)
    assert result.status == INCORRECT and "ValueError: boom" in result.message
    assert "Expected a function" in double.evaluate(3).message


def test_expect_array_messages():
    def check(answer):
        expect_array(answer, shape=(2, 2), dtype=np.float32)

    exercise = Exercise("T.4", check)
    assert exercise.evaluate(np.zeros((2, 2), np.float32)).status == CORRECT
    assert "shape (3,)" in exercise.evaluate(np.zeros(3, np.float32)).message
    assert "dtype float64" in exercise.evaluate(np.zeros((2, 2))).message


def test_hints_are_tiered(capsys):
    seven.hint()
    seven.hint(2)
    seven.hint(9)  # past the last hint: shows the last one
    out = capsys.readouterr().out.splitlines()
    assert "Hint 1/2" in out[0] and "hint(2) says more" in out[0]
    assert "Hint 2/2" in out[1] and "It is 7." in out[1]
    assert "Hint 2/2" in out[2]
    Exercise("T.5", _is_seven).hint()
    assert "no hints" in capsys.readouterr().out


def test_expect_dict_messages():
    from edgebook.exercises import expect_dict

    exercise = Exercise("T.6", lambda answer: expect_dict(answer, ("a", "b")))
    assert exercise.evaluate({"a": 1, "b": 2}).status == CORRECT
    assert exercise.evaluate({"a": ..., "b": ...}).status == NOT_ATTEMPTED
    assert "b is still ..." in exercise.evaluate({"a": 1, "b": ...}).message
    assert "has no 'b'" in exercise.evaluate({"a": 1}).message
    assert "Pass a dict" in exercise.evaluate([1, 2]).message


def test_the_hint_line_names_the_exercise():
    from edgebook.checks import lesson_02 as ex

    assert ex.preprocess.name == "preprocess"
    message = ex.preprocess.evaluate(lambda raw: raw).message  # wrong: no scaling, no channel axis
    assert "Need help? Run ex.preprocess.hint()." in message
    named = Exercise("T.7", _is_seven, hints=["7"], name="seven")
    assert "Run ex.seven.hint()." in named.evaluate(6).message
    assert "Run .hint() on this exercise." in seven.evaluate(6).message  # defined outside a check module


def test_an_answer_the_check_cannot_handle_is_named_with_its_type():
    def needs_a_list(answer):
        if sum(answer) != 3:
            raise Incorrect("The items should add up to 3.")

    result = Exercise("T.8", needs_a_list).evaluate(2)
    assert result.status == INCORRECT
    assert "Your answer (int 2) could not be checked" in result.message and "not iterable" in result.message
    assert "kind of value the exercise asks for" in result.message
    assert Exercise("T.8", needs_a_list).evaluate([1, 2]).status == CORRECT
