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


# --- function_exercise: an exercise written as data ------------------------------------------------

def _square_exercise(**options):
    from edgebook.exercises import Mistake, function_exercise

    return function_exercise(
        "Exercise 9.9 — Square it", lambda x: x * x, cases=[((3,), "x = 3"), ((-2,), "x = -2")],
        mistakes=[Mistake(lambda x: 2 * x, "For {case} you doubled x; multiply x by itself.")],
        hints=["x * x"], **options)


def test_function_exercise_right_answer():
    assert _square_exercise().evaluate(lambda x: x ** 2).status == "correct"


def test_function_exercise_names_a_known_mistake_with_its_case():
    result = _square_exercise().evaluate(lambda x: x + x)
    assert result.status == "incorrect" and "For x = 3 you doubled x" in result.message, result.message


def test_function_exercise_unknown_mistake_shows_what_was_expected():
    result = _square_exercise().evaluate(lambda x: x * x if x > 0 else 0)
    assert result.status == "incorrect" and "For x = -2 your function gives 0; expected 4." in result.message


def test_function_exercise_also_right_and_lesson_cases_and_then():
    seen = []
    exercise = _square_exercise(also_right=[lambda x: abs(x) * abs(x) + 0.0],
                                lesson_cases=lambda value=None: [((value,), "the lesson's value")],
                                then=lambda function, value=None: seen.append(function(value)))
    assert exercise.evaluate(lambda x: x * x, value=5).status == "correct"
    assert seen == [25]
    result = exercise.evaluate(lambda x: 9 if x == 3 else (4 if x == -2 else 0), value=5)
    assert "For the lesson's value your function gives 0; expected 25." in result.message


def test_function_exercise_gives_each_call_a_fresh_copy():
    from edgebook.exercises import function_exercise

    exercise = function_exercise("Exercise 9.8 — Sum", sum, cases=[(([1, 2, 3],), "[1, 2, 3]")])

    def sum_and_spoil(values):
        total = sum(values)
        values.clear()
        return total

    assert exercise.evaluate(sum_and_spoil).status == "correct"
