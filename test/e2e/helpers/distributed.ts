/**
 * The cluster of test/e2e/distributed.test.ts: a real S3 server (s3rver) with the source set, the
 * four services as OS processes on the real Redis, and the bookkeeping to stop and count them.
 */
import { readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { writePhantomSet } from '@vertxnet/phantom';
import { deleteKeys, testRedis, uniqueName } from '../../helpers/redis.js';
import { S3_TEST_CREDENTIALS, S3_TEST_REGION, startS3Server, type S3TestServer } from '../../helpers/s3.js';
import { imageCounts } from './cluster.js';
import { serviceEntry, spawnService, type ServiceName, type ServiceProcess } from './services.js';

/** Version in the shipped model's manifest (models/<kind>/manifest.json). */
export const shippedVersion = (kind: 'unet' | 'maskrcnn'): string =>
  (JSON.parse(readFileSync(join('models', kind, 'manifest.json'), 'utf8')) as { version: string }).version;

export interface Cluster {
  prefix: string;
  s3: S3TestServer;
  tmp: string;
  /** Local copy of the source (for `vertxnet run`). */
  sourceDir: string;
  goodNames: string[];
  env: Record<string, string>;
  services: Partial<Record<ServiceName, ServiceProcess>>;
  /** Every service process started, to stop at the end. */
  all: ServiceProcess[];
  /** Image counts of services that were stopped, so totals survive restarts. */
  retired: Array<Record<string, number>>;
  firstRun?: string;
}

/**
 * A temporary folder, a started S3 server and the services' environment; no buckets, source or
 * services yet. Returned at once so that `closeCluster` can clean up after a later setup step fails.
 */
export async function openCluster(shutdownTimeoutMs: number): Promise<Cluster> {
  const tmp = await mkdtemp(join(tmpdir(), 'vertxnet-e2e-'));
  const s3 = await startS3Server();
  const c: Cluster = {
    prefix: uniqueName('test-e2e'),
    s3,
    tmp,
    sourceDir: join(tmp, 'source'),
    goodNames: [],
    env: {},
    services: {},
    all: [],
    retired: [],
  };
  c.env = {
    QUEUE_PREFIX: c.prefix,
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: S3_TEST_REGION,
    AWS_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey,
    WORK_URI: 's3://scratch/w',
    // A killed worker's jobs come back within ~15 s, not the 30 s default. Not much lower: a job
    // whose lock lapses twice (its first owner SIGKILLed, then one missed renewal on a loaded
    // machine) is failed as stalled by BullMQ (maxStalledCount 1), and the image is then fused
    // from the U-Net alone; with 4 s locks at load 9 on 2 cores that happened ("job stalled more
    // than allowable limit" on the re-run job; reproduce with E2E_JOB_LOCK_MS=4000 E2E_STALLED_CHECK_MS=1000).
    JOB_LOCK_MS: process.env.E2E_JOB_LOCK_MS ?? '15000',
    STALLED_CHECK_MS: process.env.E2E_STALLED_CHECK_MS ?? '2000',
    SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
  };
  return c;
}

/**
 * The buckets and the source: `good` phantom images (format mix) and three bad files
 * (bad-truncated.png, bad-empty.png, bad-text.png), locally in `c.sourceDir` and in s3://src/set/.
 */
export async function writeSource(c: Cluster, good: number): Promise<void> {
  const { tmp, s3 } = c;
  for (const bucket of ['src', 'scratch', 'out']) await s3.createBucket(bucket);
  await writePhantomSet({ out: join(tmp, 'phantoms'), count: good, seed: 4242, format: 'mix', maxSide: 560 });
  await mkdir(c.sourceDir);
  const generated = (await readdir(join(tmp, 'phantoms', 'images'))).sort();
  for (const name of generated) await cp(join(tmp, 'phantoms', 'images', name), join(c.sourceDir, name));
  c.goodNames = generated;
  const firstPng = generated.find((n) => n.endsWith('.png'))!;
  const pngBytes = await readFile(join(c.sourceDir, firstPng));
  await writeFile(join(c.sourceDir, 'bad-truncated.png'), pngBytes.subarray(0, Math.floor(pngBytes.length / 3)));
  await writeFile(join(c.sourceDir, 'bad-empty.png'), Buffer.alloc(0));
  await writeFile(join(c.sourceDir, 'bad-text.png'), 'this is a text file, not a radiograph\n');
  for (const name of await readdir(c.sourceDir)) {
    await s3.client.send(new PutObjectCommand({ Bucket: 'src', Key: `set/${name}`, Body: await readFile(join(c.sourceDir, name)) }));
  }
}

/** Kills every service started, stops S3, deletes the run's Redis keys and the temporary folder. */
export async function closeCluster(c: Cluster): Promise<void> {
  await Promise.all(c.all.map((s) => s.stop('SIGKILL')));
  await c.s3.stop();
  const redis = testRedis();
  await deleteKeys(redis, c.prefix);
  await redis.quit();
  await rm(c.tmp, { recursive: true, force: true });
}

/** The runs API token of the ingest service (the suite submits through Redis; the API still wants one). */
const API_TOKEN = 'e2e-test-token-3f9a1c7e5b2d8046';

/** Starts a service (replacing `c.services[name]` once it is ready), with the cluster's environment plus `env`. */
export async function start(c: Cluster, name: ServiceName, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const own: Record<string, string> = name === 'ingest' ? { API_TOKEN } : {};
  const service = await spawnService(name, serviceEntry(name), { env: { ...c.env, ...own, ...env } });
  c.all.push(service);
  await service.ready(60_000);
  c.services[name] = service;
  return service;
}

/** Stops a service and keeps its final image counts (read just before the signal when it is SIGKILL). */
export async function retire(c: Cluster, service: ServiceProcess, signal: NodeJS.Signals) {
  const counts = await imageCounts(service.url);
  const stopped = await service.stop(signal);
  c.retired.push(counts);
  return stopped;
}

export async function getObject(c: Cluster, bucket: string, key: string): Promise<Buffer> {
  const res = await c.s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

/** Reads an object once it exists and `ready` accepts it (bounded by `timeoutMs`). */
export async function waitForObject(c: Cluster, bucket: string, key: string, ready: (body: string) => boolean, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = await getObject(c, bucket, key).then(
      (b) => b.toString('utf8'),
      () => undefined,
    );
    if (body !== undefined && ready(body)) return body;
    if (Date.now() > deadline) throw new Error(`${bucket}/${key} not written within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function pngBitDepth(bytes: Buffer): number {
  return bytes.readUInt8(24);
}
