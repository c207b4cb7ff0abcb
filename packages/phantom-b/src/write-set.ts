import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { View } from '@vertxnet/core';
import { addFilm, emptyDataset, type StyleBDataset } from './coco.js';
import { writeContactSheet } from './contact-sheet.js';
import { encodePng } from './encode.js';
import { renderFilm, type Film } from './film.js';
import type { SetOptions } from './options.js';

export interface SetReport {
  dataset: StyleBDataset;
  seconds: number;
  files: string[];
}

/** One film to render and write (what a worker thread is sent). */
export interface FilmJob {
  index: number;
  seed: number;
  view: View;
  partialShare: number;
  bits: 8 | 16;
  path: string;
}

type FilmRecord = Omit<Film, 'pixels'>;

/** The view of film `index`: fixed, or alternating cervical / lumbar for 'both'. */
export function viewOf(view: SetOptions['view'], index: number): View {
  if (view === 'both') return index % 2 === 0 ? 'cervical' : 'lumbar';
  return view;
}

/**
 * Renders `count` films (seed = base seed + index) into out/images and writes out/annotations.json.
 * With jobs > 1 the films are rendered on worker threads; the output is the same bytes either way.
 */
export async function writeSet(opts: SetOptions, jobs = 1): Promise<SetReport> {
  const started = performance.now();
  await mkdir(join(opts.out, 'images'), { recursive: true });
  const names = Array.from({ length: opts.count }, (_, i) => `images/sb-${String(i + 1).padStart(5, '0')}.png`);
  const list: FilmJob[] = names.map((name, index) => ({
    index,
    seed: opts.seed + index,
    view: viewOf(opts.view, index),
    partialShare: opts.partialShare,
    bits: opts.bits,
    path: join(opts.out, name),
  }));
  const records = jobs > 1 && list.length > 1 ? await renderOnWorkers(list, jobs) : await renderHere(list);
  const dataset = emptyDataset(opts.seed);
  records.forEach((film, i) => addFilm(dataset, { ...film, pixels: new Float32Array(0) }, names[i]!, opts.bits));
  await writeFile(join(opts.out, 'annotations.json'), `${JSON.stringify(dataset)}\n`);
  const files = list.map((j) => j.path);
  if (opts.contactSheet) await writeContactSheet(files.slice(0, 16), join(opts.out, 'contact-sheet.png'));
  return { dataset, seconds: (performance.now() - started) / 1000, files };
}

async function renderHere(list: FilmJob[]): Promise<FilmRecord[]> {
  const out: FilmRecord[] = [];
  for (const job of list) {
    const film = renderFilm({ seed: job.seed, view: job.view, partialShare: job.partialShare });
    await writeFile(job.path, await encodePng(film.pixels, film.width, film.height, job.bits));
    const { pixels: _pixels, ...rest } = film;
    out.push(rest);
  }
  return out;
}

/** Hands films to `jobs` worker threads, one at a time each, and gathers their records in index order. */
function renderOnWorkers(list: FilmJob[], jobs: number): Promise<FilmRecord[]> {
  const records: FilmRecord[] = new Array<FilmRecord>(list.length);
  let next = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    const workers = Array.from({ length: Math.min(jobs, list.length) }, () => new Worker(new URL('./render-worker.js', import.meta.url)));
    const stop = () => Promise.all(workers.map((w) => w.terminate()));
    const feed = (w: Worker) => {
      if (next < list.length) w.postMessage(list[next++]);
    };
    for (const w of workers) {
      w.on('message', (m: { index: number; film?: FilmRecord; error?: string }) => {
        if (m.error !== undefined || !m.film) {
          void stop();
          reject(new Error(`film ${m.index + 1}: ${m.error ?? 'no result'}`));
          return;
        }
        records[m.index] = m.film;
        if (++done === list.length) void stop().then(() => resolve(records));
        else feed(w);
      });
      w.on('error', (err) => {
        void stop();
        reject(err);
      });
      feed(w);
    }
  });
}
