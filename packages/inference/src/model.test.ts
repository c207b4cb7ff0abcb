import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyModels, type TinyModels } from '../../../test/parity/tiny-models.js';
import { ConfigError, ModelError } from '@vertxnet/core';
import { availableExecutionProviders } from './execution-providers.js';
import { loadModel, type InferenceLogger } from './model.js';
import { prepareInput } from './tasks.js';

let tiny: TinyModels;
let scratch: string;

beforeAll(async () => {
  tiny = await tinyModels();
  scratch = await mkdtemp(join(tmpdir(), 'vertxnet-model-test-'));
}, 180_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

let copies = 0;
/** A private copy of a fixture model, with the manifest edited and the weights optionally changed (hash kept in step). */
async function copyModel(
  from: string,
  edit: (manifest: Record<string, any>) => void = () => undefined,
  weights?: (path: string) => Promise<void>,
): Promise<string> {
  const dir = join(scratch, `model-${copies++}`);
  await cp(from, dir, { recursive: true });
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  if (weights) {
    await weights(join(dir, 'model.onnx'));
    manifest.sha256 = createHash('sha256')
      .update(await readFile(join(dir, 'model.onnx')))
      .digest('hex');
  }
  edit(manifest);
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

function recordingLogger(): InferenceLogger & { lines: { level: string; obj: any; msg: string }[] } {
  const lines: { level: string; obj: any; msg: string }[] = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
  };
}

async function rejection(promise: Promise<unknown>): Promise<ModelError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelError);
  return err as ModelError;
}

describe('loadModel', () => {
  it('loads a verified model and records provenance and load time', async () => {
    const logger = recordingLogger();
    const model = await loadModel(tiny.unet, { logger, intraOpThreads: 1 });
    try {
      const manifest = JSON.parse(await readFile(join(tiny.unet, 'manifest.json'), 'utf8'));
      expect(model.provenance).toEqual({ name: 'tiny-unet', version: '0.0.0-test', sha256: manifest.sha256 });
      expect(model.dir).toBe(tiny.unet);
      expect(model.loadSeconds).toBeGreaterThan(0);
      expect(model.executionProviders).toEqual(['cpu']);
      expect(logger.lines).toEqual([expect.objectContaining({ level: 'info', msg: 'model loaded' })]);
    } finally {
      await model.close();
    }
  });

  it('names the manifest file and the field when the manifest is invalid', async () => {
    const dir = await copyModel(tiny.unet, (m) => {
      m.input.size = 'large';
      delete m.version;
    });
    const err = await rejection(loadModel(dir));
    expect(err.code).toBe('MODEL_MANIFEST_INVALID');
    expect(err.message).toContain(join(dir, 'manifest.json'));
    expect(err.message).toMatch(/input\.size: .*number/);
    expect(err.message).toMatch(/version: /);
    const views = await copyModel(tiny.unet, (m) => {
      m.viewClasses = ['cervical', 'cervical'];
    });
    expect((await rejection(loadModel(views))).message).toMatch(/viewClasses: viewClasses must name each view once/);
  });

  it('says when the manifest is not JSON', async () => {
    const dir = await copyModel(tiny.unet);
    await writeFile(join(dir, 'manifest.json'), '{"name": ');
    expect((await rejection(loadModel(dir))).message).toMatch(/manifest\.json: not valid JSON/);
  });

  it('names the path when the model folder or the weights are missing', async () => {
    const missing = join(scratch, 'no-such-model');
    const err = await rejection(loadModel(missing));
    expect(err.code).toBe('MODEL_NOT_FOUND');
    expect(err.message).toContain(join(missing, 'manifest.json'));
    const dir = await copyModel(tiny.unet);
    await rm(join(dir, 'model.onnx'));
    expect((await rejection(loadModel(dir))).message).toContain(`${join(dir, 'model.onnx')}: not found`);
  });

  it('refuses weights whose sha256 does not match the manifest', async () => {
    const dir = await copyModel(tiny.unet, (m) => {
      m.sha256 = 'f'.repeat(64);
    });
    const err = await rejection(loadModel(dir));
    expect(err.code).toBe('MODEL_HASH_MISMATCH');
    expect(err.message).toMatch(new RegExp(`model\\.onnx: sha256 [0-9a-f]{64} does not match the manifest \\(f{64}\\)`));
  });

  it("names the file and the runtime's reason when the ONNX is corrupt", async () => {
    const dir = await copyModel(tiny.maskrcnn, undefined, (path) => truncate(path, 10_000));
    const err = await rejection(loadModel(dir));
    expect(err.code).toBe('MODEL_LOAD_FAILED');
    expect(err.message).toMatch(/model\.onnx: onnxruntime cannot load it \(.+\)/);
  });

  it('refuses a manifest whose input size, batch mode or names disagree with the model', async () => {
    const small = await copyModel(tiny.maskrcnn, (m) => {
      m.input.size = 64;
    });
    expect((await rejection(loadModel(small))).message).toMatch(/input 'image' is float32 \[1,128,128\].*size 64.*needs float32 \[1,64,64\]/);
    const batched = await copyModel(tiny.maskrcnn, (m) => {
      m.input.dynamicBatch = true;
    });
    expect((await rejection(loadModel(batched))).code).toBe('MODEL_IO_MISMATCH');
    const renamed = await copyModel(tiny.unet, (m) => {
      m.input.name = 'pixels';
    });
    expect((await rejection(loadModel(renamed))).message).toMatch(/inputs are \[image\]; the manifest expects one input 'pixels'/);
    const outputs = await copyModel(tiny.unet, (m) => {
      m.outputs = { foreground: 'foreground', edges: 'edges' };
    });
    expect((await rejection(loadModel(outputs))).message).toMatch(/the manifest also names \[edges\]/);
  });

  it('falls back to cpu with one log line when an unavailable provider is asked for, and refuses unknown ones', async () => {
    await expect(loadModel(tiny.unet, { executionProviders: ['gpu'] })).rejects.toThrow(ConfigError);
    const missing = ['tensorrt', 'cuda'].filter((ep) => !availableExecutionProviders().includes(ep));
    if (missing.length === 0) return; // a CUDA build: nothing to fall back from
    const logger = recordingLogger();
    const model = await loadModel(tiny.unet, { executionProviders: [...missing, 'cpu'], logger });
    await model.close();
    const warnings = logger.lines.filter((l) => l.level === 'warn');
    expect(warnings.map((l) => l.msg)).toEqual([`${missing.join(', ')} requested but not available in this onnxruntime build; using cpu`]);
    expect(model.executionProviders).toEqual(['cpu']);
  });
});

describe('InferenceModel.run', () => {
  it('gives a stacked batch the same per-image outputs as single runs', async () => {
    const model = await loadModel(tiny.unet, { intraOpThreads: 1 });
    try {
      const a = prepareInput(model.manifest, new Uint8Array(30 * 20).fill(200), 30, 20).input;
      const b = prepareInput(
        model.manifest,
        Uint8Array.from({ length: 50 * 50 }, (_, i) => i % 251),
        50,
        50,
      ).input;
      const [batchA, batchB] = await model.run([a, b]);
      const [singleB] = await model.run([b]);
      expect(batchB!['foreground']!.dims).toEqual([1, 1, 64, 64]);
      expect(Array.from(batchB!['foreground']!.data as Float32Array)).toEqual(Array.from(singleB!['foreground']!.data as Float32Array));
      expect(batchA!['foreground']!.data).not.toEqual(batchB!['foreground']!.data);
      expect(await model.run([])).toEqual([]);
    } finally {
      await model.close();
    }
  });

  it('refuses an input of the wrong size', async () => {
    const model = await loadModel(tiny.unet);
    try {
      const err = await rejection(model.run([new Float32Array(64 * 64), new Float32Array(32 * 32)]));
      expect(err.code).toBe('MODEL_INPUT_SHAPE');
      expect(err.message).toBe('input 1 has 1024 values; tiny-unet takes 64x64 = 4096');
    } finally {
      await model.close();
    }
  });

  it("logs each input's dims and type when a run fails, then throws a ModelError", async () => {
    const logger = recordingLogger();
    const model = await loadModel(tiny.batch1Unet, { logger });
    try {
      const input = new Float32Array(64 * 64);
      await expect(model.run([input])).resolves.toHaveLength(1);
      const err = await rejection(model.run([input, input]));
      expect(err.code).toBe('MODEL_RUN_FAILED');
      expect(err.message).toMatch(/^tiny-unet-batch1 0\.0\.0-test: inference failed \(.+\)/);
      expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.obj)).toEqual([
        { model: 'tiny-unet-batch1', input: 'image', dims: [2, 1, 64, 64], type: 'float32' },
      ]);
    } finally {
      await model.close();
    }
  });

  it('refuses to run once closed', async () => {
    const model = await loadModel(tiny.unet);
    await model.close();
    expect((await rejection(model.run([new Float32Array(64 * 64)]))).code).toBe('MODEL_CLOSED');
  });
});
