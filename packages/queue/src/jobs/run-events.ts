import type { Redis } from 'ioredis';
import type { PipelineKeys } from './keys.js';

type Listener = () => void;

/**
 * Wakes the producers of this process when one of their run's images leaves the backlog.
 * One subscriber connection (it can do nothing else) serves every run of the process.
 */
export class RunEvents {
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    private readonly subscriber: Redis,
    private readonly keys: PipelineKeys,
  ) {
    subscriber.on('message', (channel: string) => {
      for (const listener of this.listeners.get(channel) ?? []) listener();
    });
  }

  /** Calls `listener` on each event of the run from the moment the promise resolves; returns the unsubscriber. */
  async subscribe(run: string, listener: Listener): Promise<() => Promise<void>> {
    const channel = this.keys.events(run);
    let set = this.listeners.get(channel);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(channel, set);
      await this.subscriber.subscribe(channel);
    }
    set.add(listener);
    return async () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(channel) === set) {
        this.listeners.delete(channel);
        await this.subscriber.unsubscribe(channel);
      }
    };
  }
}
