"""Training samples: augmentation of cached letterboxed records, U-Net and Mask R-CNN datasets."""
import math
from typing import List, Optional, Tuple

import numpy as np
import torch
from PIL import Image, ImageFilter

from .coco import Record, normalise
from .levels import class_index


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


def _warp(arr: np.ndarray, size: int, coeffs, resample) -> np.ndarray:
    im = Image.fromarray(arr)
    return np.array(im.transform((size, size), Image.AFFINE, coeffs, resample=resample, fillcolor=0))


def _intensity(img: np.ndarray, valid: np.ndarray, rng: np.random.Generator, strength: float) -> np.ndarray:
    """Gamma, contrast/brightness, blur and noise on the content only; padding stays zero."""
    if rng.random() < 0.25 * strength:
        img = np.array(Image.fromarray(img).filter(ImageFilter.GaussianBlur(radius=rng.uniform(0.4, 1.2))))
    x = img.astype(np.float32) / 255.0
    x = np.power(np.clip(x, 0, 1), np.float32(math.exp(rng.uniform(math.log(0.7), math.log(1.4)) * strength)))
    x = (x - 0.5) * np.float32(1 + rng.uniform(-0.2, 0.2) * strength) + 0.5 + np.float32(rng.uniform(-0.08, 0.08) * strength)
    if rng.random() < 0.5 * strength:
        x = x + rng.normal(0, rng.uniform(0.005, 0.03), x.shape).astype(np.float32)
    out = np.clip(np.floor(x * 255.0 + 0.5), 0, 255).astype(np.uint8)
    return out * valid


def augmented_sample(record: Record, rng: Optional[np.random.Generator], strength: float = 1.0):
    """Canvas (uint8 S x S) and full instance masks (list of uint8 S x S), augmented if rng is given."""
    size = record.frame.size
    canvas = record.canvas()
    masks = [inst.full(size) for inst in record.instances]
    if rng is None or strength <= 0:
        return canvas, masks
    _, coeffs = _affine(record, rng, strength)
    valid = np.zeros((size, size), np.uint8)
    valid[: record.frame.height, : record.frame.width] = 1
    valid = _warp(valid, size, coeffs, Image.NEAREST)
    canvas = _warp(canvas, size, coeffs, Image.BILINEAR)
    canvas = _intensity(canvas, valid, rng, strength)
    masks = [_warp(m, size, coeffs, Image.NEAREST) for m in masks]
    return canvas, masks


class _Base(torch.utils.data.Dataset):
    def __init__(self, records: List[Record], mean: float, std: float, augment: bool, seed: int,
                 min_length: int = 0, strength: float = 1.0):
        self.records = records
        self.mean, self.std = mean, std
        self.augment = augment
        self.seed = seed
        self.epoch = 0
        self.strength = strength
        self.length = max(len(records), min_length)

    def __len__(self):
        return self.length

    def _sample(self, idx: int):
        rec = self.records[idx % len(self.records)]
        rng = np.random.default_rng([self.seed, self.epoch, idx]) if self.augment else None
        canvas, masks = augmented_sample(rec, rng, self.strength)
        image = torch.from_numpy(normalise(canvas, self.mean, self.std))[None]
        return rec, image, masks


class ForegroundDataset(_Base):
    """U-Net samples: (image [1,S,S], foreground [1,S,S] float)."""

    def __getitem__(self, idx):
        rec, image, masks = self._sample(idx)
        fg = np.zeros(image.shape[1:], np.uint8)
        for m in masks:
            fg |= m
        return image, torch.from_numpy(fg.astype(np.float32))[None]


class InstanceDataset(_Base):
    """Mask R-CNN samples: (image [1,S,S], {boxes, labels, masks})."""

    def __init__(self, records, mean, std, augment, seed, classes: List[str], min_length: int = 0,
                 strength: float = 1.0, min_area: int = 12):
        super().__init__(records, mean, std, augment, seed, min_length, strength)
        self.classes = classes
        self.min_area = min_area

    def __getitem__(self, idx):
        rec, image, masks = self._sample(idx)
        boxes, labels, keep = [], [], []
        for inst, m in zip(rec.instances, masks):
            ys, xs = np.nonzero(m)
            if ys.size < self.min_area or xs.max() - xs.min() < 2 or ys.max() - ys.min() < 2:
                continue
            boxes.append([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1])
            labels.append(class_index(inst.level, self.classes))
            keep.append(m)
        size = image.shape[-1]
        target = {
            "boxes": torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4),
            "labels": torch.tensor(labels, dtype=torch.int64),
            "masks": torch.from_numpy(np.stack(keep)) if keep else torch.zeros((0, size, size), dtype=torch.uint8),
        }
        return image, target


def collate_list(batch):
    return tuple(zip(*batch))
