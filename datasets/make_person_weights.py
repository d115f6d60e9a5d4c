"""Pretrain lesson 15's person detector and write datasets/person_weights.npz.

    python datasets/make_person_weights.py        (about 15 minutes on 2 CPU cores)

Training this detector takes far longer than a lesson may run, so the lesson
loads these weights and only fine-tunes them briefly. The recipe:

- the architecture of edgebook.scenes.build_person_detector(), defaults;
- every epoch sees 8,000 fresh scenes from edgebook.scenes.person_scenes with
  its own seed (PRETRAIN_SEED + epoch): other rooms than data.load("person"),
  whose validation and test rooms stay unseen;
- Adam with a cosine-decaying learning rate, batch 64, seeded and deterministic.

The weights are saved in model.get_weights() order as w00, w01, ... (float32,
compressed, fixed timestamps: the same weights give the same bytes). The script
prints the SHA-256 to put into lib/edgebook/data.py (PRETRAINED). Another
machine or library version may train slightly different weights, and so a
different SHA-256: update it with the file.
"""
import math
import time
from pathlib import Path

import edgebook

ctx = edgebook.setup(verbose=False)

import tensorflow as tf  # noqa: E402  (after setup: Keras 2)

from edgebook import data, scenes  # noqa: E402

PRETRAIN_SEED = 10_000
EPOCHS = 40
ROOMS_PER_EPOCH = 400  # x 20 scenes
BATCH = 64
LEARNING_RATE = 3e-3

person = data.load("person")
val_x = scenes.prepare(person.x_val)
model = scenes.build_person_detector()
steps = EPOCHS * math.ceil(ROOMS_PER_EPOCH * 20 / BATCH)
model.compile(optimizer=tf.keras.optimizers.Adam(tf.keras.optimizers.schedules.CosineDecay(LEARNING_RATE, steps,
                                                                                          alpha=0.02)),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
start = time.perf_counter()
for epoch in range(EPOCHS):
    x, y, _ = scenes.person_scenes(rooms=ROOMS_PER_EPOCH, seed=PRETRAIN_SEED + epoch)
    logs = model.fit(scenes.prepare(x), y, epochs=1, batch_size=BATCH, verbose=0).history
    if epoch % 5 == 4 or epoch == EPOCHS - 1:
        val_accuracy = model.evaluate(val_x, person.y_val, verbose=0)[1]
        print(f"epoch {epoch + 1:>2}: training accuracy {logs['accuracy'][0]:.3f}, validation "
              f"{val_accuracy:.3f} ({time.perf_counter() - start:.0f} s)", flush=True)

path = Path(__file__).resolve().parent / data.PRETRAINED["person_weights"].file
digest = data.write_npz(path, **{f"w{i:02d}": w for i, w in enumerate(model.get_weights())})
print(f"wrote {path} ({path.stat().st_size:,} bytes)\nsha256 {digest}")
