import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '@vertxnet/storage';
import { startS3Server, type S3TestServer } from '../../../test/helpers/s3.js';
import { listSource, type SkippedFile } from './sources.js';

/** A DICOM file's start: 128-byte preamble, DICM, then a meta group element. */
const DICOM_HEAD = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), Buffer.from([0x02, 0x00, 0x00, 0x00, 0x55, 0x4c, 0x04, 0x00, 0, 0, 0, 0])]);
/** The same data set without preamble: group 0002 explicit VR, recognised by parsing. */
const BARE_DICOM = DICOM_HEAD.subarray(132);
const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');

async function list(source: string, opts: Parameters<typeof listSource>[1] = {}): Promise<{ keys: string[]; skipped: SkippedFile[] }> {
  const keys: string[] = [];
  const skipped: SkippedFile[] = [];
  for await (const item of listSource(source, { ...opts, onSkipped: (s) => skipped.push(s) })) keys.push(item.key);
  return { keys, skipped };
}

describe('listSource: files judged by content', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vx-by-content-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('takes DICOM and images whatever their name, and reports every other file, link and loop with a reason', async () => {
    const src = join(dir, 'src');
    await mkdir(join(src, 'series'), { recursive: true });
    await writeFile(join(src, 'series', 'IM0001'), DICOM_HEAD);
    await writeFile(join(src, 'series', 'IM0002'), BARE_DICOM);
    await writeFile(join(src, 'scan.export'), PNG_HEAD);
    await writeFile(join(src, 'anim.gif'), GIF);
    await writeFile(join(src, 'empty'), '');
    await writeFile(join(src, 'notes.txt'), 'hello');
    await writeFile(join(src, '.DS_Store'), 'hidden: ignored');
    await writeFile(join(dir, 'elsewhere.png'), PNG_HEAD);
    await symlink(join(dir, 'elsewhere.png'), join(src, 'link.png'));
    await symlink('loop', join(src, 'loop'));
    await symlink(dir, join(src, 'up'));
    await symlink(join(dir, 'gone'), join(src, 'gone.png'));

    const { keys, skipped } = await list(src, { followLinks: true });
    expect(keys).toEqual(['anim.gif', 'link.png', 'scan.export', 'series/IM0001', 'series/IM0002']);
    expect(Object.fromEntries(skipped.map((s) => [s.key, s.reason]))).toEqual({
      empty: 'empty file',
      'gone.png': 'broken link: its target does not exist',
      loop: 'link loop: the link points back to itself',
      'notes.txt': 'not an image: a text file',
      up: expect.stringMatching(/^link to a folder: not followed/),
    });
    // Resuming after a key keeps the same order and the same verdicts.
    expect((await list(src, { startAfter: 'scan.export' })).keys).toEqual(['series/IM0001', 'series/IM0002']);

    // Without followLinks (the services), links are reported, never read through.
    const unfollowed = await list(src);
    expect(unfollowed.keys).toEqual(['anim.gif', 'scan.export', 'series/IM0001', 'series/IM0002']);
    const linkReasons = unfollowed.skipped.filter((s) => ['link.png', 'loop', 'up', 'gone.png'].includes(s.key)).map((s) => s.reason);
    expect(linkReasons).toEqual(Array(4).fill('symbolic link: not followed here (`vertxnet run` follows links to files)'));
  });
});

describe('listSource: an S3 prefix judged by content', () => {
  let s3: S3TestServer;
  beforeAll(async () => {
    s3 = await startS3Server();
    process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';
  });
  afterAll(async () => s3?.stop());

  it('reads the first bytes of keys without an image extension', async () => {
    const bucket = `test-${randomUUID()}`;
    await s3.createBucket(bucket);
    const opts = { endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true };
    const storage = openStorage(`s3://${bucket}/cohort`, opts);
    await storage.put('a.png', PNG_HEAD);
    await storage.put('p1/IM0001', DICOM_HEAD);
    await storage.put('p1/readme', 'text');
    const { keys, skipped } = await list(`s3://${bucket}/cohort`, { s3: opts });
    expect(keys).toEqual(['a.png', 'p1/IM0001']);
    expect(skipped).toEqual([{ key: 'p1/readme', reason: 'not an image: a text file' }]);
  });
});
