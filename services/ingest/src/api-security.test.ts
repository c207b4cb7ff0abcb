import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ConfigError } from '@vertxnet/core';
import { createLogger, parseEnv } from '@vertxnet/config';
import { DEFAULT_MODELS, stageProcessor, submitRun, type RunningService, type RunStatus, type SourceLister } from '@vertxnet/queue';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestPipeline, pipelineLister, trivialHandlers, type TestPipeline } from '../../../test/e2e/helpers/pipeline.js';
import { TEST_REDIS_URL } from '../../../test/helpers/redis.js';
import { S3_TEST_CREDENTIALS, S3_TEST_REGION, startS3Server, type S3TestServer } from '../../../test/helpers/s3.js';
import { IngestEnv } from './env.js';
import { startIngest } from './service.js';
import { sourceLister } from './sources.js';

// The ingest service in-process on the real Redis, called over real HTTP: who may use the runs API,
// which URIs a run may name, and which address the server binds.

const TOKEN = 'test-token-6f1c2a9e7b3d4c58';

let p: TestPipeline;
let services: RunningService[] = [];
beforeEach(async () => {
  p = await openTestPipeline();
});
afterEach(async () => {
  for (const s of services) await s.stop();
  services = [];
  await p.close();
});

async function ingest(env: Record<string, string> = {}, lister: SourceLister = pipelineLister()): Promise<{ service: RunningService; api: string }> {
  const config = parseEnv(IngestEnv, { REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: p.prefix, HTTP_PORT: '0', API_TOKEN: TOKEN, ...env });
  const service = await startIngest(config, createLogger('ingest', 'silent'), async () => trivialHandlers(), lister);
  services.push(service);
  return { service, api: `http://127.0.0.1:${service.port}` };
}

interface Answer {
  status: number;
  authenticate: string | null;
  body: Record<string, unknown>;
}

async function call(url: string, opts: { method?: string; token?: string; authorization?: string; body?: unknown } = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  if (opts.authorization !== undefined) headers.authorization = opts.authorization;
  const res = await fetch(url, { method: opts.method ?? 'GET', headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
  const text = await res.text();
  return {
    status: res.status,
    authenticate: res.headers.get('www-authenticate'),
    body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

/** POST /runs with the right token, another one, or (null) none. */
const postRun = (api: string, body: unknown, token: string | null = TOKEN) =>
  call(`${api}/runs`, { method: 'POST', body, ...(token !== null ? { token } : {}) });

describe('runs API authentication', () => {
  it('answers 401 with WWW-Authenticate to a caller without the token, on POST /runs and GET /runs/:id', async () => {
    const { api } = await ingest();
    const run = { source: 's3://cohort/lateral/', out: 's3://results/r1/' };
    for (const answer of [
      await postRun(api, run, null),
      await postRun(api, run, 'wrong-token-but-long-enough'),
      await postRun(api, run, `${TOKEN}x`),
      await call(`${api}/runs`, { method: 'POST', body: run, authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}` }),
      await call(`${api}/runs/r-anything`),
      await call(`${api}/runs/r-anything`, { token: 'wrong-token-but-long-enough' }),
    ]) {
      expect(answer.status).toBe(401);
      expect(answer.authenticate).toMatch(/^Bearer realm="vertxnet"/);
      expect(answer.body.error).toMatch(/token/);
    }
    expect(await p.runs.list()).toEqual([]);

    const created = await postRun(api, run);
    expect(created.status).toBe(202);
    const status = await call(`${api}/runs/${created.body.id as string}`, { token: TOKEN });
    expect(status.status).toBe(200);
    expect((status.body as unknown as RunStatus).run.source).toBe('s3://cohort/lateral/');
    // Probes and Prometheus need no token.
    for (const path of ['/healthz', '/metrics']) expect((await fetch(`${api}${path}`)).status).toBe(200);
  });

  it('will not start without a token unless told it is a local development setup', async () => {
    const base = { REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: p.prefix, HTTP_PORT: '0' };
    const error = (() => {
      try {
        parseEnv(IngestEnv, base, 'ingest');
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const problem = (error as ConfigError).message.split('\n').filter((l) => l.startsWith('  - '));
    expect(problem).toHaveLength(1);
    expect(problem[0]).toMatch(/^ {2}- API_TOKEN: .*API_TOKEN_FILE.*API_INSECURE_DEV=true/);
    expect(() => parseEnv(IngestEnv, { ...base, API_TOKEN: 'short' }, 'ingest')).toThrow(/API_TOKEN: must be at least 16 characters/);

    // Explicitly a development setup: the API answers without a token.
    const { api } = await ingest({ API_TOKEN: '', API_INSECURE_DEV: 'true' });
    expect((await postRun(api, { source: 's3://cohort/a/', out: 's3://results/a/' }, null)).status).toBe(202);
  });

  it('the built service, started without a token, exits 2 with the reason on stderr', () => {
    const main = new URL('../dist/main.js', import.meta.url).pathname;
    const res = spawnSync(process.execPath, [main], {
      env: { PATH: process.env.PATH ?? '', REDIS_URL: TEST_REDIS_URL, HTTP_PORT: '0' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(res.status).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr.trim().split('\n')).toEqual([
      'ingest: invalid configuration (1 problem):',
      expect.stringMatching(/^ {2}- API_TOKEN: API_TOKEN or API_TOKEN_FILE is required: .* API_INSECURE_DEV=true serves it without a token\)$/),
    ]);
  });

  it('the built service exits 2 with one line when API_TOKEN_FILE cannot be read or holds a short token', async () => {
    const main = new URL('../dist/main.js', import.meta.url).pathname;
    const dir = await mkdtemp(join(tmpdir(), 'vertxnet-token-'));
    try {
      await writeFile(join(dir, 'short'), 'short\n');
      const start = (file: string) =>
        spawnSync(process.execPath, [main], {
          env: { PATH: process.env.PATH ?? '', REDIS_URL: TEST_REDIS_URL, HTTP_PORT: '0', API_TOKEN_FILE: file },
          encoding: 'utf8',
          timeout: 30_000,
        });
      const missing = start(join(dir, 'missing'));
      expect([missing.status, missing.stderr]).toEqual([2, `ingest: API_TOKEN_FILE ${join(dir, 'missing')} cannot be read (ENOENT)\n`]);
      const short = start(join(dir, 'short'));
      expect([short.status, short.stderr]).toEqual([2, 'ingest: the token in API_TOKEN_FILE must be at least 16 characters\n']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads the token from API_TOKEN_FILE (a mounted Secret), ignoring the trailing newline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vertxnet-token-'));
    try {
      await writeFile(join(dir, 'token'), `${TOKEN}-from-file\n`);
      const { api } = await ingest({ API_TOKEN: '', API_TOKEN_FILE: join(dir, 'token') });
      const run = { source: 's3://cohort/b/', out: 's3://results/b/' };
      expect((await postRun(api, run)).status).toBe(401);
      expect((await postRun(api, run, `${TOKEN}-from-file`)).status).toBe(202);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('allowed sources and outputs', () => {
  it('refuses local paths by default: file://, absolute and relative paths, ".." segments (400 with the reason)', async () => {
    const { api } = await ingest();
    const s3 = { source: 's3://cohort/lateral/', out: 's3://results/r/' };
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ ...s3, source: 'file:///etc' }, /source "file:\/\/\/etc": local paths are not allowed/],
      [{ ...s3, source: '/etc' }, /source "\/etc": local paths are not allowed/],
      [{ ...s3, source: 'data/cohort' }, /source "data\/cohort": relative paths are not allowed/],
      [{ ...s3, out: '/abs/path' }, /out "\/abs\/path": local paths are not allowed/],
      [{ ...s3, out: '../x' }, /out "\.\.\/x": "\.\." segments are not allowed/],
      [{ ...s3, out: 's3://results/a/../../other' }, /"\.\." segments are not allowed/],
      [{ ...s3, source: 'file:///data/%2e%2e/etc' }, /"\.\." segments are not allowed/],
    ];
    for (const [body, reason] of cases) {
      const answer = await postRun(api, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error).toMatch(reason);
    }
    expect(await p.runs.list()).toEqual([]);
  });

  it('refuses a source or an output outside ALLOWED_SOURCES / ALLOWED_OUTPUTS', async () => {
    const { api } = await ingest({ ALLOWED_SOURCES: 's3://cohort-bucket/, s3://archive/xr', ALLOWED_OUTPUTS: 's3://results/' });
    const refused: Array<[Record<string, string>, RegExp]> = [
      [
        { source: 's3://other/x/', out: 's3://results/r/' },
        /source "s3:\/\/other\/x\/": outside the allowed sources \(ALLOWED_SOURCES: s3:\/\/cohort-bucket\/, s3:\/\/archive\/xr\)/,
      ],
      [{ source: 's3://cohort-bucket-evil/x/', out: 's3://results/r/' }, /outside the allowed sources/],
      [{ source: 's3://archive/xray/', out: 's3://results/r/' }, /outside the allowed sources/],
      [
        { source: 's3://cohort-bucket/x/', out: 's3://elsewhere/r/' },
        /out "s3:\/\/elsewhere\/r\/": outside the allowed outputs \(ALLOWED_OUTPUTS: s3:\/\/results\/\)/,
      ],
    ];
    for (const [body, reason] of refused) {
      const answer = await postRun(api, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error).toMatch(reason);
    }
    for (const source of ['s3://cohort-bucket/x/', 's3://cohort-bucket', 's3://archive/xr/2024/list.csv']) {
      expect((await postRun(api, { source, out: 's3://results/r/' })).status, source).toBe(202);
    }
  });

  it('fails a run written straight to Redis with a source outside ALLOWED_SOURCES, before listing anything', async () => {
    await ingest();
    const run = await submitRun({ source: '/etc', out: 's3://results/r/', models: { ...DEFAULT_MODELS } }, p);
    // The run job's state, asked again (at most every 100 ms) until it has ended.
    const deadline = Date.now() + 20_000;
    let state = '';
    while (!['failed', 'completed'].includes(state) && Date.now() < deadline) {
      state = await p.queues.queue('run').getJobState(run.id);
      if (!['failed', 'completed'].includes(state)) await new Promise((r) => setTimeout(r, 100));
    }
    expect(state).toBe('failed');
    expect((await p.queues.queue('run').getJob(run.id))?.failedReason).toMatch(/^source "\/etc": local paths are not allowed/);
    expect((await p.runs.get(run.id))?.listed).toBe(0);
  });

  describe('a manifest stored in S3', () => {
    let s3: S3TestServer;
    beforeAll(async () => {
      s3 = await startS3Server();
      await s3.createBucket('cohort');
      await s3.createBucket('other-bucket');
      process.env.AWS_ACCESS_KEY_ID ??= S3_TEST_CREDENTIALS.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY ??= S3_TEST_CREDENTIALS.secretAccessKey;
    });
    afterAll(async () => {
      await s3?.stop();
    });

    it('refuses the rows that name local files or URIs outside ALLOWED_SOURCES, each alone with its reason', async () => {
      const put = (Bucket: string, Key: string, Body: string) => s3.client.send(new PutObjectCommand({ Bucket, Key, Body }));
      await put('cohort', 'set/a.png', 'a');
      await put('cohort', 'set/b.png', 'b');
      await put('other-bucket', 'c.png', 'c');
      await put('cohort', 'set/manifest.csv', ['uri', 'a.png', '/etc/hostname', 'file:///etc/passwd', 's3://other-bucket/c.png', 'b.png', ''].join('\n'));
      const { api } = await ingest(
        { ALLOWED_SOURCES: 's3://cohort/', S3_ENDPOINT: s3.endpoint, S3_REGION: S3_TEST_REGION },
        sourceLister({ endpoint: s3.endpoint, region: S3_TEST_REGION, forcePathStyle: true }),
      );
      const handlers = trivialHandlers();
      p.startWorker('unet', stageProcessor('unet', handlers, undefined));
      p.startWorker('maskrcnn', stageProcessor('maskrcnn', handlers, undefined));
      p.startWorker('fusion', stageProcessor('fusion', handlers, { runs: p.runs, done: p.done, queues: p.queues }));

      const created = await postRun(api, { source: 's3://cohort/set/manifest.csv', out: 's3://cohort/out/' });
      expect(created.status).toBe(202);
      const id = created.body.id as string;
      expect(await p.waitForRun(id)).toMatchObject({ listed: 5, done: 2, failed: 3 });
      const status = (await call(`${api}/runs/${id}`, { token: TOKEN })).body as unknown as RunStatus;
      const reasons = Object.fromEntries(status.failures.map((f) => [f.source, f.reason]));
      expect(reasons).toEqual({
        hostname: 'hostname: local paths are not allowed (ALLOWED_SOURCES: s3://cohort/)',
        passwd: 'passwd: local paths are not allowed (ALLOWED_SOURCES: s3://cohort/)',
        'c.png': 'c.png: outside the allowed sources (ALLOWED_SOURCES: s3://cohort/)',
      });
    });
  });
});

describe('HTTP_HOST', () => {
  it('binds the address it is given: with 127.0.0.1 the API does not answer on other addresses', async () => {
    const { service } = await ingest({ HTTP_HOST: '127.0.0.1' });
    expect((await fetch(`http://127.0.0.1:${service.port}/healthz`)).status).toBe(200);
    // Linux routes all of 127/8 to loopback: a server bound to 0.0.0.0 would answer on 127.0.0.2 too,
    // so this holds on every machine, with or without an external interface.
    await expect(fetch(`http://127.0.0.2:${service.port}/healthz`)).rejects.toThrow();
  });

  it('defaults to 127.0.0.1 and takes 0.0.0.0 (containers, pods)', async () => {
    const base = { REDIS_URL: TEST_REDIS_URL, API_TOKEN: TOKEN };
    expect(parseEnv(IngestEnv, base).HTTP_HOST).toBe('127.0.0.1');
    expect(parseEnv(IngestEnv, { ...base, HTTP_HOST: '0.0.0.0' }).HTTP_HOST).toBe('0.0.0.0');
    expect(() => parseEnv(IngestEnv, { ...base, HTTP_HOST: 'not a host' })).toThrow(/HTTP_HOST: must be an IP address or a host name/);
  });
});
