import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { runStatus, type RunStatus } from '@vertxnet/queue';
import { runExitCode } from '../exit-codes.js';
import { addApiTokenOptions, apiHeaders, type ApiAuthOptions } from './api-client.js';
import { addQueueOptions, fetchStatus, openPipelineClient, type QueueTarget } from './connection.js';

export interface StatusIo {
  out: NodeJS.WritableStream;
  /** Whether to draw a live progress bar (stderr is a terminal). */
  tty: boolean;
}

interface StatusOptions extends QueueTarget, ApiAuthOptions {
  api?: string;
  watch?: boolean;
  json?: boolean;
}

/** `vertxnet status <run> [--watch] [--json]`: counts, throughput, ETA and failures of a run. */
export function registerStatus(program: Command, io: StatusIo = { out: process.stdout, tty: process.stderr.isTTY === true }): void {
  const command = addQueueOptions(
    program
      .command('status')
      .description('Show a run: images queued, active, done, failed and skipped, throughput, ETA and why images failed')
      .argument('<run>', 'run id (printed by `vertxnet submit`)')
      .option('--api <url>', 'ask the ingest service over HTTP instead of Redis (e.g. http://ingest:8080)')
      .option('-w, --watch', 'follow the run with a live progress bar until it is finished')
      .option('--json', 'print the status as JSON'),
  );
  addApiTokenOptions(command).action(async (id: string, opts: StatusOptions) => {
    const status = await followRun(id, opts, io);
    if (opts.watch) process.exitCode = finishedRunExitCode(status);
  });
}

/** Reads a run's status once, or (watch) until it is finished; prints it; exits 1 if there is no such run. */
export async function followRun(id: string, opts: StatusOptions, io: StatusIo): Promise<RunStatus> {
  const client = opts.api ? undefined : await openPipelineClient(opts);
  // The token is read once: a watch polls every second.
  const headers = opts.api ? apiHeaders(opts) : {};
  const read = (): Promise<RunStatus | undefined> => (opts.api ? fetchStatus(opts.api, id, headers) : runStatus(id, client!));
  try {
    let status = await read();
    if (status === undefined) throw new Error(`no run ${id} (check --redis and --prefix, or --api)`);
    if (opts.watch) status = await watch(status, read, io);
    io.out.write(opts.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
    return status;
  } finally {
    await client?.close();
  }
}

/** Redraws once a second (a display refresh, not a wait for state) until the run is finished. */
async function watch(first: RunStatus, read: () => Promise<RunStatus | undefined>, io: StatusIo): Promise<RunStatus> {
  const bar = io.tty
    ? new SingleBar(
        { format: 'run |{bar}| {value}/{total} | done {done} failed {failed} skipped {skipped} active {active} | {rate}/s | ETA {etaText}', hideCursor: true },
        Presets.shades_classic,
      )
    : undefined;
  let status = first;
  bar?.start(Math.max(1, status.run.listed), 0, barPayload(status));
  while (!status.finished) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    status = (await read()) ?? status;
    bar?.setTotal(Math.max(1, status.run.listed));
    bar?.update(finishedCount(status), barPayload(status));
  }
  bar?.stop();
  return status;
}

/** The exit code of a followed run, as for `vertxnet run`: images already done count as results. */
export function finishedRunExitCode(s: RunStatus): number {
  return runExitCode({ images: s.run.listed, succeeded: s.counts.done + s.counts.skipped, failed: s.counts.failed });
}

function finishedCount(s: RunStatus): number {
  return s.counts.done + s.counts.failed + s.counts.skipped;
}

function barPayload(s: RunStatus) {
  return { ...s.counts, rate: s.throughput.toFixed(1), etaText: eta(s) };
}

function eta(s: RunStatus): string {
  if (s.finished) return 'done';
  if (s.etaSeconds === undefined) return s.run.listingDone ? '?' : 'listing';
  const sec = Math.round(s.etaSeconds);
  return sec >= 3600 ? `${Math.floor(sec / 3600)}h${Math.round((sec % 3600) / 60)}m` : sec >= 60 ? `${Math.floor(sec / 60)}m${sec % 60}s` : `${sec}s`;
}

/** The text form of a run's status. */
export function formatStatus(s: RunStatus): string {
  const c = s.counts;
  const lines = [
    `run ${s.run.id}  ${s.finished ? 'finished' : s.run.listingDone ? 'running (all images queued)' : 'running (listing)'}`,
    `  source ${s.run.source}  →  out ${s.run.out}  models ${s.run.models.unet}, ${s.run.models.maskrcnn}${s.run.view ? `  view ${s.run.view}` : ''}`,
    `  listed ${s.run.listed}  queued ${c.queued}  active ${c.active}  done ${c.done}  failed ${c.failed}  skipped ${c.skipped} (already done)`,
    `  throughput ${s.throughput.toFixed(2)} images/s over the last minute  ETA ${eta(s)}`,
  ];
  if (s.failures.length > 0) {
    lines.push(`  failures (latest ${s.failures.length}):`);
    for (const f of s.failures) lines.push(`    ${f.stage.padEnd(8)} ${f.source || '-'}  ${f.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
