"""Regression checks of 01_ml_in_two_minutes, run in the notebook's kernel after its last cell."""
badminton_row = rules_counts[class_names.index("badminton")]
assert class_names[int(np.argmax(badminton_row))] == "walking", (
    f"Exercise 3.1's answer changed: the rules should call most badminton windows walking; badminton row {badminton_row}")
assert rules_counts[:, class_names.index("badminton")].sum() == 0, "the three-activity rules can never answer badminton"
assert (STANDING_MAX, WALKING_MAX) == ex.RULE_THRESHOLDS, "the check's reference rules must be the lesson's"
assert parameter_count == model.count_params() < 500, parameter_count
assert len(test_y) == 200 and len(train_y) == 160 and len(val_y) == 40, (len(train_y), len(val_y), len(test_y))
