"""Regression checks of 02_train_and_infer, run in the notebook's kernel after its last cell."""
assert model.count_params() == 6090, f"the digits CNN should have 6,090 parameters, not {model.count_params():,}"
assert abs(right_accuracy - test_accuracy) < 1e-6, (
    f"the app's accuracy on pixels / 16 ({right_accuracy}) should be the evaluation's ({test_accuracy})")
assert saturated == float(np.mean(digits.x_test >= 2)), (
    "with the int8 input's scale 1/255 and zero point -128, exactly the pixel values of 2 or more should clip")
