"""Inference throughput of the shipped models on this machine's accelerator (or CPU), in PyTorch and,
where the installed onnxruntime has a GPU provider, in onnxruntime on the exported ONNX.

python3 -m vertxnet_train.benchmark --models models --images DIR [--batches 1,2,4,8,16,32] [--seconds 3] [--out bench.json]

Per model and batch size: images/s, per-batch latency p50/p95 (ms), peak accelerator memory; and the
process's peak RSS. Inputs are real radiographs letterboxed to the model's input size, cycled.
The pipeline itself runs the ONNX models in onnxruntime-node (bench/inference.ts measures that on CPU).
"""
import argparse
import glob
import json
import os
import resource
import sys
import time
from typing import Dict, List

import numpy as np
import torch

from .preprocess import letterbox, load_gray, normalise
from .trained import load_trained


def _inputs(images_dir: str, size: int, *, mean: float, std: float, limit: int = 32) -> np.ndarray:
    files = sorted(glob.glob(os.path.join(images_dir, "**", "*.*"), recursive=True))
    files = [f for f in files if f.lower().endswith((".png", ".jpg", ".jpeg", ".tif", ".tiff"))][:limit]
    if not files:
        raise SystemExit("no images under %s" % images_dir)
    out = []
    for f in files:
        canvas, _ = letterbox(load_gray(f), size)
        out.append(normalise(canvas, mean, std))
    return np.stack(out)[:, None].astype(np.float32)


def _percentile(values: List[float], p: float) -> float:
    return float(np.percentile(np.asarray(values), p)) if values else 0.0


def _time(run, batch: int, *, seconds: float, sync) -> Dict:
    run(0)  # warm-up (kernel selection, allocator)
    run(1)
    sync()
    lat, n, t0 = [], 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds or len(lat) < 5:
        s = time.perf_counter()
        run(n)
        sync()
        lat.append((time.perf_counter() - s) * 1000.0)
        n += 1
    total = time.perf_counter() - t0
    return {"batch": batch, "imagesPerSecond": round(n * batch / total, 1),
            "latencyMs": {"p50": round(_percentile(lat, 50), 2), "p95": round(_percentile(lat, 95), 2)}, "batches": n}


def bench_torch(kind: str, weights: str, x: np.ndarray, *, batches: List[int], seconds: float, device: torch.device) -> List[Dict]:
    model, cfg, _ = load_trained(weights, kind)
    model = model.to(device).eval()
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    rows = []
    for b in batches:
        xb = [torch.from_numpy(np.concatenate([x] * (b // len(x) + 1))[i * b:(i + 1) * b]).to(device)
              for i in range(2)]
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats()

        def run(i, xb=xb):
            with torch.no_grad():
                if kind == "unet":
                    torch.sigmoid(model(xb[i % 2]))
                else:
                    model(list(xb[i % 2]))
        try:
            row = _time(run, b, seconds=seconds, sync=sync)
        except torch.cuda.OutOfMemoryError:  # pragma: no cover - only on small accelerators
            rows.append({"batch": b, "error": "out of memory"})
            break
        if device.type == "cuda":
            row["peakDeviceMemoryMB"] = round(torch.cuda.max_memory_allocated() / 2 ** 20, 1)
        rows.append(row)
    return rows


def bench_onnx(path: str, x: np.ndarray, *, batches: List[int], seconds: float, dynamic: bool) -> Dict:
    import onnxruntime as ort
    providers = [p for p in ("CUDAExecutionProvider", "CPUExecutionProvider") if p in ort.get_available_providers()]
    sess = ort.InferenceSession(path, providers=providers)
    name = sess.get_inputs()[0].name
    rows = []
    for b in batches if dynamic else [1]:
        xb = np.ascontiguousarray(np.concatenate([x] * (b // len(x) + 1))[:b] if dynamic else x[:1, 0])
        rows.append(_time(lambda i: sess.run(None, {name: xb}), b, seconds=seconds, sync=lambda: None))
    return {"providers": sess.get_providers(), "rows": rows}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="models", help="folder holding unet/ and maskrcnn/ (weights.vxw, model.onnx)")
    ap.add_argument("--images", required=True, help="folder of radiographs to feed")
    ap.add_argument("--batches", default="1,2,4,8,16,32")
    ap.add_argument("--seconds", type=float, default=3.0, help="timed seconds per batch size")
    ap.add_argument("--device", default=None)
    ap.add_argument("--onnx", action="store_true", help="also time model.onnx in onnxruntime")
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True
    batches = [int(b) for b in args.batches.split(",") if b]
    report = {"device": torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu (%d threads)" % torch.get_num_threads(),
              "torch": torch.__version__, "models": {}}
    for kind in ("unet", "maskrcnn"):
        folder = os.path.join(args.models, kind)
        manifest = json.load(open(os.path.join(folder, "manifest.json")))
        inp = manifest["input"]
        x = _inputs(args.images, inp["size"], mean=inp["mean"], std=inp["std"])
        entry = {"version": manifest["version"], "inputSize": inp["size"],
                 "torch": bench_torch(kind, os.path.join(folder, "weights.vxw"), x, batches=batches, seconds=args.seconds,
                                      device=device)}
        onnx_path = os.path.join(folder, manifest.get("file", "model.onnx"))
        if args.onnx and os.path.isfile(onnx_path):
            try:
                entry["onnxruntime"] = bench_onnx(onnx_path, x, batches=batches, seconds=args.seconds,
                                                  dynamic=bool(inp.get("dynamicBatch")))
            except Exception as exc:  # report, do not abort the torch figures
                entry["onnxruntime"] = {"error": str(exc)[:300]}
        report["models"][kind] = entry
        for row in entry["torch"]:
            print("%-8s torch batch %2d: %8.1f images/s  p50 %7.2f ms  p95 %7.2f ms  peak %s MB" % (
                kind, row["batch"], row.get("imagesPerSecond", 0), row.get("latencyMs", {}).get("p50", 0),
                row.get("latencyMs", {}).get("p95", 0), row.get("peakDeviceMemoryMB", "-")), flush=True)
        for row in entry.get("onnxruntime", {}).get("rows", []):
            print("%-8s onnxruntime %s batch %2d: %8.1f images/s  p50 %7.2f ms" % (
                kind, entry["onnxruntime"]["providers"][0], row["batch"], row["imagesPerSecond"], row["latencyMs"]["p50"]), flush=True)
    report["peakRssMB"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print("peak RSS %.1f MB on %s" % (report["peakRssMB"], report["device"]))
    if args.out:
        with open(args.out, "w") as fh:
            json.dump(report, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
