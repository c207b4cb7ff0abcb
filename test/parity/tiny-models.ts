/**
 * Tiny untrained ONNX models with torch reference outputs, made by test/fixtures/make_tiny_models.py
 * and cached in the OS temp folder under the script's hash (a changed script makes fresh ones).
 */
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = join(REPO_ROOT, 'test/fixtures/make_tiny_models.py');
/** Debian's python with torch; override with PYTHON. */
export const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';

export interface TinyModels {
  root: string;
  /** Model folders: manifest.json + model.onnx. */
  unet: string;
  maskrcnn: string;
  /** A U-Net whose export baked batch 1 into a Reshape although its manifest says dynamicBatch: runs of 2+ fail. */
  batch1Unet: string;
  /** Parity dumps (parity.json + raw arrays) for unet and maskrcnn. */
  parity: { unet: string; maskrcnn: string };
}

export async function tinyModels(): Promise<TinyModels> {
  const hash = createHash('sha256')
    .update(await readFile(SCRIPT))
    .digest('hex')
    .slice(0, 16);
  const root = join(tmpdir(), `vertxnet-tiny-models-${hash}`);
  if (!existsSync(join(root, 'parity/maskrcnn/parity.json'))) {
    const building = `${root}.${randomUUID()}`;
    try {
      await run(PYTHON, [SCRIPT, building], { env: { ...process.env, PYTHONWARNINGS: 'ignore' }, maxBuffer: 64 << 20 });
      await rename(building, root);
    } catch (err) {
      // Another process may have finished first; its copy is as good as ours.
      if (!existsSync(join(root, 'parity/maskrcnn/parity.json'))) throw err;
    } finally {
      await rm(building, { recursive: true, force: true });
    }
  }
  return {
    root,
    unet: join(root, 'unet'),
    maskrcnn: join(root, 'maskrcnn'),
    batch1Unet: join(root, 'unet-batch1'),
    parity: { unet: join(root, 'parity/unet'), maskrcnn: join(root, 'parity/maskrcnn') },
  };
}
