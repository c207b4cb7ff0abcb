#!/usr/bin/env bash
# The generalisation figures of docs/EVALUATION.md, from scratch, with the shipped models:
# style B (never trained on) with the view left to the pipeline and given, our own held-out set,
# mirror consistency, the real AP films' held-out fifth (out of scope), 100 head films (C2–C4 small in
# a corner of a skull film), style C (the validation style, which the calibration is fitted on), and
# 100 films of our random look at full strength, a fifth of them stored bone-dark (the polarity pass).
# About 50 minutes on 2 cores.
#
#   bash bench/generalisation.sh WORK_DIR [SHARED_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:?usage: bench/generalisation.sh WORK_DIR [SHARED_DIR]}
SHARED=${2:-../shared}
CLI=(node packages/cli/dist/main.js)
mkdir -p "$WORK"

node packages/phantom-b/dist/main.js --count 200 --seed 900001 --out "$WORK/styleb"
node packages/phantom/dist/main.js --count 200 --seed 90001 --out "$WORK/own" --quiet
node packages/phantom/dist/main.js --count 100 --seed 94001 --view cervical --head-share 1 --out "$WORK/head" --quiet
node packages/phantom-c/dist/main.js --count 200 --seed 700001 --out "$WORK/stylec"
node packages/phantom/dist/main.js --count 100 --seed 13500 --look random --out "$WORK/dark" --quiet

# Style B, view left to the pipeline, then given in a manifest (one row per film, beside the films).
"${CLI[@]}" run "$WORK/styleb/images" --out "$WORK/styleb-run"
"${CLI[@]}" eval --results "$WORK/styleb-run" --gt "$WORK/styleb/annotations.json" --out "$WORK/styleb-eval"
node -e '
  const fs = require("fs"), path = require("path");
  const [gt, dir] = process.argv.slice(1);
  const coco = JSON.parse(fs.readFileSync(gt, "utf8"));
  fs.mkdirSync(dir, { recursive: true });
  const rows = ["uri,view"];
  for (const img of coco.images) {
    const name = path.basename(img.file_name);
    const link = path.join(dir, name);
    if (!fs.existsSync(link)) fs.symlinkSync(path.resolve(path.dirname(gt), img.file_name), link);
    rows.push(`${name},${img.view}`);
  }
  fs.writeFileSync(path.join(dir, "cohort.csv"), rows.join("\n") + "\n");
' "$WORK/styleb/annotations.json" "$WORK/styleb-view-given"
"${CLI[@]}" run "$WORK/styleb-view-given/cohort.csv" --out "$WORK/styleb-vg-run"
"${CLI[@]}" eval --results "$WORK/styleb-vg-run" --gt "$WORK/styleb/annotations.json" --out "$WORK/styleb-vg-eval"

# Our own style's held-out set.
"${CLI[@]}" run "$WORK/own/images" --out "$WORK/own-run"
"${CLI[@]}" eval --results "$WORK/own-run" --gt "$WORK/own/annotations.json" --out "$WORK/own-eval"

# Style C, the validation style (view left to the pipeline).
"${CLI[@]}" run "$WORK/stylec/images" --out "$WORK/stylec-run"
"${CLI[@]}" eval --results "$WORK/stylec-run" --gt "$WORK/stylec/annotations.json" --out "$WORK/stylec-eval"

# Head films: C2–C4 found and labelled right (the region pass, docs/MODELS.md).
"${CLI[@]}" run "$WORK/head/images" --out "$WORK/head-run"
"${CLI[@]}" eval --results "$WORK/head-run" --gt "$WORK/head/annotations.json" --out "$WORK/head-eval"
npx tsx bench/head-films.ts "$WORK/head/annotations.json" "$WORK/head-run"

# Films stored bone-dark: read inverted by the polarity pass (docs/MODELS.md), and the rest left alone.
"${CLI[@]}" run "$WORK/dark/images" --out "$WORK/dark-run"
npx tsx bench/polarity.ts "$WORK/dark/annotations.json" "$WORK/dark-run"

# Mirror consistency on the first 40 style B films.
mkdir -p "$WORK/styleb-40"
ls "$WORK/styleb/images" | head -40 | while read -r f; do ln -sf "$(cd "$WORK/styleb/images" && pwd)/$f" "$WORK/styleb-40/$f"; done
npx tsx bench/mirror.ts --images "$WORK/styleb-40" --work "$WORK/mirror" --original "$WORK/styleb-run"

# Real AP films: the held-out fifth, never trained on, through the whole pipeline.
PYTHONPATH=training /usr/bin/python3 -m vertxnet_train.heads.scope split --images "$SHARED/data/real-ap/images" --split test --out "$WORK/ap-test"
"${CLI[@]}" run "$WORK/ap-test" --out "$WORK/ap-run" || true   # exit 2/3 when films fail or get nothing
npx tsx bench/scope-rate.ts "$WORK/ap-run" "$WORK/own-run" "$WORK/styleb-run" "$WORK/stylec-run"
for r in styleb-eval styleb-vg-eval own-eval head-eval stylec-eval; do echo "$r:"; sed -n 3,5p "$WORK/$r.md"; done
