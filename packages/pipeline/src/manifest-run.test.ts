import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeImage, generatePhantom } from '@vertxnet/phantom';
import { runLocal } from './local-runner.js';
import { RunFileSchema } from './run-file.js';

const ROOT = new URL('../../../', import.meta.url).pathname;

describe('a manifest with a bad row, through the local runner', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('fails that row alone, with its reason, and labels the others', async () => {
    const src = await mkdtemp(join(tmpdir(), 'vx-manifest-src-'));
    const out = await mkdtemp(join(tmpdir(), 'vx-manifest-out-'));
    dirs.push(src, out);
    const ph = generatePhantom({ seed: 3, view: 'cervical', format: 'png8', maxSide: 320 });
    await writeFile(join(src, 'a.png'), await encodeImage(ph));
    await writeFile(join(src, 'cohort.csv'), 'uri,view\n../outside.png,\na.png,cervical\n');
    const report = await runLocal({
      source: join(src, 'cohort.csv'),
      out,
      models: { unet: join(ROOT, 'models/unet'), maskrcnn: join(ROOT, 'models/maskrcnn') },
    });
    expect(report.counts).toMatchObject({ images: 2, succeeded: 1, failed: 1 });
    expect(report.failures).toEqual([
      { name: '..__outside.png', source: '../outside.png', reason: expect.stringMatching(/^cohort\.csv row 2: .*escapes its root/) },
    ]);
    expect(await readdir(join(out, 'a.png'))).toContain('result.json');
    // The one run.json shape of both modes (a distributed run's is parsed in services/ingest/src/run-files.test.ts).
    const written = RunFileSchema.strict().parse(JSON.parse(await readFile(join(out, 'run.json'), 'utf8')));
    expect(written).toEqual(report);
    expect(written).toMatchObject({ mode: 'local', state: 'finished', models: { unet: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } } });
  }, 120_000);
});
