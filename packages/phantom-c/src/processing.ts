import type { Plane } from './filters.js';
import { equalise } from './pyramid.js';
import type { Rng } from './random.js';

/** The reader's look-up: band gains, latitude compression, tone curve, what the shutter shows. */
export interface Look {
  /** Gain of bands finer than 0.25 mm, 0.25–3 mm and coarser (edge enhancement lives in the middle). */
  noiseGain: number;
  detailGain: number;
  broadGain: number;
  power: number;
  /** Residual (coarsest) contrast kept, 0–1: lower compresses the latitude more. */
  residual: number;
  /** Tone curve: linear from `toe` to `shoulder` (as a share of the window), knees of sharpness `knee`. */
  toe: number;
  shoulder: number;
  knee: number;
  gamma: number;
  /** Quantile of the anatomy round the spine set to the window's foot. */
  floor: number;
  /** Collimated margins: black (electronic shutter), white, or as read. */
  shutter: 'black' | 'white' | 'raw';
}

export function drawLook(rng: Rng): Look {
  return {
    noiseGain: rng.uniform(0.9, 1.2),
    detailGain: rng.uniform(1.2, 2.4),
    broadGain: rng.uniform(1, 1.35),
    power: rng.uniform(0.6, 0.9),
    residual: rng.uniform(0.2, 0.55),
    toe: rng.uniform(-0.06, 0.08),
    shoulder: rng.uniform(0.92, 1.1),
    knee: rng.uniform(7, 18),
    gamma: rng.uniform(0.8, 1.25),
    floor: rng.uniform(0.01, 0.15),
    shutter: rng.pick(['black', 'black', 'black', 'white', 'raw'] as const),
  };
}

const LUT = 12288;

/** Where the window is read: inside the field, inside `roi` (pixels), brighter than `floor`. */
interface Region {
  open: Uint8Array;
  roi: [number, number, number, number];
  floor: number;
}

/** The `q` quantiles of the plane's values over a region, from a 4096-bin histogram. */
function quantiles(img: Plane, region: Region, q: number[]): number[] {
  const { open, roi, floor } = region;
  const [x0, y0, x1, y1] = [Math.max(0, roi[0]), Math.max(0, roi[1]), Math.min(img.width, roi[2]), Math.min(img.height, roi[3])];
  let lo = Infinity;
  let hi = -Infinity;
  let n = 0;
  // Every other row and column: plenty for a window, a quarter of the work.
  for (let y = y0; y < y1; y += 2)
    for (let x = x0; x < x1; x += 2) {
      const i = y * img.width + x;
      const v = img.data[i]!;
      if (!open[i] || v <= floor) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      n++;
    }
  if (!(hi > lo)) return q.map(() => (Number.isFinite(lo) ? lo : 0));
  const bins = new Uint32Array(4096);
  for (let y = y0; y < y1; y += 2)
    for (let x = x0; x < x1; x += 2) {
      const i = y * img.width + x;
      const v = img.data[i]!;
      if (open[i] && v > floor) bins[Math.min(4095, Math.floor(((v - lo) / (hi - lo)) * 4096))]!++;
    }
  return q.map((p) => {
    let want = p * n;
    for (let b = 0; b < 4096; b++) {
      want -= bins[b]!;
      if (want <= 0) return lo + ((b + 0.5) / 4096) * (hi - lo);
    }
    return hi;
  });
}

/**
 * From detected quanta to display values in [0, 1], bone bright: log, multi-scale equalisation,
 * a window from the anatomy's histogram (as a reader's exposure recognition finds it), tone curve.
 */
export function develop(
  signal: Plane,
  read: { unattenuated: number; open: Uint8Array; roi: [number, number, number, number]; spacing: number; look: Look },
): Plane {
  const { look, open, roi } = read;
  const log: Plane = { ...signal, data: new Float32Array(signal.data.length) };
  for (let i = 0; i < log.data.length; i++) log.data[i] = Math.log(read.unattenuated / Math.max(0.5, signal.data[i]!));
  const whole: Region = { open, roi: [0, 0, log.width, log.height], floor: -Infinity };
  const [air] = quantiles(log, whole, [0.02]);
  const [mid] = quantiles(log, { ...whole, floor: air! + 0.5 }, [0.5]);
  for (let i = 0; i < log.data.length; i++) if (!open[i]) log.data[i] = mid!;
  const gain: number[] = [];
  for (let scale = read.spacing; scale < 40; scale *= 2) gain.push(scale < 0.25 ? look.noiseGain : scale < 3 ? look.detailGain : look.broadGain);
  const eq = equalise(log, { gain, power: look.power, residual: look.residual });
  // The window comes from the anatomy round the spine, as a reader's exposure recognition would find it.
  const [lo, hi] = quantiles(eq, { open, roi, floor: -Infinity }, [look.floor, 0.997]);
  const span = Math.max(1e-6, hi! - lo!);
  const { toe, shoulder, knee, gamma } = look;
  const soft = (x: number): number => (x > 30 ? x : Math.log1p(Math.exp(x)));
  const curve = (x: number): number => Math.min(1, Math.max(0, (soft(knee * (x - toe)) - soft(knee * (x - shoulder))) / (knee * (shoulder - toe)))) ** gamma;
  // The tone curve as a table over x in [−1, 2] (a share of the window), read to the nearest step.
  const lut = Float32Array.from({ length: LUT + 1 }, (_, k) => curve(-1 + (3 * k) / LUT));
  const out = eq.data;
  const raw = curve(1.2);
  for (let i = 0; i < out.length; i++) {
    if (!open[i]) out[i] = look.shutter === 'black' ? 0 : look.shutter === 'white' ? 1 : raw;
    else out[i] = lut[Math.max(0, Math.min(LUT, Math.round(((out[i]! - lo!) / span + 1) * (LUT / 3))))]!;
  }
  return eq;
}
