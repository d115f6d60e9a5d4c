"""claim(): ✓/✗ sentences; machine-dependent claims never stop a learner's notebook."""
import pytest

from edgebook import claims
from edgebook.claims import ClaimError, claim


@pytest.fixture
def learner(monkeypatch):
    """A learner's kernel: claims not strict, timings not flipped."""
    monkeypatch.setenv(claims.STRICT_FLAG, "0")
    monkeypatch.setenv(claims.FLIP_FLAG, "0")


def test_a_true_claim_shows_a_tick(learner, capsys):
    claim("int8 is smaller", True, measured="4.0x")
    assert capsys.readouterr().out.strip() == "✓ int8 is smaller (measured: 4.0x)"


def test_a_false_correctness_claim_stops_with_a_message_for_the_learner(learner, capsys):
    with pytest.raises(ClaimError, match="This lesson claims: outputs match; it does not hold here.*restart"):
        claim("outputs match", False)
    assert capsys.readouterr().out.startswith("✗ outputs match")


def test_a_false_machine_claim_shows_a_cross_and_the_reason_and_goes_on(learner, capsys):
    claim("int8 runs faster", False, measured="3.1 ms vs 2.9 ms", may_differ="depends on the CPU's int8 kernels")
    out = capsys.readouterr().out
    assert out.startswith("✗ int8 runs faster")
    assert "3.1 ms vs 2.9 ms" in out and "depends on the CPU's int8 kernels" in out


def test_strict_claims_stop_on_a_false_machine_claim(monkeypatch):
    monkeypatch.setenv(claims.STRICT_FLAG, "1")
    monkeypatch.setenv(claims.FLIP_FLAG, "0")
    with pytest.raises(ClaimError, match="strict claims"):
        claim("int8 runs faster", False, may_differ="the CPU")


def test_the_flip_rehearsal_reverses_machine_claims_only(monkeypatch, capsys):
    monkeypatch.setenv(claims.STRICT_FLAG, "0")
    monkeypatch.setenv(claims.FLIP_FLAG, "1")
    claim("int8 runs faster", True, may_differ="the CPU")          # flipped: ✗, but goes on
    claim("outputs match", True)                                    # correctness: never flipped
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("✗ int8 runs faster") and lines[1] == "✓ outputs match"
    monkeypatch.setenv(claims.STRICT_FLAG, "1")                     # strict + flipped: the suite fails
    with pytest.raises(ClaimError):
        claim("int8 runs faster", True, may_differ="the CPU")


def test_a_claim_needs_a_sentence_first(learner):
    with pytest.raises(TypeError, match="statement as a sentence first"):
        claim(True, "int8 is smaller")


def test_a_claim_shows_itself_as_html():
    html = claims.Claim("a < b", False, measured="1 vs 2", may_differ="noise")._repr_html_()
    assert "✗" in html and "a &lt; b" in html and "noise" in html
