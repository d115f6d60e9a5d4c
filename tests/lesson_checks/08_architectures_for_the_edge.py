"""Regression checks of lesson 08, run by the test suite in the solution's kernel after its last cell.

Exact numbers and facts the prose relies on without stating them as claims.
"""
from collections import Counter

depthwise_layers = {name: Counter(type(layer).__name__ for layer in model.layers)["DepthwiseConv2D"]
                    for name, model in imagenet_models.items()}
assert depthwise_layers["MobileNetV3Small"] > 0 and depthwise_layers["MobileNetV2"] > 0, depthwise_layers
assert depthwise_layers["InceptionV3"] == 0, f"InceptionV3 should have no DepthwiseConv2D: {depthwise_layers}"

bytes_per_parameter = {name: len(float_bytes[name]) / model.count_params() for name, model in imagenet_models.items()}
assert all(3.9 <= ratio <= 4.1 for ratio in bytes_per_parameter.values()), \
    f"a float32 file should hold about 4 bytes per parameter: {bytes_per_parameter}"

assert 8 <= accuracy_cost <= 12, f"published top-1 cost of MobileNetV3-Small vs InceptionV3: {accuracy_cost} points"

assert len(test_y) == 360, f"the digits test split should have 360 images, not {len(test_y)}"
assert plain.accuracy >= 0.97 and separable.accuracy >= 0.95, \
    f"digits CNNs trained worse than before: plain {plain.accuracy:.2%}, separable {separable.accuracy:.2%}"
