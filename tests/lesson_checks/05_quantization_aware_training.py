"""Regression checks of lesson 05_quantization_aware_training, run in the solution's kernel after its
last cell (by edgebook.pytest_plugin): numbers the lesson measured that its prose does not state."""

assert float_model.count_params() == 151_306, f"the baseline has {float_model.count_params():,} parameters"
assert float_accuracy >= 0.95, f"the baseline's Keras test accuracy is {float_accuracy:.2%}"
assert qat_accuracy >= float_accuracy - 0.015, f"8-bit QAT in Keras: {qat_accuracy:.2%}, float {float_accuracy:.2%}"
assert sum(op_types.values()) == 9, f"fake-quant ops of the baseline's QAT model: {op_types}"
assert low_bit_accuracy[4] >= float_accuracy - 0.015, f"4-bit QAT: {low_bit_accuracy[4]:.2%}"
