import type { View } from '@vertxnet/core';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { addFilm, emptyDataset } from './coco.js';
import { contactSheet } from './contact-sheet.js';
import { runJob, type Done, type Job } from './job.js';
import type { SetOptions } from './options.js';

const viewOf = (o: SetOptions, i: number): View => (o.view === 'both' ? (i % 2 === 0 ? 'cervical' : 'lumbar') : o.view);

/** Runs the jobs on `jobs` worker threads, handing each finished film to `done` as it comes. */
function onWorkers(jobs: Job[], options: { threads: number; done: (d: Done) => Promise<void> }): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let finished = 0;
    let failed = false;
    const workers = Array.from({ length: Math.min(options.threads, jobs.length) }, () => new Worker(new URL('./render-worker.js', import.meta.url)));
    const stop = (): Promise<number[]> => Promise.all(workers.map((w) => w.terminate()));
    const feed = (w: Worker): void => {
      if (next < jobs.length) w.postMessage(jobs[next++]);
    };
    for (const w of workers) {
      w.on('message', (m: { ok: true; done: Done } | { ok: false; error: string }) => {
        if (failed) return;
        if (!m.ok) {
          failed = true;
          void stop().then(() => reject(new Error(m.error)));
          return;
        }
        feed(w);
        options.done(m.done).then(
          () => {
            if (++finished === jobs.length) void stop().then(() => resolve());
          },
          (err: unknown) => {
            failed = true;
            void stop().then(() => reject(err instanceof Error ? err : new Error(String(err))));
          },
        );
      });
      w.on('error', (err) => {
        failed = true;
        void stop().then(() => reject(err));
      });
      feed(w);
    }
  });
}

/**
 * Renders `count` films into `<out>/images/` and writes `<out>/annotations.json` (and, if asked, the
 * contact sheet). Film i uses seed + i, so the set is the same whatever `jobs` is.
 */
export async function writeSet(o: SetOptions, progress?: (done: number, total: number) => void): Promise<{ films: number; ms: number }> {
  const started = Date.now();
  await mkdir(join(o.out, 'images'), { recursive: true });
  const jobs: Job[] = Array.from({ length: o.count }, (_, i) => ({
    index: i,
    seed: o.seed + i,
    view: viewOf(o, i),
    partialShare: o.partialShare,
    bits: o.bits,
    thumbnail: o.contactSheet && i < 16,
  }));
  const results: (Done & { fileName: string })[] = [];
  const done = async (d: Done): Promise<void> => {
    const fileName = `images/sc-${String(d.index + 1).padStart(5, '0')}.${d.ext}`;
    await writeFile(join(o.out, fileName), d.data);
    results[d.index] = { ...d, fileName };
    progress?.(results.filter(Boolean).length, o.count);
  };
  if (o.jobs <= 1) for (const job of jobs) await done(await runJob(job));
  else await onWorkers(jobs, { threads: o.jobs, done });
  const dataset = emptyDataset(o.seed);
  for (const r of results) addFilm(dataset, r.record, { fileName: r.fileName, bits: o.bits });
  await writeFile(join(o.out, 'annotations.json'), JSON.stringify(dataset));
  if (o.contactSheet)
    await contactSheet(
      results.flatMap((r) => (r.thumbnail ? [r.thumbnail] : [])),
      join(o.out, 'contact-sheet.png'),
    );
  return { films: o.count, ms: Date.now() - started };
}
