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

run() {  # model
  "$PY" -m vertxnet_train.train --model "$1" --config "$CONFIG" --data "$DATA" --out "$WORK/$1" \
    --cache "$WORK/records.pkl" --max-minutes "$LEFT" --resume \
    --save-half --save-chunks "$CHUNK_MB" --weights "$OUT/$1.vxw" ${VERTXNET_ITERS:+--iters "$VERTXNET_ITERS"} \
    > "$OUT/$1.log" 2>&1
}
run unet & UNET_PID=$!
run maskrcnn & MRCNN_PID=$!

STATUS=0
wait "$UNET_PID" || { echo "U-Net training failed (see $OUT/unet.log)" >&2; STATUS=1; }
wait "$MRCNN_PID" || { echo "Mask R-CNN training failed (see $OUT/maskrcnn.log)" >&2; STATUS=1; }
tail -n 3 "$OUT/unet.log" "$OUT/maskrcnn.log" || true
ls -l "$OUT"
echo "elapsed $(( $(date +%s) - START )) s"
exit $STATUS
