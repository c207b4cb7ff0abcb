/**
 * Mirror consistency: does a film get the same levels when it faces the other way?
 *
 * Writes every film of IMAGES mirrored left-right (its canonical 8-bit image flipped: the window
 * is the same for a film and its mirror, so the pipeline sees exactly the mirrored pixels), runs
 * `vertxnet run` on both folders (or reuses --original / --mirrored runs), then matches each
 * labelled vertebra of the original run to the mirrored run's body at the mirrored place (bbox IoU
 * ≥ 0.5) and counts how often the level is the same.
 *
 *   npx tsx bench/mirror.ts --images HELDOUT/images --work DIR [--original RUN] [--mirrored RUN] [-- <run options>]
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { decodeImage, toCanonical } from '@vertxnet/imaging';

interface Vertebra {
  level: string | null;
  bbox: [number, number, number, number];
}
interface Result {
  image: { width: number };
  view: { value: string | null };
  vertebrae: Vertebra[];
}

const { values, positionals } = parseArgs({
  options: { images: { type: 'string' }, work: { type: 'string' }, original: { type: 'string' }, mirrored: { type: 'string' } },
  allowPositionals: true,
});
if (!values.images || !values.work) throw new Error('usage: mirror.ts --images DIR --work DIR [--original RUN] [--mirrored RUN] [-- run options]');
const cli = join(import.meta.dirname, '..', 'packages', 'cli', 'dist', 'main.js');
const stem = (name: string) => name.slice(0, name.length - extname(name).length);

async function writeMirrored(from: string, to: string): Promise<number> {
  await mkdir(to, { recursive: true });
  let n = 0;
  for (const name of (await readdir(from)).sort()) {
    if (!/\.(png|jpe?g|tiff?)$/i.test(name)) continue;
    const canonical = toCanonical(await decodeImage(await readFile(join(from, name)), name));
    const png = await sharp(Buffer.from(canonical.data), { raw: { width: canonical.width, height: canonical.height, channels: 1 } })
      .flop()
      .png()
      .toBuffer();
    await writeFile(join(to, `${stem(name)}.png`), png);
    n++;
  }
  return n;
}

function run(images: string, out: string): void {
  const started = Date.now();
  execFileSync(process.execPath, [cli, 'run', images, '--out', out, ...positionals], { stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`ran ${images} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

async function results(runDir: string): Promise<Map<string, Result>> {
  const byStem = new Map<string, Result>();
  for (const entry of await readdir(runDir, { withFileTypes: true })) {
    const file = join(runDir, entry.name, 'result.json');
    if (entry.isDirectory() && existsSync(file)) byStem.set(stem(entry.name), JSON.parse(await readFile(file, 'utf8')) as Result);
  }
  return byStem;
}

function iou(a: Vertebra['bbox'], b: Vertebra['bbox']): number {
  const ix = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
  const inter = ix * iy;
  return inter / (a[2] * a[3] + b[2] * b[3] - inter);
}

/** Labelled vertebrae of the original and how many the mirror labels alike. */
function compare(original: Result, mirrored: Result): { labelled: number; same: number } {
  const width = original.image.width;
  let labelled = 0;
  let same = 0;
  for (const v of original.vertebrae) {
    if (!v.level) continue;
    labelled++;
    const expected: Vertebra['bbox'] = [width - v.bbox[0] - v.bbox[2], v.bbox[1], v.bbox[2], v.bbox[3]];
    const match = mirrored.vertebrae.map((m) => ({ m, o: iou(expected, m.bbox) })).sort((a, b) => b.o - a.o)[0];
    if (match && match.o >= 0.5 && match.m.level === v.level) same++;
  }
  return { labelled, same };
}

const originalRun = values.original ?? join(values.work, 'run-original');
const mirroredRun = values.mirrored ?? join(values.work, 'run-mirrored');
if (!values.mirrored) {
  const count = await writeMirrored(values.images, join(values.work, 'mirrored'));
  console.log(`mirrored ${count} films`);
  run(join(values.work, 'mirrored'), mirroredRun);
}
if (!values.original) run(values.images, originalRun);
const [a, b] = [await results(originalRun), await results(mirroredRun)];
let labelled = 0;
let same = 0;
let sameView = 0;
let identical = 0;
let films = 0;
for (const [name, original] of a) {
  const mirrored = b.get(name);
  if (!mirrored) continue;
  films++;
  const c = compare(original, mirrored);
  labelled += c.labelled;
  same += c.same;
  if (original.view.value === mirrored.view.value) sameView++;
  if (c.same === c.labelled && c.labelled === mirrored.vertebrae.filter((v) => v.level).length) identical++;
}
console.log(`films compared: ${films}; same view: ${sameView} (${((100 * sameView) / films).toFixed(1)} %); films labelled identically: ${identical}`);
console.log(`labelled vertebrae: ${labelled}; same level on the mirror: ${same} (${((100 * same) / Math.max(1, labelled)).toFixed(2)} %)`);
