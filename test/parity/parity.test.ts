/**
 * onnxruntime-node through the engine against torch, on the same input.
 *
 * Tolerances: probabilities (U-Net foreground, Mask R-CNN masks) max abs diff <= 1e-4; Mask R-CNN:
 * the same detections above score 0.5 (a score within 1e-3 of 0.5 may fall either side), same label,
 * boxes within 0.5 px, scores within 1e-3. Where the dump carries the source images, the engine's
 * letterbox + normalise must reproduce torch's input tensor (max abs diff <= 1e-6).
 *
 * The tiny untrained models always run. The shipped models run when models/<name>/ and a parity
 * dump from the training code are both present (dump folder: $VERTXNET_PARITY_DIR/<name>, default
 * test/parity/dumps/<name>).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, prepareInput, type InferenceModel } from '../../packages/shared/src/inference/index.js';
import { readParityDump, type ParityDump } from './parity-dump.js';
import { REPO_ROOT, tinyModels } from './tiny-models.js';

const PROBABILITY_TOLERANCE = 1e-4;
const INPUT_TOLERANCE = 1e-6;
const BOX_TOLERANCE_PX = 0.5;
const SCORE_TOLERANCE = 1e-3;
const DETECTION_SCORE = 0.5;

const PARITY_DIR = process.env.VERTXNET_PARITY_DIR ?? join(REPO_ROOT, 'test/parity/dumps');

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return Number.isNaN(worst) ? Infinity : worst;
}

async function expectParity(modelDir: string, dumpDir: string): Promise<void> {
  const dump = await readParityDump(dumpDir);
  const model = await loadModel(modelDir, { intraOpThreads: 1 });
  try {
    const { size } = model.manifest.input;
    const plane = size * size;
    const n = dump.input.data.length / plane;
    const inputs = Array.from({ length: n }, (_, i) => dump.input.data.subarray(i * plane, (i + 1) * plane));
    dump.sources.forEach((source, i) => {
      const { input } = prepareInput(model.manifest, source.gray8, source.width, source.height);
      expect(maxAbsDiff(input, inputs[i]!), `letterbox + normalise of source ${i}`).toBeLessThanOrEqual(INPUT_TOLERANCE);
    });
    if (model.manifest.task === 'foreground-segmentation') await expectForegroundParity(model, dump, inputs);
    else await expectInstanceParity(model, dump, inputs[0]!);
  } finally {
    await model.close();
  }
}

async function expectForegroundParity(model: InferenceModel, dump: ParityDump, inputs: Float32Array[]): Promise<void> {
  const name = model.manifest.outputs['foreground']!;
  const expected = dump.outputs[name]!.data as Float32Array;
  const plane = expected.length / inputs.length;
  const outputs = await model.run(inputs);
  outputs.forEach((out, i) => {
    const diff = maxAbsDiff(out['foreground']!.data as Float32Array, expected.subarray(i * plane, (i + 1) * plane));
    expect(diff, `foreground of image ${i}`).toBeLessThanOrEqual(PROBABILITY_TOLERANCE);
  });
}

interface Detection {
  index: number;
  label: number;
  score: number;
  box: number[];
}

function detections(boxes: ArrayLike<number>, labels: ArrayLike<number | bigint>, scores: ArrayLike<number>): Detection[] {
  return Array.from({ length: scores.length }, (_, index) => ({
    index,
    label: Number(labels[index]!),
    score: scores[index]!,
    box: Array.from({ length: 4 }, (_, j) => boxes[index * 4 + j]!),
  }));
}

async function expectInstanceParity(model: InferenceModel, dump: ParityDump, input: Float32Array): Promise<void> {
  const role = (r: string) => dump.outputs[model.manifest.outputs[r]!]!.data;
  const torch = detections(role('boxes') as Float32Array, role('labels') as BigInt64Array, role('scores') as Float32Array);
  const [out] = await model.run([input]);
  const data = (r: string) => out![r]!.data as Float32Array;
  const ort = detections(data('boxes'), out!['labels']!.data as BigInt64Array, data('scores'));
  const torchMasks = role('masks') as Float32Array;
  const plane = model.manifest.input.size ** 2;

  const confident = torch.filter((d) => d.score > DETECTION_SCORE);
  expect(confident.length, 'torch has detections above 0.5 to compare').toBeGreaterThan(0);
  const unmatched = new Set(ort.filter((d) => d.score > DETECTION_SCORE));
  for (const t of confident) {
    const match = ort.find(
      (o) =>
        o.label === t.label &&
        Math.abs(o.score - t.score) <= SCORE_TOLERANCE &&
        o.box.every((v, j) => Math.abs(v - t.box[j]!) <= BOX_TOLERANCE_PX),
    );
    expect(match, `torch detection ${t.index} (label ${t.label}, score ${t.score}, box ${t.box}) in onnxruntime's`).toBeDefined();
    unmatched.delete(match!);
    const diff = maxAbsDiff(
      data('masks').subarray(match!.index * plane, (match!.index + 1) * plane),
      torchMasks.subarray(t.index * plane, (t.index + 1) * plane),
    );
    expect(diff, `mask of torch detection ${t.index}`).toBeLessThanOrEqual(PROBABILITY_TOLERANCE);
  }
  const extra = [...unmatched].filter((o) => o.score > DETECTION_SCORE + SCORE_TOLERANCE);
  expect(extra, 'onnxruntime detections above 0.5 that torch does not have').toEqual([]);
}

describe('parity with torch: tiny untrained models', () => {
  let tiny: Awaited<ReturnType<typeof tinyModels>>;
  beforeAll(async () => {
    tiny = await tinyModels();
  }, 180_000);

  it('U-Net foreground matches torch', async () => {
    await expectParity(tiny.unet, tiny.parity.unet);
  });

  it('Mask R-CNN detections and masks match torch', async () => {
    await expectParity(tiny.maskrcnn, tiny.parity.maskrcnn);
  });
});

describe('parity with torch: shipped models', () => {
  for (const name of ['unet', 'maskrcnn']) {
    const modelDir = join(REPO_ROOT, 'models', name);
    const dumpDir = join(PARITY_DIR, name);
    const missing = !existsSync(join(modelDir, 'manifest.json'))
      ? `${modelDir}/manifest.json is not there`
      : !existsSync(join(dumpDir, 'parity.json'))
        ? `no parity dump at ${dumpDir}; make one with python3 -m vertxnet_train.parity --model-dir models/${name} --checkpoint <ckpt> --out ${dumpDir}`
        : undefined;
    it.skipIf(missing !== undefined)(`models/${name} matches torch${missing ? ` (SKIPPED: ${missing})` : ''}`, async () => {
      await expectParity(modelDir, dumpDir);
    });
  }
});
