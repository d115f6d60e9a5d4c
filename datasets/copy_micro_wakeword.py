"""Copy microWakeWord's trained "okay nabu" detector out of the pymicro-wakeword wheel into datasets/micro_wakeword/.

    python -m pip download --no-deps pymicro-wakeword==2.5.0 -d /tmp/wheels
    python datasets/copy_micro_wakeword.py /tmp/wheels/pymicro_wakeword-2.5.0-*.whl

The wheel (PyPI, Apache-2.0) is only downloaded, never installed: the course does
not depend on pymicro-wakeword. The script reads the model, its settings and the
licence out of the wheel (a zip archive), checks each file's SHA-256 against
edgebook.realdata.FILES and writes it to datasets/micro_wakeword/. The files are
committed, so a clone has them without the network; this script says where they
came from and re-makes them. Any platform's wheel of this version holds the same
model files (the script says so if yours is not the one recorded). Sources and
licences: datasets/SOURCES.md.
"""
import argparse
import hashlib
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))

from edgebook import realdata  # noqa: E402  (after the path above)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="the pymicro-wakeword wheel that pip downloaded")
    parser.add_argument("--out", type=Path, default=ROOT / "datasets" / realdata.MICRO_WAKEWORD_FOLDER)
    arguments = parser.parse_args()
    wheel, out = arguments.wheel, arguments.out
    recorded_name, recorded_sha256 = realdata.MICRO_WAKEWORD_WHEEL
    wheel_sha256 = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if wheel_sha256 != recorded_sha256:
        print(f"note: {wheel.name} (SHA-256 {wheel_sha256[:12]}...) is not the recorded {recorded_name}; "
              "its files are checked one by one below.")
    out.mkdir(exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        for entry in realdata.FILES.values():
            if entry.folder != realdata.MICRO_WAKEWORD_FOLDER:
                continue
            if not realdata.write_copy(entry, archive.read(entry.source), out):
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
