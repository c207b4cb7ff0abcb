"""Load a trained model from a full checkpoint (checkpoint.pt) or a weights-only .vxw file (or its parts)."""
import os
from typing import Tuple

import torch

from .levels import class_names
from .models import build_model
from .weights import is_weights_path, load_weights, torch_load


def load_trained(path: str, kind: str = None) -> Tuple[torch.nn.Module, dict, list]:
    """Returns (model in eval mode on CPU, config, classes)."""
    if os.path.isdir(path):
        path = os.path.join(path, "checkpoint.pt")
    if is_weights_path(path):
        state, meta = load_weights(path)
    else:
        ck = torch_load(path)
        state, meta = ck["model"], {"config": ck["config"], "classes": ck["classes"], "model": ck["kind"]}
    cfg = meta["config"]
    kind = kind or meta.get("model") or cfg["model"]
    if (meta.get("model") or cfg["model"]) != kind:
        raise ValueError("%s holds a %s model, not %s" % (path, meta.get("model"), kind))
    classes = meta.get("classes") or (["background", "vertebral-body"] if kind == "unet" else class_names(cfg["classes"]))
    model = build_model(kind, cfg, classes)
    model.load_state_dict(state)
    model.eval()
    return model, cfg, classes
