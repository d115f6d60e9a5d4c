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


def test_allocator_bytes_is_where_tflm_stops_crashing(shipped_sine):
    """Below ALLOCATOR_BYTES the tflite-micro package crashes Python; from it up it fails cleanly (or runs)."""
    from edgebook.micro.interpreter import ALLOCATOR_BYTES, try_in_a_subprocess

    assert try_in_a_subprocess(shipped_sine, ALLOCATOR_BYTES - 16) < 0  # killed by a signal (SIGSEGV)
    assert try_in_a_subprocess(shipped_sine, 64) < 0
    assert try_in_a_subprocess(shipped_sine, ALLOCATOR_BYTES) == 1  # a clean RuntimeError
    assert try_in_a_subprocess(shipped_sine, 8 * 1024, invoke=True) == 0


@pytest.mark.parametrize("arena_size", [0, 64, 256, 463])
def test_an_arena_too_small_for_tflm_itself_is_refused_before_tflm_runs(shipped_sine, arena_size):
    from edgebook import micro

    with pytest.raises(micro.MicroError, match=rf"An arena of {arena_size} bytes cannot even hold TFLM's own "
                                               rf"allocator, which takes {micro.ALLOCATOR_BYTES} bytes"):
        micro.run(shipped_sine, np.zeros((1, 1), np.float32), arena_size=arena_size)
    with pytest.raises(micro.MicroError, match="cannot even hold"):
        micro.arena_report(shipped_sine, arena_size)


def test_arena_sizes_from_the_allocator_up_give_a_clean_answer(shipped_sine):
    from edgebook import micro

    x = np.zeros((1, 1), np.float32)
    with pytest.raises(micro.MicroError, match="could not prepare this model with a 464-byte arena"):
        micro.run(shipped_sine, x, arena_size=micro.ALLOCATOR_BYTES)
    assert micro.run(shipped_sine, x, arena_size=8 * 1024).shape == (1, 1)
    with pytest.raises(micro.MicroError, match="whole number of bytes"):
        micro.run(shipped_sine, x, arena_size=4096.0)


def test_a_crash_while_preparing_becomes_a_micro_error(shipped_sine, monkeypatch):
    """An arena that runs out part-way through an op's preparation can crash TFLM: it is tried in a subprocess first."""
    from edgebook import micro
    from edgebook.micro import interpreter

    monkeypatch.setattr(interpreter, "try_in_a_subprocess", lambda model_bytes, arena_size, invoke=False: -11)
    with pytest.raises(micro.MicroError, match=r"TFLM crashed \(SIGSEGV\) preparing this model with a 2,000-byte "
                                               r"arena \(tried in a separate process, so your kernel lives\)"):
        micro.run(shipped_sine, np.zeros((1, 1), np.float32), arena_size=2000)
    micro.run(shipped_sine, np.zeros((1, 1), np.float32))  # the default arena is not probed
