"""Regression checks of lesson 04_post_training_quantization, run in the solution's kernel after its
last cell (by edgebook.pytest_plugin): numbers the lesson measured that its prose does not state."""

assert float_model.count_params() == 151_306, f"the baseline has {float_model.count_params():,} parameters"
assert float_accuracy >= 0.95, f"the baseline's Keras test accuracy is {float_accuracy:.2%}"
assert dense_share > 0.8, f"dense holds {dense_share:.0%} of the parameters (was over 80%)"
assert worst_in_float.bytes > all_int8.bytes, "keeping the worst layer in float should cost bytes"
assert np.unique(weights.quantize_kernel(first_kernel, 2)[..., 0]).size <= 3, "2 bits: -s, 0, +s per channel"
assert simulated[8].accuracy >= float_accuracy - 0.005, f"8 simulated bits: {simulated[8].accuracy:.2%}"
