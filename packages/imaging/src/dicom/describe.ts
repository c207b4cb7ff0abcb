import type { View } from '@vertxnet/core';
import type { DicomInfo } from '../image/dicom-info.js';
import { getNumbers, getString, type DicomDataset } from './parse.js';
import { T } from './tags.js';

/** View from Body Part Examined or, failing that, Series Description keywords. */
export function viewFromTags(bodyPart: string | undefined, seriesDescription: string | undefined): View | undefined {
  const norm = (s: string) => s.toUpperCase().replace(/[^A-Z]/g, '');
  if (bodyPart) {
    const b = norm(bodyPart);
    if (['CSPINE', 'NECK', 'CERVICALSPINE', 'CERVICAL', 'HWS'].includes(b)) return 'cervical';
    if (['LSPINE', 'LUMBARSPINE', 'LUMBAR', 'LWS', 'LUMBOSACRAL', 'SSPINE', 'SACRUM'].includes(b)) return 'lumbar';
  }
  if (seriesDescription) {
    const d = seriesDescription.toUpperCase();
    if (/\b(C[- ]?SPINE|CERVICAL|NECK|HWS)\b/.test(d)) return 'cervical';
    if (/\b(L[- ]?SPINE|LUMBAR|LUMBOSACRAL|LWS)\b/.test(d)) return 'lumbar';
  }
  return undefined;
}

/** Body Part Examined values (letters only, upper case) of films that are not of the cervical or lumbar spine. */
const OTHER_BODY_PARTS = new Set([
  'CHEST',
  'THORAX',
  'RIBS',
  'TSPINE',
  'THORACICSPINE',
  'BWS',
  'SKULL',
  'HEAD',
  'FACE',
  'SINUS',
  'ABDOMEN',
  'BREAST',
  'SHOULDER',
  'CLAVICLE',
  'HUMERUS',
  'ELBOW',
  'FOREARM',
  'WRIST',
  'HAND',
  'FINGER',
  'HIP',
  'FEMUR',
  'KNEE',
  'LEG',
  'ANKLE',
  'FOOT',
  'TOE',
  'EXTREMITY',
  'UPPEREXTREMITY',
  'LOWEREXTREMITY',
  'ARM',
]);

/** View Position values that are not a lateral projection (PS3.3 C.8.11.5: AP, PA, obliques). */
const FRONTAL_OR_OBLIQUE = new Set(['AP', 'PA', 'RLO', 'LLO', 'RAO', 'LAO', 'RPO', 'LPO', 'OBL', 'OBLIQUE', 'FRONTAL']);

/**
 * Why the tags say a film is out of scope (not a lateral cervical or lumbar film), or undefined
 * when they do not say so. View Position decides the projection; Body Part Examined the region;
 * Series Description only when it names a frontal or oblique projection or another region and
 * no lateral one (a series "L-SPINE AP+LAT" holds both, so it decides nothing).
 */
export function scopeFromTags(tags: {
  viewPosition?: string | undefined;
  bodyPart?: string | undefined;
  seriesDescription?: string | undefined;
}): string | undefined {
  const norm = (s: string) => s.toUpperCase().replace(/[^A-Z]/g, '');
  const position = tags.viewPosition ? norm(tags.viewPosition) : '';
  if (FRONTAL_OR_OBLIQUE.has(position)) return `DICOM View Position is ${position}, not lateral`;
  const bodyPart = tags.bodyPart ? norm(tags.bodyPart) : '';
  if (OTHER_BODY_PARTS.has(bodyPart)) return `DICOM Body Part Examined is ${bodyPart}, not the cervical or lumbar spine`;
  const description = tags.seriesDescription?.toUpperCase() ?? '';
  if (description && !/\b(LAT|LATERAL|LL|RL|SEITL(ICH)?)\b/.test(description)) {
    if (/\b(AP|PA|A\.P\.|P\.A\.|FRONTAL|OBL|OBLIQUE)\b/.test(description)) return 'DICOM Series Description names a frontal or oblique projection';
    if (/\b(CHEST|THORAX|THORACIC|T[- ]?SPINE|BWS|SKULL|HAND|KNEE|FOOT|PELVIS|HIP|SHOULDER)\b/.test(description)) {
      return 'DICOM Series Description names a region other than the cervical or lumbar spine';
    }
  }
  return undefined;
}

/** What the file says about its image, from its dataset and what the decoder found (window, inversion: see renderCanonical). */
export function describe(
  ds: DicomDataset,
  uid: string,
  tsName: string,
  bitsAllocated: 8 | 16,
  bitsStored: number,
  signed: boolean,
  frames: number,
  photometric: 'MONOCHROME1' | 'MONOCHROME2',
): DicomInfo {
  const info: DicomInfo = {
    transferSyntax: { uid, name: tsName },
    photometric,
    bitsAllocated,
    bitsStored,
    signed,
    frames,
    window: { kind: 'percentile', low: 0.5, high: 99.5 },
    inverted: false,
    modalityTransform: 'none',
  };
  const set = <K extends keyof DicomInfo>(k: K, v: DicomInfo[K] | undefined) => {
    if (v !== undefined) info[k] = v;
  };
  set('sopInstanceUid', getString(ds, T.sopInstance));
  set('sopClassUid', getString(ds, T.sopClass));
  set('seriesInstanceUid', getString(ds, T.seriesUid));
  set('studyInstanceUid', getString(ds, T.studyUid));
  set('modality', getString(ds, T.modality));
  if (frames > 1) info.frameNote = `frame 1 of ${frames} used`;
  for (const [tag, source] of [
    [T.pixelSpacing, 'PixelSpacing'],
    [T.imagerSpacing, 'ImagerPixelSpacing'],
  ] as const) {
    const v = getNumbers(ds, tag);
    if (v && v.length >= 2 && v.every((x) => Number.isFinite(x) && x > 0)) {
      info.pixelSpacing = { row: v[0]!, column: v[1]!, source };
      break;
    }
  }
  const shape = getString(ds, T.presentationShape)?.toUpperCase();
  // MONOCHROME1 images carry INVERSE as a restatement of the same inversion (DX IOD), not a second one.
  info.inverted = photometric === 'MONOCHROME1' || shape === 'INVERSE';
  set('view', viewFromTags(getString(ds, T.bodyPart), getString(ds, T.seriesDescription)));
  set(
    'outOfScope',
    scopeFromTags({ viewPosition: getString(ds, T.viewPosition), bodyPart: getString(ds, T.bodyPart), seriesDescription: getString(ds, T.seriesDescription) }),
  );
  return info;
}
