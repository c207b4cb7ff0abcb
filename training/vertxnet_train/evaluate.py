"""Evaluate a trained model with torch on a held-out COCO set.

python3 -m vertxnet_train.evaluate --model unet|maskrcnn --checkpoint PATH --data DIR[,DIR2] --out metrics.json

U-Net: foreground Dice over each image's content region, mean over images.
Mask R-CNN (score >= 0.5, mask > 0.5, greedy label-agnostic matching at mask IoU >= 0.5): recall,
precision, matched-mask Dice, reference found rate (C2 on cervical / S1 on lumbar images whose
reference is annotated: a 'C2'/'S1' detection with IoU >= 0.5 against it) and false reference rate
(images with a reference-class detection that matches no true reference body); `bestReference`: the
same two rates for the one best-scoring C2/S1 detection per image, the reference fusion counts from.
"""
import argparse
import json
import os
import sys
import time
from typing import Dict, List

import numpy as np
import torch

from .coco import Record, load_records
from .levels import REFERENCE_LEVEL
from .preprocess import normalise

IOU_MATCH = 0.5
# Levels a 'landmarks' model also marks, to count from when the reference end is cut off.
FAR_END_LANDMARKS = ("T1", "T12")


def _dice(a: np.ndarray, b: np.ndarray) -> float:
    s = a.sum() + b.sum()
    return 1.0 if s == 0 else float(2.0 * np.logical_and(a, b).sum() / s)


def _gt_masks(rec: Record) -> np.ndarray:
    h, w = rec.frame.height, rec.frame.width
    out = np.zeros((len(rec.instances), h, w), bool)
    for k, inst in enumerate(rec.instances):
        mh, mw = inst.mask.shape
        out[k, inst.y0: inst.y0 + mh, inst.x0: inst.x0 + mw] = inst.mask > 0
    return out


def iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Mask IoU between [K,H,W] and [G,H,W] boolean stacks."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)))
    fa = torch.from_numpy(a.reshape(len(a), -1).astype(np.float32))
    fb = torch.from_numpy(b.reshape(len(b), -1).astype(np.float32))
    inter = (fa @ fb.T).numpy()
    union = fa.sum(1).numpy()[:, None] + fb.sum(1).numpy()[None, :] - inter
    return inter / np.maximum(union, 1e-9)


def greedy_match(iou: np.ndarray, thr: float = IOU_MATCH):
    """Pairs (det, gt) by descending IoU, each used once, IoU >= thr."""
    pairs = []
    if iou.size == 0:
        return pairs
    used_d, used_g = set(), set()
    order = np.dstack(np.unravel_index(np.argsort(-iou, axis=None), iou.shape))[0]
    for d, g in order:
        if iou[d, g] < thr:
            break
        if d in used_d or g in used_g:
            continue
        used_d.add(d)
        used_g.add(g)
        pairs.append((int(d), int(g)))
    return pairs


def evaluate_unet(model, cfg, records: List[Record], *, device, batch: int = 4) -> Dict:
    dices, t0 = [], time.time()
    for i in range(0, len(records), batch):
        chunk = records[i: i + batch]
        x = torch.from_numpy(np.stack([normalise(r.canvas(), cfg["mean"], cfg["std"]) for r in chunk]))[:, None]
        with torch.no_grad():
            prob = torch.sigmoid(model(x.to(device))).cpu().numpy()[:, 0]
        for rec, p in zip(chunk, prob):
            h, w = rec.frame.height, rec.frame.width
            gt = _gt_masks(rec).any(0) if rec.instances else np.zeros((h, w), bool)
            dices.append(_dice(p[:h, :w] > 0.5, gt))
    return {"images": len(records), "foregroundDice": round(float(np.mean(dices)), 4),
            "foregroundDiceMin": round(float(np.min(dices)), 4),
            "secondsPerImage": round((time.time() - t0) / max(1, len(records)), 4)}


def _masks(instances, h: int, w: int) -> np.ndarray:
    out = np.zeros((len(instances), h, w), bool)
    for k, inst in enumerate(instances):
        mh, mw = inst.mask.shape
        out[k, inst.y0: inst.y0 + mh, inst.x0: inst.x0 + mw] = inst.mask > 0
    return out


def detect_all(model, cfg, classes, *, records: List[Record], device, floor: float = 0.05) -> List[dict]:
    """Runs the Mask R-CNN once per image and keeps every detection above `floor` with its IoUs."""
    out_all = []
    for rec in records:
        h, w = rec.frame.height, rec.frame.width
        x = torch.from_numpy(normalise(rec.canvas(), cfg["mean"], cfg["std"]))[None]
        with torch.no_grad():
            out = model([x.to(device)])[0]
        scores = out["scores"].cpu().numpy()
        keep = scores >= floor
        det = (out["masks"].cpu().numpy()[keep, 0, :h, :w] > 0.5)
        gt = _gt_masks(rec)
        ign = _masks(rec.ignores, h, w) if rec.ignores else np.zeros((0, h, w), bool)
        out_all.append({
            "scores": scores[keep],
            "classes": [classes[int(c)] for c in out["labels"].cpu().numpy()[keep]],
            "iou": iou_matrix(det, gt),
            "iou_ignore": iou_matrix(det, ign),
            "gt_levels": [inst.level for inst in rec.instances],
            "view": rec.view,
            "has_landmarks": any(c in classes for c in FAR_END_LANDMARKS),
            "dice": lambda d, g, det=det, gt=gt: _dice(det[d], gt[g]),
        })
    return out_all


def maskrcnn_metrics(dets: List[dict], score: float = 0.5, reference_score: float = None) -> Dict:
    """Recall, precision (detections of unlabelled bodies in view ignored, as COCO crowd regions; the raw
    figure is reported too), matched Dice, reference found and false reference rates."""
    reference_score = score if reference_score is None else reference_score
    n_gt = n_det = n_det_raw = n_match = 0
    dices = []
    ref_eligible = ref_found = false_ref = best_found = best_false = 0
    landmarks = {}  # far-end landmark classes (T1, T12) of a 'landmarks' model: eligible, found, false
    for e in dets:
        is_ref = [c in ("C2", "S1") for c in e["classes"]]
        keep = [i for i, s in enumerate(e["scores"]) if s >= (reference_score if is_ref[i] else score)]
        iou = e["iou"][keep] if len(keep) else np.zeros((0, e["iou"].shape[1]))
        pairs = greedy_match(iou)
        matched = {d for d, _ in pairs}
        ignored = {d for d in range(len(keep)) if d not in matched and e["iou_ignore"].shape[1]
                   and e["iou_ignore"][keep[d]].max() >= IOU_MATCH}
        n_gt += iou.shape[1]
        n_det_raw += len(keep)
        n_det += len(keep) - len(ignored)
        n_match += len(pairs)
        dices.extend(e["dice"](keep[d], g) for d, g in pairs)
        gt_levels = e["gt_levels"]
        ref = REFERENCE_LEVEL.get(e["view"] or "")
        classes = [e["classes"][k] for k in keep]
        if ref and ref in gt_levels:
            ref_eligible += 1
            g = gt_levels.index(ref)
            if any(classes[d] == ref and iou[d, g] >= IOU_MATCH for d in range(len(keep))):
                ref_found += 1
        true_refs = [g for g, level in enumerate(gt_levels) if level in ("C2", "S1")]

        def is_true_ref(d):
            return any(iou[d, g] >= IOU_MATCH and gt_levels[g] == classes[d] for g in true_refs)
        if any(classes[d] in ("C2", "S1") and not is_true_ref(d) for d in range(len(keep))):
            false_ref += 1
        # The reference as fusion takes it: the one best-scoring C2/S1 detection of the image.
        refs = [d for d in range(len(keep)) if classes[d] in ("C2", "S1")]
        best = max(refs, key=lambda d: e["scores"][keep[d]]) if refs else None
        if ref and ref in gt_levels:
            g = gt_levels.index(ref)
            if best is not None and classes[best] == ref and iou[best, g] >= IOU_MATCH:
                best_found += 1
        if best is not None and not is_true_ref(best):
            best_false += 1
        for lm in (c for c in FAR_END_LANDMARKS if c in set(e["classes"]) | set(gt_levels) and e.get("has_landmarks", True)):
            tally = landmarks.setdefault(lm, [0, 0, 0])
            if lm in gt_levels:
                tally[0] += 1
                g = gt_levels.index(lm)
                if any(classes[d] == lm and iou[d, g] >= IOU_MATCH for d in range(len(keep))):
                    tally[1] += 1
            if any(classes[d] == lm and not any(iou[d, g] >= IOU_MATCH and gt_levels[g] == lm for g in range(len(gt_levels)))
                   for d in range(len(keep))):
                tally[2] += 1
    out = {
        "images": len(dets),
        "recall": round(n_match / max(1, n_gt), 4),
        "precision": round(n_match / max(1, n_det), 4),
        "precisionCountingUnlabelledBodies": round(n_match / max(1, n_det_raw), 4),
        "matchedDice": round(float(np.mean(dices)), 4) if dices else 0.0,
        "referenceFoundRate": round(ref_found / max(1, ref_eligible), 4),
        "referenceImages": ref_eligible,
        "falseReferenceRate": round(false_ref / max(1, len(dets)), 4),
        "bestReference": {"foundRate": round(best_found / max(1, ref_eligible), 4),
                          "falseRate": round(best_false / max(1, len(dets)), 4)},
        "scoreThreshold": score,
        "referenceScoreThreshold": reference_score,
        "iouThreshold": IOU_MATCH,
    }
    if landmarks:
        out["landmarks"] = {lm: {"images": t[0], "foundRate": round(t[1] / max(1, t[0]), 4),
                                 "falseRate": round(t[2] / max(1, len(dets)), 4)} for lm, t in sorted(landmarks.items())}
    return out


def evaluate_maskrcnn(model, cfg, classes, *, records: List[Record], device, score: float = 0.5,
                      reference_score: float = None) -> Dict:
    t0 = time.time()
    dets = detect_all(model, cfg, classes, records=records, device=device)
    metrics = maskrcnn_metrics(dets, score, reference_score)
    metrics["secondsPerImage"] = round((time.time() - t0) / max(1, len(records)), 4)
    return metrics


def evaluate_model(kind, model, cfg, *, classes, dirs, log=print, device=None, limit: int = 0,
                   score: float = 0.5, reference_score: float = None, sweep: bool = False) -> Dict:
    device = torch.device(device or "cpu")
    records = load_records(list(dirs), int(cfg["size"]), workers=0, log=log)
    if limit:
        records = records[:limit]
    model = model.to(device).eval()
    if kind == "unet":
        metrics = evaluate_unet(model, cfg, records, device=device)
    else:
        t0 = time.time()
        dets = detect_all(model, cfg, classes, records=records, device=device)
        metrics = maskrcnn_metrics(dets, score, reference_score)
        metrics["secondsPerImage"] = round((time.time() - t0) / max(1, len(records)), 4)
        if sweep:
            metrics["sweep"] = [maskrcnn_metrics(dets, s_, r_) for s_ in (0.5, 0.6, 0.7, 0.8)
                                for r_ in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)]
    metrics["data"] = ",".join(os.path.basename(os.path.normpath(d)) for d in dirs)
    return metrics


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, choices=["unet", "maskrcnn"])
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--limit", type=int, default=0, help="evaluate the first N images only")
    ap.add_argument("--device", default=None)
    ap.add_argument("--score", type=float, default=None, help="detection score threshold (default: the manifest's, else 0.5)")
    ap.add_argument("--reference-score", type=float, default=None, help="threshold for C2/S1 detections (default: --score)")
    ap.add_argument("--sweep", action="store_true", help="also report a grid of score / reference-score thresholds")
    args = ap.parse_args(argv)
    from .trained import load_trained
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    model, cfg, classes = load_trained(args.checkpoint, args.model)
    metrics = evaluate_model(args.model, model, cfg, classes=classes, dirs=[d for d in args.data.split(",") if d],
                             device=args.device, limit=args.limit, score=args.score or 0.5,
                             reference_score=args.reference_score, sweep=args.sweep)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump(metrics, fh, indent=2)
    print(json.dumps(metrics))
    return 0


if __name__ == "__main__":
    sys.exit(main())
