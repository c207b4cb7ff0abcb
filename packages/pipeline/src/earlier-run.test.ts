import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStorage, openStorage, type Storage } from '@vertxnet/storage';
import { startS3Server, type S3TestServer } from '../../../test/helpers/s3.js';
import { claimOutFolder, type RunIdentity } from './earlier-run.js';
import { OutputFolderError } from './errors.js';
import { writeRunFile } from './run-file.js';

const RUN: RunIdentity = {
  source: '/cohort/films',
  models: { unet: { name: 'u', version: '1', sha256: 'aa' }, maskrcnn: { name: 'm', version: '1', sha256: 'bb' } },
};

async function keys(out: Storage): Promise<string[]> {
  const all: string[] = [];
  for await (const obj of out.list('')) all.push(obj.key);
  return all;
}

/** An output folder as an earlier run of `run` left it: two complete results, one incomplete, and a user's file. */
async function earlierRun(out: Storage, run: RunIdentity): Promise<void> {
  const at = '2026-01-01T00:00:00.000Z';
  await writeRunFile(out, {
    id: 'earlier',
    mode: 'local',
    source: run.source,
    out: out.uri,
    state: 'finished',
    startedAt: at,
    finishedAt: at,
    seconds: 0,
    imagesPerSecond: 0,
    options: { concurrency: 2, ...(run.view ? { view: run.view } : {}) },
    models: run.models,
    counts: { images: 3, succeeded: 2, failed: 0, resumed: 0, notStarted: 1, skippedFiles: 0 },
    failures: [],
    skipped: [],
    notes: [],
  });
  await out.put('summary.csv', 'name\n');
  await out.put('coco.json', '{}');
  for (const name of ['a.png', 'b.png']) for (const f of ['labels.png', 'overlay.png', 'result.json']) await out.put(`${name}/${f}`, 'x');
  await out.put('c.png/labels.png', 'x'); // stopped before its result.json
  for (const f of ['review/index.html', 'review/thumbs/a.png.jpg', 'review/data/page-0001.js']) await out.put(f, 'x'); // vertxnet review
  await out.put('my-notes.txt', 'kept');
}

let tmp: string;
let s3: S3TestServer;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vx-earlier-run-'));
  s3 = await startS3Server();
  process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';
});
afterAll(async () => {
  await s3?.stop();
  await rm(tmp, { recursive: true, force: true });
});

const outputs: Array<[string, () => Promise<Storage>]> = [
  ['a local folder', async () => new LocalStorage(join(tmp, randomUUID()))],
  [
    'an S3 prefix',
    async () => {
      const bucket = `test-${randomUUID()}`;
      await s3.createBucket(bucket);
      return openStorage(`s3://${bucket}/results`, { endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true });
    },
  ],
];

describe.each(outputs)('claimOutFolder on %s', (_kind, open) => {
  it('takes an empty folder, resumes the same run with its complete results only', async () => {
    const out = await open();
    expect((await claimOutFolder(out, RUN)).done).toEqual(new Set());
    await earlierRun(out, RUN);
    expect((await claimOutFolder(out, RUN)).done).toEqual(new Set(['a.png', 'b.png']));
    // A local run.json written before `mode` existed still resumes.
    const { mode: _mode, ...older } = JSON.parse((await out.get('run.json')).toString('utf8')) as Record<string, unknown>;
    await out.put('run.json', JSON.stringify(older));
    expect((await claimOutFolder(out, RUN)).done).toEqual(new Set(['a.png', 'b.png']));
  });

  it('refuses another run (other models, other view, unknown run) unless overwrite', async () => {
    const out = await open();
    await earlierRun(out, RUN);
    const otherModels = { ...RUN, models: { ...RUN.models, unet: { name: 'u', version: '2', sha256: 'cc' } } };
    await expect(claimOutFolder(out, otherModels)).rejects.toBeInstanceOf(OutputFolderError);
    await expect(claimOutFolder(out, { ...RUN, view: 'lumbar' })).rejects.toThrow(
      /holds an earlier run of \/cohort\/films with other models or options; pass --overwrite/,
    );
    // A run.json not of the one shape (RunFileSchema) is an unknown run: never resumed, even when its fields match.
    await out.put('run.json', JSON.stringify({ source: RUN.source, models: RUN.models }));
    await expect(claimOutFolder(out, RUN)).rejects.toThrow(/holds an earlier run of another source with other models or options/);
    await out.delete('run.json');
    await expect(claimOutFolder(out, RUN)).rejects.toThrow(/results of an earlier run \(2 image folders, no run\.json\)/);
  });

  it('overwrite removes what runs and their review page write, and nothing else', async () => {
    const out = await open();
    await earlierRun(out, RUN);
    expect((await claimOutFolder(out, { ...RUN, source: '/another' }, { overwrite: true })).done).toEqual(new Set());
    expect(await keys(out)).toEqual(['my-notes.txt']);
    if (out instanceof LocalStorage) expect(await readdir(out.rootDir)).toEqual(['my-notes.txt']); // emptied folders gone too
  });
});
