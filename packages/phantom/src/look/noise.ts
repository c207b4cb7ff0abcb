import { gaussianBlur } from '../blur.js';
import { NormalTable } from '../noise.js';
import type { Rng } from '../prng.js';

/** Added noise in grey-value units (the film spans 0–1). */
export interface NoiseLook {
  /** Standard deviation of white Gaussian noise. */
  gaussian: number;
  /** Signal-dependent (Poisson-like) noise: sd = signal·√v. */
  signal: number;
  /** Fine-grained texture: white noise blurred to `grainPx`, with this standard deviation. */
  grain: number;
  grainPx: number;
}

export function drawNoise(rng: Rng, strength: number): NoiseLook {
  return {
    gaussian: rng.chance(0.6) ? strength * rng.range(0.003, 0.04) : 0,
    signal: rng.chance(0.5) ? strength * rng.range(0.01, 0.07) : 0,
    grain: rng.chance(0.4) ? strength * rng.range(0.01, 0.04) : 0,
    grainPx: rng.range(0.7, 1.8),
  };
}

export function applyNoise(image: Float32Array, width: number, height: number, n: NoiseLook, rng: Rng): void {
  const normals = new NormalTable(rng);
  if (n.gaussian > 0 || n.signal > 0) {
    for (let i = 0; i < image.length; i++) {
      const v = image[i]!;
      image[i] = v + normals.next() * (n.gaussian + n.signal * Math.sqrt(v > 0 ? v : 0));
    }
  }
  if (n.grain > 0) {
    const white = new Float32Array(image.length);
    for (let i = 0; i < white.length; i++) white[i] = normals.next();
    const grain = gaussianBlur(white, width, height, n.grainPx);
    // Blurring white noise lowers its sd by about 1 / (2σ√π): restore the drawn sd.
    const gain = n.grain * 2 * n.grainPx * Math.sqrt(Math.PI);
    for (let i = 0; i < image.length; i++) image[i]! += gain * grain[i]!;
  }
}
