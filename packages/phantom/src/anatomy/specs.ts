import type { Level } from '@vertxnet/core';
import type { Rng } from '../prng.js';
import type { Corner, LevelSpec } from './column.js';
import { DEFAULT_ANATOMY, widen, type AnatomyVariation } from './variation.js';

/** Textbook size of one level and of the disc below it (mm, degrees). */
export interface BaseLevel {
  level: Level;
  labelled: boolean;
  height: number;
  depth: number;
  disc: number;
  /** Lordotic angle of the disc below, degrees. */
  discAngle: number;
  /** Kyphotic wedge of the body, degrees. */
  wedge: number;
  /** Sacral and coccygeal segments: fused, no degeneration. */
  fused?: boolean;
}

export interface ShapeOptions {
  /** Overall scale of the patient. */
  size: number;
  /** 0 young … 1 old: disc narrowing and osteophytes. */
  age: number;
  /** Largest osteophyte, mm. */
  spurMax: number;
  /** Ankylosing spondylitis: squared bodies (no anterior concavity). */
  squared: boolean;
  /** Endplate concavity, mm. */
  concavity: number;
  /** Wider ranges than the generator's own (`--anatomy random`); identity by default. */
  variation?: AnatomyVariation;
}

const DEG = Math.PI / 180;

/** Turns textbook levels into one patient's levels: size, aspect, wedging, concavity, disc height, spurs. */
export function patientLevels(rng: Rng, base: readonly BaseLevel[], o: ShapeOptions): LevelSpec[] {
  const v = o.variation ?? DEFAULT_ANATOMY;
  const aspect = rng.gauss(1, 0.07, 0.85, 1.15) * v.aspect;
  const specs: LevelSpec[] = base.map((b) => {
    const height = b.height * o.size * aspect * widen(rng.gauss(1, 0.05, 0.88, 1.12), v.levelSpread);
    const depth = (b.depth * o.size * widen(rng.gauss(1, 0.045, 0.9, 1.1), v.levelSpread)) / Math.sqrt(aspect);
    const narrow = !b.fused && rng.chance(0.08 + 0.35 * o.age) ? rng.range(0.25, 0.7) : 1;
    const disc = b.disc * o.size * narrow * rng.gauss(1, 0.12, 0.6, 1.4) * (b.fused ? 1 : v.disc);
    const concave = b.fused ? 0.1 : o.concavity;
    const extraWedge = v.rng && !b.fused ? v.rng.gauss(0, v.wedgeSd) : 0;
    return {
      level: b.level,
      labelled: b.labelled,
      height,
      depth,
      rounding: v.rounding,
      wedge: (b.wedge + rng.gauss(0, 1.5) + extraWedge) * DEG,
      discBelow: disc,
      discAngle: (b.discAngle + rng.gauss(0, 2)) * DEG,
      slipBelow: 0,
      superiorConcavity: concave * rng.range(0.4, 1.3) * height * 0.06,
      inferiorConcavity: concave * rng.range(0.4, 1.3) * height * 0.06,
      anteriorConcavity: o.squared ? rng.range(-0.05, 0.02) * height : rng.range(0.01, 0.06) * height,
      posteriorConcavity: rng.range(0.0, 0.04) * height,
      spurs: {},
    };
  });
  if (v.fracture) {
    const labelled = specs.filter((spec, k) => spec.labelled && !base[k]!.fused);
    const target = labelled[Math.min(v.fracture.labelledIndex, labelled.length - 1)];
    if (target) target.wedge += v.fracture.degrees * DEG;
  }
  for (let k = 0; k < specs.length; k++) {
    const spec = specs[k]!;
    if (base[k]!.fused) continue;
    const above = specs[k - 1];
    const tan = (s: LevelSpec) => Math.tan(s.discAngle) * (s.depth / 2);
    // Spurs may reach at most 40% into the neighbouring disc, so bodies never overlap.
    const room: Record<Corner, number> = {
      superiorAnterior: above ? Math.max(0, above.discBelow + tan(above)) : 3,
      superiorPosterior: above ? Math.max(0, above.discBelow - tan(above)) : 3,
      inferiorAnterior: k < specs.length - 1 ? Math.max(0, spec.discBelow + tan(spec)) : 3,
      inferiorPosterior: k < specs.length - 1 ? Math.max(0, spec.discBelow - tan(spec)) : 3,
    };
    for (const corner of Object.keys(room) as Corner[]) {
      const anterior = corner.endsWith('Anterior');
      const p = (anterior ? 0.08 : 0.03) + (anterior ? 0.5 : 0.2) * o.age;
      if (!rng.chance(p)) continue;
      const reach = rng.range(0.2, 1) * o.spurMax * o.size;
      const vertical = Math.min(reach * rng.range(0.3, 0.9), 0.4 * room[corner]);
      const outward = reach * rng.range(0.3, 0.8);
      spec.spurs[corner] = [corner.startsWith('superior') ? -vertical : vertical, anterior ? outward : -outward];
    }
  }
  return specs;
}

/** Spreads a total lordosis (degrees) over the given discs with jitter. */
export function spreadLordosis(rng: Rng, specs: LevelSpec[], discIndices: number[], weights: number[], total: number): void {
  const jittered = weights.map((w) => Math.max(0.01, w * rng.gauss(1, 0.25)));
  const sum = jittered.reduce((a, b) => a + b, 0);
  discIndices.forEach((index, i) => {
    const spec = specs[index]!;
    spec.discAngle += ((total * jittered[i]!) / sum) * DEG;
  });
}
