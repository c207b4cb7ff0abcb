import { gaussianBlur, lowPass } from '../blur.js';
import type { Rng } from '../prng.js';

/** One band of CR/DR edge enhancement: v + amount·(v − lowpass_radius(v)). */
export interface SharpenBand {
  radiusPx: number;
  amount: number;
}

export interface SharpnessLook {
  /** Gaussian blur before enhancement (scanner, resampling), standard deviation in pixels; 0 for none. */
  blurPx: number;
  /** Unsharp-mask bands, small to large radius; empty for none. */
  sharpen: SharpenBand[];
}

export function drawSharpness(rng: Rng, strength: number, longSide: number): SharpnessLook {
  const blurPx = rng.chance(0.5) ? strength * rng.range(0.5, 2.5) : 0;
  const sharpen: SharpenBand[] = [];
  if (rng.chance(0.6)) {
    // Multi-scale: a fine band for edges and up to two wide bands (a few % of the film) for latitude.
    const bands = rng.int(1, 3);
    for (let k = 0; k < bands; k++) {
      const radiusPx = k === 0 ? rng.range(1.5, 4) : rng.range(0.01, 0.06) * longSide;
      sharpen.push({ radiusPx, amount: strength * rng.range(0.2, k === 0 ? 1.2 : 0.8) });
    }
  }
  return { blurPx, sharpen };
}

export function applySharpness(image: Float32Array, width: number, height: number, s: SharpnessLook): void {
  if (s.blurPx > 0) image.set(gaussianBlur(image, width, height, s.blurPx));
  if (s.sharpen.length === 0) return;
  // All bands from the same input, so their order does not matter.
  const lows = s.sharpen.map((b) => (b.radiusPx < 16 ? gaussianBlur(image, width, height, b.radiusPx) : lowPass(image, width, height, b.radiusPx)));
  for (let i = 0; i < image.length; i++) {
    const v = image[i]!;
    let out = v;
    for (let k = 0; k < lows.length; k++) out += s.sharpen[k]!.amount * (v - lows[k]![i]!);
    image[i] = out;
  }
}
