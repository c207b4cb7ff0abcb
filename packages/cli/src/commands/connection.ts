import type { Command } from 'commander';
import { checkApiAuth } from './api-client.js';
import { DoneRecords, PipelineKeys, PipelineQueues, RunStore, connectRedis, queueEventsMaxLen, type RunStatus } from '@vertxnet/queue';
import { checkRedis, fetchService } from '../reachability.js';

/** Where the queues are: the same REDIS_URL and QUEUE_PREFIX as the services. */
export interface QueueTarget {
  redis: string;
  prefix: string;
}

export function addQueueOptions(command: Command): Command {
  return command
    .option('--redis <url>', 'Redis of the pipeline (env REDIS_URL)', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
    .option('--prefix <prefix>', 'queue prefix of the pipeline (env QUEUE_PREFIX)', process.env.QUEUE_PREFIX ?? 'vertxnet');
}

export interface PipelineClient {
  runs: RunStore;
  done: DoneRecords;
  queues: PipelineQueues;
  close(): Promise<void>;
}

/** Opens the pipeline's queues, once Redis has answered (else one line naming the address and the cause). */
export async function openPipelineClient(target: QueueTarget): Promise<PipelineClient> {
  await checkRedis(target.redis);
  const redis = connectRedis(target.redis);
  const keys = new PipelineKeys(target.prefix);
  // Opening a queue writes its event-stream length into the queue's metadata: the services' value.
  const queues = new PipelineQueues(redis, target.prefix, { eventsMaxLen: queueEventsMaxLen() });
  return {
    runs: new RunStore(redis, keys),
    done: new DoneRecords(redis, keys),
    queues,
    async close() {
      await queues.close();
      await redis.quit();
    },
  };
}

/** GET <api>/runs/<id> from the ingest service; undefined on 404. */
export async function fetchStatus(api: string, id: string, headers: Record<string, string> = {}): Promise<RunStatus | undefined> {
  const res = await fetchService('the ingest API', new URL(`/runs/${encodeURIComponent(id)}`, api), { headers });
  checkApiAuth(res, api, headers);
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`ingest API answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as RunStatus;
}
