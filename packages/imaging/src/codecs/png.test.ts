import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { InputError } from '@vertxnet/core';
import { decodeCanonicalPng, encodePng } from './png.js';

describe('encodePng / decodeCanonicalPng', () => {
  it('round-trips an 8-bit grey image, every value exact', async () => {
    const data = new Uint8Array(256 * 3).map((_, i) => i % 256);
    const png = await encodePng(data, 256, 3);
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.channels, meta.depth]).toEqual(['png', 1, 'uchar']);
    const back = await decodeCanonicalPng(png);
    expect(back.width).toBe(256);
    expect(back.height).toBe(3);
    expect([...back.data]).toEqual([...data]);
  });

  it('writes 16-bit and multi-channel PNGs', async () => {
    const png16 = await encodePng(new Uint16Array([0, 65535]), 2, 1);
    expect((await sharp(png16).metadata()).depth).toBe('ushort');
    const rgb = await encodePng(new Uint8Array([1, 2, 3, 4, 5, 6]), 2, 1, 3);
    const meta = await sharp(rgb).metadata();
    expect(meta.channels).toBe(3);
    const raw = await sharp(rgb).raw().toBuffer();
    expect([...raw]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('checks the sample count', async () => {
    await expect(encodePng(new Uint8Array(5), 2, 2)).rejects.toBeInstanceOf(RangeError);
  });

  it('refuses PNGs that are not canonical, and corrupt ones', async () => {
    const png16 = await encodePng(new Uint16Array([0, 65535]), 2, 1);
    await expect(decodeCanonicalPng(png16, 'm.png')).rejects.toThrow(/^m\.png: not a canonical image/);
    const good = await encodePng(new Uint8Array(400 * 400).fill(3), 400, 400);
    const error = await decodeCanonicalPng(good.subarray(0, good.length - 30), 'm.png').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe('m.png: PNG is truncated or corrupt');
  });
});
