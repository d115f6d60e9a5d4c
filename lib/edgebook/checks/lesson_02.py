"""Exercise checks for 02_train_and_infer.

- ``preprocess``: raw digit pixels (0..16, one image or a batch) -> float32 0..1 of shape (n, 8, 8, 1)
- ``postprocess``: a batch of class probabilities -> (digits, confidences)
- ``why_on_device``: which reasons for on-device inference survive a perfect network
"""
from __future__ import annotations

import numpy as np

from edgebook.exercises import Exercise, Incorrect, call, require

MAX_PIXEL = 16.0

# Raw pixels as scikit-learn ships them: float64 values 0..16. The second image is
# faint (its brightest pixel is 12), so dividing by the image's own maximum is caught.
_RAW_BATCH = np.stack([
    np.tile([0, 4, 16, 9, 2, 0, 13, 5], (8, 1)),
    np.tile([0, 3, 12, 6, 0, 1, 8, 2], (8, 1)).T,
    np.tile([16, 0, 1, 7, 11, 15, 0, 10], (8, 1)),
]).astype(np.float64)


def _check_preprocess(preprocess) -> None:
    raw = _RAW_BATCH.copy()
    batch = np.asarray(call(preprocess, raw))
    if not np.array_equal(raw, _RAW_BATCH):
        raise Incorrect("Your function changed the raw pixels it was given (in place). "
                        "Build a new array instead, e.g. `raw_pixels / 16`, not `raw_pixels /= 16`.")
    n = len(_RAW_BATCH)
    if batch.shape == (n, 8, 8):
        raise Incorrect("The channel axis is missing: for a batch of 3 images the result has shape "
                        "(3, 8, 8), but the model expects (3, 8, 8, 1). Add it with `[..., np.newaxis]`.")
    if batch.shape == (n, 1, 8, 8):
        raise Incorrect("The channel axis is at the front (shape (3, 1, 8, 8)); Keras expects it last: "
                        "(3, 8, 8, 1). Use `[..., np.newaxis]`.")
    if batch.shape != (n, 8, 8, 1):
        raise Incorrect(f"For a batch of 3 images of 8x8 pixels your function returned shape {batch.shape}; "
                        f"expected (3, 8, 8, 1).")
    expected = (_RAW_BATCH / MAX_PIXEL)[..., np.newaxis]
    if not np.issubdtype(batch.dtype, np.number):
        raise Incorrect(f"Your function returned an array of {batch.dtype}; expected float32 numbers.")
    values = batch.astype(np.float64)
    if np.allclose(values, _RAW_BATCH[..., np.newaxis]):
        raise Incorrect("The values still go from 0 to 16: you forgot to divide by 16 "
                        "(the largest pixel value of this dataset).")
    if np.allclose(values, expected * MAX_PIXEL / 255):
        raise Incorrect("You divided by 255, but these pixels go from 0 to 16 (not 0 to 255 like "
                        "most photos): divide by 16.")
    per_image_max = _RAW_BATCH.max(axis=(1, 2), keepdims=True)
    if np.allclose(values, (_RAW_BATCH / per_image_max)[..., np.newaxis]):
        raise Incorrect("You divided each image by its own brightest pixel. Divide by 16, the largest "
                        "possible value, so that a faint digit stays faint: the model was trained that way.")
    if not np.allclose(values, expected, atol=1e-6):
        raise Incorrect(f"The values are not pixel / 16: for example pixel 12 became {values[1, 2, 0, 0]:.4g}, "
                        f"expected 0.75.")
    if batch.dtype != np.float32:
        raise Incorrect(f"The values are right but the dtype is {batch.dtype}; the model computes in float32. "
                        f"Convert with `.astype(np.float32)` (raw pixels can arrive as float64 or integers).")
    # One image on its own: the faint one, so dividing by the input's maximum shows up here.
    single = np.asarray(call(preprocess, _RAW_BATCH[1].copy()))
    if single.shape == (8, 8, 1):
        raise Incorrect("For one 8x8 image your function returned shape (8, 8, 1); the model always takes a "
                        "batch, so return a batch of one: (1, 8, 8, 1). `np.reshape(raw_pixels, (-1, 8, 8))` "
                        "turns one image or a batch into a batch.")
    if single.shape != (1, 8, 8, 1):
        raise Incorrect(f"For one 8x8 image your function returned shape {single.shape}; expected a batch "
                        f"of one: (1, 8, 8, 1).")
    if np.allclose(single, (_RAW_BATCH[1] / _RAW_BATCH[1].max())[np.newaxis, ..., np.newaxis]):
        raise Incorrect("For one faint image (brightest pixel 12) the values reach 1.0: you divided by the "
                        "largest value of the input. Divide by 16, the largest possible pixel value.")
    if single.dtype != np.float32 or not np.allclose(single, expected[1:2], atol=1e-6):
        raise Incorrect("A batch works, but one image alone does not give the same float32 values as the "
                        "first image of the batch.")


preprocess = Exercise(
    "Exercise 7.1 — Pre-process",
    _check_preprocess,
    hints=[
        "Three steps: make it a batch of 8x8 images, scale 0..16 to 0..1, add a channel axis at the end. "
        "Also make sure the result is float32.",
        "`np.reshape(raw_pixels, (-1, 8, 8))` gives a batch whether you pass one image or many; "
        "then `.astype(np.float32) / 16` and `[..., np.newaxis]`.",
        "batch = np.reshape(raw_pixels, (-1, 8, 8)).astype(np.float32)\n"
        "return (batch / 16)[..., np.newaxis]",
    ],
    success="Your pre-processing turns one image or a batch into exactly what the model was trained on.",
)


# Three images' class probabilities (rows sum to 1). Row 0's largest value is in
# column 7, row 1's in column 0, row 2's in column 3; the column-wise maximum differs.
_PROBABILITIES = np.array([
    [0.01, 0.02, 0.05, 0.02, 0.01, 0.03, 0.01, 0.80, 0.03, 0.02],
    [0.55, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05],
    [0.02, 0.30, 0.02, 0.40, 0.02, 0.02, 0.02, 0.02, 0.02, 0.16],
], dtype=np.float32)
_DIGITS = np.array([7, 0, 3])
_CONFIDENCES = np.array([0.80, 0.55, 0.40])


def _check_postprocess(postprocess) -> None:
    result = call(postprocess, _PROBABILITIES.copy())
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise Incorrect("Return two things, `digits, confidences` (a tuple), e.g. "
                        "`return probabilities.argmax(axis=-1), probabilities.max(axis=-1)`.")
    digits, confidences = (np.asarray(require(part)) for part in result)
    for name, part in (("digits", digits), ("confidences", confidences)):
        if not (np.issubdtype(part.dtype, np.number) or part.dtype == bool):
            raise Incorrect(f"The {name} you returned are not numbers (an array of {part.dtype}): return "
                            "`probabilities.argmax(axis=-1), probabilities.max(axis=-1)`.")
    if digits.shape == () and int(digits) == int(np.argmax(_PROBABILITIES)):
        raise Incorrect("`np.argmax` without an axis returns one index into the flattened array. "
                        "Use `axis=-1` to get one digit per image.")
    if digits.shape == (10,):
        raise Incorrect("You got 10 digits for 3 images: the maximum was taken down each column (axis=0). "
                        "Use `axis=-1`, across the 10 classes of each image.")
    if digits.shape != (3,) or confidences.shape != (3,):
        raise Incorrect(f"For 3 images expected 3 digits and 3 confidences; got shapes {digits.shape} "
                        f"and {confidences.shape}.")
    if np.allclose(digits.astype(np.float64), _CONFIDENCES) and np.array_equal(confidences, _DIGITS):
        raise Incorrect("The two results are swapped: return `digits, confidences` in that order.")
    if not np.array_equal(digits, _DIGITS):
        raise Incorrect(f"For the test probabilities the digits should be {_DIGITS.tolist()}; you returned "
                        f"{digits.tolist()}. The digit is the index of the largest probability (argmax).")
    if np.allclose(confidences, 1.0):
        raise Incorrect("Every confidence is 1.0: that is the sum of each row. The confidence is the "
                        "largest probability: `probabilities.max(axis=-1)`.")
    if not np.allclose(np.asarray(confidences, dtype=np.float64), _CONFIDENCES, atol=1e-6):
        raise Incorrect(f"The digits are right, but the confidences should be {_CONFIDENCES.tolist()}; you "
                        f"returned {np.round(np.asarray(confidences, dtype=np.float64), 4).tolist()}. "
                        f"The confidence is the probability of the chosen digit.")


postprocess = Exercise(
    "Exercise 7.2 — Post-process",
    _check_postprocess,
    hints=[
        "Each row holds one image's 10 probabilities. The digit is the position of the largest one; "
        "the confidence is its value.",
        "NumPy's `argmax` and `max`, both with `axis=-1`.",
        "return probabilities.argmax(axis=-1), probabilities.max(axis=-1)",
    ],
    success="Your post-processing turns the model's output into an answer a person can use.",
)


_REASONS = {
    "a": "A cloud server has no round trip left to lose, and is often faster than a phone: the latency "
         "advantage of on-device inference comes from the network round trip, so (a) would no longer hold.",
    "b": "(b) still holds: with no connection at all (a tunnel, an aeroplane, conference Wi-Fi) no network is "
         "fast, and only the on-device app answers.",
    "c": "(c) still holds: however fast the network, sending the image means it leaves the device; "
         "on-device inference never sends it.",
}


def _letters(answer) -> set[str]:
    if isinstance(answer, str):
        items = [c for c in answer.lower() if c.isalpha()]
    elif isinstance(answer, (list, tuple, set, frozenset)) and all(isinstance(item, str) for item in answer):
        items = [item.strip().lower() for item in answer]
    else:
        raise Incorrect(f"Answer with the letters in a string, e.g. \"ab\"; you gave {answer!r} "
                        f"(a {type(answer).__name__}).")
    unknown = sorted(set(items) - set(_REASONS))
    if unknown:
        raise Incorrect(f"Answer with the letters a, b and c only (for example \"ab\"); you gave {unknown}.")
    return set(items)


def _check_why_on_device(answer) -> None:
    chosen = _letters(require(answer))
    if not chosen:
        raise Incorrect("Pick at least one letter.")
    if "a" in chosen:
        raise Incorrect(_REASONS["a"])
    for letter in ("b", "c"):
        if letter not in chosen:
            raise Incorrect(f"Think about ({letter}) again. " + _REASONS[letter].replace(f"({letter}) still", "It still"))


why_on_device = Exercise(
    "Exercise 9.1 — What a perfect network would not fix",
    _check_why_on_device,
    hints=[
        "Imagine a network with a zero round trip. Which advantages did come from the network's round trip, "
        "and which come from the network being needed at all?",
        "Two of the three are about not needing the network at all.",
    ],
    success="Right: (b) and (c). A faster network shrinks the latency gap, but an app that needs the "
            "network still fails offline and still sends the user's data away.",
)
