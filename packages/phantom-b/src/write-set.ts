import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { View } from '@vertxnet/shared';
import { addFilm, emptyDataset, type StyleBDataset } from './coco.js';
import { writeContactSheet } from './contact-sheet.js';
import { encodePng } from './encode.js';
import { renderFilm } from './film.js';
import type { SetOptions } from './options.js';

export interface SetReport {
  dataset: StyleBDataset;
  seconds: number;
  files: string[];
}

/** The view of film `index`: fixed, or alternating cervical / lumbar for 'both'. */
export function viewOf(view: SetOptions['view'], index: number): View {
  if (view === 'both') return index % 2 === 0 ? 'cervical' : 'lumbar';
  return view;
}

/** Renders `count` films (seed = base seed + index) into out/images and writes out/annotations.json. */
export async function writeSet(opts: SetOptions, onFilm?: (index: number) => void): Promise<SetReport> {
  const started = performance.now();
  await mkdir(join(opts.out, 'images'), { recursive: true });
  const dataset = emptyDataset(opts.seed);
  const files: string[] = [];
  for (let i = 0; i < opts.count; i++) {
    const film = renderFilm({ seed: opts.seed + i, view: viewOf(opts.view, i), partialShare: opts.partialShare });
    const fileName = `images/sb-${String(i + 1).padStart(5, '0')}.png`;
    await writeFile(join(opts.out, fileName), await encodePng(film.pixels, film.width, film.height, opts.bits));
    addFilm(dataset, film, fileName, opts.bits);
    files.push(join(opts.out, fileName));
    onFilm?.(i);
  }
  await writeFile(join(opts.out, 'annotations.json'), `${JSON.stringify(dataset)}\n`);
  if (opts.contactSheet) await writeContactSheet(files.slice(0, 16), join(opts.out, 'contact-sheet.png'));
  return { dataset, seconds: (performance.now() - started) / 1000, files };
}
