import { FlowProducer, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { JOB_CATALOG, type JobName } from './contract.js';

/** A Redis connection as BullMQ needs it (commands wait through reconnects instead of failing). */
export function connectRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/**
 * Events kept per queue stream (BullMQ's default is 10,000). Nothing in the pipeline reads them
 * (run progress has its own channel); a short stream saves about 1 MB of Redis per queue.
 */
export const QUEUE_EVENTS_MAX_LEN = 1_000;

/** The queues of every job of the catalog, on one connection and key prefix. */
export class PipelineQueues {
  readonly byJob: { readonly [N in JobName]: Queue };
  readonly flows: FlowProducer;

  constructor(
    readonly connection: Redis,
    readonly prefix: string,
  ) {
    const streams = { events: { maxLen: QUEUE_EVENTS_MAX_LEN } };
    const open = (name: JobName): Queue => new Queue(JOB_CATALOG[name].queue, { connection, prefix, streams });
    this.byJob = { run: open('run'), prepare: open('prepare'), unet: open('unet'), maskrcnn: open('maskrcnn'), fusion: open('fusion') };
    this.flows = new FlowProducer({ connection, prefix });
  }

  queue(name: JobName): Queue {
    return this.byJob[name];
  }

  /** Closes the queues; the connection stays open (it is the caller's). */
  async close(): Promise<void> {
    await Promise.all([...Object.values(this.byJob).map((q) => q.close()), this.flows.close()]);
  }
}
