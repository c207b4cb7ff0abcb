import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { runBuilt } from '../../../test/helpers/vertxnet-cli.js';
import type { StyleBDataset } from './coco.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const MAIN = 'packages/phantom-b/dist/main.js';
const phantomB = (args: string[]) => runBuilt(MAIN, args);

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('vertxnet-phantom-b', () => {
  it('is built (run `npx tsc -b` first)', () => {
    expect(existsSync(join(ROOT, MAIN))).toBe(true);
  });

  it('prints its options with --help', async () => {
    const r = await phantomB(['--help']);
    expect(r.code).toBe(0);
    for (const option of ['--count', '--seed', '--out', '--view', '--partial-share', '--bits', '--contact-sheet']) expect(r.stdout).toContain(option);
  });

  it.each([
    [['--count', '-3', '--out', '/tmp/x'], '--count'],
    [['--count', 'many', '--out', '/tmp/x'], '--count'],
    [['--count', '2', '--out', '/tmp/x', '--view', 'thoracic'], '--view'],
    [['--count', '2', '--out', '/tmp/x', '--bits', '12'], '--bits'],
    [['--count', '2', '--out', '/tmp/x', '--partial-share', '1.5'], '--partial-share'],
    [['--count', '2'], '--out'],
    [['--count', '2', '--out', '/tmp/x', '--frobnicate'], '--frobnicate'],
  ])('refuses %j with one clear line', async (args, option) => {
    const r = await phantomB(args);
    expect(r.code).not.toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(option);
  });

  it('writes PNGs, COCO and a contact sheet that agree with each other', async () => {
    const out = await mkdtemp(join(tmpdir(), 'phantom-b-'));
    dirs.push(out);
    const r = await phantomB(['--count', '2', '--seed', '5', '--out', out, '--view', 'lumbar', '--bits', '16', '--contact-sheet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wrote 2 style B films .* ms\/film/);
    const coco = JSON.parse(await readFile(join(out, 'annotations.json'), 'utf8')) as StyleBDataset;
    expect(coco.info.generator).toBe('phantom-b');
    expect(coco.images.map((i) => [i.seed, i.view, i.style])).toEqual([
      [5, 'lumbar', 'b'],
      [6, 'lumbar', 'b'],
    ]);
    for (const img of coco.images) {
      const meta = await sharp(join(out, img.file_name)).metadata();
      expect([meta.width, meta.height, meta.channels, meta.depth]).toEqual([img.width, img.height, 1, 'ushort']);
    }
    expect(existsSync(join(out, 'contact-sheet.png'))).toBe(true);
  });
});
