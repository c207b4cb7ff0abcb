import json
import os

import numpy as np
import onnx
import pytest
import torch
from PIL import Image

from synth import make_dataset
from test_export import check_manifest_schema
from vertxnet_train.export import UNetViewExport, export_with_view
from vertxnet_train.heads import scope
from vertxnet_train.heads.scope import CLASSES, ScopeNet, film_variant, load_scope, probabilities, save_scope, split_of, train_scope
from vertxnet_train.heads.view import ViewNet, save_view
from vertxnet_train.trained import load_trained


@pytest.fixture(scope="module")
def lateral(tmp_path_factory):
    return make_dataset(str(tmp_path_factory.mktemp("scope-lateral")), count=6, seed=21, view="lumbar", max_side=256)


@pytest.fixture(scope="module")
def other(tmp_path_factory):
    """Films that are not laterals: bright vertical bands (an AP column) on noise, 40 names."""
    root = tmp_path_factory.mktemp("scope-other")
    rng = np.random.default_rng(5)
    for i in range(40):
        img = rng.integers(0, 60, (300, 160)).astype(np.uint8)
        img[:, 60:100] += 150
        Image.fromarray(img).save(str(root / ("ap-%02d.jpg" % i)))
    (root / "notes.txt").write_text("not an image")
    return str(root)


def test_splits_are_fixed_by_name_and_hold_out_a_fifth():
    names = ["film-%04d.jpg" % i for i in range(2000)]
    splits = [split_of(n) for n in names]
    assert splits == [split_of(n) for n in names]
    assert split_of("/a/b/film-0001.jpg") == split_of("film-0001.jpg")
    share = splits.count("test") / len(names)
    assert 0.17 < share < 0.23 and 0.07 < splits.count("val") / len(names) < 0.13


def test_listing_takes_images_of_one_split_only(other):
    every = scope.list_images([other])
    assert len(every) == 40 and all(f.endswith(".jpg") for f in every)
    parts = [scope.list_images([other], s) for s in ("train", "val", "test")]
    assert sorted(sum(parts, [])) == sorted(every)


def test_a_variant_is_an_8bit_film_that_keeps_the_bodies():
    rng = np.random.default_rng(3)
    img = np.zeros((400, 300), np.uint8)
    img[150:250, 100:200] = 200
    for _ in range(30):
        v = film_variant(img, rng, keep=(100, 150, 200, 250))
        assert v.dtype == np.uint8 and v.ndim == 2
        # the bright block (or its inverse) survives every crop
        assert (v >= 150).sum() >= 80 * 80 or (v <= 105).sum() >= 80 * 80


def test_training_separates_the_classes_and_is_mirror_invariant(lateral, other, tmp_path):
    rng = np.random.default_rng(1)
    lat = scope.lateral_films([lateral], 1, rng, log=lambda *_: None)
    oth = scope.other_films([other], None, variants=0, rng=rng, log=lambda *_: None)
    x = torch.stack(lat + oth)
    y = torch.tensor([0] * len(lat) + [1] * len(oth))
    model, meta = train_scope(x, y, epochs=6, seed=3, batch=8, lr=3e-3, log=lambda *_: None)
    losses = [h["loss"] for h in meta["history"]]
    assert losses[-1] < losses[0]
    p = probabilities(model, x)
    assert torch.allclose(p, probabilities(model, x.flip(3)), atol=1e-6)
    assert float(p[len(lat):].mean()) > float(p[:len(lat)].mean())
    path = str(tmp_path / "scope.vxw")
    save_scope(model, {"threshold": 0.5}, path)
    back, back_meta = load_scope(path)
    assert back_meta["model"] == "scope" and torch.allclose(probabilities(back, x), p, atol=1e-6)


def test_a_view_head_file_is_not_a_scope_head(tmp_path):
    path = str(tmp_path / "view.vxw")
    save_view(ViewNet(), {}, path)
    with pytest.raises(ValueError, match="not a scope head"):
        load_scope(path)


def test_export_adds_a_mirror_averaged_scope_output(unet_run, tmp_path):
    run, _ = unet_run
    view, head = str(tmp_path / "view.vxw"), str(tmp_path / "scope.vxw")
    save_view(ViewNet(), {"data": "v"}, view)
    save_scope(ScopeNet(), {"data": "scope data", "classes": CLASSES, "threshold": 0.5, "metrics": {"lateral_flagged": 0.0}}, head)
    out = str(tmp_path / "unet")
    m = export_with_view(run, view, out, version="0.0.3-test", log=lambda *_: None, scope_weights=head, data_note="u")
    assert m["outputs"] == {"foreground": "foreground", "view": "view", "scope": "scope"} and m["scopeClasses"] == CLASSES
    assert m["training"]["scope"]["data"] == "scope data" and m["metrics"]["scope"] == {"lateral_flagged": 0.0}
    g = onnx.load(os.path.join(out, "model.onnx"))
    outs = {o.name: [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim] for o in g.graph.output}
    assert outs["scope"] == ["N", 2]
    assert os.path.isfile(os.path.join(out, "scope.vxw"))
    unet, _, _ = load_trained(run, "unet")
    scope_net, _ = load_scope(head)
    module = UNetViewExport(unet, ViewNet().eval(), scope=scope_net).eval()
    x = torch.randn(2, 1, 64, 64)
    with torch.no_grad():
        a, b = module(x)[-1], module(x.flip(3))[-1]
    assert torch.allclose(a, b, atol=1e-6) and torch.allclose(a.sum(1), torch.ones(2))
    check_manifest_schema(os.path.join(out, "manifest.json"))
    with open(os.path.join(out, "manifest.json")) as fh:
        assert json.load(fh)["scopeClasses"] == ["lateral", "other"]


def test_mirrored_heads_are_exactly_symmetric_under_a_frame_flip(unet_run):
    from vertxnet_train.heads.level import LevelNet
    run, _ = unet_run
    unet, _, _ = load_trained(run, "unet")
    module = UNetViewExport(unet, ViewNet().eval(), level=LevelNet().eval(), scope=ScopeNet().eval(), mirror=True).eval()
    x = torch.randn(2, 1, 64, 64)
    with torch.no_grad():
        (_, view, level, p), (_, view_f, level_f, p_f) = module(x), module(x.flip(3))
    assert torch.allclose(view, view_f, atol=1e-6) and torch.allclose(p, p_f, atol=1e-6)
    assert torch.allclose(level_f, level.flip(3), atol=1e-6)
    with torch.no_grad():
        plain = UNetViewExport(unet, module.view, level=module.level).eval()(x)
    assert not torch.allclose(plain[2], level, atol=1e-4)  # the plain graph differs: mirroring is on


def test_training_refuses_the_held_out_style(tmp_path):
    from vertxnet_train.coco import refuse_held_out_style
    held_out = tmp_path / "style-b"
    held_out.mkdir()
    (held_out / "annotations.json").write_text(json.dumps({"info": {"generator": "phantom-b"}, "images": [], "annotations": []}))
    own = tmp_path / "own"
    own.mkdir()
    (own / "annotations.json").write_text(json.dumps({"info": {"generator": "vertxnet-phantom"}, "images": [], "annotations": []}))
    refuse_held_out_style([str(own)])
    with pytest.raises(ValueError, match="held-out style"):
        refuse_held_out_style([str(own), str(held_out)])
    with pytest.raises(ValueError, match="held-out style"):
        scope.main(["train", "--lateral", str(held_out), "--other", str(own), "--out", str(tmp_path / "s.vxw")])


def test_training_refuses_the_validation_style(tmp_path):
    from vertxnet_train.coco import refuse_held_out_style
    validation = tmp_path / "style-c"
    validation.mkdir()
    (validation / "annotations.json").write_text(json.dumps({"info": {"generator": "phantom-c"}, "images": [], "annotations": []}))
    own = tmp_path / "own"
    own.mkdir()
    (own / "annotations.json").write_text(json.dumps({"info": {"generator": "vertxnet-phantom"}, "images": [], "annotations": []}))
    refuse_held_out_style([str(own)])
    with pytest.raises(ValueError, match="validation style: it is for evaluation and calibration only, never for training"):
        refuse_held_out_style([str(own), str(validation)])
    with pytest.raises(ValueError, match="validation style"):
        scope.main(["train", "--lateral", str(validation), "--other", str(own), "--out", str(tmp_path / "s.vxw")])


def test_the_facing_head_swaps_sides_on_a_mirrored_frame_and_exports(unet_run, tmp_path):
    from vertxnet_train.heads.facing import SIDES, load_facing, save_facing, train_facing
    run, _ = unet_run
    x = torch.randn(8, 1, 128, 128)
    y = torch.tensor([0, 1] * 4)
    model, meta = train_facing(x, y, epochs=2, seed=1, batch=4, log=lambda *_: None)
    assert meta["hardware"] and len(meta["history"]) == 2
    path = str(tmp_path / "facing.vxw")
    save_facing(model, {"data": "facing data", "metrics": {"val_accuracy": 1.0}}, path)
    head, _ = load_facing(path)
    unet, _, _ = load_trained(run, "unet")
    module = UNetViewExport(unet, ViewNet().eval(), facing=head).eval()
    image = torch.randn(2, 1, 64, 64)
    with torch.no_grad():
        a, b = module(image)[-1], module(image.flip(3))[-1]
    assert torch.allclose(a, b.flip(1), atol=1e-6) and torch.allclose(a.sum(1), torch.ones(2))
    view = str(tmp_path / "view.vxw")
    save_view(ViewNet(), {"data": "v"}, view)
    m = export_with_view(run, view, str(tmp_path / "unet"), version="0.0.4-test", log=lambda *_: None, data_note="u",
                         facing_weights=path, mirror=True)
    assert m["outputs"]["facing"] == "facing" and m["facingClasses"] == SIDES and m["testTimeMirror"] is True
    assert m["training"]["facing"]["data"] == "facing data"
    check_manifest_schema(os.path.join(str(tmp_path / "unet"), "manifest.json"))


def test_split_links_the_held_out_fifth(other, tmp_path):
    out = tmp_path / "test-split"
    assert scope.main(["split", "--images", other, "--split", "test", "--out", str(out)]) == 0
    linked = sorted(os.listdir(str(out)))
    assert linked == sorted(os.path.basename(f) for f in scope.list_images([other], "test"))
    assert linked and all(os.path.islink(str(out / n)) for n in linked)


def test_fine_tuning_starts_from_the_given_head(lateral, other, tmp_path):
    rng = np.random.default_rng(2)
    lat = scope.lateral_films([lateral], 0, rng, log=lambda *_: None)
    oth = scope.other_films([other], None, variants=0, rng=rng, log=lambda *_: None)
    x = torch.stack(lat + oth)
    y = torch.tensor([0] * len(lat) + [1] * len(oth))
    first, _ = train_scope(x, y, epochs=4, seed=3, batch=8, lr=3e-3, log=lambda *_: None)
    path = str(tmp_path / "first.vxw")
    save_scope(first, {"threshold": 0.5}, path)
    # One epoch at a tiny rate from the saved head keeps its learnt weights; from scratch it has others.
    tuned, _ = train_scope(x, y, epochs=1, seed=4, batch=8, lr=1e-7, init=path, log=lambda *_: None)
    fresh, _ = train_scope(x, y, epochs=1, seed=4, batch=8, lr=1e-7, log=lambda *_: None)

    def distance(model):
        return max(float((a - b).abs().max()) for a, b in zip(model.parameters(), first.parameters()))
    assert distance(tuned) < 1e-4 < distance(fresh)
