"""A tiny synthetic COCO maker for tests: a column of tilted ellipses as vertebral bodies.

Prefers the project's generator (packages/phantom/dist/main.js) when node and the script exist.
"""
import json
import math
import os
import shutil
import subprocess

import numpy as np
from PIL import Image, ImageDraw

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PHANTOM = os.path.join(REPO, "packages", "phantom", "dist", "main.js")
LEVELS = {"cervical": ["C2", "C3", "C4", "C5", "C6", "C7", "T1"], "lumbar": ["T12", "L1", "L2", "L3", "L4", "L5", "S1"]}
CODES = {"C2": 2, "C3": 3, "C4": 4, "C5": 5, "C6": 6, "C7": 7, "T1": 8, "T12": 19,
         "L1": 20, "L2": 21, "L3": 22, "L4": 23, "L5": 24, "S1": 26}


def phantom_available() -> bool:
    return os.path.isfile(PHANTOM) and shutil.which("node") is not None


def make_dataset(out: str, count: int = 6, seed: int = 1, view: str = "lumbar", max_side: int = 256) -> str:
    """Phantom data when available, else the synthetic maker. Returns the dataset folder."""
    if phantom_available() and not os.environ.get("VERTXNET_NO_PHANTOM"):
        try:
            subprocess.run(["node", PHANTOM, "--view", view, "--count", str(count), "--seed", str(seed),
                            "--out", out, "--max-side", str(max_side)], check=True, timeout=120,
                           stdout=subprocess.DEVNULL)
            if os.path.isfile(os.path.join(out, "annotations.json")):
                return out
        except (subprocess.SubprocessError, OSError):
            pass
    return make_synthetic(out, count, seed, max_side)


def _ellipse_poly(cx, cy, rx, ry, angle, n=24):
    c, s = math.cos(angle), math.sin(angle)
    pts = []
    for i in range(n):
        t = 2 * math.pi * i / n
        x, y = rx * math.cos(t), ry * math.sin(t)
        pts += [cx + c * x - s * y, cy + s * x + c * y]
    return pts


def make_synthetic(out: str, count: int = 6, seed: int = 1, max_side: int = 256, rle_every: int = 3) -> str:
    """Images alternate cervical/lumbar, 8-bit PNG / 16-bit PNG / JPEG; every rle_every-th uses RLE."""
    from vertxnet_train.coco import rle_encode
    rng = np.random.default_rng(seed)
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    cats = [{"id": code, "name": lvl} for lvl, code in CODES.items()] + [{"id": 99, "name": "implant"}]
    images, anns = [], []
    for i in range(count):
        view = "cervical" if i % 2 else "lumbar"
        h = max_side
        w = int(max_side * rng.uniform(0.6, 0.9))
        bg = rng.uniform(30, 60)
        canvas = Image.new("F", (w, h), float(bg))
        draw = ImageDraw.Draw(canvas)
        levels = LEVELS[view]
        step = h / (len(levels) + 1)
        tilt = rng.uniform(-0.25, 0.25)
        polys = []
        for k, lvl in enumerate(levels):
            cy = step * (k + 0.9) + rng.uniform(-2, 2)
            cx = w / 2 + tilt * (cy - h / 2) + rng.uniform(-3, 3)
            rx, ry = w * 0.16, step * 0.33
            if lvl in ("C2", "S1"):
                ry *= 1.3
            poly = _ellipse_poly(cx, cy, rx, ry, tilt * 0.5)
            draw.polygon([(poly[j], poly[j + 1]) for j in range(0, len(poly), 2)], fill=float(rng.uniform(150, 200)))
            polys.append((lvl, poly))
        arr = np.array(canvas) + rng.normal(0, 4, (h, w))
        mode = i % 3  # 0: 8-bit PNG, 1: 16-bit PNG, 2: JPEG
        name = "img%03d.%s" % (i, "jpg" if mode == 2 else "png")
        path = os.path.join(out, "images", name)
        if mode == 1:
            Image.fromarray(np.clip(arr * 200 + 1000, 0, 65535).astype(np.uint16)).save(path)
        elif mode == 2:
            Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).convert("RGB").save(path, quality=95)
        else:
            Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).save(path)
        images.append({"id": i + 1, "file_name": "images/" + name, "width": w, "height": h, "view": view,
                       "levels_in_view": levels})
        for lvl, poly in polys:
            seg = [poly]
            if rle_every and i % rle_every == rle_every - 1:
                m = Image.new("L", (w, h), 0)
                ImageDraw.Draw(m).polygon([(poly[j], poly[j + 1]) for j in range(0, len(poly), 2)], fill=1)
                seg = rle_encode(np.array(m))
            xs, ys = poly[0::2], poly[1::2]
            anns.append({"id": len(anns) + 1, "image_id": i + 1, "category_id": CODES[lvl], "segmentation": seg,
                         "bbox": [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)], "iscrowd": 0,
                         "area": 0})
        anns.append({"id": len(anns) + 1, "image_id": i + 1, "category_id": 99, "iscrowd": 0,
                     "segmentation": [[2, 2, 10, 2, 10, 10, 2, 10]], "bbox": [2, 2, 8, 8], "area": 64})
    with open(os.path.join(out, "annotations.json"), "w") as fh:
        json.dump({"images": images, "annotations": anns, "categories": cats}, fh)
    return out


if __name__ == "__main__":
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    print(make_dataset(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 6,
                       max_side=int(sys.argv[3]) if len(sys.argv) > 3 else 256))
