"""Regression checks of 15_person_detection, run in the notebook's kernel after the solution (pytest plugin)."""
assert float_accuracy >= 0.92, f"float accuracy on unseen rooms {float_accuracy:.1%} < 92%"
assert len(int8_bytes) <= REFERENCE_MODEL_BYTES, f"int8 detector {len(int8_bytes):,} B > {REFERENCE_MODEL_BYTES:,} B"
assert int8_accuracy >= 0.92, f"int8 accuracy on unseen rooms {int8_accuracy:.1%} < 92%"
assert abs(int8_accuracy - float_accuracy) <= 0.02, (int8_accuracy, float_accuracy)
assert tflm_accuracy >= 0.92, f"TFLM accuracy on unseen rooms {tflm_accuracy:.1%} < 92%"
assert xnnpack_agreement.max_float_difference < 0.2, f"TFLM vs XNNPACK: {xnnpack_agreement}"
assert arena.smallest <= REFERENCE_ARENA_BYTES, f"smallest arena {arena.smallest:,} B > {REFERENCE_ARENA_BYTES:,} B"
assert arena.peak_activations < arena.smallest, arena
assert raw_spurious >= 4, f"raw detections switch spuriously {raw_spurious} times; the prose expects glitches"
assert report.on_delay_s >= (ON_AFTER - 1) / stream.fps and report.off_delay_s >= (OFF_AFTER - 1) / stream.fps, report
assert meets[ON_AFTER - 1, OFF_AFTER - 1], f"hysteresis {ON_AFTER}/{OFF_AFTER} does not meet the budget"
assert not meets[0, 0] and meets.sum() >= 3, f"{meets.sum()} pairs meet the budget"
