import { el, encodeRleFrame, newUid, writeDicom, type DicomWriteElement } from './write.js';

export interface DxOptions {
  width: number;
  height: number;
  /** Grey values, row-major; bone bright (MONOCHROME2) unless `monochrome1`. */
  pixels: Uint16Array;
  bitsStored?: number;
  /** Store inverted (MONOCHROME1, as many CR/DX devices do). */
  monochrome1?: boolean;
  /** Row/column spacing in mm, written as Imager Pixel Spacing (and Pixel Spacing when `calibrated`). */
  spacing?: number;
  calibrated?: boolean;
  bodyPart?: string;
  seriesDescription?: string;
  /** View Position (0018,5101). @defaultValue 'LL' */
  viewPosition?: string;
  window?: { center: number; width: number };
  rescale?: { slope: number; intercept: number };
  /** Patient module values; fictional by default. */
  patient?: { name?: string; id?: string; birthDate?: string };
  accessionNumber?: string;
  /** 'explicit-le' (default), 'rle', or an already-compressed frame of the given transfer syntax. */
  transferSyntax?: 'explicit-le' | 'rle' | { uid: string; frame: Uint8Array };
  uids?: { study?: string; series?: string; sop?: string };
}

/** DX Image Storage, For Presentation. */
export const DX_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.1.1';

/** A realistic single-frame 16-bit DX file (Explicit VR LE or RLE Lossless). */
export function encodeDx(o: DxOptions): Uint8Array {
  const bitsStored = o.bitsStored ?? 12;
  const stored = o.monochrome1 ? invert(o.pixels, bitsStored) : o.pixels;
  const sop = o.uids?.sop ?? newUid();
  const ds: DicomWriteElement[] = [
    el(0x00080005, 'CS', 'ISO_IR 100'),
    el(0x00080008, 'CS', 'ORIGINAL\\PRIMARY'),
    el(0x00080016, 'UI', DX_SOP_CLASS),
    el(0x00080018, 'UI', sop),
    el(0x00080020, 'DA', '20240102'),
    el(0x00080030, 'TM', '101500'),
    el(0x00080050, 'SH', o.accessionNumber ?? 'ACC0001'),
    el(0x00080060, 'CS', 'DX'),
    el(0x00080068, 'CS', 'FOR PRESENTATION'),
    el(0x00080070, 'LO', 'VertXNet Phantom'),
    el(0x00080080, 'LO', 'Synthetic Hospital'),
    el(0x00080090, 'PN', 'Referrer^Synthetic'),
    el(0x0008103e, 'LO', o.seriesDescription ?? 'SPINE LAT'),
    el(0x00100010, 'PN', o.patient?.name ?? 'Phantom^Synthetic'),
    el(0x00100020, 'LO', o.patient?.id ?? 'PHANTOM-0001'),
    el(0x00100030, 'DA', o.patient?.birthDate ?? '19700101'),
    el(0x00100040, 'CS', 'O'),
    el(0x00180015, 'CS', o.bodyPart ?? 'SPINE'),
    el(0x00185101, 'CS', o.viewPosition ?? 'LL'),
    el(0x0020000d, 'UI', o.uids?.study ?? newUid()),
    el(0x0020000e, 'UI', o.uids?.series ?? newUid()),
    el(0x00200010, 'SH', '1'),
    el(0x00200011, 'IS', '1'),
    el(0x00200013, 'IS', '1'),
    el(0x00200020, 'CS', 'A\\F'),
    el(0x00280002, 'US', 1),
    el(0x00280004, 'CS', o.monochrome1 ? 'MONOCHROME1' : 'MONOCHROME2'),
    el(0x00280010, 'US', o.height),
    el(0x00280011, 'US', o.width),
    el(0x00280100, 'US', 16),
    el(0x00280101, 'US', bitsStored),
    el(0x00280102, 'US', bitsStored - 1),
    el(0x00280103, 'US', 0),
    el(0x00281040, 'CS', 'LIN'),
    el(0x00281041, 'SS', o.monochrome1 ? -1 : 1),
    el(0x00281052, 'DS', String(o.rescale?.intercept ?? 0)),
    el(0x00281053, 'DS', String(o.rescale?.slope ?? 1)),
    el(0x00281054, 'LO', 'US'),
    el(0x20500020, 'CS', o.monochrome1 ? 'INVERSE' : 'IDENTITY'),
    el(0x7fe00010, 'OW', stored),
  ];
  if (o.spacing) {
    const s = `${o.spacing}\\${o.spacing}`;
    ds.push(el(0x00181164, 'DS', s));
    if (o.calibrated) ds.push(el(0x00280030, 'DS', s));
  }
  if (o.window) ds.push(el(0x00281050, 'DS', String(o.window.center)), el(0x00281051, 'DS', String(o.window.width)));
  if (typeof o.transferSyntax === 'object') {
    return writeDicom(ds, { transferSyntax: o.transferSyntax.uid, encapsulated: [o.transferSyntax.frame] });
  }
  if (o.transferSyntax === 'rle') {
    return writeDicom(ds, { transferSyntax: '1.2.840.10008.1.2.5', encapsulated: [encodeRleFrame(stored)] });
  }
  return writeDicom(ds);
}

function invert(px: Uint16Array, bits: number): Uint16Array {
  const top = (1 << bits) - 1;
  const out = new Uint16Array(px.length);
  for (let i = 0; i < px.length; i++) out[i] = top - px[i]!;
  return out;
}
