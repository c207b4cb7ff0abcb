import type { RunEvents } from './run-events.js';
import type { RunStore } from './run-store.js';

export interface BacklogOptions {
  /** Images of one run in flight at most (queued and not yet done, skipped or failed). */
  maxPending: number;
  /** With no event for this long while full, `onQuiet` runs (a reconciliation) and the count is read again. */
  quietMs: number;
  onQuiet: () => Promise<void>;
}

/**
 * The bound on a run's backlog. The producer waits here for room; it is woken by the run's
 * events (an image finished), not by polling. A missed event costs at most `quietMs`.
 */
export class Backlog {
  private version = 0;
  private wake: (() => void) | undefined;
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    private readonly run: string,
    private readonly runs: RunStore,
    private readonly events: RunEvents,
    private readonly opts: BacklogOptions,
  ) {}

  async open(): Promise<void> {
    this.unsubscribe = await this.events.subscribe(this.run, () => {
      this.version += 1;
      this.wake?.();
    });
  }

  async close(): Promise<void> {
    await this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Resolves with the room (≥ `want`, capped at want ≤ maxPending) once there is, or undefined if `signal` aborts. */
  async waitForRoom(want: number, signal: AbortSignal): Promise<number | undefined> {
    const need = Math.min(Math.max(1, want), this.opts.maxPending);
    for (;;) {
      if (signal.aborted) return undefined;
      const seen = this.version;
      const room = this.opts.maxPending - (await this.runs.inFlight(this.run));
      if (room >= need) return room;
      if (this.version !== seen) continue;
      const woke = await this.nextEvent(seen, signal);
      if (woke === 'quiet') await this.opts.onQuiet();
    }
  }

  /**
   * Resolves true once nothing of the run is in flight (read with the run record, atomically), or
   * false if `signal` aborts first. Woken by the run's events; a missed one costs at most `quietMs`.
   */
  async waitUntilDrained(signal: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal.aborted) return false;
      const seen = this.version;
      const snap = await this.runs.snapshot(this.run);
      if (snap === undefined || snap.inFlight === 0) return true;
      if (this.version !== seen) continue;
      const woke = await this.nextEvent(seen, signal);
      if (woke === 'quiet') await this.opts.onQuiet();
    }
  }

  private nextEvent(seen: number, signal: AbortSignal): Promise<'event' | 'quiet' | 'abort'> {
    return new Promise((resolve) => {
      const done = (why: 'event' | 'quiet' | 'abort'): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.wake = undefined;
        resolve(why);
      };
      const onAbort = (): void => done('abort');
      const timer = setTimeout(() => done('quiet'), this.opts.quietMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.wake = () => done('event');
      // Either may have happened while the count was being read.
      if (signal.aborted) done('abort');
      else if (this.version !== seen) done('event');
    });
  }
}
