import type { View } from '@vertxnet/core';
import { deg } from './geometry.js';
import type { LevelDims } from './morphometry.js';
import type { Rng } from './random.js';
import type { BodySolid } from './solids.js';

/** Who is on the table: overall size, how worn the spine is, bone density and habitus. */
export interface Patient {
  /** Linear scale of every bone, 0.85–1.15. */
  size: number;
  /** Degeneration, 0 (young) to 1 (old): narrows discs, grows spurs and sclerosis, thins bone. */
  age: number;
  /** Cancellous bone density as a share of a young adult's. */
  density: number;
  /** Disc height as a share of the table's. */
  discs: number;
  /** Soft-tissue girth as a share of average. */
  girth: number;
  /** Lateral tilt of the spine against the beam (scoliosis, rotation), per mm. */
  tilt: number;
}

export function drawPatient(rng: Rng): Patient {
  const age = rng.next() ** 0.8;
  return {
    size: rng.uniform(0.85, 1.15),
    age,
    density: rng.around(1.1 - 0.45 * age, 0.08),
    discs: rng.around(1.08 - 0.3 * age, 0.08),
    girth: rng.logUniform(0.8, 1.35),
    tilt: rng.around(0, 0.025),
  };
}

/** The body solid of a level, frame left unset: profile, cortex, sclerosis, spurs for this patient. */
export function bodyShape(d: LevelDims, options: { view: View; patient: Patient }, rng: Rng): BodySolid {
  const { view, patient } = options;
  const cervical = view === 'cervical';
  const spurred = rng.chance(0.08 + 0.45 * patient.age ** 2);
  // The anterior-inferior lip hanging over the disc is a cervical body's, not a thoracic one's.
  const lip = d.level.startsWith('C') ? (d.level === 'C2' ? rng.uniform(1.8, 3.2) : rng.uniform(0.6, 2.0)) : 0;
  return {
    kind: 'body',
    frame: { origin: { x: 0, y: 0 }, angle: 0 },
    profile: {
      halfDepth: d.depth / 2,
      halfHeight: d.height / 2,
      wedge: deg(d.wedge),
      taper: d.level === 'S1' ? rng.uniform(0.05, 0.14) : rng.around(0, 0.02),
      cupTop: cervical ? rng.uniform(0.2, 0.7) : rng.uniform(0.5, 1.6),
      cupBottom: cervical ? rng.uniform(0.4, 1.1) : rng.uniform(0.5, 1.6),
      waistFront: cervical ? rng.uniform(0.2, 0.7) : rng.uniform(0.7, 2.0),
      waistBack: cervical ? rng.uniform(0, 0.3) : rng.uniform(0.2, 0.9),
      cornerRadius: cervical ? rng.uniform(0.8, 1.6) : rng.uniform(1.5, 3),
      spur: spurred ? (cervical ? rng.uniform(0.8, 2.5) : rng.uniform(1.5, 5)) : 0,
      lip,
    },
    width: d.width,
    cortex: cervical ? rng.uniform(0.55, 0.9) : rng.uniform(0.8, 1.3),
    endplate: cervical ? rng.uniform(0.6, 1.0) : rng.uniform(0.8, 1.4),
    sclerosis: rng.chance(0.05 + 0.3 * patient.age) ? rng.uniform(1.5, cervical ? 3 : 5) : 0,
    density: patient.density * rng.around(1, 0.06),
    grain: rng.int(1, 2 ** 30),
    tilt: patient.tilt + rng.around(0, 0.006),
  };
}
