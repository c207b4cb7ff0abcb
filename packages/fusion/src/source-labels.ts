import { foregroundOnFrame, type ForegroundMap } from '@vertxnet/core';
import { FusionInputError } from './errors.js';
import type { FusionResult } from './types.js';

export type UpsampleMethod = 'smooth' | 'nearest';

/**
 * The label mask at SOURCE size: pixel = VerSe code, 0 background and unlabelled bodies.
 *
 * 'smooth' (default): each source pixel maps to a fractional frame position; a body claims it when
 * its bilinear share of the four surrounding frame pixels is the largest among bodies and, where
 * the body has U-Net support, the bilinear foreground probability is > 0.5 (else, and where the
 * body's frame pixels there were filled in from its instance mask, its share ≥ 0.5).
 * Boundaries follow the interpolated probability instead of the frame's pixel staircase.
 * 'nearest': the frame pixel under each source pixel (blocky; kept for comparison).
 */
export function toSourceLabels(
  fusion: FusionResult,
  foreground: ForegroundMap | undefined,
  sourceWidth: number,
  sourceHeight: number,
  method: UpsampleMethod = 'smooth',
): Uint8Array {
  const { frame, instanceMap, vertebrae } = fusion;
  if (!(Number.isInteger(sourceWidth) && Number.isInteger(sourceHeight) && sourceWidth > 0 && sourceHeight > 0)) {
    throw new FusionInputError(`source size ${sourceWidth}x${sourceHeight} is invalid`);
  }
  // A U-Net answer on a coarser frame of the film than fusion's (the Mask R-CNN took a region pass) is put on fusion's frame.
  if (
    foreground &&
    foreground.frame.size < frame.size &&
    foreground.frame.sourceWidth === frame.sourceWidth &&
    foreground.frame.sourceHeight === frame.sourceHeight
  ) {
    foreground = foregroundOnFrame(foreground, frame);
  }
  if (foreground && foreground.probability.length !== frame.width * frame.height) {
    throw new FusionInputError('foreground does not match the fusion frame');
  }
  const codes = new Uint8Array(vertebrae.length + 1);
  vertebrae.forEach((v, i) => (codes[i + 1] = v.verseCode ?? 0));
  const grid: SourceGrid = { W: frame.width, H: frame.height, sourceWidth, sourceHeight, kx: frame.width / sourceWidth, ky: frame.height / sourceHeight };
  if (method === 'nearest') return nearestLabels(grid, instanceMap, codes);
  const out = new Uint8Array(sourceWidth * sourceHeight);
  const prob = foreground?.probability;
  vertebrae.forEach((v, idx) => {
    const code = codes[idx + 1]!;
    if (!code) return;
    paintBody(out, grid, instanceMap, v.source !== 'maskrcnn' ? prob : undefined, idx + 1, code, v.bbox);
  });
  return out;
}

/** Frame size, source size, and frame pixels per source pixel along each axis. */
interface SourceGrid {
  W: number;
  H: number;
  sourceWidth: number;
  sourceHeight: number;
  kx: number;
  ky: number;
}

/** 'nearest': the frame pixel under each source pixel, as its VerSe code. */
function nearestLabels(grid: SourceGrid, instanceMap: FusionResult['instanceMap'], codes: Uint8Array): Uint8Array {
  const { W, H, sourceWidth, sourceHeight, kx, ky } = grid;
  const out = new Uint8Array(sourceWidth * sourceHeight);
  for (let y = 0; y < sourceHeight; y++) {
    const fy = Math.min(H - 1, Math.floor((y + 0.5) * ky));
    for (let x = 0; x < sourceWidth; x++) out[y * sourceWidth + x] = codes[instanceMap[fy * W + Math.min(W - 1, Math.floor((x + 0.5) * kx))]!]!;
  }
  return out;
}

/**
 * 'smooth' for one body (instance `k`, VerSe `code`): over the source pixels its frame bbox covers
 * (one frame pixel of margin), claim each still-unclaimed pixel the body wins by bilinear share and,
 * where `prob` is given (the body has U-Net support), by interpolated foreground probability.
 */
function paintBody(
  out: Uint8Array,
  grid: SourceGrid,
  instanceMap: FusionResult['instanceMap'],
  prob: ForegroundMap['probability'] | undefined,
  k: number,
  code: number,
  bbox: readonly [number, number, number, number],
): void {
  const { W, H, sourceWidth, sourceHeight, kx, ky } = grid;
  const [bx0, by0, bx1, by1] = bbox;
  const sx0 = Math.max(0, Math.floor((bx0 - 1) / kx));
  const sy0 = Math.max(0, Math.floor((by0 - 1) / ky));
  const sx1 = Math.min(sourceWidth, Math.ceil((bx1 + 1) / kx));
  const sy1 = Math.min(sourceHeight, Math.ceil((by1 + 1) / ky));
  for (let y = sy0; y < sy1; y++) {
    const fy = (y + 0.5) * ky - 0.5;
    const y0 = Math.max(0, Math.min(H - 1, Math.floor(fy)));
    const y1 = Math.min(H - 1, y0 + 1);
    const wy = Math.min(1, Math.max(0, fy - y0));
    for (let x = sx0; x < sx1; x++) {
      const o = y * sourceWidth + x;
      if (out[o]) continue;
      const fx = (x + 0.5) * kx - 0.5;
      const x0 = Math.max(0, Math.min(W - 1, Math.floor(fx)));
      const x1 = Math.min(W - 1, x0 + 1);
      const wx = Math.min(1, Math.max(0, fx - x0));
      const i00 = y0 * W + x0;
      const i01 = y0 * W + x1;
      const i10 = y1 * W + x0;
      const i11 = y1 * W + x1;
      const w00 = (1 - wx) * (1 - wy);
      const w01 = wx * (1 - wy);
      const w10 = (1 - wx) * wy;
      const w11 = wx * wy;
      const l00 = instanceMap[i00]!;
      const l01 = instanceMap[i01]!;
      const l10 = instanceMap[i10]!;
      const l11 = instanceMap[i11]!;
      const own = (l00 === k ? w00 : 0) + (l01 === k ? w01 : 0) + (l10 === k ? w10 : 0) + (l11 === k ? w11 : 0);
      if (own === 0) continue;
      // Largest share among the other bodies at this position (0 = background does not compete).
      let other = 0;
      if (l00 && l00 !== k) other = Math.max(other, shareOf(l00, l00, l01, l10, l11, w00, w01, w10, w11));
      if (l01 && l01 !== k) other = Math.max(other, shareOf(l01, l00, l01, l10, l11, w00, w01, w10, w11));
      if (l10 && l10 !== k) other = Math.max(other, shareOf(l10, l00, l01, l10, l11, w00, w01, w10, w11));
      if (l11 && l11 !== k) other = Math.max(other, shareOf(l11, l00, l01, l10, l11, w00, w01, w10, w11));
      if (own < other) continue;
      if (prob !== undefined && !(own >= 0.5 && instanceOnly(k, l00, l01, l10, l11, prob[i00]!, prob[i01]!, prob[i10]!, prob[i11]!))) {
        const p = prob[i00]! * w00 + prob[i01]! * w01 + prob[i10]! * w10 + prob[i11]! * w11;
        if (p <= 127.5) continue;
      } else if (own + other < 0.5) {
        continue;
      }
      out[o] = code;
    }
  }
}

/**
 * Whether the body's frame pixels around a source pixel all lie where the U-Net saw nothing: there
 * the body was filled in from its instance mask (fuse: an under-segmented body), so the body's share
 * decides, not the probability.
 */
function instanceOnly(k: number, l00: number, l01: number, l10: number, l11: number, p00: number, p01: number, p10: number, p11: number): boolean {
  return (l00 !== k || p00 <= 127) && (l01 !== k || p01 <= 127) && (l10 !== k || p10 <= 127) && (l11 !== k || p11 <= 127);
}

function shareOf(l: number, l00: number, l01: number, l10: number, l11: number, w00: number, w01: number, w10: number, w11: number): number {
  return (l00 === l ? w00 : 0) + (l01 === l ? w01 : 0) + (l10 === l ? w10 : 0) + (l11 === l ? w11 : 0);
}
