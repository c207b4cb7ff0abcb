"""Fine-tune both shipped models on a site's corrected films, export new versions, measure before/after.

python3 -m vertxnet_train.finetune --data CORRECTED[,MORE] --models ../models --out NEWMODELS
    [--real-data] [--data-note TEXT] [--minutes-unet M --minutes-maskrcnn M] [--config cpu|gpu|tiny]
    [--held-out-share 0.2] [--version-suffix site1] [--lr-factor 0.2] [--iters N]

CORRECTED is a COCO folder as training reads it (annotations.json + images/), e.g. what
`vertxnet import-corrections` writes. The films are split into a train and a held-out part by the
sha256 of each file name (reruns and added films keep their side); both parts are written as COCO
folders under OUT/work/. Then, each step a subprocess running the documented command lines:

1. `vertxnet_train.train --init MODELS/<model>/weights.vxw` for the U-Net and the Mask R-CNN (the
   shipped model's size, base width and classes; the config's learning rate times --lr-factor; the
   wall-clock budget --minutes-*; CUDA when torch sees it);
2. `vertxnet_train.heads.view export --base MODELS/unet/manifest.json` bundles the new U-Net with the
   shipped view/level/scope/facing heads (`--mirror` as shipped); `vertxnet_train.export` writes the
   Mask R-CNN. The heads are kept as shipped: their command lines train from scratch only, and a
   few hundred corrected films are far fewer than they were trained on;
3. `vertxnet_train.evaluate` on the held-out part, shipped and new weights, into OUT/finetune.json
   and each new manifest's metrics.

The new versions are the shipped ones plus semver build metadata (0.4.0 -> 0.4.0+site1); each
manifest records the data note, training.synthetic (false with --real-data), the base it started
from, the date and the hardware. Nothing about a patient is written: only counts and the note.
Exit 2 with one line for data that cannot be used (missing, empty, no annotations, the held-out style).
"""
import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TRAINING = os.path.dirname(HERE)
HEADS = ("view", "level", "scope", "facing")
SUFFIX = re.compile(r"^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$")  # semver build-metadata identifiers
CONFIG_KEYS = ("name", "size", "batch", "lr", "iters", "classes", "unet_base", "unet_depth", "fpn_channels",
               "trunk_layers", "box_head", "mask_convs", "detections", "aug_strength", "seed")


class Refused(Exception):
    """Input the command will not use: reported as one line, exit 2."""


# ---------------------------------------------------------------- data

def _annotation_file(path: str) -> str:
    for cand in ("annotations.json", "instances.json", "coco.json"):
        p = os.path.join(path, cand)
        if os.path.isfile(p):
            return p
    if os.path.isfile(path) and path.endswith(".json"):
        return path
    found = sorted(f for f in os.listdir(path) if f.endswith(".json")) if os.path.isdir(path) else []
    if os.path.isdir(os.path.join(path, "annotations")):
        found = [os.path.join("annotations", f) for f in sorted(os.listdir(os.path.join(path, "annotations")))
                 if f.endswith(".json")] + found
    if not found:
        raise Refused("%s holds no COCO annotations (annotations.json + images/ expected)" % path)
    return os.path.join(path, found[0])


def _image_path(root: str, file_name: str) -> str:
    for cand in (os.path.join(root, file_name), os.path.join(root, "images", file_name),
                 os.path.join(root, "images", os.path.basename(file_name))):
        if os.path.isfile(cand):
            return cand
    raise Refused("image %s of %s is missing" % (file_name, root))


def held_out_fraction(file_name: str) -> float:
    """Where a film falls in [0, 1): the first 32 bits of the sha256 of its base name."""
    digest = hashlib.sha256(os.path.basename(file_name).encode("utf-8")).hexdigest()
    return int(digest[:8], 16) / float(1 << 32)


def split_names(names, share: float):
    """(train, held_out) lists of names: held out when held_out_fraction < share. With two or more
    names neither side is left empty (the lowest fraction is held out, the highest trained on)."""
    order = sorted(names, key=lambda n: (held_out_fraction(n), n))
    cut = sum(1 for n in order if held_out_fraction(n) < share)
    if len(order) >= 2:
        cut = min(max(cut, 1), len(order) - 1)
    return sorted(order[cut:]), sorted(order[:cut])


def read_sources(paths):
    """Every source folder's COCO document, checked: refuses what training must not or cannot use."""
    from .coco import refuse_held_out_style  # the rule every training entry point applies
    sources = []
    for path in paths:
        if not os.path.isdir(path):
            raise Refused("%s is not a folder" % path)
        if not os.listdir(path):
            raise Refused("%s is empty" % path)
        ann_file = _annotation_file(path)
        try:
            refuse_held_out_style([path])
        except ValueError as err:
            raise Refused(str(err))
        try:
            with open(ann_file, encoding="utf-8") as fh:
                coco = json.load(fh)
        except (OSError, ValueError) as err:
            raise Refused("%s is not a COCO file (%s)" % (ann_file, err))
        if not isinstance(coco, dict) or not coco.get("images"):
            raise Refused("%s lists no images" % ann_file)
        if not any(a.get("segmentation") for a in coco.get("annotations") or []):
            raise Refused("%s holds no annotated vertebra" % ann_file)
        sources.append((path, coco))
    return sources


def write_split(sources, share: float, work: str) -> dict:
    """OUT/work/train and OUT/work/heldout: COCO folders (annotations.json + images/, hard links where
    possible), categories merged by name, ids renumbered. Returns the counts and the folders."""
    entries = []  # (unique name, source index, image)
    taken = set()
    for si, (path, coco) in enumerate(sources):
        for img in coco["images"]:
            base = os.path.basename(img["file_name"])
            name = base if base not in taken else "s%d-%s" % (si, base)
            taken.add(name)
            entries.append((name, si, img))
    train, held = split_names([e[0] for e in entries], share)
    if not held or not train:
        raise Refused("%d film(s): at least 2 are needed for a train and a held-out part" % len(entries))
    side = {n: "train" for n in train}
    side.update({n: "heldout" for n in held})
    # Categories merged by name, keeping their ids where they agree: `vertxnet eval` rasterises the
    # ground truth by category id, which the phantom sets to the level's code.
    cats, cat_ids = [], {}
    for _, coco in sources:
        for c in coco.get("categories", []):
            if c.get("name") not in cat_ids:
                used = {k["id"] for k in cats}
                cid = c["id"] if c.get("id") not in used else max(used | {0}) + 1
                cat_ids[c.get("name")] = cid
                cats.append({**c, "id": cid})
    docs = {s: {"info": {"description": "vertxnet finetune %s split" % s}, "images": [], "annotations": [],
                "categories": cats, "ignore_regions": []} for s in ("train", "heldout")}
    for s in docs:
        shutil.rmtree(os.path.join(work, s), ignore_errors=True)
        os.makedirs(os.path.join(work, s, "images"))
    for name, si, img in entries:
        path, coco = sources[si]
        s = side[name]
        doc = docs[s]
        new_id = len(doc["images"]) + 1
        src = _image_path(path, img["file_name"])
        dst = os.path.join(work, s, "images", name)
        try:
            os.link(src, dst)
        except OSError:
            shutil.copyfile(src, dst)
        entry = {**img, "id": new_id, "file_name": "images/" + name}
        entry.pop("label_file", None)  # the phantom's label PNG is not carried over
        doc["images"].append(entry)
        names = {c["id"]: c.get("name") for c in coco.get("categories", [])}
        for a in coco.get("annotations") or []:
            if a.get("image_id") == img["id"]:
                doc["annotations"].append({**a, "id": len(doc["annotations"]) + 1, "image_id": new_id,
                                           "category_id": cat_ids.get(names.get(a.get("category_id")), 0)})
        for r in coco.get("ignore_regions") or []:
            if r.get("image_id") == img["id"]:
                doc["ignore_regions"].append({**r, "image_id": new_id})
    for s, doc in docs.items():
        with open(os.path.join(work, s, "annotations.json"), "w") as fh:
            json.dump(doc, fh)
    return {"train": os.path.join(work, "train"), "heldout": os.path.join(work, "heldout"),
            "trainImages": len(train), "heldOutImages": len(held)}


# ---------------------------------------------------------------- running the documented commands

def run(args, log_path: str, quiet: bool = False):
    """`python3 -m vertxnet_train.<args>` from training/, its output into log_path (and echoed)."""
    cmd = [sys.executable, "-m"] + [str(a) for a in args]
    env = dict(os.environ, PYTHONPATH=TRAINING + os.pathsep + os.environ.get("PYTHONPATH", ""))
    if not quiet:
        print("$ " + " ".join(cmd[2:]), flush=True)
    with open(log_path, "a") as log:
        log.write("$ %s\n" % " ".join(cmd))
        log.flush()
        proc = subprocess.Popen(cmd, cwd=TRAINING, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                universal_newlines=True)
        tail = []
        for line in proc.stdout:
            log.write(line)
            tail = (tail + [line.rstrip()])[-20:]
            if not quiet:
                print("  " + line.rstrip(), flush=True)
        code = proc.wait()
    if code:
        raise RuntimeError("%s failed (exit %d); log %s:\n%s" % (args[0], code, log_path, "\n".join(tail)))


def pipeline_eval(models: str, heldout: str, out: str, log_path: str, quiet: bool) -> dict:
    """`vertxnet run` of the held-out films with these models, then `vertxnet eval` against their COCO
    file: the whole pipeline's figures (fusion included), as docs/EVALUATION.md reports them."""
    cli = os.path.join(os.path.dirname(TRAINING), "packages", "cli", "dist", "main.js")
    shutil.rmtree(out, ignore_errors=True)
    for argv, ok in ((["run", os.path.join(heldout, "images"), "--models", models, "--out", out], (0, 2)),
                     (["eval", "--results", out, "--gt", os.path.join(heldout, "annotations.json")], (0,))):
        if not quiet:
            print("$ vertxnet " + " ".join(argv), flush=True)
        with open(log_path, "a") as log:
            log.write("$ node %s %s\n" % (cli, " ".join(argv)))
            log.flush()
            code = subprocess.call(["node", cli] + argv, stdout=log, stderr=subprocess.STDOUT)
        if code not in ok:
            raise RuntimeError("vertxnet %s failed (exit %d); log %s" % (argv[0], code, log_path))
    summary = read_json(os.path.join(out, "eval.json"))["summary"]
    return {k: round(summary[k], 4) if isinstance(summary[k], float) else summary[k]
            for k in ("images", "vertebrae", "meanDice", "meanImageDice", "identificationAccuracy", "precision", "recall")
            if k in summary}


def read_json(path: str) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def write_json(path: str, doc: dict) -> None:
    with open(path, "w") as fh:
        json.dump(doc, fh, indent=2)
        fh.write("\n")


def local_version(version: str, suffix: str) -> str:
    """0.4.0 + site1 -> 0.4.0+site1; a version with build metadata already gains another identifier."""
    return "%s%s%s" % (version, "." if "+" in version else "+", suffix)


def hardware(cuda: bool) -> str:
    import torch
    if cuda:
        return "%s, torch %s" % (torch.cuda.get_device_name(0), torch.__version__)
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            names = [line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    return "%s, %d cores, torch %s (CPU)" % (cpu, os.cpu_count() or 1, torch.__version__)


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


def finetune(args) -> dict:
    t_start = time.time()
    if not SUFFIX.match(args.version_suffix):
        raise Refused("--version-suffix %r: letters, digits, '-' and '.' only (semver build metadata)" % args.version_suffix)
    if not 0 < args.held_out_share < 1:
        raise Refused("--held-out-share must lie strictly between 0 and 1")
    models = os.path.abspath(args.models)
    out = os.path.abspath(args.out)
    if os.path.abspath(models) == out:
        raise Refused("--out must not be the --models folder (the shipped models stay as they are)")
    base = check_models(models)
    if args.pipeline and not (shutil.which("node") and os.path.isfile(
            os.path.join(os.path.dirname(TRAINING), "packages", "cli", "dist", "main.js"))):
        raise Refused("--pipeline needs node and the built CLI (npm run build): packages/cli/dist/main.js is missing")
    sources = read_sources([os.path.abspath(p) for p in args.data.split(",") if p])
    work = os.path.join(out, "work")
    logs = os.path.join(work, "logs")
    os.makedirs(logs, exist_ok=True)
    split = write_split(sources, args.held_out_share, work)
    print("split: %d films to train on, %d held out (sha256 of the file name, share %.2f) under %s" % (
        split["trainImages"], split["heldOutImages"], args.held_out_share, work), flush=True)

    import torch
    cuda = torch.cuda.is_available()
    device = "cuda" if cuda else "cpu"
    hw = hardware(cuda)
    note = args.data_note or "%d corrected films" % (split["trainImages"] + split["heldOutImages"])
    if not args.real_data:
        print("recorded as synthetic data (training.synthetic true): pass --real-data for patient films", flush=True)
    from .config import get_config
    report = {"data": note, "realData": bool(args.real_data), "split": {
        "rule": "held out when the first 32 bits of sha256(file name) / 2^32 < %g" % args.held_out_share,
        "trainImages": split["trainImages"], "heldOutImages": split["heldOutImages"]},
        "device": device, "hardware": hw, "config": args.config, "models": {}}
    new_models = {}
    for kind in ("unet", "maskrcnn"):
        m = base[kind]
        bcfg = m.get("training", {}).get("config") or {}
        size = int(m["input"]["size"])
        lr = get_config(args.config, kind)["lr"] * args.lr_factor
        minutes = args.minutes_unet if kind == "unet" else args.minutes_maskrcnn
        runs = os.path.join(work, "run-" + kind)
        shutil.rmtree(runs, ignore_errors=True)
        cmd = ["vertxnet_train.train", "--model", kind, "--data", split["train"], "--out", runs,
               "--config", args.config, "--init", os.path.join(models, kind, "weights.vxw"), "--size", size,
               "--lr", "%.3g" % lr, "--cache", os.path.join(work, "train-%d.pkl" % size)]
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
        run(cmd, os.path.join(logs, "train-%s.log" % kind), args.quiet)
        summary = read_json(os.path.join(runs, "train.json"))
        weights = os.path.join(runs, "%s.vxw" % kind)
        report["models"][kind] = {"base": "%s@%s" % (m["name"], m["version"]), "baseSha256": m["sha256"],
                                  "steps": summary["steps"], "trainSeconds": round(time.time() - t0, 1),
                                  "lr": float("%.3g" % lr), "maxMinutes": minutes}
        new_models[kind] = (weights, summary)

    # ------------------------------------------------------------ export
    for kind in ("unet", "maskrcnn"):
        m = base[kind]
        weights, summary = new_models[kind]
        dest = os.path.join(out, kind)
        shutil.rmtree(dest, ignore_errors=True)
        version = local_version(m["version"], args.version_suffix)
        src = os.path.join(models, kind)
        heads = {h: os.path.join(src, h + ".vxw") for h in HEADS if os.path.isfile(os.path.join(src, h + ".vxw"))}
        log = os.path.join(logs, "export-%s.log" % kind)
        if kind == "unet" and "view" in heads:
            cmd = ["vertxnet_train.heads.view", "export", "--unet", weights, "--out", dest, "--version", version,
                   "--base", os.path.join(src, "manifest.json")]
            for h, path in heads.items():
                cmd += ["--" + h, path]
            if m.get("testTimeMirror"):
                cmd.append("--mirror")
        else:
            cmd = ["vertxnet_train.export", "--model", kind, "--checkpoint", weights, "--out", dest,
                   "--version", version, "--data-note", note] + (["--real-data"] if args.real_data else [])
            heads = {}
        run(cmd, log, args.quiet)
        shutil.copyfile(weights, os.path.join(dest, "weights.vxw"))
        report["models"][kind].update({"version": version, "folder": dest,
                                       "heads": sorted(heads) if kind == "unet" else None})

    # ------------------------------------------------------------ before / after on the held-out part
    for kind in ("unet", "maskrcnn"):
        m = base[kind]
        held = m.get("metrics", {}).get("heldOut") or {}
        extra = []
        if kind == "maskrcnn":
            score = held.get("scoreThreshold", 0.5)
            extra = ["--score", score, "--reference-score", held.get("referenceScoreThreshold", score)]
        figures = {}
        for when, weights in (("before", os.path.join(models, kind, "weights.vxw")),
                              ("after", os.path.join(out, kind, "weights.vxw"))):
            path = os.path.join(work, "eval-%s-%s.json" % (kind, when))
            run(["vertxnet_train.evaluate", "--model", kind, "--checkpoint", weights, "--data", split["heldout"],
                 "--out", path, "--device", device] + extra, os.path.join(logs, "evaluate.log"), args.quiet)
            figures[when] = read_json(path)
            figures[when].pop("data", None)
        report["models"][kind]["heldOut"] = figures
        key = "foregroundDice" if kind == "unet" else "matchedDice"
        report["models"][kind]["change"] = {key: round(figures["after"][key] - figures["before"][key], 4)}
        if kind == "maskrcnn":
            for k in ("recall", "precision", "referenceFoundRate"):
                report["models"][kind]["change"][k] = round(figures["after"][k] - figures["before"][k], 4)

    if args.pipeline:
        fig = {when: pipeline_eval(m, split["heldout"], os.path.join(work, "pipeline-" + when),
                                   os.path.join(logs, "pipeline.log"), args.quiet)
               for when, m in (("before", models), ("after", out))}
        fig["change"] = {k: round(fig["after"][k] - fig["before"][k], 4)
                         for k in ("meanDice", "identificationAccuracy") if k in fig["after"] and k in fig["before"]}
        report["pipeline"] = fig

    # ------------------------------------------------------------ manifests
    date = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    for kind in ("unet", "maskrcnn"):
        m, r = base[kind], report["models"][kind]
        weights, summary = new_models[kind]
        path = os.path.join(out, kind, "manifest.json")
        man = read_json(path)
        tr = man.setdefault("training", {})
        tr["data"] = "%s: %d corrected films (the train part of the split), fine-tuned from %s %s, itself trained on: %s" % (
            note, split["trainImages"], m["name"], m["version"], m.get("training", {}).get("data", "?"))
        tr["synthetic"] = bool(m.get("training", {}).get("synthetic", True)) and not args.real_data
        cfg = summary.get("config") or {}
        tr["config"] = {k: cfg[k] for k in CONFIG_KEYS if k in cfg}
        tr["config"].update({"steps": summary.get("steps"), "train_seconds": summary.get("train_seconds")})
        tr["framework"] = "torch %s" % torch.__version__
        tr["date"] = date
        tr["fineTune"] = {"base": r["base"], "baseSha256": r["baseSha256"], "note": note,
                          "realData": bool(args.real_data), "trainImages": split["trainImages"],
                          "heldOutImages": split["heldOutImages"], "split": report["split"]["rule"],
                          "steps": r["steps"], "lr": r["lr"], "device": device, "hardware": hw, "date": date}
        if kind == "unet" and r["heads"]:
            tr["fineTune"]["heads"] = "%s kept as shipped with %s %s" % (", ".join(r["heads"]), m["name"], m["version"])
        metrics = man.setdefault("metrics", {})
        held = {"data": "the held-out part of the corrected films (%d, %s)" % (split["heldOutImages"], report["split"]["rule"]),
                **r["heldOut"]["after"]}
        metrics["heldOut"] = held
        metrics["heldOutBaseline"] = {"model": r["base"], **r["heldOut"]["before"]}
        if kind == "maskrcnn" and m.get("metrics", {}).get("thresholds"):
            metrics["thresholds"] = {**m["metrics"]["thresholds"],
                                     "note": "chosen for %s, not re-chosen after fine-tuning" % r["base"]}
        for stale in ("heldOutAtFusionThresholds", "validation", "generalisation"):
            metrics.pop(stale, None)
        write_json(path, man)

    report["seconds"] = round(time.time() - t_start, 1)
    report["date"] = date
    report["next"] = "vertxnet run FOLDER --models %s --out RESULTS" % out
    write_json(os.path.join(out, "finetune.json"), report)
    return report


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="corrected COCO folder(s), comma-separated")
    ap.add_argument("--models", required=True, help="the shipped models: a folder holding unet/ and maskrcnn/")
    ap.add_argument("--out", required=True, help="new models folder (unet/, maskrcnn/, finetune.json, work/)")
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
    ap.add_argument("--pipeline", action="store_true",
                    help="also run the whole pipeline (vertxnet run + vertxnet eval) on the held-out films, before and after")
    ap.add_argument("--quiet", action="store_true", help="keep the commands' output in OUT/work/logs only")
    args = ap.parse_args(argv)
    try:
        report = finetune(args)
    except Refused as err:
        print("vertxnet_train.finetune: %s" % err, file=sys.stderr)
        return 2
    except RuntimeError as err:
        print("vertxnet_train.finetune: %s" % err, file=sys.stderr)
        return 1
    u, k = report["models"]["unet"], report["models"]["maskrcnn"]
    print("held-out (%d films): U-Net foreground Dice %.4f -> %.4f; Mask R-CNN matched Dice %.4f -> %.4f, recall %.4f -> %.4f"
          % (report["split"]["heldOutImages"], u["heldOut"]["before"]["foregroundDice"], u["heldOut"]["after"]["foregroundDice"],
             k["heldOut"]["before"]["matchedDice"], k["heldOut"]["after"]["matchedDice"],
             k["heldOut"]["before"]["recall"], k["heldOut"]["after"]["recall"]))
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
