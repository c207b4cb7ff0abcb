import type { Rng } from '../prng.js';

export const TONE_CURVES = ['gamma', 'sigmoid', 'piecewise', 'log'] as const;
export type ToneCurveShape = (typeof TONE_CURVES)[number];

/** A re-processing of the grey scale: exposure (gain, offset), then one curve shape. */
export interface ToneLook {
  /** Contrast gain about mid-grey, 1 = unchanged. */
  gain: number;
  /** Brightness offset added after the gain. */
  offset: number;
  curve: ToneCurveShape;
  /** gamma: exponent; sigmoid: slope; log: strength k of log(1 + k·v); piecewise: unused (0). */
  shape: number;
  /** sigmoid: centre; piecewise: the two inner knots as [x1, y1, x2, y2]. */
  knots: number[];
}

/** Histogram squeezed into a narrow band, as on pre-processed or re-digitised films. */
export interface BandLook {
  low: number;
  high: number;
}

const lerp = (identity: number, drawn: number, strength: number) => identity + strength * (drawn - identity);

export function drawTone(rng: Rng, strength: number): ToneLook {
  const curve = rng.pick(TONE_CURVES);
  const gain = lerp(1, rng.range(0.7, 1.4), strength);
  const offset = lerp(0, rng.range(-0.15, 0.15), strength);
  if (curve === 'gamma') return { gain, offset, curve, shape: Math.exp(lerp(0, rng.range(Math.log(0.45), Math.log(2.2)), strength)), knots: [] };
  if (curve === 'sigmoid') return { gain, offset, curve, shape: lerp(1e-3, rng.range(3, 12), strength), knots: [rng.range(0.35, 0.65)] };
  if (curve === 'log') return { gain, offset, curve, shape: lerp(1e-3, Math.exp(rng.range(Math.log(2), Math.log(50))), strength), knots: [] };
  const x1 = rng.range(0.15, 0.45);
  const x2 = rng.range(0.55, 0.85);
  return { gain, offset, curve, shape: 0, knots: [x1, lerp(x1, rng.range(0.05, 0.6), strength), x2, lerp(x2, rng.range(0.4, 0.95), strength)] };
}

export function drawBand(rng: Rng, strength: number): BandLook {
  const width = lerp(1, rng.range(0.25, 0.5), strength);
  const low = rng.range(0.05, Math.max(0.05, 0.95 - width));
  return { low, high: Math.min(1, low + width) };
}

/** The curve as a function on [0, 1] → [0, 1], monotone increasing, end points kept. */
function curveOf(t: ToneLook): (v: number) => number {
  switch (t.curve) {
    case 'gamma':
      return (v) => Math.pow(v, t.shape);
    case 'log':
      return (v) => Math.log1p(t.shape * v) / Math.log1p(t.shape);
    case 'sigmoid': {
      const c = t.knots[0] ?? 0.5;
      const s = (v: number) => 1 / (1 + Math.exp(-t.shape * (v - c)));
      const s0 = s(0);
      const s1 = s(1);
      return (v) => (s(v) - s0) / (s1 - s0);
    }
    case 'piecewise': {
      const [x1 = 1 / 3, y1 = 1 / 3, x2 = 2 / 3, y2 = 2 / 3] = t.knots;
      const ys = [0, y1, Math.max(y1, y2), 1];
      const xs = [0, x1, x2, 1];
      return (v) => {
        const k = v < x1 ? 0 : v < x2 ? 1 : 2;
        return ys[k]! + ((ys[k + 1]! - ys[k]!) * (v - xs[k]!)) / (xs[k + 1]! - xs[k]!);
      };
    }
  }
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** Applies exposure and the tone curve through a lookup table, then the optional narrow band. */
export function applyTone(image: Float32Array, tone: ToneLook, band: BandLook | null): void {
  const size = 4096;
  const curve = curveOf(tone);
  const lut = new Float32Array(size + 1);
  for (let i = 0; i <= size; i++) {
    let v = curve(clamp01((i / size - 0.5) * tone.gain + 0.5 + tone.offset));
    if (band) v = band.low + v * (band.high - band.low);
    lut[i] = v;
  }
  for (let i = 0; i < image.length; i++) image[i] = lut[Math.round(clamp01(image[i]!) * size)]!;
}

/** Inverted polarity: bone dark (a MONOCHROME1 film stored as if MONOCHROME2). */
export function invert(image: Float32Array): void {
  for (let i = 0; i < image.length; i++) image[i] = 1 - image[i]!;
}
