"""Regression checks of lesson 09, run by the test suite in the solution's kernel after its last cell."""

assert after.accuracy >= 0.95, f"the separable rewrite trained worse than before: {after.accuracy:.2%}"
assert len(test_y) == 360, f"the digits test split should have 360 images, not {len(test_y)}"
