/** Spawns the built services (services/<name>/dist/main.js) as real processes, for the ops tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TEST_REDIS_URL } from '../../helpers/redis.js';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const SERVICES = ['ingest', 'unet-worker', 'maskrcnn-worker', 'fusion-worker'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface SpawnedService {
  name: ServiceName;
  port: number;
  base: string;
  child: ChildProcess;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** The runs API token the spawned ingest service wants. */
export const OPS_API_TOKEN = 'ops-test-token-8b2d6f0a4c9e1357';

/** Starts one service with HTTP_PORT=0 and a private queue prefix; resolves once it listens. */
export async function spawnService(name: ServiceName, prefix: string, env: Record<string, string> = {}): Promise<SpawnedService> {
  const work = mkdtempSync(join(tmpdir(), 'vertxnet-ops-'));
  const child = spawn(process.execPath, [join(ROOT, 'services', name, 'dist', 'main.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      HTTP_PORT: '0',
      LOG_LEVEL: 'info',
      WORK_URI: work,
      SHUTDOWN_TIMEOUT_MS: '2000',
      ...(name === 'ingest' ? { API_TOKEN: OPS_API_TOKEN } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`${name} did not listen in 60 s:\n${log}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      log += d.toString();
      for (const line of d.toString().split('\n')) {
        if (!line.includes('http server listening')) continue;
        clearTimeout(timer);
        res((JSON.parse(line) as { port: number }).port);
      }
    });
    void exited.then((code) => rej(new Error(`${name} exited ${code} before listening:\n${log}`)));
  });
  return {
    name,
    port,
    base: `http://127.0.0.1:${port}`,
    child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Polls /readyz until 200 (model loaded, Redis reachable) or the deadline. */
export async function waitReady(s: SpawnedService, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const r = await fetch(`${s.base}/readyz`).catch(() => undefined);
    if (r?.status === 200) return;
    last = r ? await r.text() : 'no answer';
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`${s.name} not ready: ${last}`);
}
