import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { TEST_REDIS_URL } from '../../helpers/redis.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const SERVICE_NAMES = ['ingest', 'unet-worker', 'maskrcnn-worker', 'fusion-worker'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The built entry point of a service (run `npm run build` first). */
export function serviceEntry(name: ServiceName): string {
  return `${ROOT}services/${name}/dist/main.js`;
}

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** The HTTP port the service reported (it was started with HTTP_PORT=0). */
  port: number;
  url: string;
  /** Parsed JSON log lines so far (stdout). */
  logs: Array<Record<string, unknown>>;
  /** Resolves once GET /readyz answers 200 (re-asked on each log line the service writes, and every 200 ms at most). */
  ready(timeoutMs?: number): Promise<void>;
  /** Sends `signal` and resolves with how the process ended and how long that took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnOptions {
  /** Extra environment; HTTP_PORT=0, REDIS_URL and QUEUE_PREFIX are set unless given. */
  env?: Record<string, string>;
  /** How long to wait for the port line. @defaultValue 20000 */
  startTimeoutMs?: number;
}

/**
 * Starts a service (or any script: a '.ts' entry runs through tsx) as a child process and
 * resolves once it has logged the port of its HTTP server.
 */
export async function spawnService(name: string, entry: string, opts: SpawnOptions = {}): Promise<ServiceProcess> {
  const args = entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL: TEST_REDIS_URL, HTTP_PORT: '0', LOG_LEVEL: 'info', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  const onLine = new Set<() => void>();
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      logs.push({ msg: line });
    }
    for (const listener of onLine) listener();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not report its port: ${stderr}`)), opts.startTimeoutMs ?? 20_000);
    const check = () => {
      const line = logs.find((l) => l.msg === 'http server listening' && typeof l.port === 'number');
      if (line) {
        clearTimeout(timer);
        onLine.delete(check);
        resolve(line.port as number);
      }
    };
    onLine.add(check);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (code ${code}) before listening: ${stderr}${JSON.stringify(logs.slice(-3))}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;

  return {
    name,
    child,
    port,
    url,
    logs,
    exited,
    async ready(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const answer = await fetch(`${url}/readyz`).catch(() => undefined);
        if (answer?.status === 200) return;
        if (Date.now() > deadline) throw new Error(`${name} not ready: ${answer ? await answer.text() : 'no answer'}`);
        // Readiness changes with model loading or Redis: wait for the next log line, 200 ms at most.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, 200);
          function done() {
            clearTimeout(timer);
            onLine.delete(done);
            resolve();
          }
          onLine.add(done);
        });
      }
    },
    async stop(signal = 'SIGTERM') {
      const started = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const result = await exited;
      return { ...result, ms: Date.now() - started };
    },
  };
}

/** The token ingest is started with by startPipelineServices unless `env` names one (ingest refuses to start without). */
export const PIPELINE_API_TOKEN = 'pipeline-test-token-5e8c2a7f1b94';

/** The four services on one fresh QUEUE_PREFIX, each ready; stop them with stopAll. */
export async function startPipelineServices(
  env: Record<string, string> = {},
): Promise<{ prefix: string; services: Record<ServiceName, ServiceProcess>; stopAll(): Promise<void> }> {
  const prefix = env.QUEUE_PREFIX ?? `test-${randomUUID()}`;
  const envOf = (name: ServiceName) => ({ QUEUE_PREFIX: prefix, ...(name === 'ingest' ? { API_TOKEN: PIPELINE_API_TOKEN } : {}), ...env });
  const started = await Promise.all(SERVICE_NAMES.map((name) => spawnService(name, serviceEntry(name), { env: envOf(name) })));
  const services = Object.fromEntries(started.map((s) => [s.name, s])) as Record<ServiceName, ServiceProcess>;
  const stopAll = async () => {
    await Promise.all(started.map((s) => s.stop('SIGTERM')));
  };
  try {
    await Promise.all(started.map((s) => s.ready()));
  } catch (err) {
    await Promise.all(started.map((s) => s.stop('SIGKILL')));
    throw err;
  }
  return { prefix, services, stopAll };
}
