"""edgebook.micro.deployment: the deployable folder: sketch, platformio.ini, README."""
import pytest


def test_deploy_writes_a_buildable_folder(shipped_sine, tmp_path):
    from edgebook import micro

    deployment = micro.deploy(shipped_sine, "sine", "esp32_s3", arena_size=4096, folder=tmp_path / "sine")
    names = sorted(path.name for path in tmp_path.joinpath("sine").iterdir())
    assert {"sine.ino", "platformio.ini", "README.md", "sine_model_data.cc", "sine_model_data.h",
            "sine_op_resolver.h", "sine_model_data.o"} <= set(names)
    assert micro.read_back(deployment.export) == shipped_sine
    sketch = (tmp_path / "sine" / "sine.ino").read_text()
    assert "kSineTensorArenaSize" in sketch and "RegisterSineOps(resolver)" in sketch
    ini = (tmp_path / "sine" / "platformio.ini").read_text()
    assert "board = esp32-s3-devkitc-1" in ini and "src_dir = ." in ini
    readme = (tmp_path / "sine" / "README.md").read_text()
    assert "4,096" in readme and "Not tested here" in readme and "fits" in readme


def test_deploy_refuses_a_model_that_does_not_fit(shipped_sine, tmp_path):
    from edgebook import micro

    with pytest.raises(micro.MicroError, match="does not fit"):
        micro.deploy(shipped_sine, "sine", "raspberry_pi_pico", arena_size=10 * 1024 * 1024, folder=tmp_path)
