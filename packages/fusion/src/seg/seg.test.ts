import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { afterAll, describe, expect, it } from 'vitest';
import { extractSourceHeader, parseDicom, type DicomDataset } from '@vertxnet/imaging';
import { buildSegmentation, type SegInput } from './index.js';

const FIXTURES = new URL('../../../../test/fixtures/dicom/', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'vx-seg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const W = 40;
const H = 30;
function labels(): Uint8Array {
  const l = new Uint8Array(W * H);
  for (let y = 2; y < 10; y++) for (let x = 5; x < 30; x++) l[y * W + x] = 22; // L2
  for (let y = 14; y < 24; y++) for (let x = 6; x < 33; x++) l[y * W + x] = 23; // L3
  return l;
}
const source = {
  sopInstanceUid: '1.2.3.4.5.6',
  sopClassUid: '1.2.840.10008.5.1.4.1.1.1.1',
  seriesInstanceUid: '1.2.3.4.5',
  studyInstanceUid: '1.2.3.4',
};
const seg = (extra: Partial<SegInput> = {}) =>
  buildSegmentation({
    width: W,
    height: H,
    labels: labels(),
    segments: [
      { verseCode: 22, level: 'L2' },
      { verseCode: 23, level: 'L3' },
    ],
    source,
    pixelSpacing: { row: 0.15, column: 0.15 },
    algorithm: { name: 'VertXNet', version: '0.1.0' },
    ...extra,
  });

/** Tags of a dataset and, recursively, of the first item of each sequence, as paths. */
function tagPaths(ds: DicomDataset, prefix = ''): Set<string> {
  const out = new Set<string>();
  for (const [tag, e] of ds.elements) {
    const p = `${prefix}${tag.toString(16).padStart(8, '0')}`;
    out.add(p);
    if (e.items?.[0]) for (const q of tagPaths(e.items[0], `${p}/`)) out.add(q);
  }
  return out;
}

describe('DICOM SEG writer', () => {
  it('has every element the highdicom radiograph SEG has (same structure, same module layout)', () => {
    // Both from the same source image: highdicom's SEG and ours copy its patient and study elements.
    const cr = parseDicom(readFileSync(join(FIXTURES, 'cr_mono1_12bit_rescale_imagerspacing_16x16.dcm'))).dataset;
    const mine = tagPaths(parseDicom(seg({ sourceHeader: extractSourceHeader(cr) })).dataset);
    const theirs = tagPaths(parseDicom(readFileSync(join(FIXTURES, 'seg_binary_from_cr.dcm'))).dataset);
    const missing = [...theirs].filter((p) => !mine.has(p));
    expect(missing).toEqual([]);
  });

  it('dcmjs reads it back: segments, frames, references and bit-packed masks', () => {
    const bytes = seg();
    const data = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(data.dict);
    expect(ds.SOPClassUID).toBe('1.2.840.10008.5.1.4.1.1.66.4');
    expect(ds.SegmentSequence.map((s: { SegmentLabel: string }) => s.SegmentLabel)).toEqual(['L2', 'L3']);
    expect(Number(ds.NumberOfFrames)).toBe(2);
    expect(ds.ReferencedSeriesSequence.SeriesInstanceUID ?? ds.ReferencedSeriesSequence[0].SeriesInstanceUID).toBe(source.seriesInstanceUid);
    expect([ds.SourceImageSequence].flat()[0].ReferencedSOPInstanceUID).toBe(source.sopInstanceUid);
    expect(ds.StudyInstanceUID).toBe(source.studyInstanceUid);
    const bits = new Uint8Array(ds.PixelData[0] ?? ds.PixelData);
    const l = labels();
    for (const [frame, code] of [
      [0, 22],
      [1, 23],
    ] as const) {
      for (let i = 0; i < W * H; i++) {
        const b = frame * W * H + i;
        expect((bits[b >> 3]! >> (b & 7)) & 1).toBe(l[i] === code ? 1 : 0);
      }
    }
  });

  it('DCMTK reads it and finds nothing wrong with its encoding', () => {
    const file = join(tmp, 'seg.dcm');
    writeFileSync(file, seg());
    const run = spawnSync('dcmdump', ['+E', file], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('SegmentationStorage');
    expect(run.stdout).toContain('(0062,0005) LO [L3]');
    expect(run.stderr).toBe('');
  });

  it('refuses a source with an invalid UID', () => {
    expect(() =>
      buildSegmentation({
        width: W,
        height: H,
        labels: labels(),
        segments: [{ verseCode: 22, level: 'L2' }],
        source: { ...source, sopInstanceUid: '1.2.03.abc' },
        algorithm: { name: 'x', version: '1' },
      }),
    ).toThrow("the source's sopInstanceUid is not a valid DICOM UID");
  });

  it('refuses labels that do not fit the image', () => {
    expect(() =>
      buildSegmentation({
        width: W,
        height: H,
        labels: new Uint8Array(3),
        segments: [{ verseCode: 22, level: 'L2' }],
        source,
        algorithm: { name: 'x', version: '1' },
      }),
    ).toThrow(/labels hold 3 pixels/);
  });
});
