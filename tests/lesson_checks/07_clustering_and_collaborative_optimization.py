"""Regression checks of lesson 07_clustering_and_collaborative_optimization, run in the solution's kernel
after its last cell (by edgebook.pytest_plugin): numbers the lesson measured that its prose does not state."""

assert baseline.count_params() == 151_306, f"the baseline has {baseline.count_params():,} parameters"
assert baseline_accuracy >= 0.95, f"the baseline's test accuracy is {baseline_accuracy:.2%}"
assert tuned_accuracy >= baseline_accuracy - 0.015, f"16 clusters after fine-tuning: {tuned_accuracy:.2%}"
assert sweep["4 clusters"].gzip_ratio >= 8.0, sweep["4 clusters"]
