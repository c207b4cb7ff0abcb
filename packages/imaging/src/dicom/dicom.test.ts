import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../decode/decode-image.js';
import { InputError } from '@vertxnet/core';
import { deflateBomb } from '../../../../test/helpers/hostile-dicom.js';
import { decodeDicomPixels, renderCanonical, viewFromTags } from './index.js';

// Real files from public test suites; README.md beside them gives each one's source and licence.
const FIXTURES = new URL('../../../../test/fixtures/dicom/', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'vx-dicom-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const read = (f: string) => readFileSync(join(FIXTURES, f));

/** DCMTK (GDCM for JPEG 2000) decompresses the file to Explicit VR Little Endian. */
function referenceFile(f: string, tool: string): string {
  const out = join(tmp, `${f}.${tool}.dcm`);
  const src = join(FIXTURES, f);
  if (tool === 'gdcmconv') execFileSync('gdcmconv', ['--raw', src, out], { stdio: 'pipe' });
  else if (tool === 'dcmconv') execFileSync('dcmconv', ['+te', src, out], { stdio: 'pipe' });
  else execFileSync(tool, [src, out], { stdio: 'pipe' });
  return out;
}

/** Frame 1's pixel words as DCMTK's dcmdump +W writes them (little-endian). */
function referencePixels(dcm: string, frameBytes: number): Uint8Array {
  const dir = mkdtempSync(join(tmp, 'raw-'));
  execFileSync('dcmdump', ['+W', dir, dcm], { stdio: 'pipe' });
  const raw = readdirSync(dir).filter((n) => n.endsWith('.raw'));
  // The largest binary value is the pixel data (a LUT may be written too).
  const biggest = raw.map((n) => readFileSync(join(dir, n))).sort((a, b) => b.length - a.length)[0]!;
  return new Uint8Array(biggest.subarray(0, frameBytes));
}

interface Case {
  file: string;
  tool: string;
  /** Largest allowed |difference| of a stored value (0 = exact). */
  tolerance: number;
}

// Every grayscale image file of the shared folder with a decoder here.
const CASES: Case[] = [
  { file: 'mr_16bit_signed_implicit_le.dcm', tool: 'dcmconv', tolerance: 0 },
  { file: 'cr_mono1_10bit_chest_implicit_no_preamble_no_meta.dcm', tool: 'dcmconv', tolerance: 0 },
  { file: 'cr_mono1_12bit_rescale_imagerspacing_16x16.dcm', tool: 'dcmconv', tolerance: 0 },
  { file: 'dx_mono1_8bit_inverse_odd_length_pixeldata.dcm', tool: 'dcmconv', tolerance: 0 },
  { file: 'xa_10bit_explicit_le_1024.dcm', tool: 'dcmconv', tolerance: 0 },
  { file: 'mr_12bit_10frames_explicit_le.dcm', tool: 'dcmconv', tolerance: 0 },
  { file: 'mr_16bit_signed_explicit_be.dcm', tool: 'dcmconv', tolerance: 0 },
  { file: 'ot_8bit_deflated.dcm', tool: 'dcmconv', tolerance: 0 },
  { file: 'ct_16bit_signed_deflated.dcm', tool: 'dcmconv', tolerance: 0 },
  { file: 'xa_8bit_jpeg_baseline_96frames.dcm', tool: 'dcmdjpeg', tolerance: 2 },
  { file: 'ot_8bit_jpeg_baseline.dcm', tool: 'dcmdjpeg', tolerance: 2 },
  { file: 'cr_rg2_10bit_jpeg_extended_12bit.dcm', tool: 'dcmdjpeg', tolerance: 1 },
  { file: 'mr_12bit_jpeg_lossless_p14.dcm', tool: 'dcmdjpeg', tolerance: 0 },
  { file: 'cr_rg2_10bit_jpeg_lossless_sv1.dcm', tool: 'dcmdjpeg', tolerance: 0 },
  { file: 'cr_mono1_10bit_jpeg_lossless_sv1_modality_lut_seq.dcm', tool: 'dcmdjpeg', tolerance: 0 },
  { file: 'mg_12bit_jpeg_lossless_sv1_voi_lut_multiwindow.dcm', tool: 'dcmdjpeg', tolerance: 0 },
  { file: 'cr_rg2_10bit_jpegls_lossless.dcm', tool: 'dcmdjpls', tolerance: 0 },
  { file: 'sc_16bit_signed_15stored_jpegls_lossless.dcm', tool: 'dcmdjpls', tolerance: 0 },
  { file: 'cr_rg2_10bit_jpegls_near_lossless.dcm', tool: 'dcmdjpls', tolerance: 0 },
  { file: 'ot_16bit_jpegls_near_lossless_tiny.dcm', tool: 'dcmdjpls', tolerance: 0 },
  { file: 'cr_rg3_mono1_10bit_j2k_lossless.dcm', tool: 'gdcmconv', tolerance: 0 },
  { file: 'cr_rg3_mono1_10bit_j2k_lossy.dcm', tool: 'gdcmconv', tolerance: 0 },
  { file: 'cr_rg1_mono1_15bit_j2k_lossy_zero_pixelspacing.dcm', tool: 'gdcmconv', tolerance: 0 },
  { file: 'mr_16bit_signed_rle.dcm', tool: 'dcmdrle', tolerance: 0 },
  { file: 'mr_12bit_10frames_rle.dcm', tool: 'dcmdrle', tolerance: 0 },
  { file: 'ct_16bit_rle_multiple_fragments.dcm', tool: 'dcmdrle', tolerance: 0 },
];

function storedDiff(mine: Uint8Array | Uint16Array, ref: Uint8Array, bitsAllocated: number, bitsStored: number): { max: number; mean: number } {
  const mask = (1 << bitsStored) - 1;
  const refWords = bitsAllocated === 16 ? new Uint16Array(ref.buffer, ref.byteOffset, ref.length / 2) : ref;
  expect(refWords.length).toBe(mine.length);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < mine.length; i++) {
    const d = Math.abs((mine[i]! & mask) - (refWords[i]! & mask));
    sum += d;
    if (d > max) max = d;
  }
  return { max, mean: sum / mine.length };
}

describe('DICOM decoding against DCMTK / GDCM', () => {
  for (const c of CASES) {
    it(`${c.file} (${c.tool}, ${c.tolerance ? `within ±${c.tolerance}` : 'exact'})`, async () => {
      const px = await decodeDicomPixels(read(c.file), c.file);
      const bytesPer = px.info.bitsAllocated / 8;
      const ref = referencePixels(referenceFile(c.file, c.tool), px.width * px.height * bytesPer);
      const { max, mean } = storedDiff(px.raw, ref, px.info.bitsAllocated, px.info.bitsStored);
      expect(max).toBeLessThanOrEqual(c.tolerance);
      if (c.tolerance) expect(mean).toBeLessThan(0.5);
    }, 30_000);
  }

  it('HTJ2K RPCL decodes to the same pixels as the lossless JPEG-LS and JPEG 2000 copies of the image', async () => {
    for (const [htj2k, sibling] of [
      ['cr_rg2_10bit_htj2k_lossless_rpcl.dcm', 'cr_rg2_10bit_jpegls_lossless.dcm'],
      ['cr_rg3_mono1_10bit_htj2k_lossless_rpcl.dcm', 'cr_rg3_mono1_10bit_j2k_lossless.dcm'],
    ] as const) {
      const a = await decodeDicomPixels(read(htj2k), htj2k);
      const b = await decodeDicomPixels(read(sibling), sibling);
      expect([a.width, a.height]).toEqual([b.width, b.height]);
      expect(Buffer.from(a.values.buffer).equals(Buffer.from(b.values.buffer))).toBe(true);
    }
  }, 30_000);

  it('the RG2 lossless copies agree (JPEG lossless SV1 = JPEG-LS lossless)', async () => {
    const a = await decodeDicomPixels(read('cr_rg2_10bit_jpeg_lossless_sv1.dcm'), 'a');
    const b = await decodeDicomPixels(read('cr_rg2_10bit_jpegls_lossless.dcm'), 'b');
    expect(Buffer.from(a.values.buffer).equals(Buffer.from(b.values.buffer))).toBe(true);
  }, 30_000);

  it('decodes the original NEMA 12-bit JPEG with SOS Se = 0 like the corrected copy', async () => {
    const bad = await decodeDicomPixels(read('cr_rg2_10bit_jpeg_extended_original_bad_sos.dcm'), 'a');
    const fixed = await decodeDicomPixels(read('cr_rg2_10bit_jpeg_extended_12bit.dcm'), 'b');
    expect(Buffer.from(bad.values.buffer).equals(Buffer.from(fixed.values.buffer))).toBe(true);
  }, 30_000);

  it('sign-extends signed pixels from Bits Stored', async () => {
    const px = await decodeDicomPixels(read('sc_16bit_signed_15stored_jpegls_lossless.dcm'), 'x');
    expect(px.info.signed).toBe(true);
    expect(px.info.bitsStored).toBe(15);
    const min = px.values.reduce((m, v) => Math.min(m, v), Infinity);
    expect(min).toBeLessThan(0);
    expect(min).toBeGreaterThanOrEqual(-(1 << 14));
    const mr = await decodeDicomPixels(read('mr_16bit_signed_implicit_le.dcm'), 'x');
    const be = await decodeDicomPixels(read('mr_16bit_signed_explicit_be.dcm'), 'x');
    const rle = await decodeDicomPixels(read('mr_16bit_signed_rle.dcm'), 'x');
    expect(Array.from(be.values)).toEqual(Array.from(mr.values));
    expect(Array.from(rle.values)).toEqual(Array.from(mr.values));
  });
});

/** DCMTK's rendering (dcm2pnm, 8-bit PGM) of a decompressed file, with the VOI option given. */
function dcmtkRender(file: string, tool: string, voi: string[]): Uint8Array {
  const src = tool === 'none' ? join(FIXTURES, file) : referenceFile(file, tool);
  const out = join(tmp, `${file}.pgm`);
  execFileSync('dcm2pnm', [...voi, src, out], { stdio: 'pipe' });
  const pgm = readFileSync(out);
  // P5\n<w> <h>\n255\n<data>
  let newlines = 0;
  let i = 0;
  while (newlines < 3) if (pgm[i++] === 0x0a) newlines++;
  return new Uint8Array(pgm.subarray(i));
}

describe('canonical 8-bit rendering', () => {
  // The first Window Center/Width (or VOI LUT), MONOCHROME1 shown bone-bright: what DCMTK displays.
  for (const [file, tool, voi] of [
    ['cr_mono1_12bit_rescale_imagerspacing_16x16.dcm', 'none', ['+Wi', '1']],
    ['cr_mono1_10bit_chest_implicit_no_preamble_no_meta.dcm', 'dcmconv', ['+Wi', '1']],
    ['ct_16bit_signed_deflated.dcm', 'dcmconv', ['+Wi', '1']],
    ['mr_16bit_signed_explicit_be.dcm', 'dcmconv', ['+Wi', '1']],
    ['mg_12bit_jpeg_lossless_sv1_voi_lut_multiwindow.dcm', 'dcmdjpeg', ['+Wl', '1']],
    ['cr_rg3_mono1_10bit_j2k_lossless.dcm', 'gdcmconv', ['+Wi', '1']],
  ] as const) {
    it(`${file} matches dcm2pnm ${voi.join(' ')} within ±1`, async () => {
      const px = await decodeDicomPixels(read(file), file);
      const mine = renderCanonical(px);
      const ref = dcmtkRender(file, tool, [...voi]);
      expect(ref.length).toBe(mine.length);
      let max = 0;
      for (let i = 0; i < mine.length; i++) max = Math.max(max, Math.abs(mine[i]! - ref[i]!));
      expect(max).toBeLessThanOrEqual(1);
    }, 30_000);
  }

  it('says how it windowed and whether it inverted', async () => {
    const mono1 = await decodeDicomPixels(read('cr_mono1_12bit_rescale_imagerspacing_16x16.dcm'), 'x');
    renderCanonical(mono1);
    expect(mono1.info).toMatchObject({
      photometric: 'MONOCHROME1',
      inverted: true,
      modalityTransform: 'rescale',
      window: { kind: 'window', center: 1600, width: 2800 },
      pixelSpacing: { row: 0.1, column: 0.1, source: 'ImagerPixelSpacing' },
    });
    const mg = await decodeDicomPixels(read('mg_12bit_jpeg_lossless_sv1_voi_lut_multiwindow.dcm'), 'x');
    renderCanonical(mg);
    expect(mg.info.window.kind).toBe('voi-lut');
    const xa = await decodeDicomPixels(read('xa_10bit_explicit_le_1024.dcm'), 'x');
    const img = renderCanonical(xa);
    expect(xa.info.window.kind).toBe('percentile');
    expect(img.reduce((m, v) => Math.max(m, v), 0)).toBe(255);
    expect(img.reduce((m, v) => Math.min(m, v), 255)).toBe(0);
  });

  it('reads pixel spacing from PixelSpacing first, ignores zero spacing, and notes the frame used', async () => {
    const dx = await decodeDicomPixels(read('dx_mono1_8bit_inverse_odd_length_pixeldata.dcm'), 'x');
    expect(dx.info.pixelSpacing?.source).toBe('PixelSpacing');
    expect(dx.info.inverted).toBe(true); // MONOCHROME1 + INVERSE: one inversion, not two
    const rg1 = await decodeDicomPixels(read('cr_rg1_mono1_15bit_j2k_lossy_zero_pixelspacing.dcm'), 'x');
    expect(rg1.info.pixelSpacing).toBeUndefined();
    const xa = await decodeDicomPixels(read('xa_8bit_jpeg_baseline_96frames.dcm'), 'x');
    expect(xa.info.frames).toBe(96);
    expect(xa.info.frameNote).toBe('frame 1 of 96 used');
    expect(xa.info.sopInstanceUid).toMatch(/^[0-9.]+$/);
  }, 30_000);

  it('maps Body Part Examined and Series Description to a view', () => {
    expect(viewFromTags('CSPINE', undefined)).toBe('cervical');
    expect(viewFromTags('NECK', undefined)).toBe('cervical');
    expect(viewFromTags('LSPINE', 'whatever')).toBe('lumbar');
    expect(viewFromTags(undefined, 'L-Spine lat')).toBe('lumbar');
    expect(viewFromTags(undefined, 'C-SPINE 2 VIEWS')).toBe('cervical');
    expect(viewFromTags('CHEST', 'PA')).toBeUndefined();
  });
});

describe('refusals name the file and the problem', () => {
  const cases: Array<[string, RegExp]> = [
    ['broken_mr_truncated_pixel_data.dcm', /^broken_mr_truncated_pixel_data\.dcm: DICOM file is broken: pixel data is truncated/],
    ['broken_ct_partial_dataset.dcm', /^broken_ct_partial_dataset\.dcm: DICOM file is broken: element \(0028,0120\).*invalid VR/],
    ['broken_mr_10frames_j2k_too_short.dcm', /^broken_mr_10frames_j2k_too_short\.dcm: DICOM file is broken: .*truncated/],
    ['broken_nm_j2k_embedded_sequence_delimiter.dcm', /^broken_nm_j2k_embedded_sequence_delimiter\.dcm: JPEG 2000 pixel data does not decode/],
    ['broken_rtdose_bad_vr_value.dcm', /^broken_rtdose_bad_vr_value\.dcm: DICOM is a RT Dose/],
    ['broken_ct_no_meta_stray_leading_byte.dcm', /^broken_ct_no_meta_stray_leading_byte\.dcm: not an image/],
    ['rgb_8bit_htj2k_lossless.dcm', /: photometric interpretation RGB with 3 samples per pixel is not supported/],
    ['seg_binary_from_cr.dcm', /: DICOM is a Segmentation .* not a radiograph/],
    ['mr_12bits_allocated_no_preamble.dcm', /: 12 bits allocated per pixel is not supported/],
  ];
  for (const [file, re] of cases) {
    it(
      file,
      async () => {
        const err = await decodeImage(read(file), `some/dir/${file}`).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(InputError);
        expect((err as Error).message).toMatch(re);
      },
      30_000,
    );
  }

  it('names the transfer syntax it cannot decode', async () => {
    const bytes = Buffer.from(read('cr_mono1_12bit_rescale_imagerspacing_16x16.dcm'));
    const at = bytes.indexOf('1.2.840.10008.1.2.1\0', 0, 'latin1');
    expect(at).toBeGreaterThan(0);
    // Same length (20 bytes): 1.2.840.10008.1.2.1 + pad → an MPEG2 UID of 22 bytes would not fit; patch the element.
    const mpeg = '1.2.840.10008.1.2.4.100';
    const patched = Buffer.concat([bytes.subarray(0, at - 2), Buffer.from([mpeg.length + 1, 0]), Buffer.from(mpeg + '\0', 'latin1'), bytes.subarray(at + 20)]);
    // Fix the meta group length (0002,0000) UL value at offset 140.
    patched.writeUInt32LE(patched.readUInt32LE(140) + (mpeg.length + 1 - 20), 140);
    await expect(decodeImage(patched, 'x.dcm')).rejects.toThrow('x.dcm: transfer syntax 1.2.840.10008.1.2.4.100 (MPEG2) is not supported');
  });

  it('stops inflating a Deflated dataset past the budget of the pixel limit (a deflate bomb)', async () => {
    const bomb = deflateBomb(256 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(1_000_000);
    const err = await decodeImage(Buffer.from(bomb), 'in/bomb.dcm', { maxPixels: 4_000_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).code).toBe('INPUT_TOO_LARGE');
    // 2 bytes per pixel at the limit + 16 MiB of header room = 24.8 MB.
    expect((err as Error).message).toBe('bomb.dcm: deflated data set expands beyond 25 MB');
  });
});
