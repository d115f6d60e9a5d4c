"""Claims: what the prose states, checked where the learner can see it.

A lesson checks the numbers its prose states with ``claim``, which shows the
statement as a sentence with ✓ or ✗::

    claim("int8 is at least 3.5x smaller", float_size >= 3.5 * int8_size,
          measured=f"{float_size / int8_size:.1f}x")

Two kinds of claims behave differently when they do not hold:

- a claim about **correctness** (two models give the same answers, a file has
  the bytes it should, a shape) stops the notebook with ``ClaimError``: what
  follows would build on something wrong;
- a claim that depends on the **machine** (timings, speed-ups) names why it may
  differ (``may_differ="..."``) and, when it does not hold, shows ✗ with the
  measured values and that reason, and the lesson goes on. Your laptop is
  allowed to disagree with ours.

Under the course's test suite claims are strict (``EDGEBOOK_STRICT_CLAIMS=1``):
every false claim stops the run, so the prose stays true. For a rehearsal of a
machine that reverses every timing, ``EDGEBOOK_FLIP_MACHINE_CLAIMS=1`` makes
every machine-dependent claim come out the other way.

Introduced in 00_welcome_and_setup_check.
"""
from __future__ import annotations

import html

from edgebook import mode

STRICT_FLAG = "EDGEBOOK_STRICT_CLAIMS"
FLIP_FLAG = "EDGEBOOK_FLIP_MACHINE_CLAIMS"


class ClaimError(AssertionError):
    """A claim of the lesson does not hold (an AssertionError, so tests treat it as one)."""


class Claim:
    """One checked statement: shows itself as ✓/✗ in Jupyter and as a line of text."""

    def __init__(self, statement: str, holds: bool, measured: str | None = None,
                 may_differ: str | None = None):
        self.statement, self.holds = statement, bool(holds)
        self.measured, self.may_differ = measured, may_differ

    @property
    def machine_dependent(self) -> bool:
        return self.may_differ is not None

    def __bool__(self) -> bool:
        return self.holds

    def details(self) -> str:
        parts = [f"measured: {self.measured}"] if self.measured else []
        if not self.holds and self.machine_dependent:
            parts.append(f"not on this machine, which is allowed: {self.may_differ}")
        return "; ".join(parts)

    def __repr__(self) -> str:
        details = self.details()
        return f"{'✓' if self.holds else '✗'} {self.statement}" + (f" ({details})" if details else "")

    def _repr_html_(self) -> str:
        mark, colour = ("✓", "#1e7e34") if self.holds else ("✗", "#b3261e")
        details = self.details()
        extra = f' <span style="color:#5f6368">({html.escape(details)})</span>' if details else ""
        return (f'<div style="margin:2px 0"><b style="color:{colour}">{mark}</b> '
                f"{html.escape(self.statement)}{extra}</div>")


def show(obj) -> None:
    """Display ``obj`` in Jupyter (its HTML form), or print it elsewhere."""
    try:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None:
            display(obj)
            return
    except ImportError:
        pass
    print(repr(obj))


def claim(statement: str, holds, *, measured: str | None = None, may_differ: str | None = None) -> None:
    """Show ``statement`` with ✓ if ``holds`` is true, ✗ if not.

    ``measured=`` is the measured value(s) behind it, as short text.
    ``may_differ=`` marks a claim that depends on the machine (a timing, a
    speed-up) and says why another machine may disagree: such a claim shows ✗
    and lets the lesson go on. Any other false claim raises ``ClaimError``; so
    does every false claim under the test suite (``EDGEBOOK_STRICT_CLAIMS=1``).

    Introduced in 00_welcome_and_setup_check.
    """
    if not isinstance(statement, str) or not statement.strip():
        raise TypeError("claim() takes the statement as a sentence first, e.g. "
                        "claim('int8 is smaller', int8_size < float_size).")
    holds = bool(holds)
    if may_differ is not None and mode.flag(FLIP_FLAG):
        holds = not holds  # a rehearsal: this machine reverses every timing
    result = Claim(statement, holds, measured, may_differ)
    show(result)
    if not holds and (mode.flag(STRICT_FLAG) or not result.machine_dependent):
        why = (" (strict claims: the test suite holds machine-dependent claims too)"
               if result.machine_dependent else "")
        measured_text = f" (measured: {result.measured})" if result.measured else ""
        advice = ("" if result.machine_dependent else " Something above did not run as the lesson expects: "
                  "restart the kernel and run all cells again; if it still fails, ask your instructor.")
        raise ClaimError(f"This lesson claims: {statement}; it does not hold here{measured_text}{why}.{advice}")
