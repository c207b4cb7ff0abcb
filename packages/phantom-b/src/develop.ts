import { gaussianBlur } from './filters.js';
import type { Box } from './geometry.js';
import type { FilmRandom } from './random.js';

/** The system's image processing: log, optional unsharp mask, a percentile window and a tone curve. */
export interface Processing {
  /** Unsharp-mask gain (0: off) and its kernel, mm. */
  unsharp: number;
  unsharpMm: number;
  /** Window from these percentiles of the log signal inside the exposed field. */
  lowPercentile: number;
  highPercentile: number;
  /** Tone curve: gamma, then a sigmoid of this steepness. */
  gamma: number;
  steepness: number;
}

export function drawProcessing(rng: FilmRandom): Processing {
  return {
    unsharp: rng.chance(0.7) ? rng.between(0.3, 1.4) : 0,
    unsharpMm: rng.between(2, 9),
    lowPercentile: rng.between(0.5, 6),
    highPercentile: rng.between(99, 99.9),
    gamma: rng.between(0.75, 1.35),
    steepness: rng.between(2.5, 7),
  };
}

/** Develops a detector signal into display values 0..1 (bone bright: high log attenuation is white). */
export function develop(signal: Float32Array, w: number, h: number, field: Box, spacing: number, p: Processing): Float32Array {
  let log = new Float32Array(w * h);
  for (let k = 0; k < log.length; k++) log[k] = -Math.log(signal[k]!);
  if (p.unsharp > 0) {
    const smooth = gaussianBlur(log, w, h, p.unsharpMm / spacing);
    const sharp = new Float32Array(w * h);
    for (let k = 0; k < log.length; k++) sharp[k] = log[k]! + p.unsharp * (log[k]! - smooth[k]!);
    log = sharp;
  }
  const [lo, hi] = windowOf(log, w, field, p);
  const curve = toneCurve(p);
  const last = curve.length - 1;
  const out = new Float32Array(w * h);
  for (let k = 0; k < log.length; k++) {
    const x = Math.min(1, Math.max(0, (log[k]! - lo) / (hi - lo)));
    out[k] = curve[Math.round(x * last)]!;
  }
  return out;
}

/** The tone curve as a 4096-entry table: gamma, then a sigmoid rescaled to run from 0 to 1. */
function toneCurve(p: Processing): Float32Array {
  const s0 = sigmoid(-p.steepness / 2);
  const s1 = sigmoid(p.steepness / 2);
  const table = new Float32Array(4096);
  for (let i = 0; i < table.length; i++) table[i] = (sigmoid(p.steepness * ((i / (table.length - 1)) ** p.gamma - 0.5)) - s0) / (s1 - s0);
  return table;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Percentiles of the log signal over a sample of the anatomy in the exposed field: like a CR reader's
 * exposure recognition, direct exposure (log below 0.7: more than half the beam through) is left out.
 */
function windowOf(log: Float32Array, w: number, field: Box, p: Processing): [number, number] {
  const step = Math.max(1, Math.floor(Math.sqrt(((field.x1 - field.x0) * (field.y1 - field.y0)) / 200_000)));
  const values: number[] = [];
  for (let y = Math.ceil(field.y0); y < Math.floor(field.y1); y += step) {
    for (let x = Math.ceil(field.x0); x < Math.floor(field.x1); x += step) if (log[y * w + x]! > 0.7) values.push(log[y * w + x]!);
  }
  if (values.length < 16) return [0, 1];
  const sample = Float32Array.from(values).sort();
  const at = (q: number) => sample[Math.min(sample.length - 1, Math.max(0, Math.round((q / 100) * (sample.length - 1))))]!;
  const lo = at(p.lowPercentile);
  const hi = at(p.highPercentile);
  return [lo, Math.max(hi, lo + 1e-3)];
}
