import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage, toCanonical } from '@vertxnet/imaging';
import { writePhantomSet } from './write-set.js';

describe('phantom DICOM output', () => {
  for (const format of ['png16', 'png8'] as const) {
    it(`${format}: each DICOM (Explicit LE and RLE) gives the same canonical image as its PNG`, async () => {
      const out = await mkdtemp(join(tmpdir(), 'vx-phantom-dcm-'));
      try {
        await writePhantomSet({ out, count: 2, seed: 5, format, maxSide: 256, dicom: 'mixed' });
        const names = (await readdir(join(out, 'dicom'))).sort();
        expect(names).toHaveLength(2);
        const syntaxes = new Set<string>();
        for (const dcm of names) {
          const stem = dcm.replace(/\.dcm$/, '');
          const fromDicom = await decodeImage(await readFile(join(out, 'dicom', dcm)), dcm);
          const fromPng = toCanonical(await decodeImage(await readFile(join(out, 'images', `${stem}.png`)), stem));
          expect([fromDicom.width, fromDicom.height]).toEqual([fromPng.width, fromPng.height]);
          expect(Buffer.from(toCanonical(fromDicom).data).equals(Buffer.from(fromPng.data))).toBe(true);
          expect(fromDicom.dicom?.view).toBe(stem.startsWith('cervical') ? 'cervical' : 'lumbar');
          expect(fromDicom.dicom?.pixelSpacing?.source).toBe('PixelSpacing');
          syntaxes.add(fromDicom.dicom!.transferSyntax.name);
        }
        expect([...syntaxes].sort()).toEqual(['Explicit VR Little Endian', 'RLE Lossless']);
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    });
  }
});
