"""Regression checks of 14_gesture_magic_wand, run in the notebook's kernel after the solution (pytest plugin)."""
assert np.array_equal(data.split_by_group(all_x, all_y, groups)[0], wand.x_train), \
    "data.split_by_group on gestures.make() does not give the training windows of data.load('gestures')"
assert float_accuracy >= 0.92, f"float accuracy on held-out people {float_accuracy:.1%} < 92%"
assert len(micro_bytes) <= 20 * 1024, f"int8 wand model {len(micro_bytes):,} B > 20 KB"
assert int8_accuracy >= 0.90, f"int8 accuracy on held-out people {int8_accuracy:.1%} < 90%"
assert agreement.different <= agreement.outputs // 100, f"TFLM vs LiteRT reference: {agreement}"
assert arena.smallest <= REFERENCE_ARENA_BYTES, f"smallest arena {arena.smallest:,} B > {REFERENCE_ARENA_BYTES:,} B"
