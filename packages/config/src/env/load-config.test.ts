import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

describe('loadConfigOrExit', () => {
  it('prints the problems to stderr and exits with code 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vertxnet-config-'));
    try {
      const script = join(dir, 'main.ts');
      const module = fileURLToPath(new URL('./index.ts', import.meta.url));
      // The script lives in a temp dir, outside node_modules' reach.
      const zodEntry = pathToFileURL(createRequire(import.meta.url).resolve('zod')).href;
      writeFileSync(
        script,
        `import { z } from ${JSON.stringify(zodEntry)};\nimport { envInt, loadConfigOrExit } from ${JSON.stringify(module)};\n` +
          `const cfg = loadConfigOrExit(z.object({ HTTP_PORT: envInt(0, 65535).default(8080) }), 'fusion-worker');\nconsole.log('started', cfg.HTTP_PORT);\n`,
      );
      const run = (env: Record<string, string>) =>
        spawnSync(process.execPath, ['--import', 'tsx', script], {
          env: { PATH: process.env.PATH ?? '', ...env },
          cwd: fileURLToPath(new URL('../../../../', import.meta.url)),
          encoding: 'utf8',
        });
      const bad = run({ HTTP_PORT: 'x' });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('fusion-worker: invalid configuration (1 problem):\n  - HTTP_PORT: must be a whole number (got "x")');
      expect(bad.stdout).toBe('');
      const good = run({ HTTP_PORT: '9100' });
      expect(good.stderr).toBe('');
      expect(good.stdout.trim()).toBe('started 9100');
      expect(good.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
