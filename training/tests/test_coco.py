
import numpy as np
import pytest
from PIL import Image, ImageDraw

from vertxnet_train.coco import load_records, read_coco, rle_decode, rle_encode, segmentation_mask
from vertxnet_train.levels import class_index, class_names, parse_level
from vertxnet_train.preprocess import frame_for, letterbox, load_gray, percentile_nearest_rank, to_canonical


def rle_to_string(counts):
    """pycocotools rleToString, to test our decoder against its encoding."""
    out = []
    for i, x in enumerate(counts):
        if i > 2:
            x -= counts[i - 2]
        more = True
        while more:
            c = x & 0x1F
            x >>= 5
            more = (x != -1) if (c & 0x10) else (x != 0)
            if more:
                c |= 0x20
            out.append(chr(c + 48))
    return "".join(out)


@pytest.mark.parametrize("name,level", [("C2", "C2"), ("c2", "C2"), ("C-2", "C2"), ("L 5", "L5"), ("l_3", "L3"),
                                        ("S1", "S1"), ("t12", "T12"), ("T13", None), ("C8", None),
                                        ("implant", None), ("", None)])
def test_parse_level(name, level):
    assert parse_level(name) == level


def test_class_mapping():
    names = class_names("reference")
    assert names == ["background", "vertebra", "C2", "S1"]
    assert class_index("C2", names) == 2 and class_index("S1", names) == 3 and class_index("L3", names) == 1
    per = class_names("per-level")
    assert class_index("L3", per) == per.index("L3")


def test_rle_uncompressed_and_compressed():
    rng = np.random.default_rng(0)
    mask = (rng.random((17, 23)) > 0.6).astype(np.uint8)
    rle = rle_encode(mask)
    assert np.array_equal(rle_decode(rle), mask)
    compressed = {"size": rle["size"], "counts": rle_to_string(rle["counts"])}
    assert np.array_equal(rle_decode(compressed), mask)


def test_rle_matches_polygon_rendering():
    h, w = 90, 120
    poly = [20, 15, 95, 20, 100, 70, 25, 65]
    im = Image.new("L", (w, h), 0)
    ImageDraw.Draw(im).polygon([(poly[i], poly[i + 1]) for i in range(0, 8, 2)], fill=1)
    fr = frame_for(w, h, 64)
    a = segmentation_mask([poly], fr).astype(bool)
    b = segmentation_mask(rle_encode(np.array(im)), fr).astype(bool)
    assert a.shape == b.shape == (fr.height, fr.width)
    assert (a & b).sum() / (a | b).sum() > 0.85


def test_percentile_and_windowing():
    values = np.arange(1000, dtype=np.uint16).reshape(20, 50)
    assert percentile_nearest_rank(values, 0.5) == 4
    assert percentile_nearest_rank(values, 99.5) == 994
    out = to_canonical(values)
    assert out.dtype == np.uint8
    flat = out.reshape(-1)
    assert flat[4] == 0 and flat[0] == 0 and flat[994] == 255 and flat[999] == 255
    assert flat[499] == 128  # 495 * 255 / 990 = 127.5 rounds half up
    u8 = np.arange(256, dtype=np.uint8).reshape(16, 16)
    assert to_canonical(u8) is u8


def test_load_gray_16bit_and_rgb(tmp_path):
    arr = (np.arange(64 * 32).reshape(32, 64) * 7 + 3000).astype(np.uint16)
    Image.fromarray(arr).save(tmp_path / "a.png")
    g = load_gray(str(tmp_path / "a.png"))
    assert g.dtype == np.uint8 and g.shape == (32, 64) and g.min() == 0 and g.max() == 255
    rgb = np.zeros((10, 12, 3), np.uint8)
    rgb[..., 0] = 100
    Image.fromarray(rgb).save(tmp_path / "b.png")
    assert load_gray(str(tmp_path / "b.png")).shape == (10, 12)


def test_letterbox_geometry():
    fr = frame_for(300, 200, 128)
    assert (fr.width, fr.height) == (128, 85) and abs(fr.scale - 128 / 300) < 1e-12
    fr = frame_for(1000, 1, 128)
    assert (fr.width, fr.height) == (128, 1)
    img = np.full((200, 300), 200, np.uint8)
    canvas, fr = letterbox(img, 128)
    assert canvas.shape == (128, 128)
    assert canvas[:85, :128].min() == 200 and canvas[85:].max() == 0
    tall, fr = letterbox(np.full((400, 100), 50, np.uint8), 128)
    assert (fr.width, fr.height) == (32, 128) and tall[:, 32:].max() == 0 and tall[:, :32].min() == 50


def test_read_synthetic(synthetic):
    with pytest.warns(UserWarning, match="not a vertebral level"):
        jobs = read_coco(synthetic)
    assert len(jobs) == 6 and all(len(j["anns"]) == 7 for j in jobs)
    assert {j["view"] for j in jobs} == {"cervical", "lumbar"}
    recs = load_records([synthetic], 128)
    for rec in recs:
        assert rec.image.shape == (rec.frame.height, rec.frame.width)
        assert max(rec.frame.width, rec.frame.height) == 128
        assert len(rec.instances) == 7
        levels = [i.level for i in rec.instances]
        assert ("C2" in levels) if rec.view == "cervical" else ("S1" in levels)
        for inst in rec.instances:
            h, w = inst.mask.shape
            assert inst.x0 + w <= rec.frame.width and inst.y0 + h <= rec.frame.height and inst.mask.sum() > 10


def test_read_dataset(dataset):
    recs = load_records([dataset], 128)
    assert recs and sum(len(r.instances) for r in recs) > 0


def test_gzipped_annotations_load(dataset, tmp_path):
    import gzip
    import shutil
    root = tmp_path / "gz"
    shutil.copytree(dataset, root)
    src = root / "annotations.json"
    with open(src, "rb") as fh, gzip.open(str(src) + ".gz", "wb") as out:
        out.write(fh.read())
    src.unlink()
    plain = load_records([dataset], 128)
    zipped = load_records([str(root)], 128)
    assert len(zipped) == len(plain) > 0
    assert [len(r.instances) for r in zipped] == [len(r.instances) for r in plain]
