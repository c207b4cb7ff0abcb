import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VERSE_CODES, VIEW_LEVELS, verseCode } from '@vertxnet/core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CocoDataset } from './coco.js';
import { encodeLabelMask } from './encode.js';
import { generatePhantom } from './phantom.js';
import { writePhantomSet } from './write-set.js';
import { boneAndRestMeans } from '../../../test/helpers/phantom-means.js';

const dirs: string[] = [];
const byNumber = (a: number, b: number): number => a - b;
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'phantom-test-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function readDataset(dir: string): Promise<CocoDataset> {
  return JSON.parse(await readFile(join(dir, 'annotations.json'), 'utf8')) as CocoDataset;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const sub of ['images', 'labels']) for (const f of await readdir(join(dir, sub))) out.push(`${sub}/${f}`);
  return [...out, 'annotations.json'].sort();
}

/** Independent even-odd point-in-polygon test (not the generator's rasteriser). */
function inside(poly: number[], x: number, y: number): boolean {
  let c = false;
  const n = poly.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = poly[2 * i]!;
    const yi = poly[2 * i + 1]!;
    const xj = poly[2 * j]!;
    const yj = poly[2 * j + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

// Every check of the written set holds for the generator's own anatomy and for the randomised one.
describe.each(['default', 'random'] as const)('writePhantomSet, anatomy %s', (anatomy) => {
  let dir: string;
  let dataset: CocoDataset;

  beforeAll(async () => {
    dir = await tempDir();
    await writePhantomSet({ out: dir, count: 10, seed: 11, view: 'mixed', format: 'mix', maxSide: 320, partialShare: 0.4, anatomy });
    dataset = await readDataset(dir);
  });

  it('is deterministic: the same seed writes byte-identical files', async () => {
    const again = await tempDir();
    await writePhantomSet({ out: again, count: 10, seed: 11, view: 'mixed', format: 'mix', maxSide: 320, partialShare: 0.4, anatomy });
    const files = await listFiles(dir);
    expect(await listFiles(again)).toEqual(files);
    expect(files.length).toBe(21);
    for (const f of files) expect(Buffer.compare(await readFile(join(dir, f)), await readFile(join(again, f))), f).toBe(0);
  });

  it('a different seed gives different images', async () => {
    const other = await tempDir();
    await writePhantomSet({ out: other, count: 1, seed: 12, maxSide: 320, anatomy });
    const a = await readDataset(other);
    expect(a.images[0]!.seed).not.toBe(dataset.images[0]!.seed);
  });

  it('writes both views with the required image fields and names', () => {
    const views = new Set(dataset.images.map((i) => i.view));
    expect(views).toEqual(new Set(['cervical', 'lumbar']));
    dataset.images.forEach((image, i) => {
      expect(image.file_name).toMatch(new RegExp(`^images/${image.view}-${String(i + 1).padStart(6, '0')}-s${image.seed}\\.(png|jpg)$`));
      expect(Math.max(image.width, image.height)).toBeLessThanOrEqual(320);
      expect([8, 16]).toContain(image.bits);
      expect(typeof image.as).toBe('boolean');
      expect(typeof image.implants).toBe('boolean');
      expect(['left', 'right']).toContain(image.facing);
      expect(image.levels_in_view.length).toBeGreaterThan(0);
    });
  });

  it('has one category per labelled level, id = VerSe code', () => {
    const levels = [...VIEW_LEVELS.cervical, ...VIEW_LEVELS.lumbar];
    expect(dataset.categories.map((c) => c.name).sort()).toEqual([...levels].sort());
    for (const c of dataset.categories) {
      expect(c.id).toBe(VERSE_CODES[c.name]);
      expect(c.supercategory).toBe('vertebra');
    }
  });

  it('label masks hold only VerSe codes of the view, matching the annotations', async () => {
    for (const image of dataset.images) {
      const png = PNG.sync.read(await readFile(join(dir, image.label_file)));
      expect(png.width).toBe(image.width);
      expect(png.height).toBe(image.height);
      const allowed = new Set([0, ...VIEW_LEVELS[image.view].map(verseCode)]);
      const present = new Set<number>();
      for (let i = 0; i < png.width * png.height; i++) present.add(png.data[i * 4]!);
      for (const v of present) expect(allowed.has(v), `value ${v}`).toBe(true);
      const annotated = dataset.annotations.filter((a) => a.image_id === image.id).map((a) => a.category_id);
      expect([...present].filter((v) => v !== 0).sort(byNumber)).toEqual([...annotated].sort(byNumber));
      expect(image.levels_in_view.map(verseCode).sort(byNumber)).toEqual([...annotated].sort(byNumber));
    }
  });

  it('polygons rasterise to their mask region; bbox and area agree with the mask', async () => {
    expect(dataset.annotations.length).toBeGreaterThan(30);
    for (const image of dataset.images) {
      const png = PNG.sync.read(await readFile(join(dir, image.label_file)));
      const w = png.width;
      for (const a of dataset.annotations.filter((x) => x.image_id === image.id)) {
        expect(a.iscrowd).toBe(0);
        expect(a.category_id).toBe(verseCode(a.level));
        const poly = a.segmentation[0]!;
        let maskCount = 0;
        let minX = Infinity;
        let minY = Infinity;
        let maxX = -Infinity;
        let maxY = -Infinity;
        let mismatch = 0;
        const xs = poly.filter((_, i) => i % 2 === 0);
        const ys = poly.filter((_, i) => i % 2 === 1);
        const [px0, px1, py0, py1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
        for (let y = 0; y < png.height; y++) {
          for (let x = 0; x < w; x++) {
            const inMask = png.data[(y * w + x) * 4] === a.category_id;
            if (inMask) {
              maskCount++;
              minX = Math.min(minX, x);
              maxX = Math.max(maxX, x);
              minY = Math.min(minY, y);
              maxY = Math.max(maxY, y);
            }
            const inPoly = x + 0.5 >= px0 && x + 0.5 <= px1 && y + 0.5 >= py0 && y + 0.5 <= py1 && inside(poly, x + 0.5, y + 0.5);
            if (inMask !== inPoly) mismatch++;
          }
        }
        expect(a.area).toBe(maskCount);
        expect(a.bbox).toEqual([minX, minY, maxX - minX + 1, maxY - minY + 1]);
        expect(mismatch / maskCount, `${image.file_name} ${a.level}`).toBeLessThan(0.03);
        for (let i = 0; i < poly.length; i += 2) {
          expect(poly[i]).toBeGreaterThanOrEqual(0);
          expect(poly[i]).toBeLessThanOrEqual(image.width);
          expect(poly[i + 1]).toBeGreaterThanOrEqual(0);
          expect(poly[i + 1]).toBeLessThanOrEqual(image.height);
        }
      }
    }
  });

  it('any single image regenerates from its own seed', async () => {
    const image = dataset.images[3]!;
    const phantom = generatePhantom({ seed: image.seed, view: image.view, format: 'mix', maxSide: 320, partialShare: 0.4, anatomy });
    const labels = await encodeLabelMask(phantom);
    expect(Buffer.compare(labels, await readFile(join(dir, image.label_file)))).toBe(0);
  });
});

describe('formats', () => {
  it('png16 is really 16-bit with values beyond 8 bits', async () => {
    const dir = await tempDir();
    await writePhantomSet({ out: dir, count: 2, seed: 5, format: 'png16', maxSide: 256 });
    const dataset = await readDataset(dir);
    for (const image of dataset.images) {
      expect(image.bits).toBe(16);
      const png = PNG.sync.read(await readFile(join(dir, image.file_name)), { skipRescale: true });
      expect(png.depth).toBe(16);
      let max = 0;
      const data = png.data as unknown as Uint16Array;
      for (let i = 0; i < data.length; i += 4) max = Math.max(max, data[i]!);
      expect(max).toBeGreaterThan(255);
    }
  });

  it('png8 and jpeg are 8-bit grey of the declared size', async () => {
    for (const format of ['png8', 'jpeg'] as const) {
      const dir = await tempDir();
      await writePhantomSet({ out: dir, count: 1, seed: 6, format, size: { width: 300, height: 200 } });
      const dataset = await readDataset(dir);
      const image = dataset.images[0]!;
      expect(image.file_name.endsWith(format === 'jpeg' ? '.jpg' : '.png')).toBe(true);
      expect([image.width, image.height, image.bits]).toEqual([300, 200, 8]);
      const bytes = await readFile(join(dir, image.file_name));
      if (format === 'jpeg') expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
      else expect(PNG.sync.read(bytes).depth).toBe(8);
    }
  });
});

describe('generatePhantom', () => {
  it('partial views cut labelled bodies at the edge and flag them truncated', () => {
    let truncated = 0;
    for (let seed = 0; seed < 10; seed++) {
      const p = generatePhantom({ seed, maxSide: 200, partialShare: 1, asShare: 0 });
      expect(p.meta.cut).not.toBe('none');
      if (p.instances.some((i) => i.truncated)) truncated++;
    }
    expect(truncated).toBeGreaterThanOrEqual(8);
  });

  it('full views keep every labelled level whole', () => {
    for (let seed = 0; seed < 10; seed++) {
      const p = generatePhantom({ seed, maxSide: 200, partialShare: 0 });
      expect(p.meta.cut).toBe('none');
      expect(p.instances.filter((i) => i.truncated)).toEqual([]);
      expect(p.meta.levelsInView).toEqual([...VIEW_LEVELS[p.meta.view]]);
    }
  });

  it('head films frame the whole head, with C2–C4 small in a lower corner', () => {
    for (let seed = 0; seed < 8; seed++) {
      const p = generatePhantom({ seed, maxSide: 400, view: 'cervical', headShare: 1 });
      expect(p.meta.field).toBe('head');
      expect(p.meta.cut).toBe('bottom');
      expect(p.meta.levelsInView.slice(0, 3)).toEqual(['C2', 'C3', 'C4']);
      expect(p.meta.levelsInView.length).toBeLessThanOrEqual(5);
      // The column is small in the field: its bodies span less than half the film's height, in its lower half.
      const top = Math.min(...p.instances.map((i) => i.bbox[1]));
      const bottom = Math.max(...p.instances.map((i) => i.bbox[1] + i.bbox[3]));
      expect(bottom - top).toBeLessThan(0.5 * p.height);
      expect(top).toBeGreaterThan(0.4 * p.height);
    }
  });

  it('a head share leaves lumbar films and the drawing of every other film as they were', () => {
    for (let seed = 0; seed < 6; seed++) {
      const plain = generatePhantom({ seed, maxSide: 200 });
      const withShare = generatePhantom({ seed, maxSide: 200, headShare: plain.meta.view === 'lumbar' ? 1 : 0.0001 });
      if (withShare.meta.field) continue;
      expect(withShare.image).toEqual(plain.image);
      expect(withShare.meta).toEqual(plain.meta);
    }
    expect(generatePhantom({ seed: 1, maxSide: 200, view: 'lumbar', headShare: 1 }).meta.field).toBeUndefined();
  });

  it('AS images appear at the configured share', () => {
    const n = 120;
    let as = 0;
    for (let seed = 0; seed < n; seed++) if (generatePhantom({ seed, size: { width: 64, height: 64 }, markers: false }).meta.ankylosing) as++;
    expect(as / n).toBeGreaterThan(0.07);
    expect(as / n).toBeLessThan(0.25);
  });

  it('respects maxSide and size, and writes MONOCHROME2 (bone brighter than background)', () => {
    const p = generatePhantom({ seed: 3, maxSide: 300, view: 'lumbar', markers: false });
    expect(Math.max(p.width, p.height)).toBeLessThanOrEqual(300);
    const { bone, rest } = boneAndRestMeans(p);
    expect(bone).toBeGreaterThan(rest);
    const q = generatePhantom({ seed: 3, size: { width: 333, height: 222 } });
    expect([q.width, q.height]).toEqual([333, 222]);
  });
});
