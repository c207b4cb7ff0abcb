import { FlowProducer, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { JOB_CATALOG, type JobName } from './contract.js';

/** A Redis connection as BullMQ needs it (commands wait through reconnects instead of failing). */
export function connectRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/** The queues of every job of the catalog, on one connection and key prefix. */
export class PipelineQueues {
  readonly byJob: { readonly [N in JobName]: Queue };
  readonly flows: FlowProducer;

  constructor(
    readonly connection: Redis,
    readonly prefix: string,
  ) {
    const open = (name: JobName): Queue => new Queue(JOB_CATALOG[name].queue, { connection, prefix });
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
