import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../decode/decode-image.js';
import { decodeDicomPixels, encodeDx } from './index.js';

const tmp = mkdtempSync(join(tmpdir(), 'vx-dicom-write-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function gradient(w: number, h: number): Uint16Array {
  const px = new Uint16Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px[y * w + x] = (x * 37 + y * 11 + (x > w / 2 ? 900 : 0)) % 4096;
  // Runs for PackBits to compress.
  px.fill(2000, 0, w * 3);
  return px;
}

describe('DX writer', () => {
  const w = 131;
  const h = 77;
  const pixels = gradient(w, h);
  for (const ts of ['explicit-le', 'rle'] as const) {
    it(`${ts}: reads back to the same pixels here and in DCMTK`, async () => {
      const bytes = encodeDx({ width: w, height: h, pixels, bitsStored: 12, spacing: 0.15, bodyPart: 'LSPINE', transferSyntax: ts });
      const px = await decodeDicomPixels(bytes, 'x.dcm');
      expect(Array.from(px.values)).toEqual(Array.from(pixels));
      expect(px.info).toMatchObject({ view: 'lumbar', pixelSpacing: { row: 0.15, column: 0.15, source: 'ImagerPixelSpacing' } });
      // DCMTK: decompress (RLE) or convert, and dump the pixel words.
      const file = join(tmp, `${ts}.dcm`);
      writeFileSync(file, bytes);
      const plain = join(tmp, `${ts}-plain.dcm`);
      execFileSync(ts === 'rle' ? 'dcmdrle' : 'dcmconv', [...(ts === 'rle' ? [] : ['+te']), file, plain], { stdio: 'pipe' });
      const dir = mkdtempSync(join(tmp, 'raw-'));
      execFileSync('dcmdump', ['+W', dir, plain], { stdio: 'pipe' });
      const raw = readFileSync(join(dir, `${ts}-plain.dcm.0.raw`));
      expect(Array.from(new Uint16Array(raw.buffer, raw.byteOffset, raw.length / 2))).toEqual(Array.from(pixels));
    });
  }

  it('MONOCHROME1 output renders the same canonical image as MONOCHROME2', async () => {
    const a = await decodeImage(Buffer.from(encodeDx({ width: w, height: h, pixels })), 'a.dcm');
    const b = await decodeImage(Buffer.from(encodeDx({ width: w, height: h, pixels, monochrome1: true, transferSyntax: 'rle' })), 'b.dcm');
    expect(a.format).toBe('dicom');
    expect(Buffer.from(b.data).equals(Buffer.from(a.data))).toBe(true);
    expect(b.dicom?.inverted).toBe(true);
  });
});

describe('parser edge cases', () => {
  it('reads an undefined-length UN sequence as Implicit VR LE and goes on', async () => {
    const { parseDicom, writeDicom, el } = await import('./index.js');
    const base = writeDicom([el(0x00080016, 'UI', '1.2.3'), el(0x00080018, 'UI', '1.2.3.4'), el(0x00100010, 'PN', 'A^B')]);
    // Append (0011,1010) UN, undefined length, one item holding (0011,1011) implicit "AB", then (0028,0010) US 7.
    const tail = Buffer.from([
      0x11, 0x00, 0x10, 0x10, 0x55, 0x4e, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff, 0x11, 0x00, 0x11, 0x10, 2, 0, 0, 0,
      0x41, 0x42, 0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0, 0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0, 0x28, 0x00, 0x10, 0x00, 0x55, 0x53, 2, 0, 7, 0,
    ]);
    const parsed = parseDicom(Buffer.concat([base, tail]));
    expect(parsed.dataset.elements.get(0x00111010)?.items).toHaveLength(1);
    expect(parsed.dataset.elements.get(0x00280010)?.value[0]).toBe(7);
  });
});
