/**
 * The SEG builder's golden cases: DICOM Segmentations built from the fused golden films, read back
 * with dcmjs, with what changes on every build (new UIDs, content date and time) replaced by
 * stable names and the pixel data by its SHA-256.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { extractSourceHeader, parseDicom } from '@vertxnet/imaging';
import { decodeForeground, decodeInstances } from '../../packages/pipeline/src/intermediates.js';
import { buildSegmentation, fuse, toSourceLabels, type SegInput } from '../../packages/fusion/src/index.js';
import { FIXTURE_DIR, goldenImages } from './cases.js';

const SEG_IMAGES = 4;
const CR = join(FIXTURE_DIR, '../dicom/cr_mono1_12bit_rescale_imagerspacing_16x16.dcm');

/** Each build's own UIDs become uid-1, uid-2, … in order of appearance; the source's stay. */
function stable(value: unknown, uids: Map<string, string>): unknown {
  if (typeof value === 'string' && value.startsWith('2.25.')) {
    if (!uids.has(value)) uids.set(value, `uid-${uids.size + 1}`);
    return uids.get(value);
  }
  if (value instanceof ArrayBuffer) return `sha256:${createHash('sha256').update(new Uint8Array(value)).digest('hex')}`;
  if (Array.isArray(value)) return value.map((v) => stable(v, uids));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = k === 'ContentDate' || k === 'ContentTime' ? 'now' : stable(v, uids);
    return out;
  }
  return value;
}

export function canonicalSeg(bytes: Uint8Array): unknown {
  const data = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const uids = new Map<string, string>();
  return stable(
    { meta: dcmjs.data.DicomMetaDictionary.naturalizeDataset(data.meta), dataset: dcmjs.data.DicomMetaDictionary.naturalizeDataset(data.dict) },
    uids,
  );
}

/** image name → canonical SEG, for the first SEG_IMAGES golden films (the first with a source header). */
export function runSegGoldenSet(): Record<string, unknown> {
  const header = extractSourceHeader(parseDicom(new Uint8Array(readFileSync(CR))).dataset);
  const out: Record<string, unknown> = {};
  goldenImages()
    .slice(0, SEG_IMAGES)
    .forEach((image, n) => {
      const foreground = decodeForeground(readFileSync(join(FIXTURE_DIR, 'outputs', `${image.name}.fg.bin`)), image.name);
      const instances = decodeInstances(readFileSync(join(FIXTURE_DIR, 'outputs', `${image.name}.in.bin`)), image.name);
      const fusion = fuse({ foreground, instances });
      const { sourceWidth: width, sourceHeight: height } = fusion.frame;
      const labelled = fusion.vertebrae.filter((v) => v.level !== null && v.verseCode !== null);
      const input: SegInput = {
        width,
        height,
        labels: toSourceLabels(fusion, foreground, width, height),
        segments: labelled.map((v) => ({ verseCode: v.verseCode!, level: v.level! })),
        source: { sopInstanceUid: `1.2.3.${n + 1}`, sopClassUid: '1.2.840.10008.5.1.4.1.1.1.1', seriesInstanceUid: '1.2.3', studyInstanceUid: '1.2' },
        ...(n % 2 === 0 ? { pixelSpacing: { row: 0.14, column: 0.15 } } : {}),
        ...(n === 0 ? { sourceHeader: header } : {}),
        algorithm: { name: 'VertXNet', version: 'golden' },
      };
      out[image.name] = canonicalSeg(buildSegmentation(input));
    });
  return out;
}
