import type { Frame, LevelGrid } from '@vertxnet/core';
import type { Rect } from './morphology.js';

/** What a level head says of one body: the probability of each level offset, averaged over the body's pixels. */
export interface BodyLevels {
  offsets: readonly number[];
  probability: Float64Array;
}

/**
 * The level head's distribution for every region of `map` (1..count), read at each region pixel's
 * grid cell (the grid spans the square model input, so a cell is frame.size / grid.width pixels).
 * Regions with no pixel get no entry.
 */
export function bodyLevels(map: Int32Array, frame: Frame, count: number, grid: LevelGrid, roi: Rect): Array<BodyLevels | undefined> {
  const channels = grid.offsets.length;
  const plane = grid.width * grid.height;
  const sums = new Float64Array((count + 1) * channels);
  const pixels = new Float64Array(count + 1);
  const sx = grid.width / frame.size;
  const sy = grid.height / frame.size;
  const W = frame.width;
  // Runs of pixels of one region in one grid cell are added at once (a cell spans many pixels).
  const flush = (r: number, cell: number, run: number) => {
    const base = r * channels;
    for (let c = 0; c < channels; c++) sums[base + c] = sums[base + c]! + run * grid.probability[c * plane + cell]!;
    pixels[r] = pixels[r]! + run;
  };
  for (let y = roi[1]; y < roi[3]; y++) {
    const row = Math.min(grid.height - 1, Math.floor((y + 0.5) * sy)) * grid.width;
    let runRegion = 0;
    let runCell = -1;
    let run = 0;
    for (let x = roi[0]; x < roi[2]; x++) {
      const m = map[y * W + x]!;
      const r = m > 0 && m <= count ? m : 0;
      const cell = r ? row + Math.min(grid.width - 1, Math.floor((x + 0.5) * sx)) : -1;
      if (r !== runRegion || cell !== runCell) {
        if (run) flush(runRegion, runCell, run);
        runRegion = r;
        runCell = cell;
        run = 0;
      }
      if (r) run++;
    }
    if (run) flush(runRegion, runCell, run);
  }
  const out: Array<BodyLevels | undefined> = new Array(count + 1).fill(undefined);
  for (let r = 1; r <= count; r++) {
    if (!pixels[r]) continue;
    const probability = new Float64Array(channels);
    for (let c = 0; c < channels; c++) probability[c] = sums[r * channels + c]! / pixels[r]!;
    out[r] = { offsets: grid.offsets, probability };
  }
  return out;
}

/**
 * The head's probability of `offset` for a chain decoding: an offset beyond the head's range (T7 and
 * T8 above a lumbar film's T9, which no head was taught) reads as the nearest one it has, so that such
 * a body costs every placement of the chain alike instead of the floor only where it is placed right.
 */
export function decodingProbability(levels: BodyLevels, offset: number): number {
  const lo = Math.min(...levels.offsets);
  const hi = Math.max(...levels.offsets);
  return levelProbability(levels, Math.min(hi, Math.max(lo, offset)));
}

/** The head's probability that the body is at `offset` (0 for an offset outside its range). */
export function levelProbability(levels: BodyLevels, offset: number): number {
  const c = levels.offsets.indexOf(offset);
  return c < 0 ? 0 : levels.probability[c]!;
}
