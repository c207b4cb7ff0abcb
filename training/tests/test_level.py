import os

import onnx
import pytest
import torch

from synth import make_dataset, phantom_available
from test_export import check_manifest_schema
from vertxnet_train.export import UNetViewExport, export_with_view
from vertxnet_train.heads.level import (IGNORE, RELATIVE_LEVELS, LevelNet, body_accuracy, load_level, load_level_set,
                                        relative_level, save_level, train_level)
from vertxnet_train.heads.view import ViewNet, load_view, save_view
from vertxnet_train.trained import load_trained


@pytest.fixture(scope="module")
def films(tmp_path_factory):
    root = tmp_path_factory.mktemp("levels")
    return [make_dataset(str(root / v), count=4, seed=21, view=v, max_side=256) for v in ("cervical", "lumbar")]


def test_relative_levels_count_from_each_views_first_labelled_level():
    assert relative_level("cervical", "C2") == 0 and relative_level("cervical", "T1") == 6
    assert relative_level("cervical", "T3") == 8 and relative_level("cervical", "C1") == -1
    assert relative_level("lumbar", "T12") == 0 and relative_level("lumbar", "S1") == 6
    assert relative_level("lumbar", "T10") == -2 and relative_level("lumbar", "S2") == 7
    assert relative_level("lumbar", "C5") is None and relative_level("cervical", "ignore") is None


def test_targets_cover_each_body_with_its_level(films):
    x, y, views = load_level_set(films, log=lambda *_: None)
    assert x.shape == (8, 1, 128, 128) and y.shape == (8, 128, 128)
    assert sorted(set(views)) == ["cervical", "lumbar"]
    known = y[y != IGNORE]
    assert known.numel() > 0 and int(known.min()) >= 0 and int(known.max()) < len(RELATIVE_LEVELS)
    # On every film the levels run down the image: a body lower down has a higher offset.
    for img in y:
        rows = [(float(torch.nonzero(img == c)[:, 0].float().mean()), c) for c in torch.unique(img[img != IGNORE]).tolist()]
        assert [c for _, c in sorted(rows)] == sorted(c for _, c in rows)
    if phantom_available():
        # The phantom names unlabelled bodies too (T2 below a cervical spine, T11 above a lumbar one).
        labelled = {0 - RELATIVE_LEVELS[0] + i for i in range(7)}
        assert set(torch.unique(known).tolist()) - labelled


def test_training_lowers_the_loss_and_round_trips_its_weights(films, tmp_path):
    x, y, _ = load_level_set(films, log=lambda *_: None)
    model, meta = train_level(x, y, epochs=4, batch=4, lr=3e-3, log=lambda *_: None)
    losses = [h["loss"] for h in meta["history"]]
    assert losses[-1] < losses[0]
    r = body_accuracy(model, x, y)
    assert r["bodies"] > 0 and 0 <= r["body_accuracy"] <= 1
    path = str(tmp_path / "level.vxw")
    save_level(model, {"metrics": r}, path)
    back, back_meta = load_level(path)
    probe = torch.randn(2, 1, 512, 512)
    with torch.no_grad():
        out = back(probe)
        assert out.shape == (2, len(RELATIVE_LEVELS), 32, 32)
        assert torch.allclose(out, model.eval()(probe), atol=1e-5)
    assert back_meta["model"] == "level" and back_meta["relativeLevels"] == RELATIVE_LEVELS
    with pytest.raises(ValueError, match="not a level head"):
        save_view(ViewNet(), {}, str(tmp_path / "view.vxw"))
        load_level(str(tmp_path / "view.vxw"))


def test_export_bundles_the_level_head_as_a_third_output(unet_run, tmp_path):
    run, _ = unet_run
    view, level = str(tmp_path / "view.vxw"), str(tmp_path / "level.vxw")
    save_view(ViewNet(), {"metrics": {"val_accuracy": 0.5}, "data": "view data"}, view)
    save_level(LevelNet(), {"metrics": {"val_body_accuracy": 0.25}, "data": "level data"}, level)
    out = str(tmp_path / "unet")
    m = export_with_view(run, view, out, version="0.0.3-test", log=lambda *_: None, level_weights=level, data_note="test")
    assert m["outputs"] == {"foreground": "foreground", "view": "view", "level": "level"}
    assert m["levelOffsets"] == RELATIVE_LEVELS
    assert m["training"]["level"]["data"] == "level data" and m["metrics"]["level"] == {"val_body_accuracy": 0.25}
    g = onnx.load(os.path.join(out, "model.onnx"))
    outs = {o.name: [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim] for o in g.graph.output}
    assert outs["level"] == ["N", len(RELATIVE_LEVELS), 32, 32]
    assert os.path.isfile(os.path.join(out, "level.vxw"))
    check_manifest_schema(os.path.join(out, "manifest.json"))
    # Re-exported without the level head from that manifest: no trace of it is left.
    m2 = export_with_view(run, view, str(tmp_path / "again"), version="0.0.4-test", base_manifest=os.path.join(out, "manifest.json"),
                          log=lambda *_: None)
    assert "level" not in m2["outputs"] and "levelOffsets" not in m2 and "level" not in m2["metrics"]
    unet, _, _ = load_trained(run, "unet")
    with torch.no_grad():
        fg, p, lv = UNetViewExport(unet, load_view(view)[0], level=load_level(level)[0]).eval()(torch.randn(2, 1, 64, 64))
    assert torch.allclose(lv.sum(1), torch.ones(2, 4, 4), atol=1e-5)


def test_invert_pooled_negates_the_content_and_keeps_the_padding():
    from vertxnet_train.heads.common import invert_pooled
    pad = (0.0 - 0.5) / 0.25
    x = torch.tensor([[[[0.4, -1.0], [pad, 1.5]]], [[[0.4, -1.0], [pad, 1.5]]]])
    out = invert_pooled(x, torch.tensor([True, False]))
    assert torch.allclose(out[0, 0], torch.tensor([[-0.4, 1.0], [pad, -1.5]]))
    assert torch.equal(out[1], x[1])
