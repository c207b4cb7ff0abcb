"""The view head on body layout alone: the films' vertebral bodies as a mask, not their grey levels.

The view head on the film reads style C (the validation style) near chance: it learnt our
renderer's context (skull, shoulders, trunk) and processing (docs/MODELS.md). The bodies
themselves, their number, size, spacing and curve along the spine, are the same anatomy in every
style, and the U-Net finds them on films it never saw. `view train --input bodies` learns the view
from the ground-truth body masks of our films (pooled to the heads' 128² grid, mirrored, dilated or
eroded by a pooled pixel, shifted), or with `--foreground CACHE[,CACHE]` from the U-Net's own
foreground of them as `vertxnet eval --ablation --cache CACHE` stored it (one cache per folder);
`view evaluate --input bodies [--foreground CACHE]` scores it the same two ways: the second is what a
head inside the pipeline would see.
"""
import json
import os
import struct
import zlib
from typing import Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from ..coco import read_coco
from .common import random_shift
from .constants import POOLED, VIEWS
from .level import IGNORE, load_level_set

BODY, BACKGROUND = 1.0, -1.0  # the mask's two values, centred like the heads' normalised input
FOREGROUND_MAGIC = b"VXFG1"  # packages/pipeline/src/intermediates.ts


def load_body_set(dirs: Sequence[str], log=print) -> Tuple[torch.Tensor, torch.Tensor]:
    """Ground-truth body masks [N,1,128,128] (every body, labelled or not) and views, of the images
    with a cervical or lumbar view."""
    _, y, views = load_level_set(dirs, log=log)
    keep = [i for i, v in enumerate(views) if v in VIEWS]
    masks = torch.where(y[keep] != IGNORE, BODY, BACKGROUND)[:, None].float()
    return masks, torch.tensor([VIEWS.index(views[i]) for i in keep])


def load_foreground_set(cache: str, data: str) -> Tuple[torch.Tensor, torch.Tensor]:
    """The U-Net's stored foreground (CACHE/NAME.fg.bin) of each image of a COCO folder with a
    view, laid in its frame's letterbox, pooled to the heads' 128² grid and thresholded at 0.5, and
    the views."""
    masks, views = [], []
    for job in read_coco(data):
        if job.get("view") not in VIEWS:
            continue
        path = os.path.join(cache, os.path.basename(job["file"]) + ".fg.bin")
        masks.append(pooled_foreground(read_foreground(path)))
        views.append(VIEWS.index(job["view"]))
    if not masks:
        raise ValueError("no image with a cervical or lumbar view in %s" % data)
    return torch.stack(masks), torch.tensor(views)


def load_foreground_sets(caches: Sequence[str], dirs: Sequence[str]) -> Tuple[torch.Tensor, torch.Tensor]:
    """load_foreground_set over folders and their caches, pairwise, concatenated."""
    if len(caches) != len(dirs):
        raise ValueError("one foreground cache per data folder: %d caches for %d folders" % (len(caches), len(dirs)))
    parts = [load_foreground_set(c, d) for c, d in zip(caches, dirs)]
    return torch.cat([p[0] for p in parts]), torch.cat([p[1] for p in parts])


def read_foreground(path: str) -> Tuple[dict, np.ndarray]:
    """A stored U-Net output: its header and the foreground probability (0–255) over the frame's content."""
    with open(path, "rb") as fh:
        raw = zlib.decompress(fh.read())
    if raw[:len(FOREGROUND_MAGIC)] != FOREGROUND_MAGIC:
        raise ValueError("%s is not a stored U-Net output" % path)
    (length,) = struct.unpack_from("<I", raw, len(FOREGROUND_MAGIC))
    start = len(FOREGROUND_MAGIC) + 4
    header = json.loads(raw[start:start + length].decode("utf-8"))
    frame = header["frame"]
    w, h = frame["width"], frame["height"]
    probability = np.frombuffer(raw, np.uint8, w * h, start + length).reshape(h, w)
    return header, probability


def pooled_foreground(stored: Tuple[dict, np.ndarray]) -> torch.Tensor:
    """[1,128,128]: the content at the letterbox's top left (as the pipeline frames it), pooled to
    the heads' grid (a frame larger than the heads' 512, as the region pass stores, pools further)."""
    header, probability = stored
    size = int(header["frame"]["size"])
    if size % POOLED:
        raise ValueError("foreground frame %d does not pool to the heads' %d grid" % (size, POOLED))
    canvas = torch.zeros((1, 1, size, size))
    h, w = probability.shape
    canvas[0, 0, :h, :w] = torch.from_numpy(probability.astype(np.float32) / 255.0)
    pooled = F.avg_pool2d(canvas, size // POOLED)[0]
    return torch.where(pooled >= 0.5, BODY, BACKGROUND)


def augment_bodies(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Half the masks mirrored, a quarter dilated and a quarter eroded by one pooled pixel (the
    U-Net's boundaries are not the truth's), and a shift of a few pixels."""
    n = x.shape[0]
    flip = torch.rand(n, generator=gen) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    u = torch.rand(n, generator=gen)[:, None, None, None]
    dilated = F.max_pool2d(x, 3, 1, 1)
    eroded = -F.max_pool2d(-x, 3, 1, 1)
    x = torch.where(u < 0.25, dilated, torch.where(u > 0.75, eroded, x))
    return torch.roll(x, shifts=random_shift(gen), dims=(2, 3))
