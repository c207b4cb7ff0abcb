import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { createServer } from 'node:http';
import { s3TestClient, startS3Server, type S3TestServer } from '../../../test/helpers/s3.js';
import { InputError, NotFoundError, StorageUnavailableError } from '@vertxnet/core';
import { compareKeys } from './keys.js';
import { LocalStorage } from './local-storage.js';
import { openStorage } from './open-storage.js';
import { S3Storage, createS3Client } from './s3-storage.js';
import type { Storage } from './storage.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function putMany(storage: Storage, keys: string[], concurrency = 16): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++]!;
      await storage.put(key, key);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

let s3: S3TestServer;
/** Commands sent by the behaviour suite's S3 clients, to see pagination happen. */
const s3Commands: string[] = [];
let localRoot: string;

beforeAll(async () => {
  s3 = await startS3Server();
  localRoot = await mkdtemp(join(tmpdir(), 'vertxnet-storage-'));
});
afterAll(async () => {
  await s3?.stop();
  if (localRoot) await rm(localRoot, { recursive: true, force: true });
});

type Factory = () => Promise<Storage>;
const implementations: Array<[string, Factory]> = [
  ['LocalStorage', async () => new LocalStorage(join(localRoot, randomUUID()))],
  [
    'S3Storage',
    async () => {
      const bucket = `test-${randomUUID()}`;
      await s3.createBucket(bucket);
      const client = s3TestClient(s3.endpoint);
      client.middlewareStack.add(
        (next, context) => async (args) => {
          s3Commands.push(String(context.commandName));
          return next(args);
        },
        { step: 'initialize' },
      );
      return new S3Storage({ bucket, prefix: 'cohort/a', client });
    },
  ],
];

describe.each(implementations)('%s behaviour', (name, create) => {
  it('round-trips strings, Buffers and Uint8Arrays, and overwrites', async () => {
    const storage = await create();
    await storage.put('runs/r1/result.json', '{"ok":true}', { contentType: 'application/json' });
    expect((await storage.get('runs/r1/result.json')).toString()).toBe('{"ok":true}');
    await storage.put('runs/r1/mask.png', new Uint8Array([1, 2, 3]));
    expect([...(await storage.get('runs/r1/mask.png'))]).toEqual([1, 2, 3]);
    await storage.put('runs/r1/mask.png', Buffer.from([9]));
    expect([...(await storage.get('runs/r1/mask.png'))]).toEqual([9]);
  });

  it('exists, head and delete', async () => {
    const storage = await create();
    expect(await storage.exists('a.png')).toBe(false);
    expect(await storage.head('a.png')).toBeUndefined();
    await storage.put('a.png', Buffer.alloc(1234, 7));
    expect(await storage.exists('a.png')).toBe(true);
    const info = await storage.head('a.png');
    expect(info?.size).toBe(1234);
    expect(info?.lastModified).toBeInstanceOf(Date);
    await storage.delete('a.png');
    expect(await storage.exists('a.png')).toBe(false);
    await expect(storage.delete('a.png')).resolves.toBeUndefined();
  });

  it('throws NotFoundError naming only the basename for missing keys', async () => {
    const storage = await create();
    const error = await storage.get('patients/Doe_John/missing.png').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe('missing.png: not found in storage');
    await expect(storage.getStream('missing.png')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses keys that escape the root', async () => {
    const storage = await create();
    await expect(storage.put('../escape.txt', 'x')).rejects.toBeInstanceOf(InputError);
    await expect(storage.get('a/../../escape.txt')).rejects.toBeInstanceOf(InputError);
    await expect(collect(storage.list('../'))).rejects.toBeInstanceOf(InputError);
  });

  it('lists by string prefix in key order, resumable with startAfter', async () => {
    const storage = await create();
    const keys = ['b', 'a/y/z', 'a/x', 'images/2.png', 'images/10.png', 'img.png', 'c.txt'];
    await putMany(storage, keys);
    const all = (await collect(storage.list(''))).map((o) => o.key);
    expect(all).toEqual(['a/x', 'a/y/z', 'b', 'c.txt', 'images/10.png', 'images/2.png', 'img.png']);
    expect((await collect(storage.list('im'))).map((o) => o.key)).toEqual(['images/10.png', 'images/2.png', 'img.png']);
    expect((await collect(storage.list('a/'))).map((o) => o.key)).toEqual(['a/x', 'a/y/z']);
    expect((await collect(storage.list('', { startAfter: 'a/x' }))).map((o) => o.key)).toEqual([
      'a/y/z',
      'b',
      'c.txt',
      'images/10.png',
      'images/2.png',
      'img.png',
    ]);
    expect((await collect(storage.list('', { startAfter: 'a/y' }))).map((o) => o.key)[0]).toBe('a/y/z');
    expect((await collect(storage.list('images/', { startAfter: 'images/10.png' }))).map((o) => o.key)).toEqual(['images/2.png']);
    const sized = await collect(storage.list('images/'));
    expect(sized.map((o) => o.size)).toEqual(['images/10.png'.length, 'images/2.png'.length]);
  });

  it('lists 2,500 keys across pages and resumes in the middle', async () => {
    const storage = await create();
    const keys = Array.from({ length: 2500 }, (_, i) => `img/${String(i).padStart(5, '0')}.png`);
    await putMany(storage, keys);
    await storage.put('other/outside.png', 'x');
    s3Commands.length = 0;
    const listed = (await collect(storage.list('img/'))).map((o) => o.key);
    expect(listed).toHaveLength(2500);
    expect(listed).toEqual(keys);
    // S3 returns at most 1,000 keys a page.
    if (name === 'S3Storage') expect(s3Commands.filter((c) => c === 'ListObjectsV2Command')).toHaveLength(3);
    const resumed = (await collect(storage.list('img/', { startAfter: keys[1233]! }))).map((o) => o.key);
    expect(resumed).toEqual(keys.slice(1234));
  });

  it('writes and reads a 20 MB object, from a Buffer and from a stream', async () => {
    const storage = await create();
    const big = randomBytes(20 * 1024 * 1024);
    await storage.put('big/buffer.bin', big);
    expect((await storage.head('big/buffer.bin'))?.size).toBe(big.length);
    expect((await storage.get('big/buffer.bin')).equals(big)).toBe(true);

    const chunks = Array.from({ length: 20 }, (_, i) => big.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024));
    await storage.put('big/stream.bin', Readable.from(chunks));
    const stream = await storage.getStream('big/stream.bin');
    let pieces = 0;
    stream.on('data', () => pieces++);
    expect((await buffer(stream)).equals(big)).toBe(true);
    expect(pieces).toBeGreaterThan(1);
  });
});

describe('S3Storage specifics', () => {
  it('uploads large bodies in parts and keeps keys relative to its prefix', async () => {
    const bucket = `test-${randomUUID()}`;
    await s3.createBucket(bucket);
    const client = s3TestClient(s3.endpoint);
    const commands: string[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize' },
    );
    const storage = new S3Storage({ bucket, prefix: '/cohort/', client });
    expect(storage.uri).toBe(`s3://${bucket}/cohort`);
    expect(storage.uriOf('x/a.png')).toBe(`s3://${bucket}/cohort/x/a.png`);
    await storage.put('big.bin', randomBytes(20 * 1024 * 1024));
    // 20 MB in 8 MB parts is 3 parts.
    expect(commands.filter((c) => c === 'UploadPartCommand')).toHaveLength(3);
    expect(commands).toContain('CompleteMultipartUploadCommand');
    commands.length = 0;
    await storage.put('small.bin', 'x');
    expect(commands).toEqual(['PutObjectCommand']);
    expect((await storage.head('small.bin'))?.etag).toMatch(/^[0-9a-f]{32}$/);
    client.destroy();

    const root = new S3Storage({ bucket, client: s3.client });
    expect((await collect(root.list(''))).map((o) => o.key)).toEqual(['cohort/big.bin', 'cohort/small.bin']);
  });

  it('reports a missing bucket as NotFoundError', async () => {
    const storage = new S3Storage({ bucket: `missing-${randomUUID()}`, client: s3.client });
    const error = await storage.get('a.png').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    await expect(collect(storage.list(''))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reports a refused connection and a server that never answers as StorageUnavailableError', async () => {
    // Refused: the s3rver process killed (an outage).
    const down = await startS3Server();
    await down.createBucket('outage');
    const refused = new S3Storage({ bucket: 'outage', client: s3TestClient(down.endpoint) });
    const restart = await down.interrupt();
    await expect(refused.get('a.png')).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(refused.put('a.png', 'x')).rejects.toThrow(/a\.png: S3 unavailable \(ECONNREFUSED\)/);
    await restart();
    await refused.put('a.png', 'x');
    await down.stop();
    // Hung: a server that accepts connections and never answers.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
      process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
      process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';
      const hung = new S3Storage({ bucket: 'hung', client: createS3Client({ endpoint, timeouts: { connectMs: 500, idleMs: 300 } }) });
      const started = Date.now();
      await expect(hung.get('a.png')).rejects.toBeInstanceOf(StorageUnavailableError);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  }, 60_000);

  it('openStorage builds an S3Storage that reaches the server', async () => {
    const bucket = `test-${randomUUID()}`;
    await s3.createBucket(bucket);
    process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';
    const storage = openStorage(`s3://${bucket}/p`, { endpoint: s3.endpoint, region: 'us-east-1' });
    expect(storage).toBeInstanceOf(S3Storage);
    await storage.put('k.txt', 'hello');
    expect((await storage.get('k.txt')).toString()).toBe('hello');
  });
});

describe('LocalStorage specifics', () => {
  it('writes atomically through a temp file that listings never show', async () => {
    const root = join(localRoot, randomUUID());
    const storage = new LocalStorage(root);
    await storage.put('deep/er/x.txt', 'one');
    // A write that died half-way leaves a partial file behind: it must not be listed.
    await writeFile(join(root, 'deep/er/.vertxnet-partial-abc'), 'half');
    expect((await collect(storage.list(''))).map((o) => o.key)).toEqual(['deep/er/x.txt']);
    const failing = new Readable({
      read() {
        this.destroy(new Error('source broke'));
      },
    });
    await expect(storage.put('deep/er/x.txt', failing)).rejects.toThrow('source broke');
    expect((await storage.get('deep/er/x.txt')).toString()).toBe('one');
    expect((await readdir(join(root, 'deep/er'))).sort()).toEqual(['.vertxnet-partial-abc', 'x.txt']);
  });

  it('lists in UTF-8 byte order even where a folder name prefixes a file name', async () => {
    const storage = new LocalStorage(join(localRoot, randomUUID()));
    const keys = ['a/y/z', 'a-b', 'a/x', 'a.txt', 'a0', '\u{1F600}.png', '\uFF21.png'];
    await putMany(storage, keys);
    const listed = (await collect(storage.list(''))).map((o) => o.key);
    expect(listed).toEqual(['a-b', 'a.txt', 'a/x', 'a/y/z', 'a0', '\uFF21.png', '\u{1F600}.png']);
    expect(listed).toEqual([...keys].sort(compareKeys));
    expect((await collect(storage.list('a', { startAfter: 'a.txt' }))).map((o) => o.key)).toEqual(['a/x', 'a/y/z', 'a0']);
  });

  it('refuses a key that collides with a folder', async () => {
    const storage = new LocalStorage(join(localRoot, randomUUID()));
    await storage.put('a/x', 'x');
    await expect(storage.put('a', 'y')).rejects.toBeInstanceOf(InputError);
    await expect(storage.put('a/x/z', 'y')).rejects.toBeInstanceOf(InputError);
  });

  it('lists nothing for a root that does not exist yet', async () => {
    const storage = openStorage(join(localRoot, randomUUID(), 'nope'));
    expect(storage).toBeInstanceOf(LocalStorage);
    expect(await collect(storage.list(''))).toEqual([]);
  });
});
