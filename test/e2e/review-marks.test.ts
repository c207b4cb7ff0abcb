import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createLogger, parseEnv } from '@vertxnet/config';
import type { RunningService } from '@vertxnet/queue';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestEnv } from '../../services/ingest/src/env.js';
import { startIngest } from '../../services/ingest/src/service.js';
import { writeFakeRun } from '../helpers/review-run.js';
import { TEST_REDIS_URL } from '../helpers/redis.js';
import { S3_TEST_CREDENTIALS, S3_TEST_REGION, startS3Server, type S3TestServer } from '../helpers/s3.js';
import { openTestPipeline, pipelineLister, trivialHandlers, type TestPipeline } from './helpers/pipeline.js';
import { vertxnet } from '../helpers/vertxnet-cli.js';

// Review marks in distributed mode: the review page of a run, opened from a file in headless
// Chromium, posts its marks to the ingest API (real HTTP, real Redis), which merges them into
// review-marks.json beside the run's results in a real S3-protocol server; export-task then
// selects the images marked wrong from that file.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TOKEN = 'review-token-3c9d1e7a5b2f4860';
const NAMES = ['a.png', 'b.png', 'c.png', 'd.png'];

let p: TestPipeline;
let s3: S3TestServer;
let service: RunningService;
let api: string;
let tmp: string;
let runId: string;

async function call(path: string, opts: { method?: string; token?: string | null; body?: unknown; origin?: string; raw?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = opts.token === undefined ? TOKEN : opts.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (opts.origin !== undefined) headers.origin = opts.origin;
  const body = opts.raw ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined);
  const res = await fetch(`${api}${path}`, { method: opts.method ?? 'GET', headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text.startsWith('{') ? JSON.parse(text) : {}) as Record<string, unknown> };
}

async function storedMarks(): Promise<{ run: string; marks: { image: string; mark: string; time?: string }[] }> {
  const got = await s3.client.send(new GetObjectCommand({ Bucket: 'results', Key: `cohort-1/${'review-marks.json'}` }));
  return JSON.parse(await got.Body!.transformToString()) as Awaited<ReturnType<typeof storedMarks>>;
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vx-review-marks-'));
  p = await openTestPipeline();
  s3 = await startS3Server();
  await s3.createBucket('results');
  process.env.AWS_ACCESS_KEY_ID ??= S3_TEST_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY ??= S3_TEST_CREDENTIALS.secretAccessKey;
  const config = parseEnv(IngestEnv, {
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: p.prefix,
    HTTP_PORT: '0',
    API_TOKEN: TOKEN,
    API_CORS_ORIGINS: 'null,https://review.example.org',
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: S3_TEST_REGION,
  });
  service = await startIngest(config, createLogger('ingest', 'silent'), async () => trivialHandlers(), pipelineLister());
  api = `http://127.0.0.1:${service.port}`;
  const created = await call('/runs', { method: 'POST', body: { source: 's3://results/films/', out: 's3://results/cohort-1/' } });
  expect(created.status).toBe(202);
  runId = created.body.id as string;
  await writeFakeRun(
    join(tmp, 'run'),
    NAMES.map((name) => ({ name, view: 'lumbar' as const, confidence: 0.9 })),
    { id: runId },
  );
}, 60_000);
afterAll(async () => {
  await service?.stop();
  await p?.close();
  await s3?.stop();
  await rm(tmp, { recursive: true, force: true });
});

describe('POST /runs/:id/marks and GET /runs/:id/marks', () => {
  it('need the token, answer CORS only for the allowed origins, and refuse what is not a marks file of this run', async () => {
    const marks = { run: runId, marks: [{ image: 'a.png', mark: 'wrong', time: '2026-12-03T08:00:00.000Z' }] };
    expect((await call(`/runs/${runId}/marks`, { method: 'POST', body: marks, token: null })).status).toBe(401);
    expect((await call(`/runs/${runId}/marks`, { token: 'not-the-token-at-all' })).status).toBe(401);
    // The preflight needs no token; only listed origins get the CORS headers.
    const preflight = await call(`/runs/${runId}/marks`, { method: 'OPTIONS', token: null, origin: 'https://review.example.org' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://review.example.org');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const stranger = await call(`/runs/${runId}/marks`, { method: 'OPTIONS', token: null, origin: 'https://elsewhere.example.com' });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();

    expect(await call(`/runs/${runId}/marks`)).toMatchObject({ status: 404, body: { error: `no marks were posted for run ${runId}` } });
    expect(await call('/runs/r-nope/marks', { method: 'POST', body: { ...marks, run: 'r-nope' } })).toMatchObject({
      status: 404,
      body: { error: 'no run r-nope' },
    });
    expect(await call(`/runs/${runId}/marks`, { method: 'POST', body: { ...marks, run: 'r-other' } })).toMatchObject({
      status: 409,
      body: { error: `these marks are of run r-other, not of run ${runId}` },
    });
    const walk = await call(`/runs/${runId}/marks`, { method: 'POST', body: { run: runId, marks: [{ image: '../../etc/passwd', mark: 'wrong' }] } });
    expect(walk.status).toBe(400);
    expect(walk.body.error).toMatch(/without folders/);
    expect((await call(`/runs/${runId}/marks`, { method: 'POST', body: { run: runId, marks: [{ image: 'a.png', mark: 'maybe' }] } })).status).toBe(400);
    expect((await call(`/runs/${runId}/marks`, { method: 'POST', raw: '{"run": "' })).body.error).toBe('body is not valid JSON');
    expect((await call(`/runs/${runId}/marks`, { method: 'POST', raw: ' '.repeat(17 * 1024 * 1024) })).status).toBe(413);
    expect((await call(`/runs/${runId}/marks`, { method: 'PUT', body: marks })).status).toBe(405);
    // Nothing of the refused posts was stored.
    expect((await call(`/runs/${runId}/marks`)).status).toBe(404);
    // The service is still up.
    expect((await fetch(`${api}/healthz`)).status).toBe(200);
  });
});

describe('the review page posts its marks, and export-task reads them', () => {
  let browser: Browser;
  beforeAll(async () => {
    const built = await vertxnet(['review', join(tmp, 'run'), '--api', `${api}/`]);
    expect(built.code, built.stderr).toBe(0);
    browser = await puppeteer.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new'] });
  }, 60_000);
  afterAll(async () => browser?.close());

  it('a reviewer marks in Chromium and posts; a second post merges by time; the run folder gets the file; export-task selects the wrong ones', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(pathToFileURL(join(tmp, 'run', 'review', 'index.html')).href);
    await page.waitForSelector('#grid .card');
    expect(await page.$eval('#post', (e) => e.hasAttribute('hidden'))).toBe(false);

    // Without the token the page says so and posts nothing.
    await page.click('#post-marks');
    expect(await page.$eval('#post-status', (e) => e.textContent)).toBe('enter the API token first');

    // Mark b.png and c.png wrong, d.png right (click a card, then the key).
    for (const [name, key] of [
      ['b.png', 'w'],
      ['c.png', 'w'],
      ['d.png', 'r'],
    ] as const) {
      await page.click(`#grid .card[data-name="${name}"]`);
      await page.keyboard.press('Escape');
      await page.keyboard.press(key);
    }
    await page.type('#api-token', TOKEN);
    await page.click('#post-marks');
    await page.waitForFunction("document.getElementById('post-status').className === 'good'", { timeout: 15_000 });
    expect(await page.$eval('#post-status', (e) => e.textContent)).toBe('posted: the run now holds 3 marks, 2 wrong');
    expect(errors).toEqual([]);

    // A second reviewer (another browser, same API): c.png is right after all (a later mark), a.png wrong.
    const later = new Date(Date.now() + 60_000).toISOString();
    const second = await call(`/runs/${runId}/marks`, {
      method: 'POST',
      body: {
        run: runId,
        marks: [
          { image: 'c.png', mark: 'right', time: later },
          { image: 'a.png', mark: 'wrong', time: later },
        ],
      },
    });
    expect(second).toMatchObject({ status: 200, body: { run: runId, posted: 2, marks: 4, wrong: 2, stored: 's3://results/cohort-1/review-marks.json' } });
    const stored = await storedMarks();
    expect(stored.run).toBe(runId);
    expect(stored.marks.map((m) => [m.image, m.mark])).toEqual([
      ['a.png', 'wrong'],
      ['b.png', 'wrong'],
      ['c.png', 'right'],
      ['d.png', 'right'],
    ]);
    expect((await call(`/runs/${runId}/marks`)).body).toEqual(stored);

    // The run copied down (as `aws s3 sync` would): export-task --select wrong needs no --marks.
    await writeFile(join(tmp, 'run', 'review-marks.json'), JSON.stringify(stored));
    const task = await vertxnet([
      'export-task',
      join(tmp, 'run'),
      '--select',
      'wrong',
      '--format',
      'cvat',
      '--images',
      'reference',
      '--out',
      join(tmp, 'task'),
    ]);
    expect(task.code, task.stderr).toBe(0);
    const coco = JSON.parse(await readFile(join(tmp, 'task', 'cvat', 'annotations', 'instances_default.json'), 'utf8')) as { images: { file_name: string }[] };
    expect(coco.images.map((i) => i.file_name.replace(/^.*\//, '')).sort()).toEqual(['a.png', 'b.png']);
  }, 60_000);
});
