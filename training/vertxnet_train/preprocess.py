"""Image preprocessing shared by training, evaluation and export: decode, normalise, letterbox.

Images are normalised exactly as the TypeScript ingest does (8-bit as is; deeper images windowed
from their 0.5th to 99.5th nearest-rank percentile) and letterboxed into the analysis frame
(long side = S, top-left anchored, zero padding right/bottom; packages/core/src/analysis.ts).
Masks are resized to the same frame with nearest-neighbour sampling.
"""
import math
from dataclasses import dataclass
from typing import Tuple

import numpy as np
from PIL import Image

Image.MAX_IMAGE_PIXELS = 400_000_000
_RESAMPLING = getattr(Image, "Resampling", Image)  # Pillow >= 9.1 enums; older Pillow constants
BILINEAR = _RESAMPLING.BILINEAR
NEAREST = _RESAMPLING.NEAREST


# ---------------------------------------------------------------- image normalisation

def percentile_nearest_rank(values: np.ndarray, p: float) -> float:
    """Nearest-rank percentile: the smallest value whose cumulative count reaches ceil(p/100 * N)."""
    flat = values.reshape(-1)
    n = flat.size
    rank = min(n, max(1, int(math.ceil(p / 100.0 * n))))
    if np.issubdtype(flat.dtype, np.integer):
        lo = int(flat.min())
        span = int(flat.max()) - lo
        if span < (1 << 22):
            hist = np.bincount((flat.astype(np.int64) - lo), minlength=span + 1)
            cum = np.cumsum(hist)
            return float(lo + int(np.searchsorted(cum, rank, side="left")))
    return float(np.partition(flat, rank - 1)[rank - 1])


def window_to_uint8(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Linear window [lo, hi] -> 0..255, rounded half up (as Math.round), clipped."""
    if hi <= lo:
        hi = lo + 1.0
    scaled = (values.astype(np.float64) - lo) * (255.0 / (hi - lo))
    return np.clip(np.floor(scaled + 0.5), 0, 255).astype(np.uint8)


def to_canonical(pixels: np.ndarray) -> np.ndarray:
    """8-bit used as is; anything deeper windowed from its 0.5th to 99.5th percentile."""
    if pixels.dtype == np.uint8:
        return pixels
    lo = percentile_nearest_rank(pixels, 0.5)
    hi = percentile_nearest_rank(pixels, 99.5)
    return window_to_uint8(pixels, lo, hi)


def load_gray(path: str) -> np.ndarray:
    """Decode a PNG/JPEG to a 2-D canonical uint8 array (RGB -> gray by ITU-R 601 luma)."""
    with Image.open(path) as im:
        im.load()
        mode = im.mode
        if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
            return to_canonical(np.array(im))
        if mode == "F":
            return to_canonical(np.array(im, dtype=np.float32))
        if mode == "L":
            return np.array(im, dtype=np.uint8)
        if mode in ("LA", "P", "PA", "1"):
            im = im.convert("L")
        elif mode != "L":
            im = im.convert("RGB").convert("L")
        return np.array(im, dtype=np.uint8)


# ---------------------------------------------------------------- letterbox (analysis frame)

def round_half_up(x: float) -> int:
    return int(math.floor(x + 0.5))


@dataclass
class Frame:
    source_width: int
    source_height: int
    scale: float
    width: int
    height: int
    size: int


def frame_for(width: int, height: int, size: int) -> Frame:
    """Mirror of frameFor() in packages/core/src/analysis.ts."""
    if width <= 0 or height <= 0:
        raise ValueError("image size %dx%d is empty" % (width, height))
    scale = size / float(max(width, height))
    return Frame(width, height, scale,
                 max(1, min(size, round_half_up(width * scale))),
                 max(1, min(size, round_half_up(height * scale))), size)


def letterbox_content(gray: np.ndarray, size: int) -> Tuple[np.ndarray, Frame]:
    """Scale a canonical image so its long side is `size` (PIL bilinear); returns the content only."""
    h, w = gray.shape
    fr = frame_for(w, h, size)
    if (fr.width, fr.height) == (w, h):
        return gray.copy(), fr
    im = Image.fromarray(gray).resize((fr.width, fr.height), BILINEAR)
    return np.array(im, dtype=np.uint8), fr


def letterbox(gray: np.ndarray, size: int) -> Tuple[np.ndarray, Frame]:
    """Full S x S canvas with the content at the top-left and zeros elsewhere."""
    content, fr = letterbox_content(gray, size)
    canvas = np.zeros((size, size), np.uint8)
    canvas[: fr.height, : fr.width] = content
    return canvas, fr


def normalise(canvas_u8: np.ndarray, mean: float, std: float) -> np.ndarray:
    """tensor = (pixel / 255 - mean) / std, float32."""
    return ((canvas_u8.astype(np.float32) / 255.0) - np.float32(mean)) / np.float32(std)


def resize_mask(mask: np.ndarray, fr: Frame) -> np.ndarray:
    """A 0/1 mask at the source size -> the content size of the frame (nearest neighbour)."""
    if (fr.width, fr.height) == (mask.shape[1], mask.shape[0]):
        return mask
    im = Image.fromarray(mask * 255).resize((fr.width, fr.height), NEAREST)
    return (np.array(im) > 127).astype(np.uint8)
