import json
import os

import onnx
import pytest
import torch

from synth import make_dataset
from test_export import check_manifest_schema
from vertxnet_train.export import UNetViewExport, export_with_view, sha256_file
from vertxnet_train.heads.view import VIEWS, ViewNet, evaluate_view, load_view, load_view_set, save_view, train_view
from vertxnet_train.trained import load_trained


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    root = tmp_path_factory.mktemp("views")
    return [make_dataset(str(root / v), count=6, seed=11, view=v, max_side=256) for v in VIEWS]


def test_view_set_is_the_pipeline_frame_pooled(mixed):
    x, y = load_view_set(mixed, log=lambda *_: None)
    assert x.shape == (12, 1, 128, 128)
    assert sorted(y.tolist()) == [0] * 6 + [1] * 6
    # Letterbox padding is pixel 0, normalised: (0 - 0.5) / 0.25 = -2.
    assert float(x.min()) == pytest.approx(-2.0)


def test_training_lowers_the_loss_and_round_trips_its_weights(mixed, tmp_path):
    x, y = load_view_set(mixed, log=lambda *_: None)
    model, meta = train_view(x, y, epochs=4, batch=4, lr=3e-3, log=lambda *_: None)
    losses = [h["loss"] for h in meta["history"]]
    assert losses[-1] < losses[0]
    path = str(tmp_path / "view.vxw")
    save_view(model, {"metrics": {"train_accuracy": meta["history"][-1]["train_accuracy"]}}, path)
    back, back_meta = load_view(path)
    probe = torch.randn(2, 1, 512, 512)
    with torch.no_grad():
        assert torch.allclose(back(probe), model.eval()(probe), atol=1e-5)
    assert back_meta["model"] == "view"
    # At threshold 0.5 the head is sure of every image, so both accuracies agree.
    r = evaluate_view(model, x, y, threshold=0.5)
    assert r["images"] == 12 and r["sure"] == 1.0 and r["accuracy_when_sure"] == r["accuracy"]
    assert r["wrong_when_sure"] == round((1 - r["accuracy"]) * 12)


def test_a_unet_file_is_not_a_view_head(unet_run):
    run, _ = unet_run
    from vertxnet_train.weights import save_weights
    unet, _, _ = load_trained(run, "unet")
    with pytest.raises(ValueError, match="not a view head"):
        path = os.path.join(run, "unet-only.vxw")
        save_weights(unet.state_dict(), path, {"model": "unet"})
        load_view(path)


def test_export_bundles_the_view_head_as_a_second_output(unet_run, tmp_path):
    run, _ = unet_run
    view = str(tmp_path / "view.vxw")
    save_view(ViewNet(), {"metrics": {"val_accuracy": 0.5}, "data": "test data"}, view)
    base = tmp_path / "base.json"
    base.write_text(json.dumps({
        "name": "vertxnet-unet", "version": "0.0.0", "task": "foreground-segmentation", "file": "model.onnx",
        "sha256": "0" * 64, "input": {"name": "image", "size": 64, "channels": 1, "mean": 0.5, "std": 0.25,
                                      "dynamicBatch": True},
        "outputs": {"foreground": "foreground"}, "classes": ["background", "vertebral-body"],
        "training": {"data": "the U-Net's own record", "synthetic": True}, "metrics": {"heldOut": {"dice": 0.9}}}))
    out = str(tmp_path / "unet")
    m = export_with_view(run, view, out, version="0.0.2-test", base_manifest=str(base), log=lambda *_: None)
    assert m["version"] == "0.0.2-test" and m["sha256"] == sha256_file(os.path.join(out, "model.onnx"))
    assert m["outputs"] == {"foreground": "foreground", "view": "view"} and m["viewClasses"] == VIEWS
    assert m["training"]["data"] == "the U-Net's own record" and m["training"]["view"]["data"] == "test data"
    assert m["metrics"] == {"heldOut": {"dice": 0.9}, "view": {"val_accuracy": 0.5}}
    g = onnx.load(os.path.join(out, "model.onnx"))
    outs = {o.name: [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim] for o in g.graph.output}
    assert outs["view"] == ["N", 2]
    assert os.path.isfile(os.path.join(out, "view.vxw"))
    unet, _, _ = load_trained(run, "unet")
    head, _ = load_view(view)
    with torch.no_grad():
        fg, p = UNetViewExport(unet, head).eval()(torch.randn(3, 1, 64, 64))
    assert fg.shape == (3, 1, 64, 64) and torch.allclose(p.sum(1), torch.ones(3))
    check_manifest_schema(os.path.join(out, "manifest.json"))
