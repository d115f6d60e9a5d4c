"""Progress bars for the loops that take more than a few seconds: training
epochs, sweeps over settings, benchmarks.

    >>> for bits in progress.bar((8, 6, 4), "bit widths"):
    ...     ...
    >>> model.fit(x, y, epochs=20, verbose=0, callbacks=[progress.epochs()])

In JupyterLab a bar is a widget; in a terminal it is a line of text. Bars are
quiet (not drawn at all) under CI and when ``EDGEBOOK_PROGRESS=0``, so test
logs and stored notebook outputs stay clean. A bar never changes a result.

Introduced in 02_train_and_infer.
"""
from __future__ import annotations

import os

from tqdm.auto import tqdm


def quiet() -> bool:
    """True where no bar should be drawn: under CI (``CI=true``) or with ``EDGEBOOK_PROGRESS=0``."""
    def flag(name: str) -> str:
        return os.environ.get(name, "").strip().lower()

    return flag("CI") in {"1", "true", "yes", "on"} or flag("EDGEBOOK_PROGRESS") in {"0", "false", "no", "off"}


def bar(iterable, description: str, total: int | None = None):
    """``iterable``, drawing a bar as it is consumed (``total`` if it has no ``len``)."""
    return tqdm(iterable, desc=description, total=total, disable=quiet(), dynamic_ncols=True)


def epochs(description: str = "training"):
    """A Keras callback that draws one bar over the epochs of ``fit``, with the latest loss and accuracy.

    Use it with ``verbose=0``: Keras's own progress bar prints a line per
    epoch, which fills a notebook.
    """
    import tensorflow as tf  # here, so that bars over plain loops do not import TensorFlow

    class EpochBar(tf.keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.bar = tqdm(total=self.params["epochs"], desc=description, unit="epoch",
                            disable=quiet(), dynamic_ncols=True)

        def on_epoch_end(self, epoch, logs=None):
            shown = {name: f"{value:.3f}" for name, value in (logs or {}).items()
                     if name in ("loss", "accuracy", "val_loss", "val_accuracy", "mae")}
            self.bar.set_postfix(shown, refresh=False)
            self.bar.update(1)

        def on_train_end(self, logs=None):
            self.bar.close()

    return EpochBar()
