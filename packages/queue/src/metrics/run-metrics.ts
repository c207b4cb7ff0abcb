import { Gauge, type Registry } from 'prom-client';

/** Progress of one run, as the ingest service reads it from Redis at scrape time. */
export interface RunProgress {
  run: string;
  listed: number;
  skipped: number;
  done: number;
  failed: number;
  inFlight: number;
  listingDone: boolean;
}

/**
 * Progress of the runs still going, read fresh at every scrape: images by state and whether the
 * listing is complete. The dashboard's ETA divides in-flight images (plus, while listing, the ones
 * not yet listed are unknown) by the rate at which `finished` grows. One series set per active run,
 * never per image; finished runs drop out.
 */
export class RunMetrics {
  readonly images: Gauge<'run' | 'state'>;
  readonly listingDone: Gauge<'run'>;

  constructor(registry: Registry, collectRuns: () => Promise<RunProgress[]>, onError?: (err: unknown) => void) {
    let pending: Promise<RunProgress[] | undefined> | undefined;
    // Both gauges share one read per scrape.
    const read = (): Promise<RunProgress[] | undefined> =>
      (pending ??= collectRuns()
        .catch((err: unknown) => {
          onError?.(err);
          return undefined;
        })
        .finally(() => setImmediate(() => (pending = undefined))));
    const listingDone = new Gauge({
      name: 'vertxnet_run_listing_done',
      help: 'Per active run: 1 once its source listing is complete (the total is known), else 0.',
      labelNames: ['run'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const r of (await read()) ?? []) this.set({ run: r.run }, r.listingDone ? 1 : 0);
      },
    });
    this.images = new Gauge({
      name: 'vertxnet_run_images',
      help: 'Per active run: images by state (listed, skipped, done, failed, finished = skipped+done+failed, in_flight).',
      labelNames: ['run', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const r of (await read()) ?? []) {
          const states = {
            listed: r.listed,
            skipped: r.skipped,
            done: r.done,
            failed: r.failed,
            finished: r.skipped + r.done + r.failed,
            in_flight: r.inFlight,
          };
          for (const [state, value] of Object.entries(states)) this.set({ run: r.run, state }, value);
        }
      },
    });
    this.listingDone = listingDone;
  }
}
