"""Regression checks of 01_ml_in_two_minutes, run in the notebook's kernel after its last cell."""
golf_row = rules_counts[class_names.index("golf")]
assert class_names[int(np.argmax(golf_row))] == "walking", (
    f"Exercise 3.1's answer changed: the speed rules should call most golf windows walking; golf row {golf_row}")
assert rules_counts[class_names.index("golf"), class_names.index("golf")] == 0, (
    "the speed rules can never answer golf")
assert parameter_count == model.count_params() < 500, parameter_count
