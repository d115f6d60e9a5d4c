"""Exercise checks, one module per lesson (``from edgebook.checks import lesson_02 as ex``)."""
