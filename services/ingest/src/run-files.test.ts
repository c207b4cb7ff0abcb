import { access, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunFileSchema } from '@vertxnet/pipeline';
import { InputError } from '@vertxnet/core';
import { createLogger, parseEnv } from '@vertxnet/config';
import { stageProcessor, submitRun, DEFAULT_MODELS, type RunningService } from '@vertxnet/queue';
import { makeImageFolder, openTestPipeline, trivialHandlers, type TestPipeline } from '../../../test/e2e/helpers/pipeline.js';
import { TEST_REDIS_URL } from '../../../test/helpers/redis.js';
import { IngestEnv } from './env.js';
import { runFilesWriter } from './run-files.js';
import { startIngest } from './service.js';
import { sourceLister } from './sources.js';

// The ingest service's own lister and run-files writer over a local folder: what a run leaves out
// and what fails must be in run.json and summary.csv, as in a local run.

const S3 = { region: 'us-east-1' };
const TMP = pathToFileURL(tmpdir()).href;

let p: TestPipeline;
let service: RunningService | undefined;
const cleanups: Array<() => Promise<void>> = [];
beforeEach(async () => {
  p = await openTestPipeline();
});
afterEach(async () => {
  await service?.stop();
  service = undefined;
  await p.close();
  for (const c of cleanups.splice(0)) await c();
});

/** Polls `check` every 50 ms for up to 20 s (a file written by another process has no event to wait on). */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error('condition not met within 20 s');
}

describe('a distributed run’s files', () => {
  it('list the files the listing left out, with reasons, and a summary row for each failed image', async () => {
    const folder = await makeImageFolder(3); // img-0000.png … and notes.txt
    cleanups.push(folder.cleanup);
    const outside = await mkdtemp(join(tmpdir(), 'vertxnet-outside-'));
    const out = await mkdtemp(join(tmpdir(), 'vertxnet-out-'));
    cleanups.push(
      () => rm(outside, { recursive: true, force: true }),
      () => rm(out, { recursive: true, force: true }),
    );
    await writeFile(join(outside, 'secret.png'), '');
    await symlink(join(outside, 'secret.png'), join(folder.dir, 'link.png'));
    await writeFile(join(folder.dir, 'bad.png'), 'x');

    const handlers = trivialHandlers({
      prepare: async (job, signal) => {
        if (job.source.endsWith('/bad.png')) throw InputError.forFile('bad.png', 'PNG is truncated or corrupt');
        return trivialHandlers().prepare(job, signal);
      },
    });
    const config = parseEnv(IngestEnv, {
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: p.prefix,
      HTTP_PORT: '0',
      API_INSECURE_DEV: 'true',
      ALLOWED_SOURCES: TMP,
      ALLOWED_OUTPUTS: TMP,
    });
    service = await startIngest(config, createLogger('ingest', 'silent'), async () => handlers, sourceLister(S3), runFilesWriter(S3));
    p.startWorker('unet', stageProcessor('unet', handlers, undefined));
    p.startWorker('maskrcnn', stageProcessor('maskrcnn', handlers, undefined));
    p.startWorker('fusion', stageProcessor('fusion', handlers, { runs: p.runs, done: p.done, queues: p.queues }));

    const run = await submitRun({ source: folder.dir, out, models: { ...DEFAULT_MODELS } }, p);
    await p.waitForRun(run.id);
    // The run's job writes run.json last, after summary.csv and coco.json.
    await until(() =>
      access(join(out, 'run.json')).then(
        () => true,
        () => false,
      ),
    );

    // The one run.json shape of both modes (a local run's is parsed in packages/pipeline/src/manifest-run.test.ts).
    const report = RunFileSchema.strict().parse(JSON.parse(await readFile(join(out, 'run.json'), 'utf8')));
    expect(report).toMatchObject({ id: run.id, mode: 'distributed', state: 'finished' });
    expect(report.counts).toEqual({ images: 4, succeeded: 3, failed: 1, resumed: 0, notStarted: 0, skippedFiles: 2 });
    expect(report.skipped).toEqual([
      { key: 'link.png', reason: expect.stringMatching(/^symbolic link: not followed/) },
      { key: 'notes.txt', reason: 'not an image: a text file' },
    ]);
    expect(report.failures).toEqual([expect.objectContaining({ name: 'bad.png', reason: 'bad.png: PNG is truncated or corrupt' })]);
    const summary = (await readFile(join(out, 'summary.csv'), 'utf8')).trim().split('\n');
    const header = summary[0]!.split(',');
    const row = summary.find((l) => l.startsWith('bad.png,'))!.split(',');
    expect(row[header.indexOf('status')]).toBe('failed');
    expect(row[header.indexOf('reason')]).toMatch(/PNG is truncated or corrupt/);
  });
});
