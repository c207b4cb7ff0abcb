import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shipped models: VERTXNET_MODELS, else the repository's models/ folder beside this package. */
export function defaultModelsDir(): string {
  if (process.env.VERTXNET_MODELS) return resolve(process.env.VERTXNET_MODELS);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'models', 'unet', 'manifest.json'))) return join(dir, 'models');
    dir = dirname(dir);
  }
  return resolve('models');
}
