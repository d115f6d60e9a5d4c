"""Exercise checks of lesson 01_ml_in_two_minutes (rules vs a learned model on real smartwatch data).

    >>> from edgebook.checks import lesson_01 as ex
    >>> ex.motion_rules.check(classify_by_motion, windows=three_x, labels=three_y)
    >>> ex.badminton_called.check("walking", counts=rules_counts)
    >>> ex.probabilities_to_names.check(probabilities_to_names)
"""
from __future__ import annotations

import numpy as np

from edgebook.exercises import Exercise, Incorrect, call, require

ACTIVITIES = ("standing", "walking", "running", "badminton")
"""The classes of ``data.load("basic_motions")``, in its order."""

RULE_CLASSES = ACTIVITIES[:3]
"""The three activities the rules know: standing, walking, running."""

WINDOW_SAMPLES = 20
"""The lesson's windows: 2 seconds at 10 Hz."""

RULE_THRESHOLDS = (2.0, 9.0)
"""The lesson's own rules: standing below 2 m/s^2 of mean acceleration, walking below 9, running above."""

RULES_MIN_ACCURACY = 0.9


def mean_acceleration(windows) -> np.ndarray:
    """How hard the wrist moves in each window: the mean length of its acceleration (channels 0-2), m/s^2."""
    return np.linalg.norm(np.asarray(windows)[..., :3], axis=-1).mean(axis=-1)


def _test_windows():
    from edgebook import data

    motions = data.load("basic_motions", window_samples=WINDOW_SAMPLES)
    return motions.x_test, motions.y_test


# --- Exercise 2.1: rules on the mean acceleration ---------------------------------

def _three_activity_test_windows():
    """The test windows of the three activities the rules know (used when no context is given)."""
    x, y = _test_windows()
    keep = y < len(RULE_CLASSES)
    return x[keep], y[keep]


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


def _check_motion_rules(classify_by_motion, windows=None, labels=None, class_names=ACTIVITIES):
    if windows is None or labels is None:
        windows, labels = _three_activity_test_windows()
    windows, labels = np.asarray(windows), np.asarray(labels)
    guesses = [_as_name(call(classify_by_motion, window)) for window in windows]
    unknown = sorted({g for g in guesses if g not in class_names})
    if unknown:
        raise Incorrect(f"Your function returned {unknown[0]!r}, which is not an activity; return one "
                        f"of {', '.join(repr(n) for n in RULE_CLASSES)}.")
    predicted = np.array([list(class_names).index(g) for g in guesses])
    accuracy = float(np.mean(predicted == labels))
    if accuracy >= RULES_MIN_ACCURACY:
        return accuracy
    means = mean_acceleration(windows)
    # Point at the activity the rules get most wrong, and say what they call it instead.
    present = [k for k in np.unique(labels)]
    recalls = {k: float(np.mean(predicted[labels == k] == k)) for k in present}
    worst = min(present, key=lambda k: recalls[k])
    mistakes = predicted[(labels == worst) & (predicted != worst)]
    called = np.bincount(mistakes, minlength=len(class_names)).argmax()
    n_called, n_class = int(np.sum(mistakes == called)), int(np.sum(labels == worst))
    low, high = np.percentile(means[labels == worst], [5, 95])
    raise Incorrect(
        f"Your rules get {accuracy:.0%} of these windows right; aim for at least "
        f"{RULES_MIN_ACCURACY:.0%}. They call {n_called} of {n_class} {class_names[worst]} windows "
        f"{class_names[called]}: most {class_names[worst]} windows have a mean acceleration of "
        f"{low:.1f}–{high:.1f} m/s². Compare your thresholds with the histogram above.")


motion_rules = Exercise(
    "Exercise 2.1 — Write the rules",
    _check_motion_rules,
    hints=[
        "Each activity has its own range of mean acceleration in the histogram: find the two values "
        "where one activity's bars stop and the next one's start.",
        "Standing stays below about 2 m/s², walking below about 5, running starts above about 13. Compare "
        "`mean_acceleration` with the lower threshold first, then with the higher one.",
        "if mean_acceleration < 2.0: return 'standing'  /  if mean_acceleration < 9.0: return 'walking'  /  "
        "return 'running'",
    ],
    success="Your hand-written rules recognise the three activities.",
)


# --- Exercise 3.1: what the rules call badminton ------------------------------------

def _reference_rules_counts(class_names=ACTIVITIES) -> np.ndarray:
    """Confusion counts of the lesson's rules (RULE_THRESHOLDS) on all test windows."""
    x, y = _test_windows()
    predicted = np.digitize(mean_acceleration(x), RULE_THRESHOLDS)  # 0 standing, 1 walking, 2 running
    counts = np.zeros((len(class_names), len(class_names)), dtype=int)
    np.add.at(counts, (y, predicted), 1)
    return counts


def _check_badminton_called(answer, counts=None, class_names=ACTIVITIES):
    answer = require(answer)
    if not isinstance(answer, str):
        raise Incorrect(f"Answer with an activity's name as a string, e.g. 'standing'; you gave "
                        f"{answer!r}.")
    answer = answer.strip().lower()
    if answer not in class_names:
        raise Incorrect(f"{answer!r} is not one of the activities: {', '.join(class_names)}.")
    counts = np.asarray(counts) if counts is not None else _reference_rules_counts(class_names)
    badminton = list(class_names).index("badminton")
    if answer == "badminton":
        raise Incorrect("The rules can only answer standing, walking or running: nothing in them "
                        "says badminton. Look along the badminton row of the confusion matrix: which "
                        "column holds most of its windows?")
    expected = class_names[int(np.argmax(counts[badminton]))]
    if answer != expected:
        n = int(counts[badminton, list(class_names).index(answer)])
        raise Incorrect(f"The rules call {n} of {int(counts[badminton].sum())} badminton windows "
                        f"{answer}. Look along the badminton row of the confusion matrix: which column "
                        f"holds most of them?")


badminton_called = Exercise(
    "Exercise 3.1 — What do the rules call badminton?",
    _check_badminton_called,
    hints=[
        "In the confusion matrix each row is a true activity. Find the row labelled badminton.",
        "Most badminton windows have a mean acceleration between walking's and running's. Which side "
        "of the rules' upper threshold do most of them fall on?",
    ],
    success="Badminton lies between walking and running, and rules that know only standing, walking and "
            "running must call it one of them: most of its windows fall below the upper threshold.",
)


# --- Exercise 5.1: post-processing, probabilities -> activity names ------------------

# Six windows' probabilities, one row per window, columns in ACTIVITIES order. Chosen so
# that the usual slips give a wrong answer the check can name: the largest value of each
# column lies in rows 0-3 (argmax along axis 0 gives 4 valid names), the largest value of
# the whole array is in column 0 (argmax without an axis gives one valid name), and the
# smallest value of each row differs from its largest (argmin gives other names).
EXAMPLE_PROBABILITIES = np.array([
    [0.95, 0.01, 0.02, 0.02],   # standing
    [0.02, 0.90, 0.05, 0.03],   # walking
    [0.04, 0.06, 0.85, 0.05],   # running
    [0.30, 0.01, 0.04, 0.65],   # badminton
    [0.04, 0.15, 0.75, 0.06],   # running
    [0.40, 0.05, 0.10, 0.45],   # badminton
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
