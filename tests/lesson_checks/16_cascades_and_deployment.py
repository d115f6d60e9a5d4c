"""Regression checks of 16_cascades_and_deployment, run in the notebook's kernel after the solution (pytest plugin)."""
for name, entry_name in TRACK.items():
    model_bytes, _ = scoreboard.find_or_build(scoreboard.entry(entry_name))
    assert micro.read_back(deployments[name].export) == model_bytes, \
        f"the deployed C++ of {name!r} does not hold the model's bytes"
