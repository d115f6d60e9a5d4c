"""Regression checks of 16_cascades_and_deployment, run in the notebook's kernel after the solution (pytest plugin)."""
for name, entry_name in TRACK.items():
    model_bytes, _ = scoreboard.find_or_build(scoreboard.entry(entry_name))
    assert micro.read_back(deployments[name].export) == model_bytes, \
        f"the deployed C++ of {name!r} does not hold the model's bytes"

# Section 6: the numbers its prose states about microWakeWord's okay nabu and the streams it hears.
assert wake_settings["tensor_arena_size"] == 37_000, "the prose quotes the settings file's 37,000 B arena"
assert (wake_settings["probability_cutoff"], wake_settings["sliding_window_size"]) == (0.85, 5), \
    "the prose quotes a cutoff of 0.85 over the last 5 probabilities"
assert wake_words.stride(wake_bytes) == 3 and round(wake_inferences_per_s) == 33, "3 rows per inference, 33 a second"
assert modelstate.state_bytes(wake_bytes) == 3_408, "the summary says 3.4 KB of state"
assert [g.role for g in modelstate.subgraphs(wake_bytes)] == ["main", "init (CALL_ONCE)"], "two subgraphs"
assert real.seconds == 20 and len(real.events) == 20, "four real clips, five times: 20 s"
assert real_errors.keywords == 10, "the real stream holds 10 keywords (2 recordings, 5 times each)"
assert len(voices) == 8 and all(round(e.end - e.start) <= 1 for e in phrases.events), "8 accents, a phrase each"
assert phrases.seconds == 3 * len(voices), "each phrase in 3 s of the real quiet room"
