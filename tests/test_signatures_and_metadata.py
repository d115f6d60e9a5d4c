"""edgebook.runtime's signatures and typed wrapper, and edgebook.modelfile's metadata helpers
(introduced in 11_pre_and_post_processing), on tiny models."""
import inspect

import numpy as np
import pytest

from edgebook.errors import EdgebookError, MetadataNotFoundError, ModelInputError


@pytest.fixture(scope="module")
def two_signatures(ctx):
    """A model with two signatures: ``scale`` (one uint8 input) and ``combine`` (two float inputs)."""
    import tensorflow as tf

    from edgebook.nativelogs import muted_native_logs

    class Tiny(tf.Module):
        def __init__(self):
            super().__init__()
            self.weight = tf.Variable([[1.0, -1.0], [0.5, 2.0]])

        @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.uint8, name="raw")])
        def scale(self, raw):
            return {"scaled": tf.matmul(tf.cast(raw, tf.float32) / 4.0, self.weight)}

        @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32, name="a"),
                                      tf.TensorSpec([None, 2], tf.float32, name="b")])
        def combine(self, a, b):
            return {"total": a + b, "largest": tf.reduce_max(a * b, axis=-1)}

    module = Tiny()
    functions = [module.scale.get_concrete_function(), module.combine.get_concrete_function()]
    with muted_native_logs():
        return tf.lite.TFLiteConverter.from_concrete_functions(functions, module).convert()


# --- runtime.signatures -------------------------------------------------------------

def test_signatures_describe_inputs_and_outputs(two_signatures):
    from edgebook import runtime

    found = runtime.signatures(two_signatures)
    assert set(found) == {"combine", "scale"}
    scale = found["scale"]
    assert list(scale.inputs) == ["raw"] and list(scale.outputs) == ["scaled"]
    assert scale.inputs["raw"].shape == (-1, 2) and scale.inputs["raw"].dtype == np.uint8
    assert scale.describe() == "scale(raw: uint8 (any, 2)) -> scaled: float32 (any, 2)"
    assert set(found["combine"].inputs) == {"a", "b"}


# --- runtime.wrap -------------------------------------------------------------------

def test_wrap_one_method_per_signature(two_signatures):
    from edgebook import runtime

    wrapper = runtime.wrap(two_signatures, name="Tiny")
    assert type(wrapper).__name__ == "Tiny"
    assert wrapper.labels is None  # no labels metadata
    text = repr(wrapper)
    assert "2 signatures" in text and ".scale(raw: uint8 (any, 2))" in text and ".combine(" in text
    # Method signatures and docstrings, as help() shows them.
    assert list(inspect.signature(wrapper.scale).parameters) == ["raw"]
    combine_parameters = inspect.signature(wrapper.combine).parameters
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in combine_parameters.values())
    assert "raw: uint8 (any, 2)" in wrapper.scale.__doc__ and "scaled: float32 (any, 2)" in wrapper.scale.__doc__


def test_wrap_runs_signatures_with_named_outputs(two_signatures):
    from edgebook import runtime

    wrapper = runtime.wrap(two_signatures)
    raw = np.array([[4, 8], [0, 2]], dtype=np.uint8)
    expected = (raw / 4.0) @ np.array([[1.0, -1.0], [0.5, 2.0]])
    assert np.allclose(wrapper.scale(raw=raw).scaled, expected)
    assert np.allclose(wrapper.scale(raw).scaled, expected)  # one input: positional works too
    a, b = np.ones((3, 2), np.float32), np.arange(6, dtype=np.float32).reshape(3, 2)
    result = wrapper.combine(a=a, b=b)
    assert set(result._fields) == {"total", "largest"}
    assert np.array_equal(result.total, a + b) and np.array_equal(result.largest, [1, 3, 5])
    # Values that fit are converted: Python ints into uint8, float64 into float32.
    assert np.allclose(wrapper.scale(raw=[[4, 8]]).scaled, expected[:1])
    assert np.array_equal(wrapper.combine(a=a.astype(np.float64), b=b).total, a + b)


@pytest.mark.parametrize("call, message", [
    (lambda w: w.scale(raw=np.array([4, 8], np.uint8)), "without the batch axis: pass raw=x[None]"),
    (lambda w: w.scale(raw=np.zeros((1, 3), np.uint8)), "expects raw as uint8 (any, 2); you passed uint8 (1, 3)"),
    (lambda w: w.scale(raw=np.zeros((1, 2), np.float32)), "already pre-processed"),
    (lambda w: w.scale(raw=np.array([[300, 1]])), "outside uint8's range 0..255"),
    (lambda w: w.combine(a=np.zeros((1, 2), np.int32), b=np.zeros((1, 2), np.float32)),
     "missing pre-processing step"),
    (lambda w: w.scale(pixels=np.zeros((1, 2), np.uint8)), "has no input 'pixels'; its inputs are raw"),
    (lambda w: w.combine(a=np.zeros((1, 2), np.float32)), "missing a required argument: 'b'"),
    (lambda w: w.combine(np.zeros((1, 2), np.float32), np.zeros((1, 2), np.float32)), "positional"),
])
def test_wrap_explains_wrong_input(two_signatures, call, message):
    from edgebook import runtime

    wrapper = runtime.wrap(two_signatures)
    with pytest.raises(ModelInputError) as error:
        call(wrapper)
    assert message in str(error.value)


def test_wrap_single_signature_keras_model(tiny_dense):
    from edgebook import runtime

    wrapper = runtime.wrap(tiny_dense[1], name="Line")
    (key,) = wrapper.signatures
    assert key == "serving_default"
    (input_name,) = wrapper.signatures[key].inputs
    y = wrapper.serving_default(**{input_name: np.array([[3.0]], np.float32)})
    assert np.allclose(y[0], [[7.0]])


def test_wrap_reads_labels_from_metadata(two_signatures):
    from edgebook import modelfile, runtime

    labelled = modelfile.write_metadata(two_signatures, "labels", "low\nhigh")
    assert runtime.wrap(labelled).labels == ["low", "high"]
    assert "2 labels" in repr(runtime.wrap(labelled))
    assert runtime.wrap(labelled, labels=["a", "b"]).labels == ["a", "b"]


def test_wrap_int8_model_says_how_to_quantize(int8_model):
    from edgebook import runtime

    wrapper = runtime.wrap(int8_model[1])
    (method,) = [getattr(wrapper, wrapper._method_names[key]) for key in wrapper.signatures]
    with pytest.raises(ModelInputError, match="This input is quantized"):
        method(np.zeros((1, 4), np.float32))
    result = method(np.zeros((1, 4), np.int8))
    assert result[0].dtype == np.int8 and result[0].shape == (1, 3)


def test_identifier_makes_python_names():
    from edgebook.wrapper import _identifier

    assert _identifier("serving_default") == "serving_default"
    assert _identifier("output:0") == "output_0"
    assert _identifier("0th") == "_0th"
    assert _identifier("class") == "_class"


# --- modelfile metadata ---------------------------------------------------------------

def test_pack_round_trips_converted_models(two_signatures, tiny_dense):
    from edgebook import modelfile

    for model_bytes in (two_signatures, tiny_dense[1]):
        packed = modelfile.pack(modelfile.parse(model_bytes))
        assert packed == model_bytes
        assert packed[4:8] == b"TFL3"


def test_write_and_read_metadata(two_signatures):
    from edgebook import modelfile, runtime

    before = modelfile.read_metadata(two_signatures)
    assert set(before) == {"min_runtime_version", "CONVERSION_METADATA"}
    labelled = modelfile.write_metadata(two_signatures, "labels", "zéro\none")  # text is stored as UTF-8
    entries = modelfile.read_metadata(labelled)
    assert entries["labels"] == "zéro\none".encode("utf-8")
    assert {k: v for k, v in entries.items() if k != "labels"} == before
    assert modelfile.labels(labelled) == ["zéro", "one"]
    assert len(labelled) - len(two_signatures) <= len(entries["labels"]) + 64
    # The model runs exactly as before.
    raw = np.array([[4, 8], [1, 2]], np.uint8)
    assert np.array_equal(runtime.wrap(labelled).scale(raw=raw).scaled,
                          runtime.wrap(two_signatures).scale(raw=raw).scaled)
    # Writing the same name again replaces the entry; bytes are stored as they are.
    relabelled = modelfile.write_metadata(labelled, "labels", b"a\nb\nc")
    assert modelfile.labels(relabelled) == ["a", "b", "c"]
    assert list(modelfile.read_metadata(relabelled)).count("labels") == 1
    assert len(relabelled) - len(labelled) <= 16
    # Several entries, read by name.
    both = modelfile.write_metadata(relabelled, "author", "me")
    assert modelfile.read_metadata(both)["author"] == b"me" and modelfile.labels(both) == ["a", "b", "c"]


def test_metadata_name_is_text(two_signatures):
    from edgebook import modelfile

    entries = modelfile.parse(two_signatures).metadata
    assert {modelfile.metadata_name(entry) for entry in entries} == set(modelfile.read_metadata(two_signatures))
    assert all(isinstance(modelfile.metadata_name(entry), str) for entry in entries)


def test_metadata_errors(two_signatures, tmp_path):
    from edgebook import modelfile

    with pytest.raises(MetadataNotFoundError, match="has no metadata entry 'labels'") as error:
        modelfile.labels(two_signatures)
    assert isinstance(error.value, EdgebookError) and isinstance(error.value, LookupError)
    with pytest.raises(ValueError, match="written by the converter"):
        modelfile.write_metadata(two_signatures, "min_runtime_version", "0.0")
    with pytest.raises(ValueError, match="non-empty string"):
        modelfile.write_metadata(two_signatures, "", "x")
    with pytest.raises(TypeError, match="join"):
        modelfile.write_metadata(two_signatures, "labels", ["a", "b"])
    # A path works as well as bytes.
    path = tmp_path / "labelled.tflite"
    path.write_bytes(modelfile.write_metadata(two_signatures, "labels", "x\ny"))
    assert modelfile.labels(path) == ["x", "y"]


def test_wrap_and_signatures_refuse_what_is_not_a_model(two_signatures, tiny_dense):
    from edgebook import runtime
    from edgebook.errors import NotAModelError

    for helper in (runtime.wrap, runtime.signatures):
        with pytest.raises(NotAModelError, match="incomplete or damaged") as error:
            helper(two_signatures[:len(two_signatures) // 2])
        assert error.value.__suppress_context__  # the course's error, not LiteRT's
        with pytest.raises(NotAModelError, match=r"This is a Keras model \(Sequential\)"):
            helper(tiny_dense[0])
        assert helper(two_signatures)  # the model itself is fine
