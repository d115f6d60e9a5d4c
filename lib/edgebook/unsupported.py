"""Ops without a built-in LiteRT kernel: which ones a conversion failed on, what to do, and
which ones a ``.tflite`` file keeps as custom ops.

``convert.to_tflite`` turns the converter's long error about such ops into an
``UnsupportedOpsError`` that names them and gives the three ways out (rewrite,
Select TF ops, a custom op); ``edgebook.compat`` re-exports these names.

Introduced in 10_ops_and_compatibility.
"""
from __future__ import annotations

import re

from edgebook import modelfile
from edgebook.errors import UnsupportedOpsError

SELECT, CUSTOM = "select", "custom"
"""How the converter can keep an op that has no built-in kernel: as a Select TF op, or only as a custom op."""

FLEX_PREFIX = "Flex"
"""Select TF ops are stored as custom ops whose name is "Flex" + the TensorFlow op's name."""


# --- why the converter stopped ------------------------------------------------------------

_ERROR_CODES = {"ERROR_NEEDS_FLEX_OPS": SELECT, "ERROR_NEEDS_CUSTOM_OPS": CUSTOM}


def _tf_op_name(name: str) -> str:
    """'tf.Atan' -> 'Atan'."""
    return name.split(".", 1)[1] if name.startswith("tf.") else name


def unsupported_ops(error: BaseException) -> dict[str, str]:
    """The ops a converter error complains about: ``{"Atan": "select", "Acos": "custom"}``.

    Read from the structured details the TensorFlow converter attaches to its
    error (``error.errors``), or else from the text of the message. Empty when
    the conversion failed for another reason.

    Introduced in 10_ops_and_compatibility.
    """
    found: dict[str, str] = {}
    for detail in getattr(error, "errors", None) or ():
        try:
            code = type(detail).ErrorCode.Name(detail.error_code)
        except (AttributeError, ValueError):
            continue
        if code in _ERROR_CODES and detail.operator.name:
            found[_tf_op_name(detail.operator.name)] = _ERROR_CODES[code]
    if not found:
        text = str(error)
        for kind, label in ((SELECT, "TF Select ops"), (CUSTOM, "Custom ops")):
            match = re.search(rf"^{label}: (.+)$", text, flags=re.M)
            if match:
                found.update({name.strip(): kind for name in match.group(1).split(",") if name.strip()})
        for name in re.findall(r"'tf\.(\w+)' op is neither a custom op nor a flex op", text):
            found.setdefault(name, SELECT)
    return dict(sorted(found.items()))


def explain_unsupported_ops(ops: dict[str, str]) -> str:
    """A learner's explanation of a conversion that failed on ``ops`` (see ``unsupported_ops``).

    Introduced in 10_ops_and_compatibility.
    """
    flexible = [name for name, kind in ops.items() if kind == SELECT]
    custom_only = [name for name, kind in ops.items() if kind == CUSTOM]
    which = "one of this model's TensorFlow ops has" if len(ops) == 1 else \
        f"{len(ops)} of this model's TensorFlow ops have"
    lines = [
        f"The converter stopped: {which} no built-in LiteRT kernel: {', '.join(ops)}.",
        "By default the converter writes only built-in ops, the ones every LiteRT runtime has kernels for. "
        "Your choices:",
        "  1. Rewrite that part of the model with ops that have built-in kernels, and check the outputs "
        "still match. The model then needs nothing but the kernels every LiteRT runtime has.",
    ]
    if flexible:
        not_listed = (f" ({', '.join(custom_only)} {'is' if len(custom_only) == 1 else 'are'} not on that "
                      "list)") if custom_only else ""
        lines.append(
            f"  2. Select TF ops (\"Flex\") for {', '.join(flexible)}{not_listed}: add "
            "tf.lite.OpsSet.SELECT_TF_OPS to converter.target_spec.supported_ops, or call "
            "compat.convert(model, select_tf_ops=True). The app must then ship the Flex delegate, TensorFlow's "
            "own kernels: megabytes more runtime, no GPU or NPU delegate for those ops, no microcontroller.")
    else:
        lines.append(
            f"  2. Select TF ops (\"Flex\") cannot help: {', '.join(custom_only)} "
            f"{'is' if len(custom_only) == 1 else 'are'} not on the list of TensorFlow ops the Flex delegate "
            "runs.")
    lines.append(
        "  3. A custom op: converter.allow_custom_ops = True, or compat.convert(model, allow_custom_ops=True), "
        "writes CUSTOM ops, and you write and register a kernel for each in every runtime you ship.")
    return "\n".join(lines)


def explain_conversion_error(error: BaseException) -> UnsupportedOpsError | None:
    """An ``UnsupportedOpsError`` with a clear message if ``error`` is about ops without a
    built-in kernel, or None for any other conversion failure (``convert.to_tflite`` uses this).

    Introduced in 10_ops_and_compatibility.
    """
    ops = unsupported_ops(error)
    if not ops:
        return None
    return UnsupportedOpsError(explain_unsupported_ops(ops), ops)


# --- what a converted file keeps --------------------------------------------------------------

def non_builtin_ops(model) -> dict[str, str]:
    """The custom ops stored in a ``.tflite`` file: ``{"FlexRoll": "select", "Acos": "custom"}``.

    Introduced in 10_ops_and_compatibility.
    """
    found = {}
    for name in modelfile.op_counts(model):
        if name.startswith("CUSTOM:"):
            custom_name = name.split(":", 1)[1]
            found[custom_name] = SELECT if custom_name.startswith(FLEX_PREFIX) else CUSTOM
    return dict(sorted(found.items()))


TFLM_SIGNAL_OPS = frozenset({
    "SignalDelay", "SignalEnergy", "SignalFftAutoScale", "SignalFilterBank", "SignalFilterBankLog",
    "SignalFilterBankSpectralSubtraction", "SignalFilterBankSquareRoot", "SignalFramer", "SignalIrfft",
    "SignalOverlapAdd", "SignalPCAN", "SignalRfft", "SignalStacker", "SignalWindow",
})
"""Custom ops of TFLM's signal library (windows, FFTs, filter banks: an audio front end as a model).

TFLM keeps them as custom ops, and the ``tflite-micro`` Python package registers
a kernel for every one (``python_ops_resolver.cc`` adds them all), so ``micro.run``
runs a model made of them, such as micro_speech's ``audio_preprocessor_int8.tflite``.
LiteRT has no kernel for any of them.

Introduced in 13_keyword_spotting.
"""
