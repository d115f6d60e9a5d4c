"""TensorFlow Lite for Microcontrollers (TFLM) on the host, and what a board needs.

The ``tflite-micro`` package runs the same C++ interpreter and kernels that run
on a microcontroller, compiled for this machine. With it a lesson can

- see where a model file's bytes go (``size_breakdown``) and ``strip`` what TFLM
  never reads (names, signatures, the converter's metadata),
- ``run`` an int8 model in TFLM (float in, float out: (de)quantization handled),
- ``compare`` TFLM with LiteRT (reference kernels by default), output by output,
  and explain the differences: ``quantize_multiplier`` and ``requantize`` do an
  int8 op's rescaling in integers, rounding twice (TFLM) or once (LiteRT),
- find the ``smallest_arena`` the model runs in, next to what TFLM's recording
  allocator reports (``arena_report``) and ``peak_activation_bytes`` (a lower
  bound read from the file),
- ``export_cpp`` the model as C++ source with an op resolver and arena size,
  and ``compile_check`` it with ``g++ -c``,
- check whether it ``fits`` a real board and ``estimate`` latency and energy there,
- ``deploy`` it: a folder with the export, an Arduino sketch, ``platformio.ini`` and a README.

One module per concern, each importing only those above it in this list:

- ``micro.errors``       ``MicroError``
- ``micro.stripping``    the model file: ``strip``, ``size_breakdown``
- ``micro.fixed_point``  integer arithmetic: ``quantize_multiplier``, ``requantize``
- ``micro.interpreter``  loading a model into TFLM (refusing the models and arenas that would crash it)
- ``micro.arena``        memory: ``peak_activation_bytes``, ``arena_report``, ``smallest_arena``
- ``micro.running``      ``run`` in TFLM, ``compare`` with LiteRT
- ``micro.boards``       memory budgets (``fits``), latency and energy estimates
- ``micro.export``       C++ export (``export_cpp``), from the templates in ``micro/templates/``
- ``micro.deployment``   the deployable folder (``deploy``)

Lessons use the names below as ``micro.run``, ``micro.strip``...

Introduced in 12_tflm_hello_world.
"""
from edgebook.micro.arena import (ARENA_ALIGNMENT, ArenaReport, ArenaSearch, arena_report, default_arena,
                                  peak_activation_bytes, recorded_arena_bytes, smallest_arena)
from edgebook.micro.boards import (BOARDS, Board, EnergyEstimate, Estimate, Fit, board, energy_per_hour, estimate,
                                   fits)
from edgebook.micro.deployment import PLATFORMIO_BOARDS, TFLM_ARDUINO_LIBRARY, Deployment, deploy
from edgebook.micro.errors import MicroError
from edgebook.micro.export import CppExport, compile_check, export_cpp, read_back, resolver_method, with_headroom
from edgebook.micro.fixed_point import ROUNDINGS, quantize_multiplier, requantize
from edgebook.micro.interpreter import ALLOCATOR_BYTES, SOFTMAX_SMALLEST_INPUT_SCALE
from edgebook.micro.running import KERNELS, Agreement, compare, run
from edgebook.micro.stripping import SIZE_PARTS, size_breakdown, strip

__all__ = [
    "ALLOCATOR_BYTES", "ARENA_ALIGNMENT", "Agreement", "ArenaReport", "ArenaSearch", "BOARDS", "Board", "CppExport",
    "Deployment", "EnergyEstimate", "Estimate", "Fit", "KERNELS", "MicroError", "PLATFORMIO_BOARDS", "ROUNDINGS", "SIZE_PARTS",
    "SOFTMAX_SMALLEST_INPUT_SCALE", "TFLM_ARDUINO_LIBRARY", "arena_report", "board", "compare", "compile_check",
    "default_arena", "deploy", "energy_per_hour", "estimate", "export_cpp", "fits", "peak_activation_bytes",
    "quantize_multiplier", "read_back", "recorded_arena_bytes", "requantize", "resolver_method", "run",
    "size_breakdown", "smallest_arena", "strip", "with_headroom",
]
