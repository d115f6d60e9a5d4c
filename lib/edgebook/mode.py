"""Environment flags: quick mode (``EDGEBOOK_QUICK=1``) and the others ``setup()`` reads.

Introduced in 00_welcome_and_setup_check.
"""
from __future__ import annotations

import os

QUICK_FLAG = "EDGEBOOK_QUICK"
"""Set it to 1 for a dry run: benchmarks and sweeps shrink."""


def flag(name: str) -> bool:
    """Whether the environment variable ``name`` is set to 1, true, yes or on."""
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def is_quick() -> bool:
    """Quick mode (EDGEBOOK_QUICK=1) shrinks benchmarks and sweeps for dry runs."""
    return flag(QUICK_FLAG)
