#!/usr/bin/env bash
# CPU time per image of a whole local run (decode, every model and test-time pass, fusion, outputs),
# two model folders side by side on the same films, alternating, each run from scratch.
#
#   [CLI_A=OTHER/packages/cli/dist/main.js] bash bench/cost.sh IMAGES MODELS_A MODELS_B [ROUNDS]
# MODELS_* hold unet/ and maskrcnn/ (as models/ does). CLI_A and CLI_B (default this checkout's built
# CLI) run a side with another checkout's code, e.g. a `git worktree` of an older commit, to compare
# code as well as models. Prints user+sys seconds per image and B ÷ A.
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGES=${1:?usage: bench/cost.sh IMAGES MODELS_A MODELS_B [ROUNDS]}
A=${2:?}; B=${3:?}; ROUNDS=${4:-2}
N=$(find -L "$IMAGES" -maxdepth 1 -type f | wc -l)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
TIMEFORMAT='%U %S'
declare -A total=([A]=0 [B]=0)
CLI_A=${CLI_A:-packages/cli/dist/main.js}; CLI_B=${CLI_B:-packages/cli/dist/main.js}
for round in $(seq 1 "$ROUNDS"); do
  for side in A B; do
    dir=${!side}; cli=CLI_$side
    rm -rf "$OUT/run"
    t=$( { time node "${!cli}" run "$IMAGES" --out "$OUT/run" --models "$dir" >/dev/null 2>&1; } 2>&1 )
    cpu=$(echo "$t" | awk '{print $1 + $2}')
    total[$side]=$(echo "${total[$side]} + $cpu" | bc -l)
    printf 'round %d %s (%s, %s): %.1f s CPU, %.3f s per image\n' "$round" "$side" "${!cli}" "$dir" "$cpu" "$(echo "$cpu / $N" | bc -l)"
  done
done
a=$(echo "${total[A]} / ($ROUNDS * $N)" | bc -l); b=$(echo "${total[B]} / ($ROUNDS * $N)" | bc -l)
printf 'per image: A %.3f s, B %.3f s CPU; B / A = %.2f (%d films, %d rounds)\n' "$a" "$b" "$(echo "$b / $a" | bc -l)" "$N" "$ROUNDS"
