"""Exercises with checks and hints, in the style of Kaggle's learntools.

In a lesson:

    >>> from edgebook.checks import lesson_02 as ex
    >>> ex.scale_pixels.check(scaled)      # ✓ correct / ✗ what is wrong / not attempted yet
    >>> ex.scale_pixels.hint()             # first hint; hint(2) is more direct

``check`` never raises: whatever the answer (even code that crashes), it shows
a message and records ``status``. An answer left as ``...`` (or a function
that returns ``...`` or None) is "not attempted yet", which is how every
exercise of a freshly generated workbook starts.

Introduced in 00_welcome_and_setup_check.
"""
from __future__ import annotations

import html
from typing import Callable, Sequence

import numpy as np

from edgebook.claims import show

CORRECT, INCORRECT, NOT_ATTEMPTED = "correct", "incorrect", "not attempted"


class Incorrect(Exception):
    """Raised by a check function with a message aimed at the learner's mistake."""


class NotAttempted(Exception):
    """Raised when the answer is still the ``...`` placeholder."""


def unanswered(value) -> bool:
    return value is Ellipsis or value is None


def require(value):
    """Return ``value``, or stop the check as "not attempted" if it is still ``...`` / None."""
    if unanswered(value):
        raise NotAttempted()
    return value


def call(function: Callable, *args, **kwargs):
    """Call the learner's function; a placeholder result means "not attempted",
    an exception becomes a message instead of a traceback."""
    if unanswered(function):
        raise NotAttempted()
    if not callable(function):
        raise Incorrect(f"Expected a function, got a {type(function).__name__}.")
    try:
        result = function(*args, **kwargs)
    except Exception as error:  # the learner's code: report it, never raise
        raise Incorrect(f"Your function raised {type(error).__name__}: {error}") from None
    return require(result)


def expect_array(value, shape: Sequence[int] | None = None, dtype=None, name: str = "your answer") -> np.ndarray:
    """Check an answer's shape and type, with a message that says which is off."""
    array = np.asarray(require(value))
    if shape is not None and tuple(array.shape) != tuple(shape):
        raise Incorrect(f"{name} has shape {tuple(array.shape)}; expected {tuple(shape)}.")
    if dtype is not None and array.dtype != np.dtype(dtype):
        raise Incorrect(f"{name} has dtype {array.dtype}; expected {np.dtype(dtype)}.")
    return array


def expect_dict(value, keys: Sequence[str]) -> dict:
    """Check an answer given as a dict: every key present and filled in.

    All values still ``...`` means "not attempted"; only some means the learner
    forgot one, and the message names it.
    """
    answer = require(value)
    names = ", ".join(map(str, keys))
    if not isinstance(answer, dict):
        raise Incorrect(f"Pass a dict with the keys {names}; you gave a {type(answer).__name__}.")
    missing = [key for key in keys if key not in answer]
    if missing:
        raise Incorrect(f"The dict has no {missing[0]!r}: it needs the keys {names}.")
    if all(unanswered(answer[key]) for key in keys):
        raise NotAttempted()
    blank = [key for key in keys if unanswered(answer[key])]
    if blank:
        raise Incorrect(f"{blank[0]} is still ...: fill in every key.")
    return answer


class Result:
    """What a check shows: a coloured box in Jupyter, a plain line elsewhere."""

    _STYLE = {CORRECT: ("✓", "#e6f4ea", "#1e7e34"),
              INCORRECT: ("✗", "#fdecea", "#b3261e"),
              NOT_ATTEMPTED: ("…", "#f1f3f4", "#5f6368")}

    def __init__(self, title: str, status: str, message: str):
        self.title, self.status, self.message = title, status, message

    def __repr__(self) -> str:
        mark = self._STYLE[self.status][0]
        return f"{mark} {self.title}: {self.status}. {self.message}".strip()

    def _repr_html_(self) -> str:
        mark, background, colour = self._STYLE[self.status]
        return (f'<div style="background:{background};border-left:4px solid {colour};'
                f'padding:6px 10px;margin:4px 0"><b style="color:{colour}">{mark} {html.escape(self.title)}: '
                f'{self.status}.</b> {html.escape(self.message)}</div>')


class Exercise:
    """One exercise: a check function, tiered hints, and the status of the last check.

    ``check_fn(answer, **context)`` returns None when the answer is right, or
    raises ``Incorrect("what is wrong")``; ``require``/``call`` turn a ``...``
    placeholder into "not attempted yet".
    """

    def __init__(self, title: str, check_fn: Callable, hints: Sequence[str] = (),
                 success: str = "Well done.", name: str | None = None):
        self.title, self._check_fn, self.hints, self.success = title, check_fn, tuple(hints), success
        self._name = name
        self.status = NOT_ATTEMPTED
        self.message = ""

    @property
    def name(self) -> str | None:
        """How a lesson reaches this exercise: its name in the check module (``ex.<name>``), or None.

        Given as ``name=`` or else found in the lesson's check module, where it is assigned.
        """
        if self._name is None:
            self._name = next((key.split(".", 1)[1] for key, exercise in lesson_exercises().items()
                               if exercise is self), None)
        return self._name

    def hint_call(self) -> str:
        """The line a learner runs for a hint: ``ex.preprocess.hint()`` (lessons import the checks as ``ex``)."""
        return f"ex.{self.name}.hint()" if self.name else ".hint() on this exercise"

    def __repr__(self) -> str:
        return f"<Exercise {self.title!r}: {self.status}>"

    def evaluate(self, answer, **context) -> Result:
        """Check ``answer`` and return the result without showing it (used by the tests)."""
        try:
            if unanswered(answer):
                raise NotAttempted()
            self._check_fn(answer, **context)
            status, message = CORRECT, self.success
        except NotAttempted:
            status, message = NOT_ATTEMPTED, "Replace the ... with your answer, then run the cell again."
        except Incorrect as wrong:
            status, message = INCORRECT, str(wrong) + (f" Need help? Run {self.hint_call()}." if self.hints else "")
        except Exception as error:  # a bug in the answer's shape we did not foresee: still no traceback
            given = repr(answer) if len(repr(answer)) <= 40 else f"{repr(answer)[:37]}..."
            status, message = INCORRECT, (
                f"Your answer ({type(answer).__name__} {given}) could not be checked: checking it raised "
                f"{type(error).__name__}: {error}. Is it the kind of value the exercise asks for (a function, "
                "an array, a number, a dict...)? Read the exercise's starter cell again.")
        self.status, self.message = status, message
        return Result(self.title, status, message)

    def check(self, answer, **context) -> None:
        """Check ``answer`` and show ✓ correct, ✗ with what is wrong, or "not attempted yet"."""
        show(self.evaluate(answer, **context))

    def hint(self, level: int = 1) -> None:
        """Show hint number ``level`` (1 is the gentlest)."""
        if not self.hints:
            text = "This exercise has no hints."
        else:
            level = min(max(int(level), 1), len(self.hints))
            more = f" (hint({level + 1}) says more)" if level < len(self.hints) else ""
            text = f"Hint {level}/{len(self.hints)}{more}: {self.hints[level - 1]}"
        show(_Hint(self.title, text))


class _Hint:
    def __init__(self, title: str, text: str):
        self.title, self.text = title, text

    def __repr__(self) -> str:
        return f"💡 {self.title}: {self.text}"

    def _repr_html_(self) -> str:
        return (f'<div style="background:#fff8e1;border-left:4px solid #f9a825;padding:6px 10px;'
                f'margin:4px 0">💡 <b>{html.escape(self.title)}</b>: {html.escape(self.text)}</div>')


def lesson_exercises() -> dict[str, Exercise]:
    """Every exercise of the check modules imported so far, as {"lesson_08.conv_macs": exercise}."""
    import sys

    found = {}
    for module_name, module in sorted(sys.modules.items()):
        if module_name.startswith("edgebook.checks.lesson_") and module is not None:
            lesson = module_name.rsplit(".", 1)[1]
            found.update({f"{lesson}.{name}": value for name, value in vars(module).items()
                          if isinstance(value, Exercise)})
    return found


def require_status(expected: str) -> None:
    """Raise AssertionError unless every exercise imported so far has status ``expected``.

    The test suite calls it after each notebook: every check of a solution must
    say "correct" (a solution proves its own checks), every check of a freshly
    generated workbook "not attempted".
    """
    exercises = lesson_exercises()
    wrong = {name: f"{exercise.status}: {exercise.message}" for name, exercise in exercises.items()
             if exercise.status != expected}
    if wrong:
        lines = "\n".join(f"  {name}: {text}" for name, text in wrong.items())
        raise AssertionError(f"Expected every exercise to be {expected!r}; these are not:\n{lines}")


# --- exercises written as data: cases, a reference answer, known mistakes ----------------------------

class Mistake:
    """A known wrong answer: ``wrong(*case)`` computes what that mistake gives, ``message`` says what it is.

    ``message`` may name the case with ``{case}``, e.g. "For {case} you counted the supported ops."
    """

    def __init__(self, wrong: Callable, message: str):
        self.wrong, self.message = wrong, message


def function_exercise(title: str, reference: Callable, cases: Sequence[tuple[tuple, str]], *,
                      mistakes: Sequence[Mistake] = (), also_right: Sequence[Callable] = (),
                      answer_of: Callable = lambda result, case: result, same: Callable = None,
                      lesson_cases: Callable | None = None, then: Callable | None = None,
                      hints: Sequence[str] = (), success: str = "Well done.") -> Exercise:
    """An exercise that asks for a function, written as data instead of a check function.

    ``cases`` are ``(arguments, description)`` pairs; the learner's function is
    called on a copy of each, and its result compared (``same``, by default
    equal or NumPy-close) with ``reference(*arguments)`` and with each function
    of ``also_right`` (other definitions that are right too). A wrong result is
    compared with every ``Mistake`` in turn, and the first that gives it names
    the mistake; otherwise the message shows the result and the expected one.
    ``answer_of(result, description)`` turns the raw result into the value to
    compare (raise ``Incorrect`` there for a result of the wrong kind).
    ``lesson_cases(**context)`` adds cases from the lesson's own data, and
    ``then(function, **context)`` checks anything more once every case passed
    (e.g. that the answer agrees with what the runtime really did).

    Introduced in 09_delegates_and_benchmarking.
    """
    same = same or _same

    def check(function, **context):
        extra = list(lesson_cases(**context)) if lesson_cases else []
        for arguments, description in [*cases, *extra]:
            got = answer_of(call(function, *_copies(arguments)), description)
            expected = reference(*_copies(arguments))
            if same(got, expected) or any(same(got, right(*_copies(arguments))) for right in also_right):
                continue
            for mistake in mistakes:
                if same(got, mistake.wrong(*_copies(arguments))):
                    raise Incorrect(mistake.message.format(case=description))
            raise Incorrect(f"For {description} your function gives {got!r}; expected {expected!r}.")
        if then:
            then(function, **context)

    return Exercise(title, check, hints=hints, success=success)


def _same(a, b) -> bool:
    try:
        return bool(np.allclose(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64),
                                rtol=1e-6, atol=1e-12))
    except (TypeError, ValueError):
        return a == b


def _copies(arguments: tuple) -> tuple:
    """Fresh copies of a case's arguments, so an answer that changes its input in place spoils nothing."""
    import copy

    return tuple(copy.deepcopy(argument) for argument in arguments)
