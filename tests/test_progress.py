"""edgebook.progress: bars that never change a result and stay quiet under CI."""
import numpy as np

from edgebook import progress


def test_quiet_under_ci_or_when_asked(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("EDGEBOOK_PROGRESS", raising=False)
    assert not progress.quiet()
    monkeypatch.setenv("CI", "true")
    assert progress.quiet()
    monkeypatch.delenv("CI")
    monkeypatch.setenv("EDGEBOOK_PROGRESS", "0")
    assert progress.quiet()


def test_bar_yields_everything_and_draws_only_when_not_quiet(monkeypatch, capsys):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("EDGEBOOK_PROGRESS", raising=False)
    assert list(progress.bar(range(5), "counting")) == [0, 1, 2, 3, 4]
    drawn = capsys.readouterr().err
    assert "counting" in drawn and "5/5" in drawn
    monkeypatch.setenv("CI", "true")
    assert list(progress.bar(iter("abc"), "letters", total=3)) == ["a", "b", "c"]
    assert "letters" not in capsys.readouterr().err


def test_epoch_bar_counts_epochs_and_leaves_training_unchanged(ctx, monkeypatch, capsys):
    import tensorflow as tf

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("EDGEBOOK_PROGRESS", raising=False)
    x = np.linspace(-1, 1, 32, dtype=np.float32).reshape(-1, 1)

    def train(callbacks):
        tf.keras.utils.set_random_seed(0)
        model = tf.keras.Sequential([tf.keras.Input((1,)), tf.keras.layers.Dense(1)])
        model.compile("sgd", "mse")
        model.fit(x, 2 * x, epochs=3, verbose=0, callbacks=callbacks)
        return model.get_weights()

    with_bar = train([progress.epochs("fitting")])
    drawn = capsys.readouterr().err
    assert "fitting" in drawn and "3/3" in drawn and "loss=" in drawn
    assert all(np.array_equal(a, b) for a, b in zip(with_bar, train([])))
