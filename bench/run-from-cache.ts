/**
 * A `vertxnet run` output folder (result.json, labels.png, overlays per film) from the model
 * outputs `vertxnet eval --ablation --cache CACHE` kept: the run's own prepare and fusion stages
 * over the cached blobs, without the models. For refitting the calibration after a fusion change
 * (scripts/calibrate.ts reads only result.json and labels.png) in a fraction of a run's time.
 * Timings and the source path aside, its results are the run's (checked on style C films).
 *
 *   npx tsx bench/run-from-cache.ts CACHE GT/annotations.json OUT
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fuseStage, prepareImage, resultName } from '@vertxnet/pipeline';
import type { CocoDataset } from '@vertxnet/phantom';
import { LocalStorage } from '@vertxnet/storage';

const [cache, gtPath, outDir] = process.argv.slice(2);
if (!cache || !gtPath || !outDir) {
  console.error('usage: npx tsx bench/run-from-cache.ts CACHE GT/annotations.json OUT');
  process.exit(2);
}
const coco = JSON.parse(await readFile(gtPath, 'utf8')) as CocoDataset;
await mkdir(outDir, { recursive: true });
const workDir = await mkdtemp(join(tmpdir(), 'vertxnet-run-from-cache-'));
const work = new LocalStorage(workDir);
const out = new LocalStorage(outDir);
const started = performance.now();
try {
  for (const image of coco.images) {
    const file = basename(image.file_name);
    const source = pathToFileURL(resolve(dirname(gtPath), image.file_name)).href;
    const prepared = await prepareImage({ work }, { source });
    await work.put(`foreground/${file}.bin`, await readFile(join(cache, `${file}.fg.bin`)));
    await work.put(`instances/${file}.bin`, await readFile(join(cache, `${file}.in.bin`)));
    await fuseStage(
      { work, out },
      { source, name: resultName(file), image: prepared.image, foreground: `foreground/${file}.bin`, instances: `instances/${file}.bin` },
    );
  }
} finally {
  await rm(workDir, { recursive: true, force: true });
}
const seconds = (performance.now() - started) / 1000;
console.log(`${coco.images.length} films written to ${outDir} in ${seconds.toFixed(0)} s (${(seconds / coco.images.length).toFixed(2)} s a film)`);
