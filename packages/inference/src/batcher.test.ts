import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyModels, type TinyModels } from '../../../test/parity/tiny-models.js';
import { ConfigError, ModelError } from '@vertxnet/core';
import { createBatcher } from './batcher.js';
import { loadModel, type InferenceModel } from './model.js';

let tiny: TinyModels;
let unet: InferenceModel;

beforeAll(async () => {
  tiny = await tinyModels();
  unet = await loadModel(tiny.unet, { intraOpThreads: 1 });
}, 180_000);

afterAll(async () => {
  await unet?.close();
});

/** Distinct inputs, so each caller can check it got its own image's output. */
function inputs(n: number): Float32Array[] {
  return Array.from({ length: n }, (_, i) => Float32Array.from({ length: 64 * 64 }, (_, j) => ((i * 7 + j) % 13) / 6 - 1));
}

async function expected(model: InferenceModel, input: Float32Array): Promise<number[]> {
  const [out] = await model.run([input]);
  return Array.from(out!['foreground']!.data as Float32Array);
}

describe('createBatcher', () => {
  it('runs concurrent callers as one batch and gives each its own outputs', async () => {
    const sizes: number[] = [];
    const batcher = createBatcher(unet, { maxBatch: 4, maxWaitMs: 60_000, onBatch: (size) => sizes.push(size) });
    const xs = inputs(4);
    const outs = await Promise.all(xs.map((x) => batcher.infer(x)));
    expect(sizes).toEqual([4]);
    for (const [i, out] of outs.entries()) {
      expect(Array.from(out['foreground']!.data as Float32Array)).toEqual(await expected(unet, xs[i]!));
    }
    await batcher.close();
  });

  it('never puts more than maxBatch in a run, and runs them one at a time', async () => {
    const sizes: number[] = [];
    let active = 0;
    let mostActive = 0;
    // The real model behind a wrapper that counts runs in flight.
    const counting: InferenceModel = Object.assign(Object.create(unet) as InferenceModel, {
      async run(xs: readonly Float32Array[]) {
        active++;
        mostActive = Math.max(mostActive, active);
        try {
          return await unet.run(xs);
        } finally {
          active--;
        }
      },
    });
    const batcher = createBatcher(counting, { maxBatch: 2, maxWaitMs: 60_000, onBatch: (size) => sizes.push(size) });
    const pending = inputs(5).map((x) => batcher.infer(x));
    // The fifth waits for a partner until close() flushes it.
    await Promise.all(pending.slice(0, 4));
    expect(sizes).toEqual([2, 2]);
    await batcher.close();
    await Promise.all(pending);
    expect(sizes).toEqual([2, 2, 1]);
    expect(mostActive).toBe(1);
  });

  it('runs a lone input once it has waited maxWaitMs', async () => {
    const seconds: number[] = [];
    const batcher = createBatcher(unet, { maxBatch: 8, maxWaitMs: 30, onBatch: (size, s) => seconds.push(size, s) });
    const started = performance.now();
    await batcher.infer(inputs(1)[0]!);
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
    expect(seconds[0]).toBe(1);
    expect(seconds[1]).toBeGreaterThan(0);
    await batcher.close();
  });

  it('rejects every caller of a failed batch with the run error', async () => {
    // Its export baked batch 1 into a Reshape: a batch of three fails inside onnxruntime.
    const broken = await loadModel(tiny.batch1Unet);
    const batcher = createBatcher(broken, { maxBatch: 3, maxWaitMs: 60_000 });
    const results = await Promise.allSettled(inputs(3).map((x) => batcher.infer(x)));
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ModelError);
      expect((r as PromiseRejectedResult).reason.code).toBe('MODEL_RUN_FAILED');
    }
    // The batcher carries on after a failed batch (a batch of one runs fine on this model).
    const after = batcher.infer(inputs(1)[0]!);
    await batcher.close();
    await expect(after).resolves.toHaveProperty('foreground');
    await broken.close();
  });

  it('runs a batch-1 model input by input', async () => {
    const maskrcnn = await loadModel(tiny.maskrcnn, { intraOpThreads: 1 });
    const sizes: number[] = [];
    const batcher = createBatcher(maskrcnn, { maxBatch: 2, maxWaitMs: 60_000, onBatch: (size) => sizes.push(size) });
    const xs = Array.from({ length: 2 }, (_, i) => new Float32Array(128 * 128).fill(i));
    const outs = await Promise.all(xs.map((x) => batcher.infer(x)));
    expect(sizes).toEqual([2]);
    expect(outs.map((o) => Object.keys(o).sort())).toEqual([
      ['boxes', 'labels', 'masks', 'scores'],
      ['boxes', 'labels', 'masks', 'scores'],
    ]);
    await batcher.close();
    await maskrcnn.close();
  });

  it('refuses bad options, wrong-sized inputs and inputs after close', async () => {
    expect(() => createBatcher(unet, { maxBatch: 0, maxWaitMs: 5 })).toThrow(ConfigError);
    expect(() => createBatcher(unet, { maxBatch: 2, maxWaitMs: -1 })).toThrow(ConfigError);
    const batcher = createBatcher(unet, { maxBatch: 2, maxWaitMs: 5 });
    await expect(batcher.infer(new Float32Array(3))).rejects.toThrow(/input has 3 values/);
    await batcher.close();
    await expect(batcher.infer(inputs(1)[0]!)).rejects.toThrow(/closed/);
  });
});
