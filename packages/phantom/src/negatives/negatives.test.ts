import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { parseKinds } from './command.js';
import { generateNegative } from './film.js';
import { NEGATIVE_KINDS } from './scene.js';
import { writeNegativeSet } from './write.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function spread(image: Float32Array): { mean: number; sd: number } {
  let sum = 0;
  let sq = 0;
  for (const v of image) {
    sum += v;
    sq += v * v;
  }
  const mean = sum / image.length;
  return { mean, sd: Math.sqrt(Math.max(0, sq / image.length - mean * mean)) };
}

describe('out-of-scope negatives', () => {
  it('are deterministic for a seed and differ between seeds', () => {
    const a = generateNegative({ kind: 'chest-pa', seed: 11, maxSide: 160, look: 'random' });
    const b = generateNegative({ kind: 'chest-pa', seed: 11, maxSide: 160, look: 'random' });
    const c = generateNegative({ kind: 'chest-pa', seed: 12, maxSide: 160, look: 'random' });
    expect(Buffer.from(b.pixels.buffer).equals(Buffer.from(a.pixels.buffer))).toBe(true);
    expect(b.meta).toEqual(a.meta);
    expect(Buffer.from(c.pixels.buffer).equals(Buffer.from(a.pixels.buffer))).toBe(false);
  });

  it.each(NEGATIVE_KINDS)('%s renders a non-blank film of the requested size', (kind) => {
    for (const seed of [1, 2]) {
      const film = generateNegative({ kind, seed, maxSide: 192, format: 'png8', markers: false });
      expect(Math.max(film.width, film.height)).toBe(192);
      expect(Math.min(film.width, film.height)).toBeGreaterThanOrEqual(Math.round(192 * 0.7) - 1);
      expect(film.pixels.length).toBe(film.width * film.height);
      const { mean, sd } = spread(film.image);
      expect(mean).toBeGreaterThan(0.05);
      expect(mean).toBeLessThan(0.95);
      expect(sd).toBeGreaterThan(0.08);
      expect(film.meta.kind).toBe(kind);
    }
  });

  it('writes images and negatives.csv, kinds cycling, and no COCO or labels', async () => {
    const out = await mkdtemp(join(tmpdir(), 'negatives-test-'));
    dirs.push(out);
    const kinds = parseKinds('chest-lateral,pelvis-ap,extremity');
    await writeNegativeSet({ out, count: 4, seed: 5, kinds, maxSide: 128, format: 'png8' });
    expect((await readdir(out)).sort()).toEqual(['images', 'negatives.csv']);
    const lines = (await readFile(join(out, 'negatives.csv'), 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('file,kind,seed');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.map((r) => r[1])).toEqual(['chest-lateral', 'pelvis-ap', 'extremity', 'chest-lateral']);
    const files = (await readdir(join(out, 'images'))).sort();
    expect(files).toEqual(rows.map((r) => r[0]!.replace('images/', '')).sort());
    rows.forEach(([file, kind, seed], i) => {
      expect(file).toBe(`images/${kind}-${String(i + 1).padStart(6, '0')}-s${seed}.png`);
    });
    const meta = await sharp(join(out, rows[1]![0]!)).metadata();
    expect(Math.max(meta.width, meta.height)).toBe(128);
  });

  it('parses --kinds', () => {
    expect(parseKinds('all')).toEqual([...NEGATIVE_KINDS]);
    expect(() => parseKinds('chest-lateral,lateral-lumbar')).toThrow(/unknown kind/);
  });
});
