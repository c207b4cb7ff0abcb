import { Presets, SingleBar } from 'cli-progress';
import type { RunProgress } from '@vertxnet/pipeline';

/** How a run shows its progress: a bar on a terminal, else a line now and then (logs, CI, nohup). */
export interface ProgressDisplay {
  update(progress: RunProgress): void;
  /** Ends the display and gives the cursor back; safe to call more than once. */
  stop(): void;
}

export function progressDisplay(stream: NodeJS.WriteStream, opts: { tty: boolean; intervalMs?: number }): ProgressDisplay {
  return opts.tty ? new ProgressBar(stream) : new ProgressLines(stream, opts.intervalMs ?? 5000);
}

class ProgressBar implements ProgressDisplay {
  private readonly bar: SingleBar;
  private started = false;
  /** Once stopped (Ctrl-C), images still finishing must not draw the bar, and hide the cursor, again. */
  private stopped = false;

  constructor(stream: NodeJS.WriteStream) {
    this.bar = new SingleBar(
      { format: 'vertxnet run |{bar}| {value}/{total} images | {failed} failed | ETA {eta_formatted}', hideCursor: true, stream },
      Presets.shades_classic,
    );
  }

  update(p: RunProgress): void {
    if (this.stopped) return;
    if (!this.started) {
      this.bar.start(p.total, 0, { failed: 0 });
      this.started = true;
    }
    this.bar.update(p.done + p.failed, { failed: p.failed });
  }

  stop(): void {
    if (this.started && !this.stopped) this.bar.stop();
    this.stopped = true;
  }
}

/** One line at the start, then at most one every `intervalMs`, and one at the end. */
class ProgressLines implements ProgressDisplay {
  private last?: RunProgress;
  private printedAt = -Infinity;
  private printed?: RunProgress;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly intervalMs: number,
  ) {}

  update(p: RunProgress): void {
    this.last = p;
    const now = Date.now();
    const finished = p.done + p.failed >= p.total;
    if (p.total > 0 && (finished || now - this.printedAt >= this.intervalMs)) this.print(p, now);
  }

  stop(): void {
    if (this.last && this.last !== this.printed) this.print(this.last, Date.now());
  }

  private print(p: RunProgress, now: number): void {
    const resumed = p.resumed > 0 ? ` (${p.resumed} from an earlier run)` : '';
    this.stream.write(`vertxnet run: ${p.done + p.failed}/${p.total} images, ${p.done} done${resumed}, ${p.failed} failed\n`);
    this.printedAt = now;
    this.printed = p;
  }
}
