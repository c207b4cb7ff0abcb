"""Scope head: is this film a lateral cervical or lumbar spine radiograph at all?

A cohort folder also holds AP and PA spine films, obliques, chest films and extremities. The
models find vertebra-like shapes on most of them, and fusion would count levels on them with
confidence. This small CNN reads the same 128-pixel view of the 512-pixel analysis frame as the
view head and gives the probability that the film is out of scope; it ships inside the U-Net's
ONNX graph as another output, so the check costs no extra decode or resize.

It learns lateral films from the phantom (default and randomised film looks) and everything else
from real radiographs (the real AP films in shared/data/real-ap), so the two classes differ in
origin as well as in anatomy. The static augmentation (`film_variant`) blurs that difference:
both classes get crops to any aspect, equalisation or gamma, resampling and JPEG artefacts, and
polarity inversion, so that histogram, resolution and aspect do not tell them apart.

python3 -m vertxnet_train.heads.scope train --lateral DIR[,DIR] --other DIR[,DIR] --out scope.vxw \
    [--val-lateral DIR] [--epochs N] [--init scope.vxw --lr 1e-3]
python3 -m vertxnet_train.heads.scope evaluate --weights scope.vxw [--lateral DIR[,DIR]] [--other DIR[,DIR]] [--split test] [--sweep]
python3 -m vertxnet_train.heads.scope split --images DIR --split test --out DIR   (links one split's files, for a pipeline run)
"""
import hashlib
import io
import json
import os
import sys
from typing import List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from ..coco import read_coco, refuse_held_out_style
from ..preprocess import letterbox, load_gray
from .common import fit_head, load_head, mirrored_softmax, pool_canvas, save_head, set_threads
from .constants import BATCH, EVEN, LR, POOLED, SCOPE, SCOPE_CLASSES, SCOPE_SWEEP, SEED, SIZE
from .view import ViewNet, augment

CLASSES = SCOPE_CLASSES
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif")
# fold of a file name (sha256 of its base name, mod 10): 0 and 5 are the held-out test fifth, 1 is validation
TEST_FOLDS = (0, 5)
VAL_FOLDS = (1,)


class ScopeNet(ViewNet):
    """The view head's architecture, two logits: lateral spine film, or anything else."""

    def __init__(self, width: int = 16):
        super().__init__(width)
        self.head = torch.nn.Linear(self.head.in_features, len(CLASSES))


def fold_of(name: str) -> int:
    return int(hashlib.sha256(os.path.basename(name).encode("utf-8")).hexdigest(), 16) % 10


def split_of(name: str) -> str:
    """'test' (a fifth, never trained on), 'val' (a tenth, for the threshold) or 'train'."""
    fold = fold_of(name)
    return "test" if fold in TEST_FOLDS else "val" if fold in VAL_FOLDS else "train"


def list_images(dirs: Sequence[str], split: Optional[str] = None) -> List[str]:
    """Every image file in the folders (not recursive), optionally only those of one split."""
    files = []
    for d in dirs:
        for name in sorted(os.listdir(d)):
            if name.lower().endswith(IMAGE_EXTENSIONS) and (split is None or split_of(name) == split):
                files.append(os.path.join(d, name))
    return files


def _equalise(img: np.ndarray) -> np.ndarray:
    hist = np.bincount(img.reshape(-1), minlength=256)
    cdf = np.cumsum(hist).astype(np.float64)
    cdf = (cdf - cdf[cdf > 0][0]) / max(1.0, cdf[-1] - cdf[cdf > 0][0])
    return np.clip(cdf[img] * 255.0 + 0.5, 0, 255).astype(np.uint8)


def _crop(img: np.ndarray, rng: np.random.Generator, keep: Optional[Tuple[int, int, int, int]]) -> np.ndarray:
    """A random crop to any aspect; `keep` (x0, y0, x1, y1) stays inside it."""
    h, w = img.shape
    x0k, y0k, x1k, y1k = keep if keep is not None else (int(w * 0.35), int(h * 0.35), int(w * 0.65), int(h * 0.65))
    x0 = int(rng.integers(0, max(1, x0k + 1)))
    x1 = int(rng.integers(min(w, x1k), w + 1))
    y0 = int(rng.integers(0, max(1, y0k + 1)))
    y1 = int(rng.integers(min(h, y1k), h + 1))
    return img[y0:max(y0 + 8, y1), x0:max(x0 + 8, x1)]


def film_variant(img: np.ndarray, rng: np.random.Generator, keep=None, *, equalised_source: bool = False) -> np.ndarray:
    """One randomised variant of a canonical 8-bit film (see the module note)."""
    if rng.random() < 0.6:
        img = _crop(img, rng, keep)
    if equalised_source:
        if rng.random() < 0.5:
            img = np.clip(255.0 * (img / 255.0) ** rng.uniform(0.5, 2.0) + 0.5, 0, 255).astype(np.uint8)
    elif rng.random() < 0.45:
        img = _equalise(img)
    pil = Image.fromarray(img)
    if rng.random() < 0.5:
        long_side = int(rng.integers(180, 460))
        scale = long_side / max(pil.size)
        if scale < 1:
            small = pil.resize((max(8, round(pil.size[0] * scale)), max(8, round(pil.size[1] * scale))), Image.BILINEAR)
            pil = small.resize(pil.size, Image.BILINEAR)
    if rng.random() < 0.5:
        buf = io.BytesIO()
        pil.save(buf, format="JPEG", quality=int(rng.integers(35, 92)))
        pil = Image.open(io.BytesIO(buf.getvalue())).convert("L")
    out = np.array(pil, dtype=np.uint8)
    return 255 - out if rng.random() < 0.08 else out


def pooled(img: np.ndarray) -> torch.Tensor:
    """8-bit film -> the pipeline's 512² letterbox, normalised -> 4x average pool [1, 128, 128]."""
    canvas, _ = letterbox(img, SIZE)
    return pool_canvas(torch.from_numpy(canvas).float()[None, None])[0]


def lateral_films(dirs: Sequence[str], variants: int, rng: np.random.Generator, *, log=print) -> List[torch.Tensor]:
    """Phantom COCO folders: the film as the pipeline sees it, plus `variants` randomised copies
    that keep every labelled body in the crop."""
    out = []
    for d in dirs:
        for job in read_coco(d):
            img = load_gray(job["path"])
            keep = _bodies_box(job["anns"], img.shape)
            out.append(pooled(img))
            out.extend(pooled(film_variant(img, rng, keep)) for _ in range(variants))
    log("lateral: %d tensors from %s" % (len(out), ",".join(dirs)))
    return out


def _bodies_box(anns, shape) -> Optional[Tuple[int, int, int, int]]:
    xs, ys = [], []
    for _, seg in anns:
        for poly in seg if isinstance(seg, list) else []:
            xs.extend(poly[0::2])
            ys.extend(poly[1::2])
    if not xs:
        return None
    h, w = shape
    return (max(0, int(min(xs))), max(0, int(min(ys))), min(w, int(max(xs)) + 1), min(h, int(max(ys)) + 1))


def other_films(dirs: Sequence[str], split: Optional[str], *, variants: int, rng: np.random.Generator, log=print) -> List[torch.Tensor]:
    """Folders of films that are not lateral spine films (any image format), one split of them."""
    out = []
    files = list_images(dirs, split)
    for path in files:
        img = load_gray(path)
        out.append(pooled(img))
        out.extend(pooled(film_variant(img, rng, None, equalised_source=True)) for _ in range(variants))
    log("other: %d tensors from %d files (%s split) in %s" % (len(out), len(files), split or "every", ",".join(dirs)))
    return out


def probabilities(model: ScopeNet, x: torch.Tensor) -> torch.Tensor:
    """P(out of scope) per image, mirror-averaged as the exported graph does."""
    return mirrored_softmax(model, x)[:, 1]


def rates(model: ScopeNet, lateral: torch.Tensor, other: torch.Tensor, *, threshold: float) -> dict:
    row = {"threshold": threshold}
    if len(lateral):
        row["lateral_flagged"] = round(float((probabilities(model, lateral) >= threshold).float().mean()), 4)
        row["lateral_films"] = len(lateral)
    if len(other):
        row["other_flagged"] = round(float((probabilities(model, other) >= threshold).float().mean()), 4)
        row["other_films"] = len(other)
    return row


def train_scope(x: torch.Tensor, y: torch.Tensor, *, epochs: int, seed: int, val=None, batch: int = BATCH, lr: float = LR,
                init: Optional[str] = None, log=print) -> Tuple[ScopeNet, dict]:
    """Trains a scope head from scratch, or from `init` (a scope head's .vxw) to fine-tune it."""
    counts = torch.bincount(y, minlength=len(CLASSES)).float()
    weight = counts.sum() / (len(CLASSES) * counts.clamp(min=1))

    def epoch_row(model, _start):
        return rates(model, *val, threshold=EVEN) if val is not None else {}

    def batch_loss(model, gen, idx):
        return F.cross_entropy(model.classify(augment(x[idx], gen)), y[idx], weight=weight)

    make = (lambda: load_scope(init)[0].train()) if init else ScopeNet
    return fit_head(make, len(x), batch_loss, epochs=epochs, batch=batch, lr=lr, seed=seed, epoch_row=epoch_row, log=log)


def save_scope(model: ScopeNet, meta: dict, path: str) -> None:
    save_head(model, meta, path, kind=SCOPE)


def load_scope(path: str) -> Tuple[ScopeNet, dict]:
    return load_head(path, SCOPE, ScopeNet)


def _stack(tensors: List[torch.Tensor]) -> torch.Tensor:
    return torch.stack(tensors) if tensors else torch.empty((0, 1, POOLED, POOLED))


def main(argv: List[str] = None) -> int:
    import argparse
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train", help="train the scope head")
    t.add_argument("--lateral", required=True, help="phantom COCO folder(s) of lateral films, comma-separated")
    t.add_argument("--other", required=True, help="folder(s) of films that are not lateral spine films; their 'train' split is used")
    t.add_argument("--val-lateral", default=None, help="COCO folder(s) of lateral films for per-epoch rates")
    t.add_argument("--out", required=True)
    t.add_argument("--epochs", type=int, default=14)
    t.add_argument("--lateral-variants", type=int, default=1, help="randomised copies per lateral film")
    t.add_argument("--other-variants", type=int, default=3, help="randomised copies per other film")
    t.add_argument("--threshold", type=float, default=EVEN, help="recorded threshold (fusion's scopeThreshold)")
    t.add_argument("--data-note", default=None)
    t.add_argument("--seed", type=int, default=SEED)
    t.add_argument("--init", default=None, help="start from this scope head (.vxw), to fine-tune it")
    t.add_argument("--lr", type=float, default=LR, help="peak learning rate")
    v = sub.add_parser("evaluate", help="flag rates on lateral and other films")
    v.add_argument("--weights", required=True)
    v.add_argument("--lateral", default=None, help="COCO folder(s) of lateral films")
    v.add_argument("--other", default=None, help="folder(s) of other films")
    v.add_argument("--split", default="test", choices=["test", "val", "train", "all"], help="which split of --other")
    v.add_argument("--threshold", type=float, default=None, help="default: the one recorded in the weights")
    v.add_argument("--sweep", action="store_true", help="rates at thresholds 0.3 to 0.99, one JSON line each")
    s = sub.add_parser("split", help="link the files of one split of a folder into another (to run the pipeline on them)")
    s.add_argument("--images", required=True)
    s.add_argument("--split", default="test", choices=["test", "val", "train"])
    s.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    if args.cmd == "split":
        os.makedirs(args.out, exist_ok=True)
        files = list_images([args.images], args.split)
        for f in files:
            target = os.path.join(args.out, os.path.basename(f))
            if not os.path.lexists(target):
                os.symlink(os.path.abspath(f), target)
        print("linked %d files of the %s split into %s" % (len(files), args.split, args.out))
        return 0
    set_threads()
    rng = np.random.default_rng(getattr(args, "seed", SEED))
    if args.cmd == "train":
        refuse_held_out_style(args.lateral.split(","))
        lateral = lateral_films(args.lateral.split(","), args.lateral_variants, rng)
        other = other_films(args.other.split(","), "train", variants=args.other_variants, rng=rng)
        x = _stack(lateral + other)
        y = torch.tensor([0] * len(lateral) + [1] * len(other))
        val = None
        if args.val_lateral:
            val = (_stack(lateral_films(args.val_lateral.split(","), 0, rng)),
                   _stack(other_films(args.other.split(","), "val", variants=0, rng=rng)))
        model, meta = train_scope(x, y, epochs=args.epochs, seed=args.seed, val=val, init=args.init, lr=args.lr)
        meta.update({"init": os.path.basename(args.init)} if args.init else {})
        meta.update({"data": args.data_note or "lateral: %s; other: %s (train split)" % (args.lateral, args.other),
                     "classes": CLASSES, "threshold": args.threshold,
                     "metrics": rates(model, *val, threshold=args.threshold) if val is not None else {}})
        save_scope(model, meta, args.out)
        print("saved %s: %s" % (args.out, json.dumps(meta["metrics"])))
    else:
        model, meta = load_scope(args.weights)
        threshold = args.threshold if args.threshold is not None else float(meta.get("threshold", EVEN))
        lateral = _stack(lateral_films(args.lateral.split(","), 0, rng) if args.lateral else [])
        split = None if args.split == "all" else args.split
        other = _stack(other_films(args.other.split(","), split, variants=0, rng=rng) if args.other else [])
        for t in (SCOPE_SWEEP if args.sweep else [threshold]):
            print(json.dumps(rates(model, lateral, other, threshold=t)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
