import json
import os
import struct
import zlib

import pytest
import torch

from vertxnet_train.heads.bodies import (BACKGROUND, BODY, augment_bodies, load_body_set, load_foreground_set, load_foreground_sets,
                                         pooled_foreground, read_foreground)
from vertxnet_train.heads.view import evaluate_view, train_view

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "fusion-golden", "outputs")


def blob(frame, probability: bytes) -> bytes:
    """A stored U-Net output as packages/pipeline/src/intermediates.ts writes it."""
    head = json.dumps({"frame": frame}).encode("utf-8")
    return zlib.compress(b"VXFG1" + struct.pack("<I", len(head)) + head + probability)


def test_a_stored_foreground_written_by_the_pipeline_reads_back():
    # A fixture the TypeScript encoder wrote (the fusion golden set's model outputs).
    name = sorted(f for f in os.listdir(GOLDEN) if f.endswith(".fg.bin"))[0]
    header, probability = read_foreground(os.path.join(GOLDEN, name))
    assert probability.shape == (header["frame"]["height"], header["frame"]["width"])
    mask = pooled_foreground((header, probability))
    assert mask.shape == (1, 128, 128)
    share = float((mask == BODY).float().mean())
    assert 0.005 < share < 0.3  # a spine's bodies, not nothing and not the whole film


def test_the_foreground_sits_at_the_letterbox_top_left_and_is_pooled_and_thresholded(tmp_path):
    frame = {"sourceWidth": 300, "sourceHeight": 600, "scale": 512 / 600, "width": 256, "height": 512, "size": 512}
    p = bytearray(256 * 512)
    for y in range(100, 140):  # a body of 40 × 40 frame pixels at x 40..80
        p[y * 256 + 40:y * 256 + 80] = bytes([255]) * 40
    path = tmp_path / "a.png.fg.bin"
    path.write_bytes(blob(frame, bytes(p)))
    mask = pooled_foreground(read_foreground(str(path)))[0]
    assert bool((mask[25:35, 10:20] == BODY).all())
    assert int((mask == BODY).sum()) == 100 and bool((mask[:, 64:] == BACKGROUND).all())
    # A frame twice the heads' (as the region pass stores) pools twice as far to the same grid.
    big = {**frame, "width": 512, "height": 1024, "size": 1024}
    p2 = bytearray(512 * 1024)
    for y in range(200, 280):
        p2[y * 512 + 80:y * 512 + 160] = bytes([255]) * 80
    path.write_bytes(blob(big, bytes(p2)))
    assert torch.equal(pooled_foreground(read_foreground(str(path)))[0], mask)
    path.write_bytes(zlib.compress(b"VXIN1" + bytes(8)))
    with pytest.raises(ValueError, match="not a stored U-Net output"):
        read_foreground(str(path))


def test_augmenting_keeps_a_mask_a_mask_and_is_seeded():
    x = torch.full((32, 1, 128, 128), BACKGROUND)
    x[:, :, 40:60, 30:50] = BODY
    a = augment_bodies(x, torch.Generator().manual_seed(1))
    assert torch.equal(a, augment_bodies(x, torch.Generator().manual_seed(1)))
    assert bool(((a == BODY) | (a == BACKGROUND)).all())
    areas = (a == BODY).sum(dim=(1, 2, 3))
    assert int(areas.min()) < 400 < int(areas.max())  # some eroded, some dilated


def test_a_view_head_learns_from_body_masks_and_reads_a_stored_foreground(tmp_path):
    from synth import make_dataset
    dirs = [make_dataset(str(tmp_path / v), count=4, seed=5, view=v, max_side=256) for v in ("cervical", "lumbar")]
    x, y = load_body_set(dirs, log=lambda *_: None)
    assert sorted(y.tolist()) == [0] * 4 + [1] * 4
    assert bool(((x == BODY).sum(dim=(1, 2, 3)) > 20).all())
    model, meta = train_view(x, y, epochs=2, batch=4, bodies=True, log=lambda *_: None)
    assert meta["input"] == "bodies"
    # The same set read through stored U-Net outputs: here the truth's own masks, written as the pipeline would.
    cache = tmp_path / "cache"
    cache.mkdir()
    with open(os.path.join(dirs[1], "annotations.json")) as fh:
        images = json.load(fh)["images"]
    frame = {"sourceWidth": 512, "sourceHeight": 512, "scale": 1, "width": 512, "height": 512, "size": 512}
    lumbar = x[y == 1]
    for image, mask in zip(images, lumbar):
        full = torch.nn.functional.interpolate(((mask + 1) / 2)[None], scale_factor=4, mode="nearest")[0, 0]
        (cache / (os.path.basename(image["file_name"]) + ".fg.bin")).write_bytes(blob(frame, (full * 255).byte().numpy().tobytes()))
    fx, fy = load_foreground_set(str(cache), dirs[1])
    assert torch.equal(fy, torch.ones(4, dtype=torch.long)) and torch.equal(fx, lumbar)
    assert evaluate_view(model, fx, fy)["images"] == 4
    # A head trained on those stored outputs records where its bodies came from.
    from vertxnet_train.heads.view import load_view, main
    out = str(tmp_path / "fg.vxw")
    assert main(["train", "--input", "bodies", "--data", dirs[1], "--foreground", str(cache), "--out", out, "--epochs", "1"]) == 0
    assert load_view(out)[1]["bodies_from"] == "U-Net foreground"
    with pytest.raises(ValueError, match="one foreground cache per data folder"):
        load_foreground_sets([str(cache)], dirs)


def test_a_body_head_is_refused_where_it_would_read_the_film(tmp_path, capsys):
    from vertxnet_train.heads.view import main, save_view
    from synth import make_dataset
    data = make_dataset(str(tmp_path / "l"), count=2, seed=3, view="lumbar", max_side=256)
    x, y = load_body_set([data], log=lambda *_: None)
    model, meta = train_view(x, y, epochs=1, batch=2, bodies=True, log=lambda *_: None)
    weights = str(tmp_path / "bodies.vxw")
    save_view(model, meta, weights)
    with pytest.raises(SystemExit):
        main(["evaluate", "--weights", weights, "--data", data])
    assert "evaluate it with --input bodies" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["export", "--unet", "unused.vxw", "--view", weights, "--out", str(tmp_path / "out"), "--version", "0"])
    assert "cannot ship inside the U-Net's graph" in capsys.readouterr().err
    assert main(["evaluate", "--input", "bodies", "--weights", weights, "--data", data]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["images"] == 2
