import type { Rng } from '../prng.js';

export const FILM_SIDES = ['left', 'right', 'top', 'bottom'] as const;
export type FilmSide = (typeof FILM_SIDES)[number];

/** A collimator blade's shadow: a straight, possibly tilted band along one side of the film. */
export interface Shutter {
  side: FilmSide;
  /** Depth into the film at the middle of its side, in pixels. */
  depthPx: number;
  tiltDegrees: number;
  /** Grey value under the blade: bright where unexposed, dark where processing masked it. */
  value: number;
  /** Width of the blurred edge in pixels. */
  edgePx: number;
}

/** Pixel box holding every labelled pixel (inclusive), or null when nothing is labelled. */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export function labelledBox(mask: Uint8Array, width: number, height: number): PixelBox | null {
  let box: PixelBox | null = null;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (mask[row + x] === 0) continue;
      if (!box) box = { x0: x, y0: y, x1: x, y1: y };
      else {
        if (x < box.x0) box.x0 = x;
        if (x > box.x1) box.x1 = x;
        box.y1 = y;
      }
    }
  }
  return box;
}

interface Frame {
  /** Length of the side and the film's extent across it, in pixels. */
  length: number;
  depth: number;
  /** The labelled box in this frame: its nearest distance from the side and its span along it. */
  boxInward: number;
  boxAlong: [number, number];
}

function frameOf(side: FilmSide, width: number, height: number, b: PixelBox): Frame {
  switch (side) {
    case 'left':
      return { length: height, depth: width, boxInward: b.x0, boxAlong: [b.y0, b.y1 + 1] };
    case 'right':
      return { length: height, depth: width, boxInward: width - b.x1 - 1, boxAlong: [b.y0, b.y1 + 1] };
    case 'top':
      return { length: width, depth: height, boxInward: b.y0, boxAlong: [b.x0, b.x1 + 1] };
    case 'bottom':
      return { length: width, depth: height, boxInward: height - b.y1 - 1, boxAlong: [b.x0, b.x1 + 1] };
  }
}

/** Pixel index of the pixel `inward` pixels from `side` at position `along` it. */
function pixelAt(side: FilmSide, width: number, height: number, along: number, inward: number): number {
  switch (side) {
    case 'left':
      return along * width + inward;
    case 'right':
      return along * width + width - 1 - inward;
    case 'top':
      return inward * width + along;
    case 'bottom':
      return (height - 1 - inward) * width + along;
  }
}

/**
 * Draws blades on the sides where there is room: a blade never reaches the labelled bodies' box
 * (less a margin for its blurred edge), so the ground truth stays true. A partial view, where bodies
 * touch an edge, gets no blade on that side.
 */
export function drawShutters(rng: Rng, strength: number, width: number, height: number, box: PixelBox | null): Shutter[] {
  const shutters: Shutter[] = [];
  const bright = rng.chance(0.6);
  const value = bright ? rng.range(0.8, 1) : rng.range(0, 0.12);
  for (const side of FILM_SIDES) {
    const on = rng.chance(0.5 * strength);
    const tiltDegrees = rng.range(-8, 8);
    const share = rng.range(0.2, 1);
    const edgePx = rng.range(0.5, 2.5);
    if (!on || !box) continue;
    const f = frameOf(side, width, height, box);
    const margin = 3 + edgePx + 0.01 * Math.max(width, height);
    const t = Math.tan((tiltDegrees * Math.PI) / 180);
    const reach = Math.max((f.boxAlong[0] - f.length / 2) * t, (f.boxAlong[1] - f.length / 2) * t);
    const room = Math.min(f.boxInward - margin - reach, 0.25 * (side === 'left' || side === 'right' ? width : height));
    if (room < 4) continue;
    shutters.push({ side, depthPx: share * room, tiltDegrees, value, edgePx });
  }
  return shutters;
}

export function applyShutters(image: Float32Array, width: number, height: number, shutters: readonly Shutter[]): void {
  for (const s of shutters) {
    const { length, depth } = frameOf(s.side, width, height, { x0: 0, y0: 0, x1: width - 1, y1: height - 1 });
    const t = Math.tan((s.tiltDegrees * Math.PI) / 180);
    for (let along = 0; along < length; along++) {
      const edge = s.depthPx + (along + 0.5 - length / 2) * t;
      // Only the band up to the blurred edge is touched, pixel centres at inward + 0.5.
      for (let inward = 0; inward < depth && inward + 0.5 < edge + s.edgePx / 2; inward++) {
        const d = inward + 0.5 - edge;
        const cover = d <= -s.edgePx / 2 ? 1 : 0.5 - d / s.edgePx;
        const i = pixelAt(s.side, width, height, along, inward);
        image[i] = image[i]! + cover * (s.value - image[i]!);
      }
    }
  }
}
