"""edgebook.setup(): Keras 2, seeds, determinism, paths, versions."""
import os
import subprocess
import sys

import numpy as np


def test_setup_gives_keras_2_and_the_paths(ctx):
    import tensorflow as tf

    assert os.environ["TF_USE_LEGACY_KERAS"] == "1"
    assert tf.keras.__name__.startswith("tf_keras")
    assert (ctx.root / "pyproject.toml").is_file()
    assert ctx.datasets == ctx.root / "datasets" and ctx.build == ctx.root / "build"
    assert ctx.build.is_dir()
    assert ctx.versions["tensorflow"] == "2.21.0"


def test_setup_seeds_make_training_repeat_exactly(ctx):
    import edgebook
    import tensorflow as tf

    def train():
        edgebook.setup(verbose=False)
        model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(2)])
        model.compile("adam", "mse")
        x = np.random.default_rng(0).normal(size=(64, 3)).astype(np.float32)
        model.fit(x, x[:, :2], epochs=2, verbose=0)
        return model.get_weights()

    for first, second in zip(train(), train()):
        assert np.array_equal(first, second)


def test_flags(monkeypatch, ctx):
    import edgebook

    monkeypatch.setenv("EDGEBOOK_QUICK", "1")
    monkeypatch.setenv("CI", "true")
    quick = edgebook.setup(verbose=False)
    assert quick.quick and quick.ci and not quick.colab
    assert "mode=quick" in repr(quick)


def test_keras_3_already_loaded_tells_the_learner_to_restart():
    code = ("import os; os.environ.pop('TF_USE_LEGACY_KERAS', None)\n"
            "import tensorflow as tf; tf.keras.Sequential\n"  # Keras 3 is now in use
            "import edgebook\n"
            "try:\n    edgebook.setup()\nexcept edgebook.EdgebookError as e:\n    print('ERROR', e)\n")
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert "ERROR" in out.stdout and "Restart the kernel" in out.stdout, out.stdout + out.stderr


def test_environment_report_matches_the_pins(ctx):
    from edgebook import context

    report = context.environment_report()
    assert {row["package"] for row in report} >= {"tensorflow", "tf-keras", "ai-edge-litert", "nbval"}
    assert all(row["ok"] for row in report), [row for row in report if not row["ok"]]


def test_import_edgebook_does_not_import_tensorflow():
    out = subprocess.run([sys.executable, "-c", "import sys, edgebook, edgebook.workbook, edgebook.data; "
                          "print('tensorflow' in sys.modules)"], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "False", out.stderr


def test_no_network_guard_blocks_outside_connections_but_not_loopback(ctx):
    import socket

    import pytest
    from edgebook.errors import SetupError

    assert os.environ.get("EDGEBOOK_NO_NETWORK") == "1"
    with pytest.raises(SetupError, match="runs offline"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET-1: never a real host
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=1)  # loopback is fine
    client.close()
    server.close()
