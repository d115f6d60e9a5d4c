"""edgebook.micro.fixed_point: integer rescaling: quantize_multiplier and requantize, against TFLM and LiteRT."""
import numpy as np
import pytest


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
