"""edgebook.scenes: the seeded person scenes, the frame stream, hysteresis, the detector and
the optional Visual Wake Words path (never downloads in tests)."""
from pathlib import Path

import numpy as np
import pytest

from edgebook import person_detector, scene_render, scenes


@pytest.fixture(scope="module")
def small():
    return scenes.person_scenes(rooms=6, per_room=10, seed=5)


def test_scenes_shapes_labels_and_rooms(small):
    x, y, groups = small
    assert x.shape == (60, 96, 96) and x.dtype == np.uint8
    assert y.dtype == np.int64 and set(np.unique(y)) == {0, 1}
    assert np.all(np.bincount(groups) == 10)
    for room in range(6):  # every room holds as many scenes with a person as without
        assert y[groups == room].sum() == 5
    assert 20 < x.mean() < 235 and x.std() > 10  # not blank, not saturated


def test_scenes_are_seeded(small):
    again = scenes.person_scenes(rooms=6, per_room=10, seed=5)
    assert all(np.array_equal(a, b) for a, b in zip(small, again))
    other = scenes.person_scenes(rooms=6, per_room=10, seed=6)
    assert not np.array_equal(small[0], other[0])


def test_scenes_render_in_chunks_the_same_way(monkeypatch):
    whole = scenes.person_scenes(rooms=3, per_room=4, seed=1)[0]
    monkeypatch.setattr(scene_render, "_CHUNK", 5)
    chunked = scenes.person_scenes(rooms=3, per_room=4, seed=1)[0]
    # The noise is drawn chunk by chunk, so pixels may differ by the noise only.
    assert np.abs(whole.astype(int) - chunked.astype(int)).mean() < 8


def test_a_person_changes_the_picture():
    # The same scene parameters drawn with and without the person.
    rng = np.random.default_rng(0)
    room = scene_render.random_rooms(rng, 1)
    n = 4
    args = dict(room=room, room_of=np.zeros(n, np.int64), shift_x=np.zeros(n), shift_y=np.zeros(n),
                clutter=scene_render.random_clutter(rng, n), distractors=scene_render.random_distractors(rng, n),
                people=scene_render.random_people(rng, n),
                camera=dict(gain=np.ones(n), offset=np.zeros(n), noise=np.zeros(n), blur=np.zeros(n, bool)))
    args["people"]["sofa"][:] = False
    args["people"]["height"][:] = 70
    args["people"]["top"][:] = 0.3
    without = scene_render.render(**args, has_person=np.zeros(n, bool), rng=rng)
    with_person = scene_render.render(**args, has_person=np.ones(n, bool), rng=rng)
    changed = np.mean(without != with_person, axis=(1, 2))
    assert np.all(changed > 0.02), changed


def test_shapes_may_leave_the_frame():
    canvas = scene_render._Canvas(np.zeros((2, 96, 96), np.float32))
    which = np.arange(2)
    canvas.capsule(which, [-30, 80], [10, 90], [10, 140], [10, 90], 2.0, 1.0)
    canvas.box(which, [-50, 90], [-50, 90], [5, 200], [5, 200], 0.5)
    image = canvas.image()
    assert image.shape == (2, 96, 96)
    assert image[0, 10, 5] == pytest.approx(1.0) and image[1, 90, 85] == pytest.approx(1.0)
    assert image[0, 2, 2] == pytest.approx(0.5) and image[1, 95, 92] == pytest.approx(0.5)
    assert image[0, 50, 50] == 0 and image[1, 40, 40] == 0


def test_stream_follows_its_script():
    stream = scenes.person_stream()
    total = sum(frames for _, frames in scenes.STREAM_SCRIPT)
    assert stream.frames.shape == (total, 96, 96) and stream.frames.dtype == np.uint8
    story = [what for what, frames in scenes.STREAM_SCRIPT for _ in range(frames)]
    assert np.array_equal(stream.present, [what != "away" for what in story])
    assert scenes.count_switches(stream.present) == 4  # arrives, leaves, arrives, leaves
    hard = [e for e in stream.events if e]
    assert 0.08 * total < len(hard) < 0.25 * total
    assert set(hard) <= {"noise", "dark", "distractor", "occluded"}
    assert stream.seconds[-1] == pytest.approx((total - 1) / stream.fps)
    again = scenes.person_stream()
    assert np.array_equal(stream.frames, again.frames)


def test_hysteresis_follows_insisting_detections_only():
    d = [0, 1, 0, 1, 1, 1, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0]
    assert scenes.hysteresis(d, 1, 1).tolist() == [bool(v) for v in d]
    tv = scenes.hysteresis(d, on_after=3, off_after=3)
    assert tv.tolist() == [False] * 5 + [True] * 6 + [False] * 5  # on at the 3rd 1 in a row, off at the 3rd 0
    # a single contrary frame resets the count
    assert not scenes.hysteresis([1, 1, 0, 1, 1], 3, 3).any()
    assert scenes.hysteresis([0, 0, 1, 0, 0], 3, 2, initially_on=True).tolist() == [True, False, False, False, False]


def test_hysteresis_rejects_zero_counts():
    with pytest.raises(ValueError, match="at least 1"):
        scenes.hysteresis([1, 0], 0, 2)


def test_switch_counts():
    assert scenes.count_switches([0, 1, 1, 0, 1]) == 3
    assert scenes.count_switches([1, 1], initially_on=True) == 0
    assert scenes.count_switches([]) == 0
    truth = [1, 1, 1, 0, 0, 0]
    assert scenes.spurious_switches([1, 0, 1, 0, 0, 0], truth) == 2
    assert scenes.spurious_switches([0, 0, 0, 0, 0, 0], truth) == 0  # missed switches are not spurious


def test_prepare():
    x = np.full((3, 96, 96), 255, np.uint8)
    prepared = scenes.prepare(x)
    assert prepared.shape == (3, 96, 96, 1) and prepared.dtype == np.float32 and prepared.max() == 1.0
    assert scenes.prepare(x[0]).shape == (1, 96, 96, 1)
    with pytest.raises(ValueError, match="96x96"):
        scenes.prepare(np.zeros((2, 28, 28)))


def test_detector_shape(ctx):
    model = scenes.build_person_detector()
    assert model.input_shape == (None, 96, 96, 1) and model.output_shape == (None, 2)
    depthwise = [layer for layer in model.layers if type(layer).__name__ == "DepthwiseConv2D"]
    assert len(depthwise) == len(scenes.DETECTOR_BLOCKS)
    assert model.get_layer("block1_pw").output_shape == (None, 48, 48, 16)


def test_visual_wake_words_only_explains_without_download(monkeypatch, capsys, tmp_path):
    def no_network(*args, **kwargs):
        raise AssertionError("visual_wake_words must not download unless asked")

    monkeypatch.setattr(person_detector.urllib.request, "urlretrieve", no_network)
    assert scenes.visual_wake_words(tmp_path) is None
    said = capsys.readouterr().out
    assert "download=True" in said and scenes.VWW_URL in said


def test_read_image_folders(tmp_path):
    import matplotlib.image

    rng = np.random.default_rng(0)
    for name in ("person", "non_person"):
        (tmp_path / name).mkdir()
        for i in range(3):
            matplotlib.image.imsave(tmp_path / name / f"{i}.png", rng.random((96, 96, 3)))
    (tmp_path / "person" / "notes.txt").write_text("not an image")
    x, y = scenes.read_image_folders(tmp_path, limit=2)
    assert x.shape == (4, 96, 96) and x.dtype == np.uint8
    assert y.tolist() == [0, 0, 1, 1]
    with pytest.raises(FileNotFoundError, match="no .jpg or .png"):
        scenes.read_image_folders(tmp_path / "missing")


def test_photo_frame_cuts_the_centre_square_greys_and_averages():
    photo = np.zeros((200, 400, 3), np.uint8)
    photo[:, 100:300] = (255, 0, 0)  # the centre square is pure red; the sides are black
    frame = scenes.photo_frame(photo)
    assert frame.shape == (96, 96) and frame.dtype == np.uint8
    assert np.all(np.abs(frame.astype(int) - round(0.299 * 255)) <= 1)  # red's luminance, edge to edge
    squeezed = scenes.photo_frame(photo, centre_square=False)
    assert squeezed[:, :20].max() == 0 and abs(int(squeezed[48, 48]) - 76) <= 1  # the black sides are kept
    stripes = np.tile(np.array([0, 255], np.uint8), (384, 192))  # 1-pixel stripes, finer than a frame's pixel
    assert np.all(np.abs(scenes.photo_frame(stripes).astype(int) - 128) <= 1)  # averaged, not aliased
    assert scenes.photo_frame(np.ones((96, 96, 4)))[0, 0] == 255  # floats 0..1 with alpha, as plt.imread gives


def test_photo_frame_refuses_what_is_not_a_photo():
    with pytest.raises(ValueError, match=r"\(height, width\) grey"):
        scenes.photo_frame(np.zeros((2, 96, 96, 3), np.uint8))
    with pytest.raises(ValueError, match="must hold values 0..1"):
        scenes.photo_frame(np.full((96, 96), 200.0))


def write_vww_archive(folder, sizes=((96, 96), (120, 96), (96, 96))):
    """A tiny copy of MLPerf Tiny's vw_coco2014_96.tar.gz: person/ white, non_person/ black JPEGs."""
    import tarfile

    from PIL import Image

    staging = folder / "staging" / person_detector.VWW_FOLDER
    for name, grey in (("person", 255), ("non_person", 0)):
        (staging / name).mkdir(parents=True)
        for i, (height, width) in enumerate(sizes):
            split = "train" if i % 2 == 0 else "val"
            Image.new("RGB", (width, height), (grey,) * 3).save(staging / name / f"COCO_{split}2014_{i:012d}.jpg")
    archive = folder / person_detector.VWW_ARCHIVE
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(staging, arcname=person_detector.VWW_FOLDER)
    return archive


def test_visual_wake_words_reads_the_real_archive_format(monkeypatch, tmp_path):
    fixture = write_vww_archive(tmp_path / "fixture")
    downloads = []

    def fake_download(url, to):  # what urllib would fetch: the archive, written to `to`
        downloads.append(url)
        Path(to).write_bytes(fixture.read_bytes())

    monkeypatch.setattr(person_detector.urllib.request, "urlretrieve", fake_download)
    x, y = scenes.visual_wake_words(tmp_path / "vww", download=True, limit=2)
    assert downloads == [scenes.VWW_URL]
    assert x.shape == (4, 96, 96) and x.dtype == np.uint8 and y.tolist() == [0, 0, 1, 1]
    assert x[y == 0].max() <= 5 and x[y == 1].min() >= 250  # JPEG keeps a flat grey within a step or two
    prepared = scenes.prepare(x)
    assert prepared.shape == (4, 96, 96, 1) and 0 <= prepared.min() and prepared.max() <= 1
    assert not list((tmp_path / "vww").glob("*.part"))

    monkeypatch.setattr(person_detector.urllib.request, "urlretrieve", None)  # a second call reads the folder
    (tmp_path / "vww" / person_detector.VWW_ARCHIVE).unlink()
    x, y = scenes.visual_wake_words(tmp_path / "vww", download=True, limit=None)
    assert len(x) == 6 and y.sum() == 3


def test_person_dataset_is_split_by_room(ctx):
    from edgebook import data

    ds = data.load("person")
    total = len(ds.x_train) + len(ds.x_val) + len(ds.x_test)
    assert total == 4000 and ds.x_test.shape[1:] == (96, 96)
    assert len(ds.x_test) == 800 and ds.y_test.mean() == 0.5
    assert ds.class_names == scenes.CLASS_NAMES


def test_pretrained_weights_load(ctx):
    model = scenes.build_person_detector()
    scenes.load_pretrained(model)
    x, y, _ = scenes.person_scenes(rooms=4, per_room=10, seed=123)
    accuracy = np.mean(np.argmax(model.predict(scenes.prepare(x), verbose=0), axis=1) == y)
    assert accuracy >= 0.8, accuracy


def test_pretrained_weights_are_checked(ctx, monkeypatch):
    from edgebook.errors import DataError

    with pytest.raises(DataError, match="another architecture"):
        scenes.load_pretrained(scenes.build_person_detector(blocks=((16, 1),)))
    import dataclasses
    from edgebook import data

    entry = data.PRETRAINED["person_weights"]
    monkeypatch.setitem(data.PRETRAINED, "person_weights", dataclasses.replace(entry, sha256="0" * 64))
    with pytest.raises(DataError, match="corrupt or out of date"):
        scenes.load_pretrained(scenes.build_person_detector())
    monkeypatch.setitem(data.PRETRAINED, "person_weights", dataclasses.replace(entry, file="no_such_weights.npz"))
    with pytest.raises(DataError, match="missing"):
        scenes.load_pretrained(scenes.build_person_detector())


def test_switch_report_counts_spurious_switches_and_worst_delays():
    truth = np.array([0] * 4 + [1] * 8 + [0] * 8, bool)
    detections = truth.copy()
    detections[[1, 7]] ^= True  # a false alarm while empty, a dropout while present
    raw = scenes.switch_report(1, 1, detections, truth, fps=2.0)
    assert raw.spurious == 4 and raw.on_delay_s == 0 and raw.off_delay_s == 0
    calm = scenes.switch_report(2, 2, detections, truth, fps=2.0)
    assert calm == (0, 0.5, 0.5) and "0 spurious switches" in str(calm)
    assert scenes.switch_report(3, 20, detections, truth, fps=2.0).off_delay_s == float("inf")
    assert scenes.switch_delays([False, True], [True, True]) == [(True, 1)]
