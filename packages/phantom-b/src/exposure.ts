import { gaussianBlur } from './filters.js';
import type { Box } from './geometry.js';
import type { FilmRandom } from './random.js';

/** The acquisition: tube output shape, scatter, grid, dose and detector. */
export interface Acquisition {
  /** Anode heel: relative fluence change from one film edge to the other. */
  heel: number;
  heelAlongY: boolean;
  /** Scatter fluence as a share of the locally averaged primary. */
  scatter: number;
  /** Spread of the scatter, mm. */
  scatterMm: number;
  /** Mean detected quanta per pixel behind the spine (the automatic exposure control's target). */
  quanta: number;
  /** Additive electronic noise, in quanta. */
  electronic: number;
  /** Detector (phosphor) blur, mm. */
  blurMm: number;
  /** Anti-scatter grid line shadows, if the grid's lines show. */
  grid?: { periodPx: number; depth: number; vertical: boolean };
  /** Fluence left behind the collimator blades. */
  bladeLeak: number;
}

export function drawAcquisition(rng: FilmRandom): Acquisition {
  const acq: Acquisition = {
    heel: rng.between(-0.18, 0.18),
    heelAlongY: rng.chance(0.7),
    scatter: rng.between(0.08, 0.45),
    scatterMm: rng.between(15, 45),
    quanta: Math.exp(rng.between(Math.log(150), Math.log(2500))),
    electronic: rng.between(0.5, 4),
    blurMm: rng.between(0.1, 0.3),
    bladeLeak: rng.between(0.005, 0.03),
  };
  if (rng.chance(0.3)) acq.grid = { periodPx: rng.between(2.6, 7), depth: rng.between(0.015, 0.06), vertical: rng.chance(0.5) };
  return acq;
}

/**
 * Forms the detector signal from line integrals A: primary exp(−A) under the heel and blades, plus
 * broad scatter, grid shadows, Poisson-like quantum noise (variance = mean count) and electronic
 * noise, then the detector's blur. The dose is set so that `reference` (the spine's mean A) gets the
 * target count. Returns the signal in units of the unattenuated fluence.
 */
export function expose(a: Float32Array, w: number, h: number, field: Box, spacing: number, acq: Acquisition, reference: number, rng: FilmRandom): Float32Array {
  const primary = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const along = acq.heelAlongY ? y / h : x / w;
      const open = x >= field.x0 && x < field.x1 && y >= field.y0 && y < field.y1;
      primary[y * w + x] = Math.exp(-a[y * w + x]!) * (1 + acq.heel * (along - 0.5)) * (open ? 1 : acq.bladeLeak);
    }
  }
  const scatter = gaussianBlur(primary, w, h, acq.scatterMm / spacing);
  const perUnit = acq.quanta * Math.exp(reference);
  const signal = new Float32Array(w * h);
  const gridVertical = acq.grid?.vertical ?? false;
  const grid = acq.grid ? gridShadow(gridVertical ? w : h, acq.grid.periodPx, acq.grid.depth) : undefined;
  // Quantum (variance = mean) and electronic noise are independent: one normal with their summed variance.
  const electronic2 = acq.electronic * acq.electronic;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const k = y * w + x;
      let fluence = primary[k]! + acq.scatter * scatter[k]!;
      if (grid) fluence *= grid[gridVertical ? x : y]!;
      const mean = fluence * perUnit;
      const count = mean + Math.sqrt(mean + electronic2) * rng.normal();
      signal[k] = Math.max(count, 0.5) / perUnit;
    }
  }
  return gaussianBlur(signal, w, h, acq.blurMm / spacing);
}

/** Transmission of the grid's lead strips along one axis. */
function gridShadow(n: number, period: number, depth: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = 1 - depth * (0.5 + 0.5 * Math.cos((2 * Math.PI * i) / period));
  return out;
}
