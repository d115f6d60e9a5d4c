"""Lesson 15's scenes, streams and detector, in the module lessons import.

- ``edgebook.scene_render``: seeded 96x96 grey scenes with and without a person.
  They are made up, and the lesson says so; that module says what a scene holds
  and how it is drawn. The same seed always gives the same pixels.
- ``edgebook.person_streams``: frames of one room over time, and the hysteresis
  of "switch the TV off when nobody watches".
- ``edgebook.person_detector``: the MobileNet-style detector, its pretrained
  weights, and real images (any photo as a 96x96 frame; Visual Wake Words folders).

    >>> x, y, groups = scenes.person_scenes()      # x (n, 96, 96) uint8, y 0/1, groups = room ids
    >>> stream = scenes.person_stream()            # frames of one room over time, and the truth
    >>> tv_on = scenes.hysteresis(detections, on_after=3, off_after=6)

Introduced in 15_person_detection.
"""
from __future__ import annotations

from edgebook.person_detector import (DETECTOR_BLOCKS, VWW_URL, build_person_detector, load_pretrained,
                                      photo_frame, prepare, read_image_folders, visual_wake_words)
from edgebook.person_streams import (STREAM_SCRIPT, count_switches, hysteresis, person_stream,
                                     spurious_switches, Stream, SwitchReport, switch_delays, switch_report)
from edgebook.scene_render import (CLASS_NAMES, DISTRACTORS, POSES, SEED, SIZE, person_scenes, random_clutter,
                                   random_distractors, random_people, random_rooms, render)

__all__ = ["SIZE", "CLASS_NAMES", "SEED", "DISTRACTORS", "random_rooms", "random_clutter",
           "random_distractors", "POSES", "random_people", "render", "person_scenes", "Stream",
           "STREAM_SCRIPT", "person_stream", "hysteresis", "count_switches", "spurious_switches", "switch_delays",
           "SwitchReport", "switch_report", "VWW_URL", "visual_wake_words", "read_image_folders", "photo_frame",
           "DETECTOR_BLOCKS", "build_person_detector", "prepare", "load_pretrained"]
