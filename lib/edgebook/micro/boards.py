"""Boards: their memory budgets, and latency and energy ESTIMATED from a model's MAC count.

Introduced in 12_tflm_hello_world (``fits``, ``estimate``); ``energy_per_hour``
in 16_cascades_and_deployment.
"""
from __future__ import annotations

import dataclasses

from edgebook import modelfile
from edgebook.micro.errors import MicroError
from edgebook.modelfile import read_model_bytes
from edgebook.showing import shows_itself

@dataclasses.dataclass(frozen=True)
class Board:
    """A microcontroller board: its memory and the numbers an estimate needs (from its datasheet)."""

    name: str
    cpu: str
    clock_mhz: float
    flash_bytes: int
    ram_bytes: int
    active_mw: float       # typical power while computing
    macs_per_cycle: float  # int8 MACs per clock cycle sustained in conv kernels (an assumption)
    idle_mw: float = 1.0   # power while waiting for the next audio frame: CPU asleep, microphone on


BOARDS = {
    "arduino_nano_33_ble_sense": Board("Arduino Nano 33 BLE Sense", "nRF52840, Cortex-M4F", 64, 1024 * 1024,
                                       256 * 1024, 20.0, 0.5, idle_mw=1.0),
    "esp32_s3": Board("ESP32-S3-DevKitC-1 (N8R8)", "ESP32-S3, Xtensa LX7 with vector extensions", 240,
                      8 * 1024 * 1024, 512 * 1024, 150.0, 1.0, idle_mw=5.0),
    "raspberry_pi_pico": Board("Raspberry Pi Pico", "RP2040, Cortex-M0+", 133, 2 * 1024 * 1024, 264 * 1024,
                               25.0, 0.1, idle_mw=4.0),
}
"""Flash and RAM from the makers' datasheets. ``active_mw`` and ``macs_per_cycle`` are rough
assumptions for an estimate, not measurements: CMSIS-NN on a Cortex-M4 sustains about
0.5 int8 MACs per cycle in convolutions, a Cortex-M0+ (no SIMD) much less. ``idle_mw`` is the
power between bursts of work with the microphone still sampling (the chip in its lightest sleep
plus a PDM or I2S microphone, about 1 mW on the nRF52840, more on the others): also an assumption."""


def board(name: str) -> Board:
    if name not in BOARDS:
        raise KeyError(f"No board {name!r}; the course knows: {', '.join(BOARDS)}.")
    return BOARDS[name]


@dataclasses.dataclass(frozen=True)
@shows_itself
class Fit:
    board: Board
    model_bytes: int
    arena_bytes: int

    @property
    def flash_share(self) -> float:
        return self.model_bytes / self.board.flash_bytes

    @property
    def ram_share(self) -> float:
        return self.arena_bytes / self.board.ram_bytes

    @property
    def fits(self) -> bool:
        return self.flash_share <= 1 and self.ram_share <= 1

    def __str__(self) -> str:
        verdict = "fits" if self.fits else "does NOT fit"
        return (f"{self.board.name}: {verdict} — model {self.model_bytes:,} B = {self.flash_share:.1%} of "
                f"{self.board.flash_bytes // 1024:,} KB flash, arena {self.arena_bytes:,} B = "
                f"{self.ram_share:.1%} of {self.board.ram_bytes // 1024:,} KB RAM")


def fits(model, board_name: str, arena_bytes: int) -> Fit:
    """Whether a model (in flash) and its arena (in RAM) fit a board; the rest of the app needs room too."""
    return Fit(board(board_name), len(read_model_bytes(model)), int(arena_bytes))


@dataclasses.dataclass(frozen=True)
@shows_itself
class Estimate:
    """Latency and energy of one inference on a board, ESTIMATED from the MAC count."""

    board: Board
    macs: int
    latency_ms: float
    energy_mj: float

    def __str__(self) -> str:
        b = self.board
        return (f"ESTIMATE for {b.name}: {self.macs:,} MACs / ({b.macs_per_cycle} MACs/cycle x {b.clock_mhz:g} MHz)"
                f" = {_with_unit(self.latency_ms, 'ms', 'µs')}, x {b.active_mw:g} mW = "
                f"{_with_unit(self.energy_mj, 'mJ', 'µJ')} per inference")


def _with_unit(value: float, unit: str, micro_unit: str) -> str:
    """3 significant digits, in the micro- unit when the value is below 1 (0.009 ms -> 9 µs)."""
    return f"{value:.3g} {unit}" if value >= 1 else f"{value * 1000:.3g} {micro_unit}"


def estimate(model, board_name: str) -> Estimate:
    """Latency = MACs / (MACs per cycle x clock); energy = latency x active power. An estimate only:
    it ignores memory traffic and the ops without MACs, so treat it as a lower bound on latency."""
    b = board(board_name)
    total = modelfile.macs(model)
    latency_s = total / (b.macs_per_cycle * b.clock_mhz * 1e6)
    return Estimate(b, total, latency_s * 1e3, latency_s * b.active_mw)


@dataclasses.dataclass(frozen=True)
@shows_itself
class EnergyEstimate:
    """Energy of an always-listening device for one hour, ESTIMATED with a two-state power model."""

    board: Board
    macs_per_second: float
    busy_share: float  # share of the time the CPU computes (the rest it waits, at idle power)
    joules_per_hour: float

    @property
    def average_mw(self) -> float:
        return self.joules_per_hour / 3.6

    def battery_hours(self, milliamp_hours: float = 225.0, volts: float = 3.0) -> float:
        """How long a battery lasts (default: a CR2032 coin cell, 225 mAh at 3 V), ignoring everything else."""
        return milliamp_hours * volts * 3.6 / self.joules_per_hour

    def __str__(self) -> str:
        return (f"ESTIMATE for {self.board.name}: {self.macs_per_second / 1e6:.3g} M MACs/s keep the CPU busy "
                f"{self.busy_share:.1%} of the time; {self.joules_per_hour:.3g} J per hour "
                f"(average {self.average_mw:.3g} mW)")


def energy_per_hour(board_name: str, macs_per_second: float) -> EnergyEstimate:
    """Energy per hour of a device that does ``macs_per_second`` of work, every second, all hour.

    The power model (an estimate, with the board's assumed numbers): the CPU
    computes at ``active_mw`` for ``macs / (macs_per_cycle x clock)`` seconds
    and waits at ``idle_mw`` the rest of the time. Memory traffic, the radio
    and the sensor's own processing are left out.

    Introduced in 16_cascades_and_deployment.
    """
    b = board(board_name)
    busy = macs_per_second / (b.macs_per_cycle * b.clock_mhz * 1e6)
    if busy > 1:
        raise MicroError(f"{macs_per_second:,.0f} MACs per second need {busy:.1f}x what {b.name} can do "
                         f"({b.macs_per_cycle} MACs/cycle x {b.clock_mhz:g} MHz): it cannot keep up in real time.")
    joules = 3600 * (busy * b.active_mw + (1 - busy) * b.idle_mw) / 1000
    return EnergyEstimate(b, float(macs_per_second), float(busy), float(joules))
