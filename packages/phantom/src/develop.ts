import { gaussianBlur } from './blur.js';
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
}

export function drawExposure(rng: Rng): Exposure {
  return {
    blurMm: rng.range(0.08, 0.45),
    lowQuantile: rng.range(0, 0.06),
    highQuantile: rng.range(0.985, 0.9995),
    gamma: rng.range(0.65, 1.5),
    contrast: rng.chance(0.5) ? rng.range(2, 7) : 0,
    unsharpAmount: rng.chance(0.6) ? rng.range(0.2, 1.2) : 0,
    unsharpMm: rng.range(1.5, 5),
    noise: rng.range(0.004, 0.045),
    heel: rng.range(-0.1, 0.1),
  };
}

function quantiles(field: Float32Array, rng: Rng, qs: number[]): number[] {
  const n = 4096;
  const sample = new Float32Array(n);
  for (let i = 0; i < n; i++) sample[i] = field[Math.floor(rng.next() * field.length)]!;
  sample.sort();
  return qs.map((q) => sample[Math.min(n - 1, Math.floor(q * n))]!);
}

/**
 * Turns attenuation into a processed radiograph in [0, 1], MONOCHROME2 (bone bright): detector blur,
 * windowing, tone curve, edge enhancement, quantum noise (stronger where fewer photons arrive), heel effect.
 */
export function develop(attenuation: Float32Array, width: number, height: number, mmPerPixel: number, e: Exposure, rng: Rng): Float32Array {
  const blurred = gaussianBlur(attenuation, width, height, e.blurMm / mmPerPixel);
  const [lo, hi] = quantiles(blurred, rng, [e.lowQuantile, e.highQuantile]) as [number, number];
  const span = Math.max(1e-3, hi - lo);
  const sig = (t: number) => 1 / (1 + Math.exp(-e.contrast * (t - 0.5)));
  const s0 = e.contrast > 0 ? sig(0) : 0;
  const s1 = e.contrast > 0 ? sig(1) : 1;
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) {
    let t = (blurred[i]! - lo) / span;
    t = t < 0 ? 0 : t > 1.15 ? 1.15 : t;
    t = Math.pow(t, e.gamma);
    if (e.contrast > 0) t = (sig(t) - s0) / (s1 - s0);
    out[i] = t;
  }
  let result = out;
  if (e.unsharpAmount > 0) {
    const low = gaussianBlur(out, width, height, e.unsharpMm / mmPerPixel);
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + e.unsharpAmount * (out[i]! - low[i]!);
    result = out;
  }
  const normals = new NormalTable(rng);
  for (let y = 0; y < height; y++) {
    const heel = 1 + e.heel * (y / height - 0.5);
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const v = result[i]! * heel;
      const noisy = v + normals.next() * e.noise * (0.35 + 0.9 * Math.max(0, v));
      result[i] = noisy < 0 ? 0 : noisy > 1 ? 1 : noisy;
    }
  }
  return result;
}
