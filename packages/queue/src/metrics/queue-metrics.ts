import { Gauge, type Registry } from 'prom-client';

/** queue name → job state (wait, active, delayed, prioritized, failed…) → count. */
export type QueueCounts = Record<string, Record<string, number>>;

/**
 * Queue depth by state, read fresh at every scrape. KEDA and the dashboard scale and alert on it;
 * the counts come from a callback so this class needs no BullMQ.
 */
export class QueueMetrics {
  readonly jobs: Gauge<'queue' | 'state'>;

  /** `onError` hears about failed reads (Redis down); the scrape still succeeds without queue series. */
  constructor(registry: Registry, collectCounts: () => Promise<QueueCounts>, onError?: (err: unknown) => void) {
    this.jobs = new Gauge({
      name: 'vertxnet_queue_jobs',
      help: 'Jobs in each queue by state, read from Redis at scrape time.',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        // Queues or states that vanished, or a failed read, must not leave stale values behind.
        this.reset();
        let counts: QueueCounts;
        try {
          counts = await collectCounts();
        } catch (err) {
          onError?.(err);
          return;
        }
        for (const [queue, states] of Object.entries(counts)) {
          for (const [state, count] of Object.entries(states)) this.set({ queue, state }, count);
        }
      },
    });
  }
}
