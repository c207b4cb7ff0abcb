import { getSequence, getString, parseDicom, type DicomDataset, type DicomElement } from './parse.js';
import { el, writeDicom, type DicomWriteElement } from './write.js';

/**
 * Elements a derived object (our SEG) copies from its source so that it files with the image:
 * the Patient, Clinical Trial Subject, General Study, Patient Study and Clinical Trial Study modules
 * (highdicom copies the same), plus the facts of the shared pixel grid. Text VRs only, listed with
 * their VR because Implicit VR sources do not carry it. `type2`: written empty when the source
 * lacks it, since the SEG IOD requires the element to be present.
 */
export const SOURCE_HEADER_ELEMENTS: ReadonlyArray<{ tag: number; vr: string; type2?: true }> = [
  { tag: 0x00080005, vr: 'CS' }, // Specific Character Set: the names below are encoded in it
  { tag: 0x00080020, vr: 'DA', type2: true }, // Study Date
  { tag: 0x00080030, vr: 'TM', type2: true }, // Study Time
  { tag: 0x00080050, vr: 'SH', type2: true }, // Accession Number
  { tag: 0x00080090, vr: 'PN', type2: true }, // Referring Physician's Name
  { tag: 0x00081030, vr: 'LO' }, // Study Description
  { tag: 0x00100010, vr: 'PN', type2: true }, // Patient's Name
  { tag: 0x00100020, vr: 'LO', type2: true }, // Patient ID
  { tag: 0x00100021, vr: 'LO' }, // Issuer of Patient ID
  { tag: 0x00100022, vr: 'CS' }, // Type of Patient ID
  { tag: 0x00100030, vr: 'DA', type2: true }, // Patient's Birth Date
  { tag: 0x00100040, vr: 'CS', type2: true }, // Patient's Sex
  { tag: 0x00100200, vr: 'CS' }, // Quality Control Subject
  { tag: 0x00101010, vr: 'AS' }, // Patient's Age
  { tag: 0x00101020, vr: 'DS' }, // Patient's Size
  { tag: 0x00101030, vr: 'DS' }, // Patient's Weight
  { tag: 0x00102160, vr: 'SH' }, // Ethnic Group
  { tag: 0x001021b0, vr: 'LT' }, // Additional Patient History
  { tag: 0x00102201, vr: 'LO' }, // Patient Species Description
  { tag: 0x00102292, vr: 'LO' }, // Patient Breed Description
  { tag: 0x00102297, vr: 'PN' }, // Responsible Person
  { tag: 0x00102298, vr: 'CS' }, // Responsible Person Role
  { tag: 0x00102299, vr: 'LO' }, // Responsible Organization
  { tag: 0x00104000, vr: 'LT' }, // Patient Comments
  { tag: 0x00120010, vr: 'LO' }, // Clinical Trial Sponsor Name
  { tag: 0x00120020, vr: 'LO' }, // Clinical Trial Protocol ID
  { tag: 0x00120021, vr: 'LO' }, // Clinical Trial Protocol Name
  { tag: 0x00120030, vr: 'LO' }, // Clinical Trial Site ID
  { tag: 0x00120031, vr: 'LO' }, // Clinical Trial Site Name
  { tag: 0x00120040, vr: 'LO' }, // Clinical Trial Subject ID
  { tag: 0x00120042, vr: 'LO' }, // Clinical Trial Subject Reading ID
  { tag: 0x00120050, vr: 'LO' }, // Clinical Trial Time Point ID
  { tag: 0x00120051, vr: 'ST' }, // Clinical Trial Time Point Description
  { tag: 0x00120062, vr: 'CS' }, // Patient Identity Removed
  { tag: 0x00120063, vr: 'LO' }, // De-identification Method
  { tag: 0x0020000d, vr: 'UI' }, // Study Instance UID
  { tag: 0x00200010, vr: 'SH', type2: true }, // Study ID
  { tag: 0x00200020, vr: 'CS', type2: true }, // Patient Orientation: the SEG shares the source's pixel grid
  { tag: 0x00200052, vr: 'UI' }, // Frame of Reference UID
  { tag: 0x00201040, vr: 'LO' }, // Position Reference Indicator
];

/** Slice Thickness: needed in the SEG's Pixel Measures when the source has a Frame of Reference. */
const SLICE_THICKNESS = 0x00180050;
const SOP_CLASS = 0x00080016;
const SOP_INSTANCE = 0x00080018;

/**
 * The source's header elements above as a small Part 10 file (no pixels). It holds patient
 * identifiers: it belongs with the image in the work store and must never reach a log or a job
 * record; prepare writes it there for the fusion stage, which copies it into the SEG.
 */
export function extractSourceHeader(ds: DicomDataset): Uint8Array {
  const elements: DicomWriteElement[] = [el(SOP_CLASS, 'UI', getString(ds, SOP_CLASS) ?? ''), el(SOP_INSTANCE, 'UI', getString(ds, SOP_INSTANCE) ?? '')];
  for (const { tag, vr } of SOURCE_HEADER_ELEMENTS) {
    const e = ds.elements.get(tag);
    if (e && !e.items) elements.push(el(tag, vr, e.value));
  }
  const thickness = sliceThickness(ds);
  if (thickness) elements.push(el(SLICE_THICKNESS, 'DS', thickness.value));
  return writeDicom(elements);
}

export interface SourceHeaderCopy {
  /** Top-level elements for the derived object; type 2 ones the source lacks are empty. */
  elements: DicomWriteElement[];
  /** The source's Slice Thickness (DS bytes), for Pixel Measures. */
  sliceThickness?: Uint8Array;
}

/** What a SEG copies from a source header (see extractSourceHeader); without one, empty type 2 elements. */
export function sourceHeaderElements(header: Uint8Array | undefined): SourceHeaderCopy {
  const ds = header ? parseDicom(header).dataset : undefined;
  const elements: DicomWriteElement[] = [];
  for (const { tag, vr, type2 } of SOURCE_HEADER_ELEMENTS) {
    const value = ds?.elements.get(tag)?.value;
    if (value !== undefined) elements.push(el(tag, vr, value));
    else if (type2) elements.push(el(tag, vr, ''));
  }
  const sliceThickness = ds?.elements.get(SLICE_THICKNESS)?.value;
  return { elements, ...(sliceThickness ? { sliceThickness } : {}) };
}

/** Top-level, else from the shared or the first frame's Pixel Measures (enhanced multi-frame files). */
function sliceThickness(ds: DicomDataset): DicomElement | undefined {
  const top = ds.elements.get(SLICE_THICKNESS);
  if (top) return top.items ? undefined : top;
  for (const groups of [0x52009229, 0x52009230]) {
    const measures = first(first(ds, groups), 0x00289110);
    const e = measures?.elements.get(SLICE_THICKNESS);
    if (e && !e.items) return e;
  }
  return undefined;
}

function first(ds: DicomDataset | undefined, tag: number): DicomDataset | undefined {
  return ds ? getSequence(ds, tag)?.[0] : undefined;
}
