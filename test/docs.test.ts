import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeEnv } from '@vertxnet/shared';
import { IngestEnv } from '../services/ingest/src/env.js';
import { UnetWorkerEnv } from '../services/unet-worker/src/env.js';
import { MaskrcnnWorkerEnv } from '../services/maskrcnn-worker/src/env.js';
import { FusionWorkerEnv } from '../services/fusion-worker/src/env.js';

const ROOT = resolve(import.meta.dirname, '..');

describe('README', () => {
  it('documents every environment variable each service reads', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const schemas = { ingest: IngestEnv, 'unet-worker': UnetWorkerEnv, 'maskrcnn-worker': MaskrcnnWorkerEnv, 'fusion-worker': FusionWorkerEnv };
    const missing: string[] = [];
    for (const [service, schema] of Object.entries(schemas)) {
      const rows = describeEnv(schema as Parameters<typeof describeEnv>[0]);
      expect(rows.length).toBeGreaterThan(3);
      for (const row of rows) if (!readme.includes(`\`${row.name}\``)) missing.push(`${service}: ${row.name}`);
    }
    expect(missing).toEqual([]);
  });

  it('starts with the two commands, and CI runs the same test command', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const firstBlock = /```bash\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = firstBlock.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
    expect(commands).toEqual(['ONNXRUNTIME_NODE_INSTALL=skip npm ci && npm run demo', 'npm test']);
    const ci = await readFile(join(ROOT, '.ci/run'), 'utf8');
    expect(ci.split('\n').map((l) => l.trim())).toContain('npm test');
  });

  it('says what `npm run demo` runs, with the folder the script names', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const demo = /node packages\/cli\/dist\/main\.js (run .*)$/.exec(pkg.scripts.demo!)?.[1];
    expect(demo).toBeDefined();
    expect(readme).toContain(`\`npm run demo\` builds the TypeScript and runs \`vertxnet ${demo}\``);
  });

  it('lists the exit codes the command line uses', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const { ExitCode } = await import('../packages/cli/src/exit-codes.js');
    for (const code of Object.values(ExitCode)) expect(readme).toMatch(new RegExp(`^\\| ${code} \\| `, 'm'));
  });
});

describe('default models', () => {
  it('name the shipped models, in the services, the README, Compose and Kubernetes', async () => {
    const { DEFAULT_MODELS } = await import('@vertxnet/shared');
    const texts = await Promise.all(['README.md', 'docker-compose.yml', 'k8s/base/ingest.yaml'].map((f) => readFile(join(ROOT, f), 'utf8')));
    for (const kind of ['unet', 'maskrcnn'] as const) {
      const manifest = JSON.parse(await readFile(join(ROOT, 'models', kind, 'manifest.json'), 'utf8')) as { name: string; version: string };
      const ref = `${manifest.name}@${manifest.version}`;
      expect(DEFAULT_MODELS[kind]).toBe(ref);
      for (const text of texts) expect(text).toContain(ref);
    }
  });
});
