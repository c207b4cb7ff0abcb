import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, uniqueName } from '../../../test/helpers/redis.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Starts a built model worker with `env` and waits for it to exit on its own. */
function start(worker: 'unet-worker' | 'maskrcnn-worker', env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'services', worker, 'dist/main.js')], {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: uniqueName(), HTTP_PORT: '0', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

// A model that cannot be used must stop the worker at start, in one line that names the model, its
// folder and what is wrong: not surface at the first job as a retried error.
describe('a model worker with an unusable model', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vx-bad-model-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('exits 2 with one line when MODEL_DIR does not exist', async () => {
    const { code, stderr } = await start('unet-worker', { MODEL_DIR: join(dir, 'nowhere') });
    expect(code).toBe(2);
    expect(stderr).toBe(
      `unet-worker: MODEL_DIR: the U-Net model in ${join(dir, 'nowhere')} cannot be used: ${join(dir, 'nowhere', 'manifest.json')}: not found (the model folder has no manifest)\n`,
    );
  });

  it('exits 2 with one line when MODEL_DIR holds the other stage’s model', async () => {
    const { code, stderr } = await start('maskrcnn-worker', { MODEL_DIR: join(ROOT, 'models/unet') });
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^maskrcnn-worker: MODEL_DIR: the Mask R-CNN model in \S+models\/unet cannot be used: .* does foreground-segmentation; this stage needs instance-segmentation\n$/,
    );
  });

  it('exits 2 with one line when the weights do not match the manifest, or onnxruntime cannot read them', async () => {
    const garbage = join(dir, 'garbage');
    await mkdir(garbage);
    await copyFile(join(ROOT, 'models/unet/manifest.json'), join(garbage, 'manifest.json'));
    const bytes = Buffer.from('not an onnx graph');
    await writeFile(join(garbage, 'model.onnx'), bytes);
    const mismatch = await start('unet-worker', { MODEL_DIR: garbage });
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(
      /^unet-worker: MODEL_DIR: the U-Net model in \S+ cannot be used: \S+model\.onnx: sha256 [0-9a-f]{64} does not match the manifest \([0-9a-f]{64}\)\n$/,
    );

    // The right hash over bytes onnxruntime cannot parse: found when the session is created (at start too).
    const manifest = JSON.parse(await readFile(join(garbage, 'manifest.json'), 'utf8')) as { sha256: string };
    manifest.sha256 = createHash('sha256').update(bytes).digest('hex');
    await writeFile(join(garbage, 'manifest.json'), JSON.stringify(manifest));
    const unreadable = await start('unet-worker', { MODEL_DIR: garbage });
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/^unet-worker: the U-Net model in \S+ cannot be used: \S+model\.onnx: onnxruntime cannot load it \(.+\)\n$/);
  }, 40_000);
});
