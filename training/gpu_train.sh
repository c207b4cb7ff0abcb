#!/usr/bin/env bash
# Train the U-Net and the Mask R-CNN concurrently on one GPU within a wall-clock budget.
#
#   training/gpu_train.sh DATA_DIR OUT_DIR MINUTES
#
# DATA_DIR: COCO dataset folder(s), comma-separated. OUT_DIR receives only small files:
# unet.vxw, maskrcnn.vxw (fp16 weights, split into parts of at most 15 MB when larger),
# unet.log, maskrcnn.log. Checkpoints and the decoded-image cache stay in $VERTXNET_WORK
# (default: a temporary folder). VERTXNET_CONFIG picks the config (default gpu; tiny for a test);
# VERTXNET_ITERS caps the steps (the time budget still ends training first when shorter).
# To fine-tune instead of training from scratch: VERTXNET_INIT_UNET / VERTXNET_INIT_MASKRCNN (weights to
# start from), VERTXNET_CLASSES (the Mask R-CNN's class set, e.g. landmarks), VERTXNET_LR_UNET /
# VERTXNET_LR_MASKRCNN (learning rates), VERTXNET_WORKERS_UNET / VERTXNET_WORKERS_MASKRCNN (DataLoader
# workers each: the Mask R-CNN's loading is the heavier, so it is the one to give cores to).
set -euo pipefail
export PYTHONUNBUFFERED=1
export NO_PROXY='*' HF_HUB_OFFLINE=1 TORCH_HOME="${TORCH_HOME:-/nonexistent-no-downloads}"

if [ $# -ne 3 ]; then
  echo "usage: $0 DATA_DIR OUT_DIR MINUTES" >&2
  exit 2
fi
DATA="$1"
OUT="$2"
MINUTES="$3"
CONFIG="${VERTXNET_CONFIG:-gpu}"
PY="${PYTHON:-python3}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="${VERTXNET_WORK:-$(mktemp -d -t vertxnet-train.XXXXXX)}"
CHUNK_MB="${VERTXNET_CHUNK_MB:-15}"
export PYTHONPATH="$HERE${PYTHONPATH:+:$PYTHONPATH}"
mkdir -p "$OUT" "$WORK"
START=$(date +%s)

echo "vertxnet gpu_train: data=$DATA out=$OUT minutes=$MINUTES config=$CONFIG work=$WORK"
"$PY" - <<'PYEOF' || true
import torch, torchvision
print("torch", torch.__version__, "torchvision", torchvision.__version__, "cuda", torch.cuda.is_available(),
      torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")
PYEOF
df -h /dev/shm 2>/dev/null | tail -1 || true

# Decode and letterbox every image once, on all cores, for both trainings.
CORES=$(nproc 2>/dev/null || echo 4)
"$PY" -m vertxnet_train.train --model unet --config "$CONFIG" --data "$DATA" --out "$WORK/prepare" \
  --cache "$WORK/records.pkl" --cache-workers "$CORES" --prepare-only 2>&1 | tee "$WORK/prepare.log"

NOW=$(date +%s)
# minutes left for each training, keeping 20 s for process exit and the copy
LEFT=$("$PY" -c "print(max(0.5, $MINUTES - ($NOW - $START + 20) / 60.0))")
echo "training budget: $LEFT minutes each"

run() {  # model, then extra options
  local model="$1"
  shift
  "$PY" -m vertxnet_train.train --model "$model" --config "$CONFIG" --data "$DATA" --out "$WORK/$model" \
    --cache "$WORK/records.pkl" --max-minutes "$LEFT" --resume \
    --save-half --save-chunks "$CHUNK_MB" --weights "$OUT/$model.vxw" ${VERTXNET_ITERS:+--iters "$VERTXNET_ITERS"} \
    "$@" > "$OUT/$model.log" 2>&1
}
run unet ${VERTXNET_INIT_UNET:+--init "$VERTXNET_INIT_UNET"} ${VERTXNET_LR_UNET:+--lr "$VERTXNET_LR_UNET"} \
  ${VERTXNET_WORKERS_UNET:+--workers "$VERTXNET_WORKERS_UNET"} & UNET_PID=$!
run maskrcnn ${VERTXNET_INIT_MASKRCNN:+--init "$VERTXNET_INIT_MASKRCNN"} ${VERTXNET_LR_MASKRCNN:+--lr "$VERTXNET_LR_MASKRCNN"} \
  ${VERTXNET_WORKERS_MASKRCNN:+--workers "$VERTXNET_WORKERS_MASKRCNN"} ${VERTXNET_CLASSES:+--classes "$VERTXNET_CLASSES"} & MRCNN_PID=$!

STATUS=0
wait "$UNET_PID" || { echo "U-Net training failed (see $OUT/unet.log)" >&2; STATUS=1; }
wait "$MRCNN_PID" || { echo "Mask R-CNN training failed (see $OUT/maskrcnn.log)" >&2; STATUS=1; }
tail -n 3 "$OUT/unet.log" "$OUT/maskrcnn.log" || true
ls -l "$OUT"
echo "elapsed $(( $(date +%s) - START )) s"
exit $STATUS
