"""Level head: which level each vertebral body is, from the whole film.

Without the reference vertebra (C2 / S1) in view, fusion decodes the levels from body shapes and
the Mask R-CNN's far-end landmark marks (packages/fusion/src/anchor.ts). Shapes are close from one
level to the next and the landmark class marks T1 and its thoracic neighbours alike, so a cervical
film cut through C2 is often placed a level off. The film itself says more: the mandible, hyoid
and airway beside the upper cervical bodies, the long spinous processes from C7 down, the
shoulders over the cervicothoracic junction; the ribs, iliac crests and sacrum on a lumbar film.

This small encoder-decoder reads the same 128-pixel view of the analysis frame as the view head
and gives, on a 32 x 32 grid over the frame, the probability of each level relative to the view's
first labelled level (C2 on a cervical film, T12 on a lumbar one), from RELATIVE_LEVELS[0] (three
above it) to RELATIVE_LEVELS[-1]. Training supervises only pixels inside a body (labelled or not:
the phantom's ignore regions name their level too). It ships inside the U-Net's ONNX graph as a
third output, `level` [N, len(RELATIVE_LEVELS), 32, 32]; fusion averages it over each body.

python3 -m vertxnet_train.heads.level train --data DIR[,DIR] --out level.vxw [--val DIR] [--epochs 24] [--process]
    [--init level.vxw --lr 1e-3]
python3 -m vertxnet_train.heads.level evaluate --weights level.vxw --data DIR[,DIR]
"""
import json
import os
import sys
import time
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ..coco import load_records, refuse_held_out_style
from .common import data_note, fit_head, head_cli, load_head, mirror_and_light, pool_canvas, random_shift, save_head, set_threads
from .constants import BATCH, LEVEL, POOL, POOLED, RELATIVE_LEVELS, SEED, SIZE
from .processing import randomise_processing

# Each view's levels in order, index 0 = the first labelled level (VIEW_LEVELS[view][0]).
EXTENDED = {
    "cervical": {lvl: i - 1 for i, lvl in enumerate(["C1", "C2", "C3", "C4", "C5", "C6", "C7", "T1", "T2", "T3", "T4", "T5", "T6"])},
    "lumbar": {lvl: i - 3 for i, lvl in enumerate(["T9", "T10", "T11", "T12", "L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3", "S4"])},
}
IGNORE = -100  # cross_entropy's ignore_index: pixels outside bodies, levels out of range


def relative_level(view: str, level: str) -> Optional[int]:
    r = EXTENDED.get(view, {}).get(level)
    return r if r is not None and RELATIVE_LEVELS[0] <= r <= RELATIVE_LEVELS[-1] else None


def block(cin: int, cout: int, dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=dilation, dilation=dilation, bias=False), nn.BatchNorm2d(cout),
                         nn.ReLU(inplace=True))


class LevelNet(nn.Module):
    """128² pooled frame -> encoder to 8² (dilated convs and a global context) -> decoder to 32² -> level logits."""

    def __init__(self, width: int = 16):
        super().__init__()
        w = width
        self.e1, self.e2, self.e3, self.e4 = block(1, w), block(w, 2 * w), block(2 * w, 3 * w), block(3 * w, 4 * w)
        self.context = nn.Sequential(block(4 * w, 4 * w, 2), block(4 * w, 4 * w, 2))
        self.mix = nn.Sequential(nn.Conv2d(8 * w, 4 * w, 1, bias=False), nn.BatchNorm2d(4 * w), nn.ReLU(inplace=True))
        self.d16 = block(8 * w, 4 * w)
        self.d32 = block(7 * w, 2 * w)
        self.head = nn.Conv2d(2 * w, len(RELATIVE_LEVELS), 1)

    def forward(self, x):
        """Logits on the 32² grid from a full 512² normalised frame."""
        return self.logits(F.avg_pool2d(x, POOL))

    def logits(self, pooled):
        f1 = self.e1(pooled)
        f2 = self.e2(F.max_pool2d(f1, 2))
        f3 = self.e3(F.max_pool2d(f2, 2))    # 32²
        f4 = self.e4(F.max_pool2d(f3, 2))    # 16²
        c = self.context(F.max_pool2d(f4, 2))  # 8²
        c = self.mix(torch.cat([c, c.mean(dim=(2, 3), keepdim=True).expand_as(c)], 1))
        u = self.d16(torch.cat([F.interpolate(c, scale_factor=2.0, mode="nearest"), f4], 1))
        u = self.d32(torch.cat([F.interpolate(u, scale_factor=2.0, mode="nearest"), f3], 1))
        return self.head(u)


def targets_for(record, size: int = SIZE) -> np.ndarray:
    """Relative level index per pixel of the pooled frame (IGNORE outside bodies and on unknown levels)."""
    full = np.full((size, size), IGNORE, np.int64)
    for inst in list(record.ignores) + list(record.instances):
        r = relative_level(record.view, inst.level)
        h, w = inst.mask.shape
        region = full[inst.y0: inst.y0 + h, inst.x0: inst.x0 + w]
        region[inst.mask > 0] = IGNORE if r is None else r - RELATIVE_LEVELS[0]
    half = POOL // 2
    return full[half::POOL, half::POOL]


def load_level_set(dirs: Sequence[str], log=print) -> Tuple[torch.Tensor, torch.Tensor, List[str]]:
    """Pooled frames [N,1,128,128], per-pixel targets [N,128,128] and each image's view."""
    records = [r for r in load_records(list(dirs), SIZE, workers=min(2, os.cpu_count() or 1), log=log) if r.view in EXTENDED]
    if not records:
        raise ValueError("no image with a cervical or lumbar view in %s" % ", ".join(dirs))
    n = len(records)
    x = torch.empty((n, 1, POOLED, POOLED))
    y = torch.empty((n, POOLED, POOLED), dtype=torch.long)
    for i, r in enumerate(records):
        x[i] = pool_canvas(torch.from_numpy(r.canvas()).float()[None, None])[0]
        y[i] = torch.from_numpy(targets_for(r))
    return x, y, [r.view for r in records]


def augment(x: torch.Tensor, y: torch.Tensor, gen: torch.Generator, *,
            invert_share: float = 0.0, process: bool = False) -> Tuple[torch.Tensor, torch.Tensor]:
    """Mirror, contrast and brightness (and polarity, see mirror_and_light), and a shift of a few
    pixels applied to image and target alike; with `process`, first the film's CR/DR processing
    (processing.py, which moves no pixel; no draw without it, so older runs replay exactly)."""
    if process:
        x = randomise_processing(x, gen)
    x, flip = mirror_and_light(x, gen, invert_share)
    y = torch.where(flip[:, None, None], y.flip(2), y)
    shift = random_shift(gen)
    return torch.roll(x, shifts=shift, dims=(2, 3)), torch.roll(y, shifts=shift, dims=(1, 2))


def pixel_logits(model: LevelNet, pooled: torch.Tensor) -> torch.Tensor:
    """Grid logits brought up to the pooled frame, where the targets are."""
    return F.interpolate(model.logits(pooled), size=pooled.shape[-2:], mode="bilinear", align_corners=False)


def body_accuracy(model: LevelNet, x: torch.Tensor, y: torch.Tensor) -> Dict[str, float]:
    """Share of supervised pixels and of bodies (pixel-averaged probabilities per image and level) called right."""
    model.eval()
    right_px = total_px = right_body = bodies = 0
    with torch.no_grad():
        for i in range(0, len(x), 128):
            p = torch.softmax(pixel_logits(model, x[i:i + 128]), 1)
            t = y[i:i + 128]
            known = t != IGNORE
            right_px += int(((p.argmax(1) == t) & known).sum())
            total_px += int(known.sum())
            for j in range(len(t)):
                for c in torch.unique(t[j][known[j]]).tolist():
                    where = t[j] == c
                    right_body += int(int(p[j][:, where].mean(1).argmax()) == c)
                    bodies += 1
    return {"pixel_accuracy": round(right_px / max(1, total_px), 4), "body_accuracy": round(right_body / max(1, bodies), 4),
            "bodies": bodies}


def train_level(x: torch.Tensor, y: torch.Tensor, *, epochs: int = 24, batch: int = BATCH, lr: float = 3e-3, seed: int = SEED,
                val: Tuple[torch.Tensor, torch.Tensor] = None, init: Optional[str] = None, invert_share: float = 0.0,
                process: bool = False, log=print) -> Tuple[LevelNet, dict]:
    """Trains a level head from scratch, or from `init` (a level head's .vxw) to fine-tune it."""
    make = (lambda: load_level(init)[0].train()) if init else LevelNet

    def batch_loss(model, gen, idx):
        xb, yb = augment(x[idx], y[idx], gen, invert_share=invert_share, process=process)
        return F.cross_entropy(pixel_logits(model, xb), yb, ignore_index=IGNORE)

    def epoch_row(model, start):
        row = {"seconds": round(time.time() - start, 1)}
        if val is not None:
            row.update({"val_" + k: v for k, v in body_accuracy(model, *val).items() if k != "bodies"})
        return row

    return fit_head(make, len(x), batch_loss, epochs=epochs, batch=batch, lr=lr, seed=seed, epoch_row=epoch_row, log=log)


def save_level(model: LevelNet, meta: dict, path: str) -> None:
    save_head(model, {"relativeLevels": RELATIVE_LEVELS, **meta}, path, kind=LEVEL)


def load_level(path: str) -> Tuple[LevelNet, dict]:
    return load_head(path, LEVEL, LevelNet)


def main(argv: List[str] = None) -> int:
    ap, _, t, _ = head_cli(__doc__, "level head (pixel and body accuracy)", 24)
    t.add_argument("--init", default=None, help="start from this level head (.vxw), to fine-tune it")
    t.add_argument("--lr", type=float, default=None, help="peak learning rate (default 3e-3)")
    t.add_argument("--invert-share", type=float, default=0.0, help="share of films shown with inverted polarity")
    t.add_argument("--process", action="store_true",
                   help="randomise each training film's CR/DR processing: detail gain, tone curve, range (heads/processing.py)")
    args = ap.parse_args(argv)
    set_threads()
    if args.cmd == "train":
        refuse_held_out_style(args.data.split(","))
        x, y, _ = load_level_set(args.data.split(","))
        val = load_level_set(args.val.split(","))[:2] if args.val else None
        lr = {"lr": args.lr} if args.lr else {}
        model, meta = train_level(x, y, epochs=args.epochs, seed=args.seed, val=val, init=args.init,
                                  invert_share=args.invert_share, process=args.process, **lr)
        meta["data"] = data_note(args)
        if args.init:
            meta["init"] = os.path.basename(args.init)
        if args.invert_share:
            meta["invert_share"] = args.invert_share
        if args.process:
            meta["process"] = True
        meta["metrics"] = {k: v for k, v in meta["history"][-1].items() if k.startswith("val_")}
        if val is not None:
            meta["metrics"]["val_images"] = len(val[0])
        save_level(model, meta, args.out)
        print("saved %s: %s" % (args.out, json.dumps(meta["metrics"])))
    else:
        model, _ = load_level(args.weights)
        x, y, _ = load_level_set(args.data.split(","))
        print(json.dumps(body_accuracy(model, x, y)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
