"""The error ``micro`` raises when TFLM cannot load or run a model, or a board cannot hold it.

Introduced in 12_tflm_hello_world.
"""
from edgebook.errors import EdgebookError


class MicroError(EdgebookError):
    """TFLM could not load or run a model (an op without a kernel, an arena too small...)."""
