#!/usr/bin/env bash
# CPU time per image of a whole local run (decode, every model and test-time pass, fusion, outputs),
# two model folders side by side on the same films, alternating, each run from scratch.
#
#   bash bench/cost.sh IMAGES MODELS_A MODELS_B [ROUNDS]
# MODELS_* hold unet/ and maskrcnn/ (as models/ does). Prints user+sys seconds per image and B ÷ A.
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGES=${1:?usage: bench/cost.sh IMAGES MODELS_A MODELS_B [ROUNDS]}
A=${2:?}; B=${3:?}; ROUNDS=${4:-2}
N=$(find -L "$IMAGES" -maxdepth 1 -type f | wc -l)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
TIMEFORMAT='%U %S'
declare -A total=([A]=0 [B]=0)
for round in $(seq 1 "$ROUNDS"); do
  for side in A B; do
    dir=${!side}
    rm -rf "$OUT/run"
    t=$( { time node packages/cli/dist/main.js run "$IMAGES" --out "$OUT/run" --models "$dir" >/dev/null 2>&1; } 2>&1 )
    cpu=$(echo "$t" | awk '{print $1 + $2}')
    total[$side]=$(echo "${total[$side]} + $cpu" | bc -l)
    printf 'round %d %s (%s): %.1f s CPU, %.3f s per image\n' "$round" "$side" "$dir" "$cpu" "$(echo "$cpu / $N" | bc -l)"
  done
done
a=$(echo "${total[A]} / ($ROUNDS * $N)" | bc -l); b=$(echo "${total[B]} / ($ROUNDS * $N)" | bc -l)
printf 'per image: A %.3f s, B %.3f s CPU; B / A = %.2f (%d films, %d rounds)\n' "$a" "$b" "$(echo "$b / $a" | bc -l)" "$N" "$ROUNDS"
