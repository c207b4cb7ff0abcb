"""vertxnet_train.finetune: the split, a tiny end-to-end run and the refusals.

The "shipped" models here are tiny (the tiny config, one step each) and their manifests hand-written
like the real ones; everything is driven through the command lines, as finetune itself does.
"""
import json
import os

import onnx
import pytest

from synth import make_dataset
from test_export import check_manifest_schema
from vertxnet_train.finetune import main
from vertxnet_train.finetune_data import held_out_fraction, split_names, write_split
from vertxnet_train.export import sha256_file


def _manifest(name, version, task, outputs, classes, config, **extra):
    return {"name": name, "version": version, "task": task, "file": "model.onnx", "sha256": "0" * 64,
            "input": {"name": "image", "size": config["size"], "channels": 1, "mean": 0.5, "std": 0.25,
                      "dynamicBatch": task == "foreground-segmentation"},
            "outputs": outputs, "classes": classes,
            "training": {"data": "tiny phantom set; synthetic only", "synthetic": True, "config": config},
            "metrics": {"heldOut": {"foregroundDice": 0.9, "scoreThreshold": 0.6, "referenceScoreThreshold": 0.9}},
            **extra}


@pytest.fixture(scope="module")
def corrected(tmp_path_factory):
    return make_dataset(str(tmp_path_factory.mktemp("corrected")), count=6, seed=31, view="lumbar", max_side=256)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory, corrected):
    """A models folder laid out as ../models: unet/ (weights, view and level heads) and maskrcnn/."""
    from vertxnet_train import train
    from vertxnet_train.heads import level, view
    root = tmp_path_factory.mktemp("shipped")
    unet, mrcnn = root / "unet", root / "maskrcnn"
    unet.mkdir()
    mrcnn.mkdir()
    work = tmp_path_factory.mktemp("shipped-runs")
    train.main(["--model", "unet", "--data", corrected, "--out", str(work / "u"), "--config", "tiny", "--iters", "1",
                "--weights", str(unet / "weights.vxw")])
    train.main(["--model", "maskrcnn", "--data", corrected, "--out", str(work / "m"), "--config", "tiny", "--iters", "1",
                "--classes", "landmarks", "--weights", str(mrcnn / "weights.vxw")])
    assert view.main(["train", "--data", corrected, "--out", str(unet / "view.vxw"), "--epochs", "1"]) == 0
    assert level.main(["train", "--data", corrected, "--out", str(unet / "level.vxw"), "--epochs", "1"]) == 0
    cfg = {"name": "tiny", "size": 128, "unet_base": 8}
    (unet / "manifest.json").write_text(json.dumps(_manifest(
        "vertxnet-unet", "0.4.0", "foreground-segmentation", {"foreground": "foreground", "view": "view", "level": "level"},
        ["background", "vertebral-body"], cfg, viewClasses=["cervical", "lumbar"], testTimeMirror=True,
        mirrorPass=True, regionPass=True)))
    (mrcnn / "manifest.json").write_text(json.dumps(_manifest(
        "vertxnet-maskrcnn", "0.2.0", "instance-segmentation",
        {"boxes": "boxes", "labels": "labels", "scores": "scores", "masks": "masks"},
        ["background", "vertebra", "C2", "S1", "T1", "T12"], {**cfg, "classes": "landmarks"}, mirrorPass=True,
        regionPass=True)))
    return str(root)


def test_the_split_is_deterministic_disjoint_and_stable():
    names = ["film-%03d.png" % i for i in range(200)]
    train, held = split_names(names, 0.2)
    assert (train, held) == split_names(list(reversed(names)), 0.2)
    assert not set(train) & set(held) and sorted(train + held) == sorted(names)
    assert 20 <= len(held) <= 60
    # A film keeps its side when others join: the rule looks at its own name only.
    more_train, more_held = split_names(names + ["new-%d.png" % i for i in range(50)], 0.2)
    assert set(held) <= set(more_held) and set(train) <= set(more_train)
    assert all(held_out_fraction(n) < 0.2 for n in held)
    assert held_out_fraction("a/b/film-001.png") == held_out_fraction("film-001.png")
    # Neither side is ever empty when there are two films.
    t, h = split_names(["x.png", "y.png"], 0.01)
    assert len(t) == 1 and len(h) == 1


def test_split_folders_are_coco_and_agree_on_reruns(corrected, tmp_path):
    from vertxnet_train.finetune_data import read_sources
    sources = read_sources([corrected])
    a = write_split(sources, 0.3, str(tmp_path / "a"))
    b = write_split(sources, 0.3, str(tmp_path / "b"))
    files = {}
    for run in (a, b):
        for side in ("train", "heldout"):
            doc = json.load(open(os.path.join(run[side], "annotations.json")))
            files.setdefault(side, []).append(sorted(i["file_name"] for i in doc["images"]))
            assert all(os.path.isfile(os.path.join(run[side], i["file_name"])) for i in doc["images"])
            assert {an["image_id"] for an in doc["annotations"]} <= {i["id"] for i in doc["images"]}
    # `vertxnet eval` rasterises the ground truth by category id: the ids stay the source's.
    source_cats = {c["name"]: c["id"] for c in sources[0][1]["categories"]}
    assert {c["name"]: c["id"] for c in doc["categories"]} == source_cats
    assert files["train"][0] == files["train"][1] and files["heldout"][0] == files["heldout"][1]
    assert not set(files["train"][0]) & set(files["heldout"][0])
    assert len(files["train"][0]) + len(files["heldout"][0]) == 6 and a["heldOutImages"] >= 1


def test_tiny_finetune_writes_suffixed_models_with_the_data_note(corrected, shipped, tmp_path, capsys):
    out = str(tmp_path / "new")
    code = main(["--data", corrected, "--models", shipped, "--out", out, "--config", "tiny", "--iters", "1",
                 "--version-suffix", "site1", "--data-note", "site 1 corrections, test", "--real-data", "--quiet",
                 "--level-epochs", "1"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "vertxnet run FOLDER --models %s" % out in printed
    report = json.load(open(os.path.join(out, "finetune.json")))
    assert report["realData"] is True and report["data"] == "site 1 corrections, test"
    held = report["split"]["heldOutImages"]
    assert held >= 1 and report["split"]["trainImages"] + held == 6
    for kind, version in (("unet", "0.4.0+site1"), ("maskrcnn", "0.2.0+site1")):
        folder = os.path.join(out, kind)
        m = json.load(open(os.path.join(folder, "manifest.json")))
        assert m["version"] == version == report["models"][kind]["version"]
        assert m["sha256"] == sha256_file(os.path.join(folder, "model.onnx"))
        onnx.checker.check_model(onnx.load(os.path.join(folder, "model.onnx")))
        assert os.path.isfile(os.path.join(folder, "weights.vxw"))
        assert m["training"]["data"].startswith("site 1 corrections, test") and m["training"]["synthetic"] is False
        ft = m["training"]["fineTune"]
        assert ft["realData"] is True and ft["base"].endswith(("@0.4.0", "@0.2.0")) and ft["hardware"]
        assert m["metrics"]["heldOut"]["images"] == held and m["metrics"]["heldOutBaseline"]["images"] == held
        # polarity augmentation by default: a site's exports mix MONOCHROME1 and MONOCHROME2 films
        assert m["training"]["config"]["invert_share"] == 0.2 == report["models"][kind]["invertShare"]
        for when in ("before", "after"):
            assert report["models"][kind]["heldOut"][when]["images"] == held
        check_manifest_schema(os.path.join(folder, "manifest.json"))
    unet = json.load(open(os.path.join(out, "unet", "manifest.json")))
    assert unet["outputs"] == {"foreground": "foreground", "view": "view", "level": "level"}
    assert unet["testTimeMirror"] is True and unet["input"]["size"] == 128
    # The level head is fine-tuned from the shipped one and bundled; the view head stays as shipped.
    ft = unet["training"]["fineTune"]
    assert ft["heads"].startswith("view kept as shipped") and "level" not in ft["heads"]
    bundled, shipped_level = os.path.join(out, "unet", "level.vxw"), os.path.join(shipped, "unet", "level.vxw")
    assert sha256_file(bundled) != sha256_file(shipped_level)
    assert ft["levelHead"]["sha256"] == sha256_file(bundled) and ft["levelHead"]["baseSha256"] == sha256_file(shipped_level)
    assert ft["levelHead"]["epochs"] == 1 and ft["levelHead"]["invertShare"] == 0.2 and unet["training"]["level"]["init"] == "level.vxw"
    assert sha256_file(os.path.join(out, "unet", "view.vxw")) == sha256_file(os.path.join(shipped, "unet", "view.vxw"))
    level_held = report["models"]["unet"]["levelHead"]["heldOut"]
    assert set(level_held) == {"before", "after"} and unet["metrics"]["level"]["bodies"] == level_held["after"]["bodies"]
    mrcnn = json.load(open(os.path.join(out, "maskrcnn", "manifest.json")))
    assert mrcnn["classes"][-2:] == ["T1", "T12"]
    # Run as the shipped models are: with the mirrored and the region pass.
    assert unet["mirrorPass"] is True and mrcnn["mirrorPass"] is True
    assert unet["regionPass"] is True and mrcnn["regionPass"] is True


def test_train_only_then_trained_finishes_on_another_machine(corrected, shipped, tmp_path, capsys):
    import shutil
    first = str(tmp_path / "gpu")
    common = ["--data", corrected, "--models", shipped, "--config", "tiny", "--iters", "1", "--quiet"]
    assert main(common + ["--out", first, "--train-only"]) == 0
    assert "--trained %s" % os.path.join(first, "finetune-data") in capsys.readouterr().out
    assert not os.path.exists(os.path.join(first, "unet")) and not os.path.exists(os.path.join(first, "finetune.json"))
    # Only the record and the two run folders' weights and summaries travel back.
    moved = tmp_path / "moved"
    for f in ("trained.json", "run-unet/unet.vxw", "run-unet/train.json", "run-maskrcnn/maskrcnn.vxw",
              "run-maskrcnn/train.json"):
        os.makedirs(os.path.dirname(str(moved / f)), exist_ok=True)
        shutil.copyfile(os.path.join(first, "finetune-data", f), str(moved / f))
    record = json.load(open(str(moved / "trained.json")))
    record["hardware"] = "a GPU machine (test)"  # where it trained is what the manifests must record
    (moved / "trained.json").write_text(json.dumps(record))
    out = str(tmp_path / "new")
    assert main(common + ["--out", out, "--trained", str(moved), "--level-epochs", "0"]) == 0, capsys.readouterr().err
    report = json.load(open(os.path.join(out, "finetune.json")))
    assert report["trainedOn"]["hardware"] == "a GPU machine (test)"
    for kind in ("unet", "maskrcnn"):
        m = json.load(open(os.path.join(out, kind, "manifest.json")))
        assert m["training"]["fineTune"]["hardware"] == "a GPU machine (test)" and m["training"]["fineTune"]["steps"] == 1
        assert sha256_file(os.path.join(out, kind, "weights.vxw")) == sha256_file(str(moved / ("run-%s/%s.vxw" % (kind, kind))))
        onnx.checker.check_model(onnx.load(os.path.join(out, kind, "model.onnx")))
    capsys.readouterr()
    # Another split, no record or a half-written one is refused before anything is exported.
    other = str(tmp_path / "other")
    assert "other films" in _refused(capsys, common + ["--out", other, "--trained", str(moved), "--held-out-share", "0.99"])
    assert "no trained.json" in _refused(capsys, common + ["--out", other, "--trained", str(tmp_path)])
    half = tmp_path / "half"
    half.mkdir()
    (half / "trained.json").write_text(json.dumps(record)[:40])
    assert "not a record" in _refused(capsys, common + ["--out", other, "--trained", str(half)])
    (half / "trained.json").write_text(json.dumps({k: v for k, v in record.items() if k != "models"}))
    assert "lacks models" in _refused(capsys, common + ["--out", other, "--trained", str(half)])
    assert "exclude each other" in _refused(capsys, common + ["--out", other, "--trained", str(moved), "--train-only"])
    assert not os.path.exists(os.path.join(other, "unet"))


def _refused(capsys, argv):
    code = main(argv)
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1, err
    return err


def test_refusals(shipped, tmp_path, capsys):
    common = ["--models", shipped, "--out", str(tmp_path / "out"), "--config", "tiny"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "is empty" in _refused(capsys, ["--data", str(empty)] + common)
    bare = tmp_path / "bare"
    (bare / "images").mkdir(parents=True)
    (bare / "images" / "a.png").write_bytes(b"")
    assert "no COCO annotations" in _refused(capsys, ["--data", str(bare)] + common)
    unlabelled = tmp_path / "unlabelled"
    unlabelled.mkdir()
    (unlabelled / "annotations.json").write_text(json.dumps(
        {"images": [{"id": 1, "file_name": "a.png", "width": 9, "height": 9}], "annotations": [], "categories": []}))
    assert "no annotated vertebra" in _refused(capsys, ["--data", str(unlabelled)] + common)
    style_b = tmp_path / "style-b"
    style_b.mkdir()
    (style_b / "annotations.json").write_text(json.dumps({"info": {"generator": "phantom-b"}, "images": [], "annotations": []}))
    assert "held-out style" in _refused(capsys, ["--data", str(style_b)] + common)
    assert "build metadata" in _refused(capsys, ["--data", str(style_b), "--version-suffix", "site 1"] + common)
    assert "--invert-share" in _refused(capsys, ["--data", str(style_b), "--invert-share", "1.5"] + common)
    assert not os.path.exists(str(tmp_path / "out"))
