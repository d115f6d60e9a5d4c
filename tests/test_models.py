"""edgebook.models: the lessons' model builders and the check that two models have the same layers.

The digits and baseline CNNs are trained in tests/test_optimization_helpers.py; that each
scoreboard rebuild builds the model its lesson writes is tested in tests/test_scoreboard.py.
"""
import numpy as np
import pytest


@pytest.mark.parametrize("builder, parameters, output", [
    ("build_sine_model", 321, (None, 1)),
    ("build_keyword_spotter", 10_940, (None, 4)),
    ("build_wand_model", 2_084, (None, 4)),
])
def test_microcontroller_models(ctx, builder, parameters, output):
    from edgebook import models

    model = getattr(models, builder)()
    assert model.count_params() == parameters and model.output_shape == output


def test_the_sine_model_is_seeded_with_random_biases(ctx):
    from edgebook import models

    first, again = models.build_sine_model(), models.build_sine_model()
    assert all(np.array_equal(a, b) for a, b in zip(first.get_weights(), again.get_weights()))
    assert all(np.any(bias != 0) for bias in first.get_weights()[1::2])  # the converter keeps every bias
    assert models.build_sine_model(8).count_params() == 1 * 8 + 8 + 8 * 8 + 8 + 8 + 1


def test_same_layers_compares_types_shapes_and_parameters(ctx):
    from edgebook import models

    assert models.same_layers(models.build_sine_model(), models.build_sine_model(seed=1))
    assert not models.same_layers(models.build_sine_model(16), models.build_sine_model(15))
    assert not models.same_layers(models.build_sine_model(), models.build_wand_model())
    assert models.layers_of(models.build_sine_model(4)) == [("Dense", (4,), 8), ("Dense", (4,), 20),
                                                             ("Dense", (1,), 5)]


def test_the_keyword_spotter_file_does_not_depend_on_the_models_built_before_it(ctx):
    """Its tensors are named after its layers; unnamed layers would be numbered by how many came before."""
    from edgebook import convert, models

    first = convert.to_tflite(models.build_keyword_spotter())
    models.build_wand_model(), models.build_sine_model()  # more layers in the session
    assert len(convert.to_tflite(models.build_keyword_spotter())) == len(first)
