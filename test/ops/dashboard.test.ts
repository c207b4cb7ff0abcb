/** The Grafana dashboard is well formed and shows what operators need (its PromQL is checked in metrics.test.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectors } from './helpers/promql.js';
import { ROOT } from './helpers/services.js';

interface Panel {
  id: number;
  title: string;
  type: string;
  datasource: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets: Array<{ refId: string; expr: string; datasource: { uid: string } }>;
}
const dash = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/dashboards/vertxnet.json'), 'utf8')) as {
  uid: string;
  templating: { list: Array<{ name: string; type: string; query: string }> };
  panels: Panel[];
};

function overlap(a: Panel['gridPos'], b: Panel['gridPos']): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

describe('deploy/grafana/dashboards/vertxnet.json', () => {
  it('has unique panel ids, panels inside the 24-column grid that do not overlap, and a Prometheus datasource variable', () => {
    expect(dash.uid).toBe('vertxnet');
    const ids = dash.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [i, p] of dash.panels.entries()) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      for (const q of dash.panels.slice(i + 1)) expect(overlap(p.gridPos, q.gridPos), `${p.title} / ${q.title}`).toBe(false);
    }
    const ds = dash.templating.list.find((v) => v.type === 'datasource');
    expect(ds).toMatchObject({ name: 'datasource', query: 'prometheus' });
    for (const p of dash.panels) {
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const t of p.targets) expect(t.datasource.uid).toBe('${datasource}');
      expect(new Set(p.targets.map((t) => t.refId)).size).toBe(p.targets.length);
    }
  });

  it('covers throughput, latency percentiles, queue depth, failures, QC flags, batch size, replicas, the run ETA and inverted reads', () => {
    const reads = (metric: string, test: (expr: string) => boolean = () => true) =>
      dash.panels.some((p) => p.targets.some((t) => test(t.expr) && selectors(t.expr).some((s) => s.metric === metric)));
    expect(reads('vertxnet_images_total', (e) => e.includes('outcome="succeeded"') && e.includes('by (stage)'))).toBe(true);
    expect(reads('vertxnet_stage_duration_seconds_bucket', (e) => e.startsWith('histogram_quantile(0.95'))).toBe(true);
    expect(reads('vertxnet_inference_duration_seconds_bucket', (e) => e.startsWith('histogram_quantile('))).toBe(true);
    expect(reads('vertxnet_queue_jobs', (e) => e.includes('by (queue, state)'))).toBe(true);
    expect(reads('vertxnet_images_total', (e) => e.includes('failed_') && e.includes('outcome)'))).toBe(true);
    expect(reads('vertxnet_qc_flags_total', (e) => e.includes('by (flag)'))).toBe(true);
    expect(reads('vertxnet_inference_batch_size_sum')).toBe(true);
    expect(reads('process_start_time_seconds', (e) => e.startsWith('count by (service)'))).toBe(true);
    expect(reads('vertxnet_run_images', (e) => e.includes('in_flight') && e.includes('deriv('))).toBe(true);
    expect(reads('vertxnet_model_info')).toBe(true);
    expect(reads('vertxnet_polarity_reads_total', (e) => e.includes('by (polarity)'))).toBe(true);
  });
});
