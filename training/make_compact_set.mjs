#!/usr/bin/env node
// Writes a compact phantom training set for a remote trainer: images are generated as usual
// (PNG 8/16-bit and JPEG), brought to the canonical 8-bit form the pipeline feeds the models
// (16-bit windowed from the 0.5th to the 99.5th percentile), and stored as JPEG so that a few
// thousand images fit the transfer limit; the label masks and COCO annotations are kept.
//
//   node training/make_compact_set.mjs --out DIR --count N --seed S [--max-side 512] [--quality 82]
//        [--look default|random] [--look-strength 1] [--partial-share 0.3] [--head-share 0]
import { mkdir, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { join, parse } from 'node:path';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { writePhantomSet } from '@vertxnet/phantom';
import { decodeImage, toCanonical } from '@vertxnet/imaging';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    count: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1000' },
    'max-side': { type: 'string', default: '512' },
    quality: { type: 'string', default: '82' },
    look: { type: 'string', default: 'default' },
    'look-strength': { type: 'string', default: '1' },
    'partial-share': { type: 'string', default: '0.3' },
    'head-share': { type: 'string', default: '0' },
  },
});
if (!values.out) throw new Error('--out is required');
const raw = join(tmpdir(), `vertxnet-compact-${process.pid}`);
const started = Date.now();
await writePhantomSet({
  out: raw,
  count: Number(values.count),
  seed: Number(values.seed),
  maxSide: Number(values['max-side']),
  look: values.look,
  lookStrength: Number(values['look-strength']),
  partialShare: Number(values['partial-share']),
  headShare: Number(values['head-share']),
  onProgress: (d, t) => d % 100 === 0 && process.stderr.write(`generated ${d}/${t}\n`),
});
const coco = JSON.parse(await readFile(join(raw, 'annotations.json'), 'utf8'));
await mkdir(join(values.out, 'images'), { recursive: true });
await mkdir(join(values.out, 'labels'), { recursive: true });
for (const image of coco.images) {
  const src = join(raw, image.file_name);
  const decoded = await decodeImage(await readFile(src), image.file_name);
  const canonical = toCanonical(decoded);
  const stem = parse(image.file_name).name;
  const name = `${stem}.jpg`;
  const jpeg = await sharp(Buffer.from(canonical.data), { raw: { width: canonical.width, height: canonical.height, channels: 1 } })
    .jpeg({ quality: Number(values.quality) })
    .toBuffer();
  await writeFile(join(values.out, 'images', name), jpeg);
  await copyFile(join(raw, 'labels', `${stem}.png`), join(values.out, 'labels', `${stem}.png`));
  image.file_name = `images/${name}`;
  image.bits = 8;
  image.format = 'jpeg';
}
await writeFile(join(values.out, 'annotations.json.gz'), gzipSync(JSON.stringify(coco)));
await rm(raw, { recursive: true, force: true });
console.log(`${coco.images.length} images in ${((Date.now() - started) / 1000).toFixed(1)} s → ${values.out}`);
