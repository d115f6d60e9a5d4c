"""Regression checks of 12_tflm_hello_world, run in the notebook's kernel after the solution (pytest plugin)."""
assert float_mae <= MAE_BOUND, f"the float sine model's MAE {float_mae:.4f} is above the bar {MAE_BOUND}"
assert int8_litert_mae <= MAE_BOUND, f"the int8 model's MAE in LiteRT {int8_litert_mae:.4f} is above {MAE_BOUND}"
assert sum(int8_parts.values()) == len(int8_bytes), "micro.size_breakdown's parts do not add up to the file"
assert shift == -4, f"quantize_multiplier(0.0321) gave shift {shift}; the prose explains shift -4 (1/16 of a step)"
assert np.array_equal(once, micro.requantize(accumulators, multiplier, shift, "single")), \
    "requantize_single of the lesson and micro.requantize(..., 'single') disagree"
assert modelfile.macs(micro_bytes) == HIDDEN_UNITS + HIDDEN_UNITS * HIDDEN_UNITS + HIDDEN_UNITS, \
    "modelfile.macs of the sine model is not 16 + 16*16 + 16"
assert export.arena_size <= REFERENCE_ARENA_BYTES, f"exported arena {export.arena_size} B > {REFERENCE_ARENA_BYTES} B"
assert export.ops == ("FULLY_CONNECTED",), f"the export registers {export.ops}"
assert shipped_mae <= MAE_BOUND, f"the shipped float sine model's MAE {shipped_mae:.4f} is above {MAE_BOUND}"
assert np.array_equal(micro.run(shipped_micro_bytes, sine.x_test), micro.run(shipped_bytes, sine.x_test)), \
    "stripping the shipped float model changed its outputs"
assert arena_record.tail > shipped_record.tail, "the int8 arena's tail is not larger than the float one's"
assert float_mae <= MAE_BOUND and tflm_mae <= MAE_BOUND
assert REFERENCE_MODEL_BYTES == 2704, f"the prose states TFLM's hello_world_int8.tflite has 2,704 B, not {REFERENCE_MODEL_BYTES}"
assert hello_parts["weights and biases"] == our_parts["weights and biases"], \
    "the prose says TFLM's hello_world and ours store the same bytes of weights and biases"
