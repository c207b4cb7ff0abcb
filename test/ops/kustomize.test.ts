import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyOp, kustomizeBuild } from './helpers/kustomize.js';
import { OVERLAYS, build, byKind, readYaml, serviceOf, validateObject, type DeploymentObj } from './helpers/manifests.js';
import { ROOT, SERVICES } from './helpers/services.js';

const MODEL_WORKERS = ['unet-worker', 'maskrcnn-worker'];

describe('kustomize resolver (test helper)', () => {
  it('applies JSON patch ops and refuses what it cannot do honestly', () => {
    const doc = { a: { list: [1, 2] } };
    applyOp(doc, { op: 'add', path: '/a/list/-', value: 3 });
    applyOp(doc, { op: 'replace', path: '/a/list/0', value: 0 });
    applyOp(doc, { op: 'test', path: '/a/list/2', value: 3 });
    expect(doc).toEqual({ a: { list: [0, 2, 3] } });
    expect(() => applyOp(doc, { op: 'test', path: '/a/list/0', value: 9 })).toThrow(/test/);
    expect(() => applyOp(doc, { op: 'remove', path: '/a/nothing' })).toThrow();
    expect(() => applyOp(doc, { op: 'move' as never, path: '/a' })).toThrow(/not supported/);
  });

  it('rejects kustomization fields it does not implement', () => {
    expect(() => kustomizeBuild(join(ROOT, 'test/ops/fixtures/unsupported-kustomization'))).toThrow(/namePrefix/);
  });
});

describe.each(OVERLAYS)('k8s/%s', (which) => {
  const objects = build(which);
  const deployments = byKind<DeploymentObj>(objects, 'Deployment');

  it('every object validates against the Kubernetes API or its CRD schema', () => {
    expect(objects.length).toBeGreaterThan(10);
    for (const o of objects) {
      try {
        validateObject(o);
      } catch (err) {
        throw new Error(`${o.kind}/${o.metadata.name}: ${(err as Error).message}`);
      }
    }
  });

  it('has one Deployment per service, in the vertxnet namespace', () => {
    expect(deployments.map(serviceOf).sort()).toEqual([...SERVICES].sort());
    for (const o of objects) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('vertxnet');
    for (const d of deployments) {
      const sel = d.spec.selector.matchLabels;
      for (const [k, v] of Object.entries(sel)) expect(d.spec.template.metadata.labels[k]).toBe(v);
      expect(d.spec, 'KEDA owns the replica count').not.toHaveProperty('replicas');
    }
  });

  it('probes /healthz and /readyz on the http port, with a startup budget for model loading', () => {
    for (const d of deployments) {
      const c = d.spec.template.spec.containers[0]!;
      expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
      expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(c.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
      const startupBudget = c.startupProbe!.periodSeconds! * c.startupProbe!.failureThreshold!;
      expect(startupBudget).toBeGreaterThanOrEqual(MODEL_WORKERS.includes(serviceOf(d)) ? 300 : 60);
    }
  });

  it('grace period is above SHUTDOWN_TIMEOUT_MS with room to close connections', () => {
    for (const d of deployments) {
      const env = d.spec.template.spec.containers[0]!.env ?? [];
      const shutdownMs = Number(env.find((e) => e.name === 'SHUTDOWN_TIMEOUT_MS')?.value);
      expect(shutdownMs).toBeGreaterThan(0);
      expect(d.spec.template.spec.terminationGracePeriodSeconds! * 1000).toBeGreaterThanOrEqual(shutdownMs + 10_000);
    }
  });

  it('runs non-root on a read-only root filesystem with an emptyDir /tmp', () => {
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
      const c = pod.containers[0]!;
      expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
      expect(tmp).toBeDefined();
      expect(pod.volumes?.find((v) => v.name === tmp!.name)?.emptyDir).toBeDefined();
      expect(c.resources?.requests?.cpu).toBeDefined();
      expect(c.resources?.limits?.memory).toBeDefined();
    }
  });

  it('GPU stages request nvidia.com/gpu except in the cpu overlay', () => {
    for (const d of deployments) {
      const c = d.spec.template.spec.containers[0]!;
      const gpu = c.resources?.limits?.['nvidia.com/gpu'];
      const providers = c.env?.find((e) => e.name === 'INFERENCE_PROVIDERS')?.value;
      if (MODEL_WORKERS.includes(serviceOf(d)) && which !== 'overlays/cpu') {
        expect(gpu).toBe(1);
        expect(providers).toBe('cuda,cpu');
        expect(c.image).toMatch(/-cuda12$/);
      } else {
        expect(gpu).toBeUndefined();
        if (providers !== undefined) expect(providers).toBe('cpu');
        expect(c.image).not.toMatch(/cuda/);
      }
    }
  });

  it('has a PodDisruptionBudget and a ScaledObject for every Deployment', () => {
    const pdbs = byKind<{ spec: { selector: { matchLabels: Record<string, string> } } } & DeploymentObj>(objects, 'PodDisruptionBudget');
    const scaled = byKind<
      { spec: { scaleTargetRef: { name: string }; minReplicaCount: number; triggers: Array<{ type: string; metadata: { query: string } }> } } & DeploymentObj
    >(objects, 'ScaledObject');
    for (const d of deployments) {
      const labels = d.spec.template.metadata.labels;
      expect(
        pdbs.filter((p) => Object.entries(p.spec.selector.matchLabels).every(([k, v]) => labels[k] === v)),
        `PDB of ${d.metadata.name}`,
      ).toHaveLength(1);
      const so = scaled.filter((s) => s.spec.scaleTargetRef.name === d.metadata.name);
      expect(so, `ScaledObject of ${d.metadata.name}`).toHaveLength(1);
      const trigger = so[0]!.spec.triggers[0]!;
      expect(trigger.type).toBe('prometheus');
      const queue = serviceOf(d) === 'ingest' ? 'prepare' : serviceOf(d).replace(/-worker$/, '');
      expect(trigger.metadata.query).toContain(`queue="${queue}"`);
      const scaleToZero = which === 'overlays/gpu' && MODEL_WORKERS.includes(serviceOf(d));
      expect(so[0]!.spec.minReplicaCount).toBe(scaleToZero ? 0 : 1);
    }
  });

  it('monitors the pods, ships the alert rules and the dashboard', () => {
    const pm = byKind<
      { spec: { selector: { matchLabels: Record<string, string> }; podMetricsEndpoints: Array<{ port: string; path: string }> } } & DeploymentObj
    >(objects, 'PodMonitor');
    expect(pm).toHaveLength(1);
    expect(pm[0]!.spec.podMetricsEndpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
    for (const d of deployments) {
      for (const [k, v] of Object.entries(pm[0]!.spec.selector.matchLabels)) expect(d.spec.template.metadata.labels[k]).toBe(v);
    }
    const rules = byKind(objects, 'PrometheusRule');
    expect(rules).toHaveLength(1);
    const cm = byKind<{ data: Record<string, string> } & DeploymentObj>(objects, 'ConfigMap').find((c) => c.metadata.name === 'vertxnet-grafana-dashboard');
    expect(cm?.metadata.labels?.grafana_dashboard).toBe('1');
    expect(JSON.parse(cm!.data['vertxnet.json']!)).toEqual(JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/dashboards/vertxnet.json'), 'utf8')));
  });

  it('lets the NetworkPolicy admit metrics scrapes and select every pod', () => {
    const policies = byKind<{ spec: { podSelector: { matchLabels: Record<string, string> } } } & DeploymentObj>(objects, 'NetworkPolicy');
    for (const d of deployments) {
      const selected = policies.filter((p) => Object.entries(p.spec.podSelector.matchLabels).every(([k, v]) => d.spec.template.metadata.labels[k] === v));
      expect(selected.length, d.metadata.name).toBeGreaterThan(0);
    }
  });

  it('gives the ingest API its token from a Secret and binds every pod to 0.0.0.0 for probes', () => {
    const ingest = deployments.find((d) => serviceOf(d) === 'ingest')!;
    const c = ingest.spec.template.spec.containers[0]!;
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
    expect(env.API_TOKEN).toBeUndefined();
    expect(env.API_INSECURE_DEV).toBeUndefined();
    const file = env.API_TOKEN_FILE!;
    const mount = (c.volumeMounts as Array<{ name: string; mountPath: string; readOnly?: boolean }>).find((m) => file.startsWith(`${m.mountPath}/`));
    expect(mount?.readOnly).toBe(true);
    const volume = (
      ingest.spec.template.spec.volumes as Array<{
        name: string;
        secret?: { secretName: string; optional?: boolean; items?: Array<{ key: string; path: string }> };
      }>
    ).find((v) => v.name === mount!.name);
    expect(volume?.secret).toMatchObject({ secretName: 'vertxnet-api-token', items: [{ key: 'token', path: file.slice(mount!.mountPath.length + 1) }] });
    expect(volume?.secret?.optional).not.toBe(true);
    const config = byKind<{ data: Record<string, string> } & DeploymentObj>(objects, 'ConfigMap').find((m) => m.metadata.name === 'vertxnet-config')!;
    expect(config.data.HTTP_HOST).toBe('0.0.0.0');
  });

  it('admits only labelled clients and Prometheus to the ingest API port', () => {
    type Peer = { podSelector?: { matchLabels?: Record<string, string> }; namespaceSelector?: { matchLabels?: Record<string, string> } };
    type Policy = DeploymentObj & { spec: { podSelector: { matchLabels: Record<string, string> }; ingress?: Array<{ from?: Peer[]; ports?: unknown[] }> } };
    const ingest = deployments.find((d) => serviceOf(d) === 'ingest')!;
    const labels = ingest.spec.template.metadata.labels;
    const policies = byKind<Policy>(objects, 'NetworkPolicy').filter((p) => Object.entries(p.spec.podSelector.matchLabels).every(([k, v]) => labels[k] === v));
    const peers = policies.flatMap((p) => (p.spec.ingress ?? []).flatMap((rule) => rule.from ?? []));
    expect(peers.length).toBeGreaterThan(0);
    for (const rule of policies.flatMap((p) => p.spec.ingress ?? [])) expect(rule.from, 'a rule without "from" admits everyone').toBeDefined();
    for (const peer of peers) {
      const client = peer.podSelector?.matchLabels?.['vertxnet-api-client'] === 'true' && peer.namespaceSelector === undefined;
      const prometheus =
        peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'monitoring' &&
        peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'prometheus';
      expect(client || prometheus, JSON.stringify(peer)).toBe(true);
    }
    expect(peers.some((p) => p.podSelector?.matchLabels?.['vertxnet-api-client'] === 'true')).toBe(true);
  });
});

describe('schema validation can fail', () => {
  it('rejects a Deployment with a string container port and a ScaledObject without a target', () => {
    const d = structuredClone(byKind<DeploymentObj>(build('base'), 'Deployment')[0]!);
    (d.spec.template.spec.containers[0]!.ports![0] as { containerPort: unknown }).containerPort = 'http';
    expect(() => validateObject(d)).toThrow(/containerPort/);
    const so = structuredClone(byKind(build('base'), 'ScaledObject')[0]!) as { spec: Record<string, unknown> } & DeploymentObj;
    delete so.spec.scaleTargetRef;
    expect(() => validateObject(so)).toThrow(/scaleTargetRef/);
  });
});

describe('alert rules', () => {
  it('alerts.yaml (PrometheusRule) and rules.yml (plain Prometheus) hold the same groups', () => {
    const rule = readYaml('deploy/prometheus/alerts.yaml') as { spec: { groups: unknown } };
    const plain = readYaml('deploy/prometheus/rules.yml') as { groups: unknown };
    expect(plain.groups).toEqual(rule.spec.groups);
  });

  it('cover failure rate, a stuck queue, stalled jobs and a worker not ready, each with a runbook', () => {
    const rule = readYaml('deploy/prometheus/alerts.yaml') as {
      spec: { groups: Array<{ rules: Array<{ alert: string; annotations: { runbook_url: string } }> }> };
    };
    const alerts = rule.spec.groups.flatMap((g) => g.rules);
    expect(alerts.map((a) => a.alert)).toEqual(
      expect.arrayContaining(['VertxnetStageFailureRate', 'VertxnetQueueStuck', 'VertxnetJobsStalled', 'VertxnetWorkerNotReady']),
    );
    const ops = readFileSync(join(ROOT, 'docs/OPERATIONS.md'), 'utf8');
    for (const a of alerts) {
      expect(a.annotations.runbook_url).toBe(`docs/OPERATIONS.md#${a.alert.toLowerCase()}`);
      expect(ops, `runbook heading for ${a.alert}`).toMatch(new RegExp(`^#+ ${a.alert}$`, 'm'));
    }
  });
});
