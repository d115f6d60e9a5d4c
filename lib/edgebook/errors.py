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


class ConversionError(EdgebookError):
    """A model could not be converted to .tflite."""


class DelegateError(EdgebookError):
    """A delegate library could not be loaded on this machine."""
