import { el, newUid, type DicomItem, type DicomWriteElement } from '@vertxnet/imaging';
import { LEVEL_COLOURS, UNLABELLED } from '../level-colours.js';
import { ANATOMICAL_STRUCTURE, type CodedConcept } from './codes.js';
import { srgbToDicomLab } from './colour.js';
import type { SegInput } from './input.js';

export const code = (value: string, scheme: string, meaning: string): DicomItem => [
  el(0x00080100, 'SH', value),
  el(0x00080102, 'SH', scheme),
  el(0x00080104, 'LO', meaning),
];
const coded = (c: CodedConcept): DicomItem => code(c.value, c.scheme, c.meaning);

/**
 * Step 3: the Segment Sequence: one segment per vertebra, named by its level, typed by its SNOMED
 * CT code, coloured as in the overlays, made by the algorithm (AUTOMATIC).
 */
export function segmentSequence(segments: SegInput['segments'], types: readonly CodedConcept[], algorithm: SegInput['algorithm']): DicomWriteElement {
  const identification = [
    el(0x0066002f, 'SQ', [code('123110', 'DCM', 'Artificial Intelligence')]),
    el(0x00660031, 'LO', algorithm.version),
    el(0x00660036, 'LO', algorithm.name),
  ];
  return el(
    0x00620002,
    'SQ',
    segments.map((s, i) => [
      el(0x00620003, 'SQ', [coded(ANATOMICAL_STRUCTURE)]),
      el(0x00620004, 'US', i + 1),
      el(0x00620005, 'LO', s.level),
      el(0x00620007, 'SQ', [identification]),
      el(0x00620008, 'CS', 'AUTOMATIC'),
      el(0x00620009, 'LO', algorithm.name),
      el(0x0062000d, 'US', srgbToDicomLab(LEVEL_COLOURS[s.level] ?? UNLABELLED)),
      el(0x0062000f, 'SQ', [coded(types[i]!)]),
      el(0x00620020, 'UT', `${s.level} vertebral body`),
      el(0x00620021, 'UI', newUid()),
    ]),
  );
}

/** Step 4: per frame, the source image it derives from, its dimension index and its segment number. */
export function perFrameGroups(frames: number, sourceRef: DicomItem): DicomWriteElement {
  return el(
    0x52009230,
    'SQ',
    Array.from({ length: frames }, (_, i) => [
      el(0x00089124, 'SQ', [
        [
          el(0x00082112, 'SQ', [
            [...sourceRef, el(0x0028135a, 'CS', 'YES'), el(0x0040a170, 'SQ', [code('121322', 'DCM', 'Source image for image processing operation')])],
          ]),
          el(0x00089215, 'SQ', [code('113076', 'DCM', 'Segmentation')]),
        ],
      ]),
      el(0x00209111, 'SQ', [[el(0x00209157, 'UL', [i + 1])]]),
      el(0x0062000a, 'SQ', [[el(0x0062000b, 'US', i + 1)]]),
    ]),
  );
}

/** Step 5: the shared functional group: pixel spacing (when known) and the source's slice thickness. */
export function pixelMeasures(spacing: SegInput['pixelSpacing'], sliceThickness: Uint8Array | undefined): DicomItem {
  const measures: DicomItem = [
    ...(spacing ? [el(0x00280030, 'DS', `${round6(spacing.row)}\\${round6(spacing.column)}`)] : []),
    ...(sliceThickness ? [el(0x00180050, 'DS', sliceThickness)] : []),
  ];
  return measures.length > 0 ? [el(0x00289110, 'SQ', [measures])] : [];
}

function round6(x: number): string {
  return String(Math.round(x * 1e6) / 1e6);
}
