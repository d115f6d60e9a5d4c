"""Copy the real inputs and trained models of TFLM's examples from the TFLM source kit into datasets/tflm/.

    python datasets/copy_tflm_files.py [--kit ../shared/tflm/tflm-kit.tar.gz]

Reads each TFLM file of edgebook.realdata.FILES out of the kit's archive (tflite-micro
at realdata.TFLM_COMMIT), checks its SHA-256 against the registry and writes it
to datasets/tflm/. The files are committed, so a clone has them without the kit;
this script says where they came from and re-makes them. Sources and licences:
datasets/SOURCES.md.
"""
import argparse
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))

from edgebook import realdata  # noqa: E402  (after the path above)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kit", type=Path, default=ROOT.parent / "shared" / "tflm" / "tflm-kit.tar.gz")
    kit = parser.parse_args().kit
    out = ROOT / "datasets" / realdata.FOLDER
    out.mkdir(exist_ok=True)
    with tarfile.open(kit) as archive:
        for entry in (entry for entry in realdata.FILES.values() if entry.folder == realdata.FOLDER):
            if not realdata.write_copy(entry, archive.extractfile(f"tflm/{entry.source}").read(), out):
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
