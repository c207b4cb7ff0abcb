import type { Level, View } from '@vertxnet/core';
import { add, deg, normalTo, along, scale, type Frame } from './geometry.js';
import { columnLevels, SACRAL_SEGMENTS, type LevelDims } from './morphometry.js';
import type { Rng } from './random.js';
import { bodyShape, type Patient } from './patient.js';
import type { BodySolid } from './solids.js';

/** A placed vertebra: its scaled dimensions, body solid and endplate frames (origin at mid-depth). */
export interface Vertebra {
  level: Level;
  dims: LevelDims;
  body: BodySolid;
  superior: Frame;
  inferior: Frame;
}

/** The drawn column, top to bottom, and the fused sacral segments below S1 (lumbar films). */
export interface Column {
  view: View;
  vertebrae: Vertebra[];
  sacrum: Vertebra[];
}

/** The disc under a body: mid-depth height, wedge (radians, positive lordotic), forward slip of the body above. */
interface Disc {
  height: number;
  wedge: number;
  slip: number;
}

function scaled(d: LevelDims, patient: Patient, rng: Rng): LevelDims {
  const j = (): number => patient.size * rng.around(1, 0.035);
  return {
    ...d,
    depth: d.depth * j(),
    height: d.height * j(),
    width: d.width * j(),
    wedge: d.wedge + rng.around(0, 1.2),
    pedicle: [d.pedicle[0] * j(), d.pedicle[1] * j()],
    canal: d.canal * j(),
    spinous: [d.spinous[0] * j(), d.spinous[1] + rng.around(0, 5)],
  };
}

/** Places a body on `endplate` (the one it rests on, or hangs from when going down), across `disc`. */
function place(args: { dims: LevelDims; shape: BodySolid; endplate: Frame; disc: Disc; up: boolean }): Vertebra {
  const { dims, shape, endplate, disc, up } = args;
  const sign = up ? 1 : -1;
  const h = shape.profile.halfHeight;
  const start = endplate.angle + sign * disc.wedge;
  let mid = add(endplate.origin, scale(normalTo(endplate.angle + (sign * disc.wedge) / 2), sign * disc.height));
  mid = add(mid, scale(along(start), disc.slip));
  const psi = start + (sign * shape.profile.wedge) / 2;
  const centre = add(mid, scale(normalTo(psi), sign * h));
  const far: Frame = { origin: add(centre, scale(normalTo(psi), sign * h)), angle: start + sign * shape.profile.wedge };
  const near: Frame = { origin: mid, angle: start };
  const body: BodySolid = { ...shape, frame: { origin: centre, angle: psi } };
  return { level: dims.level, dims, body, inferior: up ? near : far, superior: up ? far : near };
}

/** Shares `total` degrees of curvature over discs by weight, with per-disc jitter. */
function share(total: number, weights: number[], rng: Rng): number[] {
  const w = weights.map((x) => x * rng.uniform(0.6, 1.4));
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((x) => deg((total * x) / sum));
}

/** Disc wedges (radians) under each drawn level, top to bottom; the last entry is unused. */
function discWedges(drawn: LevelDims[], options: { view: View; slope: number }, rng: Rng): number[] {
  const { view, slope } = options;
  const bodyWedge = (from: number, to: number): number => drawn.slice(from, to).reduce((a, d) => a + d.wedge, 0);
  const wedges = drawn.map(() => deg(rng.around(-2, 1)));
  if (view === 'cervical') {
    // C2–C7 lordosis (inferior endplates of C2 and C7) follows the T1 slope, 8–22° short of it, so
    // the head sits over the trunk: from a slight kyphosis to a deep lordosis.
    const lordosis = slope - rng.uniform(8, 22) - bodyWedge(1, 6);
    share(lordosis, [0.15, 0.18, 0.22, 0.24, 0.21], rng).forEach((w, i) => (wedges[i] = w));
    wedges[5] = deg(rng.around(1, 2));
  } else {
    // L1–S1 lordosis (superior endplates of L1 and S1) follows the sacral slope, up to 25° beyond it,
    // most of it in the lowest two discs.
    const l1 = drawn.findIndex((d) => d.level === 'L1');
    const lordosis = slope + rng.uniform(0, 25) - bodyWedge(l1, l1 + 5);
    share(lordosis, [0.08, 0.12, 0.18, 0.27, 0.35], rng).forEach((w, i) => (wedges[l1 + i] = w));
    wedges[l1 - 1] = deg(rng.around(-0.5, 2));
  }
  return wedges;
}

function discs(drawn: LevelDims[], options: { view: View; patient: Patient; slope: number }, rng: Rng): Disc[] {
  const { view, patient, slope } = options;
  const wedges = discWedges(drawn, { view, slope }, rng);
  const slipAt = rng.chance(view === 'lumbar' ? 0.1 + 0.1 * patient.age : 0.08) ? rng.int(view === 'lumbar' ? 7 : 1, drawn.length - 4) : -1;
  return drawn.map((d, i) => {
    const worn = rng.chance(0.5 * patient.age) ? rng.uniform(0.4, 0.75) : 1;
    const wedge = wedges[i]!;
    const height = Math.max(d.discBelow * patient.size * patient.discs * worn, (d.depth / 2) * Math.tan(Math.abs(wedge)) + 1.2);
    const slip = i === slipAt ? rng.uniform(2, 7) * (rng.chance(0.75) ? 1 : -0.6) : 0;
    return { height, wedge, slip };
  });
}

/** Builds the column of one film: cervical from the T1 endplate up and down, lumbar from the S1 endplate. */
export function buildColumn(view: View, patient: Patient, rng: Rng): Column {
  const drawn = columnLevels(view).map((d) => scaled(d, patient, rng));
  // The anchor's slope: T1's (cervical) or the sacral slope (lumbar), in degrees.
  const slope = view === 'cervical' ? rng.uniform(14, 34) : rng.uniform(30, 50);
  const disc = discs(drawn, { view, patient, slope }, rng);
  const anchorLevel = view === 'cervical' ? 'T1' : 'S1';
  const k = drawn.findIndex((d) => d.level === anchorLevel);
  const anchor: Frame = { origin: { x: 0, y: 0 }, angle: -deg(slope) };
  const out: Vertebra[] = [];
  const flat: Disc = { height: 0, wedge: 0, slip: 0 };
  let below = place({ dims: drawn[k]!, shape: bodyShape(drawn[k]!, { view, patient }, rng), endplate: anchor, disc: flat, up: false });
  out.push(below);
  for (let i = k - 1; i >= 0; i--) {
    below = place({ dims: drawn[i]!, shape: bodyShape(drawn[i]!, { view, patient }, rng), endplate: below.superior, disc: disc[i]!, up: true });
    out.unshift(below);
  }
  let above = out[out.length - 1]!;
  for (let i = k + 1; i < drawn.length; i++) {
    above = place({ dims: drawn[i]!, shape: bodyShape(drawn[i]!, { view, patient }, rng), endplate: above.inferior, disc: disc[i - 1]!, up: false });
    out.push(above);
  }
  return { view, vertebrae: out, sacrum: view === 'lumbar' ? sacralSegments(above, patient, rng) : [] };
}

/** S2–S5 hang from S1 as fused segments, curving forward (sacral kyphosis), across remnant discs. */
function sacralSegments(s1: Vertebra, patient: Patient, rng: Rng): Vertebra[] {
  const out: Vertebra[] = [];
  let above = s1;
  for (const [level, depth, height, width] of SACRAL_SEGMENTS) {
    const dims: LevelDims = { ...s1.dims, level, depth: depth * patient.size, height: height * patient.size, width: width * patient.size, wedge: 0 };
    const shape = bodyShape(dims, { view: 'lumbar', patient }, rng);
    shape.profile = { ...shape.profile, taper: 0.1, spur: 0, cupTop: 0.2, cupBottom: 0.2, waistFront: 0.8, waistBack: 0.2 };
    shape.cortex = 0.5;
    shape.endplate = level === 'S2' ? 0.6 : 0.15;
    shape.sclerosis = 0;
    const disc: Disc = { height: (level === 'S2' ? 1.4 : 0.3) * patient.size, wedge: -deg(rng.uniform(6, 13)), slip: 0 };
    above = place({ dims, shape, endplate: above.inferior, disc, up: false });
    out.push(above);
  }
  return out;
}
