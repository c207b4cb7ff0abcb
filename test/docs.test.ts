import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeEnv } from '@vertxnet/config';
import { README, SERVICE_ENVS, withEnvTables } from '../scripts/env-tables.js';

const ROOT = resolve(import.meta.dirname, '..');

describe('README', () => {
  it('documents every environment variable each service reads, with the default its schema gives', async () => {
    const readme = await readFile(README, 'utf8');
    for (const service of Object.keys(SERVICE_ENVS)) expect(readme).toContain(`<!-- env:${service} -->`);
    for (const [service, schema] of Object.entries(SERVICE_ENVS)) {
      expect(describeEnv(schema as unknown as Parameters<typeof describeEnv>[0]).length, service).toBeGreaterThan(3);
    }
    // Every row (name, default, meaning) as the schemas give it; `npx tsx scripts/env-tables.ts` rewrites them.
    expect(withEnvTables(readme)).toBe(readme);
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
    const { DEFAULT_MODELS } = await import('@vertxnet/queue');
    const texts = await Promise.all(['README.md', 'docker-compose.yml', 'k8s/base/ingest.yaml'].map((f) => readFile(join(ROOT, f), 'utf8')));
    for (const kind of ['unet', 'maskrcnn'] as const) {
      const manifest = JSON.parse(await readFile(join(ROOT, 'models', kind, 'manifest.json'), 'utf8')) as { name: string; version: string };
      const ref = `${manifest.name}@${manifest.version}`;
      expect(DEFAULT_MODELS[kind]).toBe(ref);
      for (const text of texts) expect(text).toContain(ref);
    }
  });
});
