import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderLabelsPng, syntheticSpine, truthLabels } from '@vertxnet/fusion';
import { encodeForeground, encodeInstances } from '@vertxnet/pipeline';
import { verseCode, type Level } from '@vertxnet/core';
import { evaluateResults, loadGroundTruth, registerEval, runAblation, type EvalReport } from './eval.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vertxnet-eval-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const W = 64;
const H = 48;
/** One square body of `code` at (x, y). */
function square(code: number, x: number, y: number, size = 10): Uint8Array {
  const m = new Uint8Array(W * H);
  for (let j = y; j < y + size; j++) for (let i = x; i < x + size; i++) m[j * W + i] = code;
  return m;
}
const ring = (x: number, y: number, s = 10) => [x, y, x + s, y, x + s, y + s, x, y + s];

async function writeResult(results: string, name: string, labels: Uint8Array, flags: string[]): Promise<void> {
  await mkdir(join(results, name), { recursive: true });
  await writeFile(join(results, name, 'labels.png'), await renderLabelsPng(labels, W, H));
  await writeFile(join(results, name, 'result.json'), JSON.stringify({ view: { value: 'lumbar' }, qc: { flags } }));
}

describe('vertxnet eval', () => {
  it('matches result folders to COCO images by file name, scores missing results 0 and writes Markdown and JSON', async () => {
    const coco = {
      images: [
        { id: 1, file_name: 'images/a.png', width: W, height: H, view: 'lumbar', as: false, cut: 'none' },
        { id: 2, file_name: 'images/b.png', width: W, height: H, view: 'lumbar', as: true, cut: 'top' },
        { id: 3, file_name: 'images/c.png', width: W, height: H, view: 'lumbar', as: false, cut: 'none' },
      ],
      annotations: [
        { id: 1, image_id: 1, category_id: 20, segmentation: [ring(10, 10)] },
        { id: 2, image_id: 1, category_id: 21, segmentation: [ring(10, 30)] },
        { id: 3, image_id: 2, category_id: 20, segmentation: [ring(10, 10)] },
        { id: 4, image_id: 3, category_id: 20, segmentation: [ring(10, 10)] },
      ],
    };
    await writeFile(join(dir, 'annotations.json'), JSON.stringify(coco));
    const results = join(dir, 'out');
    const a = square(20, 10, 10);
    a.set(square(21, 10, 30).subarray(30 * W), 30 * W);
    await writeResult(results, 'a.png', a, []);
    await writeResult(results, 'b.png', square(21, 10, 10), ['reference-not-found']); // mislabelled
    // c.png has no result folder at all.
    const program = new Command().exitOverride();
    registerEval(program);
    const report = join(dir, 'report');
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      await program.parseAsync(['eval', '--results', results, '--gt', join(dir, 'annotations.json'), '--out', report], { from: 'user' });
    } finally {
      process.stdout.write = write;
    }
    const json = JSON.parse(await readFile(`${report}.json`, 'utf8')) as EvalReport;
    expect(json.summary.vertebrae).toBe(4);
    expect(json.summary.meanDice).toBeCloseTo(2 / 4, 6);
    expect(json.summary.identificationAccuracy).toBeCloseTo(2 / 4, 6);
    expect(json.missingResults).toEqual(['c.png']);
    expect(json.summary.qcFlagRates['reference-not-found']).toBeCloseTo(1 / 3, 6);
    expect(json.summary.subsets['ankylosing spondylitis']!.meanDice).toBe(0);
    expect(json.summary.subsets['partial view']!.images).toBe(1);
    expect(json.summary.subsets['complete view']!.meanDice).toBeCloseTo(2 / 3, 6);
    const md = await readFile(`${report}.md`, 'utf8');
    expect(md).toContain('| a.png | lumbar | no | none | 2 | 1.000 | 2/2 |');
    expect(md).toContain('c.png (no result)');
    expect(md).toContain('| b.png | lumbar | yes | top | 1 | 0.000 | 0/1 | 1 | 0 | 0 | L2 | reference-not-found |');
  });

  it('reads a folder of label masks as ground truth and matches a .jpg result folder by stem', async () => {
    const gt = join(dir, 'gt');
    const src = join(dir, 'src');
    await mkdir(gt);
    await mkdir(src);
    await writeFile(join(src, 'x.jpg'), '');
    await writeFile(join(gt, 'x.png'), await renderLabelsPng(square(20, 5, 5), W, H));
    const truth = await loadGroundTruth(gt, src);
    expect(truth).toEqual([{ name: 'x.png', labelsPath: join(gt, 'x.png'), sourcePath: join(src, 'x.jpg'), meta: {} }]);
    const results = join(dir, 'out');
    await writeResult(results, 'x.jpg', square(20, 5, 5), []);
    const scored = await evaluateResults(results, truth);
    expect(scored.missing).toEqual([]);
    expect(scored.summary.meanDice).toBe(1);
  });

  it('ablation fuses both, U-Net only and Mask R-CNN only from cached model outputs', async () => {
    // Lumbar spine with the S1 class present; the U-Net joins L2–L3 by a bridge and misses nothing.
    const spine = syntheticSpine({ view: 'lumbar', size: 256, fused: [['L2', 'L3']] });
    const gtLabels = truthLabels(spine, 256, 256, (l) => verseCode(l as Level));
    const gtDir = join(dir, 'gt');
    const cache = join(dir, 'cache');
    await mkdir(gtDir);
    await mkdir(cache);
    await writeFile(join(gtDir, 's.png'), await renderLabelsPng(gtLabels, 256, 256));
    await writeFile(join(cache, 's.png.fg.bin'), encodeForeground(spine.foreground));
    await writeFile(join(cache, 's.png.in.bin'), encodeInstances(spine.instances));
    const { summaries } = await runAblation(await loadGroundTruth(gtDir), { modelsDir: '/nonexistent', cacheDir: cache });
    expect(summaries.ensemble.meanDice).toBeGreaterThan(0.85);
    expect(summaries.ensemble.identificationAccuracy).toBe(1);
    // The U-Net alone cannot name the reference: counted from the bottom, still right here.
    expect(summaries['unet-only'].qcFlagRates['reference-not-found']).toBe(1);
    expect(summaries['maskrcnn-only'].qcFlagRates['unet-missing']).toBe(1);
    expect(summaries['maskrcnn-only'].meanDice).toBeLessThan(summaries.ensemble.meanDice);
  });

  it('ablation with outputs to compute stops before any image when a model folder is missing, naming it', async () => {
    const gtDir = join(dir, 'gt');
    await mkdir(gtDir);
    await writeFile(join(gtDir, 's.png'), await renderLabelsPng(new Uint8Array(W * H), W, H));
    const cache = join(dir, 'cache');
    await expect(runAblation(await loadGroundTruth(gtDir, gtDir), { modelsDir: '/nonexistent', cacheDir: cache })).rejects.toThrow(
      'the U-Net model in /nonexistent/unet cannot be used: /nonexistent/unet/manifest.json: not found (the model folder has no manifest)',
    );
    expect(await readdir(cache)).toEqual([]);
  });
});
