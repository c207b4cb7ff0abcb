import { valueNoise } from '../noise.js';
import type { Rng } from '../prng.js';

/** A slow additive field over the whole film: a tilted ramp plus blotches (uneven exposure, film base). */
export interface BackgroundLook {
  /** Ramp amplitude from one side of the film to the other. */
  ramp: number;
  rampAngleDegrees: number;
  /** Amplitude of the blotches and their size as a share of the long side. */
  blotch: number;
  blotchScale: number;
  seed: number;
}

export function drawBackground(rng: Rng, strength: number): BackgroundLook {
  return {
    ramp: strength * rng.range(-0.12, 0.12),
    rampAngleDegrees: rng.range(0, 360),
    blotch: strength * rng.range(0, 0.08),
    blotchScale: rng.range(0.15, 0.5),
    seed: rng.int(0, 0x7fffffff),
  };
}

export function applyBackground(image: Float32Array, width: number, height: number, b: BackgroundLook): void {
  const angle = (b.rampAngleDegrees * Math.PI) / 180;
  const dx = Math.cos(angle) / width;
  const dy = Math.sin(angle) / height;
  const cell = b.blotchScale * Math.max(width, height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const ramp = b.ramp * ((x - width / 2) * dx + (y - height / 2) * dy);
      const blotch = b.blotch === 0 ? 0 : b.blotch * (valueNoise(x / cell, y / cell, b.seed) - 0.5) * 2;
      image[row + x]! += ramp + blotch;
    }
  }
}
