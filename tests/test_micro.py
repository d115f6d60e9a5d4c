"""edgebook.micro: TFLM runs, the arena search, the C++ export, boards and estimates."""
from pathlib import Path

import numpy as np
import pytest

SHIPPED_SINE = "sine_float.tflite"  # the float hello-world model that ships inside tflite-micro


@pytest.fixture(scope="module")
def shipped_sine(ctx):
    import tflite_micro

    return (Path(tflite_micro.__file__).parent / "python" / "tflite_micro" / SHIPPED_SINE).read_bytes()


def test_run_and_compare_with_the_shipped_sine_model(shipped_sine):
    from edgebook import micro, runtime

    x = np.linspace(0, 2 * np.pi, 20, dtype=np.float32)[:, None]
    np.testing.assert_allclose(micro.run(shipped_sine, x), runtime.load(shipped_sine).predict(x), atol=1e-5)
    agreement = micro.compare(shipped_sine, x)
    assert agreement.samples == 20 and agreement.outputs == 20
    assert agreement.identical, agreement


def test_arena_search_brackets_the_answer(shipped_sine):
    from edgebook import micro
    from edgebook.errors import EdgebookError

    found = micro.smallest_arena(shipped_sine)
    assert found.peak_activations < found.smallest
    assert found.smallest % micro.ARENA_ALIGNMENT == 0
    micro.run(shipped_sine, np.zeros((1, 1), np.float32), arena_size=found.smallest)
    with pytest.raises(EdgebookError, match="arena"):
        micro.run(shipped_sine, np.zeros((1, 1), np.float32), arena_size=found.smallest - 2 * micro.ARENA_ALIGNMENT)


def test_export_compiles_and_reads_back(shipped_sine, tmp_path):
    from edgebook import micro

    export = micro.export_cpp(shipped_sine, "sine", arena_size=4096, folder=tmp_path)
    assert micro.read_back(export) == shipped_sine
    assert "g++" in micro.compile_check(export)
    resolver = (tmp_path / "sine_op_resolver.h").read_text()
    assert "MicroMutableOpResolver<1>" in resolver and "AddFullyConnected()" in resolver
    assert "kSineTensorArenaSize = 4096" in resolver


@pytest.mark.parametrize("op, method", [("CONV_2D", "AddConv2D"), ("DEPTHWISE_CONV_2D", "AddDepthwiseConv2D"),
                                        ("MAX_POOL_2D", "AddMaxPool2D"), ("FULLY_CONNECTED", "AddFullyConnected"),
                                        ("SOFTMAX", "AddSoftmax"), ("PADV2", "AddPadV2"), ("RELU6", "AddRelu6")])
def test_resolver_method_names(op, method):
    from edgebook import micro

    assert micro.resolver_method(op) == method


def test_export_rejects_a_name_that_is_not_a_c_identifier(shipped_sine):
    from edgebook import micro
    from edgebook.errors import ModelInputError

    with pytest.raises(ModelInputError, match="C identifier"):
        micro.export_cpp(shipped_sine, "hello world", arena_size=4096)


def test_fits_and_estimate(shipped_sine):
    from edgebook import micro

    fit = micro.fits(shipped_sine, "raspberry_pi_pico", 2048)
    assert fit.fits and "fits" in str(fit)
    assert not micro.fits(shipped_sine, "raspberry_pi_pico", 10**6).fits
    guess = micro.estimate(shipped_sine, "arduino_nano_33_ble_sense")
    assert guess.macs == 16 + 16 * 16 + 16 and "ESTIMATE" in str(guess)
    with pytest.raises(KeyError, match="the course knows"):
        micro.board("nano")
