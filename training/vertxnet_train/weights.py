"""Weights-only files independent of torch's pickle format: optional fp16, split into size-capped parts.

Layout: b'VXW1' + uint32 little-endian header length + JSON header + raw little-endian tensor bytes.
Parts are plain byte slices of that stream: NAME.vxw, or NAME.vxw.part000, NAME.vxw.part001, ...
"""
import glob
import json
import os
import struct
from typing import Dict, List, Tuple

import numpy as np
import torch

MAGIC = b"VXW1"
_DTYPES = {"float32": torch.float32, "float16": torch.float16, "int64": torch.int64,
           "float64": torch.float64, "int32": torch.int32, "uint8": torch.uint8, "bool": torch.bool}


def _np_dtype(name: str):
    return np.dtype(name).newbyteorder("<")


def save_weights(state_dict: Dict[str, torch.Tensor], path: str, meta: dict, *, half: bool = False,
                 chunk_mb: float = 0) -> List[str]:
    """Write the state dict; returns the files written (one, or parts of at most chunk_mb MB)."""
    entries, blobs, offset = [], [], 0
    for name, t in state_dict.items():
        t = t.detach().cpu()
        if half and t.is_floating_point():
            t = t.half()
        elif t.dtype == torch.bfloat16:
            t = t.float()
        arr = t.contiguous().numpy()
        dtype = str(arr.dtype)
        raw = arr.astype(_np_dtype(dtype), copy=False).tobytes()
        entries.append({"name": name, "dtype": dtype, "shape": list(arr.shape), "offset": offset, "nbytes": len(raw)})
        blobs.append(raw)
        offset += len(raw)
    header = json.dumps({"tensors": entries, "meta": meta, "half": bool(half)}).encode("utf-8")
    stream = MAGIC + struct.pack("<I", len(header)) + header + b"".join(blobs)
    for old in glob.glob(glob.escape(path) + ".part*") + ([path] if os.path.exists(path) else []):
        os.remove(old)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    if not chunk_mb or len(stream) <= chunk_mb * 1024 * 1024:
        with open(path, "wb") as fh:
            fh.write(stream)
        return [path]
    step = int(chunk_mb * 1024 * 1024)
    files = []
    for i in range(0, len(stream), step):
        part = "%s.part%03d" % (path, i // step)
        with open(part, "wb") as fh:
            fh.write(stream[i: i + step])
        files.append(part)
    return files


def weight_files(path: str) -> List[str]:
    """The file(s) for a weights path given as NAME.vxw, NAME.vxw.partNNN, or NAME (prefix)."""
    base = path
    if ".part" in os.path.basename(path):
        base = path[: path.rindex(".part")]
    if os.path.isfile(base):
        return [base]
    parts = sorted(glob.glob(glob.escape(base) + ".part[0-9][0-9][0-9]"))
    if not parts and not base.endswith(".vxw"):
        return weight_files(base + ".vxw")
    if not parts:
        raise FileNotFoundError("no weights at %s" % path)
    return parts


def is_weights_path(path: str) -> bool:
    try:
        with open(weight_files(path)[0], "rb") as fh:
            return fh.read(4) == MAGIC
    except (FileNotFoundError, IsADirectoryError):
        return False


def load_weights(path: str) -> Tuple[Dict[str, torch.Tensor], dict]:
    """Reassemble the parts; floating tensors come back as fp32. Returns (state_dict, meta)."""
    stream = b"".join(open(f, "rb").read() for f in weight_files(path))
    if stream[:4] != MAGIC:
        raise ValueError("%s is not a VXW1 weights file" % path)
    (hlen,) = struct.unpack("<I", stream[4:8])
    header = json.loads(stream[8: 8 + hlen].decode("utf-8"))
    base = 8 + hlen
    state = {}
    for e in header["tensors"]:
        raw = stream[base + e["offset"]: base + e["offset"] + e["nbytes"]]
        arr = np.frombuffer(raw, dtype=_np_dtype(e["dtype"])).reshape(e["shape"]).astype(e["dtype"])
        t = torch.from_numpy(arr.copy())
        if t.is_floating_point():
            t = t.float()
        state[e["name"]] = t
    return state, header.get("meta", {})


def torch_load(path: str, map_location="cpu"):
    """torch.load of our own full checkpoints on torch 1.13 and >= 2.6 (weights_only default)."""
    try:
        return torch.load(path, map_location=map_location, weights_only=False)
    except TypeError:
        return torch.load(path, map_location=map_location)
