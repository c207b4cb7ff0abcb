/**
 * How a U-Net's level head reads a tall lumbar field: over the phantom's lumbar random-anatomy films
 * of seeds FROM..TO-1 whose field reaches up the thoracic spine (`tallField`: T7–T9 above T10), the
 * head's most probable level offset at each whole body's centre against the truth (T9 = -3 …
 * S1 = 6; T7 and T8 are beyond every head's offsets and left out), per level and per film.
 *
 *   npx tsx bench/tall-field.ts MODELS_DIR FROM TO [--films]
 */
import { join } from 'node:path';
import { likeliestOffsetAt } from '@vertxnet/core';
import { loadModel, segmentForeground } from '@vertxnet/inference';
import { generatePhantom } from '@vertxnet/phantom';

const LEVELS = ['T9', 'T10', 'T11', 'T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1'];
const [modelsDir, fromArg, toArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (!modelsDir || !fromArg || !toArg) {
  console.error('usage: npx tsx bench/tall-field.ts MODELS_DIR FROM TO [--films]');
  process.exit(2);
}
const films = process.argv.includes('--films');
const unet = await loadModel(join(modelsDir, 'unet'), { intraOpThreads: 2 });
const read = new Map(LEVELS.map((l) => [l, { right: 0, all: 0 }]));
let n = 0;
let allRight = 0;
for (let seed = Number(fromArg); seed < Number(toArg); seed++) {
  const film = generatePhantom({ seed, view: 'lumbar', anatomy: 'random', partialShare: 0 });
  if (!film.meta.anatomy?.tallField) continue;
  const fg = await segmentForeground(
    unet,
    Uint8Array.from(film.image, (v) => Math.round(v * 255)),
    film.width,
    film.height,
  );
  if (!fg.levels) throw new Error(`${modelsDir}: the U-Net has no level head`);
  const bodies = [...film.unlabelled, ...film.instances.filter((b) => !b.truncated)].filter((b) => LEVELS.includes(b.level));
  let wrong = 0;
  const line: string[] = [];
  for (const b of bodies) {
    const { offset } = likeliestOffsetAt(fg.levels, fg.frame, b.bbox[0] + b.bbox[2] / 2, b.bbox[1] + b.bbox[3] / 2);
    const truth = LEVELS.indexOf(b.level) - 3;
    const r = read.get(b.level)!;
    r.all++;
    if (offset === truth) r.right++;
    else wrong++;
    line.push(`${b.level}:${offset - truth >= 0 ? '+' : ''}${offset - truth}`);
  }
  n++;
  if (wrong === 0) allRight++;
  if (films) console.log(`seed ${seed}\t${line.join(' ')}`);
}
await unet.close();
console.log(`${n} tall lumbar films; every body read right on ${allRight}`);
console.log(LEVELS.map((l) => `${l} ${read.get(l)!.right}/${read.get(l)!.all}`).join(', '));
