#!/usr/bin/env bash
# The review-and-adapt demonstration of docs/EVALUATION.md (issue 13), end to end on the CPU:
# films of a look the shipped models handle badly (the phantom's random film look at full strength)
# → run → export-task (CVAT) → a script plays the annotator from the ground truth → import-corrections
# → fine-tune → the shipped and the fine-tuned models on held-out films of that look, side by side.
# About 90 minutes on 2 cores with the default budgets (most of it the two fine-tunings).
#
#   [FINETUNE_ARGS="--level-epochs 10"] [UNTIL=corrected] [TRAINED=DIR] \
#     bash bench/adapt.sh WORK_DIR [MINUTES_PER_MODEL] [CORRECTED_FILMS] [HELD_OUT_FILMS]
# FINETUNE_ARGS: more options for vertxnet_train.finetune (--level-epochs, --invert-share, --lr-factor, --config gpu).
# UNTIL=corrected stops once WORK_DIR/corrected is written, to train elsewhere (a GPU machine:
#   vertxnet_train.finetune --data corrected --train-only, docs/EVALUATION.md); TRAINED=DIR then finishes with
#   the weights trained there (--trained DIR: trained.json, run-unet/, run-maskrcnn/) instead of training here.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:?usage: bench/adapt.sh WORK_DIR [MINUTES_PER_MODEL] [CORRECTED_FILMS] [HELD_OUT_FILMS]}
MINUTES=${2:-30}
CORRECTED=${3:-100}
HELD_OUT=${4:-200}
CLI=(node packages/cli/dist/main.js)
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

# Separate seeds: the corrected films and the held-out films share the look, never a film.
[ -d "$WORK/site" ] || node packages/phantom/dist/main.js --count "$CORRECTED" --seed 13100 --look random --out "$WORK/site" --quiet
[ -d "$WORK/heldout" ] || node packages/phantom/dist/main.js --count "$HELD_OUT" --seed 13500 --look random --out "$WORK/heldout" --quiet
# Our own default look, to see that the fine-tuning did not cost the films the models already handled.
[ -d "$WORK/own" ] || node packages/phantom/dist/main.js --count 100 --seed 90001 --out "$WORK/own" --quiet

# The site's run, its review task, the reviewer's corrections, the training set.
[ -f "$WORK/site-run/run.json" ] || "${CLI[@]}" run "$WORK/site/images" --out "$WORK/site-run" >/dev/null
rm -rf "$WORK/task" "$WORK/corrected"
"${CLI[@]}" export-task "$WORK/site-run" --select all --format cvat --out "$WORK/task"
npx tsx bench/play-annotator.ts --task "$WORK/task/cvat/annotations/instances_default.json" --gt "$WORK/site/annotations.json" --out "$WORK/cvat-export.json"
"${CLI[@]}" import-corrections "$WORK/cvat-export.json" --run "$WORK/site-run" --out "$WORK/corrected"
if [ "${UNTIL:-}" = corrected ]; then echo "corrected films: $WORK/corrected"; exit 0; fi

# Fine-tune both models and the level head on the corrected films (or finish what was trained elsewhere).
rm -rf "$WORK/models-site" "$WORK"/heldout-site "$WORK"/own-site
TRAINING=(--minutes-unet "$MINUTES" --minutes-maskrcnn "$MINUTES")
[ -n "${TRAINED:-}" ] && TRAINING=(--trained "$(cd "$TRAINED" && pwd)")
(cd training && /usr/bin/python3 -m vertxnet_train.finetune --data "$WORK/corrected" --models ../models --out "$WORK/models-site" \
  --data-note "phantom random film look (seed 13100), corrected from the ground truth by bench/play-annotator.ts" \
  "${TRAINING[@]}" --version-suffix site --quiet ${FINETUNE_ARGS:-})

# Held-out films of the site's look, and our own look: shipped models, then the fine-tuned ones.
for set in heldout own; do
  for m in shipped site; do
    models=models; [ "$m" = site ] && models="$WORK/models-site"
    [ -f "$WORK/$set-$m/run.json" ] || "${CLI[@]}" run "$WORK/$set/images" --models "$models" --out "$WORK/$set-$m" >/dev/null || true
    "${CLI[@]}" eval --results "$WORK/$set-$m" --gt "$WORK/$set/annotations.json" --out "$WORK/$set-$m-eval" >/dev/null
    echo "$set, $m models:"; sed -n 3,5p "$WORK/$set-$m-eval.md"
  done
done
