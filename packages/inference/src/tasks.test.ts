import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readParityDump, type ParityDump } from '../../../test/parity/parity-dump.js';
import { tinyModels } from '../../../test/parity/tiny-models.js';
import { frameFor, ModelError } from '@vertxnet/core';
import { createBatcher } from './batcher.js';
import { loadModel, type InferenceModel } from './model.js';
import { toForegroundMap, toInstanceSet } from './postprocess.js';
import { detectInstances, segmentForeground } from './tasks.js';

let unet: InferenceModel;
let maskrcnn: InferenceModel;
let unetDump: ParityDump;
let maskrcnnDump: ParityDump;

beforeAll(async () => {
  const tiny = await tinyModels();
  [unet, maskrcnn, unetDump, maskrcnnDump] = await Promise.all([
    loadModel(tiny.unet, { intraOpThreads: 1 }),
    loadModel(tiny.maskrcnn, { intraOpThreads: 1 }),
    readParityDump(tiny.parity.unet),
    readParityDump(tiny.parity.maskrcnn),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([unet?.close(), maskrcnn?.close()]);
});

describe('segmentForeground', () => {
  it("turns an 8-bit image into torch's foreground map over the image's frame", async () => {
    const source = unetDump.sources[0]!;
    const map = await segmentForeground(unet, source.gray8, source.width, source.height);
    const frame = frameFor(source.width, source.height, 64);
    expect(map.frame).toEqual(frame);
    const torch = toForegroundMap((unetDump.outputs['foreground']!.data as Float32Array).subarray(0, 64 * 64), frame);
    let worst = 0;
    for (let i = 0; i < torch.probability.length; i++) worst = Math.max(worst, Math.abs(map.probability[i]! - torch.probability[i]!));
    expect(worst).toBeLessThanOrEqual(1); // ×255 rounding may flip where torch and onnxruntime differ by 1e-7
  });

  it('works through a batcher and refuses a model of the other task', async () => {
    const source = unetDump.sources[1]!;
    const batcher = createBatcher(unet, { maxBatch: 4, maxWaitMs: 1 });
    const viaBatcher = await segmentForeground(batcher, source.gray8, source.width, source.height);
    expect(viaBatcher).toEqual(await segmentForeground(unet, source.gray8, source.width, source.height));
    await batcher.close();
    await expect(segmentForeground(maskrcnn, source.gray8, source.width, source.height)).rejects.toThrow(ModelError);
  });
});

describe('detectInstances', () => {
  it("gives torch's instances, thresholded, in the image's frame", async () => {
    const source = maskrcnnDump.sources[0]!;
    const set = await detectInstances(maskrcnn, source.gray8, source.width, source.height, { scoreThreshold: 0.5 });
    const o = maskrcnnDump.outputs;
    const torch = toInstanceSet(
      {
        boxes: o['boxes']!.data as Float32Array,
        labels: o['labels']!.data as BigInt64Array,
        scores: o['scores']!.data as Float32Array,
        masks: o['masks']!.data as Float32Array,
      },
      frameFor(source.width, source.height, 128),
      maskrcnn.manifest.classes,
      { scoreThreshold: 0.5 },
    );
    expect(set.frame).toEqual(torch.frame);
    expect(set.classes).toEqual(maskrcnn.manifest.classes);
    expect(set.detections.length).toBeGreaterThan(0);
    expect(set.detections.map((d) => [d.className, d.mask.x, d.mask.y, d.mask.width, d.mask.height])).toEqual(
      torch.detections.map((d) => [d.className, d.mask.x, d.mask.y, d.mask.width, d.mask.height]),
    );
    set.detections.forEach((d, i) => {
      expect(d.score).toBeCloseTo(torch.detections[i]!.score, 3);
      expect(Array.from(d.mask.data)).toEqual(Array.from(torch.detections[i]!.mask.data));
      expect(d.box[2]).toBeLessThanOrEqual(set.frame.width);
    });
  });
});
