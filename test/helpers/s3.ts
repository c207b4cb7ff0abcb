import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

export interface S3TestServer {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  /** A client for this server: path-style, checksums only when required, dummy credentials. */
  client: S3Client;
  createBucket(name: string): Promise<void>;
  /**
   * Kills the server process (an outage: connections are refused) and resolves with a function
   * that starts it again on the same port over the same stored objects.
   */
  interrupt(): Promise<() => Promise<void>>;
  stop(): Promise<void>;
}

const SERVER_SCRIPT = fileURLToPath(new URL('./s3rver-server.mjs', import.meta.url));
export const S3_TEST_REGION = 'us-east-1';
export const S3_TEST_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** Client settings that s3rver (and MinIO) accept with the current SDK. */
export function s3TestClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: S3_TEST_REGION,
    forcePathStyle: true,
    credentials: S3_TEST_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/**
 * Starts a real S3-protocol server (s3rver) in a child process on a free port, storing into a
 * fresh temp dir. The child runs with NODE_OPTIONS=--openssl-legacy-provider (see DESIGN.md).
 */
export async function startS3Server(): Promise<S3TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'vertxnet-s3rver-'));
  let server = await spawnS3rver(directory, 0);
  const endpoint = `http://127.0.0.1:${server.port}`;
  const client = s3TestClient(endpoint);
  return {
    endpoint,
    client,
    async createBucket(name: string) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    async interrupt() {
      await server.stop('SIGKILL');
      return async () => {
        server = await spawnS3rver(directory, server.port);
      };
    },
    async stop() {
      client.destroy();
      await server.stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** One s3rver process over `directory`; port 0 picks a free one. */
async function spawnS3rver(directory: string, wantedPort: number): Promise<{ port: number; stop(signal?: NodeJS.Signals): Promise<void> }> {
  const child = spawn(process.execPath, [SERVER_SCRIPT, directory, String(wantedPort)], {
    env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      try {
        resolve((JSON.parse(line) as { port: number }).port);
      } catch (err) {
        reject(new Error(`s3rver printed an unexpected line: ${line}`, { cause: err }));
      }
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited early (code ${code}): ${stderr}`)));
    child.once('error', reject);
  });
  return {
    port,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
