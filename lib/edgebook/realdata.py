"""Real inputs: recordings, photos and trained models from TensorFlow Lite for Microcontrollers, and others.

The microcontroller lessons train on data the course generates (spoken words
from eSpeak NG voices, drawn rooms, seeded wand traces). Generated data is quick
and free to share, but a model is only as good as it is on real inputs. These
files are the real inputs TFLM's own examples test with, and TFLM's trained
example models, copied into ``datasets/tflm/`` by ``datasets/copy_tflm_files.py``
from the TFLM source kit and checked by SHA-256 (sources and licences:
``datasets/SOURCES.md``). Trained models from other projects live beside them,
each copied by its own script (``RealFile.regenerate``), e.g. microWakeWord's
"okay nabu" detector in ``datasets/micro_wakeword/``.

    >>> from edgebook import realdata
    >>> samples, rate = realdata.wav("yes_1000ms.wav")     # int16 samples, 16000 Hz
    >>> frame = realdata.bmp("no_person.bmp")              # uint8 (96, 96) grayscale
    >>> model_bytes = realdata.model("person_detect.tflite")

Introduced in 13_keyword_spotting.
"""
from __future__ import annotations

import dataclasses
import struct
import wave

import numpy as np

from edgebook.datafiles import verify_file
from edgebook.errors import DataError

TFLM_COMMIT = "90b983c2b3f1480642e040bbd2ddb37b998f3424"
"""The tflite-micro commit (2026-08-20) the files were copied from."""

FOLDER = "tflm"
"""Where the files live, under datasets/."""


@dataclasses.dataclass(frozen=True)
class RealFile:
    """One third-party file: where it came from, what it is, and its SHA-256 (licences: datasets/SOURCES.md)."""

    name: str
    source: str    # its path inside what it was copied from (the TFLM kit, a wheel)
    sha256: str
    what: str
    folder: str = FOLDER                                   # where it lives, under datasets/
    regenerate: str = "python datasets/copy_tflm_files.py"  # the command that copies it again

    @property
    def file(self) -> str:
        """Its path under datasets/ (what ``datafiles.verify_file`` checks)."""
        return f"{self.folder}/{self.name}"


_EXAMPLES = "tensorflow/lite/micro/examples"
FILES = {f.name: f for f in (
    RealFile("yes_1000ms.wav", f"{_EXAMPLES}/micro_speech/testdata/yes_1000ms.wav",
             "b40e137a9d25bbdf135e03fa0f6bff4696d0bfc203aef8bc73b27c9428ba5a92", "a person saying 'yes'"),
    RealFile("no_1000ms.wav", f"{_EXAMPLES}/micro_speech/testdata/no_1000ms.wav",
             "21e2b640385e4a751d480a87ae5a1633a6ff00e838b0e2ad48b22f8034e946d8", "a person saying 'no'"),
    RealFile("silence_1000ms.wav", f"{_EXAMPLES}/micro_speech/testdata/silence_1000ms.wav",
             "b2149db40d58f46ac63a510bd293bb7a9bf9e379429a79e7c5e3a8d66d55e7f0", "a quiet room"),
    RealFile("noise_1000ms.wav", f"{_EXAMPLES}/micro_speech/testdata/noise_1000ms.wav",
             "7f9cbb350f20ea8aafcd43a9386d8490241f9da64da6d3ad624e2aa36fe2029c", "background noise"),
    RealFile("micro_speech_quantized.tflite", f"{_EXAMPLES}/micro_speech/models/micro_speech_quantized.tflite",
             "09e5e2a9dfb2d8ed78802bf18ce297bff54281a66ca18e0c23d69ca14f822a83",
             "TFLM's micro_speech model: yes / no / silence / unknown from 49x40 spectrogram features"),
    RealFile("audio_preprocessor_int8.tflite", f"{_EXAMPLES}/micro_speech/models/audio_preprocessor_int8.tflite",
             "278949d197166fb8b580c0bdc94e902fb709fec0569dcf5766816b28285440e5",
             "micro_speech's front end: 30 ms of audio to 40 features, in TFLM signal ops"),
    RealFile("person.bmp", f"{_EXAMPLES}/person_detection/testdata/person.bmp",
             "b50a4d51e86551ea13038c96c222b9c3aaf653f5946211e5e5fd3e60b029e4d2",
             "a 96x96 grayscale photo with a person"),
    RealFile("no_person.bmp", f"{_EXAMPLES}/person_detection/testdata/no_person.bmp",
             "2322df94e6788b05e4051e531f7a3a95b6db54624d170ebc9af2f1d5a73e9f79",
             "a 96x96 grayscale photo without a person"),
    RealFile("person_detect.tflite", "tensorflow/lite/micro/models/person_detect.tflite",
             "808cfdfc0cf3a6fa6f6fa26bfa379ea97c16d5db7334637766e39c3408502e9d",
             "TFLM's person detector: MobileNet v1 0.25 trained on Visual Wake Words, int8"),
    RealFile("hello_world_int8.tflite", f"{_EXAMPLES}/hello_world/models/hello_world_int8.tflite",
             "505ee4fae7fa46ab67bea4c08b4969eb3eb8b9114c50595ec4a29d9a27993202",
             "TFLM's hello_world sine model, int8"),
    RealFile("yes_30ms.wav", f"{_EXAMPLES}/micro_speech/testdata/yes_30ms.wav",
             "13664a7c30e72b982ca12b32fd4f3bfb5305186f2f2c9dbea5bdd62093354988",
             "30 ms of a person saying 'yes': micro_speech_test.cc checks its features"),
    RealFile("no_30ms.wav", f"{_EXAMPLES}/micro_speech/testdata/no_30ms.wav",
             "0aceeed1efe4e08f85c7dff67d75bc2da87f84e48ec12b3c4b215f9c38fbcc35",
             "30 ms of a person saying 'no': micro_speech_test.cc checks its features"),
)}


MICRO_WAKEWORD_FOLDER = "micro_wakeword"
"""Where microWakeWord's trained detector lives, under datasets/ (lesson 16)."""

MICRO_WAKEWORD_WHEEL = ("pymicro_wakeword-2.5.0-py3-none-manylinux_2_35_x86_64.whl",
                        "3869f536402b1254e3be3549d3a462ecd6ed21ce2c3e77ec8eb501c3c700417c")
"""The PyPI wheel of pymicro-wakeword (Apache-2.0) its files were copied from, and the wheel's SHA-256."""

FILES.update({f.name: f for f in (
    RealFile("okay_nabu.tflite", "pymicro_wakeword/models/okay_nabu.tflite",
             "d89128c4d16a72de429119fb2254ce46649553c2a24f5dd840175c80d7b9d094",
             "microWakeWord's 'okay nabu' detector: a streaming int8 model, 3 feature rows in, a probability out",
             MICRO_WAKEWORD_FOLDER, "python datasets/copy_micro_wakeword.py"),
    RealFile("okay_nabu.json", "pymicro_wakeword/models/okay_nabu.json",
             "f8026e2ce93a0855ca23483036fd2d74ee924a2588d9ea6a6c6c7478fbf4be57",
             "its settings: probability cutoff, sliding window, feature step, arena size",
             MICRO_WAKEWORD_FOLDER, "python datasets/copy_micro_wakeword.py"),
    RealFile("LICENSE", "pymicro_wakeword-2.5.0.dist-info/licenses/LICENSE",
             "c71d239df91726fc519c6eb72d318ec65820627232b2f796219e87dcf35d0ab4",
             "the Apache License 2.0, as the wheel ships it", MICRO_WAKEWORD_FOLDER,
             "python datasets/copy_micro_wakeword.py"),
)})


def path(name: str):
    """The checked path of one file of ``FILES`` (its SHA-256 is verified on every call)."""
    if name not in FILES:
        raise DataError(f"No real file named {name!r}; the course has: {', '.join(FILES)}.")
    return verify_file(FILES[name])  # present, and the bytes the registry expects


def write_copy(entry: RealFile, data: bytes, folder) -> bool:
    """Write the bytes a copy script read for ``entry`` into ``folder``, if they are the registry's.

    Prints the file's size and name, or (on stderr) why it was not written;
    returns whether it was. Used by ``datasets/copy_*.py``.
    """
    import hashlib
    import sys

    digest = hashlib.sha256(data).hexdigest()
    if digest != entry.sha256:
        print(f"{entry.name}: SHA-256 {digest} differs from the registry's {entry.sha256}", file=sys.stderr)
        return False
    (folder / entry.name).write_bytes(data)
    print(f"{len(data):>8,} B  {entry.name}  {digest[:12]}...")
    return True


def wav(name: str) -> tuple[np.ndarray, int]:
    """A mono 16-bit WAV file's samples (int16) and its sample rate."""
    with wave.open(str(path(name)), "rb") as recording:
        if recording.getnchannels() != 1 or recording.getsampwidth() != 2:
            raise DataError(f"{name}: expected mono 16-bit audio, found {recording.getnchannels()} channel(s) "
                            f"of {8 * recording.getsampwidth()} bits.")
        samples = np.frombuffer(recording.readframes(recording.getnframes()), dtype="<i2")
        return samples.astype(np.int16), recording.getframerate()


def bmp(name: str) -> np.ndarray:
    """An 8-bit grayscale BMP (as TFLM's person_detection test images are) as a uint8 (height, width) array."""
    data = path(name).read_bytes()
    offset, header_size, width, height, _, bits = struct.unpack_from("<I I i i H H", data, 10)
    if data[:2] != b"BM" or bits != 8:
        raise DataError(f"{name}: expected an 8-bit BMP, found {bits}-bit.")
    palette = np.frombuffer(data, np.uint8, 256 * 4, 14 + header_size).reshape(256, 4)[:, :3]
    if not np.all(palette == palette[:, :1]):
        raise DataError(f"{name}: its palette has colours; expected grayscale.")
    row_bytes = (abs(width) + 3) // 4 * 4
    rows = np.frombuffer(data, np.uint8, row_bytes * abs(height), offset).reshape(abs(height), row_bytes)
    image = palette[rows[:, :abs(width)], 0]
    return image[::-1].copy() if height > 0 else image.copy()  # BMP rows run bottom-up unless height < 0


def model(name: str) -> bytes:
    """The bytes of one of the trained models in ``FILES`` (TFLM's examples, microWakeWord's detector)."""
    if not name.endswith(".tflite"):
        raise DataError(f"{name!r} is not a model; the models are: "
                        f"{', '.join(n for n in FILES if n.endswith('.tflite'))}.")
    return path(name).read_bytes()


INT8_FRAMES = ("person.bmp",)
"""TFLM's test frames whose bytes are the int8 model input, not ordinary pixels (see ``person_photo``)."""


def person_photo(name: str) -> np.ndarray:
    """One of TFLM's person_detection test frames as the photo it is: uint8 (96, 96), 0 black to 255 white.

    TFLM's test copies each file's pixel bytes straight into the int8 input
    tensor, and its two frames are stored differently. ``person.bmp`` holds the
    *int8 model input* written as two's-complement bytes: read as an ordinary
    BMP it looks scrambled (every value at or above 128 wraps around), and the
    photo is that int8 value plus 128. ``no_person.bmp`` is an ordinary grey
    BMP (a giraffe among trees); it is the photo as stored, so TFLM's own test
    feeds it wrapped around, and passes anyway. Each reading is the smooth one
    (tests/test_realdata.py measures it), and fed this way TFLM's own
    person_detect.tflite tells the two photos apart with confidence.
    """
    pixels = bmp(name)
    if name not in INT8_FRAMES:
        return pixels
    return (pixels.view(np.int8).astype(np.int16) + 128).astype(np.uint8)
