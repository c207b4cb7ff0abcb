import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, parseEnv } from '@vertxnet/config';
import type { RunningService } from '@vertxnet/queue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IngestEnv } from '../../services/ingest/src/env.js';
import { startIngest } from '../../services/ingest/src/service.js';
import { openTestPipeline, pipelineLister, trivialHandlers, type TestPipeline } from './helpers/pipeline.js';
import { runCommands } from '../helpers/cli-program.js';
import { TEST_REDIS_URL } from '../helpers/redis.js';
import { registerStatus } from '../../packages/cli/src/commands/status.js';
import { registerSubmit } from '../../packages/cli/src/commands/submit.js';

// `vertxnet submit --api` and `status --api` against a real ingest service that wants a token.

const TOKEN = 'cli-test-token-5a7c9e1b3d2f4a6c';
let p: TestPipeline;
let ingest: RunningService;
let api: string;
let dir: string;
beforeEach(async () => {
  p = await openTestPipeline();
  const config = parseEnv(IngestEnv, { REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: p.prefix, HTTP_PORT: '0', API_TOKEN: TOKEN });
  ingest = await startIngest(config, createLogger('ingest', 'silent'), async () => trivialHandlers(), pipelineLister());
  api = `http://127.0.0.1:${ingest.port}`;
  dir = await mkdtemp(join(tmpdir(), 'vertxnet-cli-token-'));
});
afterEach(async () => {
  await ingest.stop();
  await p.close();
  await rm(dir, { recursive: true, force: true });
  delete process.env.VERTXNET_API_TOKEN;
});

async function cli(...args: string[]): Promise<string> {
  return runCommands([registerSubmit, registerStatus], args);
}

const submit = (...extra: string[]) => cli('submit', 's3://cohort/lateral/', '--out', 's3://results/r/', '--api', api, '--json', ...extra);

describe('the CLI and the API token', () => {
  it('sends the token from --token-file, --token or VERTXNET_API_TOKEN to submit and status', async () => {
    await writeFile(join(dir, 'token'), `${TOKEN}\n`);
    const { id } = JSON.parse(await submit('--token-file', join(dir, 'token'))) as { id: string };
    expect(await p.runs.get(id)).toMatchObject({ source: 's3://cohort/lateral/' });
    expect(JSON.parse(await submit('--token', TOKEN)).id).toMatch(/^r-/);
    process.env.VERTXNET_API_TOKEN = TOKEN;
    expect(JSON.parse(await submit()).id).toMatch(/^r-/);
    const status = JSON.parse(await cli('status', id, '--api', api, '--json')) as { run: { id: string } };
    expect(status.run.id).toBe(id);
  });

  it('says in one line that the token is missing or was not accepted', async () => {
    const missing = await submit().catch((err: Error) => err.message);
    expect(missing).toBe(`ingest API at ${api} answered 401: no API token given (set VERTXNET_API_TOKEN, or use --token-file or --token)`);
    const wrong = await submit('--token', 'not-the-token-at-all').catch((err: Error) => err.message);
    expect(wrong).toBe(`ingest API at ${api} answered 401: the API token was not accepted`);
    const status = await cli('status', 'r-x', '--api', api).catch((err: Error) => err.message);
    expect(status).toMatch(/^ingest API at .* answered 401: no API token given/);
    expect(await p.runs.list()).toEqual([]);
  });
});
