import { afterEach, describe, expect, it } from 'vitest';
import { InputError, TransientError } from '@vertxnet/core';
import { startHealthServer, sendJson, type HealthServer, type Readiness } from './health-server.js';
import { InferenceMetrics } from './inference-metrics.js';
import { QcMetrics } from './qc-metrics.js';
import { QueueMetrics, type QueueCounts } from './queue-metrics.js';
import { createServiceRegistry } from './registry.js';
import { StageMetrics, outcomeForError } from './stage-metrics.js';

const servers: HealthServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(opts: Partial<Parameters<typeof startHealthServer>[0]> = {}) {
  const registry = opts.registry ?? createServiceRegistry('test-service');
  const server = await startHealthServer({
    port: 0,
    host: '127.0.0.1',
    registry,
    ready: async () => ({ ok: true, reasons: [] }),
    ...opts,
  });
  servers.push(server);
  const base = `http://127.0.0.1:${server.port}`;
  return { registry, server, base, scrape: async () => (await fetch(`${base}/metrics`)).text() };
}

/** The value of one series in Prometheus text format, whatever the order of its labels. */
function series(text: string, selector: string): number | undefined {
  const parse = (sel: string) => {
    const brace = sel.indexOf('{');
    const name = brace === -1 ? sel : sel.slice(0, brace);
    const labels =
      brace === -1
        ? []
        : sel
            .slice(brace + 1, -1)
            .split(',')
            .sort();
    return `${name}{${labels.join(',')}}`;
  };
  const wanted = parse(selector);
  for (const line of text.split('\n')) {
    const space = line.lastIndexOf(' ');
    if (space > 0 && !line.startsWith('#') && parse(line.slice(0, space)) === wanted) return Number(line.slice(space + 1));
  }
  return undefined;
}

describe('createServiceRegistry', () => {
  it('has process metrics and is not the global registry', async () => {
    const a = createServiceRegistry('a');
    const b = createServiceRegistry('b');
    expect(a).not.toBe(b);
    const text = await a.metrics();
    expect(text).toContain('process_cpu_user_seconds_total{service="a"}');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });
});

describe('startHealthServer', () => {
  it('serves /metrics with the component metrics over HTTP', async () => {
    const { registry, base, scrape } = await serve();
    const stages = new StageMetrics(registry);
    const inference = new InferenceMetrics(registry);
    const qc = new QcMetrics(registry);
    stages.record('unet', 'succeeded', 0.2);
    stages.record('unet', 'failed_input');
    const done = stages.start('fusion');
    expect(done('succeeded')).toBeGreaterThanOrEqual(0);
    inference.observeRun('unet', 0.05, 4);
    inference.setLoaded('unet', { name: 'vertxnet-unet', version: '1.0.0' }, 1.5);
    inference.setLoaded('unet', { name: 'vertxnet-unet', version: '1.1.0' }, 1.25);
    qc.count(['reference_missing', 'reference_missing', 'unexpected_count']);
    qc.count([], 'inverted');
    qc.count(['model-disagreement'], 'mixed');
    qc.count([], 'sideways'); // not a polarity: not counted

    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await scrape();
    expect(text).toContain('# HELP vertxnet_images_total Images a pipeline stage finished');
    expect(text).toContain('# TYPE vertxnet_stage_duration_seconds histogram');
    expect(series(text, 'vertxnet_images_total{stage="unet",outcome="succeeded",service="test-service"}')).toBe(1);
    expect(series(text, 'vertxnet_images_total{stage="unet",outcome="failed_input",service="test-service"}')).toBe(1);
    expect(series(text, 'vertxnet_stage_duration_seconds_count{stage="unet",service="test-service"}')).toBe(1);
    expect(series(text, 'vertxnet_stage_duration_seconds_count{stage="fusion",service="test-service"}')).toBe(1);
    expect(series(text, 'vertxnet_inference_batch_size_sum{model="unet",service="test-service"}')).toBe(4);
    expect(series(text, 'vertxnet_model_load_seconds{model="unet",service="test-service"}')).toBe(1.25);
    expect(series(text, 'vertxnet_model_info{model="unet",name="vertxnet-unet",version="1.1.0",service="test-service"}')).toBe(1);
    expect(text).not.toContain('version="1.0.0"');
    expect(series(text, 'vertxnet_qc_flags_total{flag="reference_missing",service="test-service"}')).toBe(2);
    expect(series(text, 'vertxnet_polarity_reads_total{polarity="inverted",service="test-service"}')).toBe(1);
    expect(series(text, 'vertxnet_polarity_reads_total{polarity="mixed",service="test-service"}')).toBe(1);
    expect(text).not.toContain('polarity="sideways"');
  });

  it('reads queue depth fresh at each scrape and drops vanished series', async () => {
    let counts: QueueCounts = { unet: { wait: 5, active: 2 }, fusion: { prioritized: 1 } };
    const { registry, scrape } = await serve();
    new QueueMetrics(registry, async () => counts);
    let text = await scrape();
    expect(series(text, 'vertxnet_queue_jobs{queue="unet",state="wait",service="test-service"}')).toBe(5);
    expect(series(text, 'vertxnet_queue_jobs{queue="fusion",state="prioritized",service="test-service"}')).toBe(1);
    counts = { unet: { wait: 0 } };
    text = await scrape();
    expect(series(text, 'vertxnet_queue_jobs{queue="unet",state="wait",service="test-service"}')).toBe(0);
    expect(series(text, 'vertxnet_queue_jobs{queue="fusion",state="prioritized",service="test-service"}')).toBeUndefined();
  });

  it('still serves the other metrics when queue counts cannot be read', async () => {
    const errors: unknown[] = [];
    const failing = new TransientError('redis down');
    const registry = createServiceRegistry('other');
    new QueueMetrics(
      registry,
      async () => Promise.reject(failing),
      (e) => errors.push(e),
    );
    const { scrape: scrapeOther } = await serve({ registry });
    const otherText = await scrapeOther();
    expect(otherText).toContain('process_cpu_user_seconds_total');
    expect(otherText).not.toContain('vertxnet_queue_jobs{');
    expect(errors).toContain(failing);
  });

  it('answers /healthz and /readyz with reasons', async () => {
    let readiness: Readiness = { ok: true, reasons: [] };
    const { base } = await serve({ ready: async () => readiness });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    let r = await fetch(`${base}/readyz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ok: true, reasons: [] });
    readiness = { ok: false, reasons: ['redis unreachable', 'shutting down'] };
    r = await fetch(`${base}/readyz`);
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual(readiness);
  });

  it('reports a throwing readiness check as not ready', async () => {
    const { base } = await serve({ ready: async () => Promise.reject(new Error('boom')) });
    const r = await fetch(`${base}/readyz`);
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({ ok: false, reasons: ['readiness check failed'] });
  });

  it('passes other requests to the route hook, else 404', async () => {
    const { base } = await serve({
      routes: async (req, res) => {
        if (req.method === 'POST' && req.url === '/runs') {
          sendJson(res, 202, { runId: 'r1' });
          return true;
        }
        if (req.url === '/broken') throw new Error('handler bug');
        return false;
      },
    });
    const created = await fetch(`${base}/runs`, { method: 'POST', body: '{}' });
    expect(created.status).toBe(202);
    expect(await created.json()).toEqual({ runId: 'r1' });
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
    expect((await fetch(`${base}/broken`)).status).toBe(500);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('closes even with a keep-alive connection open', async () => {
    const { server, base } = await serve();
    await fetch(`${base}/healthz`, { headers: { connection: 'keep-alive' } });
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});

describe('outcomeForError', () => {
  it('tells bad input from faults that may pass', () => {
    expect(outcomeForError(new InputError('x'))).toBe('failed_input');
    expect(outcomeForError(new TransientError('x'))).toBe('failed_transient');
    expect(outcomeForError(new Error('x'))).toBe('failed_transient');
  });
});
