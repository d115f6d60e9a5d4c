"""One display convention: a result object with a text form shows it when it is a cell's last value."""
import importlib
import inspect
import pkgutil

from IPython.lib.pretty import pretty

import edgebook
from edgebook import measure


def course_classes():
    for info in pkgutil.walk_packages(edgebook.__path__, "edgebook."):
        if info.name.startswith(("edgebook.checks", "edgebook.pytest_plugin", "edgebook.colab_install")):
            continue
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__:
                yield cls


def test_every_result_with_a_text_form_shows_it_as_a_cells_last_value():
    text_only = [f"{cls.__module__}.{cls.__name__}" for cls in course_classes()
                 if "__str__" in vars(cls) and not issubclass(cls, BaseException)
                 and not hasattr(cls, "_repr_pretty_") and not hasattr(cls, "_repr_html_")]
    assert not text_only, f"these print well but show their fields as a cell's last value: {text_only}"


def test_a_latency_shows_what_print_shows():
    latency = measure.Latency.from_times([1.0, 2.0, 3.0]) if hasattr(measure.Latency, "from_times") else None
    if latency is None:
        import numpy as np

        fields = {name: 1.0 for name in measure.Latency.__dataclass_fields__}
        latency = measure.Latency(**fields)
    assert pretty(latency) == str(latency)
