"""Export a trained model to ONNX (opset 11) with its manifest.json.

python3 -m vertxnet_train.export --model unet|maskrcnn --checkpoint PATH --out models/<name> --version X
    --data-note "..." [--eval DIR] [--real-data]
"""
import argparse
import hashlib
import inspect
import json
import os
import sys
import time

import torch

from .models import UNetExport
from .trained import load_trained

OPSET = 11  # torchvision RoiAlign at opset >= 16 loses its coordinate mode (DESIGN.md §5)
MAX_MB = 50.0
NAMES = {"unet": "vertxnet-unet", "maskrcnn": "vertxnet-maskrcnn"}
TASKS = {"unet": "foreground-segmentation", "maskrcnn": "instance-segmentation"}
OUTPUTS = {"unet": {"foreground": "foreground"},
           "maskrcnn": {"boxes": "boxes", "labels": "labels", "scores": "scores", "masks": "masks"}}


class MaskRCNNExport(torch.nn.Module):
    """One image [1,S,S] in; boxes [K,4], labels [K], scores [K], masks [K,1,S,S] out."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, image):
        out = self.model([image])[0]
        return out["boxes"], out["labels"], out["scores"], out["masks"]


def export_module(kind: str, model: torch.nn.Module) -> torch.nn.Module:
    return UNetExport(model).eval() if kind == "unet" else MaskRCNNExport(model).eval()


def example_input(kind: str, size: int, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    shape = (1, 1, size, size) if kind == "unet" else (1, size, size)
    return torch.rand(shape, generator=g) * 2 - 1


def onnx_export(kind: str, module: torch.nn.Module, size: int, path: str) -> None:
    kw = dict(opset_version=OPSET, do_constant_folding=True, input_names=["image"],
              output_names=list(OUTPUTS[kind].values()))
    if kind == "unet":
        kw["dynamic_axes"] = {"image": {0: "N"}, "foreground": {0: "N"}}
    else:
        kw["dynamic_axes"] = {n: {0: "K"} for n in OUTPUTS[kind].values()}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kw["dynamo"] = False  # the TorchScript exporter, as on torch 1.13
    with torch.no_grad():
        torch.onnx.export(module, (example_input(kind, size),), path, **kw)


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_onnx(kind: str, path: str, size: int) -> dict:
    """onnx.checker plus the graph's names, shapes and opset against the contract."""
    import onnx
    model = onnx.load(path)
    onnx.checker.check_model(model)
    opset = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    inputs = {i.name: [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim] for i in model.graph.input}
    outputs = [o.name for o in model.graph.output]
    want_in = ["N", 1, size, size] if kind == "unet" else [1, size, size]
    if inputs.get("image") != want_in:
        raise ValueError("ONNX input image has shape %s, expected %s" % (inputs.get("image"), want_in))
    if outputs != list(OUTPUTS[kind].values()):
        raise ValueError("ONNX outputs %s, expected %s" % (outputs, list(OUTPUTS[kind].values())))
    if opset != OPSET:
        raise ValueError("ONNX opset %d, expected %d" % (opset, OPSET))
    return {"opset": opset, "inputs": inputs, "outputs": outputs}


def check_torch_repeatable(kind: str, module: torch.nn.Module, size: int) -> None:
    """Re-run torch on the export input: outputs must be finite and repeatable."""
    x = example_input(kind, size)
    with torch.no_grad():
        a, b = module(x), module(x)
    a = a if isinstance(a, tuple) else (a,)
    b = b if isinstance(b, tuple) else (b,)
    for u, v in zip(a, b):
        if u.is_floating_point() and not torch.isfinite(u).all():
            raise ValueError("non-finite torch output")
        if u.shape != v.shape or (u.numel() and (u.float() - v.float()).abs().max() > 1e-5):
            raise ValueError("torch outputs are not repeatable")


def build_manifest(kind: str, cfg: dict, classes: list, sha: str, version: str, data_note: str,
                   synthetic: bool, metrics: dict, meta: dict) -> dict:
    train_cfg = {k: cfg[k] for k in ("name", "size", "batch", "lr", "iters", "classes", "unet_base", "unet_depth",
                                     "fpn_channels", "trunk_layers", "box_head", "mask_convs", "detections",
                                     "aug_strength", "seed") if k in cfg}
    train_cfg.update({k: meta[k] for k in ("steps", "train_seconds") if k in meta})
    return {
        "name": NAMES[kind],
        "version": version,
        "task": TASKS[kind],
        "file": "model.onnx",
        "sha256": sha,
        "input": {"name": "image", "size": int(cfg["size"]), "channels": 1, "mean": float(cfg["mean"]),
                  "std": float(cfg["std"]), "dynamicBatch": kind == "unet"},
        "outputs": dict(OUTPUTS[kind]),
        "classes": list(classes),
        "training": {"data": data_note, "synthetic": bool(synthetic), "config": train_cfg,
                     "framework": "torch %s" % meta.get("framework_version", torch.__version__),
                     "date": meta.get("date") or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
        "metrics": metrics,
    }


def checkpoint_meta(path: str) -> dict:
    from .weights import is_weights_path, load_weights, torch_load
    if os.path.isdir(path):
        path = os.path.join(path, "checkpoint.pt")
    if is_weights_path(path):
        _, meta = load_weights(path)
        fw = str(meta.get("framework", "")).replace("torch ", "")
        return {"steps": meta.get("step"), "date": meta.get("date"), "framework_version": fw or torch.__version__}
    ck = torch_load(path)
    return {"steps": ck["state"]["step"], "train_seconds": round(ck["state"]["elapsed"], 1)}


def export(kind: str, checkpoint: str, out: str, version: str, data_note: str, synthetic: bool = True,
           eval_dirs=None, log=print) -> dict:
    model, cfg, classes = load_trained(checkpoint, kind)
    module = export_module(kind, model)
    size = int(cfg["size"])
    os.makedirs(out, exist_ok=True)
    onnx_path = os.path.join(out, "model.onnx")
    onnx_export(kind, module, size, onnx_path)
    info = check_onnx(kind, onnx_path, size)
    check_torch_repeatable(kind, module, size)
    mb = os.path.getsize(onnx_path) / 1e6
    if mb > MAX_MB:
        raise ValueError("%s is %.1f MB, over the %.0f MB cap" % (onnx_path, mb, MAX_MB))
    metrics = {}
    if eval_dirs:
        from .evaluate import evaluate_model
        metrics = evaluate_model(kind, model, cfg, classes, eval_dirs, log=log)
    manifest = build_manifest(kind, cfg, classes, sha256_file(onnx_path), version, data_note, synthetic, metrics,
                              checkpoint_meta(checkpoint))
    with open(os.path.join(out, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=2)
        fh.write("\n")
    log("exported %s (%.1f MB, opset %d) and manifest.json to %s" % (onnx_path, mb, info["opset"], out))
    return manifest


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, choices=["unet", "maskrcnn"])
    ap.add_argument("--checkpoint", required=True, help="checkpoint.pt, a run folder, or NAME.vxw (parts)")
    ap.add_argument("--out", required=True, help="model folder, e.g. models/vertxnet-unet")
    ap.add_argument("--version", required=True)
    ap.add_argument("--data-note", required=True, help="what the model was trained on (manifest training.data)")
    ap.add_argument("--real-data", action="store_true", help="trained on real images (training.synthetic false)")
    ap.add_argument("--eval", default=None, help="held-out COCO folder(s), comma-separated: metrics in the manifest")
    args = ap.parse_args(argv)
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    export(args.model, args.checkpoint, args.out, args.version, args.data_note, not args.real_data,
           [d for d in args.eval.split(",") if d] if args.eval else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
