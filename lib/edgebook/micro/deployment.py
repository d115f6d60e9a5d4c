"""A deployable folder: the C++ export, an Arduino sketch, PlatformIO settings and a README.

The sketch, ``platformio.ini`` and the README are filled in from the templates
in ``micro/templates/`` (``sketch.ino``, ``platformio.ini``, ``deploy_readme.md``).

Introduced in 16_cascades_and_deployment.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

from edgebook import paths
from edgebook.micro.boards import Board, board, fits
from edgebook.micro.errors import MicroError
from edgebook.micro.export import CppExport, camel_case, compile_check, export_cpp, fill_template
from edgebook.showing import shows_itself

PLATFORMIO_BOARDS = {
    "arduino_nano_33_ble_sense": ("nordicnrf52", "nano33ble"),
    "esp32_s3": ("espressif32", "esp32-s3-devkitc-1"),
    "raspberry_pi_pico": ("raspberrypi", "pico"),
}
"""PlatformIO's platform and board ids for the course's boards."""

TFLM_ARDUINO_LIBRARY = "https://github.com/tensorflow/tflite-micro-arduino-examples"


@dataclasses.dataclass(frozen=True)
@shows_itself
class Deployment:
    """A folder that is an Arduino sketch and a PlatformIO project at once."""

    export: CppExport
    board: Board
    files: tuple[Path, ...]

    @property
    def folder(self) -> Path:
        return self.export.folder

    def __str__(self) -> str:
        return f"{self.export}\n  + {', '.join(f.name for f in self.files)} for {self.board.name}"


def deploy(model, name: str, board_name: str = "arduino_nano_33_ble_sense", *, arena_size: int | None = None,
           folder=None) -> Deployment:
    """Write a folder that builds for a board: ``export_cpp``'s files, ``<name>.ino``, ``platformio.ini``
    and a ``README.md`` that says how to build it and what was tested.

    The data files are compiled here (``compile_check``); the sketch needs TFLM
    and the board's toolchain, which the README explains.

    Introduced in 16_cascades_and_deployment.
    """
    b = board(board_name)
    platform, board_id = PLATFORMIO_BOARDS[board_name]
    folder = Path(folder) if folder else paths.build_dir("deploy") / name
    export = export_cpp(model, name, arena_size=arena_size, folder=folder)
    fit = fits(model, board_name, export.arena_size)
    if not fit.fits:
        raise MicroError(f"{name} does not fit {b.name}: {fit}. Pick a larger board or a smaller model.")
    names = dict(name=name, camel_name=camel_case(name))
    sketch = folder / f"{name}.ino"
    sketch.write_text(fill_template("sketch.ino", **names))
    ini = folder / "platformio.ini"
    ini.write_text(fill_template("platformio.ini", platform=platform, board_id=board_id,
                                 tflm_library=TFLM_ARDUINO_LIBRARY))
    readme = folder / "README.md"
    readme.write_text(fill_template(
        "deploy_readme.md", **names, board_name=b.name, model_bytes=f"{export.model_bytes:,}",
        op_count=len(export.ops), ops=", ".join(export.ops), arena_size=f"{export.arena_size:,}", fit=fit,
        platform=platform, board_id=board_id, tflm_library=TFLM_ARDUINO_LIBRARY))
    compile_check(export)
    return Deployment(export, b, (sketch, ini, readme))
