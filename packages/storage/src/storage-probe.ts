import { StorageUnavailableError } from '@vertxnet/core';
import type { Storage } from './storage.js';

/** A key nobody writes: asking for it costs one HEAD, and "not found" means the store answered. */
export const PROBE_KEY = 'vertxnet-storage-probe';

export interface StorageProbeOptions {
  /** How often the store is asked while all is well; while it is down, twice as often. */
  intervalMs: number;
  /** A store that has not answered within this is taken as down. @defaultValue 3000 */
  timeoutMs?: number;
  /** Each change of reachability (not each check). */
  onChange?: (reachable: boolean, err?: Error) => void;
}

/**
 * Whether object storage answers. Checked on a timer and at once whenever a job saw it fail, so
 * a service can stop taking jobs during an outage (instead of spending their tries) and say so
 * on /readyz. Only an unavailable store counts as down: a missing bucket or a refused access is
 * a configuration fault that the jobs themselves report.
 */
export class StorageProbe {
  private up = true;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<boolean> | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly opts: StorageProbeOptions,
  ) {}

  get reachable(): boolean {
    return this.up;
  }

  start(): void {
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Asks the store now (concurrent callers share one request); resolves to whether it answered. */
  check(): Promise<boolean> {
    this.inFlight ??= this.ask().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private schedule(): void {
    this.timer = setTimeout(
      () => void this.check().finally(() => this.timer !== undefined && this.schedule()),
      this.up ? this.opts.intervalMs : Math.max(250, this.opts.intervalMs / 2),
    );
    this.timer.unref();
  }

  private async ask(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = this.opts.timeoutMs ?? 3_000;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StorageUnavailableError(`storage did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.storage.head(PROBE_KEY), timeout]);
      this.set(true);
    } catch (err) {
      if (err instanceof StorageUnavailableError) this.set(false, err);
      else this.set(true);
    } finally {
      clearTimeout(timer);
    }
    return this.up;
  }

  private set(reachable: boolean, err?: Error): void {
    if (reachable === this.up) return;
    this.up = reachable;
    this.opts.onChange?.(reachable, err);
  }
}
