import { writeFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { encodePng } from './encode.js';
import { renderFilm, type Film } from './film.js';
import type { FilmJob } from './write-set.js';

/** A worker thread of `writeSet`: renders, encodes and writes the films it is sent, answers their ground truth. */
const port = parentPort;
if (!port) throw new Error('render-worker runs only as a worker thread');
port.on('message', (job: FilmJob) => {
  void renderJob(job).then(
    (film) => port.postMessage({ index: job.index, film }),
    (err: unknown) => port.postMessage({ index: job.index, error: err instanceof Error ? err.message : String(err) }),
  );
});

export async function renderJob(job: FilmJob): Promise<Omit<Film, 'pixels'>> {
  const film = renderFilm({ seed: job.seed, view: job.view, partialShare: job.partialShare });
  await writeFile(job.path, await encodePng(film.pixels, film.width, film.height, job.bits));
  const { pixels: _pixels, ...rest } = film;
  return rest;
}
