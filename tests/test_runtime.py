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


# --- bad input: every message says what was expected, what was given, what to do ----------------

def _short(error: BaseException) -> bool:
    """The learner's traceback shows only the course's error: nothing chained from deep inside."""
    return error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)


@pytest.fixture(scope="module")
def image_model(ctx):
    """A tiny float CNN for 8x8 one-channel images, and its .tflite bytes."""
    import tensorflow as tf
    from edgebook import convert

    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.Input(shape=(8, 8, 1)), tf.keras.layers.Conv2D(2, 3),
                                 tf.keras.layers.Flatten(), tf.keras.layers.Dense(3)])
    return model, convert.to_tflite(model)


@pytest.mark.parametrize("shape, advice", [
    ((4, 8, 8), r"a batch without the channel axis .*: pass x\[\.\.\., None\]\."),
    ((8, 8, 1), r"one sample without the batch axis: pass x\[None\]"),
    ((8, 8), r"one sample without the batch and channel axes: pass x\[None, \.\.\., None\]"),
    ((4, 1, 8, 8), r"channels first.*np\.moveaxis\(x, 1, -1\)"),
    ((4, 7, 7, 1), r"you passed float32 \(4, 7, 7, 1\)\. Reshape it to the model's input shape\."),
])
def test_a_wrong_shape_gets_the_right_advice(image_model, shape, advice):
    from edgebook import runtime

    lite = runtime.load(image_model[1])
    with pytest.raises(ModelInputError, match=r"expects input float32 \(any, 8, 8, 1\); you passed") as error:
        lite.predict(np.zeros(shape, np.float32))
    assert _short(error.value)
    with pytest.raises(ModelInputError, match=advice):
        lite.predict(np.zeros(shape, np.float32))
    assert lite.predict(np.zeros((4, 8, 8, 1), np.float32)).shape == (4, 3)


def test_shape_advice_names_keyword_arguments():
    from edgebook.tensorinfo import shape_advice

    assert shape_advice((-1, 8, 8, 1), (2, 8, 8), keyword="raw").endswith("pass raw=x[..., None].")
    assert shape_advice((-1, 8, 8, 1), (2, 8, 8, 1)) == ""  # nothing to fix
    assert shape_advice((None, 4), (4,)).startswith("It looks like one sample")


def test_load_refuses_what_is_not_a_model(tmp_path, image_model):
    from edgebook import runtime
    from edgebook.errors import NotAModelError

    model, tflite_bytes = image_model
    text = tmp_path / "notes.txt"
    text.write_text("hello world, this is not a model at all\n")
    cases = {
        "text file": (text, r"The contents of .*notes.txt are not a .tflite model: bytes 4-8 of every .tflite "
                            r"file are b'TFL3', these are b'o wo'. They are text"),
        "truncated": (tflite_bytes[:500], r"These 500 bytes start like a .tflite model, but the FlatBuffer inside "
                                          r"is incomplete or damaged.*Convert and save the model again"),
        "empty": (b"", r"empty \(0 bytes\)"),
        "Keras model": (model, r"This is a Keras model \(Sequential\), not a .tflite model. Convert it first: "
                               r"convert.to_tflite\(model\)"),
        "array": (np.zeros((2, 8, 8, 1)), r"a NumPy array of shape \(2, 8, 8, 1\) where a model goes: the model "
                                          r"comes first, then the data"),
        "None": (None, "You passed None where a model goes"),
        "a number": (3, r"A model is .tflite bytes .*; you passed a int"),
        "a folder": (tmp_path, r"is a folder, not a .tflite file \(a SavedModel\?\). Convert it first"),
        "a .keras file": (b"PK\x03\x04" + bytes(60), r"a zip archive, such as a .keras file"),
    }
    for name, (given, message) in cases.items():
        with pytest.raises(NotAModelError, match=message) as error:
            runtime.load(given)
        assert _short(error.value), name
        assert isinstance(error.value, (TypeError, ValueError))  # what plain Python code would catch
    assert runtime.load(tflite_bytes).input.shape == (-1, 8, 8, 1)  # and a model still loads


def test_modelfile_helpers_refuse_non_model_bytes(image_model):
    from edgebook import measure, modelfile
    from edgebook.errors import NotAModelError

    for helper in (modelfile.ops, modelfile.tensors, modelfile.op_counts, modelfile.read_metadata, modelfile.profile):
        with pytest.raises(NotAModelError, match="not a .tflite model"):
            helper(b"hello world, this is not a model at all\n")
        with pytest.raises(NotAModelError, match="incomplete or damaged"):
            helper(image_model[1][:500])
        assert helper(image_model[1]) is not None
    assert measure.size_bytes(b"any bytes at all") == 16  # sizes are measured for any file
    assert measure.gzip_size(b"x" * 1000) < 1000


def test_flex_and_custom_ops_get_a_course_error_from_load(ctx):
    import tensorflow as tf

    from edgebook import compat, runtime
    from edgebook.errors import FlexUnavailableError, ModelLoadError

    def concrete(function):
        return tf.function(function).get_concrete_function(tf.TensorSpec([None, 4], tf.float32))

    with pytest.raises(FlexUnavailableError, match=r"Select TF ops \(FlexAtan\).*ai_edge_litert has none") as error:
        runtime.load(compat.convert(concrete(tf.math.atan), select_tf_ops=True))
    assert _short(error.value) and "Android" not in str(error.value)
    with pytest.raises(ModelLoadError, match=r"custom op Acos, and LiteRT has no kernel registered"):
        runtime.load(compat.convert(concrete(tf.math.acos), allow_custom_ops=True))


def test_nan_input_is_refused(tiny_dense, int8_model):
    from edgebook import runtime

    for model in (tiny_dense[1], int8_model[1]):
        lite = runtime.load(model)
        x = np.zeros((3, lite.input.shape[1]), np.float32)
        x[1, 0] = np.nan
        with pytest.raises(ModelInputError, match=r"holds 1 NaN value \(of \d+\), first at index \(1, 0\).*"
                                                  r"np.nan_to_num"):
            lite.predict(x)
        x[1, 0] = 0.0
        assert np.isfinite(lite.predict(x)).all()


def test_predict_warns_once_when_quantizing_clips_many_inputs(int8_model):
    import warnings

    from edgebook import runtime
    from edgebook.errors import InputSaturationWarning

    lite = runtime.load(int8_model[1])
    low, high = lite.input_range()
    assert low < -0.9 and high > 0.9  # calibrated on -1..1
    x = np.random.default_rng(0).uniform(0, 16, (600, 4)).astype(np.float32)  # the 0..16 slip of lesson 02
    with pytest.warns(InputSaturationWarning) as caught:
        lite.predict(x)  # three chunks of 256, one warning
    assert len(caught) == 1
    message = str(caught[0].message)
    assert f"lie outside {low:.4g}..{high:.4g}" in message and "9" in message.split("%")[0]
    assert "you passed values from 0" in message and "Pre-process the input" in message
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning for data in the calibrated range...
        lite.predict(np.random.default_rng(1).uniform(-1, 1, (50, 4)).astype(np.float32))
        x = np.random.default_rng(2).uniform(-1, 1, (100, 4)).astype(np.float32)
        x[:4, 0] = 5.0  # ...nor for a few outliers (1% of the values)
        lite.predict(x)


def test_representative_data_in_every_form_tflite_documents(image_model):
    import tensorflow as tf

    from edgebook import convert, runtime

    model = image_model[0]
    samples = np.random.default_rng(0).uniform(0, 1, (16, 8, 8, 1)).astype(np.float32)

    def representative_dataset():  # as lesson 04 and TFLite's docs write it
        for sample in samples:
            yield [sample[np.newaxis]]

    forms = {"array": samples, "generator function": representative_dataset,
             "generator": representative_dataset(),
             "dataset of batches": tf.data.Dataset.from_tensor_slices(samples).batch(1),
             "dataset of samples": tf.data.Dataset.from_tensor_slices(samples),
             "dataset of (x, y)": tf.data.Dataset.from_tensor_slices((samples, np.zeros(16))).batch(4)}
    reference = convert.to_tflite(model, "int8", representative_data=samples)
    for name, data in forms.items():
        int8 = convert.to_tflite(model, "int8", representative_data=data)
        assert runtime.load(int8).input.dtype == np.int8, name
        assert runtime.load(int8).input.scale == runtime.load(reference).input.scale, name


def test_representative_data_of_the_wrong_form_or_shape_says_what_to_pass(image_model):
    from edgebook import convert

    model = image_model[0]
    samples = np.zeros((16, 8, 8, 1), np.float32)

    def unbatched():
        for sample in samples:
            yield [sample]

    cases = {
        "no channel axis": (samples[..., 0], r"The model's input has shape \(any, 8, 8, 1\), but representative_data "
                                             r"has shape \(16, 8, 8\).*pass representative_data=x\[\.\.\., None\]"),
        "no batch axis": (unbatched, r"the first batch it yields has shape \(8, 8, 1\).*batch axis"),
        "wrong size": (samples[:, :4], r"has shape \(16, 4, 8, 1\)\. Give it the model's input shape"),
        "a string": ("train_x", r"representative_data must be an array of input samples .*a tf.data.Dataset"),
        "used-up generator": (iter([]), r"gave no batch at all"),
        "one number": (3.0, r"must be a batch of input samples, e.g. train_x\[:200\]"),
    }
    for name, (data, message) in cases.items():
        with pytest.raises(ConversionError, match=message) as error:
            convert.to_tflite(model, "int8", representative_data=data)
        assert _short(error.value), name
    with pytest.raises(ConversionError, match=r"'float16' recipe does not take the options "
                                              r"\['representative_data'\]: it takes none"):
        convert.to_tflite(model, "float16", representative_data=samples)
    with pytest.raises(ConversionError, match=r"does not take the options \['representative_dataset'\]: "
                                              r"it takes \['representative_data', 'per_channel_dense'\]"):
        convert.to_tflite(model, "int8", representative_dataset=samples)


def test_a_calibration_failure_in_a_saved_model_names_the_likely_cause(tmp_path, image_model):
    import tensorflow as tf

    from edgebook import convert

    tf.saved_model.save(image_model[0], str(tmp_path / "saved"))  # its input shape is not checked before
    with pytest.raises(ConversionError, match=r"(?s)CONV_2D.*An op failed while the converter ran the representative "
                                              r"data through the model: its batches probably do not have the "
                                              r"model's input shape") as error:
        convert.to_tflite(tmp_path / "saved", "int8", representative_data=np.zeros((4, 8, 8), np.float32))
    assert _short(error.value)


def test_measure_helpers_take_model_bytes_and_refuse_mismatched_data(tiny_dense):
    from edgebook import measure
    from edgebook.errors import NotAModelError

    tflite_bytes = tiny_dense[1]
    x = np.array([[0.0], [1.0]], np.float32)
    assert measure.mean_abs_error(tflite_bytes, x, np.array([[1.0], [3.0]])) == 0.0  # bytes are loaded for you
    assert measure.latency(tflite_bytes, x[:1], runs=3, warmup=1).runs == 3
    with pytest.raises(NotAModelError, match=r"Cannot time a int: pass a LiteModel"):
        measure.latency(3, x[:1])
    with pytest.raises(NotAModelError, match="Cannot run a int"):
        measure.accuracy(3, x, [0, 1])
    classify = lambda batch: np.eye(3)[[0, 1, 1]][:len(batch)]  # noqa: E731
    three = np.zeros((3, 1), np.float32)
    assert measure.accuracy(classify, three, [0, 1, 2]) == pytest.approx(2 / 3)
    with pytest.raises(ModelInputError, match="x has 3 samples but y has 2 labels"):
        measure.accuracy(classify, three, [0, 1])
    with pytest.raises(ModelInputError, match=r"It looks one-hot: pass the class ids, y.argmax\(axis=-1\)"):
        measure.accuracy(classify, three, np.eye(3))
    assert measure.max_abs_difference(np.zeros((4, 1)), np.ones(4)) == 1.0  # (n, 1) against (n,): value by value
    assert measure.max_abs_difference([1.0, 2.0], 1.0) == 1.0
    with pytest.raises(ModelInputError, match=r"shapes \(4, 1\) and \(3,\)"):
        measure.max_abs_difference(np.zeros((4, 1)), np.ones(3))


def test_save_refuses_what_is_not_tflite_bytes(tiny_dense):
    from edgebook import convert, paths
    from edgebook.errors import NotAModelError

    model, tflite_bytes = tiny_dense
    with pytest.raises(NotAModelError, match=r"you passed a Sequential\. Convert it first: "
                                             r"convert.save\(convert.to_tflite\(model\), name\)"):
        convert.save(model, "unit_test_tiny")
    with pytest.raises(NotAModelError, match="not a .tflite model"):
        convert.save(b"some other bytes", "unit_test_tiny")
    with pytest.raises(ValueError, match="without folders"):
        convert.save(tflite_bytes, "models/unit_test_tiny")
    assert convert.save(tflite_bytes, "unit_test_tiny.tflite") == paths.build_dir("models") / "unit_test_tiny.tflite"
