"""C++ export: the model as source a TFLM sketch includes, with an op resolver and the arena size.

The generated files are filled in from the templates in ``micro/templates/``
(``model_data.h``, ``model_data.cc``, ``op_resolver.h``): open them to see the
C++ a sketch gets. ``compile_check`` compiles the model data with ``g++ -c``.

Introduced in 12_tflm_hello_world.
"""
from __future__ import annotations

import dataclasses
import re
import shutil
import string
import subprocess
from importlib import resources
from pathlib import Path

from edgebook import modelfile, modelstate, paths
from edgebook.errors import ModelInputError
from edgebook.micro.arena import ARENA_ALIGNMENT, smallest_arena
from edgebook.micro.errors import MicroError
from edgebook.modelfile import read_model_bytes
from edgebook.showing import shows_itself

_ADD_NAME_EXCEPTIONS = {"UNIDIRECTIONAL_SEQUENCE_LSTM": "AddUnidirectionalSequenceLSTM",
                        "PADV2": "AddPadV2", "CUMSUM": "AddCumSum"}


def resolver_method(op_name: str) -> str:
    """The ``MicroMutableOpResolver`` method that registers a built-in op: CONV_2D -> AddConv2D."""
    if op_name.startswith("CUSTOM:"):
        raise MicroError(f"{op_name} is a custom op: register it with AddCustom(name, registration).")
    if op_name in _ADD_NAME_EXCEPTIONS:
        return _ADD_NAME_EXCEPTIONS[op_name]
    return "Add" + "".join(word.capitalize() for word in op_name.split("_")).replace("2d", "2D")


@dataclasses.dataclass(frozen=True)
@shows_itself
class CppExport:
    """The files ``export_cpp`` wrote."""

    folder: Path
    name: str
    files: tuple[Path, ...]
    model_bytes: int
    arena_size: int
    ops: tuple[str, ...]

    def __str__(self) -> str:
        listing = ", ".join(f.name for f in self.files)
        try:  # inside the repository, show the path from its root
            folder = self.folder.resolve().relative_to(paths.root())
        except ValueError:
            folder = self.folder
        kinds = f"{len(self.ops)} op type{'s' if len(self.ops) != 1 else ''}"
        return (f"{folder}: {listing} ({self.model_bytes:,}-byte model, {kinds}, "
                f"kTensorArenaSize = {self.arena_size:,})")


def _c_array(data: bytes, per_line: int = 12) -> str:
    rows = [", ".join(f"0x{b:02x}" for b in data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return ",\n".join(f"    {row}" for row in rows)


def with_headroom(arena_bytes: int, fraction: float = 0.1) -> int:
    """An arena size with some headroom: ``arena_bytes`` plus ``fraction``, rounded up to 16 bytes.

    Introduced in 12_tflm_hello_world.
    """
    return -(-int(arena_bytes * (1 + fraction)) // ARENA_ALIGNMENT) * ARENA_ALIGNMENT

def fill_template(template: str, **values) -> str:
    """The text of ``micro/templates/<template>`` with its ``${placeholders}`` replaced by ``values``."""
    text = (resources.files("edgebook.micro") / "templates" / template).read_text(encoding="utf-8")
    return string.Template(text).substitute(values)


def camel_case(name: str) -> str:
    """A C identifier in lower case as a C++ type name: hello_world -> HelloWorld."""
    return "".join(word.capitalize() for word in name.split("_"))


def export_cpp(model, name: str, *, arena_size: int | None = None, folder=None) -> CppExport:
    """Write the model as C++ source a TFLM sketch can include.

    - ``<name>_model_data.h`` / ``.cc``: the bytes in a 16-byte aligned array
      and its length (the model is read in place, from flash);
    - ``<name>_op_resolver.h``: a ``MicroMutableOpResolver<N>`` holding exactly
      the model's ops (of every subgraph), ``kTensorArenaSize``, and
      ``kResourceVariables``: how many resource variables a streaming model
      keeps its state in (the sketch makes TFLM's table for them).

    ``arena_size`` defaults to the smallest arena found by search plus 10% headroom
    (``with_headroom(smallest_arena(model).smallest)``).
    """
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ModelInputError(f"name must be a C identifier in lower case, such as 'hello_world'; got {name!r}.")
    model_bytes = read_model_bytes(model)
    if arena_size is None:
        arena_size = with_headroom(smallest_arena(model_bytes).smallest)
        arena_comment = "the smallest arena found by search on the host, plus 10% headroom"
    else:
        arena_comment = "chosen when the model was exported"
    ops = tuple(sorted(modelfile.op_counts(model_bytes)))
    folder = Path(folder) if folder else paths.build_dir("micro") / name
    folder.mkdir(parents=True, exist_ok=True)
    names = dict(name=name, upper_name=name.upper(), camel_name=camel_case(name))
    header = folder / f"{name}_model_data.h"
    header.write_text(fill_template("model_data.h", **names))
    source = folder / f"{name}_model_data.cc"
    source.write_text(fill_template("model_data.cc", **names, byte_array=_c_array(model_bytes),
                                    model_bytes=len(model_bytes)))
    resolver = folder / f"{name}_op_resolver.h"
    registrations = "\n".join(f"  if (resolver.{resolver_method(op)}() != kTfLiteOk) return kTfLiteError;"
                              for op in ops)
    resolver.write_text(fill_template("op_resolver.h", **names, arena_comment=arena_comment, arena_size=arena_size,
                                      op_count=len(ops), registrations=registrations,
                                      variable_count=len(modelstate.variables(model_bytes))))
    return CppExport(folder, name, (header, source, resolver), len(model_bytes), arena_size, ops)


def read_back(export: CppExport) -> bytes:
    """The model bytes parsed back out of the generated ``.cc`` file (to prove the export is exact)."""
    text = (export.folder / f"{export.name}_model_data.cc").read_text()
    body = text[text.index("{") + 1:text.index("};")]
    return bytes(int(value, 16) for value in re.findall(r"0x([0-9a-f]{2})", body))


def compile_check(export: CppExport) -> str:
    """Compile the generated model data with ``g++ -c`` and return the command line (run in ``export.folder``).

    The op resolver header needs TFLM's own headers, which come with the TFLM
    source tree or the Arduino library; the data files need nothing but a compiler.
    """
    compiler = shutil.which("g++")
    if compiler is None:
        raise MicroError("g++ is not installed here: install it (Debian: apt-get install g++) to compile the export.")
    source = export.folder / f"{export.name}_model_data.cc"
    # Run in the export's folder, so the command line reads as you would type it there.
    command = ["g++", "-std=c++17", "-Wall", "-Werror", "-c", source.name, "-o", source.with_suffix(".o").name]
    result = subprocess.run([compiler, *command[1:]], capture_output=True, text=True, cwd=export.folder)
    if result.returncode != 0:
        raise MicroError(f"g++ could not compile {source.name}:\n{result.stderr[:2000]}")
    return " ".join(command)
