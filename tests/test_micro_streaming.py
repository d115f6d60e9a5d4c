"""edgebook.micro on streaming models: state carried between samples, its bytes in the arena, the C++ export."""
import numpy as np

from conftest import make_streaming_model
from edgebook import micro, realdata


def _expected(rows: np.ndarray) -> np.ndarray:
    """What the streaming model computes, in NumPy: the last four rows (zeros before the first) times its matrix."""
    matrix = np.arange(16, dtype=np.float32).reshape(8, 2) / 10  # as make_streaming_model() builds it
    padded = np.concatenate([np.zeros((3, 2), np.float32), rows[:, 0, :]])
    return np.stack([padded[i:i + 4].reshape(8) for i in range(len(rows))]) @ matrix


def test_run_carries_the_state_from_sample_to_sample_and_starts_afresh_each_call(streaming_model):
    rows = np.arange(12, dtype=np.float32).reshape(6, 1, 2)
    outputs = micro.run(streaming_model, rows)
    np.testing.assert_allclose(outputs, _expected(rows), rtol=1e-6)
    np.testing.assert_array_equal(micro.run(streaming_model, rows), outputs)  # a new call, the same start
    assert not np.allclose(outputs[3], micro.run(streaming_model, rows[3:4])[0])  # alone, row 3 has no history


def test_tflm_and_litert_agree_on_a_stream(streaming_model):
    agreement = micro.compare(streaming_model, np.random.default_rng(0).normal(size=(20, 1, 2)).astype(np.float32))
    assert agreement.identical and agreement.samples == 20


def test_the_arena_report_names_the_state_and_tflm_keeps_it_in_the_tail(streaming_model):
    small = micro.arena_report(streaming_model)
    assert small.state_bytes == 24 and "24 B are the model's streaming state" in str(small)
    large = micro.arena_report(make_streaming_model(width=50))  # 3 x 50 float32 of state: 600 B
    assert large.state_bytes == 600
    grown = large.sections["Persistent buffer data"] - small.sections["Persistent buffer data"]
    assert 600 - 24 <= grown <= 600 - 24 + 2 * micro.ARENA_ALIGNMENT  # the variable's buffer, aligned
    assert micro.arena_report(realdata.model("hello_world_int8.tflite")).state_bytes == 0


def test_smallest_arena_runs_a_streaming_model_and_reports_its_state(streaming_model):
    search = micro.smallest_arena(streaming_model)
    assert search.recorded <= search.smallest and search.state_bytes == 24
    assert "streaming state 24 B" in str(search)
    assert micro.default_arena(streaming_model) >= 4 * search.peak_activations + 24


def test_the_export_registers_every_subgraphs_ops_and_counts_the_variables(streaming_model, shipped_sine, tmp_path):
    export = micro.export_cpp(streaming_model, "stream", arena_size=4096, folder=tmp_path / "stream")
    resolver = (tmp_path / "stream" / "stream_op_resolver.h").read_text()
    for method in ("AddCallOnce", "AddVarHandle", "AddReadVariable", "AddAssignVariable", "AddFullyConnected"):
        assert f"resolver.{method}()" in resolver
    assert "kStreamResourceVariables = 1;" in resolver and micro.read_back(export) == streaming_model
    micro.export_cpp(shipped_sine, "sine", arena_size=4096, folder=tmp_path / "sine")
    assert "kSineResourceVariables = 0;" in (tmp_path / "sine" / "sine_op_resolver.h").read_text()


def test_the_deployed_sketch_gives_tflm_a_table_for_the_variables(streaming_model, tmp_path):
    micro.deploy(streaming_model, "stream", arena_size=8192, folder=tmp_path)
    sketch = (tmp_path / "stream.ino").read_text()
    assert "tflite::MicroResourceVariables::Create(allocator, kStreamResourceVariables)" in sketch
    assert "MicroInterpreter static_interpreter(model, resolver, allocator, variables)" in sketch
