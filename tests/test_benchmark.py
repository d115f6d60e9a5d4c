"""edgebook.benchmark: machine report, repeated benchmarks, the XNNPACK x threads x precision grid,
delegate partitions (predicted and real), the ranked per-op profile; and plots.latency_boxes."""
import numpy as np
import pytest


@pytest.fixture(scope="module")
def chain_model(ctx):
    """Conv -> Conv -> Flatten -> Dense, float32 and int8, with data and labels the float model gets right."""
    import tensorflow as tf

    from edgebook import convert

    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([
        tf.keras.Input((8, 8, 1)),
        tf.keras.layers.Conv2D(4, 3, padding="same", activation="relu"),
        tf.keras.layers.Conv2D(8, 3, padding="same", activation="relu"),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(3, activation="softmax"),
    ])
    x = np.random.default_rng(0).uniform(0, 1, (32, 8, 8, 1)).astype(np.float32)
    y = np.argmax(model.predict(x, verbose=0), axis=1)
    return {"float32": convert.to_tflite(model),
            "int8": convert.to_tflite(model, "int8", representative_data=x)}, x, y


@pytest.fixture(scope="module")
def cumsum_model(ctx):
    """A chain with CUMSUM in the middle: XNNPACK has no kernel for it, so it splits the graph."""
    import tensorflow as tf

    from edgebook import convert

    tf.keras.utils.set_random_seed(0)
    inputs = tf.keras.Input((8, 8, 3))
    x = tf.keras.layers.Conv2D(4, 3, padding="same")(inputs)
    x = tf.keras.layers.Lambda(lambda t: tf.math.cumsum(t, axis=1))(x)
    x = tf.keras.layers.Conv2D(4, 3, padding="same")(x)
    outputs = tf.keras.layers.Dense(2)(tf.keras.layers.Flatten()(x))
    return convert.to_tflite(tf.keras.Model(inputs, outputs))


def test_machine_names_cpu_cores_and_litert():
    from edgebook import benchmark

    report = benchmark.machine()
    assert report.logical_cores >= 1 and 1 <= report.usable_cores <= report.logical_cores
    text = str(report)
    assert "logical cores" in text and "LiteRT" in text and report.cpu in text


def test_repeat_and_spread(chain_model):
    from edgebook import benchmark, runtime

    variants, x, _ = chain_model
    repeats = benchmark.repeat(runtime.load(variants["float32"]), x[:1], repeats=3, runs=20, warmup=2)
    assert len(repeats) == 3 and all(len(r.times_ms) == r.runs for r in repeats)
    assert benchmark.spread(repeats) >= 0
    with pytest.raises(ValueError, match="at least 2"):
        benchmark.repeat(runtime.load(variants["float32"]), x[:1], repeats=1)


def test_spread_is_relative_range_of_medians():
    from edgebook import benchmark
    from edgebook.measure import Latency

    timings = [Latency(m, m, 1, 0, 1, (m,)) for m in (1.0, 1.5, 1.2)]
    assert benchmark.spread(timings) == pytest.approx(0.5)


def test_grid_measures_every_configuration_and_agreement(chain_model):
    from edgebook import benchmark

    variants, x, y = chain_model
    table = benchmark.grid(variants, x[:1], runs=20, warmup=2, rounds=2, x=x, y=y)
    assert len(table) == 2 * 2 * 2
    assert {(r.precision, r.xnnpack, r.threads) for r in table} == {
        (p, on, n) for p in variants for on in (True, False) for n in (1, 2)}
    float_rows = [r for r in table if r.precision == "float32"]
    assert all(r.max_difference <= 1e-5 for r in float_rows)
    assert all(r.accuracy == 1.0 for r in float_rows)  # y is what the float model predicts
    assert table.find("int8", xnnpack=False, threads=2).threads == 2
    assert all(len(times) == r.latency.runs for times, r in zip(table.times().values(), table))
    text = repr(table)
    assert "median ms" in text and "int8" in text and "interleaved" in text
    with pytest.raises(KeyError, match="No row for 'int16x8'"):
        table.find("int16x8")


def test_grid_without_data_has_no_agreement_columns(chain_model):
    from edgebook import benchmark

    variants, x, _ = chain_model
    table = benchmark.grid({"float32": variants["float32"]}, x[:1], xnnpack=(True,), threads=(1,),
                           runs=10, warmup=1, rounds=1)
    assert len(table) == 1 and table[0].max_difference is None and table[0].accuracy is None


def test_grid_rejects_empty_input(chain_model):
    from edgebook import benchmark

    variants, x, _ = chain_model
    with pytest.raises(ValueError, match="at least one model"):
        benchmark.grid({}, x[:1])
    with pytest.raises(ValueError, match="thread count"):
        benchmark.grid(variants, x[:1], threads=())


def test_partitions_are_runs_of_supported_ops():
    from edgebook import benchmark

    names = ["CONV_2D", "MAX_POOL_2D", "CONV_2D", "MAX_POOL_2D", "RESHAPE", "FULLY_CONNECTED",
             "FULLY_CONNECTED", "SOFTMAX"]
    assert benchmark.partitions(names, {"CONV_2D", "FULLY_CONNECTED"}) == [[0], [2], [5, 6]]
    assert benchmark.partitions(names, set(names)) == [list(range(8))]
    assert benchmark.partitions(names, set()) == []


def test_partitions_accept_modelfile_ops(chain_model):
    from edgebook import benchmark, modelfile

    ops = modelfile.ops(chain_model[0]["float32"])
    assert benchmark.partitions(ops, {"CONV_2D"}) == [[0, 1]]


def test_delegated_partitions_read_what_xnnpack_took(chain_model, cumsum_model):
    from edgebook import benchmark, modelfile, runtime

    float_bytes = chain_model[0]["float32"]
    assert benchmark.delegated_partitions(runtime.load(float_bytes)) == [list(range(len(modelfile.ops(float_bytes))))]
    assert benchmark.delegated_partitions(runtime.load(float_bytes, xnnpack=False)) == []
    names = [op.name for op in modelfile.ops(cumsum_model)]
    cumsum_index = names.index("CUMSUM")
    real = benchmark.delegated_partitions(runtime.load(cumsum_model))
    assert len(real) == 2 and all(cumsum_index not in part for part in real)
    assert real == benchmark.partitions(names, set(names) - {"CUMSUM"})


def test_ranked_profile_sorts_by_macs_and_labels_the_estimate(chain_model):
    from edgebook import benchmark, modelfile

    float_bytes = chain_model[0]["float32"]
    ranked = benchmark.ranked_profile(float_bytes, latency_ms=1.0)
    assert [r.macs for r in ranked] == sorted((r.macs for r in ranked), reverse=True)
    assert ranked.total_macs == modelfile.macs(float_bytes)
    assert sum(r.mac_share for r in ranked) == pytest.approx(1.0)
    assert sum(r.estimated_ms for r in ranked) == pytest.approx(1.0)
    assert ranked.top.name == "CONV_2D" and ranked.top.rank == 1
    assert "ESTIMATE" in repr(ranked)
    plain = benchmark.ranked_profile(float_bytes)
    assert plain.top.estimated_ms is None and "est." not in repr(plain)


def test_latency_boxes_draws_one_box_per_benchmark(ctx, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from edgebook import plots

    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(plt.gcf()))
    plots.latency_boxes({"a": [1.0, 1.1, 1.2, 5.0], "b": [0.5, 0.6, 0.55]}, title="t", log=True)
    (figure,) = shown
    axis = figure.axes[0]
    assert [label.get_text() for label in axis.get_yticklabels()] == ["b", "a"]
    assert axis.get_xscale() == "log"
    plt.close(figure)


def test_describe_split_names_every_stretch():
    from edgebook import benchmark

    names = ["CONV_2D", "MAX_POOL_2D", "CONV_2D", "SOFTMAX"]
    text = benchmark.describe_split(names, [[0], [2]])
    assert text.splitlines() == [
        "  delegate partition 1     0 CONV_2D",
        "  CPU (built-in kernels)   1 MAX_POOL_2D",
        "  delegate partition 2     2 CONV_2D",
        "  CPU (built-in kernels)   3 SOFTMAX",
    ]
    assert benchmark.describe_split(names, []).count("CPU") == 1
