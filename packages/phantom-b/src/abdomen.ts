import { toWorld } from './body.js';
import type { Column, Vertebra } from './column.js';
import type { Point } from './geometry.js';
import { bone } from './posterior.js';
import type { FilmRandom } from './random.js';
import { ellipse, tube, type Solid } from './solids.js';

const at = (v: Vertebra, u: number, w: number): Point => toWorld(v.body, u, w);
const half = (v: Vertebra) => v.body.depth / 2;

function level(col: Column, name: string): Vertebra {
  const v = col.vertebrae.find((x) => x.level === name);
  if (!v) throw new RangeError(`no ${name} in the column`);
  return v;
}

/** Left and right ribs of T9–T12, sweeping from the costovertebral joint down and forward across the bodies. */
export function ribs(col: Column, rng: FilmRandom): Solid[] {
  const out: Solid[] = [];
  const matter = bone(0.004, 12, 3, 0.022, 1.2);
  for (const name of ['T9', 'T10', 'T11', 'T12']) {
    const v = level(col, name);
    const a = half(v);
    const reach = name === 'T11' || name === 'T12' ? rng.between(10, 40) : rng.between(60, 110);
    for (const side of [0, 1]) {
      const s = side * rng.between(5, 14);
      const path = [
        at(v, -a + 2, -0.3 * v.body.posteriorHeight),
        at(v, -a - 38 - s, -8 + s),
        at(v, -a - 22 - s, 22 + s),
        at(v, 0, 40 + s),
        at(v, a + reach, 62 + s + reach * 0.3),
      ];
      out.push(tube(path, rng.between(4, 6), matter));
    }
  }
  return out;
}

/** Iliac wings (crest near L4–L5), the sciatic buttress, femoral heads with acetabula. */
export function pelvis(col: Column, rng: FilmRandom): Solid[] {
  const l5 = level(col, 'L5');
  const s1 = level(col, 'S1');
  const out: Solid[] = [];
  const crestV = rng.between(-10, 18);
  for (const side of [0, 1]) {
    const s = side * rng.between(4, 15);
    const centre = at(l5, -half(l5) * 0.2 + rng.between(-12, 12) - s, crestV + 42 + s);
    const head = { x: s1.body.centre.x + rng.between(35, 70) - s, y: s1.body.centre.y + rng.between(75, 110) + s };
    out.push({ kind: 'outline', points: iliacWing(centre, head, rng), matter: bone(0.004, 20, 10, 0.035, 2.5) });
    out.push(ellipse(head, 24, 24, bone(0.006, 40, 8, 0.025, 2)));
    out.push(ellipse(head, 29, 29, { mu: 0, depth: 30, round: 6, cortex: { mu: 0.02, thickness: 2.5 } }));
  }
  return out;
}

/** Gas in the bowel: round pockets and sausage-shaped loops in front of the spine. */
export function bowelGas(col: Column, rng: FilmRandom): Solid[] {
  const out: Solid[] = [];
  const count = rng.int(2, 9);
  const candidates = col.vertebrae.filter((v) => v.level.startsWith('L'));
  for (let k = 0; k < count; k++) {
    const v = rng.pick(candidates);
    const c = at(v, half(v) + rng.between(5, 130), rng.between(-30, 40));
    const depth = rng.between(10, 35);
    if (rng.chance(0.4)) {
      const r = rng.between(6, 14);
      const turn = rng.between(0, Math.PI);
      const len = rng.between(20, 60);
      const end = { x: c.x + len * Math.cos(turn), y: c.y + len * Math.sin(turn) };
      out.push(tube([c, end], r, { mu: -0.019, depth, round: r * 0.95 }));
    } else {
      const rx = rng.between(6, 28);
      const ry = rng.between(5, 20);
      out.push(ellipse(c, rx, ry, { mu: -0.019, depth, round: Math.min(rx, ry) * 0.95 }, rng.between(0, Math.PI)));
    }
  }
  return out;
}

/** An iliac wing seen from the side: the crest as a wide arc on top, narrowing down to the acetabulum. */
function iliacWing(centre: Point, acetabulum: Point, rng: FilmRandom): Point[] {
  const rx = rng.between(50, 62);
  const ry = rng.between(36, 46);
  const out: Point[] = [];
  for (let k = 0; k <= 16; k++) {
    const t = Math.PI + (Math.PI * k) / 16;
    out.push({ x: centre.x + rx * Math.cos(t) * (1 + 0.08 * Math.sin(3 * t)), y: centre.y + ry * Math.sin(t) });
  }
  const neck = rng.between(14, 20);
  out.push({ x: centre.x + rx * 0.8, y: centre.y + ry * 0.2 }, { x: acetabulum.x + neck, y: acetabulum.y - 20 });
  out.push({ x: acetabulum.x - neck, y: acetabulum.y - 18 }, { x: centre.x - rx * 0.55, y: centre.y + ry * 0.5 });
  return out;
}
