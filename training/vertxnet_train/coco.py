"""COCO instance-segmentation reader for vertebral levels.

Reads any COCO dataset whose categories are named by vertebral level ("C2", "c-2", "L 5", ...),
with polygon or RLE (uncompressed or compressed) segmentations, and 8/16-bit PNG/JPEG images.
Pixels are decoded, normalised and letterboxed by preprocess.py (as the TypeScript ingest does);
masks are rendered at the letterboxed scale and stored as crops.
"""
import glob
import gzip
import json
import os
import sys
import warnings
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import numpy as np
from PIL import Image, ImageDraw

from .levels import parse_level, view_of_levels
# Frame stays importable from here: pickled record caches name it as coco.Frame.
from .preprocess import Frame, letterbox_content, load_gray, resize_mask


# ---------------------------------------------------------------- segmentations

def rle_string_to_counts(s: str) -> List[int]:
    """Decode COCO's compressed RLE string (pycocotools rleFrString)."""
    counts: List[int] = []
    p = 0
    data = s.encode("ascii") if isinstance(s, str) else bytes(s)
    while p < len(data):
        x = 0
        k = 0
        more = True
        while more:
            c = data[p] - 48
            x |= (c & 0x1F) << (5 * k)
            more = bool(c & 0x20)
            p += 1
            k += 1
            if not more and (c & 0x10):
                x |= -1 << (5 * k)
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts


def rle_decode(rle: dict) -> np.ndarray:
    """COCO RLE (uncompressed list or compressed string) -> uint8 mask [h, w]."""
    h, w = int(rle["size"][0]), int(rle["size"][1])
    counts = rle["counts"]
    if isinstance(counts, (str, bytes)):
        counts = rle_string_to_counts(counts)
    flat = np.zeros(h * w, np.uint8)
    pos = 0
    val = 0
    for c in counts:
        c = int(c)
        if val and c > 0:
            flat[pos: pos + c] = 1
        pos += c
        val ^= 1
    return flat.reshape((w, h)).T.copy()  # column-major


def rle_encode(mask: np.ndarray) -> dict:
    """Uncompressed COCO RLE of a binary mask (used by tests and the synthetic maker)."""
    flat = (mask.T.reshape(-1) > 0).astype(np.int8)
    counts = []
    val = 0
    run = 0
    for v in flat:
        if v == val:
            run += 1
        else:
            counts.append(run)
            run = 1
            val = v
    counts.append(run)
    return {"size": [int(mask.shape[0]), int(mask.shape[1])], "counts": counts}


def render_polygons(polys: Sequence[Sequence[float]], fr: Frame) -> np.ndarray:
    """Render COCO polygons (source pixel-edge coordinates) directly at the letterboxed scale."""
    im = Image.new("L", (fr.width, fr.height), 0)
    draw = ImageDraw.Draw(im)
    for poly in polys:
        if len(poly) < 6:
            continue
        pts = [(float(poly[i]) * fr.scale - 0.5, float(poly[i + 1]) * fr.scale - 0.5)
               for i in range(0, len(poly) - 1, 2)]
        draw.polygon(pts, fill=1, outline=1)
    return np.array(im, dtype=np.uint8)


def segmentation_mask(seg, fr: Frame) -> np.ndarray:
    """Any COCO segmentation -> uint8 mask at the content size (fr.height x fr.width)."""
    if isinstance(seg, list):
        return render_polygons(seg, fr)
    if isinstance(seg, dict):
        full = rle_decode(seg)
        if full.shape != (fr.source_height, fr.source_width):
            raise ValueError("RLE size %s does not match image %dx%d" % (full.shape, fr.source_width, fr.source_height))
        return resize_mask(full, fr)
    raise ValueError("unsupported segmentation %r" % type(seg))


# ---------------------------------------------------------------- records

@dataclass
class Instance:
    level: str
    x0: int
    y0: int
    mask: np.ndarray  # uint8 crop, content-frame coordinates offset by (x0, y0)

    def full(self, size: int) -> np.ndarray:
        out = np.zeros((size, size), np.uint8)
        h, w = self.mask.shape
        out[self.y0: self.y0 + h, self.x0: self.x0 + w] = self.mask
        return out


@dataclass
class Record:
    file: str
    view: Optional[str]
    levels_in_view: List[str]
    frame: Frame
    image: np.ndarray  # content only, uint8 [frame.height, frame.width]
    instances: List[Instance] = field(default_factory=list)
    # bodies in view that no label applies to (the phantom's `ignore_regions`): evaluation only
    ignores: List[Instance] = field(default_factory=list)

    def canvas(self) -> np.ndarray:
        size = self.frame.size
        out = np.zeros((size, size), np.uint8)
        out[: self.frame.height, : self.frame.width] = self.image
        return out


def find_annotation_file(path: str) -> str:
    if os.path.isfile(path):
        return path
    for cand in ("annotations.json", "instances.json", "coco.json", "annotations.json.gz"):
        p = os.path.join(path, cand)
        if os.path.isfile(p):
            return p
    found = sorted(glob.glob(os.path.join(path, "annotations", "*.json"))) + sorted(glob.glob(os.path.join(path, "*.json")))
    if not found:
        raise FileNotFoundError("no COCO annotation file in %s" % path)
    return found[0]


def resolve_image(root: str, file_name: str) -> str:
    for cand in (os.path.join(root, file_name), os.path.join(root, "images", file_name),
                 os.path.join(root, "images", os.path.basename(file_name)),
                 os.path.join(os.path.dirname(root), "images", os.path.basename(file_name))):
        if os.path.isfile(cand):
            return cand
    raise FileNotFoundError("image %s not found under %s" % (file_name, root))


# Generators whose films stand in for scanners the models have never seen: evaluation only.
HELD_OUT_GENERATORS = ("phantom-b",)
# The validation style: fits the confidence calibration and checks choices on films neither trained
# on nor held out. Trained on, the calibration fitted there would see training films: overconfident.
VALIDATION_GENERATORS = ("phantom-c",)


def refuse_held_out_style(paths: Sequence[str]) -> None:
    """Training entry points call this: a held-out or validation style trained on would no longer measure anything."""
    for path in paths:
        try:
            ann_file = find_annotation_file(path)
        except FileNotFoundError:
            continue
        opener = gzip.open if ann_file.endswith(".gz") else open
        with opener(ann_file, "rt", encoding="utf-8") as fh:
            generator = (json.load(fh).get("info") or {}).get("generator")
        if generator in HELD_OUT_GENERATORS:
            raise ValueError("%s was made by %s, the held-out style: it is for evaluation only, never for training"
                             % (path, generator))
        if generator in VALIDATION_GENERATORS:
            raise ValueError("%s was made by %s, the validation style: it is for evaluation and calibration only, "
                             "never for training" % (path, generator))


def read_coco(path: str) -> List[dict]:
    """Parse a COCO file into per-image jobs (no pixels decoded yet)."""
    ann_file = find_annotation_file(path)
    root = path if os.path.isdir(path) else os.path.dirname(path)
    opener = gzip.open if ann_file.endswith(".gz") else open
    with opener(ann_file, "rt", encoding="utf-8") as fh:
        coco = json.load(fh)
    cat_level: Dict[int, str] = {}
    for cat in coco.get("categories", []):
        level = parse_level(cat.get("name", ""))
        if level is None:
            warnings.warn("COCO category %r is not a vertebral level: ignored" % cat.get("name"))
        else:
            cat_level[int(cat["id"])] = level
    anns_by_image: Dict[int, list] = {}
    ignores_by_image: Dict[int, list] = {}
    for region in coco.get("ignore_regions", []):
        if region.get("segmentation"):
            # The phantom names the level of each unlabelled body; other datasets leave it out.
            level = parse_level(region.get("level", "")) or "ignore"
            ignores_by_image.setdefault(int(region["image_id"]), []).append((level, region["segmentation"]))
    for ann in coco.get("annotations", []):
        if ann.get("iscrowd"):  # crowd regions are not instances to learn
            ignores_by_image.setdefault(int(ann["image_id"]), []).append(("ignore", ann["segmentation"]))
            continue
        level = cat_level.get(int(ann.get("category_id", -1)))
        if level is None or not ann.get("segmentation"):
            continue
        anns_by_image.setdefault(int(ann["image_id"]), []).append((level, ann["segmentation"]))
    jobs = []
    for img in coco.get("images", []):
        anns = anns_by_image.get(int(img["id"]), [])
        levels = img.get("levels_in_view") or sorted({a[0] for a in anns})
        jobs.append({
            "path": resolve_image(root, img["file_name"]),
            "file": img["file_name"],
            "view": img.get("view") or view_of_levels([a[0] for a in anns]),
            "levels_in_view": list(levels),
            "anns": anns,
            "ignores": ignores_by_image.get(int(img["id"]), []),
        })
    return jobs


def build_record(job: dict, size: int) -> Record:
    gray = load_gray(job["path"])
    content, fr = letterbox_content(gray, size)

    def crops(anns):
        out = []
        for level, seg in anns:
            m = segmentation_mask(seg, fr)
            ys, xs = np.nonzero(m)
            if ys.size == 0:
                continue
            y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
            out.append(Instance(level, int(x0), int(y0), m[y0:y1, x0:x1].copy()))
        return out
    return Record(job["file"], job["view"], job["levels_in_view"], fr, content, crops(job["anns"]),
                  crops(job.get("ignores", [])))


def _build(args):
    return build_record(*args)


def load_records(paths: Sequence[str], size: int, *, workers: int = 0, log=print) -> List[Record]:
    """Decode and letterbox every image of one or more COCO datasets, in parallel when workers > 1."""
    jobs = []
    for p in paths:
        jobs.extend(read_coco(p))
    if not jobs:
        raise ValueError("no images in %s" % ",".join(paths))
    if workers and workers > 1 and len(jobs) > 8:
        import multiprocessing as mp
        ctx = mp.get_context("fork") if sys.platform != "win32" else mp.get_context()
        with ctx.Pool(workers) as pool:
            records = pool.map(_build, [(j, size) for j in jobs], chunksize=max(1, len(jobs) // (workers * 8)))
    else:
        records = [build_record(j, size) for j in jobs]
    n_inst = sum(len(r.instances) for r in records)
    log("loaded %d images, %d vertebrae from %s at S=%d" % (len(records), n_inst, ",".join(paths), size))
    return records
