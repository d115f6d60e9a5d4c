"""Errors that speak to a learner: what was expected, what was given, what to do."""


class EdgebookError(Exception):
    """Base class of every error the course's helpers raise on purpose."""


class SetupError(EdgebookError):
    """The notebook's environment is not what the course needs."""


class DataError(EdgebookError):
    """A dataset is unknown, missing or corrupt."""


class ModelInputError(EdgebookError, ValueError):
    """Data of the wrong shape or type was given to a model."""


class ModelNotFoundError(EdgebookError, FileNotFoundError):
    """A model file does not exist."""


class NotAModelError(EdgebookError, TypeError, ValueError):
    """What was given as a ``.tflite`` model is not one: another object, or bytes that are not a whole model."""


class ModelLoadError(EdgebookError, RuntimeError):
    """LiteRT could not prepare a valid ``.tflite`` model (an op without a kernel, say)."""


class ConversionError(EdgebookError):
    """A model could not be converted to .tflite."""


class DelegateError(EdgebookError):
    """A delegate library could not be loaded on this machine."""


class MetadataNotFoundError(EdgebookError, LookupError):
    """A model has no metadata entry of the name asked for (lesson 11)."""


class UnsupportedOpsError(ConversionError):
    """The model uses TensorFlow ops that have no built-in LiteRT kernel (lesson 10).

    ``ops`` maps each op's TensorFlow name to ``"select"`` (the Flex delegate can
    run it) or ``"custom"`` (not on the Select TF ops list: rewrite it or write a
    custom op).
    """

    def __init__(self, message: str, ops: dict[str, str]):
        super().__init__(message)
        self.ops = dict(ops)


class FlexUnavailableError(EdgebookError):
    """No Flex delegate in this runtime, so it cannot run Select TF ops."""


class InputSaturationWarning(UserWarning):
    """Quantizing float input for an int8 model clipped many of its values (``runtime.LiteModel.predict``)."""
