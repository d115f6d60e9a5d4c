"""edgebook.micro.arena: the tensor arena: the smallest arena, TFLM's recording allocator, peak activations."""
import numpy as np
import pytest


def test_arena_search_brackets_the_answer(shipped_sine):
    from edgebook import micro
    from edgebook.errors import EdgebookError

    found = micro.smallest_arena(shipped_sine)
    assert found.peak_activations < found.smallest
    assert found.smallest % micro.ARENA_ALIGNMENT == 0
    micro.run(shipped_sine, np.zeros((1, 1), np.float32), arena_size=found.smallest)
    with pytest.raises(EdgebookError, match="arena"):
        micro.run(shipped_sine, np.zeros((1, 1), np.float32), arena_size=found.smallest - 2 * micro.ARENA_ALIGNMENT)


def test_arena_report_splits_head_and_tail(shipped_sine):
    from edgebook import micro

    report = micro.arena_report(shipped_sine)
    assert report.total == report.head + report.tail == micro.recorded_arena_bytes(shipped_sine)
    assert report.head == micro.peak_activation_bytes(shipped_sine) == 2 * 16 * 4  # two float hidden layers
    assert "NodeAndRegistration struct" in report.sections and sum(report.sections.values()) < report.tail
    assert "head (activations)" in str(report)


def test_smallest_arena_reports_the_preparation_bytes(shipped_sine):
    from edgebook import micro

    found = micro.smallest_arena(shipped_sine)
    assert found.preparation_bytes == found.smallest - found.recorded > 0
    assert "borrowed while preparing" in str(found)
    assert micro.smallest_arena(shipped_sine) == found  # the same on every run
