/**
 * Fusion alone, again, on model outputs cached by `vertxnet eval --ablation --cache DIR`: the
 * ensemble's mean Dice and identification, and where each film's view came from and whether it was
 * right. For measuring a change to the fusion rule on a set in seconds instead of rerunning the
 * models (rebuild first: `npx tsc -b packages/cli`).
 *
 *   npx tsx bench/replay-fusion.ts CACHE GT/annotations.json [--view-from-gt] [--films] [--set OPTION=VALUE]...
 *
 * `--set` overrides a fusion option (packages/fusion/src/options.ts), e.g. `--set weighLandmarkView=false`.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { View } from '@vertxnet/core';
import { evaluateImage, rasteriseCoco, summariseEval, type CocoPolygonAnnotation, type EvalImage } from '@vertxnet/fusion';
import { decodeForeground, decodeInstances, labelImage } from '@vertxnet/pipeline';
import type { CocoDataset } from '@vertxnet/phantom';

const args = process.argv.slice(2);
const options: Record<string, unknown> = {};
for (let i = 0; i < args.length; i++) {
  if (args[i] !== '--set') continue;
  const [key, value] = (args[i + 1] ?? '').split('=');
  if (!key || value === undefined) throw new Error(`--set wants OPTION=VALUE, got ${args[i + 1]}`);
  options[key] = value === 'true' ? true : value === 'false' ? false : Number.isNaN(Number(value)) ? value : Number(value);
  args.splice(i, 2);
  i--;
}
const [cache, gtPath] = args.filter((a) => !a.startsWith('--'));
if (!cache || !gtPath) {
  console.error('usage: npx tsx bench/replay-fusion.ts CACHE GT/annotations.json [--view-from-gt] [--films]');
  process.exit(2);
}
const viewFromGt = args.includes('--view-from-gt');
const films = args.includes('--films');
const coco = JSON.parse(await readFile(gtPath, 'utf8')) as CocoDataset & { images: { view?: View }[] };

const evals: EvalImage[] = [];
const bySource = new Map<string, { films: number; wrong: number }>();
let notCached = 0;
for (const image of coco.images) {
  const name = basename(image.file_name);
  if (!existsSync(join(cache, `${name}.in.bin`)) || !existsSync(join(cache, `${name}.fg.bin`))) {
    notCached++;
    continue;
  }
  const foreground = decodeForeground(await readFile(join(cache, `${name}.fg.bin`)), name);
  const instances = decodeInstances(await readFile(join(cache, `${name}.in.bin`)), name);
  const truthView = image.view;
  const view = viewFromGt ? truthView : undefined;
  const anns = coco.annotations.filter((a) => a.image_id === image.id) as unknown as CocoPolygonAnnotation[];
  const truth = rasteriseCoco(anns, image.width, image.height);
  const { fusion, labels } = labelImage({ foreground, instances, ...(view ? { view } : {}) }, image, options);
  const evaluation = evaluateImage(labels, truth, image.width, image.height);
  evals.push({ name, evaluation, flags: fusion.qc.flags, view: fusion.view });
  const source = fusion.viewSource;
  const s = bySource.get(source) ?? { films: 0, wrong: 0 };
  s.films++;
  if (fusion.view !== truthView) s.wrong++;
  bySource.set(source, s);
  if (films) {
    const ids = evaluation.levels.filter((l) => l.identified).length;
    const { tp, fp, fn } = evaluation.detection;
    console.log(
      `${name}\t${truthView}\t${fusion.view}\t${source}\tdice ${evaluation.meanDice.toFixed(3)}\tid ${ids}/${evaluation.levels.length}` +
        `\tbodies ${tp} found, ${fp} extra, ${fn} missed\tshift ${labelShift(labels, truth)}`,
    );
  }
}
const s = summariseEval(evals);
const everyLevel = evals.filter((e) => e.evaluation.levels.every((l) => l.identified)).length;
console.log(
  `${basename(cache)}${viewFromGt ? ' (view given)' : ''}: ${evals.length} films, mean Dice ${s.meanDice.toFixed(3)}, ` +
    `image mean ${s.meanImageDice.toFixed(3)}, identification ${(100 * s.identificationAccuracy).toFixed(1)} %, ` +
    `every level identified on ${everyLevel}`,
);
if (notCached) console.log(`  ${notCached} films left out: no cached model outputs (vertxnet eval --ablation --cache ${cache})`);
for (const [source, v] of [...bySource].sort((a, b) => b[1].films - a[1].films)) console.log(`  view ${source}: ${v.films} films, ${v.wrong} wrong`);

/**
 * How far the labels sit from the truth, in levels: for each predicted level, the truth level its
 * pixels overlap most (VerSe codes; L5 → S1 is one level though the codes skip L6), as "truth −
 * predicted" per body, e.g. "0 0 +1". Counting errors show as one shift on every body.
 */
function labelShift(pred: Uint8Array, truth: Uint8Array): string {
  const overlap = new Map<number, Map<number, number>>();
  for (let i = 0; i < pred.length; i++) {
    const p = pred[i]!;
    const g = truth[i]!;
    if (!p || !g) continue;
    const row = overlap.get(p) ?? new Map<number, number>();
    row.set(g, (row.get(g) ?? 0) + 1);
    overlap.set(p, row);
  }
  const rank = (code: number) => (code >= 25 ? code - 1 : code);
  const shifts = [...overlap.keys()]
    .sort((a, b) => a - b)
    .map((p) => {
      const [g] = [...overlap.get(p)!].reduce((best, e) => (e[1] > best[1] ? e : best));
      const d = rank(g) - rank(p);
      return d > 0 ? `+${d}` : `${d}`;
    });
  return shifts.join(' ') || '-';
}
