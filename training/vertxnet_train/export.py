"""ONNX export and model folders: the one place that writes model.onnx, manifest.json and the head
weights beside them.

- `export`: a trained U-Net or Mask R-CNN -> ONNX (opset 11) with its manifest.json;
- `export_with_view`: a U-Net and its small heads (vertxnet_train.heads: view, level, scope, facing)
  -> one graph with one output per head, the heads' .vxw copied beside it and the manifest extended
  with each head's classes, training record and metrics.

python3 -m vertxnet_train.export --model unet|maskrcnn --checkpoint PATH --out models/<name> --version X
    --data-note "..." [--eval DIR] [--real-data]
python3 -m vertxnet_train.heads.view export ... bundles the heads (see there).
"""
import argparse
import hashlib
import inspect
import json
import os
import shutil
import sys
import time

import torch
import torch.nn as nn

from .heads.constants import (CLASSES_KEY, FACING, LEVEL, META_LEFT_OUT, META_LEFT_OUT_BY_KIND, MIRROR_KEY,
                              RELATIVE_LEVELS, SCOPE, SCOPE_CLASSES, SIDES, SIZE, VIEW, VIEWS)
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


class UNetViewExport(nn.Module):
    """One graph: the U-Net's foreground probability, the view's softmax and, with a level head, the
    level softmax on its grid; with a scope head, the scope softmax averaged over the film and its
    mirror (patients face either way; the head is small, so the second pass costs little)."""

    def __init__(self, unet: nn.Module, view: nn.Module, *, level: nn.Module = None, scope: nn.Module = None,
                 facing: nn.Module = None, mirror: bool = False):
        super().__init__()
        self.facing = facing
        self.unet = unet
        self.view = view
        self.level = level
        self.scope = scope
        self.mirror = mirror

    def forward(self, image):
        # Test-time mirroring of the heads: each is the mean over the frame and its mirror (mapped
        # back), so a film facing the other way gets the same view and level grid. The heads were
        # trained on mirrored frames as they are here (content at the right); the U-Net was not
        # (its mirroring keeps the content top-left), so it runs once.
        flipped = image.flip(3)
        view = torch.softmax(self.view(image), dim=1)
        if self.mirror:
            view = (view + torch.softmax(self.view(flipped), dim=1)) / 2
        out = (torch.sigmoid(self.unet(image)), view)
        if self.level is not None:
            level = torch.softmax(self.level(image), dim=1)
            out = out + ((level + torch.softmax(self.level(flipped), dim=1).flip(3)) / 2 if self.mirror else level,)
        if self.scope is not None:
            out = out + ((torch.softmax(self.scope(image), dim=1) + torch.softmax(self.scope(flipped), dim=1)) / 2,)
        if self.facing is not None:
            # A mirrored frame faces the other way: its answer, sides swapped, counts as a second reading.
            out = out + ((torch.softmax(self.facing(image), dim=1) + torch.softmax(self.facing(flipped), dim=1).flip(1)) / 2,)
        return out


def export_module(kind: str, model: torch.nn.Module) -> torch.nn.Module:
    return UNetExport(model).eval() if kind == "unet" else MaskRCNNExport(model).eval()


def example_input(kind: str, size: int, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    shape = (1, 1, size, size) if kind == "unet" else (1, size, size)
    return torch.rand(shape, generator=g) * 2 - 1


def onnx_export(kind: str, module: torch.nn.Module, path: str, *, size: int) -> None:
    names = list(OUTPUTS[kind].values())
    if kind == "unet":
        axes = {"image": {0: "N"}, "foreground": {0: "N"}}
    else:
        axes = {n: {0: "K"} for n in names}
    _torch_onnx_export(module, example_input(kind, size), path, names=names, axes=axes)


def _torch_onnx_export(module: torch.nn.Module, example: torch.Tensor, path: str, *, names: list, axes: dict) -> None:
    kw = dict(opset_version=OPSET, do_constant_folding=True, input_names=["image"], output_names=names, dynamic_axes=axes)
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kw["dynamo"] = False  # the TorchScript exporter, as on torch 1.13
    with torch.no_grad():
        torch.onnx.export(module, (example,), path, **kw)


def _check_size(onnx_path: str) -> float:
    """The file's size in MB, refused over the cap."""
    mb = os.path.getsize(onnx_path) / 1e6
    if mb > MAX_MB:
        raise ValueError("%s is %.1f MB, over the %.0f MB cap" % (onnx_path, mb, MAX_MB))
    return mb


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


def build_manifest(kind: str, cfg: dict, classes: list, *, sha: str, version: str, data_note: str,
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


def write_manifest(out: str, manifest: dict) -> str:
    """out/manifest.json, two-space indented with a final newline; returns its path."""
    path = os.path.join(out, "manifest.json")
    with open(path, "w") as fh:
        json.dump(manifest, fh, indent=2)
        fh.write("\n")
    return path


def export(kind: str, checkpoint: str, out: str, *, version: str, data_note: str, synthetic: bool = True,
           eval_dirs=None, log=print) -> dict:
    model, cfg, classes = load_trained(checkpoint, kind)
    module = export_module(kind, model)
    size = int(cfg["size"])
    os.makedirs(out, exist_ok=True)
    onnx_path = os.path.join(out, "model.onnx")
    onnx_export(kind, module, onnx_path, size=size)
    info = check_onnx(kind, onnx_path, size)
    check_torch_repeatable(kind, module, size)
    mb = _check_size(onnx_path)
    metrics = {}
    if eval_dirs:
        from .evaluate import evaluate_model
        metrics = evaluate_model(kind, model, cfg, classes=classes, dirs=eval_dirs, log=log)
    manifest = build_manifest(kind, cfg, classes, sha=sha256_file(onnx_path), version=version, data_note=data_note,
                              synthetic=synthetic, metrics=metrics, meta=checkpoint_meta(checkpoint))
    write_manifest(out, manifest)
    log("exported %s (%.1f MB, opset %d) and manifest.json to %s" % (onnx_path, mb, info["opset"], out))
    return manifest


# ---------------------------------------------------------------- the U-Net with its heads

HEAD_KINDS = (VIEW, LEVEL, SCOPE, FACING)  # in the graph's output order, after foreground
HEAD_CLASSES = {VIEW: VIEWS, LEVEL: RELATIVE_LEVELS, SCOPE: SCOPE_CLASSES, FACING: SIDES}


def load_heads(paths: dict) -> dict:
    """{kind: (module, meta)} for each head given a weights file in `paths` ({kind: path or None})."""
    from .heads.facing import load_facing
    from .heads.level import load_level
    from .heads.scope import load_scope
    from .heads.view import load_view
    loaders = {VIEW: load_view, LEVEL: load_level, SCOPE: load_scope, FACING: load_facing}
    return {kind: loaders[kind](paths[kind]) for kind in HEAD_KINDS if paths.get(kind)}


def bundle_module(unet: nn.Module, heads: dict, mirror: bool) -> UNetViewExport:
    """The one graph of a U-Net and its heads ({kind: (module, meta)}; the view head is required)."""
    module = {kind: heads[kind][0] if kind in heads else None for kind in HEAD_KINDS}
    return UNetViewExport(unet, module[VIEW], level=module[LEVEL], scope=module[SCOPE], facing=module[FACING],
                          mirror=mirror).eval()


def bundle_onnx_export(module: UNetViewExport, path: str) -> None:
    names = ["foreground"] + [kind for kind in HEAD_KINDS if getattr(module, kind) is not None]
    _torch_onnx_export(module, example_input("unet", SIZE), path, names=names, axes={n: {0: "N"} for n in ["image"] + names})


def add_heads_to_manifest(manifest: dict, heads: dict, mirror: bool) -> dict:
    """One output per head, after foreground; each head's classes (CLASSES_KEY), training record
    (less META_LEFT_OUT) and metrics; a head absent from the bundle leaves no trace."""
    manifest["outputs"] = {"foreground": "foreground"}
    for kind in HEAD_KINDS:
        if kind in heads:
            meta = heads[kind][1]
            left_out = META_LEFT_OUT + META_LEFT_OUT_BY_KIND.get(kind, ())
            manifest["outputs"][kind] = kind
            manifest[CLASSES_KEY[kind]] = list(HEAD_CLASSES[kind])
            manifest["training"][kind] = {k: v for k, v in meta.items() if k not in left_out}
            manifest.setdefault("metrics", {})[kind] = meta.get("metrics", {})
        else:
            for entry in (manifest, manifest["training"], manifest["metrics"]):
                entry.pop(CLASSES_KEY[kind] if entry is manifest else kind, None)
    manifest[MIRROR_KEY] = bool(mirror)
    return manifest


def export_with_view(unet_weights: str, view_weights: str, out: str, *, version: str, base_manifest: str = None,
                     data_note: str = None, level_weights: str = None, scope_weights: str = None,
                     facing_weights: str = None, mirror: bool = False, log=print) -> dict:
    """U-Net weights + view head (+ level, scope, facing heads) -> out/model.onnx (outputs foreground,
    view[, level][, scope][, facing]), out/<head>.vxw for each head and manifest.json. The manifest
    starts from `base_manifest` (the U-Net's own, keeping its training record and metrics)."""
    import onnx
    unet, cfg, classes = load_trained(unet_weights, "unet")
    paths = {VIEW: view_weights, LEVEL: level_weights, SCOPE: scope_weights, FACING: facing_weights}
    heads = load_heads(paths)
    os.makedirs(out, exist_ok=True)
    onnx_path = os.path.join(out, "model.onnx")
    bundle_onnx_export(bundle_module(unet, heads, mirror), onnx_path)
    onnx.checker.check_model(onnx.load(onnx_path))
    mb = _check_size(onnx_path)
    if base_manifest:
        with open(base_manifest) as fh:
            manifest = json.load(fh)
        manifest.update({"version": version, "sha256": sha256_file(onnx_path)})
    else:
        manifest = build_manifest("unet", cfg, classes, sha=sha256_file(onnx_path), version=version, data_note=data_note or "",
                                  synthetic=True, metrics={}, meta=checkpoint_meta(unet_weights))
    add_heads_to_manifest(manifest, heads, mirror)
    for kind in heads:
        target = os.path.join(out, kind + ".vxw")
        if os.path.abspath(paths[kind]) != os.path.abspath(target):
            shutil.copyfile(paths[kind], target)
    write_manifest(out, manifest)
    log("exported %s (%.1f MB) with outputs %s to %s" % (onnx_path, mb, ", ".join(manifest["outputs"]), out))
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
    export(args.model, args.checkpoint, args.out, version=args.version, data_note=args.data_note, synthetic=not args.real_data,
           eval_dirs=[d for d in args.eval.split(",") if d] if args.eval else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
