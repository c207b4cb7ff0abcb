/**
 * How a U-Net's level head reads a dens that stands apart from C2: over the phantom's cervical
 * random-anatomy films of seeds FROM..TO-1 with the dens apart (and no atlas block), the head's most
 * probable level offset at the dens's centre (-1: the place above C2) and at C2's (0).
 *
 *   npx tsx bench/dens-apart.ts MODELS_DIR FROM TO [--films]
 */
import { join } from 'node:path';
import { likeliestOffsetAt } from '@vertxnet/core';
import { loadModel, segmentForeground } from '@vertxnet/inference';
import { generatePhantom } from '@vertxnet/phantom';

const [modelsDir, fromArg, toArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (!modelsDir || !fromArg || !toArg) {
  console.error('usage: npx tsx bench/dens-apart.ts MODELS_DIR FROM TO [--films]');
  process.exit(2);
}
const films = process.argv.includes('--films');
const unet = await loadModel(join(modelsDir, 'unet'), { intraOpThreads: 2 });
let n = 0;
let densAbove = 0;
let c2AsC2 = 0;
let both = 0;
for (let seed = Number(fromArg); seed < Number(toArg); seed++) {
  const film = generatePhantom({ seed, view: 'cervical', anatomy: 'random' });
  if (!film.meta.anatomy?.densApart || film.meta.anatomy.atlasBody) continue;
  const dens = film.unlabelled.find((b) => b.level === 'C1');
  const c2 = film.instances.find((b) => b.level === 'C2');
  if (!dens || !c2 || c2.truncated) continue;
  const fg = await segmentForeground(
    unet,
    Uint8Array.from(film.image, (v) => Math.round(v * 255)),
    film.width,
    film.height,
  );
  const grid = fg.levels;
  if (!grid) throw new Error(`${modelsDir}: the U-Net has no level head`);
  const read = (bbox: readonly number[]) => likeliestOffsetAt(grid, fg.frame, bbox[0]! + bbox[2]! / 2, bbox[1]! + bbox[3]! / 2);
  const d = read(dens.bbox);
  const c = read(c2.bbox);
  n++;
  if (d.offset === -1) densAbove++;
  if (c.offset === 0) c2AsC2++;
  if (d.offset === -1 && c.offset === 0) both++;
  if (films) console.log(`seed ${seed}\tdens ${d.offset} (${d.probability.toFixed(2)})\tC2 ${c.offset} (${c.probability.toFixed(2)})`);
}
await unet.close();
console.log(`${n} films with the dens apart: dens read above C2 on ${densAbove}, C2 read as C2 on ${c2AsC2}, both on ${both}`);
