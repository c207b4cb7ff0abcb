import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summaryCsvHeader, vertebraeCsvHeader, type ImageResult } from '@vertxnet/fusion';
import { LocalStorage } from '@vertxnet/storage';
import { RunFileSchema } from './run-file.js';
import { writeRunFiles } from './run-files.js';

function result(source: string, levels: Array<['L1' | 'L2' | null, number | null]>): ImageResult {
  return {
    schemaVersion: 1,
    source,
    image: { width: 100, height: 200 },
    view: { value: 'lumbar', source: 'metadata' },
    models: {},
    vertebrae: levels.map(([level, verseCode], i) => ({
      level,
      verseCode,
      score: 0.9,
      source: 'both',
      bbox: [10, 10 + 30 * i, 20, 20] as [number, number, number, number],
      polygon: [
        [10, 10 + 30 * i],
        [30, 10 + 30 * i],
        [30, 30 + 30 * i],
      ],
      area: 200,
    })),
    measurements: { anterior: { side: 'left', basis: 'default' }, unit: 'px' } as ImageResult['measurements'],
    qc: { flags: [], confidence: 0.8 },
    timings: {},
  };
}

describe('writeRunFiles', () => {
  let dir: string;
  let out: LocalStorage;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vertxnet-run-files-'));
    out = new LocalStorage(dir);
    // Written out of name order; a stray file and a top-level result.json are not result folders.
    await out.put('study__b.png/result.json', JSON.stringify(result('s3://src/study/b.png', [['L2', 21]])));
    await out.put(
      'a.png/result.json',
      JSON.stringify(
        result('s3://src/a.png', [
          ['L1', 20],
          [null, null],
        ]),
      ),
    );
    await out.put('a.png/labels.png', Buffer.from('x'));
    await writeRunFiles(out, {
      id: 'run-1',
      source: 's3://src/',
      out: out.uri,
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:04.000Z',
      models: { unet: 'vertxnet-unet@0.1.0', maskrcnn: 'vertxnet-maskrcnn@0.1.0' },
      counts: { listed: 3, skipped: 0, done: 2, failed: 1, leftOut: 1 },
      failures: [{ source: 'bad.png', stage: 'prepare', reason: 'not an image' }],
      leftOut: [{ key: 'notes.txt', reason: 'not an image: a text file' }],
    });
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('writes summary.csv: the header, then one row per result folder in name order', async () => {
    const lines = (await readFile(join(dir, 'summary.csv'), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(summaryCsvHeader());
    expect(lines[1]).toMatch(/^a\.png,s3:\/\/src\/a\.png,lumbar,metadata,2,L1,/);
    expect(lines[2]).toMatch(/^study__b\.png,s3:\/\/src\/study\/b\.png,lumbar,metadata,1,L2,/);
  });

  it('writes vertebrae.csv: a row per body, images in name order, unit beside the heights', async () => {
    const lines = (await readFile(join(dir, 'vertebrae.csv'), 'utf8')).trimEnd().split('\n');
    expect(lines).toEqual([vertebraeCsvHeader(), 'a.png,L1,20,0.9,,,,px,,,', 'a.png,,,0.9,,,,px,,,', 'study__b.png,L2,21,0.9,,,,px,,,']);
  });

  it('writes coco.json: images 1..n in name order, labelled bodies as annotations', async () => {
    const coco = JSON.parse(await readFile(join(dir, 'coco.json'), 'utf8'));
    expect(coco.images).toEqual([
      { id: 1, file_name: 'a.png', width: 100, height: 200 },
      { id: 2, file_name: 'study/b.png', width: 100, height: 200 },
    ]);
    expect(coco.categories.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['C2', 'L1', 'L2', 'S1']));
    expect(coco.annotations.map((a: { image_id: number; category_id: number }) => [a.image_id, a.category_id])).toEqual([
      [1, 20],
      [2, 21],
    ]);
  });

  it('writes run.json in the one shape of both modes, with the counts and failures', async () => {
    const run = RunFileSchema.strict().parse(JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')));
    expect(run).toMatchObject({
      id: 'run-1',
      mode: 'distributed',
      source: 's3://src/',
      state: 'finished',
      seconds: 4,
      imagesPerSecond: 0.5,
      models: { unet: { name: 'vertxnet-unet', version: '0.1.0' }, maskrcnn: { name: 'vertxnet-maskrcnn', version: '0.1.0' } },
      counts: { images: 3, succeeded: 2, failed: 1, resumed: 0, notStarted: 0, skippedFiles: 1 },
      failures: [{ source: 'bad.png', stage: 'prepare', reason: 'not an image' }],
      skipped: [{ key: 'notes.txt', reason: 'not an image: a text file' }],
      notes: [],
    });
  });
});
