"""Dump a deterministic input and PyTorch's outputs for the Node-side ONNX parity test.

python3 -m vertxnet_train.parity --model-dir models/<name> --checkpoint PATH --out DIR [--image PATH]

Writes DIR/input.f32 (the engine's tensor: letterboxed, (pixel/255 - mean)/std), DIR/canvas.png
(the 8-bit letterboxed canvas), one raw little-endian file per output, and DIR/parity.json.
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import torch
from PIL import Image, ImageDraw

from .export import HEAD_KINDS, MaskRCNNExport, OUTPUTS, bundle_module, load_heads, sha256_file
from .heads.constants import MIRROR_KEY, VIEW
from .models import UNetExport
from .preprocess import letterbox, load_gray, normalise
from .trained import load_trained


def synthetic_radiograph(width: int = 600, height: int = 760, seed: int = 7) -> np.ndarray:
    """A fixed lateral-spine-like picture: a tilted column of bright rounded bodies on soft tissue."""
    rng = np.random.default_rng(seed)
    im = Image.new("L", (width, height), 40)
    draw = ImageDraw.Draw(im)
    draw.ellipse([width * 0.1, -height * 0.1, width * 0.9, height * 1.1], fill=70)
    for k in range(7):
        cy = height * (0.1 + 0.12 * k)
        cx = width * 0.5 + (k - 3) * 8
        rx, ry = width * 0.15, height * 0.045
        pts = [(cx + rx * math.cos(t) - 0.15 * ry * math.sin(t), cy + ry * math.sin(t) + 0.1 * rx * math.cos(t))
               for t in np.linspace(0, 2 * math.pi, 40, endpoint=False)]
        draw.polygon(pts, fill=int(170 + 5 * k))
    arr = np.array(im, np.float32) + rng.normal(0, 6, (height, width))
    return np.clip(np.floor(arr + 0.5), 0, 255).astype(np.uint8)


def _write(path: str, t: torch.Tensor) -> dict:
    arr = t.detach().cpu().numpy()
    dtype = "int64" if arr.dtype == np.int64 else "float32"
    arr = arr.astype("<i8" if dtype == "int64" else "<f4")
    with open(path, "wb") as fh:
        fh.write(arr.tobytes())
    return {"file": os.path.basename(path), "shape": list(arr.shape), "dtype": dtype}


def dump(model_dir: str, checkpoint: str, out: str, *, image: str = None) -> dict:
    with open(os.path.join(model_dir, "manifest.json")) as fh:
        manifest = json.load(fh)
    kind = "unet" if manifest["task"] == "foreground-segmentation" else "maskrcnn"
    onnx_path = os.path.join(model_dir, manifest.get("file", "model.onnx"))
    if os.path.isfile(onnx_path) and sha256_file(onnx_path) != manifest["sha256"]:
        raise ValueError("%s does not match the manifest's sha256" % onnx_path)
    model, cfg, _ = load_trained(checkpoint, kind)
    inp = manifest["input"]
    if int(cfg["size"]) != inp["size"]:
        raise ValueError("checkpoint size %d != manifest size %d" % (cfg["size"], inp["size"]))
    gray = load_gray(image) if image else synthetic_radiograph()
    canvas, fr = letterbox(gray, inp["size"])
    x = torch.from_numpy(normalise(canvas, inp["mean"], inp["std"]))
    x = x[None, None] if kind == "unet" else x[None]
    names = list(OUTPUTS[kind].values())
    if kind == "unet" and VIEW in manifest["outputs"]:
        # A U-Net with its heads (vertxnet_train.export_with_view): their weights sit beside the U-Net's.
        kinds = [k for k in HEAD_KINDS if k in manifest["outputs"]]
        heads = load_heads({k: os.path.join(model_dir, k + ".vxw") for k in kinds})
        names += [manifest["outputs"][k] for k in kinds]
        module = bundle_module(model, heads, bool(manifest.get(MIRROR_KEY)))
    else:
        module = (UNetExport(model) if kind == "unet" else MaskRCNNExport(model)).eval()
    with torch.no_grad():
        outs = module(x)
    outs = outs if isinstance(outs, tuple) else (outs,)
    os.makedirs(out, exist_ok=True)
    Image.fromarray(canvas).save(os.path.join(out, "canvas.png"))
    result = {
        "input": dict(_write(os.path.join(out, "input.f32"), x), name=inp["name"]),
        "outputs": {},
        "meta": {"model": manifest["name"], "version": manifest["version"], "sha256": manifest["sha256"],
                 "task": manifest["task"], "torch": torch.__version__, "size": inp["size"],
                 "mean": inp["mean"], "std": inp["std"], "canvas": "canvas.png",
                 "source": os.path.basename(image) if image else "synthetic_radiograph(600x760, seed 7)",
                 "frame": {"sourceWidth": fr.source_width, "sourceHeight": fr.source_height, "scale": fr.scale,
                           "width": fr.width, "height": fr.height, "size": fr.size},
                 "byteOrder": "little"},
    }
    for name, t in zip(names, outs):
        result["outputs"][name] = _write(os.path.join(out, name + (".i64" if t.dtype == torch.int64 else ".f32")), t)
    with open(os.path.join(out, "parity.json"), "w") as fh:
        json.dump(result, fh, indent=2)
    return result


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--image", default=None, help="a real image (PNG/JPEG); default: a fixed synthetic one")
    args = ap.parse_args(argv)
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    r = dump(args.model_dir, args.checkpoint, args.out, image=args.image)
    print(json.dumps({k: v["shape"] for k, v in r["outputs"].items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
