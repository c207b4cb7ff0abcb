"""View head: cervical or lumbar, from the same letterboxed input as the U-Net.

Fusion takes the view from metadata, else from the reference class the Mask R-CNN finds (C2 / S1).
A film cut through both ends of its range shows neither reference nor landmark, and body shapes
alone tell a cervical from a lumbar column badly (a wrong view zeroes every label of the image).
The whole radiograph tells it at a glance: skull, mandible and airway, or ribs, pelvis and bowel
gas. This small CNN learns that from a 128-pixel view of the 512-pixel analysis frame; it ships
inside the U-Net's ONNX graph as a second output, so the U-Net stage classifies the view at no
extra decode or resize.

python3 -m vertxnet_train.heads.view train --data DIR[,DIR] --out view.vxw [--val DIR] [--epochs N] [--randomise] [--process]
    [--input bodies [--foreground CACHE[,CACHE]]]
python3 -m vertxnet_train.heads.view evaluate --weights view.vxw --data DIR[,DIR] [--input bodies [--foreground CACHE]]
python3 -m vertxnet_train.heads.view export --unet models/unet/weights.vxw --view view.vxw \
    --base models/unet/manifest.json --out models/unet --version X
"""
import json
import sys
from typing import List, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..coco import load_records, refuse_held_out_style
from .common import data_note, fit_head, head_cli, load_head, mirror_and_light, pool_canvas, random_shift, save_head, set_threads
from .constants import BATCH, INFER_BATCH, LR, POOL, POOLED, SEED, SIZE, SURE, VIEW, VIEWS
from .bodies import augment_bodies, load_body_set, load_foreground_sets
from .processing import randomise_processing
from .randomise import randomise_scale_and_look


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
        return self.classify(F.avg_pool2d(x, POOL))

    def classify(self, pooled):
        """Logits from an input already pooled 4× (training keeps its images pooled)."""
        return self.head(self.features(pooled).mean(dim=(2, 3)))


def load_view_set(dirs: Sequence[str], log=print) -> Tuple[torch.Tensor, torch.Tensor]:
    """Every image with a known view, as the pipeline sees it: 512² letterbox, normalised, pooled to 128²."""
    records = [r for r in load_records(list(dirs), SIZE, log=log) if r.view in VIEWS]
    if not records:
        raise ValueError("no image with a cervical or lumbar view in %s" % ", ".join(dirs))
    x = torch.empty((len(records), 1, POOLED, POOLED))
    for i, r in enumerate(records):
        x[i] = pool_canvas(torch.from_numpy(r.canvas()).float()[None, None])[0]
    y = torch.tensor([VIEWS.index(r.view) for r in records])
    return x, y


def augment(x: torch.Tensor, gen: torch.Generator, *, randomise: bool = False, process: bool = False) -> torch.Tensor:
    """Mirror (patients face either way), a little contrast and brightness, a shift of a few pixels;
    with `randomise`, first each film's scale and look (randomise.py), with `process` its CR/DR
    processing (processing.py); no draw without them, so older runs replay exactly."""
    if randomise:
        x = randomise_scale_and_look(x, gen)
    if process:
        x = randomise_processing(x, gen)
    x, _ = mirror_and_light(x, gen)
    return torch.roll(x, shifts=random_shift(gen), dims=(2, 3))


def accuracy(model: ViewNet, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    with torch.no_grad():
        pred = torch.cat([model.classify(x[i:i + INFER_BATCH]).argmax(1) for i in range(0, len(x), INFER_BATCH)])
    return float((pred == y).float().mean())


def train_view(x: torch.Tensor, y: torch.Tensor, *, epochs: int = 12, batch: int = BATCH, lr: float = LR, seed: int = SEED,
               val: Tuple[torch.Tensor, torch.Tensor] = None, randomise: bool = False, process: bool = False,
               bodies: bool = False, log=print) -> Tuple[ViewNet, dict]:
    """A view head on pooled films, or with `bodies` on body masks (bodies.py)."""

    def epoch_row(model, _start):
        row = {"train_accuracy": round(accuracy(model, x, y), 4)}
        if val is not None:
            row["val_accuracy"] = round(accuracy(model, *val), 4)
        return row

    def batch_loss(model, gen, idx):
        xb = augment_bodies(x[idx], gen) if bodies else augment(x[idx], gen, randomise=randomise, process=process)
        return F.cross_entropy(model.classify(xb), y[idx])

    model, meta = fit_head(ViewNet, len(x), batch_loss, epochs=epochs, batch=batch, lr=lr, seed=seed, epoch_row=epoch_row, log=log)
    flags = {"randomise": randomise, "process": process}
    return model, {**meta, **{k: True for k, on in flags.items() if on}, **({"input": "bodies"} if bodies else {})}


def evaluate_view(model: ViewNet, x: torch.Tensor, y: torch.Tensor, *, threshold: float = SURE) -> dict:
    """Accuracy over all images, and how many the head is sure of (p >= threshold) and how often it is right there."""
    model.eval()
    with torch.no_grad():
        p = torch.cat([torch.softmax(model.classify(x[i:i + INFER_BATCH]), 1) for i in range(0, len(x), INFER_BATCH)])
    conf, pred = p.max(1)
    sure = conf >= threshold
    return {"images": len(y), "accuracy": round(float((pred == y).float().mean()), 4),
            "sure": round(float(sure.float().mean()), 4),
            "accuracy_when_sure": round(float((pred[sure] == y[sure]).float().mean()), 4) if bool(sure.any()) else None,
            "wrong_when_sure": int(((pred != y) & sure).sum()), "threshold": threshold}


def save_view(model: ViewNet, meta: dict, path: str) -> None:
    save_head(model, meta, path, kind=VIEW)


def load_view(path: str) -> Tuple[ViewNet, dict]:
    return load_head(path, VIEW, ViewNet)


def main(argv: List[str] = None) -> int:
    ap, sub, t, v = head_cli(__doc__, "view head (images must carry a view)", 12)
    v.add_argument("--threshold", type=float, default=SURE, help="fusion's viewThreshold")
    for p in (t, v):
        p.add_argument("--input", choices=("film", "bodies"), default="film",
                       help="what the head reads: the film, or its ground-truth body masks (heads/bodies.py)")
    for p in (t, v):
        p.add_argument("--foreground", default=None,
                       help="with --input bodies: the U-Net's stored foreground from these caches (one per --data folder) instead")
    t.add_argument("--randomise", action="store_true",
                   help="randomise each training film's scale, gamma, blur and noise (heads/randomise.py)")
    t.add_argument("--process", action="store_true",
                   help="randomise each training film's CR/DR processing: detail gain, tone curve, range (heads/processing.py)")
    e = sub.add_parser("export", help="bundle a U-Net and a view head into one ONNX model folder")
    e.add_argument("--unet", required=True, help="U-Net weights (.vxw) or checkpoint")
    e.add_argument("--view", required=True, help="view head weights (.vxw) from `train`")
    e.add_argument("--level", default=None, help="level head weights (.vxw) from `vertxnet_train.heads.level train`")
    e.add_argument("--scope", default=None, help="scope head weights (.vxw) from `vertxnet_train.heads.scope train`")
    e.add_argument("--facing", default=None, help="facing head weights (.vxw) from `vertxnet_train.heads.facing train`")
    e.add_argument("--mirror", action="store_true",
                   help="average the view and level heads over the frame and its mirror (test-time mirroring, in the graph)")
    e.add_argument("--out", required=True)
    e.add_argument("--version", required=True)
    e.add_argument("--base", default=None, help="the U-Net's manifest.json to start from (keeps its training record)")
    e.add_argument("--data-note", default=None, help="training.data when there is no --base")
    args = ap.parse_args(argv)
    set_threads()
    if args.cmd == "train":
        refuse_held_out_style(args.data.split(","))
        bodies = args.input == "bodies"
        if args.foreground and not bodies:
            ap.error("--foreground is for a head that reads bodies (--input bodies)")
        load = load_body_set if bodies else load_view_set
        x, y = load_foreground_sets(args.foreground.split(","), args.data.split(",")) if args.foreground else load(args.data.split(","))
        val = load(args.val.split(",")) if args.val else None
        model, meta = train_view(x, y, epochs=args.epochs, seed=args.seed, val=val, randomise=args.randomise,
                                 process=args.process, bodies=bodies)
        meta["data"] = data_note(args)
        if args.foreground:
            meta["bodies_from"] = "U-Net foreground"
        meta["metrics"] = {"train_accuracy": meta["history"][-1]["train_accuracy"]}
        if val is not None:
            meta["metrics"]["val_accuracy"] = meta["history"][-1]["val_accuracy"]
            meta["metrics"]["val_images"] = len(val[0])
        save_view(model, meta, args.out)
        print("saved %s: %s" % (args.out, json.dumps(meta["metrics"])))
    elif args.cmd == "evaluate":
        model, meta = load_view(args.weights)
        if meta.get("input", "film") != args.input:
            ap.error("%s reads %s; evaluate it with --input %s" % (args.weights, meta.get("input", "film"), meta.get("input", "film")))
        if args.foreground and args.input != "bodies":
            ap.error("--foreground is for a head that reads bodies (--input bodies)")
        if args.foreground:
            data = load_foreground_sets(args.foreground.split(","), args.data.split(","))
        else:
            data = (load_body_set if args.input == "bodies" else load_view_set)(args.data.split(","))
        print(json.dumps(evaluate_view(model, *data, threshold=args.threshold)))
    else:
        if load_view(args.view)[1].get("input") == "bodies":
            ap.error("%s reads body masks, not the film: it cannot ship inside the U-Net's graph" % args.view)
        from ..export import export_with_view
        export_with_view(args.unet, args.view, args.out, version=args.version, base_manifest=args.base, data_note=args.data_note,
                         level_weights=args.level, scope_weights=args.scope, facing_weights=args.facing, mirror=args.mirror)
    return 0


if __name__ == "__main__":
    sys.exit(main())
