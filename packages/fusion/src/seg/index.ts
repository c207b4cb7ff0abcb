import { el, newUid, sourceHeaderElements, writeDicom, type DicomItem, type DicomWriteElement } from '@vertxnet/shared';
import { LEVEL_COLOURS, UNLABELLED } from '../level-colours.js';
import { ANATOMICAL_STRUCTURE, vertebraCode, type CodedConcept } from './codes.js';
import { srgbToDicomLab } from './colour.js';

export const SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';

/** The source image the segmentation refers to: UIDs only. */
export interface SegSource {
  sopInstanceUid: string;
  sopClassUid: string;
  seriesInstanceUid?: string;
  studyInstanceUid?: string;
}

export interface SegInput {
  width: number;
  height: number;
  /** Per source pixel: the VerSe code of the vertebra there, 0 for background. */
  labels: Uint8Array;
  /** Labelled vertebrae in the order the segments get their numbers (1, 2, …). */
  segments: { verseCode: number; level: string }[];
  source: SegSource;
  /**
   * The source's patient and study elements (extractSourceHeader), copied so the SEG files with
   * its image; without it they are written empty.
   */
  sourceHeader?: Uint8Array;
  pixelSpacing?: { row: number; column: number };
  algorithm: { name: string; version: string };
}

const code = (value: string, scheme: string, meaning: string): DicomItem => [
  el(0x00080100, 'SH', value),
  el(0x00080102, 'SH', scheme),
  el(0x00080104, 'LO', meaning),
];
const coded = (c: CodedConcept): DicomItem => code(c.value, c.scheme, c.meaning);

/**
 * A DICOM Segmentation (BINARY, one frame per segment, one segment per labelled vertebra named by
 * its level and typed by its SNOMED CT code) referencing the source SOP instance and series. The
 * source's patient and study elements are copied (a derived object in the same study, as highdicom
 * writes it), so a PACS or viewer files it with its image.
 */
export function buildSegmentation(input: SegInput): Uint8Array {
  const { width, height, labels, segments, source } = input;
  if (labels.length !== width * height) throw new Error(`labels hold ${labels.length} pixels, ${width}x${height} expected`);
  if (segments.length === 0) throw new Error('no labelled vertebra to write');
  if (width > 0xffff || height > 0xffff) throw new Error(`image ${width}x${height} is too large for a SEG`);
  const types = segments.map((s) => vertebraCode(s.level));
  for (const [what, uid] of Object.entries(source)) {
    if (uid !== undefined && !isUid(uid)) throw new Error(`the source's ${what} is not a valid DICOM UID`);
  }
  const pixels = width * height;
  const bits = new Uint8Array(Math.ceil((pixels * segments.length) / 8 / 2) * 2);
  segments.forEach((s, f) => {
    const base = f * pixels;
    for (let i = 0; i < pixels; i++) {
      if (labels[i] === s.verseCode) {
        const bit = base + i;
        bits[bit >> 3]! |= 1 << (bit & 7);
      }
    }
  });
  const now = new Date();
  const date = now.toISOString().slice(0, 10).replace(/-/g, '');
  const time = now.toISOString().slice(11, 19).replace(/:/g, '');
  const sop = newUid();
  const dimensionOrg = newUid();
  const sourceRef: DicomItem = [el(0x00081150, 'UI', source.sopClassUid), el(0x00081155, 'UI', source.sopInstanceUid)];
  const algorithm = [
    el(0x0066002f, 'SQ', [code('123110', 'DCM', 'Artificial Intelligence')]),
    el(0x00660031, 'LO', input.algorithm.version),
    el(0x00660036, 'LO', input.algorithm.name),
  ];
  const { elements: copied, sliceThickness } = sourceHeaderElements(input.sourceHeader);
  const hasStudyUid = copied.some((e) => e.tag === 0x0020000d);
  const ds: DicomWriteElement[] = [
    ...copied,
    el(0x00080008, 'CS', 'DERIVED\\PRIMARY'),
    el(0x00080016, 'UI', SEGMENTATION_STORAGE),
    el(0x00080018, 'UI', sop),
    el(0x00080023, 'DA', date),
    el(0x00080033, 'TM', time),
    el(0x00080060, 'CS', 'SEG'),
    el(0x00080070, 'LO', 'VertXNet'),
    el(0x00081090, 'LO', input.algorithm.name),
    el(0x00082112, 'SQ', [sourceRef]),
    el(0x00181000, 'LO', '1'),
    el(0x00181020, 'LO', input.algorithm.version),
    ...(hasStudyUid ? [] : [el(0x0020000d, 'UI', source.studyInstanceUid ?? newUid())]),
    el(0x0020000e, 'UI', newUid()),
    el(0x00200011, 'IS', '9901'),
    el(0x00200013, 'IS', '1'),
    el(0x00209221, 'SQ', [[el(0x00209164, 'UI', dimensionOrg)]]),
    el(0x00209222, 'SQ', [
      [
        el(0x00209164, 'UI', dimensionOrg),
        el(0x00209165, 'AT', Uint8Array.of(0x62, 0x00, 0x0b, 0x00)),
        el(0x00209167, 'AT', Uint8Array.of(0x62, 0x00, 0x0a, 0x00)),
        el(0x00209421, 'LO', 'Segment Number'),
      ],
    ]),
    el(0x00280002, 'US', 1),
    el(0x00280004, 'CS', 'MONOCHROME2'),
    el(0x00280008, 'IS', String(segments.length)),
    el(0x00280010, 'US', height),
    el(0x00280011, 'US', width),
    el(0x00280100, 'US', 1),
    el(0x00280101, 'US', 1),
    el(0x00280102, 'US', 0),
    el(0x00280103, 'US', 0),
    el(0x00282110, 'CS', '00'),
    el(0x00620001, 'CS', 'BINARY'),
    el(
      0x00620002,
      'SQ',
      segments.map((s, i) => [
        el(0x00620003, 'SQ', [coded(ANATOMICAL_STRUCTURE)]),
        el(0x00620004, 'US', i + 1),
        el(0x00620005, 'LO', s.level),
        el(0x00620007, 'SQ', [algorithm]),
        el(0x00620008, 'CS', 'AUTOMATIC'),
        el(0x00620009, 'LO', input.algorithm.name),
        el(0x0062000d, 'US', srgbToDicomLab(LEVEL_COLOURS[s.level] ?? UNLABELLED)),
        el(0x0062000f, 'SQ', [coded(types[i]!)]),
        el(0x00620020, 'UT', `${s.level} vertebral body`),
        el(0x00620021, 'UI', newUid()),
      ]),
    ),
    el(0x00620013, 'CS', 'NO'),
    el(0x00700080, 'CS', 'VERTEBRAE'),
    el(0x00700081, 'LO', 'Vertebral bodies labelled by level'),
    el(0x00700084, 'PN', ''),
    el(0x52009229, 'SQ', [pixelMeasures(input.pixelSpacing, sliceThickness)]),
    el(
      0x52009230,
      'SQ',
      segments.map((_, i) => [
        el(0x00089124, 'SQ', [
          [
            el(0x00082112, 'SQ', [
              [
                ...sourceRef,
                el(0x0028135a, 'CS', 'YES'),
                el(0x0040a170, 'SQ', [code('121322', 'DCM', 'Source image for image processing operation')]),
              ],
            ]),
            el(0x00089215, 'SQ', [code('113076', 'DCM', 'Segmentation')]),
          ],
        ]),
        el(0x00209111, 'SQ', [[el(0x00209157, 'UL', [i + 1])]]),
        el(0x0062000a, 'SQ', [[el(0x0062000b, 'US', i + 1)]]),
      ]),
    ),
    el(0x7fe00010, 'OB', bits),
  ];
  if (source.seriesInstanceUid) {
    ds.push(el(0x00081115, 'SQ', [[el(0x0008114a, 'SQ', [sourceRef]), el(0x0020000e, 'UI', source.seriesInstanceUid)]]));
  }
  return writeDicom(ds);
}

/** PS3.5 9.1: digits and dots, no leading zeros in a component, at most 64 characters. */
export function isUid(uid: string): boolean {
  return uid.length <= 64 && /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/.test(uid);
}

function pixelMeasures(spacing: SegInput['pixelSpacing'], sliceThickness: Uint8Array | undefined): DicomItem {
  const measures: DicomItem = [
    ...(spacing ? [el(0x00280030, 'DS', `${round6(spacing.row)}\\${round6(spacing.column)}`)] : []),
    ...(sliceThickness ? [el(0x00180050, 'DS', sliceThickness)] : []),
  ];
  return measures.length > 0 ? [el(0x00289110, 'SQ', [measures])] : [];
}

function round6(x: number): string {
  return String(Math.round(x * 1e6) / 1e6);
}
