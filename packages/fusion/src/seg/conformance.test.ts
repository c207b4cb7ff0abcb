import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage, encodeDx } from '@vertxnet/imaging';
import { VERTEBRA_CODES } from './codes.js';
import { srgbToDicomLab } from './colour.js';
import { buildSegmentation } from './index.js';

const FIXTURES = new URL('../../../../test/fixtures/dicom/', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'vx-segc-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const PATIENT = { name: 'Holmes^Sherlock', id: 'PHI-ID-424242', birthDate: '19540106' };

/** A SEG for a source DICOM file: every level in turn, one horizontal band per segment. */
async function segFor(source: Uint8Array, levels: string[]): Promise<Uint8Array> {
  const d = await decodeImage(Buffer.from(source), 'source.dcm');
  const { width, height } = d;
  const labels = new Uint8Array(width * height);
  const band = Math.max(1, Math.floor(height / levels.length));
  levels.forEach((_, k) => labels.fill(k + 1, k * band * width, Math.min(height, (k + 1) * band) * width));
  const info = d.dicom!;
  return buildSegmentation({
    width,
    height,
    labels,
    segments: levels.map((level, k) => ({ verseCode: k + 1, level })),
    source: {
      sopInstanceUid: info.sopInstanceUid!,
      sopClassUid: info.sopClassUid!,
      ...(info.seriesInstanceUid ? { seriesInstanceUid: info.seriesInstanceUid } : {}),
      ...(info.studyInstanceUid ? { studyInstanceUid: info.studyInstanceUid } : {}),
    },
    ...(d.sourceHeader ? { sourceHeader: d.sourceHeader } : {}),
    algorithm: { name: 'VertXNet', version: '0.3.0' },
  });
}

function phantomDx(patient = PATIENT): Uint8Array {
  const width = 48;
  const height = 64;
  const pixels = new Uint16Array(width * height).map((_, i) => (i * 37) % 4096);
  return encodeDx({ width, height, pixels, bodyPart: 'LSPINE', spacing: 0.15, calibrated: true, patient, accessionNumber: 'ACC-1' });
}

function naturalize(bytes: Uint8Array) {
  const data = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return dcmjs.data.DicomMetaDictionary.naturalizeDataset(data.dict);
}

/** dciodvfy's verdict: its Error lines (warnings are kept for the message). */
function dciodvfy(bytes: Uint8Array, name: string): { errors: string[]; all: string } {
  const file = join(tmp, name);
  writeFileSync(file, bytes);
  const run = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
  const all = `${run.stdout}${run.stderr}`;
  expect(run.error, 'dciodvfy is installed (Debian package dicom3tools)').toBeUndefined();
  return { errors: all.split('\n').filter((l) => l.startsWith('Error')), all };
}

const LUMBAR = ['T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1'];
const CERVICAL = ['C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'T1'];

describe('DICOM SEG as the field expects it', () => {
  it("types each segment by its vertebra's SNOMED CT code, category Anatomical Structure, no private codes", async () => {
    const ds = naturalize(await segFor(phantomDx(), LUMBAR));
    const segments = [ds.SegmentSequence].flat();
    expect(segments.map((s) => s.SegmentLabel)).toEqual(LUMBAR);
    const expected: Record<string, string> = {
      T12: '23215003',
      L1: '66794005',
      L2: '14293000',
      L3: '36470004',
      L4: '11994002',
      L5: '49668003',
      S1: '65985001',
    };
    for (const s of segments) {
      const type = [s.SegmentedPropertyTypeCodeSequence].flat()[0];
      const category = [s.SegmentedPropertyCategoryCodeSequence].flat()[0];
      expect(type).toMatchObject({ CodeValue: expected[s.SegmentLabel], CodingSchemeDesignator: 'SCT' });
      expect(category).toMatchObject({ CodeValue: '123037004', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Anatomical Structure' });
      expect(s.RecommendedDisplayCIELabValue).toHaveLength(3);
    }
    expect(Buffer.from(await segFor(phantomDx(), CERVICAL)).includes('99VERTXNET')).toBe(false);
  });

  it('has the SNOMED CT code the issue names for every level', () => {
    expect(Object.fromEntries(Object.entries(VERTEBRA_CODES).map(([l, c]) => [l, c.value]))).toEqual({
      C2: '39976000',
      C3: '113205007',
      C4: '5329002',
      C5: '36978003',
      C6: '36054005',
      C7: '87391001',
      T1: '64864005',
      T12: '23215003',
      L1: '66794005',
      L2: '14293000',
      L3: '36470004',
      L4: '11994002',
      L5: '49668003',
      S1: '65985001',
    });
  });

  it('converts display colours to D50 CIELab as DICOM scales them', () => {
    // Reference: sRGB red is L* 54.29, a* 80.81, b* 69.89 under D50 (Bradford), Lindbloom's tables.
    const [l, a, b] = srgbToDicomLab('#ff0000');
    expect((l / 65535) * 100).toBeCloseTo(54.29, 1);
    expect((a / 65535) * 255 - 128).toBeCloseTo(80.81, 1);
    expect((b / 65535) * 255 - 128).toBeCloseTo(69.89, 1);
    expect(srgbToDicomLab('#ffffff')).toEqual([65535, 32896, 32896]);
  });

  it("copies the source's patient and study modules and Patient Orientation", async () => {
    const dx = phantomDx();
    const source = naturalize(dx);
    const ds = naturalize(await segFor(dx, ['L3']));
    for (const k of [
      'PatientName',
      'PatientID',
      'PatientBirthDate',
      'PatientSex',
      'StudyInstanceUID',
      'StudyDate',
      'StudyTime',
      'StudyID',
      'AccessionNumber',
      'ReferringPhysicianName',
      'PatientOrientation',
      'SpecificCharacterSet',
    ]) {
      expect(JSON.stringify(ds[k]), k).toBe(JSON.stringify(source[k]));
    }
    expect([ds.PatientName].flat()[0]).toMatchObject({ Alphabetic: PATIENT.name });
  });

  it('writes the type 2 elements empty where the source lacks them', async () => {
    const bytes = buildSegmentation({
      width: 4,
      height: 2,
      labels: Uint8Array.of(1, 1, 0, 0, 0, 0, 0, 0),
      segments: [{ verseCode: 1, level: 'C2' }],
      source: { sopInstanceUid: '1.2.3.4', sopClassUid: '1.2.840.10008.5.1.4.1.1.1.1', studyInstanceUid: '1.2.3' },
      algorithm: { name: 'VertXNet', version: '1' },
    });
    const dump = spawnSync('dcmdump', [writeTmp(bytes, 'bare.dcm')], { encoding: 'utf8' }).stdout;
    for (const tag of [
      '(0010,0010) PN',
      '(0010,0020) LO',
      '(0010,0030) DA',
      '(0010,0040) CS',
      '(0008,0020) DA',
      '(0008,0030) TM',
      '(0008,0050) SH',
      '(0008,0090) PN',
      '(0020,0010) SH',
      '(0020,0020) CS',
    ]) {
      expect(dump).toContain(`${tag} (no value available)`);
    }
    expect(dump).toContain('(0020,000d) UI [1.2.3]');
  });

  const sources: Array<[string, () => Uint8Array, string[]]> = [
    ['a phantom DX (lumbar)', () => phantomDx(), LUMBAR],
    ['a phantom DX without patient data', () => phantomDx({ name: '', id: '', birthDate: '' }), CERVICAL],
    ['a real C-spine CR (Agfa, pydicom test file)', () => readFileSync(join(FIXTURES, 'cr_mono1_12bit_rescale_imagerspacing_16x16.dcm')), CERVICAL],
    ['a real DX, MONOCHROME1 (pydicom test file)', () => readFileSync(join(FIXTURES, 'dx_mono1_8bit_inverse_odd_length_pixeldata.dcm')), ['L4', 'L5']],
    ['a real CR in JPEG-LS (NEMA RG2)', () => readFileSync(join(FIXTURES, 'cr_rg2_10bit_jpegls_lossless.dcm')), ['S1']],
  ];
  it.each(sources)('dciodvfy finds no error and dcmdump reads the SEG of %s', async (_, source, levels) => {
    const bytes = await segFor(source(), levels);
    const { errors, all } = dciodvfy(bytes, 'seg.dcm');
    expect(errors, all).toEqual([]);
    expect(all).toContain('Segmentation');
    const dump = spawnSync('dcmdump', ['+E', writeTmp(bytes, 'dump.dcm')], { encoding: 'utf8' });
    expect(dump.status).toBe(0);
    expect(dump.stderr).toBe('');
    expect(dump.stdout).toContain('SegmentationStorage');
  });
});

function writeTmp(bytes: Uint8Array, name: string): string {
  const file = join(tmp, name);
  writeFileSync(file, bytes);
  return file;
}
