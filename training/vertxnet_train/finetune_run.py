"""The fine-tune's steps run as subprocesses: the documented training command lines, and the
TypeScript pipeline for whole-pipeline figures (python3 -m vertxnet_train.finetune; see there)."""
import os
import shutil
import subprocess
import sys

from .finetune_data import read_json

HERE = os.path.dirname(os.path.abspath(__file__))
TRAINING = os.path.dirname(HERE)


def run(args, log_path: str, quiet: bool = False) -> list:
    """`python3 -m vertxnet_train.<args>` from training/, its output into log_path (and echoed);
    returns the output's last 20 lines."""
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
    return tail


def pipeline_eval(models: str, heldout: str, out: str, *, log_path: str, quiet: bool = False) -> dict:
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
