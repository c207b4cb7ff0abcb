"""Training configurations: tiny (tests), cpu (this 2-core machine), gpu (one shot on an H100)."""
import copy

COMMON = {
    "size": 512,
    "mean": 0.5,
    "std": 0.25,
    "seed": 1234,
    "unet_base": 16,
    "unet_depth": 4,
    "fpn_channels": 128,
    "trunk_layers": 3,
    "box_head": 512,
    "mask_convs": 2,
    "detections": 30,
    "classes": "reference",
    "aug_strength": 1.0,
    "invert_share": 0.0,
    "warmup": 50,
    "min_lr_ratio": 0.02,
    "weight_decay": 1e-4,
    "grad_clip": 10.0,
    "log_every": 10,
    "checkpoint_every": 200,
    "threads": 0,
    "workers": 0,
    "cache_workers": 0,
    "amp": {"unet": None, "maskrcnn": None},
}

CONFIGS = {
    "tiny": {
        "size": 128, "unet_base": 8, "iters": {"unet": 3, "maskrcnn": 3}, "batch": {"unet": 2, "maskrcnn": 2},
        "lr": {"unet": 1e-3, "maskrcnn": 2e-4}, "warmup": 1, "log_every": 1, "checkpoint_every": 2, "threads": 2,
    },
    "cpu": {
        "iters": {"unet": 250, "maskrcnn": 200}, "batch": {"unet": 2, "maskrcnn": 2},
        "lr": {"unet": 1e-3, "maskrcnn": 2e-4}, "warmup": 30, "threads": 2, "checkpoint_every": 50,
    },
    "gpu": {
        "iters": {"unet": 100000, "maskrcnn": 100000}, "batch": {"unet": 32, "maskrcnn": 16},
        "lr": {"unet": 2e-3, "maskrcnn": 4e-4}, "warmup": 100, "workers": 6, "cache_workers": 6, "threads": 2,
        "checkpoint_every": 500, "log_every": 20,
        # bf16 autocast for the U-Net; Mask R-CNN stays fp32 (TF32 matmuls) so losses cannot overflow
        "amp": {"unet": "bf16", "maskrcnn": None},
    },
}


def get_config(name: str, kind: str, overrides: dict = None) -> dict:
    if name not in CONFIGS:
        raise ValueError("config must be one of %s, got %r" % (sorted(CONFIGS), name))
    cfg = copy.deepcopy(COMMON)
    cfg.update(copy.deepcopy(CONFIGS[name]))
    # collapse the per-model entries to this model's value
    for key in ("iters", "batch", "lr", "amp"):
        if isinstance(cfg.get(key), dict):
            cfg[key] = cfg[key].get(kind)
    cfg["name"] = name
    cfg["model"] = kind
    for k, v in (overrides or {}).items():
        if v is not None:
            cfg[k] = v
    if cfg["size"] % 32:
        raise ValueError("input size must be a multiple of 32, got %d" % cfg["size"])
    return cfg
