"""Fine-tune both shipped models on a site's corrected films, export new versions, measure before/after.

python3 -m vertxnet_train.finetune --data CORRECTED[,MORE] --models ../models --out NEWMODELS
    [--real-data] [--data-note TEXT] [--minutes-unet M --minutes-maskrcnn M] [--config cpu|gpu|tiny]
    [--held-out-share 0.2] [--version-suffix site1] [--lr-factor 0.2] [--iters N] [--level-epochs 3] [--invert-share 0.2]
    [--train-only | --trained DIR]

CORRECTED is a COCO folder as training reads it (annotations.json + images/), e.g. what
`vertxnet import-corrections` writes. The films are split into a train and a held-out part by the
sha256 of each file name (reruns and added films keep their side); both parts are written as COCO
folders under OUT/finetune-data/. Then, each step a subprocess running the documented command lines:

1. `vertxnet_train.train --init MODELS/<model>/weights.vxw` for the U-Net and the Mask R-CNN (the
   shipped model's size, base width and classes; the config's learning rate times --lr-factor; the
   wall-clock budget --minutes-*; CUDA when torch sees it);
2. `vertxnet_train.heads.level train --init MODELS/unet/level.vxw --lr 1e-3 --epochs N` fine-tunes
   the level head on the train part (N = --level-epochs, default 3; 0 keeps the shipped head): which
   level a body is depends on how a site frames its films, and the head starts from weights that
   already know the anatomy;
3. `vertxnet_train.heads.view export --base MODELS/unet/manifest.json` bundles the new U-Net with that
   level head and the shipped view/scope/facing heads (`--mirror` as shipped); `vertxnet_train.export`
   writes the Mask R-CNN. The view, scope and facing heads stay as shipped: a few hundred corrected
   films of one site would teach them that site's views and framings only;
4. `vertxnet_train.evaluate` (and `heads.level evaluate` for the level head) on the held-out part,
   shipped and new weights, into OUT/finetune.json and each new manifest's metrics.

The new versions are the shipped ones plus semver build metadata (0.4.0 -> 0.4.0+site1); each
manifest records the data note, training.synthetic (false with --real-data), the base it started
from (training.fineTune, with levelHead: the shipped and the new level head's sha256, epochs, rate),
the date and the hardware. Nothing about a patient is written: only counts and the note.
Exit 2 with one line for data that cannot be used (missing, empty, no annotations, the held-out style).

Step 1 can run on another machine (a GPU) and the rest where the pipeline runs: `--train-only` stops
after it, leaving OUT/finetune-data/trained.json beside run-unet/ and run-maskrcnn/ (fp16 weights);
`--trained THAT_FOLDER` with the same --data and --held-out-share then exports, measures and writes
the new versions without training again. The split must be the same (checked by the sha256 of the
train part's file names); the manifests record where and how the models were trained.
"""
import argparse
import os
import re
import shutil
import sys
import time
import types

from .finetune_data import Refused, read_json, read_sources, write_json, write_split
from .finetune_measure import evaluate_level_head, evaluate_model, evaluate_pipeline
from .finetune_run import TRAINING, run
from .finetune_trained import take_trained, write_trained

HEADS = ("view", "level", "scope", "facing")
LEVEL_LR = 1e-3  # the level head's fine-tuning rate (a third of its from-scratch peak)
SUFFIX = re.compile(r"^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$")  # semver build-metadata identifiers
CONFIG_KEYS = ("name", "size", "batch", "lr", "iters", "classes", "unet_base", "unet_depth", "fpn_channels",
               "trunk_layers", "box_head", "mask_convs", "detections", "aug_strength", "invert_share", "seed")


def sha256_of(path: str) -> str:
    from .export import sha256_file  # imports torch: only when a fine-tune writes its record
    return sha256_file(path)


def local_version(version: str, suffix: str) -> str:
    """0.4.0 + site1 -> 0.4.0+site1; a version with build metadata already gains another identifier."""
    return "%s%s%s" % (version, "." if "+" in version else "+", suffix)


def classes_option(manifest: dict) -> str:
    """The train.py --classes giving the shipped Mask R-CNN's class list."""
    named = (manifest.get("training", {}).get("config") or {}).get("classes")
    if named in ("reference", "landmarks", "per-level"):
        return named
    cls = manifest.get("classes", [])
    if cls == ["background", "vertebra", "C2", "S1"]:
        return "reference"
    return "landmarks" if "T12" in cls and "vertebra" in cls else "per-level"


def check_models(models: str) -> dict:
    out = {}
    for kind in ("unet", "maskrcnn"):
        d = os.path.join(models, kind)
        for f in ("manifest.json", "weights.vxw"):
            if not os.path.isfile(os.path.join(d, f)):
                raise Refused("%s lacks %s (the shipped weights fine-tuning starts from)" % (d, f))
        out[kind] = read_json(os.path.join(d, "manifest.json"))
    return out


def check_inputs(args):
    """The options and the shipped models, checked before anything is written: (models, out, base manifests)."""
    if not SUFFIX.match(args.version_suffix):
        raise Refused("--version-suffix %r: letters, digits, '-' and '.' only (semver build metadata)" % args.version_suffix)
    if not 0 < args.held_out_share < 1:
        raise Refused("--held-out-share must lie strictly between 0 and 1")
    if args.level_epochs < 0:
        raise Refused("--level-epochs must be 0 (keep the shipped level head) or more")
    if not 0 <= args.invert_share <= 1:
        raise Refused("--invert-share must lie between 0 and 1")
    if args.train_only and args.trained:
        raise Refused("--train-only and --trained exclude each other (train here, or take what was trained)")
    models = os.path.abspath(args.models)
    out = os.path.abspath(args.out)
    if os.path.abspath(models) == out:
        raise Refused("--out must not be the --models folder (the shipped models stay as they are)")
    base = check_models(models)
    if args.pipeline and not (shutil.which("node") and os.path.isfile(
            os.path.join(os.path.dirname(TRAINING), "packages", "cli", "dist", "main.js"))):
        raise Refused("--pipeline needs node and the built CLI (npm run build): packages/cli/dist/main.js is missing")
    return models, out, base


def prepare_split(ctx) -> None:
    """Reads and checks the corrected films, then writes the train and held-out folders under OUT/finetune-data."""
    sources = read_sources([os.path.abspath(p) for p in ctx.args.data.split(",") if p])
    os.makedirs(ctx.logs, exist_ok=True)
    ctx.split = split = write_split(sources, ctx.args.held_out_share, ctx.work)
    print("split: %d films to train on, %d held out (sha256 of the file name, share %.2f) under %s" % (
        split["trainImages"], split["heldOutImages"], ctx.args.held_out_share, ctx.work), flush=True)


def start_report(ctx) -> None:
    """The device, the hardware, the data note and the report's first part."""
    import torch
    args, split = ctx.args, ctx.split
    cuda = torch.cuda.is_available()
    ctx.device = "cuda" if cuda else "cpu"
    from .heads.common import hardware  # imports torch: only when a fine-tune starts
    ctx.hw = hardware(cuda=cuda)
    ctx.torch_version = torch.__version__
    ctx.note = args.data_note or "%d corrected films" % (split["trainImages"] + split["heldOutImages"])
    if not args.real_data:
        print("recorded as synthetic data (training.synthetic true): pass --real-data for patient films", flush=True)
    ctx.report = {"data": ctx.note, "realData": bool(args.real_data), "split": {
        "rule": "held out when the first 32 bits of sha256(file name) / 2^32 < %g" % args.held_out_share,
        "trainImages": split["trainImages"], "heldOutImages": split["heldOutImages"]},
        "device": ctx.device, "hardware": ctx.hw, "config": args.config, "models": {}}


def train_model(ctx, kind: str) -> None:
    """`vertxnet_train.train --init` from the shipped weights on the train part: ctx.new_models[kind]."""
    from .config import get_config
    args, work, m = ctx.args, ctx.work, ctx.base[kind]
    bcfg = m.get("training", {}).get("config") or {}
    size = int(m["input"]["size"])
    lr = get_config(args.config, kind)["lr"] * args.lr_factor
    minutes = args.minutes_unet if kind == "unet" else args.minutes_maskrcnn
    runs = os.path.join(work, "run-" + kind)
    shutil.rmtree(runs, ignore_errors=True)
    cmd = ["vertxnet_train.train", "--model", kind, "--data", ctx.split["train"], "--out", runs,
           "--config", args.config, "--init", os.path.join(ctx.models, kind, "weights.vxw"), "--size", size,
           "--lr", "%.3g" % lr, "--cache", os.path.join(work, "train-%d.pkl" % size),
           "--invert-share", "%g" % args.invert_share, "--save-half"]
    if kind == "unet":
        cmd += ["--unet-base", int(bcfg.get("unet_base", 16))]
    else:
        cmd += ["--classes", classes_option(m)]
    if args.iters:
        cmd += ["--iters", args.iters]
    elif minutes:
        cmd += ["--iters", 1000000]  # the wall-clock budget ends the run
    if minutes:
        cmd += ["--max-minutes", minutes]
    t0 = time.time()
    run(cmd, os.path.join(ctx.logs, "train-%s.log" % kind), quiet=args.quiet)
    summary = read_json(os.path.join(runs, "train.json"))
    ctx.report["models"][kind] = {"base": "%s@%s" % (m["name"], m["version"]), "baseSha256": m["sha256"],
                                  "steps": summary["steps"], "trainSeconds": round(time.time() - t0, 1),
                                  "lr": float("%.3g" % lr), "maxMinutes": minutes, "invertShare": args.invert_share}
    ctx.new_models[kind] = (os.path.join(runs, "%s.vxw" % kind), summary)


def finetune_level_head(ctx) -> None:
    """`vertxnet_train.heads.level train --init` from the shipped level head on the train part (the
    U-Net's trunk is not part of it: the head reads the pooled film): ctx.level, None when the shipped
    head is kept (--level-epochs 0, or no level.vxw shipped)."""
    m = ctx.base["unet"]
    shipped = os.path.join(ctx.models, "unet", "level.vxw")
    ctx.level = None
    if not ctx.args.level_epochs or not os.path.isfile(shipped):
        return
    dest = os.path.join(ctx.work, "level.vxw")
    before = (m.get("training", {}).get("level") or {}).get("data")
    note = "%s: %d corrected films (the train part of the split), fine-tuned from the level head of %s %s%s" % (
        ctx.note, ctx.split["trainImages"], m["name"], m["version"], ", itself trained on: %s" % before if before else "")
    t0 = time.time()
    run(["vertxnet_train.heads.level", "train", "--data", ctx.split["train"], "--out", dest,
         "--epochs", ctx.args.level_epochs, "--init", shipped, "--lr", "%g" % LEVEL_LR, "--data-note", note,
         "--invert-share", "%g" % ctx.args.invert_share],
        os.path.join(ctx.logs, "train-level.log"), quiet=ctx.args.quiet)
    ctx.level = dest
    ctx.report["models"]["unet"]["levelHead"] = {
        "base": "level.vxw of %s@%s" % (m["name"], m["version"]), "baseSha256": sha256_of(shipped),
        "sha256": sha256_of(dest), "epochs": ctx.args.level_epochs, "lr": LEVEL_LR, "invertShare": ctx.args.invert_share,
        "trainSeconds": round(time.time() - t0, 1)}


def export_model(ctx, kind: str) -> None:
    """OUT/<kind>: the U-Net bundled with its heads (the fine-tuned level head where there is one, the
    others as shipped) by `heads.view export`, or `vertxnet_train.export`; the weights beside it."""
    args, m = ctx.args, ctx.base[kind]
    weights, summary = ctx.new_models[kind]
    dest = os.path.join(ctx.out, kind)
    shutil.rmtree(dest, ignore_errors=True)
    version = local_version(m["version"], args.version_suffix)
    src = os.path.join(ctx.models, kind)
    heads = {h: os.path.join(src, h + ".vxw") for h in HEADS if os.path.isfile(os.path.join(src, h + ".vxw"))}
    if kind == "unet" and ctx.level:
        heads["level"] = ctx.level
    if kind == "unet" and "view" in heads:
        cmd = ["vertxnet_train.heads.view", "export", "--unet", weights, "--out", dest, "--version", version,
               "--base", os.path.join(src, "manifest.json")]
        for h, path in heads.items():
            cmd += ["--" + h, path]
        if m.get("testTimeMirror"):
            cmd.append("--mirror")
    else:
        cmd = ["vertxnet_train.export", "--model", kind, "--checkpoint", weights, "--out", dest,
               "--version", version, "--data-note", ctx.note] + (["--real-data"] if args.real_data else [])
        heads = {}
    run(cmd, os.path.join(ctx.logs, "export-%s.log" % kind), quiet=args.quiet)
    passes = {k: True for k in ("mirrorPass", "regionPass") if m.get(k)}  # the fine-tuned model is run as the shipped one
    if passes:
        write_json(os.path.join(dest, "manifest.json"), dict(read_json(os.path.join(dest, "manifest.json")), **passes))
    shutil.copyfile(weights, os.path.join(dest, "weights.vxw"))
    ctx.report["models"][kind].update({"version": version, "folder": dest,
                                       "heads": sorted(heads) if kind == "unet" else None})


def fine_tune_record(ctx, kind: str) -> dict:
    """The manifest's training.fineTune: base, data, split, steps, hardware; which heads were kept or fine-tuned."""
    args, split, m, r = ctx.args, ctx.split, ctx.base[kind], ctx.report["models"][kind]
    ft = {"base": r["base"], "baseSha256": r["baseSha256"], "note": ctx.note,
          "realData": bool(args.real_data), "trainImages": split["trainImages"],
          "heldOutImages": split["heldOutImages"], "split": ctx.report["split"]["rule"],
          "steps": r["steps"], "lr": r["lr"], "device": ctx.train_device or ctx.device,
          "hardware": ctx.train_hw or ctx.hw, "date": ctx.date}
    if kind != "unet":
        return ft
    kept = [h for h in r["heads"] or [] if not (h == "level" and ctx.level)]
    if kept:
        ft["heads"] = "%s kept as shipped with %s %s" % (", ".join(kept), m["name"], m["version"])
    if ctx.level:
        lh = r["levelHead"]
        ft["levelHead"] = {k: lh[k] for k in ("base", "baseSha256", "sha256", "epochs", "lr", "invertShare")}
        ft["levelHead"]["trainImages"] = split["trainImages"]
    return ft


def write_manifest(ctx, kind: str) -> None:
    """OUT/<kind>/manifest.json: the training record of the fine-tuning and the held-out figures."""
    split, m, r = ctx.split, ctx.base[kind], ctx.report["models"][kind]
    summary = ctx.new_models[kind][1]
    path = os.path.join(ctx.out, kind, "manifest.json")
    man = read_json(path)
    tr = man.setdefault("training", {})
    tr["data"] = "%s: %d corrected films (the train part of the split), fine-tuned from %s %s, itself trained on: %s" % (
        ctx.note, split["trainImages"], m["name"], m["version"], m.get("training", {}).get("data", "?"))
    tr["synthetic"] = bool(m.get("training", {}).get("synthetic", True)) and not ctx.args.real_data
    cfg = summary.get("config") or {}
    tr["config"] = {k: cfg[k] for k in CONFIG_KEYS if k in cfg}
    tr["config"].update({"steps": summary.get("steps"), "train_seconds": summary.get("train_seconds")})
    tr["framework"] = "torch %s" % ctx.torch_version
    tr["date"] = ctx.date
    tr["fineTune"] = fine_tune_record(ctx, kind)
    metrics = man.setdefault("metrics", {})
    held_data = "the held-out part of the corrected films (%d, %s)" % (split["heldOutImages"], ctx.report["split"]["rule"])
    metrics["heldOut"] = {"data": held_data, **r["heldOut"]["after"]}
    metrics["heldOutBaseline"] = {"model": r["base"], **r["heldOut"]["before"]}
    if kind == "unet" and ctx.level:
        metrics["level"] = {"data": held_data, **r["levelHead"]["heldOut"]["after"]}
    if kind == "maskrcnn" and m.get("metrics", {}).get("thresholds"):
        metrics["thresholds"] = {**m["metrics"]["thresholds"],
                                 "note": "chosen for %s, not re-chosen after fine-tuning" % r["base"]}
    for stale in ("heldOutAtFusionThresholds", "validation", "generalisation"):
        metrics.pop(stale, None)
    write_json(path, man)


def finetune(args) -> dict:
    """The whole fine-tuning, step by step (see the module's docstring); returns the report it writes."""
    t_start = time.time()
    models, out, base = check_inputs(args)
    work = os.path.join(out, "finetune-data")
    ctx = types.SimpleNamespace(args=args, models=models, out=out, base=base, work=work,
                                logs=os.path.join(work, "logs"), new_models={}, level=None, train_device=None, train_hw=None)
    prepare_split(ctx)
    start_report(ctx)
    if args.trained:
        take_trained(ctx)
    else:
        for kind in ("unet", "maskrcnn"):
            train_model(ctx, kind)
    if args.train_only:
        write_trained(ctx)
        ctx.report["seconds"] = round(time.time() - t_start, 1)
        return ctx.report
    finetune_level_head(ctx)
    for kind in ("unet", "maskrcnn"):
        export_model(ctx, kind)
    for kind in ("unet", "maskrcnn"):
        evaluate_model(ctx, kind)
    evaluate_level_head(ctx)
    if args.pipeline:
        evaluate_pipeline(ctx)
    ctx.date = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    for kind in ("unet", "maskrcnn"):
        write_manifest(ctx, kind)
    report = ctx.report
    report["seconds"] = round(time.time() - t_start, 1)
    report["date"] = ctx.date
    report["next"] = "vertxnet run FOLDER --models %s --out RESULTS" % out
    write_json(os.path.join(out, "finetune.json"), report)
    return report


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="corrected COCO folder(s), comma-separated")
    ap.add_argument("--models", required=True, help="the shipped models: a folder holding unet/ and maskrcnn/")
    ap.add_argument("--out", required=True, help="new models folder (unet/, maskrcnn/, finetune.json, finetune-data/)")
    ap.add_argument("--real-data", action="store_true", help="the films are real (patient) films: training.synthetic false")
    ap.add_argument("--data-note", default=None, help="what the corrected films are (manifest training.data); no patient details")
    ap.add_argument("--minutes-unet", type=float, default=None, help="wall-clock budget of the U-Net's fine-tuning")
    ap.add_argument("--minutes-maskrcnn", type=float, default=None, help="wall-clock budget of the Mask R-CNN's fine-tuning")
    ap.add_argument("--config", default="cpu", choices=["tiny", "cpu", "gpu"],
                    help="training config (batch, steps, threads); size and widths follow the shipped models")
    ap.add_argument("--held-out-share", type=float, default=0.2, help="share of the films held out for the figures")
    ap.add_argument("--version-suffix", default="local", help="semver build metadata added to the shipped versions")
    ap.add_argument("--lr-factor", type=float, default=0.2, help="the config's learning rate times this")
    ap.add_argument("--iters", type=int, default=None, help="step cap for both models (overrides the budget)")
    ap.add_argument("--level-epochs", type=int, default=3,
                    help="epochs of the level head's fine-tuning from the shipped level.vxw (0 keeps the shipped head)")
    ap.add_argument("--invert-share", type=float, default=0.2,
                    help="share of training films shown with inverted polarity (0 to 1; 0 turns it off)")
    ap.add_argument("--pipeline", action="store_true",
                    help="also run the whole pipeline (vertxnet run + vertxnet eval) on the held-out films, before and after")
    ap.add_argument("--quiet", action="store_true", help="keep the commands' output in OUT/finetune-data/logs only")
    ap.add_argument("--train-only", action="store_true",
                    help="train the U-Net and the Mask R-CNN and stop (e.g. on a GPU machine); finish with --trained")
    ap.add_argument("--trained", default=None, metavar="DIR",
                    help="OUT/finetune-data of a --train-only run on the same split: export and measure, do not train")
    args = ap.parse_args(argv)
    try:
        report = finetune(args)
    except Refused as err:
        print("vertxnet_train.finetune: %s" % err, file=sys.stderr)
        return 2
    except RuntimeError as err:
        print("vertxnet_train.finetune: %s" % err, file=sys.stderr)
        return 1
    if args.train_only:
        work = os.path.join(os.path.abspath(args.out), "finetune-data")
        print("trained: U-Net %d steps, Mask R-CNN %d steps on %s; finish with the same --data and --trained %s" % (
            report["models"]["unet"]["steps"], report["models"]["maskrcnn"]["steps"], report["device"], work))
        return 0
    u, k = report["models"]["unet"], report["models"]["maskrcnn"]
    print("held-out (%d films): U-Net foreground Dice %.4f -> %.4f; Mask R-CNN matched Dice %.4f -> %.4f, recall %.4f -> %.4f"
          % (report["split"]["heldOutImages"], u["heldOut"]["before"]["foregroundDice"], u["heldOut"]["after"]["foregroundDice"],
             k["heldOut"]["before"]["matchedDice"], k["heldOut"]["after"]["matchedDice"],
             k["heldOut"]["before"]["recall"], k["heldOut"]["after"]["recall"]))
    lh = u.get("levelHead")
    if lh:
        print("level head (%d epochs from the shipped one), held-out body accuracy %.4f -> %.4f" % (
            lh["epochs"], lh["heldOut"]["before"]["body_accuracy"], lh["heldOut"]["after"]["body_accuracy"]))
    if report.get("pipeline"):
        p = report["pipeline"]
        print("pipeline on the held-out films: mean Dice %.4f -> %.4f, identification %.4f -> %.4f" % (
            p["before"].get("meanDice", 0), p["after"].get("meanDice", 0),
            p["before"].get("identificationAccuracy", 0), p["after"].get("identificationAccuracy", 0)))
    print("wrote %s %s and %s %s; figures in %s" % (
        "vertxnet-unet", u["version"], "vertxnet-maskrcnn", k["version"], os.path.join(os.path.abspath(args.out), "finetune.json")))
    print("next cohort: %s" % report["next"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
