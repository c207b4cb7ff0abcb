"""Training samples: augmentation of cached letterboxed records, U-Net and Mask R-CNN datasets."""
import math
from typing import List, Optional, Tuple

import numpy as np
import torch
from PIL import Image, ImageFilter

from .coco import Record
from .levels import class_index
from .preprocess import BILINEAR, NEAREST

_AFFINE = getattr(getattr(Image, "Transform", Image), "AFFINE")


def _affine(record: Record, rng: np.random.Generator, strength: float) -> Tuple[np.ndarray, Optional[tuple]]:
    """Random flip/rotate/scale/shift of the content; returns the PIL inverse coefficients or None."""
    fr = record.frame
    size = fr.size
    w, h = fr.width, fr.height
    flip = rng.random() < 0.5
    angle = math.radians(rng.uniform(-15, 15) * strength)
    scale = math.exp(rng.uniform(math.log(0.8), math.log(1.2)) * strength)
    # forward: flip about the content, then rotate/scale about its centre
    fx = np.array([[-1.0, 0, w], [0, 1, 0], [0, 0, 1]]) if flip else np.eye(3)
    cx, cy = w / 2.0, h / 2.0
    c, s = math.cos(angle) * scale, math.sin(angle) * scale
    rot = np.array([[c, -s, cx - c * cx + s * cy], [s, c, cy - s * cx - c * cy], [0, 0, 1]])
    m = rot @ fx
    corners = m @ np.array([[0, w, w, 0], [0, 0, h, h], [1, 1, 1, 1]], dtype=np.float64)
    # shift so the content stays anchored near the top-left, sometimes cropped by up to 10%
    dx = -corners[0].min() + rng.uniform(-0.10, 0.05) * size * strength
    dy = -corners[1].min() + rng.uniform(-0.10, 0.05) * size * strength
    m = np.array([[1, 0, dx], [0, 1, dy], [0, 0, 1]]) @ m
    inv = np.linalg.inv(m)
    return m, (inv[0, 0], inv[0, 1], inv[0, 2], inv[1, 0], inv[1, 1], inv[1, 2])


def _warp(arr: np.ndarray, size: int, coeffs, *, resample) -> np.ndarray:
    im = Image.fromarray(arr)
    return np.array(im.transform((size, size), _AFFINE, coeffs, resample=resample, fillcolor=0))


def _intensity(img: np.ndarray, valid: np.ndarray, rng: np.random.Generator, *, strength: float,
               invert_share: float = 0.0) -> np.ndarray:
    """Gamma, contrast/brightness, blur and noise on the content only; padding stays zero. With
    `invert_share`, that share of the films also has its polarity inverted (bone dark: a MONOCHROME1
    film exported as if MONOCHROME2); no draw is made without it, so older runs replay exactly."""
    if rng.random() < 0.25 * strength:
        img = np.array(Image.fromarray(img).filter(ImageFilter.GaussianBlur(radius=rng.uniform(0.4, 1.2))))
    x = img.astype(np.float32) / 255.0
    x = np.power(np.clip(x, 0, 1), np.float32(math.exp(rng.uniform(math.log(0.7), math.log(1.4)) * strength)))
    x = (x - 0.5) * np.float32(1 + rng.uniform(-0.2, 0.2) * strength) + 0.5 + np.float32(rng.uniform(-0.08, 0.08) * strength)
    if rng.random() < 0.5 * strength:
        x = x + rng.normal(0, rng.uniform(0.005, 0.03), x.shape).astype(np.float32)
    out = np.clip(np.floor(x * 255.0 + 0.5), 0, 255).astype(np.uint8)
    if invert_share > 0 and rng.random() < invert_share:
        out = 255 - out
    return out * valid


def label_map(record: Record) -> np.ndarray:
    """Instances painted into one uint8 map (value = instance index + 1; later ones win on overlap)."""
    size = record.frame.size
    out = np.zeros((size, size), np.uint8)
    for k, inst in enumerate(record.instances[:255]):
        h, w = inst.mask.shape
        view = out[inst.y0: inst.y0 + h, inst.x0: inst.x0 + w]
        view[inst.mask > 0] = k + 1
    return out


def augmented_sample(record: Record, rng: Optional[np.random.Generator], strength: float = 1.0, *,
                     invert_share: float = 0.0):
    """Canvas (uint8 S x S) and instance label map (uint8 S x S), augmented if rng is given.

    One warp of a label map instead of one per instance: fast, and small to pass between workers.
    """
    size = record.frame.size
    canvas = record.canvas()
    labels = label_map(record)
    if rng is None or strength <= 0:
        return canvas, labels
    _, coeffs = _affine(record, rng, strength)
    valid = np.zeros((size, size), np.uint8)
    valid[: record.frame.height, : record.frame.width] = 1
    valid = _warp(valid, size, coeffs, resample=NEAREST)
    canvas = _warp(canvas, size, coeffs, resample=BILINEAR)
    canvas = _intensity(canvas, valid, rng, strength=strength, invert_share=invert_share)
    labels = _warp(labels, size, coeffs, resample=NEAREST)
    return canvas, labels


class _Base(torch.utils.data.Dataset):
    """Samples carry the 8-bit canvas; the trainer normalises on the device (4x less to transfer)."""

    def __init__(self, records: List[Record], augment: bool, seed: int, *, min_length: int = 0,
                 strength: float = 1.0, invert_share: float = 0.0):
        self.records = records
        self.augment = augment
        self.seed = seed
        self.epoch = 0
        self.strength = strength
        self.invert_share = invert_share
        self.length = max(len(records), min_length)

    def __len__(self):
        return self.length

    def _sample(self, idx: int):
        rec = self.records[idx % len(self.records)]
        rng = np.random.default_rng([self.seed, self.epoch, idx]) if self.augment else None
        canvas, labels = augmented_sample(rec, rng, self.strength, invert_share=self.invert_share)
        return rec, torch.from_numpy(canvas)[None], labels


class ForegroundDataset(_Base):
    """U-Net samples: (canvas uint8 [1,S,S], foreground uint8 [1,S,S])."""

    def __getitem__(self, idx):
        _, image, labels = self._sample(idx)
        return image, torch.from_numpy((labels > 0).astype(np.uint8))[None]


class InstanceDataset(_Base):
    """Mask R-CNN samples: (canvas uint8 [1,S,S], {boxes, labels, ids, labelmap}); see expand_masks."""

    def __init__(self, records, augment, seed, *, classes: List[str], min_length: int = 0,
                 strength: float = 1.0, invert_share: float = 0.0, min_area: int = 12):
        super().__init__(records, augment, seed, min_length=min_length, strength=strength, invert_share=invert_share)
        self.classes = classes
        self.min_area = min_area

    def __getitem__(self, idx):
        rec, image, lab = self._sample(idx)
        boxes, classes, ids = [], [], []
        for k, inst in enumerate(rec.instances[:255]):
            ys, xs = np.nonzero(lab == k + 1)
            if ys.size < self.min_area or xs.max() - xs.min() < 2 or ys.max() - ys.min() < 2:
                continue
            boxes.append([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1])
            classes.append(class_index(inst.level, self.classes))
            ids.append(k + 1)
        target = {
            "boxes": torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4),
            "labels": torch.tensor(classes, dtype=torch.int64),
            "ids": torch.tensor(ids, dtype=torch.uint8),
            "labelmap": torch.from_numpy(lab),
        }
        return image, target


def expand_masks(target: dict) -> dict:
    """{boxes, labels, ids, labelmap} -> torchvision's {boxes, labels, masks [N,S,S] uint8}, on any device."""
    lab, ids = target["labelmap"], target["ids"]
    masks = (lab[None] == ids[:, None, None]).to(torch.uint8)
    return {"boxes": target["boxes"], "labels": target["labels"], "masks": masks}


def to_model_input(canvas: torch.Tensor, mean: float, std: float) -> torch.Tensor:
    """uint8 canvas -> (pixel / 255 - mean) / std, float32 (same as preprocess.normalise)."""
    return (canvas.float() / 255.0 - mean) / std


def collate_list(batch):
    return tuple(zip(*batch))
