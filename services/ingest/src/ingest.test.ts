import { createLogger, parseEnv } from '@vertxnet/config';
import { DEFAULT_MODELS, stageProcessor, type RunningService, type RunStatus } from '@vertxnet/queue';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeImageFolder, openTestPipeline, pipelineLister, trivialHandlers, type TestPipeline } from '../../../test/e2e/helpers/pipeline.js';
import { TEST_REDIS_URL } from '../../../test/helpers/redis.js';
import { IngestEnv } from './env.js';
import { startIngest } from './service.js';

// The ingest service in-process (its API, producers and prepare worker) with handlers that do no
// image work; the model and fusion workers run beside it on the same prefix. Its sources are
// local temp folders, which the service reads only when ALLOWED_SOURCES names them.

const TOKEN = 'test-token-2d8e4b7a9c1f3e65';
const TMP = pathToFileURL(tmpdir()).href;

let p: TestPipeline;
let services: RunningService[] = [];
let cleanups: Array<() => Promise<void>> = [];
beforeEach(async () => {
  p = await openTestPipeline();
});
afterEach(async () => {
  for (const s of services) await s.stop();
  services = [];
  await p.close();
  for (const c of cleanups) await c();
  cleanups = [];
});

async function ingest(env: Record<string, string> = {}, handlers = trivialHandlers()): Promise<{ service: RunningService; api: string }> {
  const config = parseEnv(IngestEnv, {
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: p.prefix,
    HTTP_PORT: '0',
    MAX_PENDING: '3',
    LIST_BATCH: '2',
    API_TOKEN: TOKEN,
    ALLOWED_SOURCES: `${TMP},s3://`,
    ALLOWED_OUTPUTS: `${TMP},s3://`,
    ...env,
  });
  const service = await startIngest(config, createLogger('ingest', 'silent'), async () => handlers, pipelineLister());
  services.push(service);
  return { service, api: `http://127.0.0.1:${service.port}` };
}

function startModelAndFusionWorkers(): void {
  const handlers = trivialHandlers();
  p.startWorker('unet', stageProcessor('unet', handlers, undefined));
  p.startWorker('maskrcnn', stageProcessor('maskrcnn', handlers, undefined));
  p.startWorker('fusion', stageProcessor('fusion', handlers, { runs: p.runs, done: p.done, queues: p.queues }));
}

const auth = { authorization: `Bearer ${TOKEN}` };

async function post(api: string, body: unknown): Promise<{ status: number; body: Record<string, string> }> {
  const res = await fetch(`${api}/runs`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

describe('ingest service', () => {
  it('creates a run over HTTP, paces it to the end, and reports it on GET /runs/:id', async () => {
    const folder = await makeImageFolder(7);
    cleanups.push(folder.cleanup);
    const { api } = await ingest();
    startModelAndFusionWorkers();
    const created = await post(api, { source: folder.dir, out: `${TMP}/out`, view: 'lumbar' });
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    await p.waitForRun(id);
    const res = await fetch(`${api}/runs/${id}`, { headers: auth });
    expect(res.status).toBe(200);
    const status = (await res.json()) as RunStatus;
    expect(status.counts).toEqual({ queued: 0, active: 0, done: 7, failed: 0, skipped: 0 });
    expect(status.finished).toBe(true);
    expect(status.run).toMatchObject({ source: folder.dir, view: 'lumbar', listed: 7, models: { unet: DEFAULT_MODELS.unet } });
    expect((await fetch(`${api}/runs/r-nope`, { headers: auth })).status).toBe(404);
  });

  it('answers 400 with a readable reason for a bad body', async () => {
    const { api } = await ingest();
    const missing = await post(api, { source: '/data' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/out/);
    const typo = await post(api, { source: '/data', out: '/out', veiw: 'lumbar' });
    expect(typo.status).toBe(400);
    expect(typo.body.error).toMatch(/veiw/);
    const badUri = await post(api, { source: 'ftp://x/y', out: '/out' });
    expect(badUri).toEqual({ status: 400, body: { error: 'unsupported storage URI scheme "ftp://" (use s3://, file:// or a path)' } });
    const notJson = await fetch(`${api}/runs`, { method: 'POST', headers: auth, body: '{' });
    expect(notJson.status).toBe(400);
  });

  it('hands a run back on shutdown mid-listing; a restarted ingest resumes it without repeating an image', async () => {
    const folder = await makeImageFolder(9);
    cleanups.push(folder.cleanup);
    const prepared = new Map<string, number>();
    const base = trivialHandlers();
    const counting = trivialHandlers({
      prepare: async (job, signal) => {
        prepared.set(job.source, (prepared.get(job.source) ?? 0) + 1);
        return base.prepare(job, signal);
      },
    });
    const first = await ingest({}, counting);
    const created = await post(first.api, { source: folder.dir, out: `${TMP}/out` });
    const id = created.body.id as string;
    // No model workers yet: the backlog fills to MAX_PENDING (3) and the producer waits.
    await p.waitForRun(id, (_run, inFlight) => inFlight === 3);
    expect(await first.service.stop()).toBe('closed');
    expect(await (await p.queues.queue('run').getJob(id))?.getState()).toBe('waiting');
    expect((await p.runs.get(id))?.listingDone).toBe(false);

    await ingest({}, counting);
    startModelAndFusionWorkers();
    const run = await p.waitForRun(id);
    expect(run).toMatchObject({ listed: 9, queued: 9, done: 9, failed: 0 });
    expect(prepared.size).toBe(9);
    expect([...prepared.values()].every((n) => n === 1)).toBe(true);
  });
});
