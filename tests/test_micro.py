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


# --- added in 12_tflm_hello_world ------------------------------------------------------------------

def test_strip_removes_what_tflm_never_reads_and_changes_no_output(shipped_sine):
    from edgebook import micro, modelfile, runtime

    stripped = micro.strip(shipped_sine)
    assert len(stripped) < len(shipped_sine)
    model_t = modelfile.parse(stripped)
    assert model_t.description is None and not model_t.signatureDefs and not model_t.metadata
    assert all(not t.name for t in model_t.subgraphs[0].tensors)
    # Only the metadata buffers went: the weights are the same bytes.
    assert modelfile.constant_bytes(shipped_sine) - modelfile.constant_bytes(stripped) == sum(
        len(data) for data in modelfile.read_metadata(shipped_sine).values())
    x = np.linspace(0, 2 * np.pi, 50, dtype=np.float32)[:, None]
    assert np.array_equal(micro.run(stripped, x), micro.run(shipped_sine, x))
    assert np.array_equal(runtime.load(stripped).predict(x), runtime.load(shipped_sine).predict(x))
    assert micro.strip(stripped) == stripped


def test_strip_keeps_other_metadata_and_renumbers_its_buffer(shipped_sine):
    from edgebook import micro, modelfile

    labelled = modelfile.write_metadata(shipped_sine, "labels", "sine")
    stripped = micro.strip(labelled)
    assert modelfile.read_metadata(stripped) == {"labels": b"sine"}  # its buffer index moved down by two
    assert len(modelfile.parse(stripped).buffers) == len(modelfile.parse(labelled).buffers) - 2


@pytest.fixture(scope="module")
def int8_dense(ctx):
    """An int8 Dense layer 4 -> 6 with random weights AND biases (the converter drops an all-zero bias)."""
    import tensorflow as tf

    from edgebook import convert

    tf.keras.utils.set_random_seed(3)
    model = tf.keras.Sequential([tf.keras.Input(shape=(4,)),
                                 tf.keras.layers.Dense(6, bias_initializer="random_normal")])
    calibration = np.random.default_rng(0).uniform(-1, 1, (100, 4)).astype(np.float32)
    return convert.to_tflite(model, "int8", representative_data=calibration)


def test_strip_keeps_an_int8_model_bit_exact(int8_dense):
    from edgebook import micro

    model_bytes = int8_dense
    x = np.random.default_rng(1).uniform(-1, 1, (30, 4)).astype(np.float32)
    stripped = micro.strip(model_bytes)
    assert np.array_equal(micro.run(stripped, x, raw=True), micro.run(model_bytes, x, raw=True))


def test_size_breakdown_adds_up(shipped_sine):
    from edgebook import micro

    parts = micro.size_breakdown(shipped_sine)
    assert tuple(parts) == micro.SIZE_PARTS and sum(parts.values()) == len(shipped_sine)
    assert parts["weights and biases"] >= (16 + 16 * 16 + 16 + 16 + 16 + 1) * 4  # float32 weights and biases
    assert all(size > 0 for size in parts.values())
    stripped = micro.size_breakdown(micro.strip(shipped_sine))
    assert stripped["names and description"] == stripped["signatures"] == stripped["converter metadata"] == 0


def test_quantize_multiplier():
    from edgebook import micro

    assert micro.quantize_multiplier(0.5) == (2**30, 0)
    assert micro.quantize_multiplier(0.0321) == (1102947602, -4)
    assert micro.quantize_multiplier(0.0) == (0, 0)
    for real in (1e-6, 0.003, 0.7, 0.9999999):
        multiplier, shift = micro.quantize_multiplier(real)
        assert 2**30 <= multiplier < 2**31
        assert abs(multiplier * 2.0 ** (shift - 31) - real) <= real * 2**-30
    with pytest.raises(ValueError, match="positive"):
        micro.quantize_multiplier(-0.1)


def test_requantize_rounds_once_or_twice():
    from edgebook import micro

    multiplier, shift = micro.quantize_multiplier(0.0321)
    acc = np.array([-15, 950, 77, -77, 0])
    assert micro.requantize(acc, multiplier, shift, "single").tolist() == [0, 30, 2, -2, 0]
    assert micro.requantize(acc, multiplier, shift, "double").tolist() == [-1, 31, 3, -3, 0]  # 2.47 -> 39.5/16 -> 3
    # Per-channel multipliers broadcast over the last axis.
    per_channel = micro.requantize(np.array([[100, 100]]), [2**30, 2**30], [0, -1])
    assert per_channel.tolist() == [[50, 25]]
    with pytest.raises(ValueError, match="rounding"):
        micro.requantize(acc, multiplier, shift, "nearest")


def test_requantize_reproduces_tflm_and_litert_reference(int8_dense):
    """One FULLY_CONNECTED layer in NumPy: double rounding is TFLM, single rounding LiteRT's reference kernels."""
    from edgebook import micro, modelfile, runtime

    model_bytes = int8_dense
    m = modelfile.parse(model_bytes)
    graph = m.subgraphs[0]
    fc = next(op for op in graph.operators if modelfile.op_name(m, op.opcodeIndex) == "FULLY_CONNECTED")
    x_t, w_t, b_t, y_t = (graph.tensors[i] for i in (*fc.inputs, fc.outputs[0]))
    weights = np.asarray(m.buffers[w_t.buffer].data, np.uint8).view(np.int8).reshape(w_t.shape).astype(np.int64)
    bias = np.asarray(m.buffers[b_t.buffer].data, np.uint8).view(np.int32).astype(np.int64)
    scales = np.broadcast_to(w_t.quantization.scale, (weights.shape[0],))
    multipliers, shifts = zip(*(micro.quantize_multiplier(
        np.float64(x_t.quantization.scale[0]) * np.float64(s) / np.float64(y_t.quantization.scale[0])) for s in scales))
    lite = runtime.load(model_bytes)
    x = lite.quantize_input(np.random.default_rng(3).uniform(-1, 1, (500, 4)).astype(np.float32))

    def numpy_fc(rounding):
        acc = (x.astype(np.int64) - int(x_t.quantization.zeroPoint[0])) @ weights.T + bias
        out = micro.requantize(acc, np.array(multipliers), np.array(shifts), rounding)
        return np.clip(out + int(y_t.quantization.zeroPoint[0]), -128, 127).astype(np.int8)

    reference = runtime.load(model_bytes, reference_kernels=True)
    assert not np.array_equal(numpy_fc("double"), numpy_fc("single"))  # the test has cases that tell them apart
    assert np.array_equal(micro.run(model_bytes, x, raw=True), numpy_fc("double"))
    assert np.array_equal(np.concatenate([reference.run(s[None]) for s in x]), numpy_fc("single"))


def test_compare_kernels(shipped_sine):
    from edgebook import micro

    x = np.linspace(0, 2 * np.pi, 10, dtype=np.float32)[:, None]
    builtin = micro.compare(shipped_sine, x, kernels="builtin")
    assert builtin.kernels == "builtin" and "built-in kernels" in str(builtin)
    assert builtin.max_float_difference < 1e-5  # float: only the order of additions differs
    assert "reference kernels" in str(micro.compare(shipped_sine, x))
    with pytest.raises(ValueError, match="kernels must be one of"):
        micro.compare(shipped_sine, x, kernels="fast")


def test_arena_report_splits_head_and_tail(shipped_sine):
    from edgebook import micro

    report = micro.arena_report(shipped_sine)
    assert report.total == report.head + report.tail == micro.recorded_arena_bytes(shipped_sine)
    assert report.head == micro.peak_activation_bytes(shipped_sine) == 2 * 16 * 4  # two float hidden layers
    assert "NodeAndRegistration struct" in report.sections and sum(report.sections.values()) < report.tail
    assert "head (activations)" in str(report)


def test_smallest_arena_reports_the_preparation_bytes(shipped_sine):
    from edgebook import micro

    found = micro.smallest_arena(shipped_sine)
    assert found.preparation_bytes == found.smallest - found.recorded > 0
    assert "borrowed while preparing" in str(found)
    assert micro.smallest_arena(shipped_sine) == found  # the same on every run


def test_with_headroom_and_the_export_comment(shipped_sine, tmp_path):
    from edgebook import micro

    assert micro.with_headroom(2192) == 2416 and micro.with_headroom(1600, 0.0) == 1600
    assert micro.with_headroom(1000) % micro.ARENA_ALIGNMENT == 0
    export = micro.export_cpp(shipped_sine, "sine", arena_size=2048, folder=tmp_path)
    assert "chosen when the model was exported" in (tmp_path / "sine_op_resolver.h").read_text()
    assert export.arena_size == 2048


def test_estimate_uses_micro_units_for_tiny_models(shipped_sine):
    from edgebook import micro

    text = str(micro.estimate(shipped_sine, "arduino_nano_33_ble_sense"))
    assert "9 µs" in text and "µJ" in text


@pytest.mark.parametrize("kernel_value, aborts", [(3e-7, True), (1e-3, False)])
def test_a_softmax_scale_that_would_abort_tflm_is_refused(ctx, kernel_value, aborts):
    """TFLM kills the process (SIGABRT) for a softmax input scale of 2**-26 or less: refuse it first."""
    import tensorflow as tf

    from edgebook import convert, micro

    model = tf.keras.Sequential([tf.keras.Input(shape=(4,)),
                                 tf.keras.layers.Dense(3, kernel_initializer=tf.keras.initializers.Constant(kernel_value)),
                                 tf.keras.layers.Softmax()])
    calibration = np.random.default_rng(0).normal(size=(32, 4)).astype(np.float32)
    int8 = convert.to_tflite(model, "int8", representative_data=calibration)
    if aborts:
        with pytest.raises(micro.MicroError, match="is the model trained"):
            micro.run(int8, calibration[:2])
    else:
        np.testing.assert_allclose(micro.run(int8, calibration[:2]).sum(axis=1), 1.0, atol=0.02)


def test_energy_per_hour_two_states():
    from edgebook import micro

    nano = micro.board("arduino_nano_33_ble_sense")
    idle = micro.energy_per_hour("arduino_nano_33_ble_sense", 0)
    assert idle.busy_share == 0 and idle.joules_per_hour == pytest.approx(3.6 * nano.idle_mw)
    half = micro.energy_per_hour("arduino_nano_33_ble_sense", 0.5 * nano.macs_per_cycle * nano.clock_mhz * 1e6)
    assert half.busy_share == pytest.approx(0.5)
    assert half.average_mw == pytest.approx((nano.active_mw + nano.idle_mw) / 2)
    assert half.battery_hours() == pytest.approx(225 * 3 * 3.6 / half.joules_per_hour)
    assert "ESTIMATE" in str(half)
    with pytest.raises(micro.MicroError, match="cannot keep up"):
        micro.energy_per_hour("arduino_nano_33_ble_sense", 1e9)


def test_deploy_writes_a_buildable_folder(shipped_sine, tmp_path):
    from edgebook import micro

    deployment = micro.deploy(shipped_sine, "sine", "esp32_s3", arena_size=4096, folder=tmp_path / "sine")
    names = sorted(path.name for path in tmp_path.joinpath("sine").iterdir())
    assert {"sine.ino", "platformio.ini", "README.md", "sine_model_data.cc", "sine_model_data.h",
            "sine_op_resolver.h", "sine_model_data.o"} <= set(names)
    assert micro.read_back(deployment.export) == shipped_sine
    sketch = (tmp_path / "sine" / "sine.ino").read_text()
    assert "kSineTensorArenaSize" in sketch and "RegisterSineOps(resolver)" in sketch
    ini = (tmp_path / "sine" / "platformio.ini").read_text()
    assert "board = esp32-s3-devkitc-1" in ini and "src_dir = ." in ini
    readme = (tmp_path / "sine" / "README.md").read_text()
    assert "4,096" in readme and "Not tested here" in readme and "fits" in readme


def test_deploy_refuses_a_model_that_does_not_fit(shipped_sine, tmp_path):
    from edgebook import micro

    with pytest.raises(micro.MicroError, match="does not fit"):
        micro.deploy(shipped_sine, "sine", "raspberry_pi_pico", arena_size=10 * 1024 * 1024, folder=tmp_path)
