import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

export interface RedisTestServer {
  /** redis://127.0.0.1:PORT */
  url: string;
  /** Shuts the server down (SIGTERM: the AOF is flushed) and starts it again on the same port and data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A private redis-server on its own port with an append-only file (fsync on every write, as a
 * deployment that must not lose jobs would run it) in a fresh folder: resolves once it accepts
 * connections.
 */
export async function startRedisServer(): Promise<RedisTestServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'vertxnet-redis-'));
  let server = await spawnRedis(port, dir);
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart() {
      await server.stop();
      server = await spawnRedis(port, dir);
    },
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function spawnRedis(port: number, dir: string): Promise<{ stop(): Promise<void> }> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
    '--maxmemory-policy',
    'noeviction',
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${output}`)), 10_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      output = (output + line + '\n').slice(-2000);
      if (line.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (code ${code}): ${output}`));
    });
  });
  return {
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
