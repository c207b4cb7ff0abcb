import { toWorld, type BodyShape } from './body.js';
import type { Point } from './geometry.js';
import type { Vertebra } from './column.js';
import type { FilmRandom } from './random.js';
import { ellipse, tube, type Matter, type Solid } from './solids.js';

/** Bone matter: trabecular core (excess over soft tissue) and a cortical shell. */
export function bone(mu: number, depth: number, round: number, cortexMu: number, cortex: number): Matter {
  return { mu, depth, round, cortex: { mu: cortexMu, thickness: cortex } };
}

/** The body itself: a rounded block as wide (left–right) as it is deep, with a thin cortex. */
export function bodyMatter(b: BodyShape, lumbar: boolean): Matter {
  return bone(lumbar ? 0.009 : 0.011, b.depth * (lumbar ? 1.35 : 1.2), b.depth * 0.3, 0.045, lumbar ? 1.3 : 0.9);
}

const W = (b: BodyShape, u: number, v: number): Point => toWorld(b, u, v);

/** Pedicle, articular pillar, lamina and spinous process of a cervical or upper thoracic vertebra. */
export function cervicalArch(v: Vertebra, rng: FilmRandom): Solid[] {
  const b = v.body;
  const a = b.depth / 2;
  const hh = b.posteriorHeight / 2;
  const root = -a - v.pedicle;
  const spinous = v.spinous * rng.between(0.75, 1.1);
  const slope = rng.between(3, 6);
  const pillar = [W(b, root + 1, -hh - 1.5), W(b, root - 9, -hh - 1.5 + slope), W(b, root - 9, hh + 1.5 + slope), W(b, root + 1, hh + 1.5)];
  const thoracic = v.level.startsWith('T');
  const dip = (thoracic ? rng.between(40, 58) : v.level === 'C2' ? rng.between(5, 18) : rng.between(12, 30)) * (Math.PI / 180);
  const base = W(b, root - 8, 0.2 * hh + slope);
  const tipU = root - 8 - spinous * Math.cos(dip);
  const tipV = 0.2 * hh + slope + spinous * Math.sin(dip);
  const tip = W(b, tipU, tipV);
  const spineR = v.level === 'C2' ? 4.5 : rng.between(2.4, 3.4);
  return [
    tube([W(b, -a + 1, -0.2 * hh), W(b, root, -0.15 * hh)], 0.32 * hh, bone(0.016, 14, 2.5, 0.03, 0.8)),
    { kind: 'outline', points: pillar, matter: bone(0.014, 24, 3, 0.028, 0.9) },
    tube([W(b, root - 5, 0.1 * hh + slope), base], 4, bone(0.016, 9, 2.5, 0.03, 0.8)),
    { kind: 'outline', points: taperedProcess(base, tip, spineR * 1.5, spineR), matter: bone(0.018, 8, 2, 0.03, 0.8) },
  ];
}

/** Pedicle, facets, transverse process and the hatchet-shaped spinous process of a lumbar or lower thoracic vertebra. */
export function lumbarArch(v: Vertebra, rng: FilmRandom): Solid[] {
  const b = v.body;
  const a = b.depth / 2;
  const hh = b.posteriorHeight / 2;
  const root = -a - v.pedicle;
  const thoracic = v.level.startsWith('T');
  const pedicle = tube([W(b, -a + 2, -0.4 * hh), W(b, root, -0.3 * hh)], 0.26 * b.posteriorHeight, bone(0.013, 18, 4, 0.03, 1.1));
  const facets = [
    ellipse(W(b, root - 1, -hh - 1), 5.5, 8.5, bone(0.014, 16, 3, 0.03, 1), -0.3),
    ellipse(W(b, root - 6, hh + 2), 5.5, 8.5, bone(0.014, 16, 3, 0.03, 1), -0.3),
  ];
  const transverse = ellipse(W(b, root + 2, -0.15 * hh), 7, 5, bone(0.006, 30, 3, 0.012, 1));
  const back = root - 7;
  let spinous: Solid;
  if (thoracic) {
    const dip = rng.between(38, 55) * (Math.PI / 180);
    const tip = W(b, back - v.spinous * Math.cos(dip), 0.1 * hh + v.spinous * Math.sin(dip));
    const r = rng.between(3, 4);
    spinous = { kind: 'outline', points: taperedProcess(W(b, back + 3, -0.1 * hh), tip, 2 * r, r), matter: bone(0.016, 9, 2.5, 0.03, 1) };
  } else {
    const len = v.spinous;
    const drop = rng.between(2, 7);
    spinous = {
      kind: 'outline',
      points: [W(b, back + 3, -0.55 * hh), W(b, back - len, -0.45 * hh + drop), W(b, back - len - 1, 0.55 * hh + drop), W(b, back + 3, 0.7 * hh)],
      matter: bone(0.014, 10, 3.5, 0.032, 1.2),
    };
  }
  const lamina = tube([W(b, root - 2, 0.1 * hh), W(b, back, 0.1 * hh)], 0.35 * hh, bone(0.014, 14, 3, 0.03, 1));
  return [pedicle, ...facets, transverse, lamina, spinous];
}

/** Dens on C2 and the atlas (anterior arch, lateral masses, posterior arch) around it. */
export function atlasAndDens(c2: Vertebra, rng: FilmRandom): Solid[] {
  const b = c2.body;
  const a = b.depth / 2;
  const hh = b.posteriorHeight / 2;
  const dens = rng.between(13, 17);
  const densU = -0.05 * a;
  const archV = -hh - 0.62 * dens;
  const archU = densU + 5 + rng.between(1.5, 3) + 3.5;
  const back = W(b, -a - rng.between(26, 34), archV + rng.between(-3, 3));
  return [
    tube([W(b, densU, -hh + 2), W(b, densU - 1.5, -hh - dens + 5)], 5, bone(0.016, 11, 2.5, 0.035, 0.9)),
    ellipse(W(b, archU, archV), 3.6, 5.8, bone(0.02, 10, 2, 0.035, 0.9), -b.tilt),
    ellipse(W(b, -0.2 * a, archV + 1), 9, 6.5, bone(0.012, 24, 3, 0.026, 1), -b.tilt),
    tube([W(b, -a - 4, archV), back], 3.5, bone(0.016, 9, 2, 0.03, 0.8)),
    ellipse(back, 5, 4.5, bone(0.016, 10, 2, 0.03, 0.8)),
  ];
}

/** The fused sacrum below S1 (S2–S5, curving anteriorly) with its coccyx, and the alae over S1. */
export function sacrumBlock(s1: Vertebra, rng: FilmRandom): Solid[] {
  const b = s1.body;
  const a = b.depth / 2;
  const top = b.posteriorHeight / 2 + rng.between(1.5, 2.5);
  const length = rng.between(75, 100);
  const bendTip = rng.between(10, 24);
  const front: Point[] = [];
  const backSide: Point[] = [];
  for (let k = 0; k <= 12; k++) {
    const f = k / 12;
    const v = top + f * length;
    const uc = bendTip * f * f - 3 * f;
    const half = a * (0.95 - 0.6 * f);
    front.push(W(b, uc + half, v));
    backSide.push(W(b, uc - half - 4 * (1 - f), v));
  }
  const block = [...front, ...backSide.reverse()];
  const tipU = bendTip - 3;
  const coccyx = tube([W(b, tipU, top + length + 2), W(b, tipU + 6, top + length + 20)], 4, bone(0.012, 10, 2, 0.025, 0.8));
  const crest = tube([W(b, -a - 6, -b.posteriorHeight / 2), W(b, -a - 3, top + 0.6 * length)], 4, bone(0.014, 10, 2.5, 0.03, 1));
  const ala = ellipse(W(b, 0.1 * a, -0.1 * b.posteriorHeight), 0.8 * a, 0.45 * b.posteriorHeight, bone(0.004, 40, 6, 0.01, 1.5), -b.tilt);
  return [{ kind: 'outline', points: block, matter: bone(0.008, 35, 8, 0.035, 1.2) }, coccyx, crest, ala];
}

/** A process tapering from a wide base to a rounded tip (spinous processes). */
function taperedProcess(base: Point, tip: Point, baseHalf: number, tipHalf: number): Point[] {
  const len = Math.hypot(tip.x - base.x, tip.y - base.y) || 1;
  const dx = (tip.x - base.x) / len;
  const dy = (tip.y - base.y) / len;
  const nx = -dy;
  const ny = dx;
  const out: Point[] = [{ x: base.x + nx * baseHalf, y: base.y + ny * baseHalf }];
  for (let k = 0; k <= 8; k++) {
    const t = Math.PI / 2 - (Math.PI * k) / 8;
    out.push({ x: tip.x + tipHalf * (nx * Math.sin(t) + dx * Math.cos(t)), y: tip.y + tipHalf * (ny * Math.sin(t) + dy * Math.cos(t)) });
  }
  out.push({ x: base.x - nx * baseHalf, y: base.y - ny * baseHalf });
  return out;
}
