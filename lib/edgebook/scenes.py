"""Seeded 96x96 grey scenes with and without a person, and the frame-stream helpers of
lesson 15's "switch the TV off when nobody watches".

The scenes are made up, and the lesson says so. Each one is a room (a wall
with a gradient and maybe a pattern, a floor, furniture) with clutter
(boxes, lines, blobs) and person-like distractors (floor lamps, plants,
chairs, coat stands, bottles: upright shapes with a round top). Half of them
also hold a person: a head, a torso, two arms and two legs in a random pose
(standing, walking, waving, sitting), at a random size, place and contrast,
sometimes partly hidden behind a sofa or cut off by the frame edge. A camera
step changes exposure, adds blur and sensor noise, and stores 8-bit pixels,
as the 96x96 grey camera of the TFLM person detection example does.

    >>> x, y, groups = scenes.person_scenes()      # x (n, 96, 96) uint8, y 0/1, groups = room ids
    >>> stream = scenes.person_stream()            # frames of one room over time, and the truth
    >>> tv_on = scenes.hysteresis(detections, on_after=3, off_after=6)

The scenes are drawn in ``edgebook.scene_render``, the streams and hysteresis are in
``edgebook.person_streams``, the detector, its weights and the real images in
``edgebook.person_detector``; this module is the one lessons import, with every
name they use. Everything is drawn with vectorized NumPy: each shape is computed for all
images at once, in a small window around it, so 4,000 scenes take a second or
two. The same seed always gives the same pixels.

Introduced in 15_person_detection.
"""
from __future__ import annotations

from edgebook.person_detector import (DETECTOR_BLOCKS, VWW_URL, build_person_detector, load_pretrained,
                                      prepare, read_image_folders, visual_wake_words)
from edgebook.person_streams import (STREAM_SCRIPT, count_switches, hysteresis, person_stream,
                                     spurious_switches, Stream)
from edgebook.scene_render import (CLASS_NAMES, DISTRACTORS, POSES, SEED, SIZE, person_scenes, random_clutter,
                                   random_distractors, random_people, random_rooms, render)

__all__ = ["SIZE", "CLASS_NAMES", "SEED", "DISTRACTORS", "random_rooms", "random_clutter",
           "random_distractors", "POSES", "random_people", "render", "person_scenes", "Stream",
           "STREAM_SCRIPT", "person_stream", "hysteresis", "count_switches", "spurious_switches", "VWW_URL",
           "visual_wake_words", "read_image_folders", "DETECTOR_BLOCKS", "build_person_detector", "prepare",
           "load_pretrained"]
