"""Regression checks of lesson 06_pruning, run in the solution's kernel after its last cell (by
edgebook.pytest_plugin): numbers the lesson measured that its prose does not state."""

assert float_model.count_params() == 151_306, f"the baseline has {float_model.count_params():,} parameters"
assert float_accuracy >= 0.95, f"the baseline's Keras test accuracy is {float_accuracy:.2%}"
assert pruning.schedule(0.5, digits, pruning_epochs).get_config() == schedule_50.get_config(), \
    "pruning.schedule(0.5, ...) should be the schedule section 2 builds by hand"
for target, model in pruned_models.items():
    sparsity = weights.sparsity(model)
    assert all(abs(share - target) <= 0.01 for share in sparsity.values()), (target, sparsity)
assert float_gzip / measure.gzip_size(pqat_bytes) >= 8.0, "PQAT int8 should be 8x smaller after gzip"
assert pqat_accuracy >= float_accuracy - 0.02, f"PQAT int8 accuracy {pqat_accuracy:.2%}"
assert comparison["pruned 75% + int8"].gzip_ratio >= 8.0, comparison["pruned 75% + int8"]
