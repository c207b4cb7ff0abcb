import { gaussianBlur, lowPass } from './blur.js';
import { NormalTable } from './noise.js';
import type { Rng } from './prng.js';

/** Settings of the simulated detector and image processing, drawn per image. */
export interface Exposure {
  blurMm: number;
  lowQuantile: number;
  highQuantile: number;
  gamma: number;
  /** Sigmoid contrast, 0 for none. */
  contrast: number;
  unsharpAmount: number;
  unsharpMm: number;
  noise: number;
  heel: number;
  /** Dynamic-range compression: share of the wide low-pass subtracted (as DR processing does). */
  compression: number;
  compressionMm: number;
}

export function drawExposure(rng: Rng): Exposure {
  return {
    blurMm: rng.range(0.08, 0.45),
    lowQuantile: rng.range(0.01, 0.4),
    highQuantile: rng.range(0.985, 0.9995),
    gamma: rng.range(0.65, 1.5),
    contrast: rng.chance(0.5) ? rng.range(2, 7) : 0,
    unsharpAmount: rng.chance(0.6) ? rng.range(0.1, 0.7) : 0,
    unsharpMm: rng.range(1.5, 5),
    noise: rng.range(0.004, 0.045),
    heel: rng.range(-0.1, 0.1),
    compression: rng.chance(0.75) ? rng.range(0.3, 0.85) : 0,
    compressionMm: rng.range(12, 35),
  };
}

function quantiles(field: Float32Array, rng: Rng, qs: number[]): number[] {
  const n = 4096;
  const sample = new Float32Array(n);
  for (let i = 0; i < n; i++) sample[i] = field[Math.floor(rng.next() * field.length)]!;
  sample.sort();
  return qs.map((q) => sample[Math.min(n - 1, Math.floor(q * n))]!);
}

const LUT_SIZE = 4096;
const LUT_BOTTOM = -0.6;
const LUT_TOP = 1.15;
const KNEE = 0.06;

/** Tone curve over normalised attenuation [LUT_BOTTOM, LUT_TOP]: soft knee at 0, gamma, optional sigmoid. */
function toneCurve(e: Exposure): Float32Array {
  const sig = (t: number) => 1 / (1 + Math.exp(-e.contrast * (t - 0.5)));
  const s0 = sig(0);
  const s1 = sig(1);
  const lut = new Float32Array(LUT_SIZE + 1);
  for (let i = 0; i <= LUT_SIZE; i++) {
    const x = LUT_BOTTOM + (i / LUT_SIZE) * (LUT_TOP - LUT_BOTTOM);
    // Softplus knee: thin tissue rolls off into black instead of clipping flat.
    let t = Math.pow(KNEE * Math.log1p(Math.exp(x / KNEE)), e.gamma);
    if (e.contrast > 0) t = (sig(t) - s0) / (s1 - s0);
    lut[i] = t;
  }
  return lut;
}

/**
 * Turns attenuation into a processed radiograph in [0, 1], MONOCHROME2 (bone bright): detector blur,
 * windowing, tone curve, edge enhancement, quantum noise (stronger where fewer photons arrive), heel effect.
 */
export function develop(attenuation: Float32Array, width: number, height: number, mmPerPixel: number, e: Exposure, rng: Rng): Float32Array {
  const out = gaussianBlur(attenuation, width, height, e.blurMm / mmPerPixel);
  if (e.compression > 0) {
    const wide = lowPass(out, width, height, e.compressionMm / mmPerPixel);
    for (let i = 0; i < out.length; i++) out[i] = out[i]! - e.compression * wide[i]!;
  }
  const [lo, top, mid, q97] = quantiles(out, rng, [e.lowQuantile, e.highQuantile, 0.5, 0.97]) as [number, number, number, number];
  // Metal must not set the window: cap the top at a bone-like level above the bulk of the image.
  const hi = Math.min(top, q97 + 1.2 * (q97 - mid));
  const span = Math.max(1e-3, hi - lo);
  const toIndex = LUT_SIZE / (LUT_TOP - LUT_BOTTOM);
  const lut = toneCurve(e);
  for (let i = 0; i < out.length; i++) {
    const k = ((out[i]! - lo) / span - LUT_BOTTOM) * toIndex;
    out[i] = lut[k <= 0 ? 0 : k >= LUT_SIZE ? LUT_SIZE : k | 0]!;
  }
  if (e.unsharpAmount > 0) {
    const low = lowPass(out, width, height, e.unsharpMm / mmPerPixel);
    const a = e.unsharpAmount;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + a * (out[i]! - low[i]!);
  }
  const normals = new NormalTable(rng);
  for (let y = 0; y < height; y++) {
    const heel = 1 + e.heel * (y / height - 0.5);
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const v = out[row + x]! * heel;
      const noisy = v + normals.next() * e.noise * (0.35 + 0.9 * (v > 0 ? v : 0));
      out[row + x] = noisy < 0 ? 0 : noisy > 1 ? 1 : noisy;
    }
  }
  return out;
}
