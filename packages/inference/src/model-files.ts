import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ModelError, ModelManifestSchema, type ModelManifest } from '@vertxnet/core';

export const MANIFEST_FILE = 'manifest.json';

/** Reads and validates `<dir>/manifest.json`; every failure names the file and, for schema errors, the field. */
export async function readModelManifest(dir: string): Promise<ModelManifest> {
  const path = join(dir, MANIFEST_FILE);
  const text = (await readOrExplain(path, 'the model folder has no manifest')).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelError(`${path}: not valid JSON (${(err as Error).message})`, { code: 'MODEL_MANIFEST_INVALID', cause: err });
  }
  const parsed = ModelManifestSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ModelError(`${path}: ${fields.join('; ')}`, { code: 'MODEL_MANIFEST_INVALID' });
  }
  return parsed.data;
}

/**
 * Reads the weights named by the manifest and checks their sha256. Returns the bytes so the session
 * is created from exactly what was hashed.
 */
export async function readVerifiedWeights(dir: string, manifest: ModelManifest): Promise<{ path: string; bytes: Buffer }> {
  const path = resolve(dir, manifest.file);
  const bytes = await readOrExplain(path, 'the manifest names a weights file that is not there');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== manifest.sha256) {
    throw new ModelError(`${path}: sha256 ${sha256} does not match the manifest (${manifest.sha256})`, { code: 'MODEL_HASH_MISMATCH' });
  }
  return { path, bytes };
}

async function readOrExplain(path: string, whenMissing: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ModelError(`${path}: not found (${whenMissing})`, { code: 'MODEL_NOT_FOUND', cause: err });
    }
    throw new ModelError(`${path}: cannot be read (${(err as Error).message})`, { code: 'MODEL_LOAD_FAILED', cause: err });
  }
}
