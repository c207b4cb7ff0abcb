/**
 * Starts the four built services as real processes (real Redis, private queue prefix), scrapes
 * /metrics, and checks (1) every metric the design names is exported, (2) every PromQL expression in
 * the dashboard, the alert rules and the KEDA triggers parses and names only exported metrics (or a
 * listed Kubernetes/Prometheus metric), (3) the probe paths the manifests use are served, and
 * (4) SIGTERM ends each service cleanly.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys, testRedis, uniqueName } from '../helpers/redis.js';
import { build, byKind, readYaml, type DeploymentObj } from './helpers/manifests.js';
import { exposedNames, selectors } from './helpers/promql.js';
import { ROOT, SERVICES, spawnService, waitReady, type ServiceName, type SpawnedService } from './helpers/services.js';

/** Series that come from Prometheus itself or kube-state-metrics, not from our services. */
const EXTERNAL = new Map([
  ['up', 'Prometheus: scrape target health'],
  ['kube_deployment_status_replicas_unavailable', 'kube-state-metrics: replicas failing readiness'],
]);

const prefix = uniqueName('ops-metrics');
const running = new Map<ServiceName, SpawnedService>();
const texts = new Map<ServiceName, string>();

beforeAll(async () => {
  // One at a time: two shared cores, and the model workers load their models.
  for (const name of SERVICES) {
    const s = await spawnService(name, prefix);
    running.set(name, s);
    await waitReady(s);
    texts.set(name, await (await fetch(`${s.base}/metrics`)).text());
  }
}, 240_000);

afterAll(async () => {
  await Promise.all([...running.values()].map((s) => s.stop()));
  const redis = testRedis();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

function allNames(): Set<string> {
  const names = new Set<string>();
  for (const t of texts.values()) for (const n of exposedNames(t)) names.add(n);
  return names;
}

/** Every PromQL expression the deployment files hold, with where it came from. */
function expressions(): Array<{ where: string; expr: string }> {
  const out: Array<{ where: string; expr: string }> = [];
  const dash = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/dashboards/vertxnet.json'), 'utf8')) as {
    panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
  };
  for (const p of dash.panels) for (const t of p.targets) out.push({ where: `dashboard "${p.title}"`, expr: t.expr });
  const rules = readYaml('deploy/prometheus/alerts.yaml') as { spec: { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> } };
  for (const g of rules.spec.groups) for (const r of g.rules) out.push({ where: `alert ${r.alert}`, expr: r.expr });
  for (const so of byKind<{ spec: { triggers: Array<{ metadata: { query: string } }> } } & DeploymentObj>(build('overlays/gpu'), 'ScaledObject'))
    for (const t of so.spec.triggers) out.push({ where: `ScaledObject ${so.metadata.name}`, expr: t.metadata.query });
  return out;
}

describe('the running services', () => {
  it('export every metric the design names', () => {
    const wanted: Record<ServiceName, string[]> = {
      ingest: ['vertxnet_images_total', 'vertxnet_stage_duration_seconds_bucket', 'vertxnet_queue_jobs', 'vertxnet_run_images', 'vertxnet_run_listing_done'],
      'unet-worker': [
        'vertxnet_images_total',
        'vertxnet_inference_duration_seconds_bucket',
        'vertxnet_inference_batch_size_bucket',
        'vertxnet_model_load_seconds',
        'vertxnet_model_info',
      ],
      'maskrcnn-worker': [
        'vertxnet_inference_duration_seconds_bucket',
        'vertxnet_inference_batch_size_bucket',
        'vertxnet_model_load_seconds',
        'vertxnet_model_info',
      ],
      'fusion-worker': ['vertxnet_images_total', 'vertxnet_stage_duration_seconds_bucket', 'vertxnet_qc_flags_total', 'vertxnet_queue_jobs'],
    };
    for (const [service, names] of Object.entries(wanted) as Array<[ServiceName, string[]]>) {
      const exposed = exposedNames(texts.get(service)!);
      for (const n of [
        ...names,
        'process_cpu_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_eventloop_lag_p99_seconds',
        'process_start_time_seconds',
      ])
        expect(exposed.has(n), `${service} exports ${n}`).toBe(true);
    }
  });

  it('model workers report the loaded model and its load time', () => {
    for (const [service, model] of [
      ['unet-worker', 'unet'],
      ['maskrcnn-worker', 'maskrcnn'],
    ] as const) {
      const text = texts.get(service)!;
      const version = (JSON.parse(readFileSync(join(ROOT, 'models', model, 'manifest.json'), 'utf8')) as { version: string }).version;
      expect(text).toMatch(new RegExp(`^vertxnet_model_info\\{[^}]*model="${model}"[^}]*version="${version.replace(/\./g, '\\.')}"[^}]*\\} 1$`, 'm'));
      expect(text).toMatch(new RegExp(`^vertxnet_model_load_seconds\\{[^}]*model="${model}"[^}]*\\} [0-9.e-]+$`, 'm'));
    }
  });

  it('queue depth is exported for every queue and state, by ingest for all of them', () => {
    const ingest = texts.get('ingest')!;
    for (const queue of ['ingest', 'prepare', 'unet', 'maskrcnn', 'fusion']) {
      for (const state of ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'waiting-children']) {
        expect(ingest, `${queue}/${state}`).toMatch(new RegExp(`^vertxnet_queue_jobs\\{(?=[^}]*queue="${queue}")(?=[^}]*state="${state}")[^}]*\\} 0$`, 'm'));
      }
    }
  });

  it('every PromQL expression parses and reads only exported metrics', () => {
    const names = allNames();
    const exprs = expressions();
    expect(exprs.length).toBeGreaterThan(20);
    const used = new Set<string>();
    for (const { where, expr } of exprs) {
      const sels = selectors(expr);
      expect(sels.length, `${where} selects something`).toBeGreaterThan(0);
      for (const s of sels) {
        used.add(s.metric);
        expect(names.has(s.metric) || EXTERNAL.has(s.metric), `${where}: ${s.metric} is not exported by any service`).toBe(true);
      }
    }
    // The allow-list holds nothing unused.
    for (const ext of EXTERNAL.keys()) expect(used.has(ext), `${ext} is used`).toBe(true);
  });

  it('the metric check fails on a misspelt metric and a broken expression', () => {
    const names = allNames();
    expect(selectors('sum(rate(vertxnet_image_total[5m]))').map((s) => names.has(s.metric))).toEqual([false]);
    expect(() => selectors('sum(rate(vertxnet_images_total[5m])')).toThrow(/unbalanced/);
    expect(() => selectors('rate(vertxnet_images_total[five])')).toThrow(/range/);
    expect(() => selectors('histogram_quantil(0.9, x)')).toThrow(/unknown function/);
  });

  it('serve the probe paths and metrics path the manifests and compose use', async () => {
    const paths = new Set<string>();
    for (const d of byKind<DeploymentObj>(build('base'), 'Deployment')) {
      const c = d.spec.template.spec.containers[0]!;
      for (const p of [c.startupProbe, c.livenessProbe, c.readinessProbe]) paths.add(p!.httpGet!.path);
    }
    const pm = byKind<{ spec: { podMetricsEndpoints: Array<{ path: string }> } } & DeploymentObj>(build('base'), 'PodMonitor')[0]!;
    paths.add(pm.spec.podMetricsEndpoints[0]!.path);
    expect([...paths].sort()).toEqual(['/healthz', '/metrics', '/readyz']);
    for (const s of running.values()) {
      for (const p of paths) expect((await fetch(`${s.base}${p}`)).status, `${s.name} ${p}`).toBe(200);
      expect((await fetch(`${s.base}/nothing`)).status).toBe(404);
    }
  });

  it('exit 0 on SIGTERM, not ready while stopping', async () => {
    for (const s of running.values()) expect(await s.stop(), s.name).toBe(0);
  });
});
