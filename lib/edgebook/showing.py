"""One display convention for the course's result objects.

A result (a latency, an arena search, a board estimate...) shows itself when it
is the last value of a cell: the same text ``print(result)`` gives, in Jupyter
and in a console. Its ``str`` is that text; ``@shows_itself`` hands it to IPython.

Introduced in 02_train_and_infer.
"""
from __future__ import annotations


def _show_text(self, printer, cycle) -> None:
    printer.text(str(self) if not cycle else f"{type(self).__name__}(...)")


def shows_itself(cls):
    """Class decorator: as a cell's last value, show ``str(obj)``, not the dataclass's field dump.

    It sets ``_repr_pretty_`` on the class itself, where IPython looks before the
    ``__repr__`` that ``@dataclass`` writes.
    """
    cls._repr_pretty_ = _show_text
    return cls
