import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { crc32, deflateSync } from 'node:zlib';
import { InputError } from '@vertxnet/core';
import { decodeImage } from './decode-image.js';
import { encodePng } from '../codecs/png.js';

function ramp16(width: number, height: number): Uint16Array {
  return new Uint16Array(width * height).map((_, i) => (i * 4099 + 7) % 65536);
}

function ramp8(width: number, height: number): Uint8Array {
  return new Uint8Array(width * height).map((_, i) => (i * 7) % 256);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid, tiny PNG whose header declares a huge image: a decompression bomb's shape. */
function bombPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit grey, deflate, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(1024))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

async function expectInputError(promise: Promise<unknown>, message: string | RegExp): Promise<InputError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  if (typeof message === 'string') expect((error as Error).message).toBe(message);
  else expect((error as Error).message).toMatch(message);
  return error as InputError;
}

describe('decodeImage', () => {
  it('decodes an 8-bit grey PNG exactly', async () => {
    const data = ramp8(37, 21);
    const img = await decodeImage(await encodePng(data, 37, 21), 'a.png');
    expect(img).toMatchObject({ width: 37, height: 21, bitsStored: 8, format: 'png' });
    expect(img.data).toBeInstanceOf(Uint8Array);
    expect([...img.data]).toEqual([...data]);
  });

  it('decodes a 16-bit grey PNG to exact unsigned shorts', async () => {
    const data = ramp16(33, 17);
    const img = await decodeImage(await encodePng(data, 33, 17), 'a.png');
    expect(img).toMatchObject({ width: 33, height: 17, bitsStored: 16, format: 'png' });
    expect(img.data).toBeInstanceOf(Uint16Array);
    expect([...img.data]).toEqual([...data]);
  });

  it('decodes a 16-bit grey TIFF exactly', async () => {
    const data = ramp16(20, 10);
    const tiff = await sharp(data, { raw: { width: 20, height: 10, channels: 1 } })
      .toColourspace('grey16')
      .tiff({ compression: 'lzw' })
      .toBuffer();
    const img = await decodeImage(tiff, 'a.tif');
    expect(img).toMatchObject({ width: 20, height: 10, bitsStored: 16, format: 'tiff' });
    expect([...img.data]).toEqual([...data]);
  });

  it('decodes a JPEG to grey', async () => {
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 120, g: 120, b: 120 } } })
      .jpeg({ quality: 95 })
      .toBuffer();
    const img = await decodeImage(jpeg, 'a.jpg');
    expect(img).toMatchObject({ width: 64, height: 48, bitsStored: 8, format: 'jpeg' });
    expect(img.data).toHaveLength(64 * 48);
    for (const v of img.data) expect(Math.abs(v - 120)).toBeLessThanOrEqual(2);
  });

  it('turns RGB into ITU-R 601 luma and drops alpha without blending', async () => {
    // red, green, blue, and a fully transparent light grey that must stay 200, not the background
    const rgba = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 200, 200, 200, 0]);
    const img = await decodeImage(await encodePng(rgba, 2, 2, 4), 'rgba.png');
    expect([...img.data]).toEqual([76, 150, 29, 200]);
    const rgb16 = new Uint16Array([65535, 0, 0, 1000, 1000, 1000]);
    const img16 = await decodeImage(await encodePng(rgb16, 2, 1, 3), 'rgb16.png');
    expect(img16.bitsStored).toBe(16);
    expect([...img16.data]).toEqual([19595, 1000]);
  });

  it('decodes page 1 of a multi-page TIFF and frame 1 of an animated GIF, and says so', async () => {
    const page = (grey: number) =>
      sharp({ create: { width: 40, height: 30, channels: 3, background: { r: grey, g: grey, b: grey } } })
        .png()
        .toBuffer();
    const pages = await Promise.all([page(10), page(128), page(250)]);
    const tiff = await sharp(pages, { join: { animated: true } })
      .tiff()
      .toBuffer();
    const gif = await sharp(pages, { join: { animated: true } })
      .gif()
      .toBuffer();
    for (const [bytes, format, note] of [
      [tiff, 'tiff', 'multi-page: page 1 of 3 used'],
      [gif, 'gif', 'animated: frame 1 of 3 used'],
    ] as const) {
      const img = await decodeImage(bytes, `scan.${format}`);
      expect(img).toMatchObject({ width: 40, height: 30, format, frameNote: note });
      expect(new Set(img.data)).toEqual(new Set([10]));
    }
    const single = await decodeImage(await sharp(pages[0]!).tiff().toBuffer(), 'one.tif');
    expect(single.frameNote).toBeUndefined();
  });

  it('refuses a truncated PNG or JPEG instead of decoding half of it', async () => {
    const png = await encodePng(ramp16(200, 200), 200, 200);
    await expectInputError(decodeImage(png.subarray(0, png.length >> 1), 'dir/scan.png'), 'scan.png: PNG is truncated or corrupt');
    const jpeg = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#808080' } })
      .jpeg()
      .toBuffer();
    await expectInputError(decodeImage(jpeg.subarray(0, jpeg.length >> 1), 'x.jpg'), 'x.jpg: JPEG is truncated or corrupt');
  });

  it('refuses empty files, text, DICOM and other formats with a clear reason', async () => {
    const e = await expectInputError(decodeImage(Buffer.alloc(0), '/cohort/Doe_Jane/x.png'), 'x.png: empty file (0 bytes)');
    expect(e.code).toBe('INPUT_EMPTY');
    await expectInputError(decodeImage(Buffer.from('<html>not found</html>\n'), 'x.png'), 'x.png: not an image (the content is text)');
    const dicom = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.alloc(64)]);
    await expectInputError(decodeImage(dicom, 'x.dcm'), 'x.dcm: DICOM file is broken: no file meta information after DICM');
    const webp = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } })
      .webp()
      .toBuffer();
    await expectInputError(decodeImage(webp, 'x.png'), 'x.png: WebP is not a supported image format (use PNG, JPEG, TIFF or GIF)');
    await expectInputError(decodeImage(Buffer.from([0, 1, 2, 3, 250, 251]), 'x.png'), 'x.png: not an image (unrecognised content)');
  });

  it('refuses a decompression bomb from its header alone', async () => {
    const bomb = bombPng(100_000, 100_000);
    expect(bomb.length).toBeLessThan(200);
    const e = await expectInputError(decodeImage(bomb, 'bomb.png'), 'bomb.png: image is 100000x100000 (10000 megapixels), over the limit of 32 megapixels');
    expect(e.code).toBe('INPUT_TOO_LARGE');
  });

  it('applies a caller-given pixel limit', async () => {
    const png = await encodePng(ramp8(100, 50), 100, 50);
    await expectInputError(decodeImage(png, 'a.png', { maxPixels: 4000 }), 'a.png: image is 100x50 (0 megapixels), over the limit of 0 megapixels');
    await expect(decodeImage(png, 'a.png', { maxPixels: 5000 })).resolves.toMatchObject({ width: 100 });
  });
});
