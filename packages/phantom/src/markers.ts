import { forEachTextPixel, GLYPH_HEIGHT, textWidth } from './font.js';
import type { Rng } from './prng.js';
import type { Facing } from './camera.js';
import type { View } from '@vertxnet/core';

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

function free(mask: Uint8Array, width: number, r: Rect): boolean {
  for (let y = r.y; y < r.y + r.h; y++) for (let x = r.x; x < r.x + r.w; x++) if (mask[y * width + x] !== 0) return false;
  return true;
}

/**
 * Burns in an L/R marker and a view label ("LAT") in free corners: text never covers a labelled body,
 * so the ground truth stays true.
 */
export function burnInMarkers(image: Float32Array, mask: Uint8Array, width: number, height: number, view: View, facing: Facing, rng: Rng): void {
  const labels = view === 'cervical' ? ['LAT', 'C-SPINE LAT', 'LATERAL', 'LAT ERECT', 'CS LAT'] : ['LAT', 'L-SPINE LAT', 'LATERAL', 'LAT STANDING', 'LS LAT'];
  burnInText(image, mask, width, height, labels, facing, rng);
}

/** An L/R marker and one of `labels` in free corners (pixels where `mask` is 0). */
export function burnInText(image: Float32Array, mask: Uint8Array, width: number, height: number, labels: readonly string[], facing: Facing, rng: Rng): void {
  const cap = Math.max(7, Math.round(height * rng.range(0.014, 0.03)));
  const scale = Math.max(1, Math.round(cap / GLYPH_HEIGHT));
  const texts = [rng.chance(0.5) ? (facing === 'left' ? 'L' : 'R') : rng.pick(['L', 'R']), rng.pick(labels)];
  const corners = ['tl', 'tr', 'bl', 'br'];
  const margin = Math.round(Math.min(width, height) * 0.03);
  for (const text of texts) {
    if (corners.length === 0) break;
    const corner = corners.splice(rng.int(0, corners.length - 1), 1)[0]!;
    const boxed = text.length === 1 && rng.chance(0.6);
    const pad = boxed ? 2 * scale : 0;
    const w = textWidth(text, scale) + 2 * pad;
    const h = GLYPH_HEIGHT * scale + 2 * pad;
    if (w + 2 * margin > width || h + 2 * margin > height) continue;
    const rect: Rect = {
      x: corner.endsWith('l') ? margin : width - margin - w,
      y: corner.startsWith('t') ? margin : height - margin - h,
      w,
      h,
    };
    if (!free(mask, width, rect)) continue;
    const ink = rng.chance(0.85) ? 1 : 0;
    if (boxed) {
      for (let y = rect.y; y < rect.y + h; y++) for (let x = rect.x; x < rect.x + w; x++) image[y * width + x] = 1 - ink;
    }
    forEachTextPixel(text, rect.x + pad, rect.y + pad, scale, (x, y) => {
      image[y * width + x] = ink;
    });
  }
}
