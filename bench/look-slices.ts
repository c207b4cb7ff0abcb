/**
 * Slices a `vertxnet eval` report by the film-look stages recorded in the phantom's COCO file:
 * per stage, the images with it and those without it. A third argument leaves out the films with
 * that stage first (e.g. `inverted`, which fails every film today and would swamp the other slices).
 *
 *   npx tsx bench/look-slices.ts <eval report .json> <annotations.json> [stage to leave out]
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { CocoDataset } from '@vertxnet/phantom';

interface EvalImage {
  name: string;
  levels: number;
  identified: number;
  meanDice: number;
}

const [reportPath, cocoPath, leftOut] = process.argv.slice(2);
if (!reportPath || !cocoPath) throw new Error('usage: look-slices <eval report .json> <annotations.json> [stage to leave out]');
const report = JSON.parse(await readFile(reportPath, 'utf8')) as { images: EvalImage[] };
const coco = JSON.parse(await readFile(cocoPath, 'utf8')) as CocoDataset;
const stagesOf = new Map(coco.images.map((i) => [basename(i.file_name), i.look?.stages ?? []]));
const images = report.images.filter((i) => !leftOut || !stagesOf.get(i.name)?.includes(leftOut));

/** Dice pooled over vertebrae (image means weighted by their vertebra counts) and identification. */
function score(images: EvalImage[]): string {
  const vertebrae = images.reduce((a, i) => a + i.levels, 0);
  const dice = images.reduce((a, i) => a + i.meanDice * i.levels, 0) / vertebrae;
  const identified = images.reduce((a, i) => a + i.identified, 0) / vertebrae;
  return `${images.length} | ${vertebrae} | ${dice.toFixed(3)} | ${(100 * identified).toFixed(1)} %`;
}

const stages = [...new Set(images.flatMap((i) => stagesOf.get(i.name) ?? []))].sort();
console.log('| stage | with: images | vertebrae | mean Dice | identification | without: images | vertebrae | mean Dice | identification |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
console.log(`| all${leftOut ? ` but ${leftOut}` : ''} | ${score(images)} | | | | |`);
for (const stage of stages) {
  const has = (i: EvalImage) => stagesOf.get(i.name)?.includes(stage) ?? false;
  console.log(`| ${stage} | ${score(images.filter(has))} | ${score(images.filter((i) => !has(i)))} |`);
}
