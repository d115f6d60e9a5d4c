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
# Real frames (a check, never training data): TFLM's detector and ours, as measured with the course's helpers.
assert np.allclose(tflm_on_real, [0.94, 0.20, 0.95, 0.16, 0.45], atol=0.03), tflm_on_real
assert ours_on_real.min() > 0.8, ours_on_real
assert tflm_arena.peak_activations < tflm_arena.smallest < REFERENCE_ARENA_BYTES, tflm_arena
assert modelfile.macs(tflm_detector) > 1.8 * detector_macs, (modelfile.macs(tflm_detector), detector_macs)
assert all(micro.fits(tflm_detector, name, tflm_arena.smallest).fits for name in micro.BOARDS)
assert np.array_equal(camera_int8[..., 0].astype(np.int16) + 128, real_images)
