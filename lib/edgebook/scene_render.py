"""Seeded 96x96 grey scenes with and without a person: what is in a room, drawn for many images at once.

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

Everything is drawn with vectorized NumPy: each shape is computed for all
images at once, in a small window around it, so 4,000 scenes take a second or
two. The same seed always gives the same pixels.

Introduced in 15_person_detection.
"""

from __future__ import annotations

import numpy as np


SIZE = 96
"""Scenes are SIZE x SIZE grey pixels, the input of the TFLM person detection example."""

CLASS_NAMES = ("no person", "person")
SEED = 96
_MARGIN = 4  # the canvas is padded a little; windows are clipped to it, so shapes may leave the frame
_CHUNK = 500  # images rendered at once: enough for NumPy to be fast, few enough to keep memory small
_CANVAS = SIZE + 2 * _MARGIN

DISTRACTORS = ("lamp", "plant", "chair", "coat stand", "bottle")
"""Person-like things that are not people: upright, often with a round top."""


# --- drawing: every shape for many images at once, in a window around it ----------------------

def _per_image(value, which) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, np.float32), which.shape)


class _Canvas:
    """Float pixels (0 black .. 1 white) of n images, padded so shapes may leave the frame."""

    def __init__(self, background: np.ndarray):
        # Beyond the frame the background simply continues (clamped edges).
        self.pixels = np.pad(background, ((0, 0), (_MARGIN, _MARGIN), (_MARGIN, _MARGIN)), mode="edge")

    def image(self) -> np.ndarray:
        return self.pixels[:, _MARGIN:_MARGIN + SIZE, _MARGIN:_MARGIN + SIZE]

    def _window(self, which, x_low, y_low, x_high, y_high):
        """Pixel coordinates of one window per image (same size for all), and their flat indices."""
        width = int(np.ceil(np.max(x_high - x_low, initial=0))) + 3
        height = int(np.ceil(np.max(y_high - y_low, initial=0))) + 3
        width, height = min(width, _CANVAS), min(height, _CANVAS)
        left = np.clip(np.floor(x_low).astype(np.int64) - 1, -_MARGIN, SIZE + _MARGIN - width)
        top = np.clip(np.floor(y_low).astype(np.int64) - 1, -_MARGIN, SIZE + _MARGIN - height)
        columns = left[:, None, None] + np.arange(width)[None, None, :]  # image coordinates
        rows = top[:, None, None] + np.arange(height)[None, :, None]
        flat = (which[:, None, None] * _CANVAS + rows + _MARGIN) * _CANVAS + columns + _MARGIN
        return columns.astype(np.float32), rows.astype(np.float32), flat

    def _paint(self, flat, alpha, value):
        pixels = self.pixels.reshape(-1)
        old = pixels[flat]
        pixels[flat] = old + alpha * (value[:, None, None] - old)

    def mean(self, which, x0, y0, x1, y1) -> np.ndarray:
        """Mean pixel value inside a box, per image (what a shape drawn there would stand against)."""
        x0, y0, x1, y1 = (_per_image(a, which) for a in (x0, y0, x1, y1))
        xs, ys, flat = self._window(which, x0, y0, x1, y1)
        inside = np.minimum(np.minimum(xs - x0[:, None, None], x1[:, None, None] - xs),
                            np.minimum(ys - y0[:, None, None], y1[:, None, None] - ys))
        weight = np.clip(inside + 0.5, 0, 1)
        pixels = self.pixels.reshape(-1)[flat]
        return (weight * pixels).sum(axis=(1, 2)) / np.maximum(weight.sum(axis=(1, 2)), 1e-6)

    def capsule(self, which, x0, y0, x1, y1, radius, value):
        """A thick line with round ends (a limb, a pole) from (x0, y0) to (x1, y1)."""
        if len(which) == 0:
            return
        x0, y0, x1, y1, radius, value = (_per_image(a, which) for a in (x0, y0, x1, y1, radius, value))
        xs, ys, flat = self._window(which, np.minimum(x0, x1) - radius, np.minimum(y0, y1) - radius,
                                    np.maximum(x0, x1) + radius, np.maximum(y0, y1) + radius)
        dx, dy = (x1 - x0)[:, None, None], (y1 - y0)[:, None, None]
        px, py = xs - x0[:, None, None], ys - y0[:, None, None]
        t = np.clip((px * dx + py * dy) / (dx * dx + dy * dy + 1e-6), 0, 1)
        distance = np.sqrt((px - t * dx) ** 2 + (py - t * dy) ** 2)
        self._paint(flat, np.clip(radius[:, None, None] + 0.5 - distance, 0, 1), value)

    def ellipse(self, which, cx, cy, rx, ry, value):
        if len(which) == 0:
            return
        cx, cy, rx, ry, value = (_per_image(a, which) for a in (cx, cy, rx, ry, value))
        rx, ry = np.maximum(rx, 0.6), np.maximum(ry, 0.6)
        xs, ys, flat = self._window(which, cx - rx, cy - ry, cx + rx, cy + ry)
        d = np.sqrt(((xs - cx[:, None, None]) / rx[:, None, None]) ** 2
                    + ((ys - cy[:, None, None]) / ry[:, None, None]) ** 2)
        edge = np.minimum(rx, ry)[:, None, None]
        self._paint(flat, np.clip((1 - d) * edge + 0.5, 0, 1), value)

    def box(self, which, x0, y0, x1, y1, value):
        if len(which) == 0:
            return
        x0, y0, x1, y1, value = (_per_image(a, which) for a in (x0, y0, x1, y1, value))
        xs, ys, flat = self._window(which, x0, y0, x1, y1)
        inside = np.minimum(np.minimum(xs - x0[:, None, None], x1[:, None, None] - xs),
                            np.minimum(ys - y0[:, None, None], y1[:, None, None] - ys))
        self._paint(flat, np.clip(inside + 0.5, 0, 1), value)


# --- what is in a scene: parameters drawn at random, then rendered ----------------------------

def random_rooms(rng: np.random.Generator, n: int) -> dict:
    """Per room: wall and floor tones, light gradient, wallpaper stripes, two pieces of furniture."""
    wall = rng.uniform(0.15, 0.85, n)
    return dict(
        wall=wall,
        floor=np.clip(wall + rng.choice([-1, 1], n) * rng.uniform(0.1, 0.4, n), 0.05, 0.95),
        horizon=rng.uniform(50, 110, n),  # the floor line; below the frame for some rooms
        gradient=rng.uniform(-0.35, 0.35, n),
        gradient_angle=rng.uniform(0, 2 * np.pi, n),
        stripes=rng.uniform(0, 0.08, n) * (rng.random(n) < 0.5),
        stripe_freq=rng.uniform(0.08, 0.35, n),
        stripe_angle=rng.choice([0.0, np.pi / 2, np.pi / 4], n),
        furniture_x=rng.uniform(-10, 90, (n, 2)),
        furniture_y=rng.uniform(-10, 70, (n, 2)),
        furniture_w=rng.uniform(12, 40, (n, 2)),
        furniture_h=rng.uniform(12, 40, (n, 2)),
        furniture_tone=rng.uniform(0, 1, (n, 2)),
    )


def random_clutter(rng, n):
    """Per image: boxes, lines and blobs, each shown or not, that are neither furniture nor people."""
    return dict(
        box_x=rng.uniform(-5, 96, (n, 3)), box_y=rng.uniform(-5, 96, (n, 3)),
        box_w=rng.uniform(3, 22, (n, 3)), box_h=rng.uniform(3, 22, (n, 3)),
        box_tone=rng.uniform(0, 1, (n, 3)), box_on=rng.random((n, 3)) < 0.6,
        line_x=rng.uniform(-5, 100, (n, 2)), line_y=rng.uniform(-5, 100, (n, 2)),
        line_length=rng.uniform(8, 34, (n, 2)), line_angle=rng.uniform(0, np.pi, (n, 2)),
        line_radius=rng.uniform(0.4, 1.4, (n, 2)), line_tone=rng.uniform(0, 1, (n, 2)),
        line_on=rng.random((n, 2)) < 0.6,
        blob_x=rng.uniform(0, 96, (n, 2)), blob_y=rng.uniform(0, 96, (n, 2)),
        blob_rx=rng.uniform(2, 9, (n, 2)), blob_ry=rng.uniform(2, 9, (n, 2)),
        blob_tone=rng.uniform(0, 1, (n, 2)), blob_on=rng.random((n, 2)) < 0.5,
    )


def random_distractors(rng, n, slots=2):
    """Upright things with a round top, so that 'tall thing with a head' is not enough."""
    kind = rng.choice(len(DISTRACTORS) + 1, size=(n, slots), p=[0.2, 0.2, 0.15, 0.15, 0.15, 0.15]) - 1
    return dict(
        kind=kind,  # -1: none
        x=rng.uniform(4, 92, (n, slots)), base=rng.uniform(45, 100, (n, slots)),
        height=rng.uniform(24, 80, (n, slots)), width=rng.uniform(0.6, 1.4, (n, slots)),
        tone=rng.uniform(0, 1, (n, slots)), top_tone=rng.uniform(0, 1, (n, slots)),
        lean=rng.uniform(-0.25, 0.25, (n, slots)), side=rng.choice([-1.0, 1.0], (n, slots)),
    )


POSES = ("standing", "walking", "waving", "sitting")


def random_people(rng, n):
    """Random people: size, place, pose, and how much their clothes and skin stand out."""
    return dict(
        height=rng.uniform(32, 86, n), pose=rng.choice(len(POSES), n, p=[0.3, 0.25, 0.15, 0.3]),
        x=rng.uniform(6, 90, n),
        top=rng.uniform(-0.05, 1.0, n),  # where the head is, from the top (0) to as low as fits (1)
        lean=rng.uniform(-0.2, 0.2, n),
        facing=rng.choice([-1.0, 1.0], n),
        arm_angle=rng.uniform(0.05, 0.7, (n, 2)), elbow=rng.uniform(-0.9, 0.9, (n, 2)),
        wave_angle=rng.uniform(1.7, 2.9, n),
        leg_angle=rng.uniform(0.02, 0.22, (n, 2)), stride=rng.uniform(0.2, 0.5, n),
        knee=rng.uniform(0, 0.4, (n, 2)),
        # Tones are set when drawing, against what is behind the person: lighter on a dark
        # background (mostly), darker on a light one, by these amounts.
        darker=rng.random(n) < 0.15,
        shirt=rng.uniform(0.2, 0.6, n), trousers=rng.uniform(0.15, 0.6, n), skin=rng.uniform(0.15, 0.5, n),
        build=rng.uniform(0.8, 1.25, n),
        sofa=rng.random(n) < 0.2,  # hidden from the chest down behind a sofa or table
        sofa_tone=rng.uniform(0, 1, n), sofa_cover=rng.uniform(0.2, 0.5, n),
    )


def _head_top(p):
    """Image row of the top of each person's head."""
    return p["top"] * (SIZE - 0.8 * p["height"]) - 0.04 * p["height"]


def _camera(rng, n):
    return dict(gain=rng.uniform(0.7, 1.3, n), offset=rng.uniform(-0.08, 0.08, n),
                noise=rng.uniform(0.005, 0.045, n), blur=rng.random(n) < 0.5)


def _draw_background(room, room_of, shift_x, shift_y):
    """Wall with a light gradient and maybe stripes, floor below the horizon: separable in x and y,
    so the costly parts (sines) are computed on rows and columns, not on every pixel."""
    r = {k: np.asarray(v[room_of], np.float32)[:, None, None] for k, v in room.items()}
    x = np.arange(SIZE, dtype=np.float32)[None, None, :] + shift_x.astype(np.float32)[:, None, None]
    y = np.arange(SIZE, dtype=np.float32)[None, :, None] + shift_y.astype(np.float32)[:, None, None]
    along = (x - 48) * np.cos(r["gradient_angle"]) / SIZE + (y - 48) * np.sin(r["gradient_angle"]) / SIZE
    u = 2 * np.pi * r["stripe_freq"] * x * np.cos(r["stripe_angle"])
    v = 2 * np.pi * r["stripe_freq"] * y * np.sin(r["stripe_angle"])
    wave = np.sin(u) * np.cos(v) + np.cos(u) * np.sin(v)  # sin(u + v)
    wall = r["wall"] + r["gradient"] * along + r["stripes"] * wave
    floor_alpha = np.clip(y - r["horizon"] + 0.5, 0, 1)
    floor = r["floor"] + 0.3 * r["gradient"] * along
    return (wall + floor_alpha * (floor - wall)).astype(np.float32)


def _draw_furniture(canvas, room, room_of, shift_x, shift_y):
    everyone = np.arange(len(room_of))
    for k in range(room["furniture_x"].shape[1]):
        x0 = room["furniture_x"][room_of, k] - shift_x
        y0 = room["furniture_y"][room_of, k] - shift_y
        canvas.box(everyone, x0, y0, x0 + room["furniture_w"][room_of, k], y0 + room["furniture_h"][room_of, k],
                   room["furniture_tone"][room_of, k])


def _draw_clutter(canvas, c):
    for k in range(c["box_x"].shape[1]):
        which = np.flatnonzero(c["box_on"][:, k])
        canvas.box(which, c["box_x"][which, k], c["box_y"][which, k], c["box_x"][which, k] + c["box_w"][which, k],
                   c["box_y"][which, k] + c["box_h"][which, k], c["box_tone"][which, k])
    for k in range(c["line_x"].shape[1]):
        which = np.flatnonzero(c["line_on"][:, k])
        x0, y0 = c["line_x"][which, k], c["line_y"][which, k]
        length, angle = c["line_length"][which, k], c["line_angle"][which, k]
        canvas.capsule(which, x0, y0, x0 + length * np.cos(angle), y0 + length * np.sin(angle),
                       c["line_radius"][which, k], c["line_tone"][which, k])
    for k in range(c["blob_x"].shape[1]):
        which = np.flatnonzero(c["blob_on"][:, k])
        canvas.ellipse(which, c["blob_x"][which, k], c["blob_y"][which, k], c["blob_rx"][which, k],
                       c["blob_ry"][which, k], c["blob_tone"][which, k])


def _draw_distractors(canvas, d):
    for slot in range(d["kind"].shape[1]):
        for kind, name in enumerate(DISTRACTORS):
            which = np.flatnonzero(d["kind"][:, slot] == kind)
            if len(which) == 0:
                continue
            x, base, h = d["x"][which, slot], d["base"][which, slot], d["height"][which, slot]
            w, tone, top = d["width"][which, slot], d["tone"][which, slot], d["top_tone"][which, slot]
            lean, side = d["lean"][which, slot] * h, d["side"][which, slot]
            tip_x, tip_y = x + lean, base - h
            if name == "lamp":  # a thin pole, a foot, and a round or boxy shade on top
                canvas.box(which, x - 0.12 * h * w, base - 2, x + 0.12 * h * w, base, tone)
                canvas.capsule(which, x, base, tip_x, tip_y, 0.6 + 0.5 * w, tone)
                canvas.ellipse(which, tip_x, tip_y, 0.09 * h * w + 2, 0.08 * h + 1.5, top)
            elif name == "plant":  # a trunk under a round crown, in a pot
                canvas.box(which, x - 0.1 * h, base - 0.15 * h, x + 0.1 * h, base, tone)
                canvas.capsule(which, x, base - 0.15 * h, tip_x, tip_y + 0.2 * h, 0.8 + 0.6 * w, tone)
                canvas.ellipse(which, tip_x, tip_y + 0.15 * h, 0.22 * h * w, 0.2 * h, top)
            elif name == "chair":  # seen from the side: back, seat and legs
                s = 0.6 * h
                back_x = x - side * 0.25 * s
                canvas.capsule(which, back_x, base, back_x, base - s, 0.9 * w + 0.4, tone)
                canvas.box(which, np.minimum(back_x, back_x + side * 0.5 * s), base - 0.5 * s - 1.5,
                           np.maximum(back_x, back_x + side * 0.5 * s), base - 0.5 * s + 1.5, tone)
                canvas.capsule(which, back_x + side * 0.5 * s, base - 0.5 * s, back_x + side * 0.5 * s, base,
                               0.6 * w + 0.3, tone)
                canvas.ellipse(which, back_x, base - s, 0.08 * s + 1, 0.06 * s + 1, top)
            elif name == "coat stand":  # a pole with a ball on top and hooks that look a bit like arms
                canvas.capsule(which, x, base, tip_x, tip_y, 0.7 + 0.4 * w, tone)
                for direction in (-1, 1):
                    canvas.capsule(which, tip_x, tip_y + 0.12 * h, tip_x + direction * 0.12 * h * w,
                                   tip_y + 0.02 * h, 0.5 + 0.3 * w, tone)
                canvas.capsule(which, x - 0.15 * h, base, x + 0.15 * h, base, 0.8, tone)
                canvas.ellipse(which, tip_x, tip_y - 1, 0.05 * h + 1, 0.05 * h + 1, top)
            else:  # bottle or vase: a body, a neck and a round stopper
                canvas.ellipse(which, x, base - 0.3 * h, 0.16 * h * w, 0.3 * h, tone)
                canvas.capsule(which, x, base - 0.55 * h, x, base - 0.85 * h, 0.05 * h * w + 0.6, tone)
                canvas.ellipse(which, x, base - 0.9 * h, 0.08 * h + 0.8, 0.08 * h + 0.8, top)


def _draw_people(canvas, p, which):
    """Head, torso, two arms and two legs; each limb is two segments bent at a joint."""
    if len(which) == 0:
        return
    p = {k: v[which] for k, v in p.items()}
    h, pose, facing, build = p["height"], p["pose"], p["facing"], p["build"]
    sitting = pose == POSES.index("sitting")
    top = _head_top(p)
    # Clothes and skin stand out from what is behind the person, so that every person can be seen.
    behind = canvas.mean(which, p["x"] - 0.2 * h, top, p["x"] + 0.2 * h, top + 0.9 * h)
    direction = np.where(behind < 0.5, 1.0, -1.0) * np.where(p["darker"], -1.0, 1.0)
    for part in ("shirt", "trousers", "skin"):
        tone = behind + direction * p[part]
        tone = np.where((tone < 0.02) | (tone > 0.98), behind - direction * p[part], tone)  # no room: other way
        p[part] = np.clip(tone, 0.02, 0.98)
    # Where the body is: the head's top at `top`, the hip halfway down (higher when sitting).
    head_r = 0.065 * h
    neck = np.stack([p["x"] + 0.0, top + 2.2 * head_r], axis=1)
    torso_length = 0.30 * h
    hip = neck + np.stack([np.sin(p["lean"]), np.cos(p["lean"])], axis=1) * torso_length[:, None]
    limb_r = np.maximum(0.026 * h * build, 0.7)
    leg_r = np.maximum(0.034 * h * build, 0.8)
    # Legs: thigh and shin. Standing, walking and waving: mostly down; sitting: thighs forward.
    for side, sign in enumerate((-1.0, 1.0)):
        thigh_angle = sign * p["leg_angle"][:, side]
        thigh_angle = np.where(pose == POSES.index("walking"), sign * p["stride"], thigh_angle)
        thigh_angle = np.where(sitting, facing * (1.35 + 0.15 * sign), thigh_angle)
        knee_bend = np.where(sitting, -facing * 1.3, -sign * p["knee"][:, side])
        hip_joint = hip + np.stack([sign * 0.04 * h, np.zeros_like(h)], axis=1)
        knee = hip_joint + 0.25 * h[:, None] * np.stack([np.sin(thigh_angle), np.cos(thigh_angle)], axis=1)
        shin_angle = thigh_angle + knee_bend
        foot = knee + 0.24 * h[:, None] * np.stack([np.sin(shin_angle), np.cos(shin_angle)], axis=1)
        canvas.capsule(which, hip_joint[:, 0], hip_joint[:, 1], knee[:, 0], knee[:, 1], leg_r, p["trousers"])
        canvas.capsule(which, knee[:, 0], knee[:, 1], foot[:, 0], foot[:, 1], leg_r * 0.9, p["trousers"])
    # Torso: a thick capsule from neck to hip.
    canvas.capsule(which, neck[:, 0], neck[:, 1] + 0.03 * h, hip[:, 0], hip[:, 1],
                   np.maximum(0.075 * h * build, 1.2), p["shirt"])
    # Arms: upper arm from the shoulder, forearm bent at the elbow; one arm up when waving.
    for side, sign in enumerate((-1.0, 1.0)):
        shoulder = neck + np.stack([sign * 0.07 * h * build, 0.04 * h], axis=1)
        upper = sign * p["arm_angle"][:, side]
        if side == 1:
            upper = np.where(pose == POSES.index("waving"), sign * p["wave_angle"], upper)
        elbow = shoulder + 0.17 * h[:, None] * np.stack([np.sin(upper), np.cos(upper)], axis=1)
        fore = upper + p["elbow"][:, side]
        hand = elbow + 0.16 * h[:, None] * np.stack([np.sin(fore), np.cos(fore)], axis=1)
        canvas.capsule(which, shoulder[:, 0], shoulder[:, 1], elbow[:, 0], elbow[:, 1], limb_r, p["shirt"])
        canvas.capsule(which, elbow[:, 0], elbow[:, 1], hand[:, 0], hand[:, 1], limb_r * 0.9, p["skin"])
    # Head last: a slightly tall ellipse on the neck.
    canvas.ellipse(which, neck[:, 0] + 0.02 * h * np.sin(p["lean"]), neck[:, 1] - 1.1 * head_r,
                   head_r * 0.95, head_r * 1.1, p["skin"])


def _draw_sofas(canvas, p):
    """A sofa or table in front of some scenes: it hides a person's lower body, and is just as
    common in scenes without a person (else 'sofa' would mean 'person')."""
    which = np.flatnonzero(p["sofa"])
    h, x = p["height"][which], p["x"][which]
    hip_y = _head_top(p)[which] + 0.143 * h + 0.30 * h
    cover_top = hip_y - p["sofa_cover"][which] * 0.3 * h
    canvas.box(which, x - 0.5 * h, cover_top, x + 0.5 * h, cover_top + 0.6 * h, p["sofa_tone"][which])


def _develop(pixels, camera, rng):
    """The camera: exposure, optional blur, sensor noise, 8-bit pixels."""
    n = len(pixels)
    c = {k: np.asarray(v)[:, None, None] for k, v in camera.items()}
    image = pixels * c["gain"].astype(np.float32) + c["offset"].astype(np.float32)
    blurry = np.flatnonzero(camera["blur"])
    if len(blurry):  # a 1-2-1 blur along rows, then columns: a camera slightly out of focus
        part = image[blurry]
        part[:, 1:-1, :] = 0.25 * part[:, :-2, :] + 0.5 * part[:, 1:-1, :] + 0.25 * part[:, 2:, :]
        part[:, :, 1:-1] = 0.25 * part[:, :, :-2] + 0.5 * part[:, :, 1:-1] + 0.25 * part[:, :, 2:]
        image[blurry] = part
    # Sensor noise: the sum of two uniform draws (bell-shaped, standard deviation 1 after scaling) is
    # ten times faster to draw than a normal one, and looks the same.
    noise = rng.random((n, SIZE, SIZE), dtype=np.float32) + rng.random((n, SIZE, SIZE), dtype=np.float32) - 1
    image += noise * (np.sqrt(6) * c["noise"]).astype(np.float32)
    return np.clip(np.round(image * 255), 0, 255).astype(np.uint8)


def render(room, room_of, shift_x, shift_y, clutter, distractors, people, has_person, camera, rng):
    """Draw the scenes, _CHUNK images at a time."""
    n = len(room_of)
    pixels = np.empty((n, SIZE, SIZE), np.uint8)
    for start in range(0, n, _CHUNK):
        part = slice(start, min(start + _CHUNK, n))
        take = lambda params: {k: v[part] for k, v in params.items()}  # noqa: E731
        canvas = _Canvas(_draw_background(room, room_of[part], shift_x[part], shift_y[part]))
        _draw_furniture(canvas, room, room_of[part], shift_x[part], shift_y[part])
        _draw_clutter(canvas, take(clutter))
        _draw_distractors(canvas, take(distractors))
        _draw_people(canvas, take(people), np.flatnonzero(has_person[part]))
        _draw_sofas(canvas, take(people))
        pixels[part] = _develop(canvas.image(), take(camera), rng)
    return pixels


def person_scenes(rooms: int = 200, per_room: int = 20, seed: int = SEED):
    """Seeded scenes: x (rooms*per_room, 96, 96) uint8, y (1 = a person is in the picture),
    groups (the room each scene was taken in, so whole rooms can be held out for testing).

    Every room gets exactly as many scenes with a person as without. In each
    scene the camera moves a little, and the clutter and distractors change.

    Introduced in 15_person_detection.
    """
    rng = np.random.default_rng(seed)
    n = rooms * per_room
    room = random_rooms(rng, rooms)
    room_of = np.repeat(np.arange(rooms), per_room)
    has_person = np.tile(np.arange(per_room) % 2 == 1, rooms)
    shift_x, shift_y = rng.uniform(-4, 4, n), rng.uniform(-4, 4, n)
    people = random_people(rng, n)
    pixels = render(room, room_of, shift_x, shift_y, random_clutter(rng, n), random_distractors(rng, n), people,
                     has_person, _camera(rng, n), rng)
    return pixels, has_person.astype(np.int64), room_of.astype(np.int64)
