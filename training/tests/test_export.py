import json
import os
import re
import shutil
import subprocess

import numpy as np
import onnx

from vertxnet_train.evaluate import evaluate_maskrcnn, greedy_match, iou_matrix
from vertxnet_train.export import export, sha256_file
from vertxnet_train.parity import dump

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCHEMA_JS = os.path.join(REPO, "packages", "core", "dist", "model-manifest.js")


def check_manifest(model_dir, kind):
    m = json.load(open(os.path.join(model_dir, "manifest.json")))
    assert set(m) == {"name", "version", "task", "file", "sha256", "input", "outputs", "classes", "training",
                      "metrics"}
    assert re.fullmatch(r"[0-9a-f]{64}", m["sha256"]) and m["sha256"] == sha256_file(os.path.join(model_dir, "model.onnx"))
    assert m["input"]["channels"] == 1 and m["input"]["std"] > 0 and m["input"]["name"] == "image"
    assert m["input"]["dynamicBatch"] is (kind == "unet")
    assert isinstance(m["training"]["synthetic"], bool) and m["training"]["framework"].startswith("torch ")
    check_manifest_schema(os.path.join(model_dir, "manifest.json"))
    return m


def check_manifest_schema(path):
    """The real zod contract (packages/core/src/model-manifest.ts), when the TypeScript side is built."""
    if shutil.which("node") and os.path.isfile(SCHEMA_JS):
        js = ("import { ModelManifestSchema } from %s; import fs from 'node:fs';"
              "ModelManifestSchema.parse(JSON.parse(fs.readFileSync(%s, 'utf8')));") % (
            json.dumps("file://" + SCHEMA_JS), json.dumps(path))
        r = subprocess.run(["node", "--input-type=module", "-e", js], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr


def test_export_unet(unet_run, dataset, tmp_path):
    run, _ = unet_run
    out = str(tmp_path / "vertxnet-unet")
    export("unet", run, out, version="0.0.1-test", data_note="synthetic test data", synthetic=True, eval_dirs=[dataset],
           log=lambda *_: None)
    m = check_manifest(out, "unet")
    assert m["name"] == "vertxnet-unet" and m["task"] == "foreground-segmentation"
    assert m["outputs"] == {"foreground": "foreground"} and m["classes"] == ["background", "vertebral-body"]
    assert 0 <= m["metrics"]["foregroundDice"] <= 1
    g = onnx.load(os.path.join(out, "model.onnx")).graph
    assert g.input[0].type.tensor_type.shape.dim[0].dim_param == "N"
    # parity dump
    par = dump(out, run, str(tmp_path / "parity"))
    fg = par["outputs"]["foreground"]
    assert fg["shape"] == [1, 1, 128, 128]
    raw = np.fromfile(str(tmp_path / "parity" / fg["file"]), dtype="<f4")
    assert raw.size == 128 * 128 and 0 <= raw.min() and raw.max() <= 1
    assert os.path.getsize(str(tmp_path / "parity" / "input.f32")) == 4 * 128 * 128
    assert json.load(open(tmp_path / "parity" / "parity.json"))["meta"]["sha256"] == m["sha256"]


def test_export_maskrcnn_from_weights(maskrcnn_run, tmp_path):
    run, _ = maskrcnn_run
    out = str(tmp_path / "vertxnet-maskrcnn")
    export("maskrcnn", os.path.join(run, "maskrcnn.vxw"), out, version="0.0.1-test", data_note="synthetic", synthetic=True,
           log=lambda *_: None)
    m = check_manifest(out, "maskrcnn")
    assert m["outputs"] == {"boxes": "boxes", "labels": "labels", "scores": "scores", "masks": "masks"}
    assert m["classes"] == ["background", "vertebra", "C2", "S1"]
    assert os.path.getsize(os.path.join(out, "model.onnx")) < 50e6
    par = dump(out, os.path.join(run, "maskrcnn.vxw"), str(tmp_path / "parity"))
    k = par["outputs"]["boxes"]["shape"][0]
    assert par["outputs"]["masks"]["shape"] == [k, 1, 128, 128] and par["outputs"]["labels"]["dtype"] == "int64"
    assert par["input"]["shape"] == [1, 128, 128]


def test_matching():
    a = np.zeros((2, 10, 10), bool)
    b = np.zeros((3, 10, 10), bool)
    a[0, :5], a[1, 5:] = True, True
    b[0, :5], b[1, 6:], b[2, :, :2] = True, True, True
    iou = iou_matrix(a, b)
    assert iou[0, 0] == 1.0 and abs(iou[1, 1] - 0.8) < 1e-6
    assert greedy_match(iou) == [(0, 0), (1, 1)]


def test_evaluate_perfect_detections(synthetic):
    import torch
    from vertxnet_train.coco import load_records
    recs = load_records([synthetic], 128)
    classes = ["background", "vertebra", "C2", "S1"]

    class Oracle:
        """Returns each record's ground truth, in order."""

        def __init__(self):
            self.i = 0

        def __call__(self, images):
            rec = recs[self.i]
            self.i += 1
            masks = torch.stack([torch.from_numpy(inst.full(128)).float() for inst in rec.instances])[:, None]
            labels = torch.tensor([classes.index(i.level) if i.level in classes else 1 for i in rec.instances])
            return [{"masks": masks, "labels": labels, "scores": torch.ones(len(labels)),
                     "boxes": torch.zeros(len(labels), 4)}]

    m = evaluate_maskrcnn(Oracle(), {"mean": 0.5, "std": 0.25}, classes, records=recs, device=torch.device("cpu"))
    assert m["recall"] == 1 and m["precision"] == 1 and m["matchedDice"] == 1
    assert m["referenceFoundRate"] == 1 and m["referenceImages"] == 6 and m["falseReferenceRate"] == 0
