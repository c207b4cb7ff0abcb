import type { View } from '@vertxnet/core';
import type { FilmRecord } from './coco.js';
import { encodeFilm, preview } from './encode.js';
import { renderFilm } from './film.js';

/** One film to make: which, how, and whether the contact sheet wants its thumbnail. */
export interface Job {
  index: number;
  seed: number;
  view: View;
  partialShare: number;
  bits: 8 | 16;
  thumbnail: boolean;
}

export interface Done {
  index: number;
  record: FilmRecord;
  data: Uint8Array;
  ext: 'png' | 'jpg';
  thumbnail: Uint8Array | null;
}

/** Renders and encodes one film; the same job gives the same bytes wherever it runs. */
export async function runJob(job: Job): Promise<Done> {
  const film = renderFilm(job.seed, { view: job.view, partialShare: job.partialShare });
  const { data, ext } = await encodeFilm(film, job.bits);
  const { pixels: _, ...record } = film;
  return { index: job.index, record, data, ext, thumbnail: job.thumbnail ? await preview(film) : null };
}
