"""View head: cervical or lumbar, from the same letterboxed input as the U-Net.

Fusion takes the view from metadata, else from the reference class the Mask R-CNN finds (C2 / S1).
A film cut through both ends of its range shows neither reference nor landmark, and body shapes
alone tell a cervical from a lumbar column badly (a wrong view zeroes every label of the image).
The whole radiograph tells it at a glance: skull, mandible and airway, or ribs, pelvis and bowel
gas. This small CNN learns that from a 128-pixel view of the 512-pixel analysis frame; it ships
inside the U-Net's ONNX graph as a second output, so the U-Net stage classifies the view at no
extra decode or resize.

python3 -m vertxnet_train.view train --data DIR[,DIR] --out view.vxw [--val DIR] [--epochs N]
python3 -m vertxnet_train.view evaluate --weights view.vxw --data DIR[,DIR]
python3 -m vertxnet_train.view export --unet models/unet/weights.vxw --view view.vxw \
    --base models/unet/manifest.json --out models/unet --version X
"""
import inspect
import json
import os
import sys
from typing import List, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

VIEWS = ["cervical", "lumbar"]
SIZE = 512
MEAN, STD = 0.5, 0.25


class ViewNet(nn.Module):
    """512² normalised frame -> 4× average pool -> four conv blocks -> global average -> 2 logits."""

    def __init__(self, width: int = 16):
        super().__init__()
        chans = [1, width, 2 * width, 4 * width, 4 * width]
        blocks = []
        for cin, cout in zip(chans, chans[1:]):
            blocks += [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                       nn.MaxPool2d(2)]
        self.features = nn.Sequential(*blocks)
        self.head = nn.Linear(chans[-1], len(VIEWS))

    def forward(self, x):
        return self.classify(F.avg_pool2d(x, 4))

    def classify(self, pooled):
        """Logits from an input already pooled 4× (training keeps its images pooled)."""
        return self.head(self.features(pooled).mean(dim=(2, 3)))


class UNetViewExport(nn.Module):
    """One graph: the U-Net's foreground probability, the view's softmax and, with a level head, the
    level softmax on its grid; with a scope head, the scope softmax averaged over the film and its
    mirror (patients face either way; the head is small, so the second pass costs little)."""

    def __init__(self, unet: nn.Module, view: ViewNet, level: nn.Module = None, scope: nn.Module = None,
                 mirror: bool = False, facing: nn.Module = None):
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


def load_view_set(dirs: Sequence[str], log=print) -> Tuple[torch.Tensor, torch.Tensor]:
    """Every image with a known view, as the pipeline sees it: 512² letterbox, normalised, pooled to 128²."""
    from .coco import load_records
    records = [r for r in load_records(list(dirs), SIZE, log=log) if r.view in VIEWS]
    if not records:
        raise ValueError("no image with a cervical or lumbar view in %s" % ", ".join(dirs))
    x = torch.empty((len(records), 1, SIZE // 4, SIZE // 4))
    for i, r in enumerate(records):
        canvas = torch.from_numpy(r.canvas()).float()[None, None]
        x[i] = F.avg_pool2d((canvas / 255.0 - MEAN) / STD, 4)[0]
    y = torch.tensor([VIEWS.index(r.view) for r in records])
    return x, y


def augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Mirror (patients face either way), a little contrast and brightness, a shift of a few pixels."""
    n = x.shape[0]
    flip = torch.rand(n, generator=gen) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    gain = 1 + 0.2 * (torch.rand(n, 1, 1, 1, generator=gen) - 0.5)
    bias = 0.3 * (torch.rand(n, 1, 1, 1, generator=gen) - 0.5)
    x = x * gain + bias
    dx, dy = (int(v) for v in torch.randint(-6, 7, (2,), generator=gen))
    return torch.roll(x, shifts=(dy, dx), dims=(2, 3))


def accuracy(model: ViewNet, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    with torch.no_grad():
        pred = torch.cat([model.classify(x[i:i + 256]).argmax(1) for i in range(0, len(x), 256)])
    return float((pred == y).float().mean())


def train_view(x: torch.Tensor, y: torch.Tensor, epochs: int = 12, batch: int = 32, lr: float = 2e-3, seed: int = 1234,
               val: Tuple[torch.Tensor, torch.Tensor] = None, log=print) -> Tuple[ViewNet, dict]:
    from .fit import fit_head

    def epoch_row(model, _start):
        row = {"train_accuracy": round(accuracy(model, x, y), 4)}
        if val is not None:
            row["val_accuracy"] = round(accuracy(model, *val), 4)
        return row

    return fit_head(ViewNet, len(x), lambda model, gen, idx: F.cross_entropy(model.classify(augment(x[idx], gen)), y[idx]),
                    epochs, batch, lr, seed, epoch_row, log)


def evaluate_view(model: ViewNet, x: torch.Tensor, y: torch.Tensor, threshold: float = 0.9) -> dict:
    """Accuracy over all images, and how many the head is sure of (p >= threshold) and how often it is right there."""
    model.eval()
    with torch.no_grad():
        p = torch.cat([torch.softmax(model.classify(x[i:i + 256]), 1) for i in range(0, len(x), 256)])
    conf, pred = p.max(1)
    sure = conf >= threshold
    return {"images": len(y), "accuracy": round(float((pred == y).float().mean()), 4),
            "sure": round(float(sure.float().mean()), 4),
            "accuracy_when_sure": round(float((pred[sure] == y[sure]).float().mean()), 4) if bool(sure.any()) else None,
            "wrong_when_sure": int(((pred != y) & sure).sum()), "threshold": threshold}


def onnx_export(module: UNetViewExport, path: str) -> None:
    from .export import OPSET, example_input
    names = ["foreground", "view"] + (["level"] if module.level is not None else []) + (["scope"] if module.scope is not None else []) \
        + (["facing"] if module.facing is not None else [])
    kw = dict(opset_version=OPSET, do_constant_folding=True, input_names=["image"], output_names=names,
              dynamic_axes={n: {0: "N"} for n in ["image"] + names})
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kw["dynamo"] = False
    with torch.no_grad():
        torch.onnx.export(module, (example_input("unet", SIZE),), path, **kw)


def save_view(model: ViewNet, meta: dict, path: str) -> None:
    from .fit import save_head
    save_head(model, "view", meta, path)


def load_view(path: str) -> Tuple[ViewNet, dict]:
    from .fit import load_head
    return load_head(path, "view", ViewNet)


def _level_offsets():
    from .level import RELATIVE_LEVELS
    return RELATIVE_LEVELS


def _scope_classes():
    from .scope import CLASSES
    return CLASSES


def _facing_sides():
    from .facing import SIDES
    return SIDES


# Each optional head of the bundle: the manifest key naming its channels, those channels, and the
# meta keys its training record leaves out.
_HEAD_MANIFEST = {
    "level": ("levelOffsets", _level_offsets, ("relativeLevels",)),
    "scope": ("scopeClasses", _scope_classes, ()),
    "facing": ("facingClasses", _facing_sides, ()),
}


def _load_head(role: str, path: str):
    """(module, meta) of a head's weights file: level.vxw, scope.vxw or facing.vxw."""
    if role == "level":
        from .level import load_level
        return load_level(path)
    if role == "scope":
        from .scope import load_scope
        return load_scope(path)
    from .facing import load_facing
    return load_facing(path)


def export_with_view(unet_weights: str, view_weights: str, out: str, version: str, base_manifest: str = None,
                     data_note: str = None, log=print, level_weights: str = None, scope_weights: str = None,
                     mirror: bool = False, facing_weights: str = None) -> dict:
    """U-Net weights + view head (+ level head) -> out/model.onnx (outputs foreground, view[, level]),
    out/view.vxw[, out/level.vxw] and manifest.json. The manifest starts from `base_manifest` (the
    U-Net's own, keeping its training record and metrics)."""
    import shutil
    from .export import MAX_MB, build_manifest, checkpoint_meta, sha256_file
    from .trained import load_trained
    unet, cfg, classes = load_trained(unet_weights, "unet")
    view, meta = load_view(view_weights)
    heads = {role: _load_head(role, path) for role, path in
             (("level", level_weights), ("scope", scope_weights), ("facing", facing_weights)) if path}
    level, scope, facing = (heads[r][0] if r in heads else None for r in ("level", "scope", "facing"))
    module = UNetViewExport(unet, view, level, scope, mirror, facing).eval()
    os.makedirs(out, exist_ok=True)
    onnx_path = os.path.join(out, "model.onnx")
    onnx_export(module, onnx_path)
    import onnx
    onnx.checker.check_model(onnx.load(onnx_path))
    mb = os.path.getsize(onnx_path) / 1e6
    if mb > MAX_MB:
        raise ValueError("%s is %.1f MB, over the %.0f MB cap" % (onnx_path, mb, MAX_MB))
    if base_manifest:
        with open(base_manifest) as fh:
            manifest = json.load(fh)
        manifest.update({"version": version, "sha256": sha256_file(onnx_path)})
    else:
        manifest = build_manifest("unet", cfg, classes, sha256_file(onnx_path), version, data_note or "", True, {},
                                  checkpoint_meta(unet_weights))
    manifest["outputs"] = {"foreground": "foreground", "view": "view"}
    manifest["viewClasses"] = list(VIEWS)
    manifest["training"]["view"] = {k: v for k, v in meta.items() if k not in ("history", "model", "metrics")}
    manifest.setdefault("metrics", {})["view"] = meta.get("metrics", {})
    copies = [(view_weights, "view.vxw")]
    paths = {"level": level_weights, "scope": scope_weights, "facing": facing_weights}
    for role, (classes_key, classes, skip) in _HEAD_MANIFEST.items():
        if role in heads:
            manifest["outputs"][role] = role
            manifest[classes_key] = list(classes())
            manifest["training"][role] = {k: v for k, v in heads[role][1].items() if k not in ("history", "model", "metrics") + skip}
            manifest["metrics"][role] = heads[role][1].get("metrics", {})
            copies.append((paths[role], role + ".vxw"))
        else:
            for entry in (manifest, manifest["training"], manifest["metrics"]):
                entry.pop(classes_key if entry is manifest else role, None)
    manifest["testTimeMirror"] = bool(mirror)
    for source, name in copies:
        target = os.path.join(out, name)
        if os.path.abspath(source) != os.path.abspath(target):
            shutil.copyfile(source, target)
    with open(os.path.join(out, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=2)
        fh.write("\n")
    log("exported %s (%.1f MB) with outputs %s to %s" % (onnx_path, mb, ", ".join(manifest["outputs"]), out))
    return manifest


def main(argv: List[str] = None) -> int:
    from .fit import data_note, head_cli
    ap, sub, _, v = head_cli(__doc__, "view head (images must carry a view)", 12)
    v.add_argument("--threshold", type=float, default=0.9, help="fusion's viewThreshold")
    e = sub.add_parser("export", help="bundle a U-Net and a view head into one ONNX model folder")
    e.add_argument("--unet", required=True, help="U-Net weights (.vxw) or checkpoint")
    e.add_argument("--view", required=True, help="view head weights (.vxw) from `train`")
    e.add_argument("--level", default=None, help="level head weights (.vxw) from `vertxnet_train.level train`")
    e.add_argument("--scope", default=None, help="scope head weights (.vxw) from `vertxnet_train.scope train`")
    e.add_argument("--facing", default=None, help="facing head weights (.vxw) from `vertxnet_train.facing train`")
    e.add_argument("--mirror", action="store_true",
                   help="average the view and level heads over the frame and its mirror (test-time mirroring, in the graph)")
    e.add_argument("--out", required=True)
    e.add_argument("--version", required=True)
    e.add_argument("--base", default=None, help="the U-Net's manifest.json to start from (keeps its training record)")
    e.add_argument("--data-note", default=None, help="training.data when there is no --base")
    args = ap.parse_args(argv)
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    if args.cmd == "train":
        from .coco import refuse_held_out_style
        refuse_held_out_style(args.data.split(","))
        x, y = load_view_set(args.data.split(","))
        val = load_view_set(args.val.split(",")) if args.val else None
        model, meta = train_view(x, y, epochs=args.epochs, seed=args.seed, val=val)
        meta["data"] = data_note(args)
        meta["metrics"] = {"train_accuracy": meta["history"][-1]["train_accuracy"]}
        if val is not None:
            meta["metrics"]["val_accuracy"] = meta["history"][-1]["val_accuracy"]
            meta["metrics"]["val_images"] = len(val[0])
        save_view(model, meta, args.out)
        print("saved %s: %s" % (args.out, json.dumps(meta["metrics"])))
    elif args.cmd == "evaluate":
        model, _ = load_view(args.weights)
        print(json.dumps(evaluate_view(model, *load_view_set(args.data.split(",")), threshold=args.threshold)))
    else:
        export_with_view(args.unet, args.view, args.out, args.version, args.base, args.data_note, level_weights=args.level,
                         scope_weights=args.scope, mirror=args.mirror, facing_weights=args.facing)
    return 0


if __name__ == "__main__":
    sys.exit(main())
