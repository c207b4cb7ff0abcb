import { VERSE_CODES, VIEW_LEVELS, type View } from '@vertxnet/core';
import { describe, expect, it } from 'vitest';
import { addFilm, emptyDataset } from './coco.js';
import { encodePng } from './encode.js';
import { layoutFilm, renderFilm, type Film, type FilmBody } from './film.js';
import { fillPolygon, pt, type Point } from './geometry.js';

const PREVIEW = 640;
const toPoints = (flat: number[]): Point[] => Array.from({ length: flat.length / 2 }, (_, i) => pt(flat[2 * i]!, flat[2 * i + 1]!));

/** Mean display value of the pixels whose centres fall inside a polygon (the evaluator's rule). */
function meanInside(film: Film, polygon: Point[]): number {
  const mask = fillPolygon(polygon, { x: 0, y: 0, w: film.width, h: film.height });
  let sum = 0;
  let n = 0;
  for (let k = 0; k < mask.length; k++) {
    if (mask[k]) {
      sum += film.pixels[k]!;
      n++;
    }
  }
  return n ? sum / n : NaN;
}

const centroid = (b: FilmBody): Point => {
  const p = toPoints(b.polygon);
  return pt(p.reduce((s, q) => s + q.x, 0) / p.length, p.reduce((s, q) => s + q.y, 0) / p.length);
};

/** Mean display value in the disc gap between two bodies: the central band of the gap, outside both. */
function meanGap(film: Film, above: FilmBody, below: FilmBody): number {
  const a = centroid(above);
  const b = centroid(below);
  const masks = [above, below].map((body) => fillPolygon(toPoints(body.polygon), { x: 0, y: 0, w: film.width, h: film.height }));
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy);
  const half = 0.25 * Math.min(above.bbox[2], below.bbox[2]);
  let sum = 0;
  let n = 0;
  for (let t = 0; t <= 1; t += 1 / len) {
    for (let s = -half; s <= half; s += 1) {
      const x = Math.floor(a.x + t * dx - (s * dy) / len);
      const y = Math.floor(a.y + t * dy + (s * dx) / len);
      const k = y * film.width + x;
      if (x < 0 || y < 0 || x >= film.width || y >= film.height || masks[0]![k] || masks[1]![k]) continue;
      sum += film.pixels[k]!;
      n++;
    }
  }
  return n ? sum / n : NaN;
}

describe('style B films', () => {
  it('are the same bytes for the same seed, and differ for another seed', async () => {
    const spec = { seed: 4242, view: 'lumbar' as View, partialShare: 0.3, maxLongSide: PREVIEW };
    const [a, b, c] = [renderFilm(spec), renderFilm(spec), renderFilm({ ...spec, seed: 4243 })];
    const png = async (f: Film) => encodePng(f.pixels, f.width, f.height, 8);
    expect((await png(a)).equals(await png(b))).toBe(true);
    expect(JSON.stringify(a.bodies)).toBe(JSON.stringify(b.bodies));
    expect((await png(a)).equals(await png(c))).toBe(false);
  });

  it('write well-formed COCO: polygons inside the image, VerSe categories, levels of the view', () => {
    const dataset = emptyDataset(1);
    for (let i = 0; i < 40; i++) {
      const view: View = i % 2 ? 'lumbar' : 'cervical';
      const layout = layoutFilm({ seed: 1000 + i, view, partialShare: 0.4 });
      const film = {
        ...layout,
        width: layout.framing.width,
        height: layout.framing.height,
        pixels: new Float32Array(0),
        view,
        seed: 1000 + i,
        levelsInView: layout.bodies.filter((b) => b.labelled).map((b) => b.level),
      };
      addFilm(dataset, film, `images/x${i}.png`, 8);
    }
    expect(dataset.categories.map((c) => c.id)).toEqual([...VIEW_LEVELS.cervical, ...VIEW_LEVELS.lumbar].map((l) => VERSE_CODES[l]).sort((a, b) => a! - b!));
    for (const img of dataset.images) {
      const anns = dataset.annotations.filter((a) => a.image_id === img.id);
      expect(img.width).toBeGreaterThanOrEqual(300);
      expect(Math.max(img.width, img.height)).toBeGreaterThanOrEqual(600);
      expect(Math.max(img.width, img.height)).toBeLessThanOrEqual(2500);
      expect(anns.map((a) => a.level)).toEqual(img.levels_in_view);
      expect(anns.length).toBeGreaterThan(0);
      for (const a of anns) {
        expect(VIEW_LEVELS[img.view]).toContain(a.level);
        expect(a.category_id).toBe(VERSE_CODES[a.level]);
        const ring = a.segmentation[0]!;
        expect(ring.length).toBeGreaterThanOrEqual(6);
        for (let k = 0; k < ring.length; k += 2) {
          expect(ring[k]).toBeGreaterThanOrEqual(0);
          expect(ring[k]).toBeLessThanOrEqual(img.width);
          expect(ring[k + 1]).toBeGreaterThanOrEqual(0);
          expect(ring[k + 1]).toBeLessThanOrEqual(img.height);
        }
        const [x, y, w, h] = a.bbox;
        expect(x >= 0 && y >= 0 && x + w <= img.width + 1e-6 && y + h <= img.height + 1e-6).toBe(true);
        expect(a.area).toBeGreaterThan(0);
        expect(a.area).toBeLessThanOrEqual(w * h + 1e-6);
      }
      for (const r of dataset.ignore_regions.filter((g) => g.image_id === img.id)) expect(VIEW_LEVELS[img.view]).not.toContain(r.level);
    }
  });

  it('show each labelled body brighter than the disc gap below it', () => {
    const contrasts: number[] = [];
    for (const [seed, view] of [
      [31, 'cervical'],
      [32, 'lumbar'],
      [33, 'cervical'],
      [34, 'lumbar'],
    ] as const) {
      const film = renderFilm({ seed, view, partialShare: 0, maxLongSide: PREVIEW });
      const labelled = film.bodies.filter((b) => b.labelled && !b.truncated);
      for (let i = 0; i + 1 < labelled.length; i++) {
        contrasts.push(meanInside(film, toPoints(labelled[i]!.polygon)) - meanGap(film, labelled[i]!, labelled[i + 1]!));
      }
    }
    expect(contrasts.length).toBeGreaterThanOrEqual(20);
    const brighter = contrasts.filter((c) => c > 0).length;
    expect(brighter / contrasts.length).toBeGreaterThanOrEqual(0.9);
    expect(contrasts.reduce((s, c) => s + c, 0) / contrasts.length).toBeGreaterThan(0.05);
  });

  it('face left and right, and a mirrored film mirrors every polygon', () => {
    const facings = new Set(Array.from({ length: 20 }, (_, i) => layoutFilm({ seed: 500 + i, view: 'cervical', partialShare: 0.3 }).facing));
    expect([...facings].sort()).toEqual(['left', 'right']);
    const right = renderFilm({ seed: 77, view: 'lumbar', partialShare: 0, facing: 'right', maxLongSide: PREVIEW });
    const left = renderFilm({ seed: 77, view: 'lumbar', partialShare: 0, facing: 'left', maxLongSide: PREVIEW });
    expect(left.width).toBe(right.width);
    expect(left.bodies.map((b) => b.level)).toEqual(right.bodies.map((b) => b.level));
    for (let i = 0; i < left.bodies.length; i++) {
      const mirrored = toPoints(right.bodies[i]!.polygon).map((p) => [Math.round((right.width - p.x) * 10), Math.round(p.y * 10)].join(','));
      const seen = toPoints(left.bodies[i]!.polygon).map((p) => [Math.round(p.x * 10), Math.round(p.y * 10)].join(','));
      const matched = seen.filter((s) => mirrored.includes(s)).length;
      expect(matched / seen.length).toBeGreaterThan(0.95);
    }
    // The pixels mirror too (up to noise and the side letter): strongly correlated.
    let sxy = 0,
      sx = 0,
      sy = 0,
      sxx = 0,
      syy = 0;
    const n = left.pixels.length;
    for (let y = 0; y < left.height; y++) {
      for (let x = 0; x < left.width; x++) {
        const a = left.pixels[y * left.width + x]!;
        const b = right.pixels[y * right.width + (right.width - 1 - x)]!;
        sx += a;
        sy += b;
        sxx += a * a;
        syy += b * b;
        sxy += a * b;
      }
    }
    const r = (sxy - (sx * sy) / n) / Math.sqrt((sxx - (sx * sx) / n) * (syy - (sy * sy) / n));
    expect(r).toBeGreaterThan(0.9);
  });

  it('cut labelled levels on partial views and keep the whole range on full ones', () => {
    for (let i = 0; i < 30; i++) {
      const view: View = i % 2 ? 'lumbar' : 'cervical';
      const partial = layoutFilm({ seed: 9000 + i, view, partialShare: 1 });
      const labelled = partial.bodies.filter((b) => b.labelled);
      expect(partial.cut).not.toBe('none');
      const missing = VIEW_LEVELS[view].filter((l) => !labelled.some((b) => b.level === l));
      expect(missing.length + labelled.filter((b) => b.truncated).length).toBeGreaterThan(0);
      const full = layoutFilm({ seed: 9000 + i, view, partialShare: 0 });
      expect(full.cut).toBe('none');
      expect(full.bodies.filter((b) => b.labelled).map((b) => b.level)).toEqual([...VIEW_LEVELS[view]]);
    }
  });
});
