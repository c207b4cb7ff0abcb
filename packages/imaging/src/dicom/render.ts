import type { DicomPixels } from './decode.js';
import { getNumbers, getString, getStrings, getUint16, type DicomDataset } from './parse.js';
import { T } from './tags.js';

interface Lut {
  first: number;
  bits: number;
  data: Int32Array;
}

function readLut(item: DicomDataset, littleEndian: boolean): Lut | undefined {
  const desc = [0, 1, 2].map((i) => getUint16(item, T.lutDescriptor, i));
  const dataEl = item.elements.get(T.lutData);
  if (desc.some((d) => d === undefined) || !dataEl) return undefined;
  const entries = desc[0] === 0 ? 65536 : desc[0]!;
  // First mapped value is US or SS depending on the pixel representation; treat >32767 as signed only when read as SS.
  const first = desc[1]!;
  const bits = desc[2]!;
  const dv = new DataView(dataEl.value.buffer, dataEl.value.byteOffset, dataEl.value.byteLength);
  const data = new Int32Array(entries);
  if (bits <= 8 && dataEl.value.length === entries) {
    for (let i = 0; i < entries; i++) data[i] = dataEl.value[i]!;
  } else {
    if (dataEl.value.length < entries * 2) return undefined;
    for (let i = 0; i < entries; i++) data[i] = dv.getUint16(2 * i, littleEndian);
  }
  return { first, bits, data };
}

const lutAt = (lut: Lut, x: number) => lut.data[Math.min(lut.data.length - 1, Math.max(0, Math.round(x) - lut.first))]!;

/**
 * The canonical 8-bit grey image of a decoded DICOM frame, bone bright:
 * stored value → Modality LUT Sequence or Rescale Slope/Intercept → the first VOI LUT Sequence item,
 * else the first Window Center/Width (LINEAR, LINEAR_EXACT or SIGMOID), else the 0.5th–99.5th
 * nearest-rank percentile window → inverted for MONOCHROME1 (or Presentation LUT Shape INVERSE
 * on MONOCHROME2). Sets info.window, info.inverted and info.modalityTransform.
 */
export function renderCanonical(px: DicomPixels): Uint8Array {
  const { values, dataset: ds, info } = px;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (values.length === 0) return new Uint8Array(0);
  const span = max - min + 1;
  // Modality transform per distinct stored value.
  const modality = new Float64Array(span);
  const modLut = getSequence0(ds, T.modalityLutSeq);
  const mlut = modLut ? readLut(modLut, ds.littleEndian) : undefined;
  if (mlut) {
    info.modalityTransform = 'modality-lut';
    for (let k = 0; k < span; k++) modality[k] = lutAt(mlut, min + k);
  } else {
    const slope = getNumbers(ds, T.rescaleSlope)?.[0];
    const intercept = getNumbers(ds, T.rescaleIntercept)?.[0];
    const s = slope !== undefined && Number.isFinite(slope) && slope !== 0 ? slope : 1;
    const b = intercept !== undefined && Number.isFinite(intercept) ? intercept : 0;
    if (s !== 1 || b !== 0) info.modalityTransform = 'rescale';
    for (let k = 0; k < span; k++) modality[k] = (min + k) * s + b;
  }
  const out8 = new Uint8Array(span);
  const voiItem = getSequence0(ds, T.voiLutSeq);
  const vlut = voiItem ? readLut(voiItem, ds.littleEndian) : undefined;
  const centers = getNumbers(ds, T.windowCenter);
  const widths = getNumbers(ds, T.windowWidth);
  const c = centers?.[0];
  const w = widths?.[0];
  if (vlut) {
    const top = 2 ** vlut.bits - 1;
    for (let k = 0; k < span; k++) out8[k] = clamp8((lutAt(vlut, modality[k]!) / top) * 255);
    const explanation = voiItem ? getString(voiItem, 0x00283003) : undefined;
    info.window = { kind: 'voi-lut', ...(explanation ? { explanation } : {}) };
  } else if (c !== undefined && w !== undefined && Number.isFinite(c) && Number.isFinite(w) && w >= 1) {
    const fn = (getString(ds, T.voiFunction) ?? 'LINEAR').toUpperCase();
    for (let k = 0; k < span; k++) {
      const x = modality[k]!;
      let y: number;
      if (fn === 'SIGMOID') y = 255 / (1 + Math.exp((-4 * (x - c)) / w));
      else if (fn === 'LINEAR_EXACT') y = ((x - c) / w + 0.5) * 255;
      else if (x <= c - 0.5 - (w - 1) / 2) y = 0;
      else if (x > c - 0.5 + (w - 1) / 2) y = 255;
      else y = ((x - (c - 0.5)) / (w - 1) + 0.5) * 255;
      out8[k] = clamp8(y);
    }
    const explanation = getStrings(ds, T.windowExplanation)?.[0];
    info.window = { kind: 'window', center: c, width: w, ...(explanation ? { explanation } : {}) };
  } else {
    // Percentile window over the modality values (nearest rank, as for other 16-bit images).
    const hist = new Uint32Array(span);
    for (let i = 0; i < values.length; i++) hist[values[i]! - min]!++;
    const order = Array.from({ length: span }, (_, k) => k).filter((k) => hist[k]! > 0);
    order.sort((a, b) => modality[a]! - modality[b]!);
    const pct = (p: number) => {
      const rank = Math.min(values.length, Math.max(1, Math.ceil((p / 100) * values.length)));
      let cum = 0;
      for (const k of order) {
        cum += hist[k]!;
        if (cum >= rank) return modality[k]!;
      }
      return modality[order[order.length - 1]!]!;
    };
    const lo = pct(0.5);
    const hi = pct(99.5);
    const top = hi <= lo ? lo + 1 : hi;
    const scale = 255 / (top - lo);
    for (let k = 0; k < span; k++) out8[k] = clamp8(Math.floor((modality[k]! - lo) * scale + 0.5));
    info.window = { kind: 'percentile', low: 0.5, high: 99.5 };
  }
  const out = new Uint8Array(values.length);
  if (info.inverted) for (let k = 0; k < span; k++) out8[k] = 255 - out8[k]!;
  for (let i = 0; i < values.length; i++) out[i] = out8[values[i]! - min]!;
  return out;
}

function clamp8(y: number): number {
  const r = Math.round(y);
  return r < 0 ? 0 : r > 255 ? 255 : r;
}

function getSequence0(ds: DicomDataset, tag: number): DicomDataset | undefined {
  const el = ds.elements.get(tag);
  return el?.items?.[0];
}
