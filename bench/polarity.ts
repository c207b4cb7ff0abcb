/**
 * Films stored bone-dark and the polarity pass: for each run of films of the phantom's random look
 * (`phantom --look random`, a share of them inverted, `look.inverted` in annotations.json), how many
 * films each polarity was read in (result.json `polarity`) against how they were drawn, and the mean
 * Dice and identification of the inverted films and of the others, with the evaluator of
 * `vertxnet eval`.
 *
 *   npx tsx bench/polarity.ts GT/annotations.json RUN [RUN...]
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { evaluateImage } from '@vertxnet/fusion';
import { decodeCanonicalPng } from '@vertxnet/imaging';
import type { CocoDataset } from '@vertxnet/phantom';

const [gtPath, ...runs] = process.argv.slice(2);
if (!gtPath || runs.length === 0) {
  console.error('usage: npx tsx bench/polarity.ts GT/annotations.json RUN [RUN...]');
  process.exit(2);
}
const coco = JSON.parse(await readFile(gtPath, 'utf8')) as CocoDataset;
const mask = async (path: string) => decodeCanonicalPng(await readFile(path), path);

interface Tally {
  films: number;
  /** result.json polarity: 'inverted', 'mixed' or none. */
  read: Record<string, number>;
  vertebrae: number;
  dice: number;
  identified: number;
}

const tally = (): Tally => ({ films: 0, read: {}, vertebrae: 0, dice: 0, identified: 0 });

for (const run of runs) {
  const drawn = { inverted: tally(), asStored: tally() };
  for (const image of coco.images) {
    const name = basename(image.file_name);
    const truth = await mask(join(dirname(gtPath), image.label_file));
    const folder = join(run, name);
    const labels = existsSync(join(folder, 'labels.png')) ? (await mask(join(folder, 'labels.png'))).data : new Uint8Array(truth.data.length);
    const result = existsSync(join(folder, 'result.json')) ? (JSON.parse(await readFile(join(folder, 'result.json'), 'utf8')) as { polarity?: string }) : {};
    const t = image.look?.inverted ? drawn.inverted : drawn.asStored;
    const polarity = result.polarity ?? 'as stored';
    t.films++;
    t.read[polarity] = (t.read[polarity] ?? 0) + 1;
    const { levels } = evaluateImage(labels, truth.data, truth.width, truth.height);
    for (const level of levels) {
      t.vertebrae++;
      t.dice += level.dice;
      if (level.identified) t.identified++;
    }
  }
  console.log(`${basename(run)}:`);
  for (const [what, t] of [
    ['drawn inverted', drawn.inverted],
    ['drawn as stored', drawn.asStored],
  ] as const) {
    const reads = Object.entries(t.read)
      .map(([p, n]) => `${n} read ${p}`)
      .join(', ');
    const dice = t.vertebrae ? (t.dice / t.vertebrae).toFixed(3) : '–';
    const id = t.vertebrae ? `${((100 * t.identified) / t.vertebrae).toFixed(1)} %` : '–';
    console.log(`  ${what}: ${t.films} films (${reads || 'none'}); ${t.vertebrae} vertebrae, mean Dice ${dice}, identification ${id}`);
  }
}
