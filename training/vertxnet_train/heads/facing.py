"""Facing head: which way does the patient face on this lateral film?

Lateral films are hung facing either way. The anterior side decides every measurement that has a
front and a back (wedge ratio, endplate angles, lordosis), and fusion used to guess it from the
curve of the spine, which a straight spine does not show. The whole film shows it: the vertebral
bodies in front, the posterior elements and spinous processes behind, the airway and mandible or
the bowel in front. This small CNN reads the same 128-pixel view of the analysis frame as the view
head; the exported graph averages it with its mirror image (classes swapped), so a mirrored film
gets exactly the mirrored answer.

python3 -m vertxnet_train.heads.facing train --data DIR[,DIR] --out facing.vxw [--val DIR] [--epochs N]
python3 -m vertxnet_train.heads.facing evaluate --weights facing.vxw --data DIR[,DIR]
"""
import json
import sys
from typing import List, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from ..coco import find_annotation_file, read_coco, refuse_held_out_style
from ..preprocess import load_gray
from .common import data_note, fit_head, head_cli, load_head, mirror_and_light, mirrored_softmax, save_head, set_threads
from .constants import BATCH, EVEN, FACING, LR, SEED, SIDES, SURE
from .scope import _bodies_box, film_variant, pooled
from .view import ViewNet


class FacingNet(ViewNet):
    """The view head's architecture, two logits: facing left, facing right."""

    def __init__(self, width: int = 16):
        super().__init__(width)
        self.head = torch.nn.Linear(self.head.in_features, len(SIDES))


def load_facing_set(dirs: Sequence[str], variants: int, rng: np.random.Generator, *, log=print) -> Tuple[torch.Tensor, torch.Tensor]:
    """Every phantom film with its `facing`, as the pipeline sees it, plus randomised copies."""
    xs, ys = [], []
    for d in dirs:
        facing = _facing_by_file(d)
        for job in read_coco(d):
            side = facing.get(job["file"])
            if side not in SIDES:
                continue
            img = load_gray(job["path"])
            keep = _bodies_box(job["anns"], img.shape)
            for tensor in [pooled(img)] + [pooled(film_variant(img, rng, keep)) for _ in range(variants)]:
                xs.append(tensor)
                ys.append(SIDES.index(side))
    if not xs:
        raise ValueError("no film with a facing side in %s" % ", ".join(dirs))
    log("facing: %d tensors from %s" % (len(xs), ",".join(dirs)))
    return torch.stack(xs), torch.tensor(ys)


def _facing_by_file(path: str) -> dict:
    with open(find_annotation_file(path)) as fh:
        return {img["file_name"]: img.get("facing") for img in json.load(fh).get("images", [])}


def probabilities(model: FacingNet, x: torch.Tensor) -> torch.Tensor:
    """P(left, right) per film, averaged with the mirror's swapped answer as the exported graph does."""
    return mirrored_softmax(model, x, swap=True)


def accuracy(model: FacingNet, x: torch.Tensor, y: torch.Tensor, *, threshold: float = EVEN) -> dict:
    p = probabilities(model, x)
    conf, pred = p.max(1)
    sure = conf >= threshold
    return {"accuracy": round(float((pred == y).float().mean()), 4), "sure": round(float(sure.float().mean()), 4),
            "wrong_when_sure": int(((pred != y) & sure).sum()), "threshold": threshold, "films": len(y)}


def _augment(x: torch.Tensor, y: torch.Tensor, gen: torch.Generator) -> Tuple[torch.Tensor, torch.Tensor]:
    """A mirrored film faces the other way: flip half the batch and swap their labels."""
    x, flip = mirror_and_light(x, gen)
    return x, torch.where(flip, 1 - y, y)


def train_facing(x, y, *, epochs: int, seed: int, val=None, batch: int = BATCH, lr: float = LR, log=print):

    def batch_loss(model, gen, idx):
        xb, yb = _augment(x[idx], y[idx], gen)
        return F.cross_entropy(model.classify(xb), yb)

    def epoch_row(model, _start):
        return {"val_" + k: v for k, v in accuracy(model, *val).items()} if val is not None else {}

    return fit_head(FacingNet, len(x), batch_loss, epochs=epochs, batch=batch, lr=lr, seed=seed, epoch_row=epoch_row, log=log)


def save_facing(model: FacingNet, meta: dict, path: str) -> None:
    save_head(model, meta, path, kind=FACING)


def load_facing(path: str) -> Tuple[FacingNet, dict]:
    return load_head(path, FACING, FacingNet)


def main(argv: List[str] = None) -> int:
    ap, _, t, v = head_cli(__doc__, "facing head (films must carry `facing`)", 10)
    t.add_argument("--variants", type=int, default=1, help="randomised copies per film")
    v.add_argument("--threshold", type=float, default=SURE, help="the probability fusion trusts it at")
    args = ap.parse_args(argv)
    set_threads()
    rng = np.random.default_rng(getattr(args, "seed", SEED))
    if args.cmd == "train":
        refuse_held_out_style(args.data.split(","))
        x, y = load_facing_set(args.data.split(","), args.variants, rng)
        val = load_facing_set(args.val.split(","), 0, rng) if args.val else None
        model, meta = train_facing(x, y, epochs=args.epochs, seed=args.seed, val=val)
        meta.update({"data": data_note(args), "sides": SIDES,
                     "metrics": accuracy(model, *val, threshold=SURE) if val is not None else {}})
        save_facing(model, meta, args.out)
        print("saved %s: %s" % (args.out, json.dumps(meta["metrics"])))
    else:
        model, _ = load_facing(args.weights)
        print(json.dumps(accuracy(model, *load_facing_set(args.data.split(","), 0, rng), threshold=args.threshold)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
