"""A stream of frames from one room, and hysteresis: lesson 15's "switch the TV off when nobody watches".

``person_stream`` follows ``STREAM_SCRIPT`` (someone comes in, watches, leaves,
comes back), with bursts of hard frames (noise, dark, a distractor, an
occluded person); ``hysteresis`` turns per-frame detections into an on/off
decision, and ``count_switches`` / ``spurious_switches`` count what it does.
Lessons call these as ``scenes.person_stream``, ``scenes.hysteresis``...

Introduced in 15_person_detection.
"""
from __future__ import annotations

import dataclasses
import math
from typing import NamedTuple

import numpy as np

from edgebook.scene_render import (DISTRACTORS, POSES, SIZE, random_clutter, random_distractors, random_people,
                                   random_rooms, render)
from edgebook.showing import shows_itself


# --- a stream of frames: someone watches, leaves, comes back -----------------------------

@dataclasses.dataclass(frozen=True)
class Stream:
    """Frames of one room over time, with the truth and what made each frame hard."""

    frames: np.ndarray      # (T, 96, 96) uint8
    present: np.ndarray     # (T,) bool: a person is in the picture
    events: tuple[str, ...]  # per frame: "", "noise", "dark", "distractor", "occluded"
    fps: float

    @property
    def seconds(self) -> np.ndarray:
        return np.arange(len(self.frames)) / self.fps


STREAM_SCRIPT = (("away", 20), ("arriving", 8), ("watching", 50), ("leaving", 8), ("away", 50),
                 ("arriving", 8), ("watching", 50), ("leaving", 6), ("away", 30))
"""The stream's story, in (what happens, frames): an empty room; someone comes in, sits down and
watches; gets up and walks out; the room is empty for a while; they come back, watch again and leave."""


def person_stream(seed: int = 15, fps: float = 2.0, hard_share: float = 0.2) -> Stream:
    """Frames of one room following ``STREAM_SCRIPT``, at ``fps`` frames a second.

    About a share ``hard_share`` of the frames, in bursts of 1 to 3, is made
    hard on purpose: sensor noise (a dark room turns the camera's gain up), the
    lights going down, a coat stand carried into view, or something carried
    past in front of the sofa (the person hidden up to the head).

    Introduced in 15_person_detection.
    """
    rng = np.random.default_rng(seed)
    story = [what for what, frames in STREAM_SCRIPT for _ in range(frames)]
    t = len(story)
    room = random_rooms(rng, 1)
    room["horizon"][:] = 80
    room_of = np.zeros(t, np.int64)
    # A static scene: the same furniture, clutter and lamp in every frame, the camera fixed.
    clutter = {k: np.repeat(v[:1], t, axis=0) for k, v in random_clutter(rng, 1).items()}
    distractors = {k: np.repeat(v[:1], t, axis=0) for k, v in random_distractors(rng, 1).items()}
    distractors["kind"][:] = [DISTRACTORS.index("lamp"), -1]
    distractors["x"][:, 0], distractors["base"][:, 0], distractors["height"][:, 0] = 84, 88, 62
    people = {k: np.repeat(v[:1], t, axis=0) for k, v in random_people(rng, 1).items()}
    people["sofa"][:] = False
    people["height"][:] = 66
    # The sofa: a fixed box under the seat (behind the person, so drawn with the clutter).
    clutter["box_on"][:, 0] = True
    clutter["box_x"][:, 0], clutter["box_y"][:, 0], clutter["box_w"][:, 0], clutter["box_h"][:, 0] = 28, 54, 44, 22
    seat_x, door_x = 42.0, 6.0
    x, pose, facing = np.full(t, seat_x), np.full(t, POSES.index("sitting")), np.ones(t)
    start = 0
    for what, frames in STREAM_SCRIPT:
        if what in ("arriving", "leaving"):  # walking between the door and the sofa
            ends = (door_x, seat_x) if what == "arriving" else (seat_x, door_x)
            x[start:start + frames] = np.linspace(*ends, frames)
            pose[start:start + frames] = POSES.index("walking")
            facing[start:start + frames] = 1.0 if what == "arriving" else -1.0
        start += frames
    present = np.array([what != "away" for what in story])
    people["x"] = x + rng.normal(0, 0.7, t)  # people fidget
    people["pose"], people["facing"] = pose, facing
    people["stride"] = np.where(np.arange(t) % 2 == 0, 0.35, 0.1)  # legs swing while walking
    head_row = np.where(pose == POSES.index("sitting"), 24.0, 12.0) + rng.normal(0, 0.5, t)
    people["top"] = (head_row + 0.04 * people["height"]) / (SIZE - 0.8 * people["height"])  # see scene_render._head_top's formula
    people["arm_angle"] = np.clip(people["arm_angle"] + rng.normal(0, 0.08, (t, 2)), 0.05, 0.8)
    camera = dict(gain=1.0 + rng.normal(0, 0.03, t), offset=np.zeros(t), noise=np.full(t, 0.012),
                  blur=np.zeros(t, bool))
    events = [""] * t
    frame = 0
    while frame < t:  # hard moments come in bursts of 1 to 3 frames
        if rng.random() < hard_share / 2:
            kind, length = str(rng.choice(["noise", "dark", "distractor", "occluded"])), int(rng.integers(1, 4))
            for f in range(frame, min(frame + length, t)):
                events[f] = kind
                _make_hard(f, kind, camera, distractors, people)
            frame += length
        frame += 1
    frames = render(room, room_of, np.zeros(t), np.zeros(t), clutter, distractors, people, present, camera, rng)
    return Stream(frames, present, tuple(events), fps)


def _make_hard(frame, kind, camera, distractors, people):
    if kind == "noise":  # a dark room: the camera turns its gain up, and with it the noise
        camera["noise"][frame] = 0.25
    elif kind == "dark":  # the lights go down
        camera["gain"][frame] = 0.25
    elif kind == "distractor":  # a coat stand carried into view near the sofa
        distractors["kind"][frame, 1] = DISTRACTORS.index("coat stand")
        distractors["x"][frame, 1], distractors["base"][frame, 1] = 22.0, 86.0
        distractors["height"][frame, 1] = 58.0
    else:  # something is carried past in front of the camera, at the height of the sofa
        people["sofa"][frame] = True
        people["sofa_cover"][frame], people["sofa_tone"][frame] = 1.0, 0.2


# --- turning detections into a decision: hysteresis ----------------------------------------------

def hysteresis(detections, on_after: int, off_after: int, initially_on: bool = False) -> np.ndarray:
    """A switch that follows per-frame detections only when they insist.

    It turns on after ``on_after`` positive frames in a row and off after
    ``off_after`` negative frames in a row; a single contrary frame resets the
    count. ``on_after=off_after=1`` simply follows the detections.

    Introduced in 15_person_detection.
    """
    if int(on_after) < 1 or int(off_after) < 1:
        raise ValueError(f"on_after and off_after count frames, so they must be at least 1; "
                         f"you passed {on_after} and {off_after}.")
    state, run, states = bool(initially_on), 0, []
    for detected in np.asarray(detections, dtype=bool):
        run = run + 1 if detected != state else 0
        if run >= (off_after if state else on_after):
            state, run = not state, 0
        states.append(state)
    return np.array(states, dtype=bool)


def count_switches(states, initially_on: bool = False) -> int:
    """How many times a switch changes state (from ``initially_on`` before the first frame)."""
    states = np.concatenate([[bool(initially_on)], np.asarray(states, dtype=bool)])
    return int(np.count_nonzero(states[1:] != states[:-1]))


def spurious_switches(states, truth, initially_on: bool = False) -> int:
    """Switches beyond the ones the truth itself needs (never negative)."""
    return max(0, count_switches(states, initially_on) - count_switches(truth, initially_on))


def switch_delays(states, truth) -> list[tuple[bool, int | None]]:
    """For each change of the truth: (turned on?, frames until the switch followed it, None if it never did).

    Introduced in 15_person_detection.
    """
    states, truth = np.asarray(states, bool), np.asarray(truth, bool)
    previous = np.concatenate([[False], truth[:-1]])
    found = []
    for frame in np.flatnonzero(truth != previous):
        following = np.flatnonzero(states[frame:] == truth[frame])
        found.append((bool(truth[frame]), int(following[0]) if len(following) else None))
    return found


@shows_itself
class SwitchReport(NamedTuple):
    """What a hysteresis switch does on a stream: spurious switches and its worst delays (seconds)."""

    spurious: int
    on_delay_s: float
    off_delay_s: float

    def __str__(self) -> str:
        return (f"{self.spurious} spurious switches; worst delay {self.on_delay_s:g} s to turn on, "
                f"{self.off_delay_s:g} s to turn off")


def switch_report(on_after: int, off_after: int, detections, truth, fps: float) -> SwitchReport:
    """Switch ``detections`` with hysteresis and compare with ``truth``: spurious switches, worst delays.

    A delay is ``inf`` when the switch never follows a change of the truth. Introduced in 15_person_detection.
    """
    states = hysteresis(detections, on_after, off_after)
    waits = switch_delays(states, truth)
    worst = {}
    for turned_on in (True, False):
        frames = [f for on, f in waits if on == turned_on]
        worst[turned_on] = math.inf if any(f is None for f in frames) else max(frames, default=0) / fps
    return SwitchReport(spurious_switches(states, truth), worst[True], worst[False])
