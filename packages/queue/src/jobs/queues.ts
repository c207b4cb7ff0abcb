import { FlowProducer, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { JOB_CATALOG, type JobName } from './contract.js';

/** A Redis connection as BullMQ needs it (commands wait through reconnects instead of failing). */
export function connectRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/**
 * Events kept per queue stream by default (BullMQ's default is 10,000; env QUEUE_EVENTS_MAX_LEN).
 * Nothing in the pipeline reads them (run progress has its own channel), so they are Redis memory
 * that does not grow with a run but is there all the same: about 70–120 B an event, more for
 * fusion's 'completed' events, which carry the result summary. Redis trims approximately (whole
 * stream nodes of 100 events), so a stream holds between this and this + 100 events.
 */
export const QUEUE_EVENTS_MAX_LEN = 100;

export interface PipelineQueuesOptions {
  /**
   * Events kept per queue stream. Every process that opens the queues writes it into the queue's
   * metadata, which the Lua scripts read when they trim: all of them must use the same value.
   * @defaultValue QUEUE_EVENTS_MAX_LEN
   */
  eventsMaxLen?: number;
}

/** The queues of every job of the catalog, on one connection and key prefix. */
export class PipelineQueues {
  readonly byJob: { readonly [N in JobName]: Queue };
  readonly flows: FlowProducer;

  constructor(
    readonly connection: Redis,
    readonly prefix: string,
    opts: PipelineQueuesOptions = {},
  ) {
    const streams = { events: { maxLen: opts.eventsMaxLen ?? QUEUE_EVENTS_MAX_LEN } };
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
