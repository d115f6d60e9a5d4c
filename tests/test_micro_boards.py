"""edgebook.micro.boards: memory budgets, latency and energy estimates."""
import pytest


def test_fits_and_estimate(shipped_sine):
    from edgebook import micro

    fit = micro.fits(shipped_sine, "raspberry_pi_pico", 2048)
    assert fit.fits and "fits" in str(fit)
    assert not micro.fits(shipped_sine, "raspberry_pi_pico", 10**6).fits
    guess = micro.estimate(shipped_sine, "arduino_nano_33_ble_sense")
    assert guess.macs == 16 + 16 * 16 + 16 and "ESTIMATE" in str(guess)
    with pytest.raises(KeyError, match="the course knows"):
        micro.board("nano")


def test_estimate_uses_micro_units_for_tiny_models(shipped_sine):
    from edgebook import micro

    text = str(micro.estimate(shipped_sine, "arduino_nano_33_ble_sense"))
    assert "9 µs" in text and "µJ" in text


def test_energy_per_hour_two_states():
    from edgebook import micro

    nano = micro.board("arduino_nano_33_ble_sense")
    idle = micro.energy_per_hour("arduino_nano_33_ble_sense", 0)
    assert idle.busy_share == 0 and idle.joules_per_hour == pytest.approx(3.6 * nano.idle_mw)
    half = micro.energy_per_hour("arduino_nano_33_ble_sense", 0.5 * nano.macs_per_cycle * nano.clock_mhz * 1e6)
    assert half.busy_share == pytest.approx(0.5)
    assert half.average_mw == pytest.approx((nano.active_mw + nano.idle_mw) / 2)
    assert half.battery_hours() == pytest.approx(225 * 3 * 3.6 / half.joules_per_hour)
    assert "ESTIMATE" in str(half)
    with pytest.raises(micro.MicroError, match="cannot keep up"):
        micro.energy_per_hour("arduino_nano_33_ble_sense", 1e9)
