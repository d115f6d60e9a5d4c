"""Exercise checks of lesson 01_ml_in_two_minutes (rules vs a learned model on activity data).

    >>> from edgebook.checks import lesson_01 as ex
    >>> ex.speed_rules.check(classify_by_speed, windows=non_golf_x, labels=non_golf_y)
    >>> ex.golf_confused_with.check("cycling", counts=rules_counts)
    >>> ex.probabilities_to_names.check(probabilities_to_names)
"""
from __future__ import annotations

import numpy as np

from edgebook.exercises import Exercise, Incorrect, call, require
from edgebook.synth import ACTIVITIES

SPEED_CHANNEL = 3
"""Index of the GPS speed channel (km/h) in an activity window of shape (100, 4)."""

RULE_CLASSES = ACTIVITIES[:3]
"""The three activities the speed rules know: walking, running, cycling."""

RULES_MIN_ACCURACY = 0.9


# --- Exercise 2.1: rules on mean speed --------------------------------------------

def _non_golf_test_windows():
    """The test windows of the three activities the rules know (used when no context is given)."""
    from edgebook import data

    activity = data.load("activity")
    keep = activity.y_test < len(RULE_CLASSES)
    return activity.x_test[keep], activity.y_test[keep]


def _as_name(value) -> str:
    """A learner's answer for one window, as an activity name (or a targeted message)."""
    if isinstance(value, (str, np.str_)):
        return str(value).strip().lower()
    if isinstance(value, (int, np.integer)):
        raise Incorrect(f"Your function returned the number {value}; return the activity's name "
                        f"instead, one of {', '.join(repr(n) for n in RULE_CLASSES)}.")
    if isinstance(value, np.ndarray):
        described = f"an array of shape {value.shape}"
    else:
        text = repr(value)
        described = f"{text if len(text) <= 40 else text[:37] + '...'} (a {type(value).__name__})"
    raise Incorrect(f"Your function returned {described}; return the "
                    f"activity's name as a string, one of {', '.join(repr(n) for n in RULE_CLASSES)}.")


def _check_speed_rules(classify_by_speed, windows=None, labels=None, class_names=ACTIVITIES):
    if windows is None or labels is None:
        windows, labels = _non_golf_test_windows()
    windows, labels = np.asarray(windows), np.asarray(labels)
    guesses = [_as_name(call(classify_by_speed, window)) for window in windows]
    unknown = sorted({g for g in guesses if g not in class_names})
    if unknown:
        raise Incorrect(f"Your function returned {unknown[0]!r}, which is not an activity; return one "
                        f"of {', '.join(repr(n) for n in RULE_CLASSES)}.")
    predicted = np.array([list(class_names).index(g) for g in guesses])
    accuracy = float(np.mean(predicted == labels))
    if accuracy >= RULES_MIN_ACCURACY:
        return accuracy
    mean_speeds = windows[:, :, SPEED_CHANNEL].mean(axis=1)
    # Point at the activity the rules get most wrong, and say what they call it instead.
    present = [k for k in np.unique(labels)]
    recalls = {k: float(np.mean(predicted[labels == k] == k)) for k in present}
    worst = min(present, key=lambda k: recalls[k])
    mistakes = predicted[(labels == worst) & (predicted != worst)]
    called = np.bincount(mistakes, minlength=len(class_names)).argmax()
    n_called, n_class = int(np.sum(mistakes == called)), int(np.sum(labels == worst))
    low, high = mean_speeds[labels == worst].min(), mean_speeds[labels == worst].max()
    raise Incorrect(
        f"Your rules get {accuracy:.0%} of these windows right; aim for at least "
        f"{RULES_MIN_ACCURACY:.0%}. They call {n_called} of {n_class} {class_names[worst]} windows "
        f"{class_names[called]}: {class_names[worst]} windows have a mean speed of "
        f"{low:.1f}–{high:.1f} km/h. Compare your thresholds with the histogram above.")


speed_rules = Exercise(
    "Exercise 2.1 — Write the speed rules",
    _check_speed_rules,
    hints=[
        "Each activity has its own range of mean speed in the histogram: find the two speeds "
        "where one activity's bars stop and the next one's start.",
        "Walking stays below about 7 km/h, running is between about 7 and 13.5 km/h, cycling is "
        "faster. Compare `mean_speed` with the lower threshold first, then with the higher one.",
        "if mean_speed < 7.0: return 'walking'  /  if mean_speed < 13.5: return 'running'  /  "
        "return 'cycling'",
    ],
    success="Your hand-written rules recognise the three activities.",
)


# --- Exercise 3.1: what the rules call golf -----------------------------------------

def _reference_rules_counts(class_names=ACTIVITIES) -> np.ndarray:
    """Confusion counts of the lesson's rules (7 and 13.5 km/h) on all test windows."""
    from edgebook import data

    activity = data.load("activity")
    mean_speeds = activity.x_test[:, :, SPEED_CHANNEL].mean(axis=1)
    predicted = np.digitize(mean_speeds, [7.0, 13.5])  # 0 walking, 1 running, 2 cycling
    counts = np.zeros((len(class_names), len(class_names)), dtype=int)
    np.add.at(counts, (activity.y_test, predicted), 1)
    return counts


def _check_golf_confused_with(answer, counts=None, class_names=ACTIVITIES):
    answer = require(answer)
    if not isinstance(answer, str):
        raise Incorrect(f"Answer with an activity's name as a string, e.g. 'cycling'; you gave "
                        f"{answer!r}.")
    answer = answer.strip().lower()
    if answer not in class_names:
        raise Incorrect(f"{answer!r} is not one of the activities: {', '.join(class_names)}.")
    counts = np.asarray(counts) if counts is not None else _reference_rules_counts(class_names)
    golf = list(class_names).index("golf")
    if answer == "golf":
        raise Incorrect("The rules can only answer walking, running or cycling: nothing in them "
                        "says golf. Look along the golf row of the confusion matrix: which column "
                        "holds most of its windows?")
    expected = class_names[int(np.argmax(counts[golf]))]
    if answer != expected:
        n = int(counts[golf, list(class_names).index(answer)])
        raise Incorrect(f"The rules call {n} of {int(counts[golf].sum())} golf windows "
                        f"{answer}. Look along the golf row of the confusion matrix: which column "
                        f"holds most of them?")


golf_confused_with = Exercise(
    "Exercise 3.1 — What do the rules call golf?",
    _check_golf_confused_with,
    hints=[
        "In the confusion matrix each row is a true activity. Find the row labelled golf.",
        "Golfers stroll between shots, so their mean speed is low. Which activity do the rules "
        "pick for low speeds?",
    ],
    success="A golfer strolls at walking speed, so a rule on speed alone cannot tell them apart.",
)


# --- Exercise 5.1: post-processing, probabilities -> activity names ------------------

# Six windows' probabilities, one row per window, columns in ACTIVITIES order. Chosen so
# that the usual slips give a wrong answer the check can name: the largest value of each
# column lies in rows 0-3 (argmax along axis 0 gives 4 valid names), the largest value of
# the whole array is in column 0 (argmax without an axis gives one valid name), and the
# smallest value of each row differs from its largest (argmin gives other names).
EXAMPLE_PROBABILITIES = np.array([
    [0.95, 0.01, 0.02, 0.02],   # walking
    [0.02, 0.90, 0.05, 0.03],   # running
    [0.04, 0.06, 0.85, 0.05],   # cycling
    [0.30, 0.01, 0.04, 0.65],   # golf
    [0.04, 0.15, 0.75, 0.06],   # cycling
    [0.40, 0.05, 0.10, 0.45],   # golf
], dtype=np.float32)


def _check_probabilities_to_names(probabilities_to_names, probabilities=None,
                                  class_names=ACTIVITIES):
    probabilities = EXAMPLE_PROBABILITIES if probabilities is None else np.asarray(probabilities)
    expected = [class_names[k] for k in np.argmax(probabilities, axis=1)]
    try:
        names = call(probabilities_to_names, probabilities.copy(), class_names)
    except Incorrect as error:
        if "raised IndexError" not in str(error):
            raise
        raise Incorrect(f"{error}. Is your np.argmax taken along axis=1? Without an axis it gives "
                        f"a position in the flattened array, with axis=0 one position per column; "
                        f"neither is a class number.") from None
    if isinstance(names, (str, np.str_)):
        raise Incorrect(f"Your function returned one name, {str(names)!r}; return one name per row "
                        f"(one per window): this array has {len(probabilities)} rows.")
    names = list(np.asarray(names).reshape(-1)) if np.ndim(names) else [names]
    if len(names) != len(probabilities):
        extra = (" Each row is one window: take the largest value along axis=1, across the "
                 "columns." if len(names) == probabilities.shape[1] else "")
        returned = "one name" if len(names) == 1 else f"{len(names)} names"
        raise Incorrect(f"Your function returned {returned} for {len(probabilities)} "
                        f"windows (rows): return one name per row.{extra}")
    if all(isinstance(n, (int, np.integer)) for n in names):
        raise Incorrect(f"Your function returned class numbers such as {int(names[0])}; look each "
                        f"one up in class_names to get a name such as {class_names[int(names[0])]!r}.")
    names = [str(n) for n in names]
    if names == [class_names[k] for k in np.argmin(probabilities, axis=1)]:
        raise Incorrect("You picked the least likely activity of each window; use np.argmax, not "
                        "np.argmin.")
    for row, (name, want) in enumerate(zip(names, expected)):
        if name != want:
            shown = ", ".join(f"{c} {p:.2f}" for c, p in zip(class_names, probabilities[row]))
            raise Incorrect(f"Row {row} has the probabilities {shown}; the most likely activity is "
                            f"{want!r}, but your function says {name!r}.")


probabilities_to_names = Exercise(
    "Exercise 5.1 — From probabilities to activity names",
    _check_probabilities_to_names,
    hints=[
        "Each row holds one window's four probabilities, in the order of class_names. The "
        "answer for a window is the activity with the largest probability.",
        "np.argmax(probabilities, axis=1) gives the column of the largest value in each row; "
        "class_names[k] turns a column number k into a name.",
        "return [class_names[k] for k in np.argmax(probabilities, axis=1)]",
    ],
    success="That is the post-processing step: from numbers the model computes to names a person reads.",
)
