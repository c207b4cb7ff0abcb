/**
 * Head films: are C2, C3 and C4 found and labelled right when the whole skull fills the field and the
 * column sits small in a corner (`phantom --head-share 1`)? Scores each run's labels.png against the
 * ground truth with the evaluator of `vertxnet eval` (identified: the level's pixels overlap its body
 * at IoU ≥ 0.5) and prints, per run, the share of films with all three right and each level's rate.
 *
 *   npx tsx bench/head-films.ts GT/annotations.json RUN [RUN...]
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { evaluateImage } from '@vertxnet/fusion';
import { decodeCanonicalPng } from '@vertxnet/imaging';
import type { CocoDataset } from '@vertxnet/phantom';

const UPPER = ['C2', 'C3', 'C4'] as const;

const [gtPath, ...runs] = process.argv.slice(2);
if (!gtPath || runs.length === 0) {
  console.error('usage: npx tsx bench/head-films.ts GT/annotations.json RUN [RUN...]');
  process.exit(2);
}
const coco = JSON.parse(await readFile(gtPath, 'utf8')) as CocoDataset;
const mask = async (path: string) => decodeCanonicalPng(await readFile(path), path);

for (const run of runs) {
  const right = Object.fromEntries(UPPER.map((level) => [level, 0])) as Record<(typeof UPPER)[number], number>;
  let films = 0;
  let allRight = 0;
  for (const image of coco.images) {
    const truth = await mask(join(dirname(gtPath), image.label_file));
    const labels = join(run, basename(image.file_name), 'labels.png');
    const pred = existsSync(labels) ? (await mask(labels)).data : new Uint8Array(truth.data.length);
    const scores = evaluateImage(pred, truth.data, truth.width, truth.height).levels;
    films++;
    let all = true;
    for (const level of UPPER) {
      const ok = scores.some((s) => s.level === level && s.identified);
      if (ok) right[level]++;
      all &&= ok;
    }
    if (all) allRight++;
  }
  const pct = (n: number) => `${((100 * n) / Math.max(1, films)).toFixed(1)} %`;
  console.log(
    `${basename(run)}: ${films} head films, C2–C4 all right on ${allRight} (${pct(allRight)}); ` +
      UPPER.map((level) => `${level} ${pct(right[level])}`).join(', '),
  );
}
