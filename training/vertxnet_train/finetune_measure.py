"""The fine-tune's figures: the shipped and the new weights on the held-out part of the corrected
films (vertxnet_train.finetune, step 4)."""
import json
import os

from .finetune_data import read_json
from .finetune_run import pipeline_eval, run


def evaluate_model(ctx, kind: str) -> None:
    """`vertxnet_train.evaluate` of the shipped and the new weights on the held-out part."""
    m, r = ctx.base[kind], ctx.report["models"][kind]
    held = m.get("metrics", {}).get("heldOut") or {}
    extra = []
    if kind == "maskrcnn":
        score = held.get("scoreThreshold", 0.5)
        extra = ["--score", score, "--reference-score", held.get("referenceScoreThreshold", score)]
    figures = {}
    for when, weights in (("before", os.path.join(ctx.models, kind, "weights.vxw")),
                          ("after", os.path.join(ctx.out, kind, "weights.vxw"))):
        path = os.path.join(ctx.work, "eval-%s-%s.json" % (kind, when))
        run(["vertxnet_train.evaluate", "--model", kind, "--checkpoint", weights, "--data", ctx.split["heldout"],
             "--out", path, "--device", ctx.device] + extra, os.path.join(ctx.logs, "evaluate.log"), quiet=ctx.args.quiet)
        figures[when] = read_json(path)
        figures[when].pop("data", None)
    r["heldOut"] = figures
    key = "foregroundDice" if kind == "unet" else "matchedDice"
    r["change"] = {key: round(figures["after"][key] - figures["before"][key], 4)}
    if kind == "maskrcnn":
        for k in ("recall", "precision", "referenceFoundRate"):
            r["change"][k] = round(figures["after"][k] - figures["before"][k], 4)


def evaluate_level_head(ctx) -> None:
    """`vertxnet_train.heads.level evaluate` of the shipped and the fine-tuned level head on the held-out part."""
    if not ctx.level:
        return
    r = ctx.report["models"]["unet"]["levelHead"]
    figures = {}
    for when, weights in (("before", os.path.join(ctx.models, "unet", "level.vxw")), ("after", ctx.level)):
        lines = run(["vertxnet_train.heads.level", "evaluate", "--weights", weights, "--data", ctx.split["heldout"]],
                    os.path.join(ctx.logs, "evaluate.log"), quiet=ctx.args.quiet)
        figures[when] = json.loads([line for line in lines if line.startswith("{")][-1])
    r["heldOut"] = figures
    r["change"] = {k: round(figures["after"][k] - figures["before"][k], 4) for k in ("pixel_accuracy", "body_accuracy")}


def evaluate_pipeline(ctx) -> None:
    """With --pipeline: `vertxnet run` + `vertxnet eval` of the held-out films, shipped and new models."""
    fig = {when: pipeline_eval(m, ctx.split["heldout"], os.path.join(ctx.work, "pipeline-" + when),
                               log_path=os.path.join(ctx.logs, "pipeline.log"), quiet=ctx.args.quiet)
           for when, m in (("before", ctx.models), ("after", ctx.out))}
    fig["change"] = {k: round(fig["after"][k] - fig["before"][k], 4)
                     for k in ("meanDice", "identificationAccuracy") if k in fig["after"] and k in fig["before"]}
    ctx.report["pipeline"] = fig
