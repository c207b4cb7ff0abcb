import { VERSE_CODES, VIEW_LEVELS, type Level } from '@vertxnet/core';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuilt } from '../../../test/helpers/vertxnet-cli.js';
import type { StyleCDataset } from './coco.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const MAIN = 'packages/phantom-c/dist/main.js';
const phantomC = (args: string[]) => runBuilt(MAIN, args);

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'phantom-c-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Every file of a set, by name, as bytes. */
async function files(out: string): Promise<Map<string, Buffer>> {
  const names = ['annotations.json', ...(await readdir(join(out, 'images'))).map((f) => `images/${f}`)];
  return new Map(await Promise.all(names.map(async (n) => [n, await readFile(join(out, n))] as const)));
}

describe('vertxnet-phantom-c', () => {
  it('is built (run `npx tsc -b` first)', () => {
    expect(existsSync(join(ROOT, MAIN))).toBe(true);
  });

  it('prints its options with --help', async () => {
    const r = await phantomC(['--help']);
    expect(r.code).toBe(0);
    for (const option of ['--count', '--seed', '--out', '--view', '--partial-share', '--bits', '--jobs', '--contact-sheet']) expect(r.stdout).toContain(option);
    expect(r.stdout).toMatch(/never train/i);
  });

  it.each([
    [['--count', '-3', '--out', '/tmp/x'], '--count'],
    [['--count', 'many', '--out', '/tmp/x'], '--count'],
    [['--count', '0', '--out', '/tmp/x'], '--count'],
    [['--count', '2', '--out', '/tmp/x', '--view', 'thoracic'], '--view'],
    [['--count', '2', '--out', '/tmp/x', '--bits', '12'], '--bits'],
    [['--count', '2', '--out', '/tmp/x', '--partial-share', '1.5'], '--partial-share'],
    [['--count', '2', '--out', '/tmp/x', '--seed', 'x'], '--seed'],
    [['--count', '2', '--out', '/tmp/x', '--jobs', '0'], '--jobs'],
    [['--count', '2'], '--out'],
    [['--count', '2', '--out', '/tmp/x', '--frobnicate'], '--frobnicate'],
  ])('refuses %j with one line and exit code 1', async (args, option) => {
    const r = await phantomC(args);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(option);
    expect(r.stdout).toBe('');
  });

  describe('a small set', () => {
    let out: string;
    let coco: StyleCDataset;
    beforeAll(async () => {
      out = await tempDir();
      const r = await phantomC(['--count', '4', '--seed', '41', '--out', out, '--partial-share', '0.5', '--contact-sheet']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/wrote 4 style C films .* ms\/film/);
      coco = JSON.parse(await readFile(join(out, 'annotations.json'), 'utf8')) as StyleCDataset;
    }, 120_000);

    it('writes decodable images whose sizes and formats match the records', async () => {
      expect(coco.info.generator).toBe('phantom-c');
      expect(coco.images.map((i) => [i.id, i.seed, i.view, i.style, i.bits])).toEqual([
        [1, 41, 'cervical', 'c', 8],
        [2, 42, 'lumbar', 'c', 8],
        [3, 43, 'cervical', 'c', 8],
        [4, 44, 'lumbar', 'c', 8],
      ]);
      for (const img of coco.images) {
        expect(img.file_name).toMatch(new RegExp(`^images/sc-0000${img.id}\\.(png|jpg)$`));
        const meta = await sharp(join(out, img.file_name)).metadata();
        expect([meta.width, meta.height, meta.channels, meta.depth]).toEqual([img.width, img.height, 1, 'uchar']);
        expect(meta.format).toBe(img.file_name.endsWith('.jpg') ? 'jpeg' : 'png');
        expect(Math.max(img.width, img.height)).toBeLessThanOrEqual(2600);
        expect(Math.max(img.width, img.height)).toBeGreaterThanOrEqual(600);
      }
      expect(existsSync(join(out, 'contact-sheet.png'))).toBe(true);
    });

    it('writes annotations with VerSe codes, polygons inside the image, and truncation on the edge', () => {
      expect(coco.categories.map((c) => [c.name, c.id])).toContainEqual(['C2', 2]);
      expect(coco.categories.map((c) => [c.name, c.id])).toContainEqual(['S1', 26]);
      expect(coco.annotations.length).toBeGreaterThan(10);
      for (const a of coco.annotations) {
        const img = coco.images.find((i) => i.id === a.image_id)!;
        expect(a.category_id).toBe(VERSE_CODES[a.level]);
        expect(a.iscrowd).toBe(0);
        expect(a.area).toBeGreaterThan(0);
        expect(a.segmentation).toHaveLength(1);
        const ring = a.segmentation[0]!;
        expect(ring.length).toBeGreaterThanOrEqual(6);
        const xs = ring.filter((_, k) => k % 2 === 0);
        const ys = ring.filter((_, k) => k % 2 === 1);
        expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
        expect(Math.max(...xs)).toBeLessThanOrEqual(img.width);
        expect(Math.min(...ys)).toBeGreaterThanOrEqual(0);
        expect(Math.max(...ys)).toBeLessThanOrEqual(img.height);
        const touches = xs.some((x) => x === 0 || x === img.width) || ys.some((y) => y === 0 || y === img.height);
        expect(touches).toBe(a.truncated);
      }
      for (const r of coco.ignore_regions) expect(typeof r.level).toBe('string');
    });

    it('labels a contiguous run of the view’s levels, as levels_in_view says', () => {
      for (const img of coco.images) {
        const levels: Level[] = coco.annotations.filter((a) => a.image_id === img.id).map((a) => a.level);
        expect(levels).toEqual(img.levels_in_view);
        const all = VIEW_LEVELS[img.view];
        const start = all.indexOf(levels[0]!);
        expect(start).toBeGreaterThanOrEqual(0);
        expect(levels).toEqual(all.slice(start, start + levels.length));
        expect(['none', 'top', 'bottom', 'both']).toContain(img.cut);
        if (img.cut === 'none') expect(levels).toEqual([...all]);
      }
    });

    it('gives byte-identical output for the same seed, whatever --jobs, and new films for another seed', async () => {
      const again = await tempDir();
      const r = await phantomC(['--count', '4', '--seed', '41', '--out', again, '--partial-share', '0.5', '--jobs', '1']);
      expect(r.code).toBe(0);
      const [first, second] = [await files(out), await files(again)];
      expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
      for (const [name, bytes] of first) expect(bytes.equals(second.get(name)!), name).toBe(true);
      const other = await tempDir();
      await phantomC(['--count', '1', '--seed', '42', '--out', other, '--partial-share', '0.5', '--view', 'cervical']);
      const film = (await files(other)).get([...(await files(other)).keys()].find((n) => n.startsWith('images/'))!)!;
      expect(film.equals(first.get(coco.images[0]!.file_name)!)).toBe(false);
    }, 120_000);
  });

  it('writes 16-bit grayscale PNGs with --bits 16', async () => {
    const out = await tempDir();
    const r = await phantomC(['--count', '1', '--seed', '7', '--out', out, '--bits', '16', '--view', 'cervical']);
    expect(r.code).toBe(0);
    const coco = JSON.parse(await readFile(join(out, 'annotations.json'), 'utf8')) as StyleCDataset;
    const img = coco.images[0]!;
    expect(img.bits).toBe(16);
    expect(img.file_name).toMatch(/\.png$/);
    const meta = await sharp(join(out, img.file_name)).metadata();
    expect([meta.width, meta.height, meta.channels, meta.depth]).toEqual([img.width, img.height, 1, 'ushort']);
  }, 60_000);
});
