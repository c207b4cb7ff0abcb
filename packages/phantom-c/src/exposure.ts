import type { View } from '@vertxnet/core';
import { gaussian, plane, wideBlur, type Plane } from './filters.js';
import type { Rng } from './random.js';
import type { Tissue } from './solids.js';

/**
 * Effective linear attenuation per mm over what each tissue displaces, at the effective energy of
 * the film's beam (cervical films about 40–45 keV, lumbar about 50–60 keV).
 */
export function drawAttenuation(view: View, rng: Rng): Record<Tissue, number> {
  const water = (view === 'cervical' ? 0.025 : 0.021) * rng.uniform(0.93, 1.07);
  const bone = (view === 'cervical' ? 3.2 : 2.6) * rng.uniform(0.9, 1.1);
  return {
    soft: water,
    fat: -0.1 * water,
    gas: -water,
    cartilage: 0.12 * water,
    cancellous: (view === 'cervical' ? 0.5 : 0.42) * water * rng.uniform(0.85, 1.15),
    cortex: (bone - 1) * water,
    enamel: (bone * 1.5 - 1) * water,
  };
}

/** How the film was exposed and read: everything between the line integrals and the detector's counts. */
export interface Exposure {
  /** Mean primary quanta per pixel behind the labelled bodies. */
  dose: number;
  /** Beam hardening: attenuation A is felt as ln(1 + kA)/k. */
  hardening: number;
  /** Anode heel: relative fluence change from the top of the field to the bottom. */
  heel: number;
  /** Scatter-to-primary ratio behind the spine, and the reach of the scatter kernel (mm). */
  scatter: number;
  scatterReach: number;
  /** Phosphor spread (mm), and the share and reach (mm) of long-range glare. */
  blur: number;
  glare: number;
  glareReach: number;
  /** Electronic noise, quanta per pixel (rms). */
  electronic: number;
  /** Primary let through by the collimator blades. */
  leak: number;
  /** Column-to-column gain spread left after flat-field correction. */
  banding: number;
}

export function drawExposure(view: View, rng: Rng): Exposure {
  return {
    dose: rng.logUniform(view === 'cervical' ? 120 : 60, view === 'cervical' ? 2500 : 1200),
    hardening: rng.uniform(0.02, 0.07),
    heel: rng.uniform(-0.16, 0.16),
    scatter: view === 'cervical' ? rng.uniform(0.2, 1.2) : rng.uniform(0.4, 2.5),
    scatterReach: rng.uniform(18, 60),
    blur: rng.uniform(0.05, 0.16),
    glare: rng.uniform(0.02, 0.09),
    glareReach: rng.uniform(1, 4),
    electronic: rng.uniform(0.5, 4),
    leak: rng.uniform(0.005, 0.03),
    banding: rng.chance(0.35) ? rng.uniform(0.002, 0.008) : 0,
  };
}

/** The scene as the detector sees it: attenuation per pixel, the collimated field, where to meter. */
export interface Scene {
  attenuation: Plane;
  /** 1 where the collimator lets the primary through. */
  open: Uint8Array;
  /** Pixel indices behind the labelled bodies, where the dose is metered. */
  meter: number[];
  spacing: number;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;

/**
 * Detected quanta per pixel: Beer–Lambert primary under the heel effect, scatter from the irradiated
 * patient (not from air) spread wide, quantum and electronic noise, then phosphor blur and glare.
 */
export function expose(scene: Scene, e: Exposure, rng: Rng): { signal: Plane; unattenuated: number } {
  const { width: w, height: h } = scene.attenuation;
  const a = scene.attenuation.data;
  const k = e.hardening;
  const felt = (x: number): number => Math.log1p(k * Math.max(0, x)) / k;
  const n0 = e.dose * Math.exp(median(scene.meter.map((i) => felt(a[i]!))));
  const primary = plane(w, h);
  const source = plane(w, h);
  for (let y = 0; y < h; y++) {
    const heel = n0 * (1 + e.heel * (y / h - 0.5));
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const t = Math.exp(-felt(a[i]!));
      const gate = scene.open[i] ? 1 : e.leak;
      primary.data[i] = heel * gate * t;
      // Scatter starts where the beam is absorbed and leaves the patient about halfway through.
      source.data[i] = heel * gate * (1 - t) * Math.sqrt(t);
    }
  }
  const spread = wideBlur(source, e.scatterReach / scene.spacing);
  const ref = scene.meter.length ? scene.meter : [0];
  const gain = (e.scatter * median(ref.map((i) => primary.data[i]!))) / Math.max(1e-9, median(ref.map((i) => spread.data[i]!)));
  const detected = plane(w, h);
  const column = Float32Array.from({ length: w }, () => 1 + e.banding * rng.normal());
  for (let i = 0; i < w * h; i++) {
    const mean = primary.data[i]! + gain * spread.data[i]!;
    // Quantum (Poisson-like, variance = mean) and electronic noise, drawn as one normal.
    detected.data[i] = Math.max(0, (mean + Math.sqrt(mean + e.electronic * e.electronic) * rng.normal()) * column[i % w]!);
  }
  const sharp = gaussian(detected, Math.max(0.35, e.blur / scene.spacing));
  const halo = wideBlur(sharp, e.glareReach / scene.spacing);
  for (let i = 0; i < w * h; i++) sharp.data[i] = (1 - e.glare) * sharp.data[i]! + e.glare * halo.data[i]!;
  return { signal: sharp, unattenuated: n0 };
}
