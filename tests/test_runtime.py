"""edgebook.runtime, convert, modelfile and measure, on tiny models."""
import numpy as np
import pytest

from edgebook.errors import ConversionError, ModelInputError, ModelNotFoundError


def test_convert_and_predict_match_keras(tiny_dense):
    from edgebook import runtime

    model, tflite_bytes = tiny_dense
    x = np.array([[0.0], [1.5], [-2.0]], dtype=np.float32)
    assert np.array_equal(runtime.load(tflite_bytes).predict(x), model.predict(x, verbose=0))


def test_predict_handles_any_batch_size(tiny_dense):
    from edgebook import runtime

    lite = runtime.load(tiny_dense[1])
    for n in (1, 7, 300, 600):
        x = np.linspace(-1, 1, n, dtype=np.float32)[:, None]
        assert np.allclose(lite.predict(x, batch_size=256), 2 * x + 1)


def test_saved_model_and_concrete_function_convert(tmp_path, tiny_dense):
    import tensorflow as tf
    from edgebook import convert, runtime

    model = tiny_dense[0]
    tf.saved_model.save(model, str(tmp_path / "saved"))
    from_saved = convert.to_tflite(tmp_path / "saved")
    function = tf.function(lambda x: model(x)).get_concrete_function(tf.TensorSpec([None, 1], tf.float32))
    from_function = convert.to_tflite(function)
    x = np.array([[3.0]], dtype=np.float32)
    for tflite_bytes in (from_saved, from_function):
        assert np.allclose(runtime.load(tflite_bytes).predict(x), [[7.0]])
        # every path keeps a signature, so signature runners work on all of them
        assert runtime.load(tflite_bytes).interpreter.get_signature_list()


def test_convert_rejects_what_it_cannot_convert(tmp_path, ctx):
    import tensorflow as tf
    from edgebook import convert

    with pytest.raises(ConversionError, match="pass a tf.keras model"):
        convert.to_tflite(np.zeros(3))
    with pytest.raises(ModelNotFoundError, match="not a SavedModel folder"):
        convert.to_tflite(tmp_path)
    with pytest.raises(ConversionError, match="get_concrete_function"):
        convert.to_tflite(tf.function(lambda x: x + 1))
    with pytest.raises(ConversionError, match="Unknown recipe"):
        convert.to_tflite(tmp_path, recipe="int3")


def test_save_writes_under_build_models(tiny_dense):
    from edgebook import convert, paths

    path = convert.save(tiny_dense[1], "unit_test_tiny")
    assert path == paths.build_dir("models") / "unit_test_tiny.tflite"
    assert path.read_bytes() == tiny_dense[1]


def test_wrong_shape_names_the_expected_input(tiny_dense):
    from edgebook import runtime

    lite = runtime.load(tiny_dense[1])
    with pytest.raises(ModelInputError, match=r"expects input float32 \(any, 1\); you passed float32 \(2, 3\)"):
        lite.predict(np.zeros((2, 3), np.float32))
    with pytest.raises(ModelInputError, match=r"pass x\[None\]"):
        lite.predict(np.zeros(1, np.float32))


def test_wrong_dtype_says_what_to_do(tiny_dense):
    from edgebook import runtime

    lite = runtime.load(tiny_dense[1])
    with pytest.raises(ModelInputError, match="Pre-process"):
        lite.predict(np.zeros((2, 1), np.int64))
    with pytest.raises(ModelInputError, match="Use predict"):
        lite.run(np.zeros((2, 1), np.float64))


def test_missing_model_file_is_a_clear_error(tmp_path, ctx):
    from edgebook import runtime

    with pytest.raises(ModelNotFoundError, match="no model file"):
        runtime.load(tmp_path / "nope.tflite")


def test_int8_model_quantizes_float_input_and_dequantizes_output(int8_model):
    from edgebook import runtime

    model, tflite_bytes = int8_model
    lite = runtime.load(tflite_bytes)
    assert lite.input.dtype == np.int8 and lite.output.dtype == np.int8
    x = np.random.default_rng(1).uniform(-1, 1, (20, 4)).astype(np.float32)
    predicted = lite.predict(x)
    assert predicted.dtype == np.float32
    # int8 rounding: close to the float model, within a few quantization steps
    assert np.abs(predicted - model.predict(x, verbose=0)).max() < 6 * lite.output.scale


def test_floats_fed_raw_to_an_int8_model_are_refused(int8_model):
    from edgebook import runtime

    lite = runtime.load(int8_model[1])
    x = np.zeros((1, 4), np.float32)
    with pytest.raises(ModelInputError, match=r"expects int8 .*Use predict\(\)"):
        lite.run(x)
    with pytest.raises(ModelInputError, match="exactly that integer type"):
        lite.predict(np.zeros((1, 4), np.uint8))
    assert lite.run(lite.quantize_input(x)).dtype == np.int8


def test_quantize_round_trip(int8_model):
    from edgebook import runtime

    lite = runtime.load(int8_model[1])
    x = np.linspace(-0.9, 0.9, 8, dtype=np.float32).reshape(2, 4)  # inside the calibrated range
    q = lite.quantize_input(x)
    back = (q.astype(np.float32) - lite.input.zero_point) * lite.input.scale
    assert np.abs(back - x).max() <= lite.input.scale / 2 + 1e-7
    assert lite.quantize_input(np.full((1, 4), 100.0, np.float32)).max() == 127  # clipped, not wrapped


def test_prepare_then_invoke_is_predict_in_two_steps(int8_model):
    from edgebook import runtime

    lite = runtime.load(int8_model[1])
    x = np.random.default_rng(2).uniform(-1, 1, (5, 4)).astype(np.float32)
    prepared = lite.prepare(x)
    assert prepared.dtype == np.int8 and np.array_equal(prepared, lite.quantize_input(x))
    outputs = lite.invoke(prepared)
    assert len(outputs) == 1 and np.array_equal(lite.dequantize_output(outputs[0]), lite.predict(x))
    with pytest.raises(ModelInputError, match="exactly that integer type"):
        lite.prepare(np.zeros((1, 4), np.uint8))


def test_modelfile_reads_ops_tensors_and_buffers(tiny_dense):
    from edgebook import modelfile

    tflite_bytes = tiny_dense[1]
    assert [op.name for op in modelfile.ops(tflite_bytes)] == ["FULLY_CONNECTED"]
    tensors = modelfile.tensors(tflite_bytes)
    assert sum(t.constant_bytes for t in tensors) == 8  # one float32 weight and one bias
    assert tensors[0].shape[0] == -1 and tensors[0].dtype == "float32"
    assert modelfile.op_counts(tflite_bytes)["FULLY_CONNECTED"] == 1
    assert modelfile.constant_bytes(tflite_bytes) >= 8


def test_tensor_bytes(tiny_dense):
    from edgebook import modelfile

    by_dtype = {t.dtype: modelfile.tensor_bytes(t) for t in modelfile.tensors(tiny_dense[1])}
    assert by_dtype == {"float32": 4}  # every tensor holds one float (a batch of one)
    wide = modelfile.Tensor(0, "x", (-1, 3, 5), "int4", 0)
    assert modelfile.tensor_bytes(wide) == 8  # 15 int4 values, two to a byte


def test_measure_sizes_and_quality(tiny_dense):
    from edgebook import measure, runtime

    model, tflite_bytes = tiny_dense
    assert measure.size_bytes(tflite_bytes) == len(tflite_bytes)
    assert 0 < measure.gzip_size(tflite_bytes) < len(tflite_bytes)
    x = np.array([[0.0], [1.0]], np.float32)
    assert measure.mean_abs_error(runtime.load(tflite_bytes), x, np.array([[1.0], [3.0]])) == 0.0
    assert measure.max_abs_difference([1, 2], [1, 2.5]) == 0.5
    assert measure.accuracy(lambda x: np.eye(3)[[0, 1, 1]], None, [0, 1, 2]) == pytest.approx(2 / 3)


def test_latency_reports_median_p90_and_threads(tiny_dense):
    from edgebook import measure, runtime

    lite = runtime.load(tiny_dense[1], num_threads=1)
    result = measure.latency(lite, np.zeros((1, 1), np.float32), runs=30, warmup=3)
    assert 0 < result.median_ms <= result.p90_ms
    assert result.threads == 1 and len(result.times_ms) == result.runs
    assert "median" in str(result) and "1 thread" in str(result)
    keras_result = measure.latency(tiny_dense[0], np.zeros((1, 1), np.float32), runs=5, warmup=1)
    assert keras_result.threads >= 1


def test_quick_mode_does_fewer_runs(tiny_dense, monkeypatch):
    from edgebook import measure, runtime

    monkeypatch.setenv("EDGEBOOK_QUICK", "1")
    result = measure.latency(runtime.load(tiny_dense[1]), np.zeros((1, 1), np.float32), runs=200)
    assert result.runs == 50
    # ...and never more than asked for: a slow model timed 10 times stays at 10.
    assert measure.latency(runtime.load(tiny_dense[1]), np.zeros((1, 1), np.float32), runs=10, warmup=2).runs == 10
