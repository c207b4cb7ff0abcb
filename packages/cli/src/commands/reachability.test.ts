import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const MAIN = join(ROOT, 'packages/cli/dist/main.js');

/** Runs the built command line; a command that hangs is killed after 20 s (and the test fails on its time). */
function vertxnet(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, ms: Date.now() - started });
    });
  });
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vx-cli-reach-'));
});
afterAll(async () => rm(tmp, { recursive: true, force: true }));

describe('commands that need a service say within seconds that it is not there', () => {
  // Port 1 on the loopback: nothing listens there.
  it.each([
    ['status', ['status', 'r1', '--redis', 'redis://127.0.0.1:1']],
    ['status --watch', ['status', 'r1', '--watch', '--redis', 'redis://127.0.0.1:1']],
    ['submit', ['submit', ROOT, '--out', 'file:///tmp/x', '--redis', 'redis://:secret@127.0.0.1:1']],
  ])('%s with Redis down: one line naming the address and the cause, exit 1', async (_name, args) => {
    const { code, stderr, ms } = await vertxnet(args);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^vertxnet: cannot reach Redis at redis:\/\/(:\*\*\*@)?127\.0\.0\.1:1: connect ECONNREFUSED 127\.0\.0\.1:1\n$/);
    expect(stderr).not.toContain('secret');
    expect(ms).toBeLessThan(15_000);
  });

  it.each([
    ['status', ['status', 'r1', '--api', 'http://127.0.0.1:2']],
    ['submit', ['submit', ROOT, '--out', 'file:///tmp/x', '--api', 'http://127.0.0.1:2']],
  ])('%s with the API down: names the URL and the cause, exit 1', async (_name, args) => {
    const { code, stderr } = await vertxnet(args);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^vertxnet: cannot reach the ingest API at http:\/\/127\.0\.0\.1:2\/runs\S*: connect ECONNREFUSED 127\.0\.0\.1:2\n$/);
  });
});

describe('an S3 source that does not answer', () => {
  it('run: one line with the address and the cause, exit 1', async () => {
    const s3Down = { AWS_ENDPOINT_URL: 'http://127.0.0.1:2', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_REGION: 'us-east-1' };
    const { code, stderr, ms } = await vertxnet(['run', 's3://cohort/films', '--out', join(tmp, 's3-out')], s3Down);
    expect(code).toBe(1);
    expect(stderr.trimEnd().split('\n').at(-1)).toMatch(/^vertxnet: .*S3 unavailable.*: connect ECONNREFUSED 127\.0\.0\.1:2$/);
    expect(ms).toBeLessThan(15_000);
  });
});

describe('vertxnet eval', () => {
  it('refuses a missing results folder or ground-truth file before scoring anything', async () => {
    const gt = join(ROOT, 'examples/phantom/annotations.json');
    const noResults = await vertxnet(['eval', '--results', join(tmp, 'missing'), '--gt', gt]);
    expect(noResults).toMatchObject({ code: 1, stderr: `vertxnet: --results ${join(tmp, 'missing')} does not exist\n` });
    const noTruth = await vertxnet(['eval', '--results', tmp, '--gt', join(tmp, 'nope.json')]);
    expect(noTruth).toMatchObject({ code: 1, stderr: `vertxnet: --gt ${join(tmp, 'nope.json')} does not exist\n` });
  });
});
