"""The fine-tune's record for training on one machine and finishing on another: `--train-only`
writes OUT/finetune-data/trained.json, `--trained DIR` reads it back (vertxnet_train.finetune)."""
import hashlib
import os

from .finetune_data import Refused, read_json, write_json


def train_files_digest(split: dict) -> str:
    """sha256 of the train part's file names, sorted: what ties a --trained folder to this split."""
    names = sorted(img["file_name"] for img in read_json(os.path.join(split["train"], "annotations.json"))["images"])
    return hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()


def write_trained(ctx) -> None:
    """--train-only: OUT/finetune-data/trained.json, the record --trained reads back."""
    doc = {"trainFiles": train_files_digest(ctx.split), "split": ctx.report["split"], "device": ctx.device,
           "hardware": ctx.hw, "torch": ctx.torch_version, "config": ctx.args.config,
           "models": {kind: dict(ctx.report["models"][kind], weights=os.path.relpath(ctx.new_models[kind][0], ctx.work))
                      for kind in ("unet", "maskrcnn")}}
    write_json(os.path.join(ctx.work, "trained.json"), doc)


def take_trained(ctx) -> None:
    """--trained DIR: the models of an earlier --train-only run on this split, instead of training."""
    folder = os.path.abspath(ctx.args.trained)
    path = os.path.join(folder, "trained.json")
    if not os.path.isfile(path):
        raise Refused("--trained %s holds no trained.json (it is the finetune-data folder of a --train-only run)" % folder)
    try:
        doc = read_json(path)
        missing = [k for k in ("trainFiles", "device", "hardware", "torch", "config", "models") if k not in doc]
        missing += ["models.%s" % k for k in ("unet", "maskrcnn") if k not in doc.get("models", {})]
    except (ValueError, AttributeError) as err:
        raise Refused("--trained %s: trained.json is not a record of a --train-only run (%s)" % (folder, err))
    if missing:
        raise Refused("--trained %s: trained.json lacks %s (half-written?)" % (folder, ", ".join(missing)))
    if doc["trainFiles"] != train_files_digest(ctx.split):
        raise Refused("--trained %s was trained on other films than this split's train part "
                      "(same --data and --held-out-share are needed)" % folder)
    for kind in ("unet", "maskrcnn"):
        rec = doc["models"][kind]
        if rec["baseSha256"] != ctx.base[kind]["sha256"]:
            raise Refused("--trained %s: its %s started from %s, not from the models in --models" % (folder, kind, rec["base"]))
        weights = os.path.join(folder, rec.pop("weights"))
        summary_path = os.path.join(os.path.dirname(weights), "train.json")
        if not (os.path.isfile(weights) and os.path.isfile(summary_path)):
            raise Refused("--trained %s lacks %s or its train.json" % (folder, os.path.relpath(weights, folder)))
        ctx.report["models"][kind] = rec
        ctx.new_models[kind] = (weights, read_json(summary_path))
    ctx.train_device, ctx.train_hw, ctx.torch_version = doc["device"], doc["hardware"], doc["torch"]
    ctx.report["trainedOn"] = {"device": doc["device"], "hardware": doc["hardware"], "config": doc["config"]}
