"""What the small heads share beyond constants: the training loop (AdamW, one-cycle schedule,
shuffled batches), the pooled input, the command line, saving and loading, mirror-averaged softmax."""
import json
import os
import time
from typing import Callable, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..weights import load_weights, save_weights
from .constants import INFER_BATCH, MEAN, POOL, SEED, STD


def fit_head(make_model: Callable[[], nn.Module], images: int,
             batch_loss: Callable[[nn.Module, torch.Generator, torch.Tensor], torch.Tensor], *, epochs: int, batch: int,
             lr: float, seed: int, epoch_row: Callable[[nn.Module, float], dict], log=print) -> Tuple[nn.Module, dict]:
    """Seeds torch, builds the model and trains it over `images` samples: `batch_loss(model, gen,
    indices)` gives one batch's loss (gen drives shuffling and augmentation) and `epoch_row(model,
    start_time)` the figures logged after each epoch. Returns the model and its training record."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = make_model()
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    steps = epochs * ((images + batch - 1) // batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps)
    start = time.time()
    history = []
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(images, generator=gen)
        total = 0.0
        for i in range(0, images, batch):
            idx = order[i:i + batch]
            loss = batch_loss(model, gen, idx)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
        row = {"epoch": epoch + 1, "loss": round(total / images, 4), **epoch_row(model, start)}
        history.append(row)
        log(json.dumps(row))
    model.eval()
    return model, {"epochs": epochs, "batch": batch, "lr": lr, "seed": seed, "images": images,
                   "train_seconds": round(time.time() - start, 1), "hardware": hardware(), "history": history}


def hardware(*, cuda: bool = False) -> str:
    """What a model was trained on, for its manifest: the GPU, else the CPU model and threads."""
    import platform
    if cuda:
        return "%s, torch %s" % (torch.cuda.get_device_name(0), torch.__version__)
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            names = [line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    return "%s, %d cores, %d torch threads, torch %s" % (cpu, os.cpu_count() or 1, torch.get_num_threads(), torch.__version__)


def head_cli(doc: str, what: str, epochs: int):
    """The command line the small heads share: `train` and `evaluate` on COCO folders. Returns the
    parser, its subparsers (for more commands) and the two commands' parsers (for more options)."""
    import argparse
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train", help="train the %s on COCO folders" % what)
    t.add_argument("--data", required=True, help="training COCO folder(s), comma-separated")
    t.add_argument("--val", default=None, help="validation COCO folder(s), comma-separated: accuracy per epoch")
    t.add_argument("--out", required=True, help="weights file (.vxw)")
    t.add_argument("--epochs", type=int, default=epochs)
    t.add_argument("--data-note", default=None, help="what the training data is (recorded instead of the folder names)")
    t.add_argument("--seed", type=int, default=SEED)
    v = sub.add_parser("evaluate", help="how well a %s does on COCO folders" % what)
    v.add_argument("--weights", required=True)
    v.add_argument("--data", required=True, help="COCO folder(s), comma-separated")
    return ap, sub, t, v


def data_note(args) -> str:
    """The training data as recorded: --data-note, else the folders' names."""
    return args.data_note or ", ".join(os.path.basename(os.path.normpath(d)) for d in args.data.split(","))


def save_head(model: nn.Module, meta: dict, path: str, *, kind: str) -> None:
    """A small head's weights and training record, tagged with its kind (view, level, scope, facing)."""
    save_weights(model.state_dict(), path, {"model": kind, **meta})


def load_head(path: str, kind: str, make: Callable[[], nn.Module]) -> Tuple[nn.Module, dict]:
    """A head saved by save_head, refused when the file holds another kind."""
    state, meta = load_weights(path)
    if meta.get("model") != kind:
        raise ValueError("%s holds a %s model, not a %s head" % (path, meta.get("model"), kind))
    model = make()
    model.load_state_dict(state)
    return model.eval(), meta


def mirrored_softmax(model: nn.Module, x: torch.Tensor, swap: bool = False) -> torch.Tensor:
    """A pooled head's softmax over films and their mirrors, averaged as the exported graph does;
    `swap` reverses the mirror's classes (a mirrored film faces the other way)."""
    model.eval()
    rows = []
    with torch.no_grad():
        for i in range(0, len(x), INFER_BATCH):
            b = x[i:i + INFER_BATCH]
            mirror = torch.softmax(model.classify(b.flip(3)), 1)
            rows.append((torch.softmax(model.classify(b), 1) + (mirror.flip(1) if swap else mirror)) / 2)
    return torch.cat(rows) if rows else torch.empty((0, 2))


def mirror_and_light(x: torch.Tensor, gen: torch.Generator, invert_share: float = 0.0) -> Tuple[torch.Tensor, torch.Tensor]:
    """The heads' augmentation: half the batch mirrored (patients face either way), a little
    contrast and brightness, and with `invert_share` that share of the films with inverted polarity
    (no draw without it, so older runs replay exactly). Returns the films and which were mirrored."""
    n = x.shape[0]
    if invert_share > 0:
        x = invert_pooled(x, torch.rand(n, generator=gen) < invert_share)
    flip = torch.rand(n, generator=gen) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    gain = 1 + 0.2 * (torch.rand(n, 1, 1, 1, generator=gen) - 0.5)
    bias = 0.3 * (torch.rand(n, 1, 1, 1, generator=gen) - 0.5)
    return x * gain + bias, flip


PADDING = (0.0 - MEAN) / STD  # a letterbox pixel (0) once normalised


def letterbox_padding(x: torch.Tensor) -> torch.Tensor:
    """Where pooled films (pool_canvas) are letterbox padding, told by its value (pixel 0), as the
    pooled tensors carry no frame: a content cell black all through counts as padding too, which an
    augmentation can afford."""
    return x <= PADDING + 1e-4


def invert_pooled(x: torch.Tensor, which: torch.Tensor) -> torch.Tensor:
    """Pooled films (pool_canvas) with the polarity of the `which` ones inverted: the content's
    normalised grey g becomes -g (255 - v before normalising, MEAN 0.5), the letterbox padding stays."""
    return torch.where(which[:, None, None, None] & ~letterbox_padding(x), -x, x)


def random_shift(gen: torch.Generator) -> Tuple[int, int]:
    """A shift of up to 6 pooled pixels each way, (dy, dx), one for the whole batch."""
    dx, dy = (int(v) for v in torch.randint(-6, 7, (2,), generator=gen))
    return dy, dx


def pool_canvas(canvas: torch.Tensor) -> torch.Tensor:
    """uint8-valued letterbox canvas [N,1,S,S] -> the heads' input: normalised, pooled [N,1,S/4,S/4]."""
    return F.avg_pool2d((canvas / 255.0 - MEAN) / STD, POOL)


def set_threads() -> None:
    """Heads train and evaluate on the CPU: at most two torch threads (a shared 2-core machine)."""
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
