"""TensorFlow with Keras 2, seeded and deterministic: the same numbers on every run.

``setup()`` calls ``seed_everything`` once per notebook; the training helpers
call it again so that the same seed gives the same model wherever it is built.

Introduced in 00_welcome_and_setup_check.
"""
from __future__ import annotations

import os

from edgebook.errors import SetupError
from edgebook.nativelogs import muted_native_logs

SEED = 42
"""The course's default seed: the same numbers on every run."""


def import_tensorflow():
    """Import TensorFlow with Keras 2, or explain why that is no longer possible."""
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with muted_native_logs():
        import tensorflow as tf
        keras_name = tf.keras.__name__
    if not keras_name.startswith("tf_keras"):
        raise SetupError(
            "TensorFlow is already running with Keras 3, but this course needs Keras 2 "
            "(tf_keras) for the Model Optimization Toolkit. This happens when TensorFlow "
            "or Keras is used before edgebook.setup(). Restart the kernel "
            "(Kernel > Restart Kernel; on Colab: Runtime > Restart session) and run the notebook from the top."
        )
    return tf


def seed_everything(seed: int = SEED) -> None:
    """Seed Python, NumPy and TensorFlow, and make TensorFlow's ops deterministic."""
    tf = import_tensorflow()
    tf.keras.utils.set_random_seed(seed)  # seeds random, numpy and tensorflow at once
    try:
        tf.config.experimental.enable_op_determinism()
    except RuntimeError:  # already enabled in this process
        pass
