import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeImage, generatePhantom } from '@vertxnet/phantom';
import { decodeDicomPixels, encodeDx } from '@vertxnet/imaging';
import { runLocal, type RunReport } from './local-runner.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const FIXTURES = join(ROOT, 'test/fixtures/dicom');

// Patient data planted in the inputs: none of it may appear in any file the run writes.
const PHI = [
  'Holmes^Sherlock',
  'Holmes',
  'Sherlock',
  'PHI-ID-424242',
  '19540106',
  'ACC-PHI-777',
  // In the real fixtures copied in below (fictional, but patient-module values all the same).
  'Doe^Archibald',
  'Archibald',
  '77654033',
  'Dog^AVeryGood',
  'AVeryGood',
  'Veterinarian^VeryGood',
];

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

describe('DICOM through the local runner', () => {
  let src: string;
  let out: string;
  let report: RunReport;
  let phantomSeries: string;

  beforeAll(async () => {
    src = await mkdtemp(join(tmpdir(), 'vx-dicom-src-'));
    out = await mkdtemp(join(tmpdir(), 'vx-dicom-out-'));
    await mkdir(join(src, 'png'));
    await mkdir(join(src, 'dcm'));
    const ph = generatePhantom({ seed: 11, view: 'lumbar', format: 'png16', maxSide: 640, partialShare: 0, asShare: 0, implantShare: 0 });
    expect(ph.pixels).toBeInstanceOf(Uint16Array);
    await writeFile(join(src, 'png', 'phantom.png'), await encodeImage(ph));
    phantomSeries = '1.2.826.0.1.3680043.10.1234.99.1';
    const common = {
      width: ph.width,
      height: ph.height,
      pixels: ph.pixels as Uint16Array,
      bitsStored: 16,
      spacing: ph.meta.mmPerPixel,
      calibrated: true,
      bodyPart: 'LSPINE',
      patient: { name: 'Holmes^Sherlock', id: 'PHI-ID-424242', birthDate: '19540106' },
      uids: { series: phantomSeries },
    };
    await writeFile(join(src, 'dcm', 'phantom_le.dcm'), encodeDx({ ...common, transferSyntax: 'explicit-le' }));
    await writeFile(join(src, 'dcm', 'phantom_rle.dcm'), encodeDx({ ...common, transferSyntax: 'rle', monochrome1: true }));
    await writeFile(join(src, 'dcm', 'phantom_acc.dcm'), encodeDx({ ...common, accessionNumber: 'ACC-PHI-777' }));
    // An invalid SOP Instance UID (as some real devices write): the SEG fails, nothing else may.
    await writeFile(join(src, 'dcm', 'phantom_baduid.dcm'), encodeDx({ ...common, uids: { ...common.uids, sop: '1.2.03.4a' } }));
    for (const f of [
      'cr_mono1_12bit_rescale_imagerspacing_16x16.dcm',
      'dx_mono1_8bit_inverse_odd_length_pixeldata.dcm',
      'broken_mr_truncated_pixel_data.dcm',
    ]) {
      await copyFile(join(FIXTURES, f), join(src, 'dcm', f));
    }
    report = await runLocal({
      source: src,
      out,
      models: { unet: join(ROOT, 'models/unet'), maskrcnn: join(ROOT, 'models/maskrcnn') },
      concurrency: 2,
    });
  }, 300_000);

  afterAll(async () => {
    await rm(src, { recursive: true, force: true });
    await rm(out, { recursive: true, force: true });
  });

  it('runs every DICOM file, and the broken one fails with a reason naming only the file', () => {
    expect(report.counts).toMatchObject({ images: 8, succeeded: 7, failed: 1 });
    expect(report.failures[0]!.reason).toMatch(/^broken_mr_truncated_pixel_data\.dcm: DICOM file is broken: pixel data is truncated/);
  });

  it('writes no patient name, id, date or accession number anywhere but in the SEG', async () => {
    const files = await filesUnder(out);
    expect(files.some((f) => f.endsWith('seg.dcm'))).toBe(true);
    // The SEG is a DICOM object of the patient's study: DICOM requires the Patient module there.
    for (const f of files.filter((f) => !f.endsWith('seg.dcm'))) {
      const text = (await readFile(f)).toString('latin1');
      for (const phi of PHI) expect(text.includes(phi), `${phi} in ${f}`).toBe(false);
    }
  });

  it('labels the DICOM phantom exactly as its 16-bit PNG twin, with UIDs, spacing and view from the tags', async () => {
    const dirs = await readdir(out);
    const png = dirs.find((d) => d === 'png__phantom.png')!;
    const pngResult = JSON.parse(await readFile(join(out, png, 'result.json'), 'utf8'));
    const pngLabels = await readFile(join(out, png, 'labels.png'));
    expect(pngResult.vertebrae.length).toBeGreaterThan(2);
    for (const name of ['phantom_le', 'phantom_rle']) {
      const dir = dirs.find((d) => d.includes(name))!;
      const result = JSON.parse(await readFile(join(out, dir, 'result.json'), 'utf8'));
      expect((await readFile(join(out, dir, 'labels.png'))).equals(pngLabels)).toBe(true);
      expect(result.vertebrae.map((v: { level: string }) => v.level)).toEqual(pngResult.vertebrae.map((v: { level: string }) => v.level));
      expect(result.image.sopInstanceUid).toMatch(/^2\.25\.\d+$/);
      expect(result.image.pixelSpacing).toMatchObject({ source: 'PixelSpacing' });
      expect(result.view).toEqual({ value: 'lumbar', source: 'metadata', headProbability: pngResult.view.headProbability });
      expect(result.view.headProbability).toBeGreaterThan(0.5);
      expect(result.source).toContain(`${name}.dcm`);
    }
  });

  it('writes a SEG per DICOM image that dcmjs reads back: one segment per labelled vertebra, referencing the source', async () => {
    const dirs = await readdir(out);
    const dir = dirs.find((d) => d.includes('phantom_le'))!;
    const result = JSON.parse(await readFile(join(out, dir, 'result.json'), 'utf8'));
    expect(result.extra.seg).toBe('seg.dcm');
    const bytes = await readFile(join(out, dir, 'seg.dcm'));
    const data = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    const seg = dcmjs.data.DicomMetaDictionary.naturalizeDataset(data.dict);
    const source = await decodeDicomPixels(await readFile(join(src, 'dcm', 'phantom_le.dcm')), 'x');
    const labelled = result.vertebrae.filter((v: { level: string | null }) => v.level !== null);
    expect(seg.Modality).toBe('SEG');
    expect(seg.SegmentationType).toBe('BINARY');
    const segments = [seg.SegmentSequence].flat();
    expect(segments.map((s: { SegmentLabel: string }) => s.SegmentLabel)).toEqual(labelled.map((v: { level: string }) => v.level));
    expect(Number(seg.NumberOfFrames)).toBe(labelled.length);
    expect([seg.Rows, seg.Columns]).toEqual([result.image.height, result.image.width]);
    expect(seg.ReferencedSeriesSequence.SeriesInstanceUID ?? seg.ReferencedSeriesSequence[0].SeriesInstanceUID).toBe(phantomSeries);
    const ref = [seg.SourceImageSequence].flat()[0];
    expect(ref.ReferencedSOPInstanceUID).toBe(source.info.sopInstanceUid);
    expect(seg.StudyInstanceUID).toBe(source.info.studyInstanceUid);
    expect([seg.PatientName].flat()[0]).toMatchObject({ Alphabetic: 'Holmes^Sherlock' });
    expect([seg.PatientID, seg.PatientBirthDate]).toEqual(['PHI-ID-424242', '19540106']);
    expect([[seg.SegmentSequence].flat()[0].SegmentedPropertyTypeCodeSequence].flat()[0]).toMatchObject({ CodingSchemeDesignator: 'SCT' });
    // Frame k's set bits = pixels labelled with segment k's level.
    const bits = new Uint8Array(seg.PixelData[0] ?? seg.PixelData);
    const labels = await pngGrey(join(out, dir, 'labels.png'));
    const pixels = result.image.width * result.image.height;
    labelled.forEach((v: { verseCode: number }, k: number) => {
      let mismatches = 0;
      for (let i = 0; i < pixels; i++) {
        const bit = k * pixels + i;
        const set = (bits[bit >> 3]! >> (bit & 7)) & 1;
        if (set !== (labels[i] === v.verseCode ? 1 : 0)) mismatches++;
      }
      expect(mismatches).toBe(0);
    });
  });

  it('writes SEGs that dciodvfy finds no error in and dcmdump reads', async () => {
    const segs = (await filesUnder(out)).filter((f) => f.endsWith('seg.dcm'));
    expect(segs.length).toBeGreaterThanOrEqual(3);
    for (const f of segs) {
      const check = spawnSync('dciodvfy', [f], { encoding: 'utf8' });
      expect(check.error, 'dciodvfy is installed (Debian package dicom3tools)').toBeUndefined();
      const report = `${check.stdout}${check.stderr}`;
      expect(
        report.split('\n').filter((l) => l.startsWith('Error')),
        `${f}\n${report}`,
      ).toEqual([]);
      const dump = spawnSync('dcmdump', ['+E', f], { encoding: 'utf8' });
      expect([dump.status, dump.stderr]).toEqual([0, '']);
      expect(dump.stdout).toContain('SegmentationStorage');
    }
  });

  it('keeps every other result when the SEG cannot be written', async () => {
    const dir = (await readdir(out)).find((d) => d.includes('phantom_baduid'))!;
    const files = (await readdir(join(out, dir))).sort();
    expect(files).toEqual(['labels.png', 'overlay-small.jpg', 'overlay.png', 'result.json']);
    const result = JSON.parse(await readFile(join(out, dir, 'result.json'), 'utf8'));
    expect(result.extra.segError).toBe("the source's sopInstanceUid is not a valid DICOM UID");
    expect(result.vertebrae.length).toBeGreaterThan(2);
  });

  it('writes the run COCO with every succeeded image', async () => {
    const coco = JSON.parse(await readFile(join(out, 'coco.json'), 'utf8'));
    expect(coco.images).toHaveLength(7);
    expect(coco.annotations.length).toBeGreaterThan(0);
    expect(coco.images.map((i: { file_name: string }) => i.file_name)).toContain('dcm/phantom_rle.dcm');
  });
});

async function pngGrey(path: string): Promise<Uint8Array> {
  const sharp = (await import('sharp')).default;
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  if (info.channels === 1) return new Uint8Array(data);
  const out = new Uint8Array(info.width * info.height);
  for (let i = 0; i < out.length; i++) out[i] = data[i * info.channels]!;
  return out;
}
