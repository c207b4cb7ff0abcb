"""Train the U-Net or the Mask R-CNN.

python3 -m vertxnet_train.train --model unet|maskrcnn --data DIR[,DIR2] --out RUNDIR --config cpu|gpu|tiny
    [--max-minutes M] [--iters N] [--resume] [--val DIR] [--save-chunks MB] [--save-half]
"""
import argparse
import json
import math
import os
import pickle
import random
import sys
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, List, Optional, Tuple

import numpy as np
import torch

from .coco import load_records, refuse_held_out_style
from .config import get_config
from .data import ForegroundDataset, InstanceDataset, collate_list, expand_masks, to_model_input
from .levels import class_names
from .models import build_model, count_parameters, dice_bce_loss
from .weights import load_weights, save_weights, torch_load

T0 = time.time()


def log(msg: str) -> None:
    print("[%7.1fs] %s" % (time.time() - T0, msg), flush=True)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % (2 ** 32))
    torch.manual_seed(seed)


def lr_factor(step: int, progress: float, *, warmup: int, min_ratio: float) -> float:
    """Linear warm-up over `warmup` steps, then cosine over progress in [0, 1] down to min_ratio."""
    w = min(1.0, (step + 1) / float(max(1, warmup)))
    cos = min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * min(1.0, max(0.0, progress))))
    return w * cos


def autocast_ctx(device: torch.device, amp):
    if device.type != "cuda" or not amp:
        return nullcontext()
    dtype = torch.bfloat16 if amp == "bf16" else torch.float16
    return torch.autocast(device_type="cuda", dtype=dtype)


def make_scaler(device: torch.device, amp):
    if device.type != "cuda" or amp != "fp16":
        return None
    if hasattr(torch, "amp") and hasattr(torch.amp, "GradScaler"):
        try:
            return torch.amp.GradScaler("cuda")
        except TypeError:
            pass
    return torch.cuda.amp.GradScaler()


def load_or_cache_records(args, cfg):
    paths = [p for p in args.data.split(",") if p]
    if args.cache and os.path.isfile(args.cache):
        with open(args.cache, "rb") as fh:
            cached = pickle.load(fh)
        if cached["size"] == cfg["size"] and cached["paths"] == paths:
            log("records from cache %s" % args.cache)
            return cached["records"]
    refuse_held_out_style(paths)
    records = load_records(paths, cfg["size"], workers=cfg["cache_workers"], log=log)
    if args.cache:
        tmp = args.cache + ".tmp%d" % os.getpid()
        with open(tmp, "wb") as fh:
            pickle.dump({"size": cfg["size"], "paths": paths, "records": records}, fh, protocol=4)
        os.replace(tmp, args.cache)
    return records


@dataclass
class Session:
    """One training process: the model, its optimiser and scaler, and the progress a checkpoint keeps."""
    kind: str
    cfg: dict
    classes: list
    device: torch.device
    amp: Optional[str]
    model: torch.nn.Module
    opt: torch.optim.Optimizer
    scaler: Any
    ck_path: str  # full checkpoint (model, optimiser, scaler, state) for --resume
    weights_path: str  # weights-only file, rewritten at every checkpoint
    state: dict = field(default_factory=lambda: {"step": 0, "epoch": 0, "elapsed": 0.0, "losses": []})
    deadline: Optional[float] = None  # wall-clock end of the --max-minutes budget
    save_half: bool = False
    save_chunks: float = 0
    start: float = field(default_factory=time.time)  # this process's start of training
    prev_elapsed: float = 0.0  # training seconds of earlier processes (resumed)

    def progress(self) -> float:
        """Share of the run done: steps over iters, or time over the budget when that is further."""
        p = self.state["step"] / float(self.cfg["iters"])
        if self.deadline:
            margin = 15.0  # time kept for the final save
            now = time.time()
            p = max(p, (self.prev_elapsed + now - self.start)
                    / max(1e-6, self.prev_elapsed + (self.deadline - margin) - self.start))
        return p

    def save_checkpoint(self) -> None:
        tmp = self.ck_path + ".tmp"
        torch.save({"model": self.model.state_dict(), "optimizer": self.opt.state_dict(),
                    "scaler": self.scaler.state_dict() if self.scaler is not None else None,
                    "state": self.state, "config": self.cfg, "classes": self.classes, "kind": self.kind}, tmp)
        os.replace(tmp, self.ck_path)

    def save(self) -> List[str]:
        """Checkpoint and weights file; returns the weights file(s) written."""
        self.state["elapsed"] = self.prev_elapsed + time.time() - self.start
        self.save_checkpoint()
        meta = {"model": self.kind, "config": self.cfg, "classes": self.classes, "step": self.state["step"],
                "framework": "torch %s" % torch.__version__,
                "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        return save_weights(self.model.state_dict(), self.weights_path, meta, half=self.save_half, chunk_mb=self.save_chunks)


def _batch_loss(session: Session, batch):
    """The batch's loss (None when not finite) and, for the Mask R-CNN, its parts."""
    cfg, device = session.cfg, session.device
    images, targets = batch
    if session.kind == "unet":
        images = to_model_input(images.to(device, non_blocking=True), cfg["mean"], cfg["std"])
        targets = targets.to(device, non_blocking=True).float()
        with autocast_ctx(device, session.amp):
            logits = session.model(images)
        return dice_bce_loss(logits, targets), {}
    images = [to_model_input(im.to(device, non_blocking=True), cfg["mean"], cfg["std"]) for im in images]
    targets = [expand_masks({k: v.to(device, non_blocking=True) for k, v in t.items()}) for t in targets]
    with autocast_ctx(device, session.amp):
        losses = session.model(images, targets)
    parts = {k.replace("loss_", ""): float(v) for k, v in losses.items()}
    return sum(v.float() for v in losses.values()), parts


def train_step(session: Session, batch):
    """One optimiser step; returns (loss or None when it was not finite and skipped, loss parts)."""
    loss, parts = _batch_loss(session, batch)
    opt, scaler, model, clip = session.opt, session.scaler, session.model, session.cfg["grad_clip"]
    if not torch.isfinite(loss):
        opt.zero_grad(set_to_none=True)
        return None, parts
    opt.zero_grad(set_to_none=True)
    if scaler is not None:
        scaler.scale(loss).backward()
        scaler.unscale_(opt)
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        scaler.step(opt)
        scaler.update()
    else:
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
    return float(loss), parts


def remap_classes(init: dict, target: dict, *, old: list, new: list) -> dict:
    """Fine-tuning onto another class list: class-specific rows of the box and mask predictors are
    copied by class name; a class the old model lacked starts from its 'vertebra' row (or background),
    so the model begins by calling those bodies what it called them before."""
    out = dict(init)
    for key, want in target.items():
        have = init.get(key)
        if have is None or have.shape == want.shape:
            continue
        per = have.shape[0] // len(old)
        if have.shape[0] != per * len(old) or want.shape[0] != per * len(new) or have.shape[1:] != want.shape[1:]:
            raise ValueError("cannot map %s from %s to %s" % (key, tuple(have.shape), tuple(want.shape)))
        rows = []
        for name in new:
            src = old.index(name) if name in old else (old.index("vertebra") if "vertebra" in old else 0)
            rows.append(have[src * per:(src + 1) * per])
        out[key] = torch.cat(rows, 0)
        if key.endswith("cls_score.bias"):
            # a new class must not start out tied with the class it was copied from
            for i, name in enumerate(new):
                if name not in old:
                    out[key][i] -= 2.0
    return out


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, choices=["unet", "maskrcnn"])
    ap.add_argument("--data", required=True, help="COCO dataset folder(s), comma-separated")
    ap.add_argument("--out", required=True, help="run folder (checkpoint.pt, weights, train.json)")
    ap.add_argument("--config", default="cpu", choices=["tiny", "cpu", "gpu"])
    ap.add_argument("--max-minutes", type=float, default=None, help="wall-clock budget for this process")
    ap.add_argument("--iters", type=int, default=None)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--init", default=None, help="start from these weights (.vxw or checkpoint), e.g. to fine-tune")
    ap.add_argument("--val", default=None, help="held-out COCO folder evaluated at the end")
    ap.add_argument("--size", type=int, default=None, help="override the input size S")
    ap.add_argument("--batch", type=int, default=None)
    ap.add_argument("--lr", type=float, default=None)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--classes", default=None, choices=["reference", "landmarks", "per-level"])
    ap.add_argument("--unet-base", type=int, default=None)
    ap.add_argument("--cache", default=None, help="pickle of decoded records, reused if it matches")
    ap.add_argument("--save-chunks", type=float, default=0, help="split the weights file into parts of at most MB")
    ap.add_argument("--save-half", action="store_true", help="store weights as fp16")
    ap.add_argument("--weights", default=None, help="weights path (default RUNDIR/<model>.vxw); also written at checkpoints")
    ap.add_argument("--cache-workers", type=int, default=None, help="processes decoding the images")
    ap.add_argument("--prepare-only", action="store_true", help="decode the data into --cache and stop")
    ap.add_argument("--device", default=None)
    ap.add_argument("--invert-share", type=float, default=None,
                    help="share of training films shown with inverted polarity (default 0)")
    return ap.parse_args(argv)


def build_config(args: argparse.Namespace) -> dict:
    return get_config(args.config, args.model, {"size": args.size, "batch": args.batch, "lr": args.lr,
                                                "workers": args.workers, "classes": args.classes,
                                                "unet_base": args.unet_base, "iters": args.iters,
                                                "cache_workers": args.cache_workers,
                                                "invert_share": args.invert_share})


def pick_device(name: Optional[str], kind: str) -> torch.device:
    device = torch.device(name or ("cuda" if torch.cuda.is_available() else "cpu"))
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = kind == "unet"  # Mask R-CNN's head shapes vary every step
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    return device


def build_session(args: argparse.Namespace, cfg: dict, device: torch.device) -> Session:
    """Model, optimiser and scaler, started from --init or resumed from the run's checkpoint."""
    kind = args.model
    classes = ["background", "vertebral-body"] if kind == "unet" else class_names(cfg["classes"])
    model = build_model(kind, cfg, classes).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=cfg["weight_decay"])
    amp = cfg["amp"]
    if amp == "bf16" and device.type == "cuda" and not torch.cuda.is_bf16_supported():
        amp = "fp16"
    session = Session(kind=kind, cfg=cfg, classes=classes, device=device, amp=amp, model=model, opt=opt,
                      scaler=make_scaler(device, amp), ck_path=os.path.join(args.out, "checkpoint.pt"),
                      weights_path=args.weights or os.path.join(args.out, "%s.vxw" % kind),
                      deadline=T0 + args.max_minutes * 60.0 if args.max_minutes else None,
                      save_half=args.save_half, save_chunks=args.save_chunks)
    resuming = args.resume and os.path.isfile(session.ck_path)
    if args.init and not resuming:
        _init_from(session, args.init)
    if resuming:
        _resume(session)
    return session


def _init_from(session: Session, path: str) -> None:
    init_state, init_meta = load_weights(path)
    init_state = {k: v.float() for k, v in init_state.items()}
    if session.kind == "maskrcnn" and init_meta.get("classes") and init_meta["classes"] != session.classes:
        init_state = remap_classes(init_state, session.model.state_dict(), old=init_meta["classes"], new=session.classes)
        log("class-specific weights mapped from %s to %s" % (init_meta["classes"], session.classes))
    session.model.load_state_dict(init_state)
    log("initialised from %s" % path)


def _resume(session: Session) -> None:
    ck = torch_load(session.ck_path)
    session.model.load_state_dict(ck["model"])
    session.opt.load_state_dict(ck["optimizer"])
    if session.scaler is not None and ck.get("scaler"):
        session.scaler.load_state_dict(ck["scaler"])
    session.state = ck["state"]
    log("resumed from %s at step %d" % (session.ck_path, session.state["step"]))


def make_loader(session: Session, records) -> Tuple[torch.utils.data.Dataset, dict]:
    """The dataset and the DataLoader's arguments; its generator is reseeded every epoch."""
    cfg = session.cfg
    common = dict(records=records, augment=cfg["aug_strength"] > 0,
                  seed=cfg["seed"], min_length=cfg["batch"] * 64, strength=cfg["aug_strength"],
                  invert_share=cfg["invert_share"])
    if session.kind == "unet":
        ds = ForegroundDataset(**common)
        collate = None
    else:
        ds = InstanceDataset(classes=session.classes, **common)
        collate = collate_list
    loader_kw = dict(batch_size=cfg["batch"], shuffle=True, drop_last=True, num_workers=cfg["workers"],
                     pin_memory=session.device.type == "cuda", generator=torch.Generator())
    if collate is not None:
        loader_kw["collate_fn"] = collate
    if cfg["workers"]:
        loader_kw["prefetch_factor"] = 2
        if sys.platform.startswith("linux"):  # fork shares the cached records; forkserver would pickle them
            loader_kw["multiprocessing_context"] = "fork"
    return ds, loader_kw


def train_loop(session: Session, ds, loader_kw: dict) -> None:
    """Epochs of shuffled batches until the step cap or the time budget, checkpointing on the way."""
    cfg, state = session.cfg, session.state
    session.prev_elapsed, session.start = state["elapsed"], time.time()
    session.model.train()
    done = session.progress() >= 1.0
    t_log, n_log, loss_sum = time.time(), 0, 0.0
    while not done:
        ds.epoch = state["epoch"]
        loader_kw["generator"].manual_seed(cfg["seed"] + state["epoch"])
        for batch in torch.utils.data.DataLoader(ds, **loader_kw):
            f = lr_factor(state["step"], session.progress(), warmup=cfg["warmup"], min_ratio=cfg["min_lr_ratio"])
            for group in session.opt.param_groups:
                group["lr"] = cfg["lr"] * f
            loss, parts = train_step(session, batch)
            state["step"] += 1
            if loss is None:
                log("step %d: non-finite loss, step skipped" % state["step"])
            else:
                loss_sum += loss
                n_log += 1
            if state["step"] % cfg["log_every"] == 0 and n_log:
                dt = (time.time() - t_log) / cfg["log_every"]
                mean = loss_sum / n_log
                state["losses"].append([state["step"], round(mean, 5)])
                log("step %d lr %.2e loss %.4f %s %.3f s/it progress %.3f" % (
                    state["step"], cfg["lr"] * f, mean, " ".join("%s %.3f" % kv for kv in parts.items()), dt, session.progress()))
                t_log, n_log, loss_sum = time.time(), 0, 0.0
            if session.progress() >= 1.0:
                done = True
            if state["step"] % cfg["checkpoint_every"] == 0 and not done:
                session.save()
            if done:
                break
        else:
            state["epoch"] += 1


def finish(session: Session, args: argparse.Namespace) -> dict:
    """Final save, validation when asked, and RUNDIR/train.json."""
    files = session.save()
    state = session.state
    summary = {"model": session.kind, "steps": state["step"], "train_seconds": round(state["elapsed"], 1),
               "seconds_per_iter": round(state["elapsed"] / max(1, state["step"]), 4),
               "final_loss": state["losses"][-1][1] if state["losses"] else None, "weights": files, "config": session.cfg}
    if args.val:
        from .evaluate import evaluate_model
        session.model.eval()
        summary["metrics"] = evaluate_model(session.kind, session.model, session.cfg, classes=session.classes, dirs=[args.val],
                                            log=log, device=session.device)
    with open(os.path.join(args.out, "train.json"), "w") as fh:
        json.dump(summary, fh, indent=2)
    log("done: %d steps in %.0f s (%.3f s/it); weights %s" % (
        state["step"], state["elapsed"], summary["seconds_per_iter"], ", ".join(files)))
    if summary.get("metrics"):
        log("validation: %s" % json.dumps(summary["metrics"]))
    return summary


def main(argv=None):
    args = parse_args(argv)
    cfg = build_config(args)
    os.makedirs(args.out, exist_ok=True)
    if cfg["threads"]:
        torch.set_num_threads(cfg["threads"])
    seed_everything(cfg["seed"])
    records = load_or_cache_records(args, cfg)  # before CUDA init: the decode pool forks
    if args.prepare_only:
        return {"images": len(records)}
    session = build_session(args, cfg, pick_device(args.device, args.model))
    log("%s: %d parameters, %d images, config %s, S=%d, batch %d, device %s, amp %s" % (
        session.kind, count_parameters(session.model), len(records), cfg["name"], cfg["size"], cfg["batch"], session.device,
        session.amp))
    ds, loader_kw = make_loader(session, records)
    train_loop(session, ds, loader_kw)
    return finish(session, args)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
