"""Regression checks of 03_convert_and_run_with_litert, run in the notebook's kernel after its last cell."""
assert keras_accuracy >= 0.95, f"the digits CNN of lesson 02 should read at least 95% of the test digits: {keras_accuracy}"
for name, difference in {"runtime.load(...).predict": helper_difference, "signature runner": signature_difference,
                         "CompiledModel by hand": compiled_difference}.items():
    assert difference <= 1e-5, f"{name}: max |Keras - LiteRT| = {difference:.3g}, over the 1e-5 bar"
assert len(file_ops) == 7, f"the digits CNN should convert to 7 operators, not {len(file_ops)}"
