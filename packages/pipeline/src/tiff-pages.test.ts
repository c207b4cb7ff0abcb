import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTiffPages } from './tiff-pages.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vx-tiff-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function tiff(pages: number): Promise<Buffer> {
  const page = (v: number) =>
    sharp({ create: { width: 32, height: 32, channels: 3, background: { r: v, g: v, b: v } } })
      .png()
      .toBuffer();
  const images = await Promise.all(Array.from({ length: pages }, (_, i) => page(20 + i * 60)));
  return (pages === 1 ? sharp(images[0]) : sharp(images, { join: { animated: true } })).toColourspace('b-w').tiff().toBuffer();
}

describe('countTiffPages', () => {
  it('counts the pages of a TIFF by its directory chain, and says nothing of other files', async () => {
    await writeFile(join(dir, 'three.tif'), await tiff(3));
    await writeFile(join(dir, 'one.tif'), await tiff(1));
    await writeFile(join(dir, 'text.tif'), 'not a tiff');
    expect(await countTiffPages(join(dir, 'three.tif'))).toBe(3);
    expect(await countTiffPages(join(dir, 'one.tif'))).toBe(1);
    expect(await countTiffPages(join(dir, 'text.tif'))).toBeUndefined();
  });

  it('stops at a directory chain that loops back', async () => {
    // II, 42, first IFD at 8; the IFD has no entries and points back to itself.
    const looped = Buffer.from([0x49, 0x49, 42, 0, 8, 0, 0, 0, 0, 0, 8, 0, 0, 0]);
    await writeFile(join(dir, 'loop.tif'), looped);
    expect(await countTiffPages(join(dir, 'loop.tif'))).toBe(1);
  });
});
