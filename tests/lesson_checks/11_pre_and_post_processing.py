"""Regression checks of lesson 11, run by the test suite in the solution's kernel after its last cell."""
import numpy as np

assert app_accuracy >= 0.95, f"lesson 02's digits CNN scores worse than before: {app_accuracy:.1%}"
assert classify_ops[:3] == ["CAST", "MUL", "EXPAND_DIMS"] and classify_ops[-1] == "TOPK_V2", \
    f"section 3's prose names the first three ops and the last: {classify_ops}"
assert nearest_accuracy >= 0.9, f"nearest neighbour in feature space scores worse than before: {nearest_accuracy:.1%}"
assert list(app_signatures) == list(labelled_interpreter.get_signature_list()), list(app_signatures)
assert np.array_equal(digits_wrapper.classify(raw_pixels=raw_test).class_ids, litert_outputs["class_ids"]), \
    "the wrapper's classify should give the signature runner's class ids"
assert np.array_equal(line_y.ravel(), [1.0, 2.0, 7.0]), f"y = 2x + 1 at 0, 0.5, 3 should be 1, 2, 7: {line_y.ravel()}"
