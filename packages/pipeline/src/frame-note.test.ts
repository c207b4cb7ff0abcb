import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeImage, generatePhantom } from '@vertxnet/phantom';
import { LocalStorage } from '@vertxnet/storage';
import { openModelRunner } from './model-runner.js';
import { fuseStage } from './stages/fuse.js';
import { prepareImage } from './stages/prepare.js';
import { detectStage, segmentStage } from './stages/segment.js';

const MODELS = new URL('../../../models/', import.meta.url).pathname;

// A file with several images: the first is analysed, and result.json says so.
describe('multi-page TIFF and animated GIF sources', () => {
  let dir: string;
  let runners: Awaited<ReturnType<typeof openModelRunner>>[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vx-pages-'));
    runners = await Promise.all([
      openModelRunner({ dir: join(MODELS, 'unet'), maxBatch: 1, maxWaitMs: 0 }),
      openModelRunner({ dir: join(MODELS, 'maskrcnn'), maxBatch: 1, maxWaitMs: 0 }),
    ]);
    const ph = generatePhantom({ seed: 5, view: 'lumbar', format: 'png8', maxSide: 512, partialShare: 0, asShare: 0, implantShare: 0 });
    const first = await sharp(await encodeImage(ph))
      .toColourspace('srgb')
      .png()
      .toBuffer();
    // Distinct pages: a GIF encoder merges identical consecutive frames.
    const flat = (colour: string) =>
      sharp({ create: { width: ph.width, height: ph.height, channels: 3, background: colour } })
        .png()
        .toBuffer();
    const pages = [first, await flat('#000000'), await flat('#ffffff')];
    await writeFile(
      join(dir, 'scan.tif'),
      await sharp(pages, { join: { animated: true } })
        .tiff()
        .toBuffer(),
    );
    await writeFile(
      join(dir, 'scan.gif'),
      await sharp(pages, { join: { animated: true } })
        .gif()
        .toBuffer(),
    );
  }, 60_000);
  afterAll(async () => {
    await Promise.all(runners.map((r) => Promise.all([r.runner.close(), r.model.close()])));
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['scan.tif', 'multi-page: page 1 of 3 used'],
    ['scan.gif', 'animated: frame 1 of 3 used'],
  ])(
    '%s: page 1 is labelled and result.json notes "%s"',
    async (file, note) => {
      const work = new LocalStorage(join(dir, `work-${file}`));
      const out = new LocalStorage(join(dir, `out-${file}`));
      const prepared = await prepareImage({ work }, { source: `file://${join(dir, file)}` });
      expect(prepared.frameNote).toBe(note);
      const [unet, maskrcnn] = runners;
      const { foreground } = await segmentStage({ work, runner: unet!.runner }, { image: prepared.image });
      const { instances } = await detectStage({ work, runner: maskrcnn!.runner }, { image: prepared.image });
      await fuseStage({ work, out }, { source: `file://${join(dir, file)}`, name: file, image: prepared.image, foreground, instances });
      const result = JSON.parse(await readFile(join(dir, `out-${file}`, file, 'result.json'), 'utf8'));
      expect(result.extra.frame).toBe(note);
      expect(result.vertebrae.filter((v: { level: string | null }) => v.level !== null).length).toBeGreaterThan(2);
    },
    120_000,
  );
});
