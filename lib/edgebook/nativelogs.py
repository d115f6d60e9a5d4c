"""What C/C++ code prints: muted, or captured into a string.

TensorFlow, LiteRT and TFLM write their INFO lines and failure reports straight
to the process's file descriptors, past ``sys.stdout`` and ``sys.stderr``.
Jupyter forwards even that into the notebook, so the helpers mute it around
calls that only chatter, and capture it where it explains a failure.

Introduced in 00_welcome_and_setup_check (``setup()`` mutes TensorFlow's import).
"""
from __future__ import annotations

import contextlib
import ctypes
import io
import os
import sys
import tempfile


@contextlib.contextmanager
def muted_native_logs():
    """Silence what TensorFlow's and LiteRT's C++ code prints to stderr.

    Jupyter forwards even C-level output into the notebook, so without this a
    learner sees dozens of INFO lines about CUDA, XNNPACK and NPU plug-ins.
    Python exceptions are unaffected: their messages still reach you.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real stderr (some embedded kernels)
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


@contextlib.contextmanager
def captured_native_output(fd: int = 2):
    """Collect what C/C++ code writes to a file descriptor (1 = stdout, 2 = stderr).

    Native code writes straight to the descriptor and bypasses ``sys.stdout``;
    this points the descriptor at a temporary file for the duration and yields
    a ``StringIO`` that holds the text once the block ends.
    """
    collected = io.StringIO()
    (sys.stdout if fd == 1 else sys.stderr).flush()
    libc = ctypes.CDLL(None)
    with tempfile.TemporaryFile() as native_text:
        saved = os.dup(fd)
        try:
            os.dup2(native_text.fileno(), fd)
            yield collected
        finally:
            libc.fflush(None)  # C's own buffer, before the descriptor points back
            os.dup2(saved, fd)
            os.close(saved)
            native_text.seek(0)
            collected.write(native_text.read().decode(errors="replace"))
