import { toWorld } from './body.js';
import type { Column, Vertebra } from './column.js';
import { smoothPath, type Point } from './geometry.js';
import { bone } from './posterior.js';
import type { FilmRandom } from './random.js';
import { ellipse, tube, type Matter, type Solid } from './solids.js';

const soft = (depth: number, round: number, mu = 0.02): Matter => ({ mu, depth, round });
const gas = (depth: number, round: number): Matter => ({ mu: -0.019, depth, round });

const half = (v: Vertebra) => v.body.depth / 2;
const hh = (v: Vertebra) => v.body.posteriorHeight / 2;
const at = (v: Vertebra, u: number, w: number): Point => toWorld(v.body, u, w);
const byLevel = (col: Column, level: string): Vertebra => {
  const v = col.vertebrae.find((x) => x.level === level);
  if (!v) throw new RangeError(`no ${level} in the column`);
  return v;
};

/** The neck and head outline, with the skull vault, skull base, mandible, teeth and hyoid. */
export function headAndNeck(col: Column, rng: FilmRandom): Solid[] {
  const c2 = byLevel(col, 'C2');
  const last = col.vertebrae[col.vertebrae.length - 1]!;
  const front: Point[] = [at(c2, half(c2) + 95, -200), at(c2, half(c2) + rng.between(70, 95), -hh(c2) - 45)];
  const back: Point[] = [at(c2, -half(c2) - 95, -200), at(c2, -half(c2) - rng.between(55, 75), -hh(c2) - 30)];
  const throat = rng.between(38, 55);
  const nape = rng.between(16, 32);
  for (const v of col.vertebrae) {
    const low = v.level.startsWith('T');
    front.push(at(v, half(v) + throat + rng.between(-3, 3) + (low ? rng.between(20, 40) : 0), 0));
    back.push(at(v, -half(v) - v.pedicle - v.spinous - nape + rng.between(-3, 3) - (low ? 15 : 0), 0));
  }
  front.push(at(last, half(last) + 120, 200));
  back.push(at(last, -half(last) - 110, 200));
  const neck: Solid = { kind: 'outline', points: [...smoothPath(front), ...smoothPath(back).reverse()], matter: soft(rng.between(100, 130), 30) };
  const vault = ellipse(at(c2, half(c2) + rng.between(8, 25), -hh(c2) - 105), 95, 82, {
    mu: 0.002,
    depth: 140,
    round: 40,
    cortex: { mu: 0.035, thickness: 5 },
  });
  const base = ellipse(
    at(c2, rng.between(-10, 2), -hh(c2) - rng.between(26, 34)),
    rng.between(13, 18),
    rng.between(8, 12),
    bone(0.012, 40, 7, 0.03, 2),
    rng.between(-0.5, 0.5),
  );
  const angle = at(c2, half(c2) + rng.between(14, 24), -hh(c2) + rng.between(-4, 12));
  const chin = at(c2, half(c2) + rng.between(70, 85), hh(c2) + rng.between(8, 28));
  const condyle = at(c2, half(c2) + rng.between(6, 14), -hh(c2) - rng.between(34, 42));
  const jaw = bone(0.005, 16, 4, 0.03, 2);
  const c4 = byLevel(col, 'C4');
  const hyoid = at(c4, half(c4) + rng.between(28, 36), -hh(c4) + rng.between(-4, 4));
  return [
    neck,
    vault,
    base,
    tube([condyle, angle], 6, jaw),
    tube([angle, chin], 7.5, jaw),
    tube([hyoid, { x: hyoid.x + 14, y: hyoid.y + 2 }], 3, bone(0.012, 20, 2, 0.03, 0.8)),
  ];
}

/** The air column (naso/oropharynx, larynx, trachea) in front of the cervical bodies. */
export function airway(col: Column, rng: FilmRandom): Solid {
  const c2 = byLevel(col, 'C2');
  const radius = rng.between(5.5, 9);
  const path: Point[] = [at(c2, half(c2) + rng.between(10, 16) + radius, -hh(c2) - 32)];
  for (const v of col.vertebrae) {
    const prevertebral = ['C2', 'C3', 'C4'].includes(v.level) ? rng.between(3, 6) : rng.between(12, 18);
    path.push(at(v, half(v) + prevertebral + radius, 0));
  }
  return tube(path, radius, gas(rng.between(14, 22), radius * 0.8));
}

/** Shoulders over the cervicothoracic junction: soft tissue, humeral heads and clavicles. */
export function shoulders(col: Column, rng: FilmRandom): Solid[] {
  const level = rng.pick(['C6', 'C7', 'T1', 'T2']);
  const v = byLevel(col, level);
  const out: Solid[] = [];
  for (const side of [0, 1]) {
    const shift = side * rng.between(6, 18);
    out.push(ellipse(at(v, rng.between(-30, 10) - shift, 75 + shift), 85, 78, soft(rng.between(35, 60), 60)));
    out.push(ellipse(at(v, -half(v) - rng.between(0, 30) - shift, 55 + shift), 24, 25, bone(0.004, 35, 8, 0.025, 2.5)));
    out.push(tube([at(v, half(v) + 45, 22 + shift), at(v, -half(v) - 45, 8 + shift)], 5, bone(0.004, 12, 3, 0.025, 1.5)));
  }
  return out;
}

/** Trunk soft tissue around the lumbar spine. */
export function trunk(col: Column, rng: FilmRandom): Solid {
  const first = col.vertebrae[0]!;
  const last = col.vertebrae[col.vertebrae.length - 1]!;
  const front: Point[] = [at(first, half(first) + 200, -220)];
  const back: Point[] = [at(first, -half(first) - 90, -220)];
  const belly = rng.between(140, 240);
  const backFat = rng.between(22, 50);
  for (const v of col.vertebrae) {
    front.push(at(v, half(v) + belly + rng.between(-8, 8), 0));
    back.push(at(v, -half(v) - v.pedicle - Math.max(v.spinous, 40) - backFat + rng.between(-4, 4), 0));
  }
  front.push(at(last, half(last) + 220, 220));
  back.push(at(last, -half(last) - 120, 220));
  return { kind: 'outline', points: [...smoothPath(front), ...smoothPath(back).reverse()], matter: soft(rng.between(250, 340), 70, 0.019) };
}
