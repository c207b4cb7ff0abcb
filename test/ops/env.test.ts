/**
 * The environment the manifests and docker-compose.yml give each service matches what the service
 * reads: every name is in its env.ts schema (or read by the AWS SDK), the values parse, and the
 * ports and probe paths agree with HTTP_PORT.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { FusionWorkerEnv } from '../../services/fusion-worker/src/env.js';
import { IngestEnv } from '../../services/ingest/src/env.js';
import { MaskrcnnWorkerEnv } from '../../services/maskrcnn-worker/src/env.js';
import { UnetWorkerEnv } from '../../services/unet-worker/src/env.js';
import { OVERLAYS, build, byKind, readYaml, serviceOf, type DeploymentObj } from './helpers/manifests.js';
import type { ServiceName } from './helpers/services.js';

const SCHEMAS: Record<ServiceName, z.ZodObject> = {
  ingest: IngestEnv as unknown as z.ZodObject,
  'unet-worker': UnetWorkerEnv,
  'maskrcnn-worker': MaskrcnnWorkerEnv,
  'fusion-worker': FusionWorkerEnv,
};
/** Read by the AWS SDK credential chain, not by env.ts (documented in config.yaml and OPERATIONS.md). */
const SDK_ENV = new Set(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE']);

function checkEnv(service: ServiceName, env: Record<string, string>, where: string): z.output<z.ZodObject> {
  const schema = SCHEMAS[service];
  const known = new Set(Object.keys(schema.shape));
  for (const name of Object.keys(env)) expect(known.has(name) || SDK_ENV.has(name), `${where}: ${name} is not read by ${service}`).toBe(true);
  for (const [name, field] of Object.entries(schema.shape)) {
    if (!(field as z.ZodType).safeParse(undefined).success) expect(env, `${where}: required ${name}`).toHaveProperty(name);
  }
  const parsed = schema.safeParse(env);
  expect(parsed.error?.issues ?? [], where).toEqual([]);
  return parsed.data!;
}

describe('env schemas (sanity)', () => {
  it('an unknown or malformed variable is caught', () => {
    expect(() => checkEnv('ingest', { REDIS_URL: 'redis://x:6379', NOT_A_SETTING: '1' }, 't')).toThrow(/NOT_A_SETTING/);
    expect(() => checkEnv('unet-worker', { MAX_BATCH: 'many' }, 't')).toThrow();
  });
});

describe.each(OVERLAYS)('k8s/%s env', (which) => {
  const objects = build(which);
  const configMaps = new Map(byKind<{ data?: Record<string, string> } & DeploymentObj>(objects, 'ConfigMap').map((c) => [c.metadata.name, c.data ?? {}]));

  it.each(byKind<DeploymentObj>(objects, 'Deployment').map((d) => [serviceOf(d), d] as const))('%s', (service, d) => {
    const c = d.spec.template.spec.containers[0]!;
    const env: Record<string, string> = {};
    for (const from of c.envFrom ?? []) {
      if (from.configMapRef) {
        const data = configMaps.get(from.configMapRef.name);
        expect(data, `ConfigMap ${from.configMapRef.name}`).toBeDefined();
        Object.assign(env, data);
      } else {
        // Credentials live in a Secret outside the repo; it must be optional so pods start without it (IRSA).
        expect(from.secretRef).toMatchObject({ name: 'vertxnet-s3', optional: true });
      }
    }
    for (const e of c.env ?? []) {
      expect(e.value, `${e.name} has a literal value`).toBeTypeOf('string');
      env[e.name] = e.value!;
    }
    const config = checkEnv(service as ServiceName, env, `${which} ${service}`) as { HTTP_PORT: number; WORK_URI: string };
    expect(c.ports![0]!.containerPort).toBe(config.HTTP_PORT);
    // Read-only root filesystem: the work store must not be a local folder outside the emptyDir.
    expect(config.WORK_URI.startsWith('s3://') || config.WORK_URI.startsWith('/tmp/')).toBe(true);
  });
});

describe('docker-compose.yml env', () => {
  const compose = readYaml('docker-compose.yml') as { services: Record<string, { environment: Record<string, string>; volumes?: string[] }> };
  it.each(Object.keys(SCHEMAS) as ServiceName[])('%s', (service) => {
    const env = compose.services[service]!.environment;
    const config = checkEnv(service, env, `compose ${service}`) as { HTTP_PORT: number; MODEL_DIR?: string };
    expect(config.HTTP_PORT).toBe(8080);
    if (config.MODEL_DIR !== undefined) {
      // The mounted models folder holds the model dir.
      const mount = compose.services[service]!.volumes!.find((v) => config.MODEL_DIR!.startsWith(v.split(':')[1]!));
      expect(mount, `${service} mounts ${config.MODEL_DIR}`).toBeDefined();
    }
  });
});
