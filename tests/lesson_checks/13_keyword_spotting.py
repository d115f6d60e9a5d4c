"""Regression checks of 13_keyword_spotting, run in the notebook's kernel after the solution (pytest plugin)."""
assert keywords.class_names == audio.CLASS_NAMES, f"class names {keywords.class_names} != audio.CLASS_NAMES"
assert features.shape == (49, 40), f"one clip's log-mel has shape {features.shape}, not (49, 40)"
assert train_x.shape[1:] == (audio.frame_count(audio.CLIP_SAMPLES), audio.MEL_BINS, 1), train_x.shape
assert float_accuracy >= 0.90, f"float test accuracy {float_accuracy:.1%} < 90%"
assert len(int8_bytes) <= 20 * 1024, f"int8 spotter {len(int8_bytes):,} B > 20 KB"
assert agreement.different <= 0.01 * agreement.outputs, f"TFLM vs LiteRT reference: {agreement}"
assert tflm_accuracy >= 0.90, f"TFLM test accuracy {tflm_accuracy:.1%} < 90%"
assert default_errors.false_accepts <= 2 and default_errors.misses <= 3, \
    f"at micro_speech's threshold: {default_errors}"
assert spotter_scores.shape == (4, 4) and micro_speech_scores.shape == (4, 4), (spotter_scores, micro_speech_scores)
assert 5_000 < arenas["micro_speech classifier"] < arenas["micro_speech front end"] < MICRO_SPEECH["arena bytes"], arenas
assert MICRO_SPEECH["model bytes"] == 18_800, "section 4 states micro_speech_quantized.tflite is 18,800 bytes"
