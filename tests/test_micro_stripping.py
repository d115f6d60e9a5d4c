"""edgebook.micro.stripping: what TFLM reads from the model file: strip and size_breakdown."""
import numpy as np


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


def test_strip_and_size_breakdown_refuse_what_is_not_a_model(shipped_sine):
    import pytest

    from edgebook import micro
    from edgebook.errors import NotAModelError

    for helper in (micro.strip, micro.size_breakdown):
        with pytest.raises(NotAModelError, match=r"bytes 4-8 of every .tflite file are b'TFL3'.*They are text"):
            helper(b"hello world, this is not a model at all\n")
        with pytest.raises(NotAModelError, match="incomplete or damaged"):
            helper(shipped_sine[:500])
    assert sum(micro.size_breakdown(shipped_sine).values()) == len(shipped_sine)


def test_per_tensor_dense_weights_keep_one_scale_per_matrix(ctx):
    import tensorflow as tf

    from edgebook import convert, micro, modelfile

    tf.keras.utils.set_random_seed(3)
    model = tf.keras.Sequential([tf.keras.Input(shape=(4,)),
                                 tf.keras.layers.Dense(6, bias_initializer="random_normal")])
    calibration = np.random.default_rng(0).uniform(-1, 1, (100, 4)).astype(np.float32)

    def weight_scales(model_bytes):
        graph = modelfile.parse(model_bytes).subgraphs[0]
        weights = [t for t in graph.tensors if t.type == 9 and len(t.shape) == 2 and t.shape[0] == 6]  # INT8 (6, 4)
        return len(weights[0].quantization.scale)

    per_channel = convert.to_tflite(model, "int8", representative_data=calibration)
    per_tensor = convert.to_tflite(model, "int8", representative_data=calibration, per_channel_dense=False)
    assert (weight_scales(per_channel), weight_scales(per_tensor)) == (6, 1)
    per_channel_parts, per_tensor_parts = micro.size_breakdown(per_channel), micro.size_breakdown(per_tensor)
    assert per_tensor_parts["quantization parameters"] < per_channel_parts["quantization parameters"]
    assert per_tensor_parts["weights and biases"] == per_channel_parts["weights and biases"]
