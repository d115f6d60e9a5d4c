"""edgebook: the helper package of the Edge ML Workbook.

Every notebook starts with::

    import edgebook
    ctx = edgebook.setup()

The modules, by concern (each helper is defined once and names the lesson
that introduces it):

- ``edgebook.context``   setup(): environment, seeds, logging, paths
- ``edgebook.nativelogs`` muting or capturing what C/C++ code prints
- ``edgebook.seeding``   TensorFlow with Keras 2, seeded and deterministic
- ``edgebook.mode``      quick mode and the other environment flags
- ``edgebook.data``      offline datasets by name, with fixed splits
- ``edgebook.datafiles`` the committed data files, their SHA-256 checks, and the splits
- ``edgebook.realdata``  real recordings, photos and trained models from TFLM's examples (datasets/tflm/) and others
- ``edgebook.convert``   Keras / SavedModel / concrete function -> .tflite
- ``edgebook.runtime``   run .tflite models with LiteRT
- ``edgebook.wrapper``   a model's signatures, and a typed wrapper with one method per signature
- ``edgebook.tensorinfo`` what one input or output of a model is
- ``edgebook.tensorio``  checking, quantizing and dequantizing what goes in and out of a model (any runtime)
- ``edgebook.compat``    which runtime runs which ops: Select TF ops, custom ops, analyzer, GPU, TFLM
- ``edgebook.unsupported`` ops without a built-in kernel: why a conversion stopped, what to do
- ``edgebook.opchecks``  op by op: what the GPU delegate would take, what TFLM has kernels for
- ``edgebook.modelfile`` what is inside a .tflite file (ops, tensors, buffers, per-op profile)
- ``edgebook.modelstate`` its subgraphs, and the state a streaming model keeps (resource variables)
- ``edgebook.models``    the course's baseline models, trained once and cached
- ``edgebook.measure``   size, latency, accuracy
- ``edgebook.benchmark`` benchmarks you can trust, delegate partitions, ranked per-op profiles
- ``edgebook.plots``     the course's standard plots
- ``edgebook.weights``   per-layer weight statistics: sparsity, distinct values; fewer-bit weights
- ``edgebook.progress``  progress bars over long loops and training epochs, quiet under CI
- ``edgebook.architectures`` ImageNet models by name, fast conversion, MACs, published figures
- ``edgebook.micro``     TFLM on the host: run, compare, arena search, C++ export, boards
- ``edgebook.audio``     log-mel features, spoken-word data, streams, smoothing and detection (lesson 13),
  from ``logmel``, ``spoken_words`` and ``keyword_streams``
- ``edgebook.scenes``    seeded 96x96 person scenes, frame streams, hysteresis (lesson 15),
  from ``scene_render``, ``person_streams`` and ``person_detector``
- ``edgebook.gestures``  seeded magic-wand accelerometer gestures, augmentation, viewer plots, and your own
  recordings from a CSV (lesson 14), from ``wand_motion``, ``gesture_plots`` and ``wand_csv``
- ``edgebook.wake_words`` microWakeWord's real "okay nabu" detector: its front end, rule and streams (lesson 16)
- ``edgebook.headline_models`` every lesson's headline model: its file, its rebuild, its test split (lesson 16)
- ``edgebook.scoreboard`` those models found or rebuilt, measured in one table, and their Pareto chart (lesson 16)
- ``edgebook.sources``  the talks, guides and papers lessons quote, named once
- ``edgebook.showing``  @shows_itself: a result shows its text as a cell's last value
- ``edgebook.claims``   claim(): what the prose states, checked with ✓/✗ (machine-dependent ones never stop a lesson)
- ``edgebook.exercises`` exercise checks and hints
- ``edgebook.workbook``  builds notebooks/ from solutions/
- ``edgebook.colab_install`` what the Colab cell runs: the pinned packages and the course, into Colab's Python
- ``edgebook.workshop``  the offline workshop kit: wheels, the course and install.sh
- ``edgebook.kernel_websocket`` JupyterLab's "Restart kernel and run all" without a hang (set up by make)
"""
import importlib
import os

# The Model Optimization Toolkit needs Keras 2 (tf_keras). TensorFlow reads this
# variable when tf.keras is first touched, so set it as early as possible.
os.environ["TF_USE_LEGACY_KERAS"] = "1"

from edgebook.claims import claim  # noqa: E402
from edgebook.context import Context, setup  # noqa: E402  (after the variable above)
from edgebook.errors import EdgebookError  # noqa: E402

__version__ = "0.1.0"

# Modules that import TensorFlow load on first use, so `import edgebook` stays
# fast and tools such as `python -m edgebook.workbook` never load TensorFlow.
_SUBMODULES = (
    "context", "data", "synth", "convert", "runtime", "compat", "modelfile", "measure", "benchmark",
    "models", "plots", "weights", "architectures", "pruning", "clustering", "qat", "micro", "exercises",
    "workbook", "paths", "errors", "checks", "scenes", "gestures", "audio", "scoreboard", "headline_models",
    "progress", "workshop", "nativelogs", "seeding", "mode", "datafiles", "unsupported", "opchecks", "wrapper", "tensorinfo",
    "logmel", "spoken_words", "keyword_streams", "scene_render", "person_streams", "person_detector",
    "wand_motion", "gesture_plots", "wand_csv", "claims", "sources", "showing", "tensorio", "realdata", "modelstate",
    "wake_words",
)


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"edgebook.{name}")
    raise AttributeError(f"module 'edgebook' has no attribute {name!r}")


__all__ = ["Context", "EdgebookError", "claim", "setup", *_SUBMODULES]
