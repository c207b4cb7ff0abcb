import { VIEW_LEVELS } from '@vertxnet/core';
import { describe, expect, it } from 'vitest';
import { renderFilm, type Film } from './film.js';

/** Mean display value inside and outside the labelled bodies (pixel centres, even–odd rule). */
function contrast(film: Film): { inside: number; outside: number } {
  const mask = new Uint8Array(film.width * film.height);
  for (const b of film.bodies.filter((x) => x.labelled)) {
    const ring = b.polygon;
    const n = ring.length / 2;
    for (let y = Math.floor(b.bbox[1]); y < Math.ceil(b.bbox[1] + b.bbox[3]); y++) {
      const xs: number[] = [];
      for (let i = 0; i < n; i++) {
        const [x0, y0, x1, y1] = [ring[2 * i]!, ring[2 * i + 1]!, ring[(2 * i + 2) % ring.length]!, ring[(2 * i + 3) % ring.length]!];
        if ((y0 <= y + 0.5 && y + 0.5 < y1) || (y1 <= y + 0.5 && y + 0.5 < y0)) xs.push(x0 + ((y + 0.5 - y0) / (y1 - y0)) * (x1 - x0));
      }
      xs.sort((a, b) => a - b);
      for (let k = 0; k + 1 < xs.length; k += 2) for (let x = Math.ceil(xs[k]! - 0.5); x < Math.ceil(xs[k + 1]! - 0.5); x++) mask[y * film.width + x] = 1;
    }
  }
  let [si, ni, so, no] = [0, 0, 0, 0];
  for (let i = 0; i < mask.length; i++) {
    const v = film.pixels[i]!;
    if (mask[i]) {
      si += v;
      ni++;
    } else {
      so += v;
      no++;
    }
  }
  return { inside: si / ni, outside: so / no };
}

describe('renderFilm', () => {
  it('is a function of its seed', () => {
    const a = renderFilm(5, { view: 'lumbar', partialShare: 0.3 });
    const b = renderFilm(5, { view: 'lumbar', partialShare: 0.3 });
    const c = renderFilm(6, { view: 'lumbar', partialShare: 0.3 });
    expect(Buffer.from(a.pixels.buffer).equals(Buffer.from(b.pixels.buffer))).toBe(true);
    expect(a.bodies).toEqual(b.bodies);
    expect(a.width === c.width && a.height === c.height && Buffer.from(a.pixels.buffer).equals(Buffer.from(c.pixels.buffer))).toBe(false);
  });

  it.each(['cervical', 'lumbar'] as const)('draws %s bodies brighter than the rest of the film, every labelled level in view', (view) => {
    for (const seed of [101, 102, 103]) {
      const film = renderFilm(seed, { view, partialShare: 0 });
      expect(film.cut).toBe('none');
      expect(film.levelsInView).toEqual([...VIEW_LEVELS[view]]);
      expect(film.bodies.filter((b) => b.labelled).every((b) => !b.truncated)).toBe(true);
      const { inside, outside } = contrast(film);
      expect(inside).toBeGreaterThan(outside + 0.05);
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of film.pixels) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(1);
    }
  });

  it('cuts through the labelled run when asked, clipping the cut body to the edge', () => {
    const films = [201, 202, 203, 204].map((seed) => renderFilm(seed, { view: seed % 2 ? 'cervical' : 'lumbar', partialShare: 1 }));
    for (const film of films) {
      expect(film.cut).not.toBe('none');
      expect(film.levelsInView.length < VIEW_LEVELS[film.view].length || film.bodies.some((b) => b.labelled && b.truncated)).toBe(true);
      const truncated = film.bodies.filter((b) => b.labelled && b.truncated);
      expect(truncated.length).toBeGreaterThan(0);
      for (const b of truncated) {
        const xs = b.polygon.filter((_, k) => k % 2 === 0);
        const ys = b.polygon.filter((_, k) => k % 2 === 1);
        expect(xs.some((x) => x === 0 || x === film.width) || ys.some((y) => y === 0 || y === film.height)).toBe(true);
      }
    }
  });

  it('faces both ways and frames both portrait and landscape across films', () => {
    const films = Array.from({ length: 10 }, (_, k) => renderFilm(300 + k, { view: k % 2 ? 'lumbar' : 'cervical', partialShare: 0.3 }));
    expect(new Set(films.map((f) => f.facing))).toEqual(new Set(['left', 'right']));
    expect(films.some((f) => f.width > f.height)).toBe(true);
    expect(films.some((f) => f.width < f.height)).toBe(true);
  });
});
