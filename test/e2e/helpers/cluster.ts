import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { TEST_REDIS_URL } from '../../helpers/redis.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI_ENTRY = `${ROOT}packages/cli/dist/main.js`;

/** Runs the built `vertxnet` CLI to its end; resolves with its exit code and output. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL: TEST_REDIS_URL, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-8000)));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

/** Values of one Prometheus metric from a /metrics text, keyed by its label set as written (`stage="x",outcome="y"`). */
export function parseMetric(text: string, name: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const match = /^[^{ ]+(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (match) values.set(match[1] ?? '', Number(match[2]));
  }
  return values;
}

/** vertxnet_images_total of a service, as `stage/outcome` → count. */
export async function imageCounts(serviceUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${serviceUrl}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const [labels, value] of parseMetric(text, 'vertxnet_images_total')) {
    const stage = /stage="([^"]*)"/.exec(labels)?.[1] ?? '';
    const outcome = /outcome="([^"]*)"/.exec(labels)?.[1] ?? '';
    out[`${stage}/${outcome}`] = value;
  }
  return out;
}

/** Every key under a prefix of a bucket (all pages). */
export async function listKeys(client: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
    for (const obj of page.Contents ?? []) if (obj.Key) keys.push(obj.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}
