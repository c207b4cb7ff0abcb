/**
 * Recovery after kill -9: how long an image held by a worker that dies stays stuck. The four built
 * services run as separate processes on a fresh queue prefix (local work and out stores); once the
 * Mask R-CNN worker has finished two images and holds the next, it gets SIGKILL and a replacement
 * starts. Printed per trial: kill → the held job active again (lock expiry + stalled-job check) and
 * kill → that job completed, for the lock settings given.
 *
 * Run: npm run build && npx tsx bench/recovery.ts [--trials 2] [--images 8] [--lock-ms 30000 --stalled-ms 30000]
 * Needs Redis at REDIS_URL. Without --lock-ms/--stalled-ms the services' defaults apply.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { QueueEvents } from 'bullmq';
import { writePhantomSet } from '@vertxnet/phantom';
import { DEFAULT_MODELS, submitRun } from '@vertxnet/queue';
import { TEST_REDIS_URL } from '../test/helpers/redis.js';
import { openTestPipeline } from '../test/e2e/helpers/pipeline.js';
import { serviceEntry, spawnService, startPipelineServices } from '../test/e2e/helpers/services.js';

const { values: args } = parseArgs({
  options: {
    trials: { type: 'string', default: '2' },
    images: { type: 'string', default: '8' },
    'lock-ms': { type: 'string' },
    'stalled-ms': { type: 'string' },
  },
});
const round = (v: number, digits = 1): number => Number(v.toFixed(digits));

interface Trial {
  /** SIGKILL → the job the dead worker held is active in another worker. */
  backActiveSeconds: number;
  /** SIGKILL → that job completed. */
  completedSeconds: number;
  runSeconds: number;
  done: number;
  failed: number;
}

async function trial(source: string, tmp: string, index: number, lockEnv: Record<string, string>): Promise<Trial> {
  const pipeline = await openTestPipeline();
  // The run reads and writes local folders, which ingest allows only when told to.
  const local = pathToFileURL(tmp).href;
  const env = { QUEUE_PREFIX: pipeline.prefix, WORK_URI: join(tmp, `work-${index}`), ALLOWED_SOURCES: local, ALLOWED_OUTPUTS: local, ...lockEnv };
  const cluster = await startPipelineServices(env);
  const events = new QueueEvents('maskrcnn', { connection: { url: TEST_REDIS_URL }, prefix: pipeline.prefix });
  await events.waitUntilReady();
  const extra: Array<{ stop(signal?: NodeJS.Signals): Promise<unknown> }> = [];
  try {
    let completed = 0;
    let killedAt = 0;
    let killedJob: string | undefined;
    let backActive = 0;
    let done = 0;
    const recovered = new Promise<void>((resolve) => {
      events.on('completed', ({ jobId }) => {
        completed++;
        if (jobId === killedJob && done === 0) {
          done = performance.now();
          resolve();
        }
      });
    });
    const held = new Promise<string>((resolve) => {
      events.on('active', ({ jobId }) => {
        if (killedJob === undefined && completed >= 2) resolve(jobId);
        else if (jobId === killedJob && backActive === 0) backActive = performance.now();
      });
    });
    const started = performance.now();
    const run = await submitRun({ source, out: join(tmp, `out-${index}`), models: { ...DEFAULT_MODELS } }, pipeline);
    killedJob = await held;
    const mask = cluster.services['maskrcnn-worker'];
    killedAt = performance.now();
    await mask.stop('SIGKILL');
    const replacement = await spawnService('maskrcnn-worker', serviceEntry('maskrcnn-worker'), { env });
    extra.push(replacement);
    await recovered;
    const finished = await pipeline.waitForRun(run.id);
    return {
      backActiveSeconds: round((backActive - killedAt) / 1000),
      completedSeconds: round((done - killedAt) / 1000),
      runSeconds: round((performance.now() - started) / 1000),
      done: finished.done,
      failed: finished.failed,
    };
  } finally {
    await events.close();
    await Promise.all(extra.map((s) => s.stop('SIGTERM')));
    await cluster.stopAll();
    await pipeline.close();
  }
}

async function main(): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), 'vertxnet-bench-recovery-'));
  const lockEnv: Record<string, string> = {
    ...(args['lock-ms'] ? { JOB_LOCK_MS: args['lock-ms'] } : {}),
    ...(args['stalled-ms'] ? { STALLED_CHECK_MS: args['stalled-ms'] } : {}),
  };
  try {
    const count = Number(args.images);
    await writePhantomSet({ out: join(tmp, 'phantoms'), count, seed: 5, format: 'png8', maxSide: 512 });
    const source = join(tmp, 'phantoms', 'images');
    const settings = Object.keys(lockEnv).length > 0 ? JSON.stringify(lockEnv) : 'service defaults';
    console.log(`${count} phantom images a trial; lock settings: ${settings}; ${availableParallelism()} CPUs, load ${round(loadavg()[0]!, 2)}`);
    const trials: Trial[] = [];
    for (let i = 0; i < Number(args.trials); i++) {
      const t = await trial(source, tmp, i, lockEnv);
      trials.push(t);
      console.log(
        `trial ${i + 1}: SIGKILL → held image active again ${t.backActiveSeconds} s, completed ${t.completedSeconds} s; ` +
          `run ${t.runSeconds} s, ${t.done} done, ${t.failed} failed`,
      );
    }
    const worst = Math.max(...trials.map((t) => t.completedSeconds));
    console.log(`worst kill → completed: ${worst} s\n`);
    console.log(JSON.stringify({ settings: lockEnv, trials, worstCompletedSeconds: worst, loadAverage1mAfter: round(loadavg()[0]!, 2) }, null, 2));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

await main();
