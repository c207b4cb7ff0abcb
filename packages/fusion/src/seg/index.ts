import { el, newUid, sourceHeaderElements, writeDicom, type DicomItem, type DicomWriteElement } from '@vertxnet/imaging';
import { packSegmentFrames } from './frames.js';
import { checkSegInput, type SegInput } from './input.js';
import { perFrameGroups, pixelMeasures, segmentSequence } from './segments.js';

export { isUid, type SegInput, type SegSource } from './input.js';

export const SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';

/**
 * A DICOM Segmentation (BINARY, one frame per segment, one segment per labelled vertebra named by
 * its level and typed by its SNOMED CT code) referencing the source SOP instance and series. The
 * source's patient and study elements are copied (a derived object in the same study, as highdicom
 * writes it), so a PACS or viewer files it with its image. Steps: checkSegInput (input.ts) →
 * packSegmentFrames (frames.ts) → segmentSequence, perFrameGroups, pixelMeasures (segments.ts).
 */
export function buildSegmentation(input: SegInput): Uint8Array {
  const { width, height, segments, source } = input;
  const types = checkSegInput(input);
  const bits = packSegmentFrames(input.labels, width * height, segments);
  const now = new Date();
  const date = now.toISOString().slice(0, 10).replace(/-/g, '');
  const time = now.toISOString().slice(11, 19).replace(/:/g, '');
  const sop = newUid();
  const dimensionOrg = newUid();
  const sourceRef: DicomItem = [el(0x00081150, 'UI', source.sopClassUid), el(0x00081155, 'UI', source.sopInstanceUid)];
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
    ...dimensionElements(dimensionOrg),
    ...imagePixelElements(width, height, segments.length),
    el(0x00620001, 'CS', 'BINARY'),
    segmentSequence(segments, types, input.algorithm),
    el(0x00620013, 'CS', 'NO'),
    el(0x00700080, 'CS', 'VERTEBRAE'),
    el(0x00700081, 'LO', 'Vertebral bodies labelled by level'),
    el(0x00700084, 'PN', ''),
    el(0x52009229, 'SQ', [pixelMeasures(input.pixelSpacing, sliceThickness)]),
    perFrameGroups(segments.length, sourceRef),
    el(0x7fe00010, 'OB', bits),
  ];
  if (source.seriesInstanceUid) {
    ds.push(el(0x00081115, 'SQ', [[el(0x0008114a, 'SQ', [sourceRef]), el(0x0020000e, 'UI', source.seriesInstanceUid)]]));
  }
  return writeDicom(ds);
}

/** Frames are indexed by segment number (Referenced Segment Number in the Segment Identification). */
function dimensionElements(dimensionOrg: string): DicomWriteElement[] {
  return [
    el(0x00209221, 'SQ', [[el(0x00209164, 'UI', dimensionOrg)]]),
    el(0x00209222, 'SQ', [
      [
        el(0x00209164, 'UI', dimensionOrg),
        el(0x00209165, 'AT', Uint8Array.of(0x62, 0x00, 0x0b, 0x00)),
        el(0x00209167, 'AT', Uint8Array.of(0x62, 0x00, 0x0a, 0x00)),
        el(0x00209421, 'LO', 'Segment Number'),
      ],
    ]),
  ];
}

/** One bit per pixel, MONOCHROME2, one frame per segment. */
function imagePixelElements(width: number, height: number, frames: number): DicomWriteElement[] {
  return [
    el(0x00280002, 'US', 1),
    el(0x00280004, 'CS', 'MONOCHROME2'),
    el(0x00280008, 'IS', String(frames)),
    el(0x00280010, 'US', height),
    el(0x00280011, 'US', width),
    el(0x00280100, 'US', 1),
    el(0x00280101, 'US', 1),
    el(0x00280102, 'US', 0),
    el(0x00280103, 'US', 0),
    el(0x00282110, 'CS', '00'),
  ];
}
